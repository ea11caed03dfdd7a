/*
 * show.c - everything known about one key: its list entries (all streams)
 * and its history, newest first, copied out of the map into one block the
 * caller frees with quell_info_free().
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "error.h"
#include "store.h"
#include "text.h"

/* Copies strings into a block sized beforehand. */
struct pool {
	char *p, *end;
};

static const char *dup(struct pool *pl, const char *s)
{
	size_t n = strlen(s) + 1;

	if (pl->p == NULL || (size_t)(pl->end - pl->p) < n)
		return ""; /* cannot happen: sized in the first pass */
	memcpy(pl->p, s, n);
	pl->p += n;
	return pl->p - n;
}

static size_t entry_bytes(const struct quell_entry *e)
{
	return strlen(e->stream) + strlen(e->category) + strlen(e->rule) + strlen(e->status) +
	       strlen(e->reply) + strlen(e->reason) + 6;
}

static size_t event_bytes(const struct quell_event *e)
{
	return strlen(e->origin) + strlen(e->stream) + strlen(e->rule) + strlen(e->category) +
	       strlen(e->status) + strlen(e->reply) + strlen(e->reason) + 7;
}

struct history_copy {
	size_t max, *n, *bytes;
	struct quell_event *out; /* NULL: count only */
	struct pool *pl;
};

static int take_event(const struct quell_event *ev, void *vctx)
{
	struct history_copy *c = vctx;

	if (c->max != 0 && *c->n >= c->max)
		return 1;
	if (ev == NULL)
		return 0; /* damaged: skipped */
	if (c->out == NULL) {
		*c->bytes += event_bytes(ev);
	} else {
		struct quell_event *o = &c->out[*c->n];
		*o = *ev;
		o->origin = dup(c->pl, ev->origin);
		o->stream = dup(c->pl, ev->stream);
		o->rule = dup(c->pl, ev->rule);
		o->category = dup(c->pl, ev->category);
		o->status = dup(c->pl, ev->status);
		o->reply = dup(c->pl, ev->reply);
		o->reason = dup(c->pl, ev->reason);
	}
	(*c->n)++;
	return 0;
}

/* Walk the key's history: count (out == NULL) or copy. */
static int walk_history(quell *h, struct quell__txn *txn, const char *key, size_t max,
                        size_t *n, size_t *bytes, struct quell_event *out, struct pool *pl)
{
	struct history_copy c = { max, n, bytes, out, pl };

	*n = 0;
	return quell__store_history(h, txn, key, take_event, &c);
}

static int show_txn(quell *h, struct quell__txn *txn, const char *key, int scope, size_t max,
                    struct quell_info **out)
{
	struct quell__rec_iter it;
	struct quell__ent x;
	struct quell_info *info;
	struct pool pl;
	struct quell__val v;
	size_t nent = 0, nev = 0, bytes = 0, size;
	int rc, have;

	rc = quell__store_get(h, txn, scope, key, strlen(key), &v);
	if (rc < 0)
		return rc;
	have = rc == 0;
	if (have) {
		if (quell__rec_begin(&it, v.data, v.len) != 0)
			return quell__error(h, QUELL_EDB, "database: the record of %s is damaged", key);
		while ((rc = quell__rec_next(&it, &x)) == 1)
			if (x.e.list != QUELL__LIST_COUNT) {
				nent++;
				bytes += entry_bytes(&x.e);
			}
		if (rc < 0)
			return quell__error(h, QUELL_EDB, "database: the record of %s is damaged", key);
	}
	if ((rc = walk_history(h, txn, key, max, &nev, &bytes, NULL, NULL)) != 0)
		return rc;
	if (nent == 0 && nev == 0)
		return quell__error(h, QUELL_ENOTFOUND, "%s: no entries and no history", key);

	size = sizeof *info + nent * sizeof(struct quell_entry) +
	       nev * sizeof(struct quell_event) + bytes;
	info = calloc(1, size);
	if (info == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	info->entries = (struct quell_entry *)(info + 1);
	info->events = (struct quell_event *)(info->entries + nent);
	pl.p = (char *)(info->events + nev);
	pl.end = (char *)info + size;
	quell__copy(info->key, sizeof info->key, key);
	info->scope = scope;
	if (have) {
		quell__rec_begin(&it, v.data, v.len);
		while (quell__rec_next(&it, &x) == 1) {
			struct quell_entry *e;

			if (x.e.list == QUELL__LIST_COUNT)
				continue;
			e = &info->entries[info->nentries++];
			*e = x.e;
			e->key = info->key;
			e->scope = scope;
			e->stream = dup(&pl, x.e.stream);
			e->category = dup(&pl, x.e.category);
			e->rule = dup(&pl, x.e.rule);
			e->status = dup(&pl, x.e.status);
			e->reply = dup(&pl, x.e.reply);
			e->reason = dup(&pl, x.e.reason);
		}
	}
	rc = walk_history(h, txn, key, max, &info->nevents, &bytes, info->events, &pl);
	if (rc != 0) {
		free(info);
		return rc;
	}
	*out = info;
	return 0;
}

int quell_show(quell *h, const char *entry, size_t max_events, struct quell_info **out)
{
	char key[QUELL_ENTRY_MAX];
	struct quell__txn *txn;
	int scope, rc;

	if (out != NULL)
		*out = NULL;
	if (h == NULL || entry == NULL || out == NULL)
		return quell__error(h, QUELL_EINVAL, "show: NULL argument");
	if ((rc = quell_entry_normalize(h, entry, key, sizeof key, &scope)) != 0)
		return rc;
	if ((rc = quell__store_read_begin(h, &txn)) != 0)
		return rc;
	rc = show_txn(h, txn, key, scope, max_events, out);
	quell__store_read_end(h, txn);
	return rc;
}

void quell_info_free(struct quell_info *info)
{
	free(info);
}
