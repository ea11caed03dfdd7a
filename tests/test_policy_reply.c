/*
 * test_policy_reply.c - what the Postfix policy server answers
 * (policy_reply.c): templates refused or taken, as Postfix's access(5)
 * defines the actions and RFC 3463 the enhanced status codes; expansion
 * with hostile database text (CR, LF, controls, UTF-8, very long); and the
 * answer to requests against a real database, one per verdict and source,
 * per protocol state, stream and failure; a backoff DUNNO unless a
 * --reply asks to defer it.
 */
#include <stdlib.h>

#include "policy_reply.h"
#include "testutil.h"

#define NOW 1795860000 /* 2026-11-28T10:00:00Z */

struct tcase {
	const char *spec;   /* KEY=TEMPLATE */
	const char *error;  /* NULL: taken */
};

static const struct tcase tcases[] = {
	{ "suppress=550 5.1.1 Recipient suppressed ({category})", NULL },
	{ "suppress=554 No thanks", NULL },
	{ "suppress=REJECT", NULL },
	{ "suppress=reject gone ({rule}, {scope} {key})", NULL },
	{ "backoff=DEFER_IF_PERMIT Recipient deferred until {until}", NULL },
	{ "backoff=DUNNO", NULL },
	{ "backoff=452 4.2.2 Mailbox full since {since}: {reply}", NULL },
	{ "backoff:transient=451 4.7.1 Try later", NULL },
	{ "suppress:bad-mailbox=WARN would reject {{literally}", NULL },
	{ "unsubscribe=DEFER_IF_REJECT opted out", NULL },
	{ "complaint=550 5.7.1 Complained", NULL },
	{ "error=451 4.3.0 Try again", NULL },
	{ "suppress=OK", "'OK': not 4NN, 5NN, REJECT, DEFER, DEFER_IF_PERMIT, DEFER_IF_REJECT, "
	                 "WARN or DUNNO" },
	{ "suppress=PERMIT", "'PERMIT': not 4NN, 5NN, REJECT, DEFER, DEFER_IF_PERMIT, "
	                     "DEFER_IF_REJECT, WARN or DUNNO" },
	{ "suppress=DISCARD x", "'DISCARD': not 4NN, 5NN, REJECT, DEFER, DEFER_IF_PERMIT, "
	                        "DEFER_IF_REJECT, WARN or DUNNO" },
	{ "suppress=250 2.0.0 fine", "code 250: must be 4NN or 5NN" },
	{ "suppress=550 4.1.1 mixed", "enhanced status 4.1.1: not in the class of code 550" },
	{ "backoff=450 5.2.1 mixed", "enhanced status 5.2.1: not in the class of code 450" },
	{ "suppress=550 5.1 short", "bad enhanced status '5.1' (X.Y.Z)" },
	{ "suppress=550 5.1.1234 long", "bad enhanced status '5.1.1234' (X.Y.Z)" },
	{ "suppress=550", "code 550: a text must follow" },
	{ "suppress=550 5.1.1", "code 550: a text must follow" },
	{ "suppress=DUNNO text", "DUNNO takes no text" },
	{ "suppress=", "empty template" },
	{ "suppress= 550 x", "template starts with a space" },
	{ "suppress=550 5.1.1 a\r\nb", "byte 0x0d at character 12: only printable ASCII" },
	{ "suppress=550 5.1.1 caf\xc3\xa9", "byte 0xc3 at character 14: only printable ASCII" },
	{ "suppress=550 5.1.1 {nope}", "unknown field {nope} (category, source, rule, scope, key, "
	                               "since, until, reply)" },
	{ "suppress=550 5.1.1 {category", "'{' without '}'" },
	{ "error=451 4.3.0 {category}", "the error template takes no fields: {category}" },
	{ "allow=DUNNO", "unknown key 'allow' (suppress, unsubscribe, complaint, backoff, error, "
	                 "suppress:CATEGORY, backoff:CATEGORY)" },
	{ "suppress", "'suppress': not KEY=TEMPLATE" },
	{ "error:x=451 4.3.0 x", "'error:x': only suppress and backoff take a category" },
	{ "suppress:=550 5.1.1 x", "'suppress:': bad category name" },
	{ "suppress:Bad=550 5.1.1 x", "category 'Bad' must match [a-z0-9._-]+" },
};

static void test_templates(void)
{
	struct policy_reply_set s;
	char err[256], longt[300];

	for (size_t i = 0; i < sizeof tcases / sizeof tcases[0]; i++) {
		const struct tcase *c = &tcases[i];
		int rc;

		policy_reply_init(&s);
		err[0] = '\0';
		rc = policy_reply_set(&s, c->spec, err, sizeof err);
		if ((rc == 0) != (c->error == NULL))
			fprintf(stderr, "\n  %s: rc %d (%s)\n", c->spec, rc, err);
		TU_EQ_INT(rc, c->error == NULL ? 0 : QUELL_EINVAL);
		if (c->error != NULL)
			TU_EQ_STR(err, c->error);
	}
	/* 200 bytes are fine, 201 are not */
	memcpy(longt, "suppress=550 5.1.1 ", 19);
	memset(longt + 19, 'x', 200 - 10);
	longt[209] = '\0';
	TU_EQ_INT(policy_reply_set(&s, longt, err, sizeof err), 0);
	longt[209] = 'x';
	longt[210] = '\0';
	TU_EQ_INT(policy_reply_set(&s, longt, err, sizeof err), QUELL_EINVAL);
	TU_EQ_STR(err, "template longer than 200 bytes");
	/* every default passes its own check */
	policy_reply_init(&s);
	for (int k = 0; k < POLICY_REPLY_NKINDS; k++)
		TU_EQ_INT(policy_reply_check(s.tmpl[k], k, err, sizeof err), 0);
}

static void result(struct quell_result *r, int verdict, int source, const char *category)
{
	memset(r, 0, sizeof *r);
	r->verdict = verdict;
	r->source = source;
	r->scope = QUELL_SCOPE_ADDRESS;
	snprintf(r->category, sizeof r->category, "%s", category);
	snprintf(r->key, sizeof r->key, "bob@example.com");
}

static void test_pick(void)
{
	struct policy_reply_set s;
	struct quell_result r;
	char err[256];

	policy_reply_init(&s);
	TU_EQ_INT(policy_reply_set(&s, "suppress:quota=552 5.2.2 Full", err, sizeof err), 0);
	TU_EQ_INT(policy_reply_set(&s, "backoff:transient=DEFER_IF_PERMIT later", err, sizeof err),
	          0);
	TU_EQ_INT(policy_reply_set(&s, "suppress:quota=552 5.2.2 Still full", err, sizeof err), 0);
	TU_EQ_INT(s.ncats, 2); /* the same key again replaces */

	result(&r, QUELL_SUPPRESS, QUELL_SOURCE_BOUNCE, "bad-mailbox");
	TU_EQ_STR(policy_reply_pick(&s, &r), s.tmpl[POLICY_REPLY_SUPPRESS]);
	result(&r, QUELL_SUPPRESS, QUELL_SOURCE_BOUNCE, "quota");
	TU_EQ_STR(policy_reply_pick(&s, &r), "552 5.2.2 Still full");
	result(&r, QUELL_SUPPRESS, QUELL_SOURCE_UNSUBSCRIBE, "quota");
	TU_EQ_STR(policy_reply_pick(&s, &r), s.tmpl[POLICY_REPLY_UNSUBSCRIBE]);
	result(&r, QUELL_SUPPRESS, QUELL_SOURCE_COMPLAINT, "complaint");
	TU_EQ_STR(policy_reply_pick(&s, &r), s.tmpl[POLICY_REPLY_COMPLAINT]);
	result(&r, QUELL_BACKOFF, QUELL_SOURCE_BOUNCE, "transient");
	TU_EQ_STR(policy_reply_pick(&s, &r), "DEFER_IF_PERMIT later");
	result(&r, QUELL_BACKOFF, QUELL_SOURCE_BOUNCE, "quota");
	TU_EQ_STR(policy_reply_pick(&s, &r), s.tmpl[POLICY_REPLY_BACKOFF]);
	result(&r, QUELL_ALLOW, QUELL_SOURCE_MANUAL, "manual");
	CU_ASSERT_PTR_NULL(policy_reply_pick(&s, &r));
	result(&r, QUELL_INVALID, QUELL_SOURCE_NONE, "");
	CU_ASSERT_PTR_NULL(policy_reply_pick(&s, &r));
}

/* The answer is one line of printable ASCII. */
static void assert_clean(const char *s)
{
	for (; *s != '\0'; s++)
		CU_ASSERT((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f);
}

static void test_expand(void)
{
	char out[POLICY_REPLY_MAX];
	struct quell_result r;
	size_t n;

	result(&r, QUELL_SUPPRESS, QUELL_SOURCE_BOUNCE, "bad-mailbox");
	snprintf(r.rule, sizeof r.rule, "user-unknown");
	snprintf(r.reply, sizeof r.reply,
	         "<bob@example.com>: no\r\naction=OK\n\n\x01\x7f j\xc3\xb6rg \xe2\x82\xac \xff end");
	r.since = NOW;
	n = policy_reply_expand("550 5.1.1 {category} {rule} {scope} {key} {source} {since} "
	                        "{until} {{x}",
	                        &r, out);
	TU_EQ_STR(out, "550 5.1.1 bad-mailbox user-unknown address bob@example.com bounce "
	               "2026-11-28T10:00:00Z - {x}");
	TU_EQ_INT(n, strlen(out));
	policy_reply_expand("550 5.1.1 [{reply}]", &r, out);
	TU_EQ_STR(out, "550 5.1.1 [<bob@example.com>: no??action=OK???? j?rg ? ? end]");
	assert_clean(out);

	/* a long field is cut at FIELD_MAX, the whole at PREPLY_MAX - 1 */
	memset(r.reply, 'y', sizeof r.reply - 1);
	r.reply[sizeof r.reply - 1] = '\0';
	n = policy_reply_expand("550 5.1.1 {reply}", &r, out);
	TU_EQ_INT(n, 10 + POLICY_REPLY_FIELD_MAX);
	n = policy_reply_expand("550 5.1.1 {reply}{reply}{reply}{reply}", &r, out);
	TU_EQ_INT(n, POLICY_REPLY_MAX - 1);
	assert_clean(out);
	/* no result (the error template): fields are "-" */
	policy_reply_expand("451 4.3.0 x", NULL, out);
	TU_EQ_STR(out, "451 4.3.0 x");
}

/* ------------------------------------------------- answers from a database */

static char dir[128];
static quell *h;
static struct policy_req *req;

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

struct acase {
	const char *name;
	const char *request;
	const char *stream;  /* --stream */
	int fail_open;
	int rc;
	const char *action;
	int checked, failed;
};

#define RCPT(r) "request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=" r "\n"

static const struct acase acases[] = {
	{ "suppressed: bounce", RCPT("gone@example.com") "\n", NULL, 0, 0,
	  "550 5.1.1 Recipient suppressed (bad-mailbox)", 1, 0 },
	{ "suppressed: normalized first", RCPT("Gone@EXAMPLE.com.") "\n", NULL, 0, 0,
	  "550 5.1.1 Recipient suppressed (bad-mailbox)", 1, 0 },
	{ "suppressed: a domain entry", RCPT("x@mx.dead.example") "\n", NULL, 0, 0,
	  "550 5.1.1 Recipient suppressed (manual)", 1, 0 },
	{ "complaint", RCPT("angry@example.com") "\n", NULL, 0, 0,
	  "550 5.7.1 Recipient opted out (complaint)", 1, 0 },
	{ "backed off: DUNNO by default", RCPT("later@example.com") "\n", NULL, 0, 0, "DUNNO", 1,
	  0 },
	{ "allowed", RCPT("fine@example.com") "\n", NULL, 0, 0, "DUNNO", 1, 0 },
	{ "unsubscribed from a stream: not seen without it", RCPT("reader@example.com") "\n",
	  NULL, 0, 0, "DUNNO", 1, 0 },
	{ "... seen with policy_context", RCPT("reader@example.com") "policy_context=news\n\n",
	  NULL, 0, 0, "550 5.7.1 Recipient opted out (unsubscribe)", 1, 0 },
	{ "... --stream wins over policy_context",
	  RCPT("reader@example.com") "policy_context=news\n\n", "other", 0, 0, "DUNNO", 1, 0 },
	{ "... seen with --stream", RCPT("reader@example.com") "\n", "news", 0, 0,
	  "550 5.7.1 Recipient opted out (unsubscribe)", 1, 0 },
	{ "empty policy_context: no stream", RCPT("reader@example.com") "policy_context=\n\n",
	  NULL, 0, 0, "DUNNO", 1, 0 },
	{ "policy_context not a stream name: error", RCPT("gone@example.com")
	  "policy_context=News Letter\n\n", NULL, 0, 0, "451 4.3.0 Suppression list unavailable",
	  0, 1 },
	{ "... DUNNO with fail-open", RCPT("gone@example.com") "policy_context=News Letter\n\n",
	  NULL, 1, 0, "DUNNO", 0, 1 },
	{ "invalid recipient: DUNNO", RCPT("not an address") "\n", NULL, 0, 0, "DUNNO", 1, 0 },
	{ "empty recipient: DUNNO", RCPT("") "\n", NULL, 0, 0, "DUNNO", 0, 0 },
	{ "no recipient: DUNNO", "request=smtpd_access_policy\nprotocol_state=RCPT\n\n", NULL, 0,
	  0, "DUNNO", 0, 0 },
	{ "another state: DUNNO", "request=smtpd_access_policy\nprotocol_state=DATA\n"
	  "recipient=gone@example.com\n\n", NULL, 0, 0, "DUNNO", 0, 0 },
	{ "state in lower case", "request=smtpd_access_policy\nprotocol_state=rcpt\n"
	  "recipient=gone@example.com\n\n", NULL, 0, 0,
	  "550 5.1.1 Recipient suppressed (bad-mailbox)", 1, 0 },
	{ "no request attribute: refused", "protocol_state=RCPT\nrecipient=gone@example.com\n\n",
	  NULL, 0, QUELL_EDATA, "DUNNO", 0, 0 },
	{ "another request: refused", "request=junk\nprotocol_state=RCPT\n\n", NULL, 0,
	  QUELL_EDATA, "DUNNO", 0, 0 },
};

static void test_answers(void)
{
	struct policy_answer a;
	struct policy_reply_set s;
	size_t used;

	policy_reply_init(&s);
	for (size_t i = 0; i < sizeof acases / sizeof acases[0]; i++) {
		const struct acase *c = &acases[i];
		int rc;

		policy_req_reset(req);
		CU_ASSERT_EQUAL_FATAL(policy_req_feed(req, c->request, strlen(c->request), &used), 1);
		rc = policy_answer(h, req, &s, c->stream, NOW, c->fail_open, &a);
		if (rc != c->rc || strcmp(a.action, c->action) != 0)
			fprintf(stderr, "\n  %s: rc %d, action '%s', error '%s'\n", c->name, rc,
			        a.action, a.error);
		TU_EQ_INT(rc, c->rc);
		TU_EQ_STR(a.action, c->action);
		TU_EQ_INT(a.checked, c->checked);
		TU_EQ_INT(a.failed, c->failed);
		CU_ASSERT(c->rc == 0 || a.error[0] != '\0');
		CU_ASSERT(!c->failed || a.error[0] != '\0');
	}
}

/* A backoff is DUNNO unless a --reply asks to defer. */
static void test_backoff_opt_in(void)
{
	static const struct {
		const char *reply, *action;
	} cases[] = {
		{ NULL, "DUNNO" },
		{ "backoff=450 4.2.1 Recipient deferred ({category}) until {until}",
		  "450 4.2.1 Recipient deferred (transient) until 2026-11-28T10:14:00Z" },
		{ "backoff:transient=DEFER_IF_PERMIT later", "DEFER_IF_PERMIT later" },
		{ "backoff:quota=DEFER_IF_PERMIT later", "DUNNO" },
	};
	static const char rq[] = RCPT("later@example.com") "\n";
	struct policy_answer a;
	struct policy_reply_set s;
	char err[256];
	size_t used;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		policy_reply_init(&s);
		if (cases[i].reply != NULL)
			CU_ASSERT_EQUAL_FATAL(policy_reply_set(&s, cases[i].reply, err, sizeof err), 0);
		policy_req_reset(req);
		CU_ASSERT_EQUAL_FATAL(policy_req_feed(req, rq, strlen(rq), &used), 1);
		TU_EQ_INT(policy_answer(h, req, &s, NULL, NOW, 0, &a), 0);
		TU_EQ_INT(a.res.verdict, QUELL_BACKOFF);
		TU_EQ_STR(a.action, cases[i].action);
	}
}

static CU_TestInfo tests[] = {
	{ "templates taken and refused", test_templates },
	{ "template by verdict, source and category", test_pick },
	{ "expansion keeps printable ASCII, bounded", test_expand },
	{ "answers per verdict, state and stream", test_answers },
	{ "a backoff is DUNNO unless --reply defers it", test_backoff_opt_in },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_policy_reply[] = {
	{ "policy_reply", setup, teardown, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
