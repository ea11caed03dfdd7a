/*
 * sync_lww.c - last writer wins, for the shared entries of a fleet
 * (sync.h): versions compared, the version a host knows for an entry, and
 * the part of a local write (write.c) that keeps to the rule, so that a
 * host's own change and the same change applied elsewhere end the same.
 *
 * Outside a fleet (no meta "fleet"), a local write always wins, as it
 * always did, and stores no version; its events still carry images, so a
 * database can join a fleet later and share what it holds.
 *
 * Knows nothing of LMDB, NATS or the wire format (sync_codec.c).
 */
#include <string.h>

#include "error.h"
#include "sync.h"
#include "text.h"

/* Whether entry a sorts after (list, stream). */
static int after(const struct quell_entry *a, int list, const char *stream)
{
	return a->list > list || (a->list == list && strcmp(a->stream, stream) > 0);
}

int quell__sync_sorted(const struct quell__rec *r)
{
	for (size_t i = 1; i < r->n; i++)
		if (after(&r->ent[i - 1].e, r->ent[i].e.list, r->ent[i].e.stream))
			return 0;
	return 1;
}

void quell__sync_sort(struct quell__rec *r)
{
	for (size_t i = 1; i < r->n; i++) {
		struct quell__ent x = r->ent[i];
		size_t j = i;

		for (; j > 0 && after(&r->ent[j - 1].e, x.e.list, x.e.stream); j--)
			r->ent[j] = r->ent[j - 1];
		r->ent[j] = x;
	}
}

int quell__sync_place(struct quell__rec *r, int list, const char *stream)
{
	size_t i = 0;

	if (r->n == QUELL__REC_MAX)
		return -1;
	/* before the first entry that sorts after it: hosts of a fleet that
	 * get the same entries in another order hold them in the same order */
	while (i < r->n && !after(&r->ent[i].e, list, stream))
		i++;
	memmove(&r->ent[i + 1], &r->ent[i], (r->n - i) * sizeof r->ent[0]);
	r->n++;
	memset(&r->ent[i], 0, sizeof r->ent[i]);
	return (int)i;
}

int quell__version_cmp(const struct quell__version *a, const struct quell__version *b)
{
	int c;

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if ((c = strcmp(a->origin, b->origin)) != 0)
		return c < 0 ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

/* The derived suppression's (key, suppress, no stream). */
static int derivable(int list, const char *stream)
{
	return list == QUELL_LIST_SUPPRESS && (stream == NULL || stream[0] == '\0');
}

int quell__sync_base(quell *h, struct quell__wtxn *w, const char *key, struct quell__version *b)
{
	int rc = quell__store_derived(h, w) ? quell__store_version_get(h, w, key, QUELL__SYNC_BASE,
	                                                               "", b)
	                                    : 1;

	b->removed = 1; /* a tombstone, or none (origin "") */
	return rc;
}

int quell__sync_version_put(quell *h, struct quell__wtxn *w, const char *key, int list,
                            const char *stream, const struct quell__version *v)
{
	int rc = quell__store_version_put(h, w, key, list, stream, v);

	/* a shared write won over the base: no derived entry shadows it now
	 * (the caller derives again, sync_count.c) */
	if (rc == 0 && derivable(list, stream) && quell__store_derived(h, w))
		rc = quell__store_version_del(h, w, key, QUELL__SYNC_BASE, "");
	return rc;
}

int quell__sync_version(quell *h, struct quell__wtxn *w, const char *key, int list,
                        const char *stream, const struct quell__rec *stored,
                        struct quell__version *v)
{
	int rc, i;

	/* a derived suppression in place: shared writes meet its base */
	if (derivable(list, stream) && (rc = quell__sync_base(h, w, key, v)) != 1)
		return rc < 0 ? rc : v->origin[0] == '\0' ? 1 : 0;
	if ((rc = quell__store_version_get(h, w, key, list, stream, v)) != 1)
		return rc;
	if ((i = quell__rec_find(stored, list, stream)) < 0)
		return 1;
	v->time = stored->ent[i].e.updated;
	v->seq = UINT64_MAX;
	v->removed = 0;
	quell__copy(v->origin, sizeof v->origin, h->origin);
	return 0;
}

/* Put the stored entry of (list, stream), or its absence, back into p. */
static void keep_stored(struct quell__rec *p, const struct quell__rec *stored, int list,
                        const char *stream)
{
	int i = quell__rec_find(p, list, stream), j = quell__rec_find(stored, list, stream);

	if (j < 0) {
		if (i >= 0)
			quell__rec_remove(p, (size_t)i);
		return;
	}
	if (i < 0 && (i = quell__sync_place(p, list, stream)) < 0)
		return;
	p->ent[i] = stored->ent[j];
}

/* In a fleet: which shared events lose; l->rec the record to store. */
static int settle(quell *h, struct quell__wtxn *w, const struct quell__change *c,
                  struct quell__lww *l)
{
	struct quell__rec stored;
	uint64_t seq = quell__store_wseq(w);
	int rc, patched = 0;

	if ((rc = quell__store_load(h, w, c->scope, c->key, &stored)) != 0)
		return rc;
	for (size_t i = 0; i < c->nev; i++) {
		const struct quell_event *ev = &c->ev[i];
		struct quell__version have, mine;

		l->wins[i] = 0;
		mine.seq = seq + 1; /* what quell__store_event will give it */
		seq += c->also != NULL && strcmp(c->also, c->key) != 0 ? 2 : 1;
		if (!quell__sync_shared_event(ev))
			continue;
		rc = quell__sync_version(h, w, c->key, ev->list, ev->stream, &stored, &have);
		if (rc < 0)
			return rc;
		mine.time = ev->time;
		quell__copy(mine.origin, sizeof mine.origin, h->origin);
		/* a host's own entries of the same second: the newest write wins */
		if (rc == 1 || quell__version_cmp(&mine, &have) > 0 ||
		    (mine.time == have.time && strcmp(have.origin, h->origin) == 0)) {
			l->wins[i] = 1;
			continue;
		}
		if (!patched) {
			l->patch = *c->rec;
			l->rec = &l->patch;
			patched = 1;
		}
		keep_stored(&l->patch, &stored, ev->list, ev->stream);
	}
	/* the images are taken below, before `stored`'s value goes */
	return 0;
}

int quell__lww_local(quell *h, struct quell__wtxn *w, const struct quell__change *c,
                     struct quell__lww *l)
{
	struct quell__buf *b = quell__store_scratch(w);
	size_t off[QUELL__REC_MAX];
	int rc;

	l->rec = c->rec;
	memset(l->img, 0, sizeof l->img[0] * c->nev);
	if (c->rec == NULL)
		return 0;
	if (quell__store_fleet(w)) {
		if ((rc = settle(h, w, c, l)) != 0)
			return rc;
		/* in a fleet, records keep their entries in (list, stream)
		 * order: hosts that got them in another order agree */
		if (!quell__sync_sorted(l->rec)) {
			if (l->rec != &l->patch) {
				l->patch = *c->rec;
				l->rec = &l->patch;
			}
			quell__sync_sort(&l->patch);
		}
	}
	b->len = 0;
	for (size_t i = 0; i < c->nev; i++) {
		const struct quell_event *ev = &c->ev[i];
		int j;

		if (!quell__sync_shared_event(ev))
			continue;
		j = quell__rec_find(l->rec, ev->list, ev->stream);
		l->removed[i] = j < 0;
		l->img[i].kind = j < 0 ? QUELL__IMG_REMOVED : QUELL__IMG_ENTRY;
		off[i] = b->len;
		if (j >= 0)
			quell__rec_encode_one(b, &l->rec->ent[j]);
		l->img[i].len = b->len - off[i];
	}
	if (b->oom)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->nev; i++)
		if (l->img[i].kind == QUELL__IMG_ENTRY)
			l->img[i].data = b->data + off[i];
	return 0;
}

int quell__lww_done(quell *h, struct quell__wtxn *w, const struct quell__change *c,
                    const struct quell__lww *l)
{
	int rc;

	if (c->rec == NULL || !quell__store_fleet(w))
		return 0;
	for (size_t i = 0; i < c->nev; i++) {
		const struct quell_event *ev = &c->ev[i];
		struct quell__version v;

		if (!l->wins[i] || !quell__sync_shared_event(ev))
			continue;
		v.time = ev->time;
		v.seq = ev->seq;
		v.removed = l->removed[i];
		quell__copy(v.origin, sizeof v.origin, h->origin);
		if ((rc = quell__sync_version_put(h, w, c->key, ev->list, ev->stream, &v)) != 0)
			return rc;
	}
	return 0;
}
