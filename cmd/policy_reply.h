/*
 * policy_reply.h - what `quell policyd` answers a Postfix policy request:
 * the reply templates per verdict, source and category, their checking,
 * their expansion with sanitized database text, and the answer to one
 * request through quell_check().
 *
 * Templates (one per key; `quell policyd --reply KEY=TEMPLATE`):
 *
 *   key                  default
 *   suppress             550 5.1.1 Recipient suppressed ({category})
 *   suppress:CATEGORY    (suppress)
 *   unsubscribe          550 5.7.1 Recipient opted out ({source})
 *   complaint            550 5.7.1 Recipient opted out ({source})
 *   backoff              DUNNO (Postfix queues and retries on its own;
 *                        to defer: 450 4.2.1 Recipient deferred ({category})
 *                        until {until})
 *   backoff:CATEGORY     (backoff)
 *   error                451 4.3.0 Suppression list unavailable
 *
 * A template is a Postfix access action: `4NN|5NN [X.Y.Z] TEXT` (the
 * enhanced status, if given, in the code's class), `REJECT [TEXT]`,
 * `DEFER [TEXT]`, `DEFER_IF_PERMIT [TEXT]`, `DEFER_IF_REJECT [TEXT]`,
 * `WARN [TEXT]` or `DUNNO`.  Never OK or another action that accepts or
 * reroutes mail.  The text is printable ASCII; in it {category},
 * {source}, {rule}, {scope}, {key}, {since}, {until} and {reply} stand
 * for the deciding entry's fields ("-" when empty), with every byte that
 * is not printable ASCII made '?' (a UTF-8 character gives one '?') and
 * each value cut at POLICY_REPLY_FIELD_MAX bytes; `{{` is a '{'.  The
 * error template takes no fields.  The whole action is cut at
 * POLICY_REPLY_MAX - 1 bytes.
 *
 * Knows nothing of sockets or of how requests are read.
 */
#ifndef QUELL_POLICY_REPLY_H
#define QUELL_POLICY_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "policy_req.h"
#include "quell.h"

#define POLICY_REPLY_MAX 256        /* an action, with its NUL */
#define POLICY_REPLY_TMPL_MAX 200   /* a template as given, without NUL */
#define POLICY_REPLY_FIELD_MAX 80   /* one expanded {field} */
#define POLICY_REPLY_CATS_MAX 32    /* suppress:CATEGORY and backoff:CATEGORY keys */

enum policy_reply_kind {
	POLICY_REPLY_SUPPRESS,
	POLICY_REPLY_UNSUBSCRIBE,
	POLICY_REPLY_COMPLAINT,
	POLICY_REPLY_BACKOFF,
	POLICY_REPLY_ERROR,
	POLICY_REPLY_NKINDS
};

struct policy_reply_set {
	char tmpl[POLICY_REPLY_NKINDS][POLICY_REPLY_TMPL_MAX + 1];
	size_t ncats;
	struct {
		int kind; /* SUPPRESS or BACKOFF */
		char category[QUELL_NAME_MAX];
		char tmpl[POLICY_REPLY_TMPL_MAX + 1];
	} cat[POLICY_REPLY_CATS_MAX];
};

/* The defaults above. */
void policy_reply_init(struct policy_reply_set *s);

/* Set one template from "KEY=TEMPLATE" (a key given twice: the last
 * wins).  0, or QUELL_EINVAL with a one-line reason in err. */
int policy_reply_set(struct policy_reply_set *s, const char *spec, char *err,
                     size_t errsize);

/* Check a template for a kind; 0 or QUELL_EINVAL with the reason in err. */
int policy_reply_check(const char *tmpl, int kind, char *err, size_t errsize);

/* The template for a check result: DUNNO's template is NULL (allow,
 * invalid). */
const char *policy_reply_pick(const struct policy_reply_set *s,
                              const struct quell_result *r);

/* Expand a checked template with r's fields (r may be NULL: the error
 * template) into out (POLICY_REPLY_MAX bytes): one line of printable
 * ASCII.  Returns its length. */
size_t policy_reply_expand(const char *tmpl, const struct quell_result *r, char *out);

/* What to answer one request. */
struct policy_answer {
	char action[POLICY_REPLY_MAX]; /* the value of "action=" */
	int checked;                    /* 1: the recipient went through quell_check */
	int failed;                     /* 1: it could not be checked (error below) */
	const char *recipient;          /* in the request, or NULL */
	const char *stream;             /* the stream checked, or NULL */
	struct quell_result res;        /* when checked */
	char error[QUELL_ERROR_MAX];    /* why it failed (failed), or why the
	                                   request is refused (QUELL_EDATA) */
};

/*
 * Answer a complete request (policy_req_feed returned 1).  A request
 * whose `request` attribute is not smtpd_access_policy is QUELL_EDATA
 * (error says why; it gets no answer).  Otherwise 0, with out->action:
 *   - protocol_state other than RCPT, no or an empty recipient, an
 *     invalid recipient address, allow: DUNNO;
 *   - suppress, backoff: the template policy_reply_pick gives;
 *   - a check that failed (a database error, or a policy_context that is
 *     not a stream name): the error template, or DUNNO with fail_open.
 * The stream is `stream` if not NULL, else the request's policy_context
 * when not empty, else none.  now as for quell_check.  The recipient and
 * stream pointers point into req and live as long as its attributes.
 */
int policy_answer(quell *h, const struct policy_req *req,
                  const struct policy_reply_set *set, const char *stream,
                  int64_t now, int fail_open, struct policy_answer *out);

#endif
