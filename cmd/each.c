/*
 * each.c - run one call per ENTRY operand, for add, allow, remove and
 * unallow (an invalid entry is reported and skipped, the others still done;
 * "nothing to remove" is a note, not a failure: the commands are
 * idempotent; any other error stops at once), or per line of stdin, for
 * the commands that read `-` (check, record, rules explain).
 *
 * Knows nothing of what the call does or what a line means.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lines.h"

#define READ_BUF (256 * 1024)
#define STR(x) #x
#define XSTR(x) STR(x)

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

int cli_each_line(struct cli *cli, cli_line_fn fn, void *ctx)
{
	struct lines lr;
	struct line l;
	int status = 0, r;

	if (lines_init(&lr, STDIN_FILENO, READ_BUF, CLI_LINE_MAX) != 0)
		return cli_oom(cli);
	while (status == 0) {
		r = lines_get(&lr, &l);
		if (r == LINES_OK) {
			if (l.toolong)
				status = fn(cli, l.text, "line longer than " XSTR(CLI_LINE_MAX) " bytes",
				            ctx);
			else if (strlen(l.text) != l.len)
				status = fn(cli, l.text, "NUL byte in line", ctx);
			else if (l.len > 0)
				status = fn(cli, l.text, NULL, ctx);
			continue;
		}
		/* input may block, or is over: answer what was gathered */
		if ((status = fn(cli, NULL, NULL, ctx)) != 0 || r == LINES_EOF)
			break;
		if (fflush(stdout) != 0) {
			cli_warn(cli, "write error: %s", strerror(errno));
			status = CLI_EX_IOERR;
		} else if (lines_fill(&lr) != 0) {
			cli_warn(cli, "standard input: %s", strerror(errno));
			status = CLI_EX_IOERR;
		}
	}
	lines_free(&lr);
	return status;
}
