/*
 * iter.c - walk the lists: every entry that passes the filters, domains
 * first then addresses, each in key order, in one read transaction.
 */
#include <string.h>

#include "check.h"
#include "error.h"
#include "names.h"
#include "store.h"

struct walk {
	const struct quell_list_options *o;
	int64_t now;
	quell_entry_cb cb;
	void *ctx;
};

static int passes(const struct walk *w, const struct quell_entry *e)
{
	const struct quell_list_options *o = w->o;

	if (e->list == QUELL__LIST_COUNT)
		return 0;
	if (o->list != QUELL_LIST_NONE && e->list != o->list)
		return 0;
	if (o->stream == NULL) {
		if (e->stream[0] != '\0')
			return 0;
	} else if (strcmp(o->stream, "*") != 0 && strcmp(o->stream, e->stream) != 0) {
		return 0;
	}
	if (o->category != NULL && strcmp(o->category, e->category) != 0)
		return 0;
	if (o->since != 0 && e->updated < o->since)
		return 0;
	if (!o->include_expired && !quell__entry_live(e, w->now))
		return 0;
	return 1;
}

static int walk_table(quell *h, MDB_txn *txn, int scope, struct walk *w)
{
	MDB_cursor *cur;
	MDB_val k, v;
	char key[QUELL_ENTRY_MAX];
	int rc, stop = 0;

	if ((rc = mdb_cursor_open(txn, quell__store_dbi(h, scope), &cur)) != 0)
		return quell__mdb_error(h, rc, "open cursor");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && !stop;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct quell__rec_iter it;
		struct quell__ent x;
		int r;

		if (k.mv_size >= sizeof key || quell__rec_begin(&it, v.mv_data, v.mv_size) != 0) {
			mdb_cursor_close(cur);
			return quell__error(h, QUELL_EDB, "database: a damaged record in the %s table",
			                    quell_scope_name(scope));
		}
		memcpy(key, k.mv_data, k.mv_size);
		key[k.mv_size] = '\0';
		while ((r = quell__rec_next(&it, &x)) == 1) {
			x.e.key = key;
			x.e.scope = scope;
			if (!passes(w, &x.e))
				continue;
			if ((stop = w->cb(w->ctx, &x.e)) != 0)
				break;
		}
		if (r < 0) {
			mdb_cursor_close(cur);
			return quell__error(h, QUELL_EDB, "database: the record of %s is damaged", key);
		}
	}
	mdb_cursor_close(cur);
	if (stop)
		return stop;
	return rc == MDB_NOTFOUND ? 0 : quell__mdb_error(h, rc, "read");
}

int quell_list(quell *h, const struct quell_list_options *opts, quell_entry_cb cb,
               void *payload)
{
	struct quell_list_options def = QUELL_LIST_OPTIONS_INIT;
	struct walk w;
	MDB_txn *txn;
	int rc = 0;

	if (h == NULL || cb == NULL)
		return quell__error(h, QUELL_EINVAL, "list: NULL argument");
	if (opts == NULL)
		opts = &def;
	if (opts->version < 1 || opts->version > QUELL_LIST_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "list options version %u is not supported",
		                    opts->version);
	if ((rc = quell__stream_check(h, opts->stream, 1)) != 0)
		return rc;
	w.o = opts;
	w.now = quell__now(opts->now);
	w.cb = cb;
	w.ctx = payload;
	if ((rc = quell__store_read_begin(h, &txn)) != 0)
		return rc;
	if (opts->scope != QUELL_SCOPE_ADDRESS)
		rc = walk_table(h, txn, QUELL_SCOPE_DOMAIN, &w);
	if (rc == 0 && opts->scope != QUELL_SCOPE_DOMAIN)
		rc = walk_table(h, txn, QUELL_SCOPE_ADDRESS, &w);
	quell__store_read_end(h, txn);
	return rc;
}
