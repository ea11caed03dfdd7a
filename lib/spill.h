/*
 * spill.h - the importer's external sort: runs of rows, each sorted in
 * memory, written to unnamed temporary files and merged back in key order.
 *
 * An import of rows in random order touches the whole B-tree in every
 * batch when batches are sorted one by one; sorted as a whole, each batch
 * writes one narrow stretch of keys.  Memory stays one run, whatever the
 * input size; the disk holds about the input once more, and only while the
 * import runs (the files are unlinked from the start).
 *
 * Knows nothing of LMDB or of how rows are spelled in files.
 */
#ifndef QUELL_SPILL_H
#define QUELL_SPILL_H

#include <stddef.h>

#include "formats.h"

/* A row judged by the importer, with its normalized key. */
struct quell__item {
	struct quell__row row; /* row.entry is unused */
	const char *key;       /* normalized address or domain */
	size_t doff;           /* address: offset of the domain in key */
	int scope;             /* QUELL_SCOPE_* */
	int kind;              /* the importer's own */
	int reported;          /* refused while written, and reported */
};

/* Order: scope, key, then input line (so a key's rows keep file order). */
int quell__item_cmp(const void *a, const void *b);

struct quell__runs;

int quell__runs_new(struct quell__runs **out);

/* Write n items, already in order, as one run.  QUELL_EIO, QUELL_ENOMEM. */
int quell__runs_spill(struct quell__runs *r, const struct quell__item *const *items, size_t n);

/* How many runs were written. */
size_t quell__runs_count(const struct quell__runs *r);

/* The next item of all runs in order: 1 with *out set (its strings live
 * until the next call), 0 at the end, QUELL_EIO or QUELL_ENOMEM. */
int quell__runs_next(struct quell__runs *r, struct quell__item *out);

void quell__runs_free(struct quell__runs *r);

#endif
