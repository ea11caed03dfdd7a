/*
 * rules_stats.c - quell_rules_stats: how many replies each rule decided in
 * the stored history, and when it last did, in one read transaction.
 *
 * Every reply recorded leaves one event in its recipient's history (a
 * domain-scope outcome leaves a copy in the domain's too, record.c), so
 * the walk counts the events of address keys that name a rule, and skips
 * domain keys whole: the reply is counted once.  History keys sort by key,
 * then newest first (store.h), so with `since` the walk leaves a key at
 * its first older event and seeks past the key's history.
 *
 * The tally holds one row per rule of the handle's set, in file order,
 * then one per name found only in history (renamed or removed rules),
 * kept sorted by name beside it for the lookups; its size is the number
 * of rule names, not of events.  Knows nothing of LMDB (store.h) or of
 * how rules are matched (rules.h gives the names).
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "rules.h"
#include "store.h"
#include "text.h"

struct row {
	char name[QUELL_NAME_MAX];
	int in_rules;
	size_t index;
	uint64_t count;
	int64_t last;
};

struct tally {
	quell *h;
	int64_t since;
	struct row *v;   /* rules in file order, then names from history */
	size_t n, cap;
	size_t *order;   /* indexes into v, sorted by name */
	size_t nrules;   /* rows of the set */
	/* the key whose older history is skipped: from[0..fromlen) */
	unsigned char from[QUELL_ENTRY_MAX + 1];
	size_t fromlen;
	int skip;
};

/* The position in t->order where name is, or would go; *found says which. */
static size_t find(const struct tally *t, const char *name, int *found)
{
	size_t lo = 0, hi = t->n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->v[t->order[mid]].name, name);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The row of name, added when new; NULL when out of memory. */
static struct row *row_of(struct tally *t, const char *name, int in_rules)
{
	int found;
	size_t pos = find(t, name, &found);
	struct row *r;

	if (found)
		return &t->v[t->order[pos]];
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct row *v = realloc(t->v, cap * sizeof *v);
		size_t *o;

		if (v == NULL)
			return NULL;
		t->v = v;
		if ((o = realloc(t->order, cap * sizeof *o)) == NULL)
			return NULL;
		t->order = o;
		t->cap = cap;
	}
	memmove(t->order + pos + 1, t->order + pos, (t->n - pos) * sizeof *t->order);
	t->order[pos] = t->n;
	r = &t->v[t->n++];
	memset(r, 0, sizeof *r);
	quell__copy(r->name, sizeof r->name, name);
	r->in_rules = in_rules;
	return r;
}

/* Leave the key of k: the walk goes on at the first key past its history. */
static int skip_key(struct tally *t, const struct quell__val *k, size_t keylen)
{
	if (keylen + 1 > sizeof t->from)
		return QUELL__SCAN_NEXT; /* cannot be: keys are shorter; walk on */
	memcpy(t->from, k->data, keylen);
	t->from[keylen] = 1; /* past "KEY\0..." */
	t->fromlen = keylen + 1;
	t->skip = 1;
	return QUELL__SCAN_STOP;
}

static int count_step(const struct quell__val *k, const struct quell__val *v, void *vctx)
{
	struct tally *t = vctx;
	const unsigned char *kd = k->data;
	const unsigned char *nul = memchr(kd, '\0', k->len);
	struct quell_event ev;
	struct row *r;
	size_t keylen;

	if (nul == NULL)
		return QUELL__SCAN_NEXT;
	keylen = (size_t)(nul - kd);
	if (memchr(kd, '@', keylen) == NULL) /* a domain's: copies of replies */
		return skip_key(t, k, keylen);
	if (quell__event_decode(&ev, v->data, v->len) != 0)
		return QUELL__SCAN_NEXT;
	if (t->since != 0 && ev.time < t->since) /* the rest of the key is older */
		return skip_key(t, k, keylen);
	if (ev.rule[0] == '\0')
		return QUELL__SCAN_NEXT;
	if ((r = row_of(t, ev.rule, 0)) == NULL)
		return quell__error(t->h, QUELL_ENOMEM, "out of memory");
	r->count++;
	if (ev.time > r->last)
		r->last = ev.time;
	return QUELL__SCAN_NEXT;
}

/* The history walked, in as many scans as keys skipped. */
static int walk(quell *h, struct tally *t)
{
	struct quell__txn *txn;
	int rc;

	if ((rc = quell__store_read_begin(h, &txn)) != 0)
		return rc;
	do {
		int resume = t->skip;

		t->skip = 0;
		rc = quell__store_scan_history(h, txn, resume ? t->from : NULL,
		                               resume ? t->fromlen : 0, 0, count_step, t);
	} while (rc == QUELL__SCAN_STOP && t->skip);
	quell__store_read_end(h, txn);
	return rc < 0 ? rc : 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->name, ((const struct row *)b)->name);
}

int quell_rules_stats(quell *h, const struct quell_rules_stats_options *opts,
                      quell_rule_stats_cb cb, void *payload)
{
	struct quell_rules_stats_options def = QUELL_RULES_STATS_OPTIONS_INIT;
	struct tally t;
	struct quell__rules *rs;
	int rc;

	if (h == NULL || cb == NULL)
		return quell__error(h, QUELL_EINVAL, "rules stats: NULL argument");
	if (opts == NULL)
		opts = &def;
	if (opts->version < 1 || opts->version > QUELL_RULES_STATS_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "rules stats options version %u is not supported",
		                    opts->version);
	memset(&t, 0, sizeof t);
	t.h = h;
	t.since = opts->since;
	if ((rc = quell__rules_get(h, &rs)) != 0)
		return rc;
	for (size_t i = 0; i < quell__rules_count(rs); i++) {
		struct row *r = row_of(&t, quell__rules_at(rs, i)->name, 1);

		if (r == NULL) {
			rc = quell__error(h, QUELL_ENOMEM, "out of memory");
			break;
		}
		r->index = i;
	}
	t.nrules = t.n;
	quell__rules_unref(rs);
	if (rc == 0)
		rc = walk(h, &t);
	if (rc == 0 && t.n > t.nrules)
		qsort(t.v + t.nrules, t.n - t.nrules, sizeof *t.v, by_name);
	for (size_t i = 0; rc == 0 && i < t.n; i++) {
		struct quell_rule_stats st;

		st.rule = t.v[i].name;
		st.in_rules = t.v[i].in_rules;
		st.index = t.v[i].in_rules ? t.v[i].index : 0;
		st.count = t.v[i].count;
		st.last = t.v[i].last;
		rc = cb(payload, &st);
	}
	free(t.v);
	free(t.order);
	return rc;
}
