/*
 * policy_req.h - read Postfix SMTPD access policy delegation requests
 * (Postfix's SMTPD_POLICY_README) from a byte stream: `name=value` lines,
 * each ended by LF, the request ended by an empty line.
 *
 *   request=smtpd_access_policy
 *   protocol_state=RCPT
 *   recipient=bob@example.com
 *   (empty line)
 *
 * A pure, bounded state machine: bytes go in as they arrive, in pieces of
 * any size (a byte at a time works), and a complete request comes out as
 * name/value pairs kept in the parser's own fixed buffer.  Nothing is
 * allocated.  One CR before an LF is dropped (people typing into a
 * terminal); any other byte but NUL and LF belongs to the value.
 *
 * Malformed (the request is refused and the parser stays refused until
 * reset): a NUL byte, a line without '=', an empty name, a line longer
 * than POLICY_REQ_LINE_MAX bytes, more than POLICY_REQ_ATTRS_MAX
 * attributes, a request over POLICY_REQ_SIZE_MAX bytes, an empty line
 * before any attribute.
 *
 * Knows nothing of sockets, of what the attributes mean, or of the
 * database.  Part of the server (cmd/), not of the library: used by
 * `quell policyd`, its tests and its fuzz target (the Makefile links
 * cmd/policy_req.c and cmd/policy_reply.c into both).
 */
#ifndef QUELL_POLICY_REQ_H
#define QUELL_POLICY_REQ_H

#include <stddef.h>
#include <stdint.h>

#define POLICY_REQ_LINE_MAX 4096   /* bytes of one line, without its LF */
#define POLICY_REQ_ATTRS_MAX 100   /* attributes of one request */
#define POLICY_REQ_SIZE_MAX 16384  /* bytes of one request, LFs included */

struct policy_req {
	size_t len;         /* bytes stored in buf */
	size_t line;        /* where the line being read starts in buf */
	size_t lineno;      /* lines read of this request (for messages) */
	size_t nattrs;
	int state;          /* reading, complete, refused */
	const char *error;  /* why the request was refused (static text) */
	struct {
		uint16_t name, value; /* offsets of NUL-terminated strings in buf */
	} attr[POLICY_REQ_ATTRS_MAX];
	char buf[POLICY_REQ_SIZE_MAX];
};

/* Start afresh: no bytes, no attributes. */
void policy_req_reset(struct policy_req *p);

/*
 * Feed data[0..n).  *used (always set) counts the bytes taken: up to and
 * including the LF of the empty line that ends a request, so the rest
 * belongs to the next one.  Returns 1 when a request is complete (its
 * attributes readable until the next feed or reset), 0 when all n bytes
 * were taken and more are needed, or QUELL_EDATA when the request is
 * malformed: p->error says why and p->lineno on which line (1-based).
 * Feeding after a complete request starts the next one; feeding after
 * QUELL_EDATA returns it again, taking nothing, until a reset.
 */
int policy_req_feed(struct policy_req *p, const char *data, size_t n, size_t *used);

/* Whether a request is partly read: some bytes taken, not complete. */
int policy_req_partial(const struct policy_req *p);

/* The i-th attribute (i < p->nattrs) of a complete request. */
const char *policy_req_name(const struct policy_req *p, size_t i);
const char *policy_req_value(const struct policy_req *p, size_t i);

/* The value of attribute `name` (the last one when it was sent more than
 * once, as SMTPD_POLICY_README allows either), or NULL when absent. */
const char *policy_req_get(const struct policy_req *p, const char *name);

#endif
