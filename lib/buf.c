/*
 * buf.c - the growable byte buffer (see buf.h).
 */
#include <stdlib.h>

#include "buf.h"

int quell__buf_grow(struct quell__buf *b, size_t extra)
{
	size_t want, cap;
	unsigned char *p;

	if (b->oom)
		return -1;
	if (extra > SIZE_MAX - b->len - 1) {
		b->oom = 1;
		return -1;
	}
	want = b->len + extra + 1; /* room for a terminating NUL */
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	p = realloc(b->data, cap);
	if (p == NULL) {
		b->oom = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void quell__buf_free(struct quell__buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}
