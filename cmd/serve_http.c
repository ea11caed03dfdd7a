/*
 * serve_http.c - `quell serve` on libmicrohttpd: the daemon, the dispatch
 * of each request to its route (serve_route.c), bearer-token checks, the
 * request body (refused, buffered, or streamed to the route), the answer
 * helpers of serve.h, and the request counters and latency histogram of
 * /metrics.
 *
 * MHD runs a pool of --threads worker threads, each with its own epoll;
 * it has no listening socket: serve_net.c accepts and hands connections
 * over.  Each connection gets one struct serve_conn (from MHD's "started"
 * notification), whose serve_req is reused by every request of a
 * keep-alive connection, so a GET /v1/check allocates nothing of ours
 * (MHD allocates its response object).  Limits: the body (--max-body: 413),
 * the header (MHD's memory per connection: MHD answers 431), idle time
 * (MHD's connection timeout).  Knows nothing of the database nor of what
 * a route does.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <microhttpd.h>

#include "serve.h"

#define JSON_TYPE "application/json"

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ------------------------------------------------------------- answers */

static int queue(struct serve_req *rq, unsigned int status, struct MHD_Response *r,
                 const char *ctype)
{
	enum MHD_Result ok;

	if (r == NULL)
		return -1;
	if (ctype != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	/* a browser must never read stored text in an answer as HTML */
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ok = MHD_queue_response(rq->mc, status, r);
	MHD_destroy_response(r);
	if (ok != MHD_YES)
		return -1;
	rq->status = status;
	rq->answered = 1;
	return 0;
}

int serve_answer_buf(struct serve_req *rq, unsigned int status, const char *ctype,
                     const char *buf, size_t n, enum serve_buf_mode mode)
{
	struct MHD_Response *r;

	if (mode == SERVE_BUF_FREE)
		r = MHD_create_response_from_buffer_with_free_callback(n, (void *)buf, free);
	else
		r = MHD_create_response_from_buffer(n, (void *)buf, mode == SERVE_BUF_KEEP ?
		                                    MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_COPY);
	if (r == NULL && mode == SERVE_BUF_FREE)
		free((void *)buf);
	return queue(rq, status, r, ctype);
}

/* Escape DEL (7F) and C1 controls (C2 80..C2 9F) of a jansson dump as
 * \u00XX, as the CLI does: they occur only inside strings.  Returns a
 * malloc'd copy, newline ended, and its length in *len; NULL. */
static char *escape_dump(const char *s, size_t n, size_t *len)
{
	char *out = malloc(n * 3 + 2), *q = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0x7f || (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] < 0xa0)) {
			unsigned int u = c == 0x7f ? 0x7f : (unsigned char)s[++i];

			q += snprintf(q, 7, "\\u%04X", u);
		} else {
			*q++ = (char)c;
		}
	}
	*q++ = '\n';
	*len = (size_t)(q - out);
	return out;
}

int serve_answer_json(struct serve_req *rq, unsigned int status, json_t *v)
{
	char *dump, *out;
	size_t n;

	if (v == NULL)
		return serve_error(rq, 500, "out of memory");
	dump = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(v);
	if (dump == NULL)
		return serve_error(rq, 500, "out of memory");
	out = escape_dump(dump, strlen(dump), &n);
	free(dump);
	if (out == NULL)
		return serve_error(rq, 500, "out of memory");
	return serve_answer_buf(rq, status, JSON_TYPE, out, n, SERVE_BUF_FREE);
}

int serve_error(struct serve_req *rq, unsigned int status, const char *fmt, ...)
{
	char msg[1024];
	json_t *o;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (rq->in_body) { /* MHD answers only once the body is read */
		memcpy(rq->scratch, msg, strlen(msg) + 1);
		rq->refused = status;
		return 0;
	}
	o = json_pack("{s:{s:I,s:o}}", "error", "code", (json_int_t)status, "message",
	              cli_jstr(msg[0] ? msg : "error"));
	if (o == NULL) {
		static const char oom[] = "{\"error\":{\"code\":500,\"message\":\"out of memory\"}}\n";

		return serve_answer_buf(rq, 500, JSON_TYPE, oom, sizeof oom - 1, SERVE_BUF_KEEP);
	}
	return serve_answer_json(rq, status, o);
}

struct stream {
	serve_read_fn *fn;
	void *ctx;
	void (*free_fn)(void *);
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	ssize_t n = s->fn(s->ctx, pos, buf, max);

	if (n == SERVE_STREAM_END)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return n;
}

static void stream_free(void *cls)
{
	struct stream *s = cls;

	if (s->free_fn != NULL)
		s->free_fn(s->ctx);
	free(s);
}

int serve_stream(struct serve_req *rq, unsigned int status, const char *ctype,
                 serve_read_fn *fn, void *ctx, void (*free_fn)(void *ctx))
{
	struct stream *s = malloc(sizeof *s);
	struct MHD_Response *r;

	if (s == NULL) {
		if (free_fn != NULL)
			free_fn(ctx);
		return serve_error(rq, 500, "out of memory");
	}
	s->fn = fn;
	s->ctx = ctx;
	s->free_fn = free_fn;
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, s,
	                                      stream_free);
	if (r == NULL) {
		stream_free(s);
		return -1;
	}
	return queue(rq, status, r, ctype);
}

/* ---------------------------------------------------------- the request */

const char *serve_arg(struct serve_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->mc, MHD_GET_ARGUMENT_KIND, name);
}

const char *serve_header(struct serve_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->mc, MHD_HEADER_KIND, name);
}

const char *serve_path_rest(const struct serve_req *rq)
{
	return rq->url + strlen(rq->route->path);
}

int64_t serve_now(const struct serve_req *rq)
{
	return rq->srv->cli->now;
}

/* ------------------------------------------------------------ dispatch */

/* The route for method and url: *index set; NULL with *status 404 or 405. */
static const struct serve_route *find_route(const char *method, const char *url, size_t *index,
                                            unsigned int *status)
{
	*status = 404;
	for (size_t i = 0; serve_routes[i].method != NULL; i++) {
		const struct serve_route *r = &serve_routes[i];
		int match = r->prefix ? strncmp(url, r->path, strlen(r->path)) == 0
		                      : strcmp(url, r->path) == 0;

		if (!match)
			continue;
		if (strcmp(method, r->method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0)) {
			*index = i;
			return r;
		}
		*status = 405;
	}
	*index = serve_route_count();
	return NULL;
}

/* Refuse the request with status and a message, answered once its body
 * (if any) has been read and thrown away, so that the connection is kept. */
static int refuse(struct serve_req *rq, unsigned int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(struct serve_req *rq, unsigned int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rq->scratch, sizeof rq->scratch, fmt, ap);
	va_end(ap);
	rq->refused = status;
	return 0;
}

/* The first call of a request: route, auth, limits.  0 to go on, or -1
 * to close the connection. */
static int begin(struct serve_req *rq, const char *url, const char *method)
{
	struct serve *srv = rq->srv;
	const char *cl;
	unsigned int status;

	rq->t0_ns = mono_ns();
	rq->url = url;
	rq->method = method;
	rq->route = find_route(method, url, &rq->route_index, &status);
	if (rq->route == NULL)
		return status == 404 ? refuse(rq, 404, "no such endpoint: %s", url)
		                     : refuse(rq, 405, "method %s not allowed here", method);
	rq->granted = SERVE_WRITE;
	if (srv->tokens_path != NULL && rq->route->scope != SERVE_OPEN) {
		rq->granted = serve_token_scope(srv, serve_header(rq, MHD_HTTP_HEADER_AUTHORIZATION));
		if (rq->granted == SERVE_OPEN)
			return refuse(rq, 401, "a bearer token is needed (Authorization: Bearer TOKEN)");
		if (rq->granted < rq->route->scope)
			return refuse(rq, 403, "this token has read scope only; %s %s needs write",
			              method, rq->route->path);
	}
	cl = serve_header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && strtoull(cl, NULL, 10) > srv->max_body)
		return serve_error(rq, 413, "the body is over %zu bytes (--max-body)", srv->max_body);
	if (rq->route->body == SERVE_BODY_STREAM && rq->route->start != NULL)
		return rq->route->start(rq);
	return 0;
}

/* A piece of the body: 0, or -1 to close the connection. */
static int body_piece(struct serve_req *rq, const char *data, size_t n)
{
	const struct serve_route *r = rq->route;

	rq->body_seen += n;
	if (rq->body_seen > rq->srv->max_body) {
		/* a chunked body (no Content-Length, or a false one): MHD cannot
		 * answer before the body is read, so the connection is closed */
		serve_info(rq->srv, "%s %s: the body is over %zu bytes (--max-body); closed",
		           rq->method, rq->url, rq->srv->max_body);
		rq->status = 413;
		return -1;
	}
	if (rq->refused)
		return 0; /* thrown away */
	if (r->body == SERVE_BODY_NONE)
		return refuse(rq, 400, "%s %s takes no body", rq->method, r->path);
	if (r->body == SERVE_BODY_STREAM) {
		int rc;

		rq->in_body = 1;
		rc = r->chunk(rq, data, n);
		rq->in_body = 0;
		return rc;
	}
	if (rq->body_len + n + 1 > rq->body_cap) {
		size_t cap = rq->body_cap ? rq->body_cap : 4096;
		char *b;

		while (cap < rq->body_len + n + 1)
			cap *= 2;
		if ((b = realloc(rq->body, cap)) == NULL)
			return refuse(rq, 500, "out of memory");
		rq->body = b;
		rq->body_cap = cap;
	}
	memcpy(rq->body + rq->body_len, data, n);
	rq->body_len += n;
	rq->body[rq->body_len] = '\0';
	return 0;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *mc, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **req_cls)
{
	struct serve *srv = cls;
	struct serve_req *rq = *req_cls;
	int rc;

	(void)version;
	if (rq == NULL) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		struct serve_conn *c = ci != NULL ? ci->socket_context : NULL;

		if (c == NULL)
			return MHD_NO;
		rq = serve_conn_req(c);
		memset(rq, 0, offsetof(struct serve_req, body));
		rq->body_len = 0;
		rq->body_seen = 0;
		rq->state = NULL;
		rq->state_free = NULL;
		rq->status = 0;
		rq->answered = 0;
		rq->refused = 0;
		rq->srv = srv;
		rq->conn = c;
		rq->mc = mc;
		*req_cls = rq;
		serve_conn_busy(srv, c, 1);
		rc = begin(rq, url, method);
		return rc == 0 ? MHD_YES : MHD_NO;
	}
	if (rq->answered) { /* early: the rest of the body is thrown away */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		rc = body_piece(rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return rc == 0 ? MHD_YES : MHD_NO;
	}
	if (rq->refused)
		return serve_error(rq, rq->refused, "%s", rq->scratch) == 0 ? MHD_YES : MHD_NO;
	if (rq->route->body == SERVE_BODY_BUFFER && rq->body == NULL) {
		rq->body = malloc(1); /* an empty body is still a string */
		if (rq->body == NULL)
			refuse(rq, 500, "out of memory");
		rq->body_cap = rq->body != NULL;
	}
	if (rq->refused)
		return serve_error(rq, rq->refused, "%s", rq->scratch) == 0 ? MHD_YES : MHD_NO;
	if (rq->body != NULL)
		rq->body[rq->body_len] = '\0';
	rc = rq->route->handle(rq);
	if (rc == 0 && !rq->answered)
		rc = serve_error(rq, 500, "the handler gave no answer");
	return rc == 0 ? MHD_YES : MHD_NO;
}

/* ------------------------------------------------------------- metrics */

static size_t status_slot(unsigned int status)
{
	static const unsigned int known[SERVE_STATUS_SLOTS - 1] = { 200, 201, 204, 400, 401, 403,
	                                                             404, 405, 413, 500, 503 };

	for (size_t i = 0; i < SERVE_STATUS_SLOTS - 1; i++)
		if (known[i] == status)
			return i;
	return SERVE_STATUS_SLOTS - 1;
}

/* Upper bounds of the latency buckets, in microseconds. */
const uint64_t serve_latency_us[SERVE_LATENCY_BUCKETS] = { 100,   250,    500,    1000,
                                                           2500,  5000,   10000,  25000,
                                                           50000, 100000, 500000, 1000000 };

static void count(struct serve *srv, struct serve_req *rq)
{
	uint64_t us = (uint64_t)(mono_ns() - rq->t0_ns) / 1000;
	size_t b = 0;

	atomic_fetch_add_explicit(&srv->m.requests[rq->route_index * SERVE_STATUS_SLOTS +
	                                           status_slot(rq->status)],
	                          1, memory_order_relaxed);
	while (b < SERVE_LATENCY_BUCKETS && us > serve_latency_us[b])
		b++;
	atomic_fetch_add_explicit(&srv->m.latency[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&srv->m.latency_count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&srv->m.latency_sum_us, us, memory_order_relaxed);
}

static void completed(void *cls, struct MHD_Connection *mc, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
	struct serve *srv = cls;
	struct serve_req *rq = *req_cls;

	(void)mc;
	if (rq == NULL)
		return;
	if (rq->state_free != NULL)
		rq->state_free(rq->state);
	rq->state = NULL;
	rq->state_free = NULL;
	if (rq->status != 0)
		count(srv, rq);
	if (srv->verbose)
		serve_info(srv, "%s %s: %u%s", rq->method, rq->url, rq->status,
		           toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (not completed)");
	if (rq->body_cap > 1024 * 1024) { /* keep small buffers for the next request */
		free(rq->body);
		rq->body_cap = 0;
	}
	rq->body = rq->body_cap ? rq->body : NULL;
	serve_conn_busy(srv, rq->conn, 0);
	*req_cls = NULL;
}

static void notify(void *cls, struct MHD_Connection *mc, void **socket_context,
                   enum MHD_ConnectionNotificationCode code)
{
	struct serve *srv = cls;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);

		*socket_context = serve_conn_open(srv, ci != NULL ? ci->connect_fd : -1);
	} else if (*socket_context != NULL) {
		serve_conn_close(srv, *socket_context);
		*socket_context = NULL;
	}
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct serve *srv = cls;
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '.'))
		msg[--n] = '\0';
	if (srv->verbose)
		serve_info(srv, "libmicrohttpd: %s", msg);
}

int serve_http_start(struct serve *srv)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
	                     MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	size_t nroutes = serve_route_count() + 1;

	srv->m.requests = calloc(nroutes * SERVE_STATUS_SLOTS, sizeof *srv->m.requests);
	if (srv->m.requests == NULL)
		return cli_oom(srv->cli);
	if (srv->tls_cert_pem != NULL)
		flags |= MHD_USE_TLS;
	srv->mhd = MHD_start_daemon(
		flags, 0, NULL, NULL, access_handler, srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
		/* one worker: MHD's own polling thread (a pool of 1 is refused) */
		MHD_OPTION_THREAD_POOL_SIZE, srv->threads > 1 ? srv->threads : 0u,
		/* ours is max_conns, with eviction (serve_net.c); MHD's only a
		 * backstop above it for connections being closed */
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)(srv->max_conns * 2 + 64),
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, srv->max_header,
		MHD_OPTION_CONNECTION_TIMEOUT, srv->idle_s,
		MHD_OPTION_NOTIFY_COMPLETED, completed, srv,
		MHD_OPTION_NOTIFY_CONNECTION, notify, srv,
		srv->tls_cert_pem != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
		srv->tls_cert_pem, MHD_OPTION_HTTPS_MEM_KEY, srv->tls_key_pem, MHD_OPTION_END);
	if (srv->mhd == NULL) {
		cli_warn(srv->cli, "cannot start the HTTP server (libmicrohttpd)%s",
		         srv->tls_cert_pem != NULL ? "; is the TLS certificate or key bad?" : "");
		return CLI_EX_SOFTWARE;
	}
	return 0;
}

void serve_http_stop(struct serve *srv)
{
	if (srv->mhd != NULL)
		MHD_stop_daemon(srv->mhd);
	srv->mhd = NULL;
	free(srv->m.requests);
	srv->m.requests = NULL;
}
