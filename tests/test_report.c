/*
 * test_report.c - quell_report and quell_activity on a history written at
 * known times (out of time order), each figure checked against what the
 * test wrote: replies by outcome per day and per week, new suppressions
 * (a repeated one is not new) by category and by rule, list sizes from
 * the history (a ttl ends one; a suppression before `since` counts from
 * the start), top domains by bounces and by rate, the domains in backoff
 * now, the reasons; the --domain and --stream filters; the activity's
 * order, limit, types, address, since; bad arguments; every allocation
 * failing once.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define HOUR 3600
#define DAY 86400
#define T0 1793577600 /* 2026-11-02T00:00:00Z, a Monday */

static const char rules[] =
	"version: 1\n"
	"rules:\n"
	"  - name: ok\n"
	"    when: { code: 2xx }\n"
	"    then: { action: clear, category: delivered }\n"
	"  - name: unknown\n"
	"    when: { status: 5.1.1 }\n"
	"    then: { action: suppress, category: bad-mailbox }\n"
	"  - name: full\n"
	"    when: { status: 4.2.2 }\n"
	"    then: { action: count, threshold: 5, window: 14d, category: quota }\n"
	"  - name: slow\n"
	"    when: { code: 421 }\n"
	"    then: { action: backoff, scope: domain, category: transient }\n"
	"  - name: block\n"
	"    when: { status: \"5.7.*\" }\n"
	"    then: { action: ignore, category: policy }\n";

static char dir[128], path[160];
static quell *h;

static int record(const char *addr, const char *reply, int64_t now)
{
	struct quell_record_options o = QUELL_RECORD_OPTIONS_INIT;
	int rc;

	o.now = now;
	rc = quell_record(h, addr, reply, &o, NULL);
	if (rc != 0)
		fprintf(stderr, "\n  record %s '%s': %s\n", addr, reply, quell_errmsg(h));
	return rc != 0;
}

static int add(const char *entry, int source, const char *stream, int64_t ttl, int64_t now)
{
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;
	int rc;

	o.source = source;
	o.stream = stream;
	o.ttl = ttl;
	o.now = now;
	rc = quell_add(h, entry, &o);
	if (rc != 0)
		fprintf(stderr, "\n  add %s: %s\n", entry, quell_errmsg(h));
	return rc != 0;
}

/* The history (docs in each line: day, what, what the report must say). */
static int setup(void)
{
	FILE *f;

	h = tu_open(dir, sizeof dir, NULL);
	if (h == NULL)
		return 1;
	snprintf(path, sizeof path, "%s.rules.yaml", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fputs(rules, f);
	if (fclose(f) != 0 || quell_rules_load(h, path) != 0)
		return 1;
	return record("h@x.example", "250 2.0.0 later", T0 + 5 * DAY) ||  /* after until */
	       record("a@x.example", "550 5.1.1 gone", T0 + 1 * HOUR) ||   /* d0 new */
	       record("g@x.example", "550 5.1.1 old", T0 - 3 * DAY) ||     /* before since */
	       record("b@x.example", "250 2.0.0 ok", T0 + 2 * HOUR) ||     /* d0 delivered */
	       record("b@x.example", "452 4.2.2 full", T0 + DAY + HOUR) ||  /* d1 counted */
	       record("a@x.example", "550 5.1.1 <gone> again", T0 + DAY + 2 * HOUR) || /* not new */
	       add("i@z.example", QUELL_SOURCE_MANUAL, NULL, DAY, T0 + DAY + 3 * HOUR) ||
	       record("c@y.example", "421 4.7.0 try later", T0 + 2 * DAY + 3 * HOUR) ||
	       record("d@y.example", "554 5.7.1 blocked", T0 + 2 * DAY + 4 * HOUR) ||
	       add("e@z.example", QUELL_SOURCE_MANUAL, NULL, 0, T0 + 2 * DAY + 5 * HOUR) ||
	       add("f@x.example", QUELL_SOURCE_COMPLAINT, NULL, 0, T0 + 3 * DAY + HOUR) ||
	       add("j@z.example", QUELL_SOURCE_UNSUBSCRIBE, "news", 0, T0 + 3 * DAY + 2 * HOUR);
}

static int teardown(void)
{
	tu_close(h, dir);
	unlink(path);
	return 0;
}

/* A period's figures as one string "D S B C I/c u m/s:SA,SD,BO". */
static void period_text(const struct quell_report_period *p, char *buf, size_t n)
{
	snprintf(buf, n, "%llu %llu %llu %llu %llu/%llu %llu %llu/%llu:%llu,%llu,%llu",
	         (unsigned long long)p->outcomes[0], (unsigned long long)p->outcomes[1],
	         (unsigned long long)p->outcomes[2], (unsigned long long)p->outcomes[3],
	         (unsigned long long)p->outcomes[4], (unsigned long long)p->complaints,
	         (unsigned long long)p->unsubscribes, (unsigned long long)p->manual,
	         (unsigned long long)p->suppressions, (unsigned long long)p->suppressed_addresses,
	         (unsigned long long)p->suppressed_domains, (unsigned long long)p->backoff);
}

static struct quell_report *make(int64_t since, int64_t until, int by, const char *domain,
                                 const char *stream)
{
	struct quell_report_options o = QUELL_REPORT_OPTIONS_INIT;
	struct quell_report *r = NULL;

	o.since = since;
	o.until = until;
	o.by = by;
	o.domain = domain;
	o.stream = stream;
	o.now = T0 + 2 * DAY + 3 * HOUR + 60; /* y.example backs off until +15m */
	TU_EQ_INT(quell_report(h, &o, &r), 0);
	if (r == NULL)
		fprintf(stderr, "\n  report: %s\n", quell_errmsg(h));
	return r;
}

static void test_days(void)
{
	static const char *const want[4] = {
		"1 1 0 0 0/0 0 0/1:2,0,0", /* a new, b delivered; g and a suppressed */
		"0 1 0 1 0/0 0 1/1:3,0,0", /* a again (not new), b counted, i added */
		"0 0 1 0 1/0 0 1/1:3,0,0", /* c backoff, d ignored, e added; i expired */
		"0 0 0 0 0/1 1 0/2:5,0,0", /* f complaint, j unsubscribe: both new */
	};
	struct quell_report *r = make(T0 + 5, T0 + 4 * DAY, QUELL_REPORT_DAY, NULL, NULL);
	char got[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	TU_EQ_INT(r->since, T0);
	TU_EQ_INT(r->nperiods, 4);
	for (size_t i = 0; i < 4 && i < r->nperiods; i++) {
		period_text(&r->periods[i], got, sizeof got);
		TU_EQ_STR(got, want[i]);
		TU_EQ_INT(r->periods[i].start, T0 + (int64_t)i * DAY);
	}
	TU_EQ_INT(r->events, 10);
	TU_EQ_INT(r->suppressions, 5);
	TU_EQ_INT(r->totals[QUELL_OUTCOME_SUPPRESSED], 2);
	TU_EQ_INT(r->ncategories >= 2, 1);
	TU_EQ_STR(r->categories[0].name, "manual");
	TU_EQ_INT(r->categories[0].total, 2);
	TU_EQ_INT(r->nrules, 2);
	TU_EQ_STR(r->rules[0].name, "");
	TU_EQ_INT(r->rules[0].total, 4);
	TU_EQ_STR(r->rules[1].name, "unknown");
	TU_EQ_INT(r->rules[1].periods[0], 1);
	TU_EQ_INT(r->rules[1].periods[1], 0);
	quell_report_free(r);
}

static void test_domains_reasons(void)
{
	struct quell_report *r = make(T0, T0 + 4 * DAY, QUELL_REPORT_DAY, NULL, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	TU_EQ_INT(r->nbounces, 2);
	TU_EQ_STR(r->by_bounces[0].domain, "x.example");
	TU_EQ_INT(r->by_bounces[0].bounces, 2);
	TU_EQ_INT(r->by_bounces[0].delivered, 1);
	TU_EQ_INT(r->by_bounces[0].deferrals, 1);
	TU_EQ_INT(r->by_bounces[0].complaints, 1);
	CU_ASSERT_DOUBLE_EQUAL(r->by_bounces[0].bounce_rate, 2.0 / 3, 1e-9);
	TU_EQ_INT(r->by_bounces[0].spark[0] + r->by_bounces[0].spark[QUELL_REPORT_SPARK / 4], 2);
	TU_EQ_STR(r->by_bounces[1].domain, "y.example");
	CU_ASSERT(r->by_bounces[1].bounce_rate < 0);
	TU_EQ_INT(r->nrates, 1);
	TU_EQ_STR(r->by_rate[0].domain, "x.example");
	TU_EQ_INT(r->nbackoff, 1);
	TU_EQ_STR(r->backoff[0].domain, "y.example");
	TU_EQ_INT(r->backoff[0].until, T0 + 2 * DAY + 3 * HOUR + 15 * 60);
	TU_EQ_STR(r->backoff[0].rule, "slow");
	TU_EQ_INT(r->nreasons, 4);
	TU_EQ_STR(r->reasons[0].rule, "unknown");
	TU_EQ_STR(r->reasons[0].status, "5.1.1");
	TU_EQ_INT(r->reasons[0].count, 2);
	TU_EQ_INT(r->reasons[0].last, T0 + DAY + 2 * HOUR);
	TU_EQ_STR(r->reasons[0].reply, "<gone> again");
	quell_report_free(r);
}

static void test_filters(void)
{
	char got[128];
	struct quell_report *r = make(T0, T0 + 4 * DAY, QUELL_REPORT_WEEK, NULL, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	TU_EQ_INT(r->nperiods, 1);
	period_text(&r->periods[0], got, sizeof got);
	TU_EQ_STR(got, "1 2 1 1 1/1 1 2/5:5,0,0");
	quell_report_free(r);
	r = make(T0, T0 + 4 * DAY, QUELL_REPORT_DAY, "y.example", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	TU_EQ_INT(r->events, 2);
	period_text(&r->periods[2], got, sizeof got);
	TU_EQ_STR(got, "0 0 1 0 1/0 0 0/0:0,0,0");
	TU_EQ_INT(r->nbackoff, 1);
	quell_report_free(r);
	r = make(T0, T0 + 4 * DAY, QUELL_REPORT_DAY, "z.example", "other");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	TU_EQ_INT(r->events, 2); /* i and e; j is of stream news */
	TU_EQ_INT(r->nbackoff, 0);
	quell_report_free(r);
	r = make(T0, T0 + 4 * DAY, QUELL_REPORT_DAY, "z.example", "news");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	TU_EQ_INT(r->events, 3);
	quell_report_free(r);
}

static void test_report_errors(void)
{
	struct quell_report_options o = QUELL_REPORT_OPTIONS_INIT;
	struct quell_report *r = (struct quell_report *)&o;

	TU_EQ_INT(quell_report(h, NULL, NULL), QUELL_EINVAL);
	o.version = 9;
	TU_EQ_INT(quell_report(h, &o, &r), QUELL_EINVAL);
	CU_ASSERT_PTR_NULL(r);
	o.version = QUELL_REPORT_OPTIONS_VERSION;
	o.since = T0;
	o.until = T0;
	TU_EQ_INT(quell_report(h, &o, &r), QUELL_EINVAL);
	o.until = T0 + 1001 * DAY;
	TU_EQ_INT(quell_report(h, &o, &r), QUELL_EINVAL);
	CU_ASSERT(strstr(quell_errmsg(h), "1001 periods") != NULL);
	o.by = QUELL_REPORT_WEEK;
	TU_EQ_INT(quell_report(h, &o, &r), 0);
	quell_report_free(r);
	o.by = 7;
	TU_EQ_INT(quell_report(h, &o, &r), QUELL_EINVAL);
	o.by = 0;
	o.until = 0;
	o.domain = "a..b";
	TU_EQ_INT(quell_report(h, &o, &r), QUELL_EADDRESS);
	o.domain = NULL;
	o.stream = "Bad Stream";
	TU_EQ_INT(quell_report(h, &o, &r), QUELL_EINVAL);
	quell_report_free(NULL);
}

/* The items a call gives, as "KEY TYPE OUTCOME;" with the hour after T0. */
struct got {
	char text[1024];
	size_t n, stop_at;
};

static int collect(void *payload, const struct quell_activity_item *it)
{
	struct got *g = payload;
	size_t len = strlen(g->text);

	snprintf(g->text + len, sizeof g->text - len, "%s %s %s %lld;", it->key,
	         quell_activity_type_name(it->type),
	         it->outcome >= 0 ? quell_outcome_name(it->outcome) : quell_action_name(it->ev.action),
	         (long long)((it->ev.time - T0) / HOUR));
	return ++g->n == g->stop_at ? 7 : 0;
}

static void test_activity(void)
{
	static const struct {
		const char *address, *domain;
		int type;
		int64_t since;
		size_t limit;
		const char *want;
	} cases[] = {
		{ NULL, NULL, 0, 0, 3,
		  "h@x.example delivered delivered 120;j@z.example unsubscribe suppress 74;"
		  "f@x.example complaint suppress 73;" },
		{ NULL, NULL, QUELL_ACTIVITY_BOUNCE, 0, 0,
		  "d@y.example bounce ignored 52;a@x.example bounce suppressed 26;"
		  "a@x.example bounce suppressed 1;g@x.example bounce suppressed -72;" },
		{ NULL, NULL, QUELL_ACTIVITY_BOUNCE, T0, 0,
		  "d@y.example bounce ignored 52;a@x.example bounce suppressed 26;"
		  "a@x.example bounce suppressed 1;" },
		{ NULL, NULL, QUELL_ACTIVITY_DEFERRAL, 0, 0,
		  "c@y.example deferral backoff 51;b@x.example deferral counted 25;" },
		{ "A@X.example", NULL, 0, 0, 0,
		  "a@x.example bounce suppressed 26;a@x.example bounce suppressed 1;" },
		{ "a@x.example", NULL, 0, T0 + 2 * HOUR, 0, "a@x.example bounce suppressed 26;" },
		{ NULL, "z.example", QUELL_ACTIVITY_MANUAL, 0, 1, "e@z.example manual suppress 53;" },
		{ NULL, "y.example", 0, 0, 0,
		  "d@y.example bounce ignored 52;c@y.example deferral backoff 51;" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct quell_activity_options o = QUELL_ACTIVITY_OPTIONS_INIT;
		struct got g;

		memset(&g, 0, sizeof g);
		o.address = cases[i].address;
		o.domain = cases[i].domain;
		o.type = cases[i].type;
		o.since = cases[i].since;
		o.limit = cases[i].limit;
		TU_EQ_INT(quell_activity(h, &o, collect, &g), 0);
		TU_EQ_STR(g.text, cases[i].want);
	}
}

static void test_activity_errors(void)
{
	struct quell_activity_options o = QUELL_ACTIVITY_OPTIONS_INIT;
	struct got g;

	memset(&g, 0, sizeof g);
	g.stop_at = 2;
	TU_EQ_INT(quell_activity(h, NULL, collect, &g), 7);
	TU_EQ_INT(g.n, 2);
	TU_EQ_INT(quell_activity(h, NULL, NULL, NULL), QUELL_EINVAL);
	TU_EQ_INT(quell_activity(NULL, NULL, collect, &g), QUELL_EINVAL);
	o.version = 0;
	TU_EQ_INT(quell_activity(h, &o, collect, &g), QUELL_EINVAL);
	o.version = QUELL_ACTIVITY_OPTIONS_VERSION;
	o.type = 42;
	TU_EQ_INT(quell_activity(h, &o, collect, &g), QUELL_EINVAL);
	o.type = 0;
	o.limit = QUELL_ACTIVITY_MAX + 1;
	TU_EQ_INT(quell_activity(h, &o, collect, &g), QUELL_EINVAL);
	o.limit = 0;
	o.address = "not an address";
	TU_EQ_INT(quell_activity(h, &o, collect, &g), QUELL_EADDRESS);
	o.address = NULL;
	o.domain = "a..b";
	TU_EQ_INT(quell_activity(h, &o, collect, &g), QUELL_EADDRESS);
	TU_EQ_INT(quell_activity_type_parse("deferral"), QUELL_ACTIVITY_DEFERRAL);
	TU_EQ_INT(quell_activity_type_parse("nope"), -1);
	TU_EQ_STR(quell_activity_type_name(99), "");
	TU_EQ_STR(quell_outcome_name(QUELL_OUTCOME_COUNTED), "counted");
	TU_EQ_INT(quell_csv_formula("  =1", 4), 1);
	TU_EQ_INT(quell_csv_formula("a=1", 3), 0);
}

/* 0 right, 1 out of memory, 2 wrong, 3 another error. */
static int alloc_scenario(void)
{
	struct quell_report *r = NULL;
	struct quell_report_options o = QUELL_REPORT_OPTIONS_INIT;
	struct quell_activity_options ao = QUELL_ACTIVITY_OPTIONS_INIT;
	struct got g;
	int rc, bad;

	o.since = T0;
	o.until = T0 + 4 * DAY;
	o.now = T0 + 2 * DAY + 3 * HOUR;
	if ((rc = quell_report(h, &o, &r)) != 0)
		return rc == QUELL_ENOMEM ? 1 : 3;
	bad = r->events != 10 || r->nreasons != 4 || r->nbackoff != 1;
	quell_report_free(r);
	if (bad)
		return 2;
	memset(&g, 0, sizeof g);
	ao.limit = 2;
	if ((rc = quell_activity(h, &ao, collect, &g)) != 0)
		return rc == QUELL_ENOMEM ? 1 : 3;
	return g.n == 2 ? 0 : 2;
}

static void test_allocations(void)
{
	long i;

	tu_alloc_fail_at(0);
	TU_EQ_INT(alloc_scenario(), 0);
	for (i = 1; i < 2000; i++) {
		long seen;
		int r;

		tu_alloc_fail_at(i);
		r = alloc_scenario();
		seen = tu_alloc_seen();
		tu_alloc_fail_at(0);
		CU_ASSERT(r == 0 || r == 1);
		if (seen < i) {
			TU_EQ_INT(r, 0);
			break;
		}
	}
	CU_ASSERT(i > 1 && i < 2000);
}

static CU_TestInfo tests[] = {
	{ "figures per day: outcomes, new suppressions, list sizes", test_days },
	{ "top domains, backoff now, reasons", test_domains_reasons },
	{ "weeks, --domain, --stream", test_filters },
	{ "report: bad arguments", test_report_errors },
	{ "activity: newest first, limit, type, address, domain, since", test_activity },
	{ "activity: a callback that stops; bad arguments", test_activity_errors },
	{ "every allocation fails once", test_allocations },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_report[] = {
	{ "report", setup, teardown, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
