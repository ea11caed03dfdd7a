/*
 * sync_count.c - counted replies merged across a fleet (sync.h,
 * docs/fleet.md "Counted replies"): a key's count is the set of distinct
 * counted-reply ids (origin host id, origin sequence) in its history, from
 * every host, newer than the newest clear (a delivery, shared too), and
 * the suppression that set leads to is derived from the set alone, the
 * same on every host whatever order the replies and clears came in.
 *
 * The set: the key's history events whose action is count, whose rule
 * (by name, in this host's rules: a fleet runs one rule set) counts and
 * has the key's scope, and that are newer, on (time, origin, seq), than
 * the newest clear event of the key whose rule has the key's scope; the
 * newest MEMBERS_MAX of the newest SCAN_MAX events.  Each id is in the
 * history once (quell_apply applies an event id once, a host's own events
 * are its own), so no reply counts twice.
 *
 * A reply r of the set, in (time, origin, seq) order, triggers when the
 * replies up to r inside its rule's window (time > r.time - window) are at
 * least its rule's threshold.  The newest trigger's suppression: the entry
 * (suppress, no stream) made from r's event alone (source, rule,
 * category, code, status, reply; created = updated = r's time; expires
 * after the rule's first ttl; reason "N failures within D days on the
 * fleet"), with r's id as its version.  It is in place when the entry of
 * shared writes (its base, sync.h) is none, a tombstone older than r, or
 * expired at r's time; a live base wins.  Written again when N grew; never
 * published (every host derives it), and a local history event (no image,
 * not shared) says why the entry is there.  A clear that leaves no trigger
 * newer than the base takes it back out and restores the base's version
 * (again with a local event).
 *
 * Knows nothing of LMDB or NATS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "error.h"
#include "rules.h"
#include "sync.h"
#include "text.h"
#include "timefmt.h"

#define SCAN_MAX 4096  /* history events looked at, newest first */
#define MEMBERS_MAX 256 /* counted replies kept of them, newest first */
#define TEXT_MAX 1024

struct member {
	struct quell__version v;
	const struct quell__rule *rule;
};

/* The trigger's event, copied out of the history before any write. */
struct trigger {
	struct quell__version v;
	const struct quell__rule *rule;
	uint32_t count;
	int found, source, code;
	char rule_name[QUELL_NAME_MAX], category[QUELL_NAME_MAX], status[QUELL_STATUS_MAX];
	char reply[TEXT_MAX];
};

struct walk {
	const struct quell__rules *rs;
	int scope;
	size_t seen, n;
	struct member *m;
	int cut;                 /* a clear was seen: */
	struct quell__version c; /* the newest one */
	struct trigger *t;       /* second walk: the one to find */
};

/* The rule of that name if it has that action and scope. */
static const struct quell__rule *rule_named(const struct quell__rules *rs, const char *name,
                                            int action, int scope)
{
	size_t n = quell__rules_count(rs);

	for (size_t i = 0; i < n && name[0] != '\0'; i++) {
		const struct quell__rule *r = quell__rules_at(rs, i);

		if (strcmp(r->name, name) == 0)
			return r->action == action &&
			               (r->scope == QUELL_SCOPE_DOMAIN ? QUELL_SCOPE_DOMAIN
			                                              : QUELL_SCOPE_ADDRESS) == scope
			           ? r
			           : NULL;
	}
	return NULL;
}

static void version_of(struct quell__version *v, const struct quell_event *ev)
{
	v->time = ev->time;
	v->seq = ev->seq;
	v->removed = 0;
	quell__copy(v->origin, sizeof v->origin, ev->origin);
}

static int collect(const struct quell_event *ev, void *vctx)
{
	struct walk *wk = vctx;
	const struct quell__rule *rule;
	struct quell__version v;

	if (wk->seen++ >= SCAN_MAX || wk->n == MEMBERS_MAX)
		return 1;
	if (ev == NULL)
		return 0;
	/* history is newest first: nothing older than the newest clear counts */
	if (wk->cut && ev->time < wk->c.time)
		return 1;
	if (ev->action == QUELL_ACTION_CLEAR &&
	    rule_named(wk->rs, ev->rule, QUELL_ACTION_CLEAR, wk->scope) != NULL) {
		version_of(&v, ev);
		if (!wk->cut || quell__version_cmp(&v, &wk->c) > 0)
			wk->c = v;
		wk->cut = 1;
		return 0;
	}
	if (ev->action != QUELL_ACTION_COUNT ||
	    (rule = rule_named(wk->rs, ev->rule, QUELL_ACTION_COUNT, wk->scope)) == NULL)
		return 0;
	version_of(&wk->m[wk->n].v, ev);
	wk->m[wk->n++].rule = rule;
	return 0;
}

static int find(const struct quell_event *ev, void *vctx)
{
	struct trigger *t = ((struct walk *)vctx)->t;

	if (ev == NULL || ev->action != QUELL_ACTION_COUNT || ev->time != t->v.time ||
	    ev->seq != t->v.seq || strcmp(ev->origin, t->v.origin) != 0)
		return 0;
	t->found = 1;
	t->source = ev->source;
	t->code = ev->code;
	quell__copy(t->rule_name, sizeof t->rule_name, ev->rule);
	quell__copy(t->category, sizeof t->category, ev->category);
	quell__copy(t->status, sizeof t->status, ev->status);
	quell__copy(t->reply, sizeof t->reply, ev->reply);
	return 1;
}

static int member_cmp(const void *pa, const void *pb)
{
	const struct member *a = pa, *b = pb;

	return quell__version_cmp(&a->v, &b->v);
}

/* The newest trigger of m[0..n) (sorted), with its count; -1 if none. */
static long newest_trigger(const struct member *m, size_t n, uint32_t *count)
{
	for (size_t i = n; i-- > 0;) {
		const struct quell__rule *r = m[i].rule;
		uint32_t threshold = r->threshold ? r->threshold : 1, c = 0;

		for (size_t j = i + 1; j-- > 0;) {
			if (r->window != 0 && m[j].v.time <= m[i].v.time - r->window)
				break;
			c++;
		}
		if (c >= threshold) {
			*count = c;
			return (long)i;
		}
	}
	return -1;
}

/* Drop the count state and backoff (no stream): the suppression ends
 * them, as decide.c's does. */
static void drop_state(struct quell__rec *r)
{
	for (size_t i = 0; i < r->n;) {
		const struct quell_entry *e = &r->ent[i].e;

		if ((e->list == QUELL_LIST_BACKOFF || e->list == QUELL__LIST_COUNT) &&
		    e->stream[0] == '\0')
			quell__rec_remove(r, i);
		else
			i++;
	}
}

/* A local history event (no image: not shared) about the derived entry;
 * verdict taken before the record's put (its strings may live in pages
 * the put rewrites). */
static int note(quell *h, struct quell__wtxn *w, const char *key, int verdict, int action,
                int64_t time, const struct trigger *t, const char *reason, int64_t until)
{
	struct quell_event ev;

	memset(&ev, 0, sizeof ev);
	ev.time = time;
	ev.list = QUELL_LIST_SUPPRESS;
	ev.stream = "";
	ev.action = action;
	ev.source = t != NULL ? t->source : QUELL_SOURCE_BOUNCE;
	ev.rule = t != NULL ? t->rule_name : "";
	ev.category = t != NULL ? t->category : "";
	ev.code = t != NULL ? t->code : 0;
	ev.status = t != NULL ? t->status : "";
	ev.reply = t != NULL ? t->reply : "";
	ev.reason = reason;
	ev.until = until;
	ev.verdict = verdict;
	return quell__store_event(h, w, key, &ev);
}

/* Put t's suppression (version t->v) in r, the base's version b aside. */
static int derive(quell *h, struct quell__wtxn *w, int scope, const char *key,
                  struct quell__rec *r, const struct trigger *t, const struct quell__version *b)
{
	const struct quell__rule *rule = t->rule;
	struct quell_entry *e;
	struct quell__version base = *b;
	char reason[96];
	int rc, i, verdict;
	int64_t until;

	snprintf(reason, sizeof reason, "%u failures within %lld days on the fleet", t->count,
	         (long long)(rule->window / 86400));
	drop_state(r);
	if ((i = quell__rec_find(r, QUELL_LIST_SUPPRESS, "")) < 0 &&
	    (i = quell__sync_place(r, QUELL_LIST_SUPPRESS, "")) < 0)
		return quell__error(h, QUELL_EDATA, "%s: too many entries for one key", key);
	memset(&r->ent[i], 0, sizeof r->ent[i]);
	e = &r->ent[i].e;
	e->list = QUELL_LIST_SUPPRESS;
	e->stream = "";
	e->source = t->source;
	e->category = t->category;
	e->rule = t->rule_name;
	e->code = t->code;
	e->status = t->status;
	e->reply = t->reply;
	e->reason = reason;
	e->created = e->updated = t->v.time;
	e->expires = rule->nttl > 0 && rule->ttl[0] > 0 ? quell__time_add(t->v.time, rule->ttl[0]) : 0;
	e->count = 1;
	until = e->expires;
	quell__sync_sort(r);
	verdict = quell__rec_verdict(r, NULL, t->v.time);
	base.removed = 0; /* prune keeps the base's slot (sync.h) */
	if ((rc = quell__store_derived_set(h, w)) != 0 ||
	    (rc = quell__store_put(h, w, scope, key, r)) != 0 ||
	    (rc = quell__store_version_put(h, w, key, QUELL_LIST_SUPPRESS, "", &t->v)) != 0 ||
	    (rc = quell__store_version_put(h, w, key, QUELL__SYNC_BASE, "", &base)) != 0)
		return rc;
	return note(h, w, key, verdict, QUELL_ACTION_SUPPRESS, t->v.time, t, reason, until);
}

/* Take the derived suppression out of r: the base b is what stays. */
static int withdraw(quell *h, struct quell__wtxn *w, int scope, const char *key,
                    struct quell__rec *r, const struct quell__version *b, int64_t time)
{
	int rc, verdict, i = quell__rec_find(r, QUELL_LIST_SUPPRESS, "");

	if (i >= 0)
		quell__rec_remove(r, (size_t)i);
	verdict = quell__rec_verdict(r, NULL, time);
	if ((rc = quell__store_put(h, w, scope, key, r)) != 0)
		return rc;
	rc = b->origin[0] == '\0'
	         ? quell__store_version_del(h, w, key, QUELL_LIST_SUPPRESS, "")
	         : quell__store_version_put(h, w, key, QUELL_LIST_SUPPRESS, "", b);
	if (rc != 0 || (rc = quell__store_version_del(h, w, key, QUELL__SYNC_BASE, "")) != 0)
		return rc;
	return note(h, w, key, verdict, QUELL_ACTION_REMOVE, time, NULL,
	            "a delivery ended the fleet's count", 0);
}

/* Whether the derived entry of t is the one in r at version v already. */
static int same(const struct quell__rec *r, const struct quell__version *v,
                const struct trigger *t)
{
	char reason[96];
	int i = quell__rec_find(r, QUELL_LIST_SUPPRESS, "");

	snprintf(reason, sizeof reason, "%u failures within %lld days on the fleet", t->count,
	         (long long)(t->rule->window / 86400));
	return i >= 0 && quell__version_cmp(v, &t->v) == 0 && strcmp(r->ent[i].e.reason, reason) == 0;
}

/* Put the suppression of trigger t (NULL: none) in place, or take it out,
 * as the base allows (the top of this file). */
static int settle(quell *h, struct quell__wtxn *w, int scope, const char *key,
                  const struct trigger *t, const struct walk *wk, struct quell__rec *r)
{
	struct quell__version base, have;
	int rc, i;

	if ((rc = quell__sync_base(h, w, key, &base)) < 0)
		return rc;
	if (rc == 0) { /* a derived one in place, at version have */
		if ((rc = quell__store_version_get(h, w, key, QUELL_LIST_SUPPRESS, "", &have)) < 0)
			return rc;
		if (rc == 1)
			memset(&have, 0, sizeof have);
		if (t == NULL || (base.origin[0] != '\0' && quell__version_cmp(&t->v, &base) <= 0))
			return withdraw(h, w, scope, key, r, &base, wk->cut ? wk->c.time : have.time);
		return same(r, &have, t) ? 0 : derive(h, w, scope, key, r, t, &base);
	}
	if (t == NULL)
		return 0;
	if ((rc = quell__sync_version(h, w, key, QUELL_LIST_SUPPRESS, "", r, &have)) < 0)
		return rc;
	i = quell__rec_find(r, QUELL_LIST_SUPPRESS, "");
	if (i >= 0 && (r->ent[i].e.expires == 0 || r->ent[i].e.expires > t->v.time))
		return 0; /* a live base wins */
	if (rc == 1)
		memset(&have, 0, sizeof have);
	else if (quell__version_cmp(&t->v, &have) <= 0)
		return 0; /* a newer removal wins */
	return derive(h, w, scope, key, r, t, &have);
}

/* The set's newest trigger into t (t->found = 0: none). */
static int trigger_of(quell *h, struct quell__wtxn *w, const char *key, struct walk *wk,
                      struct trigger *t)
{
	size_t n = 0;
	long i;

	memset(t, 0, sizeof *t);
	if (wk->cut) /* only the replies newer than the newest clear count */
		for (size_t j = 0; j < wk->n; j++)
			if (quell__version_cmp(&wk->m[j].v, &wk->c) > 0)
				wk->m[n++] = wk->m[j];
	wk->n = wk->cut ? n : wk->n;
	if (wk->n == 0)
		return 0;
	qsort(wk->m, wk->n, sizeof *wk->m, member_cmp);
	if ((i = newest_trigger(wk->m, wk->n, &t->count)) < 0)
		return 0;
	t->v = wk->m[i].v;
	t->rule = wk->m[i].rule;
	wk->t = t;
	return quell__store_whistory(h, w, key, find, wk);
}

int quell__sync_count(quell *h, struct quell__wtxn *w, int scope, const char *key)
{
	struct quell__rules *rs;
	struct quell__version base;
	struct quell__rec r;
	struct walk wk;
	struct trigger t;
	int rc, i;

	/* a live entry of shared writes wins over any derived one: no walk */
	if ((rc = quell__sync_base(h, w, key, &base)) < 0)
		return rc;
	if (rc == 1) {
		if ((rc = quell__store_load(h, w, scope, key, &r)) != 0)
			return rc;
		if ((i = quell__rec_find(&r, QUELL_LIST_SUPPRESS, "")) >= 0 && r.ent[i].e.expires == 0)
			return 0;
	}
	if ((rc = quell__rules_get(h, &rs)) != 0)
		return rc;
	memset(&wk, 0, sizeof wk);
	wk.rs = rs;
	wk.scope = scope;
	if ((wk.m = malloc(MEMBERS_MAX * sizeof *wk.m)) == NULL) {
		quell__rules_unref(rs);
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	}
	rc = quell__store_whistory(h, w, key, collect, &wk);
	if (rc == 0)
		rc = trigger_of(h, w, key, &wk, &t);
	if (rc == 0 && (rc = quell__store_load(h, w, scope, key, &r)) == 0)
		rc = settle(h, w, scope, key, t.found ? &t : NULL, &wk, &r);
	free(wk.m);
	quell__rules_unref(rs);
	return rc;
}

int quell__sync_clear(quell *h, struct quell__wtxn *w, int scope, const char *key)
{
	struct quell__version base;
	int rc = quell__sync_base(h, w, key, &base);

	if (rc != 0)
		return rc < 0 ? rc : 0;
	return quell__sync_count(h, w, scope, key);
}

int quell__sync_after(quell *h, struct quell__wtxn *w, const struct quell__change *c)
{
	int count = 0, clear = 0;

	for (size_t i = 0; i < c->nev; i++) {
		const struct quell_event *ev = &c->ev[i];

		if (ev->action == QUELL_ACTION_COUNT ||
		    (quell__sync_shared_event(ev) && ev->list == QUELL_LIST_SUPPRESS &&
		     (ev->stream == NULL || ev->stream[0] == '\0')))
			count = 1;
		else if (ev->action == QUELL_ACTION_CLEAR)
			clear = 1;
	}
	if (count)
		return quell__sync_count(h, w, c->scope, c->key);
	return clear ? quell__sync_clear(h, w, c->scope, c->key) : 0;
}
