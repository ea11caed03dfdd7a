/*
 * test_failures.c - fail the i-th allocation of the library, for every i,
 * while a scenario walks the public API (open, add, allow, check, batches,
 * show, stats, prune, record, explain, rules, remove, unallow), and check
 * that each call fails cleanly (a negative code, a message) and nothing
 * crashes; under ASan or valgrind, that nothing leaks.  The hooks are in
 * tests/alloc.h.
 */
#include <stdlib.h>

#include "alloc.h"
#include "testutil.h"

static char rules_path[200];

static const char small_rules[] =
	"version: 1\n"
	"rules:\n"
	"  - name: unknown\n"
	"    when: { status: 5.1.1 }\n"
	"    then: { action: suppress, category: bad-mailbox }\n"
	"  - name: later\n"
	"    when: { code: 4xx, text: '(?i)again' }\n"
	"    then: { action: backoff, category: transient }\n"
	"  - name: full\n"
	"    when: { status: 4.2.2 }\n"
	"    then: { action: count, threshold: 2, window: 7d, category: quota }\n";

static int ok_or_error(int rc)
{
	return rc == 0 || (rc < 0 && rc >= QUELL_EINTERNAL);
}

/* One pass over the library's entry points; returns how many calls failed. */
static int scenario(const char *dir)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_prune_options po = QUELL_PRUNE_OPTIONS_INIT;
	struct quell_prune_result pr;
	struct quell_result res[2];
	struct quell_info *info = NULL;
	struct quell_stats *st = NULL;
	const char *batch[2] = { "a@example.com", "b@bücher.example" };
	quell *h = NULL;
	int failed = 0, rc;

	o.flags = QUELL_OPEN_CREATE;
	rc = quell_open(dir, &o, &h);
	CU_ASSERT(ok_or_error(rc));
	if (rc != 0) {
		CU_ASSERT_PTR_NOT_NULL(quell_errmsg(h));
		quell_close(h);
		return 1;
	}
#define STEP(call)                                                                             \
	do {                                                                                   \
		rc = (call);                                                                   \
		CU_ASSERT(ok_or_error(rc) || rc == QUELL_ENOTFOUND);                           \
		CU_ASSERT_PTR_NOT_NULL(quell_errmsg(h));                                       \
		failed += rc != 0;                                                             \
	} while (0)
	a.now = 1000;
	a.reason = "r";
	/* a small rules file: the loader's own failures are test_rules.c's */
	STEP(quell_rules_load(h, rules_path));
	STEP(quell_add(h, "a@example.com", &a));
	STEP(quell_add(h, "example.org", &a));
	STEP(quell_allow(h, "b@xn--bcher-kva.example", &a));
	STEP(quell_check(h, "A@Example.com", NULL, 1000, &res[0]));
	STEP(quell_check_many(h, batch, 2, NULL, 1000, res, NULL));
	STEP(quell_show(h, "a@example.com", 0, &info));
	quell_info_free(info);
	STEP(quell_stats_get(h, 1000, &st));
	quell_stats_free(st);
	po.now = 5000;
	STEP(quell_prune(h, &po, &pr));
	{
		struct quell_record_options ro = QUELL_RECORD_OPTIONS_INIT;
		struct quell_outcome out;

		ro.now = 1500;
		ro.queue_id = "4F3A2B1C";
		STEP(quell_record(h, "c@example.com", "550 5.1.1 user unknown", &ro, &out));
		STEP(quell_record(h, "d@example.com", "451 4.3.0 try again later", &ro, &out));
		STEP(quell_explain(h, "e@example.com", NULL, "452 4.2.2 mailbox full", 1500, &out));
	}
	STEP(quell_remove(h, "a@example.com", NULL, 2000));
	STEP(quell_unallow(h, "b@xn--bcher-kva.example", NULL, 2000));
#undef STEP
	quell_close(h);
	return failed;
}

static void test_every_allocation_fails_once(void)
{
	char base[128], dir[160];
	long i, seen;
	FILE *f;
	quell *h;

	if (!quell_test_alloc_wrapped()) {
		fprintf(stderr, "\nSKIPPED: runner not linked with -Wl,--wrap=malloc\n");
		return;
	}
	h = tu_open(base, sizeof base, NULL); /* only for a directory to work in */
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	quell_close(h);
	snprintf(rules_path, sizeof rules_path, "%s/rules.yaml", base);
	f = fopen(rules_path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(small_rules, f);
	fclose(f);
	for (i = 1; i < 100000; i++) {
		int failed;

		snprintf(dir, sizeof dir, "%s/db%ld", base, i);
		quell_test_alloc_fail_at(i - 1);
		failed = scenario(dir);
		seen = quell_test_alloc_count();
		quell_test_alloc_fail_at(-1);
		tu_rmtree(dir);
		if (seen < i) { /* the i-th allocation never came: all paths done */
			CU_ASSERT_EQUAL(failed, 0);
			break;
		}
	}
	CU_ASSERT(i > 5 && i < 100000);
	tu_rmtree(base);
}

static CU_TestInfo tests[] = {
	{ "every allocation fails once", test_every_allocation_fails_once },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_failures[] = {
	{ "failures", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
