/*
 * test_socketmap_answer.c - what `quell serve --socketmap` answers
 * (socketmap_answer.c): policyd actions turned into Postfix transports
 * (transport(5): "error:X.Y.Z text" bounces through error(8), "retry:..."
 * defers; the oracle is access(5)'s actions and RFC 3463's status codes,
 * written by hand); netstrings encoded as the netstring definition says;
 * and the answer to lookups against a real database, one per verdict,
 * key shape (full address, domain, "@domain", ".domain", "*"), map name
 * and failure.
 */
#include <stdlib.h>

#include "socketmap_answer.h"
#include "testutil.h"

#define NOW 1795860000 /* 2026-11-28T10:00:00Z */

static void test_transport(void)
{
	static const struct {
		const char *action, *body;
	} cases[] = {
		{ "550 5.1.1 Recipient suppressed (manual)",
		  "OK error:5.1.1 Recipient suppressed (manual)" },
		{ "550 5.7.1 Recipient opted out (complaint)",
		  "OK error:5.7.1 Recipient opted out (complaint)" },
		{ "554 No thanks", "OK error:5.0.0 No thanks" },
		{ "550 5.1.10", "OK error:5.1.10" },
		{ "550 5.1.1000 too long a status", "OK error:5.0.0 5.1.1000 too long a status" },
		{ "550 4.1.1 wrong class", "OK error:5.0.0 4.1.1 wrong class" },
		{ "450 4.2.1 Recipient deferred (transient) until 2026-11-28T10:14:00Z",
		  "OK retry:4.2.1 Recipient deferred (transient) until 2026-11-28T10:14:00Z" },
		{ "451", "OK retry:4.0.0" },
		{ "REJECT", "OK error:5.7.1" },
		{ "reject gone (x)", "OK error:5.7.1 gone (x)" },
		{ "DEFER_IF_PERMIT later", "OK retry:4.7.1 later" },
		{ "DEFER later", "OK retry:4.7.1 later" },
		{ "DUNNO", "NOTFOUND " },
		{ "WARN suppressed", "NOTFOUND " },
		{ "REJECTED", "NOTFOUND " },
		{ "", "NOTFOUND " },
	};
	char out[SOCKETMAP_BODY_MAX];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = socketmap_transport(cases[i].action, out);

		TU_EQ_STR(out, cases[i].body);
		TU_EQ_INT(n, strlen(cases[i].body));
	}
}

static void test_netstring(void)
{
	char out[32];

	TU_EQ_INT(socketmap_netstring("hello world!", 12, out, sizeof out), 16);
	TU_EQ_STR(out, "12:hello world!,");
	TU_EQ_INT(socketmap_netstring("NOTFOUND ", 9, out, sizeof out), 12);
	CU_ASSERT_NSTRING_EQUAL(out, "9:NOTFOUND ,", 12);
	TU_EQ_INT(socketmap_netstring("", 0, out, sizeof out), 3);
	CU_ASSERT_NSTRING_EQUAL(out, "0:,", 3);
	/* "12:" + 12 + "," is 16 bytes: no room for it in 16 */
	TU_EQ_INT(socketmap_netstring("hello world!", 12, out, 16), 0);
}

/* ------------------------------------------------- answers from a database */

static char dir[128];
static quell *h;
static struct socketmap_req *req;

static int setup(void)
{
	h = tu_open(dir, sizeof dir, NULL);
	req = malloc(sizeof *req);
	if (h == NULL || req == NULL)
		return 1;
	return tu_seed_answers(h, NOW - 60) != 0;
}

static int teardown(void)
{
	tu_close(h, dir);
	free(req);
	return 0;
}

#define TR(k) "transport " k

static const struct {
	const char *name, *request, *stream;
	int fail_open;
	const char *body;
	int checked, failed;
} acases[] = {
	{ "suppressed: bounced", TR("gone@example.com"), NULL, 0,
	  "OK error:5.1.1 Recipient suppressed (bad-mailbox)", 1, 0 },
	{ "suppressed: normalized first", TR("Gone@EXAMPLE.com."), NULL, 0,
	  "OK error:5.1.1 Recipient suppressed (bad-mailbox)", 1, 0 },
	{ "suppressed: a domain entry", TR("x@mx.dead.example"), NULL, 0,
	  "OK error:5.1.1 Recipient suppressed (manual)", 1, 0 },
	{ "complaint: 5.7.1", TR("angry@example.com"), NULL, 0,
	  "OK error:5.7.1 Recipient opted out (complaint)", 1, 0 },
	{ "backed off: routed as usual", TR("later@example.com"), NULL, 0, "NOTFOUND ", 1, 0 },
	{ "allowed", TR("fine@example.com"), NULL, 0, "NOTFOUND ", 1, 0 },
	{ "unsubscribed from a stream: not seen without it", TR("reader@example.com"), NULL, 0,
	  "NOTFOUND ", 1, 0 },
	{ "... seen with --stream", TR("reader@example.com"), "news", 0,
	  "OK error:5.7.1 Recipient opted out (unsubscribe)", 1, 0 },
	{ "a domain key: not asked", TR("dead.example"), NULL, 0, "NOTFOUND ", 0, 0 },
	{ "an @domain key", TR("@dead.example"), NULL, 0, "NOTFOUND ", 0, 0 },
	{ "a .domain key", TR(".dead.example"), NULL, 0, "NOTFOUND ", 0, 0 },
	{ "the wildcard", TR("*"), NULL, 0, "NOTFOUND ", 0, 0 },
	{ "an empty key", TR(""), NULL, 0, "NOTFOUND ", 0, 0 },
	{ "not an address", TR("a@@b"), NULL, 0, "NOTFOUND ", 1, 0 },
	{ "another map name: PERM", "virtual gone@example.com", NULL, 0,
	  "PERM unknown map name; quell serves 'transport'", 0, 0 },
	{ "a failed check: TEMP", TR("gone@example.com"), "News Letter", 0,
	  "TEMP Suppression list unavailable", 1, 1 },
	{ "... NOTFOUND with --fail-open", TR("gone@example.com"), "News Letter", 1,
	  "NOTFOUND ", 1, 1 },
};

static void test_answers(void)
{
	struct socketmap_answer a;
	struct policy_reply_set s;
	char in[SOCKETMAP_REQ_MAX + 16];
	size_t used, n;

	policy_reply_init(&s);
	for (size_t i = 0; i < sizeof acases / sizeof acases[0]; i++) {
		n = (size_t)snprintf(in, sizeof in, "%zu:%s,", strlen(acases[i].request),
		                     acases[i].request);
		socketmap_req_reset(req);
		CU_ASSERT_EQUAL_FATAL(socketmap_req_feed(req, in, n, &used), 1);
		socketmap_answer(h, req, &s, acases[i].stream, NOW, acases[i].fail_open, &a);
		if (strcmp(a.body, acases[i].body) != 0)
			fprintf(stderr, "\n  %s: '%s', error '%s'\n", acases[i].name, a.body, a.error);
		TU_EQ_STR(a.body, acases[i].body);
		TU_EQ_INT(a.checked, acases[i].checked);
		TU_EQ_INT(a.failed, acases[i].failed);
		CU_ASSERT(!acases[i].failed || a.error[0] != '\0');
	}
}

static CU_TestInfo tests[] = {
	{ "policyd actions as transports", test_transport },
	{ "netstrings", test_netstring },
	{ "answers per verdict, key shape, map name and failure", test_answers },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_socketmap_answer[] = {
	{ "socketmap_answer", setup, teardown, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
