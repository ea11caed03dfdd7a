/*
 * prefilter_parse.c - read a PCRE2 pattern and find literals one of which
 * occurs in every text it matches (prefilter.h says how they are folded).
 *
 * A small recursive descent over the pattern.  Each piece gets one of
 * EXACT(S), REQ(R) or ANY (prefilter_parse.h).  A sequence multiplies
 * adjacent EXACT sets while they stay small, and otherwise keeps the best
 * requirement among its parts; an alternation unites its branches' sets; a
 * quantifier with a minimum of 0 makes ANY (but x? of a small EXACT adds
 * the empty string); zero-width items (\b, anchors, lookarounds, whose
 * contents are only skipped) are the empty string, \b the boundary byte.
 * What is not modelled gives the whole pattern up: \Q..\E, backreferences
 * and recursion, conditionals, (*VERB) and (*UCP), POSIX classes, (?xx),
 * `{` that is not a plain quantifier, white space before a quantifier in
 * extended mode, comments that are not plain ASCII.  Options are tracked
 * only for (?x); case never matters since ASCII letters are folded on both
 * sides and non-ASCII characters only ever stand for "a byte >= 0x80" --
 * except U+017F and U+212A, which PCRE2 matches caselessly against s and
 * k: those are ANY here, and a reply that holds one is not prefiltered at
 * all (prefilter.c).
 *
 * Characters, escapes and bracket classes are read in prefilter_class.c;
 * the sets of strings are kept in prefilter_set.c.
 *
 * Knows nothing of rules, of the automaton or of PCRE2's internals.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "prefilter_parse.h"

#define DEPTH_MAX 64  /* nested groups */

/* ------------------------------------------------------------- pieces */

static int parse_alt(struct quell__pf_px *x, struct quell__pf_info *out);

/* \ and what follows, outside a class. */
static int parse_escape(struct quell__pf_px *x, struct quell__pf_info *f)
{
	static const unsigned char boundary = QUELL__PF_B, space = ' ';
	long c;

	memset(f, 0, sizeof *f);
	if (x->p >= x->end)
		return QUELL__PF_GIVEUP;
	c = *x->p++;
	switch (c) {
	case 's':
		return quell__pf_info_one(f, &space, 1);
	case 'b':
		return quell__pf_info_one(f, &boundary, 1);
	case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		return quell__pf_info_one(f, &boundary, 0);
	case 'd': case 'D': case 'w': case 'W': case 'S': case 'h': case 'H': case 'v': case 'V':
	case 'R': case 'X':
		f->kind = QUELL__PF_ANY;
		return 0;
	case 'p': case 'P':
		if (x->p < x->end && *x->p == '{') {
			while (x->p < x->end && *x->p != '}')
				x->p++;
			if (x->p >= x->end)
				return QUELL__PF_GIVEUP;
		}
		if (x->p >= x->end)
			return QUELL__PF_GIVEUP;
		x->p++;
		f->kind = QUELL__PF_ANY;
		return 0;
	default:
		if ((c = quell__pf_escaped_char(x, c)) < 0)
			return QUELL__PF_GIVEUP;
	}
	return quell__pf_char_info(f, (uint32_t)c);
}

/* (?letters) or (?letters: after the "(?"; *scoped is 1 for ':' */
static int parse_options(struct quell__pf_px *x, int *scoped)
{
	int on = 1, nx = 0, xval = x->x;

	if (x->p < x->end && *x->p == '^') {
		xval = 0;
		x->p++;
	}
	while (x->p < x->end && *x->p != ')' && *x->p != ':') {
		switch (*x->p++) {
		case '-':
			on = 0;
			break;
		case 'x':
			if (++nx > 1)
				return QUELL__PF_GIVEUP; /* (?xx) */
			xval = on;
			break;
		case 'i': case 'm': case 'n': case 's': case 'J': case 'U':
			break;
		default:
			return QUELL__PF_GIVEUP;
		}
	}
	if (x->p >= x->end)
		return QUELL__PF_GIVEUP;
	*scoped = *x->p++ == ':';
	x->x = xval;
	return 0;
}

/* A group after the '('; *quantifiable is 0 for an option setting. */
static int parse_group(struct quell__pf_px *x, struct quell__pf_info *f, int *quantifiable)
{
	static const unsigned char none = 0;
	int saved = x->x, look = 0, rc;

	*quantifiable = 1;
	memset(f, 0, sizeof *f);
	if (++x->depth > DEPTH_MAX)
		return QUELL__PF_GIVEUP;
	if (x->p < x->end && *x->p == '*')
		return QUELL__PF_GIVEUP; /* (*VERB), (*UCP), (*pla:...) */
	if (x->p < x->end && *x->p == '?') {
		unsigned char c;

		x->p++;
		if (x->p >= x->end)
			return QUELL__PF_GIVEUP;
		c = *x->p;
		if (c == ':' || c == '>' || c == '|') {
			x->p++;
		} else if (c == '=' || c == '!') {
			x->p++;
			look = 1;
		} else if (c == '<' && x->p + 1 < x->end && (x->p[1] == '=' || x->p[1] == '!')) {
			x->p += 2;
			look = 1;
		} else if (c == '<' || c == '\'' || (c == 'P' && x->p + 1 < x->end && x->p[1] == '<')) {
			unsigned char close = c == '\'' ? '\'' : '>';

			while (x->p < x->end && *x->p != close)
				x->p++;
			if (x->p >= x->end)
				return QUELL__PF_GIVEUP;
			x->p++;
		} else if (c == '#') {
			while (x->p < x->end && *x->p != ')')
				x->p++;
			if (x->p >= x->end)
				return QUELL__PF_GIVEUP;
			x->p++;
			x->depth--;
			*quantifiable = 0;
			return quell__pf_info_one(f, &none, 0);
		} else if (c == '^' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			int scoped;

			if ((rc = parse_options(x, &scoped)) != 0)
				return rc;
			if (!scoped) { /* (?x): the rest of the enclosing group */
				x->depth--;
				*quantifiable = 0;
				return quell__pf_info_one(f, &none, 0);
			}
		} else {
			return QUELL__PF_GIVEUP; /* (?R) (?1) (?&n) (?P>n) (?P=n) (?( (?C ... */
		}
	}
	if ((rc = parse_alt(x, f)) != 0)
		return rc;
	if (x->p >= x->end || *x->p != ')') {
		quell__pf_info_free(f);
		return QUELL__PF_GIVEUP;
	}
	x->p++;
	x->x = saved;
	x->depth--;
	if (look) { /* zero width: the contents were only skipped */
		quell__pf_info_free(f);
		return quell__pf_info_one(f, &none, 0);
	}
	return 0;
}

/* {n}, {n,}, {n,m} after the '{'; nothing else is taken */
static int parse_braces(struct quell__pf_px *x, long *min, long *max)
{
	long v = 0;
	int n = 0;

	while (x->p < x->end && *x->p >= '0' && *x->p <= '9' && n < 6) {
		v = v * 10 + (*x->p++ - '0');
		n++;
	}
	if (n == 0 || x->p >= x->end)
		return QUELL__PF_GIVEUP;
	*min = *max = v;
	if (*x->p == ',') {
		x->p++;
		*max = -1;
		v = 0;
		n = 0;
		while (x->p < x->end && *x->p >= '0' && *x->p <= '9' && n < 6) {
			v = v * 10 + (*x->p++ - '0');
			n++;
		}
		if (n > 0)
			*max = v;
	}
	if (x->p >= x->end || *x->p != '}')
		return QUELL__PF_GIVEUP;
	x->p++;
	return 0;
}

/* Apply a quantifier {min,max} (max -1: no limit) to f. */
static int quantify(struct quell__pf_info *f, long min, long max)
{
	static const struct quell__pf_str empty = { 0, { 0 } };

	if (min == 0) {
		if (f->kind == QUELL__PF_EXACT && max == 1 && f->s.n < QUELL__PF_EXACT_MAX)
			return quell__pf_set_add(&f->s, &empty);
		quell__pf_info_free(f);
		return 0;
	}
	if (f->kind == QUELL__PF_EXACT && min == max && min <= 4) {
		struct quell__pf_set acc, next;
		int rc;

		memset(&acc, 0, sizeof acc);
		if ((rc = quell__pf_set_add(&acc, &empty)) != 0)
			return rc;
		for (long i = 0; i < min; i++) {
			rc = quell__pf_product(&next, &acc, &f->s);
			quell__pf_set_free(&acc);
			if (rc == QUELL__PF_NOMEM)
				return rc;
			if (rc == QUELL__PF_GIVEUP)
				goto req;
			acc = next;
		}
		quell__pf_set_free(&f->s);
		f->s = acc;
		return 0;
	}
req:
	if (f->kind == QUELL__PF_EXACT)
		f->kind = QUELL__PF_REQ; /* one of its strings is in there */
	return 0;
}

static int is_quant(unsigned char c)
{
	return c == '*' || c == '+' || c == '?' || c == '{';
}

/* One atom and its quantifier. */
static int parse_piece(struct quell__pf_px *x, struct quell__pf_info *f)
{
	const unsigned char *before;
	int quantifiable = 1, rc;
	long min, max;
	unsigned char c = *x->p;

	memset(f, 0, sizeof *f);
	if (c == '(') {
		x->p++;
		rc = parse_group(x, f, &quantifiable);
	} else if (c == '[') {
		x->p++;
		rc = quell__pf_parse_class(x, f);
	} else if (c == '\\') {
		x->p++;
		rc = parse_escape(x, f);
	} else if (c == '.') {
		x->p++;
		f->kind = QUELL__PF_ANY;
		rc = 0;
	} else if (c == '^' || c == '$') {
		x->p++;
		rc = quell__pf_info_one(f, &c, 0);
	} else if (is_quant(c)) {
		return QUELL__PF_GIVEUP;
	} else {
		size_t n;
		uint32_t cp = quell__pf_utf8_get(x->p, x->end, &n);

		x->p += n;
		rc = quell__pf_char_info(f, cp);
	}
	if (rc != 0)
		goto fail;
	before = x->p;
	if ((rc = quell__pf_skip_x(x)) != 0)
		goto fail;
	if (x->p >= x->end || !is_quant(*x->p))
		return 0;
	rc = QUELL__PF_GIVEUP;
	if (x->p != before || !quantifiable)
		goto fail; /* "a +" in extended mode, or a quantified option setting */
	c = *x->p++;
	if (c == '{') {
		if ((rc = parse_braces(x, &min, &max)) != 0)
			goto fail;
	} else {
		min = c == '+';
		max = c == '?' ? 1 : -1;
	}
	if (x->p < x->end && (*x->p == '+' || *x->p == '?'))
		x->p++; /* possessive or lazy: the same strings */
	if ((rc = quell__pf_skip_x(x)) != 0)
		goto fail;
	rc = QUELL__PF_GIVEUP;
	if (x->p < x->end && is_quant(*x->p))
		goto fail; /* a quantifier after a quantifier */
	if ((rc = quantify(f, min, max)) == 0)
		return 0;
fail:
	quell__pf_info_free(f);
	return rc;
}

/* A sequence of pieces, up to '|', ')' or the end. */
static int parse_seq(struct quell__pf_px *x, struct quell__pf_info *out)
{
	static const struct quell__pf_str empty = { 0, { 0 } };
	struct quell__pf_info run, best, f;
	int broken = 0, rc;

	memset(&run, 0, sizeof run);
	memset(&best, 0, sizeof best);
	memset(out, 0, sizeof *out);
	best.kind = QUELL__PF_ANY;
	if ((rc = quell__pf_set_add(&run.s, &empty)) != 0)
		return rc;
	for (;;) {
		if ((rc = quell__pf_skip_x(x)) != 0)
			goto done;
		if (x->p >= x->end || *x->p == '|' || *x->p == ')')
			break;
		if ((rc = parse_piece(x, &f)) != 0)
			goto done;
		if (f.kind == QUELL__PF_EXACT) {
			struct quell__pf_set next;

			rc = quell__pf_product(&next, &run.s, &f.s);
			if (rc == QUELL__PF_NOMEM) {
				quell__pf_info_free(&f);
				goto done;
			}
			if (rc == 0) {
				quell__pf_set_free(&run.s);
				run.s = next;
				quell__pf_info_free(&f);
				continue;
			}
			/* too many or too long: the run so far is one candidate */
			run.kind = QUELL__PF_REQ;
			if ((rc = quell__pf_offer(&best, &run)) != 0) {
				quell__pf_info_free(&f);
				goto done;
			}
			quell__pf_set_free(&run.s);
			run.s = f.s;
			broken = 1;
			continue;
		}
		run.kind = QUELL__PF_REQ;
		if ((rc = quell__pf_offer(&best, &run)) != 0 || (rc = quell__pf_offer(&best, &f)) != 0) {
			quell__pf_info_free(&f);
			goto done;
		}
		quell__pf_info_free(&f);
		quell__pf_set_free(&run.s);
		if ((rc = quell__pf_set_add(&run.s, &empty)) != 0)
			goto done;
		broken = 1;
	}
	if (!broken) {
		out->kind = QUELL__PF_EXACT;
		out->s = run.s;
		run.s.v = NULL;
		rc = 0;
		goto done;
	}
	run.kind = QUELL__PF_REQ;
	if ((rc = quell__pf_offer(&best, &run)) != 0)
		goto done;
	*out = best;
	best.s.v = NULL;
done:
	quell__pf_set_free(&run.s);
	quell__pf_set_free(&best.s);
	return rc;
}

/* Branches up to ')' or the end. */
static int parse_alt(struct quell__pf_px *x, struct quell__pf_info *out)
{
	struct quell__pf_info acc, f;
	int first = 1, rc;

	memset(&acc, 0, sizeof acc);
	for (;;) {
		if ((rc = parse_seq(x, &f)) != 0) {
			quell__pf_info_free(&acc);
			return rc;
		}
		if (first) {
			acc = f;
			first = 0;
		} else if (acc.kind == QUELL__PF_ANY || f.kind == QUELL__PF_ANY) {
			quell__pf_info_free(&acc);
			quell__pf_info_free(&f);
		} else {
			if (acc.kind == QUELL__PF_EXACT && f.kind == QUELL__PF_EXACT &&
			    acc.s.n + f.s.n > QUELL__PF_EXACT_MAX)
				acc.kind = QUELL__PF_REQ;
			if (f.kind == QUELL__PF_REQ)
				acc.kind = QUELL__PF_REQ;
			acc.nonascii |= f.nonascii;
			for (size_t i = 0; i < f.s.n && rc == 0; i++)
				rc = quell__pf_set_add(&acc.s, &f.s.v[i]);
			quell__pf_info_free(&f);
			if (rc != 0) {
				quell__pf_info_free(&acc);
				return rc;
			}
			if (acc.s.n > QUELL__PF_LITS_MAX)
				quell__pf_shrink(&acc, QUELL__PF_LITS_MAX);
		}
		if (acc.kind == QUELL__PF_REQ && quell__pf_has_empty(&acc.s))
			quell__pf_info_free(&acc);
		if (x->p >= x->end || *x->p != '|')
			break;
		x->p++;
	}
	*out = acc;
	return 0;
}

/* ------------------------------------------------------------- entry */

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
 * drop the ones that hold another. */
static void trim(struct quell__pf_lits *out)
{
	size_t k = 0;

	for (size_t i = 0; i < out->n; i++) {
		int redundant = 0;

		for (size_t j = 0; j < out->n && !redundant; j++) {
			if (j == i || out->len[j] > out->len[i])
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
				memcpy(out->lit[k], out->lit[i], out->len[i]);
			}
			k++;
		}
	}
	out->n = k;
}

int quell__pf_extract(const char *pattern, size_t len, struct quell__pf_lits *out)
{
	struct quell__pf_px x;
	struct quell__pf_info f;
	uint32_t nl = 0;
	int rc;

	memset(out, 0, sizeof *out);
	x.p = (const unsigned char *)pattern;
	x.end = x.p + len;
	x.x = 0;
	x.depth = 0;
	x.lf = pcre2_config(PCRE2_CONFIG_NEWLINE, &nl) >= 0 && nl == PCRE2_NEWLINE_LF;
	if ((rc = parse_alt(&x, &f)) != 0) /* nothing is left allocated */
		return rc == QUELL__PF_NOMEM ? QUELL_ENOMEM : 0;
	if (x.p != x.end || f.kind == QUELL__PF_ANY || quell__pf_has_empty(&f.s) ||
	    f.s.n > QUELL__PF_LITS_MAX) {
		quell__pf_info_free(&f);
		return 0;
	}
	out->nonascii = f.nonascii;
	for (size_t i = 0; i < f.s.n; i++) {
		size_t n = f.s.v[i].n < QUELL__PF_LIT_MAX ? f.s.v[i].n : QUELL__PF_LIT_MAX;

		out->len[out->n] = (unsigned char)n;
		memcpy(out->lit[out->n], f.s.v[i].b, n);
		out->n++;
	}
	quell__pf_info_free(&f);
	trim(out);
	return quell__pf_strong(out) ? 1 : 0;
}
