/*
 * test_prefilter.c - the literal prefilter of the rules' text patterns
 * (lib/rules/prefilter.h): what the analysis finds in given patterns and where
 * it gives up; that PCRE2's caseless matching pairs ASCII with no other
 * non-ASCII characters than the two the prefilter knows of; and, for
 * every pattern of the default rules, that nothing PCRE2 alone matches is
 * ever skipped, on the replies in tests/data, the eval sample when
 * $QUELL_EVAL_DIR is set, and variants of them (case, white space, the
 * long s and the Kelvin sign, cuts).  pfc_agrees() is the check, shared
 * with test_replies.c's table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "alloc.h"
#include "prefilter_check.h"
#include "reply.h"
#include "rules_int.h"
#include "testutil.h"

/* ------------------------------------------------------------- analysis */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The literals of clause c of l as "lit|lit|!", sorted, ~ for a
 * boundary, ! for "a byte >= 0x80"; the length written. */
static size_t render_clause(const struct quell__pf_lits *l, size_t c, int nonascii, char *out,
                            size_t size)
{
	char words[QUELL__PF_LITS_MAX][QUELL__PF_LIT_MAX + 1], *v[QUELL__PF_LITS_MAX];
	size_t used = 0, n = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (l->clause[i] != c)
			continue;
		for (size_t k = 0; k < l->len[i]; k++)
			words[n][k] = l->lit[i][k] == QUELL__PF_B ? '~' : (char)l->lit[i][k];
		words[n][l->len[i]] = '\0';
		v[n] = words[n];
		n++;
	}
	qsort(v, n, sizeof v[0], cmp_str);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, used < size ? size - used : 0, "%s%s",
		                         i ? "|" : "", v[i]);
	if (nonascii)
		used += (size_t)snprintf(out + used, used < size ? size - used : 0, "%s!",
		                         n ? "|" : "");
	return used < size ? used : size;
}

/* What the analysis found for pattern: the literals that are each enough
 * (render_clause), then each term as "(clause)&(clause)" in the order
 * found; "-" when the pattern gets no prefilter. */
static void render(const char *pattern, char *out, size_t size)
{
	struct quell__pf_lits l;
	size_t used;
	int rc = quell__pf_extract(pattern, strlen(pattern), &l);

	if (rc != 1) {
		snprintf(out, size, rc == 0 ? "-" : "error %d", rc);
		return;
	}
	used = render_clause(&l, 0, l.nonascii, out, size);
	for (size_t k = 1; k <= l.nclause && used < size; k++) {
		int first = k == 1 || l.term[k] != l.term[k - 1];

		used += (size_t)snprintf(out + used, size - used, "%s(", first ? (used ? "|" : "") : "&");
		if (used < size)
			used += render_clause(&l, k, l.cnonascii[k], out + used, size - used);
		if (used < size)
			used += (size_t)snprintf(out + used, size - used, ")");
	}
}

static const struct {
	const char *pattern, *want;
} extract_cases[] = {
	/* words, boundaries, folding */
	{ "(?i)\\bno\\ssuch\\suser\\b", "~no~ ~such~ ~user~" },
	{ "(?i)Mailbox FULL", "mailbox~ ~full" },
	{ "(?i)null ?mx", "nullmx|null~ ~mx" },
	{ "(?i)\\b(?:spam(?!haus|cop)|junk)", "~junk|~spam" },
	{ "(?i)gr[ae]y.?list", "(gray|grey)&(list)" },
	{ "(?i)\\bts\\d+\\b", "~ts0|~ts1|~ts2|~ts3|~ts4|~ts5|~ts6|~ts7|~ts8|~ts9" },
	{ "s3\\d{3}\\b", "s30|s31|s32|s33|s34|s35|s36|s37|s38|s39" },
	{ "(?:ab){2,}", "abab" },
	{ "(?:ab|cd){5}x", "abababab|abababcd|ababcdab|ababcdcd|abcdabab|abcdabcd|abcdcdab|abcdcdcd|"
	                   "cdababab|cdababcd|cdabcdab|cdabcdcd|cdcdabab|cdcdabcd|cdcdcdab|cdcdcdcd" },
	{ "(?i)ip\\s(?:\\S+\\s)?(?:address\\s)?(?:is\\s)?(?:rejected|refused)",
	  "(ip~ )&(refused|rejected)" },
	{ "(?i)\\b(?:sender\\s\\S+\\sdenied|mail\\sfrom\\s(?:\\S+\\s)?rejected|spam)",
	  "spam|(sender~ )&( ~denied)|(mail~ ~from~ )&(rejected)" },
	{ "(?:abc\\s\\S+\\sdef|x\\s\\S+\\sy)", "-" },
	{ "(?i)(?:cbl|pbl|bl|zen)\\b", "bl~|zen~" },
	{ "(?i)recipient|mailbox|account|user", "account|mailbox|recipient|user" },
	{ "[Bb]ounce", "bounce" },
	{ "[^a]bc", "bc" },
	{ "(?:ab){2}", "abab" },
	{ "(?:ab)+c", "ab" },
	{ "\\d+ab", "ab" },
	{ "\\x41\\x{62}c\\.d", "abc~.~d" },
	{ "a\\tb", "a~ ~b" },
	{ "(?<=x)abc(?=y)", "abc" },
	{ "^unknown\\suser\\s<?[^\\s<>@]+@", "unknown~ ~user~ " },
	/* extended mode, scoped and inline */
	{ "(?x) s p a m   # a comment\n | e g g s", "eggs|spam" },
	{ "(?x:a b)cd", "abcd" },
	{ "(?x)(?-x:a b)", "a~ ~b" },
	{ "(a(?x) b|c d)", "ab|cd" },
	{ "(?i)(?x) \\b(?: too\\smany | rate.?limit )", "too~ ~many|(rate)&(limit)" },
	/* non-ASCII: only "some byte >= 0x80"; U+212A and U+017F are k and s */
	{ "(?i)ящик\\sпереполнен", "!" },
	{ "(?i)full|(?=[^\\x00-\\x7f])(?:一杯|満杯)", "full|!" },
	{ "(?i)\\x{212A}elvin", "elvin" },
	{ "(?i)\\x{212A}", "-" },
	{ "(?i)\xC5\xBF", "-" },
	{ "(?i)[\\x{17F}t]ea", "ea" },
	/* give up: not modelled, or nothing worth a scan */
	{ "\\Qabc\\E", "-" },
	{ "(*UCP)\\bfoo", "-" },
	{ "(a)\\1bc", "-" },
	{ "(?(?=a)ab|cd)", "-" },
	{ "[[:alpha:]]foo", "-" },
	{ "(?xx)a b", "-" },
	{ "ab{,3}c", "-" },
	{ "(?x)ab +c", "-" },
	{ "a{2}{3}", "-" },
	{ "(?R)?abc", "-" },
	{ "foo|.*", "-" },
	{ "ab?", "-" },
	{ "\\s+", "-" },
	{ "(?x)abc\\x{85}", "(abc)&(!)" },
	{ "(?x)ab\xc2\x85" "cd", "-" },
	{ "(?x)ab # comment\rcd", "-" },
};

static void test_pf_extract(void)
{
	char got[4096];

	for (size_t i = 0; i < sizeof extract_cases / sizeof extract_cases[0]; i++) {
		render(extract_cases[i].pattern, got, sizeof got);
		if (strcmp(got, extract_cases[i].want) != 0)
			fprintf(stderr, "\n  pattern %s: got '%s', want '%s'", extract_cases[i].pattern,
			        got, extract_cases[i].want);
		CU_ASSERT_STRING_EQUAL(got, extract_cases[i].want);
	}
}

/* An alternation with more strings than a pattern may keep: the ones
 * that hold another go first ("k000 foo" holds "foo") before any is cut
 * short (they were all cut to "k000" and the pattern given up). */
static void test_pf_shrink(void)
{
	char pattern[4096], got[4096];
	size_t used = 0;

	used += (size_t)snprintf(pattern, sizeof pattern, "(?:foo");
	for (int i = 0; i < QUELL__PF_LITS_MAX + 10; i++)
		used += (size_t)snprintf(pattern + used, sizeof pattern - used, "|k%03d\\sfoo", i);
	snprintf(pattern + used, sizeof pattern - used, "|barbaz)");
	CU_ASSERT_FATAL(used + 8 < sizeof pattern);
	render(pattern, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "barbaz|foo");
}

/* More branches with terms than a pattern keeps: the biggest terms give
 * their best clause to the literals that are each enough, the rest stay
 * terms; every literal still from the branches. */
static void test_pf_terms_bound(void)
{
	char pattern[4096];
	struct quell__pf_lits l;
	size_t used = 0, direct = 0, terms = 0;

	used += (size_t)snprintf(pattern, sizeof pattern, "(?:");
	for (int i = 0; i < 70; i++)
		used += (size_t)snprintf(pattern + used, sizeof pattern - used,
		                         "%saa%02d\\s\\S+\\sbb%02d", i ? "|" : "", i, i);
	snprintf(pattern + used, sizeof pattern - used, ")");
	CU_ASSERT_FATAL(used + 2 < sizeof pattern);
	CU_ASSERT_EQUAL_FATAL(quell__pf_extract(pattern, strlen(pattern), &l), 1);
	for (size_t i = 0; i < l.n; i++)
		direct += l.clause[i] == 0;
	for (size_t k = 1; k <= l.nclause; k++)
		terms += k == 1 || l.term[k] != l.term[k - 1];
	TU_EQ_INT((int)terms, 64);
	TU_EQ_INT((int)direct, 70 - 64);
	TU_EQ_INT((int)l.nclause, 2 * 64);
	TU_EQ_INT((int)l.n, 70 - 64 + 2 * 64);
}

/* ------------------------------------------------------------- PCRE2 facts */

static size_t utf8_put(uint32_t cp, unsigned char *b)
{
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	b[0] = (unsigned char)(0xF0 | cp >> 18);
	b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	b[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The prefilter folds ASCII only and takes U+017F and U+212A for s and k:
 * that is right only while no other character is caselessly equal to an
 * ASCII one in the PCRE2 quell runs with, either way round.  Cased
 * letters all lie below U+20000. */
static void test_pf_caseless_pairs(void)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	unsigned char b[4], ascii[128];
	PCRE2_SIZE off;
	int err, odd = 0;
	pcre2_code *any = pcre2_compile((PCRE2_SPTR) "(?i)^[\\x00-\\x7f]$", PCRE2_ZERO_TERMINATED,
	                                PCRE2_UTF, &err, &off, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(md);
	CU_ASSERT_PTR_NOT_NULL_FATAL(any);
	for (int i = 0; i < 128; i++)
		ascii[i] = (unsigned char)i;
	for (uint32_t cp = 0x80; cp < 0x20000; cp++) {
		char pat[32];
		pcre2_code *one;
		int text_side, pattern_side;

		if (cp >= 0xD800 && cp < 0xE000)
			continue;
		text_side = pcre2_match(any, b, utf8_put(cp, b), 0, 0, md, NULL) >= 0;
		snprintf(pat, sizeof pat, "(?i)\\x{%x}", (unsigned)cp);
		one = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(one);
		pattern_side = pcre2_match(one, ascii, sizeof ascii, 0, 0, md, NULL) >= 0;
		pcre2_code_free(one);
		if ((text_side || pattern_side) != (cp == 0x17F || cp == 0x212A)) {
			fprintf(stderr, "\n  U+%04X: caselessly ASCII %d/%d", (unsigned)cp, text_side,
			        pattern_side);
			odd++;
		}
	}
	CU_ASSERT_EQUAL(odd, 0);
	pcre2_code_free(any);
	pcre2_match_data_free(md);
}

/* ------------------------------------------------------------- agreement */

static struct quell__rules *with_pf, *without_pf; /* loaded once, kept */
static pcre2_match_data *pfc_md;

static int pfc_load(void)
{
	char err[512];

	if (with_pf != NULL)
		return 0;
	if (quell__rules_load((const char *)quell__default_rules, quell__default_rules_len,
	                      "config/rules.yaml", &with_pf, err, sizeof err) != 0 ||
	    quell__rules_load((const char *)quell__default_rules, quell__default_rules_len,
	                      "config/rules.yaml", &without_pf, err, sizeof err) != 0) {
		fprintf(stderr, "\n%s\n", err);
		return -1;
	}
	quell__pf_free(without_pf->pf);
	without_pf->pf = NULL;
	pfc_md = pcre2_match_data_create(1, NULL);
	return pfc_md != NULL ? 0 : -1;
}

int pfc_agrees(const char *text, size_t len)
{
	static char buf[QUELL__REPLY_IN_MAX + 1];
	uint64_t maybe[QUELL__PF_WORDS];
	struct quell__reply rp;
	char *fixed;
	int bad = 0;

	CU_ASSERT_EQUAL_FATAL(pfc_load(), 0);
	/* what PCRE2 sees: stray bytes as '?' (rules_match.c), with zeroed
	 * bytes after it as there: JIT code reads ahead of the subject */
	fixed = calloc(len + 64, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fixed);
	quell__rl_repair(text, len, fixed);
	quell__pf_scan(with_pf->pf, fixed, len, maybe);
	for (size_t i = 0; i < with_pf->nregex && i < QUELL__PF_PATTERNS; i++) {
		int rc = pcre2_match(with_pf->regex[i].code, (PCRE2_SPTR)fixed, len, 0, 0, pfc_md,
		                     with_pf->mctx);

		if (rc >= 0 && !(maybe[i / 64] >> (i % 64) & 1)) {
			fprintf(stderr, "\n  pattern %zu (%.60s) skipped on: %.*s", i,
			        with_pf->regex[i].pattern, (int)len, text);
			bad++;
		}
	}
	free(fixed);
	if (quell__reply_parse(text, len, buf, sizeof buf, &rp, NULL, 0) == 0) {
		const struct quell__rule *a = quell__rules_match(with_pf, &rp, "example.com");
		const struct quell__rule *b = quell__rules_match(without_pf, &rp, "example.com");

		if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a->name, b->name) != 0)) {
			fprintf(stderr, "\n  rule %s, without the prefilter %s: %.*s",
			        a ? a->name : "none", b ? b->name : "none", (int)len, text);
			bad++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	return bad;
}

/* text and what a server might make of it: other case, other white
 * space, s and k as U+017F and U+212A, cut short */
static int agrees_variants(const char *text, size_t len)
{
	size_t cap = len * 3 + 1;
	char *v = malloc(cap);
	int bad = pfc_agrees(text, len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	for (int mode = 0; mode < 8; mode++) {
		size_t n = 0;

		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)text[i];

			switch (mode) {
			case 0: v[n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c); break;
			case 1: v[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c); break;
			case 2: v[n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c >= 'A' && c <= 'Z' ? c + 32 : c); break;
			case 3: v[n++] = c == ' ' ? '\t' : (char)c; break;
			case 4:
				if (c == ' ') {
					v[n++] = '\r';
					v[n++] = '\n';
				} else {
					v[n++] = (char)c;
				}
				break;
			case 5:
				if (c == ' ')
					continue;
				v[n++] = (char)c;
				break;
			case 6:
				if (c == 's' || c == 'S') {
					memcpy(v + n, "\xC5\xBF", 2);
					n += 2;
				} else if (c == 'k' || c == 'K') {
					memcpy(v + n, "\xE2\x84\xAA", 3);
					n += 3;
				} else {
					v[n++] = (char)c;
				}
				break;
			default: v[n++] = c == ' ' ? '_' : (char)c; break;
			}
		}
		bad += pfc_agrees(v, n);
	}
	for (size_t cut = 1; cut < len; cut += 13)
		bad += pfc_agrees(text + cut, len - cut);
	free(v);
	return bad;
}

/* Every line of a file, split at tabs, each piece a text. */
static size_t agrees_file(const char *path, int *bad)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t got;

	if (f == NULL)
		return 0;
	while ((got = getline(&line, &cap, f)) > 0) {
		char *p = line, *tab;

		line[strcspn(line, "\r\n")] = '\0';
		for (;;) {
			tab = strchr(p, '\t');
			if (tab != NULL)
				*tab = '\0';
			if (strlen(p) > 3) {
				*bad += agrees_variants(p, strlen(p));
				n++;
			}
			if (tab == NULL)
				break;
			p = tab + 1;
		}
	}
	free(line);
	fclose(f);
	return n;
}

static void test_pf_agrees_data(void)
{
	static const char *const files[] = {
		"tests/data/demo/replies.tsv",   "tests/data/dsn/bounces.mbox",
		"tests/data/dsn/exim.eml",       "tests/data/dsn/qmail.eml",
		"tests/data/dsn/postfix-crlf.eml", "tests/data/dsn/arf.eml",
		"tests/data/postfix/mail.log",   "tests/data/import/sendgrid-bounces.csv",
		"tests/data/import/sendgrid-blocks.csv", "tests/data/import/mailgun-bounces.csv",
		"tests/data/import/ses-suppressions.csv", "tests/data/import/invalid-utf8.csv",
	};
	static const char *const extra[] = {
		"550 5.7.1 Message rejected: Bl\xE2\x84\xAA ocked by Spamhaus",
		"550 no \xC5\xBF uch user here",
		"550 Invalid recipient \xff\xfe (no such user)",
		"550 Postfach voll; Kontingent \xc3\xbc" "berschritten",
		"552 \xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x83\x9c\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9"
		"\xe3\x81\x8c\xe4\xb8\x80\xe6\x9d\xaf",
		"550 \xd0\xbf\xd0\xbe\xd0\xbb\xd1\x8c\xd0\xb7\xd0\xbe\xd0\xb2\xd0\xb0\xd1\x82\xd0\xb5"
		"\xd0\xbb\xd1\x8c \xd0\xbd\xd0\xb5 \xd0\xbd\xd0\xb0\xd0\xb9\xd0\xb4\xd0\xb5\xd0\xbd",
		"user_unknown", "unknown\tuser", "TS04 deferred", "nullmx", "grey-listed",
	};
	const char *dir = getenv("QUELL_EVAL_DIR");
	size_t n = 0;
	int bad = 0;

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		n += agrees_file(files[i], &bad);
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++, n++)
		bad += agrees_variants(extra[i], strlen(extra[i]));
	if (dir != NULL) {
		char path[1024];

		snprintf(path, sizeof path, "%s/sisimai/replies.tsv", dir);
		n += agrees_file(path, &bad);
	}
	CU_ASSERT(n > 100);
	CU_ASSERT_EQUAL(bad, 0);
}

/* The default rules' patterns nearly all get literals. */
static void test_pf_coverage(void)
{
	CU_ASSERT_EQUAL_FATAL(pfc_load(), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(with_pf->pf);
	CU_ASSERT(quell__pf_count(with_pf->pf) * 10 >= with_pf->nregex * 9);
}

/* A pattern past the first QUELL__PF_PATTERNS, or one without literals,
 * still matches: the prefilter only ever skips. */
static void test_pf_many_patterns(void)
{
	size_t cap = 64 * 1024, used = 0;
	char *yaml = malloc(cap), err[512], buf[256];
	struct quell__rules *r = NULL;
	struct quell__reply rp;
	const struct quell__rule *rule;
	const char *reply = "550 word299 and word7";

	CU_ASSERT_PTR_NOT_NULL_FATAL(yaml);
	used += (size_t)snprintf(yaml, cap, "version: 1\nrules:\n");
	for (int i = 0; i < 300; i++)
		used += (size_t)snprintf(yaml + used, cap - used,
		                         "  - { name: r%d, when: { text: '\\bword%d\\b' }, then: { action: "
		                         "ignore } }\n",
		                         300 - i, i < 299 ? 1000 + i : 299);
	CU_ASSERT_EQUAL_FATAL(quell__rules_load(yaml, used, "many.yaml", &r, err, sizeof err), 0);
	CU_ASSERT_EQUAL(quell__pf_count(r->pf), QUELL__PF_PATTERNS);
	CU_ASSERT_EQUAL_FATAL(quell__reply_parse(reply, strlen(reply), buf, sizeof buf, &rp, NULL, 0), 0);
	rule = quell__rules_match(r, &rp, NULL);
	CU_ASSERT_PTR_NOT_NULL(rule);
	if (rule != NULL)
		CU_ASSERT_STRING_EQUAL(rule->name, "r1");
	quell__rules_unref(r);
	free(yaml);
}

/* Out of memory anywhere in the build: QUELL_ENOMEM, nothing leaked
 * (ASan), and a build that succeeds is whole.  A few patterns of each
 * kind, and one with enough literals to grow the automaton. */
static void test_pf_alloc(void)
{
	static const char *const pats[] = {
		"(?i)\\b(?:no\\ssuch\\suser|user\\sunknown|unknown\\suser)\\b",
		"(?ix) \\b(?: rate.?limit | too\\smany\\s(?:\\S+\\s)?(?:connections|sessions) )",
		"(?i)full|(?=[^\\x00-\\x7f])(?:ящик\\sпереполнен)",
		"\\Qnot modelled\\E",
		"(?i)\\b(?:alpha|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliett|kilo|"
		"lima|mike|november|oscar|papa|quebec|romeo|sierra|tango|uniform|victor|whiskey|"
		"xray|yankee|zulu)\\s(?:one|two|three|four|five|six|seven|eight|nine|ten)",
	};
	size_t lens[sizeof pats / sizeof pats[0]], n = sizeof pats / sizeof pats[0];
	long i;

	if (!quell_test_alloc_wrapped())
		return;
	for (size_t k = 0; k < n; k++)
		lens[k] = strlen(pats[k]);
	for (i = 0;; i++) {
		struct quell__pf *pf = NULL;
		int rc;

		quell_test_alloc_fail_at(i);
		rc = quell__pf_build(&pf, pats, lens, n);
		quell_test_alloc_fail_at(-1);
		if (rc == 0) {
			CU_ASSERT_EQUAL(quell__pf_count(pf), 4);
			quell__pf_free(pf);
			break;
		}
		CU_ASSERT_EQUAL(rc, QUELL_ENOMEM);
		CU_ASSERT_PTR_NULL(pf);
	}
	CU_ASSERT(i > 10);
}

static CU_TestInfo prefilter_tests[] = {
	{ "the analysis finds these literals, or gives up", test_pf_extract },
	{ "too many strings: holders go first, then cuts", test_pf_shrink },
	{ "too many terms: the biggest join the single literals", test_pf_terms_bound },
	{ "only U+017F and U+212A pair caselessly with ASCII", test_pf_caseless_pairs },
	{ "the default rules' patterns get literals", test_pf_coverage },
	{ "nothing PCRE2 matches is skipped: data files, variants", test_pf_agrees_data },
	{ "patterns past the prefilter's reach still match", test_pf_many_patterns },
	{ "out of memory while building", test_pf_alloc },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_prefilter[] = {
	{ "prefilter", NULL, NULL, NULL, NULL, prefilter_tests },
	CU_SUITE_INFO_NULL,
};
