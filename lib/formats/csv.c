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

/* Skip blank lines (LF or CRLF) and start a record: 1 when one follows, 0
 * at the end of the input, or QUELL_EIO. */
static int record_start(struct quell__csv *c)
{
	struct quell__in *in = c->in;
	int b;

	for (;;) {
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
		if (b != '\n')
			return 1;
		in->pos += in->buf[in->pos] == '\r' ? 2 : 1; /* a blank line */
		in->line++;
	}
}

/* Past a closing quote, b the next byte: ',' or the end of the record
 * (LF, CRLF or the end of the input) into *cls, left unconsumed; anything
 * else is refused. */
static int after_quote(struct quell__csv *c, int b, int *cls, char *err, size_t errsize)
{
	struct quell__in *in = c->in;

	if (b == ',' || b == '\n' || b == -1) {
		*cls = b == ',' ? COMMA : b == '\n' ? LF : -1;
		return 0;
	}
	if (b == '\r') {
		in->pos++;
		if ((b = peek(in)) < -1)
			return b;
		if (b == '\n' || b == -1) {
			*cls = b == '\n' ? LF : -1;
			return 0;
		}
	}
	return reject(c, 1, err, errsize, "text after a closing quote");
}

/* The rest of a quoted cell (its opening quote consumed): "" is a quote,
 * NUL bytes are noted in *nul (column from 1), LF is data.  0 with what
 * ends the cell in *cls (COMMA, LF or -1 at the end, unconsumed), or what
 * quell__csv_next returns for an error. */
static int quoted_cell(struct quell__csv *c, size_t *nul, int *cls, char *err, size_t errsize)
{
	struct quell__in *in = c->in;
	int b, k;

	for (;;) {
		k = run(c, quoted_class);
		if (k == -2)
			return reject(c, 1, err, errsize, "row longer than 65536 bytes");
		if (k == -1)
			return reject(c, 0, err, errsize, "quoted cell not closed at the end of the input");
		if (k < 0)
			return k;
		if (k == NUL) {
			in->pos++;
			if (*nul == 0)
				*nul = c->nf + 1;
			continue;
		}
		if (k == LF) {
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
			return after_quote(c, b, cls, err, errsize);
		if (put(c, (const unsigned char *)"\"", 1) != 0)
			return reject(c, 1, err, errsize, "row longer than 65536 bytes");
		in->pos++;
	}
}

/* An unquoted cell: a quote is refused, NUL bytes are noted in *nul, a
 * lone CR is data.  0 with what ends the cell in *cls (COMMA, LF or -1,
 * unconsumed; of a CRLF the CR is consumed), or an error as above. */
static int unquoted_cell(struct quell__csv *c, size_t *nul, int *cls, char *err,
                         size_t errsize)
{
	struct quell__in *in = c->in;
	int b, k;

	for (;;) {
		k = run(c, unquoted_class);
		if (k == -2)
			return reject(c, 1, err, errsize, "row longer than 65536 bytes");
		if (k < -1)
			return k;
		if (k == NUL) {
			in->pos++;
			if (*nul == 0)
				*nul = c->nf + 1;
			continue;
		}
		if (k == QUOTE)
			return reject(c, 1, err, errsize, "quote inside an unquoted cell");
		if (k == CR) { /* CRLF ends the record; a lone CR is data */
			in->pos++;
			if ((b = peek(in)) < -1)
				return b;
			if (b == '\n') {
				*cls = LF;
				return 0;
			}
			if (put(c, (const unsigned char *)"\r", 1) != 0)
				return reject(c, 1, err, errsize, "row longer than 65536 bytes");
			continue;
		}
		*cls = k; /* COMMA, LF or the end */
		return 0;
	}
}

/* One cell and what ends it, consumed: *cls is COMMA, LF or -1 (the end of
 * the input).  0, or an error as above. */
static int cell(struct quell__csv *c, size_t *nul, int *cls, char *err, size_t errsize)
{
	struct quell__in *in = c->in;
	int b, rc, quoted;

	c->off[c->nf] = (uint32_t)c->reclen;
	if ((b = peek(in)) < -1)
		return b;
	quoted = b == '"';
	if (quoted) {
		in->pos++;
		rc = quoted_cell(c, nul, cls, err, errsize);
	} else {
		rc = unquoted_cell(c, nul, cls, err, errsize);
	}
	if (rc != 0)
		return rc;
	end_cell(c, quoted);
	if (*cls == COMMA || *cls == LF)
		in->pos++;
	if (*cls == LF)
		in->line++;
	return 0;
}

int quell__csv_next(struct quell__csv *c, char *err, size_t errsize)
{
	size_t nul = 0; /* the column (from 1) of the first NUL byte, 0 if none */
	int rc, cls;

	if ((rc = record_start(c)) <= 0)
		return rc;
	if (plain_row(c))
		return 1;
	do { /* one cell per turn */
		if (c->nf == QUELL__COLS_MAX)
			return reject(c, 1, err, errsize, "more than 256 columns");
		if ((rc = cell(c, &nul, &cls, err, errsize)) != 0)
			return rc;
	} while (cls == COMMA);
	if (nul != 0) {
		snprintf(err, errsize, "NUL byte in column %zu", nul);
		return QUELL_EDATA;
	}
	return 1;
}
