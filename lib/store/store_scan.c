/*
 * store_scan.c - walks over many records of the store: a table in key
 * order from a given key (deleting as it goes inside a write), one key's
 * history newest first, every history event (both tables of schema 2),
 * and deletes by key.  What a walk looks for is the
 * caller's; how the keys are laid out stays here.
 */
#include <string.h>

#include "error.h"
#include "store_int.h"

#define KEY_MAX 512 /* LMDB's longest key (511 by default) and its NUL */

int quell__store_scan(quell *h, struct quell__txn *txn, enum quell__table t, const void *from,
                      size_t fromlen, int after, quell__scan_fn fn, void *ctx)
{
	unsigned char last[KEY_MAX];
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, step = QUELL__SCAN_NEXT;

	if ((rc = mdb_cursor_open(quell__mtxn(txn), h->store->dbi[t], &cur)) != 0)
		return quell__mdb_error(h, rc, "open cursor");
	if (from != NULL) {
		k.mv_size = fromlen;
		k.mv_data = (void *)from;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc == 0 && after && k.mv_size == fromlen && memcmp(k.mv_data, from, fromlen) == 0)
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	} else {
		rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	}
	while (rc == 0) {
		struct quell__val qk = { k.mv_data, k.mv_size }, qv = { v.mv_data, v.mv_size };

		step = fn(&qk, &qv, ctx);
		if (step < 0 || step == QUELL__SCAN_STOP)
			break;
		if (step == QUELL__SCAN_DELETE) {
			size_t n = k.mv_size;

			if (n > sizeof last) {
				rc = MDB_BAD_VALSIZE;
				break;
			}
			memcpy(last, k.mv_data, n);
			if (t == QUELL__T_DOMAIN)
				quell__dcache_forget(h->store, last, n);
			if ((rc = mdb_cursor_del(cur, 0)) != 0)
				break;
			/* seek past the deleted key: after a delete at the end of
			 * the table the cursor has no current item to step from */
			k.mv_size = n;
			k.mv_data = last;
			rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
			continue;
		}
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (step < 0)
		return step;
	if (step == QUELL__SCAN_STOP)
		return QUELL__SCAN_STOP;
	if (rc != 0 && rc != MDB_NOTFOUND)
		return quell__mdb_error(h, rc, step == QUELL__SCAN_DELETE ? "delete" : "read");
	return 0;
}

struct history_walk {
	unsigned char pfx[QUELL__HKEY_MAX];
	size_t plen;
	quell__event_fn fn;
	void *ctx;
};

static int history_step(const struct quell__val *key, const struct quell__val *val, void *vctx)
{
	struct history_walk *hw = vctx;
	struct quell_event ev;
	int rc;

	if (key->len <= hw->plen || memcmp(key->data, hw->pfx, hw->plen) != 0)
		return QUELL__SCAN_STOP; /* past the key's events */
	rc = hw->fn(quell__event_decode(&ev, val->data, val->len) == 0 ? &ev : NULL, hw->ctx);
	if (rc < 0)
		return rc;
	return rc ? QUELL__SCAN_STOP : QUELL__SCAN_NEXT;
}

int quell__store_history(quell *h, struct quell__txn *txn, const char *key, quell__event_fn fn,
                         void *ctx)
{
	struct history_walk hw;
	int rc;

	if (strlen(key) >= QUELL_ENTRY_MAX)
		return quell__error(h, QUELL_EINTERNAL, "history key too long");
	hw.plen = quell__history_prefix(key, hw.pfx);
	hw.fn = fn;
	hw.ctx = ctx;
	rc = quell__store_scan(h, txn, quell__store_htable(h, hw.pfx, hw.plen), hw.pfx, hw.plen, 0,
	                       history_step, &hw);
	return rc < 0 ? rc : 0;
}

int quell__store_scan_history(quell *h, struct quell__txn *txn, const void *from,
                              size_t fromlen, int after, quell__scan_fn fn, void *ctx)
{
	int rc;

	if (!h->store->dhistory)
		return quell__store_scan(h, txn, QUELL__T_HISTORY, from, fromlen, after, fn, ctx);
	if (from == NULL || quell__store_htable(h, from, fromlen) == QUELL__T_HISTORY) {
		rc = quell__store_scan(h, txn, QUELL__T_HISTORY, from, fromlen, after, fn, ctx);
		if (rc != 0)
			return rc;
		from = NULL;
		fromlen = 0;
	}
	return quell__store_scan(h, txn, QUELL__T_DHISTORY, from, fromlen, after, fn, ctx);
}

int quell__store_del(quell *h, struct quell__wtxn *w, enum quell__table t, const void *key,
                     size_t klen)
{
	MDB_val k = { klen, (void *)key };
	int rc;

	if (t == QUELL__T_DOMAIN)
		quell__dcache_forget(h->store, key, klen);
	rc = mdb_del(w->txn, h->store->dbi[t], &k, NULL);

	return rc != 0 && rc != MDB_NOTFOUND ? quell__mdb_error(h, rc, "delete") : 0;
}
