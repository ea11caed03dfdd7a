/*
 * serve_stats.c - GET /v1/stats and GET /metrics of `quell serve`.
 *
 *   /v1/stats   the `stats --json` object (cli_stats_json: the same
 *               fields as the CLI's).
 *   /metrics    Prometheus text exposition format 0.0.4:
 *     quell_http_requests_total{route,status}   requests answered
 *     quell_http_request_duration_seconds       histogram, every route
 *     quell_http_connections, ..._evicted_total, ..._refused_total
 *     quell_checks_total{verdict}               addresses checked
 *     quell_records_total{action,rule}          replies this server
 *                                               recorded (serve_metrics_record)
 *     quell_rule_replies{rule}                  replies each rule decided
 *                                               in the stored history
 *     quell_entries{list,scope}, quell_entries_by_source{source},
 *     quell_entries_expired, quell_history_events,
 *     quell_db_bytes, quell_db_used_bytes, quell_db_map_bytes,
 *     quell_db_map_use_ratio                    from quell_stats_get
 * The database figures scan the whole database, so they are made at most
 * every STATS_TTL_MS and kept; the counters are read fresh every time.
 * Knows nothing of HTTP beyond serve.h.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

#define STATS_TTL_MS 10000
#define RECORD_RULES_MAX 256

/* A growing text buffer; ok turns 0 when out of memory. */
struct text {
	char *s;
	size_t n, cap;
	int ok;
};

static void tprintf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tprintf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t->ok)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->ok = 0;
			return;
		}
		if ((size_t)n < t->cap - t->n) {
			t->n += (size_t)n;
			return;
		}
		size_t cap = t->cap * 2 + (size_t)n;
		char *s = realloc(t->s, cap);
		if (s == NULL) {
			t->ok = 0;
			return;
		}
		t->s = s;
		t->cap = cap;
	}
}

/* A label value: backslash, quote and newline escaped (the names quell
 * puts here are [a-z0-9._-], but a label must never break a line). */
static void tlabel(struct text *t, const char *v)
{
	for (; *v != '\0'; v++)
		if (*v == '\\' || *v == '"')
			tprintf(t, "\\%c", *v);
		else if (*v == '\n')
			tprintf(t, "\\n");
		else
			tprintf(t, "%c", *v);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ /v1/stats */

int serve_stats_get(struct serve_req *rq)
{
	struct quell_stats *s = NULL;
	quell *h = rq->srv->cli->h;
	json_t *o;
	int rc = quell_stats_get(h, serve_now(rq), &s);

	if (rc != 0)
		return serve_error(rq, 503, "cannot read the database: %s", quell_errmsg(h));
	o = cli_stats_json(s);
	quell_stats_free(s);
	return serve_answer_json(rq, 200, o);
}

/* ------------------------------------------- what serve itself recorded */

struct serve_records {
	pthread_mutex_t lock;
	size_t n;
	struct {
		char rule[QUELL_NAME_MAX];
		int action;
		uint64_t count;
	} t[RECORD_RULES_MAX];
};

void serve_metrics_record(struct serve *srv, const struct quell_outcome *o)
{
	struct serve_records *r = srv->records;
	size_t i;

	if (r == NULL || o->duplicate || o->error[0] != '\0')
		return;
	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->n; i++)
		if (r->t[i].action == o->action && strcmp(r->t[i].rule, o->rule) == 0)
			break;
	if (i == r->n && r->n < RECORD_RULES_MAX) {
		r->t[i].action = o->action;
		memcpy(r->t[i].rule, o->rule, sizeof r->t[i].rule);
		r->t[i].count = 0;
		r->n++;
	}
	if (i < r->n)
		r->t[i].count++;
	pthread_mutex_unlock(&r->lock);
}

int serve_metrics_init(struct serve *srv)
{
	srv->records = calloc(1, sizeof *srv->records);
	if (srv->records == NULL)
		return -1;
	pthread_mutex_init(&srv->records->lock, NULL);
	pthread_mutex_init(&srv->stats_lock, NULL);
	return 0;
}

void serve_metrics_free(struct serve *srv)
{
	if (srv->records != NULL) {
		pthread_mutex_destroy(&srv->records->lock);
		pthread_mutex_destroy(&srv->stats_lock);
	}
	free(srv->records);
	srv->records = NULL;
	free(srv->stats_text);
	srv->stats_text = NULL;
}

static void records(struct serve *srv, struct text *t)
{
	struct serve_records *r = srv->records;

	tprintf(t, "# HELP quell_records_total Replies this server recorded, by action and rule.\n"
	           "# TYPE quell_records_total counter\n");
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->n; i++) {
		tprintf(t, "quell_records_total{action=\"%s\",rule=\"",
		        quell_action_name(r->t[i].action));
		tlabel(t, r->t[i].rule);
		tprintf(t, "\"} %llu\n", (unsigned long long)r->t[i].count);
	}
	pthread_mutex_unlock(&r->lock);
}

/* ------------------------------------------------- the database figures */

static int rule_line(void *payload, const struct quell_rule_stats *s)
{
	struct text *t = payload;

	tprintf(t, "quell_rule_replies{rule=\"");
	tlabel(t, s->rule);
	tprintf(t, "\"} %llu\n", (unsigned long long)s->count);
	return 0;
}

static const int lists[] = { QUELL_LIST_SUPPRESS, QUELL_LIST_ALLOW, QUELL_LIST_BACKOFF };
static const int sources[] = { QUELL_SOURCE_BOUNCE, QUELL_SOURCE_COMPLAINT,
	                       QUELL_SOURCE_UNSUBSCRIBE, QUELL_SOURCE_MANUAL,
	                       QUELL_SOURCE_IMPORT };

static void db_figures(const struct quell_stats *s, struct text *t)
{
	tprintf(t, "# HELP quell_entries Live entries by list and scope.\n"
	           "# TYPE quell_entries gauge\n");
	for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
		for (int k = QUELL_SCOPE_ADDRESS; k <= QUELL_SCOPE_DOMAIN; k++)
			tprintf(t, "quell_entries{list=\"%s\",scope=\"%s\"} %llu\n",
			        quell_list_name(lists[l]), quell_scope_name(k),
			        (unsigned long long)s->entries[lists[l]][k]);
	tprintf(t, "# HELP quell_entries_by_source Live entries by source.\n"
	           "# TYPE quell_entries_by_source gauge\n");
	for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
		tprintf(t, "quell_entries_by_source{source=\"%s\"} %llu\n",
		        quell_source_name(sources[i]), (unsigned long long)s->by_source[sources[i]]);
	tprintf(t, "# TYPE quell_entries_expired gauge\nquell_entries_expired %llu\n"
	           "# TYPE quell_history_events gauge\nquell_history_events %llu\n"
	           "# HELP quell_db_bytes Size of the data file.\n"
	           "# TYPE quell_db_bytes gauge\nquell_db_bytes %llu\n"
	           "# TYPE quell_db_used_bytes gauge\nquell_db_used_bytes %llu\n"
	           "# TYPE quell_db_map_bytes gauge\nquell_db_map_bytes %llu\n"
	           "# HELP quell_db_map_use_ratio Pages in use over the map size.\n"
	           "# TYPE quell_db_map_use_ratio gauge\nquell_db_map_use_ratio %.6f\n",
	           (unsigned long long)s->expired, (unsigned long long)s->events,
	           (unsigned long long)s->db_bytes, (unsigned long long)s->used_bytes,
	           (unsigned long long)s->map_bytes,
	           s->map_bytes ? (double)s->used_bytes / (double)s->map_bytes : 0.0);
}

/* The database figures, made again when older than STATS_TTL_MS, appended
 * to t.  0, or -1 (the database cannot be read: quell_errmsg). */
static int db_text(struct serve_req *rq, struct text *t)
{
	struct serve *srv = rq->srv;
	int64_t now = mono_ms();
	int rc = 0;

	pthread_mutex_lock(&srv->stats_lock);
	if (srv->stats_text == NULL || now - srv->stats_ms >= STATS_TTL_MS) {
		struct text d = { NULL, 0, 0, 1 };
		struct quell_stats *s = NULL;

		rc = quell_stats_get(srv->cli->h, serve_now(rq), &s);
		if (rc == 0) {
			db_figures(s, &d);
			quell_stats_free(s);
			tprintf(&d, "# HELP quell_rule_replies Replies each rule decided in the "
			            "stored history.\n# TYPE quell_rule_replies gauge\n");
			rc = quell_rules_stats(srv->cli->h, NULL, rule_line, &d);
		}
		if (rc == 0 && d.ok) {
			free(srv->stats_text);
			srv->stats_text = d.s;
			srv->stats_ms = now;
		} else {
			free(d.s);
		}
	}
	if (rc == 0 && srv->stats_text != NULL)
		tprintf(t, "%s", srv->stats_text);
	pthread_mutex_unlock(&srv->stats_lock);
	return rc == 0 ? 0 : -1;
}

/* -------------------------------------------------------------- /metrics */

extern const uint64_t serve_latency_us[SERVE_LATENCY_BUCKETS];

static void http_figures(struct serve *srv, struct text *t)
{
	static const char *const status[SERVE_STATUS_SLOTS] = { "200", "201", "204", "400",
	                                                        "401", "403", "404", "405",
	                                                        "413", "500", "503", "other" };
	size_t nroutes = serve_route_count();
	uint64_t cum = 0;

	tprintf(t, "# HELP quell_http_requests_total Requests answered, by route and status.\n"
	           "# TYPE quell_http_requests_total counter\n");
	for (size_t r = 0; r <= nroutes; r++)
		for (size_t k = 0; k < SERVE_STATUS_SLOTS; k++) {
			uint64_t v = atomic_load(&srv->m.requests[r * SERVE_STATUS_SLOTS + k]);

			if (v == 0)
				continue;
			if (r < nroutes)
				tprintf(t, "quell_http_requests_total{route=\"%s %s\",status=\"%s\"} %llu\n",
				        serve_routes[r].method, serve_routes[r].path, status[k],
				        (unsigned long long)v);
			else
				tprintf(t, "quell_http_requests_total{route=\"none\",status=\"%s\"} %llu\n",
				        status[k], (unsigned long long)v);
		}
	tprintf(t, "# HELP quell_http_request_duration_seconds Time from the request's headers "
	           "to its answer queued.\n# TYPE quell_http_request_duration_seconds histogram\n");
	for (size_t b = 0; b <= SERVE_LATENCY_BUCKETS; b++) {
		cum += atomic_load(&srv->m.latency[b]);
		if (b < SERVE_LATENCY_BUCKETS)
			tprintf(t, "quell_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			        (double)serve_latency_us[b] / 1e6, (unsigned long long)cum);
		else
			tprintf(t, "quell_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
			        (unsigned long long)cum);
	}
	tprintf(t, "quell_http_request_duration_seconds_sum %.6f\n"
	           "quell_http_request_duration_seconds_count %llu\n",
	        (double)atomic_load(&srv->m.latency_sum_us) / 1e6,
	        (unsigned long long)atomic_load(&srv->m.latency_count));
	pthread_mutex_lock(&srv->conns_lock);
	tprintf(t, "# TYPE quell_http_connections gauge\nquell_http_connections %zu\n", srv->nconns);
	pthread_mutex_unlock(&srv->conns_lock);
	tprintf(t, "# HELP quell_http_connections_evicted_total Idle connections closed for a "
	           "new client.\n# TYPE quell_http_connections_evicted_total counter\n"
	           "quell_http_connections_evicted_total %llu\n"
	           "# TYPE quell_http_connections_refused_total counter\n"
	           "quell_http_connections_refused_total %llu\n",
	        (unsigned long long)atomic_load(&srv->m.evicted),
	        (unsigned long long)atomic_load(&srv->m.refused));
}

int serve_metrics_get(struct serve_req *rq)
{
	struct serve *srv = rq->srv;
	struct text t = { malloc(8192), 0, 8192, 1 };
	static const char *const verdicts[4] = { "allow", "suppress", "backoff", "invalid" };

	if (t.s == NULL)
		return serve_error(rq, 500, "out of memory");
	http_figures(srv, &t);
	tprintf(&t, "# HELP quell_checks_total Addresses checked, by verdict.\n"
	            "# TYPE quell_checks_total counter\n");
	for (int v = 0; v < 4; v++)
		tprintf(&t, "quell_checks_total{verdict=\"%s\"} %llu\n", verdicts[v],
		        (unsigned long long)atomic_load(&srv->m.checks[v]));
	records(srv, &t);
	if (db_text(rq, &t) != 0) {
		free(t.s);
		return serve_error(rq, 503, "cannot read the database: %s",
		                   quell_errmsg(srv->cli->h));
	}
	if (!t.ok) {
		free(t.s);
		return serve_error(rq, 500, "out of memory");
	}
	return serve_answer_buf(rq, 200, "text/plain; version=0.0.4; charset=utf-8", t.s, t.n,
	                        SERVE_BUF_FREE);
}
