/*
 * address.c - parse and normalize mailboxes (RFC 5321, with RFC 6531 UTF-8
 * local parts) and command-line entries; the domain half lives in domain.c.
 *
 * Input: white space around the whole input is dropped (people paste
 * addresses), then one enclosing pair of angle brackets (`<a@b>`, as in
 * Postfix logs and policy requests).  The mailbox is split at the last '@'
 * that is not inside a quoted local part.
 *
 * Local part: a dot-atom (atext plus any non-ASCII UTF-8, dots only between
 * atoms) or a quoted string (qtext and quoted-pairs, UTF-8 allowed; RFC 6532
 * also lets a quoted-pair carry a non-ASCII character).  Its content, with
 * quotes and backslashes removed, is NFC-normalized and lowercased on
 * request, then written back as a dot-atom when it is one, else as a quoted
 * string escaping only '"' and '\'.  Control characters (C0, DEL, C1),
 * invalid UTF-8 and an empty local part (`""` too) are refused.  ASCII
 * local parts never reach libunistring; non-ASCII ones use a stack buffer,
 * and libunistring allocates only when the result does not fit in it.
 *
 * Knows nothing of the handle, the store or the rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>
#include <unicase.h>
#include <uninorm.h>

#include "address.h"
#include "address_priv.h"
#include "quell.h"

/* Content bytes of a local part kept while parsing.  Normalization shrinks
 * text at most threefold (Hangul jamo, U+212A KELVIN SIGN) and unquoting
 * twofold, so more than this can never make 64 octets. */
#define LOCAL_RAW 1024

/* -------------------------------------------------------------- input */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int quell__addr_trim(const char *in, size_t len, size_t *start, size_t *end, char *err,
                     size_t errsize)
{
	size_t s = 0, e = len;

	while (s < e && is_space(in[s]))
		s++;
	while (e > s && is_space(in[e - 1]))
		e--;
	if (s < e && in[s] == '<') {
		if (e - s < 2 || in[e - 1] != '>')
			return quell__addr_fail(err, errsize, "unmatched '<' at character %zu",
			                        quell__charpos(in, s));
		s++;
		e--;
	}
	*start = s;
	*end = e;
	return 0;
}

/* --------------------------------------------------------- local part */

struct content {
	char buf[LOCAL_RAW];
	size_t n;
	int over;  /* did not fit in buf */
	int ascii; /* only ASCII so far */
};

static void add(struct content *c, const char *s, size_t n)
{
	if (c->over || n > sizeof c->buf - c->n) {
		c->over = 1;
		return;
	}
	memcpy(c->buf + c->n, s, n);
	c->n += n;
	if (n > 1 || (unsigned char)s[0] >= 0x80)
		c->ascii = 0;
}

static int is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Check the character at in[i] (in ends at end): its length in *len, or an
 * error for invalid UTF-8 and control characters. */
static int one_char(const char *in, size_t i, size_t end, size_t *len, char *err,
                    size_t errsize)
{
	char shown[32];
	uint32_t cp;

	*len = quell__utf8_len((const unsigned char *)in + i, end - i, &cp);
	if (*len == 0)
		return quell__addr_fail(err, errsize, "local part: invalid UTF-8 at character %zu",
		                        quell__charpos(in, i));
	if (quell__is_control(cp)) {
		quell__showchar(in, end, i, shown, sizeof shown);
		return quell__addr_fail(err, errsize,
		                        "local part: control character %s at character %zu", shown,
		                        quell__charpos(in, i));
	}
	return 0;
}

static int unexpected(const char *in, size_t end, size_t i, char *err, size_t errsize)
{
	char shown[32];

	quell__showchar(in, end, i, shown, sizeof shown);
	return quell__addr_fail(err, errsize, "local part: unexpected %s at character %zu", shown,
	                        quell__charpos(in, i));
}

static int dot_atom(const char *in, size_t s, size_t e, struct content *c, char *err,
                    size_t errsize)
{
	for (size_t i = s, l; i < e; i += l) {
		unsigned char ch = (unsigned char)in[i];
		int rc = one_char(in, i, e, &l, err, errsize);

		if (rc != 0)
			return rc;
		if (ch == '.') {
			if (i == s)
				return quell__addr_fail(err, errsize,
				                        "local part: leading '.' at character %zu",
				                        quell__charpos(in, i));
			if (in[i - 1] == '.')
				return quell__addr_fail(err, errsize,
				                        "local part: two dots in a row at character %zu",
				                        quell__charpos(in, i));
			if (i + 1 == e)
				return quell__addr_fail(err, errsize,
				                        "local part: trailing '.' at character %zu",
				                        quell__charpos(in, i));
		} else if (ch < 0x80 && !is_atext(ch)) {
			return unexpected(in, e, i, err, errsize);
		}
		add(c, in + i, l);
	}
	return 0;
}

/* in[s] is the opening quote. */
static int quoted(const char *in, size_t s, size_t e, struct content *c, char *err,
                  size_t errsize)
{
	size_t i = s + 1, l;
	int rc;

	for (;;) {
		if (i >= e)
			return quell__addr_fail(err, errsize,
			                        "local part: unterminated quoted string at character %zu",
			                        quell__charpos(in, s));
		if (in[i] == '"')
			break;
		if (in[i] == '\\' && ++i >= e)
			continue; /* unterminated */
		rc = one_char(in, i, e, &l, err, errsize);
		if (rc != 0)
			return rc;
		add(c, in + i, l);
		i += l;
	}
	if (i + 1 != e)
		return unexpected(in, e, i + 1, err, errsize);
	return 0;
}

/* Whether t[0..n) can be written as a dot-atom. */
static int is_dot_atom(const unsigned char *t, size_t n)
{
	if (n == 0 || t[0] == '.' || t[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '.' ? t[i + 1] == '.' : t[i] < 0x80 && !is_atext(t[i]))
			return 0;
	}
	return 1;
}

/* Write t[0..n) as a local part into out (QUELL__LOCAL_MAX + 1 bytes):
 * as it is when it is a dot-atom, else quoted with '"' and '\' escaped. */
static int write_local(const unsigned char *t, size_t n, char *out, size_t *outlen,
                       char *err, size_t errsize)
{
	int q = !is_dot_atom(t, n);
	size_t need = n, o = 0;

	if (q) {
		need += 2;
		for (size_t i = 0; i < n; i++)
			need += t[i] == '"' || t[i] == '\\';
	}
	if (need > QUELL__LOCAL_MAX)
		return quell__addr_fail(err, errsize, "local part longer than 64 octets");
	if (q)
		out[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (q && (t[i] == '"' || t[i] == '\\'))
			out[o++] = '\\';
		out[o++] = (char)t[i];
	}
	if (q)
		out[o++] = '"';
	out[o] = '\0';
	*outlen = o;
	return 0;
}

/* Normalize the local part in[s..e) into out (QUELL__LOCAL_MAX + 1 bytes). */
static int local_part(const char *in, size_t s, size_t e, int lowercase, char *out,
                      size_t *outlen, char *err, size_t errsize)
{
	struct content c;
	uint8_t nbuf[LOCAL_RAW];
	uint8_t *norm = NULL;
	const unsigned char *t;
	size_t n;
	int rc;

	c.n = 0;
	c.over = 0;
	c.ascii = 1;
	if (s == e)
		return quell__addr_fail(err, errsize, "local part is empty");
	rc = in[s] == '"' ? quoted(in, s, e, &c, err, errsize) : dot_atom(in, s, e, &c, err, errsize);
	if (rc != 0)
		return rc;
	if (c.n == 0)
		return quell__addr_fail(err, errsize, "local part is empty");
	if (c.over)
		return quell__addr_fail(err, errsize, "local part longer than 64 octets");
	t = (const unsigned char *)c.buf;
	n = c.n;
	if (!c.ascii) {
		n = sizeof nbuf;
		errno = 0;
		norm = lowercase ? u8_tolower(t, c.n, NULL, UNINORM_NFC, nbuf, &n)
		                 : u8_normalize(UNINORM_NFC, t, c.n, nbuf, &n);
		if (norm == NULL)
			return errno == ENOMEM
			               ? quell__addr_fail_code(QUELL_ENOMEM, err, errsize, "out of memory")
			               : quell__addr_fail(err, errsize, "local part: invalid UTF-8");
		t = norm;
	} else if (lowercase) {
		for (size_t i = 0; i < n; i++)
			if (c.buf[i] >= 'A' && c.buf[i] <= 'Z')
				c.buf[i] = (char)(c.buf[i] - 'A' + 'a');
	}
	rc = write_local(t, n, out, outlen, err, errsize);
	if (norm != NULL && norm != nbuf)
		free(norm);
	return rc;
}

/* ------------------------------------------------------------ mailbox */

/* The last '@' of in[s..e) that is not inside a leading quoted string. */
static int split(const char *in, size_t s, size_t e, size_t *at, char *err, size_t errsize)
{
	size_t i = s;

	if (i < e && in[i] == '"') {
		for (i++; i < e && in[i] != '"'; i++)
			if (in[i] == '\\')
				i++;
		if (i >= e)
			return quell__addr_fail(err, errsize,
			                        "local part: unterminated quoted string at character %zu",
			                        quell__charpos(in, s));
	}
	for (size_t j = e; j > i; j--) {
		if (in[j - 1] == '@') {
			*at = j - 1;
			return 0;
		}
	}
	return quell__addr_fail(err, errsize, "missing '@'");
}

static int copy_out(const char *s, size_t n, char *out, size_t outsize, char *err,
                    size_t errsize)
{
	if (n >= outsize)
		return quell__addr_fail_code(QUELL_EINVAL, err, errsize,
		                             "output buffer too small (%zu bytes needed)", n + 1);
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* Character classes of the one-pass path: atext, LDH (letters, digits,
 * '-'), digits, upper case (C_UPPER << 2 is the bit that lowercases). */
enum { C_ATEXT = 1, C_LDH = 2, C_DIGIT = 4, C_UPPER = 8 };

static const unsigned char cls[256] = {
	['!'] = C_ATEXT, ['#'] = C_ATEXT, ['$'] = C_ATEXT, ['%'] = C_ATEXT, ['&'] = C_ATEXT,
	['\''] = C_ATEXT, ['*'] = C_ATEXT, ['+'] = C_ATEXT, ['-'] = C_ATEXT | C_LDH,
	['/'] = C_ATEXT, ['='] = C_ATEXT, ['?'] = C_ATEXT, ['^'] = C_ATEXT, ['_'] = C_ATEXT,
	['`'] = C_ATEXT, ['{'] = C_ATEXT, ['|'] = C_ATEXT, ['}'] = C_ATEXT, ['~'] = C_ATEXT,
#define D(c) [c] = C_ATEXT | C_LDH | C_DIGIT
	D('0'), D('1'), D('2'), D('3'), D('4'), D('5'), D('6'), D('7'), D('8'), D('9'),
#undef D
#define L(c) [c] = C_ATEXT | C_LDH, [c - 'a' + 'A'] = C_ATEXT | C_LDH | C_UPPER
	L('a'), L('b'), L('c'), L('d'), L('e'), L('f'), L('g'), L('h'), L('i'), L('j'), L('k'),
	L('l'), L('m'), L('n'), L('o'), L('p'), L('q'), L('r'), L('s'), L('t'), L('u'), L('v'),
	L('w'), L('x'), L('y'), L('z'),
#undef L
};

/* c lowercased when its class k has C_UPPER and up is C_UPPER. */
#define FOLD(c, k, up) ((char)((c) | ((k) & (up)) << 2))

/*
 * The common case in one pass, allocating nothing: an ASCII dot-atom local
 * part and a domain of LDH labels that are not A-labels, within the
 * limits.  1 with out and *domain_off set, exactly as the general path
 * would; 0 to take the general path (which also words every error).
 * The output mirrors the input byte for byte (out[i - s] is u[i] folded),
 * so bounds are checked on the input's positions.
 */
static int fast_path(const unsigned char *u, size_t s, size_t e, int lowercase, char *out,
                     size_t outsize, size_t *domain_off)
{
	size_t lim = outsize - 1 < QUELL__LOCAL_MAX ? outsize - 1 : QUELL__LOCAL_MAX;
	size_t i = s, o, ls, de = e, le = e - s > lim ? s + lim : e;
	unsigned up = lowercase ? C_UPPER : 0, all, c, k;

	/* the local part, copied as it is checked: atext and single dots, at
	 * most lim octets, then '@' */
	if (i == e || u[i] == '.')
		return 0;
	for (; i < le; i++) {
		c = u[i];
		k = cls[c];
		if (k & C_ATEXT) {
			out[i - s] = FOLD(c, k, up);
			continue;
		}
		if (c != '.' || u[i - 1] == '.')
			break;
		out[i - s] = '.';
	}
	if (i == e || u[i] != '@' || i == s || u[i - 1] == '.')
		return 0;
	o = i - s;
	out[o++] = '@';
	*domain_off = o;
	i++;
	if (de > i && u[de - 1] == '.')
		de--; /* one trailing dot */
	if (de == i || (size_t)(de - s) > QUELL__ADDRESS_MAX || de - s >= outsize)
		return 0;
	/* the labels: LDH, 1..63 octets, no '-' at either end, no A-label, and
	 * a top-level label that is not all digits */
	for (;;) {
		for (ls = i, all = C_DIGIT; i < de; i++) {
			c = u[i];
			k = cls[c];
			if (!(k & C_LDH))
				break;
			all &= k;
			out[i - s] = FOLD(c, k, C_UPPER);
		}
		if (i < de && u[i] != '.')
			return 0;
		if (i == ls || i - ls > QUELL__LABEL_MAX || u[ls] == '-' || u[i - 1] == '-' ||
		    (i - ls >= 4 && u[ls + 2] == '-' && u[ls + 3] == '-' && (u[ls] | 0x20) == 'x' &&
		     (u[ls + 1] | 0x20) == 'n'))
			return 0;
		if (i == de)
			break;
		out[i - s] = '.';
		i++;
	}
	if (all & C_DIGIT)
		return 0;
	out[de - s] = '\0';
	return 1;
}

static int fast_mailbox(const char *in, size_t s, size_t e, int lowercase, char *out,
                        size_t outsize, size_t *domain_off)
{
	size_t off = 0;

	if (!fast_path((const unsigned char *)in, s, e, lowercase, out, outsize, &off)) {
		out[0] = '\0'; /* as the general path found it */
		return 0;
	}
	if (domain_off != NULL)
		*domain_off = off;
	return 1;
}

/* The general path: every form RFC 5321/6531 allows, and every error. */
static int general_mailbox(const char *in, size_t s, size_t e, int lowercase, char *out,
                           size_t outsize, size_t *domain_off, char *err, size_t errsize)
{
	char buf[QUELL__LOCAL_MAX + 1 + QUELL__DOMAIN_MAX + 1];
	size_t at = 0, llen = 0, dlen = 0;
	int rc;

	if (s == e)
		return quell__addr_fail(err, errsize, "address is empty");
	rc = split(in, s, e, &at, err, errsize);
	if (rc == 0)
		rc = local_part(in, s, at, lowercase, buf, &llen, err, errsize);
	if (rc == 0)
		rc = quell__domain_normalize(in, at + 1, e, buf + llen + 1, &dlen, err, errsize);
	if (rc != 0)
		return rc;
	if (llen + 1 + dlen > QUELL__ADDRESS_MAX)
		return quell__addr_fail(err, errsize, "address longer than 254 octets");
	buf[llen] = '@';
	rc = copy_out(buf, llen + 1 + dlen, out, outsize, err, errsize);
	if (rc == 0 && domain_off != NULL)
		*domain_off = llen + 1;
	return rc;
}

static int mailbox(const char *in, size_t s, size_t e, int lowercase, char *out,
                   size_t outsize, size_t *domain_off, char *err, size_t errsize)
{
	if (fast_mailbox(in, s, e, lowercase, out, outsize, domain_off))
		return 0;
	return general_mailbox(in, s, e, lowercase, out, outsize, domain_off, err, errsize);
}

int quell__domain_too_wide(const struct psl_ctx_st *psl, const char *dom)
{
	if (psl_is_public_suffix2(psl, dom, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))
		return QUELL__WIDE_SUFFIX;
	/* a top-level name alone is a suffix too, listed or not (`nope`,
	 * `localhost`): an entry for it would cover a whole namespace */
	if (strchr(dom, '.') == NULL)
		return QUELL__WIDE_TLD;
	return 0;
}

static int domain_entry(const char *in, size_t s, size_t e, const struct psl_ctx_st *psl,
                        char *out, size_t outsize, char *err, size_t errsize)
{
	char dom[QUELL__DOMAIN_MAX + 1];
	size_t dlen;
	int rc;

	if (s < e && in[s] == '@')
		s++;
	rc = quell__domain_normalize(in, s, e, dom, &dlen, err, errsize);
	if (rc != 0)
		return rc;
	switch (psl != NULL ? quell__domain_too_wide(psl, dom) : 0) {
	case QUELL__WIDE_SUFFIX:
		return quell__addr_fail(err, errsize, "domain '%s' is a public suffix", dom);
	case QUELL__WIDE_TLD:
		return quell__addr_fail(err, errsize,
		                        "domain '%s' is a top-level name; give a registered domain",
		                        dom);
	}
	return copy_out(dom, dlen, out, outsize, err, errsize);
}

static int bad_args(const char *in, size_t len, char *out, size_t outsize, char *err,
                    size_t errsize)
{
	if (out == NULL || outsize == 0 || (in == NULL && len > 0))
		return quell__addr_fail_code(QUELL_EINVAL, err, errsize, "invalid argument");
	out[0] = '\0';
	if (err != NULL && errsize > 0)
		err[0] = '\0';
	return 0;
}

/* ------------------------------------------------------------- public */

/* Trim, then parse with the one-pass path first (fast) or not. */
static int parse_address(const char *in, size_t len, int lowercase_local, char *out,
                         size_t outsize, size_t *domain_off, char *err, size_t errsize, int fast)
{
	size_t s = 0, e = 0;
	int rc = bad_args(in, len, out, outsize, err, errsize);

	if (rc == 0)
		rc = quell__addr_trim(in, len, &s, &e, err, errsize);
	if (rc == 0)
		rc = fast ? mailbox(in, s, e, lowercase_local, out, outsize, domain_off, err, errsize)
		          : general_mailbox(in, s, e, lowercase_local, out, outsize, domain_off, err,
		                            errsize);
	return rc;
}

int quell__address_parse(const char *in, size_t len, int lowercase_local, char *out,
                         size_t outsize, size_t *domain_off, char *err, size_t errsize)
{
	return parse_address(in, len, lowercase_local, out, outsize, domain_off, err, errsize, 1);
}

int quell__address_parse_general(const char *in, size_t len, int lowercase_local, char *out,
                                 size_t outsize, size_t *domain_off, char *err, size_t errsize)
{
	return parse_address(in, len, lowercase_local, out, outsize, domain_off, err, errsize, 0);
}

int quell__domain_parse(const char *in, size_t len, const struct psl_ctx_st *psl, char *out,
                        size_t outsize, char *err, size_t errsize)
{
	size_t s = 0, e = 0;
	int rc = bad_args(in, len, out, outsize, err, errsize);

	if (rc == 0)
		rc = quell__addr_trim(in, len, &s, &e, err, errsize);
	if (rc == 0)
		rc = domain_entry(in, s, e, psl, out, outsize, err, errsize);
	return rc;
}

int quell__entry_parse(const char *in, size_t len, int lowercase_local,
                       const struct psl_ctx_st *psl, char *out, size_t outsize, int *scope,
                       char *err, size_t errsize)
{
	size_t s = 0, e = 0;
	int rc = bad_args(in, len, out, outsize, err, errsize);

	if (scope != NULL)
		*scope = QUELL_SCOPE_NONE;
	if (rc == 0)
		rc = quell__addr_trim(in, len, &s, &e, err, errsize);
	if (rc != 0)
		return rc;
	if (s == e)
		return quell__addr_fail(err, errsize, "entry is empty");
	if (e - s > 1 && memchr(in + s + 1, '@', e - s - 1) != NULL) {
		if (scope != NULL)
			*scope = QUELL_SCOPE_ADDRESS;
		return mailbox(in, s, e, lowercase_local, out, outsize, NULL, err, errsize);
	}
	if (scope != NULL)
		*scope = QUELL_SCOPE_DOMAIN;
	return domain_entry(in, s, e, psl, out, outsize, err, errsize);
}
