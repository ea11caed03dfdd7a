/*
 * spill.c - the sort of packed rows (pack.c), and sorted runs in
 * temporary files with their k-way merge (see spill.h).
 *
 * A run file is packed rows one after another, in an unlinked file made
 * in $TMPDIR (else /tmp); each run is read back through its own buffered
 * FILE, and the merge keeps one current row per run in a binary heap.
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

#define SPILL_BUF (64u << 10) /* stdio buffer of a run's file */

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

/* 8 bytes of the key at offset off, big-endian, zeros past its end. */
static uint64_t key_bytes(const unsigned char *key, size_t off)
{
	uint64_t v = 0;
	size_t i = 0;

	while (i < off && key[i] != 0)
		i++;
	for (int k = 0; k < 8; k++) {
		v = v << 8 | key[i];
		if (key[i] != 0)
			i++;
	}
	return v;
}

struct quell__slot quell__slot_of(const unsigned char *rec)
{
	const unsigned char *p = skip_varint(rec);
	struct quell__slot s;

	s.pfx = (uint64_t)p[0] << 56 | key_bytes(p + 1, 0) >> 8;
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
		for (size_t k = i; k < j; k++) {
			const unsigned char *key = skip_varint(s[k].rec) + 1;

			s[k].pfx = key_bytes(key, off);
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
	FILE *f;
	char *iobuf;              /* f's buffer (SPILL_BUF), or NULL: stdio's */
	struct quell__slot cur;
	unsigned char *buf;
	size_t cap, len;
};

struct quell__runs {
	struct run *run;
	size_t n, cap;
	size_t *heap, nheap;
	int started;
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

/* A new unlinked file in r->dir, open for writing and reading back. */
static FILE *tmp_open(struct quell__runs *r)
{
	char path[sizeof r->dir + 32];
	FILE *f;
	int fd, e;

	snprintf(path, sizeof path, "%s/quell-import.XXXXXX", r->dir);
	if ((fd = mkstemp(path)) < 0) {
		fail(r, QUELL_EIO, "cannot create", errno);
		return NULL;
	}
	unlink(path);
	if ((f = fdopen(fd, "w+b")) == NULL) {
		e = errno;
		close(fd);
		fail(r, QUELL_EIO, "cannot open", e);
	}
	return f;
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

int quell__runs_spill(struct quell__runs *r, const struct quell__slot *s, size_t n)
{
	struct run *run;
	char *iobuf;
	FILE *f;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct run *p = realloc(r->run, cap * sizeof *p);
		if (p == NULL)
			return fail(r, QUELL_ENOMEM, NULL, 0);
		r->run = p;
		r->cap = cap;
	}
	if ((f = tmp_open(r)) == NULL)
		return QUELL_EIO;
	/* 64 KiB a read or write, not stdio's 4 KiB (1M plain rows are 35 MB
	 * written and read back); without the memory, stdio's own */
	if ((iobuf = malloc(SPILL_BUF)) != NULL && setvbuf(f, iobuf, _IOFBF, SPILL_BUF) != 0) {
		free(iobuf);
		iobuf = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const unsigned char *body = skip_varint(s[i].rec);
		size_t len = (size_t)(body - s[i].rec) + (size_t)get_varint(s[i].rec);

		if (fwrite(s[i].rec, 1, len, f) != len) {
			int e = errno;
			fclose(f);
			free(iobuf);
			return fail(r, QUELL_EIO, "write error", e);
		}
	}
	if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0) {
		int e = errno;
		fclose(f);
		free(iobuf);
		return fail(r, QUELL_EIO, "write error", e);
	}
	run = &r->run[r->n++];
	memset(run, 0, sizeof *run);
	run->f = f;
	run->iobuf = iobuf;
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

/* Read a run's next row: 1, 0 at its end, or an error (r->err set). */
static int advance(struct quell__runs *r, struct run *run)
{
	unsigned char hdr[10];
	size_t k = 0, n;
	uint64_t body = 0;
	int c;

	for (;;) {
		if ((c = getc(run->f)) == EOF) {
			if (k == 0 && !ferror(run->f))
				return 0;
			return ferror(run->f) ? fail(r, QUELL_EIO, "read error", errno)
			                      : fail(r, QUELL_EIO, "a row cut short", 0);
		}
		hdr[k] = (unsigned char)c;
		body |= (uint64_t)(c & 0x7F) << (7 * k);
		k++;
		if (!(c & 0x80))
			break;
		if (k == 4) /* longer than QUELL__PACKED_MAX */
			return fail(r, QUELL_EIO, "a damaged row", 0);
	}
	if (body == 0 || body > QUELL__PACKED_MAX)
		return fail(r, QUELL_EIO, "a damaged row", 0);
	n = k + (size_t)body;
	if (n > run->cap) {
		unsigned char *p = realloc(run->buf, n);
		if (p == NULL)
			return fail(r, QUELL_ENOMEM, NULL, 0);
		run->buf = p;
		run->cap = n;
	}
	memcpy(run->buf, hdr, k);
	if (fread(run->buf + k, 1, (size_t)body, run->f) != body)
		return ferror(run->f) ? fail(r, QUELL_EIO, "read error", errno)
		                      : fail(r, QUELL_EIO, "a row cut short", 0);
	if (!comparable(run->buf + k, (size_t)body))
		return fail(r, QUELL_EIO, "a damaged row", 0);
	run->len = n;
	run->cur = quell__slot_of(run->buf);
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
	*rec = r->run[r->heap[0]].buf;
	*len = r->run[r->heap[0]].len;
	return 1;
}

void quell__runs_free(struct quell__runs *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		if (r->run[i].f != NULL)
			fclose(r->run[i].f);
		free(r->run[i].iobuf);
		free(r->run[i].buf);
	}
	free(r->run);
	free(r->heap);
	free(r);
}
