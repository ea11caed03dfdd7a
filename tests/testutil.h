/*
 * testutil.h - helpers shared by the CUnit suites: a fresh database in a
 * mkdtemp directory per test, removed afterwards, and got/want asserts.
 */
#ifndef QUELL_TESTUTIL_H
#define QUELL_TESTUTIL_H

#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "quell.h"

/* A new database; dir receives its path (size >= 64). */
quell *tu_open(char *dir, size_t dirsize, const struct quell_options *opts);
/* Close and remove the directory. */
void tu_close(quell *h, const char *dir);
/* Remove a directory tree made by a test. */
void tu_rmtree(const char *dir);

/* Fail the i-th allocation made through malloc, calloc or realloc from
 * now on (0: none), and count them (tests/alloc.h, test_alloc.c). */
void tu_alloc_fail_at(long i);
long tu_alloc_seen(void);

/* A label of ../shared/eval (its README): 1 should suppress (userunknown,
 * hasmoved, hostunknown), 0 should not, -1 neither (ambiguous, or a label
 * the caller judges itself: notaccept, feedback). */
int tu_eval_label(const char *reason);

/* Split line at tabs into at most max fields (the line end cut off);
 * returns the count. */
size_t tu_split_tabs(char *line, char **f, size_t max);

/* The default rules compiled in, loaded (NULL and the message on stderr
 * when they do not load); drop with quell__rules_unref. */
struct quell__rules *tu_default_rules(void);

/* How many replies of the documentation corpus (tests/data/replies-docs.tsv)
 * the default rule named rule_name decides (test_eval_docs.c). */
unsigned tu_docs_rule_hits(const char *rule_name);

#define TU_EQ_STR(got, want)                                                                  \
	do {                                                                                  \
		const char *g_ = (got), *w_ = (want);                                         \
		if (strcmp(g_, w_) != 0)                                                      \
			fprintf(stderr, "\n  %s:%d: %s: got '%s', want '%s'\n", __FILE__,    \
			        __LINE__, #got, g_, w_);                                      \
		CU_ASSERT_STRING_EQUAL(g_, w_);                                               \
	} while (0)

#define TU_EQ_INT(got, want)                                                                  \
	do {                                                                                  \
		long long g_ = (long long)(got), w_ = (long long)(want);                      \
		if (g_ != w_)                                                                 \
			fprintf(stderr, "\n  %s:%d: %s: got %lld, want %lld\n", __FILE__,    \
			        __LINE__, #got, g_, w_);                                      \
		CU_ASSERT_EQUAL(g_, w_);                                                      \
	} while (0)

#endif
