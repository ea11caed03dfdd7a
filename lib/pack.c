/*
 * pack.c - the importer's rows packed into a few bytes, and unpacked
 * (spill.h), for its sort and its runs (spill.c).
 *
 * A packed row: varint length of the rest, u8 scope, the key and a NUL,
 * varint input line, u8 kind | restore << 2, varint domain offset, varint
 * mask of the fields present, then each present field in the order of
 * `enum field`: numbers as varints (times zigzagged), strings with a NUL.
 * A plain row (an address and its line) has no field: packing and
 * unpacking it looks at no field twice.
 */
#include <stdint.h>
#include <string.h>

#include "codec.h"
#include "spill.h"

enum field {
	F_LIST, F_RSCOPE, F_SOURCE, F_CODE, F_ATTEMPTS, F_COUNT, F_HAS,
	F_CREATED, F_UPDATED, F_EXPIRES, F_UNTIL, F_FIRST,
	F_STREAM, F_CATEGORY, F_RULE, F_STATUS, F_REPLY, F_REASON, F_N
};

static unsigned char *wr_varint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

#define VARINT_MAX 10

static int full(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* The mask of the fields of r present: numbers and times not 0, strings
 * not "". */
static uint64_t present(const struct quell__row *r)
{
	uint64_t mask = (uint64_t)(r->has != 0) << F_HAS;

	/* most rows have no number or time besides `has`: one test */
	if (((uint64_t)r->list | (uint64_t)r->scope | (uint64_t)r->source | (uint64_t)r->code |
	     r->attempts | r->count | (uint64_t)r->created | (uint64_t)r->updated |
	     (uint64_t)r->expires | (uint64_t)r->until | (uint64_t)r->first_failure) != 0)
		mask |= (uint64_t)(r->list != 0) << F_LIST | (uint64_t)(r->scope != 0) << F_RSCOPE |
		        (uint64_t)(r->source != 0) << F_SOURCE | (uint64_t)(r->code != 0) << F_CODE |
		        (uint64_t)(r->attempts != 0) << F_ATTEMPTS |
		        (uint64_t)(r->count != 0) << F_COUNT | (uint64_t)(r->created != 0) << F_CREATED |
		        (uint64_t)(r->updated != 0) << F_UPDATED |
		        (uint64_t)(r->expires != 0) << F_EXPIRES | (uint64_t)(r->until != 0) << F_UNTIL |
		        (uint64_t)(r->first_failure != 0) << F_FIRST;
	return mask | (uint64_t)full(r->stream) << F_STREAM |
	       (uint64_t)full(r->category) << F_CATEGORY | (uint64_t)full(r->rule) << F_RULE |
	       (uint64_t)full(r->status) << F_STATUS | (uint64_t)full(r->reply) << F_REPLY |
	       (uint64_t)full(r->reason) << F_REASON;
}

/* The lowest field of a mask that is not 0. */
static int lowest(uint64_t m)
{
	int f = 0;

	while (!(m >> f & 1))
		f++;
	return f;
}

/* Field f of r: a number (its varint; times zigzagged) into *v, or a
 * string returned. */
static const char *field(const struct quell__row *r, int f, uint64_t *v)
{
	switch (f) {
	case F_LIST: *v = (uint64_t)r->list; return NULL;
	case F_RSCOPE: *v = (uint64_t)r->scope; return NULL;
	case F_SOURCE: *v = (uint64_t)r->source; return NULL;
	case F_CODE: *v = (uint64_t)r->code; return NULL;
	case F_ATTEMPTS: *v = r->attempts; return NULL;
	case F_COUNT: *v = r->count; return NULL;
	case F_HAS: *v = r->has; return NULL;
	case F_CREATED: *v = quell__zigzag(r->created); return NULL;
	case F_UPDATED: *v = quell__zigzag(r->updated); return NULL;
	case F_EXPIRES: *v = quell__zigzag(r->expires); return NULL;
	case F_UNTIL: *v = quell__zigzag(r->until); return NULL;
	case F_FIRST: *v = quell__zigzag(r->first_failure); return NULL;
	case F_STREAM: return r->stream;
	case F_CATEGORY: return r->category;
	case F_RULE: return r->rule;
	case F_STATUS: return r->status;
	case F_REPLY: return r->reply;
	default: return r->reason;
	}
}

/* Written into room made once for the whole row (a buf_put per field cost
 * more than the rest of the packing); only the fields present are looked
 * at twice (a plain row has none).  The body is written after one byte
 * for its length, and moved only when its length needs more. */
void quell__item_pack(struct quell__buf *b, const struct quell__item *it)
{
	const struct quell__row *r = &it->row;
	uint64_t mask = present(r), v;
	size_t klen = strlen(it->key), slen[F_N - F_STREAM], need, body;
	unsigned char *start, *p, lenb[VARINT_MAX];

	/* the length prefix's room, scope, key, line, kind, offset, mask, and
	 * each number at its longest, then the strings */
	need = VARINT_MAX + 1 + klen + 1 + VARINT_MAX + 1 + 2 * VARINT_MAX + 12 * VARINT_MAX;
	for (uint64_t m = mask >> F_STREAM << F_STREAM; m != 0; m &= m - 1) {
		int f = lowest(m);

		slen[f - F_STREAM] = strlen(field(r, f, &v));
		need += slen[f - F_STREAM] + 1;
	}
	if (quell__buf_grow(b, need) != 0)
		return;
	start = b->data + b->len;
	p = start + 1;
	*p++ = (unsigned char)it->scope;
	memcpy(p, it->key, klen + 1);
	p += klen + 1;
	p = wr_varint(p, r->line);
	*p++ = (unsigned char)((unsigned)(it->kind & 3) | (unsigned)(r->restore != 0) << 2);
	p = wr_varint(p, it->doff);
	p = wr_varint(p, mask);
	for (uint64_t m = mask; m != 0; m &= m - 1) {
		int f = lowest(m);
		const char *str = field(r, f, &v);

		if (str == NULL) {
			p = wr_varint(p, v);
		} else {
			memcpy(p, str, slen[f - F_STREAM] + 1);
			p += slen[f - F_STREAM] + 1;
		}
	}
	body = (size_t)(p - start) - 1;
	if (body < 0x80) {
		start[0] = (unsigned char)body;
		b->len += 1 + body;
	} else {
		size_t k = (size_t)(wr_varint(lenb, body) - lenb);

		memmove(start + k, start + 1, body);
		memcpy(start, lenb, k);
		b->len += k + body;
	}
	b->data[b->len] = '\0';
}

size_t quell__packed_size(const unsigned char *p, size_t avail)
{
	struct quell__rd r = { p, p + avail, 0 };
	uint64_t n = quell__rd_varint(&r);
	size_t hdr = (size_t)(r.p - p);

	if (r.bad || n == 0 || n > QUELL__PACKED_MAX || n > avail - hdr)
		return 0;
	return hdr + (size_t)n;
}

/* A varint at r, as quell__rd_varint reads it, without a call. */
static uint64_t rd_varint(struct quell__rd *r)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64 && r->p < r->end; shift += 7) {
		unsigned c = *r->p++;

		v |= (uint64_t)(c & 0x7F) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = 1;
	return 0;
}

/* A byte at r, without a call. */
static unsigned rd_u8(struct quell__rd *r)
{
	if (r->p == r->end) {
		r->bad = 1;
		return 0;
	}
	return *r->p++;
}

/* Field f of w, read from r. */
static void set_field(struct quell__row *w, int f, struct quell__rd *r)
{
	uint64_t v = f < F_STREAM ? rd_varint(r) : 0;

	switch (f) {
	case F_LIST: w->list = (int)v; break;
	case F_RSCOPE: w->scope = (int)v; break;
	case F_SOURCE: w->source = (int)v; break;
	case F_CODE: w->code = (int)v; break;
	case F_ATTEMPTS: w->attempts = (uint32_t)v; break;
	case F_COUNT: w->count = (uint32_t)v; break;
	case F_HAS: w->has = (unsigned)v; break;
	case F_CREATED: w->created = quell__unzigzag(v); break;
	case F_UPDATED: w->updated = quell__unzigzag(v); break;
	case F_EXPIRES: w->expires = quell__unzigzag(v); break;
	case F_UNTIL: w->until = quell__unzigzag(v); break;
	case F_FIRST: w->first_failure = quell__unzigzag(v); break;
	case F_STREAM: w->stream = quell__rd_cstr(r); break;
	case F_CATEGORY: w->category = quell__rd_cstr(r); break;
	case F_RULE: w->rule = quell__rd_cstr(r); break;
	case F_STATUS: w->status = quell__rd_cstr(r); break;
	case F_REPLY: w->reply = quell__rd_cstr(r); break;
	default: w->reason = quell__rd_cstr(r); break;
	}
}

int quell__item_unpack(struct quell__item *it, const unsigned char *p, size_t len)
{
	struct quell__rd r = { p, p + len, 0 };
	struct quell__row *w = &it->row;
	uint64_t mask, n;
	size_t klen = 0;
	unsigned bits;

	memset(it, 0, sizeof *it);
	w->entry = w->stream = w->category = w->rule = w->status = w->reply = w->reason = "";
	n = rd_varint(&r);
	if (r.bad || n != (uint64_t)(r.end - r.p))
		return -1;
	it->scope = (int)rd_u8(&r);
	it->key = quell__rd_cstr(&r);
	if (!r.bad)
		klen = (size_t)(r.p - (const unsigned char *)it->key) - 1;
	w->line = (size_t)rd_varint(&r);
	bits = rd_u8(&r);
	it->kind = (int)(bits & 3);
	w->restore = (int)(bits >> 2 & 1);
	it->doff = (size_t)rd_varint(&r);
	mask = rd_varint(&r);
	if (r.bad || (mask >> F_N) != 0)
		return -1;
	for (uint64_t m = mask; m != 0; m &= m - 1)
		set_field(w, lowest(m), &r);
	if (r.bad || r.p != r.end || it->doff > klen)
		return -1;
	return 0;
}
