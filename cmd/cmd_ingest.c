/*
 * cmd_ingest.c - `quell ingest SUBCOMMAND`: feed what a mail system said
 * about its deliveries through the rules, as `record` does one reply.
 *
 *   ingest postfix-log [--follow] [--verbose] FILE|-
 *
 * Every delivery report of the log (smtp, lmtp, local, virtual, pipe,
 * error: sent, deferred, bounced) is recorded at the time it was logged,
 * with its queue id, so that a message deferred five times counts once.
 * Other lines (NOQUEUE: reject - quell's own answers -, connect from,
 * qmgr, garbage, lines over 64 KiB) are counted as skipped, never as
 * rejected.  A report whose recipient quell refuses is rejected:
 * "FILE:LINE: RECIPIENT: reason" on stderr, and exit 65 at the end.
 *
 * Summary on stderr unless -q, shaped as import's: "FILE: R read, I
 * imported, 0 updated, S skipped, J rejected" (read: lines; imported:
 * reports recorded, retries of a queue id included; updated: always 0,
 * there for scripts that read import's summary too); with --json, one
 * object on stdout instead.  Stdout is quiet otherwise: --verbose prints
 * each recorded report as `record` does (render.c).
 *
 * --follow keeps reading a growing file as `tail -F` does: new data is
 * looked for every 200 ms; a file replaced (rotated: another inode) is
 * reopened from its start once the old one is read to its end, a file
 * that shrank (truncated) is read again from its start.  SIGINT and
 * SIGTERM end the reading cleanly, with the summary, for a file (stdin is
 * read to its end, and a signal ends the process the default way).
 *
 * A run that records nothing creates no database (cli_discard_new: 66).
 *
 * A syslog stamp (`Nov 28 10:00:00`) is read in the local time zone (TZ)
 * of the reference time, --now or the clock; RFC 3339 stamps carry their
 * own offset.  Reports are recorded in batches (quell_record_many: one
 * commit, one sync for up to BATCH reports), written when a batch is full,
 * at the end of the input, and - following - before each wait, so a quiet
 * log never holds a report back.  Knows nothing of log formats or of rules.
 */
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ingest.h"
#include "lines.h"

#define READ_BUF (512 * 1024)
#define POLL_NS (200 * 1000 * 1000L)
#define BATCH 512 /* reports per commit */

enum { OPT_FOLLOW = CLI_OPT_CMD, OPT_VERBOSE };

static const struct option pflog_options[] = {
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	CLI_GLOBAL_OPTIONS
};

/* Set by SIGINT and SIGTERM while a file is read; a handler's global. */
static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* A report waiting for its batch to be written. */
struct pending {
	struct quell_postfix_report rep;
	struct quell_record_options opts;
};

struct ingest {
	struct cli *cli;
	const char *file;     /* as given; "-" is stdin */
	int fd;
	int follow, verbose;
	size_t lineno;        /* in the file being read (reset when it is replaced) */
	int64_t off_ref;      /* reference time of utc_offset */
	int utc_offset;       /* local zone at off_ref, seconds east of UTC */
	struct ingest_out o;  /* counts and the batch of reports to record */
	struct pending *pend; /* [BATCH]: what o's items point to */
};

/* The reference time for a syslog stamp's year, and the zone it is in. */
static int64_t reference(struct ingest *g)
{
	int64_t ref = g->cli->now != 0 ? g->cli->now : (int64_t)time(NULL);
	time_t t = (time_t)ref;
	struct tm tm;

	if (g->off_ref == 0 || ref - g->off_ref > 60 || g->off_ref - ref > 60) {
		g->off_ref = ref;
		g->utc_offset = localtime_r(&t, &tm) != NULL ? (int)tm.tm_gmtoff : 0;
	}
	return ref;
}

/* One line of the log.  0 or an exit status (a database error). */
static int one(struct ingest *g, const struct line *l)
{
	struct quell_record_options init = QUELL_RECORD_OPTIONS_INIT;
	struct pending *p = &g->pend[g->o.n];
	struct quell_record_item *it;
	int64_t ref = reference(g);
	int rc;

	g->o.read++;
	g->lineno++;
	if (l->toolong) {
		g->o.skipped++;
		return 0;
	}
	rc = quell_postfix_log_parse(l->text, l->len, ref, g->utc_offset, &p->rep);
	if (rc == 0) {
		g->o.skipped++;
		return 0;
	}
	if (rc != 1) {
		ingest_reject(&g->o, g->file, g->lineno, NULL, p->rep.error);
		return 0;
	}
	p->opts = init;
	p->opts.now = p->rep.time;
	p->opts.queue_id = p->rep.queue_id;
	it = ingest_next(&g->o, g->file, g->lineno);
	it->address = p->rep.recipient;
	it->reply = p->rep.reply;
	it->opts = &p->opts;
	return ingest_added(&g->o);
}

/* At the end of a followed file: reopen it when it was replaced, read it
 * again when it shrank, else wait.  0 or an exit status. */
static int wait_more(struct ingest *g, struct lines *lr)
{
	struct timespec ts = { 0, POLL_NS };
	struct stat now, cur;
	off_t pos;
	int fd, rc;

	if (stat(g->file, &now) == 0 && fstat(g->fd, &cur) == 0) {
		if (now.st_ino != cur.st_ino || now.st_dev != cur.st_dev) {
			fd = open(g->file, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				close(g->fd);
				g->fd = lr->fd = fd;
				lr->start = lr->end = 0;
				lr->skipping = 0;
				g->lineno = 0;
				return 0; /* read the new file at once */
			}
		} else if ((pos = lseek(g->fd, 0, SEEK_CUR)) >= 0 && now.st_size < pos) {
			if (lseek(g->fd, 0, SEEK_SET) == 0) {
				lr->start = lr->end = 0;
				lr->skipping = 0;
				g->lineno = 0;
				return 0;
			}
		}
	}
	if ((rc = ingest_flush(&g->o)) != 0)
		return rc;
	if (g->verbose && fflush(stdout) != 0) {
		cli_warn(g->cli, "write error: %s", strerror(errno));
		return CLI_EX_IOERR;
	}
	nanosleep(&ts, NULL); /* a signal cuts it short */
	return 0;
}

/* Read the input to its end (or, following, until a signal). */
static int read_log(struct ingest *g)
{
	struct lines lr;
	struct line l;
	int status = 0, r;

	if (lines_init(&lr, g->fd, READ_BUF, QUELL_POSTFIX_LINE_MAX) != 0)
		return cli_oom(g->cli);
	while (status == 0 && !stopping) {
		r = lines_get(&lr, &l);
		if (r == LINES_OK) {
			status = one(g, &l);
			continue;
		}
		if (r == LINES_EOF)
			break;
		if (g->verbose && !g->follow && fflush(stdout) != 0) {
			cli_warn(g->cli, "write error: %s", strerror(errno));
			status = CLI_EX_IOERR;
		} else if (lines_fill(&lr) != 0) {
			cli_warn(g->cli, "%s: %s", g->file, strerror(errno));
			status = CLI_EX_IOERR;
		} else if (g->follow && lr.eof) {
			lr.eof = 0; /* a line without its LF yet stays in the buffer */
			status = wait_more(g, &lr);
		}
	}
	lines_free(&lr);
	if (status == 0)
		status = ingest_flush(&g->o); /* the end, or a signal: what was read is kept */
	return status;
}

static int postfix_log(struct cli *cli, int argc, char **argv)
{
	struct sigaction old[2];
	struct ingest g;
	struct stat st;
	int c, status = 0, is_file;

	memset(&g, 0, sizeof g);
	g.cli = cli;
	while ((c = cli_getopt(cli, argc, argv, pflog_options, &status)) != -1) {
		switch (c) {
		case CLI_STOP:
			return status;
		case OPT_FOLLOW: g.follow = 1; break;
		case OPT_VERBOSE: g.verbose = 1; break;
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "no input given (a FILE, or '-' for stdin)");
	if (optind + 1 < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);
	if (cli->stream != NULL)
		return cli_usage_error(cli, "--stream: bounces never carry a stream");
	g.file = argv[optind];
	is_file = strcmp(g.file, "-") != 0;
	if (g.follow && !is_file)
		return cli_usage_error(cli, "--follow needs a FILE");
	g.fd = STDIN_FILENO;
	if (is_file) {
		g.fd = open(g.file, O_RDONLY | O_CLOEXEC);
		if (g.fd < 0 || (fstat(g.fd, &st) == 0 && S_ISDIR(st.st_mode))) {
			cli_warn(cli, "%s: %s", g.file, strerror(g.fd < 0 ? errno : EISDIR));
			if (g.fd >= 0)
				close(g.fd);
			return CLI_EX_NOINPUT;
		}
	}
	if ((status = ingest_out_init(&g.o, cli, BATCH)) == 0 &&
	    (g.pend = malloc(BATCH * sizeof *g.pend)) == NULL)
		status = cli_oom(cli);
	g.o.verbose = g.verbose;
	if (status == 0 && (status = cli_open(cli)) == 0) {
		stopping = 0;
		if (is_file)
			cli_catch_signals(1, on_stop, old);
		status = read_log(&g);
		if (is_file)
			cli_catch_signals(0, on_stop, old);
	}
	if (is_file)
		close(g.fd);
	free(g.pend);
	if (status == 0)
		status = ingest_summary(&g.o, g.file, "postfix-log");
	if (status == 0 && g.o.imported == 0)
		status = cli_discard_new(cli); /* nothing added: no database created */
	ingest_out_free(&g.o);
	if (status != 0)
		return status;
	return g.o.rejected > 0 ? CLI_EX_DATAERR : CLI_EX_OK;
}

/* ----------------------------------------------------------------- ingest */

/* Names are "ingest SUB": the prefix in messages and usage lines. */
const struct cli_cmd cli_ingest_subs[] = {
	{ "ingest postfix-log", postfix_log, "[--follow] [--verbose] FILE|-",
	  "record the delivery reports of a Postfix mail log (sent, deferred,\n"
	  "bounced) at the time they were logged; other lines are skipped",
	  "  --follow             keep reading FILE as it grows, across rotation,\n"
	  "                       until SIGINT or SIGTERM\n"
	  "  --verbose            print each recorded report as record does\n",
	  CLI_WRITES | CLI_RULES },
	{ "ingest dsn", cmd_ingest_dsn, "[--verbose] FILE...",
	  "record what bounce messages (RFC 3464 reports, abuse reports, other\n"
	  "bounces) say about each recipient; FILE is a message, an mbox, a\n"
	  "maildir or '-'; messages that are no bounce are skipped",
	  "  --verbose            print each recorded recipient as record does\n",
	  CLI_WRITES | CLI_RULES },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

int cmd_ingest(struct cli *cli, int argc, char **argv)
{
	return cli_group(cli, argc, argv, cli_ingest_subs, "postfix-log or dsn");
}
