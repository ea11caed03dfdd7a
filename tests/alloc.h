/*
 * alloc.h - make quell's own allocations fail, for tests that check every
 * error path frees what it took (tests/test_alloc.c holds the wrappers).
 *
 * The runner is linked with -Wl,--wrap=malloc,--wrap=calloc,
 * --wrap=realloc,--wrap=strdup (see the Makefile), so calls to these from
 * quell's objects and the tests come to the wrappers; libyaml, PCRE2 and
 * CUnit are shared libraries and keep the real allocator.
 */
#ifndef QUELL_TEST_ALLOC_H
#define QUELL_TEST_ALLOC_H

/* Whether the runner was linked with the wraps (else tests skip). */
int quell_test_alloc_wrapped(void);

/* Fail the n-th allocation from now on (0 = the next one); -1 disarms. */
void quell_test_alloc_fail_at(long n);

/* Allocations seen since the last quell_test_alloc_fail_at(). */
long quell_test_alloc_count(void);

#endif
