/*
 * check.c - answer "may I send to this address now?".
 *
 * Probes the address record, then the record of its domain and of every
 * parent domain (nearest first), each once (none when the domain table is
 * empty: LMDB counts its entries, asked once per transaction, so once for
 * a whole quell_check_many batch; none that the filter of keys proves
 * absent, for a handle that keeps one: store_filter.c), and applies the
 * contract's precedence:
 *   1. an unsubscribe or complaint suppression (address, nearest domain);
 *   2. the allow list (address, then domains) - then only a backoff applies;
 *   3. other suppressions (address, then nearest domain);
 *   4. a backoff whose `until` is ahead (address, then domain);
 *   5. allow.
 * Each record is decoded once, in one pass that notes the first live entry
 * of each kind.  Expired entries count as absent.  Nothing here allocates: strings are
 * read in place from the map and copied into the caller's result.
 */
#include <string.h>

#include "address.h"
#include "check.h"
#include "error.h"
#include "names.h"
#include "store.h"
#include "text.h"
#include "timefmt.h"

#define MAX_LEVELS 128 /* a 255-octet domain has at most 128 labels */

struct probe {
	int scope;
	const char *key;
	size_t keylen;
	struct quell__val val;
};

int quell__entry_live(const struct quell_entry *e, int64_t now)
{
	if (e->list == QUELL_LIST_BACKOFF)
		return e->until > now;
	if (e->list == QUELL_LIST_SUPPRESS || e->list == QUELL_LIST_ALLOW)
		return e->expires == 0 || e->expires > now;
	return 0;
}

int quell__stream_sees(const struct quell_entry *e, const char *stream)
{
	return e->stream[0] == '\0' || (stream != NULL && strcmp(e->stream, stream) == 0);
}

enum want { W_WISH, W_ALLOW, W_SUPPRESS, W_BACKOFF };

static int wanted(const struct quell_entry *e, enum want w)
{
	switch (w) {
	case W_WISH:
		return e->list == QUELL_LIST_SUPPRESS && (e->source == QUELL_SOURCE_UNSUBSCRIBE ||
		                                          e->source == QUELL_SOURCE_COMPLAINT);
	case W_ALLOW:
		return e->list == QUELL_LIST_ALLOW;
	case W_SUPPRESS:
		return e->list == QUELL_LIST_SUPPRESS;
	case W_BACKOFF:
		return e->list == QUELL_LIST_BACKOFF;
	}
	return 0;
}

/* The first live entry of each kind, nearest probe first and in record
 * order within a probe, in one pass over the records: first[w] is the
 * probe's index + 1, or 0 when no probe has one. */
static void scan(const struct probe *pr, size_t np, const char *stream, int64_t now,
                 int first[4], struct quell__ent ent[4])
{
	int left = 4;

	first[0] = first[1] = first[2] = first[3] = 0;
	for (size_t i = 0; i < np && left > 0; i++) {
		struct quell__rec_iter it;
		struct quell__ent x;

		if (pr[i].val.data == NULL ||
		    quell__rec_begin(&it, pr[i].val.data, pr[i].val.len) != 0)
			continue;
		while (quell__rec_next(&it, &x) == 1) {
			if (!quell__stream_sees(&x.e, stream) || !quell__entry_live(&x.e, now))
				continue;
			for (int w = W_WISH; w <= W_BACKOFF; w++)
				if (first[w] == 0 && wanted(&x.e, (enum want)w)) {
					first[w] = (int)i + 1;
					ent[w] = x;
					left--;
				}
		}
		if (first[W_WISH])
			break; /* nothing outranks it */
	}
}

static void fill(struct quell_result *res, int verdict, const struct probe *p,
                 const struct quell__ent *x)
{
	const struct quell_entry *e = &x->e;

	res->verdict = verdict;
	res->scope = p->scope;
	res->source = e->source;
	res->since = e->created;
	res->until = e->list == QUELL_LIST_BACKOFF ? e->until : e->expires;
	if (p->keylen < sizeof res->key) {
		memcpy(res->key, p->key, p->keylen);
		res->key[p->keylen] = '\0';
	}
	quell__copy(res->rule, sizeof res->rule, e->rule);
	quell__copy(res->category, sizeof res->category, e->category);
	quell__copy(res->reply, sizeof res->reply, e->reply);
}

static void pick(struct quell_result *res, int verdict, const struct probe *pr,
                 const int first[4], const struct quell__ent ent[4], enum want w)
{
	fill(res, verdict, &pr[first[w] - 1], &ent[w]);
}

static void reset(struct quell_result *res)
{
	res->verdict = QUELL_ALLOW;
	res->scope = QUELL_SCOPE_NONE;
	res->source = QUELL_SOURCE_NONE;
	res->since = res->until = 0;
	res->key[0] = res->rule[0] = res->category[0] = res->reply[0] = res->error[0] = '\0';
}

/* Whether the domain table is empty in this transaction: then no probe
 * of it can find anything (a database of addresses only). */
static int no_domains(quell *h, struct quell__txn *txn, struct quell__wtxn *w)
{
	return quell__store_empty(h, w != NULL ? quell__store_wview(w) : txn, QUELL__T_DOMAIN);
}

/* quell__check_txn, told whether the domain table is empty (a batch asks
 * once per transaction), with the filter of keys for txn or NULL. */
static int check_txn(quell *h, struct quell__txn *txn, struct quell__wtxn *w, const char *addr,
                     size_t domain_off, int nodomains, const struct quell__filter *f,
                     const char *stream, int64_t now, struct quell_result *res)
{
	struct probe pr[MAX_LEVELS + 1];
	struct quell__ent ent[4];
	size_t np = 0, len = strlen(addr);
	const char *d = nodomains ? "" : addr + domain_off;
	int first[4], rc;

	reset(res);
	if (stream != NULL && stream[0] == '\0')
		stream = NULL;
	pr[np].scope = QUELL_SCOPE_ADDRESS;
	pr[np].key = addr;
	pr[np].keylen = len;
	np++;
	while (*d && np < MAX_LEVELS + 1) {
		const char *dot = strchr(d, '.');

		pr[np].scope = QUELL_SCOPE_DOMAIN;
		pr[np].key = d;
		pr[np].keylen = (size_t)(addr + len - d);
		np++;
		if (dot == NULL)
			break;
		d = dot + 1;
	}
	for (size_t k = 0; k < np; k++) {
		if (f != NULL && quell__filter_absent(f, pr[k].scope, pr[k].key, pr[k].keylen)) {
			pr[k].val.data = NULL;
			continue;
		}
		rc = w != NULL ? quell__store_wget(h, w, pr[k].scope, pr[k].key, pr[k].keylen,
		                                   &pr[k].val)
		               : quell__store_get(h, txn, pr[k].scope, pr[k].key, pr[k].keylen,
		                                  &pr[k].val);
		if (rc < 0)
			return rc;
		if (rc == 1)
			pr[k].val.data = NULL;
	}

	scan(pr, np, stream, now, first, ent);
	if (first[W_WISH])
		pick(res, QUELL_SUPPRESS, pr, first, ent, W_WISH);
	else if (first[W_ALLOW] && first[W_BACKOFF]) /* allowed: only a backoff applies */
		pick(res, QUELL_BACKOFF, pr, first, ent, W_BACKOFF);
	else if (first[W_ALLOW])
		pick(res, QUELL_ALLOW, pr, first, ent, W_ALLOW);
	else if (first[W_SUPPRESS])
		pick(res, QUELL_SUPPRESS, pr, first, ent, W_SUPPRESS);
	else if (first[W_BACKOFF])
		pick(res, QUELL_BACKOFF, pr, first, ent, W_BACKOFF);
	return 0;
}

int quell__check_txn(quell *h, struct quell__txn *txn, struct quell__wtxn *w, const char *addr,
                     size_t domain_off, const char *stream, int64_t now,
                     struct quell_result *res)
{
	return check_txn(h, txn, w, addr, domain_off, no_domains(h, txn, w), NULL, stream, now,
	                 res);
}

int quell__rec_verdict(const struct quell__rec *r, const char *stream, int64_t now)
{
	int allow = 0, suppress = 0, backoff = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct quell_entry *e = &r->ent[i].e;

		if (!quell__stream_sees(e, stream) || !quell__entry_live(e, now))
			continue;
		if (wanted(e, W_WISH))
			return QUELL_SUPPRESS;
		allow |= e->list == QUELL_LIST_ALLOW;
		suppress |= e->list == QUELL_LIST_SUPPRESS;
		backoff |= e->list == QUELL_LIST_BACKOFF;
	}
	if (backoff && (allow || !suppress))
		return QUELL_BACKOFF;
	return suppress && !allow ? QUELL_SUPPRESS : QUELL_ALLOW;
}

static int normalize(quell *h, const char *address, struct quell_result *res, size_t *doff)
{
	int rc;

	res->normalized[0] = '\0';
	if (address == NULL)
		return QUELL_EINVAL;
	rc = quell__address_parse(address, strlen(address), h->lowercase_local, res->normalized,
	                          sizeof res->normalized, doff, res->error, sizeof res->error);
	if (rc != 0) {
		char err[QUELL_ERROR_MAX];

		memcpy(err, res->error, sizeof err);
		reset(res);
		memcpy(res->error, err, sizeof err);
		if (rc == QUELL_EINVAL)
			quell__copy(res->error, sizeof res->error, "address too long");
		else if (rc == QUELL_ENOMEM)
			quell__copy(res->error, sizeof res->error, "out of memory");
		res->verdict = QUELL_INVALID;
		res->normalized[0] = '\0';
	}
	return rc;
}

int quell_check(quell *h, const char *address, const char *stream, int64_t now,
                struct quell_result *res)
{
	const struct quell__filter *f;
	struct quell__txn *txn;
	size_t doff = 0;
	int rc;

	if (h == NULL || res == NULL || address == NULL)
		return quell__error(h, QUELL_EINVAL, "check: NULL argument");
	if ((rc = quell__stream_check(h, stream, 0)) != 0)
		return rc;
	if ((rc = normalize(h, address, res, &doff)) != 0)
		return quell__error(h, rc == QUELL_ENOMEM ? rc : QUELL_EADDRESS, "%s", res->error);
	if ((rc = quell__store_read_begin(h, &txn)) != 0)
		return rc;
	f = quell__store_filter(h, txn);
	rc = check_txn(h, txn, NULL, res->normalized, doff, no_domains(h, txn, NULL), f, stream,
	               quell__now(now), res);
	quell__store_filter_done(h, f);
	quell__store_read_end(h, txn);
	return rc;
}

int quell_check_many(quell *h, const char *const *addresses, size_t n, const char *stream,
                     int64_t now, struct quell_result *results, size_t *ninvalid)
{
	const struct quell__filter *f;
	struct quell__txn *txn;
	size_t bad = 0;
	int rc, err = 0, nodom;

	if (ninvalid != NULL)
		*ninvalid = 0;
	if (h == NULL || (n > 0 && (addresses == NULL || results == NULL)))
		return quell__error(h, QUELL_EINVAL, "check_many: NULL argument");
	if ((rc = quell__stream_check(h, stream, 0)) != 0)
		return rc;
	if (n == 0)
		return 0;
	now = quell__now(now);
	if ((rc = quell__store_read_begin(h, &txn)) != 0)
		return rc;
	nodom = no_domains(h, txn, NULL);
	f = quell__store_filter(h, txn);
	for (size_t i = 0; i < n && err == 0; i++) {
		size_t doff = 0;

		if (addresses[i] == NULL) {
			reset(&results[i]);
			results[i].normalized[0] = '\0';
			results[i].verdict = QUELL_INVALID;
			quell__copy(results[i].error, sizeof results[i].error, "no address");
			bad++;
			continue;
		}
		if (normalize(h, addresses[i], &results[i], &doff) != 0) {
			bad++;
			continue;
		}
		err = check_txn(h, txn, NULL, results[i].normalized, doff, nodom, f, stream, now,
		                &results[i]);
	}
	quell__store_filter_done(h, f);
	quell__store_read_end(h, txn);
	if (ninvalid != NULL)
		*ninvalid = bad;
	return err;
}
