/*
 * rules_load.c - check a rules file against the schema of quell-rules(5)
 * and build an immutable rule set from it.
 *
 * The YAML tree comes from rules_yaml.c.  Every key, type and value is
 * checked; every error names the place as FILE:LINE:COL (1-based) and
 * leaves nothing allocated.  Regular expressions are compiled once (equal
 * patterns share one compiled form) with PCRE2_UTF and
 * PCRE2_MATCH_INVALID_UTF, and JIT-compiled when the platform allows.
 *
 * Knows nothing of replies beyond the match data it prepares, and nothing
 * of the database.
 *
 * Diagnostics, for example:
 *   rules.yaml:7:5: unknown key 'wehn' in a rule (expected name, when or then)
 *   rules.yaml:9:22: text: bad regular expression at offset 3: missing closing parenthesis
 *   rules.yaml:12:13: threshold: only a count rule takes a threshold (this one is suppress)
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "rules_int.h"

typedef struct quell__ynode ynode;

struct ctx {
	const char *file;
	char *err;
	size_t errsize;
	struct quell__rules *set;
};

static int fail(struct ctx *c, const ynode *at, const char *fmt, ...) QUELL__PRINTF(3, 4);

static int fail(struct ctx *c, const ynode *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->err == NULL || c->errsize == 0)
		return QUELL_EDATA;
	n = snprintf(c->err, c->errsize, "%s:%zu:%zu: ", c->file, at ? at->line : 1,
	             at ? at->col : 1);
	if (n >= 0 && (size_t)n < c->errsize) {
		va_start(ap, fmt);
		if (vsnprintf(c->err + n, c->errsize - (size_t)n, fmt, ap) < 0)
			c->err[n] = '\0';
		va_end(ap);
	}
	return QUELL_EDATA;
}

static int nomem(struct ctx *c)
{
	if (c->err != NULL && c->errsize > 0)
		snprintf(c->err, c->errsize, "%s: out of memory", c->file);
	return QUELL_ENOMEM;
}

/* ------------------------------------------------------------ mappings */

/*
 * Check that map is a mapping whose keys are all among names[0..n), each
 * at most once; vals[i] and keys[i] get the value and key of names[i], or
 * NULL.  what names the mapping in messages ("a rule's then").
 */
static int take_keys(struct ctx *c, const ynode *map, const char *what,
                     const char *const *names, size_t n, const ynode **keys, const ynode **vals)
{
	for (size_t i = 0; i < n; i++)
		keys[i] = vals[i] = NULL;
	if (map->type != QUELL__Y_MAP)
		return fail(c, map, "%s: expected a mapping of keys (%s...)", what, names[0]);
	for (size_t p = 0; p + 1 < map->n; p += 2) {
		const ynode *k = map->kids[p];
		size_t i;

		for (i = 0; i < n; i++)
			if (strlen(names[i]) == k->len && memcmp(names[i], k->str, k->len) == 0)
				break;
		if (i == n) {
			char list[256];
			size_t used = 0;

			list[0] = '\0';
			for (size_t j = 0; j < n && used < sizeof list; j++) {
				int w = snprintf(list + used, sizeof list - used, "%s%s",
				                 j == 0 ? "" : j + 1 == n ? " or " : ", ", names[j]);
				if (w < 0)
					break;
				used += (size_t)w;
			}
			return fail(c, k, "unknown key '%.64s' in %s (expected %s)", k->str, what, list);
		}
		if (keys[i] != NULL)
			return fail(c, k, "duplicate key '%s' in %s (first at line %zu)", names[i], what,
			            keys[i]->line);
		keys[i] = k;
		vals[i] = map->kids[p + 1];
	}
	return 0;
}

/* ------------------------------------------------------------- scalars */

/* v must be a single value: a non-empty scalar without NUL bytes. */
static int want_scalar(struct ctx *c, const ynode *k, const ynode *v)
{
	if (v->type == QUELL__Y_MAP)
		return fail(c, v, "%s: expected a single value, found a mapping", k->str);
	if (v->type == QUELL__Y_SEQ)
		return fail(c, v, "%s: expected a single value, found a list", k->str);
	if (v->null || v->len == 0)
		return fail(c, v, "%s: expected a value, found nothing", k->str);
	if (memchr(v->str, '\0', v->len) != NULL)
		return fail(c, v, "%s: contains a NUL byte", k->str);
	return 0;
}

/* *vp is one value or a non-empty list of values; *items and *n describe them.
 * vp must outlive the items (a single value is a list of one: vp itself). */
static int want_values(struct ctx *c, const ynode *k, const ynode *const *vp,
                       const ynode *const **items, size_t *n)
{
	const ynode *v = *vp;

	if (v->type == QUELL__Y_MAP)
		return fail(c, v, "%s: expected a value or a list of values, found a mapping", k->str);
	if (v->type == QUELL__Y_SEQ) {
		if (v->n == 0)
			return fail(c, v, "%s: the list is empty", k->str);
		*items = (const ynode *const *)v->kids;
		*n = v->n;
		return 0;
	}
	*items = vp;
	*n = 1;
	return 0;
}

static int get_duration(struct ctx *c, const ynode *k, const ynode *v, int allow_forever,
                        int64_t *out)
{
	int rc;

	if ((rc = want_scalar(c, k, v)) != 0)
		return rc;
	if (quell_duration_parse(v->str, out) != 0)
		return fail(c, v, "%s: '%.64s' is not a duration (30s, 15m, 8h, 7d, 2w, forever)",
		            k->str, v->str);
	if (*out == 0 && !allow_forever)
		return fail(c, v, "%s: must be a finite duration, not forever", k->str);
	return 0;
}

static int get_uint(struct ctx *c, const ynode *k, const ynode *v, uint32_t min, uint32_t max,
                    uint32_t *out)
{
	uint64_t x = 0;
	int rc;

	if ((rc = want_scalar(c, k, v)) != 0)
		return rc;
	for (size_t i = 0; i < v->len; i++) {
		if (!v->plain || v->str[i] < '0' || v->str[i] > '9' || x > max)
			return fail(c, v, "%s: expected a whole number from %u to %u", k->str, min, max);
		x = x * 10 + (uint64_t)(v->str[i] - '0');
	}
	if (x < min || x > max)
		return fail(c, v, "%s: expected a whole number from %u to %u", k->str, min, max);
	*out = (uint32_t)x;
	return 0;
}

static int get_factor(struct ctx *c, const ynode *k, const ynode *v, double *out)
{
	size_t dots = 0, digits = 0;
	char *end;
	int rc, ok;

	if ((rc = want_scalar(c, k, v)) != 0)
		return rc;
	ok = v->plain && v->str[0] != '.' && v->str[v->len - 1] != '.';
	for (size_t i = 0; ok && i < v->len; i++) {
		if (v->str[i] == '.')
			dots++;
		else if (v->str[i] >= '0' && v->str[i] <= '9')
			digits++;
		else
			ok = 0;
	}
	if (!ok || dots > 1 || digits == 0)
		return fail(c, v, "%s: expected a number such as 2 or 1.5", k->str);
	errno = 0;
	*out = strtod(v->str, &end);
	if (errno != 0 || *end != '\0' || !isfinite(*out) || *out < 1.0 || *out > 1000.0)
		return fail(c, v, "%s: must be a number from 1 to 1000", k->str);
	return 0;
}

static int valid_name(const char *s, size_t len)
{
	if (len == 0 || len >= QUELL_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		      ch == '-'))
			return 0;
	}
	return 1;
}

static int get_name(struct ctx *c, const ynode *k, const ynode *v, char out[QUELL_NAME_MAX])
{
	int rc;

	if ((rc = want_scalar(c, k, v)) != 0)
		return rc;
	if (!valid_name(v->str, v->len))
		return fail(c, v, "%s: '%.64s' must match [a-z0-9._-]+ and be at most %d characters",
		            k->str, v->str, QUELL_NAME_MAX - 1);
	memcpy(out, v->str, v->len + 1);
	return 0;
}

/* A domain as written in `domain` or `protect`: LDH labels (and '_'), at
 * most 253 characters, one trailing dot allowed; `*.` first when wildcard
 * is allowed.  Fills d with a lower-case copy. */
static int get_domain(struct ctx *c, const ynode *k, const ynode *v, int wildcard,
                      struct quell__domain_pat *d)
{
	const char *s = v->str;
	size_t len = v->len, label = 0;
	int rc;

	if ((rc = want_scalar(c, k, v)) != 0)
		return rc;
	if (len >= 2 && s[0] == '*' && s[1] == '.') {
		if (!wildcard)
			return fail(c, v, "%s: write the domain without '*.'; it covers its subdomains",
			            k->str);
		d->subdomains = 1;
		s += 2;
		len -= 2;
	}
	if (len > 0 && s[len - 1] == '.')
		len--;
	for (size_t i = 0; i <= len; i++) {
		unsigned char ch = i < len ? (unsigned char)s[i] : '.';

		if (ch == '.') {
			if (label == 0 || label > 63)
				break;
			label = 0;
			if (i == len) {
				if (len > 253)
					break;
				d->name = malloc(len + 1);
				if (d->name == NULL)
					return nomem(c);
				for (size_t j = 0; j < len; j++)
					d->name[j] = (char)(s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32 : s[j]);
				d->name[len] = '\0';
				d->len = len;
				return 0;
			}
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_') {
			label++;
		} else if (ch >= 0x80) {
			return fail(c, v, "%s: '%.64s': write an international domain as its A-label "
			                  "(xn--...)", k->str, v->str);
		} else {
			break;
		}
	}
	return fail(c, v, "%s: '%.64s' is not a domain name%s", k->str, v->str,
	            wildcard ? " (example.com or *.example.com)" : "");
}

/* ------------------------------------------------------------- `when` */

static int code_pattern(struct ctx *c, const ynode *k, const ynode *v, struct quell__rule *rule)
{
	const char *s = v->str;
	int rc;

	if ((rc = want_scalar(c, k, v)) != 0)
		return rc;
	if (v->len != 3)
		goto bad;
	for (int i = 0; i < 3; i++)
		if (!(s[i] == 'x' || s[i] == 'X' || (s[i] >= '0' && s[i] <= '9')))
			goto bad;
	if (s[0] != 'x' && s[0] != 'X' && (s[0] < '2' || s[0] > '5'))
		goto bad;
	for (int code = 200; code < 600; code++) {
		int d[3] = { code / 100, code / 10 % 10, code % 10 }, ok = 1;

		for (int i = 0; i < 3; i++)
			if (s[i] != 'x' && s[i] != 'X' && s[i] - '0' != d[i])
				ok = 0;
		if (ok)
			rule->codes[code / 64] |= (uint64_t)1 << (code % 64);
	}
	rule->has_code = 1;
	return 0;
bad:
	return fail(c, v, "%s: '%.64s' is not a reply code pattern (550, 55x, 5xx)", k->str,
	            v->str);
}

static int status_pattern(struct ctx *c, const ynode *k, const ynode *v,
                          struct quell__status_pat *p)
{
	short part[3];
	int np = 0, rc;
	const char *s;

	if ((rc = want_scalar(c, k, v)) != 0)
		return rc;
	for (s = v->str;;) {
		if (np == 3)
			goto bad;
		if (*s == '*') {
			part[np++] = -1;
			s++;
		} else {
			int x = 0, nd = 0;

			while (*s >= '0' && *s <= '9') {
				if (++nd > 3)
					goto bad;
				x = x * 10 + (*s++ - '0');
			}
			if (nd == 0)
				goto bad;
			part[np++] = (short)x;
		}
		if (*s == '\0')
			break;
		if (*s++ != '.')
			goto bad;
	}
	if (np == 2 && part[1] == -1) /* `5.*` is `5.*.*` */
		part[np++] = -1;
	if (np != 3 || (part[0] != -1 && part[0] != 2 && part[0] != 4 && part[0] != 5))
		goto bad;
	p->klass = part[0];
	p->subject = part[1];
	p->detail = part[2];
	return 0;
bad:
	return fail(c, v, "%s: '%.64s' is not an enhanced status pattern (5.1.1, 5.7.*, 4.*)",
	            k->str, v->str);
}

static int add_regex(struct ctx *c, const ynode *k, const ynode *v, int *index)
{
	struct quell__rules *set = c->set;
	struct quell__regex *re;
	PCRE2_SIZE off;
	int errcode, rc;

	if ((rc = want_scalar(c, k, v)) != 0)
		return rc;
	for (size_t i = 0; i < set->nregex; i++) {
		if (set->regex[i].len == v->len && memcmp(set->regex[i].pattern, v->str, v->len) == 0) {
			*index = (int)i;
			return 0;
		}
	}
	re = realloc(set->regex, (set->nregex + 1) * sizeof *re);
	if (re == NULL)
		return nomem(c);
	set->regex = re;
	re = &set->regex[set->nregex];
	memset(re, 0, sizeof *re);
	re->code = pcre2_compile((PCRE2_SPTR)v->str, v->len,
	                         PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C,
	                         &errcode, &off, NULL);
	if (re->code == NULL) {
		PCRE2_UCHAR msg[256];

		if (errcode == PCRE2_ERROR_NOMEMORY)
			return nomem(c);
		if (pcre2_get_error_message(errcode, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", errcode);
		return fail(c, v, "%s: bad regular expression at offset %zu: %s", k->str, (size_t)off,
		            (const char *)msg);
	}
	/* JIT is an optimization: where it is unavailable the interpreter runs */
	(void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	re->pattern = malloc(v->len + 1);
	if (re->pattern == NULL) {
		pcre2_code_free(re->code);
		return nomem(c);
	}
	memcpy(re->pattern, v->str, v->len + 1);
	re->len = v->len;
	*index = (int)set->nregex++;
	return 0;
}

enum { W_CODE, W_STATUS, W_TEXT, W_DOMAIN, W_N };
static const char *const when_keys[W_N] = { "code", "status", "text", "domain" };

static int load_when(struct ctx *c, const ynode *when, struct quell__rule *rule)
{
	const ynode *keys[W_N], *vals[W_N];
	const ynode *const *items;
	size_t n;
	int rc;

	if (when->type == QUELL__Y_SCALAR && when->null)
		return fail(c, when, "when: is empty; leave it out to match every reply");
	if ((rc = take_keys(c, when, "a rule's when", when_keys, W_N, keys, vals)) != 0)
		return rc;
	if (vals[W_CODE] != NULL) {
		if ((rc = want_values(c, keys[W_CODE], &vals[W_CODE], &items, &n)) != 0)
			return rc;
		for (size_t i = 0; i < n; i++)
			if ((rc = code_pattern(c, keys[W_CODE], items[i], rule)) != 0)
				return rc;
	}
	if (vals[W_STATUS] != NULL) {
		if ((rc = want_values(c, keys[W_STATUS], &vals[W_STATUS], &items, &n)) != 0)
			return rc;
		rule->status = calloc(n, sizeof *rule->status);
		if (rule->status == NULL)
			return nomem(c);
		for (size_t i = 0; i < n; i++) {
			if ((rc = status_pattern(c, keys[W_STATUS], items[i], &rule->status[i])) != 0)
				return rc;
			rule->nstatus++;
		}
	}
	if (vals[W_DOMAIN] != NULL) {
		if ((rc = want_values(c, keys[W_DOMAIN], &vals[W_DOMAIN], &items, &n)) != 0)
			return rc;
		rule->domain = calloc(n, sizeof *rule->domain);
		if (rule->domain == NULL)
			return nomem(c);
		for (size_t i = 0; i < n; i++) {
			/* counted first so that an error after malloc frees the name */
			rule->ndomain++;
			if ((rc = get_domain(c, keys[W_DOMAIN], items[i], 1, &rule->domain[i])) != 0)
				return rc;
		}
	}
	if (vals[W_TEXT] != NULL)
		return add_regex(c, keys[W_TEXT], vals[W_TEXT], &rule->regex);
	return 0;
}

/* ------------------------------------------------------------- `then` */

enum { T_ACTION, T_SCOPE, T_CATEGORY, T_TTL, T_INITIAL, T_FACTOR, T_MAX, T_GIVE_UP,
       T_THRESHOLD, T_WINDOW, T_N };
static const char *const then_keys[T_N] = { "action", "scope", "category", "ttl", "initial",
	                                    "factor", "max", "give_up_after", "threshold",
	                                    "window" };
/* the action each key belongs to (0: any) */
static const int then_only[T_N] = { 0, 0, 0, QUELL_ACTION_SUPPRESS, QUELL_ACTION_BACKOFF,
	                            QUELL_ACTION_BACKOFF, QUELL_ACTION_BACKOFF,
	                            QUELL_ACTION_BACKOFF, QUELL_ACTION_COUNT, QUELL_ACTION_COUNT };

static const struct {
	const char *name;
	int action;
} actions[] = { { "suppress", QUELL_ACTION_SUPPRESS }, { "backoff", QUELL_ACTION_BACKOFF },
	        { "count", QUELL_ACTION_COUNT },       { "clear", QUELL_ACTION_CLEAR },
	        { "ignore", QUELL_ACTION_IGNORE } };

/* initial, factor, max, give_up_after of a `backoff` mapping or a rule's
 * `then`, over the values already in b. */
static int load_backoff_keys(struct ctx *c, const ynode *const *keys, const ynode *const *vals,
                             const ynode *at, struct quell__backoff *b)
{
	int rc;

	if (vals[0] != NULL && (rc = get_duration(c, keys[0], vals[0], 0, &b->initial)) != 0)
		return rc;
	if (vals[1] != NULL && (rc = get_factor(c, keys[1], vals[1], &b->factor)) != 0)
		return rc;
	if (vals[2] != NULL && (rc = get_duration(c, keys[2], vals[2], 0, &b->max)) != 0)
		return rc;
	if (vals[3] != NULL && (rc = get_duration(c, keys[3], vals[3], 1, &b->give_up_after)) != 0)
		return rc;
	if (b->max < b->initial)
		return fail(c, vals[2] ? vals[2] : at,
		            "max (%llds) is less than initial (%llds)", (long long)b->max,
		            (long long)b->initial);
	return 0;
}

static int load_ttl(struct ctx *c, const ynode *k, const ynode *const *vp,
                    struct quell__rule *rule)
{
	const ynode *v = *vp;
	const ynode *const *items;
	size_t n;
	int rc;

	if ((rc = want_values(c, k, vp, &items, &n)) != 0)
		return rc;
	if (n > QUELL__TTL_MAX)
		return fail(c, v, "ttl: at most %d steps", QUELL__TTL_MAX);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && rule->ttl[i - 1] == 0)
			return fail(c, items[i], "ttl: nothing can follow forever");
		if ((rc = get_duration(c, k, items[i], 1, &rule->ttl[i])) != 0)
			return rc;
	}
	rule->nttl = n;
	return 0;
}

static int load_then(struct ctx *c, const ynode *then, struct quell__rule *rule)
{
	const ynode *keys[T_N], *vals[T_N];
	int rc;

	if ((rc = take_keys(c, then, "a rule's then", then_keys, T_N, keys, vals)) != 0)
		return rc;
	if (vals[T_ACTION] == NULL)
		return fail(c, then, "then: missing key 'action' (suppress, backoff, count, clear or "
		                     "ignore)");
	if ((rc = want_scalar(c, keys[T_ACTION], vals[T_ACTION])) != 0)
		return rc;
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(vals[T_ACTION]->str, actions[i].name) == 0)
			rule->action = actions[i].action;
	if (rule->action == 0)
		return fail(c, vals[T_ACTION], "action: '%.64s' is not suppress, backoff, count, clear "
		                               "or ignore", vals[T_ACTION]->str);
	for (int i = 0; i < T_N; i++)
		if (vals[i] != NULL && then_only[i] != 0 && then_only[i] != rule->action)
			return fail(c, keys[i], "%s: only a %s rule takes %s (this one is %s)",
			            then_keys[i], quell_action_name(then_only[i]), then_keys[i],
			            quell_action_name(rule->action));
	if (vals[T_SCOPE] != NULL) {
		if ((rc = want_scalar(c, keys[T_SCOPE], vals[T_SCOPE])) != 0)
			return rc;
		if (strcmp(vals[T_SCOPE]->str, "address") == 0)
			rule->scope = QUELL_SCOPE_ADDRESS;
		else if (strcmp(vals[T_SCOPE]->str, "domain") == 0)
			rule->scope = QUELL_SCOPE_DOMAIN;
		else
			return fail(c, vals[T_SCOPE], "scope: '%.64s' is not address or domain",
			            vals[T_SCOPE]->str);
	}
	if (vals[T_CATEGORY] != NULL &&
	    (rc = get_name(c, keys[T_CATEGORY], vals[T_CATEGORY], rule->category)) != 0)
		return rc;
	if (vals[T_TTL] != NULL && (rc = load_ttl(c, keys[T_TTL], &vals[T_TTL], rule)) != 0)
		return rc;
	if ((rc = load_backoff_keys(c, keys + T_INITIAL, vals + T_INITIAL, then, &rule->backoff)) != 0)
		return rc;
	if (rule->action == QUELL_ACTION_COUNT) {
		if (vals[T_THRESHOLD] == NULL || vals[T_WINDOW] == NULL)
			return fail(c, then, "then: a count rule needs threshold and window");
		if ((rc = get_uint(c, keys[T_THRESHOLD], vals[T_THRESHOLD], 1, 1000000,
		                   &rule->threshold)) != 0)
			return rc;
		if ((rc = get_duration(c, keys[T_WINDOW], vals[T_WINDOW], 0, &rule->window)) != 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------- rules */

enum { R_NAME, R_WHEN, R_THEN, R_N };
static const char *const rule_keys[R_N] = { "name", "when", "then" };

static int load_rule(struct ctx *c, const ynode *node)
{
	struct quell__rules *set = c->set;
	const ynode *keys[R_N], *vals[R_N];
	struct quell__rule *rule;
	int rc;

	if ((rc = take_keys(c, node, "a rule", rule_keys, R_N, keys, vals)) != 0)
		return rc;
	if (vals[R_NAME] == NULL)
		return fail(c, node, "rule: missing key 'name'");
	if (vals[R_THEN] == NULL)
		return fail(c, node, "rule: missing key 'then'");
	rule = &set->rules[set->nrules++];
	memset(rule, 0, sizeof *rule);
	rule->regex = -1;
	rule->line = (int)node->line;
	rule->scope = QUELL_SCOPE_ADDRESS;
	rule->backoff = set->backoff;
	memcpy(rule->category, "other", sizeof "other");
	if ((rc = get_name(c, keys[R_NAME], vals[R_NAME], rule->name)) != 0)
		return rc;
	for (size_t i = 0; i + 1 < set->nrules; i++)
		if (strcmp(set->rules[i].name, rule->name) == 0)
			return fail(c, vals[R_NAME], "name: duplicate rule name '%s' (first at line %d)",
			            rule->name, set->rules[i].line);
	if (vals[R_WHEN] != NULL && (rc = load_when(c, vals[R_WHEN], rule)) != 0)
		return rc;
	return load_then(c, vals[R_THEN], rule);
}

static int load_rules(struct ctx *c, const ynode *k, const ynode *v)
{
	struct quell__rules *set = c->set;
	int rc;

	if (v->type != QUELL__Y_SEQ)
		return fail(c, v, "%s: expected a list of rules", k->str);
	if (v->n > QUELL__RULES_MAX)
		return fail(c, v, "%s: more than %d rules", k->str, QUELL__RULES_MAX);
	if (v->n == 0)
		return 0;
	set->rules = calloc(v->n, sizeof *set->rules);
	if (set->rules == NULL)
		return nomem(c);
	for (size_t i = 0; i < v->n; i++)
		if ((rc = load_rule(c, v->kids[i])) != 0)
			return rc;
	return 0;
}

static int load_protect(struct ctx *c, const ynode *k, const ynode *const *vp)
{
	struct quell__rules *set = c->set;
	const ynode *const *items;
	size_t n;
	int rc;

	if ((rc = want_values(c, k, vp, &items, &n)) != 0)
		return rc;
	set->protect = calloc(n, sizeof *set->protect);
	if (set->protect == NULL)
		return nomem(c);
	for (size_t i = 0; i < n; i++) {
		set->nprotect++;
		if ((rc = get_domain(c, k, items[i], 0, &set->protect[i])) != 0)
			return rc;
	}
	return 0;
}

enum { F_VERSION, F_BACKOFF, F_PROTECT, F_RULES, F_N };
static const char *const file_keys[F_N] = { "version", "backoff", "protect", "rules" };
static const char *const backoff_keys[4] = { "initial", "factor", "max", "give_up_after" };

static int load_top(struct ctx *c, const ynode *root)
{
	const ynode *keys[F_N], *vals[F_N];
	int rc;

	if (root == NULL || (root->type == QUELL__Y_SCALAR && root->null))
		return fail(c, root, "the file is empty; it needs at least 'version: 1'");
	if ((rc = take_keys(c, root, "the rules file", file_keys, F_N, keys, vals)) != 0)
		return rc;
	if (vals[F_VERSION] == NULL)
		return fail(c, root, "missing key 'version' (write 'version: 1' first)");
	if ((rc = want_scalar(c, keys[F_VERSION], vals[F_VERSION])) != 0)
		return rc;
	if (!vals[F_VERSION]->plain || strcmp(vals[F_VERSION]->str, "1") != 0)
		return fail(c, vals[F_VERSION], "version: '%.64s' is not supported (this quell reads "
		                                "version 1)", vals[F_VERSION]->str);
	if (vals[F_BACKOFF] != NULL) {
		const ynode *bk[4], *bv[4];

		if ((rc = take_keys(c, vals[F_BACKOFF], "backoff", backoff_keys, 4, bk, bv)) != 0)
			return rc;
		if ((rc = load_backoff_keys(c, bk, bv, vals[F_BACKOFF], &c->set->backoff)) != 0)
			return rc;
	}
	if (vals[F_PROTECT] != NULL && (rc = load_protect(c, keys[F_PROTECT], &vals[F_PROTECT])) != 0)
		return rc;
	if (vals[F_RULES] != NULL)
		return load_rules(c, keys[F_RULES], vals[F_RULES]);
	return 0;
}

/* ------------------------------------------------------------- entry */

int quell__rules_load(const char *buf, size_t len, const char *filename,
                      struct quell__rules **out, char *err, size_t errsize)
{
	struct quell__ynode *root = NULL;
	struct quell__rules *set;
	struct ctx c;
	int rc;

	if (err != NULL && errsize > 0)
		err[0] = '\0';
	if (out == NULL || (buf == NULL && len > 0)) {
		if (err != NULL && errsize > 0)
			snprintf(err, errsize, "invalid arguments");
		return QUELL_EINVAL;
	}
	*out = NULL;
	c.file = filename != NULL ? filename : "<rules>";
	c.err = err;
	c.errsize = errsize;
	if (len > QUELL__RULES_FILE_MAX)
		return fail(&c, NULL, "larger than %u bytes", QUELL__RULES_FILE_MAX);
	set = calloc(1, sizeof *set);
	if (set == NULL)
		return nomem(&c);
	atomic_init(&set->refs, 1);
	c.set = set;
	set->backoff.initial = 15 * 60;
	set->backoff.factor = 2.0;
	set->backoff.max = 8 * 3600;
	set->backoff.give_up_after = 5 * 86400;
	set->name = strdup(c.file);
	set->mctx = pcre2_match_context_create(NULL);
	if (set->name == NULL || set->mctx == NULL) {
		rc = nomem(&c);
		goto fail;
	}
	if (pcre2_set_match_limit(set->mctx, QUELL__MATCH_LIMIT) != 0) {
		rc = fail(&c, NULL, "cannot set the regular expression match limit");
		goto fail;
	}
	if ((rc = quell__yaml_parse(buf != NULL ? buf : "", len, c.file, &root, err, errsize)) != 0)
		goto fail;
	rc = load_top(&c, root);
	quell__yaml_free(root);
	if (rc != 0)
		goto fail;
	*out = set;
	return 0;
fail:
	quell__rules_free(set);
	return rc;
}

int quell__rules_load_file(const char *path, struct quell__rules **out, char *err,
                           size_t errsize)
{
	char *buf = NULL, eb[128];
	size_t len = 0, cap = 0;
	FILE *f;
	int rc;

	if (out != NULL)
		*out = NULL;
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
				if (err != NULL && errsize > 0)
					snprintf(err, errsize, "%s:1:1: larger than %u bytes", path,
					         QUELL__RULES_FILE_MAX);
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
	rc = quell__rules_load(buf, len, path, out, err, errsize);
	free(buf);
	return rc;
}
