/*
 * arena.c - the string arena of arena.h.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define CHUNK (1u << 20)

/* Strings of one batch: chunks that are never moved, reused batch after
 * batch. */
const void *quell__arena_copy(struct quell__arena *a, const void *p, size_t n)
{
	struct quell__chunk *c = a->cur;

	while (c != NULL && c->size - c->used < n)
		c = c->next;
	if (c == NULL) {
		size_t size = n > CHUNK ? n : CHUNK;
		c = malloc(sizeof *c + size);
		if (c == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	a->cur = c;
	memcpy(c->data + c->used, p, n);
	c->used += n;
	a->bytes += n;
	return c->data + c->used - n;
}

const char *quell__arena_dup(struct quell__arena *a, const char *s)
{
	size_t n = strlen(s) + 1;

	return n == 1 ? "" : quell__arena_copy(a, s, n);
}

void quell__arena_reset(struct quell__arena *a)
{
	for (struct quell__chunk *c = a->head; c != NULL; c = c->next)
		c->used = 0;
	a->cur = a->head;
	a->bytes = 0;
}

void quell__arena_free(struct quell__arena *a)
{
	while (a->head != NULL) {
		struct quell__chunk *n = a->head->next;
		free(a->head);
		a->head = n;
	}
	a->cur = NULL;
}
