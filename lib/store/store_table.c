/*
 * store_table.c - the store's tables, record by record: records of keys
 * (read, decoded, written), history events with their change feed
 * entries, seen reply ids and meta values (marks), through the write
 * transaction's cursors.  Walks over many records are store_scan.c's.
 *
 * quell__store_put and quell__store_event are the only writers of
 * records, history and the change feed; write.c's quell__write_change,
 * built on the two, is the one writer of an entry with its events: every
 * path that changes an entry (lists, import, record, prune) comes through
 * it; a fleet's apply (sync_apply.c) stores other hosts' events with
 * their own ids (quell__store_event_img).
 *
 * A write transaction keeps, for the record tables, the history and the
 * seen ids, a bound on their last key (struct quell__wlast): looked up
 * once, then moved by each put past it.  A key past the bound is absent
 * without a search, and is put with MDB_APPEND, which neither searches
 * from the root nor splits pages in halves (an import into a new database
 * writes its sorted keys, their history keys and their rows' ids at the
 * end of each table: full pages, a third fewer of them); LMDB refuses an
 * append that is not past its last key, and the put is then made with a
 * search.  Puts and deletes are all this file's and store_scan.c's; a
 * delete leaves the bound a bound.
 */
#include <string.h>

#include "error.h"
#include "store_int.h"

static void val_out(struct quell__val *out, const MDB_val *v)
{
	out->data = v->mv_data;
	out->len = v->mv_size;
}

/* What a lookup found: 0 with it in out, 1 when there is no such key, or
 * the error (what: the message's word for the table). */
static int found(const quell *h, int rc, const MDB_val *v, struct quell__val *out,
                 const char *what)
{
	if (rc == MDB_NOTFOUND)
		return 1;
	if (rc != 0)
		return quell__mdb_error(h, rc, what);
	val_out(out, v);
	return 0;
}

int quell__store_get(const quell *h, struct quell__txn *txn, int scope, const char *key,
                     size_t keylen, struct quell__val *val)
{
	MDB_val k = { keylen, (void *)key }, v;
	int rc = mdb_get(quell__mtxn(txn), h->store->dbi[QUELL__T_SCOPE(scope)], &k, &v);

	return found(h, rc, &v, val, "read");
}

int quell__store_empty(const quell *h, struct quell__txn *txn, enum quell__table t)
{
	MDB_stat ms;

	return mdb_stat(quell__mtxn(txn), h->store->dbi[t], &ms) == 0 && ms.ms_entries == 0;
}

int quell__store_wcur(const quell *h, struct quell__wtxn *w, enum quell__table i,
                      MDB_cursor **out)
{
	int rc;

	if (w->cur[i] == NULL &&
	    (rc = mdb_cursor_open(w->txn, h->store->dbi[i], &w->cur[i])) != 0) {
		w->cur[i] = NULL;
		return quell__mdb_error(h, rc, "open cursor");
	}
	*out = w->cur[i];
	return 0;
}

/* The tables' key order: LMDB's default (bytes, then the shorter first). */
static int key_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c != 0 ? c : (alen > blen) - (alen < blen);
}

/* Whether key sorts after every key of table t, as far as w knows. */
static int past_last(const struct quell__wtxn *w, enum quell__table t, const void *key,
                     size_t len)
{
	const struct quell__wlast *l = &w->last[t];

	return l->state == QUELL__LAST_EMPTY ||
	       (l->state == QUELL__LAST_KEY && key_cmp(key, len, l->key, l->len) > 0);
}

static void set_last(struct quell__wlast *l, const void *key, size_t len)
{
	if (len > sizeof l->key) {
		l->state = QUELL__LAST_NONE;
		return;
	}
	memcpy(l->key, key, len);
	l->len = len;
	l->state = QUELL__LAST_KEY;
}

/* The bound of table t known, looked up through its cursor c the first
 * time.  LMDB codes. */
static int know_last(struct quell__wtxn *w, enum quell__table t, MDB_cursor *c)
{
	struct quell__wlast *l = &w->last[t];
	MDB_val lk, lv;
	int rc;

	if (l->state != QUELL__LAST_UNKNOWN)
		return 0;
	rc = mdb_cursor_get(c, &lk, &lv, MDB_LAST);
	if (rc == MDB_NOTFOUND)
		l->state = QUELL__LAST_EMPTY;
	else if (rc == 0)
		set_last(l, lk.mv_data, lk.mv_size);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Put k, v into table t (a record table, a history or the seen ids)
 * through its cursor c: appended when k is past the table's last key
 * (looked up on the first put of the transaction), else with a search
 * and flags.  LMDB codes (MDB_KEYEXIST for MDB_NOOVERWRITE and a key
 * there). */
static int put_ordered(struct quell__wtxn *w, enum quell__table t, MDB_cursor *c, MDB_val *k,
                       MDB_val *v, unsigned flags)
{
	struct quell__wlast *l = &w->last[t];
	int rc;

	if ((rc = know_last(w, t, c)) != 0)
		return rc;
	if (past_last(w, t, k->mv_data, k->mv_size)) {
		/* LMDB checks it too: not past its last key, nothing written */
		rc = mdb_cursor_put(c, k, v, MDB_APPEND);
		if (rc == 0) {
			set_last(l, k->mv_data, k->mv_size);
			return 0;
		}
		if (rc != MDB_KEYEXIST)
			return rc;
		l->state = QUELL__LAST_UNKNOWN;
	}
	return mdb_cursor_put(c, k, v, flags);
}

void quell__store_append_off(quell *h)
{
	if (h->store != NULL)
		h->store->append_off = 1;
}

int quell__store_seen(quell *h, struct quell__wtxn *w, const void *key, size_t klen, int64_t t)
{
	unsigned char tb[8];
	MDB_val k = { klen, (void *)key }, v = { sizeof tb, tb };
	MDB_cursor *c = NULL;
	int rc;

	if ((rc = quell__store_wcur(h, w, QUELL__T_SEEN, &c)) != 0)
		return rc;
	quell__be64_put(tb, (uint64_t)t);
	/* past the last id (an import's sorted rows): appended, no search;
	 * else one search: insert, or find the id already there */
	rc = put_ordered(w, QUELL__T_SEEN, c, &k, &v, MDB_NOOVERWRITE);
	if (rc == MDB_KEYEXIST)
		return 1;
	return rc ? quell__mdb_error(h, rc, "write seen ids") : 0;
}

int quell__store_wget(const quell *h, struct quell__wtxn *w, int scope, const char *key,
                      size_t keylen, struct quell__val *val)
{
	MDB_val k = { keylen, (void *)key }, v;
	MDB_cursor *c = NULL;
	int rc;

	if (scope == QUELL_SCOPE_DOMAIN && (rc = quell__dcache_get(h->store, key, keylen, &v)) >= 0) {
		if (rc == 0)
			val_out(val, &v);
		return rc;
	}
	if (past_last(w, QUELL__T_SCOPE(scope), key, keylen))
		rc = MDB_NOTFOUND; /* after the last key: no search */
	else if ((rc = quell__store_wcur(h, w, QUELL__T_SCOPE(scope), &c)) != 0)
		return rc;
	else
		rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
	if (scope == QUELL_SCOPE_DOMAIN && (rc == 0 || rc == MDB_NOTFOUND))
		quell__dcache_put(h->store, key, keylen, rc == 0 ? &v : NULL);
	return found(h, rc, &v, val, "read");
}

int quell__store_load(quell *h, struct quell__wtxn *w, int scope, const char *key,
                      struct quell__rec *r)
{
	struct quell__val v;
	int rc = quell__store_wget(h, w, scope, key, strlen(key), &v);

	r->n = 0;
	if (rc < 0)
		return rc;
	if (rc == 0 && quell__rec_decode(r, v.data, v.len) != 0)
		return quell__error(h, QUELL_EDB, "database: the record of %s is damaged", key);
	return 0;
}

int quell__store_put_enc(quell *h, struct quell__wtxn *w, int scope, const char *key,
                         const void *enc, size_t len)
{
	MDB_val k = { strlen(key), (void *)key }, v = { len, (void *)enc };
	MDB_cursor *c = NULL;
	int rc;

	if (scope == QUELL_SCOPE_DOMAIN)
		quell__dcache_forget(h->store, key, k.mv_size);
	if ((rc = quell__store_wcur(h, w, QUELL__T_SCOPE(scope), &c)) != 0)
		return rc;
	if ((rc = put_ordered(w, QUELL__T_SCOPE(scope), c, &k, &v, 0)) != 0)
		return quell__mdb_error(h, rc, "write");
	/* the next verdict probe of this domain finds what was put */
	if (scope == QUELL_SCOPE_DOMAIN) {
		quell__dcache_added(h->store, key, k.mv_size);
		quell__dcache_put(h->store, key, k.mv_size, &v);
	}
	return 0;
}

int quell__store_put(quell *h, struct quell__wtxn *w, int scope, const char *key,
                     const struct quell__rec *r)
{
	if (r->n == 0) {
		MDB_val k = { strlen(key), (void *)key };
		int rc;

		if (scope == QUELL_SCOPE_DOMAIN)
			quell__dcache_forget(h->store, key, k.mv_size);
		rc = mdb_del(w->txn, h->store->dbi[QUELL__T_SCOPE(scope)], &k, NULL);
		return rc && rc != MDB_NOTFOUND ? quell__mdb_error(h, rc, "delete") : 0;
	}
	w->buf.len = 0;
	quell__rec_encode(&w->buf, r);
	if (w->buf.oom)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	return quell__store_put_enc(h, w, scope, key, w->buf.data, w->buf.len);
}

size_t quell__history_prefix(const char *key, unsigned char *out)
{
	size_t n = strlen(key);

	memcpy(out, key, n);
	out[n] = '\0';
	return n + 1;
}

enum quell__table quell__store_htable(const quell *h, const void *hkey, size_t len)
{
	const unsigned char *p = hkey;

	if (!h->store->dhistory)
		return QUELL__T_HISTORY;
	/* the key is what comes before the first byte under 0x20 (NUL in a
	 * history key); an address has an '@' there, a domain none */
	for (size_t i = 0; i < len && p[i] >= 0x20; i++)
		if (p[i] == '@')
			return QUELL__T_HISTORY;
	return QUELL__T_DHISTORY;
}

int quell__store_whistory(quell *h, struct quell__wtxn *w, const char *key, quell__event_fn fn,
                          void *ctx)
{
	unsigned char pfx[QUELL__HKEY_MAX];
	enum quell__table t;
	MDB_cursor *c = NULL;
	size_t n;
	int rc;

	if (strlen(key) >= QUELL_ENTRY_MAX)
		return quell__error(h, QUELL_EINTERNAL, "history key too long");
	n = quell__history_prefix(key, pfx);
	t = quell__store_htable(h, pfx, n);
	/* every event of key sorts after its prefix: past the last key, none */
	if ((rc = quell__store_wcur(h, w, t, &c)) != 0)
		return rc;
	if ((rc = know_last(w, t, c)) != 0)
		return quell__mdb_error(h, rc, "read history");
	if (past_last(w, t, pfx, n))
		return 0;
	return quell__store_history(h, quell__store_wview(w), key, fn, ctx);
}

int quell__store_event(quell *h, struct quell__wtxn *w, const char *key, struct quell_event *ev)
{
	return quell__store_event_img(h, w, key, ev, NULL);
}

/* The change feed entry of sequence number seq: the history key hk[0..n),
 * then the image, if any (store.h), written straight into the page
 * (MDB_RESERVE). */
static int put_feed(quell *h, struct quell__wtxn *w, uint64_t seq, const unsigned char *hk,
                    size_t n, const struct quell__img *img)
{
	unsigned char sk[8], *p;
	MDB_val k = { sizeof sk, sk }, v;
	MDB_cursor *c = NULL;
	int with = img != NULL && img->kind != QUELL__IMG_NONE, rc;

	quell__be64_put(sk, seq);
	v.mv_size = n + (with ? 1 + img->len : 0);
	if ((rc = quell__store_wcur(h, w, QUELL__T_CHANGES, &c)) != 0)
		return rc;
	rc = mdb_cursor_put(c, &k, &v, MDB_APPEND | MDB_RESERVE);
	if (rc == MDB_KEYEXIST) /* a sequence number reused: keep the newest */
		rc = mdb_cursor_put(c, &k, &v, MDB_RESERVE);
	if (rc != 0)
		return quell__mdb_error(h, rc, "write change feed");
	p = v.mv_data;
	memcpy(p, hk, n);
	if (with) {
		p[n] = (unsigned char)img->kind;
		if (img->len > 0)
			memcpy(p + n + 1, img->data, img->len);
	}
	return 0;
}

int quell__store_event_img(quell *h, struct quell__wtxn *w, const char *key,
                           struct quell_event *ev, const struct quell__img *img)
{
	unsigned char hk[QUELL__HKEY_MAX];
	size_t n;
	uint64_t lseq;
	MDB_val k, v;
	MDB_cursor *c = NULL;
	enum quell__table t;
	int rc;

	if (strlen(key) >= QUELL_ENTRY_MAX)
		return quell__error(h, QUELL_EINTERNAL, "history key too long");
	/* a remote event keeps its origin's id; the history key and the
	 * change feed take the next local sequence number */
	lseq = ++w->seq;
	if (img == NULL || !img->remote) {
		ev->seq = lseq;
		ev->origin = h->origin;
	}
	w->seq_dirty = 1;
	n = quell__history_prefix(key, hk);
	quell__be64_put(hk + n, ~((uint64_t)ev->time ^ (UINT64_C(1) << 63)));
	quell__be64_put(hk + n + 8, ~lseq);
	n += 16;
	w->buf.len = 0;
	quell__event_encode(&w->buf, ev);
	if (w->buf.oom)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	k.mv_size = n;
	k.mv_data = hk;
	v.mv_size = w->buf.len;
	v.mv_data = w->buf.data;
	t = quell__store_htable(h, hk, n);
	if ((rc = quell__store_wcur(h, w, t, &c)) != 0)
		return rc;
	if ((rc = put_ordered(w, t, c, &k, &v, 0)) != 0)
		return quell__mdb_error(h, rc, "write history");
	return put_feed(h, w, lseq, hk, n, img);
}

/* ------------------------------------------------------------------ marks */

int quell__store_meta_get(quell *h, struct quell__txn *txn, const void *name, size_t nlen,
                          struct quell__val *v)
{
	MDB_val k = { nlen, (void *)name }, mv;
	int rc = mdb_get(quell__mtxn(txn), h->store->dbi[QUELL__T_META], &k, &mv);

	return found(h, rc, &mv, v, "read meta table");
}

int quell__store_meta_put(quell *h, struct quell__wtxn *w, const void *name, size_t nlen,
                          const void *value, size_t vlen)
{
	MDB_val k = { nlen, (void *)name }, v = { vlen, (void *)value };
	int rc = mdb_put(w->txn, h->store->dbi[QUELL__T_META], &k, &v, 0);

	return rc ? quell__mdb_error(h, rc, "write meta table") : 0;
}
