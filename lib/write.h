/*
 * write.h - the one way a change reaches a key (write.c): find or make the
 * entry in the key's record, then store the record and append the events
 * that say what changed, each with the verdict right after the change.
 * Hand edits (edit.c), import rows (import.c) and replies (record.c)
 * all write through here, and so must any later writer.  The one other
 * writer of entries is a fleet's apply (sync_apply.c), which stores
 * another host's entry image as it stands, with that host's event.
 */
#ifndef QUELL_WRITE_H
#define QUELL_WRITE_H

#include "codec.h"
#include "store.h"

/*
 * Index of r's entry of this list and stream; when there is none, a new
 * one is added at the end (zeroed; list and stream set, its other strings "", created
 * now) and *created set to 1.  -1 when r is full (QUELL__REC_MAX entries).
 * stream must outlive r's use.
 */
int quell__write_slot(struct quell__rec *r, int list, const char *stream, int64_t now,
                      int *created);

/*
 * The category of an entry that names none, from its source: "complaint",
 * "unsubscribe", "import", "other" for a bounce (what a reply no rule
 * classifies gets, quell-rules(5)), "manual" for anything else.  A static
 * string.
 */
const char *quell__default_category(int source);

/* What one change does to one key. */
struct quell__change {
	int scope;                     /* the key's: QUELL_SCOPE_ADDRESS or _DOMAIN */
	const char *key;               /* normalized */
	const struct quell__rec *rec;  /* the key's record as it now stands: stored
	                                  (deleted when empty); NULL: unchanged */
	struct quell_event *ev;        /* appended to the key's history, in order; */
	size_t nev;                    /* ... nev may be 0 */
	const char *also;              /* another key whose history gets the events
	                                  too (a reply's recipient), or NULL */
	int64_t now;                   /* the verdict's time */
	/* The verdict each event carries.  NULL: the key's own, from rec for the
	 * event's stream, taken before rec is stored (rec NULL: as the caller
	 * set it).  Else called once after rec is stored (a reply's: the
	 * recipient's through the check path), also when nev is 0; returns 0
	 * or an error with its message set. */
	int (*verdict)(quell *h, struct quell__wtxn *w, void *ctx, int *verdict);
	void *ctx;
};

/*
 * Make the change c inside the write w: verdict, record, events.  The
 * strings of rec may point into values read in w (they are used before the
 * record is stored); the events' must not (they are written after it).
 * Sets each event's verdict, seq and origin.  0, or an error with its
 * message set.
 */
int quell__write_change(quell *h, struct quell__wtxn *w, const struct quell__change *c);

#endif
