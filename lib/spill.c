/*
 * spill.c - the sort of packed rows (pack.c), and sorted runs in
 * temporary files with their k-way merge (see spill.h).
 *
 * A run file is packed rows one after another, in an unlinked file made
 * in $TMPDIR (else /tmp), written and read back SPILL_BUF bytes a system
 * call through buffers of our own (stdio's cost more than the rest of
 * the merge: a call a row, and a copy); the merge keeps one current row
 * per run, in its read buffer, in a binary heap.
 * Failures leave one message (quell__runs_error) that says what failed
 * where: "temporary file in /tmp: write error: No space left on device".
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "spill.h"

#define SPILL_BUF (64u << 10) /* bytes a write or read of a run's file */

/* ------------------------------------------------------------- sorting */

static const unsigned char *skip_varint(const unsigned char *p)
{
	while (*p & 0x80)
		p++;
	return p + 1;
}

static uint64_t get_varint(const unsigned char *p)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7, p++) {
		v |= (uint64_t)(*p & 0x7F) << shift;
		if (!(*p & 0x80))
			break;
	}
	return v;
}

/* The end of the packed row at rec (its length prefix says where). */
static const unsigned char *rec_end(const unsigned char *rec)
{
	return skip_varint(rec) + get_varint(rec);
}

/* The 8 bytes at p, big-endian, each from the first NUL on read as 0
 * (byte 0 is no key byte when `from` is 1: a NUL there does not count).
 * p[0, end) is one packed row: when 8 bytes fit, one load and a mask
 * (t: 0x80 in each byte that is 0, exact, then in every byte after the
 * first), else a byte at a time. */
static uint64_t word_at(const unsigned char *p, const unsigned char *end, int from)
{
	const uint64_t lo = UINT64_C(0x7F7F7F7F7F7F7F7F);
	uint64_t w, t;

	if (end - p < 8) {
		int ended = 0;

		w = 0;
		for (int k = 0; k < 8; k++) {
			unsigned c = p + k < end ? p[k] : 0;

			ended |= k >= from && c == 0;
			w = w << 8 | (ended ? 0 : c);
		}
		return w;
	}
	w = quell__be64_get(p);
	t = ~(((w & lo) + lo) | w | lo);
	if (from)
		t &= ~(UINT64_C(0xFF) << 56);
	t |= t >> 8;
	t |= t >> 16;
	t |= t >> 32;
	return w & ~((t >> 7) * 0xFF);
}

struct quell__slot quell__slot_of(const unsigned char *rec)
{
	struct quell__slot s;

	/* the scope, then the key's first 7 bytes */
	s.pfx = word_at(skip_varint(rec), rec_end(rec), 1);
	s.rec = rec;
	return s;
}

/* Rows the packer wrote or the merge checked: scope, key, line. */
static int rec_cmp(const unsigned char *a, const unsigned char *b)
{
	uint64_t la, lb;
	int c;

	a = skip_varint(a);
	b = skip_varint(b);
	if (*a != *b)
		return *a < *b ? -1 : 1;
	a++;
	b++;
	if ((c = strcmp((const char *)a, (const char *)b)) != 0)
		return c;
	la = get_varint(a + strlen((const char *)a) + 1);
	lb = get_varint(b + strlen((const char *)b) + 1);
	return la < lb ? -1 : la > lb;
}

static int slot_cmp(const void *x, const void *y)
{
	const struct quell__slot *a = x, *b = y;

	if (a->pfx != b->pfx)
		return a->pfx < b->pfx ? -1 : 1;
	return rec_cmp(a->rec, b->rec);
}

#define SMALL 48 /* groups this small are sorted by insertion, by pfx and
                     where it ties by key and line: cheaper than radix
                     passes over 256 counters each */

/* s[0..n) share everything before the bytes their pfx holds (depth 0:
 * nothing; depth d: the scope and the key's first 7 + 8 (d - 1) bytes).
 * LSD radix on pfx, a byte a pass (passes where every pfx has the same
 * byte are skipped); it is stable, and the rows came in line order, so
 * equal keys stay in line order.  Groups left with equal pfx are sorted on
 * the key's next 8 bytes. */
static void sort_at(struct quell__slot *s, struct quell__slot *tmp, size_t n, size_t depth)
{
	struct quell__slot *src = s, *dst = tmp, *t;
	size_t count[256], i, j;

	if (n < SMALL) {
		for (i = 1; i < n; i++) {
			struct quell__slot x = s[i];

			for (j = i; j > 0 && slot_cmp(&x, &s[j - 1]) < 0; j--)
				s[j] = s[j - 1];
			s[j] = x;
		}
		return;
	}
	for (int shift = 0; shift < 64; shift += 8) {
		memset(count, 0, sizeof count);
		for (i = 0; i < n; i++)
			count[src[i].pfx >> shift & 0xFF]++;
		if (count[src[0].pfx >> shift & 0xFF] == n)
			continue;
		for (i = 0, j = 0; i < 256; i++) {
			size_t c = count[i];
			count[i] = j;
			j += c;
		}
		for (i = 0; i < n; i++)
			dst[count[src[i].pfx >> shift & 0xFF]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != s)
		memcpy(s, src, n * sizeof *s);
	for (i = 0; i < n; i = j) {
		size_t off = 7 + 8 * depth; /* the key bytes after those pfx held */
		int more = 0;

		for (j = i + 1; j < n && s[j].pfx == s[i].pfx; j++)
			;
		if (j - i < 2 || (s[i].pfx & 0xFF) == 0)
			continue; /* alone, or the keys ended: equal, in line order */
		/* their keys are longer than off (byte off - 1 is not 0) */
		for (size_t k = i; k < j; k++) {
			const unsigned char *key = skip_varint(s[k].rec) + 1;

			s[k].pfx = word_at(key + off, rec_end(s[k].rec), 0);
			more |= s[k].pfx != 0;
		}
		if (more)
			sort_at(s + i, tmp, j - i, depth + 1);
	}
}

void quell__slots_sort(struct quell__slot *s, struct quell__slot *tmp, size_t n)
{
	sort_at(s, tmp, n, 0);
}

/* ---------------------------------------------------------------- spill */

struct run {
	int fd;                   /* the unlinked file, or -1 */
	off_t off;                /* where its next read starts */
	int eof;
	unsigned char *buf;       /* read buffer: buf[beg, end) not handed out */
	size_t cap, beg, end;
	struct quell__slot cur;   /* the run's current row, in buf */
	size_t len;               /* its bytes */
};

struct quell__runs {
	struct run *run;
	size_t n, cap;
	size_t *heap, nheap;
	int started;
	unsigned char *wbuf;    /* rows on their way to a run file (SPILL_BUF) */
	char dir[256];          /* where the files are */
	char err[512];          /* what failed last */
};

/* Set r->err to "temporary file in DIR: what[: strerror(e)]"; returns rc. */
static int fail(struct quell__runs *r, int rc, const char *what, int e)
{
	if (rc == QUELL_ENOMEM)
		snprintf(r->err, sizeof r->err, "out of memory");
	else if (e != 0)
		snprintf(r->err, sizeof r->err, "temporary file in %s: %s: %s", r->dir, what,
		         strerror(e));
	else
		snprintf(r->err, sizeof r->err, "temporary file in %s: %s", r->dir, what);
	return rc;
}

const char *quell__runs_error(const struct quell__runs *r)
{
	return r->err[0] != '\0' ? r->err : "temporary files: no error";
}

/* A new unlinked file in r->dir, open for writing and reading back: its
 * descriptor, or -1. */
static int tmp_open(struct quell__runs *r)
{
	char path[sizeof r->dir + 32];
	int fd;

	snprintf(path, sizeof path, "%s/quell-import.XXXXXX", r->dir);
	if ((fd = mkstemp(path)) < 0) {
		fail(r, QUELL_EIO, "cannot create", errno);
		return -1;
	}
	unlink(path);
	return fd;
}

int quell__runs_new(struct quell__runs **out)
{
	const char *dir = getenv("TMPDIR");
	int n;

	*out = calloc(1, sizeof **out);
	if (*out == NULL)
		return QUELL_ENOMEM;
	if (dir == NULL || *dir != '/')
		dir = "/tmp";
	n = snprintf((*out)->dir, sizeof (*out)->dir, "%s", dir);
	if (n < 0 || (size_t)n >= sizeof (*out)->dir)
		snprintf((*out)->dir, sizeof (*out)->dir, "/tmp");
	return 0;
}

size_t quell__runs_count(const struct quell__runs *r)
{
	return r->n;
}

/* Write p[0..n) to fd: 0, or the errno of the failure. */
static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The rows s[0..n) to fd, SPILL_BUF bytes a write(2) (1M plain rows are
 * 35 MB written and read back): 0 or the errno of the failure. */
static int write_rows(struct quell__runs *r, int fd, const struct quell__slot *s, size_t n)
{
	size_t used = 0;
	int e;

	for (size_t i = 0; i < n; i++) {
		const unsigned char *body = skip_varint(s[i].rec);
		size_t len = (size_t)(body - s[i].rec) + (size_t)get_varint(s[i].rec);

		if (len > SPILL_BUF - used) {
			if ((e = write_all(fd, r->wbuf, used)) != 0)
				return e;
			used = 0;
		}
		if (len > SPILL_BUF) {
			if ((e = write_all(fd, s[i].rec, len)) != 0)
				return e;
			continue;
		}
		memcpy(r->wbuf + used, s[i].rec, len);
		used += len;
	}
	return write_all(fd, r->wbuf, used);
}

int quell__runs_spill(struct quell__runs *r, const struct quell__slot *s, size_t n)
{
	struct run *run;
	int fd, e;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct run *p = realloc(r->run, cap * sizeof *p);
		if (p == NULL)
			return fail(r, QUELL_ENOMEM, NULL, 0);
		r->run = p;
		r->cap = cap;
	}
	if (r->wbuf == NULL && (r->wbuf = malloc(SPILL_BUF)) == NULL)
		return fail(r, QUELL_ENOMEM, NULL, 0);
	if ((fd = tmp_open(r)) < 0)
		return QUELL_EIO;
	if ((e = write_rows(r, fd, s, n)) != 0) {
		close(fd);
		return fail(r, QUELL_EIO, "write error", e);
	}
	run = &r->run[r->n++];
	memset(run, 0, sizeof *run);
	run->fd = fd;
	return 0;
}

/* ---------------------------------------------------------------- merge */

/* Whether the body of a packed row read back holds what the merge
 * compares (slot_of, rec_cmp): a scope, a key with its NUL and the whole
 * varint of its line.  The rest is checked where the row is unpacked, once
 * (the importer's add_row). */
static int comparable(const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len, *nul;

	if (len < 2 || (nul = memchr(p + 1, 0, len - 1)) == NULL)
		return 0;
	for (p = nul + 1; p < end && p - nul <= 10; p++)
		if (!(*p & 0x80))
			return 1;
	return 0;
}

/* At least `want` bytes of the run not handed out in its buffer, unless
 * the file ends first: the bytes there are, or an error (r->err set).
 * Moves what is left to the buffer's start. */
static ssize_t fill(struct quell__runs *r, struct run *run, size_t want)
{
	size_t cap = want > SPILL_BUF ? want : SPILL_BUF;

	if (run->end - run->beg >= want || run->eof)
		return (ssize_t)(run->end - run->beg);
	if (cap > run->cap) {
		unsigned char *p = realloc(run->buf, cap);
		if (p == NULL)
			return fail(r, QUELL_ENOMEM, NULL, 0);
		run->buf = p;
		run->cap = cap;
	}
	memmove(run->buf, run->buf + run->beg, run->end - run->beg);
	run->end -= run->beg;
	run->beg = 0;
	while (run->end < want && !run->eof) {
		ssize_t got = pread(run->fd, run->buf + run->end, run->cap - run->end, run->off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return fail(r, QUELL_EIO, "read error", errno);
		run->eof = got == 0;
		run->end += (size_t)got;
		run->off += got;
	}
	return (ssize_t)run->end;
}

/* Read a run's next row: 1, 0 at its end, or an error (r->err set). */
static int advance(struct quell__runs *r, struct run *run)
{
	const unsigned char *p;
	ssize_t avail;
	size_t k = 0, n;
	uint64_t body = 0;

	if ((avail = fill(r, run, 4)) <= 0)
		return (int)avail;
	p = run->buf + run->beg;
	for (;;) {
		if (k == (size_t)avail)
			return fail(r, QUELL_EIO, "a row cut short", 0);
		body |= (uint64_t)(p[k] & 0x7F) << (7 * k);
		if (!(p[k++] & 0x80))
			break;
		if (k == 4) /* longer than QUELL__PACKED_MAX */
			return fail(r, QUELL_EIO, "a damaged row", 0);
	}
	if (body == 0 || body > QUELL__PACKED_MAX)
		return fail(r, QUELL_EIO, "a damaged row", 0);
	n = k + (size_t)body;
	if ((avail = fill(r, run, n)) < 0)
		return (int)avail;
	if ((size_t)avail < n)
		return fail(r, QUELL_EIO, "a row cut short", 0);
	p = run->buf + run->beg;
	if (!comparable(p + k, (size_t)body))
		return fail(r, QUELL_EIO, "a damaged row", 0);
	run->beg += n;
	run->len = n;
	run->cur = quell__slot_of(p);
	return 1;
}

static int less(const struct quell__runs *r, size_t a, size_t b)
{
	int c = slot_cmp(&r->run[a].cur, &r->run[b].cur);
	return c < 0 || (c == 0 && a < b);
}

static void sift_down(struct quell__runs *r, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i, t;

		if (l < r->nheap && less(r, r->heap[l], r->heap[m]))
			m = l;
		if (l + 1 < r->nheap && less(r, r->heap[l + 1], r->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = r->heap[i];
		r->heap[i] = r->heap[m];
		r->heap[m] = t;
		i = m;
	}
}

/* The row handed out last lives in its run's buffer: advance that run
 * only on the next call. */
int quell__runs_next(struct quell__runs *r, const unsigned char **rec, size_t *len)
{
	int rc;

	if (!r->started) {
		r->started = 1;
		r->heap = malloc((r->n ? r->n : 1) * sizeof *r->heap);
		if (r->heap == NULL)
			return fail(r, QUELL_ENOMEM, NULL, 0);
		for (size_t i = 0; i < r->n; i++) {
			if ((rc = advance(r, &r->run[i])) < 0)
				return rc;
			if (rc == 1)
				r->heap[r->nheap++] = i;
		}
		for (size_t i = r->nheap / 2; i-- > 0;)
			sift_down(r, i);
	} else if (r->nheap > 0) {
		rc = advance(r, &r->run[r->heap[0]]);
		if (rc < 0)
			return rc;
		if (rc == 0)
			r->heap[0] = r->heap[--r->nheap];
		sift_down(r, 0);
	}
	if (r->nheap == 0)
		return 0;
	*rec = r->run[r->heap[0]].cur.rec;
	*len = r->run[r->heap[0]].len;
	return 1;
}

void quell__runs_free(struct quell__runs *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		if (r->run[i].fd >= 0)
			close(r->run[i].fd);
		free(r->run[i].buf);
	}
	free(r->run);
	free(r->heap);
	free(r->wbuf);
	free(r);
}
