/*
 * record.c - a reply recorded (quell_record, quell_record_many, and
 * quell__record_txn for the importer's batches): what the rules decide
 * about it (decide.h) written to the key it targets; and quell_explain,
 * the same decision on an empty record, written nowhere.
 *
 * A reply is written in one pass: its key's record is loaded once, the
 * decision applied once (the key's history read only when the reply
 * suppresses and the record cannot say how many rule-made suppressions
 * came before: the newest 1024 events), and the record and event written
 * once, through write.h.  A delivery also ends the backoff of the
 * recipient's domain.  Every reply is kept in the recipient's history
 * (and, for a domain-scope action, in the domain's too), with its time,
 * code, status and text: enough to replay it under other rules.  A queue
 * or message id counts a reply once per class (2xx, 4xx, 5xx): retries
 * count once, the bounce that ends them too, and a reply counted before
 * writes nothing (no event, no change-feed entry).  A complaint or an
 * unsubscribe (options' source) suppresses the address without the rules,
 * an unsubscribe in its stream if it names one; the options' note (what
 * the reply's source, an ESP, thought of it) is kept after the event's
 * reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "check.h"
#include "decide.h"
#include "error.h"
#include "record.h"
#include "rules.h"
#include "store.h"
#include "text.h"
#include "timefmt.h"
#include "write.h"

/* ----------------------------------------------------------------- record */


/* How far back prior_suppressions looks: the newest PRIOR_SCAN events of
 * the key.  A domain's history grows with every reply about it, and the
 * count only picks a ttl from a list of at most QUELL__TTL_MAX. */
#define PRIOR_SCAN 1024

struct prior {
	size_t seen;
	unsigned n;
};

static int count_prior(const struct quell_event *ev, void *vctx)
{
	struct prior *p = vctx;

	if (p->seen++ >= PRIOR_SCAN)
		return 1;
	if (ev != NULL && ev->action == QUELL_ACTION_SUPPRESS && ev->source == QUELL_SOURCE_BOUNCE &&
	    ev->rule[0] != '\0')
		p->n++;
	return 0;
}

/* Rule-made suppressions of key in its recent history (see PRIOR_SCAN). */
static int prior_suppressions(quell *h, struct quell__wtxn *w, const char *key, unsigned *n)
{
	struct prior p = { 0, 0 };
	int rc = quell__store_whistory(h, w, key, count_prior, &p);

	*n = p.n;
	return rc;
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

/* The event's reason with the source's note after it (in buf). */
static const char *with_note(const char *reason, const char *note, char *buf, size_t size)
{
	if (note == NULL || note[0] == '\0')
		return reason;
	snprintf(buf, size, "%s%s%s", reason, reason[0] ? "; " : "", note);
	return buf;
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
	int rc = quell__check_txn(h, NULL, w, c->p.addr, c->p.doff, c->stream, c->now,
	                         &rw->res);

	*verdict = rw->res.verdict;
	return rc;
}

/* A delivery also ends the backoff of the recipient's domain (a
 * domain-scope clear did so in quell__apply()). */
static int clear_domain(quell *h, struct quell__wtxn *w, struct quell__job *c)
{
	struct quell__change ch = { QUELL_SCOPE_DOMAIN, c->p.domain, &c->drec, NULL, 0, NULL,
		                    c->now, NULL, NULL };
	int rc;

	if ((rc = quell__store_load(h, w, QUELL_SCOPE_DOMAIN, c->p.domain, &c->drec)) != 0)
		return rc;
	if (quell__rec_find(&c->drec, QUELL_LIST_BACKOFF, "") < 0)
		return 0;
	quell__drop_lists(&c->drec, QUELL_LIST_BACKOFF, QUELL_LIST_BACKOFF);
	return quell__write_change(h, w, &ch);
}

/* The key's record loaded and the decision applied to it, once.  A
 * suppression's ttl and count depend on the rule-made suppressions before
 * it: a rule-made entry in place counts them, else the history does, read
 * only if this reply suppresses. */
static int apply_reply(struct reply_write *rw, struct quell__decision *d, struct quell__effect *fx)
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
	rc = quell__apply(&c->rec, d, c->ext, fx);
	if (rc == QUELL_EDATA)
		return quell__error(rw->h, rc, "%s: too many entries for one key", rw->key);
	return rc;
}

int quell__record_txn(quell *h, struct quell__wtxn *w, struct quell__job *c)
{
	struct quell_outcome *out = c->out;
	struct reply_write rw = { h, w, c, NULL, { 0 } };
	struct quell__decision d;
	struct quell__effect fx;
	struct quell_event ev;
	struct quell__change ch = { 0, NULL, NULL, &ev, 1, c->p.addr, c->now, rcpt_verdict, &rw };
	char reason[sizeof fx.reason + QUELL_ENTRY_MAX + 40];
	int rc, dup;

	quell__decide(h, c->rs, c->cache, &c->p, c->now, c->source, &d);
	if (c->stream != NULL && c->source == QUELL_SOURCE_UNSUBSCRIBE)
		d.stream = c->stream;
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
	ev.stream = d.stream;
	ev.reason = with_note(quell__event_reason(&d, &fx, c->p.domain, reason, sizeof reason),
	                      c->note, c->notebuf, sizeof c->notebuf);
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
	quell__fill_outcome(out, &d, &fx, rw.key);
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
	if (opts->version >= 2 && opts->stream != NULL && opts->stream[0] != '\0') {
		if (opts->source != QUELL_SOURCE_UNSUBSCRIBE)
			return quell__error(h, QUELL_EINVAL,
			                    "record: only an unsubscribe carries a stream");
		if (!quell_stream_valid(opts->stream))
			return quell__error(h, QUELL_EINVAL, "record: '%.64s' is not a stream name",
			                    opts->stream);
	}
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
	c->stream = opts->version >= 2 && opts->stream != NULL && opts->stream[0] ? opts->stream
	                                                                       : NULL;
	c->note = opts->version >= 2 ? opts->note : NULL;
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
	return quell__parse_reply(h, reply, &c->p, out);
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

/* ---------------------------------------------------------------- explain */

int quell_explain(quell *h, const char *address, const char *domain, const char *reply,
                  int64_t now, struct quell_outcome *out)
{
	struct quell__rules *rs;
	struct quell__parsed *p;
	struct quell__decision d;
	struct quell__effect fx;
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
	if ((rc = quell__parse_reply(h, reply, p, out)) != 0 || (rc = quell__rules_get(h, &rs)) != 0) {
		free(p);
		return rc;
	}
	now = quell__now(now);
	quell__decide(h, rs, NULL, p, now, QUELL_SOURCE_BOUNCE, &d);
	r->n = 0;
	rc = quell__apply(r, &d, ext, &fx);
	quell__fill_outcome(out, &d, &fx, d.scope == QUELL_SCOPE_DOMAIN ? p->domain : p->addr);
	out->verdict = quell__rec_verdict(r, NULL, now);
	quell__rules_unref(rs);
	free(p);
	return rc ? quell__error(h, QUELL_EINTERNAL, "explain: cannot apply the rule") : 0;
}
