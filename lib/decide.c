/*
 * decide.c - what a reply does to the lists: the rules engine's verdict on
 * a reply (rules.h) applied to a key's record (decide.h).
 *
 *   suppress  the address (or its domain) goes on the suppress list; a ttl
 *             list escalates with each rule-made suppression of the key
 *             (counted by the rule-made entry in place, else found in the
 *             newest 1024 events of its history);
 *   backoff   each failure pushes `until` to now + initial * factor^(n-1),
 *             capped at max; a run ends at a clear or when give_up_after
 *             passes without a failure; after give_up_after since the
 *             run's first failure and at least 3 failures an address is
 *             suppressed (category transient unless the rule names one, ttl
 *             30d) and a domain's backoff just ends;
 *   count     failure times inside `window` are kept; at `threshold` the
 *             key is suppressed;
 *   clear     a delivery forgets the address's backoff and count state and
 *             its domain's backoff;
 *   ignore    history only.
 * A domain-scope suppression of a protected domain is applied as ignore.
 * A domain-scope outcome for a public suffix or a single-label name (a
 * bounce for `x@com`, `x@co.uk`, `x@localhost`) would cover a whole
 * namespace: it applies to the address instead, and its event says so.
 *
 * All of it works on an in-memory record, so `rules explain` runs it on an
 * empty one without a database; the one thing it may ask for is how many
 * rule-made suppressions came before, when a reply suppresses and the
 * record cannot say.  A reply text that is not valid UTF-8 is repaired
 * before anything sees it (quell__utf8_repair; outcome->repaired says so).
 * Storing the result is record.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "check.h"
#include "decide.h"
#include "error.h"
#include "text.h"
#include "timefmt.h"
#include "write.h"

#define GIVE_UP_TTL (30 * 86400)
#define MIN_FAILURES 3

/* ----------------------------------------------------------- the decision */

static int64_t backoff_delay(const struct quell__backoff *bo, uint32_t attempts)
{
	double d = (double)bo->initial;

	for (uint32_t i = 1; i < attempts && d < (double)bo->max; i++)
		d *= bo->factor;
	if (!(d < (double)bo->max)) /* also catches inf and nan */
		return bo->max;
	return (int64_t)d;
}

/* Remove every entry of these lists in the stream-less set. */
void quell__drop_lists(struct quell__rec *r, int a, int b)
{
	for (size_t i = 0; i < r->n;) {
		const struct quell_entry *e = &r->ent[i].e;
		if ((e->list == a || e->list == b) && e->stream[0] == '\0')
			quell__rec_remove(r, i);
		else
			i++;
	}
}

static void stamp(struct quell_entry *e, const struct quell__decision *d, const char *category)
{
	e->source = d->source;
	e->category = category;
	e->rule = d->rule ? d->rule->name : "";
	e->code = d->code;
	e->status = d->status;
	e->reply = d->text;
	e->updated = d->now;
}

static int64_t rule_ttl(const struct quell__decision *d)
{
	const struct quell__rule *rule = d->rule;
	size_t n;

	if (rule == NULL || rule->nttl == 0)
		return 0;
	n = d->prior + 1 < rule->nttl ? d->prior + 1 : rule->nttl;
	return rule->ttl[n - 1];
}

/* Whether suppression entry e, live, was made by hand or by the
 * recipient (manual, unsubscribe, complaint) while decision d is a
 * bounce's: a bounce must not turn an opt-out into a bounce entry, nor
 * shorten what a person set. */
static int by_hand(const struct quell_entry *e, const struct quell__decision *d)
{
	return (e->source == QUELL_SOURCE_MANUAL || e->source == QUELL_SOURCE_UNSUBSCRIBE ||
	        e->source == QUELL_SOURCE_COMPLAINT) &&
	       d->source != QUELL_SOURCE_UNSUBSCRIBE && d->source != QUELL_SOURCE_COMPLAINT &&
	       quell__entry_live(e, d->now);
}

/* Suppress the key: ttl the rule's (escalating with the suppressions
 * before) unless given.  An entry made by hand or by the recipient keeps
 * its source, category and reason (by_hand).  0, QUELL_EDATA (record full) or ask_prior's
 * error. */
static int suppress(struct quell__rec *r, struct quell__decision *d, const char *category,
                    const int64_t *ttl_given, const char *reason, struct quell__effect *fx)
{
	int created, rc, i = quell__write_slot(r, QUELL_LIST_SUPPRESS, d->stream, d->now, &created);
	struct quell_entry *e;
	int64_t ttl;

	if (i < 0)
		return QUELL_EDATA;
	if (d->ask_prior != NULL) {
		if ((rc = d->ask_prior(d->prior_ctx, &d->prior)) != 0)
			return rc;
		d->ask_prior = NULL;
	}
	ttl = ttl_given ? *ttl_given : rule_ttl(d);
	e = &r->ent[i].e;
	if (!created && by_hand(e, d)) {
		/* made by hand or by the recipient: it stays what it is (its
		 * source, category and reason), a bounce only lengthens it */
		int64_t until = ttl > 0 ? quell__time_add(d->now, ttl) : 0;

		if (e->expires != 0 && (until == 0 || until > e->expires))
			e->expires = until;
		e->updated = d->now;
	} else {
		stamp(e, d, category);
		e->reason = reason;
		e->expires = ttl > 0 ? quell__time_add(d->now, ttl) : 0;
		e->count = (created ? 0 : e->count) > d->prior ? e->count + 1 : d->prior + 1;
	}
	if (d->stream[0] == '\0') /* a stream's unsubscribe leaves the rest be */
		quell__drop_lists(r, QUELL_LIST_BACKOFF, QUELL__LIST_COUNT);
	fx->action = QUELL_ACTION_SUPPRESS;
	fx->list = QUELL_LIST_SUPPRESS;
	fx->until = e->expires;
	fx->category = category;
	return 0;
}

/* One more failure of a backoff run: push `until`; past give_up_after
 * with MIN_FAILURES an address is suppressed and a domain's run ends. */
static int backoff(struct quell__rec *r, struct quell__decision *d, struct quell__effect *fx)
{
	static const int64_t give_up_ttl = GIVE_UP_TTL;
	const struct quell__backoff *bo = d->bo;
	int created, i = quell__write_slot(r, QUELL_LIST_BACKOFF, "", d->now, &created);
	struct quell_entry *e;
	uint32_t n;
	int64_t days;

	if (i < 0)
		return QUELL_EDATA;
	e = &r->ent[i].e;
	if (created || (bo->give_up_after > 0 && d->now - e->updated >= bo->give_up_after) ||
	    e->first_failure == 0) {
		e->first_failure = d->now; /* a new run */
		e->attempts = 0;
		e->created = d->now;
	}
	e->attempts++;
	stamp(e, d, d->category);
	e->until = quell__time_add(d->now, backoff_delay(bo, e->attempts));
	fx->list = QUELL_LIST_BACKOFF;
	fx->until = e->until;
	if (!(bo->give_up_after > 0 && d->now - e->first_failure >= bo->give_up_after &&
	      e->attempts >= MIN_FAILURES))
		return 0;
	n = e->attempts;
	days = (d->now - e->first_failure) / 86400;
	if (d->scope == QUELL_SCOPE_DOMAIN) {
		quell__drop_lists(r, QUELL_LIST_BACKOFF, QUELL_LIST_BACKOFF);
		fx->until = 0;
		snprintf(fx->reason, sizeof fx->reason, "backoff ended after %u failures in %lld days",
		         n, (long long)days);
		return 0;
	}
	snprintf(fx->reason, sizeof fx->reason, "gave up after %u failures in %lld days", n,
	         (long long)days);
	return suppress(r, d, d->rule && d->rule->category_set ? d->category : "transient",
	                &give_up_ttl, fx->reason, fx);
}

/* One more failure counted: the times still inside the window and now
 * (in ext, which the entry then points to); at the threshold the key is
 * suppressed. */
static int count(struct quell__rec *r, struct quell__decision *d, unsigned char *ext,
                 struct quell__effect *fx)
{
	const struct quell__rule *rule = d->rule;
	uint32_t threshold = rule && rule->threshold ? rule->threshold : 1;
	int64_t window = rule && rule->window ? rule->window : 0;
	size_t n = 0, keep = threshold < COUNT_KEEP ? threshold : COUNT_KEEP;
	int created, i = quell__write_slot(r, QUELL__LIST_COUNT, "", d->now, &created);
	struct quell__ent *ent;

	if (i < 0)
		return QUELL_EDATA;
	ent = &r->ent[i];
	/* the old times that are still inside the window, then now */
	for (size_t k = 0; !created && k + 8 <= ent->extlen; k += 8) {
		int64_t t = 0;
		const unsigned char *p = ent->ext + k;

		for (int b = 7; b >= 0; b--)
			t = (int64_t)((uint64_t)t << 8 | p[b]);
		if (window == 0 || t > d->now - window)
			memcpy(ext + 8 * n++, p, 8);
	}
	if (n >= keep) { /* keep the newest keep-1 and add now */
		memmove(ext, ext + 8 * (n - keep + 1), 8 * (keep - 1));
		n = keep - 1;
	}
	for (int b = 0; b < 8; b++)
		ext[8 * n + (size_t)b] = (unsigned char)((uint64_t)d->now >> (8 * b));
	n++;
	if (n >= threshold) {
		snprintf(fx->reason, sizeof fx->reason, "%zu failures within %lld days", n,
		         (long long)(window / 86400));
		return suppress(r, d, d->category, NULL, fx->reason, fx);
	}
	stamp(&ent->e, d, d->category);
	ent->e.count = (uint32_t)n;
	fx->count = (uint32_t)n;
	ent->ext = ext;
	ent->extlen = 8 * n;
	fx->list = QUELL__LIST_COUNT;
	return 0;
}

/*
 * Apply the decision to the record of the key it targets.  ext (room for
 * COUNT_KEEP times) receives the new count state, which the record then
 * points to.  Returns 0, QUELL_EDATA (record full) or d->ask_prior's
 * error.
 */
int quell__apply(struct quell__rec *r, struct quell__decision *d, unsigned char *ext,
                 struct quell__effect *fx)
{
	memset(fx, 0, sizeof *fx);
	fx->action = d->action;
	fx->category = d->category;
	switch (d->action) {
	case QUELL_ACTION_SUPPRESS:
		return suppress(r, d, d->category, NULL, "", fx);
	case QUELL_ACTION_BACKOFF:
		return backoff(r, d, fx);
	case QUELL_ACTION_COUNT:
		return count(r, d, ext, fx);
	case QUELL_ACTION_CLEAR:
		quell__drop_lists(r, QUELL_LIST_BACKOFF, QUELL__LIST_COUNT);
		return 0;
	default: /* ignore */
		return 0;
	}
}

/* --------------------------------------------------------------- parsing */


int quell__parse_reply(quell *h, const char *reply, struct quell__parsed *p,
                       struct quell_outcome *out)
{
	int rc;

	if (reply == NULL)
		return quell__error(h, QUELL_EDATA, "no reply");
	rc = quell__reply_parse(reply, strlen(reply), p->textbuf, sizeof p->textbuf, &p->reply,
	                        out->error, sizeof out->error);
	if (rc != 0)
		return quell__error(h, rc, "%s", out->error);
	/* text is valid UTF-8 from the moment it enters (a Latin-1 reply in
	 * a Postfix log): the rules, the history and every export see that */
	if (quell__utf8_check(p->reply.text, p->reply.text_len) < p->reply.text_len) {
		p->reply.text_len = quell__utf8_repair(p->reply.text, p->reply.text_len, p->fixbuf,
		                                       sizeof p->fixbuf, 0, NULL);
		p->reply.text = p->fixbuf;
		out->repaired = 1;
	}
	out->code = p->reply.code;
	quell__copy(out->status, sizeof out->status, p->reply.status);
	quell__copy(out->text, sizeof out->text, p->reply.text);
	return 0;
}

void quell__decide(quell *h, const struct quell__rules *rs, struct quell__rules_cache *cache,
                   const struct quell__parsed *p, int64_t now, int source,
                   struct quell__decision *d)
{
	const char *dom = p->domain[0] ? p->domain : NULL;

	memset(d, 0, sizeof *d);
	d->now = now;
	d->source = QUELL_SOURCE_BOUNCE;
	d->stream = "";
	d->code = p->reply.code;
	d->status = p->reply.status;
	d->text = p->reply.text;
	d->bo = quell__rules_backoff(rs);
	if (source == QUELL_SOURCE_COMPLAINT || source == QUELL_SOURCE_UNSUBSCRIBE) {
		d->action = QUELL_ACTION_SUPPRESS;
		d->scope = QUELL_SCOPE_ADDRESS;
		d->category = source == QUELL_SOURCE_COMPLAINT ? "complaint" : "unsubscribe";
		d->source = source;
		return;
	}
	d->rule = quell__rules_match_cached(cache, rs, &p->reply, dom);
	if (d->rule == NULL) {
		d->action = QUELL_ACTION_IGNORE;
		d->scope = QUELL_SCOPE_ADDRESS;
		d->category = "other";
		return;
	}
	d->action = d->rule->action;
	d->scope = d->rule->scope == QUELL_SCOPE_DOMAIN ? QUELL_SCOPE_DOMAIN : QUELL_SCOPE_ADDRESS;
	d->category = d->rule->category;
	d->bo = &d->rule->backoff;
	/* a rule never suppresses a protected domain at domain scope (without
	 * a domain, as in `rules explain REPLY`, the rule is shown as written) */
	if (d->scope == QUELL_SCOPE_DOMAIN && d->action == QUELL_ACTION_SUPPRESS && dom != NULL &&
	    quell__rules_protected(rs, dom))
		d->action = QUELL_ACTION_IGNORE;
	/* the one place where a rule's scope picks the key: never a public
	 * suffix or a single label, whatever the action (the test `add`
	 * applies to domain entries) */
	if (d->scope == QUELL_SCOPE_DOMAIN && dom != NULL &&
	    (d->wide = quell__domain_too_wide(quell__psl(h), dom)) != 0)
		d->scope = QUELL_SCOPE_ADDRESS;
}

/* The event's reason: the effect's, and why the scope fell back. */
const char *quell__event_reason(const struct quell__decision *d, const struct quell__effect *fx,
                                const char *domain, char *buf, size_t size)
{
	if (d->wide == 0)
		return fx->reason;
	/* buf has room for both; were it cut, the effect's part is whole */
	if (snprintf(buf, size, "%s%sdomain '%s' is %s: address scope", fx->reason,
	             fx->reason[0] ? "; " : "", domain,
	             d->wide == QUELL__WIDE_SUFFIX ? "a public suffix" : "a top-level name") < 0)
		return fx->reason;
	return buf;
}

void quell__fill_outcome(struct quell_outcome *out, const struct quell__decision *d,
                         const struct quell__effect *fx, const char *key)
{
	quell__copy(out->rule, sizeof out->rule, d->rule ? d->rule->name : "");
	quell__copy(out->category, sizeof out->category, fx->category ? fx->category : "");
	out->action = fx->action;
	out->scope = d->scope;
	quell__copy(out->key, sizeof out->key,
	            fx->action == QUELL_ACTION_IGNORE || fx->action == QUELL_ACTION_CLEAR ? ""
	                                                                                  : key);
	out->until = fx->until;
	out->count = fx->count;
}
