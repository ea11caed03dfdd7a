/*
 * sync_sub.c - `quell sync`'s applier: every host's events from the
 * stream, through an ordered consumer that starts at the stored stream
 * position + 1 (DeliverByStartSequence), applied in batches of at most
 * QUELL_APPLY_MAX, each batch one write transaction that stores the
 * stream position too (quell_apply): exactly once, whatever stops when.
 *
 * Each message's stream sequence must be the last one + 1.  A later one
 * means the stream no longer holds what this host has not applied (purged,
 * or kept shorter than the host was away): the apply stops there and asks
 * for a bootstrap from a peer's backup (docs/fleet.md), it never skips.
 * A broken subscription (NATS down, the stream's leader gone) is made
 * again from the stored position after a backoff.  Knows nothing of the
 * store.
 */
#include <stdlib.h>
#include <string.h>

#include "sync.h"

#define WAIT_IDLE_MS 200 /* for the first message of a batch */
#define WAIT_MORE_MS 5   /* for the next ones */
#define BACKOFF_MIN 200
#define BACKOFF_MAX 5000

struct batch {
	natsMsg *msg[QUELL_APPLY_MAX];
	const void *data[QUELL_APPLY_MAX];
	size_t len[QUELL_APPLY_MAX];
	size_t n;
	uint64_t pos;  /* stored stream position */
	uint64_t last; /* stream sequence of the batch's last message */
};

static void batch_clear(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		natsMsg_Destroy(b->msg[i]);
	b->n = 0;
}

/* Apply the batch (one by one when a message is not a change: those are
 * logged and passed over, their position stored all the same). */
static int flush(struct sync *s, struct batch *b)
{
	quell *h = s->cli->h;
	struct quell_apply_result res;
	int64_t t0 = nats_Now();
	int rc;

	if (b->n == 0)
		return 0;
	rc = quell_apply(h, s->stream, b->last, b->data, b->len, b->n, 0, &res);
	if (rc == QUELL_EDATA) {
		uint64_t first = b->last - b->n + 1;

		for (size_t i = 0; i < b->n && rc != 0; i++) {
			rc = quell_apply(h, s->stream, first + i, &b->data[i], &b->len[i], 1, 0, &res);
			if (rc == QUELL_EDATA) {
				sync_log(s, "stream %s: message %llu is not a quell change: passed over",
				         s->stream, (unsigned long long)(first + i));
				rc = quell_apply(h, s->stream, first + i, NULL, NULL, 0, 0, NULL);
			}
			rc = rc == 0 ? 1 : rc;
		}
		rc = rc == 1 ? 0 : rc;
	}
	if (rc != 0) {
		sync_fatal(s, cli_status(rc), "%s", quell_errmsg(h));
		batch_clear(b);
		return -1;
	}
	if (s->verbose)
		sync_log(s, "applied %zu messages to stream position %llu in %lld ms", b->n,
		         (unsigned long long)b->last, (long long)(nats_Now() - t0));
	b->pos = b->last;
	batch_clear(b);
	return 0;
}

static void gap(struct sync *s, uint64_t want, uint64_t next)
{
	sync_fatal(s, CLI_EX_DATAERR,
	           "stream %s has no message %llu any more (the next is %llu): it was purged, "
	           "or this host was away longer than the stream keeps events; bootstrap "
	           "this host from a peer's `quell backup` (docs/fleet.md)",
	           s->stream, (unsigned long long)want, (unsigned long long)next);
}

/* The stream's first message is after pos + 1: 1 (a gap, said), else 0. */
static int starts_after(struct sync *s, uint64_t pos)
{
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	int lost = 0;

	if (js_GetStreamInfo(&si, s->js, s->stream, NULL, &jerr) != NATS_OK)
		return 0; /* the subscription says what is wrong */
	if (si->State.FirstSeq > pos + 1) {
		gap(s, pos + 1, si->State.FirstSeq);
		lost = 1;
	}
	jsStreamInfo_Destroy(si);
	return lost;
}

static natsStatus subscribe(struct sync *s, uint64_t pos, natsSubscription **sub)
{
	jsSubOptions so;
	jsErrCode jerr = 0;

	if (starts_after(s, pos))
		return NATS_ERR;

	jsSubOptions_Init(&so);
	so.Stream = s->stream;
	so.Ordered = true;
	so.Config.DeliverPolicy = js_DeliverByStartSequence;
	so.Config.OptStartSeq = pos + 1;
	return js_SubscribeSync(sub, s->js, s->subject_all, NULL, &so, &jerr);
}

/* The stream sequence in a JetStream reply subject, without the
 * allocations of natsMsg_GetMetaData (the cost of every message):
 * $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>, or
 * the form with <domain>.<account hash> after ACK and a token at the end.
 * 0 when it is not one. */
static uint64_t reply_seq(const char *r)
{
	const char *tok[12];
	size_t n = 0;
	uint64_t v = 0;
	const char *p;

	if (r == NULL || strncmp(r, "$JS.ACK.", 8) != 0)
		return 0;
	tok[n++] = r;
	for (p = r; *p != '\0'; p++)
		if (*p == '.') {
			if (n == 12)
				return 0; /* more tokens than either form has */
			tok[n++] = p + 1;
		}
	if (n == 9)
		p = tok[5];
	else if (n == 11 || n == 12)
		p = tok[7];
	else
		return 0;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return *p == '.' ? v : 0;
}

/* One message: 0 taken (or an old one dropped), 1 a gap (the batch is
 * applied, the apply stops), -1 a failure. */
static int take(struct sync *s, struct batch *b, natsMsg *m)
{
	jsMsgMetaData *meta = NULL;
	uint64_t seq = reply_seq(natsMsg_GetReply(m)), want = b->n > 0 ? b->last + 1 : b->pos + 1;

	if (seq == 0) { /* another form: the library parses it */
		if (natsMsg_GetMetaData(&meta, m) != NATS_OK) {
			natsMsg_Destroy(m); /* not a stream message (a heartbeat) */
			return 0;
		}
		seq = meta->Sequence.Stream;
		jsMsgMetaData_Destroy(meta);
	}
	if (seq < want) {
		natsMsg_Destroy(m);
		return 0;
	}
	if (seq > want) {
		natsMsg_Destroy(m);
		if (flush(s, b) != 0)
			return -1;
		gap(s, want, seq);
		return 1;
	}
	b->msg[b->n] = m;
	b->data[b->n] = natsMsg_GetData(m);
	b->len[b->n] = (size_t)natsMsg_GetDataLength(m);
	b->n++;
	b->last = seq;
	return b->n == QUELL_APPLY_MAX ? flush(s, b) : 0;
}

/* --once: whether the stream holds nothing after pos. */
static int caught_up(struct sync *s, uint64_t pos)
{
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	int done;

	if (js_GetStreamInfo(&si, s->js, s->stream, NULL, &jerr) != NATS_OK)
		return 0;
	done = si->State.LastSeq <= pos;
	jsStreamInfo_Destroy(si);
	return done;
}

void *sync_sub_run(void *vs)
{
	struct sync *s = vs;
	struct batch *b = calloc(1, sizeof *b);
	natsSubscription *sub = NULL;
	int64_t backoff = BACKOFF_MIN;
	int failing = 0;

	if (b == NULL) {
		sync_fatal(s, CLI_EX_SOFTWARE, "out of memory");
		return NULL;
	}
	if (quell_apply_position(s->cli->h, s->stream, &b->pos) != 0) {
		sync_fatal(s, cli_status(QUELL_EIO), "%s", quell_errmsg(s->cli->h));
		free(b);
		return NULL;
	}
	while (!atomic_load(&s->stop)) {
		natsMsg *m = NULL;
		natsStatus st;

		if (sub == NULL && (st = subscribe(s, b->pos, &sub)) != NATS_OK) {
			if (atomic_load(&s->stop))
				break;
			if (!failing)
				sync_log(s, "subscribing to stream %s: %s; trying again", s->stream,
				         natsStatus_GetText(st));
			failing = 1;
			sub = NULL;
			sync_sleep(s, backoff);
			backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : backoff * 2;
			continue;
		}
		if (failing)
			sync_log(s, "subscribed to stream %s from position %llu", s->stream,
			         (unsigned long long)b->pos + 1);
		failing = 0;
		backoff = BACKOFF_MIN;
		st = natsSubscription_NextMsg(&m, sub, b->n > 0 ? WAIT_MORE_MS : WAIT_IDLE_MS);
		if (st == NATS_OK) {
			if (take(s, b, m) != 0)
				break;
			continue;
		}
		if (flush(s, b) != 0)
			break;
		if (st == NATS_TIMEOUT) {
			if (s->once && atomic_load(&s->pub_done) && caught_up(s, b->pos))
				break;
			continue;
		}
		/* the subscription broke: made again from the stored position */
		sync_log(s, "stream %s: %s; subscribing again", s->stream, natsStatus_GetText(st));
		natsSubscription_Destroy(sub);
		sub = NULL;
		failing = 1;
	}
	flush(s, b);
	natsSubscription_Destroy(sub);
	free(b);
	atomic_store(&s->sub_done, 1);
	return NULL;
}
