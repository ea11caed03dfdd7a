/*
 * ingest_dsn.c - `quell ingest dsn [--strict] [--verbose] FILE...`: record
 * what bounce messages say about each recipient, as `record` does one
 * reply.
 *
 * Each FILE is one message, an mbox (it starts with "From "; messages are
 * split at lines that start with "From ", and ">From " lines lose one
 * '>'), or a directory: a maildir (the files of new/ and cur/) or a plain
 * directory of message files, each of which may itself be an mbox; names
 * starting with '.' are left alone, files are read in name order.  "-"
 * reads stdin (one message or an mbox).  A run that records nothing from
 * any FILE creates no database (cli_discard_new: 66).
 *
 * quell_dsn_parse reads each message (lib/mail/dsn.c); every recipient it
 * reports is recorded (quell_record_many, in batches of BATCH recipients,
 * one commit each, at the end of each FILE, and when the input has been
 * quiet for IDLE_MS: an mbox on a pipe that stays open) at the report's
 * time (else --now or the clock), as a complaint for abuse reports, with
 * the message id "ACTION MESSAGE-ID" (the original message's Message-ID,
 * else the bounce's own, else the report's digest: what identifies it), so that
 * ingesting the same bounce twice counts once - a maildir read by cron
 * again and again -, and a "delayed" and a "failed" report for one message
 * count once each.
 * Messages that are not bounces, and messages over 64 MiB (with a
 * warning), are skipped; so is a recipient that quell refuses, said as
 * "PATH:LINE: RECIPIENT: reason" (LINE: where the message starts) unless
 * -q.  With --strict that recipient is rejected and the exit status is 65
 * at the end; it is 65 too when messages were read and none starts as a
 * mail message does (a header field): an input that is no mailbox.
 *
 * Summary per FILE on stderr unless -q, shaped as import's: "FILE: R read,
 * I imported, 0 updated, D duplicates, S skipped, J rejected" (read:
 * messages; imported: recipients recorded; duplicates: recipients of
 * bounces counted before, which write nothing; skipped: messages that are
 * no bounce or too big, and recipients refused; rejected: recipients
 * refused with --strict); with --json one object per FILE on stdout
 * instead.  --verbose prints each recorded recipient as `record` does.
 *
 * Knows nothing of MIME, bounce formats or rules.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ingest.h"

#define MESSAGE_MAX ((size_t)64 * 1024 * 1024)
#define READ_BUF (256 * 1024)
#define BATCH 256 /* recipients per commit */
#define IDLE_MS 1000 /* input quiet this long with a batch pending: write it */

/* Reading messages stops at no signal: a wait for input is taken up again. */
static const volatile sig_atomic_t never;

enum { OPT_VERBOSE = CLI_OPT_CMD, OPT_STRICT };

static const struct option dsn_options[] = {
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	CLI_GLOBAL_OPTIONS
};

/* Reads a file in pieces that end at a line end, or at the buffer's end
 * for longer lines. */
struct rd {
	int fd;
	char *buf;
	size_t start, end;
	int eof, mid; /* mid: the last piece did not end its line */
	struct ingest *g; /* its batch is written when the input is quiet */
	int status;       /* the exit status that stopped the reading */
};

/* A recipient waiting for its batch to be written. */
struct pending {
	struct quell_dsn_report r;
	char id[QUELL_DSN_MSGID_MAX + 32];
	struct quell_record_options o;
	char *path;           /* the message's file (a maildir's change) */
};

struct ingest {
	struct cli *cli;
	int verbose;
	const char *path;   /* the file being read, for messages */
	size_t line;        /* where the current message starts in it */
	char *msg;          /* the message being gathered */
	size_t len, cap;
	int toobig;
	struct ingest_out o;  /* counts and the batch of recipients to record */
	struct pending *pend; /* [BATCH]: what o's items point to */
};

/* The next piece: 1 (*line_start: it starts a line), 0 at the end, -1
 * with errno set, or -2 with r->status set (writing a batch failed). */
static int piece(struct rd *r, char **p, size_t *n, int *line_start)
{
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		ssize_t got;

		if (nl != NULL || r->end - r->start == READ_BUF || (r->eof && r->end > r->start)) {
			size_t stop = nl != NULL ? (size_t)(nl - r->buf) + 1 : r->end;

			*p = r->buf + r->start;
			*n = stop - r->start;
			*line_start = !r->mid;
			r->mid = nl == NULL && !r->eof;
			r->start = stop;
			return 1;
		}
		if (r->eof)
			return 0;
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
		if ((r->status = ingest_flush_if_idle(&r->g->o, r->fd, IDLE_MS, &never)) != 0)
			return -2;
		do
			got = read(r->fd, r->buf + r->end, READ_BUF - r->end);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -1;
		if (got == 0)
			r->eof = 1;
		r->end += (size_t)got;
	}
}

/* One recipient of a bounce, into the batch.  0, or an exit status (stops
 * the parse). */
static int report(void *arg, const struct quell_dsn_report *r)
{
	struct quell_record_options init = QUELL_RECORD_OPTIONS_INIT;
	struct ingest *g = arg;
	struct pending *p = &g->pend[g->o.n];
	struct quell_record_item *it;

	p->r = *r;
	p->o = init;
	p->o.now = cli_event_time(r->time, g->cli->now);
	snprintf(p->id, sizeof p->id, "%s %s",
	         r->complaint ? "complaint" : r->action[0] != '\0' ? r->action : "failed",
	         r->message_id[0] != '\0' ? r->message_id : r->digest);
	p->o.message_id = p->id;
	if (r->complaint)
		p->o.source = QUELL_SOURCE_COMPLAINT;
	free(p->path);
	if ((p->path = strdup(g->path)) == NULL)
		return cli_oom(g->cli);
	it = ingest_next(&g->o, p->path, g->line);
	it->address = p->r.recipient;
	it->reply = p->r.reply;
	it->opts = &p->o;
	return ingest_added(&g->o);
}

/* Whether m starts as a mail message does: a header field name (RFC
 * 5322: printable ASCII but ':') and its colon. */
static int is_message(const char *m, size_t n)
{
	size_t i = 0;

	while (i < n && m[i] >= '!' && m[i] <= '~' && m[i] != ':')
		i++;
	return i > 0 && i < n && m[i] == ':';
}

/* The message gathered so far.  0 or an exit status. */
static int message(struct ingest *g)
{
	size_t n = 0;
	int rc;

	g->o.read++;
	if (g->toobig) {
		g->o.skipped++;
		cli_warn(g->cli, "%s:%zu: message over %zu MiB, skipped", g->path, g->line,
		         MESSAGE_MAX >> 20);
		return 0;
	}
	rc = quell_dsn_parse(g->msg, g->len, report, g, &n);
	if (rc == QUELL_ENOMEM)
		return cli_oom(g->cli);
	if (rc < 0)
		return cli_fail(g->cli, rc);
	if (rc != 0)
		return rc; /* report()'s exit status */
	if (n == 0)
		g->o.skipped++;
	if (n > 0 || is_message(g->msg, g->len))
		g->o.recognized++;
	return 0;
}

static int append(struct ingest *g, const char *p, size_t n)
{
	if (g->toobig || n == 0)
		return 0;
	if (g->len + n > MESSAGE_MAX) {
		g->toobig = 1;
		return 0;
	}
	if (g->len + n > g->cap) {
		size_t cap = g->cap ? g->cap : 65536;
		char *m;

		while (cap < g->len + n)
			cap *= 2;
		if ((m = realloc(g->msg, cap)) == NULL)
			return -1;
		g->msg = m;
		g->cap = cap;
	}
	memcpy(g->msg + g->len, p, n);
	g->len += n;
	return 0;
}

/* Read one file (or stdin): a message or an mbox.  0 or an exit status. */
static int read_fd(struct ingest *g, int fd)
{
	struct rd r = { fd, NULL, 0, 0, 0, 0, g, 0 };
	size_t n, lineno = 0;
	char *p;
	int mbox = -1, start, rc, status = 0, any = 0;

	if ((r.buf = malloc(READ_BUF)) == NULL)
		return cli_oom(g->cli);
	g->len = 0;
	g->toobig = 0;
	g->line = 1;
	while (status == 0 && (rc = piece(&r, &p, &n, &start)) == 1) {
		lineno += start;
		if (mbox < 0)
			mbox = n >= 5 && memcmp(p, "From ", 5) == 0;
		if (mbox && start && n >= 5 && memcmp(p, "From ", 5) == 0) {
			if (any)
				status = message(g);
			g->len = 0;
			g->toobig = 0;
			g->line = lineno;
			any = 1;
			continue;
		}
		if (mbox && start && p[0] == '>') { /* ">From " and ">>From ": one '>' less */
			size_t k = 0;

			while (k < n && p[k] == '>')
				k++;
			if (n - k >= 5 && memcmp(p + k, "From ", 5) == 0) {
				p++;
				n--;
			}
		}
		any = 1;
		if (append(g, p, n) != 0)
			status = cli_oom(g->cli);
	}
	if (status == 0 && rc == -2) {
		status = r.status;
	} else if (status == 0 && rc < 0) {
		cli_warn(g->cli, "%s: %s", g->path, strerror(errno));
		status = CLI_EX_IOERR;
	}
	if (status == 0 && any)
		status = message(g);
	free(r.buf);
	return status;
}

static int read_path(struct ingest *g, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), status;

	if (fd < 0) {
		cli_warn(g->cli, "%s: %s", path, strerror(errno));
		return CLI_EX_NOINPUT;
	}
	g->path = path;
	status = read_fd(g, fd);
	close(fd);
	return status;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir whose names do not start with '.', in name
 * order, each read.  0 or an exit status. */
static int read_dir(struct ingest *g, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, *path;
	size_t n = 0, cap = 0;
	int status = 0;

	if (d == NULL) {
		cli_warn(g->cli, "%s: %s", dir, strerror(errno));
		return CLI_EX_NOINPUT;
	}
	while (status == 0 && (e = readdir(d)) != NULL) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
			status = cli_oom(g->cli);
			break;
		}
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (n == cap) {
			char **m = realloc(names, (cap ? cap * 2 : 64) * sizeof *names);

			if (m == NULL) {
				free(path);
				status = cli_oom(g->cli);
				break;
			}
			names = m;
			cap = cap ? cap * 2 : 64;
		}
		names[n++] = path;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		if (status == 0) {
			status = read_path(g, names[i]);
			if (status == CLI_EX_NOINPUT) /* gone since it was listed */
				status = 0;
		}
		free(names[i]);
	}
	free(names);
	return status;
}

/* A maildir (new/ and cur/) or a plain directory of messages. */
static int read_maildir(struct ingest *g, const char *dir)
{
	static const char *const subs[] = { "new", "cur" };
	char sub[4096];
	struct stat st;
	int status = 0, maildir = 0;

	for (int i = 0; i < 2 && status == 0; i++) {
		snprintf(sub, sizeof sub, "%s/%s", dir, subs[i]);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
			maildir = 1;
			status = read_dir(g, sub);
		}
	}
	return maildir ? status : read_dir(g, dir);
}

int cmd_ingest_dsn(struct cli *cli, int argc, char **argv)
{
	struct ingest g;
	struct stat st;
	uint64_t read = 0, recognized = 0, rejected = 0, imported = 0;
	int c, status = 0, first, strict = 0;

	memset(&g, 0, sizeof g);
	g.cli = cli;
	while ((c = cli_getopt(cli, argc, argv, dsn_options, &status)) != -1) {
		if (c == CLI_STOP)
			return status;
		if (c == OPT_VERBOSE)
			g.verbose = 1;
		if (c == OPT_STRICT)
			strict = 1;
	}
	if (optind >= argc)
		return cli_usage_error(cli, "no input given (FILE..., or '-' for stdin)");
	if (cli->stream != NULL)
		return cli_usage_error(cli, "--stream: bounces never carry a stream");
	first = optind;
	for (int i = first; i < argc; i++)
		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) != 0) {
			cli_warn(cli, "%s: %s", argv[i], strerror(errno));
			return CLI_EX_NOINPUT;
		}
	if ((status = ingest_out_init(&g.o, cli, BATCH)) == 0 &&
	    (g.pend = calloc(BATCH, sizeof *g.pend)) == NULL)
		status = cli_oom(cli);
	g.o.verbose = g.verbose;
	g.o.strict = strict;
	if (status == 0)
		status = cli_open(cli);
	for (int i = first; i < argc && status == 0; i++) {
		const char *file = argv[i];

		g.o.read = g.o.imported = g.o.duplicates = g.o.skipped = g.o.rejected = 0;
		g.o.repaired = 0;
		g.o.recognized = 0;
		if (strcmp(file, "-") == 0) {
			g.path = "-";
			status = read_fd(&g, STDIN_FILENO);
		} else if (stat(file, &st) == 0 && S_ISDIR(st.st_mode)) {
			status = read_maildir(&g, file);
		} else {
			status = read_path(&g, file);
		}
		if (status == 0)
			status = ingest_flush(&g.o); /* this FILE's last recipients */
		if (status == 0 && g.verbose && fflush(stdout) != 0) {
			cli_warn(cli, "write error: %s", strerror(errno));
			status = CLI_EX_IOERR;
		}
		if (status == 0)
			status = ingest_summary(&g.o, file, "dsn");
		read += g.o.read;
		recognized += g.o.recognized;
		rejected += g.o.rejected;
		imported += g.o.imported;
	}
	if (status == 0)
		status = ingest_exit(&g.o, read, recognized, rejected,
		                     argc - first == 1 ? argv[first] : "input",
		                     "no mail message in it (nothing starts with a header)");
	if ((status == 0 || status == CLI_EX_DATAERR) && imported == 0) {
		int d = cli_discard_new(cli); /* nothing added: no database created */

		if (status == 0)
			status = d;
	}
	for (size_t i = 0; g.pend != NULL && i < BATCH; i++)
		free(g.pend[i].path);
	free(g.msg);
	free(g.pend);
	ingest_out_free(&g.o);
	return status;
}
