/*
 * csv.c - RFC 4180 records (see csv.h).
 *
 * The scanner works on the input buffer directly and copies runs of plain
 * bytes with memcpy; it allocates nothing per record.
 */
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* Byte classes: which bytes end a run of plain bytes. */
enum { PLAIN = 0, COMMA, LF, CR, QUOTE, NUL };

static const unsigned char unquoted_class[256] = {
	[','] = COMMA, ['\n'] = LF, ['\r'] = CR, ['"'] = QUOTE, [0] = NUL,
};
static const unsigned char quoted_class[256] = {
	['\n'] = LF, ['"'] = QUOTE, [0] = NUL,
};

int quell__csv_init(struct quell__csv *c, struct quell__in *in)
{
	memset(c, 0, sizeof *c);
	c->in = in;
	c->rec = malloc(QUELL__ROW_MAX + QUELL__COLS_MAX + 1);
	return c->rec == NULL ? QUELL_ENOMEM : 0;
}

void quell__csv_fini(struct quell__csv *c)
{
	free(c->rec);
	c->rec = NULL;
}

/* The next byte without consuming it: 0..255, -1 at the end, or QUELL_EIO. */
static int peek(struct quell__in *in)
{
	if (in->pos == in->len) {
		int rc = quell__in_fill(in);
		if (rc <= 0)
			return rc == 0 ? -1 : rc;
	}
	return in->buf[in->pos];
}

/* The byte k after the next one without consuming anything (the buffer may
 * be compacted): 0..255, -1 at the end, or QUELL_EIO. */
static int peek_at(struct quell__in *in, size_t k)
{
	while (in->len - in->pos <= k) {
		int rc = quell__in_fill(in);
		if (rc <= 0)
			return rc == 0 ? -1 : rc;
	}
	return in->buf[in->pos + k];
}

static int reject(struct quell__csv *c, int skip, char *err, size_t errsize, const char *msg)
{
	if (skip) {
		int rc = quell__in_skip_line(c->in);
		if (rc != 0)
			return rc;
	}
	snprintf(err, errsize, "%s", msg);
	return QUELL_EDATA;
}

/* Append a run of n bytes to the current cell; -1 when the record would
 * grow past QUELL__ROW_MAX. */
static int put(struct quell__csv *c, const unsigned char *p, size_t n)
{
	if (n > QUELL__ROW_MAX - (c->reclen - c->nf))
		return -1;
	memcpy(c->rec + c->reclen, p, n);
	c->reclen += n;
	return 0;
}

static void end_cell(struct quell__csv *c, int quoted)
{
	c->len[c->nf] = (uint32_t)(c->reclen - c->off[c->nf]);
	c->quoted[c->nf] = (unsigned char)quoted;
	c->rec[c->reclen++] = '\0';
	c->nf++;
}

/* In a quoted cell, where the long texts are: the first '"', LF or NUL
 * from p, found with memchr, which the C library makes fast. */
static const unsigned char *quoted_span(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = memchr(p, '"', (size_t)(end - p)), *x;

	if (q == NULL)
		q = end;
	if ((x = memchr(p, '\n', (size_t)(q - p))) != NULL)
		q = x;
	if ((x = memchr(p, '\0', (size_t)(q - p))) != NULL)
		q = x;
	return q;
}

/* Scan plain bytes of class table cls into the cell; stops at a special
 * byte (left unconsumed) or the end of the input.  Returns the class of
 * the stopping byte, -1 at the end, -2 for a too long record, QUELL_EIO. */
static int run(struct quell__csv *c, const unsigned char *cls)
{
	struct quell__in *in = c->in;

	for (;;) {
		const unsigned char *p = in->buf + in->pos, *end = in->buf + in->len, *s = p;
		int b;

		if (cls == quoted_class)
			p = quoted_span(p, end);
		else
			while (p < end && cls[*p] == PLAIN)
				p++;
		if (put(c, s, (size_t)(p - s)) != 0)
			return -2;
		in->pos = (size_t)(p - in->buf);
		if (p < end)
			return cls[*p];
		if ((b = peek(in)) < 0)
			return b == -1 ? -1 : b;
	}
}

/*
 * The common row: one line, all in the buffer, without a quote, a NUL or a
 * CR (but a CRLF end): its cells are what lies between the commas.
 * Returns 1 when the row was read so, 0 to leave it to the full scanner.
 */
static int plain_row(struct quell__csv *c)
{
	struct quell__in *in = c->in;
	const unsigned char *p = in->buf + in->pos, *lf, *end;

	lf = memchr(p, '\n', in->len - in->pos);
	if (lf == NULL || lf - p > QUELL__ROW_MAX)
		return 0;
	end = lf > p && lf[-1] == '\r' ? lf - 1 : lf;
	if (memchr(p, '"', (size_t)(end - p)) != NULL || memchr(p, '\r', (size_t)(end - p)) != NULL ||
	    memchr(p, '\0', (size_t)(end - p)) != NULL)
		return 0;
	for (;;) {
		const unsigned char *comma = memchr(p, ',', (size_t)(end - p));
		const unsigned char *e = comma != NULL ? comma : end;

		if (c->nf == QUELL__COLS_MAX) { /* the full scanner says so */
			c->nf = 0;
			c->reclen = 0;
			return 0;
		}
		c->off[c->nf] = (uint32_t)c->reclen;
		memcpy(c->rec + c->reclen, p, (size_t)(e - p));
		c->reclen += (size_t)(e - p);
		end_cell(c, 0);
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	c->nobackslash = memchr(in->buf + in->pos, '\\', (size_t)(end - (in->buf + in->pos))) == NULL;
	in->pos = (size_t)(lf - in->buf) + 1;
	in->line++;
	return 1;
}

int quell__csv_next(struct quell__csv *c, char *err, size_t errsize)
{
	struct quell__in *in = c->in;
	size_t nul = 0; /* the column (from 1) of the first NUL byte, 0 if none */
	int b;

again:
	c->nf = 0;
	c->reclen = 0;
	c->line = in->line;
	c->nobackslash = 0;
	if ((b = peek(in)) == -1)
		return 0;
	if (b < 0)
		return b;
	if (b == '\r' && (b = peek_at(in, 1)) < -1)
		return b;
	if (b == '\n') { /* a blank line: LF or CRLF */
		in->pos += in->buf[in->pos] == '\r' ? 2 : 1;
		in->line++;
		goto again;
	}
	if (plain_row(c))
		return 1;
	for (;;) { /* one cell per turn */
		int cls, quoted = 0;

		if (c->nf == QUELL__COLS_MAX)
			return reject(c, 1, err, errsize, "more than 256 columns");
		c->off[c->nf] = (uint32_t)c->reclen;
		if ((b = peek(in)) < -1)
			return b;
		if (b == '"') {
			quoted = 1;
			in->pos++;
			for (;;) {
				cls = run(c, quoted_class);
				if (cls == -2)
					return reject(c, 1, err, errsize, "row longer than 65536 bytes");
				if (cls == -1)
					return reject(c, 0, err, errsize, "quoted cell not closed at the end of the input");
				if (cls < 0)
					return cls;
				if (cls == NUL) {
					in->pos++;
					if (nul == 0)
						nul = c->nf + 1;
					continue;
				}
				if (cls == LF) {
					if (put(c, (const unsigned char *)"\n", 1) != 0)
						return reject(c, 1, err, errsize, "row longer than 65536 bytes");
					in->pos++;
					in->line++;
					continue;
				}
				in->pos++; /* a quote: "" or the closing one */
				if ((b = peek(in)) < -1)
					return b;
				if (b != '"')
					break;
				if (put(c, (const unsigned char *)"\"", 1) != 0)
					return reject(c, 1, err, errsize, "row longer than 65536 bytes");
				in->pos++;
			}
			/* after the closing quote: , or the end of the record */
			if (b == ',' || b == '\n' || b == -1) {
				cls = b == ',' ? COMMA : b == '\n' ? LF : -1;
			} else if (b == '\r') {
				in->pos++;
				if ((b = peek(in)) < -1)
					return b;
				if (b != '\n' && b != -1)
					return reject(c, 1, err, errsize, "text after a closing quote");
				cls = b == '\n' ? LF : -1;
			} else {
				return reject(c, 1, err, errsize, "text after a closing quote");
			}
		} else {
			for (;;) {
				cls = run(c, unquoted_class);
				if (cls == -2)
					return reject(c, 1, err, errsize, "row longer than 65536 bytes");
				if (cls < -1)
					return cls;
				if (cls == NUL) {
					in->pos++;
					if (nul == 0)
						nul = c->nf + 1;
					continue;
				}
				if (cls == QUOTE)
					return reject(c, 1, err, errsize, "quote inside an unquoted cell");
				if (cls == CR) { /* CRLF ends the record; a lone CR is data */
					in->pos++;
					if ((b = peek(in)) < -1)
						return b;
					if (b == '\n') {
						cls = LF;
						break;
					}
					if (put(c, (const unsigned char *)"\r", 1) != 0)
						return reject(c, 1, err, errsize, "row longer than 65536 bytes");
					continue;
				}
				break; /* COMMA, LF or the end */
			}
		}
		end_cell(c, quoted);
		if (cls == COMMA) {
			in->pos++;
			continue;
		}
		if (cls == LF) {
			in->pos++;
			in->line++;
		}
		break;
	}
	if (nul != 0) {
		snprintf(err, errsize, "NUL byte in column %zu", nul);
		return QUELL_EDATA;
	}
	return 1;
}
