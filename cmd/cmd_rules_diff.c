/*
 * cmd_rules_diff.c - `quell rules diff [--since T] [--domain D] NEWFILE`:
 * the addresses whose verdict NEWFILE would change, from quell_rules_diff
 * (a replay of the stored replies under both rule sets, in one read
 * transaction).  One line per changed address,
 * ADDRESS<TAB>OLD<TAB>NEW<TAB>DETAIL (values percent-encoded as check's),
 * or one JSON object each and the summary as a last object with --json;
 * the plain summary goes to stderr unless -q, like import's.  The table
 * entry is cmd_rules.c's, with the other subcommands of `rules`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_DIFF_SINCE = CLI_OPT_CMD, OPT_DIFF_DOMAIN };

static const struct option diff_options[] = {
	{ "since", required_argument, NULL, OPT_DIFF_SINCE },
	{ "domain", required_argument, NULL, OPT_DIFF_DOMAIN },
	CLI_GLOBAL_OPTIONS
};

/* The changes of one rule, for the summary. */
struct diff_rule {
	char name[QUELL_NAME_MAX];
	uint64_t n[3]; /* newly suppressed, no longer suppressed, scope changed */
};

struct diff_run {
	struct cli *cli;
	struct diff_rule *rules;
	size_t nrules, cap;
	int oom;
};

static const char *const diff_kinds[3] = { "newly suppressed", "no longer suppressed",
	                                   "scope changed" };
static const char *const diff_keys[3] = { "newly_suppressed", "no_longer_suppressed",
	                                  "scope_changed" };

/* Count a change of kind k under rule (by name). */
static void diff_count(struct diff_run *r, const char *rule, int k)
{
	size_t i;

	for (i = 0; i < r->nrules && strcmp(r->rules[i].name, rule) != 0; i++)
		;
	if (i == r->nrules) {
		if (r->nrules == r->cap) {
			size_t cap = r->cap ? 2 * r->cap : 16;
			struct diff_rule *n = realloc(r->rules, cap * sizeof *n);

			if (n == NULL) {
				r->oom = 1;
				return;
			}
			r->rules = n;
			r->cap = cap;
		}
		memset(&r->rules[i], 0, sizeof r->rules[i]);
		snprintf(r->rules[i].name, sizeof r->rules[i].name, "%s", rule);
		r->nrules++;
	}
	r->rules[i].n[k]++;
}

static json_t *diff_side_json(const struct quell_diff_side *s)
{
	json_t *o = json_object();

	if (o == NULL || cli_jset(o, "verdict", cli_jstr(quell_verdict_name(s->verdict))) ||
	    cli_jset(o, "scope", cli_jstr(quell_scope_name(s->scope))) ||
	    cli_jset(o, "rule", cli_jstr(s->rule)) ||
	    cli_jset(o, "category", cli_jstr(s->category)) ||
	    cli_jset(o, "until", cli_jtime(s->until))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void diff_side_kv(struct cli_kv *kv, const char *pfx, const struct quell_diff_side *s)
{
	char k[32];

	snprintf(k, sizeof k, "%s_scope", pfx);
	cli_kv(kv, k, s->verdict != QUELL_ALLOW ? quell_scope_name(s->scope) : "");
	snprintf(k, sizeof k, "%s_rule", pfx);
	cli_kv(kv, k, s->rule);
	snprintf(k, sizeof k, "%s_until", pfx);
	cli_kv_time(kv, k, s->until);
}

/* One changed address: ADDRESS<TAB>OLD<TAB>NEW<TAB>DETAIL, or its object. */
static int diff_entry(void *payload, const struct quell_diff_entry *e)
{
	struct diff_run *r = payload;
	struct cli *cli = r->cli;
	int k = -1;

	if (e->before.verdict == QUELL_SUPPRESS && e->after.verdict == QUELL_SUPPRESS)
		k = 2;
	else if (e->after.verdict == QUELL_SUPPRESS)
		k = 0;
	else if (e->before.verdict == QUELL_SUPPRESS)
		k = 1;
	if (k >= 0)
		diff_count(r, k == 1 ? e->before.rule : e->after.rule, k);
	if (cli->json) {
		json_t *o = json_object();

		if (o == NULL || cli_jset(o, "address", cli_jstr(e->key)) ||
		    cli_jset(o, "change", cli_jstr(k >= 0 ? diff_keys[k] : "other")) ||
		    cli_jset(o, "old", diff_side_json(&e->before)) ||
		    cli_jset(o, "new", diff_side_json(&e->after)) ||
		    cli_jset(o, "time", cli_jtime(e->time)) ||
		    cli_jset(o, "code", e->code ? json_integer(e->code) : json_null()) ||
		    cli_jset(o, "status", cli_jstr(e->status)) ||
		    cli_jset(o, "reply", cli_jstr(e->reply))) {
			json_decref(o);
			r->oom = 1;
			return 1;
		}
		return cli_json_put(cli, o) != 0;
	} else {
		struct cli_kv kv = { stdout, 0, NULL, 0 };

		cli_put_enc(stdout, e->key, CLI_ENC_FIELD);
		printf("\t%s\t%s\t", quell_verdict_name(e->before.verdict),
		       quell_verdict_name(e->after.verdict));
		diff_side_kv(&kv, "old", &e->before);
		diff_side_kv(&kv, "new", &e->after);
		cli_kv_time(&kv, "time", e->time);
		if (e->code)
			cli_kv_num(&kv, "code", (uint64_t)e->code);
		cli_kv(&kv, "status", e->status);
		cli_kv(&kv, "reply", e->reply);
		putchar('\n');
	}
	return 0;
}

static json_t *diff_summary_json(const struct diff_run *r, const struct quell_diff_summary *s)
{
	json_t *o = json_object(), *a = json_array();
	int bad = o == NULL || a == NULL;

	for (size_t i = 0; !bad && i < r->nrules; i++) {
		json_t *x = json_object();

		bad |= x == NULL || cli_jset(x, "rule", cli_jstr(r->rules[i].name));
		for (int k = 0; !bad && k < 3; k++)
			bad |= cli_jset(x, diff_keys[k], cli_jnum(r->rules[i].n[k]));
		bad |= x == NULL || json_array_append_new(a, x) != 0;
	}
	if (!bad) {
		bad |= cli_jset(o, "replayed", cli_jnum(s->keys));
		bad |= cli_jset(o, "replies", cli_jnum(s->replies));
		bad |= cli_jset(o, "changed", cli_jnum(s->changed));
		bad |= cli_jset(o, "newly_suppressed", cli_jnum(s->suppressed));
		bad |= cli_jset(o, "no_longer_suppressed", cli_jnum(s->unsuppressed));
		bad |= cli_jset(o, "scope_changed", cli_jnum(s->scope));
		bad |= cli_jset(o, "other", cli_jnum(s->other));
		bad |= cli_jset(o, "kept", cli_jnum(s->kept));
		bad |= cli_jset(o, "by_rule", a);
		a = NULL;
	}
	json_decref(a);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void diff_summary(struct cli *cli, const struct diff_run *r,
                         const struct quell_diff_summary *s)
{
	cli_warn(cli, "%llu address%s replayed (%llu repl%s): %llu newly suppressed, %llu no longer "
	         "suppressed, %llu scope changed, %llu other; %llu left as they are (not the "
	         "rules' work)", (unsigned long long)s->keys, s->keys == 1 ? "" : "es",
	         (unsigned long long)s->replies, s->replies == 1 ? "y" : "ies",
	         (unsigned long long)s->suppressed, (unsigned long long)s->unsuppressed,
	         (unsigned long long)s->scope, (unsigned long long)s->other,
	         (unsigned long long)s->kept);
	for (size_t i = 0; i < r->nrules; i++)
		for (int k = 0; k < 3; k++)
			if (r->rules[i].n[k] > 0)
				cli_warn(cli, "rule %s: %llu %s",
				         r->rules[i].name[0] ? r->rules[i].name : "(none)",
				         (unsigned long long)r->rules[i].n[k], diff_kinds[k]);
}

int cmd_rules_diff(struct cli *cli, int argc, char **argv)
{
	struct quell_diff_options o = QUELL_DIFF_OPTIONS_INIT;
	struct quell_diff_summary sum;
	struct diff_run r;
	int c, rc, status = 0;

	memset(&r, 0, sizeof r);
	r.cli = cli;
	while ((c = cli_getopt(cli, argc, argv, diff_options, &status)) != -1) {
		switch (c) {
		case CLI_STOP:
			return status;
		case OPT_DIFF_SINCE:
			if (quell_time_parse(optarg, &o.since) != 0)
				return cli_usage_error(cli, "--since: not a time: '%s'", optarg);
			break;
		case OPT_DIFF_DOMAIN:
			if (*optarg == '\0')
				return cli_usage_error(cli, "--domain: empty domain");
			o.domain = optarg;
			break;
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "no rules file given");
	if (optind + 1 < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);
	if (*argv[optind] == '\0')
		return cli_usage_error(cli, "empty file name");
	if ((status = cli_open(cli)) != 0)
		return status;
	o.stream = cli->stream;
	o.now = cli->now;
	rc = quell_rules_diff(cli->h, argv[optind], &o, diff_entry, &r, &sum);
	if (r.oom) {
		free(r.rules);
		return cli_oom(cli);
	}
	if (rc > 0) { /* the output failed: already said */
		free(r.rules);
		return CLI_EX_SOFTWARE;
	}
	if (rc != 0) {
		free(r.rules);
		return cli_fail(cli, rc);
	}
	if (cli->json)
		status = cli_json_put(cli, diff_summary_json(&r, &sum));
	else if (!cli->quiet)
		diff_summary(cli, &r, &sum);
	free(r.rules);
	return status;
}
