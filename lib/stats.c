/*
 * stats.c - quell_stats_get and quell_stats_free: the live entries of a
 * database counted per list, scope, source, category and stream, in one
 * read transaction, with the sizes the store reports.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "error.h"
#include "store.h"
#include "text.h"
#include "timefmt.h"

struct tally {
	struct quell_count *v;
	size_t n, cap;
};

static int tally_add(struct tally *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0) {
			t->v[i].count++;
			return 0;
		}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct quell_count *v = realloc(t->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	quell__copy(t->v[t->n].name, sizeof t->v[t->n].name, name);
	t->v[t->n++].count = 1;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct quell_count *)a)->name, ((const struct quell_count *)b)->name);
}

struct stats_walk {
	quell *h;
	int scope;
	int64_t now;
	struct quell_stats *st;
	struct tally *cats, *streams;
};

static int stats_step(const struct quell__val *k, const struct quell__val *v, void *vctx)
{
	struct stats_walk *sw = vctx;
	struct quell_stats *st = sw->st;
	struct quell__rec_iter it;
	struct quell__ent x;

	(void)k;
	st->keys++;
	if (quell__rec_begin(&it, v->data, v->len) != 0)
		return QUELL__SCAN_NEXT;
	while (quell__rec_next(&it, &x) == 1) {
		const struct quell_entry *e = &x.e;

		if (e->list < QUELL_LIST_SUPPRESS || e->list > QUELL_LIST_BACKOFF)
			continue;
		if (!quell__entry_live(e, sw->now)) {
			st->expired++;
			continue;
		}
		st->entries[e->list][sw->scope]++;
		if (e->source >= 0 && e->source < 6)
			st->by_source[e->source]++;
		if (tally_add(sw->cats, e->category) != 0 || tally_add(sw->streams, e->stream) != 0)
			return quell__error(sw->h, QUELL_ENOMEM, "out of memory");
	}
	return QUELL__SCAN_NEXT;
}

static int stats_table(quell *h, struct quell__txn *txn, int scope, int64_t now,
                       struct quell_stats *st, struct tally *cats, struct tally *streams)
{
	struct stats_walk sw = { h, scope, now, st, cats, streams };

	return quell__store_scan(h, txn, QUELL__T_SCOPE(scope), NULL, 0, 0, stats_step, &sw);
}

int quell_stats_get(quell *h, int64_t now, struct quell_stats **out)
{
	struct tally cats = { NULL, 0, 0 }, streams = { NULL, 0, 0 };
	struct quell__store_stat ss;
	struct quell_stats *st;
	struct quell__txn *txn;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (h == NULL || out == NULL)
		return quell__error(h, QUELL_EINVAL, "stats: NULL argument");
	st = calloc(1, sizeof *st);
	if (st == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	now = quell__now(now);
	if ((rc = quell__store_read_begin(h, &txn)) != 0) {
		free(st);
		return rc;
	}
	rc = stats_table(h, txn, QUELL_SCOPE_DOMAIN, now, st, &cats, &streams);
	if (rc == 0)
		rc = stats_table(h, txn, QUELL_SCOPE_ADDRESS, now, st, &cats, &streams);
	if (rc == 0)
		rc = quell__store_stat(h, txn, &ss);
	quell__store_read_end(h, txn);
	if (rc != 0) {
		free(cats.v);
		free(streams.v);
		free(st);
		return rc;
	}
	st->events = ss.events;
	st->last_seq = ss.last_seq;
	st->map_bytes = ss.map_bytes;
	st->used_bytes = ss.used_bytes;
	st->db_bytes = ss.db_bytes;
	if (cats.n > 0) /* qsort's array may not be NULL, even when empty */
		qsort(cats.v, cats.n, sizeof *cats.v, by_name);
	if (streams.n > 0)
		qsort(streams.v, streams.n, sizeof *streams.v, by_name);
	st->categories = cats.v;
	st->ncategories = cats.n;
	st->streams = streams.v;
	st->nstreams = streams.n;
	*out = st;
	return 0;
}

void quell_stats_free(struct quell_stats *st)
{
	if (st == NULL)
		return;
	free(st->categories);
	free(st->streams);
	free(st);
}
