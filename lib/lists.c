/*
 * lists.c - changes made by hand: add and allow an entry, remove and
 * unallow it.  Each call is one write transaction that updates the key's
 * record and appends one history event per list entry it touched.  A
 * reason that is not valid UTF-8 is repaired (text.h) before it is stored;
 * a stream that breaks the name rule (names.h) is QUELL_EINVAL, nothing
 * written.
 */
#include <string.h>

#include "address.h"
#include "check.h"
#include "error.h"
#include "names.h"
#include "store.h"
#include "text.h"

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

static const char *default_category(int source)
{
	switch (source) {
	case QUELL_SOURCE_UNSUBSCRIBE: return "unsubscribe";
	case QUELL_SOURCE_COMPLAINT: return "complaint";
	case QUELL_SOURCE_IMPORT: return "import";
	case QUELL_SOURCE_BOUNCE: return "other";
	default: return "manual";
	}
}

static int edit_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	const struct edit *c = vctx;
	struct quell__rec r;
	struct quell_event ev;
	char cat[QUELL__REC_MAX][QUELL_NAME_MAX], rule[QUELL__REC_MAX][QUELL_NAME_MAX];
	int lists[QUELL__REC_MAX];
	size_t nremoved = 0;
	int rc, i;

	if ((rc = quell__store_load(h, w, c->scope, c->key, &r)) != 0)
		return rc;
	memset(&ev, 0, sizeof ev);
	ev.time = c->now;
	ev.stream = c->stream;
	ev.rule = ev.status = ev.reply = ev.reason = ev.category = "";

	if (c->op == OP_ADD || c->op == OP_ALLOW) {
		int list = c->op == OP_ADD ? QUELL_LIST_SUPPRESS : QUELL_LIST_ALLOW;
		struct quell_entry *e;

		i = quell__rec_find(&r, list, c->stream);
		if (i < 0) {
			if (r.n == QUELL__REC_MAX)
				return quell__error(h, QUELL_EDATA, "%s: too many entries for one key",
				                    c->key);
			i = (int)r.n++;
			memset(&r.ent[i], 0, sizeof r.ent[i]);
			e = &r.ent[i].e;
			e->list = list;
			e->stream = c->stream;
			e->created = c->now;
		}
		e = &r.ent[i].e;
		e->source = list == QUELL_LIST_SUPPRESS ? c->source : QUELL_SOURCE_MANUAL;
		e->category = c->category;
		e->rule = e->status = e->reply = "";
		e->code = 0;
		e->reason = c->reason;
		e->updated = c->now;
		e->expires = c->ttl > 0 ? quell__time_add(c->now, c->ttl) : 0;
		if (list == QUELL_LIST_SUPPRESS)
			e->count++;
		ev.list = list;
		ev.source = e->source;
		ev.action = list == QUELL_LIST_SUPPRESS ? QUELL_ACTION_SUPPRESS : QUELL_ACTION_ALLOW;
		ev.category = c->category;
		ev.reason = c->reason;
		ev.until = e->expires;
		ev.verdict = quell__rec_verdict(&r, c->stream, c->now);
		if ((rc = quell__store_put(h, w, c->scope, c->key, &r)) != 0)
			return rc;
		return quell__store_event(h, w, c->key, &ev);
	}

	/* remove / unallow: drop the entries of this stream, remember them */
	for (i = 0; i < (int)r.n;) {
		const struct quell_entry *e = &r.ent[i].e;
		int hit = c->op == OP_UNALLOW ? e->list == QUELL_LIST_ALLOW
		                              : (e->list == QUELL_LIST_SUPPRESS ||
		                                 e->list == QUELL_LIST_BACKOFF ||
		                                 e->list == QUELL__LIST_COUNT);
		if (!hit || strcmp(e->stream, c->stream) != 0) {
			i++;
			continue;
		}
		lists[nremoved] = e->list;
		quell__copy(cat[nremoved], QUELL_NAME_MAX, e->category);
		quell__copy(rule[nremoved], QUELL_NAME_MAX, e->rule);
		nremoved++;
		quell__rec_remove(&r, (size_t)i);
	}
	if (nremoved == 0)
		return QUELL_ENOTFOUND;
	ev.verdict = quell__rec_verdict(&r, c->stream, c->now);
	if ((rc = quell__store_put(h, w, c->scope, c->key, &r)) != 0)
		return rc;
	for (size_t k = 0; k < nremoved; k++) {
		if (lists[k] == QUELL__LIST_COUNT)
			continue;
		ev.list = lists[k];
		ev.source = QUELL_SOURCE_MANUAL;
		ev.action = c->op == OP_UNALLOW ? QUELL_ACTION_UNALLOW : QUELL_ACTION_REMOVE;
		ev.category = cat[k];
		ev.rule = rule[k];
		if ((rc = quell__store_event(h, w, c->key, &ev)) != 0)
			return rc;
	}
	return 0;
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
		             : default_category(op == OP_ADD ? c.source : QUELL_SOURCE_MANUAL);
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
