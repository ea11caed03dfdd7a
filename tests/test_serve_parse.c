/*
 * test_serve_parse.c - the pure readers of quell serve's entry, reply and
 * SendGrid bodies (cmd/serve_parse.c), the entries cursor token
 * (cmd/serve_cursor.c) and SendGrid's kinds (cmd/serve_sgkind.c): tables
 * of bodies with the fields or the message each must give.
 */
#include <stdlib.h>

#include "serve_parse.h"
#include "testutil.h"

static const struct {
	const char *body;
	int ok;
	const char *want; /* first entry, or a piece of the message */
	size_t n;
	int list, source;
	int64_t ttl;
} add_cases[] = {
	{ "{\"entries\":[\"a@example.com\",\"example.net\"]}", 1, "a@example.com", 2,
	  QUELL_LIST_SUPPRESS, QUELL_SOURCE_MANUAL, 0 },
	{ "{\"entry\":\"a@example.com\",\"ttl\":\"7d\",\"list\":\"allow\"}", 1, "a@example.com", 1,
	  QUELL_LIST_ALLOW, QUELL_SOURCE_MANUAL, 7 * 86400 },
	{ "{\"entries\":[\"x@y.org\"],\"ttl\":3600,\"source\":\"unsubscribe\",\"stream\":\"news\"}",
	  1, "x@y.org", 1, QUELL_LIST_SUPPRESS, QUELL_SOURCE_UNSUBSCRIBE, 3600 },
	{ "{\"entries\":[\"x@y.org\"],\"ttl\":\"forever\",\"reason\":null}", 1, "x@y.org", 1,
	  QUELL_LIST_SUPPRESS, QUELL_SOURCE_MANUAL, 0 },
	{ "", 0, "empty", 0, 0, 0, 0 },
	{ "[1]", 0, "not a JSON object", 0, 0, 0, 0 },
	{ "{\"entries\":\"a@b.c\"}", 0, "entries: not an array", 0, 0, 0, 0 },
	{ "{\"entries\":[\"a@b.c\",7]}", 0, "entries[1]: not a string", 0, 0, 0, 0 },
	{ "{\"entries\":[]}", 0, "entries: empty", 0, 0, 0, 0 },
	{ "{}", 0, "no entries given", 0, 0, 0, 0 },
	{ "{\"entry\":\"a@b.c\",\"entries\":[\"a@b.c\"]}", 0, "not both", 0, 0, 0, 0 },
	{ "{\"entry\":\"a@b.c\",\"reson\":\"x\"}", 0, "unknown field 'reson'", 0, 0, 0, 0 },
	{ "{\"entry\":\"a@b.c\",\"ttl\":\"soon\"}", 0, "ttl: not a duration", 0, 0, 0, 0 },
	{ "{\"entry\":\"a@b.c\",\"ttl\":-5}", 0, "ttl: -5 seconds", 0, 0, 0, 0 },
	{ "{\"entry\":\"a@b.c\",\"source\":\"bounce\"}", 0, "source: 'bounce' is not", 0, 0, 0, 0 },
	{ "{\"entry\":\"a@b.c\",\"list\":\"backoff\"}", 0, "list: 'backoff'", 0, 0, 0, 0 },
	{ "{\"entry\":\"a@b.c\",\"stream\":\"Bad Stream\"}", 0, "not a stream name", 0, 0, 0, 0 },
	{ "{\"entry\":\"a@b.c\",\"category\":\"Nope!\"}", 0, "category: 'Nope!'", 0, 0, 0, 0 },
	{ "{\"entry\":\"a\\u0000b@c.d\"}", 0, "u0000 is not allowed", 0, 0, 0, 0 },
	{ "{\"entry\":\"a@b.c\"", 0, "not JSON", 0, 0, 0, 0 },
};

static void test_add(void)
{
	for (size_t i = 0; i < sizeof add_cases / sizeof add_cases[0]; i++) {
		struct serve_add a;
		char err[SERVE_ERR_MAX] = "";
		int rc = serve_parse_add(add_cases[i].body, strlen(add_cases[i].body), &a, err,
		                         sizeof err);

		if ((rc == 0) != add_cases[i].ok)
			fprintf(stderr, "\n  case %zu: rc %d (%s)\n", i, rc, err);
		CU_ASSERT_EQUAL(rc == 0, add_cases[i].ok);
		if (rc == 0 && add_cases[i].ok) {
			TU_EQ_STR(a.entries[0], add_cases[i].want);
			TU_EQ_INT(a.n, add_cases[i].n);
			TU_EQ_INT(a.list, add_cases[i].list);
			TU_EQ_INT(a.source, add_cases[i].source);
			TU_EQ_INT(a.ttl, add_cases[i].ttl);
		} else if (rc != 0 && strstr(err, add_cases[i].want) == NULL) {
			fprintf(stderr, "\n  case %zu: got '%s', want '%s'\n", i, err,
			        add_cases[i].want);
			CU_FAIL("message");
		}
		serve_add_free(&a);
	}
}

static void test_add_fields(void)
{
	static const char body[] = "{\"entries\":[\"a@b.org\"],\"reason\":\"ticket \\\"42\\\"\\n\","
	                           "\"category\":\"spam\",\"stream\":\"billing\"}";
	struct serve_add a;
	char err[SERVE_ERR_MAX];

	CU_ASSERT_EQUAL_FATAL(serve_parse_add(body, strlen(body), &a, err, sizeof err), 0);
	TU_EQ_STR(a.reason, "ticket \"42\"\n");
	TU_EQ_STR(a.category, "spam");
	TU_EQ_STR(a.stream, "billing");
	serve_add_free(&a);
}

static const struct {
	const char *body;
	int ok;               /* 1: parsed (items may still carry errors) */
	int shape;
	size_t n;
	const char *want;     /* the body's message, or item 0's address or error */
	const char *want_last; /* the last item's address or error */
} reply_cases[] = {
	{ "{\"address\":\"a@b.org\",\"reply\":\"550 5.1.1 no\"}", 1, SERVE_ONE, 1, "a@b.org",
	  "a@b.org" },
	{ "[{\"address\":\"a@b.org\",\"reply\":\"550 x\"},{\"address\":\"c@d.org\",\"reply\":\"421 y\","
	  "\"time\":\"2026-11-28T10:00:00Z\",\"queue_id\":\"4ABC\",\"source\":\"bounce\"}]",
	  1, SERVE_ARRAY, 2, "a@b.org", "c@d.org" },
	{ "{\"address\":\"a@b.org\",\"reply\":\"550 x\"}\n\n{\"address\":\"c@d.org\",\"reply\":\"5\"}\r\n",
	  1, SERVE_LINES, 2, "a@b.org", "c@d.org" },
	{ "{\"address\":\"a@b.org\",\"reply\":\"550 x\"}\n{\"address\":\n{\"reply\":\"x\"}\n", 1,
	  SERVE_LINES, 3, "a@b.org", "address: missing" },
	{ "{\"address\":\"a@b.org\",\"reply\":\"550 x\"}\n{\"address\":\n", 1, SERVE_LINES, 2,
	  "a@b.org", "line 2: not JSON" },
	{ "[{\"address\":\"a@b.org\"},7,{\"address\":\"a@b.org\",\"reply\":\"x\",\"time\":\"then\"}]",
	  1, SERVE_ARRAY, 3, "reply: missing", "time: not a time" },
	{ "[{\"address\":\"a@b.org\",\"reply\":\"x\",\"source\":\"unsubscribe\"}]", 1, SERVE_ARRAY,
	  1, "source: not bounce or complaint", "source: not bounce or complaint" },
	{ "[{\"address\":\"a@b.org\",\"reply\":\"x\",\"colour\":1}]", 1, SERVE_ARRAY, 1,
	  "unknown field 'colour'", "unknown field 'colour'" },
	{ "   \n ", 0, 0, 0, "the body is empty", NULL },
	{ "[]", 0, 0, 0, "no replies", NULL },
	{ "\"550\"", 0, 0, 0, "not a JSON object, array", NULL },
	{ "[{\"address\":", 0, 0, 0, "not JSON", NULL },
	{ "[{},{},{},{},{}]", 0, 0, 0, "more than 4 replies", NULL },
	{ "{}\n{}\n{}\n{}\n{}\n", 0, 0, 0, "more than 4 replies", NULL },
};

static const char *item_word(const struct serve_reply *it)
{
	return it->error[0] != '\0' ? it->error : it->address;
}

static void test_replies(void)
{
	for (size_t i = 0; i < sizeof reply_cases / sizeof reply_cases[0]; i++) {
		struct serve_replies r;
		char err[SERVE_ERR_MAX] = "";
		int rc = serve_parse_replies(reply_cases[i].body, strlen(reply_cases[i].body), 4, &r,
		                             err, sizeof err);

		if ((rc == 0) != reply_cases[i].ok)
			fprintf(stderr, "\n  case %zu: rc %d (%s)\n", i, rc, err);
		CU_ASSERT_EQUAL(rc == 0, reply_cases[i].ok);
		if (rc == 0 && reply_cases[i].ok) {
			TU_EQ_INT(r.shape, reply_cases[i].shape);
			TU_EQ_INT(r.n, reply_cases[i].n);
			for (size_t k = 0; k < r.n; k++) /* a refused item too */
				CU_ASSERT(r.items[k].source == QUELL_SOURCE_BOUNCE ||
				          r.items[k].source == QUELL_SOURCE_COMPLAINT);
			if (r.n > 0 && strstr(item_word(&r.items[0]), reply_cases[i].want) == NULL)
				CU_FAIL("first item");
			if (r.n > 0 &&
			    strstr(item_word(&r.items[r.n - 1]), reply_cases[i].want_last) == NULL) {
				fprintf(stderr, "\n  case %zu: last '%s'\n", i,
				        item_word(&r.items[r.n - 1]));
				CU_FAIL("last item");
			}
		} else if (rc != 0 && strstr(err, reply_cases[i].want) == NULL) {
			fprintf(stderr, "\n  case %zu: got '%s', want '%s'\n", i, err,
			        reply_cases[i].want);
			CU_FAIL("message");
		}
		serve_replies_free(&r);
	}
}

static void test_reply_fields(void)
{
	static const char body[] = "{\"address\":\"a@b.org\",\"reply\":\"550 5.1.1 gone\","
	                           "\"time\":1700000000,\"message_id\":\"<m@x>\","
	                           "\"source\":\"complaint\"}";
	struct serve_replies r;
	char err[SERVE_ERR_MAX];

	CU_ASSERT_EQUAL_FATAL(serve_parse_replies(body, strlen(body), 10, &r, err, sizeof err), 0);
	TU_EQ_STR(r.items[0].reply, "550 5.1.1 gone");
	TU_EQ_INT(r.items[0].time, 1700000000);
	TU_EQ_STR(r.items[0].message_id, "<m@x>");
	CU_ASSERT_PTR_NULL(r.items[0].queue_id);
	TU_EQ_INT(r.items[0].source, QUELL_SOURCE_COMPLAINT);
	serve_replies_free(&r);
}

static void test_sendgrid_bodies(void)
{
	static const struct {
		const char *body;
		int recipients, ok, all;
		size_t n;
		const char *want;
	} t[] = {
		{ "{\"delete_all\":true}", 0, 1, 1, 0, "" },
		{ "{\"emails\":[\"a@b.org\",\"c@d.org\"]}", 0, 1, 0, 2, "" },
		{ "{\"delete_all\":false,\"emails\":[\"a@b.org\"]}", 0, 1, 0, 1, "" },
		{ "{\"delete_all\":true,\"emails\":[\"a@b.org\"]}", 0, 0, 0, 0, "not both" },
		{ "{\"delete_all\":false}", 0, 0, 0, 0, "give delete_all: true or emails" },
		{ "{\"delete_all\":\"yes\"}", 0, 0, 0, 0, "delete_all: not true or false" },
		{ "{\"emails\":[1]}", 0, 0, 0, 0, "emails[0]: not a string" },
		{ "", 0, 0, 0, 0, "empty" },
		{ "{\"recipient_emails\":[\"a@b.org\"]}", 1, 1, 0, 1, "" },
		{ "{\"recipient_emails\":[]}", 1, 0, 0, 0, "recipient_emails: empty" },
		{ "{\"emails\":[\"a@b.org\"]}", 1, 0, 0, 0, "unknown field 'emails'" },
		{ "{}", 1, 0, 0, 0, "recipient_emails: missing" },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct serve_emails e;
		char err[SERVE_ERR_MAX] = "";
		int rc = t[i].recipients
		                 ? serve_parse_sg_recipients(t[i].body, strlen(t[i].body), &e, err,
		                                             sizeof err)
		                 : serve_parse_sg_delete(t[i].body, strlen(t[i].body), &e, err,
		                                         sizeof err);

		if ((rc == 0) != t[i].ok || strstr(err, t[i].want) == NULL)
			fprintf(stderr, "\n  case %zu: rc %d '%s', want '%s'\n", i, rc, err, t[i].want);
		CU_ASSERT_EQUAL(rc == 0, t[i].ok);
		CU_ASSERT(strstr(err, t[i].want) != NULL);
		if (rc == 0) {
			TU_EQ_INT(e.all, t[i].all);
			TU_EQ_INT(e.n, t[i].n);
		}
		serve_emails_free(&e);
	}
}

static void test_cursor(void)
{
	static const struct {
		int scope, list;
		const char *key, *stream;
	} t[] = {
		{ QUELL_SCOPE_ADDRESS, QUELL_LIST_SUPPRESS, "a@example.com", "" },
		{ QUELL_SCOPE_DOMAIN, QUELL_LIST_ALLOW, "example.org", "news.letter_2" },
		{ QUELL_SCOPE_ADDRESS, QUELL_LIST_BACKOFF, "\"a,b\"@xn--bcher-kva.example", "" },
		{ QUELL_SCOPE_ADDRESS, QUELL_LIST_SUPPRESS, "j\xc3\xbcrgen@example.de", "x" },
	};
	struct quell_list_pos pos, got;
	char tok[SERVE_CURSOR_MAX], err[SERVE_ERR_MAX];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		memset(&pos, 0, sizeof pos);
		pos.scope = t[i].scope;
		pos.list = t[i].list;
		snprintf(pos.key, sizeof pos.key, "%s", t[i].key);
		snprintf(pos.stream, sizeof pos.stream, "%s", t[i].stream);
		serve_cursor_encode(&pos, tok, sizeof tok);
		CU_ASSERT(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                      "0123456789-_") == strlen(tok));
		CU_ASSERT_EQUAL_FATAL(serve_cursor_decode(tok, &got, err, sizeof err), 0);
		TU_EQ_INT(got.scope, pos.scope);
		TU_EQ_INT(got.list, pos.list);
		TU_EQ_STR(got.key, pos.key);
		TU_EQ_STR(got.stream, pos.stream);
	}
	/* the longest key and stream fit */
	memset(&pos, 0, sizeof pos);
	pos.scope = QUELL_SCOPE_DOMAIN;
	memset(pos.key, 'k', sizeof pos.key - 1);
	memset(pos.stream, 's', sizeof pos.stream - 1);
	serve_cursor_encode(&pos, tok, sizeof tok);
	CU_ASSERT_EQUAL(serve_cursor_decode(tok, &got, err, sizeof err), 0);
	TU_EQ_STR(got.key, pos.key);
	/* what encoding cannot make is refused */
	{
		static const char *const bad[] = {
			"", "x", "cTFh", "cTFhMQ", "!!!!", "cTFhMQBhQGIuYw==", "cTJhMQBhQGIuYw",
			"cTF6MQBhQGIuYw", "cTFhOQBhQGIuYw", "cTFhMWFAYi5j", "cTFhMQBhQGIuYx",
			"cTFhMQBhQGIuYwB4",
		};
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			int rc = serve_cursor_decode(bad[i], &got, err, sizeof err);

			if (rc == 0)
				fprintf(stderr, "\n  '%s' was taken\n", bad[i]);
			CU_ASSERT_EQUAL(rc, -1);
			CU_ASSERT(strstr(err, "cursor") != NULL);
		}
		TU_EQ_INT(serve_cursor_decode("cTFhMQBhQGIuYw", &got, err, sizeof err), 0);
		TU_EQ_STR(got.key, "a@b.c");
	}
}

static void test_sg_kinds(void)
{
	static const struct {
		int scope, list, source, code;
		const char *stream, *category, *status;
		int want;
	} t[] = {
		{ 1, 1, QUELL_SOURCE_BOUNCE, 550, "", "bad-mailbox", "5.1.1", SG_BOUNCES },
		{ 1, 1, QUELL_SOURCE_BOUNCE, 0, "", "bad-mailbox", "", SG_INVALID },
		{ 1, 1, QUELL_SOURCE_IMPORT, 0, "", "import", "", SG_BOUNCES },
		{ 1, 1, QUELL_SOURCE_BOUNCE, 554, "", "policy", "5.7.1", SG_BLOCKS },
		{ 1, 1, QUELL_SOURCE_BOUNCE, 421, "", "transient", "", SG_BLOCKS },
		{ 1, 1, QUELL_SOURCE_COMPLAINT, 0, "", "complaint", "", SG_SPAM },
		{ 1, 1, QUELL_SOURCE_UNSUBSCRIBE, 0, "", "unsubscribe", "", SG_UNSUB },
		{ 1, 1, QUELL_SOURCE_UNSUBSCRIBE, 0, "group-42", "unsubscribe", "", SG_GROUP },
		{ 1, 1, QUELL_SOURCE_UNSUBSCRIBE, 0, "news", "unsubscribe", "", SG_NONE },
		{ 1, 1, QUELL_SOURCE_MANUAL, 0, "", "manual", "", SG_NONE },
		{ 1, 1, QUELL_SOURCE_BOUNCE, 550, "news", "bad-mailbox", "5.1.1", SG_NONE },
		{ 2, 1, QUELL_SOURCE_BOUNCE, 550, "", "bad-domain", "5.1.2", SG_NONE },
		{ 1, 2, QUELL_SOURCE_MANUAL, 0, "", "manual", "", SG_NONE },
		{ 1, 3, QUELL_SOURCE_BOUNCE, 421, "", "transient", "", SG_NONE },
	};
	char s[QUELL_STREAM_MAX];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct quell_entry e;

		memset(&e, 0, sizeof e);
		e.key = "a@b.org";
		e.scope = t[i].scope;
		e.list = t[i].list;
		e.source = t[i].source;
		e.code = t[i].code;
		e.stream = t[i].stream;
		e.category = t[i].category;
		e.status = t[i].status;
		e.rule = e.reply = e.reason = "";
		if (serve_sg_kind_of(&e) != t[i].want)
			fprintf(stderr, "\n  case %zu: got %d\n", i, serve_sg_kind_of(&e));
		TU_EQ_INT(serve_sg_kind_of(&e), t[i].want);
	}
	TU_EQ_INT(serve_sg_kind_parse("spam_reports"), SG_SPAM);
	TU_EQ_INT(serve_sg_kind_parse("invalid_emails"), SG_INVALID);
	TU_EQ_INT(serve_sg_kind_parse("bounce"), SG_NONE);
	TU_EQ_INT(serve_sg_group_stream("123", s, sizeof s), 0);
	TU_EQ_STR(s, "group-123");
	TU_EQ_INT(quell_stream_valid(s), 1);
	TU_EQ_INT(serve_sg_group_stream("", s, sizeof s), -1);
	TU_EQ_INT(serve_sg_group_stream("12a", s, sizeof s), -1);
	TU_EQ_INT(serve_sg_group_stream("-1", s, sizeof s), -1);
	TU_EQ_INT(serve_sg_group_stream("1234567890123456789", s, sizeof s), -1);
}

static void test_sg_email_match(void)
{
	static const struct {
		const char *p, *e;
		int want;
	} t[] = {
		{ "sales", "salesdepartment@example.com", 1 },
		{ "sales", "sales@example.com", 1 },
		{ "Sales", "sales@example.com", 1 },
		{ "sales", "presales@example.com", 0 },
		{ "%market", "newmarketing@example.com", 1 },
		{ "%market%tree", "marketplace-treehouse@example.com", 1 },
		{ "%market%tree", "treemarket@example.com", 0 },
		{ "", "anyone@example.com", 1 },
		{ "a@example.com", "a@example.com", 1 },
		{ "a@example.com", "a@example.co", 0 },
		{ "%%", "x", 1 },
		{ "%@b", "a@b.org", 1 },
		{ "%@c", "a@b.org", 0 },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (serve_sg_email_match(t[i].p, t[i].e) != t[i].want)
			fprintf(stderr, "\n  '%s' ~ '%s'\n", t[i].p, t[i].e);
		TU_EQ_INT(serve_sg_email_match(t[i].p, t[i].e), t[i].want);
	}
}

static CU_TestInfo tests[] = {
	{ "POST /v1/entries bodies", test_add },
	{ "POST /v1/entries fields", test_add_fields },
	{ "POST /v1/replies bodies", test_replies },
	{ "POST /v1/replies fields", test_reply_fields },
	{ "SendGrid delete and add bodies", test_sendgrid_bodies },
	{ "entries cursor tokens", test_cursor },
	{ "SendGrid kinds of entries, group streams", test_sg_kinds },
	{ "SendGrid email filter", test_sg_email_match },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_serve_parse[] = {
	{ "serve_parse", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
