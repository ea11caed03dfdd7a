/*
 * cmd_rules.c - `quell rules SUBCOMMAND`: work on rules files without ever
 * opening the database.
 *
 *   rules check [FILE]                 validate FILE (default: the rules
 *                                      in use, as --rules would find them)
 *   rules explain [--domain D] REPLY   which rule a reply matches, what it
 *   rules explain [--domain D] -       would do, and the verdict that would
 *                                      follow for an entry with no history
 *
 * `check` prints "FILE: N rules"; a bad file is the library's one line
 * "FILE:LINE:COL: message" on stderr, as it is, and exit 65.  A rule that
 * can never match is a line "FILE:LINE:COL: warning: message" on stderr
 * the same way, and leaves the exit status 0 (--json counts them).  `explain`
 * answers one line per input, in input order: ACTION<TAB>DETAIL
 * (render.c); stdin lines are REPLY or ADDR<TAB>REPLY.  It is the bulk
 * path of rule testing: lines are read in place and answered into the
 * stdout buffer, with no allocation per line here.
 *
 * The subcommands have table entries of their own (below), so that their
 * messages say "quell: rules explain:" and --help shows their usage.
 * Knows nothing of how rules are parsed or matched.
 */
#include <string.h>

#include "cli.h"

#define DEFAULT_NAME "<default rules>" /* as the library names them */

enum { OPT_DOMAIN = CLI_OPT_CMD };

static const struct option global_options[] = { CLI_GLOBAL_OPTIONS };
static const struct option explain_options[] = {
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	CLI_GLOBAL_OPTIONS
};

/* ------------------------------------------------------------------ check */

/* Each error or warning of the file: the contract's FILE:LINE:COL:
 * message, alone on its line; counted (a good file's are all warnings). */
static void print_error(void *arg, const char *message)
{
	size_t *count = arg;

	(*count)++;
	cli_put_enc(stderr, message, CLI_ENC_FIELD);
	fputc('\n', stderr);
}

static int rules_check(struct cli *cli, int argc, char **argv)
{
	const char *file = NULL;
	size_t n = 0, warnings = 0;
	int c, rc, status = 0;

	while ((c = cli_getopt(cli, argc, argv, global_options, &status)) != -1)
		if (c == CLI_STOP)
			return status;
	if (optind + 1 < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);
	if (optind < argc) {
		file = argv[optind];
		if (*file == '\0')
			return cli_usage_error(cli, "empty file name");
	} else if ((status = cli_rules_path(cli, &file)) != 0) {
		return status;
	}
	if ((status = cli_open(cli)) != 0)
		return status;
	rc = quell_rules_check(cli->h, file, print_error, &warnings, &n);
	if (rc == QUELL_EDATA)
		return CLI_EX_DATAERR;
	if (rc != 0)
		return cli_fail(cli, rc);
	if (cli->json) {
		json_t *o = json_object();

		if (o == NULL || cli_jset(o, "file", cli_jstr(file != NULL ? file : DEFAULT_NAME)) ||
		    cli_jset(o, "rules", cli_jnum(n)) ||
		    cli_jset(o, "warnings", cli_jnum(warnings))) {
			json_decref(o);
			return cli_oom(cli);
		}
		return cli_json_put(cli, o);
	}
	cli_put_enc(stdout, file != NULL ? file : DEFAULT_NAME, CLI_ENC_FIELD);
	printf(": %zu rule%s\n", n, n == 1 ? "" : "s");
	return 0;
}

/* ---------------------------------------------------------------- explain */

struct explain {
	const char *domain; /* --domain, or NULL */
	struct quell_outcome out;
	int invalid;        /* some line was refused */
};

static int explain(struct cli *cli, struct explain *e, const char *address, const char *reply,
                   const char *refused)
{
	int rc = QUELL_EDATA;

	if (refused != NULL)
		snprintf(e->out.error, sizeof e->out.error, "%s", refused);
	else
		rc = quell_explain(cli->h, address, e->domain, reply, cli->now, &e->out);
	return cli_outcome_put(cli, rc, NULL, address, &e->out, &e->invalid);
}

/* One line of stdin (cli_each_line): REPLY, or ADDR<TAB>REPLY (an empty
 * ADDR is no address).  Each is answered at once. */
static int explain_line(struct cli *cli, char *text, const char *refused, void *ctx)
{
	char *tab;

	if (text == NULL)
		return 0;
	if (refused != NULL)
		return explain(cli, ctx, NULL, NULL, refused);
	tab = strchr(text, '\t');
	if (tab == NULL)
		return explain(cli, ctx, NULL, text, NULL);
	*tab = '\0';
	return explain(cli, ctx, *text != '\0' ? text : NULL, tab + 1, NULL);
}

static int rules_explain(struct cli *cli, int argc, char **argv)
{
	struct explain e;
	int c, status = 0;

	memset(&e, 0, sizeof e);
	while ((c = cli_getopt(cli, argc, argv, explain_options, &status)) != -1) {
		switch (c) {
		case CLI_STOP:
			return status;
		case OPT_DOMAIN:
			if (*optarg == '\0')
				return cli_usage_error(cli, "--domain: empty domain");
			e.domain = optarg;
			break;
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "no reply given");
	if (optind + 1 < argc)
		return cli_usage_error(cli, "unexpected argument '%s' (quote the reply)",
		                       argv[optind + 1]);
	if ((status = cli_open(cli)) != 0)
		return status;
	if (strcmp(argv[optind], "-") == 0)
		status = cli_each_line(cli, explain_line, &e);
	else
		status = explain(cli, &e, NULL, argv[optind], NULL);
	if (status != 0)
		return status;
	return e.invalid ? CLI_EX_DATAERR : CLI_EX_OK;
}

/* ------------------------------------------------------------------ rules */

/* Names are "rules SUB": the prefix in messages and usage lines. */
static const struct cli_cmd cli_rules_subs[] = {
	{ "rules check", rules_check, "[FILE]",
	  "validate a rules file: FILE, or the rules that --rules would load", NULL, CLI_NODB,
	  NULL },
	{ "rules explain", rules_explain, "[--domain D] REPLY\n[--domain D] -",
	  "which rule a reply matches, what it would do, and the verdict for an entry\n"
	  "with no history; '-' reads REPLY or ADDR<TAB>REPLY lines from stdin",
	  "  --domain D           the recipient's domain, for rules with a domain condition\n",
	  CLI_NODB | CLI_RULES, NULL },
	{ NULL, NULL, NULL, NULL, NULL, 0, NULL }
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_rules = {
	.name = "rules",
	.fn = cmd_rules,
	.synopsis = "" /* usage and help: from cli_rules_subs */,
	.summary = "validate a rules file, or explain what a reply would do",
	.options =
		"  --domain D           explain: the recipient's domain, for rules with a\n"
		"                       domain condition\n",
	.flags = CLI_NODB | CLI_GROUP,
	.subs = cli_rules_subs,
};

int cmd_rules(struct cli *cli, int argc, char **argv)
{
	return cli_group(cli, argc, argv, cli_rules_subs, "check or explain");
}
