/*
 * input.c - buffered reading of an import stream (see input.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"

int quell__in_open(struct quell__in *in, FILE *f)
{
	int rc;

	memset(in, 0, sizeof *in);
	in->f = f;
	in->line = 1;
	in->buf = malloc(QUELL__IN_SIZE + 1);
	if (in->buf == NULL)
		return QUELL_ENOMEM;
	while (in->len < 3 && (rc = quell__in_fill(in)) == 1)
		;
	if (in->err != 0)
		return QUELL_EIO;
	if (in->len >= 3 && memcmp(in->buf, "\xef\xbb\xbf", 3) == 0)
		in->pos = 3;
	return 0;
}

void quell__in_close(struct quell__in *in)
{
	free(in->buf);
	in->buf = NULL;
}

int quell__in_fill(struct quell__in *in)
{
	size_t n;

	if (in->err != 0)
		return QUELL_EIO;
	if (in->pos > 0) {
		memmove(in->buf, in->buf + in->pos, in->len - in->pos);
		in->base += in->pos;
		in->len -= in->pos;
		in->pos = 0;
	}
	if (in->eof || in->len == QUELL__IN_SIZE)
		return 0;
	n = fread(in->buf + in->len, 1, QUELL__IN_SIZE - in->len, in->f);
	in->len += n;
	if (n > 0)
		return 1;
	if (ferror(in->f)) {
		in->err = errno != 0 ? errno : EIO;
		return QUELL_EIO;
	}
	in->eof = 1;
	return 0;
}

int quell__in_peek_line(struct quell__in *in, size_t *n, int *complete)
{
	size_t scanned = 0;

	for (;;) {
		unsigned char *p = in->buf + in->pos + scanned;
		unsigned char *lf = memchr(p, '\n', in->len - in->pos - scanned);
		int rc;

		if (lf != NULL) {
			*n = (size_t)(lf - (in->buf + in->pos));
			*complete = 1;
			return 0;
		}
		scanned = in->len - in->pos;
		if ((rc = quell__in_fill(in)) < 0)
			return rc;
		if (rc == 0) {
			*n = in->len - in->pos;
			*complete = in->eof;
			return 0;
		}
	}
}

int quell__in_line(struct quell__in *in, char **line, size_t *len)
{
	size_t n;
	int complete, rc;
	unsigned char *p;

	if (in->pos == in->len && (rc = quell__in_fill(in)) <= 0)
		return rc;
	if ((rc = quell__in_peek_line(in, &n, &complete)) != 0)
		return rc;
	if (n > QUELL__ROW_MAX + 1 || (n == QUELL__ROW_MAX + 1 && in->buf[in->pos + n - 1] != '\r') ||
	    !complete) {
		if ((rc = quell__in_skip_line(in)) != 0)
			return rc;
		return QUELL_EDATA;
	}
	p = in->buf + in->pos;
	in->pos += n;
	if (in->pos < in->len) { /* the LF */
		in->pos++;
		in->line++;
	}
	if (n > 0 && p[n - 1] == '\r')
		n--;
	p[n] = '\0';
	*line = (char *)p;
	*len = n;
	return 1;
}

int quell__in_skip_line(struct quell__in *in)
{
	for (;;) {
		unsigned char *p = in->buf + in->pos;
		unsigned char *lf = memchr(p, '\n', in->len - in->pos);
		int rc;

		if (lf != NULL) {
			in->pos = (size_t)(lf - in->buf) + 1;
			in->line++;
			return 0;
		}
		in->pos = in->len;
		if ((rc = quell__in_fill(in)) <= 0)
			return rc;
	}
}

int quell__in_skip_space(struct quell__in *in)
{
	for (;;) {
		int rc;

		while (in->pos < in->len) {
			unsigned char c = in->buf[in->pos];

			if (c == '\n')
				in->line++;
			else if (c != ' ' && c != '\t' && c != '\r')
				return 0;
			in->pos++;
		}
		if ((rc = quell__in_fill(in)) <= 0)
			return rc;
	}
}
