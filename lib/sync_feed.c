/*
 * sync_feed.c - quell_changes and quell_origin: the change feed read back
 * from a position, each change with its event, the image of its entry
 * and its encoding for another host (sync_codec.c).
 *
 * A feed entry is be64(position) -> the event's history key, then for a
 * shared entry its image (store.h); the event itself is read from
 * history.  Knows nothing of LMDB or of NATS.
 */
#include <string.h>

#include "error.h"
#include "sync.h"
#include "sync_codec.h"
#include "text.h"

struct feed {
	quell *h;
	struct quell__txn *txn;
	size_t max, n;
	quell_change_cb cb;
	void *payload;
	uint64_t last;
	struct quell__buf wire;
	int rc;
};

/* One feed entry: its history key, image kind and bytes. */
static int split(const struct quell__val *v, size_t *hklen, int *kind, const unsigned char **img,
                 size_t *imglen)
{
	const unsigned char *d = v->data, *nul = memchr(d, 0, v->len);

	if (nul == NULL || (size_t)(nul - d) + 17 > v->len)
		return -1;
	*hklen = (size_t)(nul - d) + 17;
	*kind = QUELL__IMG_NONE;
	*img = NULL;
	*imglen = 0;
	if (*hklen < v->len) {
		*kind = d[*hklen];
		*img = d + *hklen + 1;
		*imglen = v->len - *hklen - 1;
	}
	return 0;
}

static int step(const struct quell__val *k, const struct quell__val *v, void *vctx)
{
	struct feed *f = vctx;
	struct quell__val ev;
	struct quell_event e;
	struct quell_change c;
	struct quell__rec_iter it;
	struct quell__ent ent;
	const unsigned char *img;
	size_t hklen, imglen;
	uint64_t pos;
	int kind, rc;

	if (f->max > 0 && f->n >= f->max)
		return QUELL__SCAN_STOP;
	if (k->len != 8 || split(v, &hklen, &kind, &img, &imglen) != 0)
		return quell__error(f->h, QUELL_EDB, "database: a change feed entry is damaged");
	pos = quell__be64_get(k->data);
	rc = quell__store_tget(f->h, f->txn, quell__store_htable(f->h, v->data, hklen), v->data,
	                       hklen, &ev);
	if (rc == 1) {
		f->last = pos;
		return QUELL__SCAN_NEXT; /* trimmed by prune */
	}
	if (rc < 0)
		return rc;
	if (quell__event_decode(&e, ev.data, ev.len) != 0)
		return quell__error(f->h, QUELL_EDB, "database: a history event is damaged");
	memset(&c, 0, sizeof c);
	c.position = pos;
	c.key = v->data;
	c.scope = strchr(c.key, '@') != NULL ? QUELL_SCOPE_ADDRESS : QUELL_SCOPE_DOMAIN;
	c.event = &e;
	c.image = kind;
	if (kind == QUELL__IMG_ENTRY) {
		if (quell__rec_begin(&it, img, imglen) != 0 || quell__rec_next(&it, &ent) != 1)
			return quell__error(f->h, QUELL_EDB, "database: a change's entry is damaged");
		ent.e.key = c.key;
		ent.e.scope = c.scope;
		c.entry = &ent.e;
	}
	c.shared = strcmp(e.origin, f->h->origin) == 0 &&
	           (kind != QUELL__IMG_NONE || e.action == QUELL_ACTION_COUNT ||
	            e.action == QUELL_ACTION_CLEAR);
	f->wire.len = 0;
	quell__wire_encode(&f->wire, c.scope, c.key, ev.data, ev.len, kind, img, imglen);
	if (f->wire.oom)
		return quell__error(f->h, QUELL_ENOMEM, "out of memory");
	c.data = f->wire.data;
	c.len = f->wire.len;
	f->n++;
	if ((rc = f->cb(f->payload, &c)) != 0) {
		f->rc = rc;
		return QUELL__SCAN_STOP;
	}
	f->last = pos;
	return QUELL__SCAN_NEXT;
}

int quell_changes(quell *h, uint64_t after, size_t max, quell_change_cb cb, void *payload,
                  uint64_t *last)
{
	struct feed f;
	unsigned char from[8];
	int rc;

	if (last != NULL)
		*last = after;
	if (h == NULL || cb == NULL)
		return quell__error(h, QUELL_EINVAL, "changes: NULL argument");
	memset(&f, 0, sizeof f);
	f.h = h;
	f.max = max;
	f.cb = cb;
	f.payload = payload;
	f.last = after;
	if ((rc = quell__store_read_begin(h, &f.txn)) != 0)
		return rc;
	quell__be64_put(from, after);
	rc = quell__store_scan(h, f.txn, QUELL__T_CHANGES, from, 8, 1, step, &f);
	quell__store_read_end(h, f.txn);
	quell__buf_free(&f.wire);
	if (last != NULL)
		*last = f.last;
	if (f.rc != 0)
		return f.rc;
	return rc < 0 ? rc : 0;
}

const char *quell_origin(const quell *h)
{
	return h != NULL ? h->origin : "";
}

static int origin_put(quell *h, struct quell__wtxn *w, void *ctx)
{
	const char *id = ctx;

	return quell__store_meta_put(h, w, "origin", 6, id, strlen(id));
}

int quell_origin_set(quell *h, const char *origin)
{
	int rc;

	if (h == NULL || origin == NULL)
		return quell__error(h, QUELL_EINVAL, "origin: NULL argument");
	if (!quell_name_valid(origin))
		return quell__error(h, QUELL_EINVAL, "host id '%s': [a-z0-9._-], 1 to %d characters",
		                    origin, QUELL_NAME_MAX - 1);
	if ((rc = quell__store_write(h, origin_put, (void *)origin)) != 0)
		return rc;
	quell__copy(h->origin, sizeof h->origin, origin);
	return 0;
}
