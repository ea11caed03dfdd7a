/*
 * serve_json.c - the check path's JSON without allocation (serve_json.h):
 * the writer of one check object, and the incremental reader of POST
 * /v1/check bodies.
 *
 * The writer must give the bytes `quell check --json` prints (render.c's
 * cli_result_json, dumped by json.c: jansson's escaping, \uXXXX in upper
 * case, plus DEL and C1 controls escaped, bad UTF-8 bytes as U+FFFD);
 * t_serve.sh compares the two on hostile stored text, and the fuzz target
 * fuzz_http_check compares them on any input.  The writer escapes each
 * string once: a normalized address equal to the address given, and a key
 * equal to the normalized address, are the same bytes copied; a result
 * with nothing after its verdict ends in one constant.  Knows nothing of
 * HTTP.
 */
#include <string.h>

#include "cli.h"
#include "serve_json.h"

struct w {
	char *p, *end;
	int full;
};

static void put(struct w *w, const char *s, size_t n)
{
	if (w->full || (size_t)(w->end - w->p) < n) {
		w->full = 1;
		return;
	}
	memcpy(w->p, s, n);
	w->p += n;
}

static void put_u(struct w *w, unsigned int c)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[6] = { '\\', 'u', '0', '0', hex[(c >> 4) & 0xf], hex[c & 0xf] };

	put(w, e, sizeof e);
}

/* Bytes a string can hold as they are (1): printable ASCII but '"' and
 * '\\'.  Every other byte goes through the slow path of str(). */
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* A JSON string of s: "" and NULL are null (unless empty_ok). */
static void str(struct w *w, const char *s, int empty_ok)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL || (*s == '\0' && !empty_ok)) {
		put(w, "null", 4);
		return;
	}
	put(w, "\"", 1);
	while (*p != '\0') {
		const unsigned char *run = p;
		size_t n;

		while (plain[*p])
			p++;
		put(w, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		switch (*p) {
		case '"': put(w, "\\\"", 2); p++; continue;
		case '\\': put(w, "\\\\", 2); p++; continue;
		case '\b': put(w, "\\b", 2); p++; continue;
		case '\f': put(w, "\\f", 2); p++; continue;
		case '\n': put(w, "\\n", 2); p++; continue;
		case '\r': put(w, "\\r", 2); p++; continue;
		case '\t': put(w, "\\t", 2); p++; continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			put_u(w, *p++);
			continue;
		}
		n = cli_utf8_len(p);
		if (n == 0) {
			put(w, "\xef\xbf\xbd", 3);
			p++;
		} else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			put_u(w, p[1]);
			p += 2;
		} else {
			put(w, (const char *)p, n);
			p += n;
		}
	}
	put(w, "\"", 1);
}

/* A constant piece of the object (a key with its punctuation). */
#define KEY(w, k) put(w, k, sizeof k - 1)

/* The first second of the year 10000: past it (and before 1970) the
 * library's formatter writes the time. */
#define FAST_TIME_END INT64_C(253402300800)

static void two(char *o, unsigned int v)
{
	o[0] = (char)('0' + v / 10);
	o[1] = (char)('0' + v % 10);
}

/* "YYYY-MM-DDTHH:MM:SSZ" of t, 0 <= t < FAST_TIME_END: quell_time_format's
 * bytes (the same days-to-civil arithmetic, H. Hinnant's) without stdio. */
static void time_fast(char o[20], int64_t t)
{
	uint64_t days = (uint64_t)t / 86400, z = days + 719468;
	unsigned int secs = (unsigned int)((uint64_t)t % 86400);
	unsigned int era = (unsigned int)(z / 146097), doe = (unsigned int)(z % 146097);
	unsigned int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned int mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	unsigned int m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);

	two(o, y / 100);
	two(o + 2, y % 100);
	o[4] = '-';
	two(o + 5, m);
	o[7] = '-';
	two(o + 8, d);
	o[10] = 'T';
	two(o + 11, secs / 3600);
	o[13] = ':';
	two(o + 14, secs / 60 % 60);
	o[16] = ':';
	two(o + 17, secs % 60);
	o[19] = 'Z';
}

static void time_val(struct w *w, int64_t t)
{
	/* the last time written by this thread: a batch's entries often share
	 * theirs (an import's second) */
	static _Thread_local int64_t last_t;
	static _Thread_local char last[22];
	char buf[QUELL_TIME_MAX + 2];

	if (t == 0) {
		put(w, "null", 4);
	} else if (t > 0 && t < FAST_TIME_END) {
		if (t != last_t) {
			last[0] = '"';
			time_fast(last + 1, t);
			last[21] = '"';
			last_t = t;
		}
		put(w, last, 22);
	} else {
		str(w, quell_time_format(t, buf, sizeof buf), 0);
	}
}

/* A string that may equal one written before, whose JSON is the bytes
 * from `from` to `to` of the output: those bytes again (a normalized
 * address is mostly the address given, and the key the normalized
 * address), else str(s, 0).  Only a non-empty string is copied ("" is
 * null here but may have been "" there). */
static void str_again(struct w *w, const char *s, const char *prev, const char *from,
                      const char *to)
{
	if (s != NULL && *s != '\0' && !w->full && strcmp(s, prev) == 0)
		put(w, from, (size_t)(to - from));
	else
		str(w, s, 0);
}

/* Whether nothing after the verdict has a value: every other key is
 * null (an address on no list, or an invalid one without an error). */
static int rest_null(const struct quell_result *r)
{
	const char *scope = quell_scope_name(r->scope), *source = quell_source_name(r->source);

	return (scope == NULL || *scope == '\0') && (source == NULL || *source == '\0') &&
	       r->key[0] == '\0' && r->rule[0] == '\0' && r->category[0] == '\0' &&
	       r->reply[0] == '\0' && r->error[0] == '\0' && r->since == 0 && r->until == 0;
}

size_t serve_check_json(char *out, size_t size, const char *address,
                        const struct quell_result *r)
{
	struct w w = { out, out + size, 0 };
	char *a0, *a1, *n0, *n1;

	KEY(&w, "{\"address\":");
	a0 = w.p;
	str(&w, address, 1);
	a1 = w.p;
	KEY(&w, ",\"normalized\":");
	n0 = w.p;
	str_again(&w, r->normalized, address, a0, a1);
	n1 = w.p;
	KEY(&w, ",\"verdict\":");
	str(&w, quell_verdict_name(r->verdict), 0);
	if (rest_null(r)) {
		KEY(&w, ",\"scope\":null,\"key\":null,\"rule\":null,\"category\":null,"
		        "\"source\":null,\"reply\":null,\"since\":null,\"until\":null,"
		        "\"error\":null}");
		return w.full ? 0 : (size_t)(w.p - out);
	}
	KEY(&w, ",\"scope\":");
	str(&w, quell_scope_name(r->scope), 0);
	KEY(&w, ",\"key\":");
	str_again(&w, r->key, r->normalized, n0, n1);
	KEY(&w, ",\"rule\":");
	str(&w, r->rule, 0);
	KEY(&w, ",\"category\":");
	str(&w, r->category, 0);
	KEY(&w, ",\"source\":");
	str(&w, quell_source_name(r->source), 0);
	KEY(&w, ",\"reply\":");
	str(&w, r->reply, 0);
	KEY(&w, ",\"since\":");
	time_val(&w, r->since);
	KEY(&w, ",\"until\":");
	time_val(&w, r->until);
	KEY(&w, ",\"error\":");
	str(&w, r->error, 0);
	KEY(&w, "}");
	return w.full ? 0 : (size_t)(w.p - out);
}

/* ------------------------------------------------------------ the reader */

/* Eight bytes of a body at a time (addresses are mostly plain): whether
 * a word has a byte below 0x20, or a '"' or '\\'.  The usual bit tricks,
 * exact as tests of "is there one". */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
#define HAS_LESS(x, n) (((x) - ONES * (n)) & ~(x) & HIGHS)
#define HAS_BYTE(x, b) HAS_LESS((x) ^ (ONES * (b)), 1)

static int word_plain(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof x);
	return !(HAS_LESS(x, 0x20) | HAS_BYTE(x, '"') | HAS_BYTE(x, '\\'));
}

enum {
	ST_START,  /* before the first byte that is not white space */
	ST_VALUE,  /* before a value (array: after '[' or ','; lines: a new line) */
	ST_STRING, /* inside a string */
	ST_ESC,    /* after a backslash */
	ST_HEX,    /* inside \uXXXX */
	ST_AFTER,  /* after a value */
	ST_FIRST,  /* array: after '[', a value or ']' */
	ST_DONE    /* array: after ']' */
};

void serve_scan_init(struct serve_scan *s)
{
	memset(s, 0, sizeof *s);
	s->line = 1;
}

static int bad(struct serve_scan *s, const char *what)
{
	snprintf(s->err, sizeof s->err, "line %llu, column %llu: %s",
	         (unsigned long long)s->line, (unsigned long long)s->col, what);
	return -1;
}

static int add(struct serve_scan *s, const char *b, size_t n)
{
	if (s->len + n > SERVE_ADDRESS_MAX)
		return bad(s, "an address over 1024 bytes");
	memcpy(s->cur + s->len, b, n);
	s->len += n;
	return 0;
}

/* Append code point c as UTF-8. */
static int add_cp(struct serve_scan *s, unsigned int c)
{
	char b[4];

	if (c == 0)
		return bad(s, "a NUL (\\u0000) in a string");
	if (c < 0x80) {
		b[0] = (char)c;
		return add(s, b, 1);
	}
	if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		return add(s, b, 2);
	}
	if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		return add(s, b, 3);
	}
	b[0] = (char)(0xf0 | c >> 18);
	b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	b[3] = (char)(0x80 | (c & 0x3f));
	return add(s, b, 4);
}

/* The 4th hex digit of \uXXXX is in: a code point, or half of a pair. */
static int hex_done(struct serve_scan *s)
{
	unsigned int u = s->u;

	s->state = ST_STRING;
	if (s->hi != 0) {
		unsigned int hi = s->hi;

		s->hi = 0;
		if (u < 0xdc00 || u > 0xdfff)
			return bad(s, "a lone surrogate in \\u escapes");
		return add_cp(s, 0x10000 + ((hi - 0xd800) << 10) + (u - 0xdc00));
	}
	if (u >= 0xd800 && u <= 0xdbff) {
		s->hi = u;
		return 0;
	}
	if (u >= 0xdc00 && u <= 0xdfff)
		return bad(s, "a lone surrogate in \\u escapes");
	return add_cp(s, u);
}

static int escape(struct serve_scan *s, char c)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p = c != '\0' ? strchr(from, c) : NULL;

	if (c == 'u') {
		s->state = ST_HEX;
		s->u = 0;
		s->nhex = 0;
		return 0;
	}
	if (p == NULL)
		return bad(s, "an unknown escape in a string");
	s->state = ST_STRING;
	return add(s, to + (p - from), 1);
}

static int hex(struct serve_scan *s, char c)
{
	unsigned int d;

	if (c >= '0' && c <= '9')
		d = (unsigned int)(c - '0');
	else if (c >= 'a' && c <= 'f')
		d = (unsigned int)(c - 'a' + 10);
	else if (c >= 'A' && c <= 'F')
		d = (unsigned int)(c - 'A' + 10);
	else
		return bad(s, "a bad \\u escape");
	s->u = s->u << 4 | d;
	return ++s->nhex == 4 ? hex_done(s) : 0;
}

/* Outside strings: one byte of structure. */
static int structure(struct serve_scan *s, char c)
{
	int space = c == ' ' || c == '\t' || c == '\r' || c == '\n';

	if (space && !(c == '\n' && s->form == '"' && s->state == ST_AFTER))
		return 0;
	switch (s->state) {
	case ST_START:
		if (c != '[' && c != '"')
			return bad(s, "want a JSON array of strings or JSON Lines of strings");
		s->form = c;
		s->state = c == '[' ? ST_FIRST : ST_STRING;
		return 0;
	case ST_FIRST:
		if (c == ']') {
			s->state = ST_DONE;
			return 0;
		}
		/* fall through */
	case ST_VALUE:
		if (c != '"')
			return bad(s, "want a string");
		s->state = ST_STRING;
		return 0;
	case ST_AFTER:
		if (s->form == '"' && c == '\n')
			s->state = ST_VALUE;
		else if (s->form == '[' && c == ',')
			s->state = ST_VALUE;
		else if (s->form == '[' && c == ']')
			s->state = ST_DONE;
		else
			return bad(s, s->form == '[' ? "want ',' or ']'" : "want the end of the line");
		return 0;
	}
	return bad(s, "nothing may follow the array");
}

/* Inside a string: the byte at d[*i] and what follows up to the closing
 * quote, which is when fn is called. */
static int in_string(struct serve_scan *s, const char *d, size_t n, size_t *i,
                     serve_scan_fn *fn, void *ctx)
{
	const unsigned char *u = (const unsigned char *)d;
	size_t j = *i;
	int rc;

	while (n - j >= 8 && word_plain(u + j))
		j += 8;
	while (j < n && u[j] != '"' && u[j] != '\\' && u[j] >= 0x20)
		j++;
	if (j > *i && (rc = add(s, d + *i, j - *i)) != 0)
		return rc;
	s->col += j - *i;
	*i = j;
	if (j == n)
		return 0;
	s->col++;
	(*i)++;
	if (d[j] == '\\') {
		s->state = ST_ESC;
		return 0;
	}
	if (d[j] != '"')
		return bad(s, "a control byte inside a string");
	if (s->hi != 0)
		return bad(s, "a lone surrogate in \\u escapes");
	s->cur[s->len] = '\0';
	s->state = ST_AFTER;
	s->count++;
	rc = fn(ctx, s->cur, s->len);
	s->len = 0;
	return rc;
}

int serve_scan_feed(struct serve_scan *s, const char *data, size_t n, serve_scan_fn *fn,
                    void *ctx)
{
	size_t i = 0;
	int rc = 0;

	while (i < n && rc == 0) {
		char c = data[i];

		if (s->state == ST_STRING) {
			rc = in_string(s, data, n, &i, fn, ctx);
			continue;
		}
		i++;
		s->col++;
		if (s->state == ST_ESC)
			rc = escape(s, c);
		else if (s->state == ST_HEX)
			rc = hex(s, c);
		else
			rc = structure(s, c);
		if (c == '\n') {
			s->line++;
			s->col = 0;
		}
	}
	return rc;
}

int serve_scan_end(struct serve_scan *s)
{
	if (s->state == ST_START || s->state == ST_DONE ||
	    (s->form == '"' && (s->state == ST_AFTER || s->state == ST_VALUE)))
		return 0;
	return bad(s, s->form == '[' && s->state != ST_STRING ? "the array is not closed"
	                                                      : "the body ends inside a string");
}
