/*
 * sync_apply.c - quell_apply, quell_apply_position and quell_hosts: other
 * hosts' changes applied in one write transaction with the feed position,
 * exactly once (an event id already applied changes nothing), per entry
 * the last writer winning (sync_lww.c).
 *
 * An applied event keeps its origin's id and verdict; it goes into this
 * host's history and change feed (with its image, so a follower of this
 * feed sees it), but it is never published again (quell_change.shared).
 * This is the one writer of entries besides write.c's quell__write_change:
 * what it stores is another host's image as it stands, no local rule.
 *
 * Knows nothing of LMDB or NATS.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "sync.h"
#include "sync_codec.h"
#include "text.h"
#include "timefmt.h"

#define FEED_MAX 64
#define HOSTS 16 /* hosts counted per batch before their meta is written */
#define HOST_PREFIX "host:"
#define APPLY_PREFIX "apply:"

struct hostacc {
	char origin[QUELL_NAME_MAX];
	uint64_t events, seq;
	int64_t time;
};

struct apply {
	const char *feed;
	uint64_t position;
	struct quell__wire *c;
	size_t n;
	int64_t now;
	struct quell_apply_result res;
	struct hostacc acc[HOSTS];
	size_t nacc;
};

/* meta "host:ORIGIN": be64 events, seq, time, applied. */
static int host_flush(quell *h, struct quell__wtxn *w, struct apply *a)
{
	for (size_t i = 0; i < a->nacc; i++) {
		struct hostacc *x = &a->acc[i];
		char name[sizeof HOST_PREFIX + QUELL_NAME_MAX];
		unsigned char v[32];
		struct quell__val old;
		size_t nl = (size_t)snprintf(name, sizeof name, HOST_PREFIX "%s", x->origin);
		int rc = quell__store_meta_get(h, quell__store_wview(w), name, nl, &old);

		if (rc < 0)
			return rc;
		if (rc == 0 && old.len == 32) {
			const unsigned char *o = old.data;
			uint64_t seq = quell__be64_get(o + 8);
			int64_t t = (int64_t)quell__be64_get(o + 16);

			x->events += quell__be64_get(o);
			x->seq = seq > x->seq ? seq : x->seq;
			x->time = t > x->time ? t : x->time;
		}
		quell__be64_put(v, x->events);
		quell__be64_put(v + 8, x->seq);
		quell__be64_put(v + 16, (uint64_t)x->time);
		quell__be64_put(v + 24, (uint64_t)a->now);
		if ((rc = quell__store_meta_put(h, w, name, nl, v, sizeof v)) != 0)
			return rc;
	}
	a->nacc = 0;
	return 0;
}

static int host_count(quell *h, struct quell__wtxn *w, struct apply *a,
                      const struct quell_event *ev)
{
	struct hostacc *x = NULL;
	int rc;

	for (size_t i = 0; i < a->nacc && x == NULL; i++)
		if (strcmp(a->acc[i].origin, ev->origin) == 0)
			x = &a->acc[i];
	if (x == NULL) {
		if (a->nacc == HOSTS && (rc = host_flush(h, w, a)) != 0)
			return rc;
		x = &a->acc[a->nacc++];
		memset(x, 0, sizeof *x);
		quell__copy(x->origin, sizeof x->origin, ev->origin);
	}
	x->events++;
	x->seq = ev->seq > x->seq ? ev->seq : x->seq;
	x->time = ev->time > x->time ? ev->time : x->time;
	return 0;
}

/* The entry's image, if it is newer than what this host has. */
static int apply_image(quell *h, struct quell__wtxn *w, struct apply *a,
                       const struct quell__wire *c)
{
	struct quell__rec r;
	struct quell__version have, mine;
	int rc, i;

	if ((rc = quell__store_load(h, w, c->scope, c->key, &r)) != 0)
		return rc;
	rc = quell__sync_version(h, w, c->key, c->ev.list, c->ev.stream, &r, &have);
	if (rc < 0)
		return rc;
	mine.time = c->ev.time;
	mine.seq = c->ev.seq;
	mine.removed = c->image == QUELL__IMG_REMOVED;
	quell__copy(mine.origin, sizeof mine.origin, c->ev.origin);
	if (rc == 0 && quell__version_cmp(&mine, &have) <= 0) {
		a->res.stale++;
		return 0;
	}
	i = quell__rec_find(&r, c->ev.list, c->ev.stream);
	if (c->image == QUELL__IMG_ENTRY) {
		if (i < 0 && (i = quell__sync_place(&r, c->ev.list, c->ev.stream)) < 0)
			return quell__error(h, QUELL_EDATA, "%s: too many entries for one key", c->key);
		r.ent[i] = c->ent;
	} else if (i >= 0) {
		quell__rec_remove(&r, (size_t)i);
	}
	quell__sync_sort(&r); /* (list, stream) order (sync.h) */
	if ((rc = quell__store_put(h, w, c->scope, c->key, &r)) != 0 ||
	    (rc = quell__sync_version_put(h, w, c->key, c->ev.list, c->ev.stream, &mine)) != 0)
		return rc;
	a->res.changed++;
	return 0;
}

static int apply_one(quell *h, struct quell__wtxn *w, struct apply *a, struct quell__wire *c)
{
	unsigned char id[1 + QUELL_NAME_MAX + 8];
	size_t ol = strlen(c->ev.origin);
	struct quell__img img = { 1, c->image, c->img, c->imglen };
	int rc;

	if (strcmp(c->ev.origin, h->origin) == 0) {
		a->res.own++;
		return 0;
	}
	id[0] = QUELL__SEEN_EVENT;
	memcpy(id + 1, c->ev.origin, ol + 1);
	quell__be64_put(id + 2 + ol, c->ev.seq);
	if ((rc = quell__store_seen(h, w, id, ol + 10, a->now)) != 0) {
		if (rc == 1)
			a->res.duplicate++;
		return rc < 0 ? rc : 0;
	}
	a->res.applied++;
	if ((rc = host_count(h, w, a, &c->ev)) != 0)
		return rc;
	if (c->image != QUELL__IMG_NONE && (rc = apply_image(h, w, a, c)) != 0)
		return rc;
	if ((rc = quell__store_event_img(h, w, c->key, &c->ev, &img)) != 0)
		return rc;
	/* a counted reply, or a write of the entry a derived suppression
	 * shadows: the set of them may now suppress; a clear may end that
	 * (sync_count.c) */
	if (c->ev.action == QUELL_ACTION_COUNT ||
	    (c->image != QUELL__IMG_NONE && c->ev.list == QUELL_LIST_SUPPRESS &&
	     c->ev.stream[0] == '\0' &&
	     (c->image == QUELL__IMG_REMOVED || c->ent.e.expires != 0))) /* a live one wins */
		return quell__sync_count(h, w, c->scope, c->key);
	if (c->ev.action == QUELL_ACTION_CLEAR)
		return quell__sync_clear(h, w, c->scope, c->key);
	return 0;
}

static int apply_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	struct apply *a = vctx;
	char name[sizeof APPLY_PREFIX + FEED_MAX];
	unsigned char pos[8];
	size_t nl;
	int rc;

	memset(&a->res, 0, sizeof a->res);
	a->nacc = 0;
	if ((rc = quell__store_fleet_set(h, w)) != 0)
		return rc;
	for (size_t i = 0; i < a->n; i++)
		if ((rc = apply_one(h, w, a, &a->c[i])) != 0)
			return rc;
	if ((rc = host_flush(h, w, a)) != 0)
		return rc;
	nl = (size_t)snprintf(name, sizeof name, APPLY_PREFIX "%s", a->feed);
	quell__be64_put(pos, a->position);
	return quell__store_meta_put(h, w, name, nl, pos, 8);
}

static int feed_ok(quell *h, const char *feed)
{
	size_t n = feed != NULL ? strlen(feed) : 0;

	if (n == 0 || n >= FEED_MAX)
		return quell__error(h, QUELL_EINVAL, "apply: a feed name of 1 to %d bytes is needed",
		                    FEED_MAX - 1);
	return 0;
}

int quell_apply(quell *h, const char *feed, uint64_t position, const void *const *changes,
                const size_t *lens, size_t n, int64_t now, struct quell_apply_result *res)
{
	struct apply a;
	int rc;

	if (res != NULL)
		memset(res, 0, sizeof *res);
	if (h == NULL || (n > 0 && (changes == NULL || lens == NULL)))
		return quell__error(h, QUELL_EINVAL, "apply: NULL argument");
	if ((rc = feed_ok(h, feed)) != 0)
		return rc;
	if (n > QUELL_APPLY_MAX)
		return quell__error(h, QUELL_EINVAL, "apply: %zu changes, over %d", n, QUELL_APPLY_MAX);
	memset(&a, 0, sizeof a);
	a.feed = feed;
	a.position = position;
	a.n = n;
	a.now = quell__now(now);
	if (n > 0 && (a.c = malloc(n * sizeof *a.c)) == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (changes[i] == NULL || quell__wire_decode(&a.c[i], changes[i], lens[i]) != 0) {
			free(a.c);
			return quell__error(h, QUELL_EDATA, "apply: change %zu of %zu is malformed",
			                    i + 1, n);
		}
	rc = quell__store_write(h, apply_fn, &a);
	free(a.c);
	if (rc == 0 && res != NULL)
		*res = a.res;
	return rc;
}

int quell_apply_position(quell *h, const char *feed, uint64_t *position)
{
	char name[sizeof APPLY_PREFIX + FEED_MAX];
	struct quell__txn *txn;
	struct quell__val v;
	size_t nl;
	int rc;

	if (position != NULL)
		*position = 0;
	if (h == NULL || position == NULL)
		return quell__error(h, QUELL_EINVAL, "apply: NULL argument");
	if ((rc = feed_ok(h, feed)) != 0)
		return rc;
	nl = (size_t)snprintf(name, sizeof name, APPLY_PREFIX "%s", feed);
	if ((rc = quell__store_read_begin(h, &txn)) != 0)
		return rc;
	rc = quell__store_meta_get(h, txn, name, nl, &v);
	if (rc == 0 && v.len == 8)
		*position = quell__be64_get(v.data);
	quell__store_read_end(h, txn);
	return rc < 0 ? rc : 0;
}

struct hosts {
	quell_host_cb cb;
	void *payload;
	int rc;
};

static int host_step(const struct quell__val *k, const struct quell__val *v, void *vctx)
{
	struct hosts *hs = vctx;
	char origin[QUELL_NAME_MAX];
	struct quell_host x;
	size_t pl = sizeof HOST_PREFIX - 1, ol;
	const unsigned char *d = v->data;

	if (k->len <= pl || memcmp(k->data, HOST_PREFIX, pl) != 0)
		return QUELL__SCAN_STOP;
	if (v->len != 32)
		return QUELL__SCAN_NEXT;
	ol = k->len - pl < sizeof origin ? k->len - pl : sizeof origin - 1;
	memcpy(origin, (const char *)k->data + pl, ol);
	origin[ol] = '\0';
	x.origin = origin;
	x.events = quell__be64_get(d);
	x.seq = quell__be64_get(d + 8);
	x.time = (int64_t)quell__be64_get(d + 16);
	x.applied = (int64_t)quell__be64_get(d + 24);
	if ((hs->rc = hs->cb(hs->payload, &x)) != 0)
		return QUELL__SCAN_STOP;
	return QUELL__SCAN_NEXT;
}

int quell_hosts(quell *h, quell_host_cb cb, void *payload)
{
	struct hosts hs = { cb, payload, 0 };
	struct quell__txn *txn;
	int rc;

	if (h == NULL || cb == NULL)
		return quell__error(h, QUELL_EINVAL, "hosts: NULL argument");
	if ((rc = quell__store_read_begin(h, &txn)) != 0)
		return rc;
	rc = quell__store_scan(h, txn, QUELL__T_META, HOST_PREFIX, sizeof HOST_PREFIX - 1, 0,
	                       host_step, &hs);
	quell__store_read_end(h, txn);
	if (hs.rc != 0)
		return hs.rc;
	return rc < 0 ? rc : 0;
}
