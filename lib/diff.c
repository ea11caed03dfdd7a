/*
 * diff.c - quell_rules_diff: the stored replies replayed under the rules in
 * use and under another file, in one read transaction, and the addresses
 * whose verdict the other file would change.
 *
 * Every reply is kept in its recipient's address history (record.c), so
 * one walk of the history table, key by key, finds them all; domain keys'
 * histories are passed over (their replies are in the addresses' too).  A
 * key's events arrive newest first: they are held (pointers into the read
 * transaction, one growable array reused from key to key, so memory is
 * bounded by the longest history) and replayed oldest first, each at its
 * own time, through the record path's decision code (decide.h:
 * quell__decide, quell__apply) on in-memory records, once per rule set.
 * Keys skipped (domains, and addresses --domain leaves out) are sought
 * past, not walked.  The verdicts at `now` are then compared; the newest
 * reply the two sets decided differently (rule, scope, or action as
 * applied) is named.  Then
 * one walk of the address and domain tables counts the keys that are not
 * the rules' work (`kept`, below).
 *
 * What the replay does not see, by design:
 *   - events that are not replies through the rules (add, remove, allow,
 *     import without a reply, unsubscribe, complaint): an address whose
 *     stored record, or its domain's, holds a live entry of that kind on
 *     the suppress or allow list (stream-less, or of opts->stream) is not
 *     the rules' work: it is counted in `kept` and not replayed;
 *   - the state of a domain key across addresses: a domain-scope outcome
 *     lands on an in-memory domain record built from this address's own
 *     replies only (a domain-scope count reached by replies spread over
 *     several addresses is not seen);
 *   - entries of parent domains.
 * Nothing is written.  This file knows nothing of LMDB beyond store.h.
 */
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "check.h"
#include "decide.h"
#include "error.h"
#include "handle.h"
#include "record.h"
#include "rules.h"
#include "store.h"
#include "text.h"
#include "timefmt.h"

/* Every TRIM_EVERY items walked, the map's pages leave the resident set
 * when it is over TRIM_OVER bytes: a walk of the whole history reads the
 * whole file, and the memory it needs stays flat.  Often, since the kernel
 * maps up to 64 KiB of cached pages around each fault. */
#define TRIM_EVERY 256
#define TRIM_OVER (32u << 20)

/* One rule set's replay of one address: its record and its domain's. */
struct side {
	struct quell__rules *rs;
	struct quell__rec rec[2];              /* 0 the address, 1 its domain */
	unsigned prior[2];                     /* rule-made suppressions so far */
	unsigned char ext[2][2][8 * COUNT_KEEP]; /* count state, two in turn */
	int flip[2];
};

struct diff {
	quell *h;
	struct quell__txn *txn;
	const struct quell_diff_options *opts;
	int64_t now;
	char domain[QUELL_ENTRY_MAX];          /* --domain, normalized; "" for all */
	quell_diff_cb cb;
	void *payload;
	struct quell_diff_summary *sum;
	/* the key being gathered */
	char key[QUELL_ENTRY_MAX];
	size_t keylen;
	int skip;                              /* not an address, or filtered out */
	struct quell_event *ev;
	size_t nev, cap;
	int stop;                              /* the callback's non-zero answer */
	int jump;                              /* the walk stopped to seek past key */
	uint64_t items;                        /* items walked, for TRIM_EVERY */
	/* scratch */
	struct side s[2];                      /* 0 the rules in use, 1 the other file */
	struct quell__parsed p;
	struct quell__rec stored;
};

/* ------------------------------------------------------------ the replay */

static void set_status(struct quell__reply *r, const char *status)
{
	const char *s = status;
	int part[3] = { -1, -1, -1 };

	quell__copy(r->status, sizeof r->status, status);
	for (int i = 0; i < 3 && *s >= '0' && *s <= '9'; i++) {
		char *end;

		part[i] = (int)strtol(s, &end, 10);
		s = *end == '.' ? end + 1 : end;
	}
	if (status[0] == '\0')
		part[0] = part[1] = part[2] = -1;
	r->klass = part[0];
	r->subject = part[1];
	r->detail = part[2];
}

/* One reply through one rule set, as quell__record_txn applies it. */
static int replay_one(struct diff *df, struct side *sd, const struct quell__parsed *p,
                      int64_t t, struct quell__decision *d, int *applied)
{
	struct quell__effect fx;
	int k, i, rc;

	quell__decide(df->h, sd->rs, NULL, p, t, QUELL_SOURCE_BOUNCE, d);
	k = d->scope == QUELL_SCOPE_DOMAIN ? 1 : 0;
	if (d->action == QUELL_ACTION_CLEAR && k == 0) /* a delivery ends the domain's backoff */
		quell__drop_lists(&sd->rec[1], QUELL_LIST_BACKOFF, QUELL_LIST_BACKOFF);
	i = quell__rec_find(&sd->rec[k], QUELL_LIST_SUPPRESS, "");
	if (i >= 0 && sd->rec[k].ent[i].e.source == QUELL_SOURCE_BOUNCE &&
	    sd->rec[k].ent[i].e.rule[0] != '\0')
		d->prior = sd->rec[k].ent[i].e.count;
	else
		d->prior = sd->prior[k];
	rc = quell__apply(&sd->rec[k], d, sd->ext[k][sd->flip[k]], &fx);
	sd->flip[k] ^= 1;
	if (rc != 0)
		return quell__error(df->h, QUELL_EINTERNAL, "%s: cannot replay a reply", df->key);
	if (fx.action == QUELL_ACTION_SUPPRESS)
		sd->prior[k]++;
	*applied = fx.action;
	return 0;
}

/* The verdict at now of the address under one side, with the entry that
 * decides it. */
static void verdict(const struct diff *df, const struct side *sd, struct quell_diff_side *out)
{
	static const int lists[2] = { QUELL_LIST_SUPPRESS, QUELL_LIST_BACKOFF };

	memset(out, 0, sizeof *out);
	out->verdict = QUELL_ALLOW;
	for (int l = 0; l < 2; l++)
		for (int k = 0; k < 2; k++) {
			int i = quell__rec_find(&sd->rec[k], lists[l], "");
			const struct quell_entry *e;

			if (i < 0 || !quell__entry_live(&sd->rec[k].ent[i].e, df->now))
				continue;
			e = &sd->rec[k].ent[i].e;
			out->verdict = l == 0 ? QUELL_SUPPRESS : QUELL_BACKOFF;
			out->scope = k ? QUELL_SCOPE_DOMAIN : QUELL_SCOPE_ADDRESS;
			quell__copy(out->rule, sizeof out->rule, e->rule);
			quell__copy(out->category, sizeof out->category, e->category);
			out->until = l == 0 ? e->expires : e->until;
			return;
		}
}

/* Whether record r holds a live suppress or allow entry that no rule made
 * (hand, import, unsubscribe, complaint) seen by the stream. */
static int rec_hand_made(const struct diff *df, const struct quell__rec *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct quell_entry *e = &r->ent[i].e;

		if ((e->list == QUELL_LIST_SUPPRESS || e->list == QUELL_LIST_ALLOW) &&
		    e->source != QUELL_SOURCE_BOUNCE && quell__stream_sees(e, df->opts->stream) &&
		    quell__entry_live(e, df->now))
			return 1;
	}
	return 0;
}

/* The same for the stored record of key (none: 0). */
static int hand_made(struct diff *df, int scope, const char *key, int *found)
{
	struct quell__val v;
	int rc = quell__store_get(df->h, df->txn, scope, key, strlen(key), &v);

	*found = 0;
	if (rc == 1)
		return 0;
	if (rc != 0)
		return rc;
	if (quell__rec_decode(&df->stored, v.data, v.len) != 0)
		return quell__error(df->h, QUELL_EDB, "%s: damaged record", key);
	*found = rec_hand_made(df, &df->stored);
	return 0;
}

/* Whether two decisions on one reply are the same rule, scope and action
 * as applied (a count that reaches its threshold is a suppression). */
static int same_decision(const struct quell__decision *a, const struct quell__decision *b,
                         const int applied[2])
{
	const char *ra = a->rule ? a->rule->name : "", *rb = b->rule ? b->rule->name : "";

	return strcmp(ra, rb) == 0 && applied[0] == applied[1] && a->scope == b->scope;
}

static int changed(const struct quell_diff_side *a, const struct quell_diff_side *b)
{
	return a->verdict != b->verdict || (a->verdict == QUELL_SUPPRESS && a->scope != b->scope);
}

/* The gathered address replayed under both sets, reported if it changes. */
static int finish_key(struct diff *df)
{
	struct quell_diff_entry out;
	const struct quell_event *diff_ev = NULL;
	size_t doff;
	int rc, found;

	if (df->skip || df->keylen == 0 || df->nev == 0)
		return 0;
	doff = (size_t)(strchr(df->key, '@') - df->key) + 1;
	if ((rc = hand_made(df, QUELL_SCOPE_ADDRESS, df->key, &found)) != 0)
		return rc;
	if (!found && (rc = hand_made(df, QUELL_SCOPE_DOMAIN, df->key + doff, &found)) != 0)
		return rc;
	if (found)
		return 0; /* counted by count_kept */
	df->sum->keys++;
	quell__copy(df->p.addr, sizeof df->p.addr, df->key);
	df->p.doff = doff;
	quell__copy(df->p.domain, sizeof df->p.domain, df->key + doff);
	for (int s = 0; s < 2; s++) {
		memset(df->s[s].prior, 0, sizeof df->s[s].prior);
		df->s[s].rec[0].n = df->s[s].rec[1].n = 0;
	}
	for (size_t j = df->nev; j-- > 0;) {
		const struct quell_event *ev = &df->ev[j];
		struct quell__decision d[2];
		int applied[2];

		df->p.reply.code = ev->code;
		set_status(&df->p.reply, ev->status);
		df->p.reply.text = ev->reply;
		df->p.reply.text_len = strlen(ev->reply);
		for (int s = 0; s < 2; s++)
			if ((rc = replay_one(df, &df->s[s], &df->p, ev->time, &d[s], &applied[s])) != 0)
				return rc;
		df->sum->replies++;
		if (!same_decision(&d[0], &d[1], applied))
			diff_ev = ev;
	}
	memset(&out, 0, sizeof out);
	verdict(df, &df->s[0], &out.before);
	verdict(df, &df->s[1], &out.after);
	if (!changed(&out.before, &out.after))
		return 0;
	quell__copy(out.key, sizeof out.key, df->key);
	if (diff_ev != NULL) {
		out.time = diff_ev->time;
		out.code = diff_ev->code;
		out.status = diff_ev->status;
		out.reply = diff_ev->reply;
	} else {
		out.status = out.reply = "";
	}
	df->sum->changed++;
	if (out.after.verdict == QUELL_SUPPRESS && out.before.verdict == QUELL_SUPPRESS)
		df->sum->scope++;
	else if (out.after.verdict == QUELL_SUPPRESS)
		df->sum->suppressed++;
	else if (out.before.verdict == QUELL_SUPPRESS)
		df->sum->unsuppressed++;
	else
		df->sum->other++;
	if ((rc = df->cb != NULL ? df->cb(df->payload, &out) : 0) != 0) {
		df->stop = rc;
		return QUELL__SCAN_STOP;
	}
	return 0;
}

/* ------------------------------------------------------------- the walk */

static int is_reply(const struct quell_event *ev)
{
	if (ev->source != QUELL_SOURCE_BOUNCE)
		return 0;
	if (ev->action != QUELL_ACTION_SUPPRESS && ev->action != QUELL_ACTION_BACKOFF &&
	    ev->action != QUELL_ACTION_COUNT && ev->action != QUELL_ACTION_CLEAR &&
	    ev->action != QUELL_ACTION_IGNORE)
		return 0;
	return ev->code != 0 || ev->status[0] != '\0' || ev->reply[0] != '\0';
}

/* Whether domain dom (of an address, or a domain key) is --domain or
 * under it. */
static int domain_wanted(const struct diff *df, const char *dom)
{
	size_t dl = strlen(df->domain), al = strlen(dom);

	if (df->domain[0] == '\0')
		return 1;
	if (al == dl)
		return memcmp(dom, df->domain, dl) == 0;
	return al > dl && dom[al - dl - 1] == '.' && memcmp(dom + al - dl, df->domain, dl) == 0;
}

/* One stored key (scan of the address or domain table): counted in
 * `kept` when it holds an entry made by hand. */
static int kept_step(const struct quell__val *key, const struct quell__val *val, void *vctx)
{
	struct diff *df = vctx;
	char k[QUELL_ENTRY_MAX];
	const char *at;

	if (++df->items % TRIM_EVERY == 0)
		quell__store_rtrim(df->h, df->txn, TRIM_OVER);

	if (key->len >= sizeof k)
		return QUELL__SCAN_NEXT;
	memcpy(k, key->data, key->len);
	k[key->len] = '\0';
	at = strchr(k, '@');
	if (!domain_wanted(df, at ? at + 1 : k))
		return QUELL__SCAN_NEXT;
	if (quell__rec_decode(&df->stored, val->data, val->len) != 0)
		return quell__error(df->h, QUELL_EDB, "%s: damaged record", k);
	if (rec_hand_made(df, &df->stored))
		df->sum->kept++;
	return QUELL__SCAN_NEXT;
}

/* One history item (key NUL be64 be64 -> event): gather it under its key. */
static int step(const struct quell__val *key, const struct quell__val *val, void *vctx)
{
	struct diff *df = vctx;
	const char *k = key->data, *nul = memchr(k, '\0', key->len);
	size_t klen = nul ? (size_t)(nul - k) : key->len;
	struct quell_event ev;
	const char *at;
	int rc;

	if (++df->items % TRIM_EVERY == 0)
		quell__store_rtrim(df->h, df->txn, TRIM_OVER);
	if (klen != df->keylen || memcmp(k, df->key, klen) != 0) {
		if ((rc = finish_key(df)) != 0)
			return rc;
		df->nev = 0;
		if (klen >= sizeof df->key) {
			df->skip = 1;
			df->keylen = 0;
			return QUELL__SCAN_NEXT;
		}
		memcpy(df->key, k, klen);
		df->key[klen] = '\0';
		df->keylen = klen;
		at = memchr(df->key, '@', klen);
		df->skip = at == NULL || !domain_wanted(df, at + 1);
		if (df->skip) { /* a domain's history, or filtered out: seek past it */
			df->jump = 1;
			return QUELL__SCAN_STOP;
		}
	}
	if (df->skip || quell__event_decode(&ev, val->data, val->len) != 0 || !is_reply(&ev) ||
	    ev.time < df->opts->since)
		return QUELL__SCAN_NEXT;
	if (df->nev == df->cap) {
		size_t cap = df->cap ? 2 * df->cap : 64;
		struct quell_event *n = realloc(df->ev, cap * sizeof *n);

		if (n == NULL)
			return quell__error(df->h, QUELL_ENOMEM, "out of memory");
		df->ev = n;
		df->cap = cap;
	}
	df->ev[df->nev++] = ev;
	return QUELL__SCAN_NEXT;
}

/* The walk of the history table, seeking past the keys it skips: a key's
 * events are "KEY NUL ...", so "KEY \x01" is the first place after them. */
static int walk_history(struct diff *df)
{
	unsigned char from[QUELL_ENTRY_MAX + 1];
	size_t flen = 0;
	int rc;

	for (;;) {
		df->jump = 0;
		rc = quell__store_scan_history(df->h, df->txn, flen ? from : NULL, flen, 0, step,
		                               df);
		if (rc != QUELL__SCAN_STOP || !df->jump)
			return rc;
		memcpy(from, df->key, df->keylen);
		from[df->keylen] = 1;
		flen = df->keylen + 1;
	}
}

static int run(struct diff *df)
{
	int rc = quell__store_read_begin(df->h, &df->txn);

	if (rc != 0)
		return rc;
	rc = walk_history(df);
	if (rc == 0)
		rc = finish_key(df);
	if (rc == 0)
		rc = quell__store_scan(df->h, df->txn, QUELL__T_DOMAIN, NULL, 0, 0, kept_step, df);
	if (rc == 0)
		rc = quell__store_scan(df->h, df->txn, QUELL__T_ADDR, NULL, 0, 0, kept_step, df);
	quell__store_read_end(df->h, df->txn);
	if (rc == QUELL__SCAN_STOP)
		return df->stop;
	return rc;
}

int quell_rules_diff(quell *h, const char *path, const struct quell_diff_options *opts,
                     quell_diff_cb cb, void *payload, struct quell_diff_summary *out)
{
	struct quell_diff_options def = QUELL_DIFF_OPTIONS_INIT;
	struct quell_diff_summary scratch;
	char err[QUELL__ERRMSG_MAX];
	struct diff *df;
	int rc;

	if (out == NULL)
		out = &scratch;
	memset(out, 0, sizeof *out);
	if (h == NULL || path == NULL)
		return quell__error(h, QUELL_EINVAL, "rules_diff: NULL argument");
	if (opts == NULL)
		opts = &def;
	if (opts->version < 1 || opts->version > QUELL_DIFF_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "diff options version %u is not supported",
		                    opts->version);
	if ((df = calloc(1, sizeof *df)) == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	df->h = h;
	df->opts = opts;
	df->now = quell__now(opts->now);
	df->cb = cb;
	df->payload = payload;
	df->sum = out;
	if (opts->domain != NULL && opts->domain[0] != '\0' &&
	    (rc = quell__domain_parse(opts->domain, strlen(opts->domain), NULL, df->domain,
	                              sizeof df->domain, err, sizeof err)) != 0) {
		free(df);
		return quell__error(h, rc == QUELL_EINVAL ? QUELL_EADDRESS : rc, "%s", err);
	}
	if ((rc = quell__rules_load_file(path, &df->s[1].rs, err, sizeof err)) != 0) {
		free(df);
		return quell__error(h, rc, "%s", err);
	}
	if ((rc = quell__rules_get(h, &df->s[0].rs)) == 0) {
		rc = run(df);
		quell__rules_unref(df->s[0].rs);
	}
	quell__rules_unref(df->s[1].rs);
	free(df->ev);
	free(df);
	return rc;
}
