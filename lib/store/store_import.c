/*
 * store_import.c - what the store does for a bulk write (the importer's
 * batches): the domain cache (store_dcache.c) given a filter of every key
 * of the domain table, made in one pass over it, so that the verdict
 * probes of names the table does not hold stop descending it
 * (bench/README.md, step 14); and
 * commits that sync the meta page with the data, once, until the bulk
 * write ends with a sync of its own.
 *
 * Knows nothing of what records mean.
 */
#include "store_int.h"

void quell__store_dwarm(quell *h, struct quell__wtxn *w, size_t over)
{
	struct quell__store *s = h->store;
	MDB_cursor *c = NULL;
	MDB_stat st;
	MDB_val k, v;
	size_t n = 0;
	int rc;

	if (mdb_stat(w->txn, s->dbi[QUELL__T_DOMAIN], &st) != 0 ||
	    quell__dcache_names_begin(s, st.ms_entries) != 0)
		return;
	if (mdb_cursor_open(w->txn, s->dbi[QUELL__T_DOMAIN], &c) != 0) {
		quell__dcache_names_end(s, 0);
		return;
	}
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		/* each page fault maps up to 64 KB around the page it reads */
		if (++n % 256 == 0)
			quell__store_wtrim(h, w, over);
		quell__dcache_name(s, k.mv_data, k.mv_size);
	}
	quell__dcache_names_end(s, rc == MDB_NOTFOUND);
	mdb_cursor_close(c);
}

int quell__store_bulk(quell *h, int on)
{
	struct quell__store *s = h->store;
	int rc = 0, flip;

	/* no transaction of this process runs while the flag changes (LMDB
	 * reads it at each commit) */
	pthread_rwlock_wrlock(&s->resize);
	pthread_mutex_lock(&s->pool_lock);
	s->bulk += on ? 1 : -1;
	flip = s->bulk == (on ? 1 : 0);
	pthread_mutex_unlock(&s->pool_lock);
	if (s->env != NULL && !s->readonly) {
		if (flip)
			(void)mdb_env_set_flags(s->env, MDB_NOMETASYNC, on);
		if (!on)
			rc = mdb_env_sync(s->env, 1);
	}
	pthread_rwlock_unlock(&s->resize);
	return rc;
}

int quell__store_bulk_now(quell *h)
{
	unsigned flags = 0;

	return h->store != NULL && h->store->env != NULL &&
	       mdb_env_get_flags(h->store->env, &flags) == 0 && (flags & MDB_NOMETASYNC) != 0;
}

unsigned long quell__store_bulk_synced(quell *h)
{
	return h->store != NULL ? h->store->synced : 0;
}
