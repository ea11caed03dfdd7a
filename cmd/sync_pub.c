/*
 * sync_pub.c - `quell sync`'s publisher: this host's shared events, from
 * the last position JetStream acknowledged (kept as the mark "sync
 * published STREAM"), published asynchronously to PREFIX.events.HOST with
 * Nats-Msg-Id HOST:SEQ and a per-message max wait.
 *
 * A round publishes up to ROUND (2048) changes and waits for all of them to be
 * acknowledged; only then does the position move past them (--verbose
 * logs each round with where its time went).  A failed or
 * timed-out round is published again from the same position after a
 * backoff (doubling, up to BACKOFF_MAX): the stream's duplicate window
 * drops what it already has, and the appliers' event-id check whatever
 * comes after the window.  Local checks and writes never wait for any of
 * this.  Knows nothing of the store.
 */
#include <stdio.h>
#include <string.h>

#include "sync.h"

#define ROUND 2048
#define IDLE_MS 100
#define BACKOFF_MIN 200
#define BACKOFF_MAX 5000
#define COMPLETE_STEP 100 /* ms */

struct round {
	struct sync *s;
	size_t sent;
	natsStatus err;
};

void sync_pub_error(jsCtx *js, jsPubAckErr *pae, void *closure)
{
	struct sync *s = closure;

	(void)js;
	(void)pae;
	atomic_fetch_add(&s->pub_errors, 1);
}

static int publish_one(void *payload, const struct quell_change *c)
{
	struct round *r = payload;
	struct sync *s = r->s;
	jsPubOptions po;
	natsMsg *m = NULL;
	char id[QUELL_NAME_MAX + 24];
	natsStatus st;

	if (!c->shared)
		return 0;
	snprintf(id, sizeof id, "%s:%llu", c->event->origin, (unsigned long long)c->event->seq);
	jsPubOptions_Init(&po);
	po.MaxWait = s->max_wait_ms;
	st = natsMsg_Create(&m, s->subject_own, NULL, c->data, (int)c->len);
	if (st == NATS_OK)
		st = natsMsgHeader_Set(m, "Nats-Msg-Id", id);
	if (st == NATS_OK)
		st = js_PublishMsgAsync(s->js, &m, &po);
	natsMsg_Destroy(m); /* NULL once the library took it */
	if (st != NATS_OK) {
		r->err = st;
		return 1;
	}
	r->sent++;
	return 0;
}

static uint64_t load_position(struct sync *s)
{
	unsigned char b[8];
	size_t n = 0;
	uint64_t pos = 0;

	if (quell_mark_get(s->cli->h, s->mark, b, sizeof b, &n) == 0 && n == 8)
		for (int i = 0; i < 8; i++)
			pos = pos << 8 | b[i];
	return pos;
}

static int save_position(struct sync *s, uint64_t pos)
{
	unsigned char b[8];

	for (int i = 7; i >= 0; i--, pos >>= 8)
		b[i] = (unsigned char)pos;
	if (quell_mark_set(s->cli->h, s->mark, b, sizeof b) != 0) {
		sync_fatal(s, cli_status(QUELL_EIO), "%s", quell_errmsg(s->cli->h));
		return -1;
	}
	return 0;
}

/* Drop what is still pending after a failed round: it goes again. */
static void drop_pending(struct sync *s)
{
	natsMsgList pl;

	if (js_PublishAsyncGetPendingList(&pl, s->js) == NATS_OK)
		natsMsgList_Destroy(&pl);
}

/* Wait for the round's acknowledgements: at most the max wait and a
 * second, in short steps so that a stop is not held up. */
static natsStatus complete(struct sync *s)
{
	jsPubOptions po;
	natsStatus st = NATS_TIMEOUT;

	jsPubOptions_Init(&po);
	po.MaxWait = COMPLETE_STEP;
	for (int64_t waited = 0; waited <= s->max_wait_ms + 1000 && !atomic_load(&s->stop);
	     waited += COMPLETE_STEP)
		if ((st = js_PublishAsyncComplete(s->js, &po)) != NATS_TIMEOUT)
			break;
	return st;
}

void *sync_pub_run(void *vs)
{
	struct sync *s = vs;
	uint64_t pos = load_position(s), last;
	int64_t backoff = BACKOFF_MIN;
	int failing = 0;

	while (!atomic_load(&s->stop)) {
		struct round r = { s, 0, NATS_OK };
		natsStatus st;
		int64_t t0 = nats_Now(), t1, t2 = 0; /* --verbose: where a round's time goes */
		int rc;

		atomic_store(&s->pub_errors, 0);
		rc = quell_changes(s->cli->h, pos, ROUND, publish_one, &r, &last);
		t1 = nats_Now();
		if (rc < 0) {
			sync_fatal(s, cli_status(rc), "%s", quell_errmsg(s->cli->h));
			break;
		}
		if (r.sent > 0 || r.err != NATS_OK) {
			st = r.err != NATS_OK ? r.err : complete(s);
			t2 = nats_Now();
			if (st != NATS_OK || atomic_load(&s->pub_errors) > 0) {
				if (!failing)
					sync_log(s, "publishing: %s; trying again",
					         st != NATS_OK ? natsStatus_GetText(st)
					                       : "a message was not acknowledged");
				failing = 1;
				drop_pending(s);
				sync_sleep(s, backoff);
				backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : backoff * 2;
				continue;
			}
			if (failing)
				sync_log(s, "publishing again");
			failing = 0;
			backoff = BACKOFF_MIN;
		}
		if (last != pos) {
			if (save_position(s, last) != 0)
				break;
			pos = last;
			if (s->verbose && r.sent > 0)
				sync_log(s, "published %zu events, to position %llu (read and sent in "
				         "%lld ms, acknowledged in %lld, position stored in %lld)",
				         r.sent, (unsigned long long)pos, (long long)(t1 - t0),
				         (long long)(t2 - t1), (long long)(nats_Now() - t2));
			continue;
		}
		if (s->once) {
			atomic_store(&s->pub_done, 1);
			break;
		}
		sync_sleep(s, IDLE_MS);
	}
	return NULL;
}
