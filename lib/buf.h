/*
 * buf.h - the one growable byte buffer used across the library, and the
 * fixed-width big/little-endian helpers of the record formats.
 *
 * A buffer that failed to grow keeps its old contents and sets `oom`, so a
 * run of appends needs one check at the end.
 */
#ifndef QUELL_BUF_H
#define QUELL_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct quell__buf {
	unsigned char *data;
	size_t len, cap;
	int oom;
};

#define QUELL__BUF_INIT { NULL, 0, 0, 0 }

int quell__buf_grow(struct quell__buf *b, size_t extra);
void quell__buf_free(struct quell__buf *b);

/* Append n bytes (and keep a NUL after them). */
static inline void quell__buf_put(struct quell__buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n + 1 > b->cap && quell__buf_grow(b, n) != 0)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void quell__buf_u8(struct quell__buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	quell__buf_put(b, &c, 1);
}

static inline void quell__be64_put(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

static inline uint64_t quell__be64_get(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void quell__buf_u16(struct quell__buf *b, unsigned v)
{
	unsigned char c[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
	quell__buf_put(b, c, 2);
}

static inline void quell__buf_u32(struct quell__buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char)v, (unsigned char)(v >> 8),
		               (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
	quell__buf_put(b, c, 4);
}

static inline void quell__buf_i64(struct quell__buf *b, int64_t v)
{
	uint64_t u = (uint64_t)v;
	unsigned char c[8];
	for (int i = 0; i < 8; i++) {
		c[i] = (unsigned char)u;
		u >>= 8;
	}
	quell__buf_put(b, c, 8);
}

#endif
