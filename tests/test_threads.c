/*
 * test_threads.c - one handle shared by threads: checks keep answering
 * (and see only whole changes) while another thread writes enough to make
 * the map grow several times; a second process-like handle on the same
 * database sees the growth too.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "testutil.h"

#define T0 1700000000
#define WRITES 4000
#define READERS 3

struct shared {
	quell *h;
	atomic_int done;
	atomic_long checks, errors, wrong;
};

static void *reader(void *arg)
{
	struct shared *s = arg;
	struct quell_result res;
	char addr[64];
	unsigned seed = 1;

	while (!atomic_load(&s->done)) {
		int i = (int)(rand_r(&seed) % WRITES);
		snprintf(addr, sizeof addr, "user%05d@example.com", i);
		if (quell_check(s->h, addr, NULL, T0, &res) != 0)
			atomic_fetch_add(&s->errors, 1);
		else if (res.verdict != QUELL_ALLOW && res.verdict != QUELL_SUPPRESS)
			atomic_fetch_add(&s->wrong, 1);
		/* the anchor entry was written first and never changes */
		if (quell_check(s->h, "anchor@example.org", NULL, T0, &res) != 0 ||
		    res.verdict != QUELL_SUPPRESS)
			atomic_fetch_add(&s->wrong, 1);
		atomic_fetch_add(&s->checks, 1);
		sched_yield(); /* let the writer run where threads share one CPU
		                  (valgrind runs one thread at a time) */
	}
	return NULL;
}

static void test_readers_during_growth(void)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_stats *st = NULL;
	struct shared s;
	pthread_t t[READERS];
	char dir[128], addr[64];
	quell *other = NULL;
	int rc = 0;

	o.map_size = 64 * 1024;
	s.h = tu_open(dir, sizeof dir, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s.h);
	atomic_init(&s.done, 0);
	atomic_init(&s.checks, 0);
	atomic_init(&s.errors, 0);
	atomic_init(&s.wrong, 0);
	a.now = T0;
	a.reason = "a reason that takes some room in every record, to fill pages";
	CU_ASSERT_EQUAL_FATAL(quell_add(s.h, "anchor@example.org", &a), 0);
	for (int i = 0; i < READERS; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, reader, &s), 0);
	for (int i = 0; i < WRITES && rc == 0; i++) {
		snprintf(addr, sizeof addr, "user%05d@example.com", i);
		rc = quell_add(s.h, addr, &a);
	}
	atomic_store(&s.done, 1);
	for (int i = 0; i < READERS; i++)
		pthread_join(t[i], NULL);
	if (rc != 0)
		fprintf(stderr, "\n  add: %s\n", quell_errmsg(s.h));
	CU_ASSERT_EQUAL(rc, 0);
	TU_EQ_INT(atomic_load(&s.errors), 0);
	TU_EQ_INT(atomic_load(&s.wrong), 0);
	CU_ASSERT(atomic_load(&s.checks) > 0);

	/* another handle opened on the grown database reads it all */
	o.flags = QUELL_OPEN_READONLY;
	o.map_size = 0;
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, &o, &other), 0);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(other, T0, &st), 0);
	TU_EQ_INT(st->entries[QUELL_LIST_SUPPRESS][QUELL_SCOPE_ADDRESS], WRITES + 1);
	CU_ASSERT(st->map_bytes > 64 * 1024);
	quell_stats_free(st);
	quell_close(other);
	tu_close(s.h, dir);
}

static CU_TestInfo tests[] = {
	{ "readers keep answering while the map grows", test_readers_during_growth },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_threads[] = {
	{ "threads", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
