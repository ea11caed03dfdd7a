/*
 * ingest.h - what the ingest subcommands (postfix-log, dsn) share: their
 * counts, the "FILE:LINE: RECIPIENT: reason" lines of unusable reports
 * (skipped, or with --strict rejected), the exit status,
 * batches of replies recorded in one transaction (quell_record_many) and
 * said in order afterwards, and the summary shaped as import's.
 *
 * Knows nothing of log lines or of bounce messages.
 */
#ifndef QUELL_CMD_INGEST_H
#define QUELL_CMD_INGEST_H

#include <signal.h>

#include "cli.h"

struct ingest_out {
	struct cli *cli;
	int verbose;                     /* print each recorded outcome */
	int strict;                      /* --strict: unusable reports are rejected */
	uint64_t read, imported, duplicates, skipped, rejected;
	uint64_t repaired;               /* recorded replies whose text was not
	                                    UTF-8 (repaired by the library) */
	uint64_t recognized;             /* lines or messages read as what was asked
	                                    (a log line, a mail message), used or not */
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

/* A batch pending and nothing more to read on fd within idle_ms (a pipe
 * from `journalctl -f`, an mbox on a pipe that stays open): write the
 * batch now, as the next read may block for long.  A wait cut by a signal
 * is taken up again unless *stop is set.  0 or an exit status. */
int ingest_flush_if_idle(struct ingest_out *o, int fd, int idle_ms,
                         const volatile sig_atomic_t *stop);

/* A report that cannot be used (a recipient quell refuses): "FILE:LINE:
 * RECIPIENT: reason" on stderr (recipient may be NULL), counted as skipped
 * and said unless -q; with --strict counted as rejected and always said. */
void ingest_unusable(struct ingest_out *o, const char *file, size_t line, const char *recipient,
                     const char *reason);

/* The exit status once the input was read: 65 after an unusable report
 * with --strict, or when `read` > 0 inputs were read and none of them was
 * what was asked (`recognized` == 0: then "WHERE: NOTHING" is said first);
 * else 0.  A log with nothing to record, or a mailbox of auto-replies, is
 * no error: cron jobs must not fail for ever on one bad line. */
int ingest_exit(struct ingest_out *o, uint64_t read, uint64_t recognized, uint64_t rejected,
                const char *where, const char *nothing);

/* "FILE: R read, I imported, 0 updated, D duplicates, S skipped, J
 * rejected[, N repaired]" on stderr unless -q (repaired as import says
 * it: only when a recorded reply's text was not UTF-8), or one JSON
 * object on stdout with --json (duplicates: replies whose id was counted
 * before, which wrote nothing).  0 or an exit status. */
int ingest_summary(struct ingest_out *o, const char *file, const char *format);

#endif
