/*
 * activity.c - quell_activity: the stored events, newest first, with the
 * filters of `quell activity`; and how an event is classed (a reply's
 * outcome, its activity type), which the report shares (report.h).
 *
 * An address's own history is already newest first: with --address the
 * walk is that key's.  Otherwise the history table is walked key by key
 * and the newest `limit` events kept in a heap (oldest on top); since a
 * key's history is newest first, the walk leaves a key at its first
 * event older than `since` or than the heap's oldest when it is full, so
 * most of a large history is sought past, not read.  (The change feed is
 * in sequence order, which is not time order: imports and ingests write
 * old times.)  Memory: `limit` items.  The walks (the report's too) let
 * the map's pages go only past TRIM_OVER of resident set: a trim costs
 * the walk its large file mappings, and a report of 3M events 4x the CPU
 * (12 s, not 3 s, at 48 MB); the pages are the page cache's, shared and
 * reclaimable.  Knows nothing of LMDB (store.h).
 */
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "error.h"
#include "report.h"
#include "store.h"
#include "text.h"

#define TRIM_EVERY 4096
#define TRIM_OVER (1024u << 20)

/* ------------------------------------------------------------- classes */

int quell__event_outcome(const struct quell_event *ev)
{
	if (ev->source != QUELL_SOURCE_BOUNCE)
		return -1;
	switch (ev->action) {
	case QUELL_ACTION_CLEAR: return QUELL_OUTCOME_DELIVERED;
	case QUELL_ACTION_SUPPRESS: return QUELL_OUTCOME_SUPPRESSED;
	case QUELL_ACTION_BACKOFF: return QUELL_OUTCOME_BACKOFF;
	case QUELL_ACTION_COUNT: return QUELL_OUTCOME_COUNTED;
	case QUELL_ACTION_IGNORE:
	case QUELL_ACTION_NONE: return QUELL_OUTCOME_IGNORED;
	default: return -1; /* remove, allow, expiry of a bounce entry */
	}
}

int quell__event_type(int scope, const struct quell_event *ev)
{
	int o = quell__event_outcome(ev);

	(void)scope;
	if (ev->source == QUELL_SOURCE_COMPLAINT)
		return QUELL_ACTIVITY_COMPLAINT;
	if (ev->source == QUELL_SOURCE_UNSUBSCRIBE)
		return QUELL_ACTIVITY_UNSUBSCRIBE;
	if (o < 0)
		return QUELL_ACTIVITY_MANUAL;
	if (o == QUELL_OUTCOME_DELIVERED)
		return QUELL_ACTIVITY_DELIVERED;
	if (ev->code >= 400 && ev->code < 500)
		return QUELL_ACTIVITY_DEFERRAL;
	if (ev->code == 0 && ev->status[0] == '4')
		return QUELL_ACTIVITY_DEFERRAL;
	if (ev->code == 0 && ev->status[0] == '\0' && o == QUELL_OUTCOME_BACKOFF)
		return QUELL_ACTIVITY_DEFERRAL;
	return QUELL_ACTIVITY_BOUNCE;
}

int quell__event_copy(int scope, const struct quell_event *ev)
{
	return scope == QUELL_SCOPE_DOMAIN && quell__event_outcome(ev) >= 0;
}

int quell__domain_within(const char *dom, const char *want)
{
	size_t dl = strlen(want), al = strlen(dom);

	if (dl == 0)
		return 1;
	if (al == dl)
		return memcmp(dom, want, dl) == 0;
	return al > dl && dom[al - dl - 1] == '.' && memcmp(dom + al - dl, want, dl) == 0;
}

int quell__key_scope(const char *key, size_t len)
{
	return memchr(key, '@', len) ? QUELL_SCOPE_ADDRESS : QUELL_SCOPE_DOMAIN;
}

const char *quell__key_domain(const char *key)
{
	const char *at = strrchr(key, '@');

	return at ? at + 1 : key;
}

int quell__history_split(const void *data, size_t len, char *key, size_t *keylen)
{
	const char *nul = memchr(data, '\0', len);
	size_t n;

	if (nul == NULL || (n = (size_t)(nul - (const char *)data)) >= QUELL_ENTRY_MAX)
		return -1;
	memcpy(key, data, n);
	key[n] = '\0';
	*keylen = n;
	return 0;
}

static const char *const types[] = { "",          "delivered", "bounce", "deferral",
	                             "complaint", "unsubscribe", "manual" };
#define NTYPES (sizeof types / sizeof types[0])

const char *quell_activity_type_name(int type)
{
	return type >= 0 && (size_t)type < NTYPES ? types[type] : "";
}

int quell_activity_type_parse(const char *name)
{
	for (size_t i = 1; name != NULL && i < NTYPES; i++)
		if (strcmp(name, types[i]) == 0)
			return (int)i;
	return -1;
}

/* ---------------------------------------------------------------- walks */

int quell__hwalk_leave(struct quell__hwalk *w, const char *key, size_t keylen)
{
	if (keylen + 1 > sizeof w->from)
		return QUELL__SCAN_NEXT; /* cannot be: keys are shorter; walk on */
	memcpy(w->from, key, keylen);
	w->from[keylen] = 1; /* past "KEY\0..." */
	w->fromlen = keylen + 1;
	w->skip = 1;
	return QUELL__SCAN_STOP;
}

void quell__hwalk_tick(struct quell__hwalk *w)
{
	if (++w->items % TRIM_EVERY == 0)
		quell__store_rtrim(w->h, w->txn, TRIM_OVER);
}

int quell__hwalk(struct quell__hwalk *w, quell__scan_fn fn, void *ctx)
{
	int rc;

	w->skip = 0;
	do {
		int resume = w->skip;

		w->skip = 0;
		rc = quell__store_scan_history(w->h, w->txn, resume ? w->from : NULL,
		                               resume ? w->fromlen : 0, 0, fn, ctx);
	} while (rc == QUELL__SCAN_STOP && w->skip);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------- activity */

struct item {
	struct quell_activity_item it;
	char *blob; /* the key and the event's strings */
};

struct act {
	quell *h;
	const struct quell_activity_options *o;
	char domain[QUELL_ENTRY_MAX]; /* --domain, normalized; "" all */
	struct quell__hwalk w;
	struct item *heap; /* the newest `limit` so far, oldest at [0] */
	size_t n, limit;
	/* --address: that key's history alone */
	char key[QUELL_ENTRY_MAX];
};

/* Whether a is older than b (time, then sequence number). */
static int older(const struct quell_activity_item *a, const struct quell_activity_item *b)
{
	return a->ev.time != b->ev.time ? a->ev.time < b->ev.time : a->ev.seq < b->ev.seq;
}

static void sift_down(struct item *v, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct item t;

		if (l < n && older(&v[l].it, &v[m].it))
			m = l;
		if (r < n && older(&v[r].it, &v[m].it))
			m = r;
		if (m == i)
			return;
		t = v[i];
		v[i] = v[m];
		v[m] = t;
		i = m;
	}
}

static void sift_up(struct item *v, size_t i)
{
	while (i > 0 && older(&v[i].it, &v[(i - 1) / 2].it)) {
		struct item t = v[i];

		v[i] = v[(i - 1) / 2];
		v[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

/* Copy the item's strings into one block of its own. */
static int item_copy(struct item *dst, const struct quell_activity_item *src)
{
	const char *s[8] = { src->key,       src->ev.origin, src->ev.stream, src->ev.rule,
		             src->ev.category, src->ev.status, src->ev.reply,  src->ev.reason };
	const char **d[8] = { &dst->it.key,      &dst->it.ev.origin, &dst->it.ev.stream,
		              &dst->it.ev.rule,  &dst->it.ev.category, &dst->it.ev.status,
		              &dst->it.ev.reply, &dst->it.ev.reason };
	size_t len[8], total = 0;
	char *p;

	for (int i = 0; i < 8; i++)
		total += (len[i] = strlen(s[i]) + 1);
	if ((p = malloc(total)) == NULL)
		return QUELL_ENOMEM;
	dst->it = *src;
	dst->blob = p;
	for (int i = 0; i < 8; i++) {
		memcpy(p, s[i], len[i]);
		*d[i] = p;
		p += len[i];
	}
	return 0;
}

/* Whether the event passes --type and --since (the key's domain passed). */
static int wanted(const struct act *a, const struct quell_activity_item *it)
{
	return a->o->type == QUELL_ACTIVITY_ANY || it->type == a->o->type;
}

static int offer(struct act *a, const struct quell_activity_item *it)
{
	struct item *v = a->heap;

	if (a->n < a->limit) {
		if (item_copy(&v[a->n], it) != 0)
			return quell__error(a->h, QUELL_ENOMEM, "out of memory");
		sift_up(v, a->n++);
		return 0;
	}
	free(v[0].blob);
	if (item_copy(&v[0], it) != 0) {
		v[0] = v[--a->n];
		return quell__error(a->h, QUELL_ENOMEM, "out of memory");
	}
	sift_down(v, a->n, 0);
	return 0;
}

static int act_step(const struct quell__val *k, const struct quell__val *v, void *vctx)
{
	struct act *a = vctx;
	struct quell_activity_item it;
	char key[QUELL_ENTRY_MAX];
	size_t klen;
	int rc;

	if (quell__history_split(k->data, k->len, key, &klen) != 0)
		return QUELL__SCAN_NEXT;
	quell__hwalk_tick(&a->w);
	it.key = key;
	it.scope = quell__key_scope(key, klen);
	if (!quell__domain_within(quell__key_domain(key), a->domain))
		return quell__hwalk_leave(&a->w, key, klen);
	if (quell__event_decode(&it.ev, v->data, v->len) != 0)
		return QUELL__SCAN_NEXT;
	if (it.ev.time < a->o->since || (a->n == a->limit && older(&it, &a->heap[0].it)))
		return quell__hwalk_leave(&a->w, key, klen); /* the rest is older */
	if (quell__event_copy(it.scope, &it.ev))
		return QUELL__SCAN_NEXT;
	it.type = quell__event_type(it.scope, &it.ev);
	it.outcome = quell__event_outcome(&it.ev);
	if (!wanted(a, &it))
		return QUELL__SCAN_NEXT;
	if ((rc = offer(a, &it)) != 0)
		return rc;
	return QUELL__SCAN_NEXT;
}

/* One event of the --address key's history (already newest first). */
static int key_event(const struct quell_event *ev, void *vctx)
{
	struct act *a = vctx;
	struct quell_activity_item it;

	if (ev == NULL)
		return 0;
	if (ev->time < a->o->since)
		return 1;
	it.key = a->key;
	it.scope = QUELL_SCOPE_ADDRESS;
	it.ev = *ev;
	it.type = quell__event_type(it.scope, ev);
	it.outcome = quell__event_outcome(ev);
	if (!wanted(a, &it) || !quell__domain_within(quell__key_domain(a->key), a->domain))
		return 0;
	if (a->n == a->limit)
		return 1;
	return offer(a, &it);
}

static int by_newest(const void *x, const void *y)
{
	const struct item *a = x, *b = y;

	return older(&b->it, &a->it) ? -1 : older(&a->it, &b->it) ? 1 : 0;
}

static int gather(struct act *a)
{
	int rc;

	if ((rc = quell__store_read_begin(a->h, &a->w.txn)) != 0)
		return rc;
	a->w.h = a->h;
	if (a->key[0] != '\0')
		rc = quell__store_history(a->h, a->w.txn, a->key, key_event, a);
	else
		rc = quell__hwalk(&a->w, act_step, a);
	quell__store_read_end(a->h, a->w.txn);
	return rc;
}

static int parse_filters(struct act *a)
{
	const struct quell_activity_options *o = a->o;
	char err[QUELL_ERROR_MAX];
	int rc;

	if (o->address != NULL && o->address[0] != '\0' &&
	    (rc = quell_address_normalize(a->h, o->address, a->key, sizeof a->key)) != 0)
		return rc;
	if (o->domain != NULL && o->domain[0] != '\0' &&
	    (rc = quell__domain_parse(o->domain, strlen(o->domain), NULL, a->domain,
	                              sizeof a->domain, err, sizeof err)) != 0)
		return quell__error(a->h, rc == QUELL_EINVAL ? QUELL_EADDRESS : rc, "%s", err);
	return 0;
}

int quell_activity(quell *h, const struct quell_activity_options *opts, quell_activity_cb cb,
                   void *payload)
{
	struct quell_activity_options def = QUELL_ACTIVITY_OPTIONS_INIT;
	struct act *a;
	int rc;

	if (h == NULL || cb == NULL)
		return quell__error(h, QUELL_EINVAL, "activity: NULL argument");
	if (opts == NULL)
		opts = &def;
	if (opts->version < 1 || opts->version > QUELL_ACTIVITY_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "activity options version %u is not supported",
		                    opts->version);
	if (opts->type < 0 || (size_t)opts->type >= NTYPES)
		return quell__error(h, QUELL_EINVAL, "activity: unknown event type %d", opts->type);
	if (opts->limit > QUELL_ACTIVITY_MAX)
		return quell__error(h, QUELL_EINVAL, "activity: limit %zu is over %d", opts->limit,
		                    QUELL_ACTIVITY_MAX);
	if ((a = calloc(1, sizeof *a)) == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	a->h = h;
	a->o = opts;
	a->limit = opts->limit ? opts->limit : 100;
	if ((rc = parse_filters(a)) == 0 && (a->heap = calloc(a->limit, sizeof *a->heap)) == NULL)
		rc = quell__error(h, QUELL_ENOMEM, "out of memory");
	if (rc == 0)
		rc = gather(a);
	if (rc == 0)
		qsort(a->heap, a->n, sizeof *a->heap, by_newest);
	for (size_t i = 0; rc == 0 && i < a->n; i++)
		rc = cb(payload, &a->heap[i].it);
	for (size_t i = 0; i < a->n; i++)
		free(a->heap[i].blob);
	free(a->heap);
	free(a);
	return rc;
}
