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

/* Spelled out byte by byte: compilers make one swapped 8-byte store or
 * load of it (a loop they left a loop: the history and change feed keys
 * of an import row take four). */
static inline void quell__be64_put(unsigned char *p, uint64_t v)
{
	p[0] = (unsigned char)(v >> 56);
	p[1] = (unsigned char)(v >> 48);
	p[2] = (unsigned char)(v >> 40);
	p[3] = (unsigned char)(v >> 32);
	p[4] = (unsigned char)(v >> 24);
	p[5] = (unsigned char)(v >> 16);
	p[6] = (unsigned char)(v >> 8);
	p[7] = (unsigned char)v;
}

static inline uint64_t quell__be64_get(const unsigned char *p)
{
	return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
	       (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
	       (uint64_t)p[6] << 8 | (uint64_t)p[7];
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

/* Unsigned LEB128: 7 bits a byte, low first; 1 byte under 128. */
static inline void quell__buf_varint(struct quell__buf *b, uint64_t v)
{
	unsigned char c[10];
	size_t n = 0;

	while (v >= 0x80) {
		c[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	c[n++] = (unsigned char)v;
	quell__buf_put(b, c, n);
}

/* Signed values as varints: 0, -1, 1, -2 ... as 0, 1, 2, 3 ... */
static inline uint64_t quell__zigzag(int64_t v)
{
	return v < 0 ? ~((uint64_t)v << 1) : (uint64_t)v << 1;
}

static inline int64_t quell__unzigzag(uint64_t u)
{
	return (u & 1) ? (int64_t)~(u >> 1) : (int64_t)(u >> 1);
}

/* s[0..n) and a NUL after it, so that a reader can point into the bytes. */
static inline void quell__buf_cstr(struct quell__buf *b, const char *s, size_t n)
{
	quell__buf_put(b, s, n);
	quell__buf_u8(b, 0);
}

#endif
