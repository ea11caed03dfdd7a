/*
 * text.c - UTF-8 checking, ASCII case folding, trimming and the CSV
 * formula guard (see text.h).
 */
#include <string.h>

#include "text.h"

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
