/*
 * rules_value.c - typed readers for the nodes of a rules file's YAML tree:
 * mappings with known keys, single values and lists, durations, numbers,
 * names and domains.  Each failure is one line "FILE:LINE:COL: message"
 * naming the node at fault (lines and columns 1-based).
 *
 * Knows the vocabulary of values, not the schema: which key takes which
 * value is rules_load.c's and rules_when.c's business.  Knows nothing of
 * libyaml (the tree comes from rules_yaml.c) or of matching.
 *
 * Diagnostics, for example:
 *   rules.yaml:7:5: unknown key 'wehn' in a rule (expected name, when or then)
 *   rules.yaml:9:12: ttl: '7 days' is not a duration (30s, 15m, 8h, 7d, 2w, forever)
 *   rules.yaml:4:11: name: 'User-Unknown' must match [a-z0-9._-]+ and be at most 63 characters
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "rules_int.h"

typedef struct quell__ynode ynode;

void quell__rl_clean(char *msg)
{
	unsigned char *p = (unsigned char *)msg;
	size_t len = strlen(msg), i = 0, k;

	while (i < len) {
		if (p[i] < 0x20 || p[i] == 0x7f || (k = quell__rl_utf8_char(p + i, len - i)) == 0) {
			p[i++] = '?';
			continue;
		}
		i += k;
	}
}

int quell__rl_fail(struct quell__rl_ctx *c, const ynode *at, const char *fmt, ...)
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
	quell__rl_clean(c->err);
	return QUELL_EDATA;
}

int quell__rl_nomem(struct quell__rl_ctx *c)
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
int quell__rl_keys(struct quell__rl_ctx *c, const ynode *map, const char *what,
                   const char *const *names, size_t n, const ynode **keys, const ynode **vals)
{
	for (size_t i = 0; i < n; i++)
		keys[i] = vals[i] = NULL;
	if (map->type != QUELL__Y_MAP)
		return quell__rl_fail(c, map, "%s: expected a mapping of keys (%s...)", what,
		                      names[0]);
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
				                 j == 0       ? ""
				                 : j + 1 == n ? " or "
				                              : ", ",
				                 names[j]);
				if (w < 0)
					break;
				used += (size_t)w;
			}
			return quell__rl_fail(c, k, "unknown key '%.64s' in %s (expected %s)",
			                      k->str, what, list);
		}
		if (keys[i] != NULL)
			return quell__rl_fail(c, k, "duplicate key '%s' in %s (first at line %zu)",
			                      names[i], what, keys[i]->line);
		keys[i] = k;
		vals[i] = map->kids[p + 1];
	}
	return 0;
}

/* ------------------------------------------------------------- scalars */

/* v must be a single value: a non-empty scalar without NUL bytes. */
int quell__rl_scalar(struct quell__rl_ctx *c, const ynode *k, const ynode *v)
{
	if (v->type == QUELL__Y_MAP)
		return quell__rl_fail(c, v, "%s: expected a single value, found a mapping", k->str);
	if (v->type == QUELL__Y_SEQ)
		return quell__rl_fail(c, v, "%s: expected a single value, found a list", k->str);
	if (v->null || v->len == 0)
		return quell__rl_fail(c, v, "%s: expected a value, found nothing", k->str);
	if (memchr(v->str, '\0', v->len) != NULL)
		return quell__rl_fail(c, v, "%s: contains a NUL byte", k->str);
	return 0;
}

/* *vp is one value or a non-empty list of values; *items and *n describe them.
 * vp must outlive the items (a single value is a list of one: vp itself). */
int quell__rl_values(struct quell__rl_ctx *c, const ynode *k, const ynode *const *vp,
                     const ynode *const **items, size_t *n)
{
	const ynode *v = *vp;

	if (v->type == QUELL__Y_MAP)
		return quell__rl_fail(
		        c, v, "%s: expected a value or a list of values, found a mapping", k->str);
	if (v->type == QUELL__Y_SEQ) {
		if (v->n == 0)
			return quell__rl_fail(c, v, "%s: the list is empty", k->str);
		*items = (const ynode *const *)v->kids;
		*n = v->n;
		return 0;
	}
	*items = vp;
	*n = 1;
	return 0;
}

int quell__rl_duration(struct quell__rl_ctx *c, const ynode *k, const ynode *v, int allow_forever,
                       int64_t *out)
{
	int rc;

	if ((rc = quell__rl_scalar(c, k, v)) != 0)
		return rc;
	if (quell_duration_parse(v->str, out) != 0)
		return quell__rl_fail(
		        c, v, "%s: '%.64s' is not a duration (30s, 15m, 8h, 7d, 2w, forever)",
		        k->str, v->str);
	if (*out == 0 && !allow_forever)
		return quell__rl_fail(c, v, "%s: must be a finite duration, not forever", k->str);
	return 0;
}

int quell__rl_uint(struct quell__rl_ctx *c, const ynode *k, const ynode *v, uint32_t min,
                   uint32_t max, uint32_t *out)
{
	uint64_t x = 0;
	int rc;

	if ((rc = quell__rl_scalar(c, k, v)) != 0)
		return rc;
	for (size_t i = 0; i < v->len; i++) {
		if (!v->plain || v->str[i] < '0' || v->str[i] > '9' || x > max)
			return quell__rl_fail(c, v, "%s: expected a whole number from %u to %u",
			                      k->str, min, max);
		x = x * 10 + (uint64_t)(v->str[i] - '0');
	}
	if (x < min || x > max)
		return quell__rl_fail(c, v, "%s: expected a whole number from %u to %u", k->str,
		                      min, max);
	*out = (uint32_t)x;
	return 0;
}

int quell__rl_factor(struct quell__rl_ctx *c, const ynode *k, const ynode *v, double *out)
{
	size_t dots = 0, digits = 0;
	char *end;
	int rc, ok;

	if ((rc = quell__rl_scalar(c, k, v)) != 0)
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
		return quell__rl_fail(c, v, "%s: expected a number such as 2 or 1.5", k->str);
	errno = 0;
	*out = strtod(v->str, &end);
	if (errno != 0 || *end != '\0' || !isfinite(*out) || *out < 1.0 || *out > 1000.0)
		return quell__rl_fail(c, v, "%s: must be a number from 1 to 1000", k->str);
	return 0;
}

int quell__rl_name(struct quell__rl_ctx *c, const ynode *k, const ynode *v,
                   char out[QUELL_NAME_MAX])
{
	int rc;

	if ((rc = quell__rl_scalar(c, k, v)) != 0)
		return rc;
	if (!quell__name_ok(v->str, v->len))
		return quell__rl_fail(
		        c, v, "%s: '%.64s' must match [a-z0-9._-]+ and be at most %d characters",
		        k->str, v->str, QUELL_NAME_MAX - 1);
	memcpy(out, v->str, v->len + 1);
	return 0;
}

/* A domain as written in `domain` or `protect`: LDH labels (and '_'), at
 * most 253 characters, one trailing dot allowed; `*.` first when wildcard
 * is allowed.  Fills d with a lower-case copy. */
int quell__rl_domain(struct quell__rl_ctx *c, const ynode *k, const ynode *v, int wildcard,
                     struct quell__domain_pat *d)
{
	const char *s = v->str;
	size_t len = v->len, label = 0;
	int rc;

	if ((rc = quell__rl_scalar(c, k, v)) != 0)
		return rc;
	if (len >= 2 && s[0] == '*' && s[1] == '.') {
		if (!wildcard)
			return quell__rl_fail(
			        c, v, "%s: write the domain without '*.'; it covers its subdomains",
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
					return quell__rl_nomem(c);
				for (size_t j = 0; j < len; j++)
					d->name[j] = (char)(s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32
					                                               : s[j]);
				d->name[len] = '\0';
				d->len = len;
				return 0;
			}
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_') {
			label++;
		} else if (ch >= 0x80) {
			return quell__rl_fail(
			        c, v,
			        "%s: '%.64s': write an international domain as its A-label "
			        "(xn--...)",
			        k->str, v->str);
		} else {
			break;
		}
	}
	return quell__rl_fail(c, v, "%s: '%.64s' is not a domain name%s", k->str, v->str,
	                      wildcard ? " (example.com or *.example.com)" : "");
}
