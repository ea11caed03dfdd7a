/*
 * serve_check.c - GET /v1/check and POST /v1/check of `quell serve`.
 *
 *   GET /v1/check?address=A[&stream=S]
 *       200 and the `check --json` object of A (verdict "invalid" with
 *       "error" for an address that cannot be parsed); 400 without A or
 *       with a bad stream name; 503 when the database cannot be read.
 *       One quell_check (one read transaction), answered from the
 *       connection's scratch buffer: nothing of ours is allocated.
 *   POST /v1/check[?stream=S]
 *       the body: a JSON array of address strings, or JSON Lines of one
 *       string each; the answer, in input order: a JSON array of check
 *       objects for an array, JSON Lines for JSON Lines.  The body is
 *       read as it arrives (serve_scan: an error in it is a 400 saying
 *       where, before anything is checked); then BATCH addresses at a
 *       time through quell_check_many (one read transaction per batch;
 *       a small batch keeps its results in the CPU's cache), the answer
 *       made as the client reads it (chunked; a failure cuts it short),
 *       each object written straight into libmicrohttpd's buffer where it
 *       fits (only the one that straddles its end goes through pend).
 *       An answer made whole first, with a Content-Length, was measured
 *       at half the addresses per second (no checking while sending).
 *       The buffers are the connection's (rq->cache), kept for its next
 *       POST.  Verdicts are counted once a batch.
 *
 * The objects come from serve_check_json (serve_json.c), the same bytes
 * as the CLI's.  Knows nothing of HTTP beyond serve.h.
 */
#include <stdlib.h>
#include <string.h>

#include "serve.h"
#include "serve_json.h"

#define BATCH 64
#define KEEP_MAX (16u << 20) /* bytes a buffer may keep between requests */

_Static_assert(SERVE_CHECK_JSON_MAX + 2 <= SERVE_SCRATCH, "scratch holds one check object");

/* The stream of ?stream=S into *stream (NULL: none); 0, or answered 400. */
static int stream_arg(struct serve_req *rq, const char **stream)
{
	const char *s = serve_arg(rq, "stream");

	*stream = s != NULL && *s != '\0' ? s : NULL;
	if (*stream != NULL && !quell_stream_valid(*stream)) {
		serve_error(rq, 400, "stream: '%s' is not a name of [a-z0-9._-]", s);
		return -1;
	}
	return 0;
}

static void count_verdict(struct serve *srv, int verdict)
{
	if (verdict >= 0 && verdict < 4)
		atomic_fetch_add_explicit(&srv->m.checks[verdict], 1, memory_order_relaxed);
}

/* A batch's verdicts: one shared counter update per verdict, not per
 * address (the counters' cache line is every worker's). */
static void count_verdicts(struct serve *srv, const struct quell_result *res, size_t n)
{
	uint64_t by[4] = { 0, 0, 0, 0 };

	for (size_t i = 0; i < n; i++)
		if (res[i].verdict >= 0 && res[i].verdict < 4)
			by[res[i].verdict]++;
	for (int v = 0; v < 4; v++)
		if (by[v] > 0)
			atomic_fetch_add_explicit(&srv->m.checks[v], by[v], memory_order_relaxed);
}

int serve_check_get(struct serve_req *rq)
{
	const char *address = serve_arg(rq, "address"), *stream;
	struct quell_result res;
	quell *h = rq->srv->cli->h;
	size_t n;
	int rc;

	if (address == NULL)
		return serve_error(rq, 400, "the query needs address=ADDRESS");
	if (strlen(address) > SERVE_ADDRESS_MAX)
		return serve_error(rq, 400, "the address is over %d bytes", SERVE_ADDRESS_MAX);
	if (stream_arg(rq, &stream) != 0)
		return 0;
	rc = quell_check(h, address, stream, serve_now(rq), &res);
	if (rc != 0 && rc != QUELL_EADDRESS)
		return serve_error(rq, 503, "cannot check: %s", quell_errmsg(h));
	count_verdict(rq->srv, res.verdict);
	n = serve_check_json(rq->scratch, sizeof rq->scratch - 1, address, &res);
	rq->scratch[n++] = '\n';
	return serve_answer_buf(rq, 200, "application/json", rq->scratch, n, SERVE_BUF_KEEP);
}

/* ---------------------------------------------------------------- POST */

struct pcheck {
	struct serve *srv;
	struct serve_scan scan;
	char *addrs;          /* the addresses, each NUL-terminated */
	size_t len, cap, n;
	/* cleared for each request from here */
	char stream[QUELL_STREAM_MAX];
	int64_t now;
	/* the answer */
	const char *next;     /* the first address not yet checked */
	size_t done;          /* addresses checked */
	size_t bn, bi;        /* results in the batch, given */
	size_t plen, poff;    /* bytes in pend, given */
	int opened, ended;
	/* not cleared: */
	const char *given[BATCH];
	struct quell_result res[BATCH];
	char pend[SERVE_CHECK_JSON_MAX + 4];
};

static void pcheck_free(void *ctx)
{
	struct pcheck *p = ctx;

	if (p != NULL)
		free(p->addrs);
	free(p);
}

/* The connection's pcheck (kept for its next POST: 90 KB allocated once
 * per connection, not per request), cleared; NULL when out of memory. */
static struct pcheck *pcheck_of(struct serve_req *rq)
{
	struct pcheck *p = rq->cache_free == pcheck_free ? rq->cache : NULL;

	if (p == NULL) {
		if (rq->cache_free != NULL)
			rq->cache_free(rq->cache);
		rq->cache = NULL;
		rq->cache_free = NULL;
		if ((p = malloc(sizeof *p)) == NULL)
			return NULL;
		p->addrs = NULL;
		p->cap = 0;
		rq->cache = p;
		rq->cache_free = pcheck_free;
	}
	if (p->cap > KEEP_MAX) {
		free(p->addrs);
		p->addrs = NULL;
		p->cap = 0;
	}
	p->len = p->n = 0;
	memset(&p->stream, 0, offsetof(struct pcheck, given) - offsetof(struct pcheck, stream));
	return p;
}

static int keep(void *ctx, const char *address, size_t len)
{
	struct pcheck *p = ctx;

	if (p->len + len + 1 > p->cap) {
		size_t cap = p->cap ? p->cap : 64 * 1024;
		char *a;

		while (cap < p->len + len + 1)
			cap *= 2;
		if ((a = realloc(p->addrs, cap)) == NULL)
			return -2;
		p->addrs = a;
		p->cap = cap;
	}
	memcpy(p->addrs + p->len, address, len + 1);
	p->len += len + 1;
	p->n++;
	return 0;
}

int serve_check_post_start(struct serve_req *rq)
{
	struct pcheck *p;
	const char *stream;

	if (stream_arg(rq, &stream) != 0)
		return 0;
	if ((p = pcheck_of(rq)) == NULL)
		return serve_error(rq, 500, "out of memory");
	p->srv = rq->srv;
	p->now = serve_now(rq);
	serve_scan_init(&p->scan);
	if (stream != NULL)
		memcpy(p->stream, stream, strlen(stream) + 1);
	rq->state = p;
	return 0;
}

int serve_check_post_chunk(struct serve_req *rq, const char *data, size_t n)
{
	struct pcheck *p = rq->state;
	int rc = serve_scan_feed(&p->scan, data, n, keep, p);

	if (rc == -2)
		return serve_error(rq, 500, "out of memory");
	if (rc != 0)
		return serve_error(rq, 400, "the body: %s", p->scan.err);
	return 0;
}

/* Check the next batch: 0, or -1 (quell_errmsg says why). */
static int next_batch(struct pcheck *p)
{
	quell *h = p->srv->cli->h;
	size_t k;
	int rc;

	for (k = 0; k < BATCH && p->done + k < p->n; k++) {
		p->given[k] = p->next;
		p->next += strlen(p->next) + 1;
	}
	rc = quell_check_many(h, p->given, k, p->stream[0] ? p->stream : NULL, p->now, p->res,
	                      NULL);
	if (rc != 0)
		return -1;
	p->done += k;
	p->bn = k;
	p->bi = 0;
	count_verdicts(p->srv, p->res, k);
	return 0;
}

/* Write the next piece of the answer (an object with its punctuation, or
 * the end) into dst, cap bytes: 1 with *len set, 0 when it does not fit
 * there (nothing written counts), 2 past the end, -1 when the database
 * failed (quell_errmsg says why). */
static int next_piece(struct pcheck *p, char *dst, size_t cap, size_t *len)
{
	int array = p->scan.form == '[';
	size_t n = 0, k;

	if (cap < 3)
		return 0;
	if (p->bi == p->bn && p->done < p->n && next_batch(p) != 0)
		return -1;
	if (!p->opened && array)
		dst[n++] = '[';
	if (p->bi == p->bn) {
		if (p->ended)
			return 2;
		if (array) {
			dst[n++] = ']';
			dst[n++] = '\n';
		}
		p->opened = p->ended = 1;
		*len = n;
		return 1;
	}
	if (array && p->done - p->bn + p->bi > 0)
		dst[n++] = ',';
	k = serve_check_json(dst + n, cap - n - 1, p->given[p->bi], &p->res[p->bi]);
	if (k == 0)
		return 0;
	n += k;
	if (!array)
		dst[n++] = '\n';
	p->opened = 1;
	p->bi++;
	*len = n;
	return 1;
}

/* MHD's buffer filled with the answer: each object written into it where
 * it fits, else into pend and copied as the buffer takes it. */
static ssize_t pcheck_read(void *ctx, uint64_t pos, char *buf, size_t max)
{
	struct pcheck *p = ctx;
	size_t out = 0;

	(void)pos;
	while (out < max) {
		size_t k;
		int rc;

		if (p->poff < p->plen) {
			k = p->plen - p->poff < max - out ? p->plen - p->poff : max - out;
			memcpy(buf + out, p->pend + p->poff, k);
			p->poff += k;
			out += k;
			continue;
		}
		rc = next_piece(p, buf + out, max - out, &k);
		if (rc == 0) {
			p->poff = p->plen = 0;
			rc = next_piece(p, p->pend, sizeof p->pend, &p->plen);
			k = 0;
		}
		if (rc < 0) {
			cli_warn(p->srv->cli, "POST /v1/check: cannot check: %s; answer cut short",
			         quell_errmsg(p->srv->cli->h));
			return SERVE_STREAM_ERROR;
		}
		if (rc == 2)
			break;
		out += k;
	}
	return out > 0 ? (ssize_t)out : SERVE_STREAM_END;
}

int serve_check_post(struct serve_req *rq)
{
	struct pcheck *p = rq->state;

	if (serve_scan_end(&p->scan) != 0)
		return serve_error(rq, 400, "the body: %s", p->scan.err);
	p->next = p->addrs;
	/* p stays the connection's: its next request waits for this answer */
	return serve_stream(rq, 200,
	                    p->scan.form == '[' ? "application/json" : "application/x-ndjson",
	                    pcheck_read, p, NULL);
}
