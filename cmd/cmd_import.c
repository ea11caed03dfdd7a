/*
 * cmd_import.c - `quell import [--format F] [--dry-run] [--force-suppress]
 * [--rejects FILE] [--list L] FILE|-`: bulk import of quell's own csv or
 * jsonl, a plain list, or a provider's suppression export (formats.h in
 * the library), through quell_import: batches of 20000 rows, each one
 * write transaction, all of them durable when it returns.
 *
 * The command opens the input itself (a missing one is 66 and creates no
 * database; nor does an import that adds nothing: cli_discard_new, 66)
 * and names it to the library, which uses the name in rejects
 * and as a hint to a provider export's kind.  Rejected rows are written as
 * FILE:LINE: reason, on stderr or into --rejects FILE; the summary (rows
 * read, imported, updated, skipped, rejected, and repaired when a row's
 * text was not UTF-8) goes to stderr unless -q, or
 * with --json as one object on stdout.  Any rejected row makes the exit
 * status 65; the good rows are still written.  A progress line shows on a
 * terminal (progress.c).
 *
 * A dry run writes nothing.  With no database yet it runs against a
 * scratch one in a temporary directory, whose files are unlinked as soon
 * as the handle has them open: nothing is created, and nothing is left
 * behind even by a killed process; the counts are then those of an import
 * into an empty database.
 *
 * SIGINT and SIGTERM end the process the default way (the progress
 * callback never cancels the import, which it could).  First the handler
 * writes how far the import got: the counts at the last committed batch,
 * formatted ahead of time in the progress callback (a handler may only
 * write(2)).  Importing the same file again finishes the job, since rows
 * already stored change nothing.
 *
 * Knows nothing of formats or of how entries are stored.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

enum { OPT_FORMAT = CLI_OPT_CMD, OPT_DRY_RUN, OPT_FORCE, OPT_REJECTS, OPT_LIST };

static const struct option options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "force-suppress", no_argument, NULL, OPT_FORCE },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "list", required_argument, NULL, OPT_LIST },
	CLI_GLOBAL_OPTIONS
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_import = {
	.name = "import",
	.fn = cmd_import,
	.synopsis = "[--format F] [--dry-run] [--force-suppress] [--rejects FILE] [--list L] FILE|-",
	.summary = "bulk import: quell's csv or jsonl, plain lists, provider exports",
	.options =
		"  --format F           plain, csv, jsonl, sendgrid, mailgun, ses or postmark\n"
		"                       (default: told from the first line)\n"
		"  --dry-run            read, judge and count every row, but write nothing\n"
		"  --force-suppress     suppress every row as it stands, without the rules\n"
		"  --rejects FILE       write rejected rows there instead of to stderr\n"
		"  --list L             csv, jsonl: import only rows of list L; plain and\n"
		"                       provider rows: put them on L (suppress or allow)\n",
	.flags = CLI_WRITES | CLI_RULES,
};

/* The names --format takes (the contract's formats). */
static const char *const formats[] = { "plain",   "csv", "jsonl",    "sendgrid",
	                               "mailgun", "ses", "postmark", NULL };
#define FORMATS "plain, csv, jsonl, sendgrid, mailgun, ses or postmark"

struct run {
	struct cli *cli;
	const char *file;    /* the input as given; "-" is stdin */
	char *file_enc;      /* the same, escaped for messages */
	FILE *rejects;       /* --rejects FILE, or NULL: stderr */
	int dry_run;
	char scratch[4096];  /* a dry run's scratch database directory */
	struct cli_progress progress;
};

/* ------------------------------------------------- what a signal prints */

/* Two buffers: while one is being written, note_cur names the other,
 * complete one (-1: print nothing).  Globals, as a handler needs. */
#define NOTE_MAX 1024
static char notes[2][NOTE_MAX];
static size_t note_len[2];
static volatile sig_atomic_t note_cur = -1;

static void on_signal(int sig)
{
	int i = note_cur, saved = errno;

	if (i >= 0) {
		ssize_t n = write(STDERR_FILENO, notes[i], note_len[i]);
		(void)n;
	}
	/* die of it as if it had not been caught, once the handler returns */
	signal(sig, SIG_DFL);
	raise(sig);
	errno = saved;
}

/* Make `text` (one line, without its LF) what a signal prints, after the
 * bytes that blank out the progress line. */
static void publish(const struct run *r, const char *text)
{
	int next = note_cur == 0 ? 1 : 0;
	size_t n = cli_progress_blank(&r->progress, notes[next], NOTE_MAX);
	int k = snprintf(notes[next] + n, NOTE_MAX - n, "%s\n", text);

	if (k < 0 || (size_t)k >= NOTE_MAX - n)
		return;
	note_len[next] = n + (size_t)k;
	note_cur = next;
}

/* ------------------------------------------------------------ callbacks */

/* "R read, I imported, U updated, S skipped, J rejected[, N repaired]
 * (format F)": repaired rows (text that was not UTF-8) only when any */
static void counts(char *buf, size_t size, const struct quell_import_stats *st, int dry_run)
{
	char rep[48] = "";

	if (st->repaired > 0)
		snprintf(rep, sizeof rep, ", %llu repaired", (unsigned long long)st->repaired);
	snprintf(buf, size,
	         "%llu read, %llu imported, %llu updated, %llu skipped, %llu rejected%s "
	         "(format %s%s)",
	         (unsigned long long)st->read, (unsigned long long)st->imported,
	         (unsigned long long)st->updated, (unsigned long long)st->skipped,
	         (unsigned long long)st->rejected, rep, st->format != NULL ? st->format : "unknown",
	         dry_run ? ", dry run" : "");
}

static void on_reject(void *payload, const char *file, size_t line, const char *reason)
{
	struct run *r = payload;
	FILE *f = r->rejects != NULL ? r->rejects : stderr;

	if (f == stderr)
		cli_progress_clear(&r->progress);
	cli_put_enc(f, file, CLI_ENC_FIELD);
	fprintf(f, ":%zu: ", line);
	cli_put_enc(f, reason, CLI_ENC_FIELD);
	fputc('\n', f);
}

/* After each committed batch: the progress line, and what a signal would
 * now print. */
static int on_progress(void *payload, const struct quell_import_stats *st)
{
	struct run *r = payload;
	char c[256], text[NOTE_MAX];

	cli_progress_update(&r->progress, st->read, st->bytes);
	if (note_cur < 0 || st->written == 0) /* nothing written yet: the note stands */
		return 0;
	counts(c, sizeof c, st, r->dry_run);
	snprintf(text, sizeof text, "quell: import: %s: interrupted after %llu rows were written: %s",
	         r->file_enc, (unsigned long long)st->written, c);
	publish(r, text);
	return 0; /* never cancels: a signal ends the process (above) */
}

/* ---------------------------------------------------------------- files */

/* The input: stdin for "-", else the named file.  0 or an exit status. */
static int open_input(struct cli *cli, const char *file, FILE **in)
{
	struct stat st;

	if (strcmp(file, "-") == 0) {
		*in = stdin;
		return 0;
	}
	*in = fopen(file, "r");
	if (*in == NULL) {
		cli_warn(cli, "%s: %s", file, strerror(errno));
		return CLI_EX_NOINPUT;
	}
	if (fstat(fileno(*in), &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_warn(cli, "%s: %s", file, strerror(EISDIR));
		fclose(*in);
		return CLI_EX_NOINPUT;
	}
	return 0;
}

/* `s` escaped as in messages, in memory that the caller frees; NULL when
 * out of memory. */
static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	cli_put_enc(f, s, CLI_ENC_FIELD);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A dry run and no database: point cli->db at a new scratch directory,
 * its name in `dir` (which must outlive cli_open).  0 when there is a
 * database or the scratch is ready (*made says which), else an exit
 * status. */
static int dry_run_db(struct cli *cli, char *dir, size_t size, int *made)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	const char *tmp = getenv("TMPDIR");
	quell *h = NULL;
	int rc, status, n;

	*made = 0;
	if ((status = cli_db_path(cli, dir, size)) != 0)
		return status;
	o.flags = QUELL_OPEN_READONLY;
	rc = quell_open(dir, &o, &h);
	quell_close(h);
	if (rc != QUELL_ENODB)
		return 0; /* there is one, or cli_open will say what is wrong */
	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	n = snprintf(dir, size, "%s/quell-dry-run.XXXXXX", tmp);
	if (n < 0 || (size_t)n >= size || mkdtemp(dir) == NULL) {
		cli_warn(cli, "%s: cannot make a scratch database: %s", tmp,
		         n < 0 || (size_t)n >= size ? "path too long" : strerror(errno));
		return CLI_EX_IOERR;
	}
	cli->db = dir;
	*made = 1;
	return 0;
}

/* Unlink everything in the scratch directory, and the directory. */
static void remove_scratch(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d != NULL) {
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

/* ---------------------------------------------------------------- import */

static json_t *summary_json(const struct run *r, const struct quell_import_stats *st)
{
	json_t *o = json_object();
	int bad = 0;

	if (o == NULL)
		return NULL;
	bad |= cli_jset(o, "file", cli_jstr(r->file));
	bad |= cli_jset(o, "format", cli_jstr(st->format));
	bad |= cli_jset(o, "read", cli_jnum(st->read));
	bad |= cli_jset(o, "imported", cli_jnum(st->imported));
	bad |= cli_jset(o, "updated", cli_jnum(st->updated));
	bad |= cli_jset(o, "skipped", cli_jnum(st->skipped));
	bad |= cli_jset(o, "rejected", cli_jnum(st->rejected));
	bad |= cli_jset(o, "repaired", cli_jnum(st->repaired));
	bad |= cli_jset(o, "dry_run", json_boolean(r->dry_run));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Open the database (or a scratch one for a dry run), run the import,
 * and say how it went.  0 or an exit status. */
static int import(struct cli *cli, struct run *r, FILE *in, struct quell_import_options *o,
                  const char *rejects_name)
{
	struct quell_import_stats st;
	struct sigaction old[2];
	const char *db = cli->db;
	char c[256];
	int rc, status, made = 0;

	if (o->dry_run && (status = dry_run_db(cli, r->scratch, sizeof r->scratch, &made)) != 0)
		return status;
	status = cli_open(cli);
	if (made) {
		remove_scratch(r->scratch); /* the open handle keeps its files */
		cli->db = db;
	}
	if (status != 0)
		return status;
	o->stream = cli->stream;
	o->now = cli->now;
	o->filename = r->file;
	o->reject = on_reject;
	o->progress = on_progress;
	o->payload = r;
	cli_progress_start(&r->progress, cli, fileno(in));
	if (!cli->quiet) {
		snprintf(c, sizeof c, "quell: import: %s: interrupted before the first batch was "
		         "committed: nothing imported", r->file_enc);
		publish(r, c);
	}
	cli_catch_signals(1, on_signal, old);
	rc = quell_import(cli->h, in, o, &st);
	cli_catch_signals(0, on_signal, old);
	cli_progress_clear(&r->progress);
	note_cur = -1;
	if (rc != 0) {
		status = cli_fail(cli, rc);
		if (st.written > 0 && !cli->quiet) {
			counts(c, sizeof c, &st, r->dry_run);
			cli_warn(cli, "%s: stopped after %llu rows were written: %s", r->file,
			         (unsigned long long)st.written, c);
		}
		return status;
	}
	if (rejects_name != NULL && st.rejected > 0 && !cli->quiet)
		cli_warn(cli, "%llu rejected row%s written to %s", (unsigned long long)st.rejected,
		         st.rejected == 1 ? "" : "s", rejects_name);
	if (cli->json) {
		if ((status = cli_json_put(cli, summary_json(r, &st))) != 0)
			return status;
	} else if (!cli->quiet) {
		counts(c, sizeof c, &st, r->dry_run);
		cli_warn(cli, "%s: %s", r->file, c);
	}
	if (!made && st.imported == 0 && st.updated == 0 && (status = cli_discard_new(cli)) != 0)
		return status; /* nothing added: no database created */
	return st.rejected > 0 ? CLI_EX_DATAERR : CLI_EX_OK;
}

static int known_format(const char *name)
{
	for (size_t i = 0; formats[i] != NULL; i++)
		if (strcmp(formats[i], name) == 0)
			return 1;
	return 0;
}

int cmd_import(struct cli *cli, int argc, char **argv)
{
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	const char *rejects_name = NULL;
	struct run r;
	FILE *in = NULL;
	int c, status = 0, list = 0;

	memset(&r, 0, sizeof r);
	r.cli = cli;
	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1) {
		switch (c) {
		case CLI_STOP:
			return status;
		case OPT_FORMAT:
			if (!known_format(optarg))
				return cli_usage_error(cli, "--format: unknown format '%s' (" FORMATS ")",
				                       optarg);
			o.format = optarg;
			break;
		case OPT_DRY_RUN: o.dry_run = 1; break;
		case OPT_FORCE: o.force_suppress = 1; break;
		case OPT_REJECTS:
			if (*optarg == '\0')
				return cli_usage_error(cli, "--rejects: empty file name");
			rejects_name = optarg;
			break;
		case OPT_LIST:
			if ((list = quell_list_parse(optarg)) <= 0)
				return cli_usage_error(cli, "--list: not a list: '%s' (suppress, allow or "
				                       "backoff)", optarg);
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return cli_usage_error(cli, "no input given (a FILE, or '-' for stdin)");
	if (argc > 1)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
	if (list == QUELL_LIST_BACKOFF && o.format != NULL && strcmp(o.format, "csv") != 0 &&
	    strcmp(o.format, "jsonl") != 0)
		return cli_usage_error(cli, "--list backoff: only csv and jsonl rows hold backoff "
		                       "state");
	if (cli->stream != NULL && strcmp(cli->stream, "*") == 0)
		return cli_usage_error(cli, "--stream '*': an import writes to one stream");
	if (list == QUELL_LIST_ALLOW && o.force_suppress)
		return cli_usage_error(cli, "--force-suppress and --list allow contradict each other");
	o.list = list;
	r.file = argv[0];
	r.dry_run = o.dry_run;
	if ((status = open_input(cli, r.file, &in)) != 0)
		return status;
	if ((r.file_enc = escaped(r.file)) == NULL) {
		status = cli_oom(cli);
		goto out;
	}
	if (rejects_name != NULL) {
		if ((r.rejects = fopen(rejects_name, "w")) == NULL) {
			cli_warn(cli, "%s: %s", rejects_name, strerror(errno));
			status = CLI_EX_IOERR;
			goto out;
		}
		setvbuf(r.rejects, NULL, _IOLBF, 0); /* a killed import keeps what it reported */
	}
	status = import(cli, &r, in, &o, rejects_name);
out:
	if (r.rejects != NULL && fclose(r.rejects) != 0 && (status == 0 || status == 65)) {
		cli_warn(cli, "%s: write error: %s", rejects_name, strerror(errno));
		status = CLI_EX_IOERR;
	}
	if (in != stdin)
		fclose(in);
	free(r.file_enc);
	return status;
}
