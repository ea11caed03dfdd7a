/*
 * serve_io.c - quell serve's bulk routes (docs/http-api.md, "Import and
 * export"):
 *
 *   POST /v1/import?format=F&list=L&stream=S&dry_run=1&force_suppress=1
 *        the body, streamed, through quell_import: the same readers,
 *        sorting and batches as `quell import`.  The upload callback
 *        writes each piece into a pipe; a worker thread runs the import
 *        on a FILE* over the pipe's other end (fopencookie), so memory
 *        stays bounded whatever the body's size.  A body cut short (the
 *        client gone) reads as an I/O error, never as the end of the
 *        input, so a partial upload imports nothing.  The answer carries
 *        the summary and each rejected row with its line number.
 *   GET  /v1/export?format=F&list=L&stream=S&category=C&since=T
 *        quell_export in a worker thread writing into a pipe; the answer
 *        streams from the pipe's other end as the client reads (bounded
 *        memory; a client that goes away ends the export with EPIPE).
 *        An export that fails midway ends the answer early (truncated
 *        chunked encoding), so a client never takes it for a whole one.
 *
 * Knows nothing of LMDB nor of libmicrohttpd.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve_api.h"

#define REJECTS_MAX 1000 /* rejected rows listed in an import's answer */

static const char *const formats[] = { "csv", "jsonl", "plain", "sendgrid", "mailgun", "ses",
	                               "postmark", NULL };

/* The format argument: NULL when absent (import: detected; export: csv). */
static int format_arg(struct serve_req *rq, const char **fmt)
{
	const char *f = serve_arg(rq, "format");

	*fmt = NULL;
	if (f == NULL || *f == '\0')
		return 0;
	for (size_t i = 0; formats[i] != NULL; i++) {
		if (strcmp(formats[i], f) == 0) {
			*fmt = formats[i];
			return 0;
		}
	}
	serve_error(rq, 400, "format: '%s' is not csv, jsonl, plain, sendgrid, mailgun, ses or "
	                     "postmark", f);
	return -1;
}

/* Write all of buf to fd; 0 or -1 (errno set). */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* ----------------------------------------------------------------- import */

struct imp {
	struct serve_req *rq;        /* valid while the request runs */
	quell *h;
	int fd[2];                   /* the pipe: [0] the import reads, [1] we write */
	pthread_t th;
	int started;
	atomic_int complete;         /* the whole body was written */
	struct quell_import_options o;
	struct quell_import_stats st;
	int rc;
	char msg[256];               /* quell_errmsg of a failure, from the thread */
	json_t *rejects;
	uint64_t omitted;
	char fmt[16], stream[QUELL_STREAM_MAX];
};

/* fopencookie's read: the pipe, and an early end of it is an error. */
static ssize_t imp_read(void *cookie, char *buf, size_t size)
{
	struct imp *x = cookie;

	for (;;) {
		ssize_t n = read(x->fd[0], buf, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 && !atomic_load(&x->complete)) {
			errno = ECONNRESET;
			return -1;
		}
		return n;
	}
}

static void imp_reject(void *payload, const char *file, size_t line, const char *reason)
{
	struct imp *x = payload;
	json_t *o;

	(void)file;
	if (json_array_size(x->rejects) >= REJECTS_MAX) {
		x->omitted++;
		return;
	}
	o = json_object();
	if (o == NULL || cli_jset(o, "line", cli_jnum(line)) || cli_jset(o, "reason", cli_jstr(reason)) ||
	    json_array_append_new(x->rejects, o) != 0)
		x->omitted++;
}

static void *imp_thread(void *arg)
{
	struct imp *x = arg;
	cookie_io_functions_t io = { imp_read, NULL, NULL, NULL };
	FILE *in = fopencookie(x, "r", io);
	char sink[4096];

	if (in == NULL) {
		x->rc = QUELL_ENOMEM;
		snprintf(x->msg, sizeof x->msg, "out of memory");
	} else {
		x->rc = quell_import(x->h, in, &x->o, &x->st);
		if (x->rc != 0)
			snprintf(x->msg, sizeof x->msg, "%s", quell_errmsg(x->h));
		fclose(in);
	}
	/* whatever stopped the import, read the rest so the writer never blocks */
	for (;;) {
		ssize_t n = read(x->fd[0], sink, sizeof sink);

		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	return NULL;
}

/* End the worker: the body ends here (complete or not), wait for it. */
static void imp_finish(struct imp *x)
{
	if (x->fd[1] >= 0) {
		close(x->fd[1]);
		x->fd[1] = -1;
	}
	if (x->started) {
		pthread_join(x->th, NULL);
		x->started = 0;
	}
}

static void imp_free(void *state)
{
	struct imp *x = state;

	imp_finish(x);
	if (x->fd[0] >= 0)
		close(x->fd[0]);
	json_decref(x->rejects);
	free(x);
}

static int imp_args(struct serve_req *rq, struct imp *x)
{
	const char *fmt, *stream, *dry = serve_arg(rq, "dry_run"),
	                          *force = serve_arg(rq, "force_suppress");

	if (format_arg(rq, &fmt) != 0 || api_list(rq, 0, &x->o.list) != 0 ||
	    api_stream(rq, 0, &stream) != 0)
		return -1;
	if (fmt != NULL)
		snprintf(x->fmt, sizeof x->fmt, "%s", fmt);
	if (stream != NULL)
		snprintf(x->stream, sizeof x->stream, "%s", stream);
	x->o.format = fmt != NULL ? x->fmt : NULL;
	x->o.stream = stream != NULL ? x->stream : NULL;
	x->o.dry_run = dry != NULL && strcmp(dry, "0") != 0 && strcmp(dry, "false") != 0;
	x->o.force_suppress = force != NULL && strcmp(force, "0") != 0 && strcmp(force, "false") != 0;
	x->o.filename = "body";
	x->o.now = serve_now(rq);
	x->o.reject = imp_reject;
	x->o.payload = x;
	return 0;
}

int serve_import_start(struct serve_req *rq)
{
	struct quell_import_options def = QUELL_IMPORT_OPTIONS_INIT;
	struct imp *x = calloc(1, sizeof *x);

	if (x == NULL)
		return serve_answer_json(rq, 500, NULL);
	x->fd[0] = x->fd[1] = -1;
	x->rq = rq;
	x->h = rq->srv->cli->h;
	x->o = def;
	rq->state = x;
	rq->state_free = imp_free;
	if (imp_args(rq, x) != 0)
		return 0;
	if ((x->rejects = json_array()) == NULL || pipe(x->fd) != 0)
		return serve_error(rq, 500, "import: %s", x->rejects ? strerror(errno) : "out of memory");
	if (pthread_create(&x->th, NULL, imp_thread, x) != 0)
		return serve_error(rq, 500, "import: cannot start a thread");
	x->started = 1;
	return 0;
}

int serve_import_chunk(struct serve_req *rq, const char *data, size_t n)
{
	struct imp *x = rq->state;

	if (write_all(x->fd[1], data, n) != 0)
		return serve_error(rq, 500, "import: writing to the importer: %s", strerror(errno));
	return 0;
}

static json_t *imp_summary(const struct imp *x)
{
	json_t *o = json_object();

	if (o == NULL || cli_jset(o, "format", cli_jstr(x->st.format)) ||
	    cli_jset(o, "dry_run", json_boolean(x->o.dry_run)) ||
	    cli_jset(o, "read", cli_jnum(x->st.read)) ||
	    cli_jset(o, "imported", cli_jnum(x->st.imported)) ||
	    cli_jset(o, "updated", cli_jnum(x->st.updated)) ||
	    cli_jset(o, "skipped", cli_jnum(x->st.skipped)) ||
	    cli_jset(o, "rejected", cli_jnum(x->st.rejected)) ||
	    cli_jset(o, "repaired", cli_jnum(x->st.repaired)) ||
	    cli_jset(o, "rejects", json_incref(x->rejects)) ||
	    cli_jset(o, "rejects_omitted", cli_jnum(x->omitted))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int serve_import_end(struct serve_req *rq)
{
	struct imp *x = rq->state;

	atomic_store(&x->complete, 1);
	imp_finish(x);
	if (x->rc != 0)
		return serve_error(rq, api_status(x->rc), "import: %s", x->msg);
	return serve_answer_json(rq, 200, imp_summary(x));
}

/* ----------------------------------------------------------------- export */

struct exp {
	quell *h;
	int fd[2];             /* [1] the export writes, [0] the answer reads */
	pthread_t th;
	int started;
	struct quell_export_options o;
	int rc;
	char fmt[16], stream[QUELL_STREAM_MAX], category[QUELL_NAME_MAX];
};

static void *exp_thread(void *arg)
{
	struct exp *x = arg;
	sigset_t pipe_only;
	FILE *out;

	/* a reader gone: write() says EPIPE instead of killing the process */
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, NULL);
	out = fdopen(x->fd[1], "w");
	if (out == NULL) {
		close(x->fd[1]);
		x->rc = QUELL_ENOMEM;
	} else {
		x->rc = quell_export(x->h, out, &x->o, NULL);
		if (fclose(out) != 0 && x->rc == 0)
			x->rc = QUELL_EIO;
	}
	x->fd[1] = -1;
	return NULL;
}

static void exp_free(void *ctx)
{
	struct exp *x = ctx;

	if (x->fd[0] >= 0)
		close(x->fd[0]); /* a writer still running gets EPIPE and ends */
	if (x->started)
		pthread_join(x->th, NULL);
	if (x->fd[1] >= 0)
		close(x->fd[1]);
	free(x);
}

static ssize_t exp_read(void *ctx, uint64_t pos, char *buf, size_t max)
{
	struct exp *x = ctx;

	(void)pos;
	for (;;) {
		ssize_t n = read(x->fd[0], buf, max);

		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0)
			return n;
		if (n < 0)
			return SERVE_STREAM_ERROR;
		/* the end: the writer closed its side; did it finish? */
		pthread_join(x->th, NULL);
		x->started = 0;
		return x->rc == 0 ? SERVE_STREAM_END : SERVE_STREAM_ERROR;
	}
}

static int exp_args(struct serve_req *rq, struct exp *x)
{
	const char *fmt, *stream, *cat = serve_arg(rq, "category");

	if (format_arg(rq, &fmt) != 0 || api_list(rq, 0, &x->o.list) != 0 ||
	    api_stream(rq, 1, &stream) != 0 || api_time(rq, "since", &x->o.since) != 0)
		return -1;
	snprintf(x->fmt, sizeof x->fmt, "%s", fmt != NULL ? fmt : "csv");
	x->o.format = x->fmt;
	/* as `quell export`: csv and jsonl without a stream carry them all */
	if (stream == NULL && (strcmp(x->fmt, "csv") == 0 || strcmp(x->fmt, "jsonl") == 0))
		stream = "*";
	if (stream != NULL) {
		snprintf(x->stream, sizeof x->stream, "%s", stream);
		x->o.stream = x->stream;
	}
	if (cat != NULL && *cat != '\0') {
		if (!quell_name_valid(cat)) {
			serve_error(rq, 400, "category: '%s' is not a name ([a-z0-9._-]+)", cat);
			return -1;
		}
		snprintf(x->category, sizeof x->category, "%s", cat);
		x->o.category = x->category;
	}
	x->o.now = serve_now(rq);
	return 0;
}

static const char *exp_ctype(const char *fmt)
{
	if (strcmp(fmt, "jsonl") == 0 || strcmp(fmt, "ses") == 0)
		return "application/x-ndjson";
	if (strcmp(fmt, "postmark") == 0)
		return "application/json";
	if (strcmp(fmt, "plain") == 0)
		return "text/plain; charset=utf-8";
	return "text/csv; charset=utf-8";
}

int serve_export_get(struct serve_req *rq)
{
	struct quell_export_options def = QUELL_EXPORT_OPTIONS_INIT;
	struct exp *x = calloc(1, sizeof *x);

	if (x == NULL)
		return serve_answer_json(rq, 500, NULL);
	x->fd[0] = x->fd[1] = -1;
	x->h = rq->srv->cli->h;
	x->o = def;
	if (exp_args(rq, x) != 0) {
		free(x);
		return 0;
	}
	if (pipe(x->fd) != 0) {
		free(x);
		return serve_error(rq, 500, "export: %s", strerror(errno));
	}
	if (pthread_create(&x->th, NULL, exp_thread, x) != 0) {
		exp_free(x);
		return serve_error(rq, 500, "export: cannot start a thread");
	}
	x->started = 1;
	return serve_stream(rq, 200, exp_ctype(x->fmt), exp_read, x, exp_free);
}
