/*
 * cmd_help.c - `quell help [COMMAND]`, and the usage and help texts that
 * --help and usage errors print, all made from the command table.
 *
 * Knows nothing of what the commands do beyond their table entries.
 */
#include <ctype.h>
#include <string.h>

#include "cli.h"

static const char global_help[] =
	"Global options (before the command or among its arguments):\n"
	"  --db DIR        the database directory (else $QUELL_DB, else /var/lib/quell\n"
	"                  if it exists, else ${XDG_DATA_HOME:-$HOME/.local/share}/quell)\n"
	"  --rules FILE    the rules file, for commands that apply rules\n"
	"  --stream NAME   the mail stream to check or act on\n"
	"  --json          JSON Lines on stdout, one object per result\n"
	"  --now TIME      the current time: RFC 3339 or Unix seconds\n"
	"  -q, --quiet     no notes on stderr\n"
	"  --help          this help, or a command's help after the command\n"
	"  --version       print the version\n";

void cli_usage(FILE *f, const struct cli_cmd *cmd)
{
	const char *form, *nl;
	const char *lead = "usage:";

	if (cmd == NULL) {
		fputs("usage: quell [--db DIR] [--rules FILE] [--stream NAME] [--json] [--now TIME]\n"
		      "             [-q] COMMAND [ARGS]\n"
		      "       quell help [COMMAND] | --help | --version\n",
		      f);
		return;
	}
	form = cmd->synopsis;
	do {
		size_t len;

		nl = strchr(form, '\n');
		len = nl != NULL ? (size_t)(nl - form) : strlen(form);
		fprintf(f, "%s quell %s%s%.*s\n", lead, cmd->name, len > 0 ? " " : "", (int)len,
		        form);
		lead = "      ";
		form = nl + 1;
	} while (nl != NULL);
}

void cli_help(FILE *f, const struct cli_cmd *cmd)
{
	cli_usage(f, cmd);
	if (cmd == NULL) {
		fprintf(f, "\n%s\nCommands:\n", global_help);
		for (const struct cli_cmd *c = cli_commands; c->name != NULL; c++)
			fprintf(f, "  %-9s %s\n", c->name, c->summary);
		fputs("\nRun 'quell help COMMAND' for the usage and options of one command.\n", f);
		return;
	}
	/* the summary as a sentence */
	fprintf(f, "\n%c%s.\n", toupper((unsigned char)cmd->summary[0]), cmd->summary + 1);
	if (cmd->options != NULL)
		fprintf(f, "\nOptions:\n%s", cmd->options);
	fputs("\nGlobal options: see 'quell help'.\n", f);
}

static const struct option options[] = { CLI_GLOBAL_OPTIONS };

int cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd *cmd = NULL;
	int c, status = 0;

	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1)
		if (c == CLI_STOP)
			return status;
	if (optind + 1 < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);
	if (optind < argc) {
		cmd = cli_find(argv[optind]);
		if (cmd == NULL)
			return cli_usage_error(cli, "unknown command '%s'", argv[optind]);
	}
	cli_help(stdout, cmd);
	return 0;
}
