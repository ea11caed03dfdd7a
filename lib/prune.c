/*
 * prune.c - quell_prune: expired entries, old history and old reply ids
 * deleted.
 *
 * Prune works in bounded write transactions (BATCH keys or events each), so
 * a long prune never holds the writer lock for long and a crash leaves every
 * finished batch in place.  Besides entries and history, it forgets the
 * reply ids (queue ids, message ids, import row digests) seen longer ago
 * than max_age, so the table that makes a retried message count once does
 * not grow without bound, with the ids of a fleet's applied events and
 * its tombstones (sync.h): max_age is the fleet's horizon.  A backoff
 * past its `until` goes once it has been idle for the loaded rules'
 * give_up_after (the rules loader holds the default; 0 keeps it: a run
 * that never gives up never ends).  An expired
 * entry leaves an expire event, written like every change (write.h).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "error.h"
#include "record.h"
#include "rules.h"
#include "store.h"
#include "text.h"
#include "timefmt.h"
#include "write.h"

#define BATCH 2000
#define COUNT_IDLE (30 * 86400)        /* count state idle this long is dropped */
#define MAX_AGE_DEFAULT (730 * 86400)  /* two years of history */
#define KEEP_DEFAULT 100

/* Where a walk stands: `base` as of the last commit, `w` in the batch
 * under way (a batch that is run again after growing the map starts from
 * `base` once more). */
#define FROM_MAX (QUELL__HKEY_MAX > QUELL__SEEN_KEY_MAX ? QUELL__HKEY_MAX : QUELL__SEEN_KEY_MAX)

struct place {
	unsigned char from[FROM_MAX]; /* resume after this key */
	size_t fromlen;
	int have_from, done;
	/* history: the group (entry key) being walked and its events so far */
	unsigned char group[QUELL__HKEY_MAX];
	size_t grouplen, ingroup;
};

struct prune {
	int64_t now, max_age;
	int64_t give_up;                 /* the rules' give_up_after; 0: never */
	size_t keep;
	int scope;                       /* table being pruned of entries */
	struct place base, w;
	struct quell_prune_result res, batch;
};

static int stale(const struct quell_entry *e, int64_t now, int64_t give_up)
{
	switch (e->list) {
	case QUELL_LIST_SUPPRESS:
	case QUELL_LIST_ALLOW:
		return e->expires != 0 && e->expires <= now;
	case QUELL_LIST_BACKOFF:
		return e->until <= now && give_up > 0 && quell__time_add(e->updated, give_up) <= now;
	case QUELL__LIST_COUNT:
		return e->updated + COUNT_IDLE <= now;
	default:
		return 0;
	}
}

/* A batch's walk: the prune, the write it runs in, what it saw. */
struct batch_walk {
	quell *h;
	struct quell__wtxn *w;
	struct prune *p;
	size_t scanned;
	char (*keys)[QUELL_ENTRY_MAX]; /* entries: keys with stale entries */
	size_t nkeys;
};

#define STALE_KEYS 64

/* Entries: note the keys that hold a stale entry. */
static int find_stale(const struct quell__val *k, const struct quell__val *v, void *vctx)
{
	struct batch_walk *bw = vctx;
	struct prune *p = bw->p;
	struct quell__rec_iter it;
	struct quell__ent x;

	if (bw->scanned >= BATCH || bw->nkeys >= STALE_KEYS)
		return QUELL__SCAN_STOP;
	bw->scanned++;
	if (k->len >= QUELL_ENTRY_MAX)
		return QUELL__SCAN_NEXT;
	memcpy(p->w.from, k->data, k->len);
	p->w.fromlen = k->len;
	if (quell__rec_begin(&it, v->data, v->len) != 0)
		return QUELL__SCAN_NEXT;
	while (quell__rec_next(&it, &x) == 1)
		if (stale(&x.e, p->now, p->give_up)) {
			memcpy(bw->keys[bw->nkeys], k->data, k->len);
			bw->keys[bw->nkeys++][k->len] = '\0';
			break;
		}
	return QUELL__SCAN_NEXT;
}

/* Where a batch starts: after the last key of the one before. */
static const void *resume(const struct prune *p)
{
	return p->w.have_from ? p->w.from : NULL;
}

/* Remove key's stale entries, each but a count with an expire event. */
static int expire_key(quell *h, struct quell__wtxn *w, struct prune *p, const char *key)
{
	struct quell__rec r;
	struct quell__val v;
	struct quell_event ev[QUELL__REC_MAX];
	struct quell__change ch;
	char cat[QUELL__REC_MAX][QUELL_NAME_MAX], stream[QUELL__REC_MAX][QUELL_STREAM_MAX];
	size_t nev = 0;
	int rc = quell__store_get(h, quell__store_wview(w), p->scope, key, strlen(key), &v);

	if (rc != 0)
		return rc < 0 ? rc : quell__error(h, QUELL_EINTERNAL, "key vanished");
	if (quell__rec_decode(&r, v.data, v.len) != 0)
		return 0;
	for (size_t j = 0; j < r.n;) {
		const struct quell_entry *e = &r.ent[j].e;
		if (!stale(e, p->now, p->give_up)) {
			j++;
			continue;
		}
		if (e->list != QUELL__LIST_COUNT) {
			memset(&ev[nev], 0, sizeof ev[nev]);
			ev[nev].time = p->now;
			ev[nev].list = e->list;
			ev[nev].source = e->source;
			ev[nev].action = QUELL_ACTION_EXPIRE;
			quell__copy(cat[nev], QUELL_NAME_MAX, e->category);
			quell__copy(stream[nev], QUELL_STREAM_MAX, e->stream);
			ev[nev].category = cat[nev];
			ev[nev].stream = stream[nev];
			ev[nev].rule = ev[nev].status = ev[nev].reply = ev[nev].reason = "";
			nev++;
		}
		quell__rec_remove(&r, j);
		p->batch.entries_removed++;
	}
	ch = (struct quell__change){ .scope = p->scope, .key = key, .rec = &r, .ev = ev,
	                             .nev = nev, .now = p->now };
	return quell__write_change(h, w, &ch);
}

/* One batch of the entry tables: find stale entries, rewrite their keys. */
static int prune_entries_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	struct prune *p = vctx;
	char keys[STALE_KEYS][QUELL_ENTRY_MAX];
	struct batch_walk bw = { h, w, p, 0, keys, 0 };
	int rc;

	p->batch.entries_removed = 0;
	p->w = p->base;
	rc = quell__store_scan(h, quell__store_wview(w), QUELL__T_SCOPE(p->scope), resume(p),
	                       p->w.fromlen, 1, find_stale, &bw);
	if (rc < 0)
		return rc;
	p->w.done = rc == 0;
	for (size_t i = 0; i < bw.nkeys; i++)
		if ((rc = expire_key(h, w, p, keys[i])) != 0)
			return rc;
	p->w.have_from = 1;
	return 0;
}

/* History: drop events past `keep` per key or older than max_age, with
 * their change feed entries. */
static int prune_event(const struct quell__val *k, const struct quell__val *v, void *vctx)
{
	struct batch_walk *bw = vctx;
	struct prune *p = bw->p;
	const unsigned char *kd = k->data;
	const unsigned char *nul = memchr(kd, 0, k->len);
	size_t glen = nul ? (size_t)(nul - kd) + 1 : k->len;
	int64_t t;
	uint64_t seq;
	int rc;

	(void)v;
	if (bw->scanned >= BATCH)
		return QUELL__SCAN_STOP;
	bw->scanned++;
	if (nul == NULL || k->len != glen + 16 || k->len > sizeof p->w.from)
		return QUELL__SCAN_NEXT;
	if (glen != p->w.grouplen || memcmp(kd, p->w.group, glen) != 0) {
		memcpy(p->w.group, kd, glen);
		p->w.grouplen = glen;
		p->w.ingroup = 0;
	}
	p->w.ingroup++;
	t = (int64_t)(~quell__be64_get(kd + glen) ^ (UINT64_C(1) << 63));
	seq = ~quell__be64_get(kd + glen + 8);
	memcpy(p->w.from, kd, k->len);
	p->w.fromlen = k->len;
	if (p->w.ingroup > p->keep || (p->max_age > 0 && t < p->now - p->max_age)) {
		unsigned char sk[8];

		quell__be64_put(sk, seq);
		if ((rc = quell__store_del(bw->h, bw->w, QUELL__T_CHANGES, sk, 8)) != 0)
			return rc;
		p->batch.events_removed++;
		return QUELL__SCAN_DELETE;
	}
	return QUELL__SCAN_NEXT;
}

/* One batch of history. */
static int prune_history_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	struct prune *p = vctx;
	struct batch_walk bw = { h, w, p, 0, NULL, 0 };
	int rc;

	p->batch.events_removed = 0;
	p->w = p->base;
	rc = quell__store_scan_history(h, quell__store_wview(w), resume(p), p->w.fromlen, 1,
	                               prune_event, &bw);
	if (rc < 0)
		return rc;
	p->w.done = rc == 0;
	p->w.have_from = 1;
	return 0;
}

/* Seen ids: drop those seen before now - max_age. */
static int prune_seen_id(const struct quell__val *k, const struct quell__val *v, void *vctx)
{
	struct batch_walk *bw = vctx;
	struct prune *p = bw->p;

	if (bw->scanned++ >= BATCH)
		return QUELL__SCAN_STOP;
	if (k->len <= sizeof p->w.from) {
		memcpy(p->w.from, k->data, k->len);
		p->w.fromlen = k->len;
		p->w.have_from = 1;
	}
	if (v->len == 8 && (int64_t)quell__be64_get(v->data) < p->now - p->max_age)
		return QUELL__SCAN_DELETE;
	/* a fleet's tombstone (store_sync.c: be64 time, u8 removed, ...)
	 * past the horizon */
	if (v->len > 8 && k->len > 0 && ((const unsigned char *)k->data)[0] == QUELL__SEEN_VERSION &&
	    ((const unsigned char *)v->data)[8] != 0 &&
	    (int64_t)quell__be64_get(v->data) < p->now - p->max_age)
		return QUELL__SCAN_DELETE;
	return QUELL__SCAN_NEXT;
}

/* One batch of the seen ids. */
static int prune_seen_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	struct prune *p = vctx;
	struct batch_walk bw = { h, w, p, 0, NULL, 0 };
	int rc;

	p->w = p->base;
	rc = quell__store_scan(h, quell__store_wview(w), QUELL__T_SEEN, resume(p), p->w.fromlen, 0,
	                       prune_seen_id, &bw);
	if (rc < 0)
		return rc;
	p->w.done = rc == 0;
	return 0;
}

enum walk_what { WALK_ENTRIES, WALK_HISTORY, WALK_SEEN };

static int run_batches(quell *h, quell__write_fn fn, struct prune *p, enum walk_what what)
{
	int rc;

	memset(&p->base, 0, sizeof p->base);
	while (!p->base.done) {
		if ((rc = quell__store_write(h, fn, p)) != 0)
			return rc;
		p->base = p->w;
		if (what == WALK_HISTORY)
			p->res.events_removed += p->batch.events_removed;
		else if (what == WALK_ENTRIES)
			p->res.entries_removed += p->batch.entries_removed;
	}
	return 0;
}

int quell_prune(quell *h, const struct quell_prune_options *opts, struct quell_prune_result *res)
{
	struct quell_prune_options def = QUELL_PRUNE_OPTIONS_INIT;
	struct quell__rules *rs;
	struct prune *p;
	int rc;

	if (h == NULL)
		return QUELL_EINVAL;
	if (opts == NULL)
		opts = &def;
	if (opts->version < 1 || opts->version > QUELL_PRUNE_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "prune options version %u is not supported",
		                    opts->version);
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	if ((rc = quell__rules_get(h, &rs)) != 0) {
		free(p);
		return rc;
	}
	p->give_up = quell__rules_backoff(rs)->give_up_after;
	quell__rules_unref(rs);
	p->now = quell__now(opts->now);
	p->keep = opts->keep ? opts->keep : KEEP_DEFAULT;
	p->max_age = opts->max_age ? opts->max_age : MAX_AGE_DEFAULT;
	p->scope = QUELL_SCOPE_DOMAIN;
	rc = run_batches(h, prune_entries_fn, p, WALK_ENTRIES);
	if (rc == 0) {
		p->scope = QUELL_SCOPE_ADDRESS;
		rc = run_batches(h, prune_entries_fn, p, WALK_ENTRIES);
	}
	if (rc == 0)
		rc = run_batches(h, prune_history_fn, p, WALK_HISTORY);
	if (rc == 0 && p->max_age > 0)
		rc = run_batches(h, prune_seen_fn, p, WALK_SEEN);
	if (res != NULL)
		*res = p->res;
	free(p);
	return rc;
}
