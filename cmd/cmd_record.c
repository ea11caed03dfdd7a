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
 * at the end.  A database error stops at once.  --queue-id and
 * --message-id belong to the one-reply form: a retried message counts once.
 * A reply that was not valid UTF-8 is stored repaired, and stderr says so
 * (unless -q): how many bytes for ADDR REPLY, how many replies for -.
 *
 * Knows nothing of rules or of how outcomes are stored.
 */
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

struct run {
	struct quell_record_options opts;
	struct quell_outcome out;
	int invalid;     /* some line was refused */
	size_t repaired; /* replies stored repaired (not UTF-8) */
};

/* Record one reply, or answer why the CLI refused its line. */
static int record(struct cli *cli, struct run *r, const char *address, const char *reply,
                  const char *refused)
{
	int rc = QUELL_EDATA;

	if (refused != NULL)
		snprintf(r->out.error, sizeof r->out.error, "%s", refused);
	else
		rc = quell_record(cli->h, address, reply, &r->opts, &r->out);
	if (rc == 0 && r->out.repaired)
		r->repaired++;
	return cli_outcome_put(cli, rc, address, address, &r->out, &r->invalid);
}

/* One line of stdin (cli_each_line); each is answered at once. */
static int line(struct cli *cli, char *text, const char *refused, void *ctx)
{
	char *tab;

	if (text == NULL)
		return 0;
	if (refused != NULL)
		return record(cli, ctx, text, NULL, refused);
	tab = strchr(text, '\t');
	if (tab == NULL)
		return record(cli, ctx, text, NULL, "no tab between address and reply");
	*tab = '\0';
	return record(cli, ctx, text, tab + 1, NULL);
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
	status = use_stdin ? cli_each_line(cli, line, &r) : record(cli, &r, argv[0], argv[1], NULL);
	if (r.repaired > 0 && !use_stdin)
		cli_note_repaired(cli, "reply", argv[1]);
	else if (r.repaired > 0 && !cli->quiet)
		cli_warn(cli, "%zu repl%s not UTF-8: stored repaired (read as Latin-1 or as U+FFFD)",
		         r.repaired, r.repaired == 1 ? "y" : "ies");
	if (status != 0)
		return status;
	return r.invalid ? CLI_EX_DATAERR : CLI_EX_OK;
}
