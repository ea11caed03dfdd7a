/*
 * test_csv.c - the pieces under the import readers: RFC 4180 records
 * (with a small reference parser as the oracle, also across the input
 * buffer's edge), provider times (epochs computed independently, RFC 2822
 * appendix A's example), UTF-8 checking (Markus Kuhn's stress cases), and
 * the JSON array scanner.
 */
#include <stdlib.h>

#include "csv.h"
#include "input.h"
#include "jsonscan.h"
#include "testutil.h"
#include "text.h"
#include "timefmt.h"

/* ------------------------------------------------------------ records */

struct out {
	char *buf;
	size_t len, cap;
};

static void out_put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->buf = realloc(o->buf, o->cap);
		CU_ASSERT_PTR_NOT_NULL_FATAL(o->buf);
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static void out_line(struct out *o, size_t line, const char *rest)
{
	char b[32];

	snprintf(b, sizeof b, "%zu%s", line, rest);
	out_str(o, b);
}

/* A cell as [text], quoted ones as ["text"]; CR and LF shown as \r, \n. */
static void out_cell(struct out *o, const char *s, size_t n, int quoted)
{
	out_str(o, quoted ? "[\"" : "[");
	for (size_t i = 0; i < n; i++)
		out_str(o, s[i] == '\n' ? "\\n" : s[i] == '\r' ? "\\r" : (char[2]){ s[i], 0 });
	out_str(o, quoted ? "\"]" : "]");
}

/* Every record of data[0..n) through quell__csv_next. */
static char *parse(const char *data, size_t n)
{
	FILE *f = fmemopen((void *)data, n, "rb");
	struct quell__in in;
	struct quell__csv c;
	struct out o = { NULL, 0, 0 };
	char err[128];
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(quell__in_open(&in, f), 0);
	CU_ASSERT_EQUAL_FATAL(quell__csv_init(&c, &in), 0);
	out_str(&o, "");
	while ((rc = quell__csv_next(&c, err, sizeof err)) != 0) {
		if (rc < 0) {
			out_line(&o, c.line, "! ");
			out_str(&o, err);
			out_str(&o, "\n");
			CU_ASSERT_EQUAL(rc, QUELL_EDATA);
			if (rc != QUELL_EDATA)
				break;
			continue;
		}
		out_line(&o, c.line, " ");
		for (size_t i = 0; i < c.nf; i++)
			out_cell(&o, quell__csv_cell(&c, i), c.len[i], c.quoted[i]);
		out_str(&o, "\n");
	}
	quell__csv_fini(&c);
	quell__in_close(&in);
	fclose(f);
	return o.buf;
}

/*
 * The oracle: RFC 4180 for well-formed input, written the plain way over
 * the whole string (blank lines skipped, CRLF or LF, "" in quotes).
 */
static char *reference(const char *s, size_t n)
{
	struct out o = { NULL, 0, 0 };
	size_t i = 0, line = 1;

	out_str(&o, "");
	while (i < n) {
		size_t start = line;
		char cell[1024];

		if (s[i] == '\n' || (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')) {
			i += s[i] == '\r' ? 2 : 1;
			line++;
			continue;
		}
		out_line(&o, start, " ");
		for (;;) {
			size_t k = 0;
			int quoted = i < n && s[i] == '"';

			if (quoted) {
				for (i++; i < n; i++) {
					if (s[i] == '"' && i + 1 < n && s[i + 1] == '"') {
						cell[k++] = '"';
						i++;
					} else if (s[i] == '"') {
						i++;
						break;
					} else {
						line += s[i] == '\n';
						cell[k++] = s[i];
					}
				}
			} else {
				while (i < n && s[i] != ',' && s[i] != '\n' &&
				       !(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
					cell[k++] = s[i++];
			}
			out_cell(&o, cell, k, quoted);
			if (i < n && s[i] == ',') {
				i++;
				continue;
			}
			if (i < n && s[i] == '\r')
				i++;
			if (i < n && s[i] == '\n') {
				i++;
				line++;
			}
			break;
		}
		out_str(&o, "\n");
	}
	return o.buf;
}

struct rec_case {
	const char *in;
	size_t len; /* 0: strlen */
	const char *want;
};

static const struct rec_case records[] = {
	{ "a,b,c\n", 0, "1 [a][b][c]\n" },
	{ "a,b\r\nc,d\r\n", 0, "1 [a][b]\n2 [c][d]\n" },
	{ "\"a,b\",\"x\"\"y\",\"l1\nl2\"\nnext\n", 0, "1 [\"a,b\"][\"x\"y\"][\"l1\\nl2\"]\n3 [next]\n" },
	{ ",,\n", 0, "1 [][][]\n" },
	{ "a,b", 0, "1 [a][b]\n" },
	{ "a,", 0, "1 [a][]\n" },
	{ "\n\r\na\n\n", 0, "3 [a]\n" },
	{ "a\rb,c\n", 0, "1 [a\\rb][c]\n" },
	{ "\r", 0, "1 [\\r]\n" },
	{ "\"\",x\n", 0, "1 [\"\"][x]\n" },
	{ "\"a\"\r\nb\n", 0, "1 [\"a\"]\n2 [b]\n" },
	{ "\"a\"\r", 0, "1 [\"a\"]\n" },
	{ "\"a\r\nb\"\r\n", 0, "1 [\"a\\r\\nb\"]\n" },
	{ " a , \"b\"\n", 0, "1! quote inside an unquoted cell\n" },
	{ "ab\"c,d\nok\n", 0, "1! quote inside an unquoted cell\n2 [ok]\n" },
	{ "\"a\"b,c\nok\n", 0, "1! text after a closing quote\n2 [ok]\n" },
	{ "\"a\"\rb\nok\n", 0, "1! text after a closing quote\n2 [ok]\n" },
	{ "\"abc\nd\n", 0, "1! quoted cell not closed at the end of the input\n" },
	{ "a\0b,c\nok\n", 9, "1! NUL byte in column 1\n2 [ok]\n" },
	{ "x,\"a\0\nb\"\nok\n", 12, "1! NUL byte in column 2\n3 [ok]\n" },
	{ "\xef\xbb\xbf" "a,b\n", 0, "1 [a][b]\n" },
	{ "a,\xef\xbb\xbf" "b\n", 0, "1 [a][\xef\xbb\xbf" "b]\n" },
	{ "\xef\xbb", 0, "1 [\xef\xbb]\n" },
};

static void test_records(void)
{
	for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
		const struct rec_case *c = &records[i];
		char *got = parse(c->in, c->len ? c->len : strlen(c->in));

		if (strcmp(got, c->want) != 0)
			fprintf(stderr, "\n  case %zu: got '%s', want '%s'\n", i, got, c->want);
		CU_ASSERT_STRING_EQUAL(got, c->want);
		free(got);
	}
}

static void test_limits(void)
{
	size_t n = QUELL__ROW_MAX + 200;
	char *s = malloc(n + 300), *got;
	size_t k = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* 256 cells pass, 257 do not */
	for (int i = 0; i < 256; i++)
		k += (size_t)snprintf(s + k, 8, i ? ",x" : "x");
	s[k++] = '\n';
	got = parse(s, k);
	CU_ASSERT(strncmp(got, "1 [x][x]", 8) == 0 && strstr(got, "!") == NULL);
	free(got);
	memcpy(s + k - 1, ",x\nok\n", 6);
	got = parse(s, k + 5);
	TU_EQ_STR(got, "1! more than 256 columns\n2 [ok]\n");
	free(got);

	/* a row of exactly QUELL__ROW_MAX bytes of cells passes */
	memset(s, 'y', QUELL__ROW_MAX);
	s[QUELL__ROW_MAX] = '\n';
	got = parse(s, QUELL__ROW_MAX + 1);
	CU_ASSERT(strlen(got) == QUELL__ROW_MAX + 5 && got[0] == '1');
	free(got);
	/* one more byte is rejected, and reading goes on at the next line */
	memset(s, 'y', QUELL__ROW_MAX + 1);
	memcpy(s + QUELL__ROW_MAX + 1, "\nok\n", 4);
	got = parse(s, QUELL__ROW_MAX + 5);
	TU_EQ_STR(got, "1! row longer than 65536 bytes\n2 [ok]\n");
	free(got);
	/* inside a quoted cell too: the next physical line starts afresh */
	s[0] = '"';
	memcpy(s + QUELL__ROW_MAX + 1, "\nrest\",x\nok\n", 12);
	got = parse(s, QUELL__ROW_MAX + 13);
	TU_EQ_STR(got, "1! row longer than 65536 bytes\n2! quote inside an unquoted cell\n3 [ok]\n");
	free(got);
	free(s);
}

/*
 * Put each awkward sequence across the edge of the input buffer, at every
 * offset near it, and compare with the reference parser.
 */
static void test_buffer_edges(void)
{
	static const char *const tails[] = {
		"a,b\r\nc,d\r\n", "\"x\"\"y\",z\n", "\"l1\nl2\",q\n", "\"q\"\r\nr\n",
		"\"\",\"\"\n",   ",,\n",          "\r\n\r\nw\n",   "\"a,\"\"b\"\"\nc\"\r\n",
	};
	size_t size = QUELL__IN_SIZE + 64;
	char *s = malloc(size);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
		for (size_t shift = 0; shift < 16; shift++) {
			size_t tl = strlen(tails[t]), n = 0, fill;
			char *got, *want;

			/* rows of 1000 bytes up to just before the edge */
			fill = QUELL__IN_SIZE - 8 + shift;
			while (n + 1000 <= fill) {
				memset(s + n, 'f', 999);
				s[n + 999] = '\n';
				n += 1000;
			}
			memset(s + n, 'g', fill - n);
			n = fill;
			s[n++] = '\n';
			memcpy(s + n, tails[t], tl);
			n += tl;
			got = parse(s, n);
			want = reference(s, n);
			if (strcmp(got, want) != 0)
				fprintf(stderr, "\n  tail %zu shift %zu differs\n", t, shift);
			CU_ASSERT_STRING_EQUAL(got, want);
			free(got);
			free(want);
		}
	}
	free(s);
}

/* Many rows with quoted line breaks, read across several buffer fills. */
static void test_many_rows(void)
{
	struct out in = { NULL, 0, 0 };
	char row[64], *got, *want;

	for (int i = 0; i < 20000; i++) {
		snprintf(row, sizeof row, "r%d,\"x\ny\",\"\"\"%d\"\"\"\r\n", i, i);
		out_str(&in, row);
	}
	got = parse(in.buf, in.len);
	want = reference(in.buf, in.len);
	CU_ASSERT_STRING_EQUAL(got, want);
	CU_ASSERT(strstr(got, "39999 [r19999][\"x\\ny\"][\"\"19999\"\"]\n") != NULL);
	free(got);
	free(want);
	free(in.buf);
}

/* ------------------------------------------------------------- times */

struct time_case {
	const char *in;
	int64_t want; /* -1: refused */
};

/* Epochs computed with Python's calendar.timegm. */
static const struct time_case times[] = {
	{ "1700000000", 1700000000 },
	{ " 1700000000\t", 1700000000 },
	{ "1700000000.999", 1700000000 },
	{ "0", 0 },
	{ "253402300799", 253402300799 },
	{ "253402300800", -1 },
	{ "1700000000.", -1 },
	{ "-1", -1 },
	{ "1e9", -1 },
	{ "", -1 },
	{ "   ", -1 },
	{ "2023-11-14T22:13:20Z", 1700000000 },
	{ "2023-11-14t22:13:20z", 1700000000 },
	{ "2023-11-14 22:13:20", 1700000000 },
	{ "2023-11-14T22:13:20.123456+00:00", 1700000000 },
	{ "2023-11-14T23:13:20+01:00", 1700000000 },
	{ "2023-11-14T23:13:20+0100", 1700000000 },
	{ "2023-11-14T17:13:20-05", 1700000000 },
	{ "2023-11-14 22:13:20 UTC", 1700000000 },
	{ "2023-11-14", 1699920000 },
	{ "2024-02-29", 1709164800 },
	{ "2000-02-29 12:00:00", 951825600 },
	{ "2023-02-29", -1 },
	{ "2023-11-14T24:00:00Z", -1 },
	{ "2023-11-14T22:60:00Z", -1 },
	{ "1999-12-31T23:59:60Z", 946684799 },
	{ "1969-12-31T23:59:59Z", -1 },
	{ "2023-11-14T22:13:20+24:00", -1 },
	{ "2023-11-14T22:13:20 nonsense", -1 },
	{ "2023-11-14T22:13", 1699999980 },
	{ "2023-11-14T22:13:20.", -1 },
	{ "Tue, 14 Nov 2023 22:13:20 UTC", 1700000000 },
	{ "Tue, 14 Nov 2023 22:13:20 +0000", 1700000000 },
	{ "Tue, 14 Nov 2023 22:13:20 GMT", 1700000000 },
	{ "tue, 14 nov 2023 22:13:20 gmt", 1700000000 },
	{ "14 Nov 2023 22:13:20 +0000", 1700000000 },
	{ "Tue, 14 Nov 2023 17:13:20 -0500", 1700000000 },
	{ "Tue, 14 Nov 2023 17:13:20 EST", 1700000000 },
	{ "Tue, 14 Nov 2023 14:13:20 PST", 1700000000 },
	{ "Tue, 14 Nov 2023 22:13 UTC", 1699999980 },
	{ "Tue, 14 Nov 23 22:13:20 UTC", 1700000000 },
	{ "Tue, 14 Nov 2023 22:13:20 +0000 (Coordinated Universal Time)", 1700000000 },
	{ "Tuesday, 14 November 2023 22:13:20 UT", 1700000000 },
	{ "Tue,14 Nov 2023 22:13:20 Z", 1700000000 },
	{ "Tue, 14 Nov 2023 22:13:20", 1700000000 },
	{ "Fri, 21 Nov 1997 09:55:06 -0600", 880127706 }, /* RFC 2822 A.1.1 */
	{ "Tue 14 Nov 2023 22:13:20 UTC", -1 },
	{ "Tue, 31 Nov 2023 22:13:20 UTC", -1 },
	{ "Tue, 14 Nov 2023 22:13:20 XYZ", -1 },
	{ "Tue, 14 Nov 2023 22:13:20 UTC (open", -1 },
	{ "Tue, 14 Nox 2023 22:13:20 UTC", -1 },
	{ "Tue, 14 Nov 2023", -1 },
	{ "yesterday", -1 },
};

static void test_times(void)
{
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		int64_t t = -1;
		int rc = quell__time_parse_any(times[i].in, strlen(times[i].in), &t);

		if (rc != 0)
			t = -1;
		if (t != times[i].want)
			fprintf(stderr, "\n  '%s': got %lld, want %lld\n", times[i].in, (long long)t,
			        (long long)times[i].want);
		CU_ASSERT_EQUAL(t, times[i].want);
	}
}

/* -------------------------------------------------------------- UTF-8 */

struct utf8_case {
	const char *in;
	size_t want; /* offset of the first bad byte, or the length */
};

static const struct utf8_case utf8[] = {
	{ "plain ascii text over eight bytes", 33 },
	{ "caf\xc3\xa9", 5 },
	{ "\xf0\x9f\x93\xa7", 4 },
	{ "\xf4\x8f\xbf\xbf", 4 },         /* U+10FFFF */
	{ "\xef\xbf\xbd", 3 },             /* U+FFFD */
	{ "abcdefghij\xc0\x80", 10 },      /* overlong NUL */
	{ "\xe0\x80\x80", 0 },             /* overlong */
	{ "\xed\xa0\x80", 0 },             /* a surrogate */
	{ "\xf4\x90\x80\x80", 0 },         /* past U+10FFFF */
	{ "ab\xc2", 2 },                   /* cut short */
	{ "\x80", 0 },                     /* a lone continuation byte */
	{ "x\xc3\x28", 1 },                /* a bad continuation byte */
	{ "\xfe", 0 },
};

static void test_utf8(void)
{
	for (size_t i = 0; i < sizeof utf8 / sizeof utf8[0]; i++)
		TU_EQ_INT(quell__utf8_check(utf8[i].in, strlen(utf8[i].in)), utf8[i].want);
}

/* ---------------------------------------------------------- JSON scan */

/* Scan data for keys; render elements as "LINE <bytes>" and errors. */
static char *scan(const char *data, size_t n, const char *key)
{
	FILE *f = fmemopen((void *)data, n, "rb");
	const char *keys[] = { key };
	struct quell__in in;
	struct quell__jscan s;
	struct out o = { NULL, 0, 0 };
	char err[160], b[64];
	int rc, found;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(quell__in_open(&in, f), 0);
	CU_ASSERT_EQUAL_FATAL(quell__jscan_init(&s, &in), 0);
	out_str(&o, "");
	found = quell__jscan_find(&s, keys, 1, err, sizeof err);
	if (found < 0) {
		snprintf(b, sizeof b, "%zu! ", s.line);
		out_str(&o, b);
		out_str(&o, err);
	}
	while (found >= 0 && (rc = quell__jscan_next(&s, err, sizeof err)) != 0) {
		CU_ASSERT(rc == 1 || rc == QUELL_EDATA);
		snprintf(b, sizeof b, "%zu%s", s.line, rc == 1 ? " " : "! ");
		out_str(&o, b);
		if (rc == 1 && s.ellen > 40)
			out_str(&o, "(long)");
		else
			out_str(&o, rc == 1 ? (const char *)s.el : err);
		out_str(&o, "\n");
	}
	quell__jscan_fini(&s);
	quell__in_close(&in);
	fclose(f);
	return o.buf;
}

struct scan_case {
	const char *in;
	const char *want;
};

static const struct scan_case scans[] = {
	{ "{\"a\": [1, \"two\", {\"x\": [3]}, null, -2.5e3, true]}",
	  "1 1\n1 \"two\"\n1 {\"x\": [3]}\n1 null\n1 -2.5e3\n1 true\n" },
	{ "{\"A\":[]}", "" },
	{ "{\"b\": [\"]\"], \"a\": [\"\\\"]\\\\\"]}", "1 \"\\\"]\\\\\"\n" },
	{ "{\"b\": \"a\", \"a\": 5}", "1! no \"a\" array in the JSON document" },
	{ "{}", "1! no \"a\" array in the JSON document" },
	{ "", "1! malformed JSON: expected an object, found the end of the input" },
	{ "{\"a\"", "1! malformed JSON: expected ':' after a member name, found the end of the input" },
	{ "{\"a\n\":[]}", "1! malformed JSON: a member name is not closed, found byte 0x0A" },
	/* skipped members are not checked beyond their brackets */
	{ "{\"b\": [1 2], \"a\": []}", "" },
	{ "{\"b\": 1 2, \"a\": []}", "1! malformed JSON: expected ',' or '}' after a member, found '2'" },
	{ "{\"a\": [\n{\"x\":\n1},\n2]}", "2 {\"x\":\n1}\n4 2\n" },
	{ "{\"a\": [1,,2]}", "1 1\n1! malformed JSON: expected a value, found ','\n" },
	{ "{\"a\": [1 2]}", "1 1\n1! malformed JSON: expected ',' or ']' after an array element, found '2'\n" },
	{ "{\"a\": [{\"x\": \"]}", "1! malformed JSON: a value is not closed, found the end of the input\n" },
	{ "{\"a\": [1", "1 1\n1! malformed JSON: expected ',' or ']' after an array element, found the end of the input\n" },
};

static void test_jsonscan(void)
{
	for (size_t i = 0; i < sizeof scans / sizeof scans[0]; i++) {
		char *got = scan(scans[i].in, strlen(scans[i].in), "a");

		if (strcmp(got, scans[i].want) != 0)
			fprintf(stderr, "\n  case %zu: got '%s', want '%s'\n", i, got, scans[i].want);
		CU_ASSERT_STRING_EQUAL(got, scans[i].want);
		free(got);
	}
}

/* An element over the limit is rejected; the next one is read. */
static void test_jsonscan_long(void)
{
	size_t n = 2 * QUELL__ROW_MAX + 100, k = 0;
	char *s = malloc(n + 100), *got;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	k += (size_t)snprintf(s, 20, "{\"a\":[\"");
	memset(s + k, 'x', QUELL__ROW_MAX);
	k += QUELL__ROW_MAX;
	k += (size_t)snprintf(s + k, 40, "\",\n\"");
	memset(s + k, 'y', QUELL__ROW_MAX - 2);
	k += QUELL__ROW_MAX - 2;
	k += (size_t)snprintf(s + k, 40, "\",\n{}]}");
	got = scan(s, k, "a");
	TU_EQ_STR(got, "1! array element longer than 65536 bytes\n2 (long)\n3 {}\n");
	free(got);
	free(s);
}

/* Bytes shown in messages (quell__show): as the address messages show
 * them (flags 0) and as the import messages do (QUELL__SHOW_UTF8, 40
 * bytes). */
struct show_case {
	const char *in;
	size_t max;
	int flags;
	size_t size;
	const char *want;
};

static const struct show_case shows[] = {
	{ "[192.0.2.1]", SIZE_MAX, 0, 96, "[192.0.2.1]" },
	{ "a\\b", SIZE_MAX, 0, 96, "a\\b" },
	{ "\x01\xc3\xbc", SIZE_MAX, 0, 96, "\\x01\\xC3\\xBC" },
	{ "\xe2\x80\xa8", SIZE_MAX, 0, 32, "\\xE2\\x80\\xA8" },
	{ "abcdefghij", SIZE_MAX, 0, 8, "abcd..." },
	{ "abc\x01", SIZE_MAX, 0, 8, "abc..." },
	{ "abc", SIZE_MAX, 0, 4, "..." }, /* room is kept for "..." */
	{ "a\\b", 40, QUELL__SHOW_UTF8, 200, "a\\x5Cb" },
	{ "M\xc3\xbcller", 40, QUELL__SHOW_UTF8, 200, "M\xc3\xbcller" },
	{ "\xc3\xbc\xff\xc3\xbc", 40, QUELL__SHOW_UTF8, 200, "\xc3\xbc\\xFF\\xC3\\xBC" },
	{ "tab\there", 40, QUELL__SHOW_UTF8, 200, "tab\\x09here" },
	{ "0123456789012345678901234567890123456789", 40, QUELL__SHOW_UTF8, 200,
	  "0123456789012345678901234567890123456789" },
	{ "01234567890123456789012345678901234567890", 40, QUELL__SHOW_UTF8, 200,
	  "0123456789012345678901234567890123456789..." },
	/* a character across the 40th byte is shown whole */
	{ "012345678901234567890123456789012345678\xc3\xbcx", 40, QUELL__SHOW_UTF8, 200,
	  "012345678901234567890123456789012345678\xc3\xbc..." },
};

static void test_show(void)
{
	for (size_t i = 0; i < sizeof shows / sizeof shows[0]; i++) {
		const struct show_case *c = &shows[i];
		char buf[256];

		memset(buf, 'Z', sizeof buf);
		quell__show(c->in, strlen(c->in), c->max, c->flags, buf, c->size);
		if (strcmp(buf, c->want) != 0)
			fprintf(stderr, "\n  show '%s': got '%s', want '%s'\n", c->in, buf, c->want);
		TU_EQ_STR(buf, c->want);
		CU_ASSERT(strlen(buf) < c->size);
	}
}

static CU_TestInfo csv_tests[] = {
	{ "records", test_records },
	{ "limits", test_limits },
	{ "awkward bytes across the buffer edge", test_buffer_edges },
	{ "many rows", test_many_rows },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo text_tests[] = {
	{ "provider times", test_times },
	{ "UTF-8", test_utf8 },
	{ "bytes shown in messages", test_show },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo jsonscan_tests[] = {
	{ "elements", test_jsonscan },
	{ "a long element", test_jsonscan_long },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_csv[] = {
	{ "csv", NULL, NULL, NULL, NULL, csv_tests },
	{ "ptime", NULL, NULL, NULL, NULL, text_tests },
	{ "jsonscan", NULL, NULL, NULL, NULL, jsonscan_tests },
	CU_SUITE_INFO_NULL,
};
