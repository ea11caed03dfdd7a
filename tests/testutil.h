/*
 * testutil.h - helpers shared by the CUnit suites: a fresh database in a
 * mkdtemp directory per test, removed afterwards, and got/want asserts;
 * the entries the server answer suites share; the whole/byte/split
 * driver of the incremental request parsers.
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

/* Put in h the entries the server answer suites (policy, socketmap) ask
 * about, made at `now`: gone@example.com (a 5.1.1 bounce),
 * later@example.com (a 4.2.0 one), reader@example.com (unsubscribed
 * from stream "news"), angry@example.com (a complaint), @dead.example
 * (manual).  0, or non-zero when one was not stored. */
int tu_seed_answers(quell *h, int64_t now);

/* An incremental parser as the request drivers below see it: reset to
 * a new request, and feed n bytes (its *_feed contract: 1 done, 0 wants
 * more, < 0 refused; *used the bytes taken).  p is the parser. */
struct tu_feeder {
	void (*reset)(void *p);
	int (*feed)(void *p, const char *in, size_t n, size_t *used);
};

/* Feed in[0..len) to a fresh request of f three ways: whole, a byte at
 * a time, and split in two at every position; after each, call
 * check(ctx, rc, total bytes taken, "whole"/"byte by byte"/"split in
 * two").  Asserts that no piece is taken beyond its end and that a piece
 * is taken whole while the request goes on. */
void tu_feed_ways(const struct tu_feeder *f, void *p, const char *in, size_t len,
                  void (*check)(void *ctx, int rc, size_t used, const char *how), void *ctx);

#endif
