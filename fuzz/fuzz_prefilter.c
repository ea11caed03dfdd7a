/*
 * fuzz_prefilter.c - libFuzzer target for the literal prefilter of the
 * rules' text patterns (lib/rules/prefilter.h): the analysis of a pattern, the
 * automaton, and the scan.
 *
 * The input is a pattern, a NUL byte, and a text (no NUL: the input is
 * the pattern, and the texts are a few replies and the pattern itself).
 * A pattern PCRE2 compiles as rules_when.c compiles it gets a prefilter
 * of its own (its literals, clauses and terms well formed); checked on
 * every text, as it is, in upper and in lower case: when PCRE2 alone
 * matches (the interpreter, the text repaired as rules_match.c repairs
 * it), the prefilter says "may match".  ASan and
 * UBSan watch the analysis and the scan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s\n", #x); abort(); } } while (0)

#define OPTIONS (PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C | PCRE2_NO_AUTO_CAPTURE)

static const char *const replies[] = {
	"550 5.1.1 <a@example.com>: Recipient address rejected: User unknown",
	"421 4.7.0 [TSS04] Messages temporarily deferred due to user complaints",
	"552 Mailbox is full / Postfach voll \xd1\x8f\xd1\x89\xd0\xb8\xd0\xba",
	"554 Bl\xE2\x84\xAA ocked, \xC5\xBF pam, \xff\xfe stray",
};

static void check_text(const pcre2_code *code, pcre2_match_context *mctx,
                       pcre2_match_data *md, const struct quell__pf *pf, const char *text,
                       size_t len)
{
	uint64_t maybe[QUELL__PF_WORDS];
	char *fixed = malloc(len + 1);
	int rc;

	if (fixed == NULL)
		return;
	quell__rl_repair(text, len, fixed);
	quell__pf_scan(pf, fixed, len, maybe);
	rc = pcre2_match(code, (PCRE2_SPTR)fixed, len, 0, 0, md, mctx);
	if (rc >= 0 && !(maybe[0] & 1)) {
		fprintf(stderr, "prefilter skipped a match: text '%.*s'\n", (int)len, fixed);
		abort();
	}
	free(fixed);
}

static void check_cases(const pcre2_code *code, pcre2_match_context *mctx,
                        pcre2_match_data *md, const struct quell__pf *pf, const char *text,
                        size_t len)
{
	char *v = malloc(len + 1);

	check_text(code, mctx, md, pf, text, len);
	if (v == NULL)
		return;
	for (int upper = 0; upper < 2; upper++) {
		for (size_t i = 0; i < len; i++) {
			char c = text[i];

			v[i] = upper ? (c >= 'a' && c <= 'z' ? (char)(c - 32) : c)
			             : (c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
		}
		check_text(code, mctx, md, pf, v, len);
	}
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *nul = memchr(in, '\0', size);
	size_t plen = nul != NULL ? (size_t)(nul - in) : size;
	struct quell__pf_lits lits;
	struct quell__pf *pf = NULL;
	pcre2_match_context *mctx;
	pcre2_match_data *md;
	pcre2_code *code;
	PCRE2_SIZE off;
	int err, rc;

	if (plen > 1024)
		return 0;
	code = pcre2_compile((PCRE2_SPTR)in, plen, OPTIONS, &err, &off, NULL);
	if (code == NULL)
		return 0;
	rc = quell__pf_extract(in, plen, &lits);
	CHECK(rc == 0 || rc == 1 || rc == QUELL_ENOMEM);
	if (rc == 1)
		CHECK(quell__pf_strong(&lits) && lits.n <= QUELL__PF_LITS_MAX);
	for (size_t i = 0; rc == 1 && i < lits.n; i++)
		CHECK(lits.len[i] > 0 && lits.len[i] <= QUELL__PF_LIT_MAX &&
		      lits.clause[i] <= lits.nclause);
	CHECK(lits.nclause <= QUELL__PF_CLAUSES_MAX);
	for (size_t k = 2; rc == 1 && k <= lits.nclause; k++) /* terms in order, each >= 2 */
		CHECK(lits.term[k] == lits.term[k - 1] || lits.term[k] == lits.term[k - 1] + 1);
	mctx = pcre2_match_context_create(NULL);
	md = pcre2_match_data_create(1, NULL);
	if (mctx == NULL || md == NULL || quell__pf_build(&pf, &in, &plen, 1) != 0)
		goto done;
	CHECK(quell__pf_count(pf) == (rc == 1));
	pcre2_set_match_limit(mctx, 100000);
	if (nul != NULL) {
		check_cases(code, mctx, md, pf, nul + 1, size - plen - 1);
	} else {
		for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++)
			check_cases(code, mctx, md, pf, replies[i], strlen(replies[i]));
		check_cases(code, mctx, md, pf, in, plen);
	}
done:
	quell__pf_free(pf);
	pcre2_match_data_free(md);
	pcre2_match_context_free(mctx);
	pcre2_code_free(code);
	return 0;
}
