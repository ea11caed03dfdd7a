/*
 * text.c - UTF-8 checking and repair, ASCII case folding, trimming, the
 * CSV formula guard, and bytes shown in messages (see text.h).
 */
#include <stdio.h>
#include <string.h>

#include "text.h"

void quell__show(const char *s, size_t n, size_t max, int flags, char *buf, size_t size)
{
	size_t o = 0, i = 0, ok = flags & QUELL__SHOW_UTF8 ? quell__utf8_check(s, n) : 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t l = 1;
		int raw = c >= 0x20 && c < 0x7f && !(c == '\\' && (flags & QUELL__SHOW_UTF8));

		if (i < ok && c >= 0xc0) { /* a valid character, taken whole */
			while (i + l < n && ((unsigned char)s[i + l] & 0xc0) == 0x80)
				l++;
			raw = 1;
		}
		if (i >= max || o + (raw ? l : 4) + 4 > size) { /* room for "..." and NUL */
			if (o + 4 <= size) {
				memcpy(buf + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (raw) {
			memcpy(buf + o, s + i, l);
			o += l;
		} else {
			o += (size_t)snprintf(buf + o, size - o, "\\x%02X", c);
		}
		i += l;
	}
	buf[o < size ? o : size - 1] = '\0';
}

size_t quell__utf8_check(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len, k;
		uint32_t v;

		if (c < 0x80) {
			/* ASCII runs go eight bytes at a time */
			while (i + 8 <= n) {
				uint64_t w;
				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080u)
					break;
				i += 8;
			}
			while (i < n && s[i] < 0x80)
				i++;
			continue;
		}
		if (c < 0xC2 || c > 0xF4)
			return i;
		len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		if (n - i < len)
			return i;
		v = c & (0x7Fu >> len);
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			v = v << 6 | (s[i + k] & 0x3Fu);
		}
		if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
		    (v >= 0xD800 && v <= 0xDFFF))
			return i;
		i += len;
	}
	return n;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

int quell__ieq(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (w[i] == '\0')
			return 0;
		if (s[i] != w[i] && lower((unsigned char)s[i]) != lower((unsigned char)w[i]))
			return 0;
	}
	return w[i] == '\0';
}

static int space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *quell__trim(const char *s, size_t *n)
{
	size_t len = *n;

	while (len > 0 && space(*s)) {
		s++;
		len--;
	}
	while (len > 0 && space(s[len - 1]))
		len--;
	*n = len;
	return s;
}

int quell__csv_formula(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] == '\'')
		i++;
	while (i < n && s[i] == ' ')
		i++;
	return i < n && (s[i] == '=' || s[i] == '+' || s[i] == '-' || s[i] == '@');
}

/* The length of the valid UTF-8 sequence at s[0..n), or 0. */
static size_t valid_seq(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;

	if (len > n || quell__utf8_check((const char *)s, len) != len)
		return 0;
	return len;
}

/* Whether s[0..n), which is not valid UTF-8, reads as Latin-1: no valid
 * multi-byte sequence in it, and no byte 0x80..0x9F (C1 controls there,
 * printable in no Latin-1 text). */
static int latin1(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x80)
			continue;
		if (s[i] < 0xA0 || valid_seq(s + i, n - i) > 1)
			return 0;
	}
	return 1;
}

size_t quell__utf8_repair(const char *str, size_t n, char *out, size_t size, int flags,
                          int *changed)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, o = 0, ok;
	int l1;

	if (changed != NULL)
		*changed = 0;
	if (size == 0)
		return 0;
	ok = quell__utf8_check(str, n);
	l1 = ok < n && !(flags & QUELL__REPAIR_NO_LATIN1) && latin1(s, n);
	if (ok < n && changed != NULL)
		*changed = 1;
	while (i < n) {
		unsigned char c[4];
		const unsigned char *p = s + i;
		size_t len = valid_seq(s + i, n - i), take = len;

		if (len == 0) { /* a byte that starts no valid sequence */
			take = 1;
			if (l1) {
				c[0] = (unsigned char)(0xC0 | s[i] >> 6);
				c[1] = (unsigned char)(0x80 | (s[i] & 0x3F));
				len = 2;
			} else {
				memcpy(c, "\xEF\xBF\xBD", 3);
				len = 3;
			}
			p = c;
		}
		if (o + len + 1 > size)
			break;
		memcpy(out + o, p, len);
		o += len;
		i += take;
	}
	out[o] = '\0';
	return o;
}

size_t quell__utf8_clip(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	len = max;
	/* back off continuation bytes so no sequence is cut */
	while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	return len;
}

void quell__copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	n = quell__utf8_clip(src, n, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}
