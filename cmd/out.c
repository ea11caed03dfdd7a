/*
 * out.c - plain output: percent-encoding and key=value DETAIL fields, and
 * the note that a --reason was repaired to UTF-8.
 *
 * Every byte that could break a tab-separated line or reach a terminal raw
 * is written as %XX: control bytes (tab, CR, LF included), DEL, the two
 * bytes of a UTF-8 encoded C1 control (U+0080..U+009F), and any byte that
 * is not part of valid UTF-8.  Values of key=value pairs also encode space,
 * '%' and '=' so that DETAIL splits on spaces and decodes unambiguously,
 * except in the readable form for people (show on a terminal).
 *
 * Writes go through a line buffer (struct cli_line) in front of the FILE,
 * so a result line costs one stdio call: no allocation, no bound on length
 * (a longer line is flushed as it grows).
 * Write errors stay set on the FILE; main() reports them when it closes
 * stdout, so single writes are not checked here.
 */
#include <string.h>

#include "cli.h"

size_t cli_utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return c != 0;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0; /* overlong, or a surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
			return 0; /* overlong, or past U+10FFFF */
		return 4;
	}
	return 0;
}

/* How many bytes at s may be written as they are (>0), or how many must be
 * encoded (<0). */
static long classify(const unsigned char *s, enum cli_enc mode)
{
	unsigned char c = *s;
	size_t n;

	if (c < 0x20 || c == 0x7f)
		return -1;
	if (c < 0x80) {
		if (mode == CLI_ENC_VALUE && (c == ' ' || c == '%' || c == '='))
			return -1;
		return 1;
	}
	n = cli_utf8_len(s);
	if (n == 0)
		return -1;
	if (n == 2 && c == 0xc2 && s[1] < 0xa0)
		return -2; /* C1 control */
	return (long)n;
}

/* ------------------------------------------------------------- lines */

void cli_line_flush(struct cli_line *l)
{
	if (l->n > 0)
		fwrite(l->buf, 1, l->n, l->f);
	l->n = 0;
}

void cli_line_put_slow(struct cli_line *l, const char *s, size_t n)
{
	if (n > sizeof l->buf - l->n) {
		cli_line_flush(l);
		if (n > sizeof l->buf) {
			fwrite(s, 1, n, l->f);
			return;
		}
	}
	memcpy(l->buf + l->n, s, n);
	l->n += n;
}

void cli_line_enc(struct cli_line *l, const char *s, enum cli_enc mode)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s, *run = p;

	while (*p != '\0') {
		long k;

		/* printable ASCII, the bulk of every field, a byte at a time */
		while (*p > 0x20 && *p < 0x7f &&
		       (mode != CLI_ENC_VALUE || (*p != '%' && *p != '=')))
			p++;
		if (*p == '\0')
			break;
		k = classify(p, mode);

		if (k > 0) {
			p += k;
			continue;
		}
		if (p > run)
			cli_line_put(l, (const char *)run, (size_t)(p - run));
		for (; k < 0; k++, p++) {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 0xf] };
			cli_line_put(l, e, sizeof e);
		}
		run = p;
	}
	if (p > run)
		cli_line_put(l, (const char *)run, (size_t)(p - run));
}

void cli_put_enc(FILE *f, const char *s, enum cli_enc mode)
{
	struct cli_line l;

	l.f = f;
	l.n = 0;
	cli_line_enc(&l, s, mode);
	cli_line_flush(&l);
}

/* ---------------------------------------------------------- key=value */

static void out(struct cli_kv *kv, const char *s, size_t n)
{
	if (kv->line != NULL)
		cli_line_put(kv->line, s, n);
	else
		fwrite(s, 1, n, kv->f);
}

static void key(struct cli_kv *kv, const char *k)
{
	char b[40];
	size_t n = strlen(k);

	if (n + 2 > sizeof b) { /* no key is that long; keep it right anyway */
		if (kv->n++ > 0)
			out(kv, " ", 1);
		out(kv, k, n);
		out(kv, "=", 1);
		return;
	}
	b[0] = ' ';
	memcpy(b + 1, k, n);
	b[n + 1] = '=';
	if (kv->n++ > 0)
		out(kv, b, n + 2);
	else
		out(kv, b + 1, n + 1);
}

void cli_kv(struct cli_kv *kv, const char *k, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	key(kv, k);
	if (kv->line != NULL)
		cli_line_enc(kv->line, value, kv->readable ? CLI_ENC_FIELD : CLI_ENC_VALUE);
	else
		cli_put_enc(kv->f, value, kv->readable ? CLI_ENC_FIELD : CLI_ENC_VALUE);
}

void cli_kv_time(struct cli_kv *kv, const char *k, int64_t t)
{
	char buf[QUELL_TIME_MAX];

	if (t == 0)
		return;
	key(kv, k);
	quell_time_format(t, buf, sizeof buf);
	out(kv, buf, strlen(buf));
}

void cli_kv_num(struct cli_kv *kv, const char *k, uint64_t v)
{
	char buf[24];
	size_t i = sizeof buf;

	if (v == 0)
		return;
	key(kv, k);
	do
		buf[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	out(kv, buf + i, sizeof buf - i);
}

void cli_note_repaired(struct cli *cli, const char *option, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t bad = 0, n;

	if (text == NULL || cli->quiet)
		return;
	while (*p != '\0') {
		n = cli_utf8_len(p);
		bad += n == 0;
		p += n == 0 ? 1 : n;
	}
	if (bad > 0)
		cli_warn(cli, "%s: %zu byte%s not UTF-8: stored repaired (read as Latin-1 or as "
		         "U+FFFD)", option, bad, bad == 1 ? "" : "s");
}
