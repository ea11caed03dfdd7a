/*
 * cmd_add.c - `quell add ENTRY... [--reason TEXT] [--ttl DURATION]
 * [--source manual|unsubscribe|complaint]`: suppress addresses or domains
 * by hand, on the stream of the global --stream (stream-less without it).
 *
 * Prints nothing on success.  Knows nothing of how entries are stored.
 */

#include "cli.h"

enum { OPT_REASON = CLI_OPT_CMD, OPT_TTL, OPT_SOURCE };

static const struct option options[] = {
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "source", required_argument, NULL, OPT_SOURCE },
	CLI_GLOBAL_OPTIONS
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_add = {
	.name = "add",
	.fn = cmd_add,
	.synopsis = "ENTRY... [--reason TEXT] [--ttl DURATION] [--source manual|unsubscribe|complaint]",
	.summary = "suppress addresses or domains by hand",
	.options =
		"  --reason TEXT        why (stored as given, escaped on output)\n"
		"  --ttl DURATION       expire after DURATION (30s, 15m, 8h, 7d, forever)\n"
		"  --source SOURCE      manual (default), unsubscribe or complaint\n",
	.flags = CLI_WRITES,
};

static int add_one(struct cli *cli, const char *entry, void *ctx)
{
	return quell_add(cli->h, entry, ctx);
}

int cmd_add(struct cli *cli, int argc, char **argv)
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
		case OPT_SOURCE:
			o.source = quell_source_parse(optarg);
			if (o.source != QUELL_SOURCE_MANUAL && o.source != QUELL_SOURCE_UNSUBSCRIBE &&
			    o.source != QUELL_SOURCE_COMPLAINT)
				return cli_usage_error(cli,
				                       "--source: '%s' is not manual, unsubscribe or complaint",
				                       optarg);
			break;
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "no entry given");
	if ((status = cli_open(cli)) != 0)
		return status;
	o.stream = cli->stream;
	o.now = cli->now;
	status = cli_each_entry(cli, argv + optind, argc - optind, add_one, &o, NULL);
	if (status == 0)
		cli_note_repaired(cli, "--reason", o.reason);
	return status;
}
