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
 *   - it holds only what this handle's own write transactions read or
 *     wrote, and is carried from one to the next only when no other write
 *     came between (LMDB numbers write transactions: the next one of ours
 *     must be the last committed one's + 1, else the cache is emptied);
 *   - a put or delete of a domain key forgets that key; a scan that
 *     deletes domain keys, an aborted transaction and a reopen empty it;
 *   - a full cache takes no more names until the next transaction starts
 *     (then it is emptied), so a value handed out stays valid until the
 *     transaction ends or writes, as LMDB's own.
 * Bounded: DC_SLOTS names and DC_POOL bytes of keys and records.  Used
 * only inside a write transaction, under s->dc_lock (see store_txn.c).
 *
 * Knows nothing of what records mean.
 */
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "store_int.h"

#define DC_SLOTS 16384         /* a power of two */
#define DC_FILL (DC_SLOTS / 2) /* names taken before the cache is full */
#define DC_POOL (1u << 20)     /* bytes of keys and records */

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
	size_t used;        /* slots taken (DC_GONE too) */
	size_t pool_len;
	struct dc_slot slot[DC_SLOTS];
	unsigned char pool[DC_POOL];
};

static void dc_clear(struct quell__dcache *dc)
{
	memset(dc->slot, 0, sizeof dc->slot);
	dc->used = 0;
	dc->pool_len = 0;
	dc->valid_for = 0;
}

static uint32_t dc_hash(const void *key, size_t klen)
{
	uint64_t h = quell__fnv64(QUELL__FNV64_INIT, key, klen);

	return (uint32_t)(h ^ (h >> 32));
}

/* The slot of key, or of where it would go (an empty one). */
static struct dc_slot *dc_find(struct quell__dcache *dc, const void *key, size_t klen,
                               uint32_t h)
{
	for (size_t i = h & (DC_SLOTS - 1);; i = (i + 1) & (DC_SLOTS - 1)) {
		struct dc_slot *sl = &dc->slot[i];

		if (sl->state == DC_EMPTY)
			return sl;
		if (sl->state != DC_GONE && sl->hash == h && sl->klen == klen &&
		    memcmp(dc->pool + sl->off, key, klen) == 0)
			return sl;
	}
}

void quell__dcache_begin(struct quell__store *s, MDB_txn *txn)
{
	struct quell__dcache *dc = s->dc;

	if (dc == NULL) {
		if (!s->dc_off && (dc = s->dc = malloc(sizeof *dc)) != NULL)
			dc_clear(dc);
		return;
	}
	/* another write came between, or the cache filled up: start over */
	if (dc->valid_for == 0 || dc->valid_for + 1 != (uint64_t)mdb_txn_id(txn) ||
	    dc->used >= DC_FILL || dc->pool_len >= DC_POOL / 2)
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

int quell__dcache_get(struct quell__store *s, const void *key, size_t klen, MDB_val *v)
{
	struct quell__dcache *dc = s->dc;
	struct dc_slot *sl;

	if (dc == NULL || klen > UINT16_MAX)
		return -1;
	sl = dc_find(dc, key, klen, dc_hash(key, klen));
	if (sl->state == DC_EMPTY)
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

	if (dc == NULL || klen > UINT16_MAX || dc->used >= DC_FILL || need > DC_POOL - dc->pool_len)
		return;
	sl = dc_find(dc, key, klen, h);
	if (sl->state != DC_EMPTY)
		return; /* there already */
	sl->hash = h;
	sl->klen = (uint16_t)klen;
	sl->off = (uint32_t)dc->pool_len;
	sl->vlen = v != NULL ? (uint32_t)v->mv_size : 0;
	sl->state = v != NULL ? DC_PRESENT : DC_ABSENT;
	memcpy(dc->pool + dc->pool_len, key, klen);
	if (v != NULL)
		memcpy(dc->pool + dc->pool_len + klen, v->mv_data, v->mv_size);
	dc->pool_len += need;
	dc->used++;
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
