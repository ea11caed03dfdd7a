/*
 * test_rows.c - rows as the readers give them: plain lines, quell's own
 * csv and jsonl (every field, escapes, the formula quote, bad values),
 * which fields a row carried, bytes read, constant memory over a large
 * generated input, and the reply joined from a provider's columns.
 */
#include <malloc.h>

#include "readutil.h"

static const struct mem_case plain[] = {
	{ "-", "plain",
	  "# suppressions\r\n\r\n  user@example.com  \r\n\t@example.org\n   # indented comment\n"
	  "\"john doe\"@example.net\nlast@example.com",
	  "plain \n3 user@example.com\n4 @example.org\n6 \"john doe\"@example.net\n7 last@example.com\n" },
};

static void test_plain(void)
{
	static const char nul[] = "a@example.com\nb\0c@example.com\nd\xff@example.com\ne@example.com\n";
	static struct text got;

	RUN_MEM(plain);
	read_mem(nul, sizeof nul - 1, NULL, "-", &got);
	TU_EQ_STR(got.buf, "plain \n1 a@example.com\n2! NUL byte in the line\n"
	                   "3! invalid UTF-8 at byte 2\n4 e@example.com\n");
}

static const struct mem_case quell_rows[] = {
	{ "-", NULL,
	  QUELL__COLUMNS "\n"
	  "a@example.com,suppress,address,marketing,bounce,bad-mailbox,user-unknown,550,5.1.1,"
	  "\"550 5.1.1 <a@example.com>: no, \"\"really\"\"\",\"'=1+2\\tand\\\\n\\x1B\","
	  "2023-11-14T22:13:20Z,2023-11-15T00:00:00Z,2024-11-14T22:13:20Z,,,0,3\n"
	  "\"'@example.org\",allow,domain,,manual,,,,,,\"''quoted\",1700000000,,,,,0,0\n"
	  "b@example.com,backoff,address,,bounce,transient,throttled,421,4.7.0,later,,"
	  "2023-11-14T22:13:20Z,2023-11-14T22:13:20Z,,2023-11-14T22:28:20Z,2023-11-14T22:13:20Z,1,0\n"
	  "'-c@example.com,,,,,,,,,,\\q\\x4,,,,,,,\n",
	  "csv \n2 a@example.com list=suppress scope=address bounce cat=bad-mailbox stream=marketing "
	  "rule=user-unknown code=550 status=5.1.1 reply=550 5.1.1 <a@example.com>: no, \"really\" "
	  "reason==1+2\\tand\\\\n\\x1B created=2023-11-14T22:13:20Z updated=2023-11-15T00:00:00Z "
	  "expires=2024-11-14T22:13:20Z count=3 restore\n"
	  "3 @example.org list=allow scope=domain manual reason='quoted created=2023-11-14T22:13:20Z restore\n"
	  "4 b@example.com list=backoff scope=address bounce cat=transient rule=throttled code=421 "
	  "status=4.7.0 reply=later created=2023-11-14T22:13:20Z updated=2023-11-14T22:13:20Z "
	  "until=2023-11-14T22:28:20Z ff=2023-11-14T22:13:20Z attempts=1 restore\n"
	  "5 '-c@example.com reason=\\\\q\\\\x4 restore\n" },
	{ "-", NULL,
	  "count,entry,extra,LIST\n7,a@example.com,x,suppress\n,b@example.com,,\n"
	  "x,c@example.com,,\n1,d@example.com,,deny\n4294967296,e@example.com,,\n",
	  "csv \n2 a@example.com list=suppress count=7 restore\n3 b@example.com restore\n"
	  "4! bad number in 'count': 'x'\n5! bad list in 'LIST': 'deny'\n"
	  "6! bad number in 'count': '4294967296'\n" },
	{ "-", NULL,
	  "entry,code,scope,source,created,reason\na@example.com,1000,,,,\nb@example.com,,mailbox,,,\n"
	  "c@example.com,,,spam,,\nd@example.com,,,,2023-13-01T00:00:00Z,\ne@example.com,,,,,\"\\xC3\"\n",
	  "csv \n2! bad number in 'code': '1000'\n3! bad scope in 'scope': 'mailbox'\n"
	  "4! bad source in 'source': 'spam'\n5! bad time in 'created': '2023-13-01T00:00:00Z'\n"
	  "6 e@example.com reason=\xc3\x83 restore repaired\n" },
	/* text is repaired, never a reason to reject a row: Latin-1 when it
	 * reads as Latin-1, else U+FFFD per bad byte; other columns still
	 * reject */
	{ "-", NULL,
	  "entry,reply,reason,stream\n"
	  "a@example.com,550 M\xfcller unbekannt,\"\\xE4\",\n"
	  "b@example.com,\xc3\xa4 and \xe4,\x85,\n"
	  "c@example.com,,,n\xe4ws\n"
	  "d@example.com,,\\xC3\\xA4 \xff,\n"
	  "\"\\xE4@example.com\",,,\n",
	  "csv \n2 a@example.com reply=550 M\xc3\xbcller unbekannt reason=\xc3\xa4 restore repaired\n"
	  "3 b@example.com reply=\xc3\xa4 and \xef\xbf\xbd reason=\xef\xbf\xbd restore repaired\n"
	  "4! invalid UTF-8 in 'stream' at byte 2\n"
	  "5 d@example.com reason=\xc3\xa4 \xef\xbf\xbd restore repaired\n"
	  "6! invalid UTF-8 in 'entry' after \\x escapes\n" },
	{ "-", "jsonl",
	  "{\"entry\":\"a@example.com\",\"reason\":\"M\xfcller\"}\n"
	  "{\"entry\":\"b\xfc@example.com\",\"reason\":\"x\"}\n"
	  "{\"entry\":\"c@example.com\",\"stream\":\"n\xe4ws\"}\n",
	  "jsonl \n1 a@example.com reason=M\xef\xbf\xbdller restore repaired\n"
	  "2! invalid UTF-8 in 'entry'\n"
	  "3! invalid UTF-8 in 'stream'\n" },
	{ "-", NULL,
	  "{\"entry\":\"a@example.com\",\"list\":\"suppress\",\"scope\":\"address\",\"stream\":null,"
	  "\"source\":\"complaint\",\"category\":\"complaint\",\"rule\":null,\"code\":550,"
	  "\"status\":\"5.7.1\",\"reply\":\"spam\\n\\u001b\",\"reason\":null,"
	  "\"created\":\"2023-11-14T22:13:20Z\",\"updated\":1700000000,\"expires\":null,"
	  "\"until\":null,\"first_failure\":null,\"attempts\":0,\"count\":\"2\"}\n"
	  "{\"entry\":\"b@example.com\",\"code\":\"421\",\"list\":1}\n"
	  "{\"entry\":\"c@example.com\",\"stream\":7}\n"
	  "{\"entry\":\"d@example.com\",\"attempts\":-1}\n"
	  "{\"entry\":null}\n"
	  "{\"entry\":\"e@example.com\",\"reason\":\"\\u0000\"}\n",
	  "jsonl \n1 a@example.com list=suppress scope=address complaint cat=complaint code=550 "
	  "status=5.7.1 reply=spam\\n\\x1B created=2023-11-14T22:13:20Z updated=2023-11-14T22:13:20Z "
	  "count=2 restore\n"
	  "2! bad list in 'list': '1'\n"
	  "3! 'stream' is not a string\n"
	  "4! bad number in 'attempts': '-1'\n"
	  "5! no address: 'entry' is missing or empty\n"
	  "6! malformed JSON: \\u0000 is not allowed without JSON_ALLOW_NUL near '\"\\u0000\"'\n" },
};

static void test_quell_rows(void)
{
	RUN_MEM(quell_rows);
}

/* Which fields a row carried: quell's columns by cell, providers by value. */
static void test_has(void)
{
	const char *in = "entry,list,code,attempts,count,reason\na@example.com,,0,0,,x\n";
	FILE *f = fmemopen((void *)in, strlen(in), "rb");
	struct quell__reader *r;
	struct quell__row row;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(quell__reader_open(f, NULL, "-", &r, err, sizeof err), 0);
	CU_ASSERT_EQUAL(quell__reader_next(r, &row, NULL, err, sizeof err), 1);
	TU_EQ_INT(row.has, QUELL__HAS_ENTRY | QUELL__HAS_CODE | QUELL__HAS_ATTEMPTS |
	                           QUELL__HAS_REASON);
	TU_EQ_INT(quell__reader_bytes(r), strlen(in));
	quell__reader_close(r);
	fclose(f);

	in = "\xef\xbb\xbf" "email,created,status,reason\nb@example.com,1700000000,5.1.1,\n";
	f = fmemopen((void *)in, strlen(in), "rb");
	CU_ASSERT_EQUAL_FATAL(quell__reader_open(f, NULL, "-", &r, err, sizeof err), 0);
	CU_ASSERT_EQUAL(quell__reader_next(r, &row, NULL, err, sizeof err), 1);
	TU_EQ_INT(row.has, QUELL__HAS_ENTRY | QUELL__HAS_SOURCE | QUELL__HAS_STATUS |
	                           QUELL__HAS_CREATED);
	CU_ASSERT_EQUAL(quell__reader_next(r, &row, NULL, err, sizeof err), 0);
	TU_EQ_INT(quell__reader_bytes(r), strlen(in));
	quell__reader_close(r);
	fclose(f);
	quell__reader_close(NULL);
}

/* A stream of n generated rows (CSV or a JSON document), never stored. */
struct gen {
	long n, i;
	int json;
	char line[256];
	size_t len, off;
};

static ssize_t gen_read(void *cookie, char *buf, size_t size)
{
	struct gen *g = cookie;
	size_t done = 0;

	while (done < size) {
		size_t k;

		if (g->off == g->len) {
			if (g->i > g->n)
				break;
			if (g->i == 0)
				g->len = (size_t)snprintf(g->line, sizeof g->line, "%s",
				                          g->json ? "{\"Suppressions\":[\n"
				                                  : "email,created,status,reason\n");
			else if (g->i == g->n && g->json)
				g->len = (size_t)snprintf(g->line, sizeof g->line,
				                          "{\"EmailAddress\":\"u%ld@example.com\","
				                          "\"SuppressionReason\":\"HardBounce\"}]}\n", g->i);
			else if (g->json)
				g->len = (size_t)snprintf(g->line, sizeof g->line,
				                          "{\"EmailAddress\":\"u%ld@example.com\","
				                          "\"SuppressionReason\":\"HardBounce\"},\n", g->i);
			else
				g->len = (size_t)snprintf(g->line, sizeof g->line,
				                          "u%ld@example.com,%ld,5.1.1,\"550 5.1.1 user "
				                          "unknown, row %ld\"\n", g->i, 1700000000 + g->i, g->i);
			g->off = 0;
			g->i++;
		}
		k = g->len - g->off < size - done ? g->len - g->off : size - done;
		memcpy(buf + done, g->line + g->off, k);
		g->off += k;
		done += k;
	}
	return (ssize_t)done;
}

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks;
}

/* Memory does not grow with the input: 200000 rows of CSV and a JSON
 * document of 200000 elements are read with the same few buffers. */
static void test_constant_memory(void)
{
	for (int json = 0; json <= 1; json++) {
		struct gen g = { 200000, 0, json, "", 0, 0 };
		cookie_io_functions_t io = { gen_read, NULL, NULL, NULL };
		FILE *f = fopencookie(&g, "r", io);
		struct quell__reader *r;
		struct quell__row row;
		char err[256];
		size_t base, peak = 0;
		long rows = 0;
		int rc;

		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_EQUAL_FATAL(quell__reader_open(f, NULL, "-", &r, err, sizeof err), 0);
		base = heap_in_use();
		while ((rc = quell__reader_next(r, &row, NULL, err, sizeof err)) == 1) {
			if (++rows % 20000 == 0 && heap_in_use() > peak)
				peak = heap_in_use();
		}
		TU_EQ_INT(rc, 0);
		TU_EQ_INT(rows, g.n);
		TU_EQ_STR(row.entry, ""); /* reset at the end */
		if (peak > base + 65536)
			fprintf(stderr, "\n  heap grew from %zu to %zu bytes\n", base, peak);
		CU_ASSERT(peak <= base + 65536);
		quell__reader_close(r);
		fclose(f);
	}
}

static CU_TestInfo tests[] = {
	{ "plain", test_plain },
	{ "quell csv and jsonl rows", test_quell_rows },
	{ "fields carried and bytes read", test_has },
	{ "constant memory", test_constant_memory },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_rows[] = {
	{ "rows", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
