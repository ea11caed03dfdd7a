/*
 * test_rules.c - the rules engine: loading valid files (every key, the
 * defaults it fills in), every kind of error with its exact
 * FILE:LINE:COL message, matching semantics (codes, statuses, domains,
 * text, all-must-hold, first match wins), protect, reference counting,
 * matching from many threads, reading files, and the i-th allocation
 * failing.  The default policy itself is tested in test_record.c.
 *
 * Allocation failures come from tests/alloc.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "alloc.h"
#include "reply.h"
#include "rules.h"

/* ------------------------------------------------------------- helpers */

static int load(const char *yaml, struct quell__rules **out, char *err, size_t errsize)
{
	return quell__rules_load(yaml, strlen(yaml), "r.yaml", out, err, errsize);
}

static const struct quell__rule *find(const struct quell__rules *r, const char *name)
{
	for (size_t i = 0; i < quell__rules_count(r); i++)
		if (strcmp(quell__rules_at(r, i)->name, name) == 0)
			return quell__rules_at(r, i);
	return NULL;
}

/* The name of the rule reply matches, "" for none. */
static const char *match(const struct quell__rules *r, const char *reply, const char *domain)
{
	static char buf[QUELL__REPLY_IN_MAX + 1];
	const struct quell__rule *rule;
	struct quell__reply rp;

	if (quell__reply_parse(reply, strlen(reply), buf, sizeof buf, &rp, NULL, 0) != 0)
		return "(parse error)";
	rule = quell__rules_match(r, &rp, domain);
	return rule != NULL ? rule->name : "";
}

/* ------------------------------------------------------------- loading */

static const char full_file[] =
	"# a file that uses every key\n"
	"version: 1\n"
	"backoff: { initial: 10m, factor: 1.5, max: 2h, give_up_after: forever }\n"
	"protect: [example.net, Big.Example.]\n"
	"rules:\n"
	"  - name: ok\n"
	"    when: { code: 2xx }\n"
	"    then: { action: clear, category: delivered }\n"
	"  - name: gone\n"
	"    when: { code: 551 }\n"
	"    then: { action: suppress, ttl: [7d, 30d, forever] }\n"
	"  - name: unknown\n"
	"    when: { code: [55x, 501], status: [5.1.1, 5.1.6] }\n"
	"    unless: { text: \"(?i)sender\" }\n"
	"    then: { action: suppress, scope: address, category: bad-mailbox, ttl: 90d }\n"
	"  - name: policy\n"
	"    when: { status: \"5.7.*\" }\n"
	"    then: { action: ignore, category: policy }\n"
	"  - name: exact\n"
	"    when: { domain: exact.example, code: 554 }\n"
	"    then: { action: suppress, scope: domain }\n"
	"  - name: wild\n"
	"    when: { domain: [\"*.wild.example\", other.example], code: 554 }\n"
	"    then: { action: backoff, scope: domain, initial: 1h, max: 4h }\n"
	"  - name: full\n"
	"    when: { code: 5xx, text: \"(?i)mailbox (is )?full\" }\n"
	"    unless: { code: 552, text: \"(?i)system\" }\n"
	"    then: { action: count, threshold: 2, window: 1d, category: quota }\n"
	"  - name: i18n\n"
	"    when: { text: \"Empfänger unbekannt\" }\n"
	"    then: { action: suppress }\n"
	"  - name: all-of-them\n"
	"    when:\n"
	"      code: 552\n"
	"      status: 5.2.2\n"
	"      domain: quota.example\n"
	"      text: over\n"
	"    then:\n"
	"      action: count\n"
	"      threshold: 5\n"
	"      window: 14d\n"
	"  - name: empty-when\n"
	"    when: {}\n"
	"    then: { action: backoff, factor: 4 }\n";

static void test_rules_load_full(void)
{
	struct quell__rules *r = NULL;
	const struct quell__rule *g, *u, *w, *f, *e, *ok;
	char err[256] = "";

	CU_ASSERT_EQUAL_FATAL(load(full_file, &r, err, sizeof err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(quell__rules_name(r), "r.yaml");
	CU_ASSERT_EQUAL(quell__rules_count(r), 10);
	CU_ASSERT_PTR_NULL(quell__rules_at(r, 10));
	CU_ASSERT_EQUAL(quell__rules_backoff(r)->initial, 600);
	CU_ASSERT_DOUBLE_EQUAL(quell__rules_backoff(r)->factor, 1.5, 1e-9);
	CU_ASSERT_EQUAL(quell__rules_backoff(r)->max, 7200);
	CU_ASSERT_EQUAL(quell__rules_backoff(r)->give_up_after, 0);

	ok = find(r, "ok");
	g = find(r, "gone");
	u = find(r, "unknown");
	w = find(r, "wild");
	f = find(r, "full");
	e = find(r, "empty-when");
	CU_ASSERT_FATAL(ok && g && u && w && f && e);
	CU_ASSERT_EQUAL(ok->action, QUELL_ACTION_CLEAR);
	CU_ASSERT_EQUAL(ok->line, 6);
	CU_ASSERT_STRING_EQUAL(ok->category, "delivered");
	CU_ASSERT_EQUAL(ok->category_set, 1);
	/* defaults: address scope, category other (not named), ttl forever */
	CU_ASSERT_EQUAL(g->scope, QUELL_SCOPE_ADDRESS);
	CU_ASSERT_STRING_EQUAL(g->category, "other");
	CU_ASSERT_EQUAL(g->category_set, 0);
	CU_ASSERT_EQUAL(g->nttl, 3);
	CU_ASSERT(g->ttl[0] == 7 * 86400 && g->ttl[1] == 30 * 86400 && g->ttl[2] == 0);
	CU_ASSERT_EQUAL(u->nttl, 1);
	CU_ASSERT_EQUAL(u->ttl[0], 90 * 86400);
	/* backoff overrides merge over the file's values */
	CU_ASSERT_EQUAL(w->action, QUELL_ACTION_BACKOFF);
	CU_ASSERT_EQUAL(w->scope, QUELL_SCOPE_DOMAIN);
	CU_ASSERT_EQUAL(w->backoff.initial, 3600);
	CU_ASSERT_EQUAL(w->backoff.max, 4 * 3600);
	CU_ASSERT_DOUBLE_EQUAL(w->backoff.factor, 1.5, 1e-9);
	CU_ASSERT_EQUAL(w->backoff.give_up_after, 0);
	CU_ASSERT_DOUBLE_EQUAL(e->backoff.factor, 4.0, 1e-9);
	CU_ASSERT_EQUAL(e->backoff.initial, 600);
	CU_ASSERT_EQUAL(f->threshold, 2);
	CU_ASSERT_EQUAL(f->window, 86400);
	CU_ASSERT_EQUAL(find(r, "all-of-them")->threshold, 5);
	/* protect: the domain and its subdomains, any case, trailing dot */
	CU_ASSERT(quell__rules_protected(r, "example.net"));
	CU_ASSERT(quell__rules_protected(r, "mx.EXAMPLE.net"));
	CU_ASSERT(quell__rules_protected(r, "big.example"));
	CU_ASSERT(quell__rules_protected(r, "a.b.big.example."));
	CU_ASSERT(!quell__rules_protected(r, "notexample.net"));
	CU_ASSERT(!quell__rules_protected(r, "net"));
	CU_ASSERT(!quell__rules_protected(r, "example.org"));
	CU_ASSERT(!quell__rules_protected(r, NULL));
	quell__rules_unref(r);
}

/* What the file leaves out gets the contract's defaults. */
static void test_rules_load_minimal(void)
{
	struct quell__rules *r = NULL;
	struct quell__reply rp;
	char err[256], buf[16];

	CU_ASSERT_EQUAL_FATAL(load("version: 1\n", &r, err, sizeof err), 0);
	CU_ASSERT_EQUAL(quell__rules_count(r), 0);
	CU_ASSERT_EQUAL(quell__rules_backoff(r)->initial, 15 * 60);
	CU_ASSERT_DOUBLE_EQUAL(quell__rules_backoff(r)->factor, 2.0, 1e-9);
	CU_ASSERT_EQUAL(quell__rules_backoff(r)->max, 8 * 3600);
	CU_ASSERT_EQUAL(quell__rules_backoff(r)->give_up_after, 5 * 86400);
	CU_ASSERT(!quell__rules_protected(r, "gmail.com"));
	CU_ASSERT_EQUAL_FATAL(quell__reply_parse("550", 3, buf, sizeof buf, &rp, NULL, 0), 0);
	CU_ASSERT_PTR_NULL(quell__rules_match(r, &rp, "example.com"));
	quell__rules_unref(r);
	/* NULL filename, buffer without NUL */
	CU_ASSERT_EQUAL_FATAL(quell__rules_load("version: 1xx", 10, NULL, &r, err, sizeof err), 0);
	CU_ASSERT_STRING_EQUAL(quell__rules_name(r), "<rules>");
	quell__rules_unref(r);
}

/* ------------------------------------------------------------- errors */

#define R "version: 1\nrules:\n"
#define E31 "ééééééééééééééééééééééééééééééé"
#define E40 E31 "ééééééééé"
#define RULE(body) R "  - name: a\n" body

static const struct {
	const char *yaml;
	const char *err; /* exact, or a prefix when it ends in '*' */
} bad_files[] = {
	/* the file and its top level */
	{ "", "r.yaml:1:1: the file is empty; it needs at least 'version: 1'" },
	{ "# nothing\n", "r.yaml:1:1: the file is empty; it needs at least 'version: 1'" },
	{ "hello\n", "r.yaml:1:1: the rules file: expected a mapping of keys (version...)" },
	{ "rules: []\n", "r.yaml:1:1: missing key 'version' (write 'version: 1' first)" },
	{ "version: 2\n", "r.yaml:1:10: version: '2' is not supported (this quell reads version 1)" },
	{ "version: '1'\n", "r.yaml:1:10: version: expected the number 1, found a quoted string" },
	{ "version:\n", "r.yaml:1:9: version: expected a value, found nothing" },
	{ "version: 1\nrulez: []\n", "r.yaml:2:1: unknown key 'rulez' in the rules file (expected "
	                             "version, backoff, protect or rules)" },
	{ "version: 1\nversion: 1\n",
	  "r.yaml:2:1: duplicate key 'version' in the rules file (first at line 1)" },
	{ "version: 1\nrules: {}\n", "r.yaml:2:8: rules: expected a list of rules" },
	{ R "  - just a string\n", "r.yaml:3:5: a rule: expected a mapping of keys (name...)" },
	/* YAML features a rules file does without */
	{ "version: 1\nbackoff: &b {initial: 1h}\nrules:\n  - name: a\n    then: *b\n",
	  "r.yaml:5:11: YAML aliases (*b) of mappings and lists are not allowed in a rules file; "
	  "only of a scalar" },
	{ "version: 1\nrules:\n  - name: a\n    when: {text: *t}\n    then: {action: ignore}\n",
	  "r.yaml:4:18: unknown YAML anchor (*t)" },
	{ "version: 1\nrules:\n  - name: a\n    when: {text: &t \"(x\"}\n    then: {action: ignore}\n",
	  "r.yaml:4:18: text: bad regular expression at offset 2: missing closing parenthesis" },
	{ "version: !!int 1\n",
	  "r.yaml:1:10: YAML tags (tag:yaml.org,2002:int) are not allowed in a rules file" },
	{ "version: 1\n---\nversion: 1\n",
	  "r.yaml:2:1: a rules file holds one YAML document, this is a second one" },
	{ "version: 1\n? [a]\n: b\n",
	  "r.yaml:2:3: a mapping key must be a plain word, not a mapping or list" },
	{ "version: 1\nrules: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	  "r.yaml:2:39: nested deeper than 32 levels" },
	{ "version: 1\nrules: [\n", "r.yaml:3:1: did not find expected node content*" },
	{ "version: 1\n\xff\n", "r.yaml:2:1: invalid leading UTF-8 octet (byte 0xff)" },
	/* a rule */
	{ R "  - then: {action: ignore}\n", "r.yaml:3:5: rule: missing key 'name'" },
	{ R "  - name: a\n", "r.yaml:3:5: rule: missing key 'then'" },
	{ RULE("    unless: {}\n    then: {action: ignore}\n"),
	  "r.yaml:4:13: unless: is empty (the rule would never match); leave it out" },
	{ RULE("    unless:\n    then: {action: ignore}\n"),
	  "r.yaml:4:12: unless: is empty (the rule would never match); leave it out" },
	{ RULE("    unless: {txt: a}\n    then: {action: ignore}\n"),
	  "r.yaml:4:14: unknown key 'txt' in a rule's unless (expected code, status, text or domain)" },
	{ RULE("    unless: {text: \"(a\"}\n    then: {action: ignore}\n"),
	  "r.yaml:4:20: text: bad regular expression at offset 2: missing closing parenthesis" },
	{ RULE("    wehn: {code: 550}\n    then: {action: ignore}\n"),
	  "r.yaml:4:5: unknown key 'wehn' in a rule (expected name, when, unless or then)" },
	{ R "  - name: User-Unknown\n    then: {action: ignore}\n",
	  "r.yaml:3:11: name: 'User-Unknown' must match [a-z0-9._-]+ and be at most 63 characters" },
	{ R "  - name: [a]\n    then: {action: ignore}\n",
	  "r.yaml:3:11: name: expected a single value, found a list" },
	{ R "  - name:\n    then: {action: ignore}\n",
	  "r.yaml:3:10: name: expected a value, found nothing" },
	{ RULE("    then: {action: ignore}\n") "  - name: a\n    then: {action: ignore}\n",
	  "r.yaml:5:11: name: duplicate rule name 'a' (first at line 3)" },
	/* when */
	{ RULE("    when:\n    then: {action: ignore}\n"),
	  "r.yaml:4:10: when: is empty; leave it out to match every reply" },
	{ RULE("    when: {cod: 550}\n    then: {action: ignore}\n"),
	  "r.yaml:4:12: unknown key 'cod' in a rule's when (expected code, status, text or domain)" },
	{ RULE("    when: {code: 650}\n    then: {action: ignore}\n"),
	  "r.yaml:4:18: code: '650' is not a reply code pattern (550, 55x, 5xx)" },
	{ RULE("    when: {code: [550, 5xxx]}\n    then: {action: ignore}\n"),
	  "r.yaml:4:24: code: '5xxx' is not a reply code pattern (550, 55x, 5xx)" },
	{ RULE("    when: {code: {a: 1}}\n    then: {action: ignore}\n"),
	  "r.yaml:4:18: code: expected a value or a list of values, found a mapping" },
	{ RULE("    when: {status: 5.7}\n    then: {action: ignore}\n"),
	  "r.yaml:4:20: status: '5.7' is not an enhanced status pattern (5.1.1, 5.7.*, 4.*)" },
	{ RULE("    when: {status: 6.1.1}\n    then: {action: ignore}\n"),
	  "r.yaml:4:20: status: '6.1.1' is not an enhanced status pattern (5.1.1, 5.7.*, 4.*)" },
	{ RULE("    when: {status: [5.1.1, 5.1.1000]}\n    then: {action: ignore}\n"),
	  "r.yaml:4:28: status: '5.1.1000' is not an enhanced status pattern (5.1.1, 5.7.*, 4.*)" },
	{ RULE("    when: {status: []}\n    then: {action: ignore}\n"),
	  "r.yaml:4:20: status: the list is empty" },
	{ RULE("    when: {text: '(unclosed'}\n    then: {action: ignore}\n"),
	  "r.yaml:4:18: text: bad regular expression at offset 9: missing closing parenthesis" },
	{ RULE("    when: {text: 'a{2,1}'}\n    then: {action: ignore}\n"),
	  "r.yaml:4:18: text: bad regular expression at offset 5: numbers out of order in {} "
	  "quantifier" },
	{ RULE("    when: {text: \"a\\0b\"}\n    then: {action: ignore}\n"),
	  "r.yaml:4:18: text: contains a NUL byte" },
	{ RULE("    when: {domain: 'exa mple.com'}\n    then: {action: ignore}\n"),
	  "r.yaml:4:20: domain: 'exa mple.com' is not a domain name (example.com or "
	  "*.example.com)" },
	{ RULE("    when: {domain: bücher.example}\n    then: {action: ignore}\n"),
	  "r.yaml:4:20: domain: 'bücher.example': write an international domain as its A-label "
	  "(xn--...)" },
	/* then */
	{ RULE("    then: {scope: domain}\n"),
	  "r.yaml:4:11: then: missing key 'action' (suppress, backoff, count, clear or ignore)" },
	{ RULE("    then: {action: drop}\n"),
	  "r.yaml:4:20: action: 'drop' is not suppress, backoff, count, clear or ignore" },
	{ RULE("    then: {action: ignore, ttl2: 1d}\n"),
	  "r.yaml:4:28: unknown key 'ttl2' in a rule's then (expected action, scope, category, ttl, "
	  "initial, factor, max, give_up_after, threshold or window)" },
	{ RULE("    then: {action: ignore, scope: global}\n"),
	  "r.yaml:4:35: scope: 'global' is not address or domain" },
	{ RULE("    then: {action: ignore, category: Bad Mailbox}\n"),
	  "r.yaml:4:38: category: 'Bad Mailbox' must match [a-z0-9._-]+ and be at most 63 "
	  "characters" },
	{ RULE("    then: {action: suppress, ttl: 7 days}\n"),
	  "r.yaml:4:35: ttl: '7 days' is not a duration (30s, 15m, 8h, 7d, 2w, forever)" },
	{ RULE("    then: {action: suppress, ttl: [forever, 30d]}\n"),
	  "r.yaml:4:45: ttl: nothing can follow forever" },
	{ RULE("    then: {action: suppress, ttl: [1d, 2d, 3d, 4d, 5d, 6d, 7d, 8d, 9d]}\n"),
	  "r.yaml:4:35: ttl: at most 8 steps" },
	{ RULE("    then: {action: suppress, threshold: 3}\n"),
	  "r.yaml:4:30: threshold: only a count rule takes threshold (this one is suppress)" },
	{ RULE("    then: {action: ignore, initial: 1h}\n"),
	  "r.yaml:4:28: initial: only a backoff rule takes initial (this one is ignore)" },
	{ RULE("    then: {action: backoff, ttl: 1d}\n"),
	  "r.yaml:4:29: ttl: only a suppress rule takes ttl (this one is backoff)" },
	{ RULE("    then: {action: count, threshold: 3}\n"),
	  "r.yaml:4:11: then: a count rule needs threshold and window" },
	{ RULE("    then: {action: count, threshold: 0, window: 1d}\n"),
	  "r.yaml:4:38: threshold: expected a whole number from 1 to 1000000" },
	{ RULE("    then: {action: count, threshold: '5', window: 1d}\n"),
	  "r.yaml:4:38: threshold: expected a whole number from 1 to 1000000" },
	{ RULE("    then: {action: count, threshold: 5, window: forever}\n"),
	  "r.yaml:4:49: window: must be a finite duration, not forever" },
	{ RULE("    then: {action: backoff, factor: 0.5}\n"),
	  "r.yaml:4:37: factor: must be a number from 1 to 1000" },
	{ RULE("    then: {action: backoff, factor: two}\n"),
	  "r.yaml:4:37: factor: expected a number such as 2 or 1.5" },
	{ RULE("    then: {action: backoff, initial: 12h}\n"),
	  "r.yaml:4:11: max (28800s) is less than initial (43200s)" },
	/* backoff and protect */
	{ "version: 1\nbackoff: {initial: 1h, max: 10m}\n",
	  "r.yaml:2:29: max (600s) is less than initial (3600s)" },
	{ "version: 1\nbackoff: {initial: forever}\n",
	  "r.yaml:2:20: initial: must be a finite duration, not forever" },
	{ "version: 1\nbackoff: {start: 1h}\n",
	  "r.yaml:2:11: unknown key 'start' in backoff (expected initial, factor, max or "
	  "give_up_after)" },
	{ "version: 1\nprotect: ['*.gmail.com']\n",
	  "r.yaml:2:11: protect: write the domain without '*.'; it covers its subdomains" },
	{ "version: 1\nprotect: [gmail..com]\n",
	  "r.yaml:2:11: protect: 'gmail..com' is not a domain name" },
	/* a message stays one printable line (found by fuzz_rules) */
	{ "version: 1\nprotect: [yah\n\n  oo.com]\n",
	  "r.yaml:2:11: protect: 'yah?oo.com' is not a domain name" },
	{ "version: 1\nrules:\n  - name: \"\\x01" E40 "\"\n    then: {action: ignore}\n",
	  "r.yaml:3:11: name: '?" E31 "?' must match [a-z0-9._-]+ and be at most 63 characters" },
};

static void test_rules_errors(void)
{
	for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
		struct quell__rules *r = (struct quell__rules *)&r; /* must be reset */
		const char *want = bad_files[i].err;
		size_t n = strlen(want);
		char err[512] = "";
		int rc = load(bad_files[i].yaml, &r, err, sizeof err);
		int ok = want[n - 1] == '*' ? strncmp(err, want, n - 1) == 0 : strcmp(err, want) == 0;

		if (rc != QUELL_EDATA || !ok || r != NULL)
			fprintf(stderr, "\ncase %zu: got rc=%d out=%p \"%s\"\n         want \"%s\"\n", i, rc,
			        (void *)r, err, want);
		CU_ASSERT(rc == QUELL_EDATA && ok);
		CU_ASSERT_PTR_NULL(r); /* never half-loaded */
		quell__rules_unref(r);
	}
}

/* A message that does not fit is cut, not overrun; no err buffer is fine. */
static void test_rules_error_buffer(void)
{
	struct quell__rules *r;
	char err[12];

	memset(err, 'x', sizeof err);
	CU_ASSERT_EQUAL(load("version: 2\n", &r, err, sizeof err), QUELL_EDATA);
	CU_ASSERT_STRING_EQUAL(err, "r.yaml:1:10");
	CU_ASSERT_EQUAL(load("version: 2\n", &r, NULL, 0), QUELL_EDATA);
	CU_ASSERT_EQUAL(load("version: 1\nrules: [\n", &r, err, 1), QUELL_EDATA);
	CU_ASSERT_EQUAL(err[0], '\0');
	CU_ASSERT_EQUAL(quell__rules_load("x", 1, "f", NULL, err, sizeof err), QUELL_EINVAL);
	CU_ASSERT_EQUAL(quell__rules_load(NULL, 1, "f", &r, err, sizeof err), QUELL_EINVAL);
}

/* ------------------------------------------------------------ matching */

static void test_rules_match(void)
{
	static const struct {
		const char *reply, *domain, *want;
	} t[] = {
		{ "250 2.0.0 ok", "x.example", "ok" },
		{ "551 user not local", "x.example", "gone" },
		{ "550 5.1.1 user unknown", "x.example", "unknown" },
		{ "501 5.1.6 moved", "x.example", "unknown" },
		{ "550 5.1.2 bad domain", "x.example", "empty-when" },  /* status not listed */
		{ "554 5.1.1 x", "x.example", "unknown" },              /* 55x: 550-559 */
		{ "511 5.1.1 x", "x.example", "empty-when" },
		{ "5.1.1 no code", "x.example", "empty-when" },         /* a code rule needs a code */
		{ "550 5.7.1 blocked", "x.example", "policy" },
		{ "5.7.999 status alone", "x.example", "policy" },
		{ "550 5.70.1 not 5.7", "x.example", "empty-when" },
		{ "554 rejected", "exact.example", "exact" },
		{ "554 rejected", "EXACT.example.", "exact" },          /* case, trailing dot */
		{ "554 rejected", "mx.exact.example", "empty-when" },   /* exact: no subdomains */
		{ "554 rejected", "wild.example", "wild" },             /* *.x: x itself... */
		{ "554 rejected", "a.b.wild.example", "wild" },         /* ...and below it */
		{ "554 rejected", "notwild.example", "empty-when" },
		{ "554 rejected", "other.example", "wild" },
		{ "554 rejected", NULL, "empty-when" },                 /* no domain: no domain rule */
		{ "552 Mailbox is FULL", "x.example", "full" },
		{ "550 5.1.1 sender unknown", "x.example", "empty-when" }, /* unless: text */
		{ "552 mailbox full, system", "x.example", "empty-when" }, /* unless: all of it */
		{ "553 mailbox full, system", "x.example", "full" },        /* ...not only text */
		{ "552 mailbox full, other", "x.example", "full" },         /* ...not only code */
		{ "452 mailbox full", "x.example", "empty-when" },      /* 5xx only */
		{ "Empfänger unbekannt", "x.example", "i18n" },
		{ "550 Empf\xe4nger unbekannt", "x.example", "empty-when" }, /* Latin-1: no match */
		{ "552 5.2.2 over quota", "quota.example", "all-of-them" },
		{ "552 5.2.2 over quota", "other.example", "empty-when" },
		{ "552 5.2.1 over quota", "quota.example", "empty-when" },
		{ "552 5.2.2 quota", "quota.example", "empty-when" },
		{ "just text", NULL, "empty-when" },
	};
	struct quell__rules *r = NULL;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(load(full_file, &r, err, sizeof err), 0);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const char *got = match(r, t[i].reply, t[i].domain);

		if (strcmp(got, t[i].want) != 0)
			fprintf(stderr, "\n%s (%s): got rule \"%s\" want \"%s\"\n", t[i].reply,
			        t[i].domain ? t[i].domain : "no domain", got, t[i].want);
		CU_ASSERT_STRING_EQUAL(got, t[i].want);
	}
	CU_ASSERT_PTR_NULL(quell__rules_match(NULL, NULL, NULL));
	quell__rules_unref(r);
}

/* Text bytes that are not UTF-8 never upset a UTF pattern: each stray
 * byte reads as '?', short texts and long ones alike. */
static void test_rules_match_invalid_utf8(void)
{
	static const struct {
		const char *text;
		int want;
	} t[] = {
		{ "\xff\xfe \xc3\xbc x \xc3", 1 },
		{ "\xc3\xbc \xc3\x28 \xe2\x82 x", 1 },
		{ "\xc3\xbc \xed\xa0\x80 x", 1 },  /* a surrogate */
		{ "\xc3\xbc \xc0\xaf x", 1 },       /* an overlong '/' */
		{ "\xf4\x90\x80\x80 x", 0 },        /* past U+10FFFF, no ü */
		{ "\xfc x", 0 },                     /* Latin-1 ü is not ü */
	};
	const char *rule = "version: 1\nrules:\n  - name: u\n    when: { text: '\xc3\xbc.*x' }\n"
	                   "    then: { action: ignore }\n";
	struct quell__rules *r = NULL;
	struct quell__reply rp;
	char err[256], *big;

	CU_ASSERT_EQUAL_FATAL(load(rule, &r, err, sizeof err), 0);
	memset(&rp, 0, sizeof rp);
	rp.klass = rp.subject = rp.detail = -1;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		rp.text = t[i].text;
		rp.text_len = strlen(rp.text);
		if ((quell__rules_match(r, &rp, NULL) != NULL) != t[i].want)
			fprintf(stderr, "\ncase %zu: want %d\n", i, t[i].want);
		CU_ASSERT((quell__rules_match(r, &rp, NULL) != NULL) == t[i].want);
	}
	big = malloc(5000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 0xff, 5000);
	memcpy(big, "\xc3\xbc", 2);
	big[4999] = 'x';
	rp.text = big;
	rp.text_len = 5000;
	CU_ASSERT_PTR_NOT_NULL(quell__rules_match(r, &rp, NULL));
	if (quell_test_alloc_wrapped()) {
		/* no memory for the long copy: the pattern cannot run, no match */
		quell_test_alloc_fail_at(0);
		CU_ASSERT_PTR_NULL(quell__rules_match(r, &rp, NULL));
		quell_test_alloc_fail_at(-1);
	}
	free(big);
	quell__rules_unref(r);
}

/* ------------------------------------------------------------ lifetime */

static void test_rules_refcount(void)
{
	struct quell__rules *r = NULL;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(load(full_file, &r, err, sizeof err), 0);
	CU_ASSERT_PTR_EQUAL(quell__rules_ref(r), r);
	CU_ASSERT_PTR_EQUAL(quell__rules_ref(r), r);
	quell__rules_unref(r);
	quell__rules_unref(r);
	CU_ASSERT_STRING_EQUAL(match(r, "551 x", NULL), "gone"); /* one reference left */
	quell__rules_unref(r);                                     /* freed (valgrind/ASan) */
	quell__rules_unref(NULL);
	CU_ASSERT_PTR_NULL(quell__rules_ref(NULL));
	CU_ASSERT_EQUAL(quell__rules_count(NULL), 0);
	CU_ASSERT_PTR_NULL(quell__rules_backoff(NULL));
	CU_ASSERT_STRING_EQUAL(quell__rules_name(NULL), "");
}

struct thread_arg {
	struct quell__rules *rules;
	int failures;
};

static const char *const thread_replies[][3] = {
	{ "550 5.1.1 user unknown", "d.example", "unknown" },
	{ "552 mailbox full", "d.example", "full" },
	{ "554 x", "a.wild.example", "wild" },
	{ "Empfänger unbekannt", NULL, "i18n" },
	{ "550 5.7.1 no", NULL, "policy" },
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	struct quell__rules *r = quell__rules_ref(a->rules);
	char buf[128];

	for (int i = 0; i < 20000; i++) {
		const char *const *t = thread_replies[i % 5];
		const struct quell__rule *rule;
		struct quell__reply rp;

		if (quell__reply_parse(t[0], strlen(t[0]), buf, sizeof buf, &rp, NULL, 0) != 0 ||
		    (rule = quell__rules_match(r, &rp, t[1])) == NULL || strcmp(rule->name, t[2]) != 0)
			a->failures++;
	}
	quell__rules_unref(r);
	return NULL;
}

/* Many threads match on one set while the loader's reference goes away. */
static void test_rules_threads(void)
{
	struct thread_arg args[4];
	pthread_t tid[4];
	struct quell__rules *r = NULL;
	char err[256];
	int started = 0;

	CU_ASSERT_EQUAL_FATAL(load(full_file, &r, err, sizeof err), 0);
	for (int i = 0; i < 4; i++) {
		args[i].rules = r;
		args[i].failures = 0;
		if (pthread_create(&tid[i], NULL, thread_main, &args[i]) == 0)
			started++;
	}
	CU_ASSERT_EQUAL(started, 4);
	for (int i = 0; i < started; i++) {
		pthread_join(tid[i], NULL);
		CU_ASSERT_EQUAL(args[i].failures, 0);
	}
	quell__rules_unref(r);
}

/* An alias copies its scalar; the copies together stay under the file
 * bound, so a small file cannot expand into a huge one. */
static void test_rules_alias_bound(void)
{
	const size_t big = 1u << 20, uses = 17; /* 17 MiB of copies > 16 MiB */
	size_t cap = big + uses * 64 + 256, n;
	char *buf = malloc(cap), err[256];
	struct quell__rules *r = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	n = (size_t)snprintf(buf, cap, "version: 1\nrules:\n  - name: r0\n    when: {text: &t \"");
	memset(buf + n, 'a', big);
	n += big;
	n += (size_t)snprintf(buf + n, cap - n, "\"}\n    then: {action: ignore}\n");
	for (size_t i = 1; i <= uses; i++)
		n += (size_t)snprintf(buf + n, cap - n,
		                      "  - name: r%zu\n    when: {text: *t}\n    then: {action: ignore}\n", i);
	CU_ASSERT_EQUAL(quell__rules_load(buf, n, "r.yaml", &r, err, sizeof err), QUELL_EDATA);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT(strstr(err, "YAML aliases copy more than 16777216 bytes in all") != NULL);
	/* a few copies are fine, and equal patterns are compiled once */
	n = (size_t)snprintf(buf, cap, "version: 1\nrules:\n"
	                     "  - name: a\n    when: {text: &t \"(?i)gone\"}\n    then: {action: ignore}\n"
	                     "  - name: b\n    when: {code: 550}\n    unless: {text: *t}\n"
	                     "    then: {action: suppress}\n");
	CU_ASSERT_EQUAL_FATAL(quell__rules_load(buf, n, "r.yaml", &r, err, sizeof err), 0);
	CU_ASSERT_STRING_EQUAL(match(r, "550 GONE", NULL), "a");
	CU_ASSERT_STRING_EQUAL(match(r, "550 here", NULL), "b");
	quell__rules_unref(r);
	free(buf);
}

/* The check that reports every error: each one line, in file order, the
 * first also in err; a good file reports none. */
struct reported {
	unsigned n;
	char first[256];
};

static void on_reported(void *arg, const char *msg)
{
	struct reported *r = arg;

	CU_ASSERT(strncmp(msg, "r.yaml:", 7) == 0 && strchr(msg, '\n') == NULL);
	if (r->n++ == 0)
		snprintf(r->first, sizeof r->first, "%s", msg);
}

static void test_rules_check_every_error(void)
{
	static const struct {
		const char *text;
		unsigned want;
	} t[] = {
		{ "version: 2\nbackoff: {initial: x}\nrules:\n  - name: a\n    when: {code: 999}\n"
		  "    then: {action: ignore}\n  - name: b\n    then: {action: nope}\n"
		  "  - name: a\n    then: {action: ignore}\n", 5 },
		{ "version: 1\nrules: [\n", 1 },    /* YAML syntax: the check ends */
		{ "", 1 },                          /* the file as a whole */
		{ "version: 1\nrules: {}\n", 1 },
		{ "version: 1\nrules:\n  - name: a\n    then: {action: ignore}\n", 0 },
	};
	struct quell__rules *r = NULL;
	char err[256], *big;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct reported rep = { 0, "" };
		int rc = quell__rules_check(t[i].text, strlen(t[i].text), "r.yaml", on_reported, &rep,
		                            &r, err, sizeof err);

		if (rep.n != t[i].want)
			fprintf(stderr, "\ncase %zu: %u errors reported, want %u\n", i, rep.n, t[i].want);
		CU_ASSERT_EQUAL(rep.n, t[i].want);
		CU_ASSERT_EQUAL(rc, t[i].want ? QUELL_EDATA : 0);
		if (t[i].want)
			CU_ASSERT_STRING_EQUAL(err, rep.first);
		CU_ASSERT((r != NULL) == (t[i].want == 0));
		quell__rules_unref(r);
		r = NULL;
	}
	/* too big to read at all: one error, said */
	big = calloc(1, (16u << 20) + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	{
		struct reported rep = { 0, "" };

		CU_ASSERT_EQUAL(quell__rules_check(big, (16u << 20) + 1, "r.yaml", on_reported, &rep,
		                                   &r, err, sizeof err), QUELL_EDATA);
		CU_ASSERT_EQUAL(rep.n, 1);
		CU_ASSERT(strstr(rep.first, "larger than") != NULL);
	}
	free(big);
}

/* --------------------------------------------------------------- files */

static void test_rules_load_file(void)
{
	char dir[] = "/tmp/quell-rules-XXXXXX", path[64], err[512];
	struct quell__rules *r = NULL;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/rules.yaml", dir);
	CU_ASSERT_EQUAL(quell__rules_load_file(path, &r, err, sizeof err), QUELL_ENODB);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT(strstr(err, "rules.yaml: No such file or directory") != NULL);
	CU_ASSERT_EQUAL(quell__rules_load_file(dir, &r, err, sizeof err), QUELL_EIO);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(path, "w"));
	fputs(full_file, f);
	fputs("  - name: bad\n    then: { action: nope }\n", f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	CU_ASSERT_EQUAL(quell__rules_load_file(path, &r, err, sizeof err), QUELL_EDATA);
	CU_ASSERT(strncmp(err, path, strlen(path)) == 0);
	CU_ASSERT(strstr(err, ":46:21: action: 'nope' is not") != NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(path, "w"));
	fputs(full_file, f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	CU_ASSERT_EQUAL(quell__rules_load_file(path, &r, err, sizeof err), 0);
	CU_ASSERT_STRING_EQUAL(quell__rules_name(r), path);
	CU_ASSERT_EQUAL(quell__rules_count(r), 10);
	quell__rules_unref(r);
	CU_ASSERT_EQUAL(quell__rules_load_file(NULL, &r, err, sizeof err), QUELL_EINVAL);
	unlink(path);
	rmdir(dir);
}

/* --------------------------------------------------- allocation failure */

static void test_rules_alloc_failures(void)
{
	struct quell__rules *r;
	char err[256];
	long i, n;
	int rc;

	if (!quell_test_alloc_wrapped()) {
		fprintf(stderr, "\nSKIPPED: runner not linked with -Wl,--wrap=malloc\n");
		return;
	}
	for (i = 0;; i++) {
		r = (struct quell__rules *)&r;
		quell_test_alloc_fail_at(i);
		rc = load(full_file, &r, err, sizeof err);
		n = quell_test_alloc_count();
		quell_test_alloc_fail_at(-1);
		if (n <= i)
			break; /* every allocation succeeded: done */
		if (rc != QUELL_ENOMEM || r != NULL || strcmp(err, "r.yaml: out of memory") != 0)
			fprintf(stderr, "\nallocation %ld failed: rc=%d out=%p \"%s\"\n", i, rc,
			        (void *)r, err);
		CU_ASSERT(rc == QUELL_ENOMEM && r == NULL);
		CU_ASSERT_STRING_EQUAL(err, "r.yaml: out of memory");
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(i > 20); /* the wrap did see the loader's allocations */
	quell__rules_unref(r);
}

static CU_TestInfo rules_tests[] = {
	{ "load a file with every key", test_rules_load_full },
	{ "load the smallest file", test_rules_load_minimal },
	{ "every error, with FILE:LINE:COL", test_rules_errors },
	{ "error buffers", test_rules_error_buffer },
	{ "matching: code, status, domain, text, order", test_rules_match },
	{ "matching text that is not UTF-8", test_rules_match_invalid_utf8 },
	{ "ref and unref", test_rules_refcount },
	{ "matching from four threads", test_rules_threads },
	{ "load from a file", test_rules_load_file },
	{ "aliases copy scalars, within the file bound", test_rules_alias_bound },
	{ "check: every error reported", test_rules_check_every_error },
	{ "the i-th allocation fails", test_rules_alloc_failures },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_rules[] = {
	{ "rules", NULL, NULL, NULL, NULL, rules_tests },
	CU_SUITE_INFO_NULL,
};
