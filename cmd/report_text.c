/*
 * report_text.c - a report (quell_report) as aligned text tables for
 * people: one table per figure, a heading line above each, columns
 * right-aligned numbers and left-aligned names; free text (a reply) only
 * in the last column, with control bytes and invalid UTF-8 escaped.
 * docs/report.md shows one.
 *
 * Knows nothing of how the figures were made.
 */
#include <string.h>

#include "cli.h"
#include "report.h"

#define W 12 /* width of a number column */

static const char *day(int64_t t, char *buf, size_t n)
{
	char s[QUELL_TIME_MAX];

	snprintf(buf, n, "%.10s", quell_time_format(t, s, sizeof s));
	return buf;
}

static void outcomes(FILE *f, const struct quell_report *r)
{
	char d[16];

	fprintf(f, "Replies by outcome, other events, new suppressions\n%-10s", "period");
	for (int o = 0; o < QUELL_OUTCOMES; o++)
		fprintf(f, " %*s", W, quell_outcome_name(o));
	fprintf(f, " %*s %*s %*s %*s\n", W, "complaints", W, "unsubscribes", W, "manual", W,
	        "suppressions");
	for (size_t i = 0; i < r->nperiods; i++) {
		const struct quell_report_period *p = &r->periods[i];

		fprintf(f, "%-10s", day(p->start, d, sizeof d));
		for (int o = 0; o < QUELL_OUTCOMES; o++)
			fprintf(f, " %*llu", W, (unsigned long long)p->outcomes[o]);
		fprintf(f, " %*llu %*llu %*llu %*llu\n", W, (unsigned long long)p->complaints, W,
		        (unsigned long long)p->unsubscribes, W, (unsigned long long)p->manual, W,
		        (unsigned long long)p->suppressions);
	}
	fprintf(f, "%-10s", "total");
	for (int o = 0; o < QUELL_OUTCOMES; o++)
		fprintf(f, " %*llu", W, (unsigned long long)r->totals[o]);
	fprintf(f, "\n\n");
}

static void sizes(FILE *f, const struct quell_report *r)
{
	char d[16];

	fprintf(f, "List sizes at the end of each period\n%-10s %*s %*s %*s\n", "period", W,
	        "suppressed", W, "domains", W, "backoff");
	for (size_t i = 0; i < r->nperiods; i++) {
		const struct quell_report_period *p = &r->periods[i];

		fprintf(f, "%-10s %*llu %*llu %*llu\n", day(p->start, d, sizeof d), W,
		        (unsigned long long)p->suppressed_addresses, W,
		        (unsigned long long)p->suppressed_domains, W, (unsigned long long)p->backoff);
	}
	fprintf(f, "\n");
}

static void series(FILE *f, const char *title, const char *col,
                   const struct quell_report_series *s, size_t n)
{
	fprintf(f, "New suppressions by %s\n%-32s %*s\n", title, col, W, "total");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%-32s %*llu\n", s[i].name[0] ? s[i].name : "-", W,
		        (unsigned long long)s[i].total);
	}
	fprintf(f, "\n");
}

static void domains(FILE *f, const char *title, const struct quell_report_domain *d, size_t n)
{
	fprintf(f, "%s\n%-40s %*s %*s %*s %*s %*s\n", title, "domain", W, "bounces", W,
	        "delivered", W, "deferrals", W, "complaints", W, "bounce-rate");
	for (size_t i = 0; i < n; i++) {
		char rate[16];

		if (d[i].bounce_rate < 0)
			snprintf(rate, sizeof rate, "-");
		else
			snprintf(rate, sizeof rate, "%.1f%%", 100 * d[i].bounce_rate);
		fprintf(f, "%-40s %*llu %*llu %*llu %*llu %*s\n", d[i].domain, W,
		        (unsigned long long)d[i].bounces, W, (unsigned long long)d[i].delivered, W,
		        (unsigned long long)d[i].deferrals, W, (unsigned long long)d[i].complaints, W,
		        rate);
	}
	fprintf(f, "\n");
}

static void backoff(FILE *f, const struct quell_report *r)
{
	char t[QUELL_TIME_MAX];

	fprintf(f, "Domains in backoff now\n%-40s %-20s %8s %-24s %s\n", "domain", "until",
	        "attempts", "rule", "last reply");
	for (size_t i = 0; i < r->nbackoff; i++) {
		const struct quell_report_backoff *b = &r->backoff[i];

		fprintf(f, "%-40s %-20s %8u %-24s ", b->domain, quell_time_format(b->until, t, sizeof t),
		        (unsigned)b->attempts, b->rule[0] ? b->rule : "-");
		if (b->code)
			fprintf(f, "%d ", b->code);
		if (b->status[0])
			fprintf(f, "%s ", b->status);
		cli_put_enc(f, b->reply, CLI_ENC_FIELD);
		fputc('\n', f);
	}
	fprintf(f, "\n");
}

static void reasons(FILE *f, const struct quell_report *r)
{
	char t[QUELL_TIME_MAX];

	fprintf(f, "Top reasons (replies other than deliveries, by rule and status)\n"
	           "%*s %-24s %-8s %-20s %s\n", W, "replies", "rule", "status", "last", "last reply");
	for (size_t i = 0; i < r->nreasons; i++) {
		const struct quell_report_reason *e = &r->reasons[i];

		fprintf(f, "%*llu %-24s %-8s %-20s ", W, (unsigned long long)e->count,
		        e->rule[0] ? e->rule : "-", e->status[0] ? e->status : "-",
		        quell_time_format(e->last, t, sizeof t));
		if (e->code)
			fprintf(f, "%d ", e->code);
		cli_put_enc(f, e->reply, CLI_ENC_FIELD);
		fputc('\n', f);
	}
}

void report_text(FILE *f, const struct quell_report *r)
{
	char s[16], u[16];

	fprintf(f, "quell report: %s to %s (UTC), by %s; %llu events\n\n", day(r->since, s, sizeof s),
	        day(r->until - 1, u, sizeof u), r->by == QUELL_REPORT_WEEK ? "week" : "day",
	        (unsigned long long)r->events);
	outcomes(f, r);
	sizes(f, r);
	series(f, "category", "category", r->categories, r->ncategories);
	series(f, "rule", "rule", r->rules, r->nrules);
	domains(f, "Top domains by bounces", r->by_bounces, r->nbounces);
	domains(f, "Top domains by bounce rate (deliveries known)", r->by_rate, r->nrates);
	if (r->other_domains)
		fprintf(f, "(%llu replies of domains past the first %d not ranked)\n\n",
		        (unsigned long long)r->other_domains, QUELL_REPORT_MAX_DOMAINS);
	backoff(f, r);
	reasons(f, r);
}
