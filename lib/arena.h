/*
 * arena.h - strings (and packed rows) copied into chunks that never move, freed all at once:
 * the importer keeps a run's and a batch's strings here, and reuses the
 * chunks from one to the next.
 */
#ifndef QUELL_ARENA_H
#define QUELL_ARENA_H

#include <stddef.h>

struct quell__chunk {
	struct quell__chunk *next;
	size_t used, size;
	char data[];
};

struct quell__arena {
	struct quell__chunk *head, *cur;
	size_t bytes;
};

/* A copy of s in the arena ("" is not copied), or NULL when out of memory. */
const char *quell__arena_dup(struct quell__arena *a, const char *s);
/* A copy of p[0..n) (n > 0) in the arena, or NULL when out of memory. */
const void *quell__arena_copy(struct quell__arena *a, const void *p, size_t n);
/* Forget every string, keep the chunks. */
void quell__arena_reset(struct quell__arena *a);
/* Free the chunks. */
void quell__arena_free(struct quell__arena *a);

#endif
