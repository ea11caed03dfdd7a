/*
 * cmd_help.c - `quell help [COMMAND [SUBCOMMAND]]`, and the usage and help
 * texts that --help and usage errors print, all made from the command
 * table and the subcommand tables of the groups, so that no command is
 * left out; and the "did you mean" of a mistyped name (edit distance).
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
	"  --porcelain     escaped machine forms even on a terminal (show)\n"
	"  --now TIME      the current time: RFC 3339 or Unix seconds\n"
	"  --max-db-size SIZE\n"
	"                  the most the database may grow to: bytes, or 512M, 4G,\n"
	"                  1T (default 64G)\n"
	"  -q, --quiet     no notes on stderr\n"
	"  -h, --help      this help, or a command's help after the command\n"
	"  -V, --version   print the version\n";

/* The "quell NAME FORM" lines of one command (not a group). */
static void forms(FILE *f, const struct cli_cmd *cmd, const char **lead)
{
	const char *form = cmd->synopsis, *nl;

	do {
		size_t len;

		nl = strchr(form, '\n');
		len = nl != NULL ? (size_t)(nl - form) : strlen(form);
		fprintf(f, "%s quell %s%s%.*s\n", *lead, cmd->name, len > 0 ? " " : "", (int)len,
		        form);
		*lead = "      ";
		form = nl + 1;
	} while (nl != NULL);
}

const struct cli_cmd *cli_subs(const struct cli_cmd *cmd)
{
	return cmd != NULL && (cmd->flags & CLI_GROUP) ? cmd->subs : NULL;
}

void cli_usage(FILE *f, const struct cli_cmd *cmd)
{
	const struct cli_cmd *subs = cli_subs(cmd);
	const char *lead = "usage:";

	if (cmd == NULL) {
		fputs("usage: quell [--db DIR] [--rules FILE] [--stream NAME] [--json] [--now TIME]\n"
		      "             [-q] COMMAND [ARGS]\n"
		      "       quell help [COMMAND] | --help | --version\n",
		      f);
		return;
	}
	if (subs == NULL) {
		forms(f, cmd, &lead);
		return;
	}
	for (; subs->name != NULL; subs++)
		forms(f, subs, &lead);
}

/* The summary of a subcommand cut to one clause for the command list: up
 * to its first ';' or ':', without asides in parentheses, on one line. */
static void brief(const char *s, char *out, size_t size)
{
	size_t n = 0;
	int depth = 0;

	for (; *s != '\0' && *s != ';' && *s != ':' && n + 1 < size; s++) {
		if (*s == '(')
			depth++;
		if (depth == 0 && !(*s == ' ' && s[1] == '('))
			out[n++] = *s == '\n' ? ' ' : *s;
		if (*s == ')' && depth > 0)
			depth--;
	}
	out[n] = '\0';
}

/* "  NAME  summary", the summary wrapped at 79 columns under itself. */
static void entry(FILE *f, const char *name, int width, const char *summary)
{
	int col = 2 + width + 2;
	const char *p = summary;

	fprintf(f, "  %-*s  ", width, name);
	while (*p != '\0') {
		size_t len = strlen(p), cut = len;

		if (col + (int)len > 79) {
			cut = (size_t)(79 - col);
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = len;
		}
		fprintf(f, "%.*s\n", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
		if (*p != '\0')
			fprintf(f, "%*s", col, "");
	}
}

/* The general help's list: every command, a group as its subcommands. */
static void commands(FILE *f)
{
	const struct cli_cmd *c, *s;
	char b[256];
	int width = 0;

	for (const struct cli_cmd *const *t = cli_commands; (c = *t) != NULL; t++)
		for (s = cli_subs(c) ? cli_subs(c) : c; s->name != NULL; s++) {
			if ((int)strlen(s->name) > width)
				width = (int)strlen(s->name);
			if (s == c)
				break;
		}
	for (const struct cli_cmd *const *t = cli_commands; (c = *t) != NULL; t++) {
		if (cli_subs(c) == NULL) {
			entry(f, c->name, width, c->summary);
			continue;
		}
		for (s = cli_subs(c); s->name != NULL; s++) {
			brief(s->summary, b, sizeof b);
			entry(f, s->name, width, b);
		}
	}
}

void cli_help(FILE *f, const struct cli_cmd *cmd)
{
	cli_usage(f, cmd);
	if (cmd == NULL) {
		fprintf(f, "\n%s\nCommands:\n", global_help);
		commands(f);
		fputs("\nRun 'quell help COMMAND' for the usage and options of one command.\n", f);
		return;
	}
	/* the summary as a sentence */
	fprintf(f, "\n%c%s.\n", toupper((unsigned char)cmd->summary[0]), cmd->summary + 1);
	if (cmd->options != NULL)
		fprintf(f, "\nOptions:\n%s", cmd->options);
	fputs("\nGlobal options: see 'quell help'.\n", f);
}

/* ------------------------------------------------------- did you mean */

unsigned cli_distance(const char *a, const char *b, size_t n)
{
	unsigned d[3][34]; /* rows i-2, i-1, i of the matrix; words over 32 bytes: 9 */
	size_t la = strlen(a), lb = strnlen(b, n);

	if (la > 32 || lb > 32)
		return 9;
	for (size_t j = 0; j <= lb; j++)
		d[1][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned *cur = d[(i + 1) % 3], *prev = d[i % 3], *pp = d[(i + 2) % 3];

		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1], v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
		}
	}
	return d[(la + 1) % 3][lb] > 9 ? 9 : d[(la + 1) % 3][lb];
}

int cli_near(unsigned d, const char *name)
{
	/* one edit for short names, two for longer ones */
	return d <= (strlen(name) <= 4 ? 1u : 2u);
}

/* The command nearest to word, or NULL: in tab, or in the command table
 * when tab is NULL. */
static const struct cli_cmd *nearest(const char *word, const struct cli_cmd *tab, size_t skip)
{
	const struct cli_cmd *best = NULL, *c;
	unsigned bd = 10;

	for (size_t i = 0; (c = tab != NULL ? &tab[i] : cli_commands[i]) != NULL &&
	                   c->name != NULL; i++) {
		unsigned dist = cli_distance(word, c->name + skip, (size_t)-1);

		if (dist < bd && cli_near(dist, c->name + skip)) {
			bd = dist;
			best = c;
		}
	}
	return best;
}

const char *cli_guess_command(const char *word, const struct cli_cmd *tab, size_t skip)
{
	const struct cli_cmd *c = nearest(word, tab, skip);

	return c != NULL ? c->name + skip : NULL;
}

static const struct option options[] = { CLI_GLOBAL_OPTIONS };

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_help = {
	.name = "help",
	.fn = cmd_help,
	.synopsis = "[COMMAND [SUBCOMMAND]]",
	.summary = "general help, or the help of one command",
	.flags = CLI_NODB,
};

int cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd *cmd = NULL;
	int c, status = 0;

	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1)
		if (c == CLI_STOP)
			return status;
	if (optind < argc) {
		const char *word = argv[optind], *guess;

		if ((cmd = cli_find(word)) == NULL) {
			if ((guess = cli_guess_command(word, NULL, 0)) != NULL)
				return cli_usage_error(cli, "unknown command '%s'; did you mean '%s'?",
				                       word, guess);
			return cli_usage_error(cli, "unknown command '%s'", word);
		}
		if (optind + 1 < argc && cli_subs(cmd) != NULL) { /* help rules check */
			const struct cli_cmd *s = cli_subs(cmd);
			size_t skip = strlen(cmd->name) + 1;

			word = argv[++optind];
			while (s->name != NULL && strcmp(s->name + skip, word) != 0)
				s++;
			if (s->name == NULL) {
				if ((guess = cli_guess_command(word, cli_subs(cmd), skip)) != NULL)
					return cli_usage_error(cli, "unknown subcommand '%s %s'; did you "
					                       "mean '%s'?", cmd->name, word, guess);
				return cli_usage_error(cli, "unknown subcommand '%s %s'", cmd->name,
				                       word);
			}
			cmd = s;
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);
	cli_help(stdout, cmd);
	return 0;
}
