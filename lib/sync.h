/*
 * sync.h - the library's side of a fleet (docs/fleet.md): which events a
 * fleet shares, how two versions of a shared entry compare, and the part
 * of a local write that keeps to that rule (sync_lww.c); the change feed
 * read back (sync_feed.c), encoded for the wire (sync_codec.c) and
 * applied on another host (sync_apply.c).
 *
 * Shared: the suppress and allow entries (with every source: bounces,
 * complaints, unsubscribes, manual, import), their removals, and the
 * history of counted replies, whose ids merge as a set, and clears
 * (deliveries), which end the count of the replies before them: the
 * suppression they lead to is derived from that set on every host
 * (sync_count.c).  Per host: backoff, the count state of decide.c, expiry
 * by prune.  A shared entry is (key, list, stream); per entry the last writer
 * wins on (event time, origin host id, origin sequence).  Each event that
 * changes one carries its image (the entry as it stood right after, or
 * "removed"), so a host applying it needs nothing else.
 *
 * Knows nothing of LMDB (store.h) nor of NATS (cmd/sync_*.c).
 */
#ifndef QUELL_SYNC_H
#define QUELL_SYNC_H

#include "store.h"
#include "write.h"

/* 1 when an entry of this list is shared with a fleet. */
static inline int quell__sync_shared_list(int list)
{
	return list == QUELL_LIST_SUPPRESS || list == QUELL_LIST_ALLOW;
}

/* 1 when a local event changes a shared entry (and so carries an image). */
static inline int quell__sync_shared_event(const struct quell_event *ev)
{
	return quell__sync_shared_list(ev->list) && ev->action != QUELL_ACTION_EXPIRE;
}

/*
 * Make room for a new entry of this list and stream in r, at its place in
 * (list, stream) order, zeroed; its index, or -1 when r is full.  In a
 * fleet, records keep their entries in that order (hosts that got the same
 * entries in another order hold the same bytes): quell__sync_sorted says
 * whether r is, quell__sync_sort puts it so (stable).
 */
int quell__sync_place(struct quell__rec *r, int list, const char *stream);
int quell__sync_sorted(const struct quell__rec *r);
void quell__sync_sort(struct quell__rec *r);

/* <0, 0, >0 as a is older than, the same as, newer than b: on time, then
 * origin (bytes), then seq. */
int quell__version_cmp(const struct quell__version *a, const struct quell__version *b);

/* The version of (key, list, stream) as this host knows it: its stored
 * version, else the stored entry's (updated, this host, highest seq: an
 * entry made before the database joined a fleet).  0 with *v, 1 when
 * there is neither, or an error.  `stored` is the key's record as stored. */
int quell__sync_version(quell *h, struct quell__wtxn *w, const char *key, int list,
                        const char *stream, const struct quell__rec *stored,
                        struct quell__version *v);

/* The room quell__lww_local needs per change (events of one change). */
struct quell__lww {
	const struct quell__rec *rec;     /* what to store: c->rec or &patch */
	struct quell__img img[QUELL__REC_MAX];
	unsigned char removed[QUELL__REC_MAX];
	unsigned char wins[QUELL__REC_MAX];
	struct quell__rec patch;
};

/* Before a local change c is stored: in a fleet, each shared event that
 * loses to a newer version leaves its entry as stored (l->rec is then a
 * patched copy); every shared event's image is encoded (into the write's
 * scratch buffer, so it outlives the record's put).  c->nev <=
 * QUELL__REC_MAX.  0 or an error. */
int quell__lww_local(quell *h, struct quell__wtxn *w, const struct quell__change *c,
                     struct quell__lww *l);

/* After the events are stored (their seq set): the versions of the
 * entries they won, in a fleet.  0 or an error. */
int quell__lww_done(quell *h, struct quell__wtxn *w, const struct quell__change *c,
                    const struct quell__lww *l);

/*
 * A suppression derived from the fleet's counted replies (sync_count.c)
 * shadows the entry that shared writes made, its *base*: while the derived
 * one is in place, the version slot of this private list (key, BASE, "")
 * holds the base's version (a tombstone's, or origin "" for none; stored
 * with removed = 0 so that prune keeps it), and shared writes of
 * (key, suppress, no stream) are compared with the base, not with the
 * derived entry.  A later clear can take the derived entry back out; the
 * base is then what the key shows.  Until a database first derives one
 * (meta "derived", quell__store_derived), no base is looked up.
 */
#define QUELL__SYNC_BASE QUELL__LIST_COUNT

/* The base of key's derived suppression: 0 with *b (removed; origin ""
 * when there was none), 1 when no derived suppression is in place, or an
 * error. */
int quell__sync_base(quell *h, struct quell__wtxn *w, const char *key, struct quell__version *b);

/* Store the version of an entry a shared write won (and, for the
 * derivable entry, forget the base: the write replaced the derived one). */
int quell__sync_version_put(quell *h, struct quell__wtxn *w, const char *key, int list,
                            const char *stream, const struct quell__version *v);

/* After a counted reply reached key's history, or a shared write of
 * (key, suppress, no stream) won (a local one in a fleet, or one applied
 * from another host): the suppression that the set of counted reply ids of
 * every host, newer than the newest clear, leads to, derived from the set
 * alone, put in place, or taken back out (sync_count.c).  0 or an error. */
int quell__sync_count(quell *h, struct quell__wtxn *w, int scope, const char *key);

/* After a clear (a delivery) reached key's history: quell__sync_count if
 * a derived suppression is in place (a clear can only take one out). */
int quell__sync_clear(quell *h, struct quell__wtxn *w, int scope, const char *key);

/* After a local change c in a fleet: quell__sync_count or
 * quell__sync_clear as its events ask. */
int quell__sync_after(quell *h, struct quell__wtxn *w, const struct quell__change *c);

#endif
