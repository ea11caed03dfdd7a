/*
 * prefilter_out.c - the end of the prefilter's analysis of one pattern
 * (prefilter_parse.h): what was found for the whole pattern, as the
 * literals and clauses of a struct quell__pf_lits (prefilter.h).  Clauses
 * too weak to scan for leave their terms; strings that hold another of
 * their clause go before all are cut to QUELL__PF_LIT_MAX bytes; with too
 * many literals or clauses, the biggest terms join the literals that are
 * each enough (by their most selective clause) until the rest fit.
 *
 * Knows nothing of pattern syntax, rules, the automaton or PCRE2.
 */
#include <string.h>

#include "prefilter_parse.h"

int quell__pf_strong(const struct quell__pf_lits *l)
{
	if (l->n == 0 && !l->nonascii)
		return 0;
	for (size_t i = 0; i < l->n; i++) {
		size_t w = 0;

		for (size_t k = 0; k < l->len[i]; k++)
			w += l->lit[i][k] != QUELL__PF_B && l->lit[i][k] != ' ';
		if (w < 2)
			return 0;
	}
	return 1;
}

/* Keep out's literals short and few: cut each to QUELL__PF_LIT_MAX bytes,
 * drop the ones that hold another of the same clause. */
static void trim(struct quell__pf_lits *out)
{
	size_t k = 0;

	for (size_t i = 0; i < out->n; i++) {
		int redundant = 0;

		for (size_t j = 0; j < out->n && !redundant; j++) {
			if (j == i || out->len[j] > out->len[i] || out->clause[j] != out->clause[i])
				continue;
			if (out->len[j] == out->len[i] && j > i)
				continue; /* of two equal ones, keep the first */
			for (size_t s = 0; s + out->len[j] <= out->len[i] && !redundant; s++)
				redundant = out->lit[i][s] == out->lit[j][0] &&
				            memcmp(out->lit[i] + s, out->lit[j], out->len[j]) == 0 &&
				            (out->len[j] < out->len[i] || j < i);
		}
		if (!redundant) {
			if (k != i) {
				out->len[k] = out->len[i];
				out->clause[k] = out->clause[i];
				memcpy(out->lit[k], out->lit[i], out->len[i]);
			}
			k++;
		}
	}
	out->n = k;
}

/* Drop the clauses of f's terms that are too weak to scan for (any of
 * them may go: the others still hold together); a term left with one
 * clause joins f's own strings.  QUELL__PF_GIVEUP when a term is left
 * with none. */
static int drop_weak(struct quell__pf_info *f)
{
	size_t k = 0;
	int rc = 0;

	for (size_t i = 0; i < f->nterm; i++) {
		struct quell__pf_term *t = &f->t[i];
		size_t m = 0;

		for (size_t c = 0; c < t->n; c++) {
			if (quell__pf_weak(&t->c[c])) {
				quell__pf_set_free(&t->c[c]);
				continue;
			}
			t->nonascii[m] = t->nonascii[c];
			t->c[m++] = t->c[c];
		}
		t->n = m;
		if (m == 0 && rc == 0)
			rc = QUELL__PF_GIVEUP;
		if (m == 1) {
			for (size_t s = 0; s < t->c[0].n && rc == 0; s++)
				rc = quell__pf_set_add(&f->s, &t->c[0].v[s]);
			f->nonascii |= t->nonascii[0];
		}
		if (m <= 1)
			quell__pf_term_free(t);
		else
			f->t[k++] = *t;
	}
	f->nterm = k;
	return rc;
}

/* Whether f's strings and clauses fit a struct quell__pf_lits. */
static int fits(const struct quell__pf_info *f)
{
	size_t lits = f->s.n, clauses = 0;

	for (size_t i = 0; i < f->nterm; i++)
		for (size_t c = 0; c < f->t[i].n; c++, clauses++)
			lits += f->t[i].c[c].n;
	return lits <= QUELL__PF_LITS_MAX && clauses <= QUELL__PF_CLAUSES_MAX;
}

/* Add the strings of s to out as literals of clause c. */
static void put(struct quell__pf_lits *out, const struct quell__pf_set *s, size_t c)
{
	for (size_t i = 0; i < s->n; i++) {
		size_t n = s->v[i].n < QUELL__PF_LIT_MAX ? s->v[i].n : QUELL__PF_LIT_MAX;

		out->len[out->n] = (unsigned char)n;
		out->clause[out->n] = (unsigned char)c;
		memcpy(out->lit[out->n], s->v[i].b, n);
		out->n++;
	}
}

int quell__pf_output(struct quell__pf_info *f, struct quell__pf_lits *out)
{
	if (drop_weak(f) != 0)
		return 0;
	while (!fits(f) && f->nterm > 0) /* the biggest terms join f's own strings */
		if (quell__pf_collapse_big(f) != 0)
			return 0;
	if (f->s.n > QUELL__PF_DIRECT_MAX)
		quell__pf_shrink(f, QUELL__PF_DIRECT_MAX);
	if (f->kind == QUELL__PF_ANY || !fits(f))
		return 0;
	quell__pf_drop_holders(&f->s); /* before they are cut */
	for (size_t i = 0; i < f->nterm; i++)
		for (size_t c = 0; c < f->t[i].n; c++)
			quell__pf_drop_holders(&f->t[i].c[c]);
	out->nonascii = f->nonascii;
	put(out, &f->s, 0);
	for (size_t i = 0; i < f->nterm; i++)
		for (size_t c = 0; c < f->t[i].n; c++) {
			out->nclause++;
			out->term[out->nclause] = (unsigned char)i;
			out->cnonascii[out->nclause] = (unsigned char)f->t[i].nonascii[c];
			put(out, &f->t[i].c[c], out->nclause);
		}
	trim(out);
	return quell__pf_strong(out) ? 1 : 0;
}
