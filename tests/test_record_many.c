/*
 * test_record_many.c - quell_record_many: a batch gives what the same
 * replies given one by one to quell_record give, refused items leave the
 * rest of the batch alone, and ids repeated inside one batch count once;
 * prune forgets reply ids older than its max_age, and only those.
 */
#include <stdlib.h>

#include "testutil.h"

#define T0 1795860000 /* 2026-11-28T10:00:00Z */

static const char *const addrs[] = { "a@b.example", "not an address", "c@d.example",
	                             "a@b.example", "e@f.example", "g@h.example", "c@d.example" };
static const char *const replies[] = {
	"550 5.1.1 user unknown", "550 5.1.1 user unknown", "452 4.2.2 mailbox full",
	"550 5.1.1 user unknown", "", "451 4.7.1 try later", "452 4.2.2 mailbox full"
};
static const char *const qids[] = { "Q1", NULL, "Q2", "Q3", NULL, "Q4", "Q2" };
#define N (sizeof addrs / sizeof addrs[0])

static void test_same_as_one_by_one(void)
{
	char d1[64], d2[64];
	quell *one = tu_open(d1, sizeof d1, NULL), *many = tu_open(d2, sizeof d2, NULL);
	struct quell_record_options o[N];
	struct quell_record_item *it = calloc(N, sizeof *it);
	struct quell_outcome *single = calloc(N, sizeof *single);
	int rc1[N];

	CU_ASSERT_FATAL(one != NULL && many != NULL && it != NULL && single != NULL);
	for (size_t i = 0; i < N; i++) {
		struct quell_record_options init = QUELL_RECORD_OPTIONS_INIT;

		o[i] = init;
		o[i].now = T0 + (int64_t)i * 60;
		o[i].queue_id = qids[i];
		rc1[i] = quell_record(one, addrs[i], replies[i], &o[i], &single[i]);
		it[i].address = addrs[i];
		it[i].reply = replies[i];
		it[i].opts = &o[i];
	}
	TU_EQ_INT(quell_record_many(many, it, N), 0);
	for (size_t i = 0; i < N; i++) {
		TU_EQ_INT(it[i].rc, rc1[i]);
		TU_EQ_STR(it[i].out.normalized, single[i].normalized);
		TU_EQ_STR(it[i].out.rule, single[i].rule);
		TU_EQ_INT(it[i].out.action, single[i].action);
		TU_EQ_INT(it[i].out.verdict, single[i].verdict);
		TU_EQ_INT(it[i].out.until, single[i].until);
		TU_EQ_INT(it[i].out.duplicate, single[i].duplicate);
		TU_EQ_INT(it[i].out.count, single[i].count);
		TU_EQ_STR(it[i].out.error, single[i].error);
	}
	/* what the batch shows on its own terms */
	TU_EQ_INT(it[1].rc, QUELL_EADDRESS);
	TU_EQ_INT(it[4].rc, QUELL_EDATA);
	TU_EQ_INT(it[0].out.verdict, QUELL_SUPPRESS);
	TU_EQ_INT(it[6].out.duplicate, 1); /* Q2 again for c@d.example, in the same batch */
	TU_EQ_INT(it[5].out.verdict, QUELL_BACKOFF);
	for (size_t i = 0; i < N; i++) {
		struct quell_result r1, r2;

		if (rc1[i] != 0)
			continue;
		TU_EQ_INT(quell_check(one, addrs[i], NULL, T0 + 3600, &r1), 0);
		TU_EQ_INT(quell_check(many, addrs[i], NULL, T0 + 3600, &r2), 0);
		TU_EQ_INT(r2.verdict, r1.verdict);
		TU_EQ_STR(r2.rule, r1.rule);
	}
	TU_EQ_INT(quell_record_many(many, NULL, 0), 0);
	CU_ASSERT(quell_record_many(many, NULL, 1) == QUELL_EINVAL);
	free(it);
	free(single);
	tu_close(one, d1);
	tu_close(many, d2);
}

static void test_bad_options_write_nothing(void)
{
	char d[64];
	quell *h = tu_open(d, sizeof d, NULL);
	struct quell_record_options bad = QUELL_RECORD_OPTIONS_INIT;
	struct quell_record_item it[2];
	struct quell_result r;

	CU_ASSERT_FATAL(h != NULL);
	memset(it, 0, sizeof it);
	bad.version = 99;
	it[0].address = "a@b.example";
	it[0].reply = "550 5.1.1 user unknown";
	it[1] = it[0];
	it[1].opts = &bad;
	CU_ASSERT(quell_record_many(h, it, 2) == QUELL_EINVAL);
	TU_EQ_INT(quell_check(h, "a@b.example", NULL, 0, &r), 0);
	TU_EQ_INT(r.verdict, QUELL_ALLOW);
	tu_close(h, d);
}

/* Replies with queue ids at t0 (more than one prune batch of them), then
 * the same ids again after a prune at `at`: 1 when they were duplicates. */
static int ids_survive(int64_t at, int64_t max_age)
{
	enum { M = 4500 };
	char d[64];
	quell *h = tu_open(d, sizeof d, NULL);
	struct quell_record_options o[M];
	struct quell_record_item *it = calloc(M, sizeof *it);
	static char addr[M][32], qid[M][16];
	struct quell_prune_options po = QUELL_PRUNE_OPTIONS_INIT;
	int dup = -1;

	CU_ASSERT_FATAL(h != NULL && it != NULL);
	for (int i = 0; i < M; i++) {
		struct quell_record_options init = QUELL_RECORD_OPTIONS_INIT;

		snprintf(addr[i], sizeof addr[i], "u%d@d%d.example", i, i % 7);
		snprintf(qid[i], sizeof qid[i], "Q%05d", i);
		o[i] = init;
		o[i].now = T0;
		o[i].queue_id = qid[i];
		it[i].address = addr[i];
		it[i].reply = "452 4.2.2 mailbox full";
		it[i].opts = &o[i];
	}
	TU_EQ_INT(quell_record_many(h, it, M), 0);
	po.now = at;
	po.max_age = max_age;
	TU_EQ_INT(quell_prune(h, &po, NULL), 0);
	for (int i = 0; i < M; i++)
		o[i].now = at;
	TU_EQ_INT(quell_record_many(h, it, M), 0);
	dup = it[0].out.duplicate;
	for (int i = 1; i < M; i++)
		if (it[i].out.duplicate != dup)
			dup = -1;
	free(it);
	tu_close(h, d);
	return dup;
}

static void test_prune_forgets_old_ids(void)
{
	TU_EQ_INT(ids_survive(T0 + 86400, 0), 1);              /* a day: still known */
	TU_EQ_INT(ids_survive(T0 + 3 * 365 * 86400, 0), 0);    /* past two years: gone */
	TU_EQ_INT(ids_survive(T0 + 2 * 86400, 86400), 0);      /* --max-age 1d */
	TU_EQ_INT(ids_survive(T0 + 3 * 365 * 86400, -1), 1);   /* no age limit */
}

/* Postfix's log for one message: deferred three times, then bounced. */
static void test_deferrals_then_bounce(void)
{
	char d[64];
	quell *h = tu_open(d, sizeof d, NULL);
	const char *said[5] = { "450 4.2.0 greylisted", "450 4.2.0 greylisted",
		                "452 4.2.2 mailbox full", "550 5.1.1 user unknown",
		                "550 5.1.1 user unknown" };
	const int dup[5] = { 0, 1, 1, 0, 1 };
	struct quell_record_options o = QUELL_RECORD_OPTIONS_INIT;
	struct quell_outcome out;

	CU_ASSERT_FATAL(h != NULL);
	o.queue_id = "4F3A2B1C";
	for (int i = 0; i < 5; i++) {
		o.now = T0 + i * 600;
		TU_EQ_INT(quell_record(h, "a@b.example", said[i], &o, &out), 0);
		TU_EQ_INT(out.duplicate, dup[i]);
	}
	TU_EQ_INT(out.verdict, QUELL_SUPPRESS);
	tu_close(h, d);
}

static CU_TestInfo tests[] = {
	{ "a batch records as one-by-one does", test_same_as_one_by_one },
	{ "a bad options version writes nothing", test_bad_options_write_nothing },
	{ "prune forgets reply ids past max_age", test_prune_forgets_old_ids },
	{ "deferrals of one message count once, its bounce too", test_deferrals_then_bounce },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_record_many[] = {
	{ "record_many", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
