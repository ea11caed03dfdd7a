/*
 * socketmap_req.c - the netstring reader of socketmap lookup requests
 * (socketmap_req.h says what it accepts).  Knows nothing of sockets or
 * of the database.
 */
#include <string.h>

#include "quell.h"
#include "socketmap_req.h"

enum { S_LEN, S_DATA, S_COMMA, S_DONE, S_BAD };

void socketmap_req_reset(struct socketmap_req *p)
{
	p->want = p->got = p->key = 0;
	p->state = S_LEN;
	p->error = NULL;
	p->buf[0] = '\0';
}

static int refuse(struct socketmap_req *p, const char *why)
{
	p->state = S_BAD;
	p->error = why;
	return QUELL_EDATA;
}

/* The data is in: split it at its first space. */
static int complete(struct socketmap_req *p)
{
	char *sp = memchr(p->buf, ' ', p->want);

	p->buf[p->want] = '\0';
	if (sp == NULL)
		return refuse(p, "no space between map name and key");
	if (sp == p->buf)
		return refuse(p, "empty map name");
	*sp = '\0';
	p->key = (size_t)(sp - p->buf) + 1;
	p->state = S_DONE;
	return 1;
}

/* One byte of the length, or its ':'. */
static int length_byte(struct socketmap_req *p, char c)
{
	if (c == ':') {
		if (p->got == 0)
			return refuse(p, "no length before ':'");
		p->got = 0;
		p->state = p->want == 0 ? S_COMMA : S_DATA;
		return 0;
	}
	if (c < '0' || c > '9')
		return refuse(p, "not a netstring: a length of digits and ':' expected");
	if (++p->got > SOCKETMAP_REQ_DIGITS_MAX)
		return refuse(p, "netstring length: too many digits");
	p->want = p->want * 10 + (size_t)(c - '0');
	if (p->want > SOCKETMAP_REQ_MAX)
		return refuse(p, "netstring longer than 2048 bytes");
	return 0;
}

int socketmap_req_feed(struct socketmap_req *p, const char *data, size_t n, size_t *used)
{
	size_t i = 0;
	int rc = 0;

	*used = 0;
	if (p->state == S_BAD)
		return QUELL_EDATA;
	if (p->state == S_DONE)
		socketmap_req_reset(p);
	while (i < n && rc == 0) {
		if (p->state == S_LEN) {
			rc = length_byte(p, data[i++]);
		} else if (p->state == S_DATA) {
			size_t k = p->want - p->got;
			const char *nul;

			if (k > n - i)
				k = n - i;
			nul = memchr(data + i, '\0', k);
			if (nul != NULL)
				k = (size_t)(nul - (data + i)); /* the bytes before it */
			memcpy(p->buf + p->got, data + i, k);
			p->got += k;
			i += k;
			if (nul != NULL)
				rc = refuse(p, "NUL byte in the request");
			else if (p->got == p->want)
				p->state = S_COMMA;
		} else {
			if (data[i++] != ',')
				rc = refuse(p, "no ',' after the netstring's data");
			else
				rc = complete(p);
		}
	}
	*used = i;
	return rc;
}

int socketmap_req_partial(const struct socketmap_req *p)
{
	return p->state == S_DATA || p->state == S_COMMA ||
	       (p->state == S_LEN && p->got > 0);
}

const char *socketmap_req_name(const struct socketmap_req *p)
{
	return p->buf;
}

const char *socketmap_req_key(const struct socketmap_req *p)
{
	return p->buf + p->key;
}
