/*
 * write.c - the one way a change reaches a key: its record's entry found
 * or made, the record stored, and the events that say what changed
 * appended to the key's history, each with the verdict right after the
 * change (write.h).  Also the category an entry gets when nobody names one.
 *
 * A change of a shared entry also goes through the fleet's rule
 * (sync_lww.c: last writer wins in a fleet, the entry's image in the
 * change feed; a counted reply merged into the fleet's set of them,
 * sync_count.c).
 *
 * Knows nothing of rules, replies or file formats (what an entry holds is
 * the caller's business) and nothing of LMDB (store.h stores the bytes).
 */
#include <string.h>

#include "check.h"
#include "error.h"
#include "sync.h"
#include "write.h"

int quell__write_slot(struct quell__rec *r, int list, const char *stream, int64_t now,
                      int *created)
{
	int i = quell__rec_find(r, list, stream);
	struct quell_entry *e;

	*created = 0;
	if (i >= 0)
		return i;
	if (r->n == QUELL__REC_MAX)
		return -1;
	i = (int)r->n++;
	memset(&r->ent[i], 0, sizeof r->ent[i]);
	e = &r->ent[i].e;
	e->list = list;
	e->stream = stream;
	e->category = e->rule = e->status = e->reply = e->reason = "";
	e->created = now;
	*created = 1;
	return i;
}

const char *quell__default_category(int source)
{
	switch (source) {
	case QUELL_SOURCE_UNSUBSCRIBE: return "unsubscribe";
	case QUELL_SOURCE_COMPLAINT: return "complaint";
	case QUELL_SOURCE_IMPORT: return "import";
	case QUELL_SOURCE_BOUNCE: return "other";
	default: return "manual";
	}
}

/* Whether a change touches a shared entry (sync.h): only then does it
 * need the fleet's bookkeeping. */
static int shares(const struct quell__change *c)
{
	if (c->rec == NULL)
		return 0;
	for (size_t i = 0; i < c->nev; i++)
		if (quell__sync_shared_event(&c->ev[i]))
			return 1;
	return 0;
}

/* Store the record: a record of one entry is, byte for byte, that
 * entry's image for the change feed (sync_lww.c encodes it the same way),
 * so the image's bytes are stored instead of encoding it again. */
static int put_rec(quell *h, struct quell__wtxn *w, const struct quell__change *c,
                   const struct quell__rec *rec, const struct quell__lww *l)
{
	if (l != NULL && rec->n == 1)
		for (size_t i = 0; i < c->nev; i++)
			if (l->img[i].kind == QUELL__IMG_ENTRY)
				return quell__store_put_enc(h, w, c->scope, c->key, l->img[i].data,
				                            l->img[i].len);
	return quell__store_put(h, w, c->scope, c->key, rec);
}

int quell__write_change(quell *h, struct quell__wtxn *w, const struct quell__change *c)
{
	struct quell__lww *l = NULL;
	const struct quell__rec *rec = c->rec;
	struct quell__lww room;
	int rc, verdict = 0;

	if (c->nev > QUELL__REC_MAX)
		return quell__error(h, QUELL_EINTERNAL, "%zu events in one change", c->nev);
	/* fleet (sync_lww.c): in a fleet, a shared entry keeps a newer
	 * writer's version; every shared event gets its image for the change
	 * feed.  Both read the record, so before it is put */
	if (shares(c)) {
		l = &room;
		if ((rc = quell__lww_local(h, w, c, l)) != 0)
			return rc;
		rec = l->rec;
	}
	/* the record's strings may live in pages the put rewrites: read
	 * them first */
	if (c->verdict == NULL && rec != NULL)
		for (size_t i = 0; i < c->nev; i++)
			c->ev[i].verdict = quell__rec_verdict(rec, c->ev[i].stream, c->now);
	if (rec != NULL && (rc = put_rec(h, w, c, rec, l)) != 0)
		return rc;
	if (c->verdict != NULL) {
		if ((rc = c->verdict(h, w, c->ctx, &verdict)) != 0)
			return rc;
		for (size_t i = 0; i < c->nev; i++)
			c->ev[i].verdict = verdict;
	}
	for (size_t i = 0; i < c->nev; i++) {
		if ((rc = quell__store_event_img(h, w, c->key, &c->ev[i],
		                                 l != NULL ? &l->img[i] : NULL)) != 0)
			return rc;
		if (c->also != NULL && strcmp(c->also, c->key) != 0 &&
		    (rc = quell__store_event(h, w, c->also, &c->ev[i])) != 0)
			return rc;
	}
	if (l != NULL && (rc = quell__lww_done(h, w, c, l)) != 0)
		return rc;
	/* fleet (sync_count.c): a counted reply joins the fleet's set of
	 * them, which may suppress the key; a clear or a write of the
	 * suppression may change what that set leads to */
	if (quell__store_fleet(w))
		return quell__sync_after(h, w, c);
	return 0;
}
