/*
 * rules_shadow.c - rules that can never match: a rule B is shadowed when
 * an earlier rule A matches every reply B could match (first match wins,
 * so B never decides anything).  `quell rules check` reports each one as a
 * warning; a file with warnings still loads.
 *
 * Decided only from what can be decided exactly, and only ever in the
 * direction of "A covers B" (no warning is a guess):
 *   - code: B's set of codes within A's (bitmaps);
 *   - status: each pattern of B within one pattern of A (5.1.1 within
 *     5.1.*, 5.*.*, *.1.1);
 *   - domain: each name of B within one of A's (x.example within
 *     *.example, *.a.example within *.example);
 *   - text: A has none, or B has the very same pattern string (regular
 *     expressions are never compared otherwise);
 *   - a condition of A's `when` that B's `when` lacks: not covered;
 *   - A's `unless`: A covers B only when it cannot hold for a reply B
 *     matches: one of its conditions is disjoint from B's `when` on the
 *     same key (code 550 against code 4xx; never for text), or whatever
 *     meets A's `unless` (and B's `when`) meets B's `unless` too.
 * A rule without `when` (and without `unless`) covers every later rule.
 *
 * The work is bounded (QUELL__SHADOW_WORK_MAX comparisons): a huge file
 * of long lists is analysed up to there, and no further.
 *
 * Knows nothing of YAML, PCRE2 or the database; reads a loaded set only.
 *
 * Diagnostics, for example:
 *   rules.yaml:9:5: warning: rule 'unknown' can never match: rule 'bounces'
 *     (line 3) matches every reply it could   (one line)
 */
#include <stdio.h>
#include <strings.h>

#include "rules_int.h"

struct work {
	unsigned long long left; /* comparisons still allowed */
};

/* Spend n comparisons; 0 once the budget is gone. */
static int spend(struct work *w, unsigned long long n)
{
	if (w->left < n) {
		w->left = 0;
		return 0;
	}
	w->left -= n;
	return 1;
}

/* Whether name x[0..xl) is y[0..yl) or a name below it. */
static int under(const char *x, size_t xl, const char *y, size_t yl)
{
	if (xl == yl)
		return strncasecmp(x, y, xl) == 0;
	return xl > yl && x[xl - yl - 1] == '.' && strncasecmp(x + xl - yl, y, yl) == 0;
}

/* Every domain pattern p matches is matched by q. */
static int domain_within(const struct quell__domain_pat *p, const struct quell__domain_pat *q)
{
	if (!q->subdomains)
		return !p->subdomains && p->len == q->len && strncasecmp(p->name, q->name, p->len) == 0;
	return under(p->name, p->len, q->name, q->len);
}

/* Some domain matches both p and q. */
static int domain_meet(const struct quell__domain_pat *p, const struct quell__domain_pat *q)
{
	if (!p->subdomains && !q->subdomains)
		return p->len == q->len && strncasecmp(p->name, q->name, p->len) == 0;
	if (!p->subdomains)
		return under(p->name, p->len, q->name, q->len);
	if (!q->subdomains)
		return under(q->name, q->len, p->name, p->len);
	return under(p->name, p->len, q->name, q->len) || under(q->name, q->len, p->name, p->len);
}

/* Every status pattern p matches is matched by q. */
static int status_within(const struct quell__status_pat *p, const struct quell__status_pat *q)
{
	return (q->klass < 0 || q->klass == p->klass) && (q->subject < 0 || q->subject == p->subject) &&
	       (q->detail < 0 || q->detail == p->detail);
}

/* Some status matches both p and q. */
static int status_meet(const struct quell__status_pat *p, const struct quell__status_pat *q)
{
	return (p->klass < 0 || q->klass < 0 || p->klass == q->klass) &&
	       (p->subject < 0 || q->subject < 0 || p->subject == q->subject) &&
	       (p->detail < 0 || q->detail < 0 || p->detail == q->detail);
}

enum { K_CODE, K_TEXT, K_STATUS, K_DOMAIN, K_N }; /* cheap tests first */

/*
 * Key k of condition `in` implies key k of condition `out`: every reply
 * meeting in's condition on k meets out's.  1 yes, 0 not known (or the
 * budget is gone).  No condition on k in out holds always; none in in,
 * while out has one, is not known.
 */
static int key_within(struct work *w, int k, const struct quell__cond *in,
                      const struct quell__cond *out)
{
	switch (k) {
	case K_CODE:
		if (!out->has_code)
			return 1;
		if (!in->has_code)
			return 0;
		for (size_t i = 0; i < sizeof in->codes / sizeof in->codes[0]; i++)
			if (in->codes[i] & ~out->codes[i])
				return 0;
		return 1;
	case K_TEXT: /* the same pattern string is the same regex index */
		return out->regex < 0 || in->regex == out->regex;
	case K_STATUS:
		if (out->nstatus == 0)
			return 1;
		if (in->nstatus == 0)
			return 0;
		for (size_t i = 0; i < in->nstatus; i++) {
			size_t j;

			if (!spend(w, out->nstatus))
				return 0;
			for (j = 0; j < out->nstatus; j++)
				if (status_within(&in->status[i], &out->status[j]))
					break;
			if (j == out->nstatus)
				return 0;
		}
		return 1;
	default: /* K_DOMAIN */
		if (out->ndomain == 0)
			return 1;
		if (in->ndomain == 0)
			return 0;
		for (size_t i = 0; i < in->ndomain; i++) {
			size_t j;

			if (!spend(w, out->ndomain))
				return 0;
			for (j = 0; j < out->ndomain; j++)
				if (domain_within(&in->domain[i], &out->domain[j]))
					break;
			if (j == out->ndomain)
				return 0;
		}
		return 1;
	}
	return 1;
}

/* Every key of `in` implies the same key of `out` (in's replies all meet
 * out); 1 yes, 0 not known. */
static int cond_within(struct work *w, const struct quell__cond *in, const struct quell__cond *out)
{
	for (int k = 0; k < K_N; k++)
		if (!key_within(w, k, in, out))
			return 0;
	return 1;
}

/* Some key on which no reply meets both a and b (text is never known to
 * be disjoint); 1 yes, 0 not known. */
static int cond_disjoint(struct work *w, const struct quell__cond *a, const struct quell__cond *b)
{
	if (a->has_code && b->has_code) {
		uint64_t both = 0;

		for (size_t i = 0; i < sizeof a->codes / sizeof a->codes[0]; i++)
			both |= a->codes[i] & b->codes[i];
		if (both == 0)
			return 1;
	}
	if (a->nstatus > 0 && b->nstatus > 0) {
		int meet = 0;

		for (size_t i = 0; i < a->nstatus && !meet; i++) {
			if (!spend(w, b->nstatus))
				return 0;
			for (size_t j = 0; j < b->nstatus && !meet; j++)
				meet = status_meet(&a->status[i], &b->status[j]);
		}
		if (!meet)
			return 1;
	}
	if (a->ndomain > 0 && b->ndomain > 0) {
		int meet = 0;

		for (size_t i = 0; i < a->ndomain && !meet; i++) {
			if (!spend(w, b->ndomain))
				return 0;
			for (size_t j = 0; j < b->ndomain && !meet; j++)
				meet = domain_meet(&a->domain[i], &b->domain[j]);
		}
		if (!meet)
			return 1;
	}
	return 0;
}

/* A's `unless` holds for no reply B matches: it is disjoint from B's
 * `when`, or each condition of B's `unless` follows (key by key) from
 * A's `unless` or from B's `when`. */
static int unless_never(struct work *w, const struct quell__rule *a, const struct quell__rule *b)
{
	if (!a->has_unless)
		return 1;
	if (cond_disjoint(w, &a->unless, &b->when))
		return 1;
	if (!b->has_unless)
		return 0;
	for (int k = 0; k < K_N; k++)
		if (!key_within(w, k, &a->unless, &b->unless) &&
		    !key_within(w, k, &b->when, &b->unless))
			return 0;
	return 1;
}

/* A matches every reply B could match; 1 yes, 0 not known. */
static int covers(struct work *w, const struct quell__rule *a, const struct quell__rule *b)
{
	return spend(w, 1) && cond_within(w, &b->when, &a->when) && unless_never(w, a, b);
}

unsigned quell__rules_shadowed(const struct quell__rules *set, const char *file,
                               void (*report)(void *arg, const char *message), void *arg)
{
	struct work w = { QUELL__SHADOW_WORK_MAX };
	unsigned n = 0;
	char msg[1024];

	if (set == NULL || report == NULL)
		return 0;
	for (size_t i = 1; i < set->nrules && w.left > 0; i++) {
		const struct quell__rule *b = &set->rules[i];

		for (size_t j = 0; j < i && w.left > 0; j++) {
			const struct quell__rule *a = &set->rules[j];

			if (!covers(&w, a, b))
				continue;
			snprintf(msg, sizeof msg,
			         "%s:%d:%d: warning: rule '%s' can never match: rule '%s' (line %d) "
			         "matches every reply it could",
			         file, b->line, b->col, b->name, a->name, a->line);
			quell__rl_clean(msg);
			report(arg, msg);
			n++;
			break;
		}
	}
	return n;
}
