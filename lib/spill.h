/*
 * spill.h - the importer's packed rows and its external sort: runs of
 * packed rows, each sorted in memory, written to unnamed temporary files
 * and merged back in key order.
 *
 * A row judged by the importer is packed into a few bytes (varints, and
 * only the fields it has): a plain address costs its key and about eight
 * bytes more, so a run holds many rows and the files stay small.  Runs
 * are sorted through slots, an 8-byte key prefix beside a pointer, so most
 * comparisons never leave the slot array.
 *
 * An import of rows in random order touches the whole B-tree in every
 * batch when batches are sorted one by one; sorted as a whole, each batch
 * writes one narrow stretch of keys.  Memory stays one run, whatever the
 * input size; the disk holds the packed rows once, and only while the
 * import runs (the files are unlinked from the start).
 *
 * Knows nothing of LMDB or of how rows are spelled in files.
 */
#ifndef QUELL_SPILL_H
#define QUELL_SPILL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "formats.h"

/* A row judged by the importer, with its normalized key. */
struct quell__item {
	struct quell__row row; /* row.entry is unused */
	const char *key;       /* normalized address or domain */
	size_t doff;           /* address: offset of the domain in key */
	int scope;             /* QUELL_SCOPE_* */
	int kind;              /* the importer's own (0..3) */
	int reported;          /* refused while written, and reported */
};

/* The most bytes a packed row's body may have (a row's strings are
 * bounded). */
#define QUELL__PACKED_MAX (8u * QUELL__ROW_MAX + 1024)

/* pack.c: append the packed form of it to b (b->oom when out of memory). */
void quell__item_pack(struct quell__buf *b, const struct quell__item *it);

/* Bytes of the packed row at p (its length prefix included); 0 if p does
 * not start with a valid length. */
size_t quell__packed_size(const unsigned char *p, size_t avail);

/* Unpack: it's strings point into p, which must outlive it.  0, or -1 for
 * bytes that are not a packed row. */
int quell__item_unpack(struct quell__item *it, const unsigned char *p, size_t len);

/* A packed row in a sort: order is scope, key, then input line (so a
 * key's rows keep file order). */
struct quell__slot {
	uint64_t pfx;             /* scope and the key's first 7 bytes */
	const unsigned char *rec; /* the packed row */
};

/* The slot of the whole packed row at rec (its length prefix says how far
 * it may be read). */
struct quell__slot quell__slot_of(const unsigned char *rec);

/* Sort s[0..n) using tmp[0..n) as scratch. */
void quell__slots_sort(struct quell__slot *s, struct quell__slot *tmp, size_t n);

struct quell__runs;

int quell__runs_new(struct quell__runs **out);

/* Write n packed rows, already in order, as one run: an unlinked file in
 * $TMPDIR (else /tmp).  QUELL_EIO or QUELL_ENOMEM, quell__runs_error
 * saying what failed. */
int quell__runs_spill(struct quell__runs *r, const struct quell__slot *s, size_t n);

/* The last failure of a runs call, one line naming the directory and the
 * system's error: "temporary file in /tmp: write error: No space left on
 * device".  Lives as long as r. */
const char *quell__runs_error(const struct quell__runs *r);

/* How many runs were written. */
size_t quell__runs_count(const struct quell__runs *r);

/* The next packed row of all runs in order: 1 with *rec and *len set (the
 * bytes live until the next call; only what the order reads, the scope,
 * key and line, is checked here: quell__item_unpack checks the rest), 0 at
 * the end, QUELL_EIO or QUELL_ENOMEM
 * (quell__runs_error says what failed). */
int quell__runs_next(struct quell__runs *r, const unsigned char **rec, size_t *len);

void quell__runs_free(struct quell__runs *r);

#endif
