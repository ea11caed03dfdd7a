/*
 * jsonscan.h - the elements of one array inside a whole JSON document,
 * one at a time, without holding the document: the scanner walks the
 * top-level object to the array named by one of a few member names (or
 * takes a document that is an array itself), then hands out each
 * element's bytes (for json_loadb) in a bounded buffer.
 *
 * The scanner checks structure only where it needs to (between members
 * and between elements); what an element means is for the JSON parser.
 *
 * Knows nothing of formats, LMDB or rules.
 */
#ifndef QUELL_JSONSCAN_H
#define QUELL_JSONSCAN_H

#include <stddef.h>

#include "input.h"

struct quell__jscan {
	struct quell__in *in;
	unsigned char *el; /* the element's bytes (QUELL__ROW_MAX + 1) */
	size_t ellen;
	size_t line;       /* line where the element (or a problem) starts */
	int state;         /* see jsonscan.c */
};

/* Returns 0 or QUELL_ENOMEM. */
int quell__jscan_init(struct quell__jscan *s, struct quell__in *in);
void quell__jscan_fini(struct quell__jscan *s);

/*
 * Read the document up to the array that is the value of the first
 * top-level member named one of keys[0..nkeys) (ASCII case ignored);
 * members before it are skipped without being kept.  Returns the index of
 * the name found, QUELL_EDATA (err says what, s->line where) or QUELL_EIO.
 */
int quell__jscan_find(struct quell__jscan *s, const char *const *keys, size_t nkeys,
                      char *err, size_t errsize);

/*
 * The document is the array itself (`[{...},{...}]`, as SendGrid's API
 * returns its suppressions): read its opening bracket.  Returns 0,
 * QUELL_EDATA (not an array) or QUELL_EIO.
 */
int quell__jscan_array(struct quell__jscan *s, char *err, size_t errsize);

/*
 * The next element: 1 with s->el[0..ellen) (NUL-terminated) and s->line,
 * 0 after the last one, QUELL_EDATA (err, s->line) for an element longer
 * than QUELL__ROW_MAX bytes (reading goes on) or a broken structure (the
 * array ends there), QUELL_EIO.
 */
int quell__jscan_next(struct quell__jscan *s, char *err, size_t errsize);

#endif
