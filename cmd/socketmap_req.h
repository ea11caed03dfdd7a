/*
 * socketmap_req.h - read Postfix socketmap lookup requests
 * (socketmap_table(5)) from a byte stream: one netstring per request,
 * `LEN ":" NAME " " KEY ","`, LEN the decimal length of NAME " " KEY.
 *
 *   22:transport bob@example.com,
 *
 * A pure, bounded state machine: bytes go in as they arrive, in pieces of
 * any size (a byte at a time works); a complete request comes out as the
 * map name and the key, NUL-terminated in the parser's own fixed buffer.
 * Nothing is allocated.  The key is everything after the first space
 * (it may itself hold spaces, or be empty).
 *
 * Malformed (the request is refused and the parser stays refused until
 * reset): a length that is not 1 to SOCKETMAP_REQ_DIGITS_MAX decimal
 * digits before ':', or over SOCKETMAP_REQ_MAX; data without a space or
 * with an empty name; a NUL byte in the data; anything but ',' after it.
 *
 * Knows nothing of sockets, of what names and keys mean, or of the
 * database.  Part of the server (cmd/), not of the library: used by
 * `quell serve --socketmap`, its tests and its fuzz target (the Makefile
 * links cmd/socketmap_req.c into both, beside cmd/policy_req.c).
 */
#ifndef QUELL_SOCKETMAP_REQ_H
#define QUELL_SOCKETMAP_REQ_H

#include <stddef.h>

#define SOCKETMAP_REQ_MAX 2048      /* bytes of NAME " " KEY */
#define SOCKETMAP_REQ_DIGITS_MAX 5  /* digits of the length, leading zeros too */

struct socketmap_req {
	size_t want;        /* the length announced */
	size_t got;         /* bytes of data read so far (or of digits) */
	size_t key;         /* where the key starts in buf */
	int state;          /* length, data, comma, complete, refused */
	const char *error;  /* why the request was refused (static text) */
	char buf[SOCKETMAP_REQ_MAX + 1];
};

/* Start afresh: no bytes. */
void socketmap_req_reset(struct socketmap_req *p);

/*
 * Feed data[0..n).  *used (always set) counts the bytes taken: up to and
 * including the ',' that ends a request, so the rest belongs to the next
 * one.  Returns 1 when a request is complete (name and key readable until
 * the next feed or reset), 0 when all n bytes were taken and more are
 * needed, or QUELL_EDATA when the request is malformed (p->error says
 * why).  Feeding after a complete request starts the next one; feeding
 * after QUELL_EDATA returns it again, taking nothing, until a reset.
 */
int socketmap_req_feed(struct socketmap_req *p, const char *data, size_t n, size_t *used);

/* Whether a request is partly read: some bytes taken, not complete. */
int socketmap_req_partial(const struct socketmap_req *p);

/* The map name and the key of a complete request. */
const char *socketmap_req_name(const struct socketmap_req *p);
const char *socketmap_req_key(const struct socketmap_req *p);

#endif
