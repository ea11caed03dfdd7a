/*
 * prefilter_parse.c - read a PCRE2 pattern and find literals one of which
 * occurs in every text it matches (prefilter.h says how they are folded).
 *
 * A small recursive descent over the pattern.  Each piece gets one of:
 *   EXACT(S)  it matches only strings of S (folded, boundaries marked);
 *   REQ(R)    whatever it matches holds one of R (or a byte >= 0x80);
 *   ANY       nothing is known.
 * A sequence multiplies adjacent EXACT sets while they stay small, and
 * otherwise keeps the best requirement among its parts; an alternation
 * unites its branches' sets; a quantifier with a minimum of 0 makes ANY
 * (but x? of a small EXACT adds the empty string); zero-width items (\b,
 * anchors, lookarounds, whose contents are only skipped) are the empty
 * string, \b the boundary byte.  What is not modelled gives the whole
 * pattern up: \Q..\E, backreferences and recursion, conditionals, (*VERB)
 * and (*UCP), POSIX classes, (?xx), `{` that is not a plain quantifier,
 * white space before a quantifier in extended mode, comments that are not
 * plain ASCII.  Options are tracked only for (?x); case never matters
 * since ASCII letters are folded on both sides and non-ASCII characters
 * only ever stand for "a byte >= 0x80" -- except U+017F and U+212A, which
 * PCRE2 matches caselessly against s and k: those are ANY here, and a
 * reply that holds one is not prefiltered at all (prefilter.c).
 *
 * Knows nothing of rules, of the automaton or of PCRE2's internals.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "prefilter.h"

#define STR_MAX 48    /* bytes of a string while sets multiply */
#define EXACT_MAX 64  /* strings of an EXACT set */
#define DEPTH_MAX 64  /* nested groups */

enum { GIVEUP = 1, NOMEM = -1 };
enum { K_EXACT, K_REQ, K_ANY };

struct str {
	unsigned char n;
	unsigned char b[STR_MAX];
};

struct set {
	size_t n, cap;
	struct str *v;
};

struct info {
	int kind;
	int nonascii; /* K_REQ: a byte >= 0x80 is one alternative */
	struct set s;
};

struct px {
	const unsigned char *p, *end;
	int x;     /* (?x) in force */
	int depth;
	int lf;    /* the newline convention is LF: comments end at \n */
};

/* ------------------------------------------------------------- sets */

static void set_free(struct set *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int set_add(struct set *s, const struct str *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].n == x->n && memcmp(s->v[i].b, x->b, x->n) == 0)
			return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4;
		struct str *v = realloc(s->v, cap * sizeof *v);

		if (v == NULL)
			return NOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *x;
	return 0;
}

static void info_free(struct info *f)
{
	set_free(&f->s);
	f->kind = K_ANY;
	f->nonascii = 0;
}

static int info_one(struct info *f, const unsigned char *b, size_t n)
{
	struct str x;

	f->kind = K_EXACT;
	f->nonascii = 0;
	memset(&f->s, 0, sizeof f->s);
	x.n = (unsigned char)n;
	memcpy(x.b, b, n);
	return set_add(&f->s, &x);
}

static int word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static unsigned char fold(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c + 32);
	if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r')
		return ' ';
	return c;
}

/* a . b with a boundary byte where the wordness changes; 0 when too long */
static int join(struct str *out, const struct str *a, const struct str *b)
{
	size_t n = a->n;

	memcpy(out->b, a->b, a->n);
	if (a->n > 0 && b->n > 0) {
		unsigned char x = a->b[a->n - 1], y = b->b[0];

		if (x == QUELL__PF_B && y == QUELL__PF_B)
			n--; /* \b\b is \b */
		else if (x != QUELL__PF_B && y != QUELL__PF_B && word(x) != word(y)) {
			if (n >= STR_MAX)
				return 0;
			out->b[n++] = QUELL__PF_B;
		}
	}
	if (n + b->n > STR_MAX)
		return 0;
	memcpy(out->b + n, b->b, b->n);
	out->n = (unsigned char)(n + b->n);
	return 1;
}

/* *out = a x b; GIVEUP when too many or too long strings */
static int product(struct set *out, const struct set *a, const struct set *b)
{
	struct str x;
	int rc;

	memset(out, 0, sizeof *out);
	if (a->n * b->n > EXACT_MAX)
		return GIVEUP;
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++) {
			if (!join(&x, &a->v[i], &b->v[j])) {
				set_free(out);
				return GIVEUP;
			}
			if ((rc = set_add(out, &x)) != 0) {
				set_free(out);
				return rc;
			}
		}
	return 0;
}

/* How selective a requirement is: its weakest literal's letters (spaces
 * and boundaries do not count; "a byte >= 0x80" counts 4), then fewer
 * literals.  -1: no requirement at all. */
static long weight(const struct str *x)
{
	long w = 0;

	for (size_t i = 0; i < x->n; i++)
		w += x->b[i] != QUELL__PF_B && x->b[i] != ' ';
	return w;
}

static long score(const struct set *s, int nonascii)
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

/* Offer the requirement of f to *best (f is left as it was). */
static int offer(struct info *best, const struct info *f)
{
	struct set copy = { 0, 0, NULL };
	int rc;

	if (f->kind == K_ANY || score(&f->s, f->nonascii) <= score(&best->s, best->nonascii))
		return 0;
	for (size_t i = 0; i < f->s.n; i++)
		if ((rc = set_add(&copy, &f->s.v[i])) != 0) {
			set_free(&copy);
			return rc;
		}
	set_free(&best->s);
	best->s = copy;
	best->kind = K_REQ;
	best->nonascii = f->nonascii;
	return 0;
}

/* ------------------------------------------------------------- lexing */

static int utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static uint32_t utf8_get(const unsigned char *p, const unsigned char *end, size_t *n)
{
	int k = utf8_len(p[0]);
	uint32_t cp;

	if ((size_t)(end - p) < (size_t)k)
		k = (int)(end - p);
	*n = (size_t)k;
	cp = k == 1 ? p[0] : k == 2 ? p[0] & 0x1Fu : k == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
	for (int i = 1; i < k; i++)
		cp = cp << 6 | (p[i] & 0x3Fu);
	return cp;
}

/* A character of the pattern as a piece. */
static int char_info(struct info *f, uint32_t cp)
{
	unsigned char c;

	memset(f, 0, sizeof *f);
	if (cp == 0x17F || cp == 0x212A) { /* caselessly s and k */
		f->kind = K_ANY;
		return 0;
	}
	if (cp >= 0x80) {
		f->kind = K_REQ;
		f->nonascii = 1;
		return 0;
	}
	c = fold((unsigned char)cp);
	return info_one(f, &c, 1);
}

/* Skip white space and comments in extended mode. */
static int skip_x(struct px *x)
{
	while (x->x && x->p < x->end) {
		unsigned char c = *x->p;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			x->p++;
		} else if (c == '#') {
			if (!x->lf)
				return GIVEUP;
			while (x->p < x->end && *x->p != '\n') {
				c = *x->p++;
				if (c == '\r' || c == '\v' || c == '\f' || c >= 0x80)
					return GIVEUP;
			}
		} else if (c == '\v' || c >= 0x80) {
			size_t n;
			uint32_t cp = c == '\v' ? 0x0B : utf8_get(x->p, x->end, &n);

			/* white space for some PCRE2 versions, maybe not for others */
			if (cp == 0x0B || cp == 0x85 || cp == 0x200E || cp == 0x200F || cp == 0x2028 ||
			    cp == 0x2029)
				return GIVEUP;
			return 0;
		} else {
			return 0;
		}
	}
	return 0;
}

static int hexval(unsigned char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F'                               ? c - 'A' + 10
	                                                            : -1;
}

/* \x.. after the x: \xhh (up to two digits) or \x{h...}; -1 gives up. */
static long hex_escape(struct px *x)
{
	long v = 0;
	int n = 0;

	if (x->p < x->end && *x->p == '{') {
		x->p++;
		while (x->p < x->end && hexval(*x->p) >= 0 && n < 8) {
			v = v * 16 + hexval(*x->p++);
			n++;
		}
		if (n == 0 || x->p >= x->end || *x->p != '}')
			return -1;
		x->p++;
		return v;
	}
	while (x->p < x->end && hexval(*x->p) >= 0 && n < 2) {
		v = v * 16 + hexval(*x->p++);
		n++;
	}
	return n > 0 ? v : -1;
}

/* The character a backslash and c stand for, inside a class or out:
 * \t \n \r \f \e \a, \xHH and \x{H...}, or c itself quoted (a
 * punctuation or non-ASCII character, whose UTF-8 continues at x->p); -1
 * for a letter or digit escape not modelled here (\Q \E \g \k \N \o \c
 * \1 ...).  x->p is past what was read. */
static long escaped_char(struct px *x, long c)
{
	size_t n;

	switch (c) {
	case 't': return '\t';
	case 'n': return '\n';
	case 'r': return '\r';
	case 'f': return '\f';
	case 'e': return 0x1B;
	case 'a': return 0x07;
	case 'x': return hex_escape(x);
	}
	if (c >= 0x80) {
		c = (long)utf8_get(x->p - 1, x->end, &n);
		x->p += n - 1;
		return c;
	}
	if (((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9'))
		return -1;
	return c;
}

/* ------------------------------------------------------------- classes */

/* What a class holds so far: its ASCII characters (folded), whether it
 * holds more (a non-ASCII character, \d, \p{..}...), and the last single
 * character (-1: none), which a '-' makes the start of a range. */
struct cls {
	unsigned char in[128];
	int wide;
	int prev;
};

/* The end of a range after "prev-": a character, a quoted punctuation
 * character or \x..; another escape or a '[' gives up. */
static int class_range(struct px *x, struct cls *k)
{
	long hi;

	if (*x->p == '\\') {
		x->p++;
		if (x->p >= x->end)
			return GIVEUP;
		if (*x->p == 'x') {
			x->p++;
			hi = hex_escape(x);
		} else if (*x->p < 0x80 && !((*x->p | 32) >= 'a' && (*x->p | 32) <= 'z') &&
		           !(*x->p >= '0' && *x->p <= '9')) {
			hi = *x->p++;
		} else {
			return GIVEUP;
		}
	} else if (*x->p == '[') {
		return GIVEUP;
	} else {
		size_t n;

		hi = (long)utf8_get(x->p, x->end, &n);
		x->p += n;
	}
	if (hi < k->prev)
		return GIVEUP;
	for (long c = k->prev; c <= hi && c < 0x80; c++)
		k->in[fold((unsigned char)c)] = 1;
	if (hi >= 0x80)
		k->wide = 1;
	k->prev = -1;
	return 0;
}

/* A backslash inside a class, after the '\': *c gets the character it
 * stands for, or -1 for a set of characters (\s, \d, \p{..}...), which
 * is added to k. */
static int class_escape(struct px *x, struct cls *k, long *c)
{
	if (x->p >= x->end)
		return GIVEUP;
	*c = *x->p++;
	switch (*c) {
	case 's':
		k->in[' '] = 1;
		*c = -1;
		return 0;
	case 'd': case 'D': case 'w': case 'W': case 'S': case 'h': case 'H':
	case 'v': case 'V':
		k->wide = 1;
		*c = -1;
		return 0;
	case 'p': case 'P':
		if (x->p < x->end && *x->p == '{') {
			while (x->p < x->end && *x->p != '}')
				x->p++;
			if (x->p >= x->end)
				return GIVEUP;
		}
		x->p++;
		k->wide = 1;
		*c = -1;
		return 0;
	case 'b':
		*c = 0x08;
		return 0;
	default:
		return (*c = escaped_char(x, *c)) < 0 ? GIVEUP : 0;
	}
}

/* A single character c of the class. */
static void class_char(struct cls *k, long c)
{
	if (c == 0x17F || c == 0x212A || c >= 0x80)
		k->wide = 1;
	else
		k->in[fold((unsigned char)c)] = 1;
	k->prev = (int)(c < 0x80 ? c : 0x7FFFFFFF);
	if (c >= 0x80)
		k->prev = -1;
}

/* What the class k (neg: negated) says: EXACT of its characters when
 * they are a few ASCII ones, else ANY. */
static int class_info(struct info *f, const struct cls *k, int neg)
{
	size_t nin = 0;

	memset(f, 0, sizeof *f);
	f->kind = K_ANY;
	for (int i = 0; i < 128; i++)
		nin += k->in[i];
	if (neg || k->wide || nin == 0 || nin > 4)
		return 0;
	f->kind = K_EXACT;
	for (int i = 0; i < 128; i++) {
		struct str s = { 1, { (unsigned char)i } };

		if (k->in[i] && set_add(&f->s, &s) != 0) {
			info_free(f);
			return NOMEM;
		}
	}
	return 0;
}

/* [...] after the '['. */
static int parse_class(struct px *x, struct info *f)
{
	struct cls k = { { 0 }, 0, -1 };
	int neg = 0, first = 1, rc;

	if (x->p < x->end && *x->p == '^') {
		neg = 1;
		x->p++;
	}
	for (;;) {
		long c;

		if (x->p >= x->end)
			return GIVEUP;
		if (*x->p == ']' && !first) {
			x->p++;
			break;
		}
		first = 0;
		if (*x->p == '[' && x->p + 1 < x->end &&
		    (x->p[1] == ':' || x->p[1] == '.' || x->p[1] == '='))
			return GIVEUP; /* POSIX class */
		if (*x->p == '-' && k.prev >= 0 && x->p + 1 < x->end && x->p[1] != ']') {
			x->p++; /* a range prev-hi */
			if ((rc = class_range(x, &k)) != 0)
				return rc;
			continue;
		}
		if (*x->p == '\\') {
			x->p++;
			if ((rc = class_escape(x, &k, &c)) != 0)
				return rc;
			if (c < 0) {
				k.prev = -1;
				continue;
			}
		} else {
			size_t n;

			c = (long)utf8_get(x->p, x->end, &n);
			x->p += n;
		}
		class_char(&k, c);
	}
	return class_info(f, &k, neg);
}

/* ------------------------------------------------------------- pieces */

static int parse_alt(struct px *x, struct info *out);

/* \ and what follows, outside a class. */
static int parse_escape(struct px *x, struct info *f)
{
	static const unsigned char boundary = QUELL__PF_B, space = ' ';
	long c;

	memset(f, 0, sizeof *f);
	if (x->p >= x->end)
		return GIVEUP;
	c = *x->p++;
	switch (c) {
	case 's':
		return info_one(f, &space, 1);
	case 'b':
		return info_one(f, &boundary, 1);
	case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		return info_one(f, &boundary, 0);
	case 'd': case 'D': case 'w': case 'W': case 'S': case 'h': case 'H': case 'v': case 'V':
	case 'R': case 'X':
		f->kind = K_ANY;
		return 0;
	case 'p': case 'P':
		if (x->p < x->end && *x->p == '{') {
			while (x->p < x->end && *x->p != '}')
				x->p++;
			if (x->p >= x->end)
				return GIVEUP;
		}
		if (x->p >= x->end)
			return GIVEUP;
		x->p++;
		f->kind = K_ANY;
		return 0;
	default:
		if ((c = escaped_char(x, c)) < 0)
			return GIVEUP;
	}
	return char_info(f, (uint32_t)c);
}

/* (?letters) or (?letters: after the "(?"; *scoped is 1 for ':' */
static int parse_options(struct px *x, int *scoped)
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
				return GIVEUP; /* (?xx) */
			xval = on;
			break;
		case 'i': case 'm': case 'n': case 's': case 'J': case 'U':
			break;
		default:
			return GIVEUP;
		}
	}
	if (x->p >= x->end)
		return GIVEUP;
	*scoped = *x->p++ == ':';
	x->x = xval;
	return 0;
}

/* A group after the '('; *quantifiable is 0 for an option setting. */
static int parse_group(struct px *x, struct info *f, int *quantifiable)
{
	static const unsigned char none = 0;
	int saved = x->x, look = 0, rc;

	*quantifiable = 1;
	memset(f, 0, sizeof *f);
	if (++x->depth > DEPTH_MAX)
		return GIVEUP;
	if (x->p < x->end && *x->p == '*')
		return GIVEUP; /* (*VERB), (*UCP), (*pla:...) */
	if (x->p < x->end && *x->p == '?') {
		unsigned char c;

		x->p++;
		if (x->p >= x->end)
			return GIVEUP;
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
				return GIVEUP;
			x->p++;
		} else if (c == '#') {
			while (x->p < x->end && *x->p != ')')
				x->p++;
			if (x->p >= x->end)
				return GIVEUP;
			x->p++;
			x->depth--;
			*quantifiable = 0;
			return info_one(f, &none, 0);
		} else if (c == '^' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			int scoped;

			if ((rc = parse_options(x, &scoped)) != 0)
				return rc;
			if (!scoped) { /* (?x): the rest of the enclosing group */
				x->depth--;
				*quantifiable = 0;
				return info_one(f, &none, 0);
			}
		} else {
			return GIVEUP; /* (?R) (?1) (?&n) (?P>n) (?P=n) (?( (?C ... */
		}
	}
	if ((rc = parse_alt(x, f)) != 0)
		return rc;
	if (x->p >= x->end || *x->p != ')') {
		info_free(f);
		return GIVEUP;
	}
	x->p++;
	x->x = saved;
	x->depth--;
	if (look) { /* zero width: the contents were only skipped */
		info_free(f);
		return info_one(f, &none, 0);
	}
	return 0;
}

/* {n}, {n,}, {n,m} after the '{'; nothing else is taken */
static int parse_braces(struct px *x, long *min, long *max)
{
	long v = 0;
	int n = 0;

	while (x->p < x->end && *x->p >= '0' && *x->p <= '9' && n < 6) {
		v = v * 10 + (*x->p++ - '0');
		n++;
	}
	if (n == 0 || x->p >= x->end)
		return GIVEUP;
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
		return GIVEUP;
	x->p++;
	return 0;
}

/* Apply a quantifier {min,max} (max -1: no limit) to f. */
static int quantify(struct info *f, long min, long max)
{
	static const struct str empty = { 0, { 0 } };

	if (min == 0) {
		if (f->kind == K_EXACT && max == 1 && f->s.n < EXACT_MAX)
			return set_add(&f->s, &empty);
		info_free(f);
		return 0;
	}
	if (f->kind == K_EXACT && min == max && min <= 4) {
		struct set acc, next;
		int rc;

		memset(&acc, 0, sizeof acc);
		if ((rc = set_add(&acc, &empty)) != 0)
			return rc;
		for (long i = 0; i < min; i++) {
			rc = product(&next, &acc, &f->s);
			set_free(&acc);
			if (rc == NOMEM)
				return rc;
			if (rc == GIVEUP)
				goto req;
			acc = next;
		}
		set_free(&f->s);
		f->s = acc;
		return 0;
	}
req:
	if (f->kind == K_EXACT)
		f->kind = K_REQ; /* one of its strings is in there */
	return 0;
}

static int is_quant(unsigned char c)
{
	return c == '*' || c == '+' || c == '?' || c == '{';
}

/* One atom and its quantifier. */
static int parse_piece(struct px *x, struct info *f)
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
		rc = parse_class(x, f);
	} else if (c == '\\') {
		x->p++;
		rc = parse_escape(x, f);
	} else if (c == '.') {
		x->p++;
		f->kind = K_ANY;
		rc = 0;
	} else if (c == '^' || c == '$') {
		x->p++;
		rc = info_one(f, &c, 0);
	} else if (is_quant(c)) {
		return GIVEUP;
	} else {
		size_t n;
		uint32_t cp = utf8_get(x->p, x->end, &n);

		x->p += n;
		rc = char_info(f, cp);
	}
	if (rc != 0)
		goto fail;
	before = x->p;
	if ((rc = skip_x(x)) != 0)
		goto fail;
	if (x->p >= x->end || !is_quant(*x->p))
		return 0;
	rc = GIVEUP;
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
	if ((rc = skip_x(x)) != 0)
		goto fail;
	rc = GIVEUP;
	if (x->p < x->end && is_quant(*x->p))
		goto fail; /* a quantifier after a quantifier */
	if ((rc = quantify(f, min, max)) == 0)
		return 0;
fail:
	info_free(f);
	return rc;
}

/* A sequence of pieces, up to '|', ')' or the end. */
static int parse_seq(struct px *x, struct info *out)
{
	static const struct str empty = { 0, { 0 } };
	struct info run, best, f;
	int broken = 0, rc;

	memset(&run, 0, sizeof run);
	memset(&best, 0, sizeof best);
	memset(out, 0, sizeof *out);
	best.kind = K_ANY;
	if ((rc = set_add(&run.s, &empty)) != 0)
		return rc;
	for (;;) {
		if ((rc = skip_x(x)) != 0)
			goto done;
		if (x->p >= x->end || *x->p == '|' || *x->p == ')')
			break;
		if ((rc = parse_piece(x, &f)) != 0)
			goto done;
		if (f.kind == K_EXACT) {
			struct set next;

			rc = product(&next, &run.s, &f.s);
			if (rc == NOMEM) {
				info_free(&f);
				goto done;
			}
			if (rc == 0) {
				set_free(&run.s);
				run.s = next;
				info_free(&f);
				continue;
			}
			/* too many or too long: the run so far is one candidate */
			run.kind = K_REQ;
			if ((rc = offer(&best, &run)) != 0) {
				info_free(&f);
				goto done;
			}
			set_free(&run.s);
			run.s = f.s;
			broken = 1;
			continue;
		}
		run.kind = K_REQ;
		if ((rc = offer(&best, &run)) != 0 || (rc = offer(&best, &f)) != 0) {
			info_free(&f);
			goto done;
		}
		info_free(&f);
		set_free(&run.s);
		if ((rc = set_add(&run.s, &empty)) != 0)
			goto done;
		broken = 1;
	}
	if (!broken) {
		out->kind = K_EXACT;
		out->s = run.s;
		run.s.v = NULL;
		rc = 0;
		goto done;
	}
	run.kind = K_REQ;
	if ((rc = offer(&best, &run)) != 0)
		goto done;
	*out = best;
	best.s.v = NULL;
done:
	set_free(&run.s);
	set_free(&best.s);
	return rc;
}

/* Whether s holds the empty string (then it requires nothing). */
static int has_empty(const struct set *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].n == 0)
			return 1;
	return 0;
}

/* Make a requirement of more than max strings shorter until it has at
 * most max: each string cut to its first cut bytes still holds one (any
 * text holding a string holds its beginning); duplicates go.  Gives the
 * requirement up (ANY) when even short ones are too many. */
static void shrink(struct info *f, size_t max)
{
	static const unsigned char cuts[] = { 16, 12, 10, 8, 6, 5, 4 };

	for (size_t c = 0; c < sizeof cuts && f->s.n > max; c++) {
		size_t k = 0;

		for (size_t i = 0; i < f->s.n; i++) {
			struct str x = f->s.v[i];
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
		info_free(f);
}

/* Branches up to ')' or the end. */
static int parse_alt(struct px *x, struct info *out)
{
	struct info acc, f;
	int first = 1, rc;

	memset(&acc, 0, sizeof acc);
	for (;;) {
		if ((rc = parse_seq(x, &f)) != 0) {
			info_free(&acc);
			return rc;
		}
		if (first) {
			acc = f;
			first = 0;
		} else if (acc.kind == K_ANY || f.kind == K_ANY) {
			info_free(&acc);
			info_free(&f);
		} else {
			if (acc.kind == K_EXACT && f.kind == K_EXACT && acc.s.n + f.s.n > EXACT_MAX)
				acc.kind = K_REQ;
			if (f.kind == K_REQ)
				acc.kind = K_REQ;
			acc.nonascii |= f.nonascii;
			for (size_t i = 0; i < f.s.n && rc == 0; i++)
				rc = set_add(&acc.s, &f.s.v[i]);
			info_free(&f);
			if (rc != 0) {
				info_free(&acc);
				return rc;
			}
			if (acc.s.n > QUELL__PF_LITS_MAX)
				shrink(&acc, QUELL__PF_LITS_MAX);
		}
		if (acc.kind == K_REQ && has_empty(&acc.s))
			info_free(&acc);
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
	struct px x;
	struct info f;
	uint32_t nl = 0;
	int rc;

	memset(out, 0, sizeof *out);
	x.p = (const unsigned char *)pattern;
	x.end = x.p + len;
	x.x = 0;
	x.depth = 0;
	x.lf = pcre2_config(PCRE2_CONFIG_NEWLINE, &nl) >= 0 && nl == PCRE2_NEWLINE_LF;
	if ((rc = parse_alt(&x, &f)) != 0) /* nothing is left allocated */
		return rc == NOMEM ? QUELL_ENOMEM : 0;
	if (x.p != x.end || f.kind == K_ANY || has_empty(&f.s) || f.s.n > QUELL__PF_LITS_MAX) {
		info_free(&f);
		return 0;
	}
	out->nonascii = f.nonascii;
	for (size_t i = 0; i < f.s.n; i++) {
		size_t n = f.s.v[i].n < QUELL__PF_LIT_MAX ? f.s.v[i].n : QUELL__PF_LIT_MAX;

		out->len[out->n] = (unsigned char)n;
		memcpy(out->lit[out->n], f.s.v[i].b, n);
		out->n++;
	}
	info_free(&f);
	trim(out);
	return quell__pf_strong(out) ? 1 : 0;
}
