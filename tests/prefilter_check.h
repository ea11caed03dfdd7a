/*
 * prefilter_check.h - the check that the literal prefilter never skips a
 * pattern PCRE2 would match (tests/test_prefilter.c), shared with the
 * suites that hold tables of real replies.
 */
#ifndef QUELL_PREFILTER_CHECK_H
#define QUELL_PREFILTER_CHECK_H

#include <stddef.h>

/*
 * With the default rules: every `text` pattern that PCRE2 alone matches
 * in text[0..len) is one the prefilter lets through, and the rule found
 * for the text as a reply is the same with and without the prefilter.
 * Failures are CUnit assertions naming the pattern and the text; returns
 * the number of them.
 */
int pfc_agrees(const char *text, size_t len);

#endif
