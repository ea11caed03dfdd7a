/*
 * test_eval.c - how the default rules judge real bounces they were not
 * written from: the Sisimai sample in $QUELL_EVAL_DIR/sisimai/replies.tsv
 * (see ../shared/eval/README.md).
 *
 * Rows of kind `bounce` whose reason is in the README's suppress set or
 * no-suppress set are scored; ambiguous reasons, rows whose label changed
 * between Sisimai versions (reason_p5 != reason) and notaccept without a
 * 5xx are left out.  Each row's diagnostic text goes through quell__reply_parse;
 * the row's email_code fills a missing code, and its email_status fills a
 * missing status only when the text carried neither code nor status (the
 * Status: field of a DSN is made up by the reporting MTA when the remote
 * server gave none).  A reply is predicted suppressed when the first
 * matching rule suppresses (and is not a domain-scope rule on a protected
 * domain, which the caller applies as ignore).
 *
 * Leave one source out: the errors are also printed per product family
 * (the row id without its number: lhost-postfix, rhost-gsuite...), and so
 * are the rules that decided rows of one family only and no row of the
 * documentation corpus (tests/data/replies-docs.tsv, test_eval_docs.c):
 * a rule written for one family shows up there.
 *
 * Fails when false suppressions exceed 1% or missed suppressions 5%, both
 * rounded to one decimal as printed (the aim for missed ones is 3%).  When
 * the file is missing it prints SKIPPED and passes, unless
 * QUELL_REQUIRE_EVAL=1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "reply.h"
#include "rules.h"
#include "testutil.h"

enum { C_ID, C_REASON, C_KIND, C_CODE, C_STATUS, C_TEXT, C_RCPT, C_P5, C_N };
static const char *const col_names[C_N] = { "id", "reason", "kind", "email_code",
	                                    "email_status", "diagnostic_text", "recipient",
	                                    "reason_p5" };

/* Parse a status "5.1.1" into r (a tiny oracle of its own, not the parser's). */
static void fill_status(struct quell__reply *r, const char *s)
{
	int k, sub, det;
	char tail;

	if (sscanf(s, "%d.%d.%d%c", &k, &sub, &det, &tail) != 3 || (k != 2 && k != 4 && k != 5) ||
	    sub < 0 || sub > 999 || det < 0 || det > 999)
		return;
	r->klass = k;
	r->subject = sub;
	r->detail = det;
	snprintf(r->status, sizeof r->status, "%d.%d.%d", k, sub, det);
}

struct score {
	unsigned suppress_total, missed, keep_total, false_supp;
};

/* Errors per product family, and which families each rule decided. */
#define FAMILIES_MAX 128
struct family {
	char name[48];
	struct score sc;
};
struct families {
	size_t n;
	struct family f[FAMILIES_MAX];
	const struct quell__rules *rules;
	short *first;   /* per rule: the first family it decided, -1 none */
	unsigned char *many; /* per rule: decided rows of more than one family */
};

/* The family of a row id: "lhost-postfix-12#1" -> "lhost-postfix". */
static struct family *family_of(struct families *fs, const char *id)
{
	size_t len = strcspn(id, "#");

	while (len > 0 && id[len - 1] >= '0' && id[len - 1] <= '9')
		len--;
	if (len > 0 && id[len - 1] == '-')
		len--;
	if (len >= sizeof fs->f[0].name)
		len = sizeof fs->f[0].name - 1;
	for (size_t i = 0; i < fs->n; i++)
		if (strncmp(fs->f[i].name, id, len) == 0 && fs->f[i].name[len] == '\0')
			return &fs->f[i];
	if (fs->n == FAMILIES_MAX)
		return NULL;
	memcpy(fs->f[fs->n].name, id, len);
	fs->f[fs->n].name[len] = '\0';
	return &fs->f[fs->n++];
}

static void note_rule(struct families *fs, const struct quell__rule *rule, const struct family *f)
{
	size_t i;
	short fi;

	if (rule == NULL || f == NULL)
		return;
	for (i = 0; quell__rules_at(fs->rules, i) != rule; i++)
		;
	fi = (short)(f - fs->f);
	if (fs->first[i] < 0)
		fs->first[i] = fi;
	else if (fs->first[i] != fi)
		fs->many[i] = 1;
}

static void judge(const struct quell__rules *rules, char **f, struct score *sc,
                  struct families *fs)
{
	struct family *fam;
	static char buf[QUELL__REPLY_IN_MAX + 1];
	const char *reason = f[C_REASON], *domain = NULL, *at;
	const struct quell__rule *rule;
	struct quell__reply r;
	int want, got, had_code, had_status;

	if (strcmp(f[C_KIND], "bounce") != 0 || strcmp(f[C_P5], reason) != 0)
		return;
	want = strcmp(reason, "notaccept") == 0 ? 1 : tu_eval_label(reason);
	if (want < 0)
		return;
	if (strcmp(reason, "notaccept") == 0 &&
	    !(f[C_CODE][0] == '5' || (f[C_CODE][0] == '\0' && f[C_STATUS][0] == '5')))
		return;
	if (quell__reply_parse(f[C_TEXT], strlen(f[C_TEXT]), buf, sizeof buf, &r, NULL, 0) != 0) {
		memset(&r, 0, sizeof r);
		r.klass = r.subject = r.detail = -1;
		r.text = "";
	}
	had_code = r.code != 0;
	had_status = r.klass >= 0;
	if (!had_code && strlen(f[C_CODE]) == 3)
		r.code = atoi(f[C_CODE]);
	if (!had_code && !had_status)
		fill_status(&r, f[C_STATUS]);
	if ((at = strrchr(f[C_RCPT], '@')) != NULL && at[1] != '\0')
		domain = at + 1;
	rule = quell__rules_match(rules, &r, domain);
	got = rule != NULL && rule->action == QUELL_ACTION_SUPPRESS &&
	      !(rule->scope == QUELL_SCOPE_DOMAIN && quell__rules_protected(rules, domain));
	fam = family_of(fs, f[C_ID]);
	note_rule(fs, rule, fam);
	if (fam != NULL) {
		*(want ? &fam->sc.suppress_total : &fam->sc.keep_total) += 1;
		if (want && !got)
			fam->sc.missed++;
		if (!want && got)
			fam->sc.false_supp++;
	}
	if (want) {
		sc->suppress_total++;
		if (!got) {
			sc->missed++;
			fprintf(stderr, "  missed  %s [%s] rule=%s: %d %s %s\n", f[C_ID], reason,
			        rule ? rule->name : "(none)", r.code, r.status, f[C_TEXT]);
		}
	} else {
		sc->keep_total++;
		if (got) {
			sc->false_supp++;
			fprintf(stderr, "  false   %s [%s] rule=%s: %d %s %s\n", f[C_ID], reason,
			        rule->name, r.code, r.status, f[C_TEXT]);
		}
	}
}

static double pct(unsigned a, unsigned b)
{
	return b == 0 ? 0.0 : 100.0 * a / b;
}

/* The leave-one-source-out table: errors per family (families without
 * errors on one line), then the rules that decided rows of one family
 * only and no row of the documentation corpus. */
static void print_families(const struct families *fs, const struct quell__rules *rules)
{
	size_t clean = 0;
	int header = 0;

	fprintf(stderr, "errors per family (false/keep, missed/suppress):\n");
	for (size_t i = 0; i < fs->n; i++) {
		const struct score *s = &fs->f[i].sc;

		if (s->false_supp == 0 && s->missed == 0) {
			clean++;
			continue;
		}
		fprintf(stderr, "  %-28s false %u/%u  missed %u/%u\n", fs->f[i].name, s->false_supp,
		        s->keep_total, s->missed, s->suppress_total);
	}
	fprintf(stderr, "  ... and %zu families without an error\n", clean);
	for (size_t r = 0; r < quell__rules_count(rules); r++) {
		const struct quell__rule *rule = quell__rules_at(rules, r);

		if (fs->first[r] < 0 || fs->many[r] || tu_docs_rule_hits(rule->name) != 0)
			continue;
		if (!header++)
			fprintf(stderr, "rules deciding one family only, no documented reply and no "
			        "registered status:\n");
		fprintf(stderr, "  %-28s %s\n", rule->name, fs->f[fs->first[r]].name);
	}
	if (!header)
		fprintf(stderr, "no rule decides one family only without a documented reply\n");
	fflush(stderr);
}

static void test_eval_sisimai(void)
{
	const char *dir = getenv("QUELL_EVAL_DIR"), *req = getenv("QUELL_REQUIRE_EVAL");
	struct quell__rules *rules = NULL;
	struct score sc = { 0, 0, 0, 0 };
	struct families fs;
	char path[4096], err[256], *line = NULL, *f[32];
	size_t cap = 0, idx[C_N];
	FILE *in;
	int rc;

	snprintf(path, sizeof path, "%s/sisimai/replies.tsv",
	         dir != NULL ? dir : "(QUELL_EVAL_DIR unset)");
	if (dir == NULL || (in = fopen(path, "r")) == NULL) {
		if (req != NULL && strcmp(req, "1") == 0)
			CU_FAIL_FATAL("eval data not found and QUELL_REQUIRE_EVAL=1");
		fprintf(stderr, "\nSKIPPED: eval data not found at %s\n", path);
		return;
	}
	rc = quell__rules_load((const char *)quell__default_rules, quell__default_rules_len,
	                       "config/rules.yaml", &rules, err, sizeof err);
	if (rc != 0) {
		fprintf(stderr, "%s\n", err);
		fclose(in);
		CU_FAIL_FATAL("default rules do not load");
	}
	memset(&fs, 0, sizeof fs);
	fs.rules = rules;
	fs.first = malloc(quell__rules_count(rules) * sizeof *fs.first);
	fs.many = calloc(quell__rules_count(rules), 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fs.first);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fs.many);
	for (size_t i = 0; i < quell__rules_count(rules); i++)
		fs.first[i] = -1;
	/* header: find the columns by name */
	if (getline(&line, &cap, in) < 0) {
		CU_FAIL("replies.tsv is empty");
		goto out;
	}
	{
		size_t n = tu_split_tabs(line, f, 32);

		for (size_t c = 0; c < C_N; c++) {
			idx[c] = (size_t)-1;
			for (size_t i = 0; i < n; i++)
				if (strcmp(f[i], col_names[c]) == 0)
					idx[c] = i;
			if (idx[c] == (size_t)-1) {
				fprintf(stderr, "replies.tsv: no column %s\n", col_names[c]);
				CU_FAIL("replies.tsv lacks a column");
				goto out;
			}
		}
	}
	fprintf(stderr, "\n");
	while (getline(&line, &cap, in) >= 0) {
		char *g[C_N];
		size_t n = tu_split_tabs(line, f, 32), c;

		for (c = 0; c < C_N && idx[c] < n; c++)
			g[c] = f[idx[c]];
		if (c == C_N)
			judge(rules, g, &sc, &fs);
	}
	fprintf(stderr, "false suppressions: %u/%u (%.1f%%)\n", sc.false_supp, sc.keep_total,
	        pct(sc.false_supp, sc.keep_total));
	fprintf(stderr, "missed suppressions: %u/%u (%.1f%%)\n", sc.missed, sc.suppress_total,
	        pct(sc.missed, sc.suppress_total));
	print_families(&fs, rules);
	CU_ASSERT(sc.keep_total > 0 && sc.suppress_total > 0);
	/* as printed (1/96 is 1.0%); the aim for missed is 3% */
	fprintf(stderr, "goals: false <= 1.0%%, missed <= 3.0%%\n");
	CU_ASSERT(pct(sc.false_supp, sc.keep_total) < 1.05);
	CU_ASSERT(pct(sc.missed, sc.suppress_total) < 5.05);
out:
	free(fs.first);
	free(fs.many);
	free(line);
	fclose(in);
	quell__rules_unref(rules);
}

static CU_TestInfo eval_tests[] = {
	{ "sisimai replies under the default rules", test_eval_sisimai },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_eval[] = {
	{ "eval", NULL, NULL, NULL, NULL, eval_tests },
	CU_SUITE_INFO_NULL,
};
