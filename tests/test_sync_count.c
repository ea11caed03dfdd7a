/*
 * test_sync_count.c - counted replies and deliveries across a fleet
 * (lib/sync_count.c, docs/fleet.md "Counted replies"): the replies of
 * every host merge as a set of reply ids and suppress everywhere alike; a
 * delivery on any host ends the count of the replies before it, whatever
 * order the events arrive in, and a host that had derived the suppression
 * before the delivery arrived takes it back.  The random interleavings
 * with both are in test_sync.c's property test.
 */
#include <stdlib.h>
#include <string.h>

#include "synctest.h"
#include "testutil.h"

/* Counted replies merge as a set of reply ids: three hosts that each
 * counted one reply of a threshold-3 rule all end suppressed, the same
 * entry whatever the order; an id applied twice counts once. */
static void test_counted_replies_merge(void)
{
	static const char *const names[4] = { "h1", "h2", "h3", "s1" };
	static const size_t orders[4][3] = { { 1, 2, 0 }, { 2, 0, 1 }, { 0, 1, 2 }, { 2, 1, 0 } };
	char dir[4][128];
	quell *h[4];
	struct ts_feed all[3], sh[3];
	char *want = NULL;

	memset(all, 0, sizeof all);
	for (int i = 0; i < 4; i++) {
		h[i] = ts_open_as(dir[i], sizeof dir[i], names[i]);
		CU_ASSERT_FATAL(h[i] != NULL);
		TU_EQ_INT(quell_apply(h[i], "t", 0, NULL, NULL, 0, T0, NULL), 0); /* a fleet */
	}
	for (int i = 0; i < 3; i++) {
		ts_count_at(h[i], "full@k.example", T0 + 10 * (3 - i));
		ts_read_shared(h[i], &all[i], &sh[i]);
		TU_EQ_INT(sh[i].n, 1); /* the counted reply is shared */
		TU_EQ_INT(ts_verdict_of(h[i], "full@k.example"), QUELL_ALLOW);
	}
	/* h1's reply twice on the sink: two of three, not suppressed */
	TU_EQ_INT(ts_apply_feed(h[3], &sh[0], 1, NULL), 0);
	TU_EQ_INT(ts_apply_feed(h[3], &sh[0], 2, NULL), 0);
	TU_EQ_INT(ts_verdict_of(h[3], "full@k.example"), QUELL_ALLOW);
	for (int i = 0; i < 4; i++) {
		uint64_t pos = 10;
		char *got;

		for (int k = 0; k < 3; k++)
			TU_EQ_INT(ts_apply_feed(h[i], &sh[orders[i][k]], ++pos, NULL), 0);
		TU_EQ_INT(ts_verdict_of(h[i], "full@k.example"), QUELL_SUPPRESS);
		got = ts_shared_export(h[i]);
		CU_ASSERT(strstr(got, "3 failures within 30 days on the fleet") != NULL);
		if (want == NULL) {
			want = got;
			continue;
		}
		TU_EQ_STR(got, want);
		free(got);
	}
	free(want);
	for (int i = 0; i < 3; i++)
		ts_feed_free(&all[i]);
	for (int i = 0; i < 4; i++)
		tu_close(h[i], dir[i]);
}

/* Apply the shared changes i of f one at a time, in the order given. */
static void apply_each(quell *h, const struct ts_feed *f, const size_t *idx, size_t n,
                       uint64_t *pos)
{
	for (size_t k = 0; k < n; k++) {
		const void *d = f->data[idx[k]];
		size_t l = f->len[idx[k]];

		TU_EQ_INT(quell_apply(h, "t", ++*pos, &d, &l, 1, T0, NULL), 0);
	}
}

/* Host A sees two soft bounces then a delivery, host B one more soft
 * bounce: the recipient is fine, so no host suppresses it, whatever order
 * the four events arrive in; one that derived the suppression before the
 * delivery arrived takes it back.  Three bounces after the delivery do
 * suppress, everywhere the same. */
static void test_clear_ends_fleet_count(void)
{
	static const char *const names[4] = { "ha", "hb", "s1", "s2" };
	static const char *addr = "full@k.example";
	char dir[4][128];
	quell *h[4];
	struct ts_feed all[2], sh[2];
	struct quell_info *info = NULL;
	/* (host, index) per step: s1 gets B's bounce and A's two before A's
	 * delivery, s2 the delivery first */
	static const size_t o1[4][2] = { { 1, 0 }, { 0, 0 }, { 0, 1 }, { 0, 2 } };
	static const size_t o2[4][2] = { { 0, 2 }, { 0, 1 }, { 1, 0 }, { 0, 0 } };
	const size_t(*orders[2])[2] = { o1, o2 };
	char *want = NULL;
	int withdrawn = 0;

	memset(all, 0, sizeof all);
	for (int i = 0; i < 4; i++) {
		h[i] = ts_open_as(dir[i], sizeof dir[i], names[i]);
		CU_ASSERT_FATAL(h[i] != NULL);
		TU_EQ_INT(quell_apply(h[i], "t", 0, NULL, NULL, 0, T0, NULL), 0); /* a fleet */
	}
	ts_count_at(h[0], addr, T0 + 10);
	ts_count_at(h[0], addr, T0 + 20);
	ts_deliver_at(h[0], addr, T0 + 30);
	ts_count_at(h[1], addr, T0 + 40);
	ts_read_shared(h[0], &all[0], &sh[0]);
	ts_read_shared(h[1], &all[1], &sh[1]);
	TU_EQ_INT(sh[0].n, 3); /* the delivery is shared */
	TU_EQ_INT(sh[1].n, 1);
	{
		uint64_t pa = 0, pb = 0;
		size_t a3[3] = { 0, 1, 2 }, b1[1] = { 0 };

		apply_each(h[0], &sh[1], b1, 1, &pa);
		apply_each(h[1], &sh[0], a3, 3, &pb);
	}
	for (int s = 0; s < 2; s++) {
		uint64_t pos = 0;

		for (int k = 0; k < 4; k++) {
			size_t idx = orders[s][k][1];

			apply_each(h[2 + s], &sh[orders[s][k][0]], &idx, 1, &pos);
			if (s == 0 && k == 2) /* three bounces, no delivery yet */
				TU_EQ_INT(ts_verdict_of(h[2], addr), QUELL_SUPPRESS);
		}
	}
	for (int i = 0; i < 4; i++) {
		char *got = ts_shared_export(h[i]);

		TU_EQ_INT(ts_verdict_of(h[i], addr), QUELL_ALLOW);
		if (want == NULL)
			want = got;
		else {
			TU_EQ_STR(got, want);
			free(got);
		}
	}
	/* s1's history says why the suppression went */
	TU_EQ_INT(quell_show(h[2], addr, 0, &info), 0);
	TU_EQ_INT(info->nentries, 0);
	for (size_t e = 0; e < info->nevents; e++)
		withdrawn += strcmp(info->events[e].reason, TS_WITHDRAWN) == 0;
	TU_EQ_INT(withdrawn, 1);
	quell_info_free(info);
	/* the count starts again after the delivery: three more suppress */
	free(want);
	want = NULL;
	for (int i = 0; i < 2; i++)
		ts_feed_free(&all[i]);
	ts_count_at(h[0], addr, T0 + 50);
	ts_count_at(h[1], addr, T0 + 60);
	ts_read_shared(h[0], &all[0], &sh[0]);
	ts_read_shared(h[1], &all[1], &sh[1]);
	for (int i = 0; i < 4; i++) {
		uint64_t pos = 100;
		char *got;

		TU_EQ_INT(ts_apply_feed(h[i], &sh[0], ++pos, NULL), 0);
		TU_EQ_INT(ts_apply_feed(h[i], &sh[1], ++pos, NULL), 0);
		TU_EQ_INT(ts_verdict_of(h[i], addr), QUELL_SUPPRESS);
		got = ts_shared_export(h[i]);
		CU_ASSERT(strstr(got, "3 failures within 30 days on the fleet") != NULL);
		if (want == NULL)
			want = got;
		else {
			TU_EQ_STR(got, want);
			free(got);
		}
	}
	free(want);
	for (int i = 0; i < 2; i++)
		ts_feed_free(&all[i]);
	for (int i = 0; i < 4; i++)
		tu_close(h[i], dir[i]);
}

static CU_TestInfo tests[] = {
	{ "counted replies merge as a set of reply ids", test_counted_replies_merge },
	{ "a delivery ends the fleet's count, in any order", test_clear_ends_fleet_count },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_sync_count[] = {
	{ "sync_count", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
