/*
 * cmd_rules.c - `quell rules SUBCOMMAND`: work on rules files (check,
 * explain and test never open the database), and what the rules did or
 * would do with the stored history (stats and diff: a read transaction).
 *
 *   rules check [FILE]                 validate FILE (default: the rules
 *                                      in use, as --rules would find them)
 *   rules explain [--domain D] REPLY   which rule a reply matches, what it
 *   rules explain [--domain D] -       would do, and the verdict that would
 *                                      follow for an entry with no history
 *   rules diff [--since T] [--domain D] NEWFILE
 *                                      the addresses whose verdict NEWFILE
 *                                      would change, by replaying history
 *   rules test CASES|-                 run REPLY<TAB>ACTION[/SCOPE][<TAB>RULE]
 *                                      cases through the same decision
 *   rules stats [--since T]            replies each rule decided, last time
 *
 * `check` prints "FILE: N rules"; a bad file is the library's one line
 * "FILE:LINE:COL: message" on stderr, as it is, and exit 65.  A rule that
 * can never match is a line "FILE:LINE:COL: warning: message" on stderr
 * the same way, and leaves the exit status 0 (--json counts them).  `explain`
 * answers one line per input, in input order: ACTION<TAB>DETAIL
 * (render.c); stdin lines are REPLY or ADDR<TAB>REPLY.  It is the bulk
 * path of rule testing: lines are read in place and answered into the
 * stdout buffer, with no allocation per line here.  `diff` prints
 * ADDRESS<TAB>OLD<TAB>NEW<TAB>DETAIL per changed address (or one object
 * each with --json, then the summary object); its summary goes to stderr
 * unless -q or --json, like import's.
 *
 * The subcommands have table entries of their own (below), so that their
 * messages say "quell: rules explain:" and --help shows their usage.
 * Knows nothing of how rules are parsed or matched.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define DEFAULT_NAME "<default rules>" /* as the library names them */

enum { OPT_DOMAIN = CLI_OPT_CMD, OPT_SINCE };

static const struct option global_options[] = { CLI_GLOBAL_OPTIONS };
static const struct option explain_options[] = {
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	CLI_GLOBAL_OPTIONS
};
static const struct option stats_options[] = {
	{ "since", required_argument, NULL, OPT_SINCE },
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

/* ------------------------------------------------------------------- test */

/* rules test CASES: each line REPLY<TAB>EXPECTED[<TAB>RULE], EXPECTED being
 * ACTION[/SCOPE], run through quell_explain (the decision `rules explain`
 * shows); a line whose first byte is '#', or with nothing but blanks, is
 * skipped.  A failing case is "FILE:LINE: expected ..., got ..." on
 * stdout; a malformed line "FILE:LINE: message" on stderr, and the rest
 * still run.  Then "N passed, N failed"; exit 65 when a line was
 * malformed, else 1 when a case failed, else 0. */

struct cases {
	const char *name;   /* the file as given, "<stdin>" for '-' */
	size_t passed, failed, malformed;
	struct quell_outcome out;
};

/* "FILE:LINE: message" on stderr for a malformed line. */
static void case_malformed(struct cases *cs, size_t lineno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void case_malformed(struct cases *cs, size_t lineno, const char *fmt, ...)
{
	char msg[CLI_LINE_MAX];
	va_list ap;

	cs->malformed++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cli_put_enc(stderr, cs->name, CLI_ENC_FIELD);
	fprintf(stderr, ":%zu: ", lineno);
	cli_put_enc(stderr, msg, CLI_ENC_FIELD);
	fputc('\n', stderr);
}

/* EXPECTED "ACTION[/SCOPE]" into *action and *scope (QUELL_SCOPE_NONE:
 * any); 0, or -1 when it is not one. */
static int parse_expected(char *text, int *action, int *scope)
{
	static const int actions[] = { QUELL_ACTION_SUPPRESS, QUELL_ACTION_BACKOFF,
		                       QUELL_ACTION_COUNT, QUELL_ACTION_CLEAR,
		                       QUELL_ACTION_IGNORE };
	char *slash = strchr(text, '/');

	*action = -1;
	*scope = QUELL_SCOPE_NONE;
	if (slash != NULL) {
		*slash = '\0';
		if (strcmp(slash + 1, "address") == 0)
			*scope = QUELL_SCOPE_ADDRESS;
		else if (strcmp(slash + 1, "domain") == 0)
			*scope = QUELL_SCOPE_DOMAIN;
		else
			return -1;
	}
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(text, quell_action_name(actions[i])) == 0)
			*action = actions[i];
	return *action < 0 ? -1 : 0;
}

/* One case: 0, or an exit status after an error that is not the line's. */
static int run_case(struct cli *cli, struct cases *cs, size_t lineno, char *line)
{
	char *f[4] = { line, NULL, NULL, NULL }, expected[64];
	struct quell_outcome *o = &cs->out;
	int action, scope, rc, nf = 1;

	for (char *p = line; (p = strchr(p, '\t')) != NULL && nf < 4; f[nf++] = ++p)
		*p = '\0';
	if (nf < 2) {
		case_malformed(cs, lineno, "no tab: a case is REPLY<TAB>EXPECTED[<TAB>RULE]");
		return 0;
	}
	if (nf > 3) {
		case_malformed(cs, lineno, "more than three fields: a case is "
		               "REPLY<TAB>EXPECTED[<TAB>RULE]");
		return 0;
	}
	snprintf(expected, sizeof expected, "%s", f[1]);
	if (strlen(f[1]) >= sizeof expected || parse_expected(f[1], &action, &scope) != 0) {
		case_malformed(cs, lineno, "'%.63s' is not an outcome: ACTION[/SCOPE], ACTION one of "
		               "suppress, backoff, count, clear, ignore, SCOPE address or domain",
		               expected);
		return 0;
	}
	if (nf == 3 && !quell_name_valid(f[2])) {
		case_malformed(cs, lineno, "'%.63s' is not a rule name ([a-z0-9._-], 1 to 63)", f[2]);
		return 0;
	}
	rc = quell_explain(cli->h, NULL, NULL, f[0], cli->now, o);
	if (rc == QUELL_EDATA) {
		case_malformed(cs, lineno, "%s", quell_errmsg(cli->h));
		return 0;
	}
	if (rc != 0)
		return cli_fail(cli, rc);
	if (o->action == action && (scope == QUELL_SCOPE_NONE || o->scope == scope) &&
	    (nf < 3 || strcmp(o->rule, f[2]) == 0)) {
		cs->passed++;
		return 0;
	}
	cs->failed++;
	cli_put_enc(stdout, cs->name, CLI_ENC_FIELD);
	printf(":%zu: expected %s", lineno, expected);
	if (nf == 3)
		printf(" by %s", f[2]);
	printf(", got %s/%s by ", quell_action_name(o->action), quell_scope_name(o->scope));
	cli_put_enc(stdout, o->rule[0] != '\0' ? o->rule : "no rule", CLI_ENC_FIELD);
	fputs(": ", stdout);
	cli_put_enc(stdout, f[0], CLI_ENC_FIELD);
	fputc('\n', stdout);
	return 0;
}

static int run_cases(struct cli *cli, struct cases *cs, FILE *in)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int status = 0;

	while (status == 0 && (len = getline(&line, &cap, in)) >= 0) {
		size_t n = (size_t)len;

		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (line[0] == '#' || strspn(line, " \t") == n)
			continue;
		if (n > CLI_LINE_MAX) /* as rules explain - refuses it */
			case_malformed(cs, lineno, "longer than %d bytes", CLI_LINE_MAX);
		else if (strlen(line) != n)
			case_malformed(cs, lineno, "a NUL byte in the line");
		else
			status = run_case(cli, cs, lineno, line);
	}
	if (status == 0 && ferror(in)) {
		cli_warn(cli, "%s: %s", cs->name, strerror(errno));
		status = CLI_EX_IOERR;
	}
	free(line);
	return status;
}

static int rules_test(struct cli *cli, int argc, char **argv)
{
	struct cases cs;
	FILE *in;
	int c, status = 0;

	memset(&cs, 0, sizeof cs);
	while ((c = cli_getopt(cli, argc, argv, global_options, &status)) != -1)
		if (c == CLI_STOP)
			return status;
	if (optind >= argc)
		return cli_usage_error(cli, "no case file given");
	if (optind + 1 < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);
	if (cli->json)
		return cli_usage_error(cli, "--json: rules test answers in plain text only");
	if (strcmp(argv[optind], "-") == 0) {
		in = stdin;
		cs.name = "<stdin>";
	} else {
		cs.name = argv[optind];
		if ((in = fopen(cs.name, "r")) == NULL) {
			cli_warn(cli, "%s: %s", cs.name, strerror(errno));
			return errno == ENOENT || errno == ENOTDIR ? CLI_EX_NOINPUT : CLI_EX_IOERR;
		}
	}
	if ((status = cli_open(cli)) == 0)
		status = run_cases(cli, &cs, in);
	if (in != stdin)
		fclose(in);
	if (status != 0)
		return status;
	printf("%zu passed, %zu failed\n", cs.passed, cs.failed);
	if (fflush(stdout) != 0)
		return CLI_EX_IOERR;
	return cs.malformed ? CLI_EX_DATAERR : cs.failed ? CLI_EX_FOUND : CLI_EX_OK;
}

/* ------------------------------------------------------------------ stats */

/* rules stats [--since T]: per rule of the rules in force, in file order,
 * RULE<TAB>COUNT<TAB>LAST (RFC 3339, or '-' when it never fired), then the
 * names only the history holds (renamed or removed rules) with a fourth
 * field, `not-in-rules`; --json: {rule, count, last, in_rules}. */

static int stats_row(void *payload, const struct quell_rule_stats *st)
{
	struct cli *cli = payload;
	char t[QUELL_TIME_MAX];

	if (cli->json) {
		json_t *o = json_object();

		if (o == NULL || cli_jset(o, "rule", cli_jstr(st->rule)) ||
		    cli_jset(o, "count", cli_jnum(st->count)) ||
		    cli_jset(o, "last", cli_jtime(st->last)) ||
		    cli_jset(o, "in_rules", json_boolean(st->in_rules))) {
			json_decref(o);
			return cli_oom(cli);
		}
		return cli_json_put(cli, o);
	}
	cli_put_enc(stdout, st->rule, CLI_ENC_FIELD);
	printf("\t%llu\t%s%s\n", (unsigned long long)st->count,
	       st->last != 0 ? quell_time_format(st->last, t, sizeof t) : "-",
	       st->in_rules ? "" : "\tnot-in-rules");
	return 0;
}

static int rules_stats(struct cli *cli, int argc, char **argv)
{
	struct quell_rules_stats_options o = QUELL_RULES_STATS_OPTIONS_INIT;
	int c, rc, status = 0;

	while ((c = cli_getopt(cli, argc, argv, stats_options, &status)) != -1) {
		switch (c) {
		case CLI_STOP:
			return status;
		case OPT_SINCE:
			if (quell_time_parse(optarg, &o.since) != 0)
				return cli_usage_error(cli, "--since: not a time: '%s'", optarg);
			break;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((status = cli_open(cli)) != 0)
		return status;
	rc = quell_rules_stats(cli->h, &o, stats_row, cli);
	if (rc > 0) /* stats_row's exit status, already printed */
		return rc;
	if (rc != 0)
		return cli_fail(cli, rc);
	return fflush(stdout) != 0 ? CLI_EX_IOERR : CLI_EX_OK;
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
	{ "rules diff", cmd_rules_diff, "[--since T] [--domain D] NEWFILE",
	  "replay the stored replies under the rules in use and under NEWFILE, and list\n"
	  "the addresses whose verdict would change; changes nothing",
	  "  --since T            replay only the replies received at or after T\n"
	  "  --domain D           only the addresses of domain D and its subdomains\n",
	  CLI_RULES, NULL },
	{ "rules test", rules_test, "CASES\n-",
	  "run test cases against the rules: lines REPLY<TAB>ACTION[/SCOPE][<TAB>RULE]\n"
	  "('#' comments); prints each failure as FILE:LINE: and 'N passed, N failed';\n"
	  "'-' reads stdin",
	  NULL, CLI_NODB | CLI_RULES, NULL },
	{ "rules stats", rules_stats, "[--since T]",
	  "replies each rule in force decided in the stored history and when it last\n"
	  "fired (0 and '-': never); then the names only the history holds, marked\n"
	  "not-in-rules",
	  "  --since T            only replies at or after T\n", CLI_RULES, NULL },
	{ NULL, NULL, NULL, NULL, NULL, 0, NULL }
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_rules = {
	.name = "rules",
	.fn = cmd_rules,
	.synopsis = "" /* usage and help: from cli_rules_subs */,
	.summary = "validate a rules file, explain or test what replies would do, replay\n"
	           "the stored replies under another rules file, and count what each rule\n"
	           "decided",
	.options =
		"  --domain D           explain: the recipient's domain, for rules with a\n"
		"                       domain condition; diff: only that domain\n"
		"  --since T            diff: replay only the replies received since T;\n"
		"                       stats: only replies at or after T\n",
	.flags = CLI_NODB | CLI_GROUP,
	.subs = cli_rules_subs,
};

int cmd_rules(struct cli *cli, int argc, char **argv)
{
	return cli_group(cli, argc, argv, cli_rules_subs, "check, explain, diff, test or stats");
}
