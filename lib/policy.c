/*
 * policy.c - what a reply does to the lists: the rules engine's verdict on
 * a reply (rules.h) applied to a key's record.
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
 * The pure part (apply()) works on an in-memory record, so `rules explain`
 * runs it on an empty one without a database; the one thing it may ask
 * for is how many rule-made suppressions came before, when a reply
 * suppresses and the record cannot say.  A reply is written in one pass:
 * its key's record is loaded once, the decision applied once, and the
 * record and event written once, through write.h.  Every reply is kept in the
 * recipient's history (and, for a domain-scope action, in the domain's too),
 * with its time, code, status and text: enough to replay it under other
 * rules.  A reply text that is not valid UTF-8 is repaired before anything
 * sees it (quell__utf8_repair; outcome->repaired says so).  A queue or
 * message id counts a reply once per class (2xx, 4xx, 5xx): retries count
 * once, the bounce that ends them too, and a reply counted before writes
 * nothing (no event, no change-feed entry).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "check.h"
#include "policy.h"
#include "error.h"
#include "reply.h"
#include "rules.h"
#include "store.h"
#include "text.h"
#include "write.h"

#define GIVE_UP_TTL (30 * 86400)
#define MIN_FAILURES 3

/* ----------------------------------------------------------- the decision */

/* Everything apply() needs to know about one reply. */
struct decision {
	const struct quell__rule *rule;  /* NULL: no rule matched */
	const struct quell__backoff *bo; /* the rule's, or the file's */
	int action, scope;
	const char *category;
	int source;
	int64_t now;
	int code;
	const char *status, *text;
	unsigned prior;                  /* rule-made suppressions of the key before */
	/* NULL: prior is known.  Else asked for it, once, when the reply
	 * suppresses (most replies back off or count): 0 or an error */
	int (*ask_prior)(void *ctx, unsigned *prior);
	void *prior_ctx;
	int wide;                        /* QUELL__WIDE_*: the rule's domain scope fell
	                                    back to the address; else 0 */
};

/* What apply() did, for the event and the outcome. */
struct effect {
	int action;      /* as applied (a give-up or a reached count is suppress) */
	int list;        /* list written */
	int64_t until;   /* backoff until or expiry */
	const char *category;
	uint32_t count;  /* count: failures inside the window so far */
	char reason[160];
};

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
static void drop_lists(struct quell__rec *r, int a, int b)
{
	for (size_t i = 0; i < r->n;) {
		const struct quell_entry *e = &r->ent[i].e;
		if ((e->list == a || e->list == b) && e->stream[0] == '\0')
			quell__rec_remove(r, i);
		else
			i++;
	}
}

static void stamp(struct quell_entry *e, const struct decision *d, const char *category)
{
	e->source = d->source;
	e->category = category;
	e->rule = d->rule ? d->rule->name : "";
	e->code = d->code;
	e->status = d->status;
	e->reply = d->text;
	e->updated = d->now;
}

static int64_t rule_ttl(const struct decision *d)
{
	const struct quell__rule *rule = d->rule;
	size_t n;

	if (rule == NULL || rule->nttl == 0)
		return 0;
	n = d->prior + 1 < rule->nttl ? d->prior + 1 : rule->nttl;
	return rule->ttl[n - 1];
}

/* Suppress the key: ttl the rule's (escalating with the suppressions
 * before) unless given.  0, QUELL_EDATA (record full) or ask_prior's
 * error. */
static int suppress(struct quell__rec *r, struct decision *d, const char *category,
                    const int64_t *ttl_given, const char *reason, struct effect *fx)
{
	int created, rc, i = quell__write_slot(r, QUELL_LIST_SUPPRESS, "", d->now, &created);
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
	stamp(e, d, category);
	e->reason = reason;
	e->expires = ttl > 0 ? quell__time_add(d->now, ttl) : 0;
	e->count = (created ? 0 : e->count) > d->prior ? e->count + 1 : d->prior + 1;
	drop_lists(r, QUELL_LIST_BACKOFF, QUELL__LIST_COUNT);
	fx->action = QUELL_ACTION_SUPPRESS;
	fx->list = QUELL_LIST_SUPPRESS;
	fx->until = e->expires;
	fx->category = category;
	return 0;
}

/* One more failure of a backoff run: push `until`; past give_up_after
 * with MIN_FAILURES an address is suppressed and a domain's run ends. */
static int backoff(struct quell__rec *r, struct decision *d, struct effect *fx)
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
		drop_lists(r, QUELL_LIST_BACKOFF, QUELL_LIST_BACKOFF);
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
static int count(struct quell__rec *r, struct decision *d, unsigned char *ext,
                 struct effect *fx)
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
static int apply(struct quell__rec *r, struct decision *d, unsigned char *ext,
                 struct effect *fx)
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
		drop_lists(r, QUELL_LIST_BACKOFF, QUELL__LIST_COUNT);
		return 0;
	default: /* ignore */
		return 0;
	}
}

/* --------------------------------------------------------------- parsing */


static int parse_reply(quell *h, const char *reply, struct quell__parsed *p,
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

static void decide(quell *h, const struct quell__rules *rs, const struct quell__parsed *p,
                   int64_t now, int source, struct decision *d)
{
	const char *dom = p->domain[0] ? p->domain : NULL;

	memset(d, 0, sizeof *d);
	d->now = now;
	d->source = QUELL_SOURCE_BOUNCE;
	d->code = p->reply.code;
	d->status = p->reply.status;
	d->text = p->reply.text;
	d->bo = quell__rules_backoff(rs);
	if (source == QUELL_SOURCE_COMPLAINT) {
		d->action = QUELL_ACTION_SUPPRESS;
		d->scope = QUELL_SCOPE_ADDRESS;
		d->category = "complaint";
		d->source = QUELL_SOURCE_COMPLAINT;
		return;
	}
	d->rule = quell__rules_match(rs, &p->reply, dom);
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
static const char *event_reason(const struct decision *d, const struct effect *fx,
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

static void fill_outcome(struct quell_outcome *out, const struct decision *d,
                         const struct effect *fx, const char *key)
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

/* ---------------------------------------------------------------- explain */

int quell_explain(quell *h, const char *address, const char *domain, const char *reply,
                  int64_t now, struct quell_outcome *out)
{
	struct quell__rules *rs;
	struct quell__parsed *p;
	struct decision d;
	struct effect fx;
	struct quell__rec *r;
	unsigned char *ext;
	int rc;

	if (h == NULL || out == NULL)
		return quell__error(h, QUELL_EINVAL, "explain: NULL argument");
	memset(out, 0, sizeof *out);
	/* scratch for one call: not zeroed, every part is set before use */
	p = malloc(sizeof *p + sizeof *r + 8 * COUNT_KEEP);
	if (p == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	r = (struct quell__rec *)(p + 1);
	ext = (unsigned char *)(r + 1);
	p->addr[0] = p->domain[0] = '\0';
	p->doff = 0;
	if (address != NULL && *address != '\0') {
		rc = quell__address_parse(address, strlen(address), h->lowercase_local, p->addr,
		                          sizeof p->addr, &p->doff, out->error, sizeof out->error);
		if (rc != 0) {
			free(p);
			return quell__error(h, rc == QUELL_EINVAL ? QUELL_EADDRESS : rc, "%s",
			                    out->error);
		}
		quell__copy(out->normalized, sizeof out->normalized, p->addr);
		quell__copy(p->domain, sizeof p->domain, p->addr + p->doff);
	}
	if (domain != NULL && *domain != '\0') {
		rc = quell__domain_parse(domain, strlen(domain), NULL, p->domain, sizeof p->domain,
		                         out->error, sizeof out->error);
		if (rc != 0) {
			free(p);
			return quell__error(h, rc == QUELL_EINVAL ? QUELL_EADDRESS : rc, "%s",
			                    out->error);
		}
	}
	if ((rc = parse_reply(h, reply, p, out)) != 0 || (rc = quell__rules_get(h, &rs)) != 0) {
		free(p);
		return rc;
	}
	now = quell__now(now);
	decide(h, rs, p, now, QUELL_SOURCE_BOUNCE, &d);
	r->n = 0;
	rc = apply(r, &d, ext, &fx);
	fill_outcome(out, &d, &fx, d.scope == QUELL_SCOPE_DOMAIN ? p->domain : p->addr);
	out->verdict = quell__rec_verdict(r, NULL, now);
	quell__rules_unref(rs);
	free(p);
	return rc ? quell__error(h, QUELL_EINTERNAL, "explain: cannot apply the rule") : 0;
}

/* ----------------------------------------------------------------- record */


/* How far back prior_suppressions looks: the newest PRIOR_SCAN events of
 * the key.  A domain's history grows with every reply about it, and the
 * count only picks a ttl from a list of at most QUELL__TTL_MAX. */
#define PRIOR_SCAN 1024

/* Rule-made suppressions of key in its recent history (see PRIOR_SCAN). */
static int prior_suppressions(quell *h, struct quell__wtxn *w, const char *key, unsigned *n)
{
	size_t seen = 0;

	unsigned char pfx[QUELL__HKEY_MAX];
	size_t plen = quell__history_prefix(key, pfx);
	MDB_cursor *cur;
	MDB_val k = { plen, pfx }, v;
	int rc;

	*n = 0;
	if ((rc = quell__store_wcur(h, w, QUELL__T_HISTORY, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	     rc == 0 && k.mv_size > plen && memcmp(k.mv_data, pfx, plen) == 0 && seen++ < PRIOR_SCAN;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct quell_event ev;
		if (quell__event_decode(&ev, v.mv_data, v.mv_size) == 0 &&
		    ev.action == QUELL_ACTION_SUPPRESS && ev.source == QUELL_SOURCE_BOUNCE &&
		    ev.rule[0] != '\0')
			(*n)++;
	}
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : quell__mdb_error(h, rc, "read history");
}

/* The class of a reply for its ids: '2', '4' or '5' from the code, else
 * from the status, else '0'.  A message deferred five times counts once,
 * but the bounce or the delivery that ends it is another outcome. */
static char reply_class(const struct quell__parsed *p)
{
	if (p->reply.code >= 200 && p->reply.code < 600)
		return (char)('0' + p->reply.code / 100);
	if (p->reply.status[0] >= '2' && p->reply.status[0] <= '5')
		return p->reply.status[0];
	return '0';
}

/* 1 when this address already has one of the reply's ids for a reply of
 * the same class; marks them. */
static int seen_before(quell *h, struct quell__wtxn *w, struct quell__job *c)
{
	const char *ids[2] = { c->queue_id, c->message_id };
	char cls = reply_class(&c->p);
	int dup = 0;

	for (int i = 0; i < 2; i++) {
		unsigned char key[QUELL__SEEN_KEY_MAX];
		size_t alen = strlen(c->p.addr), ilen;
		int rc;

		if (ids[i] == NULL || (ilen = i == 0 ? c->queue_id_len : c->message_id_len) == 0)
			continue;
		if (ilen > 255)
			ilen = 255;
		memcpy(key, c->p.addr, alen);
		key[alen] = (unsigned char)(i == 0 ? c->queue_kind : 'm');
		key[alen + 1] = (unsigned char)cls;
		memcpy(key + alen + 2, ids[i], ilen);
		rc = quell__store_seen(h, w, key, alen + 2 + ilen, c->now);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			if (!dup)
				snprintf(c->idreason, sizeof c->idreason, "already counted: %s %.*s",
				         i == 1 ? "message id" : c->queue_kind == 'q' ? "queue id" : "row",
				         c->queue_kind == 'q' || i == 1 ? (int)(ilen > 64 ? 64 : ilen) : 0,
				         ids[i]);
			dup = 1;
		}
	}
	return dup;
}

/* What a reply's write needs beside the job: the key's history for the
 * suppressions before, and the recipient's verdict after. */
struct reply_write {
	quell *h;
	struct quell__wtxn *w;
	struct quell__job *c;
	const char *key;
	struct quell_result res; /* the recipient's verdict after the reply */
};

/* decision.ask_prior: read from the history, when the record cannot say. */
static int ask_prior(void *ctx, unsigned *prior)
{
	struct reply_write *rw = ctx;

	return prior_suppressions(rw->h, rw->w, rw->key, prior);
}

/* quell__change.verdict: the recipient's, through the check path. */
static int rcpt_verdict(quell *h, struct quell__wtxn *w, void *ctx, int *verdict)
{
	struct reply_write *rw = ctx;
	struct quell__job *c = rw->c;
	int rc = quell__check_txn(h, w->txn, w, c->p.addr, c->p.doff, NULL, c->now, &rw->res);

	*verdict = rw->res.verdict;
	return rc;
}

/* A delivery also ends the backoff of the recipient's domain (a
 * domain-scope clear did so in apply()). */
static int clear_domain(quell *h, struct quell__wtxn *w, struct quell__job *c)
{
	struct quell__change ch = { QUELL_SCOPE_DOMAIN, c->p.domain, &c->drec, NULL, 0, NULL,
		                    c->now, NULL, NULL };
	int rc;

	if ((rc = quell__store_load(h, w, QUELL_SCOPE_DOMAIN, c->p.domain, &c->drec)) != 0)
		return rc;
	if (quell__rec_find(&c->drec, QUELL_LIST_BACKOFF, "") < 0)
		return 0;
	drop_lists(&c->drec, QUELL_LIST_BACKOFF, QUELL_LIST_BACKOFF);
	return quell__write_change(h, w, &ch);
}

/* The key's record loaded and the decision applied to it, once.  A
 * suppression's ttl and count depend on the rule-made suppressions before
 * it: a rule-made entry in place counts them, else the history does, read
 * only if this reply suppresses. */
static int apply_reply(struct reply_write *rw, struct decision *d, struct effect *fx)
{
	struct quell__job *c = rw->c;
	int rc, i;

	if ((rc = quell__store_load(rw->h, rw->w, d->scope, rw->key, &c->rec)) != 0)
		return rc;
	i = quell__rec_find(&c->rec, QUELL_LIST_SUPPRESS, "");
	if (i >= 0 && c->rec.ent[i].e.source == QUELL_SOURCE_BOUNCE &&
	    c->rec.ent[i].e.rule[0] != '\0')
		d->prior = c->rec.ent[i].e.count;
	else {
		d->ask_prior = ask_prior;
		d->prior_ctx = rw;
	}
	rc = apply(&c->rec, d, c->ext, fx);
	if (rc == QUELL_EDATA)
		return quell__error(rw->h, rc, "%s: too many entries for one key", rw->key);
	return rc;
}

int quell__record_txn(quell *h, struct quell__wtxn *w, struct quell__job *c)
{
	struct quell_outcome *out = c->out;
	struct reply_write rw = { h, w, c, NULL, { 0 } };
	struct decision d;
	struct effect fx;
	struct quell_event ev;
	struct quell__change ch = { 0, NULL, NULL, &ev, 1, c->p.addr, c->now, rcpt_verdict, &rw };
	char reason[sizeof fx.reason + QUELL_ENTRY_MAX + 40];
	int rc, dup;

	decide(h, c->rs, &c->p, c->now, c->source, &d);
	if ((dup = seen_before(h, w, c)) < 0)
		return dup;
	rw.key = !dup && d.scope == QUELL_SCOPE_DOMAIN ? c->p.domain : c->p.addr;
	if (dup) { /* counted before: no change, no event, no change-feed entry */
		memset(&fx, 0, sizeof fx);
		fx.action = QUELL_ACTION_IGNORE;
		fx.category = d.category;
		ch.nev = 0;
		out->duplicate = 1;
	} else {
		if (d.action == QUELL_ACTION_CLEAR && c->p.domain[0] != '\0' &&
		    d.scope != QUELL_SCOPE_DOMAIN && (rc = clear_domain(h, w, c)) != 0)
			return rc;
		if ((rc = apply_reply(&rw, &d, &fx)) != 0)
			return rc;
		ch.rec = d.action != QUELL_ACTION_IGNORE ? &c->rec : NULL;
	}
	ch.scope = d.scope;
	ch.key = rw.key;
	memset(&ev, 0, sizeof ev);
	ev.time = c->now;
	ev.stream = "";
	ev.reason = event_reason(&d, &fx, c->p.domain, reason, sizeof reason);
	ev.source = d.source;
	ev.rule = d.rule ? d.rule->name : "";
	ev.code = d.code;
	ev.status = d.status;
	ev.reply = d.text;
	ev.action = fx.action;
	ev.list = fx.list == QUELL__LIST_COUNT ? QUELL_LIST_NONE : fx.list;
	ev.category = fx.category ? fx.category : "";
	ev.until = fx.until;
	/* every reply also stays in the recipient's own history (ch.also), so
	 * that a replay under other rules finds all of them on address keys */
	if ((rc = quell__write_change(h, w, &ch)) != 0)
		return rc;
	fill_outcome(out, &d, &fx, rw.key);
	out->verdict = rw.res.verdict;
	if (rw.res.verdict != QUELL_ALLOW && out->until == 0)
		out->until = rw.res.until;
	return 0;
}

static int record_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	return quell__record_txn(h, w, vctx);
}

static int check_opts(quell *h, const struct quell_record_options *opts)
{
	if (opts->version < 1 || opts->version > QUELL_RECORD_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "record options version %u is not supported",
		                    opts->version);
	return 0;
}

/* Fill job c for one reply: ids, time, the parsed address and reply.
 * 0, or QUELL_EADDRESS / QUELL_EDATA with out->error set. */
static int prepare(quell *h, struct quell__job *c, const char *address, const char *reply,
                   const struct quell_record_options *opts, struct quell_outcome *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	c->source = opts->source;
	c->queue_id = opts->queue_id;
	c->queue_id_len = opts->queue_id ? strlen(opts->queue_id) : 0;
	c->queue_kind = 'q';
	c->message_id = opts->message_id;
	c->message_id_len = opts->message_id ? strlen(opts->message_id) : 0;
	c->out = out;
	c->now = quell__now(opts->now);
	if (address == NULL) {
		quell__copy(out->error, sizeof out->error, "no address");
		return quell__error(h, QUELL_EADDRESS, "no address");
	}
	rc = quell__address_parse(address, strlen(address), h->lowercase_local, c->p.addr,
	                          sizeof c->p.addr, &c->p.doff, out->error, sizeof out->error);
	if (rc != 0)
		return quell__error(h, rc == QUELL_EINVAL ? QUELL_EADDRESS : rc, "%s", out->error);
	quell__copy(out->normalized, sizeof out->normalized, c->p.addr);
	quell__copy(c->p.domain, sizeof c->p.domain, c->p.addr + c->p.doff);
	return parse_reply(h, reply, &c->p, out);
}

int quell_record(quell *h, const char *address, const char *reply,
                 const struct quell_record_options *opts, struct quell_outcome *out)
{
	struct quell_record_options def = QUELL_RECORD_OPTIONS_INIT;
	struct quell_outcome scratch;
	struct quell__job *c;
	int rc;

	if (out == NULL)
		out = &scratch;
	memset(out, 0, sizeof *out);
	if (h == NULL || address == NULL)
		return quell__error(h, QUELL_EINVAL, "record: NULL argument");
	if (opts == NULL)
		opts = &def;
	if ((rc = check_opts(h, opts)) != 0)
		return rc;
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	if ((rc = prepare(h, c, address, reply, opts, out)) == 0 &&
	    (rc = quell__rules_get(h, &c->rs)) == 0) {
		rc = quell__store_write(h, record_fn, c);
		quell__rules_unref(c->rs);
	}
	if (rc != 0 && out->error[0] == '\0')
		quell__copy(out->error, sizeof out->error, quell_errmsg(h));
	free(c);
	return rc;
}

struct many {
	struct quell__job *job;
	struct quell_record_item *items;
	size_t n;
};

/* The whole batch in one transaction; run again from the start when the
 * map had to grow, so every item is prepared inside. */
static int many_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	struct quell_record_options def = QUELL_RECORD_OPTIONS_INIT;
	struct many *m = vctx;
	int rc;

	for (size_t i = 0; i < m->n; i++) {
		struct quell_record_item *it = &m->items[i];
		const struct quell_record_options *o = it->opts ? it->opts : &def;

		it->rc = prepare(h, m->job, it->address, it->reply, o, &it->out);
		if (it->rc == QUELL_EADDRESS || it->rc == QUELL_EDATA)
			continue;
		if (it->rc != 0)
			return it->rc;
		if ((rc = quell__record_txn(h, w, m->job)) != 0) {
			if (rc != QUELL_EDATA) /* a record full: this item only */
				return rc;
			it->rc = rc;
			quell__copy(it->out.error, sizeof it->out.error, quell_errmsg(h));
		}
	}
	return 0;
}

int quell_record_many(quell *h, struct quell_record_item *items, size_t n)
{
	struct many m;
	int rc;

	if (h == NULL || (n > 0 && items == NULL))
		return quell__error(h, QUELL_EINVAL, "record_many: NULL argument");
	for (size_t i = 0; i < n; i++)
		if (items[i].opts != NULL && (rc = check_opts(h, items[i].opts)) != 0)
			return rc;
	if (n == 0)
		return 0;
	m.items = items;
	m.n = n;
	if ((m.job = calloc(1, sizeof *m.job)) == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	if ((rc = quell__rules_get(h, &m.job->rs)) == 0) {
		rc = quell__store_write(h, many_fn, &m);
		quell__rules_unref(m.job->rs);
	}
	free(m.job);
	return rc;
}
