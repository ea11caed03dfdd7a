/*
 * ingest_esp.c - `quell ingest sendgrid-events|ses|mailgun-events|
 * postmark-events [--strict] [--verbose] FILE|-`: back-fill from an ESP's
 * exported events, recorded as the webhooks of `serve` record them.
 *
 * The input is JSON Lines, JSON documents one after another, or one JSON
 * array: its elements are read one at a time (streamed: an export of
 * millions of events needs no more memory than its biggest event).  Each
 * document, or element, goes to quell_esp_events (lib/formats/esp.c),
 * which says what its events are; esp_rec.c makes each usable one a reply
 * to record: through the rules (bounces, deferrals, deliveries), or as a
 * complaint or an unsubscribe (in its stream); its id makes a redelivered
 * or re-ingested event a duplicate.  Replies are recorded in batches
 * (quell_record_many, BATCH per commit), at the end, and when the input
 * has been quiet for IDLE_MS (a pipe that stays open).
 *
 * Counted: read (events, and documents that are not the ESP's),
 * imported (recorded), duplicates (counted before: nothing written),
 * skipped (events that are nothing for the lists - opens, clicks, drops
 * -, events quell cannot use and documents that are not the ESP's: the
 * last two said as "FILE:LINE: [RECIPIENT: ]reason" unless -q),
 * rejected (with --strict, those said).  The exit status is 65 when
 * documents were read and none was the ESP's, or with --strict after a
 * rejection; a run that records nothing creates no database.
 *
 * Knows nothing of the ESPs' formats or of rules.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "esp_rec.h"
#include "ingest.h"

#define DOC_MAX ((size_t)4 * 1024 * 1024) /* a longer document is skipped */
#define READ_BUF (256 * 1024)
#define BATCH 512   /* events per commit */
#define IDLE_MS 1000

/* Reading stops at no signal: a wait for input is taken up again. */
static const volatile sig_atomic_t never;

enum { OPT_STRICT = CLI_OPT_CMD, OPT_VERBOSE };

static const struct option esp_options[] = {
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	CLI_GLOBAL_OPTIONS
};

struct ingest {
	struct cli *cli;
	struct ingest_out o;
	int esp;
	const char *file;
	int fd;
	struct esp_rec *pend;         /* the batch's events: o.items point into them */
	char *doc;                    /* the document being gathered */
	size_t len, cap, line;        /* its length, room, and first line */
	int toobig;
	char rbuf[READ_BUF];
};

/* One event of a document.  0, or an exit status (stops the parse). */
static int event(void *arg, const struct quell_esp_event *ev)
{
	struct ingest *g = arg;
	struct quell_record_item *it;

	g->o.read++;
	if (ev->kind == QUELL_ESP_SKIP) {
		g->o.skipped++;
		return 0;
	}
	if (ev->error != NULL) {
		ingest_unusable(&g->o, g->file, g->line, ev->recipient[0] ? ev->recipient : NULL,
		                ev->error);
		return 0;
	}
	it = ingest_next(&g->o, g->file, g->line);
	esp_rec_fill(&g->pend[g->o.n], g->esp, ev, g->cli->now, it);
	return ingest_added(&g->o);
}

/* The document gathered.  0 or an exit status. */
static int document(struct ingest *g)
{
	char err[256];
	int rc;

	if (g->toobig) {
		g->o.read++;
		ingest_unusable(&g->o, g->file, g->line, NULL, "a document over 4 MiB");
		return 0;
	}
	rc = quell_esp_events(g->esp, g->doc, g->len, event, g, err, sizeof err);
	if (rc == 0) {
		g->o.recognized++;
		return 0;
	}
	if (rc == QUELL_ENOMEM)
		return cli_oom(g->cli);
	if (rc != QUELL_EDATA)
		return rc; /* event()'s exit status */
	g->o.read++;
	ingest_unusable(&g->o, g->file, g->line, NULL, err);
	return 0;
}

/* Add byte c to the document.  0 or an exit status. */
static int put(struct ingest *g, char c)
{
	if (g->len == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 4096;
		char *d;

		if (g->len >= DOC_MAX) {
			g->toobig = 1;
			return 0;
		}
		if ((d = realloc(g->doc, cap)) == NULL)
			return cli_oom(g->cli);
		g->doc = d;
		g->cap = cap;
	}
	g->doc[g->len++] = c;
	return 0;
}

/* The splitter's state between reads. */
struct split {
	int in_doc;    /* inside a document */
	int bare;      /* a document that is no object or array: ends at a line end */
	int depth;     /* brackets open in the document */
	int str, esc;  /* inside a string; after a backslash in it */
	int array;     /* inside the top-level array whose elements are documents */
	int first;     /* nothing read yet: a '[' here opens the top-level array */
};

/* Read byte c.  0 or an exit status. */
static int byte(struct ingest *g, struct split *s, char c)
{
	int rc;

	if (!s->in_doc) {
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || (s->array && c == ','))
			return 0;
		if (c == '[' && s->first) {
			s->first = 0;
			s->array = 1;
			return 0;
		}
		s->first = 0;
		if (s->array && c == ']') {
			s->array = 0;
			return 0;
		}
		s->in_doc = 1;
		s->bare = c != '{' && c != '[';
		s->depth = s->str = s->esc = 0;
		g->len = 0;
		g->toobig = 0;
	}
	if (s->bare && c == '\n') {
		s->in_doc = 0;
		return document(g);
	}
	if ((rc = put(g, c)) != 0 || s->bare)
		return rc;
	if (s->str) {
		if (s->esc)
			s->esc = 0;
		else if (c == '\\')
			s->esc = 1;
		else if (c == '"')
			s->str = 0;
		return 0;
	}
	if (c == '"')
		s->str = 1;
	else if (c == '{' || c == '[')
		s->depth++;
	else if ((c == '}' || c == ']') && --s->depth == 0) {
		s->in_doc = 0;
		return document(g);
	}
	return 0;
}

static int read_all(struct ingest *g)
{
	struct split s = { 0, 0, 0, 0, 0, 0, 1 };
	size_t lineno = 1;
	int status = 0;

	while (status == 0) {
		ssize_t n;

		if ((status = ingest_flush_if_idle(&g->o, g->fd, IDLE_MS, &never)) != 0)
			break;
		n = read(g->fd, g->rbuf, sizeof g->rbuf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_warn(g->cli, "%s: %s", g->file, strerror(errno));
			return CLI_EX_IOERR;
		}
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n && status == 0; i++) {
			if (!s.in_doc)
				g->line = lineno;
			status = byte(g, &s, g->rbuf[i]);
			if (g->rbuf[i] == '\n')
				lineno++;
		}
	}
	if (status == 0 && s.in_doc)
		status = document(g); /* cut short, or a last line without its LF */
	if (status == 0)
		status = ingest_flush(&g->o);
	return status;
}

/* The subcommand's ESP, from its name ("ingest sendgrid-events"). */
static int esp_of(const char *cmd)
{
	char name[32];
	const char *sub = strchr(cmd, ' ');
	size_t n;

	sub = sub ? sub + 1 : cmd;
	n = strcspn(sub, "-");
	if (n >= sizeof name)
		return -1;
	memcpy(name, sub, n);
	name[n] = '\0';
	return quell_esp_parse_name(name);
}

int cmd_ingest_esp(struct cli *cli, int argc, char **argv)
{
	struct ingest *g;
	struct stat st;
	char nothing[64];
	int c, status = 0, verbose = 0, strict = 0;

	while ((c = cli_getopt(cli, argc, argv, esp_options, &status)) != -1) {
		switch (c) {
		case CLI_STOP:
			return status;
		case OPT_STRICT: strict = 1; break;
		case OPT_VERBOSE: verbose = 1; break;
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "no input given (a FILE, or '-' for stdin)");
	if (optind + 1 < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);
	if (cli->stream != NULL)
		return cli_usage_error(cli, "--stream: the events name their own streams");
	if ((g = calloc(1, sizeof *g)) == NULL)
		return cli_oom(cli);
	g->cli = cli;
	g->esp = esp_of(cli->cmd->name);
	g->file = argv[optind];
	g->fd = STDIN_FILENO;
	if (strcmp(g->file, "-") != 0) {
		g->fd = open(g->file, O_RDONLY | O_CLOEXEC);
		if (g->fd < 0 || (fstat(g->fd, &st) == 0 && S_ISDIR(st.st_mode))) {
			cli_warn(cli, "%s: %s", g->file, strerror(g->fd < 0 ? errno : EISDIR));
			if (g->fd >= 0)
				close(g->fd);
			free(g);
			return CLI_EX_NOINPUT;
		}
	}
	if ((status = ingest_out_init(&g->o, cli, BATCH)) == 0 &&
	    (g->pend = malloc(BATCH * sizeof *g->pend)) == NULL)
		status = cli_oom(cli);
	g->o.verbose = verbose;
	g->o.strict = strict;
	if (status == 0 && (status = cli_open(cli)) == 0)
		status = read_all(g);
	if (g->fd != STDIN_FILENO)
		close(g->fd);
	if (status == 0)
		status = ingest_summary(&g->o, g->file, strchr(cli->cmd->name, ' ') + 1);
	snprintf(nothing, sizeof nothing, "nothing in it reads as %s",
	         strchr(cli->cmd->name, ' ') + 1);
	if (status == 0)
		status = ingest_exit(&g->o, g->o.read, g->o.recognized, g->o.rejected, g->file,
		                     nothing);
	if ((status == 0 || status == CLI_EX_DATAERR) && g->o.imported == 0) {
		int d = cli_discard_new(cli); /* nothing added: no database created */

		if (status == 0)
			status = d;
	}
	ingest_out_free(&g->o);
	free(g->pend);
	free(g->doc);
	free(g);
	return status;
}
