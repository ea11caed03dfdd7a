/*
 * ingest.h - what the ingest subcommands (postfix-log, dsn) share: their
 * counts, the "FILE:LINE: RECIPIENT: reason" lines of refused reports,
 * batches of replies recorded in one transaction (quell_record_many) and
 * said in order afterwards, and the summary shaped as import's.
 *
 * Knows nothing of log lines or of bounce messages.
 */
#ifndef QUELL_CMD_INGEST_H
#define QUELL_CMD_INGEST_H

#include "cli.h"

struct ingest_out {
	struct cli *cli;
	int verbose;                     /* print each recorded outcome */
	uint64_t read, imported, duplicates, skipped, rejected;
	struct quell_record_item *items; /* the batch: items[0..n) */
	const char **files;              /* where each item's report is: file ... */
	size_t *lines;                   /* ... and line */
	size_t n, cap;
};

/* Room for batches of cap replies.  0, or an exit status (out of memory). */
int ingest_out_init(struct ingest_out *o, struct cli *cli, size_t cap);
void ingest_out_free(struct ingest_out *o);

/* The next item of the batch, zeroed, for a report at file:line; the
 * caller fills address, reply and opts (which, and file, must live until
 * the batch is written), then calls ingest_added. */
struct quell_record_item *ingest_next(struct ingest_out *o, const char *file, size_t line);
/* Count the item ingest_next gave; writes the batch when it is full.  0 or
 * an exit status. */
int ingest_added(struct ingest_out *o);

/* Record the batch in one transaction, then count and say what each item
 * did, in order.  0 or an exit status (a database error, named after the
 * batch's last file: nothing of the batch was written). */
int ingest_flush(struct ingest_out *o);

/* A refused report: "FILE:LINE: RECIPIENT: reason" on stderr (recipient
 * may be NULL), counted as rejected. */
void ingest_reject(struct ingest_out *o, const char *file, size_t line, const char *recipient,
                   const char *reason);

/* "FILE: R read, I imported, 0 updated, D duplicates, S skipped, J
 * rejected" on stderr unless -q, or one JSON object on stdout with --json
 * (duplicates: replies whose id was counted before, which wrote nothing).
 * 0 or an exit status. */
int ingest_summary(struct ingest_out *o, const char *file, const char *format);

#endif
