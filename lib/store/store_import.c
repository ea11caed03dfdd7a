/*
 * store_import.c - what the store does for a bulk write (the importer's
 * batches): the domain cache (store_dcache.c) filled with every key of
 * a small domain table at once, so that the verdict probes of names the
 * table does not hold stop descending it (bench/README.md, step 14).
 *
 * Knows nothing of what records mean.
 */
#include "store_int.h"

/* Above this many domain keys the cache is left to the probes (the keys
 * must fill at most half of it: store_dcache.c). */
#define DWARM_MAX 49152

void quell__store_dwarm(quell *h, struct quell__wtxn *w, size_t over)
{
	struct quell__store *s = h->store;
	MDB_cursor *c = NULL;
	MDB_stat st;
	MDB_val k, v;
	size_t n = 0;
	int rc;

	if (!quell__dcache_fresh(s) || mdb_stat(w->txn, s->dbi[QUELL__T_DOMAIN], &st) != 0 ||
	    st.ms_entries > DWARM_MAX || mdb_cursor_open(w->txn, s->dbi[QUELL__T_DOMAIN], &c) != 0)
		return;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		/* each page fault maps up to 64 KB around the page it reads */
		if (++n % 256 == 0)
			quell__store_wtrim(h, w, over);
		if (quell__dcache_know(s, k.mv_data, k.mv_size) != 0)
			break;
	}
	quell__dcache_completed(s, rc == MDB_NOTFOUND);
	mdb_cursor_close(c);
}
