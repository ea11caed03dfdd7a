/*
 * list.c - walk the lists: every entry that passes the filters, domains
 * first then addresses, each in key order, in one read transaction.
 */
#include <string.h>

#include "check.h"
#include "error.h"
#include "names.h"
#include "store.h"
#include "timefmt.h"

struct walk {
	quell *h;
	int scope;                       /* of the table being walked */
	int stop;                        /* what cb said when it stopped */
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

static int list_step(const struct quell__val *k, const struct quell__val *v, void *vctx)
{
	struct walk *w = vctx;
	char key[QUELL_ENTRY_MAX];
	struct quell__rec_iter it;
	struct quell__ent x;
	int r;

	if (k->len >= sizeof key || quell__rec_begin(&it, v->data, v->len) != 0)
		return quell__error(w->h, QUELL_EDB, "database: a damaged record in the %s table",
		                    quell_scope_name(w->scope));
	memcpy(key, k->data, k->len);
	key[k->len] = '\0';
	while ((r = quell__rec_next(&it, &x)) == 1) {
		x.e.key = key;
		x.e.scope = w->scope;
		if (!passes(w, &x.e))
			continue;
		if ((w->stop = w->cb(w->ctx, &x.e)) != 0)
			return QUELL__SCAN_STOP;
	}
	if (r < 0)
		return quell__error(w->h, QUELL_EDB, "database: the record of %s is damaged", key);
	return QUELL__SCAN_NEXT;
}

static int walk_table(quell *h, struct quell__txn *txn, int scope, struct walk *w)
{
	int rc;

	w->scope = scope;
	w->stop = 0;
	rc = quell__store_scan(h, txn, QUELL__T_SCOPE(scope), NULL, 0, 0, list_step, w);
	return rc == QUELL__SCAN_STOP ? w->stop : rc;
}

int quell_list(quell *h, const struct quell_list_options *opts, quell_entry_cb cb,
               void *payload)
{
	struct quell_list_options def = QUELL_LIST_OPTIONS_INIT;
	struct walk w;
	struct quell__txn *txn;
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
	w.h = h;
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
