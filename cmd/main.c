/*
 * main.c - quell(1): global options, the command table, and dispatch.
 *
 *   quell [--db DIR] [--rules FILE] [--stream NAME] [--json] [--now TIME] [-q]
 *         COMMAND [ARGS]
 *
 * Global options may also appear among a command's arguments; each command
 * parses them with cli_getopt().  The table below lists the descriptors
 * that the cmd_*.c files export (struct cli_cmd: name, function, usage,
 * option help, flags, subcommands), each beside its command's getopt
 * table; they drive `quell help`, and their flags say how cli_open()
 * opens the database.  Output to stdout is
 * fully buffered (checks are streamed in bulk); stdout is closed before
 * exit so that a failed write is an error (74), not a silent loss.
 *
 * This file knows nothing of how any command does its work.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define OUTBUF_SIZE (256 * 1024)

/* The command table: the descriptors the cmd_*.c files export, in the
 * order `quell help` lists them. */
const struct cli_cmd *const cli_commands[] = {
	&cli_cmd_check,
	&cli_cmd_record,
	&cli_cmd_add,
	&cli_cmd_remove,
	&cli_cmd_allow,
	&cli_cmd_unallow,
	&cli_cmd_show,
	&cli_cmd_list,
	&cli_cmd_import,
	&cli_cmd_export,
	&cli_cmd_ingest,
	&cli_cmd_policyd,
	&cli_cmd_serve,
	&cli_cmd_rules,
	&cli_cmd_stats,
	&cli_cmd_prune,
	&cli_cmd_backup,
	&cli_cmd_help,
	NULL
};

const struct cli_cmd *cli_find(const char *name)
{
	for (const struct cli_cmd *const *c = cli_commands; *c != NULL; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

static const struct option global_options[] = { CLI_GLOBAL_OPTIONS };

static int run(struct cli *cli, int argc, char **argv)
{
	int c, status = 0, first;

	while ((c = cli_getopt(cli, argc, argv, global_options, &status)) != -1)
		if (c == CLI_STOP)
			return status;
	if (optind >= argc) {
		fprintf(stderr, "quell: no command given\n");
		cli_usage(stderr, NULL);
		return CLI_EX_USAGE;
	}
	first = optind;
	cli->cmd = cli_find(argv[first]);
	if (cli->cmd == NULL) {
		const char *guess = cli_guess_command(argv[first], NULL, 0);

		fprintf(stderr, "quell: unknown command '");
		cli_put_enc(stderr, argv[first], CLI_ENC_FIELD);
		if (guess != NULL)
			fprintf(stderr, "'; did you mean '%s'?\n", guess);
		else
			fprintf(stderr, "'; try 'quell help'\n");
		return CLI_EX_USAGE;
	}
	optind = 0; /* glibc: start afresh, at argv[1] of the command */
	return cli->cmd->fn(cli, argc - first, argv + first);
}

int main(int argc, char **argv)
{
	struct cli cli;
	char *outbuf = NULL;
	int status;

	memset(&cli, 0, sizeof cli);
	/* Fully buffered unless a person is watching; lines are flushed in
	 * bulk, never one by one (`check -` flushes before it blocks). */
	if (!isatty(STDOUT_FILENO)) {
		outbuf = malloc(OUTBUF_SIZE);
		if (outbuf != NULL && setvbuf(stdout, outbuf, _IOFBF, OUTBUF_SIZE) != 0) {
			free(outbuf);
			outbuf = NULL;
		}
	}
	status = run(&cli, argc, argv);
	quell_close(cli.h);
	cli_free(&cli);
	if (fclose(stdout) != 0) {
		fprintf(stderr, "quell: %s%swrite error: %s\n", cli.cmd ? cli.cmd->name : "",
		        cli.cmd ? ": " : "", strerror(errno));
		if (status == 0 || status == CLI_EX_FOUND)
			status = CLI_EX_IOERR;
	}
	free(outbuf);
	return status;
}
