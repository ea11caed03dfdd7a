/*
 * test_rules_shadow.c - rules that can never match (rules_shadow.c): pairs
 * of rules, an earlier A and a later B, where A covers B (a warning) or
 * may not (none) — codes exact, by class and in lists, status patterns,
 * domains and suffixes, text the same or not, `unless` on either side, a
 * rule without `when` —; the exact message with both lines; warnings in
 * file order, the first covering rule named; none for a file with errors;
 * a loader that never refuses a file with warnings; the default rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "rules.h"

/* What a check reported, one message a line. */
struct got {
	unsigned n;
	char text[4096];
};

static void on_report(void *arg, const char *msg)
{
	struct got *g = arg;
	size_t used = strlen(g->text);

	g->n++;
	snprintf(g->text + used, sizeof g->text - used, "%s\n", msg);
}

/* Check yaml as "r.yaml" into *g; returns the check's rc. */
static int check(const char *yaml, struct got *g)
{
	struct quell__rules *r = NULL;
	char err[512];
	int rc;

	memset(g, 0, sizeof *g);
	rc = quell__rules_check(yaml, strlen(yaml), "r.yaml", on_report, g, &r, err, sizeof err);
	quell__rules_unref(r);
	return rc;
}

#define WARN_B "r.yaml:4:5: warning: rule 'b' can never match: rule 'a' (line 3) matches every reply it could\n"

/* A (line 3) and B (line 4), each `when` and `unless` given as flow
 * mappings (NULL: left out). */
static void test_shadow_pairs(void)
{
	static const struct {
		const char *a_when, *a_unless, *b_when, *b_unless;
		int shadowed;
	} t[] = {
		/* code: exact, class, lists */
		{ "{code: 5xx}", NULL, "{code: 550}", NULL, 1 },
		{ "{code: 55x}", NULL, "{code: 550}", NULL, 1 },
		{ "{code: 5xx}", NULL, "{code: 55x}", NULL, 1 },
		{ "{code: 550}", NULL, "{code: 550}", NULL, 1 },
		{ "{code: 550}", NULL, "{code: 5xx}", NULL, 0 },
		{ "{code: 55x}", NULL, "{code: 5xx}", NULL, 0 },
		{ "{code: 550}", NULL, "{code: 551}", NULL, 0 },
		{ "{code: [550, 551]}", NULL, "{code: [551, 550]}", NULL, 1 },
		{ "{code: [4xx, 5xx]}", NULL, "{code: [421, 554]}", NULL, 1 },
		{ "{code: [550, 551]}", NULL, "{code: [550, 552]}", NULL, 0 },
		{ "{code: x50}", NULL, "{code: [450, 550]}", NULL, 1 },
		{ "{code: 5xx}", NULL, "{status: 5.1.1}", NULL, 0 },
		{ "{code: 5xx}", NULL, "{code: 550, status: 5.1.1}", NULL, 1 },
		{ "{code: 5xx}", NULL, "{code: 550, domain: x.example}", NULL, 1 },
		/* status patterns */
		{ "{status: 5.1.1}", NULL, "{status: 5.1.1}", NULL, 1 },
		{ "{status: 5.1.*}", NULL, "{status: 5.1.1}", NULL, 1 },
		{ "{status: 5.*}", NULL, "{status: [5.7.1, 5.1.1]}", NULL, 1 },
		{ "{status: '*.1.1'}", NULL, "{status: [4.1.1, 5.1.1]}", NULL, 1 },
		{ "{status: 5.1.1}", NULL, "{status: 5.1.*}", NULL, 0 },
		{ "{status: 5.1.1}", NULL, "{status: '*.1.1'}", NULL, 0 },
		{ "{status: [5.1.1]}", NULL, "{status: [5.1.1, 5.1.2]}", NULL, 0 },
		{ "{status: [4.2.2, 5.2.2]}", NULL, "{status: 5.2.2}", NULL, 1 },
		{ "{status: 5.1.1}", NULL, "{code: 550}", NULL, 0 },
		/* domains and suffixes */
		{ "{domain: '*.example.com'}", NULL, "{domain: mx.example.com}", NULL, 1 },
		{ "{domain: '*.example.com'}", NULL, "{domain: example.com}", NULL, 1 },
		{ "{domain: '*.example.com'}", NULL, "{domain: '*.a.example.com'}", NULL, 1 },
		{ "{domain: [a.example, b.example]}", NULL, "{domain: b.example}", NULL, 1 },
		{ "{domain: example.com}", NULL, "{domain: mx.example.com}", NULL, 0 },
		{ "{domain: example.com}", NULL, "{domain: '*.example.com'}", NULL, 0 },
		{ "{domain: '*.example.com'}", NULL, "{domain: badexample.com}", NULL, 0 },
		{ "{domain: '*.a.example.com'}", NULL, "{domain: '*.example.com'}", NULL, 0 },
		{ "{domain: x.example}", NULL, "{code: 550}", NULL, 0 },
		/* text: the same pattern string or none */
		{ "{text: spam}", NULL, "{text: spam}", NULL, 1 },
		{ "{text: spam}", NULL, "{code: 550, text: spam}", NULL, 1 },
		{ "{code: 5xx}", NULL, "{code: 550, text: spam}", NULL, 1 },
		{ "{text: spam}", NULL, "{text: '(?i)spam'}", NULL, 0 },
		{ "{text: 'spam|junk'}", NULL, "{text: spam}", NULL, 0 },
		{ "{code: 5xx, text: spam}", NULL, "{code: 550}", NULL, 0 },
		/* A's unless: decided only when it cannot hold for B */
		{ "{code: 5xx}", "{text: spam}", "{code: 550}", NULL, 0 },
		{ "{code: 5xx}", "{status: 5.7.*}", "{code: 550, status: 5.1.1}", NULL, 1 },
		{ "{code: 5xx}", "{status: 5.7.*}", "{code: 550}", NULL, 0 },
		{ "{code: 5xx}", "{status: 5.7.*}", "{code: 550, status: 5.*}", NULL, 0 },
		{ "{code: 5xx}", "{code: 554}", "{code: 550}", NULL, 1 },
		{ "{code: 5xx}", "{code: 55x}", "{code: 550}", NULL, 0 },
		{ NULL, "{domain: '*.example.com'}", "{domain: example.org}", NULL, 1 },
		{ NULL, "{domain: '*.example.com'}", "{domain: '*.com'}", NULL, 0 },
		{ NULL, "{domain: 'a.example.com'}", "{domain: '*.example.com'}", NULL, 0 },
		{ "{code: 5xx}", "{text: spam}", "{code: 550}", "{text: spam}", 1 },
		{ "{code: 5xx}", "{text: spam}", "{code: 550}", "{text: junk}", 0 },
		{ "{code: 5xx}", "{text: spam, code: 550}", "{code: 550}", "{text: spam}", 1 },
		{ "{code: 5xx}", "{text: spam}", "{code: 550}", "{text: spam, domain: x.example}", 0 },
		{ "{code: 5xx}", "{text: spam}", "{code: 550, domain: x.example}",
		  "{text: spam, domain: '*.example'}", 1 },
		/* B's unless alone: B matches less, A still covers it */
		{ "{code: 5xx}", NULL, "{code: 550}", "{text: spam}", 1 },
		/* no `when`: everything */
		{ NULL, NULL, "{code: 550}", NULL, 1 },
		{ NULL, NULL, NULL, NULL, 1 },
		{ NULL, NULL, "{text: spam}", "{code: 4xx}", 1 },
		{ "{code: 5xx}", NULL, NULL, NULL, 0 },
		{ NULL, "{text: spam}", "{code: 550}", NULL, 0 },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char yaml[1024], a[256] = "", b[256] = "";
		struct got g;
		int rc;

		if (t[i].a_when != NULL)
			snprintf(a, sizeof a, "when: %s, ", t[i].a_when);
		if (t[i].a_unless != NULL)
			snprintf(a + strlen(a), sizeof a - strlen(a), "unless: %s, ", t[i].a_unless);
		if (t[i].b_when != NULL)
			snprintf(b, sizeof b, "when: %s, ", t[i].b_when);
		if (t[i].b_unless != NULL)
			snprintf(b + strlen(b), sizeof b - strlen(b), "unless: %s, ", t[i].b_unless);
		snprintf(yaml, sizeof yaml,
		         "version: 1\nrules:\n  - {name: a, %sthen: {action: ignore}}\n"
		         "  - {name: b, %sthen: {action: suppress}}\n", a, b);
		rc = check(yaml, &g);
		if (rc != 0 || strcmp(g.text, t[i].shadowed ? WARN_B : "") != 0)
			fprintf(stderr, "\ncase %zu: rc %d, got \"%s\", want %s\n%s", i, rc, g.text,
			        t[i].shadowed ? "the warning" : "none", yaml);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_STRING_EQUAL(g.text, t[i].shadowed ? WARN_B : "");
	}
}

/* In file order, each shadowed rule once, with the first rule that covers
 * it; the place is the shadowed rule's own, in block style too; a later
 * rule never shadows an earlier one. */
static void test_shadow_order(void)
{
	static const char yaml[] =
	        "version: 1\n"
	        "rules:\n"
	        "  - name: unknown\n"                /* 3 */
	        "    when: { status: 5.1.1 }\n"
	        "    then: { action: suppress }\n"
	        "  - name: bounces\n"                /* 6 */
	        "    when: { code: 5xx }\n"
	        "    then: { action: ignore }\n"
	        "  - name: bounces-too\n"            /* 9 */
	        "    when: { code: [5xx] }\n"
	        "    then: { action: ignore }\n"
	        "  - name: unknown-550\n"            /* 12 */
	        "    when: { code: 550, status: 5.1.1 }\n"
	        "    then: { action: suppress }\n"
	        "  -   name: everything\n"           /* 15 */
	        "      then: { action: ignore }\n"
	        "  - name: full\n"                   /* 17 */
	        "    when: { status: 4.2.2 }\n"
	        "    then: { action: count, threshold: 3, window: 7d }\n";
	struct got g;

	CU_ASSERT_EQUAL(check(yaml, &g), 0);
	CU_ASSERT_EQUAL(g.n, 3);
	CU_ASSERT_STRING_EQUAL(g.text,
		"r.yaml:9:5: warning: rule 'bounces-too' can never match: rule 'bounces' (line 6) "
		"matches every reply it could\n"
		"r.yaml:12:5: warning: rule 'unknown-550' can never match: rule 'unknown' (line 3) "
		"matches every reply it could\n"
		"r.yaml:17:5: warning: rule 'full' can never match: rule 'everything' (line 15) "
		"matches every reply it could\n");
}

/* Warnings are looked for only in a file without errors; a load (the
 * path of quell_rules_load and a policyd reload) never refuses a file for
 * them, nor reports them. */
static void test_shadow_errors_and_load(void)
{
	static const char shadowed[] =
	        "version: 1\nrules:\n  - {name: a, then: {action: ignore}}\n"
	        "  - {name: b, when: {code: 550}, then: {action: suppress}}\n";
	static const char bad[] =
	        "version: 1\nrules:\n  - {name: a, then: {action: ignore}}\n"
	        "  - {name: b, when: {code: 550}, then: {action: suppress}}\n"
	        "  - {name: c, then: {action: nope}}\n";
	struct quell__rules *r = NULL;
	struct got g;
	char err[512];

	CU_ASSERT_EQUAL(check(bad, &g), QUELL_EDATA);
	CU_ASSERT_EQUAL(g.n, 1);
	CU_ASSERT(strstr(g.text, "warning") == NULL);
	CU_ASSERT_EQUAL(quell__rules_load(shadowed, strlen(shadowed), "r.yaml", &r, err, sizeof err),
	                0);
	CU_ASSERT_PTR_NOT_NULL(r);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_EQUAL(quell__rules_count(r), 2);
	quell__rules_unref(r);
	/* a check with no report function: no warnings, the file is good */
	CU_ASSERT_EQUAL(quell__rules_check(shadowed, strlen(shadowed), "r.yaml", NULL, NULL, &r, err,
	                                   sizeof err), 0);
	CU_ASSERT_PTR_NOT_NULL(r);
	quell__rules_unref(r);
}

/* Many rules with long lists: the search stays bounded and finds the
 * shadowed rules it has time for. */
static void test_shadow_many(void)
{
	size_t cap = 1u << 20, used = 0;
	char *yaml = malloc(cap);
	struct got g;

	CU_ASSERT_PTR_NOT_NULL_FATAL(yaml);
	used += (size_t)snprintf(yaml + used, cap - used, "version: 1\nrules:\n");
	for (int i = 0; i < 300; i++) {
		used += (size_t)snprintf(yaml + used, cap - used, "  - name: r%d\n    when:\n      domain: [",
		                         i);
		for (int d = 0; d < 50; d++)
			used += (size_t)snprintf(yaml + used, cap - used, "%sd%d.r%d.example", d ? ", " : "",
			                         d, i % 150);
		used += (size_t)snprintf(yaml + used, cap - used, "]\n    then: { action: ignore }\n");
	}
	CU_ASSERT_FATAL(used < cap - 1);
	CU_ASSERT_EQUAL(check(yaml, &g), 0);
	CU_ASSERT_EQUAL(g.n, 150); /* r150..r299 repeat r0..r149 */
	CU_ASSERT(strstr(g.text, "rule 'r150' can never match: rule 'r0' (line 3)") != NULL);
	free(yaml);
}

/* The default rules (config/rules.yaml): no rule of them may be dead
 * weight (storage-status, under mailbox-full, was the one found). */
static void test_shadow_default_rules(void)
{
	struct quell__rules *r = NULL;
	struct got g;
	char err[512];

	memset(&g, 0, sizeof g);
	CU_ASSERT_EQUAL(quell__rules_check(NULL, 0, NULL, on_report, &g, &r, err, sizeof err), 0);
	quell__rules_unref(r);
	if (g.n != 0)
		fprintf(stderr, "\nthe default rules:\n%s", g.text);
	CU_ASSERT_EQUAL(g.n, 0);
}

static CU_TestInfo shadow_tests[] = {
	{ "pairs that shadow and that do not", test_shadow_pairs },
	{ "file order, the first covering rule, the place", test_shadow_order },
	{ "none with errors; loading never refuses", test_shadow_errors_and_load },
	{ "many rules with long lists", test_shadow_many },
	{ "the default rules", test_shadow_default_rules },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_rules_shadow[] = {
	{ "rules_shadow", NULL, NULL, NULL, NULL, shadow_tests },
	CU_SUITE_INFO_NULL,
};
