/*
 * lines.h - read lines from a file descriptor into one fixed buffer, for
 * commands that stream stdin (`check -`).
 *
 * No allocation after lines_init() and no copy: a line is handed out in
 * place, NUL-terminated, with its LF and one trailing CR removed.  Lines
 * stay valid until the next lines_fill(), so a caller gathers the lines
 * already buffered into a batch, works on the batch, then fills again.
 * A line longer than the limit is handed out once, cut to the limit and
 * flagged; the rest of it is skipped.  Knows nothing of what lines mean.
 */
#ifndef QUELL_CLI_LINES_H
#define QUELL_CLI_LINES_H

#include <stddef.h>

struct lines {
	int fd;
	char *buf;
	size_t cap;      /* size of buf */
	size_t start;    /* first byte not handed out */
	size_t end;      /* end of the bytes read */
	size_t max;      /* longest line handed out whole */
	int eof;         /* read(2) returned 0 */
	int skipping;    /* inside the rest of a line too long */
};

struct line {
	char *text;      /* NUL-terminated, in the buffer */
	size_t len;      /* bytes before the NUL (may hold NULs of its own) */
	int toolong;     /* longer than max: text holds its first max bytes */
};

enum { LINES_OK = 1, LINES_EOF = 0, LINES_AGAIN = 2 };

/* Set up to read fd with a buffer of `bufsize` bytes (more than maxline +
 * 2) for lines of up to `maxline` bytes.  0, or -1 when out of memory. */
int lines_init(struct lines *lr, int fd, size_t bufsize, size_t maxline);
void lines_free(struct lines *lr);

/* The next line already in the buffer: LINES_OK with *out set, LINES_AGAIN
 * when a lines_fill() is needed first, LINES_EOF at the end of input. */
int lines_get(struct lines *lr, struct line *out);

/* Make room and read once (retrying on EINTR); lines handed out before
 * are no longer valid.  0, or -1 with errno set. */
int lines_fill(struct lines *lr);

#endif
