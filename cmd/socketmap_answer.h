/*
 * socketmap_answer.h - what `quell serve --socketmap` answers a Postfix
 * socketmap lookup (socketmap_table(5)): the reply to one request read by
 * socketmap_req.h, as one netstring.
 *
 * One map name is served, `transport` (transport_maps =
 * socketmap:unix:PATH:transport), so that every message Postfix routes,
 * whatever path it came in by (smtpd, sendmail/pickup, qmqpd), meets the
 * list.  For a key that is a full address (a local part, '@', a domain)
 * the verdict of quell_check() is turned into a transport:
 *
 *   verdict / template            reply
 *   suppress  "5NN X.Y.Z text"    OK error:X.Y.Z text   (bounced by error(8),
 *                                                         no delivery attempt)
 *   unsubscribe, complaint        OK error:5.7.1 text
 *   a "4NN X.Y.Z text" template   OK retry:X.Y.Z text   (deferred)
 *   REJECT text / DEFER... text   OK error:5.7.1 text / OK retry:4.7.1 text
 *   allow, backoff (DUNNO), WARN  NOTFOUND              (Postfix routes as usual)
 *   an invalid address            NOTFOUND              (not ours to judge)
 *   a database error              TEMP text of the error template
 *                                 (NOTFOUND with --fail-open)
 *
 * The texts are policyd's templates (policy_reply.h, sanitized to
 * printable ASCII): "Recipient suppressed ({category})" and so on.
 * Other keys are NOTFOUND: a domain, "@domain", ".domain" and the "*"
 * wildcard (Postfix asks a socketmap, a table of patterns, only the full
 * address of a recipient, per socketmap_table(5); its other lookups must
 * route as they would without quell).  Any other map name is a
 * configuration error, answered `PERM` (Postfix logs it and defers the
 * mail rather than delivering what it could not look up).
 *
 * Knows nothing of sockets or of how requests are read.
 */
#ifndef QUELL_SOCKETMAP_ANSWER_H
#define QUELL_SOCKETMAP_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "policy_reply.h"
#include "quell.h"
#include "socketmap_req.h"

#define SOCKETMAP_MAP "transport"           /* the map name served */
#define SOCKETMAP_BODY_MAX (POLICY_REPLY_MAX + 32) /* a reply, with its NUL */
#define SOCKETMAP_ANSWER_MAX (SOCKETMAP_BODY_MAX + 8) /* as a netstring */

/* The transport reply for a policyd action (an expanded template, or
 * DUNNO): "OK error:...", "OK retry:..." or "NOTFOUND " into out
 * (SOCKETMAP_BODY_MAX bytes).  Returns its length. */
size_t socketmap_transport(const char *action, char *out);

/* body[0..n) as a netstring into out (size bytes), NUL-terminated: its
 * length (without the NUL), or 0 when it does not fit with its NUL. */
size_t socketmap_netstring(const char *body, size_t n, char *out, size_t size);

struct socketmap_answer {
	char body[SOCKETMAP_BODY_MAX]; /* the reply, before the netstring */
	int checked;                    /* 1: the key went through quell_check */
	int failed;                     /* 1: it could not be checked (error below) */
	struct quell_result res;        /* when checked */
	char error[QUELL_ERROR_MAX];    /* why it failed */
};

/* Answer a complete request (socketmap_req_feed returned 1) as the table
 * above says; stream (may be NULL) and now as for quell_check. */
void socketmap_answer(quell *h, const struct socketmap_req *req,
                      const struct policy_reply_set *set, const char *stream, int64_t now,
                      int fail_open, struct socketmap_answer *out);

#endif
