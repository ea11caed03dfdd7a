/*
 * cmd_allow.c - `quell allow ENTRY... [--reason TEXT] [--ttl DURATION]`:
 * put addresses or domains on the allow list (of the global --stream, or
 * stream-less).  An allow overrides bounce and manual suppressions, never
 * an unsubscribe or complaint (precedence is the library's).
 *
 * Prints nothing on success.  Knows nothing of how entries are stored.
 */
#include "cli.h"

enum { OPT_REASON = CLI_OPT_CMD, OPT_TTL };

static const struct option options[] = {
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "ttl", required_argument, NULL, OPT_TTL },
	CLI_GLOBAL_OPTIONS
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_allow = {
	.name = "allow",
	.fn = cmd_allow,
	.synopsis = "ENTRY... [--reason TEXT] [--ttl DURATION]",
	.summary = "put addresses or domains on the allow list",
	.options =
		"  --reason TEXT        why (stored as given, escaped on output)\n"
		"  --ttl DURATION       expire after DURATION (30s, 15m, 8h, 7d, forever)\n",
	.flags = CLI_WRITES,
};

static int allow_one(struct cli *cli, const char *entry, void *ctx)
{
	return quell_allow(cli->h, entry, ctx);
}

int cmd_allow(struct cli *cli, int argc, char **argv)
{
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;
	int c, status = 0;

	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1) {
		switch (c) {
		case CLI_STOP:
			return status;
		case OPT_REASON:
			o.reason = optarg;
			break;
		case OPT_TTL:
			if ((status = cli_duration(cli, "--ttl", optarg, &o.ttl)) != 0)
				return status;
			break;
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "no entry given");
	if ((status = cli_open(cli)) != 0)
		return status;
	o.stream = cli->stream;
	o.now = cli->now;
	status = cli_each_entry(cli, argv + optind, argc - optind, allow_one, &o, NULL);
	if (status == 0)
		cli_note_repaired(cli, "--reason", o.reason);
	return status;
}
