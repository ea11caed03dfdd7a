/*
 * record.h - inside record.c: one reply recorded within a write
 * transaction that someone else owns (quell_record's own, or a batch of the
 * importer's), and the parsed reply and job it works on (decide.c fills
 * them).  The CLI and the public header know nothing of this.
 */
#ifndef QUELL_RECORD_H
#define QUELL_RECORD_H

#include "codec.h"
#include "reply.h"
#include "rules.h"
#include "store.h"

#define COUNT_KEEP 1024 /* most failure times kept for a count */

/* A recipient and its parsed reply. */
struct quell__parsed {
	struct quell__reply reply;       /* its text valid UTF-8 (repaired) */
	char textbuf[QUELL__REPLY_IN_MAX + 1];
	char fixbuf[3 * QUELL__REPLY_IN_MAX + 1]; /* a text that had to be repaired */
	char addr[QUELL_ENTRY_MAX];
	size_t doff;
	char domain[QUELL_ENTRY_MAX];
};

/* One reply to record, with the room that recording needs.  Big (tens of
 * KiB): allocate one and reuse it. */
struct quell__job {
	struct quell__parsed p;          /* set by the caller */
	struct quell__rules *rs;         /* the rules (a reference the caller holds) */
	struct quell__rules_cache *cache; /* NULL, or what rs matched for earlier
	                                    replies of the caller's job */
	int64_t now;                     /* when the reply came */
	int source;                      /* QUELL_SOURCE_BOUNCE, _COMPLAINT or _UNSUBSCRIBE */
	const char *stream;              /* _UNSUBSCRIBE: the entry's stream; NULL none */
	const char *note;                /* NULL, or added to the event's reason */
	const char *queue_id, *message_id; /* ids that make a repeat a duplicate */
	size_t queue_id_len, message_id_len;
	char queue_kind;                 /* 'q' queue id, 'i' import row digest */
	struct quell_outcome *out;       /* filled */
	/* scratch */
	struct quell__rec rec, drec;
	unsigned char ext[8 * COUNT_KEEP];
	char idreason[QUELL_NAME_MAX + 64];
	char notebuf[512];               /* the event's reason with the note */
};

/* Record job->p's reply in the write transaction w (see quell_record). */
int quell__record_txn(quell *h, struct quell__wtxn *w, struct quell__job *job);

#endif
