/*
 * list.c - walk the lists: every entry that passes the filters, domains
 * first then addresses, each in key order and, within a key, by list then
 * stream, in one read transaction.  A walk may start after a given entry
 * (quell_list_pos: a page's cursor), which need not exist any more: the
 * order is total, so pages read in separate transactions never repeat an
 * entry nor skip one that lived through the whole paging.
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
	const struct quell_list_pos *after; /* NULL, or where the walk resumes */
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

/* The order of the entries of one key: by list, then stream. */
static int entry_cmp(int list_a, const char *stream_a, int list_b, const char *stream_b)
{
	if (list_a != list_b)
		return list_a < list_b ? -1 : 1;
	return strcmp(stream_a, stream_b);
}

/* Whether entry e of the key the walk resumes in comes after w->after. */
static int past_cursor(const struct walk *w, const struct quell_entry *e)
{
	const struct quell_list_pos *a = w->after;

	if (a == NULL || a->scope != w->scope || strcmp(a->key, e->key) != 0)
		return 1;
	return entry_cmp(e->list, e->stream, a->list, a->stream) > 0;
}

/* Sort the n passing entries of a key (a handful: insertion sort). */
static void sort_entries(const struct quell_entry **v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		const struct quell_entry *x = v[i];
		size_t j = i;

		while (j > 0 && entry_cmp(v[j - 1]->list, v[j - 1]->stream, x->list, x->stream) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static int list_step(const struct quell__val *k, const struct quell__val *v, void *vctx)
{
	struct walk *w = vctx;
	char key[QUELL_ENTRY_MAX];
	struct quell__rec_iter it;
	struct quell__ent x[QUELL__REC_MAX];
	const struct quell_entry *got[QUELL__REC_MAX];
	size_t n = 0;
	int r = 0;

	if (k->len >= sizeof key || quell__rec_begin(&it, v->data, v->len) != 0)
		return quell__error(w->h, QUELL_EDB, "database: a damaged record in the %s table",
		                    quell_scope_name(w->scope));
	memcpy(key, k->data, k->len);
	key[k->len] = '\0';
	while (n < QUELL__REC_MAX && (r = quell__rec_next(&it, &x[n])) == 1) {
		x[n].e.key = key;
		x[n].e.scope = w->scope;
		if (passes(w, &x[n].e) && past_cursor(w, &x[n].e)) {
			got[n] = &x[n].e;
			n++;
		}
	}
	if (r < 0 || (n == QUELL__REC_MAX && it.left > 0))
		return quell__error(w->h, QUELL_EDB, "database: the record of %s is damaged", key);
	sort_entries(got, n);
	for (size_t i = 0; i < n; i++)
		if ((w->stop = w->cb(w->ctx, got[i])) != 0)
			return QUELL__SCAN_STOP;
	return QUELL__SCAN_NEXT;
}

static int walk_table(quell *h, struct quell__txn *txn, int scope, struct walk *w)
{
	const void *from = NULL;
	size_t fromlen = 0;
	int rc;

	w->scope = scope;
	w->stop = 0;
	if (w->after != NULL && w->after->scope == scope) {
		from = w->after->key;
		fromlen = strlen(w->after->key);
	}
	rc = quell__store_scan(h, txn, QUELL__T_SCOPE(scope), from, fromlen, 0, list_step, w);
	return rc == QUELL__SCAN_STOP ? w->stop : rc;
}

/* The cursor of a version 2 caller, checked; *after NULL when none. */
static int resume_point(quell *h, const struct quell_list_options *o,
                        const struct quell_list_pos **after)
{
	const struct quell_list_pos *a = o->version >= 2 ? o->after : NULL;

	*after = NULL;
	if (a == NULL)
		return 0;
	if (a->scope != QUELL_SCOPE_DOMAIN && a->scope != QUELL_SCOPE_ADDRESS)
		return quell__error(h, QUELL_EINVAL, "list: the position's scope is %d, not "
		                    "address or domain", a->scope);
	if (memchr(a->key, '\0', sizeof a->key) == NULL ||
	    memchr(a->stream, '\0', sizeof a->stream) == NULL)
		return quell__error(h, QUELL_EINVAL, "list: the position's key or stream is "
		                    "not terminated");
	*after = a;
	return 0;
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
	if ((rc = resume_point(h, opts, &w.after)) != 0)
		return rc;
	w.h = h;
	w.o = opts;
	w.now = quell__now(opts->now);
	w.cb = cb;
	w.ctx = payload;
	if ((rc = quell__store_read_begin(h, &txn)) != 0)
		return rc;
	if (opts->scope != QUELL_SCOPE_ADDRESS &&
	    (w.after == NULL || w.after->scope == QUELL_SCOPE_DOMAIN))
		rc = walk_table(h, txn, QUELL_SCOPE_DOMAIN, &w);
	if (rc == 0 && opts->scope != QUELL_SCOPE_DOMAIN)
		rc = walk_table(h, txn, QUELL_SCOPE_ADDRESS, &w);
	quell__store_read_end(h, txn);
	return rc;
}
