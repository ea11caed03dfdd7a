/*
 * store_dcache.c - the domain table as the last write transactions left
 * it, cached: what quell__store_wget answers for a domain key inside a
 * write (its record, copied, or "none"), so that the verdict probes of a
 * bulk write (every reply recorded looks up the recipient's domain and
 * each parent: `x.co.uk`, `co.uk`, `uk`) stop descending the domain tree
 * for names asked a moment ago, or for names it does not hold.  A speed
 * lever for the importer's rows through the rules (bench/README.md);
 * nothing outside the store sees it.
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
 *   - a full cache takes no more records until the next transaction
 *     starts, so a value handed out stays valid until the transaction ends
 *     or writes, as LMDB's own; the next one compacts it (dc_compact: a put
 *     leaves the bytes it replaced behind, so an import that writes domain
 *     records fills the pool with dead bytes long before it holds many
 *     names), keeping what is still true, the newest first, as far as it
 *     leaves room;
 *   - a bulk write (the importer, quell__store_dwarm in store_import.c)
 *     has the cache make a filter of every key of the domain table, in one
 *     pass over it (a blocked Bloom filter, store_filter.c's): the cache is
 *     then complete, and a name the filter does not hold is a name the
 *     table does not hold (no descent of the tree to learn it; most probes
 *     are such names: parents such as `co.uk`, domains never written).  A
 *     put adds its key; a delete leaves it (the filter only ever says
 *     "maybe" of a key it was given: the probe then goes to LMDB, as
 *     without it).  Sized for twice the keys it was built with; a table
 *     that outgrew that has it built again, twice as large, by the next
 *     pass.
 * Bounded: DC_SLOTS names and DC_POOL bytes of keys and records, and a
 * filter of NAME_BITS a key up to NAMES_MAX bytes (a larger table goes
 * without: its probes of names it does not hold descend the tree).  Used
 * only inside a write transaction, under s->dc_lock (see store_txn.c).
 *
 * Knows nothing of what records mean.
 */
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "store_int.h"

/* Sized for the names an import of millions of rows probes (1M addresses
 * of the bench: 54,000 domain names with their parents; 10M: ten times
 * that, which the filter of names answers for).  Memory: DC_SLOTS * 16
 * bytes of slots and the pool, touched only as far as they are used. */
#define DC_SLOTS 131072                /* a power of two */
#define DC_FILL (DC_SLOTS / 4 * 3)     /* names taken before the cache is full */
#define DC_POOL (16u << 20)            /* bytes of keys and records */
#define NAME_BITS 16                   /* bits of the filter of names a key */
#define NAMES_MIN 1024                 /* keys it is made for, at least */
#define NAMES_MAX (8u << 20)           /* its bytes, at most (4M keys) */

enum { DC_EMPTY, DC_ABSENT, DC_PRESENT, DC_GONE };

struct dc_slot {
	uint32_t hash;
	uint32_t off;  /* key bytes at pool + off, then the record's */
	uint16_t klen;
	uint8_t state; /* DC_* */
	uint32_t vlen;
};

struct quell__dcache {
	uint64_t valid_for; /* the write transaction whose result it holds; 0: none */
	int complete;       /* every key of the table is in names (see the top) */
	uint64_t *names;    /* the filter of the table's keys (blocks * 8 words) */
	uint64_t names_mask; /* blocks - 1 */
	size_t names_room;  /* keys it was made for */
	size_t names_keys;  /* keys given to it (at least as many as it holds) */
	size_t used;        /* slots taken (DC_GONE too) */
	size_t pool_len;
	size_t cap;         /* bytes of pool it may use: DC_POOL, less in tests */
	struct dc_slot slot[DC_SLOTS];
	unsigned char pool[DC_POOL];
};

/* No slot taken, nothing in the pool (the filter of names stays). */
static void dc_drop_slots(struct quell__dcache *dc)
{
	if (dc->used > 0)
		memset(dc->slot, 0, sizeof dc->slot);
	dc->used = 0;
	dc->pool_len = 0;
}

static void dc_clear(struct quell__dcache *dc)
{
	dc_drop_slots(dc);
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

/* Whether the filter of names may hold key (0: the table does not). */
static int dc_maybe(const struct quell__dcache *dc, const void *key, size_t klen)
{
	return quell__bloom_has(dc->names, dc->names_mask,
	                        quell__bloom_hash(QUELL_SCOPE_DOMAIN, key, klen));
}

static int by_off(const void *a, const void *b)
{
	const struct dc_slot *x = a, *y = b;

	return (x->off > y->off) - (x->off < y->off);
}

/* The cache carried into the next transaction without its dead bytes:
 * its records and the names it knows absent (a forgotten name needs no
 * slot: in a complete cache the filter holds it, and its probe goes to
 * LMDB; in another an empty slot says "ask LMDB" too), the newest first
 * as far as they leave half the slots and the pool for the next
 * transaction (a slot's place in the pool says when it was filled),
 * moved down the pool, the slots rebuilt.  No value is handed out between
 * transactions, so nothing points into the pool.  squeeze as in
 * quell__store_dcache_squeeze: 1 keeps nothing.  With no memory for the
 * work, it keeps nothing (the filter of names stays). */
static void dc_compact(struct quell__dcache *dc, int squeeze)
{
	struct dc_slot *kept = NULL;
	size_t n = 0, from, bytes = 0, at = 0;

	if (squeeze != 1 && (kept = malloc((dc->used ? dc->used : 1) * sizeof *kept)) != NULL)
		for (size_t i = 0; i < DC_SLOTS; i++) {
			struct dc_slot *sl = &dc->slot[i];

			if (sl->state == DC_PRESENT || sl->state == DC_ABSENT) {
				kept[n] = *sl;
				kept[n].vlen = sl->state == DC_PRESENT ? sl->vlen : 0;
				n++;
			}
		}
	dc_drop_slots(dc);
	if (n > 1)
		qsort(kept, n, sizeof *kept, by_off);
	for (from = n; from > 0 && n - from < DC_FILL / 2; from--) {
		size_t len = kept[from - 1].klen + kept[from - 1].vlen;

		if (bytes + len >= dc->cap / 8 * 3)
			break;
		bytes += len;
	}
	/* in pool order, each entry's bytes move down (never up) */
	for (size_t i = from; i < n; i++) {
		struct dc_slot *sl = &kept[i];
		size_t len = sl->klen + sl->vlen;

		memmove(dc->pool + at, dc->pool + sl->off, len);
		sl->off = (uint32_t)at;
		at += len;
		*dc_find(dc, dc->pool + sl->off, sl->klen, sl->hash) = *sl;
	}
	free(kept);
	dc->used = n - from;
	dc->pool_len = at;
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
	/* filled up: what is still true kept, as far as it leaves room */
	else if (s->dc_squeeze || dc->used >= DC_FILL || dc->pool_len >= dc->cap / 2)
		dc_compact(dc, s->dc_squeeze);
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

void quell__dcache_free(struct quell__store *s)
{
	if (s->dc != NULL)
		free(s->dc->names);
	free(s->dc);
	s->dc = NULL;
}

void quell__store_dcache_off(quell *h)
{
	struct quell__store *s = h->store;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->dc_lock);
	s->dc_off = 1;
	quell__dcache_free(s);
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
	/* most names probed are not in the table: the filter first */
	if (dc->complete && !dc_maybe(dc, key, klen))
		return 1;
	sl = dc_find(dc, key, klen, dc_hash(key, klen));
	if (sl->state == DC_EMPTY)
		return -1;
	if (sl->state == DC_GONE)
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
	/* no room: the probe of it asks LMDB (the filter of names holds
	 * every key put, quell__dcache_added) */
	if ((sl->state == DC_EMPTY && dc->used >= DC_FILL) || need > dc->cap - dc->pool_len)
		return;
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

void quell__dcache_added(struct quell__store *s, const void *key, size_t klen)
{
	struct quell__dcache *dc = s->dc;
	uint64_t h;

	if (dc == NULL || !dc->complete)
		return;
	h = quell__bloom_hash(QUELL_SCOPE_DOMAIN, key, klen);
	if (!quell__bloom_has(dc->names, dc->names_mask, h)) {
		quell__bloom_set(dc->names, dc->names_mask, h);
		dc->names_keys++;
	}
}

int quell__dcache_names_begin(struct quell__store *s, size_t entries)
{
	struct quell__dcache *dc = s->dc;
	size_t room = entries * 2 > NAMES_MIN ? entries * 2 : NAMES_MIN;
	uint64_t blocks = 1;

	/* a filter that holds its keys at NAME_BITS a key, or more, stays */
	if (dc == NULL || (dc->complete && dc->names_keys <= dc->names_room))
		return -1;
	while (blocks * 512 < (uint64_t)room * NAME_BITS && blocks * 64 <= NAMES_MAX)
		blocks <<= 1;
	if (blocks * 64 > NAMES_MAX) {
		dc->complete = 0;
		return -1;
	}
	if (dc->names == NULL || dc->names_mask + 1 != blocks) {
		uint64_t *bits = realloc(dc->names, (size_t)blocks * 64);

		if (bits == NULL) {
			dc->complete = 0;
			return -1;
		}
		dc->names = bits;
		dc->names_mask = blocks - 1;
	}
	memset(dc->names, 0, (size_t)blocks * 64);
	dc->names_room = room;
	dc->names_keys = 0;
	dc->complete = 0;
	return 0;
}

void quell__dcache_name(struct quell__store *s, const void *key, size_t klen)
{
	struct quell__dcache *dc = s->dc;

	quell__bloom_set(dc->names, dc->names_mask,
	                 quell__bloom_hash(QUELL_SCOPE_DOMAIN, key, klen));
	dc->names_keys++;
}

void quell__dcache_names_end(struct quell__store *s, int all)
{
	if (s->dc != NULL)
		s->dc->complete = all;
}
