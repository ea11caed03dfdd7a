/*
 * cmd_check.c - `quell check ADDR...` and `quell check -`: the verdict for
 * each address, one line (or JSON object) per input, in input order.
 *
 * Addresses go to the library in batches of up to BATCH through
 * quell_check_many (one read transaction per batch).  From stdin, a batch
 * is the lines already read: it is answered, and stdout flushed, before the
 * next read(2) may block, so a process talking to `check -` through pipes
 * gets its answers, and a bulk run makes one write per buffer, not per
 * line.  Nothing is allocated per line.  Blank lines and comment lines
 * (`#` first, after spaces and tabs) get no answer.
 *
 * Exit: 0 all allowed, 1 some suppressed or backed off (none invalid), 65
 * some invalid (the others are still answered).  Knows nothing of how a
 * verdict is reached.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define BATCH 512

struct batch {
	size_t n;
	const char *given[BATCH];    /* as given, for the output */
	const char *refused[BATCH];  /* why the CLI refused the line, or NULL */
	const char *checked[BATCH];  /* the ones passed to the library */
	struct quell_result *res;    /* [BATCH] */
	int invalid, found;          /* seen so far */
};

static int put(struct cli *cli, struct batch *b, const char *given,
               const struct quell_result *r)
{
	if (r->verdict == QUELL_INVALID)
		b->invalid = 1;
	else if (r->verdict != QUELL_ALLOW)
		b->found = 1;
	if (cli->json)
		return cli_json_put(cli, cli_result_json(given, r));
	cli_result_plain(stdout, given, quell_verdict_name(r->verdict), r);
	return 0;
}

/* Answer the batch in order and empty it.  0 or an exit status. */
static int answer(struct cli *cli, struct batch *b)
{
	size_t i, k = 0, ngood = 0;
	int rc, status;

	for (i = 0; i < b->n; i++)
		if (b->refused[i] == NULL)
			b->checked[ngood++] = b->given[i];
	if (ngood > 0) {
		rc = quell_check_many(cli->h, b->checked, ngood, cli->stream, cli->now, b->res,
		                      NULL);
		if (rc != 0)
			return cli_fail(cli, rc);
	}
	for (i = 0; i < b->n; i++) {
		if (b->refused[i] != NULL) {
			struct quell_result bad;

			memset(&bad, 0, sizeof bad);
			bad.verdict = QUELL_INVALID;
			snprintf(bad.error, sizeof bad.error, "%s", b->refused[i]);
			status = put(cli, b, b->given[i], &bad);
		} else {
			status = put(cli, b, b->given[i], &b->res[k++]);
		}
		if (status != 0)
			return status;
	}
	b->n = 0;
	return 0;
}

static int add(struct cli *cli, struct batch *b, const char *given, const char *refused)
{
	b->given[b->n] = given;
	b->refused[b->n] = refused;
	return ++b->n == BATCH ? answer(cli, b) : 0;
}

static int from_args(struct cli *cli, struct batch *b, int argc, char **argv)
{
	int status = 0;

	for (int i = 0; i < argc && status == 0; i++)
		status = add(cli, b, argv[i], NULL);
	if (status == 0 && b->n > 0)
		status = answer(cli, b);
	return status;
}

/* One line of stdin (cli_each_line); NULL: answer the batch gathered.  A
 * comment line (`#` first, after blanks) is skipped as a blank one is, as
 * in a plain import list. */
static int line(struct cli *cli, char *text, const char *refused, void *ctx)
{
	struct batch *b = ctx;

	if (text == NULL)
		return b->n > 0 ? answer(cli, b) : 0;
	if (text[strspn(text, " \t")] == '#')
		return 0;
	return add(cli, b, text, refused);
}

static const struct option options[] = { CLI_GLOBAL_OPTIONS };

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_check = {
	.name = "check",
	.fn = cmd_check,
	.synopsis = "ADDR...\n-",
	.summary = "the verdict for each address, from the arguments or stdin",
	.flags = 0,
};

int cmd_check(struct cli *cli, int argc, char **argv)
{
	struct batch b;
	int c, status = 0, use_stdin;

	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1)
		if (c == CLI_STOP)
			return status;
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return cli_usage_error(cli, "no address given");
	use_stdin = strcmp(argv[0], "-") == 0;
	if (use_stdin && argc > 1)
		return cli_usage_error(cli, "'-' reads addresses from stdin and comes alone");
	if ((status = cli_open(cli)) != 0)
		return status;
	memset(&b, 0, sizeof b);
	b.res = malloc(BATCH * sizeof *b.res);
	if (b.res == NULL)
		return cli_oom(cli);
	status = use_stdin ? cli_each_line(cli, line, &b) : from_args(cli, &b, argc, argv);
	free(b.res);
	if (status != 0)
		return status;
	return b.invalid ? CLI_EX_DATAERR : b.found ? CLI_EX_FOUND : CLI_EX_OK;
}
