/*
 * cmd_remove.c - `quell remove ENTRY...`: delete entries from the suppress
 * and backoff lists of the global --stream (stream-less without it).
 * Removing what is not there is a note on stderr (none with -q) and still
 * success: running it twice is the same as once.
 *
 * Knows nothing of how entries are stored.
 */
#include "cli.h"

static const struct option options[] = { CLI_GLOBAL_OPTIONS };

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_remove = {
	.name = "remove",
	.fn = cmd_remove,
	.synopsis = "ENTRY...",
	.summary = "delete entries from the suppress and backoff lists",
	.flags = CLI_WRITES | CLI_NOCREATE,
};

static int remove_one(struct cli *cli, const char *entry, void *ctx)
{
	(void)ctx;
	return quell_remove(cli->h, entry, cli->stream, cli->now);
}

int cmd_remove(struct cli *cli, int argc, char **argv)
{
	int c, status = 0;

	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1)
		if (c == CLI_STOP)
			return status;
	if (optind >= argc)
		return cli_usage_error(cli, "no entry given");
	if ((status = cli_open(cli)) != 0)
		return status;
	return cli_each_entry(cli, argv + optind, argc - optind, remove_one, NULL,
	                      "not on the suppress or backoff list");
}
