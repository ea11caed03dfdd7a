/*
 * rules_load.c - check a rules file against the schema of quell-rules(5)
 * and build an immutable rule set from it: the top-level keys (version,
 * backoff, protect, rules), each rule's name and `then`, and the entry
 * points that read a buffer or a file.
 *
 * The YAML tree comes from rules_yaml.c, typed values from rules_value.c,
 * `when` conditions from rules_when.c, the literal prefilter of the text
 * patterns from prefilter.c once all of them are compiled.  Every key,
 * type and value is checked; an error names the place as FILE:LINE:COL
 * (1-based) and leaves nothing allocated: a bad file is never half-loaded.
 * A check (quell__rules_check with a report function) of a file without
 * errors also reports the rules that can never match (rules_shadow.c) as
 * warnings; a load never looks for them, and warnings never refuse a file.
 *
 * Knows nothing of replies beyond the match data it prepares, and nothing
 * of the database.
 *
 * Diagnostics, for example:
 *   rules.yaml:12:13: threshold: only a count rule takes threshold (this one is suppress)
 *   rules.yaml:6:7: name: duplicate rule name 'user-unknown' (first at line 3)
 *   rules.yaml:1:10: version: '2' is not supported (this quell reads version 1)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

typedef struct quell__ynode ynode;

/* ------------------------------------------------------------- `then` */

enum { T_ACTION, T_SCOPE, T_CATEGORY, T_TTL, T_INITIAL, T_FACTOR, T_MAX, T_GIVE_UP,
       T_THRESHOLD, T_WINDOW, T_N };
static const char *const then_keys[T_N] = {
	"action", "scope", "category", "ttl", "initial", "factor", "max", "give_up_after",
	"threshold", "window"
};
/* the action each key belongs to (0: any) */
static const int then_only[T_N] = {
	0, 0, 0, QUELL_ACTION_SUPPRESS,
	QUELL_ACTION_BACKOFF, QUELL_ACTION_BACKOFF, QUELL_ACTION_BACKOFF, QUELL_ACTION_BACKOFF,
	QUELL_ACTION_COUNT, QUELL_ACTION_COUNT
};

static const struct {
	const char *name;
	int action;
} actions[] = {
	{ "suppress", QUELL_ACTION_SUPPRESS }, { "backoff", QUELL_ACTION_BACKOFF },
	{ "count", QUELL_ACTION_COUNT },       { "clear", QUELL_ACTION_CLEAR },
	{ "ignore", QUELL_ACTION_IGNORE }
};

/* initial, factor, max, give_up_after of a `backoff` mapping or a rule's
 * `then`, over the values already in b. */
static int load_backoff_keys(struct quell__rl_ctx *c, const ynode *const *keys,
                             const ynode *const *vals, const ynode *at, struct quell__backoff *b)
{
	int rc;

	if (vals[0] != NULL && (rc = quell__rl_duration(c, keys[0], vals[0], 0, &b->initial)) != 0)
		return rc;
	if (vals[1] != NULL && (rc = quell__rl_factor(c, keys[1], vals[1], &b->factor)) != 0)
		return rc;
	if (vals[2] != NULL && (rc = quell__rl_duration(c, keys[2], vals[2], 0, &b->max)) != 0)
		return rc;
	if (vals[3] != NULL &&
	    (rc = quell__rl_duration(c, keys[3], vals[3], 1, &b->give_up_after)) != 0)
		return rc;
	if (b->max < b->initial)
		return quell__rl_fail(c, vals[2] ? vals[2] : at,
		                      "max (%llds) is less than initial (%llds)", (long long)b->max,
		                      (long long)b->initial);
	return 0;
}

static int load_ttl(struct quell__rl_ctx *c, const ynode *k, const ynode *const *vp,
                    struct quell__rule *rule)
{
	const ynode *v = *vp;
	const ynode *const *items;
	size_t n;
	int rc;

	if ((rc = quell__rl_values(c, k, vp, &items, &n)) != 0)
		return rc;
	if (n > QUELL__TTL_MAX)
		return quell__rl_fail(c, v, "ttl: at most %d steps", QUELL__TTL_MAX);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && rule->ttl[i - 1] == 0)
			return quell__rl_fail(c, items[i], "ttl: nothing can follow forever");
		if ((rc = quell__rl_duration(c, k, items[i], 1, &rule->ttl[i])) != 0)
			return rc;
	}
	rule->nttl = n;
	return 0;
}

static int load_then(struct quell__rl_ctx *c, const ynode *then, struct quell__rule *rule)
{
	const ynode *keys[T_N], *vals[T_N];
	int rc;

	if ((rc = quell__rl_keys(c, then, "a rule's then", then_keys, T_N, keys, vals)) != 0)
		return rc;
	if (vals[T_ACTION] == NULL)
		return quell__rl_fail(
		        c, then,
		        "then: missing key 'action' (suppress, backoff, count, clear or "
		        "ignore)");
	if ((rc = quell__rl_scalar(c, keys[T_ACTION], vals[T_ACTION])) != 0)
		return rc;
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(vals[T_ACTION]->str, actions[i].name) == 0)
			rule->action = actions[i].action;
	if (rule->action == 0)
		return quell__rl_fail(c, vals[T_ACTION],
		                      "action: '%.64s' is not suppress, backoff, count, clear "
		                      "or ignore",
		                      vals[T_ACTION]->str);
	for (int i = 0; i < T_N; i++)
		if (vals[i] != NULL && then_only[i] != 0 && then_only[i] != rule->action)
			return quell__rl_fail(c, keys[i],
			                      "%s: only a %s rule takes %s (this one is %s)",
			                      then_keys[i], quell_action_name(then_only[i]),
			                      then_keys[i], quell_action_name(rule->action));
	if (vals[T_SCOPE] != NULL) {
		if ((rc = quell__rl_scalar(c, keys[T_SCOPE], vals[T_SCOPE])) != 0)
			return rc;
		if (strcmp(vals[T_SCOPE]->str, "address") == 0)
			rule->scope = QUELL_SCOPE_ADDRESS;
		else if (strcmp(vals[T_SCOPE]->str, "domain") == 0)
			rule->scope = QUELL_SCOPE_DOMAIN;
		else
			return quell__rl_fail(c, vals[T_SCOPE],
			                      "scope: '%.64s' is not address or domain",
			                      vals[T_SCOPE]->str);
	}
	if (vals[T_CATEGORY] != NULL) {
		rc = quell__rl_name(c, keys[T_CATEGORY], vals[T_CATEGORY], rule->category);
		if (rc != 0)
			return rc;
		rule->category_set = 1;
	}
	if (vals[T_TTL] != NULL && (rc = load_ttl(c, keys[T_TTL], &vals[T_TTL], rule)) != 0)
		return rc;
	rc = load_backoff_keys(c, keys + T_INITIAL, vals + T_INITIAL, then, &rule->backoff);
	if (rc != 0)
		return rc;
	if (rule->action == QUELL_ACTION_COUNT) {
		if (vals[T_THRESHOLD] == NULL || vals[T_WINDOW] == NULL)
			return quell__rl_fail(c, then,
			                      "then: a count rule needs threshold and window");
		if ((rc = quell__rl_uint(c, keys[T_THRESHOLD], vals[T_THRESHOLD], 1, 1000000,
		                         &rule->threshold)) != 0)
			return rc;
		if ((rc = quell__rl_duration(c, keys[T_WINDOW], vals[T_WINDOW], 0,
		                             &rule->window)) != 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------- rules */

enum { R_NAME, R_WHEN, R_UNLESS, R_THEN, R_N };
static const char *const rule_keys[R_N] = { "name", "when", "unless", "then" };

static int load_rule(struct quell__rl_ctx *c, const ynode *node)
{
	struct quell__rules *set = c->set;
	const ynode *keys[R_N], *vals[R_N];
	struct quell__rule *rule;
	int rc;

	if ((rc = quell__rl_keys(c, node, "a rule", rule_keys, R_N, keys, vals)) != 0)
		return rc;
	if (vals[R_NAME] == NULL)
		return quell__rl_fail(c, node, "rule: missing key 'name'");
	if (vals[R_THEN] == NULL)
		return quell__rl_fail(c, node, "rule: missing key 'then'");
	rule = &set->rules[set->nrules++];
	memset(rule, 0, sizeof *rule);
	rule->when.regex = rule->unless.regex = -1;
	rule->line = (int)node->line;
	rule->col = (int)node->col;
	rule->scope = QUELL_SCOPE_ADDRESS;
	rule->backoff = set->backoff;
	memcpy(rule->category, "other", sizeof "other");
	if ((rc = quell__rl_name(c, keys[R_NAME], vals[R_NAME], rule->name)) != 0)
		return rc;
	for (size_t i = 0; i + 1 < set->nrules; i++)
		if (strcmp(set->rules[i].name, rule->name) == 0)
			return quell__rl_fail(c, vals[R_NAME],
			                      "name: duplicate rule name '%s' (first at line %d)",
			                      rule->name, set->rules[i].line);
	if (vals[R_WHEN] != NULL &&
	    (rc = quell__rl_cond(c, keys[R_WHEN], vals[R_WHEN], &rule->when)) != 0)
		return rc;
	if (vals[R_UNLESS] != NULL) {
		rule->has_unless = 1;
		if ((rc = quell__rl_cond(c, keys[R_UNLESS], vals[R_UNLESS], &rule->unless)) != 0)
			return rc;
	}
	return load_then(c, vals[R_THEN], rule);
}

static int load_rules(struct quell__rl_ctx *c, const ynode *k, const ynode *v)
{
	struct quell__rules *set = c->set;
	int rc;

	if (v->type != QUELL__Y_SEQ)
		return quell__rl_fail(c, v, "%s: expected a list of rules", k->str);
	if (v->n > QUELL__RULES_MAX)
		return quell__rl_fail(c, v, "%s: more than %d rules", k->str, QUELL__RULES_MAX);
	if (v->n == 0)
		return 0;
	set->rules = calloc(v->n, sizeof *set->rules);
	if (set->rules == NULL)
		return quell__rl_nomem(c);
	for (size_t i = 0; i < v->n; i++)
		if ((rc = quell__rl_part(c, load_rule(c, v->kids[i]))) != 0)
			return rc;
	return 0;
}

static int load_protect(struct quell__rl_ctx *c, const ynode *k, const ynode *const *vp)
{
	struct quell__rules *set = c->set;
	const ynode *const *items;
	size_t n;
	int rc;

	if ((rc = quell__rl_values(c, k, vp, &items, &n)) != 0)
		return rc;
	set->protect = calloc(n, sizeof *set->protect);
	if (set->protect == NULL)
		return quell__rl_nomem(c);
	for (size_t i = 0; i < n; i++) {
		set->nprotect++;
		if ((rc = quell__rl_domain(c, k, items[i], 0, &set->protect[i])) != 0)
			return rc;
	}
	return 0;
}

enum { F_VERSION, F_BACKOFF, F_PROTECT, F_RULES, F_N };
static const char *const file_keys[F_N] = { "version", "backoff", "protect", "rules" };
static const char *const backoff_keys[4] = { "initial", "factor", "max", "give_up_after" };

static int load_version(struct quell__rl_ctx *c, const ynode *v, const ynode *k)
{
	int rc;

	if ((rc = quell__rl_scalar(c, k, v)) != 0)
		return rc;
	if (!v->plain)
		return quell__rl_fail(c, v, "version: expected the number 1, found a quoted string");
	if (strcmp(v->str, "1") != 0)
		return quell__rl_fail(c, v,
		                      "version: '%.64s' is not supported (this quell reads version 1)",
		                      v->str);
	return 0;
}

int quell__rl_part(struct quell__rl_ctx *c, int rc)
{
	if (rc != QUELL_EDATA || c->report == NULL)
		return rc;
	if (c->nerrors++ == 0 && c->err != NULL)
		snprintf(c->first, sizeof c->first, "%s", c->err);
	if (c->err != NULL)
		c->report(c->report_arg, c->err);
	return 0;
}

static int load_top(struct quell__rl_ctx *c, const ynode *root)
{
	const ynode *keys[F_N], *vals[F_N];
	int rc;

	if (root == NULL || (root->type == QUELL__Y_SCALAR && root->null))
		return quell__rl_fail(c, root, "the file is empty; it needs at least 'version: 1'");
	if ((rc = quell__rl_keys(c, root, "the rules file", file_keys, F_N, keys, vals)) != 0)
		return rc;
	if (vals[F_VERSION] == NULL)
		return quell__rl_fail(c, root, "missing key 'version' (write 'version: 1' first)");
	if ((rc = quell__rl_part(c, load_version(c, vals[F_VERSION], keys[F_VERSION]))) != 0)
		return rc;
	if (vals[F_BACKOFF] != NULL) {
		const ynode *bk[4], *bv[4];

		rc = quell__rl_keys(c, vals[F_BACKOFF], "backoff", backoff_keys, 4, bk, bv);
		if (rc == 0)
			rc = load_backoff_keys(c, bk, bv, vals[F_BACKOFF], &c->set->backoff);
		if ((rc = quell__rl_part(c, rc)) != 0)
			return rc;
	}
	if (vals[F_PROTECT] != NULL &&
	    (rc = quell__rl_part(c, load_protect(c, keys[F_PROTECT], &vals[F_PROTECT]))) != 0)
		return rc;
	if (vals[F_RULES] != NULL)
		return quell__rl_part(c, load_rules(c, keys[F_RULES], vals[F_RULES]));
	return 0;
}

/* ------------------------------------------------------------- entry */

/* Once every `text` pattern is compiled: the literal prefilter over all
 * of them (prefilter.h), which lets a match skip the patterns whose
 * literals a reply does not hold. */
static int build_prefilter(struct quell__rl_ctx *c)
{
	struct quell__rules *set = c->set;
	size_t n = set->nregex < QUELL__PF_PATTERNS ? set->nregex : QUELL__PF_PATTERNS;
	const char *pats[QUELL__PF_PATTERNS];
	size_t lens[QUELL__PF_PATTERNS];

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		pats[i] = set->regex[i].pattern;
		lens[i] = set->regex[i].len;
	}
	if (quell__pf_build(&set->pf, pats, lens, n) != 0)
		return quell__rl_nomem(c);
	return 0;
}

static int load_buf(const char *buf, size_t len, const char *filename,
                    void (*report)(void *, const char *), void *arg, struct quell__rules **out,
                    char *err, size_t errsize);

int quell__rules_load(const char *buf, size_t len, const char *filename, struct quell__rules **out,
                      char *err, size_t errsize)
{
	return load_buf(buf, len, filename, NULL, NULL, out, err, errsize);
}

static int load_buf(const char *buf, size_t len, const char *filename,
                    void (*report)(void *, const char *), void *arg, struct quell__rules **out,
                    char *err, size_t errsize)
{
	struct quell__ynode *root = NULL;
	struct quell__rules *set;
	struct quell__rl_ctx c;
	int rc;

	if (err != NULL && errsize > 0)
		err[0] = '\0';
	if (out == NULL || (buf == NULL && len > 0)) {
		if (err != NULL && errsize > 0)
			snprintf(err, errsize, "invalid arguments");
		return QUELL_EINVAL;
	}
	*out = NULL;
	memset(&c, 0, sizeof c);
	c.file = filename != NULL ? filename : "<rules>";
	c.err = err;
	c.errsize = errsize;
	c.report = report;
	c.report_arg = arg;
	if (len > QUELL__RULES_FILE_MAX) {
		rc = quell__rl_fail(&c, NULL, "larger than %u bytes", QUELL__RULES_FILE_MAX);
		if (report != NULL && err != NULL)
			report(arg, err);
		return rc;
	}
	set = calloc(1, sizeof *set);
	if (set == NULL)
		return quell__rl_nomem(&c);
	atomic_init(&set->refs, 1);
	c.set = set;
	set->backoff.initial = 15 * 60;
	set->backoff.factor = 2.0;
	set->backoff.max = 8 * 3600;
	set->backoff.give_up_after = 5 * 86400;
	set->name = strdup(c.file);
	set->mctx = pcre2_match_context_create(NULL);
	if (set->name == NULL || set->mctx == NULL) {
		rc = quell__rl_nomem(&c);
		goto fail;
	}
	if (pcre2_set_match_limit(set->mctx, QUELL__MATCH_LIMIT) != 0) {
		rc = quell__rl_fail(&c, NULL, "cannot set the regular expression match limit");
		goto fail;
	}
	if ((rc = quell__yaml_parse(buf != NULL ? buf : "", len, c.file, &root, err, errsize)) != 0)
		goto fail;
	rc = load_top(&c, root);
	quell__yaml_free(root);
	if (rc == 0 && c.nerrors > 0) {
		rc = QUELL_EDATA;
		if (err != NULL && errsize > 0)
			snprintf(err, errsize, "%s", c.first);
	}
	if (rc != 0 || (rc = build_prefilter(&c)) != 0)
		goto fail;
	/* a good file, checked: the rules that can never match, as warnings */
	if (report != NULL)
		(void)quell__rules_shadowed(set, c.file, report, arg);
	*out = set;
	return 0;
fail:
	/* an error of the file as a whole (YAML syntax, top level): the one
	 * reported, when the parts reported none */
	if (rc == QUELL_EDATA && report != NULL && c.nerrors == 0 && err != NULL)
		report(arg, err);
	quell__rules_free(set);
	return rc;
}

int quell__rules_load_file(const char *path, struct quell__rules **out, char *err, size_t errsize)
{
	if (path == NULL) {
		if (out != NULL)
			*out = NULL;
		if (err != NULL && errsize > 0)
			snprintf(err, errsize, "invalid arguments");
		return QUELL_EINVAL;
	}
	return quell__rules_check(NULL, 0, path, NULL, NULL, out, err, errsize);
}

int quell__rules_check(const char *mem, size_t mem_len, const char *path,
                       void (*report)(void *arg, const char *message), void *arg,
                       struct quell__rules **out, char *err, size_t errsize)
{
	char *buf = NULL, eb[128];
	size_t len = 0, cap = 0;
	FILE *f;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (mem != NULL || (path == NULL && out != NULL))
		return load_buf(mem != NULL ? mem : (const char *)quell__default_rules,
		                mem != NULL ? mem_len : quell__default_rules_len,
		                path != NULL ? path : "<default rules>", report, arg, out, err, errsize);
	if (path == NULL || out == NULL) {
		if (err != NULL && errsize > 0)
			snprintf(err, errsize, "invalid arguments");
		return QUELL_EINVAL;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		rc = errno == ENOENT ? QUELL_ENODB : QUELL_EIO;
		if (err != NULL && errsize > 0)
			snprintf(err, errsize, "%s: %s", path, strerror_r(errno, eb, sizeof eb));
		return rc;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			char *nb;

			if (cap > QUELL__RULES_FILE_MAX) {
				fclose(f);
				free(buf);
				if (err != NULL && errsize > 0) {
					snprintf(err, errsize, "%s:1:1: larger than %u bytes", path,
					         QUELL__RULES_FILE_MAX);
					if (report != NULL)
						report(arg, err);
				}
				return QUELL_EDATA;
			}
			cap = cap == 0 ? 8192 : cap * 2;
			if ((nb = realloc(buf, cap)) == NULL) {
				fclose(f);
				free(buf);
				if (err != NULL && errsize > 0)
					snprintf(err, errsize, "%s: out of memory", path);
				return QUELL_ENOMEM;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		free(buf);
		if (err != NULL && errsize > 0)
			snprintf(err, errsize, "%s: %s", path, strerror_r(e, eb, sizeof eb));
		return QUELL_EIO;
	}
	fclose(f);
	rc = load_buf(buf, len, path, report, arg, out, err, errsize);
	free(buf);
	return rc;
}
