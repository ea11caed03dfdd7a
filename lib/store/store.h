/*
 * store.h - the one module that knows LMDB (store.c, store_txn.c,
 * store_table.c, store_file.c; their private header store_int.h is the
 * only one that includes <lmdb.h>).  Callers see opaque transactions,
 * tables by name and byte strings; never an LMDB type or code.
 *
 * One environment per database directory, with these named tables:
 *   addr     normalized address -> key record (codec.h)
 *   domain   normalized domain  -> key record
 *   history  key NUL be64(~time) be64(~seq) -> event: newest first, so one
 *            cursor seek finds a key's latest events; an address's events
 *            (schema 2: a domain's are in dhistory)
 *   dhistory the same for domain keys (schema 2; empty in schema 1, whose
 *            history holds both).  Apart, an import's address events,
 *            written in key order, are each put past the last key (full
 *            pages, no search) instead of among the domains' events
 *   changes  be64(seq) -> history key: the change feed, in order; an
 *            event that changed a shared entry (sync.h) adds u8 image kind
 *            (QUELL__IMG_*) and, for an entry, its one-entry record (codec.h)
 *   meta     "schema" (1 or 2, see dhistory), "lowercase_local_part",
 *            "origin", "seq", and
 *            "mark:NAME" -> a caller's position (quell_mark_set, mark.c)
 *   seen     address NUL queue-or-message id -> be64(time): replies already
 *            counted, so a retried message is one event, not five; also
 *            (sync.h) \1 origin NUL be64(seq) -> be64(time): remote events
 *            applied, and \2 key NUL u8(list) stream -> version of a
 *            shared entry (store_sync.c)
 *
 * Reads take a pooled read-only transaction (reset/renew, no allocation
 * once warm).  Any transaction start survives what other processes did (a
 * map grown elsewhere, reader slots of dead processes).  One environment
 * per database per process, as LMDB's locks are per process: a second
 * handle on it shares the first one's store (store.c).  Writes run a
 * function inside one write transaction; when the map is full the
 * transaction is aborted, the map doubled (up to the limit the handle was
 * opened with: Postfix's slmdb does the same) and the function run
 * again, so a logical change is all or nothing.
 *
 * quell__store_put and quell__store_event are the one place that writes
 * records, history and the change feed; every change of an entry with its
 * events reaches them through write.c's quell__write_change, or, for
 * another host's event, sync_apply.c's quell_apply.
 *
 * The store knows nothing of YAML, rules or the command line.
 */
#ifndef QUELL_STORE_H
#define QUELL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "handle.h"
#include "codec.h"

#define QUELL__HKEY_MAX (QUELL_ENTRY_MAX + 17)

/* Longest key of the seen table: address, kind and class bytes, an id of
 * up to 255 bytes. */
#define QUELL__SEEN_KEY_MAX (QUELL_ENTRY_MAX + 2 + 255)

struct quell__store;  /* the environment of a handle (store_int.h) */
struct quell__wtxn;   /* a write in progress */
struct quell__txn;    /* a read view: a read transaction, or a write's */

/* Bytes the store hands out: valid until the transaction ends or writes. */
struct quell__val {
	const void *data;
	size_t len;
};

/* The tables, for scans and deletes. */
enum quell__table { QUELL__T_ADDR, QUELL__T_DOMAIN, QUELL__T_HISTORY, QUELL__T_CHANGES,
	            QUELL__T_SEEN, QUELL__T_META, QUELL__T_DHISTORY, QUELL__T_COUNT };

/* The table that holds keys of this scope (QUELL_SCOPE_*). */
#define QUELL__T_SCOPE(scope) ((scope) == QUELL_SCOPE_DOMAIN ? QUELL__T_DOMAIN : QUELL__T_ADDR)

/* Open (or with QUELL_OPEN_CREATE create) the database in dir: the map
 * starts at map_size (0: 64 MiB) and never grows past max_size (0: the
 * default, 64 GiB; 1 GiB with a 32-bit size_t). */
int quell__store_open(quell *h, const char *dir, unsigned flags, size_t map_size,
                      size_t max_size, int lowercase_default);
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

/* A read transaction from the pool (no allocation once warm); end it with
 * quell__store_read_end. */
int quell__store_read_begin(quell *h, struct quell__txn **txn);
void quell__store_read_end(quell *h, struct quell__txn *txn);

/* The write in progress as a read view, for the calls that take one
 * (they then see its own changes; a scan may delete through it). */
struct quell__txn *quell__store_wview(struct quell__wtxn *w);

typedef int (*quell__write_fn)(quell *h, struct quell__wtxn *w, void *ctx);

/* Run fn in one write transaction and commit it (durably).  fn returns 0
 * to commit, QUELL_ENOTFOUND to abort quietly (the call returns it), or an
 * error (abort).  When the map is full the store grows it and runs fn
 * again from the start, so fn must not keep state across runs.  A full
 * map at its size limit is QUELL_EIO, saying so; nothing is written. */
int quell__store_write(quell *h, quell__write_fn fn, void *ctx);

/* quell__store_write for one batch of a bulk write (quell__store_bulk):
 * the only commits that may leave the meta page unsynced. */
int quell__store_write_bulk(quell *h, quell__write_fn fn, void *ctx);

/* Grow the map now (doubling, up to the limit) until `bytes` past the
 * pages in use fit in it, so that a large write transaction about to run
 * does not meet MDB_MAP_FULL halfway and run again.  Changes no data.  0,
 * or an error with its message set. */
int quell__store_room(quell *h, size_t bytes);

/* A batch of a bulk write (an import) begins in w: when the domain cache
 * (store_dcache.c) has no filter of the domain table's keys, or the table
 * outgrew it, one pass over the keys makes it, so that the verdict probes
 * of names the table does not hold stop descending it; meanwhile the map
 * is trimmed whenever the resident set passes `over` bytes
 * (quell__store_wtrim).  Changes no answer. */
void quell__store_dwarm(quell *h, struct quell__wtxn *w, size_t over);

/* A bulk write of many transactions (an import) begins (on = 1) or ends
 * (on = 0).  Meanwhile the batches' commits (quell__store_write_bulk)
 * sync the data file once, not the meta page on its own as well
 * (MDB_NOMETASYNC: a crash of the system, not of the process, may undo
 * the last batch committed, never leaves a damaged database); any other
 * commit of the process (a reply recorded by another thread of `serve`)
 * syncs the meta page too, so it is durable when it returns; the end
 * syncs everything, so that what was committed is durable when it
 * returns.  Calls pair up; bulk writes may overlap.  0, or the errno of a
 * failed sync (no message set). */
int quell__store_bulk(quell *h, int on);

/* Whether commits leave out the meta page's own sync now (a bulk write
 * is going on): for tests. */
int quell__store_bulk_now(quell *h);

/* How many commits that were no bulk write's batch synced the meta page
 * themselves because a bulk write was going on: for tests. */
unsigned long quell__store_bulk_synced(quell *h);

/* Read a key's record: 0 with *val set, 1 when there is none, or an
 * error.  Allocates nothing (the check path). */
int quell__store_get(const quell *h, struct quell__txn *txn, int scope, const char *key,
                     size_t keylen, struct quell__val *val);

/* Whether table t holds nothing in the read view txn (LMDB keeps the
 * count: no search).  The check path asks before probing the domains of
 * a database of addresses only.  Errors count as "not empty". */
int quell__store_empty(const quell *h, struct quell__txn *txn, enum quell__table t);

/* The filter of keys (store_filter.c), for a handle opened with
 * QUELL_OPEN_FILTER: one that holds exactly the keys of the address and
 * domain tables the read view txn sees, or NULL (no such flag, none yet,
 * or the database changed since the last one: a build is then asked of
 * the store's builder thread).  A filter returned is the caller's until
 * quell__store_filter_done; never use one with another view. */
struct quell__filter;
/* Ready the store for filters and start its builder (quell_open, for a
 * handle with the flag, before any other thread sees it): 0 or
 * QUELL_ENOMEM (a builder that cannot start leaves checks without). */
int quell__store_filter_init(quell *h);
const struct quell__filter *quell__store_filter(quell *h, struct quell__txn *txn);
void quell__store_filter_done(quell *h, const struct quell__filter *f);
/* 1 when key (of scope QUELL_SCOPE_*) is surely not in its table in the
 * view f is for; 0 when it may be (ask LMDB). */
int quell__filter_absent(const struct quell__filter *f, int scope, const char *key,
                         size_t len);
/* Build and publish a filter now, on this thread (tests; the builder
 * thread does the same).  0, QUELL_EDB (none could be made), QUELL_ENOMEM. */
int quell__store_filter_build(quell *h);

/* Read a key's record inside a write: as quell__store_get, through the
 * transaction's cursor (which finds keys near the last ones without a
 * search from the root). */
int quell__store_wget(const quell *h, struct quell__wtxn *w, int scope, const char *key,
                      size_t keylen, struct quell__val *val);

/* A key's record decoded into r inside a write (r->n == 0 when there is
 * none); QUELL_EDB when it is damaged. */
int quell__store_load(quell *h, struct quell__wtxn *w, int scope, const char *key,
                      struct quell__rec *r);

/* Write (or, when r->n == 0, delete) a key's record.  Values read in this
 * transaction (and strings decoded from them) are invalid after any write:
 * copy what a later event needs before calling this. */
int quell__store_put(quell *h, struct quell__wtxn *w, int scope, const char *key,
                     const struct quell__rec *r);

/* quell__store_put of a record already encoded (enc, len: what
 * quell__rec_encode made of it, never empty): a change whose record has one
 * entry stores the bytes of that entry's image (sync_lww.c). */
int quell__store_put_enc(quell *h, struct quell__wtxn *w, int scope, const char *key,
                         const void *enc, size_t len);

/* Append a history event for key, with its change feed entry: sets
 * ev->seq and ev->origin. */
int quell__store_event(quell *h, struct quell__wtxn *w, const char *key, struct quell_event *ev);

/* The image of the entry an event left, carried by the change feed
 * (sync.h): none (history only), the entry (data: its one-entry record,
 * quell__rec_encode_one), or removed (a tombstone). */
enum { QUELL__IMG_NONE = 0, QUELL__IMG_ENTRY = 1, QUELL__IMG_REMOVED = 2 };
struct quell__img {
	int remote;        /* 1: ev keeps its origin and seq (an applied event) */
	int kind;          /* QUELL__IMG_* */
	const void *data;  /* QUELL__IMG_ENTRY: the encoded entry */
	size_t len;
};

/* quell__store_event with the change feed entry carrying img (NULL: as
 * quell__store_event).  A remote event (img->remote) keeps ev->origin and
 * ev->seq; its history key and feed entry take the next local sequence
 * number all the same. */
int quell__store_event_img(quell *h, struct quell__wtxn *w, const char *key,
                           struct quell_event *ev, const struct quell__img *img);

/* Mark the reply id `key` seen at time t: 0 when it is new (and now
 * stored), 1 when it was there already, or an error. */
int quell__store_seen(quell *h, struct quell__wtxn *w, const void *key, size_t klen, int64_t t);

/* ---- fleet (store_sync.c, sync.h) ---- */

/* First byte of the seen table's fleet keys (store.h's table list). */
#define QUELL__SEEN_EVENT 1
#define QUELL__SEEN_VERSION 2

/* Who wrote a shared entry (key, list, stream) last; kept after a removal
 * (removed = 1: a tombstone). */
struct quell__version {
	int64_t time;
	uint64_t seq;
	char origin[QUELL_NAME_MAX];
	int removed;
};

/* The version of (key, list, stream) inside a write: 0 with *v, 1 when
 * there is none, or an error. */
int quell__store_version_get(quell *h, struct quell__wtxn *w, const char *key, int list,
                             const char *stream, struct quell__version *v);
int quell__store_version_put(quell *h, struct quell__wtxn *w, const char *key, int list,
                             const char *stream, const struct quell__version *v);
/* Forget it (none there: 0 all the same). */
int quell__store_version_del(quell *h, struct quell__wtxn *w, const char *key, int list,
                             const char *stream);

/* 1 when the database is in a fleet (meta "fleet", read when the write
 * began), else 0; quell__store_fleet_set puts it there. */
int quell__store_fleet(const struct quell__wtxn *w);
int quell__store_fleet_set(quell *h, struct quell__wtxn *w);

/* 1 when a suppression derived from the fleet's counted replies was ever
 * put in this database (meta "derived", read once a write; sync.h), so
 * that a fleet that never derived one looks up no base; else 0.
 * quell__store_derived_set puts it there. */
int quell__store_derived(quell *h, struct quell__wtxn *w);
int quell__store_derived_set(quell *h, struct quell__wtxn *w);

/* A buffer the write's caller may use as it likes until the write ends
 * (freed then). */
struct quell__buf *quell__store_scratch(struct quell__wtxn *w);

/* The last sequence number the write used (the next event gets + 1). */
uint64_t quell__store_wseq(const struct quell__wtxn *w);

/* The value under key in table t in a read view: 0 with *v, 1 when there
 * is none, or an error. */
int quell__store_tget(quell *h, struct quell__txn *txn, enum quell__table t, const void *key,
                      size_t klen, struct quell__val *v);

/* What a scan's function answers for an item. */
enum quell__scan_step {
	QUELL__SCAN_NEXT,   /* go on */
	QUELL__SCAN_STOP,   /* stop here: the scan returns QUELL__SCAN_STOP */
	QUELL__SCAN_DELETE  /* delete this item (a write's view only), go on */
};

/* Called for each item of a scan with its key and value (valid during the
 * call); returns an enum quell__scan_step or a negative error. */
typedef int (*quell__scan_fn)(const struct quell__val *key, const struct quell__val *val,
                              void *ctx);

/* Walk table t in key order from the first key at or after from[0..fromlen)
 * (from the first key when from is NULL; with `after`, a key equal to from
 * is skipped).  0 at the end of the table, QUELL__SCAN_STOP when fn
 * stopped, or an error (fn's own, or the store's with a message). */
int quell__store_scan(quell *h, struct quell__txn *txn, enum quell__table t, const void *from,
                      size_t fromlen, int after, quell__scan_fn fn, void *ctx);

/* Called for each event of a history walk; ev is NULL for one that cannot
 * be decoded.  Returns 0 to go on, 1 to stop, or a negative error. */
typedef int (*quell__event_fn)(const struct quell_event *ev, void *ctx);

/* Walk key's history, newest first.  0, or fn's error, or the store's. */
int quell__store_history(quell *h, struct quell__txn *txn, const char *key, quell__event_fn fn,
                         void *ctx);
/* The same inside a write, where a key whose events would all sort past
 * its history table's last key (a new address of an import into a new
 * database) has none without a search (store_table.c). */
int quell__store_whistory(quell *h, struct quell__wtxn *w, const char *key, quell__event_fn fn,
                          void *ctx);

/* The history table that holds the events of the key a history key (or
 * a seek position: a key, then bytes under 0x20) of len bytes starts
 * with: dhistory for a domain in a schema 2 database, else history. */
enum quell__table quell__store_htable(const quell *h, const void *hkey, size_t len);

/* quell__store_scan over every history event: the history table, then
 * dhistory.  from (fromlen bytes, or NULL) is where to start, a history
 * key or seek position, in the table quell__store_htable names; after as
 * there.  Keys come in order within each table, addresses before
 * domains. */
int quell__store_scan_history(quell *h, struct quell__txn *txn, const void *from,
                              size_t fromlen, int after, quell__scan_fn fn, void *ctx);

/* Delete key[0..klen) from table t inside a write: 0 also when absent. */
int quell__store_del(quell *h, struct quell__wtxn *w, enum quell__table t, const void *key,
                     size_t klen);

/* For tests: write transactions of h read the domain table itself, not
 * the cache of what the last ones read and wrote (store_dcache.c), so
 * that the two can be compared. */
void quell__store_dcache_off(quell *h);

/* For tests: each write transaction of h starts by compacting the cache
 * (store_dcache.c), not only when it filled up; with records 0 it keeps
 * no slot at all (only the filter of names stays).  A pool of other than
 * 0 bytes (at most the default) makes the cache that small, so that it
 * fills. */
void quell__store_dcache_squeeze(quell *h, int records, size_t pool);

/* For tests: write transactions of h put every record, history key and
 * seen id with a search, and read every record (no bound on the last key,
 * store_table.c), so that the two can be compared. */
void quell__store_append_off(quell *h);

/* Sizes and counters of the database. */
struct quell__store_stat {
	uint64_t events;     /* history events */
	uint64_t last_seq;   /* the newest sequence number */
	uint64_t map_bytes;  /* current map size */
	uint64_t used_bytes; /* pages in use */
	uint64_t db_bytes;   /* the data file's size (0 if unknown) */
};

/* Fill st inside a read view. */
int quell__store_stat(quell *h, struct quell__txn *txn, struct quell__store_stat *st);

/* Let the kernel take back the map's pages from this process's resident
 * set (they stay in the page cache): a long import touches every page. */
void quell__store_trim(quell *h);
/* The same inside a write transaction (which keeps the map in place), when
 * the process's resident set is over `over` bytes (0: always). */
void quell__store_wtrim(quell *h, struct quell__wtxn *w, size_t over);
/* The same inside a read transaction (a long walk: rules diff). */
void quell__store_rtrim(quell *h, struct quell__txn *txn, size_t over);

/* The meta table's value under name[0..nlen) in a read view: 0 with *v
 * set, 1 when there is none, or an error. */
int quell__store_meta_get(quell *h, struct quell__txn *txn, const void *name, size_t nlen,
                          struct quell__val *v);

/* Set the meta table's value under name[0..nlen) inside a write.  Names
 * of the store's own ("schema", "seq", ...) are the caller's to avoid. */
int quell__store_meta_put(quell *h, struct quell__wtxn *w, const void *name, size_t nlen,
                          const void *value, size_t vlen);

#endif
