/*
 * test_rules_stats.c - quell_rules_stats: replies per rule from the stored
 * history, each once (a domain-scope outcome's copy in the domain's
 * history is not counted again), rules that never fired, names that only
 * the history holds (in name order, past the tally's first growth),
 * `since`, a callback that stops, bad arguments, and every allocation
 * failing once.
 */
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"

#define DAY 86400
#define T0 1767225600 /* 2026-01-01T00:00:00Z */

static const char rules_a[] =
	"version: 1\n"
	"rules:\n"
	"  - name: unknown\n"
	"    when: { status: 5.1.1 }\n"
	"    then: { action: suppress }\n"
	"  - name: slow\n"
	"    when: { code: 421 }\n"
	"    then: { action: backoff, scope: domain }\n"
	"  - name: never\n"
	"    when: { code: 299 }\n"
	"    then: { action: clear }\n";

/* slow is gone, never comes first */
static const char rules_b[] =
	"version: 1\n"
	"rules:\n"
	"  - name: never\n"
	"    when: { code: 299 }\n"
	"    then: { action: clear }\n"
	"  - name: unknown\n"
	"    when: { status: 5.1.1 }\n"
	"    then: { action: suppress }\n";

static char dir[128], path_a[160], path_b[160];
static quell *h;

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return 1;
	fputs(text, f);
	return fclose(f) != 0;
}

/* 0, or 1 after saying why (setup has no test to fail) */
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

/* unknown twice, slow once at domain scope, a reply no rule matches, a
 * hand edit. */
static int setup(void)
{
	struct quell_add_options ao = QUELL_ADD_OPTIONS_INIT;

	h = tu_open(dir, sizeof dir, NULL);
	if (h == NULL)
		return 1;
	snprintf(path_a, sizeof path_a, "%s.a.yaml", dir);
	snprintf(path_b, sizeof path_b, "%s.b.yaml", dir);
	if (write_file(path_a, rules_a) || write_file(path_b, rules_b) ||
	    quell_rules_load(h, path_a) != 0)
		return 1;
	if (record("a@x.example", "550 5.1.1 nope", T0) ||
	    record("c@y.example", "421 busy", T0 + 2 * DAY) ||
	    record("c@y.example", "500 what", T0 + 3 * DAY) ||
	    record("b@x.example", "550 5.1.1 nope", T0 + 4 * DAY))
		return 1;
	ao.now = T0 + 5 * DAY;
	return quell_add(h, "d@x.example", &ao) != 0;
}

static int teardown(void)
{
	tu_close(h, dir);
	unlink(path_a);
	unlink(path_b);
	return 0;
}

/* The rows a call gives, as one string: "name in index count last;". */
struct got {
	char text[1024];
	size_t n, stop_at; /* stop_at: return 7 at that row (1-based); 0 never */
};

static int collect(void *payload, const struct quell_rule_stats *st)
{
	struct got *g = payload;
	size_t len = strlen(g->text);

	snprintf(g->text + len, sizeof g->text - len, "%s %d %zu %llu %lld;", st->rule,
	         st->in_rules, st->index, (unsigned long long)st->count,
	         (long long)(st->last ? (st->last - T0) / DAY : -1));
	return ++g->n == g->stop_at ? 7 : 0;
}

static void test_counts(void)
{
	static const struct {
		const char *rules; /* 'a' or 'b' */
		int64_t since;
		const char *want;  /* last as days after T0, -1 none */
	} cases[] = {
		{ "a", 0, "unknown 1 0 2 4;slow 1 1 1 2;never 1 2 0 -1;" },
		{ "b", 0, "never 1 0 0 -1;unknown 1 1 2 4;slow 0 0 1 2;" },
		{ "a", T0 + 2 * DAY, "unknown 1 0 1 4;slow 1 1 1 2;never 1 2 0 -1;" },
		{ "a", T0 + 2 * DAY + 1, "unknown 1 0 1 4;slow 1 1 0 -1;never 1 2 0 -1;" },
		{ "b", T0 + 5 * DAY, "never 1 0 0 -1;unknown 1 1 0 -1;" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct quell_rules_stats_options o = QUELL_RULES_STATS_OPTIONS_INIT;
		struct got g;

		memset(&g, 0, sizeof g);
		o.since = cases[i].since;
		CU_ASSERT_EQUAL_FATAL(quell_rules_load(h, *cases[i].rules == 'a' ? path_a : path_b), 0);
		TU_EQ_INT(quell_rules_stats(h, &o, collect, &g), 0);
		TU_EQ_STR(g.text, cases[i].want);
	}
	CU_ASSERT_EQUAL(quell_rules_load(h, path_a), 0);
}

static void test_stop_and_errors(void)
{
	struct quell_rules_stats_options o = QUELL_RULES_STATS_OPTIONS_INIT;
	struct got g;
	quell *nodb = NULL;
	struct quell_options oo = QUELL_OPTIONS_INIT;

	memset(&g, 0, sizeof g);
	g.stop_at = 2;
	TU_EQ_INT(quell_rules_stats(h, NULL, collect, &g), 7);
	TU_EQ_STR(g.text, "unknown 1 0 2 4;slow 1 1 1 2;");
	TU_EQ_INT(quell_rules_stats(h, NULL, NULL, NULL), QUELL_EINVAL);
	TU_EQ_INT(quell_rules_stats(NULL, NULL, collect, &g), QUELL_EINVAL);
	o.version = 99;
	TU_EQ_INT(quell_rules_stats(h, &o, collect, &g), QUELL_EINVAL);
	CU_ASSERT(strstr(quell_errmsg(h), "version 99") != NULL);
	oo.flags = QUELL_OPEN_NODB;
	CU_ASSERT_EQUAL_FATAL(quell_open(NULL, &oo, &nodb), 0);
	CU_ASSERT(quell_rules_stats(nodb, NULL, collect, &g) < 0);
	CU_ASSERT(quell_errmsg(nodb)[0] != '\0');
	quell_close(nodb);
}

/* 40 rules that fired, then a set of one: 40 names only the history
 * holds, in name order (more than the tally's first 32 rows). */
static void test_many_gone(void)
{
	char path[192], *yaml;
	size_t len = 0, cap = 8192;
	struct got g;
	FILE *f;

	snprintf(path, sizeof path, "%s.many.yaml", dir);
	yaml = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(yaml);
	len += (size_t)snprintf(yaml + len, cap - len, "version: 1\nrules:\n");
	/* names r39 ... r00: file order is not name order */
	for (int i = 39; i >= 0; i--)
		len += (size_t)snprintf(yaml + len, cap - len,
		                        "  - name: r%02d\n    when: { code: %d }\n"
		                        "    then: { action: ignore }\n", i, 510 + i);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(yaml, f);
	fclose(f);
	free(yaml);
	CU_ASSERT_EQUAL_FATAL(quell_rules_load(h, path), 0);
	for (int i = 0; i < 40; i++) {
		char reply[32];

		snprintf(reply, sizeof reply, "%d no", 510 + i);
		CU_ASSERT_EQUAL(record("m@z.example", reply, T0 + 10 * DAY), 0);
	}
	CU_ASSERT_EQUAL_FATAL(quell_rules_load(h, path_b), 0);
	memset(&g, 0, sizeof g);
	TU_EQ_INT(quell_rules_stats(h, NULL, collect, &g), 0);
	/* never, unknown, then r00 ... r39 and slow */
	TU_EQ_STR(g.text, "never 1 0 0 -1;unknown 1 1 2 4;r00 0 0 1 10;r01 0 0 1 10;r02 0 0 1 10;"
	          "r03 0 0 1 10;r04 0 0 1 10;r05 0 0 1 10;r06 0 0 1 10;r07 0 0 1 10;r08 0 0 1 10;"
	          "r09 0 0 1 10;r10 0 0 1 10;r11 0 0 1 10;r12 0 0 1 10;r13 0 0 1 10;r14 0 0 1 10;"
	          "r15 0 0 1 10;r16 0 0 1 10;r17 0 0 1 10;r18 0 0 1 10;r19 0 0 1 10;r20 0 0 1 10;"
	          "r21 0 0 1 10;r22 0 0 1 10;r23 0 0 1 10;r24 0 0 1 10;r25 0 0 1 10;r26 0 0 1 10;"
	          "r27 0 0 1 10;r28 0 0 1 10;r29 0 0 1 10;r30 0 0 1 10;r31 0 0 1 10;r32 0 0 1 10;"
	          "r33 0 0 1 10;r34 0 0 1 10;r35 0 0 1 10;r36 0 0 1 10;r37 0 0 1 10;r38 0 0 1 10;"
	          "r39 0 0 1 10;slow 0 0 1 2;");
	unlink(path);
	CU_ASSERT_EQUAL(quell_rules_load(h, path_a), 0);
}

static int alloc_scenario(void)
{
	struct got g;
	int rc;

	memset(&g, 0, sizeof g);
	rc = quell_rules_stats(h, NULL, collect, &g);
	if (rc == 0 && strcmp(g.text, "unknown 1 0 2 4;slow 1 1 1 2;never 1 2 0 -1;") != 0)
		return 2;
	return rc == 0 ? 0 : rc == QUELL_ENOMEM ? 1 : 3;
}

static void test_allocations(void)
{
	long i;

	tu_alloc_fail_at(0);
	TU_EQ_INT(alloc_scenario(), 0);
	for (i = 1; i < 1000; i++) {
		long seen;
		int r;

		tu_alloc_fail_at(i);
		r = alloc_scenario();
		seen = tu_alloc_seen();
		tu_alloc_fail_at(0);
		CU_ASSERT(r == 0 || r == 1);
		if (seen < i) { /* every allocation has failed once */
			TU_EQ_INT(r, 0);
			break;
		}
	}
	CU_ASSERT(i > 1 && i < 1000);
}

static CU_TestInfo tests[] = {
	{ "replies per rule, once each; since", test_counts },
	{ "a callback that stops; bad arguments", test_stop_and_errors },
	{ "every allocation fails once", test_allocations },
	{ "names only the history holds, in name order", test_many_gone },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_rules_stats[] = {
	{ "rules-stats", setup, teardown, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
