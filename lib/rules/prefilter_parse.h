/*
 * prefilter_parse.h - what the analysis of one pattern shares between its
 * three files: prefilter_set.c (the sets of literals and what a piece of
 * pattern says), prefilter_class.c (characters, escapes and bracket
 * classes) and prefilter_parse.c (groups, quantifiers, sequences,
 * alternations, the entry point quell__pf_extract).  Nothing else includes
 * it; prefilter.h is the analysis' outside.
 *
 * Each piece of a pattern gets one of:
 *   EXACT(S)  it matches only strings of S (folded, boundaries marked);
 *   REQ(R)    whatever it matches holds one of R (or a byte >= 0x80);
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

struct quell__pf_info {
	int kind;
	int nonascii; /* QUELL__PF_REQ: a byte >= 0x80 is one alternative */
	struct quell__pf_set s;
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
/* Offer the requirement of f to *best, which keeps the more selective. */
int quell__pf_offer(struct quell__pf_info *best, const struct quell__pf_info *f);
/* Whether s holds the empty string (then it requires nothing). */
int quell__pf_has_empty(const struct quell__pf_set *s);
/* Cut a requirement's strings until it has at most max, else ANY. */
void quell__pf_shrink(struct quell__pf_info *f, size_t max);

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
