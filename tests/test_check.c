/*
 * test_check.c - the contract's precedence in check: address and domain
 * entries, subdomains and parents, allow overrides, unsubscribe and
 * complaint over allow, backoff, TTL expiry, streams, batches.
 *
 * Each case builds its state through the public API with injected times,
 * then compares verdict, scope and key with the wanted ones.
 */
#include <stdlib.h>

#include "testutil.h"
/* backoff entries are made by the policy code; tests write one directly */
#include "check.h"
#include "error.h"
#include "store.h"

static char dir[128];
static quell *h;

static int setup(void)
{
	h = tu_open(dir, sizeof dir, NULL);
	return h == NULL;
}

static int teardown(void)
{
	tu_close(h, dir);
	h = NULL;
	return 0;
}

/* Start each test from an empty database. */
static void fresh(void)
{
	tu_close(h, dir);
	h = tu_open(dir, sizeof dir, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
}

static void add(const char *entry, int source, const char *stream, int64_t ttl, int64_t now)
{
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;
	int rc;

	o.source = source;
	o.stream = stream;
	o.ttl = ttl;
	o.now = now;
	rc = quell_add(h, entry, &o);
	if (rc != 0)
		fprintf(stderr, "add %s: %s\n", entry, quell_errmsg(h));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

static void allow(const char *entry, const char *stream, int64_t ttl, int64_t now)
{
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;

	o.stream = stream;
	o.ttl = ttl;
	o.now = now;
	CU_ASSERT_EQUAL_FATAL(quell_allow(h, entry, &o), 0);
}

struct backoff_ctx {
	const char *key;
	int scope;
	int64_t until, now;
};

static int put_backoff(quell *hh, struct quell__wtxn *w, void *vctx)
{
	struct backoff_ctx *c = vctx;
	struct quell__rec r;
	struct quell__val v;
	int rc = quell__store_get(hh, quell__store_wview(w), c->scope, c->key, strlen(c->key), &v);

	r.n = 0;
	if (rc == 0)
		CU_ASSERT_EQUAL(quell__rec_decode(&r, v.data, v.len), 0);
	memset(&r.ent[r.n], 0, sizeof r.ent[0]);
	r.ent[r.n].e.list = QUELL_LIST_BACKOFF;
	r.ent[r.n].e.stream = r.ent[r.n].e.category = r.ent[r.n].e.rule = "";
	r.ent[r.n].e.status = r.ent[r.n].e.reply = r.ent[r.n].e.reason = "";
	r.ent[r.n].e.category = "transient";
	r.ent[r.n].e.source = QUELL_SOURCE_BOUNCE;
	r.ent[r.n].e.created = r.ent[r.n].e.updated = c->now;
	r.ent[r.n].e.until = c->until;
	r.ent[r.n].e.attempts = 1;
	r.n++;
	return quell__store_put(hh, w, c->scope, c->key, &r);
}

static void backoff(const char *key, int scope, int64_t until, int64_t now)
{
	struct backoff_ctx c = { key, scope, until, now };
	CU_ASSERT_EQUAL_FATAL(quell__store_write(h, put_backoff, &c), 0);
}

static void want(const char *addr, const char *stream, int64_t now, int verdict, int scope,
                 const char *key)
{
	struct quell_result res;
	int rc = quell_check(h, addr, stream, now, &res);

	if (rc != 0)
		fprintf(stderr, "\n  check %s: %s\n", addr, quell_errmsg(h));
	CU_ASSERT_EQUAL(rc, 0);
	if (res.verdict != verdict || res.scope != scope || strcmp(res.key, key) != 0)
		fprintf(stderr, "\n  check %s (stream %s, now %lld): got %s/%s/%s, want %s/%s/%s\n",
		        addr, stream ? stream : "-", (long long)now, quell_verdict_name(res.verdict),
		        quell_scope_name(res.scope), res.key, quell_verdict_name(verdict),
		        quell_scope_name(scope), key);
	CU_ASSERT_EQUAL(res.verdict, verdict);
	CU_ASSERT_EQUAL(res.scope, scope);
	CU_ASSERT_STRING_EQUAL(res.key, key);
}

#define T0 1700000000

static void test_empty_allows(void)
{
	fresh();
	want("a@example.com", NULL, T0, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
}

static void test_address_suppress(void)
{
	fresh();
	add("Bob@Example.COM", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	want("bob@example.com", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS, "bob@example.com");
	want("BOB@EXAMPLE.com.", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS, "bob@example.com");
	want("alice@example.com", NULL, T0, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
}

static void test_domain_covers_subdomains(void)
{
	fresh();
	add("@example.com", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	want("a@example.com", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_DOMAIN, "example.com");
	want("a@mx.example.com", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_DOMAIN, "example.com");
	want("a@a.b.c.example.com", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_DOMAIN, "example.com");
	/* never its parent, nor a look-alike */
	want("a@com.example", NULL, T0, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
	want("a@badexample.com", NULL, T0, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
	add("sub.example.org", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	want("a@example.org", NULL, T0, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
	want("a@x.sub.example.org", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_DOMAIN,
	     "sub.example.org");
}

static void test_nearest_domain_wins(void)
{
	fresh();
	add("example.com", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	add("mx.example.com", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	want("a@mx.example.com", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_DOMAIN, "mx.example.com");
	add("a@mx.example.com", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	want("a@mx.example.com", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS,
	     "a@mx.example.com");
}

static void test_allow_overrides(void)
{
	fresh();
	add("a@example.com", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	add("example.net", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	allow("a@example.com", NULL, 0, T0);
	want("a@example.com", NULL, T0, QUELL_ALLOW, QUELL_SCOPE_ADDRESS, "a@example.com");
	/* an allowed domain overrides an address suppression under it */
	add("b@example.net", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	allow("example.net", NULL, 0, T0);
	want("b@example.net", NULL, T0, QUELL_ALLOW, QUELL_SCOPE_DOMAIN, "example.net");
	/* a parent domain's allow covers a subdomain suppression */
	add("mx.example.org", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	allow("example.org", NULL, 0, T0);
	want("c@mx.example.org", NULL, T0, QUELL_ALLOW, QUELL_SCOPE_DOMAIN, "example.org");
}

static void test_wish_beats_allow(void)
{
	fresh();
	allow("a@example.com", NULL, 0, T0);
	add("a@example.com", QUELL_SOURCE_UNSUBSCRIBE, NULL, 0, T0);
	want("a@example.com", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS, "a@example.com");
	allow("example.org", NULL, 0, T0);
	add("example.org", QUELL_SOURCE_COMPLAINT, NULL, 0, T0);
	want("b@example.org", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_DOMAIN, "example.org");
	/* a complaint on the domain beats an allow of the address */
	allow("c@example.org", NULL, 0, T0);
	want("c@example.org", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_DOMAIN, "example.org");
}

static void test_backoff(void)
{
	fresh();
	backoff("a@example.com", QUELL_SCOPE_ADDRESS, T0 + 900, T0);
	want("a@example.com", NULL, T0, QUELL_BACKOFF, QUELL_SCOPE_ADDRESS, "a@example.com");
	want("a@example.com", NULL, T0 + 899, QUELL_BACKOFF, QUELL_SCOPE_ADDRESS,
	     "a@example.com");
	want("a@example.com", NULL, T0 + 900, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
	backoff("example.net", QUELL_SCOPE_DOMAIN, T0 + 60, T0);
	want("b@mx.example.net", NULL, T0, QUELL_BACKOFF, QUELL_SCOPE_DOMAIN, "example.net");
	/* after an allow only a backoff can still apply */
	allow("a@example.com", NULL, 0, T0);
	want("a@example.com", NULL, T0, QUELL_BACKOFF, QUELL_SCOPE_ADDRESS, "a@example.com");
	/* a suppression beats a backoff */
	add("b@example.net", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	want("b@example.net", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS, "b@example.net");
}

static void test_ttl_expiry(void)
{
	fresh();
	add("a@example.com", QUELL_SOURCE_MANUAL, NULL, 60, T0);
	want("a@example.com", NULL, T0 + 59, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS,
	     "a@example.com");
	want("a@example.com", NULL, T0 + 60, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
	/* an expired allow no longer overrides */
	add("b@example.com", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	allow("b@example.com", NULL, 10, T0);
	want("b@example.com", NULL, T0 + 5, QUELL_ALLOW, QUELL_SCOPE_ADDRESS, "b@example.com");
	want("b@example.com", NULL, T0 + 10, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS,
	     "b@example.com");
}

static void test_streams(void)
{
	fresh();
	add("a@example.com", QUELL_SOURCE_UNSUBSCRIBE, "marketing", 0, T0);
	want("a@example.com", NULL, T0, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
	want("a@example.com", "billing", T0, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
	want("a@example.com", "marketing", T0, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS,
	     "a@example.com");
	/* stream-less entries are seen by every stream */
	add("b@example.com", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	want("b@example.com", "billing", T0, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS,
	     "b@example.com");
	/* an allow in one stream does not lift a suppression for another */
	allow("b@example.com", "billing", 0, T0);
	want("b@example.com", "billing", T0, QUELL_ALLOW, QUELL_SCOPE_ADDRESS, "b@example.com");
	want("b@example.com", "marketing", T0, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS,
	     "b@example.com");
	/* removing the stream entry leaves the stream-less one */
	CU_ASSERT_EQUAL(quell_remove(h, "a@example.com", "marketing", T0), 0);
	want("a@example.com", "marketing", T0, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
	CU_ASSERT_EQUAL(quell_remove(h, "b@example.com", "marketing", T0), QUELL_ENOTFOUND);
}

static int count_cb(void *ctx, const struct quell_entry *e)
{
	(void)e;
	(void)ctx;
	return 0;
}

/* The stream name rule, [a-z0-9][a-z0-9._-]{0,63}, on every call that
 * takes a stream: a bad name is QUELL_EINVAL with a message, and writes
 * nothing. */
static void test_stream_names(void)
{
	static const char *const good[] = { "marketing", "a", "0", "news.letter_2-b",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 64 */ };
	static const char *const bad[] = { "Marketing", "bad name", "-x", ".x", "_x", "*", "a/b",
		"caf\xc3\xa9",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 65 */ };
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;
	struct quell_list_options lo = QUELL_LIST_OPTIONS_INIT;
	struct quell_result res;
	const char *one = "a@example.com";

	fresh();
	CU_ASSERT_EQUAL(quell_stream_valid(""), 0);
	CU_ASSERT_EQUAL(quell_stream_valid(NULL), 0);
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (!quell_stream_valid(good[i]))
			fprintf(stderr, "\n  stream '%s': want valid\n", good[i]);
		CU_ASSERT_EQUAL(quell_stream_valid(good[i]), 1);
		o.stream = good[i];
		o.now = T0;
		TU_EQ_INT(quell_add(h, one, &o), 0);
		want(one, good[i], T0, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS, one);
		TU_EQ_INT(quell_remove(h, one, good[i], T0), 0);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char msg[256];

		if (quell_stream_valid(bad[i]))
			fprintf(stderr, "\n  stream '%s': want invalid\n", bad[i]);
		CU_ASSERT_EQUAL(quell_stream_valid(bad[i]), 0);
		snprintf(msg, sizeof msg, "stream '%s': not a stream name (1 to 64 characters of "
		         "[a-z0-9._-], the first a letter or digit)", bad[i]);
		o.stream = bad[i];
		TU_EQ_INT(quell_add(h, one, &o), QUELL_EINVAL);
		TU_EQ_STR(quell_errmsg(h), msg);
		TU_EQ_INT(quell_allow(h, one, &o), QUELL_EINVAL);
		TU_EQ_INT(quell_remove(h, one, bad[i], T0), QUELL_EINVAL);
		TU_EQ_INT(quell_unallow(h, one, bad[i], T0), QUELL_EINVAL);
		TU_EQ_INT(quell_check(h, one, bad[i], T0, &res), QUELL_EINVAL);
		TU_EQ_STR(quell_errmsg(h), msg);
		TU_EQ_INT(quell_check_many(h, &one, 1, bad[i], T0, &res, NULL), QUELL_EINVAL);
		lo.stream = bad[i];
		if (strcmp(bad[i], "*") != 0) /* "every stream" for a list */
			TU_EQ_INT(quell_list(h, &lo, count_cb, NULL), QUELL_EINVAL);
	}
	/* nothing was written under a bad name */
	want(one, NULL, T0, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
}

/* Rule and category names, [a-z0-9._-]{1,63}: quell_add and quell_allow
 * refuse another category, and write nothing. */
static void test_category_names(void)
{
	static const char *const good[] = { "a", "bad-mailbox", "x.y_z", "-x", "0",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 63 */ };
	static const char *const bad[] = { "Bad", "bad name", "a/b", "caf\xc3\xa9", "a\tb",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 64 */ };
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;
	const char *one = "a@example.com";

	fresh();
	TU_EQ_INT(quell_name_valid(NULL), 0);
	TU_EQ_INT(quell_name_valid(""), 0);
	o.now = T0;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (!quell_name_valid(good[i]))
			fprintf(stderr, "\n  name '%s': want valid\n", good[i]);
		TU_EQ_INT(quell_name_valid(good[i]), 1);
		o.category = good[i];
		TU_EQ_INT(quell_add(h, one, &o), 0);
		TU_EQ_INT(quell_allow(h, one, &o), 0);
		TU_EQ_INT(quell_remove(h, one, NULL, T0), 0);
		TU_EQ_INT(quell_unallow(h, one, NULL, T0), 0);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char msg[256];

		if (quell_name_valid(bad[i]))
			fprintf(stderr, "\n  name '%s': want invalid\n", bad[i]);
		TU_EQ_INT(quell_name_valid(bad[i]), 0);
		o.category = bad[i];
		snprintf(msg, sizeof msg,
		         "category '%s': not a name (1 to 63 characters of [a-z0-9._-])", bad[i]);
		TU_EQ_INT(quell_add(h, one, &o), QUELL_EINVAL);
		TU_EQ_STR(quell_errmsg(h), msg);
		TU_EQ_INT(quell_allow(h, one, &o), QUELL_EINVAL);
	}
	want(one, NULL, T0, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
}

static void test_remove_unallow(void)
{
	fresh();
	add("a@example.com", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	backoff("a@example.com", QUELL_SCOPE_ADDRESS, T0 + 900, T0);
	CU_ASSERT_EQUAL(quell_remove(h, "a@example.com", NULL, T0), 0);
	want("a@example.com", NULL, T0, QUELL_ALLOW, QUELL_SCOPE_NONE, "");
	CU_ASSERT_EQUAL(quell_remove(h, "a@example.com", NULL, T0), QUELL_ENOTFOUND);
	CU_ASSERT_STRING_EQUAL(quell_errmsg(h),
	                       "a@example.com: not on the suppress or backoff list");
	add("b@example.com", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	allow("b@example.com", NULL, 0, T0);
	CU_ASSERT_EQUAL(quell_unallow(h, "b@example.com", NULL, T0), 0);
	want("b@example.com", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS, "b@example.com");
	CU_ASSERT_EQUAL(quell_unallow(h, "b@example.com", NULL, T0), QUELL_ENOTFOUND);
}

static void test_result_fields(void)
{
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;
	struct quell_result res;

	fresh();
	o.reason = "asked by phone";
	o.ttl = 3600;
	o.now = T0;
	o.source = QUELL_SOURCE_COMPLAINT;
	CU_ASSERT_EQUAL_FATAL(quell_add(h, "A@Example.com", &o), 0);
	CU_ASSERT_EQUAL_FATAL(quell_check(h, "a@EXAMPLE.com", NULL, T0 + 1, &res), 0);
	TU_EQ_STR(res.normalized, "a@example.com");
	TU_EQ_INT(res.verdict, QUELL_SUPPRESS);
	TU_EQ_INT(res.source, QUELL_SOURCE_COMPLAINT);
	TU_EQ_STR(res.category, "complaint");
	TU_EQ_INT(res.since, T0);
	TU_EQ_INT(res.until, T0 + 3600);
}

static void test_invalid(void)
{
	struct quell_result res;

	fresh();
	CU_ASSERT_EQUAL(quell_check(h, "not-an-address", NULL, T0, &res), QUELL_EADDRESS);
	TU_EQ_INT(res.verdict, QUELL_INVALID);
	CU_ASSERT(res.error[0] != '\0');
	CU_ASSERT(quell_errmsg(h)[0] != '\0');
	CU_ASSERT_EQUAL(quell_check(h, "a@[192.0.2.1]", NULL, T0, &res), QUELL_EADDRESS);
	CU_ASSERT_EQUAL(quell_add(h, "com", NULL), QUELL_EADDRESS);
	CU_ASSERT_EQUAL(quell_add(h, "co.uk", NULL), QUELL_EADDRESS);
}

static void test_check_many(void)
{
	const char *in[] = { "a@example.com", "bad", "b@example.com", NULL, "c@sub.example.net" };
	struct quell_result res[5];
	size_t ninvalid = 99;

	fresh();
	add("a@example.com", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	add("example.net", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	CU_ASSERT_EQUAL(quell_check_many(h, in, 5, NULL, T0, res, &ninvalid), 0);
	TU_EQ_INT(ninvalid, 2);
	TU_EQ_INT(res[0].verdict, QUELL_SUPPRESS);
	TU_EQ_INT(res[1].verdict, QUELL_INVALID);
	TU_EQ_INT(res[2].verdict, QUELL_ALLOW);
	TU_EQ_INT(res[3].verdict, QUELL_INVALID);
	TU_EQ_INT(res[4].verdict, QUELL_SUPPRESS);
	TU_EQ_STR(res[4].key, "example.net");
	CU_ASSERT_EQUAL(quell_check_many(h, in, 0, NULL, T0, res, &ninvalid), 0);
}

static void test_idn_one_entry(void)
{
	fresh();
	add("user@BÜCHER.example", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	want("user@xn--bcher-kva.example", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_ADDRESS,
	     "user@xn--bcher-kva.example");
	add("straße.de", QUELL_SOURCE_MANUAL, NULL, 0, T0);
	want("x@mail.xn--strae-oqa.de", NULL, T0, QUELL_SUPPRESS, QUELL_SCOPE_DOMAIN,
	     "xn--strae-oqa.de");
}

static CU_TestInfo tests[] = {
	{ "empty database allows", test_empty_allows },
	{ "address suppression", test_address_suppress },
	{ "domain entry covers subdomains, not parents", test_domain_covers_subdomains },
	{ "nearest domain and address first", test_nearest_domain_wins },
	{ "allow overrides suppressions", test_allow_overrides },
	{ "unsubscribe and complaint beat allow", test_wish_beats_allow },
	{ "backoff while until is ahead", test_backoff },
	{ "ttl expiry", test_ttl_expiry },
	{ "streams", test_streams },
	{ "stream names", test_stream_names },
	{ "category names", test_category_names },
	{ "remove and unallow", test_remove_unallow },
	{ "result fields", test_result_fields },
	{ "invalid addresses and entries", test_invalid },
	{ "check_many shares one transaction", test_check_many },
	{ "IDN forms are one entry", test_idn_one_entry },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_check[] = {
	{ "check", setup, teardown, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
