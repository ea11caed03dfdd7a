/*
 * serve_parse.h - what the bodies and tokens of quell serve's entry,
 * reply and SendGrid routes say, read by pure functions: no handle, no
 * HTTP, no I/O (serve_parse.c, serve_cursor.c, serve_sgkind.c).  The
 * route files (serve_entries.c, serve_replies.c, serve_io.c,
 * serve_sendgrid.c) turn these into library calls; the unit tests
 * (tests/test_serve_parse.c) and the fuzz target (fuzz/fuzz_http_bodies.c)
 * call them directly.
 *
 * Every parser takes the body as bytes (any bytes: it is what a client
 * sent), fills a struct whose strings point into a jansson value the
 * struct owns (free it with the matching _free, also after a failure),
 * and returns 0 or -1 with a one-line message in err that names the field
 * ("entries[3]: not a string").  Nothing here knows the database.
 */
#ifndef QUELL_SERVE_PARSE_H
#define QUELL_SERVE_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "quell.h"

#define SERVE_ERR_MAX 200       /* a parser's message, with its NUL */
#define SERVE_ENTRIES_MAX 10000 /* entries of one POST /v1/entries or delete */

/* POST /v1/entries: {"entries": [...] or "entry": "...", "list":
 * "suppress"|"allow", "reason", "ttl" (a duration or seconds), "source":
 * "manual"|"unsubscribe"|"complaint", "stream", "category"}. */
struct serve_add {
	json_t *root;
	const char **entries; /* n strings (malloc'd array) */
	size_t n;
	int list;             /* QUELL_LIST_SUPPRESS (default) or _ALLOW */
	const char *reason, *stream, *category; /* NULL when absent */
	int source;           /* QUELL_SOURCE_MANUAL by default */
	int64_t ttl;          /* 0: forever */
};
int serve_parse_add(const char *body, size_t len, struct serve_add *out, char *err,
                    size_t errsize);
void serve_add_free(struct serve_add *a);

/* One reply of POST /v1/replies: {"address", "reply", "time" (RFC 3339 or
 * Unix seconds), "queue_id", "message_id", "source": "bounce"|"complaint"}. */
struct serve_reply {
	const char *address, *reply;     /* never NULL after a good parse */
	const char *queue_id, *message_id; /* NULL when absent */
	int64_t time;                    /* 0: now */
	int source;                      /* QUELL_SOURCE_BOUNCE or _COMPLAINT */
	char error[SERVE_ERR_MAX];       /* why this item is refused; "" if good */
};

/* How the replies came: one object, an array of them, or JSON Lines
 * (answered in the same shape). */
enum serve_shape { SERVE_ONE, SERVE_ARRAY, SERVE_LINES };

/* The replies of a body.  A body that is not JSON at all, an empty one,
 * or more than `max` items, is refused as a whole (-1); an item that is
 * not a usable reply object gets its error and the others go on. */
struct serve_replies {
	json_t **roots;           /* the parsed documents (one, or one per line) */
	size_t nroots;
	struct serve_reply *items;
	size_t n;
	int shape;                /* enum serve_shape */
};
int serve_parse_replies(const char *body, size_t len, size_t max, struct serve_replies *out,
                        char *err, size_t errsize);
void serve_replies_free(struct serve_replies *r);

/* SendGrid's delete-many and add bodies: {"delete_all": true} or
 * {"emails": [...]} (never both), {"recipient_emails": [...]}. */
struct serve_emails {
	json_t *root;
	const char **emails;
	size_t n;
	int all;                  /* delete_all: true */
};
int serve_parse_sg_delete(const char *body, size_t len, struct serve_emails *out, char *err,
                          size_t errsize);
int serve_parse_sg_recipients(const char *body, size_t len, struct serve_emails *out,
                              char *err, size_t errsize);
void serve_emails_free(struct serve_emails *e);

/* ------------------------------------------------------- serve_cursor.c */

/* The cursor of GET /v1/entries: an opaque token (base64url, no padding)
 * for the place a page ended, quell_list_pos.  Encoding gives at most
 * SERVE_CURSOR_MAX - 1 characters; decoding refuses anything that
 * encoding could not have made (-1, with err). */
#define SERVE_CURSOR_MAX 600
void serve_cursor_encode(const struct quell_list_pos *pos, char *out, size_t outsize);
int serve_cursor_decode(const char *token, struct quell_list_pos *pos, char *err,
                        size_t errsize);

/* ------------------------------------------------------ serve_sgkind.c */

/* SendGrid's suppression kinds, as quell's entries answer them
 * (docs/http-api.md, "SendGrid-compatible endpoints"). */
enum serve_sg_kind {
	SG_NONE = 0,
	SG_BOUNCES,
	SG_BLOCKS,
	SG_INVALID,
	SG_SPAM,
	SG_UNSUB,     /* global unsubscribes */
	SG_GROUP      /* group unsubscribes: stream group-N */
};

/* The kind named in a path (/v3/suppression/NAME): SG_NONE if none. */
int serve_sg_kind_parse(const char *name);

/* The kind a live list entry is, for SendGrid; SG_NONE for entries
 * SendGrid has no word for (domains, allow and backoff entries, hand-made
 * suppressions, unsubscribes of streams that are no group). */
int serve_sg_kind_of(const struct quell_entry *e);

/* The stream of SendGrid group `id` ("group-ID") into out (at least
 * QUELL_STREAM_MAX); -1 when id is not a group id (1 to 18 digits). */
int serve_sg_group_stream(const char *id, char *out, size_t outsize);

/* Whether email matches SendGrid's `email` filter: a prefix, where '%'
 * stands for any run of characters (case-insensitive for ASCII). */
int serve_sg_email_match(const char *pattern, const char *email);

#endif
