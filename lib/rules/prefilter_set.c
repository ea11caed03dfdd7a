/*
 * prefilter_set.c - the sets of literals of the prefilter's pattern
 * analysis (prefilter_parse.h): adding strings, joining them with a
 * boundary byte where wordness changes, multiplying sets while they stay
 * small, scoring a requirement (how selective it is), keeping the best
 * ones of a sequence as a term, shrinking a set that has too many
 * strings, and weakening terms into one set when they are too many.
 *
 * Knows nothing of pattern syntax, rules, the automaton or PCRE2.
 */
#include <stdlib.h>
#include <string.h>

#include "prefilter_parse.h"

/* ------------------------------------------------------------- sets */

void quell__pf_set_free(struct quell__pf_set *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

int quell__pf_set_add(struct quell__pf_set *s, const struct quell__pf_str *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].n == x->n && memcmp(s->v[i].b, x->b, x->n) == 0)
			return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4;
		struct quell__pf_str *v = realloc(s->v, cap * sizeof *v);

		if (v == NULL)
			return QUELL__PF_NOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *x;
	return 0;
}

void quell__pf_term_free(struct quell__pf_term *t)
{
	for (size_t i = 0; i < t->n; i++)
		quell__pf_set_free(&t->c[i]);
	t->n = 0;
}

void quell__pf_info_free(struct quell__pf_info *f)
{
	quell__pf_set_free(&f->s);
	for (size_t i = 0; i < f->nterm; i++)
		quell__pf_term_free(&f->t[i]);
	free(f->t);
	f->t = NULL;
	f->nterm = 0;
	f->kind = QUELL__PF_ANY;
	f->nonascii = 0;
}

int quell__pf_info_one(struct quell__pf_info *f, const unsigned char *b, size_t n)
{
	struct quell__pf_str x;

	f->kind = QUELL__PF_EXACT;
	f->nonascii = 0;
	memset(&f->s, 0, sizeof f->s);
	x.n = (unsigned char)n;
	memcpy(x.b, b, n);
	return quell__pf_set_add(&f->s, &x);
}

static int word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

unsigned char quell__pf_fold(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c + 32);
	if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r')
		return ' ';
	return c;
}

/* a . b with a boundary byte where the wordness changes; 0 when too long */
static int join(struct quell__pf_str *out, const struct quell__pf_str *a,
                const struct quell__pf_str *b)
{
	size_t n = a->n;

	memcpy(out->b, a->b, a->n);
	if (a->n > 0 && b->n > 0) {
		unsigned char x = a->b[a->n - 1], y = b->b[0];

		if (x == QUELL__PF_B && y == QUELL__PF_B)
			n--; /* \b\b is \b */
		else if (x != QUELL__PF_B && y != QUELL__PF_B && word(x) != word(y)) {
			if (n >= QUELL__PF_STR_MAX)
				return 0;
			out->b[n++] = QUELL__PF_B;
		}
	}
	if (n + b->n > QUELL__PF_STR_MAX)
		return 0;
	memcpy(out->b + n, b->b, b->n);
	out->n = (unsigned char)(n + b->n);
	return 1;
}

/* *out = a x b; QUELL__PF_GIVEUP when too many or too long strings */
int quell__pf_product(struct quell__pf_set *out, const struct quell__pf_set *a,
                      const struct quell__pf_set *b)
{
	struct quell__pf_str x;
	int rc;

	memset(out, 0, sizeof *out);
	if (a->n * b->n > QUELL__PF_EXACT_MAX)
		return QUELL__PF_GIVEUP;
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++) {
			if (!join(&x, &a->v[i], &b->v[j])) {
				quell__pf_set_free(out);
				return QUELL__PF_GIVEUP;
			}
			if ((rc = quell__pf_set_add(out, &x)) != 0) {
				quell__pf_set_free(out);
				return rc;
			}
		}
	return 0;
}

/* How selective a requirement is: its weakest literal's letters (spaces
 * and boundaries do not count; "a byte >= 0x80" counts 4), then fewer
 * literals.  -1: no requirement at all. */
static long weight(const struct quell__pf_str *x)
{
	long w = 0;

	for (size_t i = 0; i < x->n; i++)
		w += x->b[i] != QUELL__PF_B && x->b[i] != ' ';
	return w;
}

static long score(const struct quell__pf_set *s, int nonascii)
{
	long min = nonascii ? 4 : 1000;

	if (s->n == 0 && !nonascii)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		long w = weight(&s->v[i]);

		if (w == 0)
			return -1; /* the empty string, or only spaces: no use */
		if (w < min)
			min = w;
	}
	return min * 1000 - (long)s->n - nonascii;
}

/* Whether a and b hold the same strings (in the same order: they were
 * made the same way). */
static int same(const struct quell__pf_set *a, const struct quell__pf_set *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].n != b->v[i].n || memcmp(a->v[i].b, b->v[i].b, a->v[i].n) != 0)
			return 0;
	return 1;
}

/* A copy of s into *out (all zero before); 0 or QUELL__PF_NOMEM. */
static int set_copy(struct quell__pf_set *out, const struct quell__pf_set *s)
{
	int rc;

	for (size_t i = 0; i < s->n; i++)
		if ((rc = quell__pf_set_add(out, &s->v[i])) != 0) {
			quell__pf_set_free(out);
			return rc;
		}
	return 0;
}

/* Offer the requirement of f to the clauses of *best (f is left as it
 * was): kept while there is room, else in place of the weakest clause
 * when more selective than it.  Any of a sequence's requirements may be
 * dropped: the rest still hold together. */
int quell__pf_offer(struct quell__pf_term *best, const struct quell__pf_info *f)
{
	struct quell__pf_set copy = { 0, 0, NULL };
	long sf, worst = 0;
	size_t at = best->n;
	int rc;

	if (f->kind == QUELL__PF_ANY || (sf = score(&f->s, f->nonascii)) < 0)
		return 0;
	for (size_t i = 0; i < best->n; i++)
		if (same(&best->c[i], &f->s) && best->nonascii[i] == f->nonascii)
			return 0; /* required already */
	if (best->n == QUELL__PF_AND_MAX) {
		for (size_t i = 0; i < best->n; i++) {
			long si = score(&best->c[i], best->nonascii[i]);

			if (at == best->n || si < worst) {
				worst = si;
				at = i;
			}
		}
		if (sf <= worst)
			return 0;
	}
	if ((rc = set_copy(&copy, &f->s)) != 0)
		return rc;
	if (at == best->n)
		best->n++;
	else
		quell__pf_set_free(&best->c[at]);
	best->c[at] = copy;
	best->nonascii[at] = f->nonascii;
	return 0;
}

/* The index of t's most selective clause (t->n > 0). */
static size_t best_clause(const struct quell__pf_term *t)
{
	size_t b = 0;

	for (size_t i = 1; i < t->n; i++)
		if (score(&t->c[i], t->nonascii[i]) > score(&t->c[b], t->nonascii[b]))
			b = i;
	return b;
}

/* The strings of t's clauses. */
static size_t term_size(const struct quell__pf_term *t)
{
	size_t n = 0;

	for (size_t c = 0; c < t->n; c++)
		n += t->c[c].n;
	return n;
}

int quell__pf_collapse_big(struct quell__pf_info *f)
{
	size_t big = 0, b;
	int rc = 0;

	if (f->nterm == 0)
		return 0;
	for (size_t i = 1; i < f->nterm; i++)
		if (term_size(&f->t[i]) > term_size(&f->t[big]))
			big = i;
	b = best_clause(&f->t[big]);
	for (size_t k = 0; k < f->t[big].c[b].n && rc == 0; k++)
		rc = quell__pf_set_add(&f->s, &f->t[big].c[b].v[k]);
	f->nonascii |= f->t[big].nonascii[b];
	quell__pf_term_free(&f->t[big]);
	f->t[big] = f->t[--f->nterm];
	if (f->nterm == 0) {
		free(f->t);
		f->t = NULL;
	}
	return rc;
}

int quell__pf_collapse(struct quell__pf_info *f)
{
	int rc = 0;

	while (f->nterm > 0)
		if (quell__pf_collapse_big(f) != 0)
			rc = QUELL__PF_NOMEM;
	return rc;
}

int quell__pf_join_terms(struct quell__pf_info *f, struct quell__pf_info *from)
{
	struct quell__pf_term *t;
	int rc = 0;

	if (from->nterm == 0)
		return 0;
	if ((t = realloc(f->t, (f->nterm + from->nterm) * sizeof *t)) == NULL)
		return QUELL__PF_NOMEM;
	memcpy(t + f->nterm, from->t, from->nterm * sizeof *t);
	f->t = t;
	f->nterm += from->nterm;
	free(from->t);
	from->t = NULL;
	from->nterm = 0;
	while (f->nterm > QUELL__PF_TERMS_MAX)
		if (quell__pf_collapse_big(f) != 0)
			rc = QUELL__PF_NOMEM;
	return rc;
}

int quell__pf_from_term(struct quell__pf_info *f, struct quell__pf_term *t)
{
	memset(f, 0, sizeof *f);
	f->kind = t->n > 0 ? QUELL__PF_REQ : QUELL__PF_ANY;
	if (t->n == 1) {
		f->s = t->c[0];
		f->nonascii = t->nonascii[0];
		t->n = 0;
	} else if (t->n > 1) {
		if ((f->t = malloc(sizeof *f->t)) == NULL)
			return QUELL__PF_NOMEM;
		f->t[0] = *t;
		f->nterm = 1;
		t->n = 0;
	}
	return 0;
}

int quell__pf_weak(const struct quell__pf_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (weight(&s->v[i]) < 2)
			return 1;
	return 0;
}

/* Whether s holds the empty string (then it requires nothing). */
int quell__pf_has_empty(const struct quell__pf_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].n == 0)
			return 1;
	return 0;
}

/* Whether x holds y somewhere. */
static int holds(const struct quell__pf_str *x, const struct quell__pf_str *y)
{
	for (size_t s = 0; s + y->n <= x->n; s++)
		if (x->b[s] == y->b[0] && memcmp(x->b + s, y->b, y->n) == 0)
			return 1;
	return 0;
}

void quell__pf_drop_holders(struct quell__pf_set *s)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		int redundant = 0;

		for (size_t j = 0; j < s->n && !redundant; j++)
			redundant = j != i && s->v[j].n <= s->v[i].n && holds(&s->v[i], &s->v[j]) &&
			            (s->v[j].n < s->v[i].n || j < i);
		if (!redundant)
			s->v[k++] = s->v[i];
	}
	s->n = k;
}

/* Make a requirement of more than max strings fewer: first drop the
 * strings that hold another, then, while still too many, cut each string
 * to its first cut bytes (any text holding a string holds its beginning;
 * duplicates go).  Gives the requirement up (ANY) when even short ones
 * are too many. */
void quell__pf_shrink(struct quell__pf_info *f, size_t max)
{
	static const unsigned char cuts[] = { 16, 12, 10, 8, 6, 5, 4 };

	if (f->kind == QUELL__PF_REQ)
		quell__pf_drop_holders(&f->s);
	for (size_t c = 0; c < sizeof cuts && f->s.n > max; c++) {
		size_t k = 0;

		for (size_t i = 0; i < f->s.n; i++) {
			struct quell__pf_str x = f->s.v[i];
			int dup = 0;

			if (x.n > cuts[c])
				x.n = cuts[c];
			for (size_t j = 0; j < k && !dup; j++)
				dup = f->s.v[j].n == x.n && memcmp(f->s.v[j].b, x.b, x.n) == 0;
			if (!dup)
				f->s.v[k++] = x;
		}
		f->s.n = k;
	}
	if (f->s.n > max)
		quell__pf_info_free(f);
}
