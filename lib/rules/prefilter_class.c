/*
 * prefilter_class.c - the characters of a pattern for the prefilter's
 * analysis (prefilter_parse.h): UTF-8, escapes (\t \xHH \x{H..} and
 * quoted punctuation), white space and comments in extended mode, and
 * bracket classes, which are EXACT when they hold a few ASCII characters
 * and ANY otherwise.  What is not modelled gives the pattern up: POSIX
 * classes, letter and digit escapes other than the ones above.
 *
 * Knows nothing of groups, quantifiers, rules or the automaton.
 */
#include <string.h>

#include "prefilter_parse.h"

/* ------------------------------------------------------------- lexing */

static int utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

uint32_t quell__pf_utf8_get(const unsigned char *p, const unsigned char *end, size_t *n)
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
int quell__pf_char_info(struct quell__pf_info *f, uint32_t cp)
{
	unsigned char c;

	memset(f, 0, sizeof *f);
	if (cp == 0x17F || cp == 0x212A) { /* caselessly s and k */
		f->kind = QUELL__PF_ANY;
		return 0;
	}
	if (cp >= 0x80) {
		f->kind = QUELL__PF_REQ;
		f->nonascii = 1;
		return 0;
	}
	c = quell__pf_fold((unsigned char)cp);
	return quell__pf_info_one(f, &c, 1);
}

/* Skip white space and comments in extended mode. */
int quell__pf_skip_x(struct quell__pf_px *x)
{
	while (x->x && x->p < x->end) {
		unsigned char c = *x->p;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			x->p++;
		} else if (c == '#') {
			if (!x->lf)
				return QUELL__PF_GIVEUP;
			while (x->p < x->end && *x->p != '\n') {
				c = *x->p++;
				if (c == '\r' || c == '\v' || c == '\f' || c >= 0x80)
					return QUELL__PF_GIVEUP;
			}
		} else if (c == '\v' || c >= 0x80) {
			size_t n;
			uint32_t cp = c == '\v' ? 0x0B : quell__pf_utf8_get(x->p, x->end, &n);

			/* white space for some PCRE2 versions, maybe not for others */
			if (cp == 0x0B || cp == 0x85 || cp == 0x200E || cp == 0x200F || cp == 0x2028 ||
			    cp == 0x2029)
				return QUELL__PF_GIVEUP;
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
static long hex_escape(struct quell__pf_px *x)
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
long quell__pf_escaped_char(struct quell__pf_px *x, long c)
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
		c = (long)quell__pf_utf8_get(x->p - 1, x->end, &n);
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
static int class_range(struct quell__pf_px *x, struct cls *k)
{
	long hi;

	if (*x->p == '\\') {
		x->p++;
		if (x->p >= x->end)
			return QUELL__PF_GIVEUP;
		if (*x->p == 'x') {
			x->p++;
			hi = hex_escape(x);
		} else if (*x->p < 0x80 && !((*x->p | 32) >= 'a' && (*x->p | 32) <= 'z') &&
		           !(*x->p >= '0' && *x->p <= '9')) {
			hi = *x->p++;
		} else {
			return QUELL__PF_GIVEUP;
		}
	} else if (*x->p == '[') {
		return QUELL__PF_GIVEUP;
	} else {
		size_t n;

		hi = (long)quell__pf_utf8_get(x->p, x->end, &n);
		x->p += n;
	}
	if (hi < k->prev)
		return QUELL__PF_GIVEUP;
	for (long c = k->prev; c <= hi && c < 0x80; c++)
		k->in[quell__pf_fold((unsigned char)c)] = 1;
	if (hi >= 0x80)
		k->wide = 1;
	k->prev = -1;
	return 0;
}

/* A backslash inside a class, after the '\': *c gets the character it
 * stands for, or -1 for a set of characters (\s, \d, \p{..}...), which
 * is added to k. */
static int class_escape(struct quell__pf_px *x, struct cls *k, long *c)
{
	if (x->p >= x->end)
		return QUELL__PF_GIVEUP;
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
				return QUELL__PF_GIVEUP;
		}
		x->p++;
		k->wide = 1;
		*c = -1;
		return 0;
	case 'b':
		*c = 0x08;
		return 0;
	default:
		return (*c = quell__pf_escaped_char(x, *c)) < 0 ? QUELL__PF_GIVEUP : 0;
	}
}

/* A single character c of the class. */
static void class_char(struct cls *k, long c)
{
	if (c == 0x17F || c == 0x212A || c >= 0x80)
		k->wide = 1;
	else
		k->in[quell__pf_fold((unsigned char)c)] = 1;
	k->prev = (int)(c < 0x80 ? c : 0x7FFFFFFF);
	if (c >= 0x80)
		k->prev = -1;
}

/* What the class k (neg: negated) says: EXACT of its characters when
 * they are a few ASCII ones, else ANY. */
static int class_info(struct quell__pf_info *f, const struct cls *k, int neg)
{
	size_t nin = 0;

	memset(f, 0, sizeof *f);
	f->kind = QUELL__PF_ANY;
	for (int i = 0; i < 128; i++)
		nin += k->in[i];
	if (neg || k->wide || nin == 0 || nin > 4)
		return 0;
	f->kind = QUELL__PF_EXACT;
	for (int i = 0; i < 128; i++) {
		struct quell__pf_str s = { 1, { (unsigned char)i } };

		if (k->in[i] && quell__pf_set_add(&f->s, &s) != 0) {
			quell__pf_info_free(f);
			return QUELL__PF_NOMEM;
		}
	}
	return 0;
}

/* [...] after the '['. */
int quell__pf_parse_class(struct quell__pf_px *x, struct quell__pf_info *f)
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
			return QUELL__PF_GIVEUP;
		if (*x->p == ']' && !first) {
			x->p++;
			break;
		}
		first = 0;
		if (*x->p == '[' && x->p + 1 < x->end &&
		    (x->p[1] == ':' || x->p[1] == '.' || x->p[1] == '='))
			return QUELL__PF_GIVEUP; /* POSIX class */
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

			c = (long)quell__pf_utf8_get(x->p, x->end, &n);
			x->p += n;
		}
		class_char(&k, c);
	}
	return class_info(f, &k, neg);
}
