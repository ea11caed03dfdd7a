/*
 * input.h - buffered reading of an import stream, for the readers of
 * formats.h: one fixed buffer, the byte count for progress, the line count
 * for messages, the UTF-8 byte order mark dropped, and physical lines
 * handed out in place.
 *
 * Knows nothing of formats, LMDB or rules.
 */
#ifndef QUELL_INPUT_H
#define QUELL_INPUT_H

#include <stdint.h>
#include <stdio.h>

#include "formats.h"

/* Room for two rows and then some, so a line of QUELL__ROW_MAX bytes
 * always fits after the buffer is compacted. */
#define QUELL__IN_SIZE (2 * QUELL__ROW_MAX + 8192)

struct quell__in {
	FILE *f;
	unsigned char *buf; /* QUELL__IN_SIZE + 1 bytes: a NUL fits after the data */
	size_t pos, len;    /* the unread bytes are buf[pos..len) */
	uint64_t base;      /* input offset of buf[0] */
	size_t line;        /* line number (from 1) of the byte at buf[pos] */
	int eof;            /* f has no more bytes */
	int err;            /* errno of a failed read, 0 if none */
};

/* Allocate the buffer, read the first bytes and drop a byte order mark.
 * Returns 0, QUELL_ENOMEM or QUELL_EIO. */
int quell__in_open(struct quell__in *in, FILE *f);
void quell__in_close(struct quell__in *in);

/* Make more bytes available after buf[pos..len), which moves to the front
 * of the buffer (pointers into it go stale).  Returns 1 when new bytes
 * came, 0 at the end of the input (or when the buffer is full), QUELL_EIO
 * on a read error. */
int quell__in_fill(struct quell__in *in);

/* Bytes consumed so far. */
static inline uint64_t quell__in_offset(const struct quell__in *in)
{
	return in->base + in->pos;
}

/*
 * The next physical line, without its LF or CRLF, NUL-terminated in place
 * in the buffer and valid until the next call on `in`.  Returns 1 with
 * *line and *len (which counts any NUL bytes inside), 0 at the end,
 * QUELL_EDATA for a line longer than QUELL__ROW_MAX bytes (consumed up to
 * and with its LF), QUELL_EIO.
 */
int quell__in_line(struct quell__in *in, char **line, size_t *len);

/* Consume up to and with the next LF, or to the end.  0 or QUELL_EIO. */
int quell__in_skip_line(struct quell__in *in);

/* Consume white space (space, tab, CR, LF), counting lines; 0 or
 * QUELL_EIO.  Afterwards buf[pos] is the next byte, unless at the end. */
int quell__in_skip_space(struct quell__in *in);

/* Make the first line from buf[pos] available in the buffer, without
 * consuming it (as far as it fits).  *n gets its length up to and without
 * the LF, *complete whether its end (LF or end of input) was seen.
 * 0 or QUELL_EIO. */
int quell__in_peek_line(struct quell__in *in, size_t *n, int *complete);

#endif
