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

/* A string clipped to max bytes (at a character boundary), and its NUL. */
static void put_str(struct quell__buf *b, const char *s, size_t max)
{
	s = s ? s : "";
	quell__buf_cstr(b, s, quell__utf8_clip(s, strlen(s), max));
}

#define LEN_ROOM 3 /* varint bytes kept for an entry's length: up to 2 MiB */

/* The record of the n entries ent[]. */
static void encode_entries(struct quell__buf *b, const struct quell__ent *ent, size_t n)
{
	static const unsigned char room[LEN_ROOM];

	quell__buf_u8(b, QUELL__REC_FORMAT);
	quell__buf_u8(b, (unsigned)n);
	for (size_t i = 0; i < n; i++) {
		const struct quell_entry *e = &ent[i].e;
		size_t lenpos = b->len, extlen = ent[i].extlen;

		quell__buf_put(b, room, LEN_ROOM); /* the length, moved in below */
		quell__buf_u8(b, (unsigned)e->list);
		quell__buf_u8(b, (unsigned)e->source);
		quell__buf_varint(b, (uint64_t)e->code);
		quell__buf_varint(b, e->attempts);
		quell__buf_varint(b, e->count);
		quell__buf_varint(b, quell__zigzag(e->created));
		quell__buf_varint(b, quell__zigzag((int64_t)((uint64_t)e->updated - (uint64_t)e->created)));
		quell__buf_varint(b, quell__zigzag(e->expires));
		quell__buf_varint(b, quell__zigzag(e->until));
		quell__buf_varint(b, quell__zigzag(e->first_failure));
		put_str(b, e->stream, QUELL_STREAM_MAX - 1);
		put_str(b, e->category, QUELL_NAME_MAX - 1);
		put_str(b, e->rule, QUELL_NAME_MAX - 1);
		put_str(b, e->status, QUELL_STATUS_MAX - 1);
		put_str(b, e->reply, QUELL__TEXT_MAX);
		put_str(b, e->reason, QUELL__TEXT_MAX);
		if (extlen > 0xFFFF)
			extlen = 0; /* cannot happen: decide.c bounds ext */
		quell__buf_varint(b, extlen);
		quell__buf_put(b, ent[i].ext, extlen);
		if (!b->oom) {
			size_t len = b->len - lenpos - LEN_ROOM, k = 0;
			unsigned char v[LEN_ROOM];

			while (len >= 0x80 && k < LEN_ROOM - 1) {
				v[k++] = (unsigned char)(len | 0x80);
				len >>= 7;
			}
			v[k++] = (unsigned char)len;
			memcpy(b->data + lenpos, v, k);
			memmove(b->data + lenpos + k, b->data + lenpos + LEN_ROOM,
			        b->len - lenpos - LEN_ROOM);
			b->len -= LEN_ROOM - k;
		}
	}
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
	quell__buf_u8(b, QUELL__EVENT_FORMAT);
	quell__buf_varint(b, quell__zigzag(ev->time));
	quell__buf_varint(b, ev->seq);
	quell__buf_u8(b, (unsigned)ev->list);
	quell__buf_u8(b, (unsigned)ev->source);
	quell__buf_u8(b, (unsigned)ev->action);
	quell__buf_u8(b, (unsigned)ev->verdict);
	quell__buf_varint(b, (uint64_t)ev->code);
	quell__buf_varint(b, quell__zigzag(ev->until));
	put_str(b, ev->origin, QUELL_NAME_MAX - 1);
	put_str(b, ev->stream, QUELL_STREAM_MAX - 1);
	put_str(b, ev->rule, QUELL_NAME_MAX - 1);
	put_str(b, ev->category, QUELL_NAME_MAX - 1);
	put_str(b, ev->status, QUELL_STATUS_MAX - 1);
	put_str(b, ev->reply, QUELL__TEXT_MAX);
	put_str(b, ev->reason, QUELL__TEXT_MAX);
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
