/*
 * store.h - the one module that knows LMDB.
 *
 * One environment per database directory, with these named tables:
 *   addr     normalized address -> key record (record.h)
 *   domain   normalized domain  -> key record
 *   history  key NUL be64(~time) be64(~seq) -> event: newest first, so one
 *            cursor seek finds a key's latest events
 *   changes  be64(seq) -> history key: the change feed, in order
 *   meta     "schema", "lowercase_local_part", "origin", "seq", and
 *            "mark:NAME" -> a caller's position (quell_mark_set, mark.c)
 *   seen     address NUL queue-or-message id -> be64(time): replies already
 *            counted, so a retried message is one event, not five
 *
 * Reads take a pooled read-only transaction (reset/renew, no allocation
 * once warm).  Any transaction start survives what other processes did (a
 * map grown elsewhere, reader slots of dead processes).  One handle per
 * database per process: LMDB's locks are per process.  Writes run a
 * function inside one write transaction; when the map is full the
 * transaction is aborted, the map doubled and the function run again, so a
 * logical change is all or nothing.
 *
 * The store knows nothing of YAML, rules or the command line.
 */
#ifndef QUELL_STORE_H
#define QUELL_STORE_H

#include <lmdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>

#include "buf.h"
#include "handle.h"
#include "record.h"

#define QUELL__SCHEMA 1
#define QUELL__POOL 32
#define QUELL__HKEY_MAX (QUELL_ENTRY_MAX + 17)

/* Internal code: the map is full (never leaves the store). */
#define QUELL__EMAPFULL (-100)

struct quell__store {
	MDB_env *env;
	MDB_dbi addr, domain, history, changes, meta, seen;
	int readonly;
	size_t map_size;           /* asked for at open (0: default) */
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
	char lost[QUELL__ERRMSG_MAX];
};

/* A write in progress. */
struct quell__wtxn {
	MDB_txn *txn;
	uint64_t seq;       /* last sequence number used */
	int seq_dirty;
	struct quell__buf buf; /* scratch for encoding, reused */
	MDB_cursor *cur[5];    /* enum quell__table: opened on first use, closed
	                          with the transaction.  A cursor writing keys in
	                          order finds the next one on the page it is on,
	                          without a search from the root */
};

/* The tables a write transaction keeps a cursor on. */
enum quell__table { QUELL__T_ADDR, QUELL__T_DOMAIN, QUELL__T_HISTORY, QUELL__T_CHANGES,
	            QUELL__T_SEEN };

/* The write transaction's cursor on a table, opened on first use (closed
 * with the transaction).  0 or an error. */
int quell__store_wcur(const quell *h, struct quell__wtxn *w, enum quell__table t,
                      MDB_cursor **out);

/* Longest key of the seen table: address, kind and class bytes, an id of
 * up to 255 bytes. */
#define QUELL__SEEN_KEY_MAX (QUELL_ENTRY_MAX + 2 + 255)

/* Mark the reply id `key` seen at time t: 0 when it is new (and now
 * stored), 1 when it was there already, or an error. */
int quell__store_seen(quell *h, struct quell__wtxn *w, const void *key, size_t klen, int64_t t);

int quell__store_open(quell *h, const char *dir, unsigned flags, size_t map_size,
                      int lowercase_default);
void quell__store_close(struct quell__store *s);

/* Reopen the database when data.mdb in its directory is no longer the
 * file open (replaced, or removed and made again), or always with force.
 * *changed is 1 when the handle now reads another environment (or none:
 * reads and writes then fail with QUELL_ENODB until a reopen succeeds).
 * Waits for running transactions. */
int quell__store_reopen(quell *h, int force, int *changed);

/* Write a compacted copy of the database to DIR/data.mdb (DIR exists):
 * into a temporary file in DIR first, which takes the name only once it
 * is complete and on disk, so a failed backup (a full disk) leaves no
 * partial database behind.  Never replaces a data.mdb already there. */
int quell__store_backup(quell *h, const char *dir);

/* Map an LMDB code to a QUELL_E* code with a message "WHAT: reason". */
int quell__mdb_error(const quell *h, int rc, const char *what);

int quell__store_read_begin(quell *h, MDB_txn **txn);
void quell__store_read_end(quell *h, MDB_txn *txn);

typedef int (*quell__write_fn)(quell *h, struct quell__wtxn *w, void *ctx);

/* Run fn in one write transaction and commit it (durably).  fn returns 0
 * to commit, QUELL_ENOTFOUND to abort quietly (the call returns it), or an
 * error (abort).  LMDB errors inside fn go through quell__mdb_error, which
 * returns QUELL__EMAPFULL for a full map: the store grows it and runs fn
 * again from the start, so fn must not keep state across runs. */
int quell__store_write(quell *h, quell__write_fn fn, void *ctx);

/* The table that holds keys of this scope. */
MDB_dbi quell__store_dbi(const quell *h, int scope);

/* Read a key's record: 0 with *val set, MDB_NOTFOUND as 1, or an error. */
int quell__store_get(const quell *h, MDB_txn *txn, int scope, const char *key, size_t keylen,
                     MDB_val *val);

/* Read a key's record inside a write: as quell__store_get, through the
 * transaction's cursor. */
int quell__store_wget(const quell *h, struct quell__wtxn *w, int scope, const char *key,
                      size_t keylen, MDB_val *val);

/* A key's record decoded into r inside a write (r->n == 0 when there is
 * none); QUELL_EDB when it is damaged. */
int quell__store_load(quell *h, struct quell__wtxn *w, int scope, const char *key,
                      struct quell__rec *r);

/* Write (or, when r->n == 0, delete) a key's record.  Values read in this
 * transaction (and strings decoded from them) are invalid after any write:
 * copy what a later event needs before calling this. */
int quell__store_put(quell *h, struct quell__wtxn *w, int scope, const char *key,
                     const struct quell__rec *r);

/* Append a history event for key: sets ev->seq and ev->origin. */
int quell__store_event(quell *h, struct quell__wtxn *w, const char *key, struct quell_event *ev);

/* Let the kernel take back the map's pages from this process's resident
 * set (they stay in the page cache): a long import touches every page. */
void quell__store_trim(quell *h);
/* The same inside a write transaction (which keeps the map in place), when
 * the process's resident set is over `over` bytes (0: always). */
void quell__store_wtrim(quell *h, struct quell__wtxn *w, size_t over);

/* The meta table's value under name[0..nlen) in a read or write
 * transaction: 0 with *v set (valid until the transaction ends or writes),
 * 1 when there is none, or an error. */
int quell__store_meta_get(quell *h, MDB_txn *txn, const void *name, size_t nlen, MDB_val *v);

/* Set the meta table's value under name[0..nlen) inside a write.  Names
 * of the store's own ("schema", "seq", ...) are the caller's to avoid. */
int quell__store_meta_put(quell *h, struct quell__wtxn *w, const void *name, size_t nlen,
                          const void *value, size_t vlen);

/* Build the history key prefix (key NUL) into out; returns its length. */
size_t quell__history_prefix(const char *key, unsigned char *out);

#endif
