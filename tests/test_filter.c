/*
 * test_filter.c - the filter of stored keys that a checking server keeps
 * (QUELL_OPEN_FILTER, lib/store/store_filter.c): checks answer exactly
 * as without it; it never says "absent" of a stored key; it is never used
 * for a state it was not built from (a write since, from another handle;
 * a data file replaced by one at the same transaction number); its thread
 * builds it by itself and again after a write; and it does spare lookups.
 * Hostile: checks on two threads while a third writes and the builder
 * rebuilds never answer allow for an address whose add had returned.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "store_int.h"

#define NKEYS 3000
#define T0 1700000000

static quell *open_filter(char *dir, size_t size)
{
	struct quell_options o = QUELL_OPTIONS_INIT;

	o.flags = QUELL_OPEN_FILTER;
	return tu_open(dir, size, &o);
}

static quell *open_dir(const char *dir, unsigned flags)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	quell *h = NULL;

	o.flags = flags;
	if (quell_open(dir, &o, &h) != 0) {
		fprintf(stderr, "open %s: %s\n", dir, quell_errmsg(h));
		quell_close(h);
		return NULL;
	}
	return h;
}

static void add(quell *h, const char *entry, int list)
{
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;
	int rc;

	o.now = T0;
	rc = list == QUELL_LIST_ALLOW ? quell_allow(h, entry, &o) : quell_add(h, entry, &o);
	if (rc != 0)
		fprintf(stderr, "add %s: %s\n", entry, quell_errmsg(h));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* NKEYS suppressed addresses (one import), a suppressed domain and an
 * allowed address under it. */
static void fill(quell *h)
{
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	size_t cap = NKEYS * 40, len = 0;
	char *buf = malloc(cap);
	FILE *in;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (int i = 0; i < NKEYS; i++)
		len += (size_t)snprintf(buf + len, cap - len, "user%d@shop%d.example\n", i, i % 97);
	in = fmemopen(buf, len, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	o.now = T0;
	CU_ASSERT_EQUAL(quell_import(h, in, &o, NULL), 0);
	fclose(in);
	free(buf);
	add(h, "blocked.example", QUELL_LIST_SUPPRESS);
	add(h, "ok@blocked.example", QUELL_LIST_ALLOW);
}

static int verdict(quell *h, const char *addr)
{
	struct quell_result r;

	CU_ASSERT_EQUAL(quell_check(h, addr, NULL, T0 + 1, &r), 0);
	return r.verdict;
}

/* The filter of h's current state, counted: of `n` keys made by fmt,
 * how many it says are absent; -1 when h has no filter for that state. */
static long absent_of(quell *h, const char *fmt, int n)
{
	struct quell__txn *txn;
	const struct quell__filter *f;
	char key[64];
	long absent = 0;

	CU_ASSERT_EQUAL_FATAL(quell__store_read_begin(h, &txn), 0);
	f = quell__store_filter(h, txn);
	for (int i = 0; f != NULL && i < n; i++) {
		snprintf(key, sizeof key, fmt, i, i % 97);
		absent += quell__filter_absent(f, QUELL_SCOPE_ADDRESS, key, strlen(key));
	}
	quell__store_filter_done(h, f);
	quell__store_read_end(h, txn);
	return f != NULL ? absent : -1;
}

static uint64_t txn_id(quell *h)
{
	struct quell__txn *txn;
	uint64_t id;

	CU_ASSERT_EQUAL_FATAL(quell__store_read_begin(h, &txn), 0);
	id = (uint64_t)mdb_txn_id(quell__mtxn(txn));
	quell__store_read_end(h, txn);
	return id;
}

static void test_same_answers(void)
{
	char dir[128], addr[64];
	const char *mixed[] = { "x@sub.blocked.example", "ok@blocked.example", "nobody@shop3.example",
		                "USER7@shop7.example", "user7@shop8.example", "y@blocked.example" };
	struct quell_result a[6], b[6];
	quell *h = open_filter(dir, sizeof dir), *plain;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	fill(h);
	CU_ASSERT_EQUAL_FATAL(quell__store_filter_build(h), 0);
	/* no stored key is ever "absent"; nearly every other one is */
	CU_ASSERT_EQUAL(absent_of(h, "user%d@shop%d.example", NKEYS), 0);
	CU_ASSERT(absent_of(h, "other%d@shop%d.example", NKEYS) >= NKEYS * 95 / 100);
	for (int i = 0; i < NKEYS; i += 7) {
		snprintf(addr, sizeof addr, "user%d@shop%d.example", i, i % 97);
		CU_ASSERT_EQUAL(verdict(h, addr), QUELL_SUPPRESS);
		snprintf(addr, sizeof addr, "other%d@shop%d.example", i, i % 97);
		CU_ASSERT_EQUAL(verdict(h, addr), QUELL_ALLOW);
	}
	/* a batch, domains and the allow list: field for field as a handle
	 * without the filter (same process: the same store) answers */
	plain = open_dir(dir, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
	CU_ASSERT_EQUAL(quell_check_many(h, mixed, 6, NULL, T0 + 1, a, NULL), 0);
	CU_ASSERT_EQUAL(quell_check_many(plain, mixed, 6, NULL, T0 + 1, b, NULL), 0);
	for (int i = 0; i < 6; i++) {
		CU_ASSERT_EQUAL(a[i].verdict, b[i].verdict);
		CU_ASSERT_EQUAL(a[i].scope, b[i].scope);
		CU_ASSERT_STRING_EQUAL(a[i].key, b[i].key);
	}
	CU_ASSERT_EQUAL(a[0].verdict, QUELL_SUPPRESS);
	CU_ASSERT_EQUAL(a[1].verdict, QUELL_ALLOW);
	CU_ASSERT_EQUAL(a[3].verdict, QUELL_SUPPRESS);
	CU_ASSERT_EQUAL(a[4].verdict, QUELL_ALLOW);
	/* a handle without the flag never uses it */
	CU_ASSERT_EQUAL(absent_of(plain, "other%d@shop%d.example", 10), -1);
	quell_close(plain);
	tu_close(h, dir);
}

static void test_write_since(void)
{
	char dir[128];
	quell *h = open_filter(dir, sizeof dir), *other;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	fill(h);
	CU_ASSERT_EQUAL_FATAL(quell__store_filter_build(h), 0);
	CU_ASSERT_EQUAL(verdict(h, "late@shop1.example"), QUELL_ALLOW);
	CU_ASSERT(absent_of(h, "late@shop1.example", 1) == 1);
	/* another handle writes: the filter is of an older state */
	other = open_dir(dir, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(other);
	add(other, "late@shop1.example", QUELL_LIST_SUPPRESS);
	CU_ASSERT_EQUAL(absent_of(h, "late@shop1.example", 1), -1);
	CU_ASSERT_EQUAL(verdict(h, "late@shop1.example"), QUELL_SUPPRESS);
	CU_ASSERT_EQUAL(quell__store_filter_build(h), 0);
	CU_ASSERT_EQUAL(absent_of(h, "late@shop1.example", 1), 0);
	CU_ASSERT_EQUAL(verdict(h, "late@shop1.example"), QUELL_SUPPRESS);
	quell_close(other);
	tu_close(h, dir);
}

/* Check until h's state has a filter (the builder thread made it), at
 * most `secs` seconds: whether it came. */
static int wait_built(quell *h, int secs)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };

	for (int i = 0; i < secs * 50; i++) {
		if (absent_of(h, "nobody%d@shop%d.example", 1) >= 0)
			return 1;
		(void)verdict(h, "nobody@shop1.example"); /* asks for one */
		nanosleep(&nap, NULL);
	}
	return 0;
}

static void test_builder_thread(void)
{
	char dir[128];
	quell *h = open_filter(dir, sizeof dir);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	fill(h); /* after the first filter (of the empty database) */
	CU_ASSERT_FATAL(wait_built(h, 10));
	CU_ASSERT_EQUAL(absent_of(h, "user%d@shop%d.example", NKEYS), 0);
	add(h, "later@shop2.example", QUELL_LIST_SUPPRESS);
	CU_ASSERT_EQUAL(verdict(h, "later@shop2.example"), QUELL_SUPPRESS);
	CU_ASSERT_FATAL(wait_built(h, 10)); /* again, after the write */
	CU_ASSERT_EQUAL(absent_of(h, "later@shop2.example", 1), 0);
	CU_ASSERT_EQUAL(verdict(h, "later@shop2.example"), QUELL_SUPPRESS);
	tu_close(h, dir); /* stops the thread: leak and thread checkers see it */
}

static void test_replaced_file(void)
{
	char dir[128], odir[128], from[300], to[300];
	quell *h = open_filter(dir, sizeof dir), *o = tu_open(odir, sizeof odir, NULL);
	int changed = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	/* the same steps in both: the same transaction numbers, other keys */
	add(h, "a@one.example", QUELL_LIST_SUPPRESS);
	add(o, "b@two.example", QUELL_LIST_SUPPRESS);
	CU_ASSERT_EQUAL_FATAL(txn_id(h), txn_id(o));
	CU_ASSERT_EQUAL_FATAL(quell__store_filter_build(h), 0);
	CU_ASSERT_EQUAL(absent_of(h, "b@two.example", 1), 1);
	quell_close(o);
	snprintf(from, sizeof from, "%s/data.mdb", odir);
	snprintf(to, sizeof to, "%s/data.mdb", dir);
	CU_ASSERT_EQUAL_FATAL(rename(from, to), 0);
	CU_ASSERT_EQUAL(quell_reopen(h, 0, &changed), 0);
	CU_ASSERT_EQUAL(changed, 1);
	CU_ASSERT_EQUAL(absent_of(h, "b@two.example", 1), -1);
	CU_ASSERT_EQUAL(verdict(h, "b@two.example"), QUELL_SUPPRESS);
	CU_ASSERT_EQUAL(verdict(h, "a@one.example"), QUELL_ALLOW);
	tu_rmtree(odir);
	tu_close(h, dir);
}

/* --- writes, rebuilds and checks at once ------------------------------- */

#define RACE_ADDS 600

struct race {
	quell *h;             /* the checkers' handle, with the filter */
	atomic_int added;     /* adds that have returned */
	atomic_int wrong;     /* checks that answered allow for one of them */
	atomic_int checks;
};

static void *race_check(void *arg)
{
	struct race *r = arg;
	char addr[64];
	unsigned seed = 7;

	while (atomic_load(&r->added) < RACE_ADDS) {
		int n = atomic_load(&r->added);
		struct quell_result res;

		if (n == 0)
			continue;
		seed = seed * 1103515245u + 12345u;
		/* the newest add most often: the one a stale filter would miss */
		snprintf(addr, sizeof addr, "w%d@race.example", seed % 4 ? n - 1 : (int)(seed % n));
		if (quell_check(r->h, addr, NULL, T0 + 1, &res) != 0 || res.verdict != QUELL_SUPPRESS)
			atomic_fetch_add(&r->wrong, 1);
		atomic_fetch_add(&r->checks, 1);
	}
	return NULL;
}

static void test_race(void)
{
	char dir[128], addr[64];
	struct race r;
	pthread_t th[2];
	quell *writer;

	r.h = open_filter(dir, sizeof dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.h);
	fill(r.h);
	CU_ASSERT_FATAL(wait_built(r.h, 10));
	writer = open_dir(dir, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(writer);
	atomic_init(&r.added, 0);
	atomic_init(&r.wrong, 0);
	atomic_init(&r.checks, 0);
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, race_check, &r), 0);
	for (int i = 0; i < RACE_ADDS; i++) {
		snprintf(addr, sizeof addr, "w%d@race.example", i);
		add(writer, addr, QUELL_LIST_SUPPRESS);
		atomic_store(&r.added, i + 1);
		if (i % 100 == 99)
			CU_ASSERT_EQUAL(quell__store_filter_build(r.h), 0); /* rebuilt meanwhile */
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	CU_ASSERT_EQUAL(atomic_load(&r.wrong), 0);
	CU_ASSERT(atomic_load(&r.checks) > 0);
	quell_close(writer);
	tu_close(r.h, dir);
}

static CU_TestInfo tests[] = {
	{ "the same answers, no stored key absent", test_same_answers },
	{ "a write since: not used until rebuilt", test_write_since },
	{ "the thread builds it, again after a write", test_builder_thread },
	{ "a replaced data file at the same transaction", test_replaced_file },
	{ "writes, rebuilds and checks on three threads at once", test_race },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_filter[] = {
	{ "filter", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
