/*
 * address_text.c - the text helpers that address.c (local parts,
 * mailboxes, entries) and domain.c (domains) share: UTF-8 decoding,
 * character positions and characters shown in messages, and the one-line
 * message formatter.  address_priv.h declares them.
 *
 * Positions count characters (code points) from 1; a byte that is not part
 * of valid UTF-8 counts as one.  Control characters, line separators,
 * bidirectional controls and invalid bytes are shown as \xHH, never raw.
 *
 * Knows nothing of mailbox or domain syntax, the handle or the store.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "address_priv.h"
#include "quell.h"
#include "text.h"

size_t quell__utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2 || c > 0xF4)
		return 0;
	len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (n < len)
		return 0;
	v = c & (0x7F >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

int quell__is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

size_t quell__charpos(const char *in, size_t off)
{
	size_t pos = 1, l;
	uint32_t cp;

	for (size_t i = 0; i < off; i += l, pos++) {
		l = quell__utf8_len((const unsigned char *)in + i, off - i, &cp);
		if (l == 0)
			l = 1;
	}
	return pos;
}

/* Characters that could break a message line or reorder a terminal's
 * display: line and paragraph separators, bidirectional controls. */
static int is_unsafe(uint32_t cp)
{
	return cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

void quell__showchar(const char *in, size_t len, size_t off, char *buf, size_t size)
{
	const unsigned char *u = (const unsigned char *)in + off;
	uint32_t cp;
	size_t l = quell__utf8_len(u, len - off, &cp);

	if (l == 0)
		snprintf(buf, size, "\\x%02X", u[0]);
	else if (quell__is_control(cp) || is_unsafe(cp))
		quell__show(in + off, l, SIZE_MAX, 0, buf, size);
	else
		snprintf(buf, size, "'%.*s'", (int)l, in + off);
}

static int vfail(int code, char *err, size_t errsize, const char *fmt, va_list ap)
{
	if (err != NULL && errsize > 0)
		vsnprintf(err, errsize, fmt, ap);
	return code;
}

int quell__addr_fail(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfail(QUELL_EADDRESS, err, errsize, fmt, ap);
	va_end(ap);
	return rc;
}

int quell__addr_fail_code(int code, char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfail(code, err, errsize, fmt, ap);
	va_end(ap);
	return rc;
}
