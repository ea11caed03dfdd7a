/*
 * serve_cursor.c - the cursor token of GET /v1/entries: the place a page
 * ended (quell_list_pos) as an opaque string a client hands back.
 *
 * Layout before encoding: "q1", a scope byte ('a' address, 'd' domain), a
 * list digit, the stream, NUL, the key; then base64url without padding
 * (RFC 4648 section 5), so it needs no escaping in a query string.  A
 * token is a place, not a snapshot: the next page starts right after it
 * whatever was written meanwhile (quell_list's order is total).  Decoding
 * refuses any token that encoding could not have made.  Pure; knows
 * nothing of the database.
 */
#include <string.h>

#include "serve_parse.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#define RAW_MAX (4 + QUELL_STREAM_MAX + QUELL_ENTRY_MAX)

void serve_cursor_encode(const struct quell_list_pos *pos, char *out, size_t outsize)
{
	unsigned char raw[RAW_MAX];
	size_t n = 0, o = 0, ks = strnlen(pos->key, sizeof pos->key - 1),
	       ss = strnlen(pos->stream, sizeof pos->stream - 1);

	raw[n++] = 'q';
	raw[n++] = '1';
	raw[n++] = pos->scope == QUELL_SCOPE_DOMAIN ? 'd' : 'a';
	raw[n++] = (unsigned char)('0' + (pos->list >= 0 && pos->list <= 9 ? pos->list : 0));
	memcpy(raw + n, pos->stream, ss);
	n += ss;
	raw[n++] = '\0';
	memcpy(raw + n, pos->key, ks);
	n += ks;
	for (size_t i = 0; i < n && o + 5 <= outsize; i += 3) {
		unsigned v = (unsigned)raw[i] << 16;
		size_t left = n - i;

		if (left > 1)
			v |= (unsigned)raw[i + 1] << 8;
		if (left > 2)
			v |= raw[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		if (left > 1)
			out[o++] = b64[(v >> 6) & 63];
		if (left > 2)
			out[o++] = b64[v & 63];
	}
	if (outsize > 0)
		out[o < outsize ? o : outsize - 1] = '\0';
}

static int b64val(char c)
{
	const char *p = c != '\0' ? strchr(b64, c) : NULL;

	return p != NULL ? (int)(p - b64) : -1;
}

/* base64url text into raw; the byte count, or -1.  Stray low bits of a
 * short last group are not checked here: decode re-encodes and compares. */
static long unb64(const char *t, unsigned char *raw, size_t rawsize)
{
	size_t len = strlen(t), n = 0;

	if (len % 4 == 1)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		size_t k = len - i < 4 ? len - i : 4;
		unsigned v = 0;

		for (size_t j = 0; j < 4; j++) {
			int d = j < k ? b64val(t[i + j]) : 0;

			if (d < 0)
				return -1;
			v = v << 6 | (unsigned)d;
		}
		for (size_t j = 0; j + 1 < k; j++) {
			if (n >= rawsize)
				return -1;
			raw[n++] = (unsigned char)(v >> (16 - 8 * j));
		}
	}
	return (long)n;
}

int serve_cursor_decode(const char *token, struct quell_list_pos *pos, char *err,
                        size_t errsize)
{
	unsigned char raw[RAW_MAX + 3];
	char again[SERVE_CURSOR_MAX];
	long n;
	const unsigned char *nul;

	memset(pos, 0, sizeof *pos);
	if (strlen(token) >= SERVE_CURSOR_MAX || (n = unb64(token, raw, sizeof raw)) < 5 ||
	    raw[0] != 'q' || raw[1] != '1' || (raw[2] != 'a' && raw[2] != 'd') ||
	    raw[3] < '0' || raw[3] > '3' || (nul = memchr(raw + 4, '\0', (size_t)n - 4)) == NULL)
		goto bad;
	pos->scope = raw[2] == 'd' ? QUELL_SCOPE_DOMAIN : QUELL_SCOPE_ADDRESS;
	pos->list = raw[3] - '0';
	if ((size_t)(nul - (raw + 4)) >= sizeof pos->stream ||
	    (size_t)(raw + n - (nul + 1)) >= sizeof pos->key ||
	    memchr(nul + 1, '\0', (size_t)(raw + n - (nul + 1))) != NULL)
		goto bad;
	memcpy(pos->stream, raw + 4, (size_t)(nul - (raw + 4)));
	memcpy(pos->key, nul + 1, (size_t)(raw + n - (nul + 1)));
	/* only the one spelling encoding makes (no stray low bits) */
	serve_cursor_encode(pos, again, sizeof again);
	if (strcmp(again, token) != 0)
		goto bad;
	return 0;
bad:
	memset(pos, 0, sizeof *pos);
	snprintf(err, errsize, "cursor: not a cursor this server gave");
	return -1;
}
