/*
 * edit.c - changes made by hand: add and allow an entry, remove and
 * unallow it.  Each call is one write transaction that updates the key's
 * record and appends one history event per list entry it touched.  A
 * reason that is not valid UTF-8 is repaired (text.h) before it is stored;
 * a stream that breaks the name rule (names.h) is QUELL_EINVAL, nothing
 * written.  The record and its events go through write.h.
 */
#include <string.h>

#include "address.h"
#include "check.h"
#include "error.h"
#include "names.h"
#include "store.h"
#include "text.h"
#include "timefmt.h"
#include "write.h"

enum op { OP_ADD, OP_ALLOW, OP_REMOVE, OP_UNALLOW };

struct edit {
	enum op op;
	char key[QUELL_ENTRY_MAX];
	int scope;
	const char *stream;
	int source;
	const char *reason;
	char reasonbuf[QUELL__TEXT_MAX + 1]; /* a reason that had to be repaired */
	const char *category;
	int64_t ttl;
	int64_t now;
};

/* Add or allow: the entry of this list and stream, made or refreshed. */
static int put_entry(quell *h, struct quell__wtxn *w, const struct edit *c, struct quell__rec *r)
{
	int list = c->op == OP_ADD ? QUELL_LIST_SUPPRESS : QUELL_LIST_ALLOW;
	struct quell__change ch = { c->scope, c->key, r, NULL, 1, NULL, c->now, NULL, NULL };
	struct quell_event ev;
	struct quell_entry *e;
	int created, i = quell__write_slot(r, list, c->stream, c->now, &created);

	if (i < 0)
		return quell__error(h, QUELL_EDATA, "%s: too many entries for one key", c->key);
	e = &r->ent[i].e;
	e->source = list == QUELL_LIST_SUPPRESS ? c->source : QUELL_SOURCE_MANUAL;
	e->category = c->category;
	e->rule = e->status = e->reply = "";
	e->code = 0;
	e->reason = c->reason;
	e->updated = c->now;
	e->expires = c->ttl > 0 ? quell__time_add(c->now, c->ttl) : 0;
	if (list == QUELL_LIST_SUPPRESS)
		e->count++;
	memset(&ev, 0, sizeof ev);
	ev.time = c->now;
	ev.stream = c->stream;
	ev.rule = ev.status = ev.reply = "";
	ev.list = list;
	ev.source = e->source;
	ev.action = list == QUELL_LIST_SUPPRESS ? QUELL_ACTION_SUPPRESS : QUELL_ACTION_ALLOW;
	ev.category = c->category;
	ev.reason = c->reason;
	ev.until = e->expires;
	ch.ev = &ev;
	return quell__write_change(h, w, &ch);
}

/* Remove or unallow: drop the entries of this stream, one event each.
 * QUELL_ENOTFOUND when there were none. */
static int drop_entries(quell *h, struct quell__wtxn *w, const struct edit *c,
                        struct quell__rec *r)
{
	struct quell__change ch = { c->scope, c->key, r, NULL, 0, NULL, c->now, NULL, NULL };
	/* the names outlive the record's values, which the put rewrites */
	char cat[QUELL__REC_MAX][QUELL_NAME_MAX], rule[QUELL__REC_MAX][QUELL_NAME_MAX];
	struct quell_event ev[QUELL__REC_MAX];
	size_t nremoved = 0;

	for (size_t i = 0; i < r->n;) {
		const struct quell_entry *e = &r->ent[i].e;
		int hit = c->op == OP_UNALLOW ? e->list == QUELL_LIST_ALLOW
		                              : (e->list == QUELL_LIST_SUPPRESS ||
		                                 e->list == QUELL_LIST_BACKOFF ||
		                                 e->list == QUELL__LIST_COUNT);
		if (!hit || strcmp(e->stream, c->stream) != 0) {
			i++;
			continue;
		}
		if (e->list != QUELL__LIST_COUNT) { /* count state has no event */
			struct quell_event *v = &ev[ch.nev];

			memset(v, 0, sizeof *v);
			v->time = c->now;
			v->stream = c->stream;
			v->status = v->reply = v->reason = "";
			v->list = e->list;
			v->source = QUELL_SOURCE_MANUAL;
			v->action = c->op == OP_UNALLOW ? QUELL_ACTION_UNALLOW : QUELL_ACTION_REMOVE;
			quell__copy(cat[ch.nev], QUELL_NAME_MAX, e->category);
			quell__copy(rule[ch.nev], QUELL_NAME_MAX, e->rule);
			v->category = cat[ch.nev];
			v->rule = rule[ch.nev];
			ch.nev++;
		}
		nremoved++;
		quell__rec_remove(r, i);
	}
	if (nremoved == 0)
		return QUELL_ENOTFOUND;
	ch.ev = ev;
	return quell__write_change(h, w, &ch);
}

static int edit_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	const struct edit *c = vctx;
	struct quell__rec r;
	int rc;

	if ((rc = quell__store_load(h, w, c->scope, c->key, &r)) != 0)
		return rc;
	return c->op == OP_ADD || c->op == OP_ALLOW ? put_entry(h, w, c, &r)
	                                            : drop_entries(h, w, c, &r);
}

static int edit(quell *h, enum op op, const char *entry, const struct quell_add_options *o,
                const char *stream, int64_t now)
{
	struct quell_add_options def = QUELL_ADD_OPTIONS_INIT;
	struct edit c;
	int rc;

	if (h == NULL || entry == NULL)
		return quell__error(h, QUELL_EINVAL, "NULL argument");
	if (o == NULL)
		o = &def;
	if (o->version < 1 || o->version > QUELL_ADD_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "add options version %u is not supported",
		                    o->version);
	memset(&c, 0, sizeof c);
	c.op = op;
	if ((rc = quell_entry_normalize(h, entry, c.key, sizeof c.key, &c.scope)) != 0)
		return rc;
	if (op == OP_ADD || op == OP_ALLOW) {
		stream = o->stream;
		now = o->now;
		c.source = o->source ? o->source : QUELL_SOURCE_MANUAL;
		if (c.source < QUELL_SOURCE_BOUNCE || c.source > QUELL_SOURCE_IMPORT)
			return quell__error(h, QUELL_EINVAL, "unknown source %d", c.source);
		if (o->ttl < 0)
			return quell__error(h, QUELL_EINVAL, "negative ttl");
		c.ttl = o->ttl;
		c.reason = o->reason ? o->reason : "";
		/* stored as given, but valid UTF-8 (what is kept of it: the store
		 * keeps QUELL__TEXT_MAX bytes) */
		if (quell__utf8_check(c.reason, strlen(c.reason)) < strlen(c.reason)) {
			quell__utf8_repair(c.reason, strlen(c.reason), c.reasonbuf, sizeof c.reasonbuf,
			                   0, NULL);
			c.reason = c.reasonbuf;
		}
		c.category = o->category && *o->category ? o->category
		             : quell__default_category(op == OP_ADD ? c.source : QUELL_SOURCE_MANUAL);
		if (!quell_name_valid(c.category))
			return quell__error(h, QUELL_EINVAL, "category '%.80s': not a name ("
			                    QUELL__NAME_RULE ")", c.category);
	}
	if ((rc = quell__stream_check(h, stream, 0)) != 0)
		return rc;
	c.stream = stream ? stream : "";
	c.now = quell__now(now);
	rc = quell__store_write(h, edit_fn, &c);
	if (rc == QUELL_ENOTFOUND)
		return quell__error(h, rc, "%s: not on the %s list", c.key,
		                    op == OP_UNALLOW ? "allow" : "suppress or backoff");
	return rc;
}

int quell_add(quell *h, const char *entry, const struct quell_add_options *opts)
{
	return edit(h, OP_ADD, entry, opts, NULL, 0);
}

int quell_allow(quell *h, const char *entry, const struct quell_add_options *opts)
{
	return edit(h, OP_ALLOW, entry, opts, NULL, 0);
}

int quell_remove(quell *h, const char *entry, const char *stream, int64_t now)
{
	return edit(h, OP_REMOVE, entry, NULL, stream, now);
}

int quell_unallow(quell *h, const char *entry, const char *stream, int64_t now)
{
	return edit(h, OP_UNALLOW, entry, NULL, stream, now);
}
