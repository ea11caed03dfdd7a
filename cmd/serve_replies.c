/*
 * serve_replies.c - POST /v1/replies: record one reply or many
 * (docs/http-api.md, "Replies").  The body is one JSON object, an array
 * of them, or JSON Lines, each {"address", "reply", "time", "queue_id",
 * "message_id", "source"}; the answer has the same shape, one `record
 * --json` object per reply, in order.  Replies go to quell_record_many in
 * batches of REPLIES_BATCH (one write transaction and one sync each), as
 * `record -` and `ingest` do; a reply that is refused (a bad address, an
 * unusable reply, a bad item) is answered with its error and the others
 * go on.
 *
 * Knows nothing of LMDB nor of libmicrohttpd.
 */
#include <stdlib.h>
#include <string.h>

#include "serve_api.h"
#include "serve_parse.h"

#define REPLIES_MAX 100000 /* replies in one body */
#define REPLIES_BATCH 1000 /* replies per write transaction */

struct batch {
	struct quell_record_item items[REPLIES_BATCH];
	struct quell_record_options opts[REPLIES_BATCH];
	size_t idx[REPLIES_BATCH]; /* the item of the body each came from */
	size_t n;
};

/* Record the gathered batch and put each outcome in outs. */
static int flush(struct serve_req *rq, struct batch *b, struct quell_outcome *outs)
{
	quell *h = rq->srv->cli->h;
	int rc;

	if (b->n == 0)
		return 0;
	if ((rc = quell_record_many(h, b->items, b->n)) != 0)
		return rc;
	for (size_t i = 0; i < b->n; i++) {
		struct quell_record_item *it = &b->items[i];

		outs[b->idx[i]] = it->out;
		if (it->rc == 0)
			serve_metrics_record(rq->srv, &it->out); /* /metrics: records by action, rule */
		if (it->rc != 0 && outs[b->idx[i]].error[0] == '\0')
			snprintf(outs[b->idx[i]].error, sizeof outs[b->idx[i]].error, "%s",
			         quell_strerror(it->rc));
	}
	b->n = 0;
	return 0;
}

static int record_all(struct serve_req *rq, const struct serve_replies *r,
                      struct quell_outcome *outs)
{
	struct batch *b = calloc(1, sizeof *b);
	struct quell_record_options def = QUELL_RECORD_OPTIONS_INIT;
	int rc = 0;

	if (b == NULL)
		return QUELL_ENOMEM;
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		const struct serve_reply *it = &r->items[i];
		size_t k = b->n;

		if (it->error[0] != '\0') {
			snprintf(outs[i].error, sizeof outs[i].error, "%.*s",
			         (int)sizeof outs[i].error - 1, it->error);
			continue;
		}
		b->opts[k] = def;
		b->opts[k].now = cli_event_time(it->time, serve_now(rq));
		b->opts[k].queue_id = it->queue_id;
		b->opts[k].message_id = it->message_id;
		b->opts[k].source = it->source;
		memset(&b->items[k], 0, sizeof b->items[k]);
		b->items[k].address = it->address;
		b->items[k].reply = it->reply;
		b->items[k].opts = &b->opts[k];
		b->idx[k] = i;
		if (++b->n == REPLIES_BATCH)
			rc = flush(rq, b, outs);
	}
	if (rc == 0)
		rc = flush(rq, b, outs);
	free(b);
	return rc;
}

/* The answer: one object, an array, or JSON Lines, as the body came. */
static int answer(struct serve_req *rq, const struct serve_replies *r,
                  const struct quell_outcome *outs)
{
	json_t *arr = json_array();
	struct api_text t = { NULL, 0, 0 };

	for (size_t i = 0; arr != NULL && i < r->n; i++) {
		const char *addr = r->items[i].address;

		if (json_array_append_new(arr, cli_outcome_json(addr, &outs[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (arr == NULL)
		return serve_answer_json(rq, 500, NULL);
	if (r->shape == SERVE_ARRAY)
		return serve_answer_json(rq, 200, arr);
	if (r->shape == SERVE_ONE) {
		json_t *one = json_incref(json_array_get(arr, 0));

		json_decref(arr);
		return serve_answer_json(rq, 200, one);
	}
	for (size_t i = 0; i < r->n; i++) { /* JSON Lines */
		if (api_append_line(&t, json_array_get(arr, i)) != 0) {
			free(t.text);
			json_decref(arr);
			return serve_answer_json(rq, 500, NULL);
		}
	}
	json_decref(arr);
	return serve_answer_buf(rq, 200, "application/x-ndjson", t.text, t.len, SERVE_BUF_FREE);
}

int serve_replies_post(struct serve_req *rq)
{
	struct serve_replies r;
	struct quell_outcome *outs;
	char err[SERVE_ERR_MAX];
	int rc;

	if (serve_parse_replies(rq->body, rq->body_len, REPLIES_MAX, &r, err, sizeof err) != 0) {
		serve_replies_free(&r);
		return serve_error(rq, 400, "%s", err);
	}
	if ((outs = calloc(r.n, sizeof *outs)) == NULL) {
		serve_replies_free(&r);
		return serve_answer_json(rq, 500, NULL);
	}
	rc = record_all(rq, &r, outs);
	rc = rc != 0 ? api_fail(rq, rc, NULL) : answer(rq, &r, outs);
	free(outs);
	serve_replies_free(&r);
	return rc;
}
