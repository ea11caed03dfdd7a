/*
 * mime.c - header fields, Content-Type, transfer encodings, encoded-words,
 * HTML and multipart bodies (see mime.h).  Every loop moves forward over
 * its input once; every write is bounded by its destination.
 *
 * Knows nothing of delivery status notifications, rules or the database.
 */
#include <stdio.h>
#include <string.h>

#include "mime.h"
#include "text.h"

static int sp(char c)
{
	return c == ' ' || c == '\t';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

size_t quell__mime_unix(const char *in, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		char c = in[i++];

		if (c == '\r') {
			while (i < n && in[i] == '\r')
				i++;
			if (i < n && in[i] == '\n')
				i++;
			c = '\n';
		} else if (c == '\0') {
			c = ' ';
		}
		out[o++] = c;
	}
	return o;
}

size_t quell__mime_split(const char *msg, size_t n, size_t *hlen)
{
	const char *p = msg, *end = msg + n, *nl;

	while (p < end) {
		if (*p == '\n') {
			*hlen = (size_t)(p - msg);
			return (size_t)(p + 1 - msg);
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	*hlen = n;
	return n;
}

/* Append the bytes s[0..n) to out, runs of white space as one space. */
static void put_folded(char *out, size_t outsize, size_t *o, int *space, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			*space = 1;
			continue;
		}
		if (*space && *o > 0 && *o + 1 < outsize)
			out[(*o)++] = ' ';
		*space = 0;
		if (*o + 1 < outsize)
			out[(*o)++] = c;
	}
}

/* Whether the line l[0..n) starts a header field ("Name:"); a line that
 * does not continues the field before it, indented or not. */
static int field_line(const char *l, size_t n)
{
	size_t i = 0;

	while (i < n && l[i] > ' ' && l[i] < 0x7F && l[i] != ':')
		i++;
	while (i < n && sp(l[i]))
		i++;
	return i > 0 && i < n && l[i] == ':';
}

int quell__mime_header(const char *h, size_t hn, const char *name, char *out, size_t outsize)
{
	const char *p = h, *end = h + hn, *nl, *le;
	size_t nlen = strlen(name), o = 0;
	int found = 0, space = 0;

	if (outsize > 0)
		out[0] = '\0';
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		le = nl != NULL ? nl : end;
		if (found) {
			if (p < le && (sp(*p) || !field_line(p, (size_t)(le - p)))) {
				space = 1;
				put_folded(out, outsize, &o, &space, p, (size_t)(le - p));
			} else {
				break;
			}
		} else if ((size_t)(le - p) > nlen && quell__ieq(p, nlen, name)) {
			const char *q = p + nlen;

			while (q < le && sp(*q))
				q++;
			if (q < le && *q == ':') {
				found = 1;
				put_folded(out, outsize, &o, &space, q + 1, (size_t)(le - q - 1));
			}
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (outsize > 0)
		out[o < outsize ? o : outsize - 1] = '\0';
	return found ? (int)o : -1;
}

/* Copy a token or quoted string at *pp into out (bounded), lowercased if
 * asked; *pp moves past it. */
static void param_value(const char **pp, char *out, size_t outsize, int fold)
{
	const char *p = *pp;
	size_t o = 0;

	if (*p == '"') {
		p++;
		while (*p != '\0' && *p != '"') {
			if (*p == '\\' && p[1] != '\0')
				p++;
			if (o + 1 < outsize)
				out[o++] = fold ? lower(*p) : *p;
			p++;
		}
		if (*p == '"')
			p++;
	} else {
		while (*p != '\0' && *p != ';' && *p != ' ' && *p != '\t') {
			if (o + 1 < outsize)
				out[o++] = fold ? lower(*p) : *p;
			p++;
		}
	}
	out[o] = '\0';
	*pp = p;
}

void quell__mime_ctype(const char *v, struct quell__ctype *ct)
{
	const char *p = v;
	size_t o = 0;

	memset(ct, 0, sizeof *ct);
	while (sp(*p))
		p++;
	while (*p != '\0' && *p != ';' && !sp(*p)) {
		if (o + 1 < sizeof ct->type)
			ct->type[o++] = lower(*p);
		p++;
	}
	ct->type[o] = '\0';
	if (strchr(ct->type, '/') == NULL)
		snprintf(ct->type, sizeof ct->type, "text/plain");
	while (*p != '\0') {
		char name[16];
		size_t k = 0;

		while (*p == ';' || sp(*p))
			p++;
		while (*p != '\0' && *p != '=' && *p != ';' && !sp(*p)) {
			if (k + 1 < sizeof name)
				name[k++] = lower(*p);
			p++;
		}
		name[k] = '\0';
		while (sp(*p))
			p++;
		if (*p != '=')
			continue;
		p++;
		while (sp(*p))
			p++;
		if (strcmp(name, "boundary") == 0 && ct->boundary[0] == '\0')
			param_value(&p, ct->boundary, sizeof ct->boundary, 0);
		else if (strcmp(name, "charset") == 0 && ct->charset[0] == '\0')
			param_value(&p, ct->charset, sizeof ct->charset, 1);
		else {
			char skip[2];
			param_value(&p, skip, sizeof skip, 0);
		}
	}
	/* a boundary ends before trailing white space (RFC 2046 bchars) */
	for (o = strlen(ct->boundary); o > 0 && sp(ct->boundary[o - 1]); o--)
		ct->boundary[o - 1] = '\0';
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

static size_t b64(const char *in, size_t n, char *out)
{
	unsigned acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int v = b64val(in[i]);

		if (in[i] == '=')
			break;
		if (v < 0)
			continue;
		acc = (acc << 6 | (unsigned)v) & 0xFFFFFFu;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits & 0xFFu);
		}
	}
	return o;
}

/* Quoted-printable; `under` makes '_' a space (RFC 2047 Q). */
static size_t qp(const char *in, size_t n, char *out, int under)
{
	size_t i = 0, o = 0;

	while (i < n) {
		char c = in[i];

		if (c == '=' && i + 1 < n && in[i + 1] == '\n') {
			i += 2; /* soft line break */
			continue;
		}
		if (c == '=' && i + 2 < n && hexval(in[i + 1]) >= 0 && hexval(in[i + 2]) >= 0) {
			out[o++] = (char)(hexval(in[i + 1]) << 4 | hexval(in[i + 2]));
			i += 3;
			continue;
		}
		if (c == '=' && i + 1 < n) {
			/* "=  \n": a soft break with trailing white space */
			size_t j = i + 1;
			while (j < n && sp(in[j]))
				j++;
			if (j < n && in[j] == '\n') {
				i = j + 1;
				continue;
			}
		}
		out[o++] = under && c == '_' ? ' ' : c;
		i++;
	}
	return o;
}

size_t quell__mime_decode(const char *cte, const char *in, size_t n, char *out)
{
	char t[32];
	size_t k = 0;

	while (cte[k] != '\0' && k + 1 < sizeof t) {
		t[k] = lower(cte[k]);
		k++;
	}
	t[k] = '\0';
	if (strcmp(t, "base64") == 0)
		return b64(in, n, out);
	if (strcmp(t, "quoted-printable") == 0)
		return qp(in, n, out, 0);
	memcpy(out, in, n);
	return n;
}

/* One encoded-word at s[i..n): its decoded length written at s[o..], and
 * *next the offset after it; 0 when there is none here. */
static int one_word(char *s, size_t n, size_t i, size_t o, size_t *next, size_t *olen)
{
	size_t j = i + 2, enc, txt, stop;
	char e;

	if (i + 2 >= n || s[i] != '=' || s[i + 1] != '?')
		return 0;
	while (j < n && s[j] != '?' && !sp(s[j]) && s[j] != '\n')
		j++;
	if (j + 3 >= n || s[j] != '?' || s[j + 2] != '?')
		return 0;
	enc = j + 1;
	e = lower(s[enc]);
	if (e != 'b' && e != 'q')
		return 0;
	txt = enc + 2;
	for (stop = txt; stop + 1 < n; stop++)
		if ((s[stop] == '?' && s[stop + 1] == '=') || sp(s[stop]) || s[stop] == '\n')
			break;
	if (stop + 1 >= n || s[stop] != '?' || s[stop + 1] != '=')
		return 0;
	/* decoding never grows, and o <= i, so in-place is safe */
	*olen = e == 'b' ? b64(s + txt, stop - txt, s + o) : qp(s + txt, stop - txt, s + o, 1);
	*next = stop + 2;
	return 1;
}

size_t quell__mime_words(char *s, size_t n)
{
	size_t i = 0, o = 0, next, olen, gap = 0;
	int last_word = 0;

	while (i < n) {
		if (one_word(s, n, i, last_word ? o - gap : o, &next, &olen)) {
			if (last_word)
				o -= gap; /* white space between two words goes */
			o += olen;
			i = next;
			last_word = 1;
			gap = 0;
			continue;
		}
		if (last_word && sp(s[i]))
			gap++;
		else {
			last_word = 0;
			gap = 0;
		}
		s[o++] = s[i++];
	}
	return o;
}

static const struct {
	const char *name;
	char c;
} entities[] = { { "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' }, { "quot;", '"' },
	         { "nbsp;", ' ' }, { "apos;", '\'' } };

size_t quell__mime_html(const char *in, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		char c = in[i];

		if (c == '<') {
			size_t j = i + 1, k = 0;
			char tag[8];

			if (j < n && in[j] == '/')
				j++;
			while (j < n && k + 1 < sizeof tag && ((in[j] >= 'a' && in[j] <= 'z') ||
			                                       (in[j] >= 'A' && in[j] <= 'Z') ||
			                                       (in[j] >= '0' && in[j] <= '9')))
				tag[k++] = lower(in[j++]);
			tag[k] = '\0';
			if (k == 0) { /* "< " or "<a@b>" written raw: text */
				out[o++] = c;
				i++;
				continue;
			}
			while (j < n && in[j] != '>')
				j++;
			if (strcmp(tag, "br") == 0 || strcmp(tag, "p") == 0 || strcmp(tag, "div") == 0 ||
			    strcmp(tag, "tr") == 0 || strcmp(tag, "li") == 0 || strcmp(tag, "pre") == 0 ||
			    (tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6'))
				out[o++] = '\n';
			i = j < n ? j + 1 : n;
			continue;
		}
		if (c == '&') {
			size_t e;
			int done = 0;

			for (e = 0; e < sizeof entities / sizeof entities[0]; e++) {
				size_t l = strlen(entities[e].name);
				if (n - i - 1 >= l && quell__ieq(in + i + 1, l, entities[e].name)) {
					out[o++] = entities[e].c;
					i += 1 + l;
					done = 1;
					break;
				}
			}
			if (!done && i + 2 < n && in[i + 1] == '#') {
				size_t j = i + 2;
				unsigned v = 0;

				while (j < n && j < i + 6 && in[j] >= '0' && in[j] <= '9')
					v = v * 10 + (unsigned)(in[j++] - '0');
				if (j < n && in[j] == ';' && j > i + 2 && v >= 32 && v < 127) {
					out[o++] = (char)v;
					i = j + 1;
					done = 1;
				}
			}
			if (done)
				continue;
		}
		out[o++] = c;
		i++;
	}
	return o;
}

void quell__mime_parts_init(struct quell__mime_parts *it, const char *body, size_t n,
                            const char *boundary)
{
	memset(it, 0, sizeof *it);
	it->p = body;
	it->end = body + n;
	it->bnd = boundary;
	it->blen = strlen(boundary);
	it->done = it->blen == 0;
}

/* Whether the line at p is a delimiter: 1 a part follows, 2 the close. */
static int delimiter(const struct quell__mime_parts *it, const char *p)
{
	size_t left = (size_t)(it->end - p);

	if (left < it->blen + 2 || p[0] != '-' || p[1] != '-' ||
	    memcmp(p + 2, it->bnd, it->blen) != 0)
		return 0;
	p += 2 + it->blen;
	left -= 2 + it->blen;
	if (left >= 2 && p[0] == '-' && p[1] == '-')
		return 2;
	/* only white space may follow the boundary on its line */
	while (left > 0 && sp(*p)) {
		p++;
		left--;
	}
	return left == 0 || *p == '\n' ? 1 : 0;
}

/* The next line start at or after p. */
static const char *next_line(const struct quell__mime_parts *it, const char *p)
{
	const char *nl = memchr(p, '\n', (size_t)(it->end - p));

	return nl != NULL ? nl + 1 : it->end;
}

int quell__mime_parts_next(struct quell__mime_parts *it, const char **part, size_t *len)
{
	const char *p = it->p, *start;
	int d = 0;

	if (it->done)
		return 0;
	if (!it->started) { /* skip the preamble */
		it->started = 1;
		while (p < it->end && (d = delimiter(it, p)) == 0)
			p = next_line(it, p);
		if (p >= it->end || d == 2) {
			it->done = 1;
			return 0;
		}
		p = next_line(it, p);
	}
	start = p;
	while (p < it->end && (d = delimiter(it, p)) == 0)
		p = next_line(it, p);
	*part = start;
	*len = (size_t)(p - start);
	if (*len > 0 && p < it->end)
		(*len)--; /* the LF before the delimiter belongs to it */
	if (p >= it->end || d == 2)
		it->done = 1;
	else
		it->p = next_line(it, p);
	return 1;
}
