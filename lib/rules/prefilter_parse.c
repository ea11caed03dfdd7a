/*
 * prefilter_parse.c - read a PCRE2 pattern and find literals that occur in
 * every text it matches (prefilter.h says how they are folded).
 *
 * A small recursive descent over the pattern.  Each piece gets one of
 * EXACT(S), REQ(R; T) or ANY (prefilter_parse.h).  A sequence multiplies
 * adjacent EXACT sets while they stay small, and otherwise keeps the
 * QUELL__PF_AND_MAX most selective requirements of its parts, which hold
 * together (a term); an alternation unites its branches' sets and terms
 * (a branch's alternation with terms of its own is kept whole when
 * nothing else in the branch requires anything: \b(?:...|...)); a
 * quantifier with a minimum of 0 makes ANY (but x? of a small EXACT adds
 * the empty string), one of at least 1 on an EXACT piece multiplies it
 * (\d is EXACT: ASCII digits) and, when the match may be longer, says
 * "more" so the sequence stops multiplying after it; zero-width items (\b, anchors, lookarounds, whose
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
 * the sets of strings are kept in prefilter_set.c; prefilter_out.c makes
 * the result of the whole pattern.
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
	case 'd': /* ASCII digits: no PCRE2_UCP */
		for (c = '0'; c <= '9'; c++) {
			struct quell__pf_str digit = { 1, { (unsigned char)c } };
			int rc = quell__pf_set_add(&f->s, &digit);

			if (rc != 0) {
				quell__pf_info_free(f);
				return rc;
			}
		}
		f->kind = QUELL__PF_EXACT;
		return 0;
	case 'D': case 'w': case 'W': case 'S': case 'h': case 'H': case 'v': case 'V':
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

/* Apply a quantifier {min,max} (max -1: no limit) to f.  An EXACT piece
 * repeated at least once is up to four copies of it, and when it may be
 * more than those (or they are too many strings), "more": the match
 * starts with one of them and goes on. */
static int quantify(struct quell__pf_info *f, long min, long max)
{
	static const struct quell__pf_str empty = { 0, { 0 } };
	struct quell__pf_set acc, next;
	long i;
	int rc;

	if (min == 0) {
		if (f->kind == QUELL__PF_EXACT && max == 1 && f->s.n < QUELL__PF_EXACT_MAX)
			return quell__pf_set_add(&f->s, &empty);
		quell__pf_info_free(f);
		return 0;
	}
	if (f->kind != QUELL__PF_EXACT)
		return 0; /* one of its requirements is in there */
	memset(&acc, 0, sizeof acc);
	if ((rc = quell__pf_set_add(&acc, &empty)) != 0)
		return rc;
	for (i = 0; i < min && i < 4; i++) {
		if ((rc = quell__pf_product(&next, &acc, &f->s)) == QUELL__PF_NOMEM) {
			quell__pf_set_free(&acc);
			return rc;
		}
		if (rc == QUELL__PF_GIVEUP)
			break; /* i >= 1: one copy always fits */
		quell__pf_set_free(&acc);
		acc = next;
	}
	quell__pf_set_free(&f->s);
	f->s = acc;
	f->more = i < min || max != min;
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

/* What a sequence has read so far. */
struct seq {
	struct quell__pf_info run;  /* the EXACT strings since the last break */
	struct quell__pf_term best; /* the most selective requirements before */
	struct quell__pf_info alt;  /* a piece with terms of its own, kept whole */
	int broken;
};

/* The run so far is one requirement; the next starts with *start (moved
 * from it), or with the empty string when start is NULL. */
static int seq_break(struct seq *q, struct quell__pf_set *start)
{
	static const struct quell__pf_str empty = { 0, { 0 } };
	int rc;

	q->run.kind = QUELL__PF_REQ;
	rc = quell__pf_offer(&q->best, &q->run);
	quell__pf_set_free(&q->run.s);
	q->broken = 1;
	if (start != NULL) {
		q->run.s = *start;
		memset(start, 0, sizeof *start);
		return rc;
	}
	return rc != 0 ? rc : quell__pf_set_add(&q->run.s, &empty);
}

/* A piece that is not EXACT: its requirement joins the others; the
 * first one with terms is kept whole (an alternation of branches each
 * with requirements of their own), later ones give their best. */
static int seq_other(struct seq *q, struct quell__pf_info *f)
{
	int rc;

	if ((rc = seq_break(q, NULL)) != 0)
		return rc;
	if (f->kind == QUELL__PF_REQ && f->nterm > 0 && q->alt.kind == QUELL__PF_ANY) {
		q->alt = *f;
		memset(f, 0, sizeof *f);
		return 0;
	}
	if ((rc = quell__pf_collapse(f)) != 0)
		return rc;
	return quell__pf_offer(&q->best, f);
}

/* The sequence's requirement into out: the kept piece alone when nothing
 * else requires anything, else the best requirements together. */
static int seq_end(struct seq *q, struct quell__pf_info *out)
{
	int rc;

	if (!q->broken) {
		out->kind = QUELL__PF_EXACT;
		out->s = q->run.s;
		memset(&q->run.s, 0, sizeof q->run.s);
		return 0;
	}
	q->run.kind = QUELL__PF_REQ;
	if ((rc = quell__pf_offer(&q->best, &q->run)) != 0)
		return rc;
	if (q->alt.kind != QUELL__PF_ANY) {
		if (q->best.n == 0) {
			*out = q->alt;
			memset(&q->alt, 0, sizeof q->alt);
			return 0;
		}
		if ((rc = quell__pf_collapse(&q->alt)) != 0 ||
		    (rc = quell__pf_offer(&q->best, &q->alt)) != 0)
			return rc;
	}
	return quell__pf_from_term(out, &q->best);
}

/* A sequence of pieces, up to '|', ')' or the end. */
static int parse_seq(struct quell__pf_px *x, struct quell__pf_info *out)
{
	static const struct quell__pf_str empty = { 0, { 0 } };
	struct quell__pf_info f;
	struct seq q;
	int rc;

	memset(&q, 0, sizeof q);
	memset(out, 0, sizeof *out);
	q.alt.kind = QUELL__PF_ANY;
	if ((rc = quell__pf_set_add(&q.run.s, &empty)) != 0)
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

			rc = quell__pf_product(&next, &q.run.s, &f.s);
			if (rc == 0) {
				quell__pf_set_free(&q.run.s);
				q.run.s = next;
			} else if (rc == QUELL__PF_GIVEUP) {
				/* too many or too long: the run so far is one requirement */
				rc = seq_break(&q, &f.s);
			}
			if (rc == 0 && f.more) /* what follows it is not known */
				rc = seq_break(&q, NULL);
		} else {
			rc = seq_other(&q, &f);
		}
		quell__pf_info_free(&f);
		if (rc != 0)
			goto done;
	}
	rc = seq_end(&q, out);
done:
	quell__pf_info_free(&q.run);
	quell__pf_term_free(&q.best);
	quell__pf_info_free(&q.alt);
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
			rc = quell__pf_join_terms(&acc, &f);
			acc.nonascii |= f.nonascii;
			for (size_t i = 0; i < f.s.n && rc == 0; i++)
				rc = quell__pf_set_add(&acc.s, &f.s.v[i]);
			quell__pf_info_free(&f);
			if (rc != 0) {
				quell__pf_info_free(&acc);
				return rc;
			}
			if (acc.s.n > 2 * QUELL__PF_DIRECT_MAX) /* not at every branch: */
				quell__pf_shrink(&acc, QUELL__PF_DIRECT_MAX); /* it costs n^2 */
		}
		if (acc.kind == QUELL__PF_REQ && quell__pf_has_empty(&acc.s))
			quell__pf_info_free(&acc);
		if (x->p >= x->end || *x->p != '|')
			break;
		x->p++;
	}
	if (acc.kind == QUELL__PF_REQ && acc.s.n > QUELL__PF_DIRECT_MAX)
		quell__pf_shrink(&acc, QUELL__PF_DIRECT_MAX);
	*out = acc;
	return 0;
}

/* ------------------------------------------------------------- entry */

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
	rc = 0;
	if (x.p == x.end && f.kind != QUELL__PF_ANY && !quell__pf_has_empty(&f.s))
		rc = quell__pf_output(&f, out);
	quell__pf_info_free(&f);
	if (rc == 0)
		memset(out, 0, sizeof *out);
	return rc;
}
