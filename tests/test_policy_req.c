/*
 * test_policy_req.c - the Postfix policy request parser (policy_req.c).
 *
 * The oracle: requests shaped as SMTPD_POLICY_README shows them (the
 * attribute list Postfix 3.x sends), written out by hand here, and the
 * limits stated in policy_req.h.  Every case is fed whole, a byte at a
 * time, and split at every position in two, and must give the same
 * answer each way.
 */
#include <stdlib.h>

#include "policy_req.h"
#include "testutil.h"

/* A request as Postfix 3.7 sends it in the RCPT state. */
#define POSTFIX_RCPT                                                                  \
	"request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"     \
	"helo_name=client.example\nqueue_id=\nsender=alice@client.example\n"          \
	"recipient=bob@example.com\nrecipient_count=0\nclient_address=192.0.2.10\n"   \
	"client_name=client.example\nreverse_client_name=client.example\ninstance=1a2b.3c4d5e.0\n" \
	"sasl_method=\nsasl_username=\nsasl_sender=\nsize=0\nccert_subject=\n"        \
	"ccert_issuer=\nccert_fingerprint=\nccert_pubkey_fingerprint=\n"              \
	"encryption_protocol=\nencryption_cipher=\nencryption_keysize=0\n"            \
	"etrn_domain=\nstress=\nserver_address=127.0.0.1\nserver_port=2525\n"         \
	"policy_context=marketing\ncompatibility_level=3.6\nmail_version=3.7.11\n\n"

struct rcase {
	const char *name;
	const char *in;
	size_t len;         /* 0: strlen(in) */
	int rc;             /* 1 complete, 0 more, QUELL_EDATA refused */
	size_t used;        /* 0: all of it */
	const char *attrs;  /* complete: "name=value" lines joined by '|' */
	const char *error;  /* refused: the reason */
	size_t lineno;      /* refused: the line */
};

static const struct rcase cases[] = {
	{ "minimal", "request=smtpd_access_policy\n\n", 0, 1, 0, "request=smtpd_access_policy",
	  NULL, 0 },
	{ "Postfix 3.7 RCPT request", POSTFIX_RCPT, 0, 1, 0,
	  "request=smtpd_access_policy|protocol_state=RCPT|protocol_name=ESMTP|"
	  "helo_name=client.example|queue_id=|sender=alice@client.example|"
	  "recipient=bob@example.com|recipient_count=0|client_address=192.0.2.10|"
	  "client_name=client.example|reverse_client_name=client.example|"
	  "instance=1a2b.3c4d5e.0|sasl_method=|sasl_username=|sasl_sender=|size=0|"
	  "ccert_subject=|ccert_issuer=|ccert_fingerprint=|ccert_pubkey_fingerprint=|"
	  "encryption_protocol=|encryption_cipher=|encryption_keysize=0|etrn_domain=|stress=|"
	  "server_address=127.0.0.1|server_port=2525|policy_context=marketing|"
	  "compatibility_level=3.6|mail_version=3.7.11",
	  NULL, 0 },
	{ "CRLF lines", "a=1\r\nb=2\r\n\r\n", 0, 1, 0, "a=1|b=2", NULL, 0 },
	{ "a CR inside a value stays", "a=x\ry\n\n", 0, 1, 0, "a=x\ry", NULL, 0 },
	{ "'=' in the value", "policy_context=stream=x\n\n", 0, 1, 0, "policy_context=stream=x",
	  NULL, 0 },
	{ "empty value, spaces kept", "a=\nb= x \n\n", 0, 1, 0, "a=|b= x ", NULL, 0 },
	{ "UTF-8 and high bytes pass", "recipient=j\xc3\xb6rg@b\xff\n\n", 0, 1, 0,
	  "recipient=j\xc3\xb6rg@b\xff", NULL, 0 },
	{ "the next request is left", "a=1\n\na=2\n\n", 0, 1, 5, "a=1", NULL, 0 },
	{ "incomplete: no empty line", "a=1\nb=2\n", 0, 0, 0, NULL, NULL, 0 },
	{ "incomplete: mid-line", "a=1\nb=", 0, 0, 0, NULL, NULL, 0 },
	{ "nothing", "", 0, 0, 0, NULL, NULL, 0 },
	{ "line without '='", "request=smtpd_access_policy\nhello\n\n", 0, QUELL_EDATA, 34,
	  NULL, "line without '='", 2 },
	{ "empty name", "=x\n\n", 0, QUELL_EDATA, 3, NULL, "empty attribute name", 1 },
	{ "empty line first", "\na=1\n\n", 0, QUELL_EDATA, 1, NULL,
	  "empty line before any attribute", 1 },
	{ "CR alone first", "\r\n", 0, QUELL_EDATA, 2, NULL, "empty line before any attribute",
	  1 },
	{ "NUL in a value", "a=1\nb=x\0y\n\n", 11, QUELL_EDATA, 8, NULL, "NUL byte", 2 },
};

/* "name=value|..." of a complete request. */
static void joined(const struct policy_req *p, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < p->nattrs && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%s=%s", i ? "|" : "",
		                      policy_req_name(p, i), policy_req_value(p, i));
}

static void expect(const struct rcase *c, const struct policy_req *p, int rc, size_t used,
                   const char *how)
{
	size_t len = c->len ? c->len : strlen(c->in);
	char got[4096];

	if (rc != c->rc)
		fprintf(stderr, "\n  %s (%s): rc %d, want %d\n", c->name, how, rc, c->rc);
	TU_EQ_INT(rc, c->rc);
	TU_EQ_INT(used, c->used ? c->used : len);
	if (rc == 1 && c->attrs != NULL) {
		joined(p, got, sizeof got);
		TU_EQ_STR(got, c->attrs);
	}
	if (rc == QUELL_EDATA) {
		TU_EQ_STR(p->error, c->error);
		TU_EQ_INT(p->lineno, c->lineno);
	}
}

static void reset(void *p)
{
	policy_req_reset(p);
}

static int feed(void *p, const char *in, size_t n, size_t *used)
{
	return policy_req_feed(p, in, n, used);
}

struct check_ctx {
	const struct rcase *c;
	const struct policy_req *p;
};

static void check(void *ctx, int rc, size_t used, const char *how)
{
	const struct check_ctx *x = ctx;

	expect(x->c, x->p, rc, used, how);
}

static void test_cases(void)
{
	static const struct tu_feeder feeder = { reset, feed };
	struct policy_req *p = malloc(sizeof *p);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct rcase *c = &cases[i];
		struct check_ctx x = { c, p };

		tu_feed_ways(&feeder, p, c->in, c->len ? c->len : strlen(c->in), check, &x);
	}
	free(p);
}

static void test_get(void)
{
	struct policy_req *p = malloc(sizeof *p);
	const char *in = "request=smtpd_access_policy\nrecipient=a@b\nrecipient=c@d\nx=\n\n";
	size_t used;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	policy_req_reset(p);
	TU_EQ_INT(policy_req_feed(p, in, strlen(in), &used), 1);
	TU_EQ_STR(policy_req_get(p, "recipient"), "c@d"); /* the last one */
	TU_EQ_STR(policy_req_get(p, "x"), "");
	CU_ASSERT_PTR_NULL(policy_req_get(p, "sender"));
	CU_ASSERT_PTR_NULL(policy_req_get(p, "recipien"));
	CU_ASSERT_FALSE(policy_req_partial(p));
	free(p);
}

/* Requests one after another on one stream, as a connection carries. */
static void test_stream(void)
{
	struct policy_req *p = malloc(sizeof *p);
	const char *in = "a=1\n\nb=2\nc=3\n\nd=4\n";
	size_t off = 0, used, len = strlen(in);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	policy_req_reset(p);
	CU_ASSERT_FALSE(policy_req_partial(p));
	TU_EQ_INT(policy_req_feed(p, in, len, &used), 1);
	TU_EQ_STR(policy_req_get(p, "a"), "1");
	off += used;
	TU_EQ_INT(policy_req_feed(p, in + off, len - off, &used), 1);
	TU_EQ_INT(p->nattrs, 2);
	TU_EQ_STR(policy_req_get(p, "c"), "3");
	CU_ASSERT_PTR_NULL(policy_req_get(p, "a"));
	off += used;
	TU_EQ_INT(policy_req_feed(p, in + off, len - off, &used), 0);
	TU_EQ_INT(used, len - off);
	CU_ASSERT_TRUE(policy_req_partial(p));
	/* refused stays refused, taking nothing, until a reset */
	TU_EQ_INT(policy_req_feed(p, "junk\n", 5, &used), QUELL_EDATA);
	TU_EQ_INT(policy_req_feed(p, "e=5\n\n", 5, &used), QUELL_EDATA);
	TU_EQ_INT(used, 0);
	policy_req_reset(p);
	TU_EQ_INT(policy_req_feed(p, "e=5\n\n", 5, &used), 1);
	free(p);
}

static void test_limits(void)
{
	struct policy_req *p = malloc(sizeof *p);
	size_t big = 2 * POLICY_REQ_SIZE_MAX, n, used, i;
	char *in = malloc(big);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);

	/* a line of exactly LINE_MAX bytes is fine, one more is not */
	in[0] = 'a';
	in[1] = '=';
	memset(in + 2, 'x', POLICY_REQ_LINE_MAX - 2);
	memcpy(in + POLICY_REQ_LINE_MAX, "\n\n", 2);
	policy_req_reset(p);
	TU_EQ_INT(policy_req_feed(p, in, POLICY_REQ_LINE_MAX + 2, &used), 1);
	TU_EQ_INT(strlen(policy_req_get(p, "a")), POLICY_REQ_LINE_MAX - 2);
	memset(in + 2, 'x', POLICY_REQ_LINE_MAX - 1);
	memcpy(in + POLICY_REQ_LINE_MAX + 1, "\n\n", 2);
	policy_req_reset(p);
	TU_EQ_INT(policy_req_feed(p, in, POLICY_REQ_LINE_MAX + 3, &used), QUELL_EDATA);
	TU_EQ_STR(p->error, "line too long");
	TU_EQ_INT(used, POLICY_REQ_LINE_MAX + 1);

	/* ATTRS_MAX attributes are fine, one more is not */
	for (int extra = 0; extra <= 1; extra++) {
		n = 0;
		for (i = 0; i < POLICY_REQ_ATTRS_MAX + (size_t)extra; i++)
			n += (size_t)snprintf(in + n, big - n, "a%zu=%zu\n", i, i);
		n += (size_t)snprintf(in + n, big - n, "\n");
		policy_req_reset(p);
		if (extra == 0) {
			TU_EQ_INT(policy_req_feed(p, in, n, &used), 1);
			TU_EQ_INT(p->nattrs, POLICY_REQ_ATTRS_MAX);
			TU_EQ_STR(policy_req_get(p, "a99"), "99");
		} else {
			TU_EQ_INT(policy_req_feed(p, in, n, &used), QUELL_EDATA);
			TU_EQ_STR(p->error, "too many attributes");
			TU_EQ_INT(p->lineno, POLICY_REQ_ATTRS_MAX + 1);
		}
	}

	/* lines under the line limit adding up past the request limit */
	n = 0;
	for (i = 0; n < POLICY_REQ_SIZE_MAX + 100; i++) {
		in[n++] = (char)('a' + i % 26);
		in[n++] = '=';
		memset(in + n, 'v', 4000);
		n += 4000;
		in[n++] = '\n';
	}
	in[n++] = '\n';
	policy_req_reset(p);
	TU_EQ_INT(policy_req_feed(p, in, n, &used), QUELL_EDATA);
	TU_EQ_STR(p->error, "request too long");
	CU_ASSERT(used <= POLICY_REQ_SIZE_MAX + 1);

	/* ... and one that fills the buffer to the byte is complete */
	n = 0;
	while (n + 4003 <= POLICY_REQ_SIZE_MAX) {
		memcpy(in + n, "v=", 2);
		memset(in + n + 2, 'v', 4000);
		n += 4002;
		in[n++] = '\n';
	}
	memcpy(in + n, "w=", 2);
	memset(in + n + 2, 'w', POLICY_REQ_SIZE_MAX - n - 3);
	n = POLICY_REQ_SIZE_MAX;
	in[n - 1] = '\n';
	in[n++] = '\n';
	policy_req_reset(p);
	TU_EQ_INT(policy_req_feed(p, in, n, &used), 1);
	TU_EQ_INT(used, n);
	free(in);
	free(p);
}

static CU_TestInfo tests[] = {
	{ "requests whole, byte by byte, split in two", test_cases },
	{ "attribute lookup", test_get },
	{ "several requests on one stream", test_stream },
	{ "line, attribute and size limits", test_limits },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_policy_req[] = {
	{ "policy_req", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
