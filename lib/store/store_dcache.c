/*
 * store_dcache.c - the domain table as the last write transactions left
 * it, cached: what quell__store_wget answers for a domain key inside a
 * write (its record, copied, or "none"), so that the verdict probes of a
 * bulk write (every reply recorded looks up the recipient's domain and
 * each parent: `x.co.uk`, `co.uk`, `uk`) stop descending the domain tree
 * for names asked a moment ago.  A speed lever for the importer's rows
 * through the rules (bench/README.md); nothing outside the store sees it.
 *
 * Exact, never stale:
 *   - it holds only what the write transactions of this store (every
 *     handle of the process on the database: store.c shares one) read or
 *     wrote, and is carried from one to the next only when no other write
 *     came between (LMDB numbers write transactions: the next one of ours
 *     must be the last committed one's + 1, else the cache is emptied);
 *   - a put of a domain key forgets that key, and once LMDB took it the
 *     cache holds what was put (a copy of the same bytes); a delete forgets
 *     it; a scan that deletes domain keys, an aborted transaction and a
 *     reopen empty it;
 *   - a full cache takes no more names until the next transaction starts,
 *     so a value handed out stays valid until the transaction ends or
 *     writes, as LMDB's own; the next one compacts it (dc_compact: a put
 *     leaves the bytes it replaced behind, so an import that writes domain
 *     records fills the pool with dead bytes long before it holds many
 *     names), keeping every name and record still true, or its names
 *     alone when the records would fill half of it, and empties it only
 *     when even that does not leave room;
 *   - a bulk write (the importer, quell__store_dwarm in store_import.c)
 *     has an empty cache take every key of a small domain table first, in
 *     one pass over it:
 *     the cache is then complete, and a name it does not hold is a name
 *     the table does not hold (no descent of the tree to learn it).  It
 *     stays complete while every put of a new domain key finds room (one
 *     that does not ends it); a delete leaves the key's slot "forgotten",
 *     which sends the next probe of it to LMDB, as without the pass.
 * Bounded: DC_SLOTS names and DC_POOL bytes of keys and records.  Used
 * only inside a write transaction, under s->dc_lock (see store_txn.c).
 *
 * Knows nothing of what records mean.
 */
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "store_int.h"

/* Sized for the names an import of millions of rows probes (1M addresses
 * of the bench: 54,000 domain names with their parents): a cache that
 * fills is emptied at the next transaction, and then every probe descends
 * the domain tree again, faulting its pages back in after each trim of
 * the map (bench/README.md).  Memory: DC_SLOTS * 16 bytes of slots and
 * the pool, touched only as far as they are used. */
#define DC_SLOTS 131072                /* a power of two */
#define DC_FILL (DC_SLOTS / 4 * 3)     /* names taken before the cache is full */
#define DC_POOL (16u << 20)            /* bytes of keys and records */

/* DC_KNOWN: in the table, its record not copied (asked of LMDB) */
enum { DC_EMPTY, DC_ABSENT, DC_PRESENT, DC_GONE, DC_KNOWN };

struct dc_slot {
	uint32_t hash;
	uint32_t off;  /* key bytes at pool + off, then the record's */
	uint16_t klen;
	uint8_t state; /* DC_* */
	uint32_t vlen;
};

struct quell__dcache {
	uint64_t valid_for; /* the write transaction whose result it holds; 0: none */
	int complete;       /* every key of the table has a slot (see the top) */
	size_t used;        /* slots taken (DC_GONE too) */
	size_t pool_len;
	size_t cap;         /* bytes of pool it may use: DC_POOL, less in tests */
	struct dc_slot slot[DC_SLOTS];
	unsigned char pool[DC_POOL];
};

static void dc_clear(struct quell__dcache *dc)
{
	if (dc->used > 0)
		memset(dc->slot, 0, sizeof dc->slot);
	dc->used = 0;
	dc->pool_len = 0;
	dc->valid_for = 0;
	dc->complete = 0;
}

static uint32_t dc_hash(const void *key, size_t klen)
{
	uint64_t h = quell__fnv64(QUELL__FNV64_INIT, key, klen);

	return (uint32_t)(h ^ (h >> 32));
}

/* The slot of key (a forgotten one too: its key bytes stay), or of where
 * it would go (an empty one). */
static struct dc_slot *dc_find(struct quell__dcache *dc, const void *key, size_t klen,
                               uint32_t h)
{
	for (size_t i = h & (DC_SLOTS - 1);; i = (i + 1) & (DC_SLOTS - 1)) {
		struct dc_slot *sl = &dc->slot[i];

		if (sl->state == DC_EMPTY)
			return sl;
		if (sl->hash == h && sl->klen == klen &&
		    memcmp(dc->pool + sl->off, key, klen) == 0)
			return sl;
	}
}

static int by_off(const void *a, const void *b)
{
	const struct dc_slot *x = a, *y = b;

	return (x->off > y->off) - (x->off < y->off);
}

/* Whether slot sl must be carried by a compaction: a complete cache keeps
 * every name of the table (a forgotten one too: its empty slot would say
 * "absent"), and needs no slot to know a name absent; an incomplete one
 * keeps what it learnt and drops the forgotten. */
static int dc_keeps(const struct quell__dcache *dc, const struct dc_slot *sl)
{
	if (sl->state == DC_EMPTY)
		return 0;
	if (dc->complete)
		return sl->state != DC_ABSENT;
	return sl->state != DC_GONE;
}

/* The cache carried into the next transaction without its dead bytes (a
 * put leaves the bytes of what it replaced, so an import that writes
 * domain records fills the pool long before it has many names): what
 * dc_keeps wants moved down the pool, the slots rebuilt; records dropped
 * to bare names (asked of LMDB again) when they would still take half the
 * pool.  No value is handed out between transactions, so nothing points
 * into the pool.  0, or -1 when it would stay too full or there is no
 * memory for the work (then the caller empties it). */
static int dc_compact(struct quell__dcache *dc, int squeeze)
{
	struct dc_slot *keep;
	size_t n = 0, bytes = 0, at = 0;
	int records = squeeze != 1;

	for (size_t i = 0; i < DC_SLOTS; i++)
		if (dc_keeps(dc, &dc->slot[i])) {
			n++;
			bytes += dc->slot[i].klen + (dc->slot[i].state == DC_PRESENT ? dc->slot[i].vlen : 0);
		}
	if (n >= DC_FILL / 2)
		return -1;
	if (bytes >= dc->cap / 8 * 3)
		records = 0;
	if ((keep = malloc((n ? n : 1) * sizeof *keep)) == NULL)
		return -1;
	n = 0;
	for (size_t i = 0; i < DC_SLOTS; i++)
		if (dc_keeps(dc, &dc->slot[i]))
			keep[n++] = dc->slot[i];
	/* in pool order, each entry's bytes move down (never up) */
	qsort(keep, n, sizeof *keep, by_off);
	memset(dc->slot, 0, sizeof dc->slot);
	for (size_t i = 0; i < n; i++) {
		struct dc_slot *sl = &keep[i];
		size_t len;

		if (sl->state == DC_PRESENT && !records)
			sl->state = DC_KNOWN;
		if (sl->state != DC_PRESENT)
			sl->vlen = 0;
		len = sl->klen + sl->vlen;
		memmove(dc->pool + at, dc->pool + sl->off, len);
		sl->off = (uint32_t)at;
		at += len;
		*dc_find(dc, dc->pool + sl->off, sl->klen, sl->hash) = *sl;
	}
	free(keep);
	dc->used = n;
	dc->pool_len = at;
	return at >= dc->cap / 2 ? -1 : 0;
}

void quell__dcache_begin(struct quell__store *s, MDB_txn *txn)
{
	struct quell__dcache *dc = s->dc;

	if (dc == NULL) {
		/* calloc: the pages of a large block come zeroed and are touched
		 * only as far as the cache fills */
		if (!s->dc_off && (s->dc = calloc(1, sizeof *dc)) != NULL)
			s->dc->cap = s->dc_cap ? s->dc_cap : DC_POOL;
		return;
	}
	/* another write came between: start over */
	if (dc->valid_for == 0 || dc->valid_for + 1 != (uint64_t)mdb_txn_id(txn))
		dc_clear(dc);
	/* filled up: what is still true kept, else start over */
	else if ((s->dc_squeeze || dc->used >= DC_FILL || dc->pool_len >= dc->cap / 2) &&
	         dc_compact(dc, s->dc_squeeze) != 0)
		dc_clear(dc);
}

void quell__dcache_end(struct quell__store *s, uint64_t committed)
{
	if (s->dc == NULL)
		return;
	if (committed == 0)
		dc_clear(s->dc);
	else
		s->dc->valid_for = committed;
}

void quell__dcache_drop(struct quell__store *s)
{
	if (s->dc != NULL)
		dc_clear(s->dc);
}

void quell__store_dcache_off(quell *h)
{
	struct quell__store *s = h->store;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->dc_lock);
	s->dc_off = 1;
	free(s->dc);
	s->dc = NULL;
	pthread_mutex_unlock(&s->dc_lock);
}

void quell__store_dcache_squeeze(quell *h, int records, size_t pool)
{
	struct quell__store *s = h->store;

	if (s == NULL || pool > DC_POOL)
		return;
	pthread_mutex_lock(&s->dc_lock);
	s->dc_squeeze = 1 + (records != 0);
	s->dc_cap = pool;
	if (s->dc != NULL) {
		dc_clear(s->dc);
		s->dc->cap = pool ? pool : DC_POOL;
	}
	pthread_mutex_unlock(&s->dc_lock);
}

int quell__dcache_get(struct quell__store *s, const void *key, size_t klen, MDB_val *v)
{
	struct quell__dcache *dc = s->dc;
	struct dc_slot *sl;

	if (dc == NULL || klen > UINT16_MAX)
		return -1;
	sl = dc_find(dc, key, klen, dc_hash(key, klen));
	if (sl->state == DC_EMPTY)
		return dc->complete ? 1 : -1;
	if (sl->state == DC_GONE || sl->state == DC_KNOWN)
		return -1;
	if (sl->state == DC_ABSENT)
		return 1;
	v->mv_data = dc->pool + sl->off + sl->klen;
	v->mv_size = sl->vlen;
	return 0;
}

void quell__dcache_put(struct quell__store *s, const void *key, size_t klen, const MDB_val *v)
{
	struct quell__dcache *dc = s->dc;
	size_t need = klen + (v != NULL ? v->mv_size : 0);
	uint32_t h = dc_hash(key, klen);
	struct dc_slot *sl;

	if (dc == NULL || klen > UINT16_MAX)
		return;
	sl = dc_find(dc, key, klen, h);
	if (sl->state == DC_PRESENT || sl->state == DC_ABSENT)
		return; /* there already */
	if ((sl->state == DC_EMPTY && dc->used >= DC_FILL) || need > dc->cap - dc->pool_len) {
		/* no room: a key new to the table that cannot be held ends a
		 * complete cache (a known or forgotten one is asked of LMDB) */
		if (sl->state == DC_EMPTY)
			dc->complete = 0;
		return;
	}
	/* a forgotten name takes its slot again, with new bytes: the old
	 * ones stay where a value handed out may still point */
	dc->used += sl->state == DC_EMPTY;
	sl->hash = h;
	sl->klen = (uint16_t)klen;
	sl->off = (uint32_t)dc->pool_len;
	sl->vlen = v != NULL ? (uint32_t)v->mv_size : 0;
	sl->state = v != NULL ? DC_PRESENT : DC_ABSENT;
	memcpy(dc->pool + dc->pool_len, key, klen);
	if (v != NULL)
		memcpy(dc->pool + dc->pool_len + klen, v->mv_data, v->mv_size);
	dc->pool_len += need;
}

void quell__dcache_forget(struct quell__store *s, const void *key, size_t klen)
{
	struct dc_slot *sl;

	if (s->dc == NULL || klen > UINT16_MAX)
		return;
	sl = dc_find(s->dc, key, klen, dc_hash(key, klen));
	if (sl->state != DC_EMPTY)
		sl->state = DC_GONE; /* its bytes stay: a value handed out may point there */
}

int quell__dcache_fresh(const struct quell__store *s)
{
	return s->dc != NULL && !s->dc->complete && s->dc->used == 0;
}

int quell__dcache_know(struct quell__store *s, const void *key, size_t klen)
{
	struct quell__dcache *dc = s->dc;
	uint32_t h = dc_hash(key, klen);
	struct dc_slot *sl;

	if (dc == NULL || klen > UINT16_MAX || dc->used >= DC_FILL / 2 ||
	    dc->pool_len + klen > dc->cap / 4)
		return -1;
	sl = dc_find(dc, key, klen, h);
	if (sl->state != DC_EMPTY)
		return 0;
	sl->hash = h;
	sl->klen = (uint16_t)klen;
	sl->off = (uint32_t)dc->pool_len;
	sl->vlen = 0;
	sl->state = DC_KNOWN;
	memcpy(dc->pool + dc->pool_len, key, klen);
	dc->pool_len += klen;
	dc->used++;
	return 0;
}

void quell__dcache_completed(struct quell__store *s, int all)
{
	if (s->dc == NULL)
		return;
	if (all)
		s->dc->complete = 1;
	else
		dc_clear(s->dc);
}
