/*
 * test_rules_cache.c - the cache of rule matches that an import keeps
 * (lib/rules/rules_cache.c): it answers exactly as quell__rules_match,
 * whatever order replies come in; a result never crosses to another
 * code, status, domain (when a rule tests one) or rule set; and an import
 * whose rows repeat one text decides every row as the rules say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "reply.h"
#include "rules_int.h"
#include "testutil.h"

#define T0 1700000000

/* The same text under other codes, statuses and domains: rules that tell
 * them apart.  Each rule's category is its name. */
static const char keyed_rules[] =
	"version: 1\n"
	"rules:\n"
	"  - { name: by-domain, when: { domain: example.org, text: gone }, "
	"then: { action: suppress, category: by-domain } }\n"
	"  - { name: by-code, when: { code: 550, text: gone }, "
	"then: { action: suppress, category: by-code } }\n"
	"  - { name: by-status, when: { status: 5.2.1, text: gone }, "
	"then: { action: suppress, category: by-status } }\n"
	"  - { name: by-text, when: { text: gone }, "
	"then: { action: suppress, category: by-text } }\n";

static const struct {
	const char *reply, *domain, *want;
} keyed[] = {
	{ "550 5.1.1 gone", "example.com", "by-code" },
	{ "550 5.1.1 gone", "example.org", "by-domain" },
	{ "551 5.2.1 gone", "example.com", "by-status" },
	{ "551 5.1.1 gone", "example.com", "by-text" },
	{ "551 5.1.1 gone", "example.org", "by-domain" },
	{ "551 5.1.1 gone", NULL, "by-text" },
	{ "550 5.2.1 gone", "example.com", "by-code" },
	{ "551 5.2.2 gone", "example.com", "by-text" },
	{ "551 gone", "example.com", "by-text" },
	{ "550 5.1.1 gone away", "example.com", "by-code" },
	{ "551 5.1.1 Gone", "example.com", "none" },
};
#define NKEYED (sizeof keyed / sizeof keyed[0])

static const struct quell__rule *match(struct quell__rules_cache *c, const struct quell__rules *r,
                                       const char *reply, const char *domain)
{
	char buf[512];
	struct quell__reply rp;

	CU_ASSERT_EQUAL_FATAL(quell__reply_parse(reply, strlen(reply), buf, sizeof buf, &rp, NULL, 0),
	                      0);
	return quell__rules_match_cached(c, r, &rp, domain);
}

static const char *name_of(const struct quell__rule *rule)
{
	return rule != NULL ? rule->name : "none";
}

/* Each reply of keyed[] in turn, many times over: the same rule each
 * time, from the cache after the first. */
static void test_cache_keys(void)
{
	struct quell__rules *r = NULL;
	struct quell__rules_cache *c = NULL;
	unsigned long hits, misses;
	char err[512];

	CU_ASSERT_EQUAL_FATAL(
		quell__rules_load(keyed_rules, strlen(keyed_rules), "keyed.yaml", &r, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(quell__rules_cache_new(&c), 0);
	for (int round = 0; round < 5; round++)
		for (size_t i = 0; i < NKEYED; i++) {
			size_t k = round % 2 ? NKEYED - 1 - i : i;
			const char *got = name_of(match(c, r, keyed[k].reply, keyed[k].domain));

			if (strcmp(got, keyed[k].want) != 0)
				fprintf(stderr, "\n  round %d: '%s' at %s: got %s, want %s", round,
				        keyed[k].reply, keyed[k].domain ? keyed[k].domain : "(none)", got,
				        keyed[k].want);
			CU_ASSERT_STRING_EQUAL(got, keyed[k].want);
		}
	quell__rules_cache_counts(c, &hits, &misses);
	CU_ASSERT_EQUAL(misses, NKEYED);
	CU_ASSERT_EQUAL(hits, 4 * NKEYED);
	quell__rules_cache_free(c);
	quell__rules_unref(r);
}

/* Another rule set with the same cache: its own rules, never the first
 * set's; the defaults test no domain, so the domain is not in the key. */
static void test_cache_other_set(void)
{
	struct quell__rules *r = NULL, *d = tu_default_rules();
	struct quell__rules_cache *c = NULL;
	unsigned long hits, misses;
	char err[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL_FATAL(
		quell__rules_load(keyed_rules, strlen(keyed_rules), "keyed.yaml", &r, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(quell__rules_cache_new(&c), 0);
	for (int round = 0; round < 3; round++) {
		CU_ASSERT_STRING_EQUAL(name_of(match(c, r, "550 5.1.1 gone", "example.com")), "by-code");
		CU_ASSERT_STRING_EQUAL(name_of(match(c, d, "550 5.1.1 gone", "example.com")),
		                       name_of(match(NULL, d, "550 5.1.1 gone", "example.com")));
		CU_ASSERT_STRING_EQUAL(name_of(match(c, d, "550 5.1.1 gone", "example.org")),
		                       name_of(match(NULL, d, "550 5.1.1 gone", "example.org")));
	}
	quell__rules_cache_counts(c, &hits, &misses);
	CU_ASSERT_EQUAL(misses, 6); /* each set anew: r, d, r, d, r, d */
	CU_ASSERT_EQUAL(hits, 3);   /* d's example.org: the domain is not in its key */
	quell__rules_cache_free(c);
	quell__rules_unref(r);
	quell__rules_unref(d);
}

/* Every tab-separated field of the file at path longer than 3 bytes,
 * appended to v[*n..max). */
static void read_fields(const char *path, char **v, size_t *n, size_t max)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (f == NULL)
		return;
	while (*n < max && getline(&line, &cap, f) > 0) {
		char *p = line, *tab;

		line[strcspn(line, "\r\n")] = '\0';
		for (; p != NULL && *n < max; p = tab != NULL ? tab + 1 : NULL) {
			if ((tab = strchr(p, '\t')) != NULL)
				*tab = '\0';
			if (strlen(p) > 3 && (v[*n] = strdup(p)) != NULL)
				(*n)++;
		}
	}
	free(line);
	fclose(f);
}

/* The default rules on the replies of the data files (and the eval sample
 * when $QUELL_EVAL_DIR is set), each matched several times in an order
 * that mixes them, at three domains, and on a text too long to keep: the
 * cache answers what the match does. */
static void test_cache_agrees(void)
{
	static const char *const domains[] = { "example.com", "example.org", NULL };
	struct quell__rules *d = tu_default_rules();
	struct quell__rules_cache *c = NULL;
	char *v[4000], longer[600], path[1024];
	const char *dir = getenv("QUELL_EVAL_DIR");
	size_t n = 0, tried = 0;
	int bad = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL_FATAL(quell__rules_cache_new(&c), 0);
	read_fields("tests/data/demo/replies.tsv", v, &n, 4000);
	read_fields("tests/data/postfix/mail.log", v, &n, 4000);
	if (dir != NULL) {
		snprintf(path, sizeof path, "%s/sisimai/replies.tsv", dir);
		read_fields(path, v, &n, 4000);
	}
	CU_ASSERT_FATAL(n >= 8);
	snprintf(longer, sizeof longer, "550 5.1.1 %0500d user unknown", 0);
	for (size_t k = 0; k < 3 * n + 3; k++) {
		const char *reply = k % (n + 1) == n ? longer : v[(k * 7) % n], *dom = domains[k % 3];
		char buf[8192];
		struct quell__reply rp;

		if (quell__reply_parse(reply, strlen(reply), buf, sizeof buf, &rp, NULL, 0) != 0)
			continue;
		tried++;
		if (quell__rules_match_cached(c, d, &rp, dom) != quell__rules_match(d, &rp, dom)) {
			fprintf(stderr, "\n  cached rule differs for '%s'", reply);
			bad++;
		}
	}
	CU_ASSERT(tried >= 3 * n / 2);
	CU_ASSERT_EQUAL(bad, 0);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	quell__rules_cache_free(c);
	quell__rules_unref(d);
}

/* An import whose rows repeat one text under other codes, statuses and
 * domains: every row gets the rule its own reply matches. */
static void test_import_repeats(void)
{
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	struct quell_import_stats st;
	char dir[128], path[160], *csv = malloc(64 * 1024);
	size_t used = 0;
	quell *h = tu_open(dir, sizeof dir, NULL);
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	snprintf(path, sizeof path, "%s.rules.yaml", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(keyed_rules, f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(quell_rules_load(h, path), 0);
	used += (size_t)snprintf(csv, 64 * 1024, "email,created,status,reason\n");
	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < NKEYED; i++)
			if (keyed[i].domain != NULL)
				used += (size_t)snprintf(csv + used, 64 * 1024 - used,
				                         "r%dk%zu@%s,%d,,%s\n", round, i, keyed[i].domain,
				                         T0 + round, keyed[i].reply);
	f = fmemopen(csv, used, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	o.format = "sendgrid";
	o.now = T0 + 100;
	CU_ASSERT_EQUAL(quell_import(h, f, &o, &st), 0);
	fclose(f);
	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < NKEYED; i++) {
			struct quell_result r;
			char addr[64];

			if (keyed[i].domain == NULL)
				continue;
			snprintf(addr, sizeof addr, "r%dk%zu@%s", round, i, keyed[i].domain);
			CU_ASSERT_EQUAL(quell_check(h, addr, NULL, T0 + 100, &r), 0);
			if (strcmp(keyed[i].want, "none") == 0) {
				TU_EQ_INT(r.verdict, QUELL_ALLOW);
			} else {
				TU_EQ_INT(r.verdict, QUELL_SUPPRESS);
				TU_EQ_STR(r.category, keyed[i].want);
			}
		}
	unlink(path);
	free(csv);
	tu_close(h, dir);
}

static CU_TestInfo rules_cache_tests[] = {
	{ "a cached rule never crosses code, status or domain", test_cache_keys },
	{ "another rule set starts over", test_cache_other_set },
	{ "cached and matched agree on real replies", test_cache_agrees },
	{ "an import of repeated texts decides each row", test_import_repeats },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_rules_cache[] = {
	{ "rules_cache", NULL, NULL, NULL, NULL, rules_cache_tests },
	CU_SUITE_INFO_NULL,
};
