/*
 * store_sync.c - what a fleet keeps in the store beside entries and
 * history (sync.h): the version of each shared entry (who wrote it last,
 * kept after a removal as its tombstone), whether the database is in a
 * fleet, a scratch buffer for the writer, and plain reads of one value.
 *
 * A version lives in the seen table under \2 key NUL u8(list) stream:
 * be64 time, u8 removed, be64 seq, origin bytes.  Its value is longer than
 * a reply id's be64 time, so prune tells them apart (prune.c drops
 * tombstones older than its horizon).  Knows nothing of what an entry
 * holds or of the rule that compares versions (sync_lww.c).
 */
#include <string.h>

#include "error.h"
#include "store_int.h"

#define VKEY_MAX (1 + QUELL_ENTRY_MAX + 1 + QUELL_STREAM_MAX)
#define VVAL_MIN 17

static size_t version_key(const char *key, int list, const char *stream, unsigned char *out)
{
	size_t kl = strlen(key), sl = stream != NULL ? strlen(stream) : 0, n = 0;

	if (kl >= QUELL_ENTRY_MAX || sl >= QUELL_STREAM_MAX)
		return 0;
	out[n++] = QUELL__SEEN_VERSION;
	memcpy(out + n, key, kl);
	n += kl;
	out[n++] = '\0';
	out[n++] = (unsigned char)list;
	memcpy(out + n, stream, sl);
	return n + sl;
}

int quell__store_version_get(quell *h, struct quell__wtxn *w, const char *key, int list,
                             const char *stream, struct quell__version *v)
{
	unsigned char kb[VKEY_MAX];
	size_t kl = version_key(key, list, stream, kb), ol;
	MDB_val k = { kl, kb }, d;
	int rc;

	if (kl == 0)
		return quell__error(h, QUELL_EINTERNAL, "version key too long");
	rc = mdb_get(w->txn, h->store->dbi[QUELL__T_SEEN], &k, &d);
	if (rc == MDB_NOTFOUND)
		return 1;
	if (rc != 0)
		return quell__mdb_error(h, rc, "read versions");
	if (d.mv_size < VVAL_MIN)
		return quell__error(h, QUELL_EDB, "database: the version of %s is damaged", key);
	v->time = (int64_t)quell__be64_get(d.mv_data);
	v->removed = ((unsigned char *)d.mv_data)[8] != 0;
	v->seq = quell__be64_get((unsigned char *)d.mv_data + 9);
	ol = d.mv_size - VVAL_MIN;
	if (ol >= sizeof v->origin)
		ol = sizeof v->origin - 1;
	memcpy(v->origin, (unsigned char *)d.mv_data + VVAL_MIN, ol);
	v->origin[ol] = '\0';
	return 0;
}

int quell__store_version_put(quell *h, struct quell__wtxn *w, const char *key, int list,
                             const char *stream, const struct quell__version *v)
{
	unsigned char kb[VKEY_MAX], vb[VVAL_MIN + QUELL_NAME_MAX];
	size_t kl = version_key(key, list, stream, kb), ol = strlen(v->origin);
	MDB_val k = { kl, kb }, d;
	int rc;

	if (kl == 0 || ol >= QUELL_NAME_MAX)
		return quell__error(h, QUELL_EINTERNAL, "version key too long");
	quell__be64_put(vb, (uint64_t)v->time);
	vb[8] = v->removed ? 1 : 0;
	quell__be64_put(vb + 9, v->seq);
	memcpy(vb + VVAL_MIN, v->origin, ol);
	d.mv_size = VVAL_MIN + ol;
	d.mv_data = vb;
	rc = mdb_put(w->txn, h->store->dbi[QUELL__T_SEEN], &k, &d, 0);
	return rc ? quell__mdb_error(h, rc, "write versions") : 0;
}

int quell__store_version_del(quell *h, struct quell__wtxn *w, const char *key, int list,
                             const char *stream)
{
	unsigned char kb[VKEY_MAX];
	size_t kl = version_key(key, list, stream, kb);
	MDB_val k = { kl, kb };
	int rc;

	if (kl == 0)
		return quell__error(h, QUELL_EINTERNAL, "version key too long");
	rc = mdb_del(w->txn, h->store->dbi[QUELL__T_SEEN], &k, NULL);
	return rc != 0 && rc != MDB_NOTFOUND ? quell__mdb_error(h, rc, "write versions") : 0;
}

int quell__store_fleet(const struct quell__wtxn *w)
{
	return w->fleet;
}

int quell__store_fleet_set(quell *h, struct quell__wtxn *w)
{
	int rc;

	if (w->fleet)
		return 0;
	if ((rc = quell__store_meta_put(h, w, "fleet", 5, "1", 1)) != 0)
		return rc;
	w->fleet = 1;
	return 0;
}

int quell__store_derived(quell *h, struct quell__wtxn *w)
{
	MDB_val v;

	if (w->derived < 0)
		w->derived = quell__store_get_meta(w->txn, h->store->dbi[QUELL__T_META], "derived",
		                                   &v) == 0;
	return w->derived;
}

int quell__store_derived_set(quell *h, struct quell__wtxn *w)
{
	int rc;

	if (quell__store_derived(h, w))
		return 0;
	if ((rc = quell__store_meta_put(h, w, "derived", 7, "1", 1)) != 0)
		return rc;
	w->derived = 1;
	return 0;
}

struct quell__buf *quell__store_scratch(struct quell__wtxn *w)
{
	return &w->scratch;
}

uint64_t quell__store_wseq(const struct quell__wtxn *w)
{
	return w->seq;
}

int quell__store_tget(quell *h, struct quell__txn *txn, enum quell__table t, const void *key,
                      size_t klen, struct quell__val *v)
{
	MDB_val k = { klen, (void *)key }, d;
	int rc = mdb_get(quell__mtxn(txn), h->store->dbi[t], &k, &d);

	if (rc == MDB_NOTFOUND)
		return 1;
	if (rc != 0)
		return quell__mdb_error(h, rc, "read");
	v->data = d.mv_data;
	v->len = d.mv_size;
	return 0;
}
