/*
 * cmd_ingest.c - `quell ingest SUBCOMMAND`: feed what a mail system said
 * about its deliveries through the rules, as `record` does one reply.
 *
 *   ingest postfix-log [--follow] [--strict] [--verbose] FILE|-
 *   (ingest dsn: ingest_dsn.c; ingest sendgrid-events, ses, mailgun-events,
 *   postmark-events: ingest_esp.c)
 *
 * Every delivery report of the log (smtp, lmtp, local, virtual, pipe,
 * error: sent, deferred, bounced) is recorded at the time it was logged,
 * with its queue id, so that a message deferred five times counts once.
 * Other lines (NOQUEUE: reject - quell's own answers -, connect from,
 * qmgr, garbage, lines over 64 KiB) are counted as skipped, never as
 * rejected; so is a report whose recipient quell refuses, said as
 * "FILE:LINE: RECIPIENT: reason" on stderr unless -q.  With --strict that
 * report is rejected, and the exit status is 65 at the end; it is 65 too
 * when lines were read and none is a log line (a file that is no log).
 *
 * Summary on stderr unless -q, shaped as import's: "FILE: R read, I
 * imported, 0 updated, D duplicates, S skipped, J rejected" (read: lines;
 * imported: reports recorded; duplicates: reports whose queue id was
 * counted before, which write nothing; updated: always 0, there for
 * scripts that read import's summary too); with --json, one object on
 * stdout instead.  Stdout is quiet otherwise: --verbose prints
 * each recorded report as `record` does (render.c).
 *
 * --follow keeps reading a growing file as `tail -F` does: new data is
 * looked for every 200 ms; a file replaced (rotated: another inode) is
 * reopened from its start once the old one is read to its end, a file
 * that shrank (truncated) is read again from its start, a file that does
 * not exist yet is waited for.  The position (device, inode, offset, line)
 * is kept in the database as a mark (quell_mark_set) after each write, so
 * a restart resumes where the last run stopped; lines read again after a
 * crash are duplicates by their queue ids and write nothing.  SIGINT and
 * SIGTERM end the reading cleanly, with the summary, for a file (stdin is
 * read to its end, and a signal ends the process the default way).
 *
 * A run that records nothing creates no database (cli_discard_new: 66).
 *
 * A syslog stamp (`Nov 28 10:00:00`) is read in the local time zone (TZ)
 * of the reference time, --now or the clock; RFC 3339 stamps carry their
 * own offset.  Reports are recorded in batches (quell_record_many: one
 * commit, one sync for up to BATCH reports), written when a batch is full,
 * at the end of the input, when the input has been quiet for IDLE_MS (a
 * pipe from `journalctl -f` may stay open for ever), and - following -
 * before each wait, so a quiet log never holds a report back.  Knows
 * nothing of log formats or of rules.
 */
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <poll.h>
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
#define IDLE_MS 1000 /* input quiet this long with a batch pending: write it */
#define BATCH 512 /* reports per commit */

enum { OPT_FOLLOW = CLI_OPT_CMD, OPT_STRICT, OPT_VERBOSE };

static const struct option pflog_options[] = {
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "strict", no_argument, NULL, OPT_STRICT },
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
	uint64_t pos;         /* bytes of it handed out as lines: where to resume */
	char mark[QUELL_MARK_NAME_MAX]; /* following: the name of the kept position */
	char saved[96];       /* the position last kept */
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

/* ---------------------------------------------------------- the position */

/* Following: the name of the file's position in the database, from its
 * absolute path.  0, or 64 for a path too long. */
static int mark_name(struct ingest *g)
{
	char cwd[4096];
	int n = -1;

	if (g->file[0] == '/')
		n = snprintf(g->mark, sizeof g->mark, "ingest postfix-log %s", g->file);
	else if (getcwd(cwd, sizeof cwd) != NULL)
		n = snprintf(g->mark, sizeof g->mark, "ingest postfix-log %s/%s", cwd, g->file);
	if (n < 0 || (size_t)n >= sizeof g->mark)
		return cli_usage_error(g->cli, "--follow: %s: path too long to keep its position",
		                       g->file);
	return 0;
}

/* Following, the file just opened: go on where the last run stopped when
 * the position kept is in this very file (device and inode) and the file
 * is not shorter; else (none kept, the file replaced or truncated since)
 * read it from its start.  0 or an exit status. */
static int resume(struct ingest *g)
{
	char buf[sizeof g->saved];
	unsigned long long dev, ino, off;
	size_t len, line;
	struct stat st;
	int rc = quell_mark_get(g->cli->h, g->mark, buf, sizeof buf - 1, &len);

	g->pos = 0;
	if (rc == QUELL_ENOTFOUND || rc == QUELL_EINVAL) /* none, or none of ours */
		return 0;
	if (rc != 0)
		return cli_fail(g->cli, rc);
	buf[len] = '\0';
	memcpy(g->saved, buf, len + 1);
	if (sscanf(buf, "%llu %llu %llu %zu", &dev, &ino, &off, &line) != 4 ||
	    fstat(g->fd, &st) != 0 || (unsigned long long)st.st_dev != dev ||
	    (unsigned long long)st.st_ino != ino || (unsigned long long)st.st_size < off ||
	    lseek(g->fd, (off_t)off, SEEK_SET) < 0)
		return 0;
	g->pos = off;
	g->lineno = line;
	return 0;
}

/* Following: keep the position (device, inode, offset, line) in the
 * database once what was read up to it is written, if it moved.  0 or an
 * exit status. */
static int keep(struct ingest *g)
{
	char buf[sizeof g->saved];
	struct stat st;
	int n, rc;

	if (!g->follow || g->fd < 0 || fstat(g->fd, &st) != 0)
		return 0;
	n = snprintf(buf, sizeof buf, "%llu %llu %llu %zu", (unsigned long long)st.st_dev,
	             (unsigned long long)st.st_ino, (unsigned long long)g->pos, g->lineno);
	if (n < 0 || (size_t)n >= sizeof buf || strcmp(buf, g->saved) == 0)
		return 0;
	if ((rc = quell_mark_set(g->cli->h, g->mark, buf, (size_t)n)) != 0)
		return cli_fail(g->cli, rc);
	memcpy(g->saved, buf, (size_t)n + 1);
	return 0;
}

/* ------------------------------------------------------------- the lines */

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
	g->o.recognized += p->rep.log_line != 0;
	if (rc == 0) {
		g->o.skipped++;
		return 0;
	}
	if (rc != 1) {
		ingest_unusable(&g->o, g->file, g->lineno, NULL, p->rep.error);
		return 0;
	}
	p->opts = init;
	p->opts.now = cli_event_time(p->rep.time, g->cli->now);
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
				g->pos = 0;
				return 0; /* read the new file at once */
			}
		} else if ((pos = lseek(g->fd, 0, SEEK_CUR)) >= 0 && now.st_size < pos) {
			if (lseek(g->fd, 0, SEEK_SET) == 0) {
				lr->start = lr->end = 0;
				lr->skipping = 0;
				g->lineno = 0;
				g->pos = 0;
				return 0;
			}
		}
	}
	if ((rc = ingest_flush(&g->o)) != 0 || (rc = keep(g)) != 0)
		return rc;
	if (g->verbose && fflush(stdout) != 0) {
		cli_warn(g->cli, "write error: %s", strerror(errno));
		return CLI_EX_IOERR;
	}
	nanosleep(&ts, NULL); /* a signal cuts it short */
	return 0;
}

/* Following a file that does not exist yet: wait for it to appear (or for
 * a signal).  0 or an exit status. */
static int wait_file(struct ingest *g)
{
	struct timespec ts = { 0, POLL_NS };
	struct stat st;

	while (!stopping) {
		g->fd = open(g->file, O_RDONLY | O_CLOEXEC);
		if (g->fd >= 0) {
			if (fstat(g->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
				cli_warn(g->cli, "%s: %s", g->file, strerror(EISDIR));
				return CLI_EX_NOINPUT;
			}
			return 0;
		}
		if (errno != ENOENT) {
			cli_warn(g->cli, "%s: %s", g->file, strerror(errno));
			return CLI_EX_NOINPUT;
		}
		nanosleep(&ts, NULL); /* a signal cuts it short */
	}
	return 0;
}

/* Read the input to its end (or, following, until a signal). */
static int read_log(struct ingest *g)
{
	struct lines lr;
	struct line l;
	int status = 0, r;

	if (g->fd < 0 && ((status = wait_file(g)) != 0 || g->fd < 0))
		return status; /* stopped before the file appeared: nothing read */
	if (g->follow && (status = resume(g)) != 0)
		return status;
	if (lines_init(&lr, g->fd, READ_BUF, QUELL_POSTFIX_LINE_MAX) != 0)
		return cli_oom(g->cli);
	while (status == 0 && !stopping) {
		size_t before = lr.start;

		r = lines_get(&lr, &l);
		g->pos += lr.start - before; /* lines handed out, and the rests skipped */
		if (r == LINES_OK) {
			status = one(g, &l);
			continue;
		}
		if (r == LINES_EOF)
			break;
		if (g->verbose && !g->follow && fflush(stdout) != 0) {
			cli_warn(g->cli, "write error: %s", strerror(errno));
			status = CLI_EX_IOERR;
		} else if (!g->follow &&
		           (status = ingest_flush_if_idle(&g->o, g->fd, IDLE_MS, &stopping)) != 0) {
			break;
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
	if (status == 0)
		status = keep(g);
	return status;
}

static int postfix_log(struct cli *cli, int argc, char **argv)
{
	struct sigaction old[2];
	struct ingest g;
	struct stat st;
	int c, status = 0, is_file, strict;

	memset(&g, 0, sizeof g);
	g.cli = cli;
	while ((c = cli_getopt(cli, argc, argv, pflog_options, &status)) != -1) {
		switch (c) {
		case CLI_STOP:
			return status;
		case OPT_FOLLOW: g.follow = 1; break;
		case OPT_STRICT: g.o.strict = 1; break;
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
	if (g.follow && (status = mark_name(&g)) != 0)
		return status;
	g.fd = STDIN_FILENO;
	if (is_file) {
		g.fd = open(g.file, O_RDONLY | O_CLOEXEC);
		if (g.fd < 0 && errno == ENOENT && g.follow) {
			/* read_log waits for it */
		} else if (g.fd < 0 || (fstat(g.fd, &st) == 0 && S_ISDIR(st.st_mode))) {
			cli_warn(cli, "%s: %s", g.file, strerror(g.fd < 0 ? errno : EISDIR));
			if (g.fd >= 0)
				close(g.fd);
			return CLI_EX_NOINPUT;
		}
	}
	strict = g.o.strict;
	if ((status = ingest_out_init(&g.o, cli, BATCH)) == 0 &&
	    (g.pend = malloc(BATCH * sizeof *g.pend)) == NULL)
		status = cli_oom(cli);
	g.o.verbose = g.verbose;
	g.o.strict = strict;
	if (status == 0 && (status = cli_open(cli)) == 0) {
		stopping = 0;
		if (is_file)
			cli_catch_signals(1, on_stop, old);
		status = read_log(&g);
		if (is_file)
			cli_catch_signals(0, on_stop, old);
	}
	if (is_file && g.fd >= 0)
		close(g.fd);
	free(g.pend);
	if (status == 0)
		status = ingest_summary(&g.o, g.file, "postfix-log");
	if (status == 0)
		status = ingest_exit(&g.o, g.o.read, g.o.recognized, g.o.rejected, g.file,
		                     "no line is a log line (a time stamp and a host)");
	if ((status == 0 || status == CLI_EX_DATAERR) && g.o.imported == 0) {
		int d = cli_discard_new(cli); /* nothing added: no database created */

		if (status == 0)
			status = d;
	}
	ingest_out_free(&g.o);
	return status;
}

/* ----------------------------------------------------------------- ingest */

/* Names are "ingest SUB": the prefix in messages and usage lines. */
static const struct cli_cmd cli_ingest_subs[] = {
	{ "ingest postfix-log", postfix_log, "[--follow] [--strict] [--verbose] FILE|-",
	  "record the delivery reports of a Postfix mail log (sent, deferred,\n"
	  "bounced) at the time they were logged; other lines are skipped",
	  "  --follow             keep reading FILE as it grows, across rotation,\n"
	  "                       until SIGINT or SIGTERM\n"
	  "  --strict             a report quell cannot use (a bad recipient) is\n"
	  "                       rejected and makes the exit status 65\n"
	  "  --verbose            print each recorded report as record does\n",
	  CLI_WRITES | CLI_RULES, NULL },
	{ "ingest dsn", cmd_ingest_dsn, "[--strict] [--verbose] FILE...",
	  "record what bounce messages (RFC 3464 reports, abuse reports, other\n"
	  "bounces) say about each recipient; FILE is a message, an mbox, a\n"
	  "maildir or '-'; messages that are no bounce are skipped",
	  "  --strict             a recipient quell refuses is rejected and makes\n"
	  "                       the exit status 65\n"
	  "  --verbose            print each recorded recipient as record does\n",
	  CLI_WRITES | CLI_RULES, NULL },
	/* ESP event exports (ingest_esp.c, docs/esp.md) */
#define ESP_SUB(name, what)                                                                    \
	{ "ingest " name, cmd_ingest_esp, "[--strict] [--verbose] FILE|-",                     \
	  "record " what " (JSON Lines, or a JSON array);\n"                                   \
	  "bounces go through the rules, complaints and unsubscribes suppress,\n"              \
	  "deliveries clear; events seen before are duplicates",                               \
	  "  --strict             an event quell cannot use is rejected and makes\n"           \
	  "                       the exit status 65\n"                                        \
	  "  --verbose            print each recorded event as record does\n",                 \
	  CLI_WRITES | CLI_RULES, NULL }
	ESP_SUB("sendgrid-events", "SendGrid Event Webhook events"),
	ESP_SUB("ses", "Amazon SES notifications (raw, SNS, event publishing)"),
	ESP_SUB("mailgun-events", "Mailgun events (webhooks, events API pages)"),
	ESP_SUB("postmark-events", "Postmark webhooks and bounces"),
#undef ESP_SUB
	{ NULL, NULL, NULL, NULL, NULL, 0, NULL }
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_ingest = {
	.name = "ingest",
	.fn = cmd_ingest,
	.synopsis = "" /* usage and help: from cli_ingest_subs */,
	.summary = "feed delivery reports (mail logs, bounces, ESP events) through the rules",
	.options =
		"  --follow             postfix-log: keep reading FILE as it grows, across\n"
		"                       rotation, until SIGINT or SIGTERM\n"
		"  --strict             a report quell cannot use is rejected (exit 65)\n"
		"  --verbose            print each recorded report as record does\n",
	.flags = CLI_WRITES | CLI_RULES | CLI_GROUP,
	.subs = cli_ingest_subs,
};

int cmd_ingest(struct cli *cli, int argc, char **argv)
{
	return cli_group(cli, argc, argv, cli_ingest_subs,
	                 "postfix-log, dsn, sendgrid-events, ses, mailgun-events or postmark-events");
}
