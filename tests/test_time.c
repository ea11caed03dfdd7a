/*
 * test_time.c - durations and times: quell_duration_parse, quell_time_parse
 * and quell_time_format, against values worked out by hand (and by
 * `date -u -d`), independent of the TZ variable.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "timefmt.h"

struct dcase {
	const char *in;
	int rc;
	int64_t want;
};

static const struct dcase durations[] = {
	{ "30s", 0, 30 },
	{ "15m", 0, 900 },
	{ "8h", 0, 28800 },
	{ "7d", 0, 604800 },
	{ "2w", 0, 1209600 },
	{ "1y", 0, 31536000 },
	{ "1h30m", 0, 5400 },
	{ "90", 0, 90 },
	{ "forever", 0, 0 },
	{ "", QUELL_EINVAL, 0 },
	{ "0s", QUELL_EINVAL, 0 },
	{ "-5m", QUELL_EINVAL, 0 },
	{ "5x", QUELL_EINVAL, 0 },
	{ "m", QUELL_EINVAL, 0 },
	{ "5 m", QUELL_EINVAL, 0 },
	{ "99999999999999999999d", QUELL_EINVAL, 0 },
	{ "9223372036854775807d", QUELL_EINVAL, 0 },
	/* now + ttl overflowed with these; over 100 years is refused */
	{ "106751991167300d", QUELL_EINVAL, 0 },
	{ "100y", 0, 3153600000 },
	{ "100y1s", QUELL_EINVAL, 0 },
	{ "36500d", 0, 3153600000 },
	{ "36501d", QUELL_EINVAL, 0 },
	{ "3153600001", QUELL_EINVAL, 0 },
};

static void test_durations(void)
{
	for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++) {
		const struct dcase *c = &durations[i];
		int64_t got = -1;
		int rc = quell_duration_parse(c->in, &got);

		if (rc != c->rc || (rc == 0 && got != c->want))
			fprintf(stderr, "\n  duration '%s': got rc %d, %lld; want rc %d, %lld\n", c->in,
			        rc, (long long)got, c->rc, (long long)c->want);
		CU_ASSERT_EQUAL(rc, c->rc);
		if (rc == 0)
			CU_ASSERT_EQUAL(got, c->want);
	}
}

struct tcase {
	const char *in;
	int rc;
	int64_t want;
};

static const struct tcase times[] = {
	{ "1970-01-01T00:00:00Z", 0, 0 },
	{ "2026-11-28T10:00:00Z", 0, 1795860000 },
	{ "2026-11-28t10:00:00z", 0, 1795860000 },
	{ "2026-11-28T10:00:00.123456Z", 0, 1795860000 },
	{ "2026-11-28T11:30:00+01:30", 0, 1795860000 },
	{ "2026-11-28T05:00:00-05:00", 0, 1795860000 },
	{ "2024-02-29T00:00:00Z", 0, 1709164800 },
	{ "2000-03-01T00:00:00Z", 0, 951868800 },
	{ "1700000000", 0, 1700000000 },
	{ "-86400", 0, -86400 },
	{ "2023-02-29T00:00:00Z", QUELL_EINVAL, 0 },
	{ "2026-13-01T00:00:00Z", QUELL_EINVAL, 0 },
	{ "2026-11-28T24:00:00Z", QUELL_EINVAL, 0 },
	{ "2026-11-28T10:00:00", QUELL_EINVAL, 0 },
	{ "2026-11-28", QUELL_EINVAL, 0 },
	{ "yesterday", QUELL_EINVAL, 0 },
	{ "", QUELL_EINVAL, 0 },
	{ "17e8", QUELL_EINVAL, 0 },
	/* RFC 3339 alone: what provider exports may also write is refused */
	{ "2026-11-28 10:00:00Z", 0, 1795860000 },
	{ "0000-01-01T00:00:00Z", 0, -62167219200 },
	{ "1969-12-31T23:59:59Z", 0, -1 },
	{ "1998-12-31T23:59:60Z", 0, 915148799 },
	{ "2026-11-28T10:00Z", QUELL_EINVAL, 0 },
	{ "2026-11-28T1:00:00Z", QUELL_EINVAL, 0 },
	{ "2026-11-28T10:00:00+0100", QUELL_EINVAL, 0 },
	{ "2026-11-28T10:00:00+01", QUELL_EINVAL, 0 },
	{ "2026-11-28T10:00:00 Z", QUELL_EINVAL, 0 },
	{ "2026-11-28T10:00:00 UTC", QUELL_EINVAL, 0 },
	{ "2026-11-28T10:00:00GMT", QUELL_EINVAL, 0 },
	{ "2026-11-28T10:00:00.Z", QUELL_EINVAL, 0 },
	{ "2026-11-28T10:00:00+24:00", QUELL_EINVAL, 0 },
	{ "2026-11-28T10:00:00Z ", QUELL_EINVAL, 0 },
	{ " 2026-11-28T10:00:00Z", QUELL_EINVAL, 0 },
	{ "2026-11-28T10:00:00ZZ", QUELL_EINVAL, 0 },
	{ "Sat, 28 Nov 2026 10:00:00 +0000", QUELL_EINVAL, 0 },
	{ "1700000000.5", QUELL_EINVAL, 0 },
	/* Unix seconds within the years RFC 3339 writes: 0000 to 9999 */
	{ "253402300799", 0, 253402300799 },
	{ "253402300800", QUELL_EINVAL, 0 },
	{ "-62167219200", 0, -62167219200 },
	{ "-62167219201", QUELL_EINVAL, 0 },
	{ "9223372036854775807", QUELL_EINVAL, 0 },
	{ "99999999999999999999", QUELL_EINVAL, 0 },
};

static void test_times(void)
{
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		const struct tcase *c = &times[i];
		int64_t got = -1;
		int rc = quell_time_parse(c->in, &got);

		if (rc != c->rc || (rc == 0 && got != c->want))
			fprintf(stderr, "\n  time '%s': got rc %d, %lld; want rc %d, %lld\n", c->in, rc,
			        (long long)got, c->rc, (long long)c->want);
		CU_ASSERT_EQUAL(rc, c->rc);
		if (rc == 0)
			CU_ASSERT_EQUAL(got, c->want);
	}
}

static void test_format(void)
{
	char buf[QUELL_TIME_MAX];
	static const struct {
		int64_t t;
		const char *want;
	} cases[] = {
		{ 0, "1970-01-01T00:00:00Z" },
		{ 1795860000, "2026-11-28T10:00:00Z" },
		{ 1709164800, "2024-02-29T00:00:00Z" },
		{ -1, "1969-12-31T23:59:59Z" },
		{ 4102444799, "2099-12-31T23:59:59Z" },
	};

	setenv("TZ", "Pacific/Kiritimati", 1); /* must not matter */
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t back = 0;

		TU_EQ_STR(quell_time_format(cases[i].t, buf, sizeof buf), cases[i].want);
		CU_ASSERT_EQUAL(quell_time_parse(buf, &back), 0);
		TU_EQ_INT(back, cases[i].t);
	}
	unsetenv("TZ");
	/* a short buffer is cut, never overrun */
	TU_EQ_STR(quell_time_format(1795860000, buf, 5), "2026");
}

static void test_names(void)
{
	TU_EQ_STR(quell_verdict_name(QUELL_BACKOFF), "backoff");
	TU_EQ_STR(quell_scope_name(QUELL_SCOPE_DOMAIN), "domain");
	TU_EQ_STR(quell_list_name(QUELL_LIST_ALLOW), "allow");
	TU_EQ_STR(quell_source_name(QUELL_SOURCE_UNSUBSCRIBE), "unsubscribe");
	TU_EQ_STR(quell_action_name(QUELL_ACTION_CLEAR), "clear");
	TU_EQ_STR(quell_action_name(99), "");
	TU_EQ_STR(quell_verdict_name(-1), "");
	TU_EQ_INT(quell_list_parse("backoff"), QUELL_LIST_BACKOFF);
	TU_EQ_INT(quell_list_parse("nope"), -1);
	TU_EQ_INT(quell_source_parse("complaint"), QUELL_SOURCE_COMPLAINT);
	TU_EQ_INT(quell_source_parse(NULL), -1);
	TU_EQ_STR(quell_strerror(QUELL_ENODB), "no such database");
	TU_EQ_STR(quell_strerror(-12345), "unknown error");
	TU_EQ_STR(quell_version(), QUELL_VERSION_STRING);
}

/* Time plus duration saturates at the last second RFC 3339 writes
 * (9999-12-31T23:59:59Z), not at INT64_MAX: a stored time past 9999 was
 * exported as a five-digit year that import refuses. */
static void test_time_add(void)
{
	static const struct {
		int64_t t, d, want;
	} cases[] = {
		{ 1700000000, 900, 1700000900 },
		{ 1700000000, -900, 1699999100 },
		{ 253402214400, 3153600000, 253402300799 },  /* 9999-12-31 + 100y */
		{ 253402300799, 1, 253402300799 },
		{ 253402300000, 799, 253402300799 },
		{ 0, INT64_MAX, 253402300799 },
		{ INT64_MAX, 1, 253402300799 },              /* through the C API */
		{ INT64_MAX, 0, 253402300799 },
		{ INT64_MIN, 0, -62167219200 },
		{ -62167219200, -1, -62167219200 },
		{ 0, INT64_MIN, -62167219200 },
		{ INT64_MIN, INT64_MAX, -1 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t got = quell__time_add(cases[i].t, cases[i].d);

		if (got != cases[i].want)
			fprintf(stderr, "\n  %lld + %lld: got %lld, want %lld\n",
			        (long long)cases[i].t, (long long)cases[i].d, (long long)got,
			        (long long)cases[i].want);
		TU_EQ_INT(got, cases[i].want);
	}
}

/* An entry added on the last day of 9999 for 100 years expires at the
 * last second of 9999, a time that formats and parses back. */
static void test_expiry_at_the_end(void)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_info *info = NULL;
	char dir[128], buf[QUELL_TIME_MAX];
	int64_t back = 0;
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	a.now = 253402214400; /* 9999-12-31T00:00:00Z */
	a.ttl = 3153600000;   /* 100y */
	CU_ASSERT_EQUAL_FATAL(quell_add(h, "a@example.com", &a), 0);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "a@example.com", 0, &info), 0);
	CU_ASSERT_EQUAL_FATAL(info->nentries, 1);
	TU_EQ_INT(info->entries[0].expires, 253402300799);
	TU_EQ_STR(quell_time_format(info->entries[0].expires, buf, sizeof buf),
	          "9999-12-31T23:59:59Z");
	CU_ASSERT_EQUAL(quell_time_parse(buf, &back), 0);
	TU_EQ_INT(back, info->entries[0].expires);
	quell_info_free(info);
	tu_close(h, dir);
}

/* The numeric version says what the string says, for #if tests. */
static void test_version_number(void)
{
	char want[32];

	snprintf(want, sizeof want, "%d.%d.%d", QUELL_VERSION_MAJOR, QUELL_VERSION_MINOR,
	         QUELL_VERSION_PATCH);
	TU_EQ_STR(QUELL_VERSION_STRING, want);
	TU_EQ_INT(QUELL_VERSION_NUMBER, QUELL_VERSION_MAJOR * 1000000 +
	                                        QUELL_VERSION_MINOR * 1000 + QUELL_VERSION_PATCH);
#if QUELL_VERSION_NUMBER < 1000
	CU_FAIL("QUELL_VERSION_NUMBER is below 0.1.0 in #if");
#endif
}

static CU_TestInfo tests[] = {
	{ "durations", test_durations },
	{ "RFC 3339 and Unix times", test_times },
	{ "formatting is UTC and round-trips", test_format },
	{ "names of enums and codes", test_names },
	{ "the version number matches the string", test_version_number },
	{ "time plus duration saturates within 0000-9999", test_time_add },
	{ "an expiry at the end of 9999 formats and parses back", test_expiry_at_the_end },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_time[] = {
	{ "time", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
