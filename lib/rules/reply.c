/*
 * reply.c - parse a receiving server's reply into basic code, enhanced
 * status (RFC 3463) and text.  See reply.h for the forms accepted.
 *
 * One pass finds the leading DSN type, code and status; a second copies the
 * rest into the caller's buffer, folding white space and dropping the code
 * and status that multi-line replies repeat at each line (also when a DSN
 * flattened the lines into one).  When the start has no code or status, a
 * third pass looks for them later in the input.  A code and status given
 * apart from the text (quell__reply_parse_parts) take the first pass's
 * place: the text goes on from where they leave off.
 *
 * Knows nothing of rules, YAML or the database; allocates nothing.
 *
 * Diagnostics: "empty reply", "reply longer than N bytes", "reply contains a
 * NUL byte at offset N".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "reply.h"

static int is_space(unsigned char c)
{
	return c <= 0x20 || c == 0x7f; /* space and every control byte */
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static void seterr(char *err, size_t errsize, const char *fmt, ...) QUELL__PRINTF(3, 4);

static void seterr(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsize == 0)
		return;
	va_start(ap, fmt);
	if (vsnprintf(err, errsize, fmt, ap) < 0)
		err[0] = '\0';
	va_end(ap);
}

/* A basic code at p: three digits, the first 2..5, followed by the end,
 * white space, '-' or ':'.  Returns the code or 0. */
static int code_at(const char *p, const char *end)
{
	if (end - p < 3 || p[0] < '2' || p[0] > '5' || !is_digit((unsigned char)p[1]) ||
	    !is_digit((unsigned char)p[2]))
		return 0;
	if (end - p > 3 && !is_space((unsigned char)p[3]) && p[3] != '-' && p[3] != ':')
		return 0;
	return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* Up to three digits at *pp; -1 when there are none or more than three. */
static int number3(const char **pp, const char *end)
{
	const char *p = *pp;
	int v = 0, n = 0;

	while (p < end && is_digit((unsigned char)*p)) {
		if (++n > 3)
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	if (n == 0)
		return -1;
	*pp = p;
	return v;
}

/* An enhanced status at p (class 2, 4 or 5, subject and detail of one to
 * three digits) that is not part of a longer dotted number or word.
 * Returns its length and fills *st, or 0. */
static size_t status_at(const char *p, const char *end, struct quell__reply *st)
{
	const char *q = p;
	int k, s, d;

	if (q >= end || (*q != '2' && *q != '4' && *q != '5'))
		return 0;
	k = *q++ - '0';
	if (q >= end || *q++ != '.')
		return 0;
	if ((s = number3(&q, end)) < 0)
		return 0;
	if (q >= end || *q++ != '.')
		return 0;
	if ((d = number3(&q, end)) < 0)
		return 0;
	if (q < end && (is_alnum((unsigned char)*q) || *q == '_' ||
	                (*q == '.' && q + 1 < end && is_digit((unsigned char)q[1]))))
		return 0;
	st->klass = k;
	st->subject = s;
	st->detail = d;
	return (size_t)(q - p);
}

/* Write "k.s.d" into r->status (at most "5.999.999": fits QUELL_STATUS_MAX);
 * by hand, as snprintf was a tenth of the parse time. */
static void format_status(struct quell__reply *r)
{
	char *p = r->status;
	int parts[2] = { r->subject, r->detail };

	*p++ = (char)('0' + r->klass);
	for (int i = 0; i < 2; i++) {
		int v = parts[i];

		*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
}

static int same_status(const struct quell__reply *a, const struct quell__reply *b)
{
	return a->klass == b->klass && a->subject == b->subject && a->detail == b->detail;
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && is_space((unsigned char)*p))
		p++;
	return p;
}

/* Whether [p, end) starts with word, ignoring ASCII case. */
static int starts_with(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)p[i]) != word[i])
			return 0;
	return 1;
}

/* A DSN diagnostic type ("smtp;", "X-Postfix;") at p, perhaps after the
 * field name "Diagnostic-Code:": returns what follows it, or p. */
static const char *skip_dsn_type(const char *p, const char *end)
{
	const char *q;

	if (starts_with(p, end, "diagnostic-code:"))
		p = skip_space(p + sizeof "diagnostic-code:" - 1, end);
	q = p;

	while (q < end && (is_alnum((unsigned char)*q) || *q == '-'))
		q++;
	if (!((q - p == 4 && starts_with(p, end, "smtp")) ||
	      (q - p > 2 && lower((unsigned char)p[0]) == 'x' && p[1] == '-')))
		return p;
	q = skip_space(q, end);
	if (q >= end || *q != ';')
		return p;
	return skip_space(q + 1, end);
}

/* Whether a code or status found later in the text may start after c. */
static int late_boundary(unsigned char c)
{
	switch (c) {
	case '(': case '[': case '<': case '#': case ':': case ';': case ',': case '\'':
	case '"': case '-': case '=': case '{':
		return 1;
	default:
		return is_space(c);
	}
}

/*
 * Whether p (inside [start, end)) follows a colon that introduces a
 * server's words: "host x said: 550", "refused to talk to me: 421",
 * "responded with failure: 552", "SMTP error ... after RCPT TO:<a@b>: 550",
 * "after end of data: 553", "SMTP Error (state 9): 550".  A colon after
 * other words ("size: 552 bytes", "Size (in bytes): 222") does not count.
 */
static int after_colon(const char *start, const char *p)
{
	static const char *const words[] = { "said", "me", "failure", "error", "data",
		                             "reply", "response", "command", "responded" };
	const char *w;

	while (p > start && is_space((unsigned char)p[-1]))
		p--;
	if (p == start || p[-1] != ':')
		return 0;
	p--;
	if (p > start && (p[-1] == '>' || p[-1] == ']'))
		return 1;
	if (p > start && p[-1] == ')') { /* "(state 9):": the word before '(' */
		const char *o = p - 1;

		while (o > start && o[-1] != '(' && p - o < 64)
			o--;
		if (o == start || o[-1] != '(')
			return 0;
		for (p = o - 1; p > start && is_space((unsigned char)p[-1]);)
			p--;
	}
	for (w = p; w > start && is_alnum((unsigned char)w[-1]); w--)
		;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if ((size_t)(p - w) == strlen(words[i]) && starts_with(w, p, words[i]))
			return 1;
	return 0;
}

/* Look for a code (when out has none) and a status (likewise) later in
 * [start, end). */
static void find_late(const char *start, const char *end, struct quell__reply *out)
{
	struct quell__reply st;

	if (out->code == 0) {
		for (const char *p = start; p + 3 <= end; p++) {
			int code;
			size_t n;

			if (*p < '2' || *p > '5' || (p > start && !late_boundary((unsigned char)p[-1])))
				continue;
			if ((code = code_at(p, end)) == 0)
				continue;
			n = p + 4 < end && (p[3] == ' ' || p[3] == '-') ? status_at(p + 4, end, &st) : 0;
			if (n > 0 && st.klass == code / 100) {
				out->code = code;
				if (out->klass < 0) {
					out->klass = st.klass;
					out->subject = st.subject;
					out->detail = st.detail;
				}
				break;
			}
			if (after_colon(start, p)) {
				out->code = code;
				break;
			}
		}
	}
	if (out->klass < 0) {
		for (const char *p = start; p < end; p++) {
			if ((*p != '2' && *p != '4' && *p != '5') ||
			    (p > start && !late_boundary((unsigned char)p[-1])))
				continue;
			if (status_at(p, end, &st) > 0 &&
			    (out->code == 0 || st.klass == out->code / 100)) {
				out->klass = st.klass;
				out->subject = st.subject;
				out->detail = st.detail;
				break;
			}
		}
	}
}

/*
 * If p starts a repetition of the reply's code (and status) that a
 * multi-line reply puts at each line, return what follows it; else p.
 * line_start: p is the first word of a physical line.
 */
static const char *skip_repeat(const char *p, const char *end, const struct quell__reply *r,
                               int multi, int line_start)
{
	struct quell__reply st;
	const char *q;
	size_t n;

	if (r->code == 0 || code_at(p, end) != r->code)
		return p;
	q = p + 3;
	if (q >= end)
		return line_start ? q : p;
	if (line_start || (multi && *q == '-')) {
		q++;
		if (r->klass >= 0 && (n = status_at(q, end, &st)) > 0 && same_status(&st, r))
			q += n;
		return q;
	}
	if (multi && *q == ' ' && r->klass >= 0 && (n = status_at(q + 1, end, &st)) > 0 &&
	    same_status(&st, r))
		return q + 1 + n;
	return p;
}

/* Copy [p, end) into buf folding white space and dropping repeated codes.
 * Returns the text length. */
static size_t copy_text(const char *p, const char *end, const struct quell__reply *r, int multi,
                        char *buf, size_t bufsize)
{
	size_t n = 0, cap = bufsize - 1;
	int pending = 0, line_start = 0, word_start = 1, truncated = 0;

	while (p < end) {
		unsigned char c = (unsigned char)*p;

		if (is_space(c)) {
			if (c == '\n' || c == '\r')
				line_start = 1;
			pending = 1;
			word_start = 1;
			p++;
			continue;
		}
		if (word_start) {
			const char *q = skip_repeat(p, end, r, multi, line_start);

			line_start = 0;
			word_start = 0;
			if (q != p) {
				p = q;
				word_start = 1;
				continue;
			}
		}
		if (pending && n > 0) {
			if (n >= cap) {
				truncated = 1;
				break;
			}
			buf[n++] = ' ';
		}
		pending = 0;
		if (n >= cap) {
			truncated = 1;
			break;
		}
		/* the rest of the word at once */
		{
			const char *w = p + 1;
			size_t k;

			while (w < end && !is_space((unsigned char)*w))
				w++;
			k = (size_t)(w - p);
			if (k > cap - n) {
				k = cap - n;
				truncated = 1;
			}
			memcpy(buf + n, p, k);
			n += k;
			p += k;
			if (truncated)
				break;
		}
	}
	if (truncated && n > 0) {
		/* never leave half a UTF-8 character at the cut */
		size_t j = n - 1, want;
		unsigned char lead;

		while (j > 0 && ((unsigned char)buf[j] & 0xC0) == 0x80)
			j--;
		lead = (unsigned char)buf[j];
		want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (j + want > n)
			n = j;
		while (n > 0 && buf[n - 1] == ' ')
			n--;
	}
	buf[n] = '\0';
	return n;
}

/* Check the arguments and the input, and clear *out.  0, or an error with
 * err set. */
static int begin(const char *in, size_t len, char *buf, size_t bufsize, struct quell__reply *out,
                 char *err, size_t errsize)
{
	const char *nul;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	if ((in == NULL && len > 0) || buf == NULL || bufsize == 0 || out == NULL) {
		seterr(err, errsize, "invalid arguments");
		return QUELL_EINVAL;
	}
	out->klass = out->subject = out->detail = -1;
	out->text = buf;
	buf[0] = '\0';
	if (len > QUELL__REPLY_IN_MAX) {
		seterr(err, errsize, "reply longer than %zu bytes", (size_t)QUELL__REPLY_IN_MAX);
		return QUELL_EDATA;
	}
	if (len > 0 && (nul = memchr(in, '\0', len)) != NULL) {
		seterr(err, errsize, "reply contains a NUL byte at offset %zu", (size_t)(nul - in));
		return QUELL_EDATA;
	}
	return 0;
}

/* After a leading code: the separators, and the code again ("554 554"). */
static const char *skip_code_repeats(const char *p, const char *end, int code)
{
	do {
		while (p < end && (is_space((unsigned char)*p) || *p == '-' || *p == ':'))
			p++;
		if (code_at(p, end) != code)
			break;
		p += 3;
	} while (1);
	return p;
}

/* What follows a leading status: white space and one separator. */
static const char *skip_status_end(const char *p, const char *end)
{
	p = skip_space(p, end);
	if (p < end && (*p == ':' || *p == ';' || *p == '-') &&
	    (p + 1 == end || is_space((unsigned char)p[1])))
		p = skip_space(p + 1, end);
	return p;
}

/* A leading status at p ("5.1.1", "#5.1.0") into out: what follows it, or
 * p. */
static const char *lead_status(const char *p, const char *end, struct quell__reply *out)
{
	struct quell__reply st;
	size_t n;

	if (p < end && *p == '#' && status_at(p + 1, end, &st) > 0)
		p++;
	if ((n = status_at(p, end, &st)) == 0)
		return p;
	out->klass = st.klass;
	out->subject = st.subject;
	out->detail = st.detail;
	return skip_status_end(p + n, end);
}

/* The rest from text_start on: a code and status found later, the text. */
static int finish(const char *text_start, const char *end, struct quell__reply *out, int multi,
                  char *buf, size_t bufsize, char *err, size_t errsize)
{
	if (out->code == 0 || out->klass < 0)
		find_late(text_start, end, out);
	if (out->klass >= 0)
		format_status(out);
	out->text_len = copy_text(text_start, end, out, multi, buf, bufsize);
	/* PCRE2's JIT may read a little past the end of the subject: let it
	 * find zeros there, not whatever the buffer held before */
	if (out->text_len < bufsize) {
		size_t room = bufsize - out->text_len;
		memset(buf + out->text_len, 0, room < 64 ? room : 64);
	}
	/* empty means nothing to say, not a text cut to nothing by a small buf */
	if (out->code == 0 && out->klass < 0 && skip_space(text_start, end) == end) {
		memset(out, 0, sizeof *out);
		out->klass = out->subject = out->detail = -1;
		out->text = buf;
		seterr(err, errsize, "empty reply");
		return QUELL_EDATA;
	}
	return 0;
}

int quell__reply_parse(const char *in, size_t len, char *buf, size_t bufsize,
                       struct quell__reply *out, char *err, size_t errsize)
{
	const char *p, *end;
	int multi = 0, rc;

	if ((rc = begin(in, len, buf, bufsize, out, err, errsize)) != 0)
		return rc;
	end = in + len;
	p = skip_space(in, end);
	p = skip_dsn_type(p, end);
	/* 550, 550-, 550:, 550 -, and the doubled "554 554" of some relays */
	if ((out->code = code_at(p, end)) != 0) {
		multi = p + 3 < end && p[3] == '-';
		p = skip_code_repeats(p + 3, end, out->code);
	}
	p = lead_status(p, end, out);
	return finish(p, end, out, multi, buf, bufsize, err, errsize);
}

/* Which of a code and a status given apart lead the text: the code unless
 * the text starts with it, the status unless the text holds it. */
#define LEAD_CODE 1u
#define LEAD_STATUS 2u

static unsigned lead_parts(int code, const char *status, const char *text)
{
	unsigned lp = 0;

	if (code != 0 && !(text[0] >= '2' && text[0] <= '5' && (int)strtol(text, NULL, 10) == code))
		lp |= LEAD_CODE;
	if (status[0] != '\0' && strstr(text, status) == NULL)
		lp |= LEAD_STATUS;
	return lp;
}

/* Append s[0..n) to lead (of size bytes, size > 0) at *o, as much as fits
 * with the NUL. */
static void lead_put(char *lead, size_t size, size_t *o, const char *s, size_t n)
{
	if (n > size - 1 - *o)
		n = size - 1 - *o;
	memcpy(lead + *o, s, n);
	*o += n;
}

size_t quell__reply_lead(int code, const char *status, const char *text, char *lead, size_t size)
{
	unsigned lp = lead_parts(code, status, text);
	char num[24];
	size_t o = 0, i = sizeof num;
	unsigned long v = code < 0 ? 0UL - (unsigned long)code : (unsigned long)code;

	/* by hand, not snprintf: an import calls this twice a row */
	if (size == 0)
		return 0;
	if (lp & LEAD_CODE) {
		num[--i] = ' ';
		do
			num[--i] = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		if (code < 0)
			num[--i] = '-';
		lead_put(lead, size, &o, num + i, sizeof num - i);
	}
	if (lp & LEAD_STATUS) {
		lead_put(lead, size, &o, status, strlen(status));
		lead_put(lead, size, &o, " ", 1);
	}
	lead[o] = '\0';
	return o;
}

int quell__reply_parse_parts(int code, const char *status, const char *text, char *buf,
                             size_t bufsize, struct quell__reply *out, char *err, size_t errsize)
{
	char lead[QUELL__REPLY_LEAD_MAX];
	size_t llen, len, slen;
	unsigned lp;
	struct quell__reply st;
	const char *p, *end;
	int rc;

	if (status == NULL || text == NULL)
		return begin(NULL, 1, buf, bufsize, out, err, errsize);
	lp = lead_parts(code, status, text);
	llen = quell__reply_lead(code, status, text, lead, sizeof lead);
	len = strlen(text);
	if (len > QUELL__REPLY_IN_MAX - llen) /* cut, as the whole reply would be */
		len = QUELL__REPLY_IN_MAX - llen;
	slen = strlen(status);
	if (((lp & LEAD_CODE) && (code < 200 || code > 599)) ||
	    ((lp & LEAD_STATUS) && status_at(status, status + slen, &st) != slen)) {
		/* a code or status that is none (Mailgun's 605, a word): the
		 * text's first words, as given */
		char whole[QUELL__REPLY_IN_MAX + 1];

		memcpy(whole, lead, llen);
		memcpy(whole + llen, text, len);
		return quell__reply_parse(whole, llen + len, buf, bufsize, out, err, errsize);
	}
	if (lp == 0)
		return quell__reply_parse(text, len, buf, bufsize, out, err, errsize);
	if ((rc = begin(text, len, buf, bufsize, out, err, errsize)) != 0)
		return rc;
	p = text;
	end = text + len;
	if (lp & LEAD_CODE)
		out->code = code;
	if (lp & LEAD_STATUS) {
		status_at(status, status + slen, &st);
		out->klass = st.klass;
		out->subject = st.subject;
		out->detail = st.detail;
		p = skip_status_end(p, end);
	} else /* the code's repeats, and a status, lead the text */
		p = lead_status(skip_code_repeats(p, end, code), end, out);
	return finish(p, end, out, 0, buf, bufsize, err, errsize);
}
