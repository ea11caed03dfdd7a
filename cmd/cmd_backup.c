/*
 * cmd_backup.c - `quell backup DIR`: a compacted, consistent copy of the
 * database in DIR (created if missing; must not hold a database), made
 * while others go on reading and writing.  Opens the database read-only:
 * a missing one is an error (66), never created.  Prints nothing.
 *
 * Knows nothing of how the copy is made.
 */
#include "cli.h"

static const struct option options[] = { CLI_GLOBAL_OPTIONS };

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_backup = {
	.name = "backup",
	.fn = cmd_backup,
	.synopsis = "DIR",
	.summary = "write a compacted, consistent copy of the database into DIR",
	.flags = 0,
};

int cmd_backup(struct cli *cli, int argc, char **argv)
{
	int c, rc, status = 0;

	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1)
		if (c == CLI_STOP)
			return status;
	if (optind >= argc)
		return cli_usage_error(cli, "no directory given");
	if (optind + 1 < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);
	if ((status = cli_open(cli)) != 0)
		return status;
	rc = quell_backup(cli->h, argv[optind]);
	return rc != 0 ? cli_fail(cli, rc) : 0;
}
