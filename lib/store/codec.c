/*
 * codec.c - encode and decode key records and history events (layout in
 * codec.h).  Bounds are checked on every read; nothing is allocated.
 */
#include <string.h>

#include "codec.h"
#include "text.h"

uint64_t quell__rd_uint(struct quell__rd *r, int n)
{
	uint64_t v = 0;

	if (r->bad || r->end - r->p < n) {
		r->bad = 1;
		return 0;
	}
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | r->p[i];
	r->p += n;
	return v;
}

const char *quell__rd_str(struct quell__rd *r, int lenbytes)
{
	size_t n = (size_t)quell__rd_uint(r, lenbytes);
	const char *s;

	if (r->bad || (size_t)(r->end - r->p) < n + 1 || r->p[n] != '\0') {
		r->bad = 1;
		return "";
	}
	s = (const char *)r->p;
	r->p += n + 1;
	return s;
}

uint64_t quell__rd_varint(struct quell__rd *r)
{
	uint64_t v = 0;

	for (int shift = 0; !r->bad; shift += 7) {
		unsigned c;

		if (r->p == r->end || shift > 63) {
			r->bad = 1;
			break;
		}
		c = *r->p++;
		v |= (uint64_t)(c & 0x7F) << shift;
		if (!(c & 0x80))
			return v;
	}
	return 0;
}

const char *quell__rd_cstr(struct quell__rd *r)
{
	const unsigned char *nul;
	const char *s;

	if (r->bad || (nul = memchr(r->p, 0, (size_t)(r->end - r->p))) == NULL) {
		r->bad = 1;
		return "";
	}
	s = (const char *)r->p;
	r->p = nul + 1;
	return s;
}

void quell__wr_str(struct quell__buf *b, const char *s, size_t max, int lenbytes)
{
	size_t n = s ? strlen(s) : 0;

	n = quell__utf8_clip(s ? s : "", n, max);
	if (lenbytes == 2)
		quell__buf_u16(b, (unsigned)n);
	else
		quell__buf_u32(b, (uint32_t)n);
	quell__buf_put(b, s, n);
	quell__buf_u8(b, 0);
}

int quell__rec_begin(struct quell__rec_iter *it, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len < 2 || (p[0] != QUELL__REC_FORMAT && p[0] != 1))
		return -1;
	it->format = p[0];
	it->p = p + 2;
	it->end = p + len;
	it->left = p[1];
	return 0;
}

static void next_v1(struct quell__rd *r, struct quell__ent *out)
{
	struct quell_entry *e = &out->e;

	e->list = (int)quell__rd_uint(r, 1);
	e->source = (int)quell__rd_uint(r, 1);
	e->code = (int)quell__rd_uint(r, 2);
	e->attempts = (uint32_t)quell__rd_uint(r, 4);
	e->count = (uint32_t)quell__rd_uint(r, 4);
	e->created = (int64_t)quell__rd_uint(r, 8);
	e->updated = (int64_t)quell__rd_uint(r, 8);
	e->expires = (int64_t)quell__rd_uint(r, 8);
	e->until = (int64_t)quell__rd_uint(r, 8);
	e->first_failure = (int64_t)quell__rd_uint(r, 8);
	e->stream = quell__rd_str(r, 2);
	e->category = quell__rd_str(r, 2);
	e->rule = quell__rd_str(r, 2);
	e->status = quell__rd_str(r, 2);
	e->reply = quell__rd_str(r, 2);
	e->reason = quell__rd_str(r, 2);
	out->extlen = (size_t)quell__rd_uint(r, 2);
}

static void next_v2(struct quell__rd *r, struct quell__ent *out)
{
	struct quell_entry *e = &out->e;

	e->list = (int)quell__rd_uint(r, 1);
	e->source = (int)quell__rd_uint(r, 1);
	e->code = (int)quell__rd_varint(r);
	e->attempts = (uint32_t)quell__rd_varint(r);
	e->count = (uint32_t)quell__rd_varint(r);
	e->created = quell__unzigzag(quell__rd_varint(r));
	e->updated = (int64_t)((uint64_t)e->created + (uint64_t)quell__unzigzag(quell__rd_varint(r)));
	e->expires = quell__unzigzag(quell__rd_varint(r));
	e->until = quell__unzigzag(quell__rd_varint(r));
	e->first_failure = quell__unzigzag(quell__rd_varint(r));
	e->stream = quell__rd_cstr(r);
	e->category = quell__rd_cstr(r);
	e->rule = quell__rd_cstr(r);
	e->status = quell__rd_cstr(r);
	e->reply = quell__rd_cstr(r);
	e->reason = quell__rd_cstr(r);
	out->extlen = (size_t)quell__rd_varint(r);
}

int quell__rec_next(struct quell__rec_iter *it, struct quell__ent *out)
{
	struct quell__rd r;
	size_t elen;

	if (it->left == 0)
		return it->p == it->end ? 0 : -1;
	r.p = it->p;
	r.end = it->end;
	r.bad = 0;
	elen = it->format == 1 ? (size_t)quell__rd_uint(&r, 4) : (size_t)quell__rd_varint(&r);
	if (r.bad || (size_t)(r.end - r.p) < elen)
		return -1;
	r.end = r.p + elen;
	if (it->format == 1)
		next_v1(&r, out);
	else
		next_v2(&r, out);
	if (r.bad || (size_t)(r.end - r.p) != out->extlen)
		return -1;
	out->ext = r.p;
	it->p = r.end;
	it->left--;
	return 1;
}

int quell__rec_decode(struct quell__rec *r, const void *data, size_t len)
{
	struct quell__rec_iter it;
	int rc = 0;

	r->n = 0;
	if (quell__rec_begin(&it, data, len) != 0)
		return -1;
	while (r->n < QUELL__REC_MAX && (rc = quell__rec_next(&it, &r->ent[r->n])) == 1)
		r->n++;
	return r->n == QUELL__REC_MAX && it.left > 0 ? -1 : (rc < 0 ? -1 : 0);
}

/* quell__rd_cstr in quell__rd_str's shape. */
static const char *v2_str(struct quell__rd *r, int unused)
{
	(void)unused;
	return quell__rd_cstr(r);
}

/* Encoding writes into room made once for the whole entry or event (an
 * append through quell__buf_put per field cost ten times the bytes it
 * wrote: the import path encodes three values a row).  The bytes are
 * those a field-by-field append would make. */

static unsigned char *wr_varint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

/* n bytes of s and a NUL (most strings of an entry or event are empty:
 * no call for them). */
static unsigned char *wr_cstr(unsigned char *p, const char *s, size_t n)
{
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p + n + 1;
}

#define STR_N 7 /* strings of an event; an entry has 6 */

/* The strings s[0..n), NULL as "", clipped to max[] bytes at a character
 * boundary: lengths into len[]; returns the bytes they need with their
 * NULs. */
static size_t clip_all(const char **s, const size_t *max, size_t *len, int n)
{
	size_t need = 0;

	for (int i = 0; i < n; i++) {
		size_t k;

		if (s[i] == NULL || s[i][0] == '\0') {
			s[i] = "";
			len[i] = 0;
			continue;
		}
		k = strlen(s[i]);
		len[i] = k <= max[i] ? k : quell__utf8_clip(s[i], k, max[i]);
		need += len[i];
	}
	return need + (size_t)n;
}

#define LEN_ROOM 3 /* varint bytes kept for an entry's length: up to 2 MiB */
#define VARINT_MAX 10

/* One entry of a record: its length, then its fields. */
static void encode_entry(struct quell__buf *b, const struct quell__ent *ent)
{
	static const size_t max[6] = { QUELL_STREAM_MAX - 1, QUELL_NAME_MAX - 1,
		                       QUELL_NAME_MAX - 1,   QUELL_STATUS_MAX - 1,
		                       QUELL__TEXT_MAX,      QUELL__TEXT_MAX };
	const struct quell_entry *e = &ent->e;
	const char *str[6] = { e->stream, e->category, e->rule, e->status, e->reply, e->reason };
	size_t len[6], extlen = ent->extlen, body, k = 0;
	unsigned char *start, *p, v[LEN_ROOM];

	if (extlen > 0xFFFF)
		extlen = 0; /* cannot happen: decide.c bounds ext */
	body = clip_all(str, max, len, 6) + 2 + 9 * VARINT_MAX + extlen;
	if (quell__buf_grow(b, LEN_ROOM + body) != 0)
		return;
	start = b->data + b->len;
	p = start + 1; /* the length: one byte, else the body moves up below */
	*p++ = (unsigned char)e->list;
	*p++ = (unsigned char)e->source;
	p = wr_varint(p, (uint64_t)e->code);
	p = wr_varint(p, e->attempts);
	p = wr_varint(p, e->count);
	p = wr_varint(p, quell__zigzag(e->created));
	p = wr_varint(p, quell__zigzag((int64_t)((uint64_t)e->updated - (uint64_t)e->created)));
	p = wr_varint(p, quell__zigzag(e->expires));
	p = wr_varint(p, quell__zigzag(e->until));
	p = wr_varint(p, quell__zigzag(e->first_failure));
	for (int i = 0; i < 6; i++)
		p = wr_cstr(p, str[i], len[i]);
	p = wr_varint(p, extlen);
	if (extlen > 0) {
		memcpy(p, ent->ext, extlen);
		p += extlen;
	}
	body = (size_t)(p - start) - 1;
	for (size_t n = body; k < LEN_ROOM; n >>= 7) {
		if (n < 0x80 || k == LEN_ROOM - 1) {
			v[k++] = (unsigned char)n;
			break;
		}
		v[k++] = (unsigned char)(n | 0x80);
	}
	if (k > 1)
		memmove(start + k, start + 1, body);
	memcpy(start, v, k);
	b->len += k + body;
	b->data[b->len] = '\0';
}

/* The record of the n entries ent[]. */
static void encode_entries(struct quell__buf *b, const struct quell__ent *ent, size_t n)
{
	quell__buf_u8(b, QUELL__REC_FORMAT);
	quell__buf_u8(b, (unsigned)n);
	for (size_t i = 0; i < n; i++)
		encode_entry(b, &ent[i]);
}

void quell__rec_encode(struct quell__buf *b, const struct quell__rec *r)
{
	encode_entries(b, r->ent, r->n);
}

void quell__rec_encode_one(struct quell__buf *b, const struct quell__ent *ent)
{
	encode_entries(b, ent, 1);
}

int quell__rec_find(const struct quell__rec *r, int list, const char *stream)
{
	if (stream == NULL)
		stream = "";
	for (size_t i = 0; i < r->n; i++)
		if (r->ent[i].e.list == list && strcmp(r->ent[i].e.stream, stream) == 0)
			return (int)i;
	return -1;
}

void quell__rec_remove(struct quell__rec *r, size_t i)
{
	if (i >= r->n)
		return;
	memmove(&r->ent[i], &r->ent[i + 1], (r->n - i - 1) * sizeof r->ent[0]);
	r->n--;
}

void quell__event_encode(struct quell__buf *b, const struct quell_event *ev)
{
	static const size_t max[STR_N] = { QUELL_NAME_MAX - 1,   QUELL_STREAM_MAX - 1,
		                           QUELL_NAME_MAX - 1,   QUELL_NAME_MAX - 1,
		                           QUELL_STATUS_MAX - 1, QUELL__TEXT_MAX,
		                           QUELL__TEXT_MAX };
	const char *str[STR_N] = { ev->origin, ev->stream, ev->rule,  ev->category,
		                   ev->status, ev->reply,  ev->reason };
	size_t len[STR_N], need = clip_all(str, max, len, STR_N) + 5 + 4 * VARINT_MAX;
	unsigned char *p;

	if (quell__buf_grow(b, need) != 0)
		return;
	p = b->data + b->len;
	*p++ = QUELL__EVENT_FORMAT;
	p = wr_varint(p, quell__zigzag(ev->time));
	p = wr_varint(p, ev->seq);
	*p++ = (unsigned char)ev->list;
	*p++ = (unsigned char)ev->source;
	*p++ = (unsigned char)ev->action;
	*p++ = (unsigned char)ev->verdict;
	p = wr_varint(p, (uint64_t)ev->code);
	p = wr_varint(p, quell__zigzag(ev->until));
	for (int i = 0; i < STR_N; i++)
		p = wr_cstr(p, str[i], len[i]);
	b->len = (size_t)(p - b->data);
	b->data[b->len] = '\0';
}

int quell__event_decode(struct quell_event *ev, const void *data, size_t len)
{
	struct quell__rd r = { data, (const unsigned char *)data + len, 0 };
	const char *(*str)(struct quell__rd *, int);
	unsigned format = (unsigned)quell__rd_uint(&r, 1);

	if (format == 1) {
		ev->time = (int64_t)quell__rd_uint(&r, 8);
		ev->seq = quell__rd_uint(&r, 8);
	} else if (format == QUELL__EVENT_FORMAT) {
		ev->time = quell__unzigzag(quell__rd_varint(&r));
		ev->seq = quell__rd_varint(&r);
	} else {
		return -1;
	}
	ev->list = (int)quell__rd_uint(&r, 1);
	ev->source = (int)quell__rd_uint(&r, 1);
	ev->action = (int)quell__rd_uint(&r, 1);
	ev->verdict = (int)quell__rd_uint(&r, 1);
	if (format == 1) {
		ev->code = (int)quell__rd_uint(&r, 2);
		ev->until = (int64_t)quell__rd_uint(&r, 8);
		str = quell__rd_str;
	} else {
		ev->code = (int)quell__rd_varint(&r);
		ev->until = quell__unzigzag(quell__rd_varint(&r));
		str = v2_str;
	}
	ev->origin = str(&r, 2);
	ev->stream = str(&r, 2);
	ev->rule = str(&r, 2);
	ev->category = str(&r, 2);
	ev->status = str(&r, 2);
	ev->reply = str(&r, 2);
	ev->reason = str(&r, 2);
	return r.bad || r.p != r.end ? -1 : 0;
}
