/*
 * sync_count.c - counted replies merged across a fleet (sync.h,
 * docs/fleet.md "Counted replies"): a key's count is the set of distinct
 * counted-reply ids (origin host id, origin sequence) in its history, from
 * every host, and the suppression that set leads to is derived from the
 * set alone, the same on every host whatever order the replies came in.
 *
 * The set: the key's history events whose action is count, whose rule
 * (by name, in this host's rules: a fleet runs one rule set) counts and
 * has the key's scope; the newest MEMBERS_MAX of the newest SCAN_MAX
 * events.  Each id is in the history once (quell_apply applies an event
 * id once, a host's own events are its own), so no reply counts twice.
 *
 * A reply r of the set, in (time, origin, seq) order, triggers when the
 * replies up to r inside its rule's window (time > r.time - window) are at
 * least its rule's threshold.  Adding replies only adds triggers, so the
 * newest trigger only moves forward.  Its suppression: the entry
 * (suppress, no stream) made from r's event alone (source, rule,
 * category, code, status, reply; created = updated = r's time; expires
 * after the rule's first ttl; reason "N failures within D days on the
 * fleet"), with r's
 * id as its version, under last writer wins (sync_lww.c).  At the same
 * version it is written again when N grew; it is never published (every
 * host derives it), and a local history event (no image, not shared) says
 * why the entry is there.
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
	int64_t time;
	uint64_t seq;
	char origin[QUELL_NAME_MAX];
	const struct quell__rule *rule;
};

/* The trigger's event, copied out of the history before any write. */
struct trigger {
	int64_t time;
	uint64_t seq;
	const char *origin;
	int found, source, code;
	char rule[QUELL_NAME_MAX], category[QUELL_NAME_MAX], status[QUELL_STATUS_MAX];
	char reply[TEXT_MAX];
};

struct walk {
	const struct quell__rules *rs;
	int scope;
	size_t seen, n;
	struct member *m;
	struct trigger *t; /* second walk: the one to find */
};

static const struct quell__rule *rule_named(const struct quell__rules *rs, const char *name)
{
	size_t n = quell__rules_count(rs);

	for (size_t i = 0; i < n && name[0] != '\0'; i++) {
		const struct quell__rule *r = quell__rules_at(rs, i);

		if (strcmp(r->name, name) == 0)
			return r->action == QUELL_ACTION_COUNT ? r : NULL;
	}
	return NULL;
}

static int collect(const struct quell_event *ev, void *vctx)
{
	struct walk *wk = vctx;
	const struct quell__rule *rule;
	struct member *x;

	if (wk->seen++ >= SCAN_MAX || wk->n == MEMBERS_MAX)
		return 1;
	if (ev == NULL || ev->action != QUELL_ACTION_COUNT ||
	    (rule = rule_named(wk->rs, ev->rule)) == NULL || rule->scope != wk->scope)
		return 0;
	x = &wk->m[wk->n++];
	x->time = ev->time;
	x->seq = ev->seq;
	x->rule = rule;
	quell__copy(x->origin, sizeof x->origin, ev->origin);
	return 0;
}

static int find(const struct quell_event *ev, void *vctx)
{
	struct trigger *t = ((struct walk *)vctx)->t;

	if (ev == NULL || ev->action != QUELL_ACTION_COUNT || ev->time != t->time ||
	    ev->seq != t->seq || strcmp(ev->origin, t->origin) != 0)
		return 0;
	t->found = 1;
	t->source = ev->source;
	t->code = ev->code;
	quell__copy(t->rule, sizeof t->rule, ev->rule);
	quell__copy(t->category, sizeof t->category, ev->category);
	quell__copy(t->status, sizeof t->status, ev->status);
	quell__copy(t->reply, sizeof t->reply, ev->reply);
	return 1;
}

static int member_cmp(const void *pa, const void *pb)
{
	const struct member *a = pa, *b = pb;
	int c;

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if ((c = strcmp(a->origin, b->origin)) != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The newest trigger of m[0..n) (sorted), with its count; -1 if none. */
static long newest_trigger(const struct member *m, size_t n, uint32_t *count)
{
	for (size_t i = n; i-- > 0;) {
		const struct quell__rule *r = m[i].rule;
		uint32_t threshold = r->threshold ? r->threshold : 1, c = 0;

		for (size_t j = i + 1; j-- > 0;) {
			if (r->window != 0 && m[j].time <= m[i].time - r->window)
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

/* Write t's suppression (version v) into key's record, if it is newer
 * than what this host has, or the same one with another count. */
static int derive(quell *h, struct quell__wtxn *w, int scope, const char *key,
                  const struct trigger *t, const struct quell__rule *rule, uint32_t count)
{
	struct quell__rec r;
	struct quell__version have, mine;
	struct quell_entry *e;
	struct quell_event ev;
	char reason[96];
	int rc, i, cmp = 1;

	snprintf(reason, sizeof reason, "%u failures within %lld days on the fleet", count,
	         (long long)(rule->window / 86400));
	if ((rc = quell__store_load(h, w, scope, key, &r)) != 0)
		return rc;
	if ((rc = quell__sync_version(h, w, key, QUELL_LIST_SUPPRESS, "", &r, &have)) < 0)
		return rc;
	mine.time = t->time;
	mine.seq = t->seq;
	mine.removed = 0;
	quell__copy(mine.origin, sizeof mine.origin, t->origin);
	if (rc == 0 && (cmp = quell__version_cmp(&mine, &have)) < 0)
		return 0;
	i = quell__rec_find(&r, QUELL_LIST_SUPPRESS, "");
	if (cmp == 0 && i >= 0 && strcmp(r.ent[i].e.reason, reason) == 0)
		return 0; /* derived before from the same set */
	drop_state(&r);
	if ((i = quell__rec_find(&r, QUELL_LIST_SUPPRESS, "")) < 0 &&
	    (i = quell__sync_place(&r, QUELL_LIST_SUPPRESS, "")) < 0)
		return quell__error(h, QUELL_EDATA, "%s: too many entries for one key", key);
	memset(&r.ent[i], 0, sizeof r.ent[i]);
	e = &r.ent[i].e;
	e->list = QUELL_LIST_SUPPRESS;
	e->stream = "";
	e->source = t->source;
	e->category = t->category;
	e->rule = t->rule;
	e->code = t->code;
	e->status = t->status;
	e->reply = t->reply;
	e->reason = reason;
	e->created = e->updated = t->time;
	e->expires = rule->nttl > 0 && rule->ttl[0] > 0 ? quell__time_add(t->time, rule->ttl[0]) : 0;
	e->count = 1;
	quell__sync_sort(&r);
	memset(&ev, 0, sizeof ev);
	ev.time = t->time;
	ev.list = QUELL_LIST_SUPPRESS;
	ev.stream = "";
	ev.source = t->source;
	ev.action = QUELL_ACTION_SUPPRESS;
	ev.rule = t->rule;
	ev.category = t->category;
	ev.code = t->code;
	ev.status = t->status;
	ev.reply = t->reply;
	ev.reason = reason;
	ev.until = e->expires;
	ev.verdict = quell__rec_verdict(&r, NULL, t->time);
	if ((rc = quell__store_put(h, w, scope, key, &r)) != 0 ||
	    (rc = quell__store_version_put(h, w, key, QUELL_LIST_SUPPRESS, "", &mine)) != 0)
		return rc;
	return quell__store_event(h, w, key, &ev); /* local, no image: not shared */
}

int quell__sync_count(quell *h, struct quell__wtxn *w, int scope, const char *key)
{
	struct quell__rules *rs;
	struct walk wk;
	struct trigger t;
	uint32_t count = 0;
	long i;
	int rc;

	if ((rc = quell__rules_get(h, &rs)) != 0)
		return rc;
	memset(&wk, 0, sizeof wk);
	wk.rs = rs;
	wk.scope = scope;
	if ((wk.m = malloc(MEMBERS_MAX * sizeof *wk.m)) == NULL) {
		quell__rules_unref(rs);
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	}
	rc = quell__store_history(h, quell__store_wview(w), key, collect, &wk);
	if (rc == 0 && wk.n > 0) {
		qsort(wk.m, wk.n, sizeof *wk.m, member_cmp);
		if ((i = newest_trigger(wk.m, wk.n, &count)) >= 0) {
			memset(&t, 0, sizeof t);
			t.time = wk.m[i].time;
			t.seq = wk.m[i].seq;
			t.origin = wk.m[i].origin;
			wk.t = &t;
			rc = quell__store_history(h, quell__store_wview(w), key, find, &wk);
			if (rc == 0 && t.found)
				rc = derive(h, w, scope, key, &t, wk.m[i].rule, count);
		}
	}
	free(wk.m);
	quell__rules_unref(rs);
	return rc;
}
