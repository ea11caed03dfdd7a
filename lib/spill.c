/*
 * spill.c - sorted runs in temporary files and their k-way merge (see
 * spill.h).
 *
 * A run is a sequence of records: u32 length, then the item's fixed fields
 * (little-endian) and its strings (u32 length, bytes, NUL).  Each run is
 * read back through its own buffered FILE; the merge keeps one current
 * item per run in a binary heap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "record.h"
#include "spill.h"

#define MAX_RECORD (8u * QUELL__ROW_MAX + 1024) /* a row's strings are bounded */

struct run {
	FILE *f;
	struct quell__item cur;
	unsigned char *buf;
	size_t cap;
};

struct quell__runs {
	struct run *run;
	size_t n, cap;
	size_t *heap, nheap;
	int started;
	struct quell__buf out; /* encoding scratch */
};

int quell__item_cmp(const void *a, const void *b)
{
	const struct quell__item *x = a, *y = b;
	int c;

	if (x->scope != y->scope)
		return x->scope - y->scope;
	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return x->row.line < y->row.line ? -1 : x->row.line > y->row.line;
}

int quell__runs_new(struct quell__runs **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : QUELL_ENOMEM;
}

size_t quell__runs_count(const struct quell__runs *r)
{
	return r->n;
}

/* ------------------------------------------------------------- encoding */

static void encode(struct quell__buf *b, const struct quell__item *it)
{
	const struct quell__row *r = &it->row;
	size_t start = b->len;

	quell__buf_u32(b, 0); /* length, patched below */
	quell__buf_u8(b, (unsigned)it->scope);
	quell__buf_u8(b, (unsigned)it->kind);
	quell__buf_u8(b, (unsigned)r->restore);
	quell__buf_i64(b, (int64_t)r->line);
	quell__buf_u32(b, (uint32_t)r->list);
	quell__buf_u32(b, (uint32_t)r->scope);
	quell__buf_u32(b, (uint32_t)r->source);
	quell__buf_u32(b, (uint32_t)r->code);
	quell__buf_u32(b, (uint32_t)it->doff);
	quell__buf_i64(b, r->created);
	quell__buf_i64(b, r->updated);
	quell__buf_i64(b, r->expires);
	quell__buf_i64(b, r->until);
	quell__buf_i64(b, r->first_failure);
	quell__buf_u32(b, r->attempts);
	quell__buf_u32(b, r->count);
	quell__buf_u32(b, r->has);
	quell__wr_str(b, it->key, SIZE_MAX, 4);
	quell__wr_str(b, r->stream, SIZE_MAX, 4);
	quell__wr_str(b, r->category, SIZE_MAX, 4);
	quell__wr_str(b, r->rule, SIZE_MAX, 4);
	quell__wr_str(b, r->status, SIZE_MAX, 4);
	quell__wr_str(b, r->reply, SIZE_MAX, 4);
	quell__wr_str(b, r->reason, SIZE_MAX, 4);
	if (!b->oom) {
		uint32_t n = (uint32_t)(b->len - start - 4);
		for (int k = 0; k < 4; k++)
			b->data[start + (size_t)k] = (unsigned char)(n >> (8 * k));
	}
}

static int decode(struct quell__item *it, const unsigned char *p, size_t len)
{
	struct quell__rd r = { p, p + len, 0 };
	struct quell__row *w = &it->row;

	memset(it, 0, sizeof *it);
	it->scope = (int)quell__rd_uint(&r, 1);
	it->kind = (int)quell__rd_uint(&r, 1);
	w->restore = (int)quell__rd_uint(&r, 1);
	w->line = (size_t)quell__rd_uint(&r, 8);
	w->list = (int)quell__rd_uint(&r, 4);
	w->scope = (int)quell__rd_uint(&r, 4);
	w->source = (int)quell__rd_uint(&r, 4);
	w->code = (int)quell__rd_uint(&r, 4);
	it->doff = (size_t)quell__rd_uint(&r, 4);
	w->created = (int64_t)quell__rd_uint(&r, 8);
	w->updated = (int64_t)quell__rd_uint(&r, 8);
	w->expires = (int64_t)quell__rd_uint(&r, 8);
	w->until = (int64_t)quell__rd_uint(&r, 8);
	w->first_failure = (int64_t)quell__rd_uint(&r, 8);
	w->attempts = (uint32_t)quell__rd_uint(&r, 4);
	w->count = (uint32_t)quell__rd_uint(&r, 4);
	w->has = (unsigned)quell__rd_uint(&r, 4);
	it->key = quell__rd_str(&r, 4);
	w->entry = "";
	w->stream = quell__rd_str(&r, 4);
	w->category = quell__rd_str(&r, 4);
	w->rule = quell__rd_str(&r, 4);
	w->status = quell__rd_str(&r, 4);
	w->reply = quell__rd_str(&r, 4);
	w->reason = quell__rd_str(&r, 4);
	return r.bad || r.p != r.end ? QUELL_EIO : 0;
}

/* ---------------------------------------------------------------- spill */

int quell__runs_spill(struct quell__runs *r, const struct quell__item *const *items, size_t n)
{
	struct run *run;
	FILE *f;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct run *p = realloc(r->run, cap * sizeof *p);
		if (p == NULL)
			return QUELL_ENOMEM;
		r->run = p;
		r->cap = cap;
	}
	if ((f = tmpfile()) == NULL)
		return QUELL_EIO;
	for (size_t i = 0; i < n; i++) {
		r->out.len = 0;
		encode(&r->out, items[i]);
		if (r->out.oom) {
			fclose(f);
			return QUELL_ENOMEM;
		}
		if (fwrite(r->out.data, 1, r->out.len, f) != r->out.len) {
			fclose(f);
			return QUELL_EIO;
		}
	}
	if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return QUELL_EIO;
	}
	run = &r->run[r->n++];
	memset(run, 0, sizeof *run);
	run->f = f;
	return 0;
}

/* ---------------------------------------------------------------- merge */

/* Read run i's next item: 1, 0 at its end, or an error. */
static int advance(struct run *run)
{
	unsigned char len[4];
	size_t n;

	if (fread(len, 1, 4, run->f) != 4)
		return ferror(run->f) ? QUELL_EIO : 0;
	n = (size_t)len[0] | (size_t)len[1] << 8 | (size_t)len[2] << 16 | (size_t)len[3] << 24;
	if (n > MAX_RECORD)
		return QUELL_EIO;
	if (n > run->cap) {
		unsigned char *p = realloc(run->buf, n);
		if (p == NULL)
			return QUELL_ENOMEM;
		run->buf = p;
		run->cap = n;
	}
	if (fread(run->buf, 1, n, run->f) != n)
		return QUELL_EIO;
	return decode(&run->cur, run->buf, n) == 0 ? 1 : QUELL_EIO;
}

static int less(const struct quell__runs *r, size_t a, size_t b)
{
	int c = quell__item_cmp(&r->run[a].cur, &r->run[b].cur);
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

/* The item handed out last lives in its run's buffer: advance that run
 * only on the next call. */
int quell__runs_next(struct quell__runs *r, struct quell__item *out)
{
	int rc;

	if (!r->started) {
		r->started = 1;
		r->heap = malloc((r->n ? r->n : 1) * sizeof *r->heap);
		if (r->heap == NULL)
			return QUELL_ENOMEM;
		for (size_t i = 0; i < r->n; i++) {
			if ((rc = advance(&r->run[i])) < 0)
				return rc;
			if (rc == 1)
				r->heap[r->nheap++] = i;
		}
		for (size_t i = r->nheap / 2; i-- > 0;)
			sift_down(r, i);
	} else if (r->nheap > 0) {
		rc = advance(&r->run[r->heap[0]]);
		if (rc < 0)
			return rc;
		if (rc == 0)
			r->heap[0] = r->heap[--r->nheap];
		sift_down(r, 0);
	}
	if (r->nheap == 0)
		return 0;
	*out = r->run[r->heap[0]].cur;
	return 1;
}

void quell__runs_free(struct quell__runs *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		if (r->run[i].f != NULL)
			fclose(r->run[i].f);
		free(r->run[i].buf);
	}
	free(r->run);
	free(r->heap);
	quell__buf_free(&r->out);
	free(r);
}
