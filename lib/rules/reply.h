/*
 * reply.h - parse what a receiving server said (a "reply", CONTRACT.md
 * "Words") into basic code, enhanced status and text.
 *
 * Accepted forms, all of which may come with less than everything:
 *   550 5.1.1 <a@b>: Recipient address rejected: User unknown
 *   550-5.7.26 first line / 550 5.7.26 last line   (physical or flattened)
 *   smtp; 550 5.1.1 ...   X-Postfix; host not found   (DSN Diagnostic-Code,
 *   with or without the "Diagnostic-Code:" field name)
 *   550: 5.1.1 ...   550 - text   554 554 5.7.1 ...   (seen in the wild)
 *   5.1.1 user unknown   #5.1.0 Address rejected   (status without code)
 *   text alone ... (#5.1.2)   host x said: 550 5.1.1 ...   (found later)
 *
 * The text keeps what the server said, minus the leading code and status and
 * the code/status repeated on continuation lines; runs of white space and
 * control bytes are folded into one space and the ends trimmed.  Bytes are
 * not otherwise changed (invalid UTF-8 stays as it came; the rules engine
 * matches it safely).
 *
 * Pure function: no handle, no allocation, no globals; thread-safe.  This
 * module knows nothing of rules or of the database.
 */
#ifndef QUELL_REPLY_H
#define QUELL_REPLY_H

#include <stddef.h>

#include "quell.h"

/* The longest reply accepted, in bytes. */
#define QUELL__REPLY_IN_MAX 8192

struct quell__reply {
	int code;                      /* basic code 200..599, 0 if absent */
	char status[QUELL_STATUS_MAX]; /* RFC 3463 "5.1.1", "5.7.606"; "" if absent */
	int klass, subject, detail;    /* parts of status; -1 when absent */
	const char *text;              /* the text, in the caller's buf; never NULL
	                                  after success, NUL-terminated */
	size_t text_len;               /* may be 0 */
};

/*
 * Parse in[0..len) using buf[0..bufsize) for the text.  The text is never
 * longer than the input, so bufsize >= len + 1 never truncates; a smaller
 * buffer truncates the text at a UTF-8 character boundary (the code and
 * status are still found in the whole input).
 *
 * Code and status may disagree (`550 4.2.2`): both are kept as given.  When
 * the reply does not start with a status, the first one found later in the
 * text (`(#5.1.1)`, `... (5.7.1)`, `said: 550 5.1.1`) is taken, provided its
 * class agrees with the basic code if there is one; a basic code later in
 * the text is taken only when a status of its class follows it or when it
 * follows a colon ("said: 550", "talk to me: 421", "failure: 552").
 *
 * Returns 0, QUELL_EDATA with err set ("empty reply", "reply longer than
 * 8192 bytes", "reply contains a NUL byte at offset 12"), or QUELL_EINVAL
 * (NULL arguments, bufsize 0).  err may be NULL; on error *out is cleared.
 */
int quell__reply_parse(const char *in, size_t len, char *buf, size_t bufsize,
                       struct quell__reply *out, char *err, size_t errsize);

/* Room for a lead (quell__reply_lead): a code, a status, two spaces. */
#define QUELL__REPLY_LEAD_MAX (12 + QUELL_STATUS_MAX + 4)

/*
 * A reply whose basic code and enhanced status were given apart from its
 * text (a provider's export columns: Mailgun's code, SendGrid's status),
 * parsed as though they led the text: the code unless the text starts
 * with it, the status unless the text holds it (quell__reply_lead).  code
 * 0 and status "" are absent.  A given code or status that is none
 * (Mailgun's 605, a word) is read as the first words of the text.  Where
 * lead and text together pass QUELL__REPLY_IN_MAX bytes the text is cut
 * (a provider's row is taken as it is, never refused for its length).
 * status (shorter than QUELL_STATUS_MAX) and text are NUL-terminated.
 * Otherwise as quell__reply_parse.
 */
int quell__reply_parse_parts(int code, const char *status, const char *text, char *buf,
                             size_t bufsize, struct quell__reply *out, char *err, size_t errsize);

/*
 * The lead that a code and status given apart make for text ("550 ",
 * "5.1.1 ", "550 5.1.1 " or ""), written into lead (NUL-terminated, cut
 * at size; QUELL__REPLY_LEAD_MAX is enough); returns its length.  With the
 * text after it, the reply as one string: what an import row's id is
 * taken from.
 */
size_t quell__reply_lead(int code, const char *status, const char *text, char *lead, size_t size);

#endif
