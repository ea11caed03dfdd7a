/*
 * write.c - the one way a change reaches a key: its record's entry found
 * or made, the record stored, and the events that say what changed
 * appended to the key's history, each with the verdict right after the
 * change (write.h).  Also the category an entry gets when nobody names one.
 *
 * Knows nothing of rules, replies or file formats (what an entry holds is
 * the caller's business) and nothing of LMDB (store.h stores the bytes).
 */
#include <string.h>

#include "check.h"
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

int quell__write_change(quell *h, struct quell__wtxn *w, const struct quell__change *c)
{
	int rc, verdict = 0;

	/* the record's strings may live in pages the put rewrites: read
	 * them first */
	if (c->verdict == NULL && c->rec != NULL)
		for (size_t i = 0; i < c->nev; i++)
			c->ev[i].verdict = quell__rec_verdict(c->rec, c->ev[i].stream, c->now);
	if (c->rec != NULL && (rc = quell__store_put(h, w, c->scope, c->key, c->rec)) != 0)
		return rc;
	if (c->verdict != NULL) {
		if ((rc = c->verdict(h, w, c->ctx, &verdict)) != 0)
			return rc;
		for (size_t i = 0; i < c->nev; i++)
			c->ev[i].verdict = verdict;
	}
	for (size_t i = 0; i < c->nev; i++) {
		if ((rc = quell__store_event(h, w, c->key, &c->ev[i])) != 0)
			return rc;
		if (c->also != NULL && strcmp(c->also, c->key) != 0 &&
		    (rc = quell__store_event(h, w, c->also, &c->ev[i])) != 0)
			return rc;
	}
	return 0;
}
