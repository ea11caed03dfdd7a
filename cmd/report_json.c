/*
 * report_json.c - a report (quell_report) as one JSON object, the
 * shape docs/report.md gives: the range, the periods (outcomes, other
 * events, new suppressions, list sizes), the totals, the series by
 * category and by rule, the top domains, the domains in backoff, the top
 * reasons.  Strings through cli_jstr (invalid UTF-8 as U+FFFD).
 */
#include "cli.h"
#include "report.h"

static int outcome_set(json_t *o, const uint64_t *v)
{
	int bad = 0;

	for (int i = 0; i < QUELL_OUTCOMES; i++)
		bad |= cli_jset(o, quell_outcome_name(i), cli_jnum(v[i]));
	return bad;
}

static json_t *periods(const struct quell_report *r)
{
	json_t *a = json_array();
	int bad = a == NULL;

	for (size_t i = 0; !bad && i < r->nperiods; i++) {
		const struct quell_report_period *p = &r->periods[i];
		json_t *o = json_object();

		bad |= o == NULL || json_array_append_new(a, o) != 0;
		if (bad)
			break;
		bad |= cli_jset(o, "start", cli_jtime(p->start)) || outcome_set(o, p->outcomes) ||
		       cli_jset(o, "complaints", cli_jnum(p->complaints)) ||
		       cli_jset(o, "unsubscribes", cli_jnum(p->unsubscribes)) ||
		       cli_jset(o, "manual", cli_jnum(p->manual)) ||
		       cli_jset(o, "suppressions", cli_jnum(p->suppressions)) ||
		       cli_jset(o, "suppressed_addresses", cli_jnum(p->suppressed_addresses)) ||
		       cli_jset(o, "suppressed_domains", cli_jnum(p->suppressed_domains)) ||
		       cli_jset(o, "in_backoff", cli_jnum(p->backoff));
	}
	return bad ? (json_decref(a), NULL) : a;
}

static json_t *nums(const uint64_t *v, size_t n)
{
	json_t *a = json_array();
	int bad = a == NULL;

	for (size_t i = 0; !bad && i < n; i++)
		bad |= json_array_append_new(a, cli_jnum(v[i])) != 0;
	return bad ? (json_decref(a), NULL) : a;
}

static json_t *series(const struct quell_report *r, const struct quell_report_series *s, size_t n)
{
	json_t *a = json_array();
	int bad = a == NULL;

	for (size_t i = 0; !bad && i < n; i++) {
		json_t *o = json_object();

		bad |= o == NULL || json_array_append_new(a, o) != 0;
		bad = bad || cli_jset(o, "name", json_string(s[i].name)) ||
		      cli_jset(o, "total", cli_jnum(s[i].total)) ||
		      cli_jset(o, "periods", nums(s[i].periods, r->nperiods));
	}
	return bad ? (json_decref(a), NULL) : a;
}

static json_t *domains(const struct quell_report_domain *d, size_t n)
{
	json_t *a = json_array();
	int bad = a == NULL;

	for (size_t i = 0; !bad && i < n; i++) {
		json_t *o = json_object(), *sp = json_array();

		bad |= o == NULL || sp == NULL || json_array_append_new(a, o) != 0;
		for (int k = 0; !bad && k < QUELL_REPORT_SPARK; k++)
			bad |= json_array_append_new(sp, json_integer(d[i].spark[k])) != 0;
		bad = bad || cli_jset(o, "domain", cli_jstr(d[i].domain)) ||
		      cli_jset(o, "bounces", cli_jnum(d[i].bounces)) ||
		      cli_jset(o, "delivered", cli_jnum(d[i].delivered)) ||
		      cli_jset(o, "deferrals", cli_jnum(d[i].deferrals)) ||
		      cli_jset(o, "complaints", cli_jnum(d[i].complaints)) ||
		      cli_jset(o, "bounce_rate",
		               d[i].bounce_rate < 0 ? json_null() : json_real(d[i].bounce_rate)) ||
		      cli_jset(o, "spark", sp);
		if (bad && o == NULL)
			json_decref(sp);
	}
	return bad ? (json_decref(a), NULL) : a;
}

static json_t *backoff(const struct quell_report *r)
{
	json_t *a = json_array();
	int bad = a == NULL;

	for (size_t i = 0; !bad && i < r->nbackoff; i++) {
		const struct quell_report_backoff *b = &r->backoff[i];
		json_t *o = json_object();

		bad |= o == NULL || json_array_append_new(a, o) != 0;
		bad = bad || cli_jset(o, "domain", cli_jstr(b->domain)) ||
		      cli_jset(o, "until", cli_jtime(b->until)) ||
		      cli_jset(o, "attempts", cli_jnum(b->attempts)) ||
		      cli_jset(o, "rule", cli_jstr(b->rule)) ||
		      cli_jset(o, "code", cli_jnum0((uint64_t)b->code)) ||
		      cli_jset(o, "status", cli_jstr(b->status)) ||
		      cli_jset(o, "reply", cli_jstr(b->reply));
	}
	return bad ? (json_decref(a), NULL) : a;
}

static json_t *reasons(const struct quell_report *r)
{
	json_t *a = json_array();
	int bad = a == NULL;

	for (size_t i = 0; !bad && i < r->nreasons; i++) {
		const struct quell_report_reason *e = &r->reasons[i];
		json_t *o = json_object();

		bad |= o == NULL || json_array_append_new(a, o) != 0;
		bad = bad || cli_jset(o, "rule", cli_jstr(e->rule)) ||
		      cli_jset(o, "status", cli_jstr(e->status)) ||
		      cli_jset(o, "count", cli_jnum(e->count)) ||
		      cli_jset(o, "last", cli_jtime(e->last)) ||
		      cli_jset(o, "code", cli_jnum0((uint64_t)e->code)) ||
		      cli_jset(o, "reply", cli_jstr(e->reply));
	}
	return bad ? (json_decref(a), NULL) : a;
}

json_t *report_json(const struct quell_report *r)
{
	json_t *o = json_object(), *t = json_object();
	int bad = o == NULL || t == NULL || cli_jset(o, "since", cli_jtime(r->since));

	bad = bad || cli_jset(o, "until", cli_jtime(r->until)) ||
	      cli_jset(o, "by", json_string(r->by == QUELL_REPORT_WEEK ? "week" : "day")) ||
	      cli_jset(o, "events", cli_jnum(r->events)) || outcome_set(t, r->totals) ||
	      cli_jset(t, "suppressions", cli_jnum(r->suppressions)) || cli_jset(o, "totals", t);
	if (bad && t != NULL && o != NULL && json_object_get(o, "totals") == NULL)
		json_decref(t);
	bad = bad || cli_jset(o, "periods", periods(r)) ||
	      cli_jset(o, "categories", series(r, r->categories, r->ncategories)) ||
	      cli_jset(o, "rules", series(r, r->rules, r->nrules)) ||
	      cli_jset(o, "top_bounces", domains(r->by_bounces, r->nbounces)) ||
	      cli_jset(o, "top_bounce_rate", domains(r->by_rate, r->nrates)) ||
	      cli_jset(o, "other_domains", cli_jnum(r->other_domains)) ||
	      cli_jset(o, "backoff", backoff(r)) || cli_jset(o, "reasons", reasons(r));
	return bad ? (json_decref(o), NULL) : o;
}
