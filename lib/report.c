/*
 * report.c - quell_report: the stored history and lists as a report, in
 * one read transaction (report_walk.c walks; report_tab.c keeps the
 * names): options checked, the range cut into periods, and the walk's
 * tallies turned into the public struct (series sorted, top domains and
 * reasons picked).  Also quell_outcome_name and quell_csv_formula, the
 * pieces a renderer outside the library needs.
 *
 * Knows nothing of LMDB (store.h) or of how a report is shown.
 */
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "error.h"
#include "names.h"
#include "report.h"
#include "text.h"
#include "timefmt.h"

/* The public struct and what its strings live in. */
struct whole {
	struct quell_report r;
	struct quell__arena arena;
};

static const char *const outcomes[QUELL_OUTCOMES] = { "delivered", "suppressed", "backoff",
	                                              "counted", "ignored" };

const char *quell_outcome_name(int outcome)
{
	return outcome >= 0 && outcome < QUELL_OUTCOMES ? outcomes[outcome] : "";
}

int quell_csv_formula(const char *s, size_t n)
{
	return s != NULL && quell__csv_formula(s, n);
}

void quell_report_free(struct quell_report *r)
{
	struct whole *w = (struct whole *)r;

	if (r == NULL)
		return;
	for (size_t i = 0; i < r->ncategories; i++)
		free(r->categories[i].periods);
	for (size_t i = 0; i < r->nrules; i++)
		free(r->rules[i].periods);
	free(r->categories);
	free(r->rules);
	free(r->periods);
	free(r->by_bounces);
	free(r->by_rate);
	free(r->backoff);
	free(r->reasons);
	quell__arena_free(&w->arena);
	free(w);
}

/* The range: since aligned to its period, the periods counted. */
static int set_range(quell *h, const struct quell_report_options *o, struct quell_report *r)
{
	int64_t len = o->by == QUELL_REPORT_WEEK ? 7 * 86400 : 86400, n;

	r->by = o->by;
	r->now = quell__now(o->now);
	r->until = o->until ? o->until : quell__time_add(r->now, 1);
	if (o->since != 0)
		r->since = quell__report_floor(o->by, o->since);
	else
		r->since = quell__report_floor(o->by, r->until - 1) - 29 * len;
	if (r->since >= r->until)
		return quell__error(h, QUELL_EINVAL, "since is not before until");
	n = (quell__report_floor(o->by, r->until - 1) - r->since) / len + 1;
	if (n > QUELL_REPORT_MAX_PERIODS)
		return quell__error(h, QUELL_EINVAL,
		                    "%lld periods, more than %d: a later since, or weeks",
		                    (long long)n, QUELL_REPORT_MAX_PERIODS);
	r->nperiods = (size_t)n;
	if ((r->periods = calloc(r->nperiods, sizeof *r->periods)) == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->nperiods; i++)
		r->periods[i].start = r->since + (int64_t)i * len;
	return 0;
}

static int check_opts(quell *h, const struct quell_report_options *o, struct quell__rep *rp)
{
	char err[QUELL_ERROR_MAX];
	int rc;

	if (o->version < 1 || o->version > QUELL_REPORT_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "report options version %u is not supported",
		                    o->version);
	if (o->by != QUELL_REPORT_DAY && o->by != QUELL_REPORT_WEEK)
		return quell__error(h, QUELL_EINVAL, "unknown report period %d", o->by);
	if ((rc = quell__stream_check(h, o->stream, 0)) != 0)
		return rc;
	rp->stream = o->stream && o->stream[0] ? o->stream : NULL;
	if (o->domain != NULL && o->domain[0] != '\0' &&
	    (rc = quell__domain_parse(o->domain, strlen(o->domain), NULL, rp->domain,
	                              sizeof rp->domain, err, sizeof err)) != 0)
		return quell__error(h, rc == QUELL_EINVAL ? QUELL_EADDRESS : rc, "%s", err);
	return 0;
}

/* The tallies of the walk, allocated. */
static int tallies(struct quell__rep *rp)
{
	size_t np = rp->r->nperiods;

	if (quell__strtab_init(&rp->cats, QUELL__REPORT_NAMES, rp->arena) != 0 ||
	    quell__strtab_init(&rp->rules, QUELL__REPORT_NAMES, rp->arena) != 0 ||
	    quell__strtab_init(&rp->doms, QUELL_REPORT_MAX_DOMAINS, rp->arena) != 0 ||
	    quell__strtab_init(&rp->whys, QUELL__REPORT_REASONS, rp->arena) != 0)
		return QUELL_ENOMEM;
	rp->catp = calloc(QUELL__REPORT_NAMES * np, sizeof *rp->catp);
	rp->rulep = calloc(QUELL__REPORT_NAMES * np, sizeof *rp->rulep);
	rp->dsupa = calloc(np + 1, sizeof *rp->dsupa);
	rp->dsupd = calloc(np + 1, sizeof *rp->dsupd);
	rp->dback = calloc(np + 1, sizeof *rp->dback);
	rp->dom = calloc(QUELL_REPORT_MAX_DOMAINS, sizeof *rp->dom);
	rp->why = calloc(QUELL__REPORT_REASONS, sizeof *rp->why);
	if (!rp->catp || !rp->rulep || !rp->dsupa || !rp->dsupd || !rp->dback || !rp->dom ||
	    !rp->why)
		return QUELL_ENOMEM;
	return 0;
}

static void tallies_free(struct quell__rep *rp)
{
	quell__strtab_free(&rp->cats);
	quell__strtab_free(&rp->rules);
	quell__strtab_free(&rp->doms);
	quell__strtab_free(&rp->whys);
	free(rp->catp);
	free(rp->rulep);
	free(rp->dsupa);
	free(rp->dsupd);
	free(rp->dback);
	free(rp->dom);
	free(rp->why);
}

static int by_total(const void *x, const void *y)
{
	const struct quell_report_series *a = x, *b = y;

	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Rows of a name table with suppressions: series, largest first. */
static int series(struct quell__rep *rp, const struct quell__strtab *t, const uint64_t *counts,
                  struct quell_report_series **out, size_t *nout)
{
	size_t np = rp->r->nperiods, n = 0;
	struct quell_report_series *s = calloc(t->n ? t->n : 1, sizeof *s);

	if ((*out = s) == NULL)
		return QUELL_ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		uint64_t total = 0;

		for (size_t p = 0; p < np; p++)
			total += counts[i * np + p];
		if (total == 0)
			continue;
		if ((s[n].periods = malloc(np * sizeof *s[n].periods)) == NULL)
			return QUELL_ENOMEM;
		memcpy(s[n].periods, counts + i * np, np * sizeof *s[n].periods);
		s[n].name = t->keys[i];
		s[n++].total = total;
		*nout = n;
	}
	qsort(s, n, sizeof *s, by_total);
	return 0;
}

static void list_sizes(struct quell__rep *rp)
{
	struct quell_report *r = rp->r;
	int64_t a = 0, d = 0, b = 0;

	for (size_t p = 0; p < r->nperiods; p++) {
		a += rp->dsupa[p];
		d += rp->dsupd[p];
		b += rp->dback[p];
		r->periods[p].suppressed_addresses = (uint64_t)a;
		r->periods[p].suppressed_domains = (uint64_t)d;
		r->periods[p].backoff = (uint64_t)b;
	}
}

static int cmp_bounces(const void *x, const void *y)
{
	const struct quell_report_domain *a = x, *b = y;

	if (a->bounces != b->bounces)
		return a->bounces > b->bounces ? -1 : 1;
	return strcmp(a->domain, b->domain);
}

static int cmp_rate(const void *x, const void *y)
{
	const struct quell_report_domain *a = x, *b = y;

	if (a->bounce_rate != b->bounce_rate)
		return a->bounce_rate > b->bounce_rate ? -1 : 1;
	return cmp_bounces(x, y);
}

/* The `top` best of the domains that pass `rated` (0: any with bounces),
 * by cmp: a bounded selection (a sorted array of top rows). */
static int top_domains(struct quell__rep *rp, size_t top, int rated,
                       int (*cmp)(const void *, const void *),
                       struct quell_report_domain **out, size_t *nout)
{
	struct quell_report_domain *v = calloc(top + 1, sizeof *v);
	size_t n = 0;

	if ((*out = v) == NULL)
		return QUELL_ENOMEM;
	for (size_t i = 0; i < rp->doms.n; i++) {
		const struct quell__dom *d = &rp->dom[i];
		struct quell_report_domain c;
		size_t j;

		if (d->bounces == 0 || (rated && d->delivered == 0))
			continue;
		c.domain = rp->doms.keys[i];
		c.delivered = d->delivered;
		c.bounces = d->bounces;
		c.deferrals = d->deferrals;
		c.complaints = d->complaints;
		c.bounce_rate = d->delivered ? (double)d->bounces / (d->bounces + d->delivered) : -1;
		memcpy(c.spark, d->spark, sizeof c.spark);
		for (j = n; j > 0 && cmp(&c, &v[j - 1]) < 0; j--)
			v[j] = v[j - 1];
		if (j < top) {
			v[j] = c;
			n += n < top;
		}
	}
	*nout = n;
	return 0;
}

static int by_count(const void *x, const void *y)
{
	const struct quell_report_reason *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (strcmp(a->rule, b->rule) != 0)
		return strcmp(a->rule, b->rule);
	return strcmp(a->status, b->status);
}

/* The groups of replies, largest first, the top ones kept. */
static int reasons(struct quell__rep *rp, size_t top)
{
	struct quell_report *r = rp->r;
	struct quell_report_reason *v = calloc(rp->whys.n ? rp->whys.n : 1, sizeof *v);

	if ((r->reasons = v) == NULL)
		return QUELL_ENOMEM;
	for (size_t i = 0; i < rp->whys.n; i++) {
		const char *k = rp->whys.keys[i], *sp = strchr(k, ' ');
		char rule[QUELL_NAME_MAX];

		snprintf(rule, sizeof rule, "%.*s", (int)(sp - k), k);
		v[i].rule = quell__arena_dup(rp->arena, rule);
		v[i].status = sp + 1;
		v[i].count = rp->why[i].count;
		v[i].last = rp->why[i].last;
		v[i].code = rp->why[i].code;
		v[i].reply = quell__arena_dup(rp->arena, rp->why[i].reply);
		if (v[i].rule == NULL || v[i].reply == NULL)
			return QUELL_ENOMEM;
	}
	qsort(v, rp->whys.n, sizeof *v, by_count);
	r->nreasons = rp->whys.n < top ? rp->whys.n : top;
	return 0;
}

/* The walk's tallies into the public struct. */
static int assemble(struct quell__rep *rp, size_t top)
{
	struct quell_report *r = rp->r;

	list_sizes(rp);
	r->other_domains = rp->other_domains;
	if (series(rp, &rp->cats, rp->catp, &r->categories, &r->ncategories) != 0 ||
	    series(rp, &rp->rules, rp->rulep, &r->rules, &r->nrules) != 0 ||
	    top_domains(rp, top, 0, cmp_bounces, &r->by_bounces, &r->nbounces) != 0 ||
	    top_domains(rp, top, 1, cmp_rate, &r->by_rate, &r->nrates) != 0 ||
	    reasons(rp, top) != 0)
		return quell__error(rp->h, QUELL_ENOMEM, "out of memory");
	return 0;
}

int quell_report(quell *h, const struct quell_report_options *opts, struct quell_report **out)
{
	struct quell_report_options def = QUELL_REPORT_OPTIONS_INIT;
	struct quell__rep rp;
	struct whole *w;
	int rc;

	if (h == NULL || out == NULL)
		return quell__error(h, QUELL_EINVAL, "report: NULL argument");
	*out = NULL;
	if (opts == NULL)
		opts = &def;
	memset(&rp, 0, sizeof rp);
	if ((rc = check_opts(h, opts, &rp)) != 0)
		return rc;
	if ((w = calloc(1, sizeof *w)) == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	rp.h = h;
	rp.r = &w->r;
	rp.arena = &w->arena;
	if ((rc = set_range(h, opts, &w->r)) == 0 && (rc = tallies(&rp)) != 0)
		rc = quell__error(h, rc, "out of memory");
	if (rc == 0)
		rc = quell__report_walk(&rp);
	if (rc == 0)
		rc = assemble(&rp, opts->top ? opts->top : 10);
	tallies_free(&rp);
	if (rc != 0) {
		quell_report_free(&w->r);
		return rc;
	}
	*out = &w->r;
	return 0;
}
