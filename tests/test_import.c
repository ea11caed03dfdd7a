/*
 * test_import.c - quell_import and quell_export against a database: rows
 * with replies through the rules at the row's time, rows without as they
 * stand, idempotent re-import, rejected rows with their lines, dry runs,
 * batches, the csv and jsonl round trip (export -> import into an empty
 * database -> export gives identical bytes, also for domain entries that
 * only quell's own rows may name, and over fuzzed text from a printed
 * seed), text repaired to UTF-8 at the door (add, record, record_many,
 * import rows), a temporary file that cannot be written (said once, with
 * what failed where), and an import killed midway.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define T0 1795860000

struct rejects {
	size_t n;
	size_t lines[16];
	char reasons[16][160];
	int batches;
};

static void on_reject(void *ctx, const char *file, size_t line, const char *reason)
{
	struct rejects *r = ctx;

	(void)file;
	if (r->n < 16) {
		r->lines[r->n] = line;
		snprintf(r->reasons[r->n], sizeof r->reasons[0], "%s", reason);
	}
	r->n++;
}

static int on_progress(void *ctx, const struct quell_import_stats *st)
{
	struct rejects *r = ctx;

	(void)st;
	r->batches++;
	return 0;
}

/* Import text with the options o (at T0 unless o says when). */
static int import_with(quell *h, const char *text, struct quell_import_options *o,
                       struct quell_import_stats *st)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	if (o->now == 0)
		o->now = T0;
	rc = quell_import(h, f, o, st);
	fclose(f);
	return rc;
}

static int import_text(quell *h, const char *text, const char *format, int force,
                       struct quell_import_stats *st, struct rejects *rj)
{
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	int rc;

	o.format = format;
	o.filename = "test-input";
	o.force_suppress = force;
	o.reject = on_reject;
	o.progress = on_progress;
	o.payload = rj;
	rc = import_with(h, text, &o, st);
	if (rc != 0)
		fprintf(stderr, "\n  import: %s\n", quell_errmsg(h));
	return rc;
}

static int verdict(quell *h, const char *addr)
{
	struct quell_result r;

	CU_ASSERT_EQUAL(quell_check(h, addr, NULL, T0, &r), 0);
	return r.verdict;
}

static void test_plain(void)
{
	static const char text[] = "# a list\nA@Example.com\nb@example.com\n\n@gone.example\n"
	                           "not an address\nc@example.com\nco.uk\n";
	struct quell_import_stats st;
	struct rejects rj = { 0 };
	struct quell_stats *s = NULL;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(import_text(h, text, NULL, 0, &st, &rj), 0);
	TU_EQ_STR(st.format, "plain");
	TU_EQ_INT(st.read, 6);
	TU_EQ_INT(st.imported, 4);
	TU_EQ_INT(st.rejected, 2);
	TU_EQ_INT(rj.n, 2);
	TU_EQ_INT(rj.lines[0], 6);
	TU_EQ_INT(rj.lines[1], 8);
	CU_ASSERT(strstr(rj.reasons[1], "public suffix") != NULL);
	TU_EQ_INT(verdict(h, "a@example.com"), QUELL_SUPPRESS);
	TU_EQ_INT(verdict(h, "x@mx.gone.example"), QUELL_SUPPRESS);
	TU_EQ_INT(verdict(h, "d@example.com"), QUELL_ALLOW);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &s), 0);
	TU_EQ_INT(s->by_source[QUELL_SOURCE_IMPORT], 4);
	TU_EQ_INT(s->events, 4);
	quell_stats_free(s);

	/* the same file again changes nothing */
	memset(&rj, 0, sizeof rj);
	CU_ASSERT_EQUAL(import_text(h, text, NULL, 0, &st, &rj), 0);
	TU_EQ_INT(st.imported, 0);
	TU_EQ_INT(st.updated, 0);
	TU_EQ_INT(st.skipped, 4);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &s), 0);
	TU_EQ_INT(s->events, 4);
	quell_stats_free(s);
	tu_close(h, dir);
}

static void test_provider_rows_through_rules(void)
{
	static const char text[] =
		"email,created,status,reason\n"
		"gone@example.com,1699999999,5.1.1,\"550 5.1.1 The email account that you tried to reach does not exist.\"\n"
		"fine@example.com,1700000000,5.7.1,\"554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org\"\n"
		"full@example.com,1700000001,4.2.2,\"452 4.2.2 Mailbox full\"\n";
	struct quell_import_stats st;
	struct rejects rj = { 0 };
	struct quell_result r;
	struct quell_info *info = NULL;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(import_text(h, text, NULL, 0, &st, &rj), 0);
	TU_EQ_STR(st.format, "sendgrid");
	TU_EQ_INT(st.read, 3);
	TU_EQ_INT(st.rejected, 0);
	CU_ASSERT_EQUAL(quell_check(h, "gone@example.com", NULL, T0, &r), 0);
	TU_EQ_INT(r.verdict, QUELL_SUPPRESS);
	TU_EQ_INT(r.since, 1699999999); /* the row's time */
	CU_ASSERT(r.rule[0] != '\0');
	/* a block in an old bounce list does not suppress a good address */
	TU_EQ_INT(verdict(h, "fine@example.com"), QUELL_ALLOW);
	TU_EQ_INT(verdict(h, "full@example.com"), QUELL_ALLOW);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "fine@example.com", 0, &info), 0);
	TU_EQ_INT(info->nevents, 1);
	TU_EQ_INT(info->events[0].action, QUELL_ACTION_IGNORE);
	quell_info_free(info);

	/* again: nothing counts twice (the quota count stays at one) */
	CU_ASSERT_EQUAL(import_text(h, text, NULL, 0, &st, &rj), 0);
	TU_EQ_INT(st.imported, 0);
	TU_EQ_INT(st.skipped, 3);

	/* --force-suppress suppresses the block too */
	CU_ASSERT_EQUAL(import_text(h, text, NULL, 1, &st, &rj), 0);
	TU_EQ_INT(verdict(h, "fine@example.com"), QUELL_SUPPRESS);
	tu_close(h, dir);
}

/* A bounce row for an address at a public suffix goes through the rules
 * like any other, but its domain-scope outcome lands on the address. */
static void test_provider_row_public_suffix(void)
{
	static const char text[] =
		"email,created,status,reason\n"
		"signup@com,1795860000,5.1.2,\"550 5.1.2 Host or domain name not found\"\n"
		"x@co.uk,1795860000,5.1.2,\"550 5.1.2 Host or domain name not found\"\n"
		"y@gone.co.uk,1795860000,5.1.2,\"550 5.1.2 Host or domain name not found\"\n";
	struct quell_import_stats st;
	struct rejects rj = { 0 };
	struct quell_result r;
	struct quell_info *info = NULL;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(import_text(h, text, NULL, 0, &st, &rj), 0);
	TU_EQ_STR(st.format, "sendgrid");
	TU_EQ_INT(st.rejected, 0);
	CU_ASSERT_EQUAL(quell_check(h, "signup@com", NULL, T0, &r), 0);
	TU_EQ_INT(r.verdict, QUELL_SUPPRESS);
	TU_EQ_INT(r.scope, QUELL_SCOPE_ADDRESS);
	TU_EQ_STR(r.key, "signup@com");
	TU_EQ_INT(verdict(h, "anyone@example.com"), QUELL_ALLOW);
	TU_EQ_INT(verdict(h, "x@co.uk"), QUELL_SUPPRESS);
	TU_EQ_INT(verdict(h, "a@bbc.co.uk"), QUELL_ALLOW);
	CU_ASSERT_EQUAL(quell_check(h, "z@gone.co.uk", NULL, T0, &r), 0);
	TU_EQ_INT(r.verdict, QUELL_SUPPRESS); /* a registered domain keeps its entry */
	TU_EQ_STR(r.key, "gone.co.uk");
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "signup@com", 0, &info), 0);
	TU_EQ_INT(info->nevents, 1);
	if (info->nevents == 1)
		TU_EQ_STR(info->events[0].reason, "domain 'com' is a public suffix: address scope");
	quell_info_free(info);
	tu_close(h, dir);
}

static void test_complaints_and_unsubscribes(void)
{
	static const char ses[] = "email,reason\nspam@example.com,COMPLAINT\nb@example.com,BOUNCE\n";
	struct quell_import_stats st;
	struct rejects rj = { 0 };
	struct quell_result r;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(import_text(h, ses, "ses", 0, &st, &rj), 0);
	TU_EQ_INT(st.imported, 2);
	CU_ASSERT_EQUAL(quell_check(h, "spam@example.com", NULL, T0, &r), 0);
	TU_EQ_INT(r.verdict, QUELL_SUPPRESS);
	TU_EQ_INT(r.source, QUELL_SOURCE_COMPLAINT);
	CU_ASSERT_EQUAL(quell_check(h, "b@example.com", NULL, T0, &r), 0);
	TU_EQ_INT(r.source, QUELL_SOURCE_BOUNCE);
	tu_close(h, dir);
}

/* The category an entry gets when nobody names one comes from one table
 * (write.h): by hand a bounce is "other", what the rules call a reply they
 * do not classify; an imported bounce that no rule judged is "import". */
static void test_default_categories(void)
{
	static const char ses[] = "email,reason\nb@example.com,BOUNCE\n";
	static const struct {
		int source;
		const char *want;
	} add[] = {
		{ 0, "manual" },
		{ QUELL_SOURCE_MANUAL, "manual" },
		{ QUELL_SOURCE_BOUNCE, "other" },
		{ QUELL_SOURCE_COMPLAINT, "complaint" },
		{ QUELL_SOURCE_UNSUBSCRIBE, "unsubscribe" },
		{ QUELL_SOURCE_IMPORT, "import" },
	};
	struct quell_import_stats st;
	struct rejects rj = { 0 };
	struct quell_result r;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	for (size_t i = 0; i < sizeof add / sizeof add[0]; i++) {
		struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;
		char addr[32];

		snprintf(addr, sizeof addr, "a%zu@example.com", i);
		o.source = add[i].source;
		o.now = T0;
		TU_EQ_INT(quell_add(h, addr, &o), 0);
		CU_ASSERT_EQUAL(quell_check(h, addr, NULL, T0, &r), 0);
		TU_EQ_STR(r.category, add[i].want);
	}
	TU_EQ_INT(quell_allow(h, "allowed@example.com", NULL), 0); /* allow: by hand */
	CU_ASSERT_EQUAL(quell_check(h, "allowed@example.com", NULL, T0, &r), 0);
	TU_EQ_STR(r.category, "manual");
	CU_ASSERT_EQUAL(import_text(h, ses, "ses", 0, &st, &rj), 0);
	CU_ASSERT_EQUAL(quell_check(h, "b@example.com", NULL, T0, &r), 0);
	TU_EQ_INT(r.source, QUELL_SOURCE_BOUNCE);
	TU_EQ_STR(r.category, "import");
	tu_close(h, dir);
}

static void test_dry_run_and_batches(void)
{
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	struct quell_import_stats st;
	struct quell_stats *s = NULL;
	struct rejects rj = { 0 };
	char dir[128], text[4096];
	size_t n = 0;
	quell *h = tu_open(dir, sizeof dir, NULL);
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	for (int i = 0; i < 25; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "user%02d@example.com\n", 24 - i);
	f = fmemopen(text, n, "r");
	o.dry_run = 1;
	o.now = T0;
	CU_ASSERT_EQUAL(quell_import(h, f, &o, &st), 0);
	fclose(f);
	TU_EQ_INT(st.imported, 25);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &s), 0);
	TU_EQ_INT(s->keys, 0); /* nothing written */
	quell_stats_free(s);

	f = fmemopen(text, n, "r");
	o.dry_run = 0;
	o.batch = 10;
	o.progress = on_progress;
	o.payload = &rj;
	CU_ASSERT_EQUAL(quell_import(h, f, &o, &st), 0);
	fclose(f);
	TU_EQ_INT(st.imported, 25);
	TU_EQ_INT(st.written, 25);
	TU_EQ_INT(rj.batches, 4); /* three batches, then the end */
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &s), 0);
	TU_EQ_INT(s->keys, 25);
	quell_stats_free(s);
	tu_close(h, dir);
}

/* A progress callback that counts its calls and says stop at call
 * `stop_at` (from 1). */
struct canceler {
	int calls, stop_at;
};

static int cancel_at(void *payload, const struct quell_import_stats *st)
{
	struct canceler *c = payload;

	(void)st;
	return ++c->calls == c->stop_at;
}

/* A non-zero progress return cancels: after a committed batch (that batch
 * stays, and importing again finishes the job), or while the rows are
 * still read (nothing written). */
static void test_progress_cancels(void)
{
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	struct quell_import_stats st;
	struct quell_stats *s = NULL;
	struct canceler c = { 0, 1 };
	char dir[128], text[4096], *big = NULL;
	size_t n = 0, bn = 0;
	quell *h = tu_open(dir, sizeof dir, NULL);
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	for (int i = 0; i < 25; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "user%02d@example.com\n", i);
	f = fmemopen(text, n, "r");
	o.batch = 10;
	o.now = T0;
	o.progress = cancel_at;
	o.payload = &c;
	TU_EQ_INT(quell_import(h, f, &o, &st), QUELL_ECANCELED);
	fclose(f);
	TU_EQ_INT(c.calls, 1);
	TU_EQ_INT(st.written, 10);
	TU_EQ_STR(quell_errmsg(h),
	          "import canceled by its progress callback after 10 rows were written");
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &s), 0);
	TU_EQ_INT(s->keys, 10); /* the committed batch stays */
	quell_stats_free(s);

	f = fmemopen(text, n, "r");
	o.progress = NULL;
	TU_EQ_INT(quell_import(h, f, &o, &st), 0);
	fclose(f);
	TU_EQ_INT(st.imported, 15);
	TU_EQ_INT(st.skipped, 10);

	/* 65536 rows: the first call comes while reading */
	f = open_memstream(&big, &bn);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (int i = 0; i < 70000; i++)
		fprintf(f, "more%05d@example.com\n", i);
	fclose(f);
	f = fmemopen(big, bn, "r");
	c.calls = 0;
	o.progress = cancel_at;
	TU_EQ_INT(quell_import(h, f, &o, &st), QUELL_ECANCELED);
	fclose(f);
	free(big);
	TU_EQ_INT(c.calls, 1);
	TU_EQ_INT(st.read, 65536);
	TU_EQ_INT(st.written, 0);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &s), 0);
	TU_EQ_INT(s->keys, 25); /* nothing of this import */
	quell_stats_free(s);
	tu_close(h, dir);
}

/* Small batches make several sorted runs in temporary files: the merge
 * must give every key once, a key's rows in file order. */
static void test_runs_merge(void)
{
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	struct quell_import_stats st;
	struct quell_stats *s = NULL;
	struct quell_result r;
	char dir[128], *text = NULL;
	size_t len = 0;
	quell *h = tu_open(dir, sizeof dir, NULL);
	FILE *f = open_memstream(&text, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("entry,list,source,reason\n", f);
	for (int i = 0; i < 600; i++) /* 300 keys, each twice: the later row wins */
		fprintf(f, "k%03d@example.com,suppress,manual,row %d\n", (i * 37) % 300, i);
	fclose(f);
	f = fmemopen(text, len, "r");
	o.format = "csv";
	o.batch = 2; /* runs of 128 rows: five of them */
	o.now = T0;
	CU_ASSERT_EQUAL(quell_import(h, f, &o, &st), 0);
	fclose(f);
	TU_EQ_INT(st.read, 600);
	TU_EQ_INT(st.rejected, 0);
	TU_EQ_INT(st.imported, 300);
	TU_EQ_INT(st.updated, 300);
	TU_EQ_INT(st.written, 600);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &s), 0);
	TU_EQ_INT(s->keys, 300);
	quell_stats_free(s);
	/* k000 is on rows 0 and 300: the last row's reason stays */
	CU_ASSERT_EQUAL(quell_check(h, "k000@example.com", NULL, T0, &r), 0);
	TU_EQ_INT(r.verdict, QUELL_SUPPRESS);
	{
		struct quell_info *info = NULL;
		CU_ASSERT_EQUAL_FATAL(quell_show(h, "k000@example.com", 0, &info), 0);
		TU_EQ_STR(info->entries[0].reason, "row 300");
		quell_info_free(info);
	}
	free(text);
	tu_close(h, dir);
}

/* A database with one of everything. */
static void populate(quell *h)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_record_options ro = QUELL_RECORD_OPTIONS_INIT;

	a.now = T0 - 1000;
	a.reason = "tab\there, \"quotes\", comma, newline\nand =formula";
	CU_ASSERT_EQUAL(quell_add(h, "=cmd@example.com", &a), 0);
	a.reason = NULL;
	a.ttl = 3600;
	CU_ASSERT_EQUAL(quell_add(h, "-minus@example.com", &a), 0);
	a.ttl = 60; /* expired by T0: still exported by csv/jsonl */
	CU_ASSERT_EQUAL(quell_add(h, "old@example.com", &a), 0);
	a.ttl = 0;
	CU_ASSERT_EQUAL(quell_add(h, "@example.net", &a), 0);
	CU_ASSERT_EQUAL(quell_allow(h, "vip@example.net", &a), 0);
	a.stream = "marketing";
	a.source = QUELL_SOURCE_UNSUBSCRIBE;
	CU_ASSERT_EQUAL(quell_add(h, "ünï@bücher.example", &a), 0);
	ro.now = T0 - 500;
	CU_ASSERT_EQUAL(quell_record(h, "gone@example.org", "550 5.1.1 no such user", &ro, NULL), 0);
	CU_ASSERT_EQUAL(quell_record(h, "later@example.org", "451 4.3.0 try again", &ro, NULL), 0);
}

static char *export_all(quell *h, const char *format, size_t *len)
{
	struct quell_export_options eo = QUELL_EXPORT_OPTIONS_INIT;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	eo.format = format;
	eo.stream = "*";
	eo.now = T0;
	CU_ASSERT_EQUAL(quell_export(h, f, &eo, NULL), 0);
	fclose(f);
	return buf;
}

static void round_trip(const char *format)
{
	struct quell_import_stats st;
	struct rejects rj = { 0 };
	char d1[128], d2[128];
	quell *a = tu_open(d1, sizeof d1, NULL), *b = tu_open(d2, sizeof d2, NULL);
	size_t n1 = 0, n2 = 0;
	char *e1, *e2;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	populate(a);
	e1 = export_all(a, format, &n1);
	CU_ASSERT(n1 > 200);
	CU_ASSERT_EQUAL(import_text(b, e1, NULL, 0, &st, &rj), 0);
	TU_EQ_STR(st.format, format);
	TU_EQ_INT(st.rejected, 0);
	TU_EQ_INT(st.imported, 8);
	e2 = export_all(b, format, &n2);
	TU_EQ_INT(n2, n1);
	if (n1 != n2 || memcmp(e1, e2, n1) != 0)
		fprintf(stderr, "\n  first export:\n%s\n  second export:\n%s\n", e1, e2);
	CU_ASSERT(n1 == n2 && memcmp(e1, e2, n1) == 0);
	/* importing it again changes nothing */
	CU_ASSERT_EQUAL(import_text(b, e1, NULL, 0, &st, &rj), 0);
	TU_EQ_INT(st.imported + st.updated, 0);
	/* and the formula-looking cells are not live in a spreadsheet */
	if (strcmp(format, "csv") == 0)
		CU_ASSERT(strstr(e1, "\n=") == NULL && strstr(e1, ",=") == NULL &&
		          strstr(e1, "\n-") == NULL && strstr(e1, "\n@") == NULL);
	free(e1);
	free(e2);
	tu_close(a, d1);
	tu_close(b, d2);
}

static void test_round_trip_csv(void)
{
	round_trip("csv");
}

static void test_round_trip_jsonl(void)
{
	round_trip("jsonl");
}

/* Whatever the store holds, its own csv and jsonl restore: domain entries
 * for a single label (a 421 recorded for a@b backs off `b`) or a public
 * suffix, which plain and provider rows may not name. */
static void test_restore_what_imports_refuse(void)
{
	static const char csv[] =
		"entry,list,scope,stream,source,category,rule,code,status,reply,reason,created,"
		"updated,expires,until,first_failure,attempts,count\n"
		"b,backoff,domain,,bounce,transient,throttled,421,4.7.0,try later,,"
		"2026-11-28T09:00:00Z,2026-11-28T09:00:00Z,,2026-11-28T11:00:00Z,"
		"2026-11-28T09:00:00Z,1,0\n"
		"co.uk,allow,domain,,manual,manual,,,,,partner,2026-11-28T09:00:00Z,"
		"2026-11-28T09:00:00Z,,,,0,0\n"
		"com,suppress,domain,,manual,manual,,,,,,2026-11-28T09:00:00Z,"
		"2026-11-28T09:00:00Z,,,,0,1\n";
	struct quell_import_stats st;
	struct rejects rj = { 0 };
	char d1[128], d2[128];
	quell *a = tu_open(d1, sizeof d1, NULL), *b = tu_open(d2, sizeof d2, NULL);
	size_t n = 0;
	char *e, *j1, *j2;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(import_text(a, csv, NULL, 0, &st, &rj), 0);
	TU_EQ_INT(st.imported, 3);
	TU_EQ_INT(st.rejected, 0);
	if (rj.n > 0)
		fprintf(stderr, "\n  rejected: %s\n", rj.reasons[0]);
	TU_EQ_INT(verdict(a, "x@b"), QUELL_BACKOFF);
	e = export_all(a, "csv", &n);
	TU_EQ_STR(e, csv);
	free(e);
	/* jsonl too, into an empty database */
	j1 = export_all(a, "jsonl", &n);
	CU_ASSERT_EQUAL(import_text(b, j1, NULL, 0, &st, &rj), 0);
	TU_EQ_INT(st.imported, 3);
	TU_EQ_INT(st.rejected, 0);
	j2 = export_all(b, "jsonl", &n);
	TU_EQ_STR(j2, j1);
	free(j1);
	free(j2);
	/* plain and provider rows still may not name them */
	memset(&rj, 0, sizeof rj);
	CU_ASSERT_EQUAL(import_text(b, "b\nco.uk\n", "plain", 0, &st, &rj), 0);
	TU_EQ_INT(st.rejected, 2);
	memset(&rj, 0, sizeof rj);
	CU_ASSERT_EQUAL(import_text(b, "email,created\n@com,1700000000\n", "sendgrid", 0, &st, &rj),
	                0);
	TU_EQ_INT(st.rejected, 1);
	tu_close(a, d1);
	tu_close(b, d2);
}

/* xorshift64*: the fuzzed texts below, from a printed seed. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/* A NUL-terminated string of 1..max pseudo-random bytes (no NUL): mostly
 * bytes of 0x80 and above, some ASCII, some control bytes, some valid
 * UTF-8, so that every repair path runs. */
static void random_text(uint64_t *s, char *out, size_t max)
{
	size_t n = 1 + rnd(s) % (max - 1), i = 0;

	while (i < n) {
		uint64_t r = rnd(s);

		switch (r % 6) {
		case 0: out[i++] = (char)(0x80 + (r >> 8) % 0x80); break;
		case 1: out[i++] = (char)(1 + (r >> 8) % 0x1F); break;
		case 2:
			if (i + 2 <= n) { /* a valid two-byte character */
				out[i++] = (char)(0xC2 + (r >> 8) % 30);
				out[i++] = (char)(0x80 + (r >> 16) % 0x40);
			}
			break;
		default: out[i++] = (char)(0x20 + (r >> 8) % 0x60); break;
		}
	}
	out[n] = '\0';
}

#define FUZZ_TEXTS 300

/*
 * Restore from export over fuzzed text: pseudo-random byte strings (from a
 * printed seed; QUELL_TEST_SEED sets it) enter as --reason and as replies;
 * everything stored is valid UTF-8, and csv and jsonl export -> import into
 * an empty database -> export give the same bytes, nothing rejected.
 */
static void test_round_trip_fuzzed_text(void)
{
	const char *env = getenv("QUELL_TEST_SEED");
	uint64_t seed = env != NULL ? strtoull(env, NULL, 10) : UINT64_C(20261201), s;
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_record_options ro = QUELL_RECORD_OPTIONS_INIT;
	char d1[128], text[400], addr[64];
	quell *h = tu_open(d1, sizeof d1, NULL);
	unsigned repaired = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	fprintf(stderr, "\n  fuzzed text: seed %llu (QUELL_TEST_SEED)\n", (unsigned long long)seed);
	s = seed ? seed : 1;
	a.now = ro.now = T0 - 1000;
	for (int i = 0; i < FUZZ_TEXTS; i++) {
		struct quell_outcome out;
		int rc;

		random_text(&s, text, sizeof text);
		snprintf(addr, sizeof addr, "r%d@example.com", i);
		a.reason = text;
		CU_ASSERT_EQUAL(quell_add(h, addr, &a), 0);
		random_text(&s, text, sizeof text);
		snprintf(addr, sizeof addr, "b%d@example.org", i);
		rc = quell_record(h, addr, text, &ro, &out);
		CU_ASSERT(rc == 0 || rc == QUELL_EDATA);
		repaired += rc == 0 && out.repaired;
	}
	CU_ASSERT(repaired > FUZZ_TEXTS / 2);
	for (int f = 0; f < 2; f++) {
		const char *format = f == 0 ? "csv" : "jsonl";
		struct quell_import_stats st;
		struct rejects rj = { 0 };
		char d2[128];
		quell *b = tu_open(d2, sizeof d2, NULL);
		size_t n1 = 0, n2 = 0;
		char *e1, *e2;

		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		e1 = export_all(h, format, &n1);
		CU_ASSERT(n1 > 10000);
		CU_ASSERT_EQUAL(import_text(b, e1, NULL, 0, &st, &rj), 0);
		TU_EQ_INT(st.rejected, 0);
		TU_EQ_INT(st.repaired, 0); /* stored text was repaired already */
		if (rj.n > 0)
			fprintf(stderr, "\n  %s: line %zu: %s\n", format, rj.lines[0], rj.reasons[0]);
		e2 = export_all(b, format, &n2);
		if (n1 != n2 || memcmp(e1, e2, n1) != 0)
			fprintf(stderr, "\n  %s: the round trip differs (seed %llu)\n", format,
			        (unsigned long long)seed);
		CU_ASSERT(n1 == n2 && memcmp(e1, e2, n1) == 0);
		free(e1);
		free(e2);
		tu_close(b, d2);
	}
	tu_close(h, d1);
}

/* A csv written before texts were repaired at the door (\xHH escapes of
 * Latin-1 bytes) restores every row, its text repaired and counted. */
static void test_old_csv_with_bad_text(void)
{
	static const char csv[] =
		"entry,list,reply,reason\n"
		"a@example.com,suppress,550 M\\xFCller unbekannt,\n"
		"b@example.com,suppress,,caf\\xE9 \\xC3\\xA9\n"
		"c@example.com,suppress,,ok\n";
	struct quell_import_stats st;
	struct rejects rj = { 0 };
	struct quell_info *info = NULL;
	char d[128];
	quell *h = tu_open(d, sizeof d, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(import_text(h, csv, NULL, 0, &st, &rj), 0);
	TU_EQ_INT(st.imported, 3);
	TU_EQ_INT(st.rejected, 0);
	TU_EQ_INT(st.repaired, 2);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "a@example.com", 0, &info), 0);
	TU_EQ_STR(info->entries[0].reply, "550 M\xc3\xbcller unbekannt");
	quell_info_free(info);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "b@example.com", 0, &info), 0);
	TU_EQ_STR(info->entries[0].reason, "caf\xef\xbf\xbd \xc3\xa9");
	quell_info_free(info);
	tu_close(h, d);
}

/* record, record_many and add repair text at the door. */
static void test_repair_at_the_door(void)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_record_item items[2];
	struct quell_outcome out;
	struct quell_info *info = NULL;
	char d[128];
	quell *h = tu_open(d, sizeof d, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	a.now = T0;
	a.reason = "Ticket \xe4\xf6\xfc";
	CU_ASSERT_EQUAL(quell_add(h, "a@example.com", &a), 0);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "a@example.com", 0, &info), 0);
	TU_EQ_STR(info->entries[0].reason, "Ticket \xc3\xa4\xc3\xb6\xc3\xbc");
	TU_EQ_STR(info->events[0].reason, "Ticket \xc3\xa4\xc3\xb6\xc3\xbc");
	quell_info_free(info);

	CU_ASSERT_EQUAL(quell_record(h, "b@example.com", "550 5.1.1 Benutzer M\xfcller unbekannt",
	                             NULL, &out), 0);
	TU_EQ_INT(out.repaired, 1);
	TU_EQ_STR(out.text, "Benutzer M\xc3\xbcller unbekannt");
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "b@example.com", 0, &info), 0);
	TU_EQ_STR(info->entries[0].reply, "Benutzer M\xc3\xbcller unbekannt");
	quell_info_free(info);

	memset(items, 0, sizeof items);
	items[0].address = "c@example.com";
	items[0].reply = "550 5.1.1 \xc3\xa4 but \xff";
	items[1].address = "d@example.com";
	items[1].reply = "550 5.1.1 fine";
	CU_ASSERT_EQUAL(quell_record_many(h, items, 2), 0);
	TU_EQ_INT(items[0].out.repaired, 1);
	TU_EQ_INT(items[1].out.repaired, 0);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "c@example.com", 0, &info), 0);
	TU_EQ_STR(info->entries[0].reply, "\xc3\xa4 but \xef\xbf\xbd");
	quell_info_free(info);
	tu_close(h, d);
}

/* A temporary file that cannot be written (here: past RLIMIT_FSIZE, as a
 * full disk would be) stops the import with one message that says what
 * failed where, and writes nothing. */
static void test_spill_write_error_said_once(void)
{
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	struct quell_import_stats st;
	struct rlimit old, lim;
	char d[128], want[256], *text;
	const char *tmp = getenv("TMPDIR");
	char *saved = tmp != NULL ? strdup(tmp) : NULL;
	void (*oldsig)(int);
	quell *h = tu_open(d, sizeof d, NULL);
	size_t n = 0;
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	text = malloc(5000 * 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (int i = 0; i < 5000; i++)
		n += (size_t)sprintf(text + n, "spill%05d@example.com\n", i);
	o.format = "plain";
	o.batch = 10; /* a run every 640 rows */
	setenv("TMPDIR", d, 1);
	CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 4096;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	CU_ASSERT_EQUAL(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = import_with(h, text, &o, &st);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, oldsig);
	if (saved != NULL)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	TU_EQ_INT(rc, QUELL_EIO);
	snprintf(want, sizeof want, "temporary file in %s: write error: %s", d, strerror(EFBIG));
	TU_EQ_STR(quell_errmsg(h), want);
	TU_EQ_INT(st.written, 0);
	TU_EQ_INT(verdict(h, "spill00000@example.com"), QUELL_ALLOW);
	free(text);
	tu_close(h, d);
}

static uint64_t keys_now(const char *dir)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	struct quell_stats *s = NULL;
	quell *r = NULL;
	uint64_t n = 0;

	o.flags = QUELL_OPEN_READONLY;
	if (quell_open(dir, &o, &r) == 0 && quell_stats_get(r, T0, &s) == 0)
		n = s->keys;
	quell_stats_free(s);
	quell_close(r);
	return n;
}

#define KILL_ROWS 100000
#define KILL_BATCH 1000

static void test_killed_midway(void)
{
	char dir[128], path[200];
	quell *h = tu_open(dir, sizeof dir, NULL);
	struct quell_stats *s = NULL;
	struct quell_import_stats st;
	FILE *f;
	pid_t pid;
	int status = 0;
	uint64_t seen = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	quell_close(h);
	snprintf(path, sizeof path, "%s.input", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (int i = 0; i < KILL_ROWS; i++) /* a permutation: random order */
		fprintf(f, "user%06d@example.com\n", (int)(((long)i * 7919) % KILL_ROWS));
	fclose(f);

	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
		quell *c = NULL;
		FILE *in = fopen(path, "r");

		if (quell_open(dir, NULL, &c) != 0 || in == NULL)
			_exit(2);
		o.batch = KILL_BATCH;
		o.now = T0;
		quell_import(c, in, &o, NULL);
		_exit(0);
	}
	/* kill it as soon as two batches are in: somewhere inside a later one */
	for (int i = 0; i < 20000 && seen < 2 * KILL_BATCH; i++) {
		usleep(500);
		seen = keys_now(dir);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);

	CU_ASSERT_EQUAL_FATAL(quell_open(dir, NULL, &h), 0);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &s), 0);
	fprintf(stderr, "\n  killed after %llu of %d rows\n", (unsigned long long)s->keys, KILL_ROWS);
	CU_ASSERT(s->keys >= 2 * KILL_BATCH);
	TU_EQ_INT(s->keys % KILL_BATCH, 0); /* whole batches, nothing half-written */
	TU_EQ_INT(s->events, s->keys);
	TU_EQ_INT(s->last_seq, s->keys);
	seen = s->keys;
	quell_stats_free(s);
	/* importing the file again finishes the job and counts nothing twice */
	f = fopen(path, "r");
	{
		struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
		o.now = T0;
		CU_ASSERT_EQUAL(quell_import(h, f, &o, &st), 0);
	}
	fclose(f);
	TU_EQ_INT(st.imported, KILL_ROWS - seen);
	TU_EQ_INT(st.skipped, seen);
	TU_EQ_INT(keys_now(dir), KILL_ROWS);
	unlink(path);
	tu_close(h, dir);
}

/* --list allow puts plain and provider rows on the allow list as they
 * stand, replies or not: the rules never suppress them. */
static void test_list_allow(void)
{
	static const char text[] =
		"email,created,status,reason\n"
		"gone@example.com,1699999999,5.1.1,\"550 5.1.1 no such user\"\n"
		"vip@example.com,1699999999,,\n";
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	struct quell_import_stats st;
	struct quell_result r;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	o.list = QUELL_LIST_ALLOW;
	CU_ASSERT_EQUAL(import_with(h, text, &o, &st), 0);
	TU_EQ_INT(st.imported, 2);
	CU_ASSERT_EQUAL(quell_check(h, "gone@example.com", NULL, T0, &r), 0);
	TU_EQ_INT(r.verdict, QUELL_ALLOW);
	TU_EQ_STR(r.key, "gone@example.com"); /* allowed by its entry */
	tu_close(h, dir);
}

/* --list backoff: only quell's own rows hold backoff state. */
static void test_list_backoff_needs_quell_rows(void)
{
	static const char text[] = "a@example.com\n";
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	struct quell_import_stats st;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	o.list = QUELL_LIST_BACKOFF;
	CU_ASSERT_EQUAL(import_with(h, text, &o, &st), QUELL_EINVAL);
	CU_ASSERT(strstr(quell_errmsg(h), "backoff") != NULL);
	TU_EQ_INT(verdict(h, "a@example.com"), QUELL_ALLOW);
	tu_close(h, dir);
}

/* csv: a row without a list is a suppress row, also to --list's filter. */
static void test_list_filter_default(void)
{
	static const char text[] = "entry,list\nx@example.com,\ny@example.com,allow\n";
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	struct quell_import_stats st;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	o.list = QUELL_LIST_ALLOW;
	CU_ASSERT_EQUAL(import_with(h, text, &o, &st), 0);
	TU_EQ_INT(st.imported, 1);
	TU_EQ_INT(st.skipped, 1);
	TU_EQ_INT(verdict(h, "x@example.com"), QUELL_ALLOW);
	tu_close(h, dir);
}

/* A batch written again after the map grew reports its rejected rows
 * once, and counts them once. */
static void test_reject_once_when_map_grows(void)
{
	struct quell_options qo = QUELL_OPTIONS_INIT;
	struct quell_import_stats st;
	struct rejects rj = { 0 };
	char dir[128], *text;
	size_t n = 0, size = 4000 * 600;
	quell *h;

	qo.map_size = 256 * 1024;
	h = tu_open(dir, sizeof dir, &qo);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	text = malloc(size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	/* the empty reply sorts first: rejected while the batch is written */
	n += (size_t)snprintf(text + n, size - n, "email,created,status,reason\n"
	                                          "aaa@example.com,1699999999,,\" \"\n");
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(text + n, size - n,
		                      "u%04d@example.com,1699999999,5.1.1,\"550 5.1.1 <u%04d@example.com>: "
		                      "Recipient address rejected: User unknown in virtual mailbox "
		                      "table; the mailbox %04d does not exist here or anywhere\"\n",
		                      i, i, i);
	CU_ASSERT_EQUAL(import_text(h, text, NULL, 0, &st, &rj), 0);
	TU_EQ_INT(st.read, 3001);
	TU_EQ_INT(st.rejected, 1);
	TU_EQ_INT(rj.n, 1);
	TU_EQ_INT(st.imported, 3000);
	free(text);
	tu_close(h, dir);
}

static CU_TestInfo tests[] = {
	{ "default categories, one table", test_default_categories },
	{ "plain rows, rejects with lines, re-import", test_plain },
	{ "provider rows with replies go through the rules", test_provider_rows_through_rules },
	{ "a bounce row at a public suffix suppresses the address only",
	  test_provider_row_public_suffix },
	{ "complaints and bounces from SES", test_complaints_and_unsubscribes },
	{ "dry run and batches", test_dry_run_and_batches },
	{ "the progress callback cancels between batches", test_progress_cancels },
	{ "sorted runs in temporary files merge in order", test_runs_merge },
	{ "csv round trip is byte-identical", test_round_trip_csv },
	{ "jsonl round trip is byte-identical", test_round_trip_jsonl },
	{ "csv/jsonl restore domains that other rows may not name",
	  test_restore_what_imports_refuse },
	{ "round trip over fuzzed text (seed printed)", test_round_trip_fuzzed_text },
	{ "an old csv's bad text is repaired, not rejected", test_old_csv_with_bad_text },
	{ "add, record and record_many repair text", test_repair_at_the_door },
	{ "a temporary file write error is said once", test_spill_write_error_said_once },
	{ "an import killed midway keeps its batches", test_killed_midway },
	{ "--list allow: rows with replies go on the allow list", test_list_allow },
	{ "--list backoff needs csv or jsonl", test_list_backoff_needs_quell_rows },
	{ "--list filters csv rows without a list as suppress", test_list_filter_default },
	{ "rejects are reported once when the map grows", test_reject_once_when_map_grows },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_import[] = {
	{ "import", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
