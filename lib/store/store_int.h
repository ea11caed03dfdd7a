/*
 * store_int.h - the inside of the store, shared by its own files
 * (store.c, store_txn.c, store_table.c, store_file.c) and nothing else:
 * the only header that includes <lmdb.h>.
 *
 * A struct quell__txn is an MDB_txn seen from outside: the pointer is
 * converted, never dereferenced as anything else, so a read view costs no
 * allocation and no indirection (quell__mtxn).
 */
#ifndef QUELL_STORE_INT_H
#define QUELL_STORE_INT_H

#include <lmdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>

#include "buf.h"
#include "store.h"

#define QUELL__SCHEMA 2 /* what a new database gets (store.h: dhistory) */
#define QUELL__SCHEMA_MIN 1 /* the oldest this quell reads and writes */
#define QUELL__POOL 32

/* Internal code: the map is full (never leaves the store). */
#define QUELL__EMAPFULL (-100)

struct quell__store {
	MDB_env *env;
	MDB_dbi dbi[QUELL__T_COUNT]; /* enum quell__table */
	int readonly;
	size_t map_size;           /* at open (and reopen), <= max_size */
	size_t max_size;           /* the map never grows past it */
	int64_t readers_checked;   /* monotonic s of the last look for dead
	                              readers' slots; under pool_lock */
	atomic_uint reads;         /* read transactions begun: the clock is
	                              looked at once every READERS_READS */
	dev_t data_dev;            /* the data file, to find its map (trim) and
	                              to see it replaced (reopen) */
	ino_t data_ino;
	int locks;                 /* 1: resize ready, 2: pool_lock ready */
	pthread_rwlock_t resize;   /* txns hold it shared; growing the map and
	                              swapping env (reopen), exclusive.  env is
	                              NULL when a reopen found no database */
	pthread_mutex_t pool_lock;
	MDB_txn *pool[QUELL__POOL];
	size_t npool;
	char path[4096];
	int lost_code;             /* env NULL: why, as the failed reopen said */
	struct quell__dcache *dc;  /* the domain table as our last writes left it
	                              (store_dcache.c); NULL until the first write */
	pthread_mutex_t dc_lock;   /* held around each write transaction's use of dc */
	int dhistory;              /* schema 2: domain events in their own table */
	int dc_off;                /* quell__store_dcache_off: no cache */
	int dc_squeeze;            /* quell__store_dcache_squeeze: 0, or 1 + records */
	size_t dc_cap;             /* ... and its pool: 0, the default */
	int append_off;            /* quell__store_append_off: every put searches */
	/* where the map was last found in /proc/self/maps (store_file.c), for
	 * the environment and map size it had then; under pool_lock */
	MDB_env *trim_env;
	size_t trim_size;
	uintptr_t trim_start, trim_end;
	/* /proc/self/statm kept open once read (store_file.c: the importer
	 * looks at its resident set every few rows); -1 until then; under
	 * pool_lock */
	int statm_fd;
	int bulk;                  /* bulk writes going on (store_import.c: the
	                              meta page's own sync is left out meanwhile);
	                              under pool_lock */
	unsigned long synced;      /* commits that were no bulk write's, synced
	                              whole during one (store_txn.c); dc_lock */
	char lost[QUELL__ERRMSG_MAX];
	/* one environment per database per process (store.c, "shared"):
	 * the handles using it, the process that opened it, the next in the
	 * process's list of open environments (all three under that list's
	 * lock), and the lowercase_local_part its meta table says */
	int refs;
	pid_t pid;
	struct quell__store *next;
	int lc;
	uint64_t gen;              /* environments opened (reopens): a filter
	                              (store_filter.c) is for one; resize lock */
	struct quell__fstate *fs;  /* the filter of keys and its builder
	                              (store_filter.c); NULL until a check
	                              wants one; made under pool_lock */
};

/* The last key of a table as a write transaction knows it
 * (store_table.c): an upper bound of its keys, so that a key past it is
 * absent without a search and is put with MDB_APPEND. */
enum { QUELL__LAST_UNKNOWN, QUELL__LAST_EMPTY, QUELL__LAST_KEY, QUELL__LAST_NONE };
struct quell__wlast {
	int state;          /* QUELL__LAST_*: not looked at yet, the table is
	                       empty, key[0..len) is a bound, or never appended */
	size_t len;
	unsigned char key[QUELL__HKEY_MAX];
};
#define QUELL__LAST_TABLES QUELL__T_COUNT /* records, histories, seen ids (not all used) */

/* A write in progress. */
struct quell__wtxn {
	MDB_txn *txn;
	uint64_t seq;       /* last sequence number used */
	int seq_dirty;
	struct quell__buf buf; /* scratch for encoding, reused */
	struct quell__buf scratch; /* the caller's (quell__store_scratch) */
	int fleet;          /* meta "fleet" is set (store_sync.c) */
	int derived;        /* meta "derived": -1 not read yet (store_sync.c) */
	MDB_cursor *cur[QUELL__T_COUNT]; /* enum quell__table: opened on first
	                          use, closed with the transaction.  A cursor
	                          writing keys in order finds the next one on
	                          the page it is on, without a search from the
	                          root */
	struct quell__wlast last[QUELL__LAST_TABLES]; /* addr, domain, history,
	                          dhistory, seen (changes and meta: unused):
	                          reset with the cursors */
};

/* The LMDB transaction behind a read view, and back. */
static inline MDB_txn *quell__mtxn(struct quell__txn *t)
{
	return (MDB_txn *)(void *)t;
}

static inline struct quell__txn *quell__qtxn(MDB_txn *t)
{
	return (struct quell__txn *)(void *)t;
}

/* Map an LMDB code to a QUELL_E* code with a message "WHAT: reason". */
int quell__mdb_error(const quell *h, int rc, const char *what);

/* The write transaction's cursor on a table, opened on first use (closed
 * with the transaction).  0 or an error. */
int quell__store_wcur(const quell *h, struct quell__wtxn *w, enum quell__table t,
                      MDB_cursor **out);

/* Build the history key prefix (key NUL) into out; returns its length. */
size_t quell__history_prefix(const char *key, unsigned char *out);

/* Seconds on the monotonic clock. */
int64_t quell__store_mono(void);

/* The meta table's value under a C string name (LMDB codes). */
int quell__store_get_meta(MDB_txn *txn, MDB_dbi meta, const char *name, MDB_val *v);
int quell__store_put_meta(MDB_txn *txn, MDB_dbi meta, const char *name, const void *p,
                          size_t n);

/* A transaction could not start because of what other processes did: a
 * map another process grew past ours (MDB_MAP_RESIZED: take its size), or
 * reader slots left taken by processes that died (MDB_READERS_FULL: clear
 * them).  1 when the cause is gone and the start may be tried again, 0
 * when it is not that (the caller reports rc), or an error.  `s` is the
 * shared store whose lock keeps transactions out while the map moves, or
 * NULL for an environment no other thread sees yet (`env`). */
int quell__store_recover(const quell *h, struct quell__store *s, MDB_env *env, int rc);

/* store_filter.c: blocked Bloom filters, one 64-byte block a key (blocks
 * a power of two, mask = blocks - 1, bits = blocks * 8 words): the hash
 * of a key of a scope; set its bits; whether they are all set (0: the key
 * was never set). */
uint64_t quell__bloom_hash(int scope, const void *key, size_t len);
void quell__bloom_set(uint64_t *bits, uint64_t mask, uint64_t h);
int quell__bloom_has(const uint64_t *bits, uint64_t mask, uint64_t h);

/* store_filter.c: drop the current filter (a reopen, under the resize
 * lock held exclusive); stop the builder and free everything (close). */
void quell__filter_drop(struct quell__store *s);
void quell__filter_close(struct quell__store *s);

/* store_dcache.c: domain records read or written in this handle's write
 * transactions, kept from one to the next when nothing else wrote between
 * (see there).  All of them under s->dc_lock, inside a write transaction. */
struct quell__dcache;
/* A write transaction txn begins: keep the cache or empty it. */
void quell__dcache_begin(struct quell__store *s, MDB_txn *txn);
/* It ended: committed as transaction `committed`, or (0) aborted. */
void quell__dcache_end(struct quell__store *s, uint64_t committed);
/* Forget everything (a reopen). */
void quell__dcache_drop(struct quell__store *s);
/* The domain key's record: 0 with *v set (valid until the transaction
 * ends or writes), 1 when there is none, -1 when the cache does not know. */
int quell__dcache_get(struct quell__store *s, const void *key, size_t klen, MDB_val *v);
/* What the table holds under key: its record v, or (v NULL) none. */
void quell__dcache_put(struct quell__store *s, const void *key, size_t klen, const MDB_val *v);
/* The key is being written or deleted. */
void quell__dcache_forget(struct quell__store *s, const void *key, size_t klen);
/* The key was put into the table (after the put). */
void quell__dcache_added(struct quell__store *s, const void *key, size_t klen);
/* The filter of the table's names, (re)built by one pass over its keys
 * (quell__store_dwarm): begin it for a table of `entries` keys (0; -1 when
 * the cache has one that holds, or none can be made); add each key; end
 * it, after all of them (the cache is then complete) or not. */
int quell__dcache_names_begin(struct quell__store *s, size_t entries);
void quell__dcache_name(struct quell__store *s, const void *key, size_t klen);
void quell__dcache_names_end(struct quell__store *s, int all);
/* Free the cache (the store closes). */
void quell__dcache_free(struct quell__store *s);

/* The error for a store whose environment is closed (see reopen): the
 * one that reopen met.  The caller holds s->resize, shared, and releases
 * it. */
int quell__store_closed(quell *h, struct quell__store *s);

#endif
