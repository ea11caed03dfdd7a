/*
 * rules_when.c - the `when` and `unless` parts of a rule: reply code
 * patterns (550, 55x, 5xx), enhanced status patterns (5.1.1, 5.7.*),
 * recipient domains (example.com, *.example.com) and the `text` regular
 * expression, turned into the match data that rules_match.c reads.  Both
 * parts take the same keys; a rule matches when all of `when` holds and
 * not all of `unless` does.
 *
 * Regular expressions are compiled once per distinct pattern (rules with
 * the same `text` share one compiled form and one result per match call)
 * with PCRE2_UTF (rules_match.c repairs replies that are not UTF-8 before
 * matching) and PCRE2_NO_AUTO_CAPTURE: only "does it match" is ever asked,
 * so plain groups need not capture (named groups still do, for
 * back-references).  Patterns are JIT-compiled where the platform allows
 * (the interpreter runs otherwise).
 *
 * The only file besides rules_match.c that calls PCRE2; knows nothing of
 * libyaml or of the database.
 *
 * Diagnostics, for example:
 *   rules.yaml:9:22: text: bad regular expression at offset 3: missing closing parenthesis
 *   rules.yaml:8:21: status: '5.7' is not an enhanced status pattern (5.1.1, 5.7.*, 4.*)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

typedef struct quell__ynode ynode;

#define REGEX_OPTIONS (PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C | PCRE2_NO_AUTO_CAPTURE)

static int code_pattern(struct quell__rl_ctx *c, const ynode *k, const ynode *v,
                        struct quell__cond *cond)
{
	const char *s = v->str;
	int rc;

	if ((rc = quell__rl_scalar(c, k, v)) != 0)
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
			cond->codes[code / 64] |= (uint64_t)1 << (code % 64);
	}
	cond->has_code = 1;
	return 0;
bad:
	return quell__rl_fail(c, v, "%s: '%.64s' is not a reply code pattern (550, 55x, 5xx)",
	                      k->str, v->str);
}

static int status_pattern(struct quell__rl_ctx *c, const ynode *k, const ynode *v,
                          struct quell__status_pat *p)
{
	short part[3];
	int np = 0, rc;
	const char *s;

	if ((rc = quell__rl_scalar(c, k, v)) != 0)
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
	return quell__rl_fail(c, v,
	                      "%s: '%.64s' is not an enhanced status pattern (5.1.1, 5.7.*, 4.*)",
	                      k->str, v->str);
}

static int add_regex(struct quell__rl_ctx *c, const ynode *k, const ynode *v, int *index)
{
	struct quell__rules *set = c->set;
	struct quell__regex *re;
	PCRE2_SIZE off;
	int errcode, rc;

	if ((rc = quell__rl_scalar(c, k, v)) != 0)
		return rc;
	for (size_t i = 0; i < set->nregex; i++) {
		if (set->regex[i].len == v->len &&
		    memcmp(set->regex[i].pattern, v->str, v->len) == 0) {
			*index = (int)i;
			return 0;
		}
	}
	re = realloc(set->regex, (set->nregex + 1) * sizeof *re);
	if (re == NULL)
		return quell__rl_nomem(c);
	set->regex = re;
	re = &set->regex[set->nregex];
	memset(re, 0, sizeof *re);
	re->code = pcre2_compile((PCRE2_SPTR)v->str, v->len, REGEX_OPTIONS, &errcode, &off, NULL);
	if (re->code == NULL) {
		PCRE2_UCHAR msg[256];

		if (errcode == PCRE2_ERROR_NOMEMORY)
			return quell__rl_nomem(c);
		if (pcre2_get_error_message(errcode, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", errcode);
		return quell__rl_fail(c, v, "%s: bad regular expression at offset %zu: %s", k->str,
		                      (size_t)off, (const char *)msg);
	}
	/* JIT is an optimization: where it is unavailable the interpreter runs */
	re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
	re->pattern = malloc(v->len + 1);
	if (re->pattern == NULL) {
		pcre2_code_free(re->code);
		return quell__rl_nomem(c);
	}
	memcpy(re->pattern, v->str, v->len + 1);
	re->len = v->len;
	*index = (int)set->nregex++;
	return 0;
}

enum { W_CODE, W_STATUS, W_TEXT, W_DOMAIN, W_N };
static const char *const when_keys[W_N] = { "code", "status", "text", "domain" };

int quell__rl_cond(struct quell__rl_ctx *c, const ynode *key, const ynode *when,
                   struct quell__cond *cond)
{
	const ynode *keys[W_N], *vals[W_N];
	const ynode *const *items;
	char what[32];
	size_t n;
	int rc;

	if (strcmp(key->str, "when") != 0 &&
	    ((when->type == QUELL__Y_SCALAR && when->null) ||
	     (when->type == QUELL__Y_MAP && when->n == 0)))
		return quell__rl_fail(c, when, "%s: is empty (the rule would never match); "
		                      "leave it out", key->str);
	if (when->type == QUELL__Y_SCALAR && when->null)
		return quell__rl_fail(c, when, "when: is empty; leave it out to match every reply");
	snprintf(what, sizeof what, "a rule's %s", key->str);
	if ((rc = quell__rl_keys(c, when, what, when_keys, W_N, keys, vals)) != 0)
		return rc;
	if (vals[W_CODE] != NULL) {
		if ((rc = quell__rl_values(c, keys[W_CODE], &vals[W_CODE], &items, &n)) != 0)
			return rc;
		for (size_t i = 0; i < n; i++)
			if ((rc = code_pattern(c, keys[W_CODE], items[i], cond)) != 0)
				return rc;
	}
	if (vals[W_STATUS] != NULL) {
		if ((rc = quell__rl_values(c, keys[W_STATUS], &vals[W_STATUS], &items, &n)) != 0)
			return rc;
		cond->status = calloc(n, sizeof *cond->status);
		if (cond->status == NULL)
			return quell__rl_nomem(c);
		for (size_t i = 0; i < n; i++, cond->nstatus++)
			if ((rc = status_pattern(c, keys[W_STATUS], items[i], &cond->status[i])) != 0)
				return rc;
	}
	if (vals[W_DOMAIN] != NULL) {
		if ((rc = quell__rl_values(c, keys[W_DOMAIN], &vals[W_DOMAIN], &items, &n)) != 0)
			return rc;
		cond->domain = calloc(n, sizeof *cond->domain);
		if (cond->domain == NULL)
			return quell__rl_nomem(c);
		for (size_t i = 0; i < n; i++) {
			/* counted first so that an error after malloc frees the name */
			cond->ndomain++;
			if ((rc = quell__rl_domain(c, keys[W_DOMAIN], items[i], 1,
			                           &cond->domain[i])) != 0)
				return rc;
		}
	}
	if (vals[W_TEXT] != NULL)
		return add_regex(c, keys[W_TEXT], vals[W_TEXT], &cond->regex);
	return 0;
}
