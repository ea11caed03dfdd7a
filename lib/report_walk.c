/*
 * report_walk.c - the one walk of the history table behind quell_report,
 * key by key, newest first (store.h), and the scan of the domain table for
 * the domains in backoff now.
 *
 * For each key the walk keeps the time of the newer event it saw, so each
 * event's verdict is known to hold from its time until then: the list
 * sizes at the end of each period come from these intervals (a difference
 * array over the periods).  A suppression is new when the event before it
 * (the next one of the walk) left the key with another verdict.  The walk
 * leaves a key at its first event older than `since` (which still says
 * the key's state at `since`), and seeks past keys --domain leaves out.
 * Knows nothing of LMDB (store.h) or of the output's shape.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "report.h"
#include "text.h"

#define ROW_UNKNOWN ((size_t)-1) /* the key's domain row: not looked up yet */
#define ROW_NONE ((size_t)-2)    /* ... past QUELL_REPORT_MAX_DOMAINS */

int64_t quell__report_floor(int by, int64_t t)
{
	int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);

	if (by == QUELL_REPORT_WEEK) { /* 1970-01-01 was a Thursday: Monday is day -3 */
		int64_t d = day + 3, w = d >= 0 ? d / 7 : -((-d + 6) / 7);

		return (w * 7 - 3) * 86400;
	}
	return day * 86400;
}

int64_t quell__report_period(const struct quell_report *r, int64_t t)
{
	int64_t len = r->by == QUELL_REPORT_WEEK ? 7 * 86400 : 86400;

	return (quell__report_floor(r->by, t) - r->since) / len;
}

/* The index of the first period whose last second is at or after t
 * (0 .. nperiods): where an interval starting or ending at t counts. */
static size_t edge(const struct quell_report *r, int64_t t)
{
	int64_t p;

	if (t <= r->since)
		return 0;
	if (t >= r->until)
		return r->nperiods;
	p = quell__report_period(r, t);
	return p < 0 ? 0 : (size_t)p > r->nperiods ? r->nperiods : (size_t)p;
}

static void interval(struct quell__rep *rp, int64_t *d, int64_t a, int64_t b)
{
	size_t i = edge(rp->r, a), j = edge(rp->r, b);

	if (i < j) {
		d[i]++;
		d[j]--;
	}
}

/* The list sizes.  Each event's verdict holds from its time until the
 * newer event's; the end of a suppression or backoff is the until of the
 * event that made it (a ttl, a backoff's end), which an event made by
 * something else (a delivery to a suppressed address) does not carry: a
 * run of such events stays open until the older event that made the
 * verdict caps it.  A backoff run nothing made (the domain's backoff seen
 * from an address) is not counted; a suppression run is, to its end. */
static void sizes(struct quell__rep *rp, const struct quell_event *ev)
{
	int64_t *sup = rp->scope == QUELL_SCOPE_DOMAIN ? rp->dsupd : rp->dsupa;

	if (ev->verdict == QUELL_SUPPRESS && ev->action == QUELL_ACTION_SUPPRESS) {
		int64_t end = rp->sup_open ? rp->sup_end : rp->next_time;

		interval(rp, sup, ev->time, ev->until > 0 && ev->until < end ? ev->until : end);
		rp->sup_open = 0;
	} else if (ev->verdict == QUELL_SUPPRESS && !rp->sup_open) {
		rp->sup_open = 1;
		rp->sup_end = rp->next_time;
	} else if (ev->verdict != QUELL_SUPPRESS && rp->sup_open) {
		interval(rp, sup, rp->next_time, rp->sup_end); /* made by no event seen */
		rp->sup_open = 0;
	}
	if (ev->verdict == QUELL_BACKOFF && ev->action == QUELL_ACTION_BACKOFF) {
		int64_t end = rp->back_open ? rp->back_end : rp->next_time;

		interval(rp, rp->dback, ev->time, ev->until < end ? ev->until : end);
		rp->back_open = 0;
	} else if (ev->verdict == QUELL_BACKOFF && !rp->back_open) {
		rp->back_open = 1;
		rp->back_end = rp->next_time;
	} else if (ev->verdict != QUELL_BACKOFF) {
		rp->back_open = 0;
	}
}

/* The key ends: a suppression run still open counts from its oldest event. */
static void sizes_end(struct quell__rep *rp)
{
	if (rp->sup_open && rp->keylen != (size_t)-1)
		interval(rp, rp->scope == QUELL_SCOPE_DOMAIN ? rp->dsupd : rp->dsupa, rp->next_time,
		         rp->sup_end);
	rp->sup_open = rp->back_open = 0;
}

/* Count the pending suppression as new. */
static void count_new(struct quell__rep *rp)
{
	struct quell__pending *p = &rp->pend;
	size_t np = rp->r->nperiods;

	if (!p->on)
		return;
	p->on = 0;
	rp->r->periods[p->period].suppressions++;
	rp->r->suppressions++;
	rp->catp[p->category * np + p->period]++;
	rp->rulep[p->rule * np + p->period]++;
}

/* The row of a name in a name table (the last row when it is full). */
static int name_row(struct quell__rep *rp, struct quell__strtab *t, const char *name, size_t *i)
{
	int fresh, rc = quell__strtab_get(t, name, strlen(name), i, &fresh);

	if (rc == 1) { /* full: the last row takes the rest */
		*i = t->max - 1;
		return 0;
	}
	return rc < 0 ? quell__error(rp->h, QUELL_ENOMEM, "out of memory") : 0;
}

/* A reply's recipient domain counts; its group of reasons. */
static int reply_counts(struct quell__rep *rp, const struct quell_event *ev, int type, int o)
{
	char gk[2 * QUELL_NAME_MAX + QUELL_STATUS_MAX + 2];
	size_t i, rl, sl;
	int fresh, rc;

	if (rp->dom_row == ROW_UNKNOWN) { /* once per key */
		const char *dom = quell__key_domain(rp->key);

		if ((rc = quell__strtab_get(&rp->doms, dom, strlen(dom), &i, &fresh)) < 0)
			return quell__error(rp->h, QUELL_ENOMEM, "out of memory");
		rp->dom_row = rc == 1 ? ROW_NONE : i;
		if (fresh)
			memset(&rp->dom[i], 0, sizeof rp->dom[i]);
	}
	if (rp->dom_row == ROW_NONE) {
		rp->other_domains++;
	} else {
		struct quell__dom *d = &rp->dom[rp->dom_row];
		const struct quell_report *r = rp->r;

		d->delivered += type == QUELL_ACTIVITY_DELIVERED;
		d->deferrals += type == QUELL_ACTIVITY_DEFERRAL;
		d->complaints += type == QUELL_ACTIVITY_COMPLAINT;
		if (type == QUELL_ACTIVITY_BOUNCE) {
			d->bounces++;
			d->spark[(ev->time - r->since) * QUELL_REPORT_SPARK / (r->until - r->since)]++;
		}
	}
	if (o < 0 || o == QUELL_OUTCOME_DELIVERED)
		return 0;
	rl = strnlen(ev->rule, QUELL_NAME_MAX - 1);
	sl = strnlen(ev->status, QUELL_STATUS_MAX - 1);
	memcpy(gk, ev->rule, rl);
	gk[rl] = ' ';
	memcpy(gk + rl + 1, ev->status, sl);
	gk[rl + 1 + sl] = '\0';
	if ((rc = quell__strtab_get(&rp->whys, gk, rl + 1 + sl, &i, &fresh)) < 0)
		return quell__error(rp->h, QUELL_ENOMEM, "out of memory");
	if (rc == 0) {
		struct quell__why *w = &rp->why[i];

		if (fresh)
			memset(w, 0, sizeof *w);
		w->count++;
		if (w->count == 1 || ev->time > w->last) {
			quell__copy(w->reply, sizeof w->reply, ev->reply);
			w->last = ev->time;
			w->code = ev->code;
		}
	}
	return 0;
}

/* An event inside [since, until), not a copy: the counts. */
static int count_event(struct quell__rep *rp, const struct quell_event *ev)
{
	struct quell_report *r = rp->r;
	size_t p = (size_t)quell__report_period(r, ev->time);
	struct quell_report_period *pp = &r->periods[p];
	int o = quell__event_outcome(ev), type = quell__event_type(rp->scope, ev), rc;

	r->events++;
	if (o >= 0) {
		pp->outcomes[o]++;
		r->totals[o]++;
	} else if (type == QUELL_ACTIVITY_COMPLAINT) {
		pp->complaints++;
	} else if (type == QUELL_ACTIVITY_UNSUBSCRIBE) {
		pp->unsubscribes++;
	} else {
		pp->manual++;
	}
	if (rp->scope == QUELL_SCOPE_ADDRESS && (o >= 0 || type == QUELL_ACTIVITY_COMPLAINT) &&
	    (rc = reply_counts(rp, ev, type, o)) != 0)
		return rc;
	if (ev->action == QUELL_ACTION_SUPPRESS) {
		rp->pend.on = 1;
		rp->pend.period = p;
		if ((rc = name_row(rp, &rp->cats, ev->category, &rp->pend.category)) != 0 ||
		    (rc = name_row(rp, &rp->rules, ev->rule, &rp->pend.rule)) != 0)
			return rc;
	}
	return 0;
}

/* A new key begins: the last one's pending suppression had nothing older. */
static void next_key(struct quell__rep *rp, const char *key, size_t klen)
{
	count_new(rp);
	sizes_end(rp);
	memcpy(rp->key, key, klen + 1);
	rp->keylen = klen;
	rp->scope = quell__key_scope(key, klen);
	rp->next_time = INT64_MAX;
	rp->dom_row = ROW_UNKNOWN;
}

static int step(const struct quell__val *k, const struct quell__val *v, void *vctx)
{
	struct quell__rep *rp = vctx;
	char key[QUELL_ENTRY_MAX];
	struct quell_event ev;
	size_t klen;
	int rc;

	quell__hwalk_tick(&rp->w);
	if (k->len > rp->keylen && rp->keylen != (size_t)-1 &&
	    ((const char *)k->data)[rp->keylen] == '\0' &&
	    memcmp(k->data, rp->key, rp->keylen) == 0) {
		/* the same key as the last item: nothing to copy */
	} else if (quell__history_split(k->data, k->len, key, &klen) != 0) {
		return QUELL__SCAN_NEXT;
	} else {
		next_key(rp, key, klen);
		if (!quell__domain_within(quell__key_domain(key), rp->domain))
			return quell__hwalk_leave(&rp->w, key, klen);
	}
	if (quell__event_decode(&ev, v->data, v->len) != 0)
		return QUELL__SCAN_NEXT;
	if (rp->stream != NULL && ev.stream[0] != '\0' && strcmp(ev.stream, rp->stream) != 0)
		return QUELL__SCAN_NEXT;
	sizes(rp, &ev);
	if (rp->pend.on && ev.verdict != QUELL_SUPPRESS)
		count_new(rp);
	rp->pend.on = 0;
	if (ev.time < rp->r->since) { /* it said the state at since; the rest is older */
		rp->next_time = ev.time;
		return quell__hwalk_leave(&rp->w, rp->key, rp->keylen);
	}
	if (ev.time < rp->r->until && !quell__event_copy(rp->scope, &ev) &&
	    (rc = count_event(rp, &ev)) != 0)
		return rc;
	rp->next_time = ev.time;
	return QUELL__SCAN_NEXT;
}

int quell__report_walk(struct quell__rep *rp)
{
	int rc;

	if ((rc = quell__store_read_begin(rp->h, &rp->w.txn)) != 0)
		return rc;
	rp->w.h = rp->h;
	rp->keylen = (size_t)-1;
	rc = quell__hwalk(&rp->w, step, rp);
	count_new(rp);
	sizes_end(rp);
	if (rc == 0)
		rc = quell__report_backoff(rp);
	quell__store_read_end(rp->h, rp->w.txn);
	return rc;
}

/* ---------------------------------------------------------- backoff now */

static int backoff_step(const struct quell__val *k, const struct quell__val *v, void *vctx)
{
	struct quell__rep *rp = vctx;
	struct quell_report *r = rp->r;
	struct quell__rec_iter it;
	struct quell__ent e;
	char key[QUELL_ENTRY_MAX];

	quell__hwalk_tick(&rp->w); /* the domain table's pages lie among the history's */
	if (k->len >= sizeof key)
		return QUELL__SCAN_NEXT;
	memcpy(key, k->data, k->len);
	key[k->len] = '\0';
	if (!quell__domain_within(key, rp->domain) || quell__rec_begin(&it, v->data, v->len) != 0)
		return QUELL__SCAN_NEXT;
	while (quell__rec_next(&it, &e) == 1) {
		struct quell_report_backoff *b = &r->backoff[r->nbackoff];
		const char *s[4] = { key, e.e.rule, e.e.status, e.e.reply };
		const char **d[4] = { &b->domain, &b->rule, &b->status, &b->reply };

		if (e.e.list != QUELL_LIST_BACKOFF || e.e.until <= r->now)
			continue;
		if (r->nbackoff == QUELL__REPORT_BACKOFF)
			return QUELL__SCAN_STOP;
		for (int i = 0; i < 4; i++)
			if ((*d[i] = quell__arena_dup(rp->arena, s[i])) == NULL)
				return quell__error(rp->h, QUELL_ENOMEM, "out of memory");
		b->until = e.e.until;
		b->code = e.e.code;
		b->attempts = e.e.attempts;
		r->nbackoff++;
		break;
	}
	return QUELL__SCAN_NEXT;
}

static int by_until(const void *x, const void *y)
{
	const struct quell_report_backoff *a = x, *b = y;

	return a->until != b->until ? (a->until < b->until ? -1 : 1) : strcmp(a->domain, b->domain);
}

int quell__report_backoff(struct quell__rep *rp)
{
	struct quell_report *r = rp->r;
	int rc;

	r->backoff = calloc(QUELL__REPORT_BACKOFF, sizeof *r->backoff);
	if (r->backoff == NULL)
		return quell__error(rp->h, QUELL_ENOMEM, "out of memory");
	rc = quell__store_scan(rp->h, rp->w.txn, QUELL__T_DOMAIN, NULL, 0, 0, backoff_step, rp);
	if (rc < 0)
		return rc;
	qsort(r->backoff, r->nbackoff, sizeof *r->backoff, by_until);
	return 0;
}
