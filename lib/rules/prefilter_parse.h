/*
 * prefilter_parse.h - what the analysis of one pattern shares between its
 * four files: prefilter_set.c (the sets of literals and what a piece of
 * pattern says), prefilter_class.c (characters, escapes and bracket
 * classes), prefilter_parse.c (groups, quantifiers, sequences,
 * alternations, the entry point quell__pf_extract) and prefilter_out.c
 * (the result for a whole pattern).  Nothing else includes it;
 * prefilter.h is the analysis' outside.
 *
 * Each piece of a pattern gets one of:
 *   EXACT(S)  it matches only strings of S (folded, boundaries marked);
 *   REQ(R; T) whatever it matches holds one of R (or a byte >= 0x80), or
 *             for one of the terms T every clause: a term is what a
 *             sequence requires of its parts together ("ip " and one of
 *             "rejected", "refused"), a clause a set like R;
 *   ANY       nothing is known.
 *
 * Knows nothing of rules, of the automaton or of PCRE2's internals.
 */
#ifndef QUELL_PREFILTER_PARSE_H
#define QUELL_PREFILTER_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "prefilter.h"

#define QUELL__PF_STR_MAX 48   /* bytes of a string while sets multiply */
#define QUELL__PF_EXACT_MAX 64 /* strings of an EXACT set */
#define QUELL__PF_DIRECT_MAX 128 /* strings of a REQ's R before they are cut */
#define QUELL__PF_TERMS_MAX 64 /* terms of a REQ before they join R */

/* Returns of the analysis besides 0: give the pattern up, out of memory. */
enum { QUELL__PF_GIVEUP = 1, QUELL__PF_NOMEM = -1 };
/* What a piece says (struct quell__pf_info's kind). */
enum { QUELL__PF_EXACT, QUELL__PF_REQ, QUELL__PF_ANY };

struct quell__pf_str {
	unsigned char n;
	unsigned char b[QUELL__PF_STR_MAX];
};

/* A set of strings, without duplicates; all zero is the empty set. */
struct quell__pf_set {
	size_t n, cap;
	struct quell__pf_str *v;
};

/* A term: every clause holds (one of its strings, or a byte >= 0x80). */
struct quell__pf_term {
	size_t n;
	struct quell__pf_set c[QUELL__PF_AND_MAX];
	int nonascii[QUELL__PF_AND_MAX];
};

struct quell__pf_info {
	int kind;
	int nonascii; /* QUELL__PF_REQ: a byte >= 0x80 is one alternative */
	int more;     /* QUELL__PF_EXACT of a quantifier (x+): the match starts
	                 with one of s and may go on; only for a sequence */
	struct quell__pf_set s;
	size_t nterm; /* QUELL__PF_REQ: the terms, each another alternative */
	struct quell__pf_term *t;
};

/* The pattern being read. */
struct quell__pf_px {
	const unsigned char *p, *end;
	int x;     /* (?x) in force */
	int depth;
	int lf;    /* the newline convention is LF: comments end at \n */
};

/* --- prefilter_set.c ----------------------------------------------------- */

void quell__pf_set_free(struct quell__pf_set *s);
/* Add x unless s has it: 0 or QUELL__PF_NOMEM. */
int quell__pf_set_add(struct quell__pf_set *s, const struct quell__pf_str *x);
/* Free f's set; f becomes ANY. */
void quell__pf_info_free(struct quell__pf_info *f);
/* f = EXACT of the one string b[0..n) (n 0: the empty string). */
int quell__pf_info_one(struct quell__pf_info *f, const unsigned char *b, size_t n);
/* A byte as literals hold it: ASCII letters lower case, white space ' '. */
unsigned char quell__pf_fold(unsigned char c);
/* *out = a x b, a boundary byte where wordness changes; QUELL__PF_GIVEUP
 * when too many or too long strings. */
int quell__pf_product(struct quell__pf_set *out, const struct quell__pf_set *a,
                      const struct quell__pf_set *b);
/* Offer the requirement of f (a REQ without terms, or EXACT) to the
 * clauses of *best, which keeps the QUELL__PF_AND_MAX most selective. */
int quell__pf_offer(struct quell__pf_term *best, const struct quell__pf_info *f);
void quell__pf_term_free(struct quell__pf_term *t);
/* Whether s holds the empty string (then it requires nothing). */
int quell__pf_has_empty(const struct quell__pf_set *s);
/* Whether some string of s has fewer than two bytes besides spaces and
 * boundaries. */
int quell__pf_weak(const struct quell__pf_set *s);
/* Drop each string of a requirement that holds another one: a text that
 * holds it holds the other too, so the requirement says the same. */
void quell__pf_drop_holders(struct quell__pf_set *s);
/* Cut a requirement's strings until it has at most max, else ANY. */
void quell__pf_shrink(struct quell__pf_info *f, size_t max);
/* Weaken a REQ's terms into its R: of each, the most selective clause;
 * _big only the term with the most strings. */
int quell__pf_collapse(struct quell__pf_info *f);
int quell__pf_collapse_big(struct quell__pf_info *f);
/* Move the terms of from (a REQ) to f (a REQ); too many: the biggest
 * join f's R. */
int quell__pf_join_terms(struct quell__pf_info *f, struct quell__pf_info *from);
/* Make f the REQ that the clauses of t (moved from t) make together. */
int quell__pf_from_term(struct quell__pf_info *f, struct quell__pf_term *t);

/* --- prefilter_out.c ----------------------------------------------------- */

/* What was found for a whole pattern (f, REQ or EXACT, which may be
 * changed) into out (all zero before): 1, or 0 when it is no use. */
int quell__pf_output(struct quell__pf_info *f, struct quell__pf_lits *out);
/* --- prefilter_class.c --------------------------------------------------- */

/* The code point at p (at most end - p bytes, valid UTF-8); *n its bytes. */
uint32_t quell__pf_utf8_get(const unsigned char *p, const unsigned char *end, size_t *n);
/* A character of the pattern as a piece. */
int quell__pf_char_info(struct quell__pf_info *f, uint32_t cp);
/* Skip white space and comments in extended mode. */
int quell__pf_skip_x(struct quell__pf_px *x);
/* The character a backslash and c stand for; -1 for an escape not
 * modelled.  x->p is past what was read. */
long quell__pf_escaped_char(struct quell__pf_px *x, long c);
/* A bracket class [...], after the '['. */
int quell__pf_parse_class(struct quell__pf_px *x, struct quell__pf_info *f);

#endif
