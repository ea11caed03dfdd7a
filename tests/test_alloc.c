/*
 * test_alloc.c - the allocation failure hooks of tests/alloc.h: wrappers
 * for malloc, calloc, realloc and strdup that fail the n-th call on
 * request, and a check that the runner's link really routes quell's
 * allocations through them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "alloc.h"
#include "error.h"
#include "rules.h"
#include "testutil.h"

void *__real_malloc(size_t size) __attribute__((weak));
void *__real_calloc(size_t n, size_t size) __attribute__((weak));
void *__real_realloc(void *p, size_t size) __attribute__((weak));
char *__real_strdup(const char *s) __attribute__((weak));
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);

static long fail_at = -1; /* tests only: the runner is one test at a time */
static long count;

static int fails(void)
{
	return fail_at >= 0 && count++ == fail_at;
}

void *__wrap_malloc(size_t size)
{
	return fails() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fails() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return fails() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
	return fails() ? NULL : __real_strdup(s);
}

int quell_test_alloc_wrapped(void)
{
	return __real_malloc != NULL;
}

void quell_test_alloc_fail_at(long n)
{
	fail_at = n;
	count = 0;
}

long quell_test_alloc_count(void)
{
	return count;
}

static void test_alloc_wrapped(void)
{
	struct quell__rules *r = NULL;
	char err[128];

	if (!quell_test_alloc_wrapped()) {
		fprintf(stderr, "\nSKIPPED: runner not linked with -Wl,--wrap=malloc\n");
		return;
	}
	quell_test_alloc_fail_at(0);
	CU_ASSERT_EQUAL(quell__rules_load("version: 1\n", 11, "a.yaml", &r, err, sizeof err),
	                QUELL_ENOMEM);
	CU_ASSERT_STRING_EQUAL(err, "a.yaml: out of memory");
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_EQUAL(quell_test_alloc_count(), 1);
	quell_test_alloc_fail_at(-1);
	CU_ASSERT_EQUAL(quell__rules_load("version: 1\n", 11, "a.yaml", &r, err, sizeof err), 0);
	quell__rules_unref(r);
}

/* A thread whose message buffer cannot be allocated is told "out of
 * memory", and the next failure that can be allocated says its own. */
static void test_errmsg_oom(void)
{
	char dir[256];
	quell *h;

	if (!quell_test_alloc_wrapped())
		return;
	h = tu_open(dir, sizeof dir, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	quell_test_alloc_fail_at(0);
	CU_ASSERT_EQUAL(quell__error(h, QUELL_EINVAL, "the first"), QUELL_EINVAL);
	quell_test_alloc_fail_at(-1);
	CU_ASSERT_STRING_EQUAL(quell_errmsg(h), "out of memory");
	CU_ASSERT_EQUAL(quell__error(h, QUELL_EIO, "the second"), QUELL_EIO);
	CU_ASSERT_STRING_EQUAL(quell_errmsg(h), "the second");
	quell__error_clear(h);
	CU_ASSERT_STRING_EQUAL(quell_errmsg(h), "");
	tu_close(h, dir);
	/* closed while the slot says "out of memory": nothing freed that was
	 * not allocated */
	h = tu_open(dir, sizeof dir, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	quell_test_alloc_fail_at(0);
	quell__error(h, QUELL_EINVAL, "the third");
	quell_test_alloc_fail_at(-1);
	CU_ASSERT_STRING_EQUAL(quell_errmsg(h), "out of memory");
	tu_close(h, dir);
}

static CU_TestInfo alloc_tests[] = {
	{ "quell's allocations go through the wrappers", test_alloc_wrapped },
	{ "no room for a message: quell_errmsg says out of memory", test_errmsg_oom },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_alloc[] = {
	{ "alloc", NULL, NULL, NULL, NULL, alloc_tests },
	CU_SUITE_INFO_NULL,
};
