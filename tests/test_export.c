/*
 * test_export.c - the writers: the exact bytes of every format, the
 * formula guard of every CSV writer (texts and addresses, read back by
 * each reader) and the control-byte escapes of CSV cells, export -> import
 * -> export giving identical bytes for entries with every field set,
 * provider shapes read back by the provider readers, write errors, and
 * every allocation of a reader and a writer failing once.
 */
#include <stdlib.h>

#include "formats.h"
#include "testutil.h"

/* Entries with every field, and awkward ones. */
static const struct quell_entry entries[] = {
	{ "a@example.com", QUELL_SCOPE_ADDRESS, QUELL_LIST_SUPPRESS, "marketing",
	  QUELL_SOURCE_BOUNCE, "bad-mailbox", "user-unknown", 550, "5.1.1",
	  "550 5.1.1 <a@example.com>: \"no\", such user\r\n\tsecond line",
	  "=HYPERLINK(\"http://x\")\tand, a \\ backslash", 1700000000, 1700003600, 1731536000, 0,
	  0, 0, 1 },
	{ "@example.com", QUELL_SCOPE_DOMAIN, QUELL_LIST_ALLOW, "", QUELL_SOURCE_MANUAL, "manual",
	  "", 0, "", "", "+1 trusted partner; -2 'x' @home", 1700000000, 1700000000, 0, 0, 0, 0,
	  0 },
	{ "-dash@example.com", QUELL_SCOPE_ADDRESS, QUELL_LIST_BACKOFF, "", QUELL_SOURCE_BOUNCE,
	  "transient", "throttled", 421, "4.7.0", "421 4.7.0 try later", "'quoted already",
	  1700000000, 1700000900, 0, 1700001800, 1700000000, 2, 0 },
	{ "j\xc3\xb6rg@b\xc3\xbc" "cher.example", QUELL_SCOPE_ADDRESS, QUELL_LIST_SUPPRESS, "",
	  QUELL_SOURCE_COMPLAINT, "complaint", "", 0, "",
	  "C1 \xc2\x85 and DEL \x7f and ESC \x1b and \xe2\x80\x94 dash",
	  "\xf0\x9f\x93\xa7 unicode; \\n is not a newline", 1700000000, 1700000000, 0, 0, 0, 0,
	  4294967295u },
	{ "u@example.com", QUELL_SCOPE_ADDRESS, QUELL_LIST_SUPPRESS, "newsletter",
	  QUELL_SOURCE_UNSUBSCRIBE, "unsubscribe", "", 0, "", "", "", 0, 0, 0, 0, 0, 0, 0 },
	{ "m@example.com", QUELL_SCOPE_ADDRESS, QUELL_LIST_SUPPRESS, "", QUELL_SOURCE_MANUAL,
	  "manual", "", 0, "", "", "by hand, \"quoted\"", 1700000000, 1700000000, 0, 0, 0, 0, 1 },
};
#define NENTRIES (sizeof entries / sizeof entries[0])

/* Write entries[0..n) in format into a malloc'd string. */
static char *write_all(const char *format, const struct quell_entry *e, size_t n, int *skipped)
{
	char *buf = NULL, err[160];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct quell__writer *w;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(quell__writer_open(f, format, &w, err, sizeof err), 0);
	*skipped = 0;
	for (size_t i = 0; i < n; i++) {
		int rc = quell__writer_put(w, &e[i], err, sizeof err);
		CU_ASSERT(rc == 0 || rc == 1);
		*skipped += rc == 1;
	}
	CU_ASSERT_EQUAL(quell__writer_close(w, err, sizeof err), 0);
	fclose(f);
	return buf;
}

static void entry_of(const struct quell__row *r, struct quell_entry *e)
{
	e->key = r->entry;
	e->scope = r->scope;
	e->list = r->list;
	e->stream = r->stream;
	e->source = r->source;
	e->category = r->category;
	e->rule = r->rule;
	e->code = r->code;
	e->status = r->status;
	e->reply = r->reply;
	e->reason = r->reason;
	e->created = r->created;
	e->updated = r->updated;
	e->expires = r->expires;
	e->until = r->until;
	e->first_failure = r->first_failure;
	e->attempts = r->attempts;
	e->count = r->count;
}

static int same_entry(const struct quell_entry *a, const struct quell_entry *b)
{
	return strcmp(a->key, b->key) == 0 && a->scope == b->scope && a->list == b->list &&
	       strcmp(a->stream, b->stream) == 0 && a->source == b->source &&
	       strcmp(a->category, b->category) == 0 && strcmp(a->rule, b->rule) == 0 &&
	       a->code == b->code && strcmp(a->status, b->status) == 0 &&
	       strcmp(a->reply, b->reply) == 0 && strcmp(a->reason, b->reason) == 0 &&
	       a->created == b->created && a->updated == b->updated && a->expires == b->expires &&
	       a->until == b->until && a->first_failure == b->first_failure &&
	       a->attempts == b->attempts && a->count == b->count;
}

/* Read data back (detecting the format) and write each row again in
 * format; the entries read are checked against want[] when not NULL. */
static char *reexport(const char *data, const char *format, const struct quell_entry *want,
                      size_t nwant, size_t *nread)
{
	FILE *in = fmemopen((void *)data, strlen(data), "rb");
	char *buf = NULL, err[160];
	size_t len = 0, line;
	FILE *out = open_memstream(&buf, &len);
	struct quell__reader *r;
	struct quell__writer *w;
	struct quell__row row;
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	rc = quell__reader_open(in, NULL, "-", &r, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "\n  reader_open: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	TU_EQ_STR(quell__reader_format(r), format);
	CU_ASSERT_EQUAL_FATAL(quell__writer_open(out, format, &w, err, sizeof err), 0);
	*nread = 0;
	while ((rc = quell__reader_next(r, &row, &line, err, sizeof err)) == 1) {
		struct quell_entry e;

		entry_of(&row, &e);
		if (!row.restore) { /* as the importer fills them in */
			e.list = e.list ? e.list : QUELL_LIST_SUPPRESS;
			e.scope = e.scope ? e.scope : QUELL_SCOPE_ADDRESS;
		}
		if (want != NULL && *nread < nwant) {
			if (!same_entry(&e, &want[*nread]))
				fprintf(stderr, "\n  %s: entry %zu read back differs\n", format, *nread);
			CU_ASSERT(same_entry(&e, &want[*nread]));
		}
		CU_ASSERT(quell__writer_put(w, &e, err, sizeof err) >= 0);
		(*nread)++;
	}
	if (rc != 0)
		fprintf(stderr, "\n  line %zu: %s\n", line, err);
	TU_EQ_INT(rc, 0);
	CU_ASSERT_EQUAL(quell__writer_close(w, err, sizeof err), 0);
	quell__reader_close(r);
	fclose(out);
	fclose(in);
	return buf;
}

static const char csv_want[] =
	QUELL__COLUMNS "\n"
	"a@example.com,suppress,address,marketing,bounce,bad-mailbox,user-unknown,550,5.1.1,"
	"\"550 5.1.1 <a@example.com>: \"\"no\"\", such user\\r\\n\\tsecond line\","
	"\"'=HYPERLINK(\"\"http://x\"\")\\tand, a \\\\ backslash\","
	"2023-11-14T22:13:20Z,2023-11-14T23:13:20Z,2024-11-13T22:13:20Z,,,0,1\n"
	"\"'@example.com\",allow,domain,,manual,manual,,,,,\"'+1 trusted partner; -2 'x' @home\","
	"2023-11-14T22:13:20Z,2023-11-14T22:13:20Z,,,,0,0\n"
	"\"'-dash@example.com\",backoff,address,,bounce,transient,throttled,421,4.7.0,"
	"421 4.7.0 try later,\"''quoted already\",2023-11-14T22:13:20Z,2023-11-14T22:28:20Z,,"
	"2023-11-14T22:43:20Z,2023-11-14T22:13:20Z,2,0\n"
	"j\xc3\xb6rg@b\xc3\xbc" "cher.example,suppress,address,,complaint,complaint,,,,"
	"C1 \\xC2\\x85 and DEL \\x7F and ESC \\x1B and \xe2\x80\x94 dash,"
	"\xf0\x9f\x93\xa7 unicode; \\\\n is not a newline,2023-11-14T22:13:20Z,"
	"2023-11-14T22:13:20Z,,,,0,4294967295\n"
	"u@example.com,suppress,address,newsletter,unsubscribe,unsubscribe,,,,,,,,,,,0,0\n"
	"m@example.com,suppress,address,,manual,manual,,,,,\"by hand, \"\"quoted\"\"\","
	"2023-11-14T22:13:20Z,2023-11-14T22:13:20Z,,,,0,1\n";

static const char jsonl_want[] =
	"{\"entry\":\"a@example.com\",\"list\":\"suppress\",\"scope\":\"address\","
	"\"stream\":\"marketing\",\"source\":\"bounce\",\"category\":\"bad-mailbox\","
	"\"rule\":\"user-unknown\",\"code\":550,\"status\":\"5.1.1\","
	"\"reply\":\"550 5.1.1 <a@example.com>: \\\"no\\\", such user\\r\\n\\tsecond line\","
	"\"reason\":\"=HYPERLINK(\\\"http://x\\\")\\tand, a \\\\ backslash\","
	"\"created\":\"2023-11-14T22:13:20Z\",\"updated\":\"2023-11-14T23:13:20Z\","
	"\"expires\":\"2024-11-13T22:13:20Z\",\"until\":null,\"first_failure\":null,"
	"\"attempts\":0,\"count\":1}\n"
	"{\"entry\":\"@example.com\",\"list\":\"allow\",\"scope\":\"domain\",\"stream\":null,"
	"\"source\":\"manual\",\"category\":\"manual\",\"rule\":null,\"code\":null,\"status\":null,"
	"\"reply\":null,\"reason\":\"+1 trusted partner; -2 'x' @home\","
	"\"created\":\"2023-11-14T22:13:20Z\",\"updated\":\"2023-11-14T22:13:20Z\",\"expires\":null,"
	"\"until\":null,\"first_failure\":null,\"attempts\":0,\"count\":0}\n"
	"{\"entry\":\"-dash@example.com\",\"list\":\"backoff\",\"scope\":\"address\",\"stream\":null,"
	"\"source\":\"bounce\",\"category\":\"transient\",\"rule\":\"throttled\",\"code\":421,"
	"\"status\":\"4.7.0\",\"reply\":\"421 4.7.0 try later\",\"reason\":\"'quoted already\","
	"\"created\":\"2023-11-14T22:13:20Z\",\"updated\":\"2023-11-14T22:28:20Z\",\"expires\":null,"
	"\"until\":\"2023-11-14T22:43:20Z\",\"first_failure\":\"2023-11-14T22:13:20Z\","
	"\"attempts\":2,\"count\":0}\n"
	"{\"entry\":\"j\xc3\xb6rg@b\xc3\xbc" "cher.example\",\"list\":\"suppress\",\"scope\":\"address\","
	"\"stream\":null,\"source\":\"complaint\",\"category\":\"complaint\",\"rule\":null,"
	"\"code\":null,\"status\":null,"
	"\"reply\":\"C1 \\u0085 and DEL \\u007F and ESC \\u001B and \xe2\x80\x94 dash\","
	"\"reason\":\"\xf0\x9f\x93\xa7 unicode; \\\\n is not a newline\","
	"\"created\":\"2023-11-14T22:13:20Z\",\"updated\":\"2023-11-14T22:13:20Z\",\"expires\":null,"
	"\"until\":null,\"first_failure\":null,\"attempts\":0,\"count\":4294967295}\n"
	"{\"entry\":\"u@example.com\",\"list\":\"suppress\",\"scope\":\"address\","
	"\"stream\":\"newsletter\",\"source\":\"unsubscribe\",\"category\":\"unsubscribe\","
	"\"rule\":null,\"code\":null,\"status\":null,\"reply\":null,\"reason\":null,"
	"\"created\":null,\"updated\":null,\"expires\":null,\"until\":null,"
	"\"first_failure\":null,\"attempts\":0,\"count\":0}\n"
	"{\"entry\":\"m@example.com\",\"list\":\"suppress\",\"scope\":\"address\",\"stream\":null,"
	"\"source\":\"manual\",\"category\":\"manual\",\"rule\":null,\"code\":null,\"status\":null,"
	"\"reply\":null,\"reason\":\"by hand, \\\"quoted\\\"\",\"created\":\"2023-11-14T22:13:20Z\","
	"\"updated\":\"2023-11-14T22:13:20Z\",\"expires\":null,\"until\":null,"
	"\"first_failure\":null,\"attempts\":0,\"count\":1}\n";

struct shape_case {
	const char *format;
	const char *want;
	int skipped;
};

static const struct shape_case shapes[] = {
	{ "csv", csv_want, 0 },
	{ "jsonl", jsonl_want, 0 },
	{ "plain", "a@example.com\n@example.com\n-dash@example.com\n"
	           "j\xc3\xb6rg@b\xc3\xbc" "cher.example\nu@example.com\nm@example.com\n", 0 },
	{ "sendgrid", "email,created\na@example.com,1700000000\n"
	              "j\xc3\xb6rg@b\xc3\xbc" "cher.example,1700000000\nu@example.com,\n"
	              "m@example.com,1700000000\n", 2 },
	{ "mailgun", "address,code,error,created_at\n"
	             "a@example.com,550,\"550 5.1.1 <a@example.com>: \"\"no\"\", such user second line\","
	             "\"Tue, 14 Nov 2023 22:13:20 UTC\"\n"
	             "j\xc3\xb6rg@b\xc3\xbc" "cher.example,550,C1   and DEL   and ESC   and "
	             "\xe2\x80\x94 dash,\"Tue, 14 Nov 2023 22:13:20 UTC\"\n"
	             "u@example.com,550,,\n"
	             "m@example.com,550,\"by hand, \"\"quoted\"\"\",\"Tue, 14 Nov 2023 22:13:20 UTC\"\n", 2 },
	{ "ses", "{\"emailAddress\":\"a@example.com\",\"reason\":\"BOUNCE\"}\n"
	         "{\"emailAddress\":\"j\xc3\xb6rg@b\xc3\xbc" "cher.example\",\"reason\":\"COMPLAINT\"}\n"
	         "{\"emailAddress\":\"u@example.com\",\"reason\":\"COMPLAINT\"}\n"
	         "{\"emailAddress\":\"m@example.com\",\"reason\":\"BOUNCE\"}\n", 2 },
	{ "postmark", "{\"Suppressions\":[\n"
	              "{\"EmailAddress\":\"a@example.com\",\"SuppressionReason\":\"HardBounce\","
	              "\"Origin\":\"Recipient\",\"CreatedAt\":\"2023-11-14T22:13:20Z\"},\n"
	              "{\"EmailAddress\":\"j\xc3\xb6rg@b\xc3\xbc" "cher.example\",\"SuppressionReason\":"
	              "\"SpamComplaint\",\"Origin\":\"Recipient\",\"CreatedAt\":\"2023-11-14T22:13:20Z\"},\n"
	              "{\"EmailAddress\":\"u@example.com\",\"SuppressionReason\":\"ManualSuppression\","
	              "\"Origin\":\"Recipient\",\"CreatedAt\":null},\n"
	              "{\"EmailAddress\":\"m@example.com\",\"SuppressionReason\":\"ManualSuppression\","
	              "\"Origin\":\"Customer\",\"CreatedAt\":\"2023-11-14T22:13:20Z\"}\n]}\n", 2 },
};

static void test_shapes(void)
{
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		int skipped;
		char *got = write_all(shapes[i].format, entries, NENTRIES, &skipped);

		if (strcmp(got, shapes[i].want) != 0)
			fprintf(stderr, "\n  %s:\n--- got\n%s--- want\n%s", shapes[i].format, got,
			        shapes[i].want);
		CU_ASSERT_STRING_EQUAL(got, shapes[i].want);
		TU_EQ_INT(skipped, shapes[i].skipped);
		free(got);
	}
}

/* export -> import -> export: the same bytes, and the same entries. */
static void test_round_trip(void)
{
	static const char *const formats[] = { "csv", "jsonl" };

	for (size_t i = 0; i < 2; i++) {
		int skipped;
		size_t n;
		char *first = write_all(formats[i], entries, NENTRIES, &skipped);
		char *second = reexport(first, formats[i], entries, NENTRIES, &n);

		TU_EQ_INT(n, NENTRIES);
		TU_EQ_STR(second, first);
		free(first);
		free(second);
	}
}

/* Provider shapes are lossy, but once written they read back to the same
 * bytes, and the provider readers take them. */
static void test_provider_round_trip(void)
{
	static const char *const formats[] = { "sendgrid", "mailgun", "ses", "postmark", "plain" };

	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		int skipped;
		size_t n;
		char *first = write_all(formats[i], entries, NENTRIES, &skipped);
		char *second = reexport(first, formats[i], NULL, 0, &n);

		TU_EQ_INT(n, NENTRIES - (size_t)skipped);
		TU_EQ_STR(second, first);
		free(first);
		free(second);
	}
}

/* The formula guard (CONTRACT.md) in every CSV writer: quell's csv,
 * sendgrid and mailgun, for texts and for addresses; and every reader
 * takes the ' away again. */
static const struct guard_case {
	const char *text;   /* a reason, and the mailgun error cell */
	const char *csv;    /* the reason cell of quell's csv */
	const char *cell;   /* a provider cell */
} guards[] = {
	{ "=1+2", "\"'=1+2\"", "\"'=1+2\"" },
	{ "+1", "\"'+1\"", "\"'+1\"" },
	{ "-1", "\"'-1\"", "\"'-1\"" },
	{ "@SUM(A1)", "\"'@SUM(A1)\"", "\"'@SUM(A1)\"" },
	{ "  =cmd|' /C calc'!A0", "\"'  =cmd|' /C calc'!A0\"", "\"'  =cmd|' /C calc'!A0\"" },
	{ " -x, y", "\"' -x, y\"", "\"' -x, y\"" },
	{ "'=1", "\"''=1\"", "\"''=1\"" },
	{ "'' @x", "\"''' @x\"", "\"''' @x\"" },
	{ "'plain", "\"''plain\"", "'plain" },
	{ "a=b", "a=b", "a=b" },
	{ "   ", "   ", "   " },
	{ "\t=tab", "\\t=tab", "\"' =tab\"" }, /* provider cells make the tab a space */
};

static void test_formula_guard(void)
{
	for (size_t i = 0; i < sizeof guards / sizeof guards[0]; i++) {
		const struct guard_case *g = &guards[i];
		struct quell_entry e = entries[5]; /* m@example.com, manual */
		char want[256], *got, *back;
		int skipped;
		size_t n;

		e.reason = g->text;
		got = write_all("csv", &e, 1, &skipped);
		snprintf(want, sizeof want,
		         QUELL__COLUMNS "\nm@example.com,suppress,address,,manual,manual,,,,,%s,"
		         "2023-11-14T22:13:20Z,2023-11-14T22:13:20Z,,,,0,1\n", g->csv);
		if (strcmp(got, want) != 0)
			fprintf(stderr, "\n  csv case %zu: got %s", i, got);
		TU_EQ_STR(got, want);
		back = reexport(got, "csv", &e, 1, &n); /* the reason reads back as it was */
		TU_EQ_STR(back, got);
		free(back);
		free(got);

		got = write_all("mailgun", &e, 1, &skipped);
		snprintf(want, sizeof want, "address,code,error,created_at\nm@example.com,550,%s,"
		         "\"Tue, 14 Nov 2023 22:13:20 UTC\"\n", g->cell);
		if (strcmp(got, want) != 0)
			fprintf(stderr, "\n  mailgun case %zu: got %s", i, got);
		TU_EQ_STR(got, want);
		back = reexport(got, "mailgun", NULL, 0, &n);
		TU_EQ_STR(back, got);
		free(back);
		free(got);
	}
}

/* Addresses may begin with = + - too: guarded in every CSV shape, read
 * back as they were by each reader. */
static void test_formula_guard_addresses(void)
{
	static const struct {
		const char *key, *cell, *csv;
	} keys[] = {
		{ "=x@example.com", "\"'=x@example.com\"", "\"'=x@example.com\"" },
		{ "+x@example.com", "\"'+x@example.com\"", "\"'+x@example.com\"" },
		{ "-x@example.com", "\"'-x@example.com\"", "\"'-x@example.com\"" },
		{ "'=x@example.com", "\"''=x@example.com\"", "\"''=x@example.com\"" },
		{ "'x@example.com", "'x@example.com", "\"''x@example.com\"" },
	};
	static const char *const formats[] = { "sendgrid", "mailgun", "csv" };

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		for (size_t f = 0; f < 3; f++) {
			struct quell_entry e = entries[5];
			char *got, *again, want[256];
			int skipped;
			size_t n;

			e.key = keys[i].key;
			e.reason = "";
			got = write_all(formats[f], &e, 1, &skipped);
			if (f == 0)
				snprintf(want, sizeof want, "email,created\n%s,1700000000\n", keys[i].cell);
			else if (f == 1)
				snprintf(want, sizeof want, "address,code,error,created_at\n%s,550,,"
				         "\"Tue, 14 Nov 2023 22:13:20 UTC\"\n", keys[i].cell);
			else
				snprintf(want, sizeof want, QUELL__COLUMNS "\n%s,suppress,address,,manual,"
				         "manual,,,,,,2023-11-14T22:13:20Z,2023-11-14T22:13:20Z,,,,0,1\n",
				         keys[i].csv);
			TU_EQ_STR(got, want);
			/* read back: quell's csv gives the entry as it was, a provider's
			 * its address (checked through the bytes written again) */
			again = reexport(got, formats[f], f == 2 ? &e : NULL, f == 2 ? 1 : 0, &n);
			TU_EQ_INT(n, 1);
			TU_EQ_STR(again, got);
			free(again);
			free(got);
		}
	}
}

static void test_plain_once_per_key(void)
{
	struct quell_entry e[3] = { entries[4], entries[4], entries[5] };
	int skipped;
	char *got;

	e[1].stream = "other";
	got = write_all("plain", e, 3, &skipped);
	TU_EQ_STR(got, "u@example.com\nm@example.com\n");
	TU_EQ_INT(skipped, 1);
	free(got);
}

/* Times no entry has still give well-formed provider rows. */
static void test_odd_times(void)
{
	struct quell_entry e[2] = { entries[0], entries[0] };
	int skipped;
	char *got;

	e[0].created = -1;
	e[1].created = INT64_MAX;
	got = write_all("mailgun", e, 2, &skipped);
	TU_EQ_STR(got, "address,code,error,created_at\n"
	               "a@example.com,550,\"550 5.1.1 <a@example.com>: \"\"no\"\", such user second line\",\n"
	               "a@example.com,550,\"550 5.1.1 <a@example.com>: \"\"no\"\", such user second line\",\n");
	free(got);
	got = write_all("sendgrid", e, 1, &skipped);
	TU_EQ_STR(got, "email,created\na@example.com,\n");
	free(got);
}

static void test_errors(void)
{
	struct quell__writer *w = NULL;
	char err[160];
	FILE *f;

	TU_EQ_INT(quell__writer_open(stdout, "xml", &w, err, sizeof err), QUELL_EINVAL);
	TU_EQ_STR(err, "unknown export format 'xml' (csv, jsonl, plain, sendgrid, mailgun, ses or "
	               "postmark)");
	CU_ASSERT_PTR_NULL(w);
	TU_EQ_INT(quell__writer_open(stdout, NULL, &w, err, sizeof err), QUELL_EINVAL);
	TU_EQ_INT(quell__writer_close(NULL, err, sizeof err), 0);

	f = fopen("/dev/full", "w");
	if (f == NULL)
		return; /* no /dev/full here */
	/* buffered: the error shows when the buffer is written out */
	CU_ASSERT_EQUAL_FATAL(quell__writer_open(f, "csv", &w, err, sizeof err), 0);
	TU_EQ_INT(quell__writer_put(w, &entries[0], err, sizeof err), 0);
	TU_EQ_INT(quell__writer_close(w, err, sizeof err), QUELL_EIO);
	TU_EQ_STR(err, "write error: No space left on device");
	/* unbuffered: at once, and every later call fails the same way */
	clearerr(f);
	setvbuf(f, NULL, _IONBF, 0);
	TU_EQ_INT(quell__writer_open(f, "csv", &w, err, sizeof err), QUELL_EIO);
	CU_ASSERT_EQUAL_FATAL(quell__writer_open(f, "plain", &w, err, sizeof err), 0);
	TU_EQ_INT(quell__writer_put(w, &entries[0], err, sizeof err), QUELL_EIO);
	TU_EQ_INT(quell__writer_put(w, &entries[1], err, sizeof err), QUELL_EIO);
	TU_EQ_STR(err, "write error: No space left on device");
	TU_EQ_INT(quell__writer_close(w, err, sizeof err), QUELL_EIO);
	fclose(f);
}

/* Fail each allocation of reading and writing once: a clean error every
 * time, nothing leaked (under ASan or valgrind). */
static int alloc_scenario(void)
{
	static const char *const inputs[] = {
		"email,created,status,reason\na@example.com,1,5.1.1,x\n",
		"{\"Suppressions\":[{\"EmailAddress\":\"a@example.com\",\"SuppressionReason\":\"HardBounce\"}]}\n",
		"{\"entry\":\"a@example.com\"}\n",
		"a@example.com\n",
	};
	int failed = 0;

	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		FILE *f = fmemopen((void *)inputs[i], strlen(inputs[i]), "rb");
		struct quell__reader *r;
		struct quell__row row;
		char err[160];
		int rc;

		if (f == NULL)
			return failed + 1;
		rc = quell__reader_open(f, NULL, "-", &r, err, sizeof err);
		if (rc == 0) {
			while ((rc = quell__reader_next(r, &row, NULL, err, sizeof err)) == 1)
				;
			quell__reader_close(r);
		}
		CU_ASSERT(rc == 0 || rc == QUELL_ENOMEM);
		if (rc == QUELL_ENOMEM)
			TU_EQ_STR(err, "out of memory");
		failed += rc != 0;
		fclose(f);
	}
	for (size_t i = 0; i < 2; i++) {
		FILE *f = fopen("/dev/null", "w");
		struct quell__writer *w;
		char err[160];
		int rc;

		if (f == NULL)
			return failed + 1;
		rc = quell__writer_open(f, i == 0 ? "csv" : "postmark", &w, err, sizeof err);
		if (rc == 0) {
			for (size_t k = 0; k < NENTRIES && rc >= 0; k++)
				rc = quell__writer_put(w, &entries[k], err, sizeof err);
			rc = quell__writer_close(w, err, sizeof err) != 0 || rc < 0 ? QUELL_ENOMEM : 0;
		}
		CU_ASSERT(rc == 0 || rc == QUELL_ENOMEM);
		failed += rc != 0;
		fclose(f);
	}
	return failed;
}

static void test_allocations(void)
{
	long i;

	tu_alloc_fail_at(0);
	TU_EQ_INT(alloc_scenario(), 0);
	for (i = 1; i < 1000; i++) {
		long seen;
		int failed;

		tu_alloc_fail_at(i);
		failed = alloc_scenario();
		seen = tu_alloc_seen();
		tu_alloc_fail_at(0);
		if (seen < i) { /* every allocation has failed once */
			TU_EQ_INT(failed, 0);
			break;
		}
	}
	CU_ASSERT(i > 5 && i < 1000);
}

static CU_TestInfo tests[] = {
	{ "bytes of every format", test_shapes },
	{ "export, import, export: identical", test_round_trip },
	{ "provider shapes read back", test_provider_round_trip },
	{ "formula guard in every CSV writer, read back", test_formula_guard },
	{ "formula guard on addresses, read back", test_formula_guard_addresses },
	{ "plain writes a key once", test_plain_once_per_key },
	{ "times no entry has", test_odd_times },
	{ "errors", test_errors },
	{ "every allocation fails once", test_allocations },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_export[] = {
	{ "export", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
