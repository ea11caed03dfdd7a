/*
 * readers.h - what the readers of formats.h share: the reader itself, the
 * named values of one input record (a CSV row or a JSON object), and the
 * table that describes each format's columns and how its values become a
 * row.  readers.c drives the shapes (lines, CSV, JSON Lines, a JSON
 * document); the mappers (native.c, sendgrid.c, mailgun.c, ses.c, postmark.c) map values to rows.
 *
 * Knows nothing of LMDB, rules or address normalization.
 */
#ifndef QUELL_READERS_H
#define QUELL_READERS_H

#include <jansson.h>

#include "csv.h"
#include "formats.h"
#include "input.h"
#include "jsonscan.h"

#define QUELL__SLOTS_MAX 20 /* named values a format reads */
/* Room for the repaired texts of one record: each byte may become three. */
#define QUELL__FIX_MAX (3 * QUELL__ROW_MAX + QUELL__COLS_MAX + 1)

/* One named value of a record.  Strings are NUL-terminated and may be
 * modified in place by the mapper (they live in the reader's buffers),
 * except those of JSON (V_JSTR). */
enum { V_NONE = 0, V_STR, V_JSTR, V_INT, V_REAL, V_OTHER };
struct quell__val {
	int type;       /* V_NONE: absent, empty or null */
	char *s;        /* V_STR, V_JSTR (then read-only) */
	size_t len;
	int64_t i;      /* V_INT */
	double d;       /* V_REAL */
	const char *name; /* the column or key as written, for messages */
};

/* A column name (lower case) and the slot it fills; several names may
 * fill one slot. */
struct quell__col {
	const char *name;
	int slot;
};

struct quell__reader;

/* A format's columns and mapping. */
struct quell__fmt {
	const char *name;
	const struct quell__col *cols; /* ends with { NULL, 0 } */
	int nslots;
	int entry_slot;                /* the slot that must be present */
	/* quell's csv: undo the cell escapes and the formula quote */
	int quell_cells;
	/* After the header (CSV) or the first object (JSON): decide the kind
	 * from which slots exist (present[]) and r->filename.  Sets r->kind
	 * and r->kindname; returns 0, or QUELL_EDATA with err set. */
	int (*start)(struct quell__reader *r, const int *present, char *err, size_t errsize);
	/* Fill row (already zeroed, strings "") from v[]: 1 with a row,
	 * QUELL_EDATA with err set. */
	int (*map)(struct quell__reader *r, struct quell__val *v, struct quell__row *row, char *err,
	           size_t errsize);
	/* Slots of free text (a reply, a reason: 1u << slot): not valid UTF-8
	 * there is repaired (text.h), never a reason to reject the row. */
	unsigned text_slots;
};

extern const struct quell__fmt quell__fmt_plain, quell__fmt_csv, quell__fmt_jsonl,
	quell__fmt_sendgrid, quell__fmt_mailgun, quell__fmt_ses, quell__fmt_postmark;

enum { SHAPE_LINES = 1, SHAPE_CSV, SHAPE_JSONL, SHAPE_JSONDOC };

struct quell__reader {
	const struct quell__fmt *fmt;
	int shape;
	const char *filename;     /* for messages and kind hints; never NULL */
	int kind;                 /* the format's own number */
	const char *kindname;     /* "" or a static name */
	struct quell__in in;
	struct quell__csv csv;
	struct quell__jscan js;
	int csv_ok, js_ok;
	int header;               /* CSV: 1 when the first line is a header */
	int need_start;           /* JSON document: the kind is told by the
	                             first element's keys (fmt->start) */
	size_t ncols;             /* CSV: cells per row the header says */
	int colslot[QUELL__COLS_MAX]; /* CSV: slot of column i, or -1 */
	char colname[QUELL__COLS_MAX][32]; /* CSV: names of the used columns */
	json_t *json;             /* the current JSON record, or NULL */
	struct quell__val v[QUELL__SLOTS_MAX];
	char *ebuf;               /* a trimmed JSON entry (QUELL__ROW_MAX + 1) */
	char *fix;                /* repaired texts of the current record
	                             (QUELL__FIX_MAX), allocated when needed */
	size_t fixlen;
	/* rows still to come from one record (Mailgun tags) */
	int pending;
	struct quell__row prow;
	char *pnext;
};

/* Tell the format (want, or detect it) and get ready to read rows
 * (detect.c).  0, or an error with err "FILE:LINE: ...". */
int quell__reader_detect(struct quell__reader *r, const struct quell__fmt *want, char *err,
                         size_t errsize);

/* Set err to "FILE: read error: ..." and return QUELL_EIO
 * (detect.c). */
int quell__reader_ioerr(const struct quell__reader *r, char *err, size_t errsize);

/* --- helpers for the mappers (values.c) --------------------------- */


/* The string of v ("" when absent), or QUELL_EDATA when v is a number or
 * another JSON type. */
int quell__val_str(const struct quell__val *v, const char **out, char *err, size_t errsize);

/* A time (see quell__time_parse_any; JSON numbers are Unix seconds); 0
 * when absent.  QUELL_EDATA with a message naming the column. */
int quell__val_time(const struct quell__val *v, int64_t *t, char *err, size_t errsize);

/* A whole number in [0, max]; 0 when absent. */
int quell__val_uint(const struct quell__val *v, uint64_t max, uint64_t *out, char *err,
                    size_t errsize);

/* Whether v is a string equal to w ignoring ASCII case and white space. */
int quell__val_is(const struct quell__val *v, const char *w);

/* Set row->entry from v (trimmed; required).  QUELL_EDATA when absent. */
int quell__val_entry(struct quell__reader *r, struct quell__val *v, struct quell__row *row,
                     char *err, size_t errsize);

/* A message naming the value: "bad 'created' value 'x'". */
int quell__val_bad(const struct quell__val *v, const char *what, char *err, size_t errsize);

/* Whether the letters and digits of r->filename's base name hold word
 * (lower case letters and digits; ASCII case ignored). */
int quell__name_hints(const struct quell__reader *r, const char *word);

/* Set row->has from the fields that are not empty or 0 (providers). */
void quell__row_mark(struct quell__row *row);

/* quell's csv: drop the formula quote of a quoted cell and undo the
 * escapes (formats.h), in place.  Returns the cell's new start, *len its
 * length; *hex is 1 when a \xHH escape was undone (the result may need a
 * new UTF-8 check). */
char *quell__cell_decode(char *s, size_t *len, int quoted, int *hex);

/* Whether text reads as an SMTP reply: "550 ...", "5.7.1 ...", "smtp;". */
int quell__looks_like_reply(const char *text);

#endif
