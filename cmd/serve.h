/*
 * serve.h - what the files of `quell serve` share: the server (struct
 * serve), one request (struct serve_req), the route table and the
 * handler interface, and the helpers a handler answers with.
 *
 * Files: cmd_serve.c (options, startup), serve_socketmap.c (the main
 * thread's wait: signals, the listening sockets, the Postfix socketmap;
 * --user, --syslog), serve_net.c (listening sockets, accept, the
 * connection table and the eviction of the longest-idle connection),
 * serve_http.c (libmicrohttpd: dispatch, auth, bodies, answers, request
 * metrics), serve_route.c (THE route table), serve_tokens.c (--tokens),
 * and one file per group of routes (serve_check.c: /v1/check;
 * serve_stats.c: /v1/stats, /metrics; ...); serve_json.h: the check
 * path's JSON writer and body reader, apart from HTTP.  The endpoints are
 * documented in docs/http-api.md.
 * Knows nothing of LMDB: handlers use the public API (quell.h) through
 * srv->cli->h, one handle shared by every thread (quell_errmsg is per
 * thread).
 *
 * HOW TO ADD A ROUTE
 *
 *   1. Write the handler(s) in your own cmd/serve_NAME.c and declare them
 *      at the bottom of this file, in a block of your own.
 *   2. Add one line to the table in serve_route.c:
 *        { "GET", "/v1/things", 0, SERVE_READ, SERVE_BODY_NONE,
 *          NULL, NULL, things_get },
 *      METHOD; PATH, exact, or with prefix = 1 a prefix ("/v1/entries/"
 *      matches "/v1/entries/a@b": the rest is serve_path_rest()); the
 *      scope a token needs; how the body comes; start, chunk, handle.
 *      The first match wins; a path that matches with another method
 *      answers 405.
 *   3. Every handler call that answers calls exactly one of
 *      serve_answer_buf(), serve_answer_json(), serve_error() or
 *      serve_stream(), and returns 0.  Returning -1 (after logging)
 *      closes the connection without an answer.
 *
 * THE THREE KINDS OF ROUTE
 *
 *   (a) SERVE_BODY_NONE / SERVE_BODY_BUFFER: `handle` is called once, when
 *       the whole body is in rq->body (rq->body_len bytes, NUL-terminated;
 *       at most --max-body, beyond which the client gets 413 (or, for a
 *       chunked body with no Content-Length, the connection is closed) and `handle`
 *       is never called).  NONE refuses a non-empty body with 400.
 *   (b) SERVE_BODY_STREAM (uploads, e.g. import): `start` (may be NULL) is
 *       called before the first byte, `chunk` for each piece of the body as
 *       it arrives (no copy: data is valid during the call only), then
 *       `handle` at the end.  Keep per-request state in rq->state and set
 *       rq->state_free to release it; it is called once the request is
 *       over, answered or not (client gone, server stopping).  `start` may
 *       answer early (an error; the connection is then closed); `chunk`
 *       may only refuse with serve_error(), which MHD can send only once
 *       the body is read: the rest of the body is thrown away, the error
 *       answered at its end, and `handle` is not called.
 *   (c) streamed answers (export, big check batches): any handler may
 *       answer with serve_stream(), giving a serve_read_fn that is called
 *       from the same thread, as the client reads, for the next bytes.
 *
 * Routing, tokens and limits come before any handler: 404, 405, 401,
 * 403 and 413 never reach one.
 *
 * Threads: handlers run on MHD's worker threads (--threads, default the
 * number of CPUs), many at once; one request is handled by one thread
 * from start to end.  Nothing here is a global: reach the server through
 * rq->srv.
 */
#ifndef QUELL_CLI_SERVE_H
#define QUELL_CLI_SERVE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli.h"

struct serve;
struct serve_req;
struct serve_conn;
struct serve_tokens;
struct serve_records;

/* The scope a route needs (and a token grants; write includes read). */
enum serve_scope {
	SERVE_OPEN = 0,  /* no token needed, ever (/healthz) */
	SERVE_READ = 1,
	SERVE_WRITE = 2
};

/* How a route takes its request body. */
enum serve_body {
	SERVE_BODY_NONE = 0,   /* none allowed: a body is answered 400 */
	SERVE_BODY_BUFFER = 1, /* in rq->body, whole, before `handle` */
	SERVE_BODY_STREAM = 2  /* piece by piece to `chunk` */
};

typedef int serve_handle_fn(struct serve_req *rq);
typedef int serve_chunk_fn(struct serve_req *rq, const char *data, size_t n);

struct serve_route {
	const char *method;  /* "GET", "POST", "PUT", "PATCH", "DELETE" */
	const char *path;    /* exact path, or a prefix (prefix = 1) */
	int prefix;
	enum serve_scope scope;
	enum serve_body body;
	serve_handle_fn *start;  /* SERVE_BODY_STREAM: before the body; may be NULL */
	serve_chunk_fn *chunk;   /* SERVE_BODY_STREAM: each piece of the body */
	serve_handle_fn *handle; /* the end of the request: must answer */
};

/* The route table (serve_route.c), ended by an entry with method NULL. */
extern const struct serve_route serve_routes[];
/* Its number of entries, for the metrics' per-route counters. */
size_t serve_route_count(void);

/* A streamed answer's source: copy the next bytes (at most max) into buf
 * and return how many (> 0), or SERVE_STREAM_END after the last byte, or
 * SERVE_STREAM_ERROR (logged by the callee: the connection is closed, the
 * client sees a truncated answer).  pos: bytes given so far. */
#define SERVE_STREAM_END ((ssize_t)-1)
#define SERVE_STREAM_ERROR ((ssize_t)-2)
typedef ssize_t serve_read_fn(void *ctx, uint64_t pos, char *buf, size_t max);

/* Scratch of a connection for small answers that need no allocation (the
 * check of one address): see serve_answer_buf(..., SERVE_BUF_KEEP). */
#define SERVE_SCRATCH 16384

/* One request, reused for every request of a keep-alive connection. */
struct serve_req {
	struct serve *srv;
	struct serve_conn *conn;
	struct MHD_Connection *mc;
	const struct serve_route *route;
	size_t route_index;       /* in serve_routes (metrics) */
	const char *method, *url; /* valid during the request */
	enum serve_scope granted; /* what the caller's token allows */

	char *body;               /* SERVE_BODY_BUFFER: the body, NUL-terminated */
	size_t body_len, body_cap;
	/* Kept from request to request of the connection, for a handler's
	 * big buffers (allocated once per connection, not per request): set
	 * both; cache_free(cache) is called when the connection closes.  A
	 * handler that finds another handler's cache frees it and sets its
	 * own (compare cache_free with its own function). */
	void *cache;
	void (*cache_free)(void *cache);
	uint64_t body_seen;       /* bytes of body received so far */

	void *state;              /* the handler's own, for the request */
	void (*state_free)(void *state);

	unsigned int status;      /* the status answered (0: none yet) */
	int answered;             /* an answer was queued */
	int in_body;              /* inside `chunk`: serve_error is deferred */
	unsigned int refused;     /* refused with this status, answered once the
	                             body is read (the message in scratch) */
	int64_t t0_ns;            /* monotonic start of the request */
	char scratch[SERVE_SCRATCH];
};

/* ------------------------------------------------------------ answers */

/* How serve_answer_buf treats buf. */
enum serve_buf_mode {
	SERVE_BUF_COPY = 0,   /* copied (any buffer) */
	SERVE_BUF_KEEP = 1,   /* used in place: rq->scratch or a static string */
	SERVE_BUF_FREE = 2    /* malloc'd: freed by the server when sent */
};

/* Answer `status` with n bytes of content type ctype.  0, or -1 when MHD
 * refused (out of memory: the connection is closed). */
int serve_answer_buf(struct serve_req *rq, unsigned int status, const char *ctype,
                     const char *buf, size_t n, enum serve_buf_mode mode);

/* Answer `status` with v as compact JSON (keys in insertion order; DEL
 * and C1 controls escaped as \u00XX as the CLI's --json does, so stored
 * text cannot steer a reader), content type application/json, newline
 * ended.  Takes v (NULL: out of memory, answered 500). */
int serve_answer_json(struct serve_req *rq, unsigned int status, json_t *v);

/* Answer `status` with {"error": {"code": STATUS, "message": "..."}}; the
 * message is made from fmt (any bytes: JSON-escaped). */
int serve_error(struct serve_req *rq, unsigned int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Answer `status` with the bytes fn produces as the client reads them
 * (chunked).  free_fn(ctx) (may be NULL) is called once the answer is
 * done or abandoned; also when this call fails. */
int serve_stream(struct serve_req *rq, unsigned int status, const char *ctype,
                 serve_read_fn *fn, void *ctx, void (*free_fn)(void *ctx));

/* ---------------------------------------------------------- the request */

/* The query argument `name` (decoded), or NULL. */
const char *serve_arg(struct serve_req *rq, const char *name);
/* The request header `name`, or NULL. */
const char *serve_header(struct serve_req *rq, const char *name);
/* The part of the path after a prefix route's path. */
const char *serve_path_rest(const struct serve_req *rq);
/* The time checks and writes use: --now, else the clock. */
int64_t serve_now(const struct serve_req *rq);

/* ----------------------------------------------------------- the server */

#define SERVE_LISTEN_MAX 16

struct serve_listener {
	const char *spec;      /* --listen, as given */
	int fd;
	int is_unix, loopback; /* loopback: 127/8, ::1 or a unix socket */
	char path[108];        /* unix: the socket file we made */
	dev_t dev;
	ino_t ino;
	char where[160];       /* what was bound, "inet:127.0.0.1:8025" */
};

/* Counters for /metrics, updated without locks. */
#define SERVE_STATUS_SLOTS 12   /* 200 201 204 400 401 403 404 405 413 500 503 other */
#define SERVE_LATENCY_BUCKETS 12
struct serve_metrics {
	_Atomic uint64_t *requests; /* [route_count + 1][SERVE_STATUS_SLOTS]; the
	                               last row: no route matched */
	_Atomic uint64_t latency[SERVE_LATENCY_BUCKETS + 1]; /* + Inf */
	_Atomic uint64_t latency_count, latency_sum_us;
	_Atomic uint64_t checks[4];          /* by enum quell_verdict */
	_Atomic uint64_t evicted, refused;   /* connections closed for others */
};

struct serve {
	struct cli *cli;
	const char *rules;        /* the rules file SIGHUP reloads; NULL: built-in */
	const char *tokens_path;  /* --tokens, or NULL */
	const char *tls_cert, *tls_key;
	struct serve_listener listen[SERVE_LISTEN_MAX];
	size_t nlisten;
	unsigned int threads;     /* --threads */
	size_t max_conns;         /* --max-connections */
	size_t max_body;          /* --max-body, bytes */
	size_t max_header;        /* --max-header-size (MHD's memory per connection) */
	unsigned int idle_s;      /* --idle-timeout, seconds; 0: none */
	int verbose;

	struct MHD_Daemon *mhd;
	char *tls_cert_pem, *tls_key_pem;

	pthread_rwlock_t tokens_lock;
	struct serve_tokens *tokens;  /* NULL: no --tokens, everything allowed */

	/* The open connections (serve_net.c): under conns_lock. */
	pthread_mutex_t conns_lock;
	struct serve_conn **conns;
	size_t nconns, conns_cap;
	size_t pending;           /* handed to MHD, not yet in the table */

	struct serve_metrics m;
	struct serve_records *records;  /* serve_stats.c: what serve recorded */
	pthread_mutex_t stats_lock;     /* the database figures of /metrics, */
	char *stats_text;               /* made at most every 10 s */
	int64_t stats_ms;
	int64_t db_looked_ms;
	int db_lost;

	struct serve_sm *sm;      /* serve_socketmap.c: --socketmap, --user, --syslog */
	struct serve_webhooks *webhooks; /* serve_webhooks.c: the ESP webhooks' keys */
};

/* cmd_serve.c: a log line on stderr, "quell: serve: ..."; silent with -q. */
void serve_info(struct serve *srv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* cmd_serve.c: SIGHUP: reload the rules and the tokens, reopen the
 * database; whatever fails keeps what was loaded before (logged). */
void serve_reload(struct serve *srv);

/* cmd_serve.c: at most once a second (called by the wait loop): is the
 * database file still the one open?  Reopen it when it changed. */
void serve_look_at_db(struct serve *srv);

/* serve_socketmap.c: the main thread's wait, until SIGTERM or SIGINT (0), with
 * SIGHUP calling serve_reload(): poll the listening sockets, accept
 * (serve_accept), look at the database once a second.  One function so
 * that another loop (one that serves a socketmap too) can replace it:
 * such a loop must call serve_accept() when a listener is readable,
 * serve_reload() on SIGHUP and serve_look_at_db() now and then.  The
 * signals are blocked in every thread but inside this wait. */
int serve_wait(struct serve *srv);

/* serve_net.c: parse and bind every --listen; 0 or an exit status. */
int serve_listen(struct serve *srv);
/* serve_net.c: close the listeners, remove our unix socket files. */
void serve_unlisten(struct serve *srv);
/* serve_net.c: accept every pending connection on listener fd and hand it
 * to MHD; at the connection limit the longest-idle connection is closed
 * first (none idle: the new one is closed). */
void serve_accept(struct serve *srv, int fd);

/* serve_net.c: the connection table MHD's callbacks keep. */
struct serve_conn *serve_conn_open(struct serve *srv, int fd);
void serve_conn_close(struct serve *srv, struct serve_conn *c);
void serve_conn_busy(struct serve *srv, struct serve_conn *c, int busy);
struct serve_req *serve_conn_req(struct serve_conn *c);

/* serve_http.c: start and stop MHD; 0 or an exit status. */
int serve_http_start(struct serve *srv);
void serve_http_stop(struct serve *srv);

/* serve_tokens.c: load --tokens into srv (first time: 0 or 64/66 printed;
 * on SIGHUP a bad file keeps the old tokens, logged).  serve_token_scope:
 * the scope of the bearer token in an Authorization header value (NULL:
 * none), compared in constant time; SERVE_OPEN when it is unknown. */
int serve_tokens_load(struct serve *srv, int initial);
enum serve_scope serve_token_scope(struct serve *srv, const char *authorization);
void serve_tokens_free(struct serve *srv);

/* --------------------------------------------- serve_socketmap.c (i13-sm) */

/* serve_wait (above) is serve_socketmap.c's: policyd's event loop with
 * the socketmap protocol.  Its options, passed on by cmd_serve.c: */
enum {
	SERVE_SM_SOCKETMAP,  /* --socketmap unix:PATH */
	SERVE_SM_OWNER,      /* --socketmap-owner USER[:GROUP] */
	SERVE_SM_MODE,       /* --socketmap-mode MODE */
	SERVE_SM_FAIL_OPEN,  /* --socketmap-fail-open */
	SERVE_SM_USER,       /* --user USER[:GROUP] */
	SERVE_SM_SYSLOG      /* --syslog */
};
/* One of those options (which: SERVE_SM_*): 0, or 64 (printed). */
int serve_sm_option(struct serve *srv, int which, const char *arg);
/* After the options: check them, start --syslog; 0 or an exit status. */
int serve_sm_ready(struct serve *srv);
/* Whether --user was given (the database is then opened by serve_sm_listen). */
int serve_sm_user(struct serve *srv);
/* After serve_listen: the socketmap socket, then --user's drop and the
 * database opened as the user; 0 or an exit status. */
int serve_sm_listen(struct serve *srv);
/* Close the socketmap socket (its file removed) and free what was kept. */
void serve_sm_free(struct serve *srv);

/* ------------------------------------------------------ the route files */

/* serve_route.c */
int serve_healthz(struct serve_req *rq);

/* serve_stats.c: GET /v1/stats and GET /metrics; serve_metrics_record
 * counts one reply this server recorded (call it after quell_record
 * succeeded, with its outcome) for quell_records_total{action,rule}. */
int serve_stats_get(struct serve_req *rq);
int serve_metrics_get(struct serve_req *rq);
void serve_metrics_record(struct serve *srv, const struct quell_outcome *o);
int serve_metrics_init(struct serve *srv);
void serve_metrics_free(struct serve *srv);

/* serve_check.c: GET and POST /v1/check */
int serve_check_get(struct serve_req *rq);
int serve_check_post_start(struct serve_req *rq);
int serve_check_post_chunk(struct serve_req *rq, const char *data, size_t n);
int serve_check_post(struct serve_req *rq);

/* serve_entries.c, serve_replies.c, serve_io.c (docs/http-api.md) */
int serve_entries_list(struct serve_req *rq);
int serve_entries_add(struct serve_req *rq);
int serve_entry_get(struct serve_req *rq);
int serve_entry_delete(struct serve_req *rq);
int serve_replies_post(struct serve_req *rq);
int serve_import_start(struct serve_req *rq);
int serve_import_chunk(struct serve_req *rq, const char *data, size_t n);
int serve_import_end(struct serve_req *rq);
int serve_export_get(struct serve_req *rq);
/* end of serve_entries.c, serve_replies.c, serve_io.c */

/* serve_sendgrid.c, serve_sgasm.c: SendGrid's v3 suppression API */
int serve_sg_get(struct serve_req *rq);
int serve_sg_delete(struct serve_req *rq);
int serve_sg_global_add(struct serve_req *rq);
int serve_sg_global_get(struct serve_req *rq);
int serve_sg_global_delete(struct serve_req *rq);
int serve_sg_asm_all(struct serve_req *rq);
int serve_sg_asm_email(struct serve_req *rq);
int serve_sg_group_get(struct serve_req *rq);
int serve_sg_group_post(struct serve_req *rq);
int serve_sg_group_delete(struct serve_req *rq);
/* end of serve_sendgrid.c, serve_sgasm.c */
/* serve_report.c: GET / and GET /report?..., the live report page */
int serve_report_page(struct serve_req *rq);
/* serve_webhooks.c: POST /v1/webhooks/{sendgrid,ses,mailgun,postmark}, and
 * the options that configure them (SERVE_WEBHOOK_OPTIONS in cmd_serve.c's
 * table; serve_webhooks_option for those codes; _load at startup: 0 or an
 * exit status; _free at the end). */
enum {
	SERVE_OPT_SENDGRID_KEY = CLI_OPT_CMD + 100,
	SERVE_OPT_MAILGUN_KEY,
	SERVE_OPT_SNS_CERTS,
	SERVE_OPT_POSTMARK_CREDS
};
#define SERVE_WEBHOOK_OPTIONS                                                                 \
	{ "sendgrid-verification-key", required_argument, NULL, SERVE_OPT_SENDGRID_KEY },      \
	{ "mailgun-signing-key", required_argument, NULL, SERVE_OPT_MAILGUN_KEY },             \
	{ "sns-certs", required_argument, NULL, SERVE_OPT_SNS_CERTS },                         \
	{ "postmark-credentials", required_argument, NULL, SERVE_OPT_POSTMARK_CREDS },
#define SERVE_WEBHOOK_HELP                                                                    \
	"  --sendgrid-verification-key FILE  SendGrid's signed Event Webhook public\n"          \
	"                         key (PEM or base64): POST /v1/webhooks/sendgrid\n"           \
	"  --mailgun-signing-key FILE  Mailgun's webhook signing key: /v1/webhooks/mailgun\n"  \
	"  --sns-certs DIR        SNS signing certificates (NAME.pem, as in\n"                 \
	"                         SigningCertURL; never fetched): /v1/webhooks/ses\n"          \
	"  --postmark-credentials FILE  user:password of Postmark's basic auth:\n"            \
	"                         /v1/webhooks/postmark\n"
int serve_webhooks_option(struct serve *srv, int c);
int serve_webhooks_load(struct serve *srv);
void serve_webhooks_free(struct serve *srv);
int serve_webhook_sendgrid(struct serve_req *rq);
int serve_webhook_ses(struct serve_req *rq);
int serve_webhook_mailgun(struct serve_req *rq);
int serve_webhook_postmark(struct serve_req *rq);

#endif
