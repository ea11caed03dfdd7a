/*
 * lines.c - line reader over one fixed buffer (see lines.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lines.h"

int lines_init(struct lines *lr, int fd, size_t bufsize, size_t maxline)
{
	memset(lr, 0, sizeof *lr);
	if (bufsize < maxline + 3)
		bufsize = maxline + 3;
	lr->buf = malloc(bufsize);
	if (lr->buf == NULL)
		return -1;
	lr->fd = fd;
	lr->cap = bufsize;
	lr->max = maxline;
	return 0;
}

void lines_free(struct lines *lr)
{
	free(lr->buf);
	lr->buf = NULL;
}

/* Hand out buf[start, start+len) and move start to `next`. */
static int emit(struct lines *lr, struct line *out, size_t len, size_t next)
{
	char *text = lr->buf + lr->start;

	if (len > 0 && text[len - 1] == '\r')
		len--;
	out->toolong = len > lr->max;
	if (out->toolong)
		len = lr->max;
	text[len] = '\0';
	out->text = text;
	out->len = len;
	lr->start = next;
	return LINES_OK;
}

int lines_get(struct lines *lr, struct line *out)
{
	size_t avail, look;
	char *nl;

	for (;;) {
		avail = lr->end - lr->start;
		if (lr->skipping) {
			nl = memchr(lr->buf + lr->start, '\n', avail);
			if (nl == NULL) {
				lr->start = lr->end;
				return lr->eof ? LINES_EOF : LINES_AGAIN;
			}
			lr->start = (size_t)(nl - lr->buf) + 1;
			lr->skipping = 0;
			continue;
		}
		/* a line of max bytes, a CR and the LF */
		look = avail < lr->max + 2 ? avail : lr->max + 2;
		nl = memchr(lr->buf + lr->start, '\n', look);
		if (nl != NULL) {
			size_t len = (size_t)(nl - (lr->buf + lr->start));
			return emit(lr, out, len, lr->start + len + 1);
		}
		if (avail >= lr->max + 2) {
			/* too long: hand out its head, skip the rest */
			lr->skipping = 1;
			return emit(lr, out, lr->max + 2, lr->start + lr->max + 2);
		}
		if (lr->eof)
			return avail > 0 ? emit(lr, out, avail, lr->end) : LINES_EOF;
		return LINES_AGAIN;
	}
}

int lines_fill(struct lines *lr)
{
	ssize_t n;

	if (lr->start > 0) {
		memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
		lr->end -= lr->start;
		lr->start = 0;
	}
	/* keep one byte for the NUL of a last line without LF */
	do
		n = read(lr->fd, lr->buf + lr->end, lr->cap - 1 - lr->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0)
		lr->eof = 1;
	lr->end += (size_t)n;
	return 0;
}
