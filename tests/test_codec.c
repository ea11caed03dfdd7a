/*
 * test_codec.c - the stored byte layouts (codec.h) and the importer's
 * packed rows (spill.h): round trips of every field at its edges, format-1
 * values (written before the varint format) still read, and every
 * truncation of a value refused without reading past it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "codec.h"
#include "spill.h"
#include "testutil.h"

static void test_varints(void)
{
	const uint64_t u[] = { 0, 1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX };
	const int64_t s[] = { 0, -1, 1, INT64_MIN, INT64_MAX, -1795860000, 1795860000 };
	struct quell__buf b = QUELL__BUF_INIT;
	struct quell__rd r;

	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
		quell__buf_varint(&b, u[i]);
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		quell__buf_varint(&b, quell__zigzag(s[i]));
	CU_ASSERT_FATAL(!b.oom);
	r.p = b.data;
	r.end = b.data + b.len;
	r.bad = 0;
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
		CU_ASSERT(quell__rd_varint(&r) == u[i]);
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		TU_EQ_INT(quell__unzigzag(quell__rd_varint(&r)), s[i]);
	CU_ASSERT(!r.bad && r.p == r.end);
	TU_EQ_INT(quell__rd_varint(&r), 0); /* past the end */
	CU_ASSERT(r.bad);
	quell__buf_free(&b);
}

static struct quell__rec sample(void)
{
	static const unsigned char ext[] = { 1, 0, 2, 0, 3 };
	struct quell__rec r;

	memset(&r, 0, sizeof r);
	r.n = 2;
	r.ent[0].e = (struct quell_entry){ 0 };
	r.ent[0].e.list = QUELL_LIST_SUPPRESS;
	r.ent[0].e.source = QUELL_SOURCE_BOUNCE;
	r.ent[0].e.code = 550;
	r.ent[0].e.attempts = 3;
	r.ent[0].e.count = 70000;
	r.ent[0].e.created = 1795860000;
	r.ent[0].e.updated = 1795860000 - 5; /* before created: a negative delta */
	r.ent[0].e.expires = -86400;
	r.ent[0].e.until = INT64_MAX;
	r.ent[0].e.first_failure = 1;
	r.ent[0].e.stream = "news";
	r.ent[0].e.category = "bad-mailbox";
	r.ent[0].e.rule = "user-unknown";
	r.ent[0].e.status = "5.1.1";
	r.ent[0].e.reply = "550 5.1.1 <a@b.example>: user unknown";
	r.ent[0].e.reason = "";
	r.ent[0].ext = ext;
	r.ent[0].extlen = sizeof ext;
	r.ent[1].e.list = QUELL_LIST_ALLOW;
	r.ent[1].e.stream = "";
	r.ent[1].e.category = "manual";
	r.ent[1].e.rule = "";
	r.ent[1].e.status = "";
	r.ent[1].e.reply = "";
	r.ent[1].e.reason = "VIP \xc3\xa9";
	return r;
}

static void same(const struct quell__rec *a, const struct quell__rec *b)
{
	TU_EQ_INT(a->n, b->n);
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		const struct quell_entry *x = &a->ent[i].e, *y = &b->ent[i].e;

		TU_EQ_INT(x->list, y->list);
		TU_EQ_INT(x->source, y->source);
		TU_EQ_INT(x->code, y->code);
		TU_EQ_INT(x->attempts, y->attempts);
		TU_EQ_INT(x->count, y->count);
		TU_EQ_INT(x->created, y->created);
		TU_EQ_INT(x->updated, y->updated);
		TU_EQ_INT(x->expires, y->expires);
		TU_EQ_INT(x->until, y->until);
		TU_EQ_INT(x->first_failure, y->first_failure);
		TU_EQ_STR(x->stream, y->stream);
		TU_EQ_STR(x->category, y->category);
		TU_EQ_STR(x->rule, y->rule);
		TU_EQ_STR(x->status, y->status);
		TU_EQ_STR(x->reply, y->reply);
		TU_EQ_STR(x->reason, y->reason);
		TU_EQ_INT(a->ent[i].extlen, b->ent[i].extlen);
		if (a->ent[i].extlen == b->ent[i].extlen && a->ent[i].extlen > 0)
			CU_ASSERT(memcmp(a->ent[i].ext, b->ent[i].ext, a->ent[i].extlen) == 0);
	}
}

/* An entry whose length takes two bytes, and one whose takes three: the
 * length, then the body, which decodes to what was encoded. */
static void record_long(void)
{
	static unsigned char ext[20000];
	static char reply[301];
	struct quell__rec in = sample(), out;
	struct quell__buf b = QUELL__BUF_INIT;

	memset(reply, 'x', 300);
	in.n = 1;
	in.ent[0].e.reply = reply;
	in.ent[0].ext = NULL;
	in.ent[0].extlen = 0;
	for (int round = 0; round < 2; round++) {
		size_t body;

		if (round == 1) {
			memset(ext, 7, sizeof ext);
			in.ent[0].ext = ext;
			in.ent[0].extlen = sizeof ext;
		}
		b.len = 0;
		quell__rec_encode(&b, &in);
		CU_ASSERT_FATAL(!b.oom);
		TU_EQ_INT(b.data[2] & 0x80, 0x80);
		TU_EQ_INT(b.data[3] & 0x80, round == 0 ? 0 : 0x80);
		body = round == 0 ? (size_t)(b.data[2] & 0x7F) | (size_t)b.data[3] << 7
		                  : (size_t)(b.data[2] & 0x7F) | (size_t)(b.data[3] & 0x7F) << 7 |
		                            (size_t)b.data[4] << 14;
		TU_EQ_INT(b.len, 2 + (size_t)(round == 0 ? 2 : 3) + body);
		TU_EQ_INT(quell__rec_decode(&out, b.data, b.len), 0);
		TU_EQ_STR(out.ent[0].e.reply, reply);
		TU_EQ_INT(out.ent[0].extlen, in.ent[0].extlen);
	}
	quell__buf_free(&b);
}

static void test_record_round_trip(void)
{
	struct quell__rec in = sample(), out;
	struct quell__buf b = QUELL__BUF_INIT;

	quell__rec_encode(&b, &in);
	CU_ASSERT_FATAL(!b.oom);
	TU_EQ_INT(b.data[0], QUELL__REC_FORMAT);
	TU_EQ_INT(quell__rec_decode(&out, b.data, b.len), 0);
	same(&in, &out);
	/* every truncation is refused, never read past */
	for (size_t n = 0; n < b.len; n++) {
		unsigned char *cut = malloc(n ? n : 1);
		CU_ASSERT_FATAL(cut != NULL);
		memcpy(cut, b.data, n);
		CU_ASSERT(quell__rec_decode(&out, cut, n) != 0);
		free(cut);
	}
	quell__buf_free(&b);
	record_long();
}

/* Format 1, as written before the varint format, byte by byte. */
static void le(struct quell__buf *b, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		quell__buf_u8(b, (unsigned)(v >> (8 * i)) & 0xFF);
}

static void str1(struct quell__buf *b, const char *s)
{
	le(b, strlen(s), 2);
	quell__buf_cstr(b, s, strlen(s));
}

static void test_record_format1(void)
{
	struct quell__buf b = QUELL__BUF_INIT, e = QUELL__BUF_INIT;
	struct quell__rec out;

	le(&e, QUELL_LIST_SUPPRESS, 1);
	le(&e, QUELL_SOURCE_IMPORT, 1);
	le(&e, 0, 2);
	le(&e, 0, 4);
	le(&e, 1, 4);
	le(&e, 1700000000, 8);
	le(&e, 1700000001, 8);
	le(&e, 0, 8);
	le(&e, 0, 8);
	le(&e, 0, 8);
	str1(&e, "");
	str1(&e, "import");
	str1(&e, "");
	str1(&e, "");
	str1(&e, "");
	str1(&e, "old list");
	le(&e, 0, 2);
	CU_ASSERT_FATAL(!e.oom);
	le(&b, 1, 1);
	le(&b, 1, 1);
	le(&b, e.len, 4);
	quell__buf_put(&b, e.data, e.len);
	CU_ASSERT_FATAL(!b.oom);
	TU_EQ_INT(quell__rec_decode(&out, b.data, b.len), 0);
	TU_EQ_INT(out.n, 1);
	TU_EQ_INT(out.ent[0].e.list, QUELL_LIST_SUPPRESS);
	TU_EQ_INT(out.ent[0].e.source, QUELL_SOURCE_IMPORT);
	TU_EQ_INT(out.ent[0].e.count, 1);
	TU_EQ_INT(out.ent[0].e.created, 1700000000);
	TU_EQ_INT(out.ent[0].e.updated, 1700000001);
	TU_EQ_STR(out.ent[0].e.category, "import");
	TU_EQ_STR(out.ent[0].e.reason, "old list");
	quell__buf_free(&b);
	quell__buf_free(&e);
}

static void test_events(void)
{
	struct quell_event in, out;
	struct quell__buf b = QUELL__BUF_INIT;

	memset(&in, 0, sizeof in);
	in.time = 1795860000;
	in.seq = UINT64_C(1) << 40;
	in.list = QUELL_LIST_BACKOFF;
	in.source = QUELL_SOURCE_BOUNCE;
	in.action = QUELL_ACTION_BACKOFF;
	in.verdict = QUELL_BACKOFF;
	in.code = 451;
	in.until = -7;
	in.origin = "mx1.example";
	in.stream = "";
	in.rule = "transient";
	in.category = "transient";
	in.status = "4.7.1";
	in.reply = "451 4.7.1 try later";
	in.reason = "";
	quell__event_encode(&b, &in);
	CU_ASSERT_FATAL(!b.oom);
	TU_EQ_INT(quell__event_decode(&out, b.data, b.len), 0);
	TU_EQ_INT(out.time, in.time);
	CU_ASSERT(out.seq == in.seq);
	TU_EQ_INT(out.list, in.list);
	TU_EQ_INT(out.action, in.action);
	TU_EQ_INT(out.verdict, in.verdict);
	TU_EQ_INT(out.code, in.code);
	TU_EQ_INT(out.until, in.until);
	TU_EQ_STR(out.origin, in.origin);
	TU_EQ_STR(out.rule, in.rule);
	TU_EQ_STR(out.reply, in.reply);
	for (size_t n = 0; n < b.len; n++)
		CU_ASSERT(quell__event_decode(&out, b.data, n) != 0);
	/* format 1 */
	b.len = 0;
	le(&b, 1, 1);
	le(&b, 1700000000, 8);
	le(&b, 42, 8);
	le(&b, QUELL_LIST_SUPPRESS, 1);
	le(&b, QUELL_SOURCE_MANUAL, 1);
	le(&b, QUELL_ACTION_SUPPRESS, 1);
	le(&b, QUELL_SUPPRESS, 1);
	le(&b, 0, 2);
	le(&b, 0, 8);
	str1(&b, "host");
	str1(&b, "");
	str1(&b, "");
	str1(&b, "manual");
	str1(&b, "");
	str1(&b, "");
	str1(&b, "by hand");
	CU_ASSERT_FATAL(!b.oom);
	TU_EQ_INT(quell__event_decode(&out, b.data, b.len), 0);
	TU_EQ_INT(out.time, 1700000000);
	TU_EQ_INT(out.seq, 42);
	TU_EQ_STR(out.origin, "host");
	TU_EQ_STR(out.reason, "by hand");
	quell__buf_free(&b);
}

/* A row longer than a one-byte length: its length takes two. */
static void packed_long(struct quell__item *in)
{
	struct quell__buf b = QUELL__BUF_INIT;
	struct quell__item out;
	char reply[301];

	memset(reply, 'x', 300);
	reply[300] = '\0';
	in->row.reply = reply;
	quell__item_pack(&b, in);
	CU_ASSERT_FATAL(!b.oom);
	TU_EQ_INT(b.data[0] & 0x80, 0x80);
	TU_EQ_INT(quell__packed_size(b.data, b.len), b.len);
	TU_EQ_INT(quell__item_unpack(&out, b.data, b.len), 0);
	TU_EQ_STR(out.row.reply, reply);
	TU_EQ_STR(out.row.reason, "why");
	TU_EQ_INT(out.row.line, 123456);
	for (size_t n = 0; n < b.len; n++)
		CU_ASSERT(quell__item_unpack(&out, b.data, n) != 0);
	quell__buf_free(&b);
}

/* The bytes of a plain row and of one with a number, a time and a string,
 * as pack.c's comment lays them out. */
static void packed_bytes(void)
{
	static const unsigned char plain[] = { 9, QUELL_SCOPE_ADDRESS, 'a', '@', 'b', 0, 5, 0, 2, 0 };
	static const unsigned char some[] = { 15, QUELL_SCOPE_DOMAIN, 'b', 0, 0x80, 0x01, 1 | 1 << 2,
		                              0, 0x81, 0x21, 3, 3, 'n', 'e', 'w', 0 };
	struct quell__buf b = QUELL__BUF_INIT;
	struct quell__item in;

	memset(&in, 0, sizeof in);
	in.key = "a@b";
	in.doff = 2;
	in.scope = QUELL_SCOPE_ADDRESS;
	in.row.line = 5;
	in.row.stream = in.row.category = in.row.rule = in.row.status = in.row.reply = "";
	in.row.reason = "";
	quell__item_pack(&b, &in);
	CU_ASSERT_FATAL(!b.oom);
	CU_ASSERT(b.len == sizeof plain && memcmp(b.data, plain, b.len) == 0);
	/* line 128, kind 1, restore; list 3 (bit 0), created -2 (bit 7,
	 * zigzag 3), stream "new" (bit 12) */
	memset(&in, 0, sizeof in);
	in.key = "b";
	in.scope = QUELL_SCOPE_DOMAIN;
	in.kind = 1;
	in.row.line = 128;
	in.row.restore = 1;
	in.row.list = 3;
	in.row.created = -2;
	in.row.stream = "new";
	b.len = 0;
	quell__item_pack(&b, &in);
	CU_ASSERT_FATAL(!b.oom);
	CU_ASSERT(b.len == sizeof some && memcmp(b.data, some, b.len) == 0);
	quell__buf_free(&b);
}

static void test_packed_rows(void)
{
	struct quell__buf b = QUELL__BUF_INIT;
	struct quell__item in, out;
	struct quell__slot s[4], tmp[4];
	const char *keys[4] = { "zed@b.example", "a@b.example", "a@b.example", "ab" };

	memset(&in, 0, sizeof in);
	in.key = "someone@b.example";
	in.doff = 8;
	in.scope = QUELL_SCOPE_ADDRESS;
	in.kind = 2;
	in.row.line = 123456;
	in.row.restore = 1;
	in.row.list = QUELL_LIST_BACKOFF;
	in.row.source = QUELL_SOURCE_BOUNCE;
	in.row.code = 451;
	in.row.created = -5;
	in.row.until = 1795860000;
	in.row.attempts = 9;
	in.row.stream = "news";
	in.row.category = "";
	in.row.rule = "r";
	in.row.status = "4.2.1";
	in.row.reply = "451 later";
	in.row.reason = "why";
	quell__item_pack(&b, &in);
	CU_ASSERT_FATAL(!b.oom);
	TU_EQ_INT(quell__packed_size(b.data, b.len), b.len);
	TU_EQ_INT(quell__item_unpack(&out, b.data, b.len), 0);
	TU_EQ_STR(out.key, in.key);
	TU_EQ_INT(out.doff, 8);
	TU_EQ_INT(out.scope, in.scope);
	TU_EQ_INT(out.kind, 2);
	TU_EQ_INT(out.row.line, 123456);
	TU_EQ_INT(out.row.restore, 1);
	TU_EQ_INT(out.row.list, QUELL_LIST_BACKOFF);
	TU_EQ_INT(out.row.code, 451);
	TU_EQ_INT(out.row.created, -5);
	TU_EQ_INT(out.row.updated, 0);
	TU_EQ_INT(out.row.until, 1795860000);
	TU_EQ_INT(out.row.attempts, 9);
	TU_EQ_STR(out.row.stream, "news");
	TU_EQ_STR(out.row.category, "");
	TU_EQ_STR(out.row.reply, "451 later");
	TU_EQ_STR(out.row.reason, "why");
	for (size_t n = 0; n < b.len; n++)
		CU_ASSERT(quell__item_unpack(&out, b.data, n) != 0);
	packed_long(&in);
	packed_bytes();

	/* order: scope, then key, then line; prefixes tie on "a@b.exa" */
	quell__buf_free(&b);
	{
		struct quell__buf p[4] = { QUELL__BUF_INIT, QUELL__BUF_INIT, QUELL__BUF_INIT,
			                   QUELL__BUF_INIT };
		for (int i = 0; i < 4; i++) {
			memset(&in, 0, sizeof in);
			in.key = keys[i];
			in.scope = i == 3 ? QUELL_SCOPE_DOMAIN : QUELL_SCOPE_ADDRESS;
			in.row.line = (size_t)(10 - i);
			quell__item_pack(&p[i], &in);
			CU_ASSERT_FATAL(!p[i].oom);
			s[i] = quell__slot_of(p[i].data);
		}
		quell__slots_sort(s, tmp, 4);
		/* expected: the addresses by key then line, then the domain (scope 2) or
		 * the domain first when its scope sorts first */
		{
			size_t lines[4];
			for (int i = 0; i < 4; i++) {
				quell__item_unpack(&out, s[i].rec, quell__packed_size(s[i].rec, 1024));
				lines[i] = out.row.line;
			}
			CU_ASSERT_FATAL(QUELL_SCOPE_ADDRESS < QUELL_SCOPE_DOMAIN);
			TU_EQ_INT(lines[0], 8);  /* a@b.example, line 8 */
			TU_EQ_INT(lines[1], 9);  /* a@b.example, line 9 */
			TU_EQ_INT(lines[2], 10); /* zed@b.example */
			TU_EQ_INT(lines[3], 7);  /* the domain "ab" */
		}
		for (int i = 0; i < 4; i++)
			quell__buf_free(&p[i]);
	}
}

/* Many keys with long shared beginnings, duplicates and both scopes: the
 * sort gives strcmp order, then line order, as a plain comparison does. */
struct want {
	int scope;
	char key[48];
	size_t line;
};

static int want_cmp(const void *x, const void *y)
{
	const struct want *a = x, *b = y;
	int c;

	if (a->scope != b->scope)
		return a->scope - b->scope;
	if ((c = strcmp(a->key, b->key)) != 0)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Pack w[0..n) (lines 1..n, in that order), sort them and compare with
 * qsort of w by scope, key, line. */
static void check_sort(struct want *w, size_t n, const char *what)
{
	struct quell__slot *s = calloc(n, sizeof *s), *tmp = calloc(n, sizeof *tmp);
	struct quell__buf *b = calloc(n, sizeof *b);

	CU_ASSERT_FATAL(s != NULL && tmp != NULL && b != NULL);
	for (size_t i = 0; i < n; i++) {
		struct quell__item it;

		w[i].line = i + 1; /* rows come in line order */
		memset(&it, 0, sizeof it);
		it.key = w[i].key;
		it.scope = w[i].scope;
		it.row.line = w[i].line;
		quell__item_pack(&b[i], &it);
		CU_ASSERT_FATAL(!b[i].oom);
		s[i] = quell__slot_of(b[i].data);
	}
	quell__slots_sort(s, tmp, n);
	qsort(w, n, sizeof *w, want_cmp);
	for (size_t i = 0; i < n; i++) {
		struct quell__item it;

		CU_ASSERT_FATAL(quell__item_unpack(&it, s[i].rec, quell__packed_size(s[i].rec, 4096)) ==
		                0);
		if (it.scope != w[i].scope || strcmp(it.key, w[i].key) != 0 ||
		    it.row.line != w[i].line) {
			fprintf(stderr, "\n  %s, position %zu: got %d %s line %zu, want %d %s line %zu\n",
			        what, i, it.scope, it.key, it.row.line, w[i].scope, w[i].key, w[i].line);
			CU_FAIL("sort order");
			break;
		}
	}
	for (size_t i = 0; i < n; i++)
		quell__buf_free(&b[i]);
	free(b);
	free(tmp);
	free(s);
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void test_sort_many(void)
{
	enum { N = 6000 };
	static const char *const stems[] = { "", "a", "info@", "aaaaaaa", "aaaaaaaa",
		                             "aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa",
		                             "first.last.longer.name" };
	struct want *w = calloc(N, sizeof *w);
	uint64_t x = 0x9E3779B97F4A7C15u;

	CU_ASSERT_FATAL(w != NULL);
	for (size_t i = 0; i < N; i++) {
		xorshift(&x);
		w[i].scope = x % 5 == 0 ? QUELL_SCOPE_DOMAIN : QUELL_SCOPE_ADDRESS;
		snprintf(w[i].key, sizeof w[i].key, "%s%u@%c.example",
		         stems[(x >> 8) % (sizeof stems / sizeof stems[0])],
		         (unsigned)((x >> 16) % 300), (char)('a' + (x >> 32) % 3));
	}
	check_sort(w, N, "many");
	free(w);
}

/* Adversarial inputs: every key the same; empty keys and keys shorter
 * than the 7 or 8 bytes a slot holds, each a prefix of the next; groups
 * of a size around the one sorted by insertion that tie on 7, 8, 15, 16
 * or 23 bytes; bytes past 0x7F (UTF-8 local parts) that must sort
 * unsigned; random keys over a two-letter alphabet (long shared runs). */
static void test_sort_adversarial(void)
{
	enum { N = 3000 };
	static const size_t ties[] = { 7, 8, 15, 16, 23 };
	static const size_t groups[] = { 1, 2, 47, 48, 49, 100, 500 };
	struct want *w = calloc(N, sizeof *w);
	uint64_t x = 0xD1B54A32D192ED03u;
	size_t n;

	CU_ASSERT_FATAL(w != NULL);
	for (size_t i = 0; i < N; i++)
		snprintf(w[i].key, sizeof w[i].key, "same@b.example");
	check_sort(w, N, "all equal");
	for (n = 0; n < N; n++) {
		size_t len = xorshift(&x) % 20;

		memset(w[n].key, 0, sizeof w[n].key);
		memset(w[n].key, 'a' + (int)(x >> 40) % 2, len);
		w[n].scope = x >> 50 & 1 ? QUELL_SCOPE_DOMAIN : QUELL_SCOPE_ADDRESS;
	}
	check_sort(w, n, "short and empty keys");
	for (size_t t = 0; t < sizeof ties / sizeof ties[0]; t++) {
		for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
			for (n = 0; n < groups[g]; n++) {
				memset(w[n].key, 0, sizeof w[n].key);
				memset(w[n].key, 'k', ties[t]);
				/* after the tie: nothing, or one to three bytes,
				 * some past 0x7F */
				for (size_t k = 0, m = xorshift(&x) % 4; k < m; k++)
					w[n].key[ties[t] + k] = (char)(0x61 + (x >> (8 * k + 8)) % 0x9E);
				w[n].scope = QUELL_SCOPE_ADDRESS;
			}
			check_sort(w, n, "ties");
		}
	}
	for (n = 0; n < N; n++) {
		size_t len = 1 + xorshift(&x) % 40;

		memset(w[n].key, 0, sizeof w[n].key);
		for (size_t k = 0; k < len; k++)
			w[n].key[k] = (char)((x >> (k % 60)) & 1 ? 'b' : 0xC3);
		w[n].scope = QUELL_SCOPE_ADDRESS;
	}
	check_sort(w, n, "two letters");
	free(w);
}

static CU_TestInfo tests[] = {
	{ "varints and zigzag", test_varints },
	{ "key records round-trip, truncations refused", test_record_round_trip },
	{ "format-1 key records still read", test_record_format1 },
	{ "history events, both formats", test_events },
	{ "packed import rows and their order", test_packed_rows },
	{ "thousands of keys with long shared beginnings sort right", test_sort_many },
	{ "adversarial keys sort as a plain comparison does", test_sort_adversarial },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_codec[] = {
	{ "codec", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
