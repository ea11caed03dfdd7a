/*
 * main.c - quell(1): global options, the command table, and dispatch.
 *
 *   quell [--db DIR] [--rules FILE] [--stream NAME] [--json] [--now TIME] [-q]
 *         COMMAND [ARGS]
 *
 * Global options may also appear among a command's arguments; each command
 * parses them with cli_getopt().  The table below (with the subcommand
 * tables of the groups, cli_subs) drives `quell help`, and its flags say
 * how cli_open() opens the database.  Output to stdout is
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

const struct cli_cmd cli_commands[] = {
	{ "check", cmd_check, "ADDR...\n-",
	  "the verdict for each address, from the arguments or stdin",
	  NULL, 0 },
	{ "record", cmd_record, "ADDR REPLY [--queue-id ID] [--message-id ID]\n-",
	  "apply the rules to a reply for an address and store the outcome",
	  "  --queue-id ID        the MTA's queue id of the message: a reply with an id\n"
	  "                       already recorded for the address changes nothing\n"
	  "  --message-id ID      the same with the message's Message-ID\n",
	  CLI_WRITES | CLI_RULES },
	{ "add", cmd_add,
	  "ENTRY... [--reason TEXT] [--ttl DURATION] [--source manual|unsubscribe|complaint]",
	  "suppress addresses or domains by hand",
	  "  --reason TEXT        why (stored as given, escaped on output)\n"
	  "  --ttl DURATION       expire after DURATION (30s, 15m, 8h, 7d, forever)\n"
	  "  --source SOURCE      manual (default), unsubscribe or complaint\n",
	  CLI_WRITES },
	{ "remove", cmd_remove, "ENTRY...", "delete entries from the suppress and backoff lists",
	  NULL, CLI_WRITES | CLI_NOCREATE },
	{ "allow", cmd_allow, "ENTRY... [--reason TEXT] [--ttl DURATION]",
	  "put addresses or domains on the allow list",
	  "  --reason TEXT        why (stored as given, escaped on output)\n"
	  "  --ttl DURATION       expire after DURATION (30s, 15m, 8h, 7d, forever)\n",
	  CLI_WRITES },
	{ "unallow", cmd_unallow, "ENTRY...", "delete entries from the allow list", NULL,
	  CLI_WRITES | CLI_NOCREATE },
	{ "show", cmd_show, "ENTRY", "everything known about one entry, with its history", NULL,
	  0 },
	{ "list", cmd_list,
	  "[--suppress|--allow|--backoff] [--domains|--addresses] [--category C] [--since TIME]",
	  "list the live entries",
	  "  --suppress, --allow, --backoff   only this list (default: all three)\n"
	  "  --domains, --addresses           only this scope (default: both)\n"
	  "  --category C                     only entries of category C\n"
	  "  --since TIME                     only entries updated at or after TIME\n",
	  CLI_ALLSTREAMS },
	{ "import", cmd_import,
	  "[--format F] [--dry-run] [--force-suppress] [--rejects FILE] [--list L] FILE|-",
	  "bulk import: quell's csv or jsonl, plain lists, provider exports",
	  "  --format F           plain, csv, jsonl, sendgrid, mailgun, ses or postmark\n"
	  "                       (default: told from the first line)\n"
	  "  --dry-run            read, judge and count every row, but write nothing\n"
	  "  --force-suppress     suppress every row as it stands, without the rules\n"
	  "  --rejects FILE       write rejected rows there instead of to stderr\n"
	  "  --list L             csv, jsonl: import only rows of list L; plain and\n"
	  "                       provider rows: put them on L (suppress or allow)\n",
	  CLI_WRITES | CLI_RULES },
	{ "export", cmd_export, "[--format F] [--list L] [--category C] [--since TIME] [FILE|-]",
	  "bulk export: quell's csv or jsonl, plain, provider import shapes",
	  "  --format F           csv (default), jsonl, plain, sendgrid, mailgun, ses or\n"
	  "                       postmark\n"
	  "  --list L             only list L: suppress, allow or backoff (default: all\n"
	  "                       for csv and jsonl, suppress for the others; providers\n"
	  "                       take suppress only)\n"
	  "  --category C         only entries of category C\n"
	  "  --since TIME         only entries updated at or after TIME\n"
	  "  --stream S           only stream S ('*': every stream; default: every\n"
	  "                       stream for csv and jsonl, stream-less entries for\n"
	  "                       the others)\n",
	  CLI_ALLSTREAMS },
	{ "ingest", cmd_ingest, "" /* usage and help: from cli_ingest_subs */,
	  "feed a mail log's delivery reports through the rules",
	  "  --follow             postfix-log: keep reading FILE as it grows, across\n"
	  "                       rotation, until SIGINT or SIGTERM\n"
	  "  --strict             a report quell cannot use is rejected (exit 65)\n"
	  "  --verbose            print each recorded report as record does\n",
	  CLI_WRITES | CLI_RULES | CLI_GROUP },
	{ "policyd", cmd_policyd,
	  "--listen unix:PATH|inet:HOST:PORT [OPTION...]",
	  "a Postfix policy server answering smtpd's recipient checks",
	  "  --listen ADDR        unix:PATH, or inet:HOST:PORT ([::1]:PORT for IPv6;\n"
	  "                       port 0: any free one, named in the startup line)\n"
	  "  --socket-owner U[:G] owner and group of the unix socket (smtpd runs as\n"
	  "                       postfix)\n"
	  "  --socket-mode MODE   mode of the unix socket, octal (default 0660)\n"
	  "  --reply KEY=TEMPLATE the answer for KEY: suppress, unsubscribe, complaint,\n"
	  "                       backoff, error, suppress:CATEGORY, backoff:CATEGORY;\n"
	  "                       TEMPLATE '5NN X.Y.Z text', REJECT, DEFER_IF_PERMIT...\n"
	  "                       or DUNNO, with {category} {source} {rule} {until}...\n"
	  "  --fail-open          answer DUNNO, not 451 4.3.0, when a check fails\n"
	  "  --max-connections N  clients served at once (default 512)\n"
	  "  --idle-timeout D     close a client silent for D (default 10m; forever)\n"
	  "  --verbose            log every connection and answer\n",
	  CLI_RULES },
	{ "rules", cmd_rules, "" /* usage and help: from cli_rules_subs */,
	  "validate a rules file, or explain what a reply would do",
	  "  --domain D           explain: the recipient's domain, for rules with a\n"
	  "                       domain condition\n",
	  CLI_NODB | CLI_GROUP },
	{ "stats", cmd_stats, "", "counts per list, scope, source, category, stream; sizes",
	  NULL, 0 },
	{ "prune", cmd_prune, "[--keep N] [--max-age DURATION]",
	  "delete expired entries and trim history",
	  "  --keep N             keep the newest N events per key (default 100)\n"
	  "  --max-age DURATION   drop events older than DURATION (default 2y;\n"
	  "                       forever: no age limit)\n",
	  CLI_WRITES | CLI_NOCREATE | CLI_RULES },
	{ "backup", cmd_backup, "DIR",
	  "write a compacted, consistent copy of the database into DIR", NULL, 0 },
	{ "help", cmd_help, "[COMMAND [SUBCOMMAND]]",
	  "general help, or the help of one command", NULL, CLI_NODB },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct cli_cmd *cli_subs(const struct cli_cmd *cmd)
{
	if (cmd == NULL || !(cmd->flags & CLI_GROUP))
		return NULL;
	if (strcmp(cmd->name, "ingest") == 0)
		return cli_ingest_subs;
	if (strcmp(cmd->name, "rules") == 0)
		return cli_rules_subs;
	return NULL;
}

const struct cli_cmd *cli_find(const char *name)
{
	for (const struct cli_cmd *c = cli_commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
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
		const char *guess = cli_guess_command(argv[first], cli_commands, 0);

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
