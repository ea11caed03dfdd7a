/*
 * dsn.h - what the two halves of the bounce reader share.  dsn.c walks
 * the MIME structure and reads RFC 3464 and RFC 5965 fields; dsn_text.c
 * reads bounces written for people: where the returned message starts,
 * which addresses are the failed recipients, which text belongs to each,
 * and whether a message without a report part is a bounce at all.
 *
 * Texts are byte ranges with LF line ends (mime.h made them so).  Pure
 * functions: no allocation, no globals; thread-safe.  Knows nothing of
 * rules or of the database.
 */
#ifndef QUELL_DSN_H
#define QUELL_DSN_H

#include <stddef.h>

#include "quell.h"

#define QUELL__DSN_TEXT_RCPTS 100 /* recipients taken from a text */
#define QUELL__DSN_WHO_MAX 16     /* addresses that are not recipients */
#define QUELL__DSN_ADDR_MAX 256

/* Addresses the text may name that are not failed recipients: the
 * bounce's From, To, Sender, Reply-To, Return-Path, the original's From,
 * Sender and Return-Path.  Lowercase. */
struct quell__dsn_who {
	char addr[QUELL__DSN_WHO_MAX][QUELL__DSN_ADDR_MAX];
	size_t n;
	char from_domain[QUELL__DSN_ADDR_MAX]; /* postmaster@ this is the reporter */
};

/* One recipient found in a text, and the text about it. */
struct quell__dsn_hit {
	char addr[QUELL__DSN_ADDR_MAX];
	const char *text;
	size_t len;
};

/* Add every address in the header value v (a list, with display names and
 * comments) to who. */
void quell__dsn_who_add(struct quell__dsn_who *who, const char *v);

/* The first address in v (`Name <a@b>`, `a@b (comment)`, `rfc822; a@b`)
 * into out, without angle brackets; 0, or -1 when v holds none. */
int quell__dsn_addr(const char *v, char *out, size_t outsize);

/* Where the copy of the returned message starts in a bounce written for
 * people (a line such as "----- Original message -----", "Message headers
 * follow.", or a Received: header); n when it has none. */
size_t quell__dsn_text_cut(const char *t, size_t n);

/*
 * The failed recipients of the text t[0..n) (already cut), at most max,
 * each with the text about it: from the first line that names it to the
 * line before the next one that names another recipient (at most 4 KiB).
 * `listed` (may be NULL or ""), a comma-separated list such as
 * X-Failed-Recipients, names the recipients when given; else addresses
 * that start a line (after white space and '<') are preferred to those
 * inside sentences.  Addresses in `who` are never recipients.  Returns the
 * number of hits.
 */
size_t quell__dsn_text_scan(const char *t, size_t n, const char *listed,
                            const struct quell__dsn_who *who, struct quell__dsn_hit *hits,
                            size_t max);

/* The text about addr in t[0..n) (as quell__dsn_text_scan gives it), or
 * 0 when t does not name addr. */
int quell__dsn_text_about(const char *t, size_t n, const char *addr, const char **text,
                          size_t *len);

/* Whether a message that carries no report part is a bounce: judged from
 * its From and (decoded) Subject, and whether it has X-Failed-Recipients. */
int quell__dsn_looks_bounce(const char *from, const char *subject, int xfailed);

/* Whether a text holds a line that starts with an SMTP reply about a
 * mailbox ("550 5.1.1 ...", "550 - Requested action not taken: no such
 * user here"): a bounce, whatever its From and Subject say. */
int quell__dsn_text_replies(const char *t, size_t n);

/* The last such reply line in t[0..n), with the lines of the same code
 * around it that make one multi-line reply: its start and length, or 0
 * when there is none. */
int quell__dsn_text_last_reply(const char *t, size_t n, size_t *start, size_t *len);

/* A text forwarded as a quotation (most lines start with '>'): one level
 * of quoting removed in place.  Returns the new length (n when the text is
 * not such a quotation). */
size_t quell__dsn_unquote(char *t, size_t n);

/* Whether its Subject says it is an abuse complaint ("complaint about
 * message from ...", "abuse report"). */
int quell__dsn_looks_complaint(const char *subject);

/* in[0..n) as reply text into out: valid UTF-8 only (other bytes, and
 * ISO-2022 escape sequences with the text they shift, dropped), control
 * bytes made spaces, runs of white space one space, trimmed, cut at a
 * character boundary to fit outsize.  Returns the length. */
size_t quell__dsn_clean(char *out, size_t outsize, const char *in, size_t n);

#endif
