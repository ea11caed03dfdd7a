/*
 * report_csv.c - a report (quell_report) as CSV in long form, one figure
 * a row, for a spreadsheet's pivot table:
 *
 *   section,period,name,metric,value
 *   outcome,2026-11-28,,delivered,12
 *   size,2026-11-28,,suppressed,40
 *   category,2026-11-28,bad-mailbox,suppressions,3
 *   rule,2026-11-28,user-unknown,suppressions,3
 *   bounces,,example.com,bounces,7        (also delivered, deferrals, ...)
 *   rate,,example.com,bounce_rate,0.25
 *   backoff,,example.net,until,2026-11-28T12:00:00Z (also rule, reply, ...)
 *   reason,,user-unknown 5.1.1,count,9    (also last, reply)
 *
 * Cells are quoted when they hold a comma, a quote or a line break;
 * control bytes become spaces; a cell a spreadsheet would run as a
 * formula gets the contract's ' guard (quell_csv_formula).
 */
#include <string.h>

#include "cli.h"
#include "report.h"

static void cell(FILE *f, const char *s)
{
	size_t n = strlen(s);
	int quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		fputc('"', f);
	if (quell_csv_formula(s, n))
		fputc('\'', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"')
			fputs("\"\"", f);
		else if (*p < 0x20 || *p == 0x7f)
			fputc(' ', f);
		else
			fputc(*p, f);
	}
	if (quote)
		fputc('"', f);
}

static void row(FILE *f, const char *sec, int64_t period, const char *name, const char *metric,
                const char *value)
{
	char t[QUELL_TIME_MAX];

	fprintf(f, "%s,", sec);
	if (period != INT64_MIN)
		fprintf(f, "%.10s", quell_time_format(period, t, sizeof t));
	fputc(',', f);
	cell(f, name);
	fprintf(f, ",%s,", metric);
	cell(f, value);
	fputc('\n', f);
}

static void num(FILE *f, const char *sec, int64_t period, const char *name, const char *metric,
                uint64_t v)
{
	char b[24];

	snprintf(b, sizeof b, "%llu", (unsigned long long)v);
	row(f, sec, period, name, metric, b);
}

static void periods(FILE *f, const struct quell_report *r)
{
	static const char *const other[] = { "complaints", "unsubscribes", "manual", "suppressions" };

	for (size_t i = 0; i < r->nperiods; i++) {
		const struct quell_report_period *p = &r->periods[i];
		const uint64_t ov[] = { p->complaints, p->unsubscribes, p->manual, p->suppressions };

		for (int o = 0; o < QUELL_OUTCOMES; o++)
			num(f, "outcome", p->start, "", quell_outcome_name(o), p->outcomes[o]);
		for (int o = 0; o < 4; o++)
			num(f, "event", p->start, "", other[o], ov[o]);
		num(f, "size", p->start, "", "suppressed", p->suppressed_addresses);
		num(f, "size", p->start, "", "domains", p->suppressed_domains);
		num(f, "size", p->start, "", "in_backoff", p->backoff);
	}
}

static void series(FILE *f, const char *sec, const struct quell_report *r,
                   const struct quell_report_series *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t p = 0; p < r->nperiods; p++)
			if (s[i].periods[p])
				num(f, sec, r->periods[p].start, s[i].name, "suppressions", s[i].periods[p]);
}

static void domains(FILE *f, const char *sec, const struct quell_report_domain *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char rate[32];

		num(f, sec, INT64_MIN, d[i].domain, "bounces", d[i].bounces);
		num(f, sec, INT64_MIN, d[i].domain, "delivered", d[i].delivered);
		num(f, sec, INT64_MIN, d[i].domain, "deferrals", d[i].deferrals);
		num(f, sec, INT64_MIN, d[i].domain, "complaints", d[i].complaints);
		if (d[i].bounce_rate >= 0) {
			snprintf(rate, sizeof rate, "%.4f", d[i].bounce_rate);
			row(f, sec, INT64_MIN, d[i].domain, "bounce_rate", rate);
		}
	}
}

static void rest(FILE *f, const struct quell_report *r)
{
	char t[QUELL_TIME_MAX];

	for (size_t i = 0; i < r->nbackoff; i++) {
		const struct quell_report_backoff *b = &r->backoff[i];

		row(f, "backoff", INT64_MIN, b->domain, "until", quell_time_format(b->until, t, sizeof t));
		num(f, "backoff", INT64_MIN, b->domain, "attempts", b->attempts);
		row(f, "backoff", INT64_MIN, b->domain, "rule", b->rule);
		row(f, "backoff", INT64_MIN, b->domain, "status", b->status);
		row(f, "backoff", INT64_MIN, b->domain, "reply", b->reply);
	}
	for (size_t i = 0; i < r->nreasons; i++) {
		const struct quell_report_reason *e = &r->reasons[i];
		char name[2 * QUELL_NAME_MAX];

		snprintf(name, sizeof name, "%s %s", e->rule, e->status);
		num(f, "reason", INT64_MIN, name, "count", e->count);
		row(f, "reason", INT64_MIN, name, "last", quell_time_format(e->last, t, sizeof t));
		row(f, "reason", INT64_MIN, name, "reply", e->reply);
	}
}

void report_csv(FILE *f, const struct quell_report *r)
{
	fputs("section,period,name,metric,value\n", f);
	periods(f, r);
	series(f, "category", r, r->categories, r->ncategories);
	series(f, "rule", r, r->rules, r->nrules);
	domains(f, "bounces", r->by_bounces, r->nbounces);
	domains(f, "rate", r->by_rate, r->nrates);
	rest(f, r);
}
