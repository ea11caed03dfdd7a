/*
 * cmd_unallow.c - `quell unallow ENTRY...`: delete entries from the allow
 * list of the global --stream (stream-less without it).  Like remove, it
 * notes what was not there and still succeeds.
 *
 * Knows nothing of how entries are stored.
 */
#include "cli.h"

static const struct option options[] = { CLI_GLOBAL_OPTIONS };

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_unallow = {
	.name = "unallow",
	.fn = cmd_unallow,
	.synopsis = "ENTRY...",
	.summary = "delete entries from the allow list",
	.flags = CLI_WRITES | CLI_NOCREATE,
};

static int unallow_one(struct cli *cli, const char *entry, void *ctx)
{
	(void)ctx;
	return quell_unallow(cli->h, entry, cli->stream, cli->now);
}

int cmd_unallow(struct cli *cli, int argc, char **argv)
{
	int c, status = 0;

	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1)
		if (c == CLI_STOP)
			return status;
	if (optind >= argc)
		return cli_usage_error(cli, "no entry given");
	if ((status = cli_open(cli)) != 0)
		return status;
	return cli_each_entry(cli, argv + optind, argc - optind, unallow_one, NULL,
	                      "not on the allow list");
}
