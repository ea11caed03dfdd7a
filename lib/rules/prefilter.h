/*
 * prefilter.h - a literal prefilter for the rules' regular expressions:
 * which `text` patterns can match a reply at all, found by one pass over
 * the reply instead of one PCRE2 run per pattern.
 *
 * At load, each pattern is analysed (prefilter_parse.c, with
 * prefilter_class.c, prefilter_set.c and prefilter_out.c) for literals
 * that any text the pattern matches holds: one of a set, or for one of a
 * few terms, one of each of the term's clauses (`ip\s\S+\srefused` needs
 * "ip " and "refused"); the literals of all patterns make one Aho-Corasick
 * automaton (prefilter.c).  At match time one scan of the reply says, per
 * pattern, "may match" (run PCRE2) or "cannot match" (skip it).  A pattern the analysis is not sure about
 * gets no literals and always "may match": the prefilter never changes a
 * decision, it only saves work.
 *
 * Literals are compared folded: ASCII letters in lower case, the six
 * ASCII white space bytes (what \s matches without PCRE2_UCP) as one
 * space, every byte >= 0x80 is never part of a literal (a pattern's
 * non-ASCII character stands for "the reply holds a byte >= 0x80"
 * instead, so Cyrillic or Japanese texts need no Unicode case folding).
 * A word boundary (\b, also between two characters of a literal whose
 * "wordness" differs) is the byte QUELL__PF_B; the scan inserts it into
 * the reply wherever \b would match.
 *
 * Knows nothing of YAML, of rules, or of the database.
 */
#ifndef QUELL_PREFILTER_H
#define QUELL_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#define QUELL__PF_B 0x80          /* a word boundary inside a literal */
#define QUELL__PF_LIT_MAX 32      /* bytes kept of one literal */
#define QUELL__PF_LITS_MAX 256    /* literals of one pattern */
#define QUELL__PF_AND_MAX 3       /* clauses of one term */
#define QUELL__PF_CLAUSES_MAX 128 /* clauses of one pattern */
#define QUELL__PF_PATTERNS 256    /* patterns with a prefilter: the first ones */
#define QUELL__PF_WORDS (QUELL__PF_PATTERNS / 64)

/*
 * What the analysis of one pattern found.  Literals of clause 0 are each
 * enough ("may match" when one is there); the others belong to clauses
 * 1..nclause, and clause k to term term[k]: "may match" also when every
 * clause of some term has one of its literals there (or, with
 * cnonascii[k], a byte >= 0x80).
 */
struct quell__pf_lits {
	int nonascii;                 /* "the text holds a byte >= 0x80" is one alternative */
	size_t n;                     /* literals */
	unsigned char len[QUELL__PF_LITS_MAX];
	unsigned char lit[QUELL__PF_LITS_MAX][QUELL__PF_LIT_MAX];
	unsigned char clause[QUELL__PF_LITS_MAX]; /* each literal's clause */
	size_t nclause;
	unsigned char term[QUELL__PF_CLAUSES_MAX + 1]; /* [k]: clause k's term, from 0 */
	unsigned char cnonascii[QUELL__PF_CLAUSES_MAX + 1];
};

/*
 * Find literals for pattern[0..len) as compiled by rules_when.c (PCRE2_UTF
 * | PCRE2_NO_AUTO_CAPTURE, no PCRE2_EXTENDED or PCRE2_UCP at compile time;
 * the pattern compiled, so it is valid UTF-8 and valid syntax).  Returns 1
 * with out filled (every text the pattern matches holds, folded, one of
 * out's clause 0 literals, or a byte >= 0x80 when out->nonascii, or
 * satisfies every clause of one of its terms), 0 when the
 * pattern gets no prefilter (a construct the analysis does not model, or
 * literals too weak to be worth a scan), QUELL_ENOMEM.
 */
int quell__pf_extract(const char *pattern, size_t len, struct quell__pf_lits *out);

/* Whether the analysis keeps literals like these (each at least two
 * bytes besides spaces and boundaries).  prefilter_parse.c. */
int quell__pf_strong(const struct quell__pf_lits *l);

struct quell__pf; /* the automaton: prefilter.c */

/*
 * Build the prefilter of patterns[0..n) (lens[i] bytes each); only the
 * first QUELL__PF_PATTERNS get one.  *out is owned by the caller (free
 * with quell__pf_free; NULL is a no-op).  Returns 0 or QUELL_ENOMEM.
 */
int quell__pf_build(struct quell__pf **out, const char *const *patterns, const size_t *lens,
                    size_t n);
void quell__pf_free(struct quell__pf *pf);

/* Patterns of the first QUELL__PF_PATTERNS that have literals. */
size_t quell__pf_count(const struct quell__pf *pf);

/*
 * Scan text[0..len) (what PCRE2 will see) once; bit i of maybe is set
 * when pattern i may match it, clear when it cannot.  Allocates nothing;
 * any number of threads may scan with one prefilter.
 */
void quell__pf_scan(const struct quell__pf *pf, const char *text, size_t len,
                    uint64_t maybe[QUELL__PF_WORDS]);

#endif
