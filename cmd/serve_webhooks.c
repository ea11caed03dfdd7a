/*
 * serve_webhooks.c - POST /v1/webhooks/sendgrid|ses|mailgun|postmark of
 * `quell serve`: an ESP's events, their signature checked before anything
 * is written, recorded as `ingest ESP-events` records them (esp_rec.c).
 *
 *   sendgrid  --sendgrid-verification-key FILE: ECDSA over the
 *             X-Twilio-Email-Event-Webhook-Timestamp and the raw body
 *             (-Signature); a timestamp more than 5 minutes off is stale,
 *             a signature seen before is a replay
 *   mailgun   --mailgun-signing-key FILE: HMAC of the body's
 *             signature.timestamp and .token; stale as above, a token
 *             seen before is a replay
 *   ses       --sns-certs DIR: the SNS message's signature, with the
 *             certificate named by SigningCertURL's file name in DIR
 *             (never fetched); a SubscriptionConfirmation is logged with
 *             its SubscribeURL for the operator to visit, not followed
 *   postmark  --postmark-credentials FILE (user:password): HTTP basic auth
 *
 * An endpoint whose key is not configured answers 404; a request that is
 * unsigned, badly signed, stale or replayed answers 401 and writes
 * nothing; a signed body that is no event document answers 400.  Else
 * 200 with {"events","recorded","duplicates","skipped","refused"}.
 * Routes need no bearer token (SERVE_OPEN): the signature is the proof.
 *
 * Knows nothing of the ESPs' formats (quell_esp_events) or of the
 * cryptography (webhook_sig.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "esp_rec.h"
#include "serve.h"
#include "webhook_sig.h"

#define REPLAY_CAP 200000        /* tokens and signatures remembered */
#define EVENTS_MAX 100000        /* events of one request */


/* ------------------------------------------------------- group commit */

/* One request's items waiting for a commit. */
struct pending {
	struct quell_record_item *items;
	size_t n;
	int rc, done;
	struct pending *next;
};

/* Concurrent requests share commits: one of them (the leader) records
 * what every waiting request brought in one quell_record_many, one sync
 * to disk, while the others wait; then the next group.  A Mailgun-style
 * one-event request costs a share of a sync, not a whole one. */
struct group {
	pthread_mutex_t lock;
	pthread_cond_t done;
	struct pending *head, **tail;
	int leading;
	int ready;
};

static void group_init(struct group *g)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->done, NULL);
	g->head = NULL;
	g->tail = &g->head;
	g->leading = 0;
	g->ready = 1;
}

static void group_free(struct group *g)
{
	if (!g->ready)
		return;
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->done);
	g->ready = 0;
}

/* Record the waiting requests' items in one transaction; each gets the
 * batch's result.  Called by the leader, without the lock. */
static void commit_group(quell *h, struct pending *list)
{
	struct quell_record_item *all;
	size_t n = 0, k = 0;
	int rc;

	for (struct pending *p = list; p != NULL; p = p->next)
		n += p->n;
	if ((all = malloc(n * sizeof *all)) == NULL) {
		for (struct pending *p = list; p != NULL; p = p->next)
			p->rc = QUELL_ENOMEM;
		return;
	}
	for (struct pending *p = list; p != NULL; p = p->next) {
		memcpy(all + k, p->items, p->n * sizeof *all);
		k += p->n;
	}
	rc = quell_record_many(h, all, n);
	k = 0;
	for (struct pending *p = list; p != NULL; p = p->next) {
		memcpy(p->items, all + k, p->n * sizeof *all);
		k += p->n;
		p->rc = rc;
	}
	free(all);
}

/* Record items[0..n) with whatever other requests are recording now.
 * 0, or the store's error (then nothing of the group was written). */
static int group_record(struct group *g, quell *h, struct quell_record_item *items, size_t n)
{
	struct pending me = { items, n, 0, 0, NULL };

	pthread_mutex_lock(&g->lock);
	*g->tail = &me;
	g->tail = &me.next;
	while (!me.done && g->leading)
		pthread_cond_wait(&g->done, &g->lock);
	while (!me.done) { /* lead: commit groups until ours is in one */
		struct pending *list = g->head;

		g->head = NULL;
		g->tail = &g->head;
		g->leading = 1;
		pthread_mutex_unlock(&g->lock);
		commit_group(h, list);
		pthread_mutex_lock(&g->lock);
		for (struct pending *p = list, *next; p != NULL; p = next) {
			next = p->next;
			p->done = 1;
		}
		g->leading = 0;
		pthread_cond_broadcast(&g->done);
	}
	pthread_mutex_unlock(&g->lock);
	return me.rc;
}

struct serve_webhooks {
	void *sendgrid_key;          /* EVP_PKEY, or NULL */
	unsigned char *mailgun_key;  /* or NULL */
	size_t mailgun_keylen;
	const char *sns_certs;       /* directory, or NULL */
	char *postmark_userpass;     /* or NULL */
	const char *paths[4];        /* the files named by the options */
	struct wsig_replay replay;
	struct group group;          /* commits shared by concurrent requests */
};

/* ------------------------------------------------------------- options */

int serve_webhooks_option(struct serve *srv, int c)
{
	struct serve_webhooks *w = srv->webhooks;

	if (c < SERVE_OPT_SENDGRID_KEY || c > SERVE_OPT_POSTMARK_CREDS)
		return 0;
	if (w == NULL && (w = srv->webhooks = calloc(1, sizeof *w)) == NULL)
		return cli_oom(srv->cli);
	switch (c) {
	case SERVE_OPT_SENDGRID_KEY: w->paths[0] = optarg; return 0;
	case SERVE_OPT_MAILGUN_KEY: w->paths[1] = optarg; return 0;
	case SERVE_OPT_SNS_CERTS: w->sns_certs = optarg; return 0;
	case SERVE_OPT_POSTMARK_CREDS: w->paths[3] = optarg; return 0;
	}
	return 0;
}

/* The first line of a small file, without its line end, malloc'd. */
static char *first_line(struct serve *srv, const char *opt, const char *path, int *status)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL) {
		cli_warn(srv->cli, "%s: %s: %s", opt, path, strerror(errno));
		*status = errno == ENOENT ? CLI_EX_NOINPUT : CLI_EX_IOERR;
		return NULL;
	}
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	if (n == 0) {
		cli_warn(srv->cli, "%s: %s: empty", opt, path);
		*status = CLI_EX_DATAERR;
		return NULL;
	}
	return strdup(buf);
}

int serve_webhooks_load(struct serve *srv)
{
	struct serve_webhooks *w = srv->webhooks;
	char err[512];
	int status = 0;

	if (w == NULL)
		return 0;
	if (wsig_replay_init(&w->replay, REPLAY_CAP, 2 * WSIG_WINDOW) != 0)
		return cli_oom(srv->cli);
	group_init(&w->group);
	if (w->paths[0] != NULL && wsig_sendgrid_key_load(w->paths[0], &w->sendgrid_key, err,
	                                                  sizeof err) != 0) {
		cli_warn(srv->cli, "--sendgrid-verification-key: %s", err);
		return CLI_EX_DATAERR;
	}
	if (w->paths[1] != NULL) {
		char *k = first_line(srv, "--mailgun-signing-key", w->paths[1], &status);

		if (k == NULL)
			return status;
		w->mailgun_key = (unsigned char *)k;
		w->mailgun_keylen = strlen(k);
	}
	if (w->paths[3] != NULL) {
		w->postmark_userpass = first_line(srv, "--postmark-credentials", w->paths[3], &status);
		if (w->postmark_userpass == NULL)
			return status;
		if (strchr(w->postmark_userpass, ':') == NULL) {
			cli_warn(srv->cli, "--postmark-credentials: %s: not user:password", w->paths[3]);
			return CLI_EX_DATAERR;
		}
	}
	return 0;
}

void serve_webhooks_free(struct serve *srv)
{
	struct serve_webhooks *w = srv->webhooks;

	if (w == NULL)
		return;
	wsig_key_free(w->sendgrid_key);
	free(w->mailgun_key);
	free(w->postmark_userpass);
	wsig_replay_free(&w->replay);
	group_free(&w->group);
	free(w);
	srv->webhooks = NULL;
}

/* ------------------------------------------------------------ recording */

struct batch {
	int esp;
	int64_t now;
	struct esp_rec *recs;
	struct quell_record_item *items;
	size_t n, cap;
	size_t events, skipped, refused;
	int oom;
};

static int collect(void *arg, const struct quell_esp_event *ev)
{
	struct batch *b = arg;

	b->events++;
	if (ev->kind == QUELL_ESP_SKIP || ev->error != NULL) {
		if (ev->kind == QUELL_ESP_SKIP)
			b->skipped++;
		else
			b->refused++;
		return 0;
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		struct esp_rec *r;
		struct quell_record_item *it;

		if (cap > EVENTS_MAX)
			return 1;
		if ((r = realloc(b->recs, cap * sizeof *r)) == NULL)
			return b->oom = 1;
		b->recs = r;
		if ((it = realloc(b->items, cap * sizeof *it)) == NULL)
			return b->oom = 1;
		b->items = it;
		b->cap = cap;
	}
	esp_rec_fill(&b->recs[b->n], b->esp, ev, b->now, &b->items[b->n]);
	b->n++;
	return 0;
}

/* The events of doc recorded; answers. */
static int record(struct serve_req *rq, int esp, const char *doc, size_t len)
{
	struct batch b;
	quell *h = rq->srv->cli->h;
	size_t recorded = 0, dups = 0;
	char err[256];
	json_t *j;
	int rc;

	memset(&b, 0, sizeof b);
	b.esp = esp;
	b.now = serve_now(rq);
	rc = quell_esp_events(esp, doc, len, collect, &b, err, sizeof err);
	if (rc == 0 && b.n > 0) {
		/* items point into recs, which may have moved while growing */
		for (size_t i = 0; i < b.n; i++) {
			b.items[i].address = b.recs[i].ev.recipient;
			b.items[i].reply = b.recs[i].ev.reply;
			b.items[i].opts = &b.recs[i].o;
			if (b.recs[i].o.message_id != NULL)
				b.recs[i].o.message_id = b.recs[i].id;
			if (b.recs[i].o.note != NULL)
				b.recs[i].o.note = b.recs[i].ev.note;
			if (b.recs[i].o.stream != NULL)
				b.recs[i].o.stream = b.recs[i].ev.stream;
		}
		rc = group_record(&rq->srv->webhooks->group, h, b.items, b.n);
		if (rc != 0) {
			free(b.recs);
			free(b.items);
			return serve_error(rq, 503, "the events could not be recorded: %s",
			                   quell_errmsg(h));
		}
	}
	for (size_t i = 0; i < b.n; i++) {
		if (b.items[i].rc != 0)
			b.refused++;
		else if (b.items[i].out.duplicate)
			dups++;
		else
			recorded++;
	}
	free(b.recs);
	free(b.items);
	if (b.oom || rc == QUELL_ENOMEM)
		return serve_error(rq, 500, "out of memory");
	if (rc == 1)
		return serve_error(rq, 413, "more than %d events in one request", EVENTS_MAX);
	if (rc != 0)
		return serve_error(rq, 400, "%s", err);
	j = json_pack("{s:I,s:I,s:I,s:I,s:I}", "events", (json_int_t)b.events, "recorded",
	              (json_int_t)recorded, "duplicates", (json_int_t)dups, "skipped",
	              (json_int_t)b.skipped, "refused", (json_int_t)b.refused);
	return serve_answer_json(rq, 200, j);
}

/* The time signatures are checked at: --now, else the clock (serve_now
 * says 0 for "the clock", which the library reads itself). */
static int64_t sig_now(const struct serve_req *rq)
{
	int64_t now = serve_now(rq);

	return now != 0 ? now : (int64_t)time(NULL);
}

static int refuse(struct serve_req *rq, int r, const char *why)
{
	return serve_error(rq, 401, "%s%s%s", wsig_result_name(r), why ? ": " : "", why ? why : "");
}

/* ------------------------------------------------------------ handlers */

int serve_webhook_sendgrid(struct serve_req *rq)
{
	struct serve_webhooks *w = rq->srv->webhooks;
	const char *sig = serve_header(rq, "X-Twilio-Email-Event-Webhook-Signature");
	const char *ts = serve_header(rq, "X-Twilio-Email-Event-Webhook-Timestamp");
	int r;

	if (w == NULL || w->sendgrid_key == NULL)
		return serve_error(rq, 404, "no --sendgrid-verification-key: this webhook is off");
	r = wsig_sendgrid_verify(w->sendgrid_key, ts, sig, rq->body, rq->body_len, sig_now(rq));
	if (r == WSIG_OK && wsig_replay_check(&w->replay, sig, sig_now(rq)) != 0)
		r = WSIG_REPLAY;
	if (r != WSIG_OK)
		return refuse(rq, r, NULL);
	return record(rq, QUELL_ESP_SENDGRID, rq->body, rq->body_len);
}

int serve_webhook_mailgun(struct serve_req *rq)
{
	struct serve_webhooks *w = rq->srv->webhooks;
	json_t *doc, *s;
	char token[300];
	int r;

	if (w == NULL || w->mailgun_key == NULL)
		return serve_error(rq, 404, "no --mailgun-signing-key: this webhook is off");
	doc = json_loadb(rq->body, rq->body_len, 0, NULL);
	s = json_object_get(doc, "signature");
	r = wsig_mailgun_verify(w->mailgun_key, w->mailgun_keylen,
	                        json_string_value(json_object_get(s, "timestamp")),
	                        json_string_value(json_object_get(s, "token")),
	                        json_string_value(json_object_get(s, "signature")), sig_now(rq));
	if (r == WSIG_OK) {
		snprintf(token, sizeof token, "mailgun %s",
		         json_string_value(json_object_get(s, "token")));
		if (wsig_replay_check(&w->replay, token, sig_now(rq)) != 0)
			r = WSIG_REPLAY;
	}
	json_decref(doc);
	if (r != WSIG_OK)
		return refuse(rq, r, NULL);
	return record(rq, QUELL_ESP_MAILGUN, rq->body, rq->body_len);
}

int serve_webhook_ses(struct serve_req *rq)
{
	struct serve_webhooks *w = rq->srv->webhooks;
	const char *type, *url;
	char err[256];
	json_t *env, *ans;
	int r;

	if (w == NULL || w->sns_certs == NULL)
		return serve_error(rq, 404, "no --sns-certs: this webhook is off");
	env = json_loadb(rq->body, rq->body_len, 0, NULL);
	if (!json_is_object(env)) {
		json_decref(env);
		return refuse(rq, WSIG_BAD, "not an SNS message");
	}
	r = wsig_sns_verify(w->sns_certs, env, sig_now(rq), err, sizeof err);
	if (r != WSIG_OK) {
		json_decref(env);
		return refuse(rq, r, err);
	}
	type = json_string_value(json_object_get(env, "Type"));
	if (type != NULL && strcmp(type, "Notification") != 0) {
		url = json_string_value(json_object_get(env, "SubscribeURL"));
		serve_info(rq->srv, "webhooks/ses: SNS %s for %s: to confirm, visit %s", type,
		           json_string_value(json_object_get(env, "TopicArn"))
		                   ? json_string_value(json_object_get(env, "TopicArn"))
		                   : "?",
		           url ? url : "(no SubscribeURL)");
		ans = json_pack("{s:s}", "logged", type);
		json_decref(env);
		return serve_answer_json(rq, 200, ans);
	}
	json_decref(env);
	return record(rq, QUELL_ESP_SES, rq->body, rq->body_len);
}

int serve_webhook_postmark(struct serve_req *rq)
{
	struct serve_webhooks *w = rq->srv->webhooks;

	if (w == NULL || w->postmark_userpass == NULL)
		return serve_error(rq, 404, "no --postmark-credentials: this webhook is off");
	if (!wsig_basic_ok(w->postmark_userpass, serve_header(rq, "Authorization")))
		return refuse(rq, WSIG_BAD, "no or wrong basic auth");
	return record(rq, QUELL_ESP_POSTMARK, rq->body, rq->body_len);
}
