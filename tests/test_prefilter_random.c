/*
 * test_prefilter_random.c - the literal prefilter (lib/rules/prefilter.h)
 * against PCRE2 on made-up patterns and texts: random alternations,
 * sequences, groups and quantifiers over a few words that also make up
 * the texts, so that many texts match.  Whatever PCRE2 matches, the
 * prefilter must let through ("may match"): with one automaton for many
 * patterns, so terms and clauses of different patterns meet.  The seed
 * is fixed and printed with any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "rules_int.h"

#define OPTIONS (PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C | PCRE2_NO_AUTO_CAPTURE)
#define PATTERNS 48   /* patterns of one automaton */
#define ROUNDS 60     /* automatons */
#define TEXTS 120     /* texts per automaton */

static const char *const words[] = {
	"ip", "rejected", "is", "address", "sender", "spam", "ab", "x", "a1", "ts", "mail",
	"from", "not", "allowed", "\xd1\x8f", "-", "ts42",
};
#define NWORDS (sizeof words / sizeof words[0])

static unsigned long rnd_state;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned)(rnd_state >> 33) % n;
}

struct out {
	char b[512];
	size_t n;
};

static void put(struct out *o, const char *s)
{
	size_t len = strlen(s);

	if (o->n + len < sizeof o->b) {
		memcpy(o->b + o->n, s, len);
		o->n += len;
		o->b[o->n] = '\0';
	}
}

static void gen_alt(struct out *o, int depth);

/* One atom; 1 when a quantifier may follow it. */
static int gen_atom(struct out *o, int depth)
{
	static const char *const other[] = { "\\s", "\\d", ".", "[ae]", "[^x]",
		                             "\\S+", "\\d+", "\\s?", "\\b" };
	unsigned k = rnd(10), w;

	if (k < 5) {
		put(o, words[rnd(NWORDS)]);
		return 1;
	}
	if (k < 8 || depth >= 3) {
		w = rnd(sizeof other / sizeof other[0]);
		put(o, other[w]);
		return w < 5;
	}
	put(o, "(?:");
	gen_alt(o, depth + 1);
	put(o, ")");
	return 1;
}

static void gen_seq(struct out *o, int depth)
{
	static const char *const quant[] = { "?", "+", "*", "{2}", "{1,3}", "{2,}", "{5}", "+?" };
	unsigned n = 1 + rnd(4);

	for (unsigned i = 0; i < n; i++)
		if (gen_atom(o, depth) && rnd(4) == 0)
			put(o, quant[rnd(sizeof quant / sizeof quant[0])]);
}

static void gen_alt(struct out *o, int depth)
{
	unsigned n = 1 + rnd(3);

	for (unsigned i = 0; i < n; i++) {
		if (i > 0)
			put(o, "|");
		gen_seq(o, depth);
	}
}

static void gen_text(struct out *o)
{
	static const char *const sep[] = { " ", "  ", "\t", ": ", "", "7", "." };
	unsigned n = 1 + rnd(8);

	o->n = 0;
	o->b[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		size_t at = o->n;

		put(o, words[rnd(NWORDS)]);
		if (rnd(3) == 0)
			for (size_t k = at; k < o->n; k++)
				if (o->b[k] >= 'a' && o->b[k] <= 'z')
					o->b[k] = (char)(o->b[k] - 32);
		put(o, sep[rnd(sizeof sep / sizeof sep[0])]);
	}
}

/* One automaton for PATTERNS random patterns that compile; each text
 * PCRE2 matches is one the prefilter lets through.  Returns failures. */
static int round_agrees(unsigned long seed, size_t *matched)
{
	struct out pat[PATTERNS], text;
	const char *p[PATTERNS];
	size_t len[PATTERNS];
	pcre2_code *code[PATTERNS];
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	pcre2_match_context *mctx = pcre2_match_context_create(NULL);
	struct quell__pf *pf = NULL;
	int bad = 0, err;
	PCRE2_SIZE off;

	for (size_t i = 0; i < PATTERNS; i++) {
		do {
			pat[i].n = 0;
			put(&pat[i], rnd(2) ? "(?i)" : "");
			gen_alt(&pat[i], 0);
			code[i] = pcre2_compile((PCRE2_SPTR)pat[i].b, pat[i].n, OPTIONS, &err, &off, NULL);
		} while (code[i] == NULL);
		p[i] = pat[i].b;
		len[i] = pat[i].n;
	}
	CU_ASSERT_PTR_NOT_NULL(md);
	CU_ASSERT_PTR_NOT_NULL(mctx);
	if (mctx != NULL) /* nested quantifiers: a run that needs more has no verdict */
		pcre2_set_match_limit(mctx, 20000);
	CU_ASSERT_EQUAL(quell__pf_build(&pf, p, len, PATTERNS), 0);
	for (size_t t = 0; t < TEXTS && md != NULL && mctx != NULL && pf != NULL; t++) {
		uint64_t maybe[QUELL__PF_WORDS];

		gen_text(&text);
		quell__pf_scan(pf, text.b, text.n, maybe);
		for (size_t i = 0; i < PATTERNS; i++) {
			if (pcre2_match(code[i], (PCRE2_SPTR)text.b, text.n, 0, 0, md, mctx) < 0)
				continue;
			(*matched)++;
			if (!(maybe[i / 64] >> (i % 64) & 1)) {
				fprintf(stderr, "\n  seed %lu: pattern '%s' skipped on '%s'", seed, p[i],
				        text.b);
				bad++;
			}
		}
	}
	quell__pf_free(pf);
	pcre2_match_data_free(md);
	pcre2_match_context_free(mctx);
	for (size_t i = 0; i < PATTERNS; i++)
		pcre2_code_free(code[i]);
	return bad;
}

static void test_pf_random(void)
{
	size_t matched = 0;
	int bad = 0;

	for (unsigned long r = 0; r < ROUNDS; r++) {
		rnd_state = 20261202ul + r;
		bad += round_agrees(20261202ul + r, &matched);
	}
	CU_ASSERT(matched > 1000);
	CU_ASSERT_EQUAL(bad, 0);
}

static CU_TestInfo prefilter_random_tests[] = {
	{ "random patterns and texts: nothing PCRE2 matches is skipped", test_pf_random },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_prefilter_random[] = {
	{ "prefilter_random", NULL, NULL, NULL, NULL, prefilter_random_tests },
	CU_SUITE_INFO_NULL,
};
