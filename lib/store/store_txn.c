/*
 * store_txn.c - the store's transactions: the pool of read-only
 * transactions (reset/renew, no allocation once warm, a look for dead
 * readers' slots once a minute) and write transactions that grow the map
 * on MDB_MAP_FULL and run the caller's function again (or before one
 * begins, when asked to make room: quell__store_room).  While a bulk
 * write (an import) leaves the meta page of its batches unsynced, every
 * other commit of the process syncs it, so that what it wrote is durable
 * when it returns.  A commit that a full file system cut short says so,
 * not "Input/output error".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "error.h"
#include "store_int.h"

#define READERS_EVERY 60 /* seconds between looks for dead readers' slots */
#define READERS_READS 1024 /* read transactions between looks at the clock */

/* LMDB answers a short write of its pages with EIO, which is what a full
 * file system gives: when the database's file system has no block left,
 * say ENOSPC instead. */
static int commit_error(const quell *h, const struct quell__store *s, int rc)
{
	struct statvfs v;

	if (rc == EIO && statvfs(s->path, &v) == 0 && v.f_bavail == 0)
		rc = ENOSPC;
	return quell__mdb_error(h, rc, "commit");
}

static int grow(const quell *h, struct quell__store *s)
{
	MDB_envinfo info;
	size_t size;
	int rc;

	pthread_rwlock_wrlock(&s->resize);
	if (s->env == NULL) { /* closed meanwhile (reopen): the next try says so */
		pthread_rwlock_unlock(&s->resize);
		return 0;
	}
	mdb_env_info(s->env, &info);
	size = info.me_mapsize;
	if (size >= s->max_size) {
		pthread_rwlock_unlock(&s->resize);
		return quell__error(h, QUELL_EIO, "database: full at its size limit of %zu bytes; "
		                    "prune it, or raise the limit (max_db_size, quell "
		                    "--max-db-size SIZE)", s->max_size);
	}
	size = size > s->max_size / 2 ? s->max_size : size * 2;
	rc = mdb_env_set_mapsize(s->env, size);
	pthread_rwlock_unlock(&s->resize);
	return rc ? quell__mdb_error(h, rc, "grow map") : 0;
}

int quell__store_room(quell *h, size_t bytes)
{
	struct quell__store *s = h->store;

	for (;;) {
		MDB_envinfo info;
		MDB_stat st;
		int enough = 1, rc;

		pthread_rwlock_rdlock(&s->resize);
		if (s->env != NULL && !s->readonly && mdb_env_info(s->env, &info) == 0 &&
		    mdb_env_stat(s->env, &st) == 0) {
			size_t used = ((size_t)info.me_last_pgno + 1) * st.ms_psize;

			enough = info.me_mapsize >= s->max_size || used > info.me_mapsize ||
			         info.me_mapsize - used >= bytes;
		}
		pthread_rwlock_unlock(&s->resize);
		if (enough)
			return 0;
		if ((rc = grow(h, s)) != 0)
			return rc;
	}
}

/* Whether a minute passed since dead readers' slots were last looked
 * for: a long-running process (policyd) clears them now and then, so
 * that others can still start.  The check path pays one relaxed counter
 * for it; the clock and the lock are for one read in READERS_READS (a
 * process that reads less gets its slots cleared by whoever meets
 * MDB_READERS_FULL, and at open). */
static int readers_due(struct quell__store *s)
{
	int64_t now;
	int due;

	if (atomic_fetch_add_explicit(&s->reads, 1, memory_order_relaxed) % READERS_READS != 0)
		return 0;
	now = quell__store_mono();

	pthread_mutex_lock(&s->pool_lock);
	due = now - s->readers_checked >= READERS_EVERY;
	if (due)
		s->readers_checked = now;
	pthread_mutex_unlock(&s->pool_lock);
	return due;
}

/* The error for a store whose environment is closed (see reopen): the
 * one that reopen met.  The caller holds s->resize, shared, and releases
 * it. */
int quell__store_closed(quell *h, struct quell__store *s)
{
	int rc = quell__error(h, s->lost_code, "%s", s->lost);

	pthread_rwlock_unlock(&s->resize);
	return rc;
}

int quell__store_read_begin(quell *h, struct quell__txn **out)
{
	struct quell__store *s = h->store;

	if (s == NULL)
		return quell__error(h, QUELL_EINVAL, "no database is open");
	if (readers_due(s)) {
		pthread_rwlock_rdlock(&s->resize);
		if (s->env != NULL)
			mdb_reader_check(s->env, NULL);
		pthread_rwlock_unlock(&s->resize);
	}
	for (int tries = 0;; tries++) {
		MDB_txn *txn = NULL;
		int rc;

		pthread_rwlock_rdlock(&s->resize);
		if (s->env == NULL)
			return quell__store_closed(h, s);
		pthread_mutex_lock(&s->pool_lock);
		if (s->npool > 0)
			txn = s->pool[--s->npool];
		pthread_mutex_unlock(&s->pool_lock);
		if (txn != NULL) {
			rc = mdb_txn_renew(txn);
			if (rc != 0)
				mdb_txn_abort(txn);
		} else {
			rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn);
		}
		if (rc == 0) {
			*out = quell__qtxn(txn);
			return 0;
		}
		pthread_rwlock_unlock(&s->resize);
		if (tries < 40) {
			int r = quell__store_recover(h, s, NULL, rc);
			if (r < 0)
				return r;
			if (r > 0)
				continue;
		}
		return quell__mdb_error(h, rc, "begin read transaction");
	}
}

void quell__store_read_end(quell *h, struct quell__txn *view)
{
	struct quell__store *s = h->store;
	MDB_txn *txn = quell__mtxn(view);

	mdb_txn_reset(txn);
	pthread_mutex_lock(&s->pool_lock);
	if (s->npool < QUELL__POOL) {
		s->pool[s->npool++] = txn;
		txn = NULL;
	}
	pthread_mutex_unlock(&s->pool_lock);
	if (txn != NULL)
		mdb_txn_abort(txn);
	pthread_rwlock_unlock(&s->resize);
}

struct quell__txn *quell__store_wview(struct quell__wtxn *w)
{
	return quell__qtxn(w->txn);
}

/* Commit txn.  While an import's batches leave the meta page unsynced
 * (quell__store_bulk; the flag is the environment's, so every commit of
 * this process has it), any other write still returns durable: its own
 * sync, meta page included. */
static int commit(quell *h, struct quell__store *s, MDB_txn *txn, int bulk)
{
	int rc = mdb_txn_commit(txn);

	if (rc == 0 && !bulk && s->bulk > 0) {
		rc = mdb_env_sync(s->env, 1);
		s->synced++;
	}
	return rc != 0 ? commit_error(h, s, rc) : 0;
}

/* A write transaction running fn; bulk: one of a bulk write's batches
 * (quell__store_write_bulk). */
static int write_txn(quell *h, quell__write_fn fn, void *ctx, int bulk)
{
	struct quell__store *s = h->store;
	struct quell__wtxn w;
	int rc = 0;

	if (s == NULL)
		return quell__error(h, QUELL_EINVAL, "no database is open");
	if (s->readonly || (h->flags & QUELL_OPEN_READONLY)) /* a shared store may write */
		return quell__error(h, QUELL_EREADONLY, "the database is open read-only");
	memset(&w, 0, sizeof w);
	for (int attempt = 0; attempt < 40; attempt++) {
		MDB_val v;

		pthread_rwlock_rdlock(&s->resize);
		if (s->env == NULL) {
			rc = quell__store_closed(h, s);
			break;
		}
		rc = mdb_txn_begin(s->env, NULL, 0, &w.txn);
		if (rc != 0) {
			int r;

			pthread_rwlock_unlock(&s->resize);
			w.txn = NULL;
			if ((r = quell__store_recover(h, s, NULL, rc)) > 0)
				continue;
			rc = r < 0 ? r : quell__mdb_error(h, rc, "begin write transaction");
			break;
		}
		pthread_mutex_lock(&s->dc_lock);
		quell__dcache_begin(s, w.txn);
		w.seq = 0;
		w.seq_dirty = 0;
		memset(w.cur, 0, sizeof w.cur); /* the last attempt's went with it */
		for (size_t t = 0; t < QUELL__LAST_TABLES; t++)
			w.last[t].state = s->append_off ? QUELL__LAST_NONE : QUELL__LAST_UNKNOWN;
		if ((rc = quell__store_get_meta(w.txn, s->dbi[QUELL__T_META], "seq", &v)) == 0 && v.mv_size == 8)
			w.seq = quell__be64_get(v.mv_data);
		w.fleet = quell__store_get_meta(w.txn, s->dbi[QUELL__T_META], "fleet", &v) == 0;
		w.derived = -1;
		rc = fn(h, &w, ctx);
		if (rc == 0 && w.seq_dirty) {
			unsigned char seq[8];
			quell__be64_put(seq, w.seq);
			if ((rc = quell__store_put_meta(w.txn, s->dbi[QUELL__T_META], "seq", seq, 8)) != 0)
				rc = quell__mdb_error(h, rc, "write sequence number");
		}
		if (rc == 0) {
			uint64_t id = (uint64_t)mdb_txn_id(w.txn);

			rc = commit(h, s, w.txn, bulk);
			quell__dcache_end(s, rc == 0 ? id : 0);
		} else {
			mdb_txn_abort(w.txn);
			quell__dcache_end(s, 0);
		}
		pthread_mutex_unlock(&s->dc_lock);
		w.txn = NULL;
		pthread_rwlock_unlock(&s->resize);
		if (rc == QUELL__EMAPFULL) {
			if ((rc = grow(h, s)) != 0)
				break;
			continue;
		}
		break;
	}
	quell__buf_free(&w.buf);
	quell__buf_free(&w.scratch);
	if (rc == QUELL__EMAPFULL)
		rc = quell__error(h, QUELL_EDB, "database: the map is full and cannot grow");
	return rc;
}

int quell__store_write(quell *h, quell__write_fn fn, void *ctx)
{
	return write_txn(h, fn, ctx, 0);
}

int quell__store_write_bulk(quell *h, quell__write_fn fn, void *ctx)
{
	return write_txn(h, fn, ctx, 1);
}
