/*
 * cmd_record.c - `quell record ADDR REPLY` and `quell record -`: apply the
 * rules to a reply that a receiving server gave for an address, and store
 * what they decide (suppress, back off, count, clear or ignore): one
 * durable write and one history event per reply, at the time of --now.
 *
 * Stdin lines are ADDR<TAB>REPLY, split at the first tab.  One answer per
 * input, in input order: ADDRESS<TAB>ACTION<TAB>DETAIL (render.c), or a
 * JSON object.  A refused line (bad address, no tab, unusable reply, too
 * long) is answered `invalid` with its error and the rest goes on; exit 65
 * at the end.  A database error stops at once (nothing of the batch it hit
 * is written or answered).  --queue-id and --message-id belong to the
 * one-reply form: a retried message counts once.
 * A reply that was not valid UTF-8 is stored repaired, and stderr says so
 * (unless -q): how many bytes for ADDR REPLY, how many replies for -.
 *
 * Stdin is recorded in batches, as `ingest` does: the lines already read
 * go into one quell_record_many (one commit, one sync) of up to BATCH
 * replies, written when the batch is full and whenever the input has
 * nothing more buffered (before a read that may block: a pipe that stays
 * open gets its lines committed at once), then answered in order.  Each
 * reply sees what the ones before it wrote, as with a commit each.
 *
 * Knows nothing of rules or of how outcomes are stored.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_QUEUE_ID = CLI_OPT_CMD, OPT_MESSAGE_ID };

static const struct option options[] = {
	{ "queue-id", required_argument, NULL, OPT_QUEUE_ID },
	{ "message-id", required_argument, NULL, OPT_MESSAGE_ID },
	CLI_GLOBAL_OPTIONS
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_record = {
	.name = "record",
	.fn = cmd_record,
	.synopsis = "ADDR REPLY [--queue-id ID] [--message-id ID]\n-",
	.summary = "apply the rules to a reply for an address and store the outcome",
	.options =
		"  --queue-id ID        the MTA's queue id of the message: a reply with an id\n"
		"                       already recorded for the address changes nothing\n"
		"  --message-id ID      the same with the message's Message-ID\n",
	.flags = CLI_WRITES | CLI_RULES,
};

#define BATCH 512 /* replies per commit for `record -` */

struct run {
	struct quell_record_options opts;
	struct quell_outcome out;
	int invalid;     /* some line was refused */
	size_t repaired; /* replies stored repaired (not UTF-8) */
	/* record -: the batch, items[0..n); refused[i] is why the CLI refused
	 * line i (NULL: recorded).  Lines stay in the reader's buffer until
	 * the batch is written (cli_each_line answers NULL first) */
	struct quell_record_item *items;
	const char **refused;
	const char **lines; /* the address column of each line, for its answer */
	size_t n;
};

/* Record the one reply of `record ADDR REPLY` and answer it. */
static int record(struct cli *cli, struct run *r, const char *address, const char *reply)
{
	int rc = quell_record(cli->h, address, reply, &r->opts, &r->out);

	if (rc == 0 && r->out.repaired)
		r->repaired++;
	return cli_outcome_put(cli, rc, address, address, &r->out, &r->invalid);
}

/* Record the batch in one transaction and answer each line, in order.
 * 0 or an exit status. */
static int flush(struct cli *cli, struct run *r)
{
	size_t n = r->n, todo = 0;
	int rc, status = 0;

	r->n = 0;
	for (size_t i = 0; i < n; i++)
		todo += r->refused[i] == NULL;
	if (todo > 0 && (rc = quell_record_many(cli->h, r->items, n)) != 0)
		return cli_fail_item(cli, r->lines[n - 1], rc);
	for (size_t i = 0; i < n && status == 0; i++) {
		struct quell_record_item *it = &r->items[i];

		if (r->refused[i] != NULL) { /* skipped by quell_record_many: no address */
			memset(&it->out, 0, sizeof it->out);
			snprintf(it->out.error, sizeof it->out.error, "%s", r->refused[i]);
			it->rc = QUELL_EDATA;
		}
		if (it->rc == 0 && it->out.repaired)
			r->repaired++;
		status = cli_outcome_put(cli, it->rc, r->lines[i], r->lines[i], &it->out,
		                         &r->invalid);
	}
	return status;
}

/* One line of stdin (cli_each_line) into the batch, written when full;
 * NULL: the input may block or is over, write the batch now. */
static int line(struct cli *cli, char *text, const char *refused, void *ctx)
{
	struct run *r = ctx;
	struct quell_record_item *it = &r->items[r->n];
	char *tab = NULL;

	if (text == NULL)
		return flush(cli, r);
	if (refused == NULL && (tab = strchr(text, '\t')) == NULL)
		refused = "no tab between address and reply";
	memset(it, 0, sizeof *it);
	it->opts = &r->opts;
	if (tab != NULL) {
		*tab = '\0';
		it->address = text;
		it->reply = tab + 1;
	}
	r->lines[r->n] = text;
	r->refused[r->n] = refused;
	return ++r->n == BATCH ? flush(cli, r) : 0;
}

/* record -: every line of stdin, in batches.  0 or an exit status. */
static int from_stdin(struct cli *cli, struct run *r)
{
	int status;

	r->items = malloc(BATCH * sizeof *r->items);
	r->refused = malloc(BATCH * sizeof *r->refused);
	r->lines = malloc(BATCH * sizeof *r->lines);
	if (r->items == NULL || r->refused == NULL || r->lines == NULL)
		status = cli_oom(cli);
	else
		status = cli_each_line(cli, line, r);
	free(r->items);
	free(r->refused);
	free(r->lines);
	return status;
}

int cmd_record(struct cli *cli, int argc, char **argv)
{
	struct quell_record_options init = QUELL_RECORD_OPTIONS_INIT;
	struct run r;
	int c, status = 0, use_stdin;

	memset(&r, 0, sizeof r);
	r.opts = init;
	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1) {
		switch (c) {
		case CLI_STOP:
			return status;
		case OPT_QUEUE_ID:
			if (*optarg == '\0')
				return cli_usage_error(cli, "--queue-id: empty id");
			r.opts.queue_id = optarg;
			break;
		case OPT_MESSAGE_ID:
			if (*optarg == '\0')
				return cli_usage_error(cli, "--message-id: empty id");
			r.opts.message_id = optarg;
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return cli_usage_error(cli, "no address given");
	use_stdin = strcmp(argv[0], "-") == 0;
	if (use_stdin && argc > 1)
		return cli_usage_error(cli, "'-' reads lines from stdin and comes alone");
	if (use_stdin && (r.opts.queue_id != NULL || r.opts.message_id != NULL))
		return cli_usage_error(cli, "--queue-id and --message-id go with one ADDR REPLY");
	if (!use_stdin && argc == 1)
		return cli_usage_error(cli, "no reply given");
	if (argc > 2)
		return cli_usage_error(cli, "unexpected argument '%s' (quote the reply)", argv[2]);
	if (cli->stream != NULL)
		return cli_usage_error(cli, "--stream: bounces never carry a stream");
	if ((status = cli_open(cli)) != 0)
		return status;
	r.opts.now = cli->now;
	status = use_stdin ? from_stdin(cli, &r) : record(cli, &r, argv[0], argv[1]);
	if (r.repaired > 0 && !use_stdin)
		cli_note_repaired(cli, "reply", argv[1]);
	else if (r.repaired > 0 && !cli->quiet)
		cli_warn(cli, "%zu repl%s not UTF-8: stored repaired (read as Latin-1 or as U+FFFD)",
		         r.repaired, r.repaired == 1 ? "y" : "ies");
	if (status != 0)
		return status;
	return r.invalid ? CLI_EX_DATAERR : CLI_EX_OK;
}
