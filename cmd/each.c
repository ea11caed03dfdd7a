/*
 * each.c - run one library call per ENTRY operand, for add, allow, remove
 * and unallow: an invalid entry is reported and skipped, the others still
 * done; "nothing to remove" is a note, not a failure (the commands are
 * idempotent); any other error stops at once.
 *
 * Knows nothing of what the call does.
 */
#include "cli.h"

int cli_each_entry(struct cli *cli, char **entries, int n, cli_entry_op op, void *ctx,
                   const char *notfound)
{
	int status = 0;

	for (int i = 0; i < n; i++) {
		int rc = op(cli, entries[i], ctx);

		if (rc == 0)
			continue;
		if (rc == QUELL_ENOTFOUND && notfound != NULL) {
			if (!cli->quiet)
				cli_warn(cli, "%s: %s", entries[i], notfound);
			continue;
		}
		if (rc == QUELL_EADDRESS) {
			status = cli_fail_item(cli, entries[i], rc);
			continue;
		}
		return cli_fail_item(cli, entries[i], rc);
	}
	return status;
}
