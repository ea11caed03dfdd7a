/*
 * policy_req.c - a bounded reader of Postfix policy delegation requests
 * (see policy_req.h for the format and the limits).
 *
 * Bytes are copied into the parser's buffer as they come; at each LF the
 * line is closed: its '=' and its end become NULs, so name and value are
 * C strings in place, and two offsets remember them.  The empty line ends
 * the request.  Each limit is checked before a byte is stored, so no input
 * can write past the buffer, and the first fault refuses the request.
 *
 * Knows nothing of sockets, of attribute meanings, or of the database.
 */
#include <string.h>

#include "policy_req.h"
#include "quell.h"

enum { READING, COMPLETE, REFUSED };

void policy_req_reset(struct policy_req *p)
{
	p->len = p->line = p->lineno = p->nattrs = 0;
	p->state = READING;
	p->error = NULL;
}

static int refuse(struct policy_req *p, const char *why)
{
	p->state = REFUSED;
	p->error = why;
	return QUELL_EDATA;
}

/* The LF of a line: close it.  1 when it was the empty line that ends the
 * request, 0 for an attribute line, or QUELL_EDATA. */
static int close_line(struct policy_req *p)
{
	size_t end = p->len, start = p->line;
	char *eq;

	p->lineno++;
	if (end > start && p->buf[end - 1] == '\r')
		end--;
	if (end == start) {
		if (p->nattrs == 0)
			return refuse(p, "empty line before any attribute");
		return 1;
	}
	eq = memchr(p->buf + start, '=', end - start);
	if (eq == NULL)
		return refuse(p, "line without '='");
	if (eq == p->buf + start)
		return refuse(p, "empty attribute name");
	if (p->nattrs == POLICY_REQ_ATTRS_MAX)
		return refuse(p, "too many attributes");
	if (p->len == sizeof p->buf)
		return refuse(p, "request too long");
	*eq = '\0';
	p->buf[end] = '\0'; /* over the CR, or the first free byte */
	p->attr[p->nattrs].name = (uint16_t)start;
	p->attr[p->nattrs].value = (uint16_t)(eq + 1 - p->buf);
	p->nattrs++;
	p->len = end + 1;
	p->line = p->len;
	return 0;
}

int policy_req_feed(struct policy_req *p, const char *data, size_t n, size_t *used)
{
	size_t i;
	int rc;

	*used = 0;
	if (p->state == REFUSED)
		return QUELL_EDATA;
	if (p->state == COMPLETE)
		policy_req_reset(p);
	for (i = 0; i < n; i++) {
		char c = data[i];

		if (c == '\n') {
			rc = close_line(p);
			if (rc != 0) {
				*used = i + 1;
				if (rc == 1)
					p->state = COMPLETE;
				return rc;
			}
			continue;
		}
		if (c == '\0') {
			p->lineno++;
			*used = i + 1;
			return refuse(p, "NUL byte");
		}
		if (p->len - p->line >= POLICY_REQ_LINE_MAX || p->len == sizeof p->buf) {
			p->lineno++;
			*used = i + 1;
			return refuse(p, p->len - p->line >= POLICY_REQ_LINE_MAX ? "line too long"
			                                                           : "request too long");
		}
		p->buf[p->len++] = c;
	}
	*used = n;
	return 0;
}

int policy_req_partial(const struct policy_req *p)
{
	return p->state == READING && (p->len > 0 || p->lineno > 0);
}

const char *policy_req_name(const struct policy_req *p, size_t i)
{
	return p->buf + p->attr[i].name;
}

const char *policy_req_value(const struct policy_req *p, size_t i)
{
	return p->buf + p->attr[i].value;
}

const char *policy_req_get(const struct policy_req *p, const char *name)
{
	for (size_t i = p->nattrs; i-- > 0;)
		if (strcmp(p->buf + p->attr[i].name, name) == 0)
			return p->buf + p->attr[i].value;
	return NULL;
}
