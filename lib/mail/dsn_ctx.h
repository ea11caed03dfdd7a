/*
 * dsn_ctx.h - the state of one quell_dsn_parse, shared by dsn.c (the MIME
 * walk, text bounces, the entry point) and dsn_fields.c (the fields of
 * delivery-status and feedback-report parts), and the helpers both use to
 * build and hand out reports (dsn_report.c).
 *
 * Knows nothing of rules or of the database.
 */
#ifndef QUELL_DSN_CTX_H
#define QUELL_DSN_CTX_H

#include <stdint.h>

#include "dsn.h"
#include "reply.h"

#define QUELL__DSN_STATUS_PARTS 4 /* delivery-status parts read */
#define QUELL__DSN_HDR_MAX 1024   /* a header field kept whole */

/* A part of the message, in the work buffer (writable: texts are unquoted
 * in place). */
struct quell__dsn_span {
	char *p;
	size_t n;
};

/* One parse: the message, what the walk found in it, the report being
 * built, and the caller's callback. */
struct quell__dsn_ctx {
	char *buf;             /* the message [0..n), decoded parts after it */
	size_t n, dlen;        /* message length; decoded bytes used */
	int parts;
	int report;            /* a multipart/report was seen */
	struct quell__dsn_span text;      /* first text/plain, else first text/html (made text) */
	int text_html;
	struct quell__dsn_span status[QUELL__DSN_STATUS_PARTS];
	size_t nstatus;
	struct quell__dsn_span feedback;  /* message/feedback-report */
	struct quell__dsn_span orig;      /* header of the returned message */
	char from[QUELL__DSN_HDR_MAX], to[QUELL__DSN_HDR_MAX];
	char subject[QUELL__DSN_HDR_MAX], date[QUELL__DSN_HDR_MAX];
	char msgid[QUELL_DSN_MSGID_MAX], xfailed[QUELL__DSN_HDR_MAX];
	char orig_msgid[QUELL_DSN_MSGID_MAX];
	struct quell__dsn_who who;
	struct quell__dsn_hit hits[QUELL__DSN_TEXT_RCPTS];
	uint64_t body_digest;  /* of the message's body, for reports without a time */
	struct quell_dsn_report rep;
	quell_dsn_cb fn;
	void *arg;
	size_t count;
	int stop; /* fn's non-zero return */
};


/* One block of a delivery-status part (its per-recipient fields). */
struct quell__dsn_block {
	char final[QUELL_DSN_RCPT_MAX], orig[QUELL_DSN_RCPT_MAX], actual[QUELL_DSN_RCPT_MAX];
	char action[64], status[64], diag[QUELL__REPLY_IN_MAX], last[128];
};

/* Hand the report being built to fn (filling its message id and digest);
 * 1 when the parse must stop (fn said so, or the report limit is reached). */
int quell__dsn_emit(struct quell__dsn_ctx *c);

/* Start a new report at time t. */
void quell__dsn_rep_reset(struct quell__dsn_ctx *c, int64_t t);

/* A date field's time, or 0 when it does not parse. */
int64_t quell__dsn_when(const char *v);

/* Whether a reply text carries a basic code or an enhanced status. */
int quell__dsn_has_code(const char *s, size_t n);

/* "STATUS TEXT" (either may be empty) as the report's reply, the text
 * cleaned (quell__dsn_clean). */
void quell__dsn_reply(struct quell__dsn_ctx *c, const char *status, const char *text, size_t n);

/* A text that is an Amazon SES notification mailed by SNS (dsn_ses.c):
 * 1 when it was one (its recipients reported), else 0. */
int quell__dsn_ses(struct quell__dsn_ctx *c, struct quell__dsn_span t);

/* Read a delivery-status part into reports; 1 when fn stopped the parse. */
int quell__dsn_status_part(struct quell__dsn_ctx *c, struct quell__dsn_span s,
                           struct quell__dsn_block *b);

/* Complaints from a feedback-report part f (f.p NULL: none, the returned
 * message's recipient); 1 when fn stopped the parse. */
int quell__dsn_complaints(struct quell__dsn_ctx *c, struct quell__dsn_span f);

#endif
