/*
 * csv.h - RFC 4180 records from an import stream: quoted cells with ","
 * line breaks and "" inside, CRLF or LF, blank lines skipped, every buffer
 * bounded.  A record's cells are copied out, NUL-terminated, into one
 * buffer allocated once.
 *
 * Knows nothing of column names, formats, LMDB or rules.
 */
#ifndef QUELL_CSV_H
#define QUELL_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"

struct quell__csv {
	struct quell__in *in;
	char *rec;                            /* the cells, each NUL-terminated */
	size_t reclen;
	size_t nf;                            /* cells in the record */
	uint32_t off[QUELL__COLS_MAX];        /* cell i is rec + off[i] */
	uint32_t len[QUELL__COLS_MAX];
	unsigned char quoted[QUELL__COLS_MAX];/* 1: cell i was written in quotes */
	size_t line;                          /* line where the record starts */
	int nobackslash;                      /* 1: the record has no '"' and no '\\' */
};

/* Returns 0 or QUELL_ENOMEM. */
int quell__csv_init(struct quell__csv *c, struct quell__in *in);
void quell__csv_fini(struct quell__csv *c);

/*
 * Read the next record.  Returns 1 with the cells, 0 at the end,
 * QUELL_EDATA for a rejected record (err says why, c->line where it
 * starts; reading can go on), QUELL_EIO.
 *
 * Rejected: a quote inside an unquoted cell, text after a closing quote,
 * more than QUELL__COLS_MAX cells, more than QUELL__ROW_MAX bytes of cells
 * (these resume after the next LF); a NUL byte (resumes after the record);
 * a quoted cell still open at the end of the input.
 */
int quell__csv_next(struct quell__csv *c, char *err, size_t errsize);

static inline char *quell__csv_cell(const struct quell__csv *c, size_t i)
{
	return c->rec + c->off[i];
}

#endif
