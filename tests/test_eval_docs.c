/*
 * test_eval_docs.c - the default rules against what the receivers say of
 * their own replies, and against the enhanced-status registry.
 *
 * tests/data/replies-docs.tsv holds replies documented by the receivers
 * and MTA vendors themselves (Gmail, Microsoft 365, Yahoo, qmail, Exim,
 * Postfix, ... in several languages), each with its source, the outcome a
 * careful operator wants (suppress/address, suppress/domain, count,
 * backoff/address, backoff/domain, ignore, clear) and where it is
 * documented.  A reply is predicted suppressed when the first matching
 * rule suppresses (not a domain-scope rule on a protected domain); the
 * recipient's domain is the one an address in the reply names, if any.
 * Prints false and missed suppressions, how many outcomes agree exactly,
 * and the errors per source; fails when false suppressions pass 1% or
 * missed ones 3% (rounded to one decimal as printed), or when the corpus
 * has fewer than five languages with four replies or more.
 *
 * tests/data/enhanced-status.tsv lists every code of IANA's SMTP Enhanced
 * Status Codes registry with the classes it may take and the outcome the
 * default rules must give it alone (a DSN's Status: field) in class 5 and
 * in class 4; class 2 always clears.  The same status after a reply code
 * of its class (550, 450, 250) must give the same outcome, unless no rule
 * knows the status (then the code decides).
 *
 * tu_docs_rule_hits() tells test_eval.c which rules decide documented
 * replies or registered statuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "reply.h"
#include "rules.h"
#include "testutil.h"

#define DOCS_FILE "tests/data/replies-docs.tsv"
#define REGISTRY_FILE "tests/data/enhanced-status.tsv"

static int isalnum_ascii(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The domain of the first address text names, in dom (empty: none). */
static void domain_in(const char *text, char *dom, size_t size)
{
	const char *at = strchr(text, '@');
	size_t n = 0;

	dom[0] = '\0';
	if (at == NULL)
		return;
	for (at++; n + 1 < size && (isalnum_ascii(*at) || *at == '-' || *at == '.'); at++)
		dom[n++] = *at >= 'A' && *at <= 'Z' ? (char)(*at + 32) : *at;
	while (n > 0 && dom[n - 1] == '.')
		n--;
	dom[n] = '\0';
}

/* What the rules do with text: "suppress/address", "count/domain",
 * "ignore"...; *rule_out gets the rule (NULL: none). */
static const char *outcome(const struct quell__rules *r, const char *text, const char *domain,
                           const struct quell__rule **rule_out)
{
	static char buf[QUELL__REPLY_IN_MAX + 1], out[64];
	const struct quell__rule *rule = NULL;
	struct quell__reply rp;

	if (quell__reply_parse(text, strlen(text), buf, sizeof buf, &rp, NULL, 0) == 0)
		rule = quell__rules_match(r, &rp, domain != NULL && *domain ? domain : NULL);
	*rule_out = rule;
	if (rule == NULL)
		return "none";
	if (rule->action == QUELL_ACTION_SUPPRESS && rule->scope == QUELL_SCOPE_DOMAIN &&
	    domain != NULL && quell__rules_protected(r, domain))
		return "ignore";
	if (rule->action == QUELL_ACTION_SUPPRESS || rule->action == QUELL_ACTION_BACKOFF ||
	    rule->action == QUELL_ACTION_COUNT) {
		snprintf(out, sizeof out, "%s/%s", quell_action_name(rule->action),
		         quell_scope_name(rule->scope));
		return out;
	}
	return quell_action_name(rule->action);
}

/* ------------------------------------------------ the documentation corpus */

struct hits {
	char name[QUELL_NAME_MAX];
	unsigned n;
};

#define SOURCES_MAX 256
#define LANGS_MAX 64
struct docs {
	unsigned rows, keep, suppress, false_supp, missed, exact;
	size_t nsources, nlangs, nhits;
	struct {
		char name[40];
		unsigned rows, errors;
	} source[SOURCES_MAX];
	struct {
		char name[8];
		unsigned rows;
	} lang[LANGS_MAX];
	struct hits *hits;
};

static void count_hit(struct docs *d, const struct quell__rule *rule)
{
	size_t i;

	if (rule == NULL)
		return;
	for (i = 0; i < d->nhits; i++)
		if (strcmp(d->hits[i].name, rule->name) == 0)
			break;
	if (i == d->nhits) {
		struct hits *h = realloc(d->hits, (d->nhits + 1) * sizeof *h);

		if (h == NULL)
			return;
		d->hits = h;
		snprintf(h[i].name, sizeof h[i].name, "%s", rule->name);
		h[i].n = 0;
		d->nhits++;
	}
	d->hits[i].n++;
}

/* Read and judge the corpus; verbose prints each error.  0, or -1 when the
 * file cannot be read. */
static int judge_docs(const struct quell__rules *r, struct docs *d, int verbose)
{
	char *line = NULL, *f[8], dom[256];
	size_t cap = 0, lineno = 0;
	FILE *in = fopen(DOCS_FILE, "r");

	memset(d, 0, sizeof *d);
	if (in == NULL)
		return -1;
	while (getline(&line, &cap, in) >= 0) {
		const struct quell__rule *rule;
		const char *got;
		size_t s, l;
		int want_sup, got_sup;

		if (lineno++ == 0 || tu_split_tabs(line, f, 8) != 5)
			continue;
		domain_in(f[3], dom, sizeof dom);
		got = outcome(r, f[3], dom, &rule);
		count_hit(d, rule);
		want_sup = strncmp(f[2], "suppress", 8) == 0;
		got_sup = strncmp(got, "suppress", 8) == 0;
		d->rows++;
		*(want_sup ? &d->suppress : &d->keep) += 1;
		d->exact += strcmp(got, f[2]) == 0;
		for (s = 0; s < d->nsources && strcmp(d->source[s].name, f[0]) != 0; s++)
			;
		if (s == d->nsources && s < SOURCES_MAX)
			snprintf(d->source[d->nsources++].name, sizeof d->source[0].name, "%s", f[0]);
		for (l = 0; l < d->nlangs && strcmp(d->lang[l].name, f[1]) != 0; l++)
			;
		if (l == d->nlangs && l < LANGS_MAX)
			snprintf(d->lang[d->nlangs++].name, sizeof d->lang[0].name, "%s", f[1]);
		if (l < LANGS_MAX)
			d->lang[l].rows++;
		if (s < SOURCES_MAX)
			d->source[s].rows++;
		if (want_sup == got_sup)
			continue;
		*(want_sup ? &d->missed : &d->false_supp) += 1;
		if (s < SOURCES_MAX)
			d->source[s].errors++;
		if (verbose)
			fprintf(stderr, "  %-6s %s:%zu [%s] %s: got %s (%s): %.120s\n",
			        want_sup ? "missed" : "false", DOCS_FILE, lineno, f[0], f[2], got,
			        rule != NULL ? rule->name : "no rule", f[3]);
	}
	free(line);
	fclose(in);
	return 0;
}

/* Count the rules that decide each registered status alone, as documented
 * replies of their own (the RFCs document them). */
static void registry_hits(const struct quell__rules *r, struct docs *d)
{
	char *line = NULL, *f[8], status[16];
	size_t cap = 0;
	FILE *in = fopen(REGISTRY_FILE, "r");

	if (in == NULL)
		return;
	while (getline(&line, &cap, in) >= 0) {
		const struct quell__rule *rule;

		if (tu_split_tabs(line, f, 8) != 6 || strncmp(f[0], "X.", 2) != 0)
			continue;
		for (const char *k = "245"; *k; k++) {
			if (strchr(f[1], *k) == NULL)
				continue;
			snprintf(status, sizeof status, "%c%s", *k, f[0] + 1);
			outcome(r, status, NULL, &rule);
			count_hit(d, rule);
		}
	}
	free(line);
	fclose(in);
}

unsigned tu_docs_rule_hits(const char *rule_name)
{
	static struct docs d;
	static int done;

	if (!done) {
		struct quell__rules *r = tu_default_rules();

		done = 1;
		if (r == NULL || judge_docs(r, &d, 0) != 0)
			d.nhits = 0;
		else
			registry_hits(r, &d);
		quell__rules_unref(r);
	}
	for (size_t i = 0; i < d.nhits; i++)
		if (strcmp(d.hits[i].name, rule_name) == 0)
			return d.hits[i].n;
	return 0;
}

static double pct(unsigned a, unsigned b)
{
	return b == 0 ? 0.0 : 100.0 * a / b;
}

static void test_eval_docs(void)
{
	struct quell__rules *r = tu_default_rules();
	struct docs d;
	unsigned langs_with_rows = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	fprintf(stderr, "\n");
	if (judge_docs(r, &d, 1) != 0) {
		CU_FAIL("cannot read " DOCS_FILE);
		quell__rules_unref(r);
		return;
	}
	for (size_t l = 0; l < d.nlangs; l++)
		langs_with_rows += d.lang[l].rows >= 4;
	fprintf(stderr, "documentation corpus: %u replies from %zu sources in %zu languages "
	        "(%u with 4 or more)\n", d.rows, d.nsources, d.nlangs, langs_with_rows);
	fprintf(stderr, "false suppressions: %u/%u (%.1f%%)\n", d.false_supp, d.keep,
	        pct(d.false_supp, d.keep));
	fprintf(stderr, "missed suppressions: %u/%u (%.1f%%)\n", d.missed, d.suppress,
	        pct(d.missed, d.suppress));
	fprintf(stderr, "outcome exactly as labelled: %u/%u (%.1f%%)\n", d.exact, d.rows,
	        pct(d.exact, d.rows));
	fprintf(stderr, "errors per source:");
	for (size_t s = 0; s < d.nsources; s++)
		if (d.source[s].errors > 0)
			fprintf(stderr, " %s %u/%u", d.source[s].name, d.source[s].errors,
			        d.source[s].rows);
	fprintf(stderr, "\n");
	CU_ASSERT(d.keep > 0 && d.suppress > 0);
	CU_ASSERT(langs_with_rows >= 5);
	CU_ASSERT(pct(d.false_supp, d.keep) < 1.05);
	CU_ASSERT(pct(d.missed, d.suppress) < 3.05);
	free(d.hits);
	quell__rules_unref(r);
}

/* ------------------------------------------------------- the registry */

static void registry_case(const struct quell__rules *r, const char *code, char klass,
                          const char *want, unsigned *checked)
{
	static const char *const basic[] = { ['2'] = "250", ['4'] = "450", ['5'] = "550" };
	const struct quell__rule *rule, *rule2;
	char status[16], with_code[32], got[64];

	snprintf(status, sizeof status, "%c%s", klass, code + 1);
	snprintf(with_code, sizeof with_code, "%s %s", basic[(unsigned char)klass], status);
	snprintf(got, sizeof got, "%s", outcome(r, status, NULL, &rule));
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n  %s: got %s (%s), want %s", status, got,
		        rule != NULL ? rule->name : "no rule", want);
	CU_ASSERT_STRING_EQUAL(got, want);
	if (rule != NULL && strcmp(rule->name, "unclassified") != 0) {
		const char *got2 = outcome(r, with_code, NULL, &rule2);

		if (strcmp(got2, want) != 0)
			fprintf(stderr, "\n  %s: got %s (%s), want %s", with_code, got2,
			        rule2 != NULL ? rule2->name : "no rule", want);
		CU_ASSERT_STRING_EQUAL(got2, want);
	}
	(*checked)++;
}

static void test_eval_registry(void)
{
	struct quell__rules *r = tu_default_rules();
	char *line = NULL, *f[8];
	size_t cap = 0, lineno = 0;
	unsigned codes = 0, checked = 0;
	FILE *in = fopen(REGISTRY_FILE, "r");

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	if (in == NULL) {
		CU_FAIL("cannot read " REGISTRY_FILE);
		quell__rules_unref(r);
		return;
	}
	while (getline(&line, &cap, in) >= 0) {
		if (lineno++ == 0)
			continue;
		if (tu_split_tabs(line, f, 8) != 6 || strncmp(f[0], "X.", 2) != 0) {
			fprintf(stderr, "\n  %s:%zu: expected 6 fields", REGISTRY_FILE, lineno);
			CU_FAIL("bad registry line");
			continue;
		}
		codes++;
		if (strchr(f[1], '2') != NULL)
			registry_case(r, f[0], '2', "clear", &checked);
		/* a class the registry allows has an outcome, one it does not, none */
		CU_ASSERT((strchr(f[1], '5') != NULL) == (strcmp(f[4], "-") != 0));
		CU_ASSERT((strchr(f[1], '4') != NULL) == (strcmp(f[5], "-") != 0));
		if (strchr(f[1], '5') != NULL)
			registry_case(r, f[0], '5', f[4], &checked);
		if (strchr(f[1], '4') != NULL)
			registry_case(r, f[0], '4', f[5], &checked);
	}
	fprintf(stderr, "\nregistry: %u codes, %u status/class outcomes checked\n", codes, checked);
	CU_ASSERT(codes >= 81);
	free(line);
	fclose(in);
	quell__rules_unref(r);
}

static CU_TestInfo eval_docs_tests[] = {
	{ "documented replies under the default rules", test_eval_docs },
	{ "every registered enhanced status has its outcome", test_eval_registry },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_eval_docs[] = {
	{ "eval-docs", NULL, NULL, NULL, NULL, eval_docs_tests },
	CU_SUITE_INFO_NULL,
};
