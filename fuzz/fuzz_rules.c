/*
 * fuzz_rules.c - libFuzzer target for the rules loader (libyaml events,
 * schema checks, PCRE2 compilation) and the matcher on what it loads.
 *
 * The input is a rules file.  Checked on every input:
 *   - success with a set, or QUELL_EDATA / QUELL_ENOMEM with no set and
 *     a one-line message "fuzz.yaml:LINE:COL: ..." (or "fuzz.yaml: ...");
 *   - every loaded rule has a valid name, action, scope and category, and
 *     names are unique;
 *   - matching a few replies (and the input itself, as a reply) returns a
 *     rule of the set or NULL, and the same one twice;
 *   - ref and unref balance (ASan reports any leak or use after free);
 *   - the check that reports every error agrees: a file that loads has
 *     none, one that does not has at least one, the first of them is the
 *     loader's message, and each is one line "fuzz.yaml:...";
 *   - warnings (rules that can never match) come only for a file that
 *     loads, each "fuzz.yaml:LINE:COL: warning: rule 'B' ..." naming a
 *     rule of the set once, never the first; and no reply tried here
 *     ever matches a rule warned about (the analysis is never wrong in
 *     the direction it speaks).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s\n", #x); abort(); } } while (0)

static const char *const replies[] = {
	"550 5.1.1 <a@example.com>: Recipient address rejected: User unknown",
	"421 4.7.0 [TSS04] Messages temporarily deferred",
	"552 5.2.2 Mailbox full",
	"250 2.0.0 Ok",
	"Sorry, I couldn't find any host named nx.example. (#5.1.2)",
	"554 Empf\xe4nger unbekannt \xc3",
};

static int valid_name(const char *s)
{
	if (*s == '\0' || strlen(s) >= QUELL_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		      *s == '-'))
			return 0;
	return 1;
}

static void check_match(const struct quell__rules *r, const char *dead, const char *in,
                        size_t len, const char *domain)
{
	static char buf[QUELL__REPLY_IN_MAX + 1];
	const struct quell__rule *m1, *m2;
	struct quell__reply rp;
	size_t n = quell__rules_count(r), i;

	if (quell__reply_parse(in, len, buf, sizeof buf, &rp, NULL, 0) != 0)
		return;
	m1 = quell__rules_match(r, &rp, domain);
	m2 = quell__rules_match(r, &rp, domain);
	CHECK(m1 == m2);
	if (m1 == NULL)
		return;
	for (i = 0; i < n && quell__rules_at(r, i) != m1; i++)
		;
	CHECK(i < n);
	CHECK(dead == NULL || !dead[i]);
}

struct errors {
	unsigned n, warnings;
	char first[512];
	char names[64][QUELL_NAME_MAX]; /* the first rules warned about */
};

/* "fuzz.yaml:LINE:COL: warning: rule 'NAME' can never match: ...": NAME
 * into name (n bytes), 1; else 0. */
static int warning_of(const char *msg, char *name, size_t n)
{
	const char *p = msg + 10, *q;

	for (int part = 0; part < 2; part++) {
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p++ != ':')
			return 0;
	}
	if (strncmp(p, " warning: rule '", 16) != 0)
		return 0;
	p += 16;
	q = strchr(p, '\'');
	CHECK(q != NULL && (size_t)(q - p) < n);
	CHECK(strncmp(q, "' can never match: rule '", 25) == 0);
	memcpy(name, p, (size_t)(q - p));
	name[q - p] = '\0';
	return 1;
}

static void on_error(void *arg, const char *msg)
{
	struct errors *e = arg;
	char name[QUELL_NAME_MAX];

	CHECK(strncmp(msg, "fuzz.yaml:", 10) == 0 && strchr(msg, '\n') == NULL);
	if (warning_of(msg, name, sizeof name)) {
		CHECK(e->n == 0); /* after the errors: there are none */
		if (e->warnings < 64)
			memcpy(e->names[e->warnings], name, sizeof name);
		e->warnings++;
		return;
	}
	CHECK(e->warnings == 0);
	if (e->n++ == 0)
		snprintf(e->first, sizeof e->first, "%s", msg);
}

/* quell__rules_check on the same input: rc 0 with no error reported, or
 * the loader's error first among those reported.  Warnings: in dead (one
 * byte per rule of r, the loaded set), when the file loads. */
static void check_all_errors(const uint8_t *data, size_t size, int load_rc, const char *load_err,
                             const struct quell__rules *loaded, char *dead)
{
	static struct errors e;
	struct quell__rules *r = NULL;
	char err[512];
	int rc;

	memset(&e, 0, sizeof e);
	rc = quell__rules_check(size ? (const char *)data : "", size, "fuzz.yaml", on_error, &e, &r,
	                        err, sizeof err);
	if (rc == QUELL_ENOMEM || load_rc == QUELL_ENOMEM)
		goto out;
	CHECK((rc == 0) == (load_rc == 0));
	CHECK((rc == 0) == (e.n == 0));
	if (rc != 0)
		CHECK(strcmp(e.first, load_err) == 0 && strcmp(err, load_err) == 0 && e.warnings == 0);
	else
		CHECK(e.warnings < quell__rules_count(r) || e.warnings == 0);
	for (unsigned w = 0; dead != NULL && w < e.warnings && w < 64; w++) {
		size_t i, n = quell__rules_count(loaded);

		for (i = 0; i < n && strcmp(quell__rules_at(loaded, i)->name, e.names[w]) != 0; i++)
			;
		CHECK(i > 0 && i < n && !dead[i]);
		dead[i] = 1;
	}
out:
	quell__rules_unref(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quell__rules *r = (struct quell__rules *)&r;
	char err[512], *dead = NULL;
	int rc;

	err[0] = '\0';
	rc = quell__rules_load((const char *)data, size, "fuzz.yaml", &r, err, sizeof err);
	if (rc == 0)
		dead = calloc(quell__rules_count(r) + 1, 1);
	check_all_errors(data, size, rc, err, rc == 0 ? r : NULL, dead);
	if (rc != 0) {
		CHECK(rc == QUELL_EDATA || rc == QUELL_ENOMEM);
		CHECK(r == NULL);
		CHECK(strncmp(err, "fuzz.yaml:", 10) == 0 && strchr(err, '\n') == NULL);
		return 0;
	}
	CHECK(r != NULL && err[0] == '\0');
	for (size_t i = 0; i < quell__rules_count(r); i++) {
		const struct quell__rule *rule = quell__rules_at(r, i);

		CHECK(valid_name(rule->name) && valid_name(rule->category));
		CHECK(rule->action >= QUELL_ACTION_SUPPRESS && rule->action <= QUELL_ACTION_IGNORE);
		CHECK(rule->scope == QUELL_SCOPE_ADDRESS || rule->scope == QUELL_SCOPE_DOMAIN);
		CHECK(rule->nttl <= 8 && rule->line >= 1);
		CHECK(rule->backoff.initial > 0 && rule->backoff.max >= rule->backoff.initial);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(quell__rules_at(r, j)->name, rule->name) != 0);
	}
	CHECK(quell__rules_ref(r) == r);
	quell__rules_unref(r);
	for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++)
		check_match(r, dead, replies[i], strlen(replies[i]), i % 2 ? "mx.example.com" : NULL);
	check_match(r, dead, (const char *)data, size > 512 ? 512 : size, "example.com");
	free(dead);
	(void)quell__rules_protected(r, "a.b.example.com");
	quell__rules_unref(r);
	return 0;
}
