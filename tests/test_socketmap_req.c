/*
 * test_socketmap_req.c - the socketmap request reader (socketmap_req.c).
 *
 * The oracles: netstrings written out by hand with their lengths counted
 * by hand (not by the code under test), the example of the netstring
 * definition ("12:hello world!,"), requests shaped as socketmap_table(5)
 * says Postfix sends them ("name <space> key", one netstring each), and
 * the limits of socketmap_req.h.  Every case is fed whole, a byte at a
 * time, and split at every position in two, and must give the same
 * answer each way.
 */
#include <stdlib.h>

#include "socketmap_req.h"
#include "testutil.h"

struct scase {
	const char *name;
	const char *in;
	size_t len;         /* 0: strlen(in) */
	int rc;             /* 1 complete, 0 more, QUELL_EDATA refused */
	size_t used;        /* 0: all of it */
	const char *mapname, *key; /* complete */
	const char *error;  /* refused: the reason */
};

static const struct scase cases[] = {
	{ "socketmap_table(5): transport lookup of a full address",
	  "26:transport user@example.com,", 0, 1, 0, "transport", "user@example.com", NULL },
	{ "the netstring definition's example", "12:hello world!,", 0, 1, 0, "hello", "world!",
	  NULL },
	{ "a domain key", "21:transport example.com,", 0, 1, 0, "transport", "example.com", NULL },
	{ "an empty key", "10:transport ,", 0, 1, 0, "transport", "", NULL },
	{ "the key keeps later spaces", "7:m a b c,", 0, 1, 0, "m", "a b c", NULL },
	{ "leading zeros in the length", "0007:m a b c,", 0, 1, 0, "m", "a b c", NULL },
	{ "UTF-8 and high bytes pass", "12:t j\xc3\xb6rg@b\xff.x,", 0, 1, 0, "t",
	  "j\xc3\xb6rg@b\xff.x", NULL },
	{ "the next request is left", "3:a b,3:c d,", 0, 1, 6, "a", "b", NULL },
	{ "incomplete: length only", "26", 0, 0, 0, NULL, NULL, NULL },
	{ "incomplete: no comma yet", "3:a b", 0, 0, 0, NULL, NULL, NULL },
	{ "nothing", "", 0, 0, 0, NULL, NULL, NULL },
	{ "empty netstring", "0:,", 0, QUELL_EDATA, 0, NULL, NULL,
	  "no space between map name and key" },
	{ "no space", "9:transport,", 0, QUELL_EDATA, 0, NULL, NULL,
	  "no space between map name and key" },
	{ "empty map name", "4: a@b,", 0, QUELL_EDATA, 0, NULL, NULL, "empty map name" },
	{ "a line, not a netstring", "transport a@b\n", 0, QUELL_EDATA, 1, NULL, NULL,
	  "not a netstring: a length of digits and ':' expected" },
	{ "no length", ":a b,", 0, QUELL_EDATA, 1, NULL, NULL, "no length before ':'" },
	{ "a sign in the length", "+3:a b,", 0, QUELL_EDATA, 1, NULL, NULL,
	  "not a netstring: a length of digits and ':' expected" },
	{ "a space before ':'", "3 :a b,", 0, QUELL_EDATA, 2, NULL, NULL,
	  "not a netstring: a length of digits and ':' expected" },
	{ "length over the limit", "2049:", 0, QUELL_EDATA, 4, NULL, NULL,
	  "netstring longer than 2048 bytes" },
	{ "too many digits", "000003:a b,", 0, QUELL_EDATA, 6, NULL, NULL,
	  "netstring length: too many digits" },
	{ "a huge length", "99999999999999999999:", 0, QUELL_EDATA, 4, NULL, NULL,
	  "netstring longer than 2048 bytes" },
	{ "length too short: no comma", "2:a b,", 0, QUELL_EDATA, 5, NULL, NULL,
	  "no ',' after the netstring's data" },
	{ "a newline after the comma is the next request's", "3:a b,\n", 0, 1, 6, "a", "b",
	  NULL },
	{ "NUL in the data", "3:a\0b,", 6, QUELL_EDATA, 3, NULL, NULL,
	  "NUL byte in the request" },
};

static void expect(const struct scase *c, const struct socketmap_req *p, int rc, size_t used,
                   const char *how)
{
	size_t len = c->len ? c->len : strlen(c->in);

	if (rc != c->rc || used != (c->used ? c->used : len))
		fprintf(stderr, "\n  %s (%s): rc %d used %zu, want %d\n", c->name, how, rc, used,
		        c->rc);
	TU_EQ_INT(rc, c->rc);
	TU_EQ_INT(used, c->used ? c->used : len);
	if (rc == 1) {
		TU_EQ_STR(socketmap_req_name(p), c->mapname);
		TU_EQ_STR(socketmap_req_key(p), c->key);
		CU_ASSERT_FALSE(socketmap_req_partial(p));
	}
	if (rc == QUELL_EDATA)
		TU_EQ_STR(p->error, c->error);
	if (rc == 0)
		TU_EQ_INT(socketmap_req_partial(p), len > 0);
}

static void reset(void *p)
{
	socketmap_req_reset(p);
}

static int feed(void *p, const char *in, size_t n, size_t *used)
{
	return socketmap_req_feed(p, in, n, used);
}

struct check_ctx {
	const struct scase *c;
	const struct socketmap_req *p;
};

static void check(void *ctx, int rc, size_t used, const char *how)
{
	const struct check_ctx *x = ctx;

	expect(x->c, x->p, rc, used, how);
}

static void test_cases(void)
{
	static const struct tu_feeder feeder = { reset, feed };
	struct socketmap_req *p = malloc(sizeof *p);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct scase *c = &cases[i];
		struct check_ctx x = { c, p };

		tu_feed_ways(&feeder, p, c->in, c->len ? c->len : strlen(c->in), check, &x);
	}
	free(p);
}

/* Requests one after another on one connection, as Postfix keeps it. */
static void test_stream(void)
{
	struct socketmap_req *p = malloc(sizeof *p);
	const char *in = "26:transport user@example.com,25:transport a+b@example.org,5:x";
	size_t off = 0, used, len = strlen(in);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	socketmap_req_reset(p);
	CU_ASSERT_FALSE(socketmap_req_partial(p));
	TU_EQ_INT(socketmap_req_feed(p, in, len, &used), 1);
	TU_EQ_STR(socketmap_req_key(p), "user@example.com");
	off += used;
	TU_EQ_INT(socketmap_req_feed(p, in + off, len - off, &used), 1);
	TU_EQ_STR(socketmap_req_name(p), "transport");
	TU_EQ_STR(socketmap_req_key(p), "a+b@example.org");
	off += used;
	TU_EQ_INT(socketmap_req_feed(p, in + off, len - off, &used), 0);
	TU_EQ_INT(used, len - off);
	CU_ASSERT_TRUE(socketmap_req_partial(p));
	/* refused stays refused, taking nothing, until a reset */
	TU_EQ_INT(socketmap_req_feed(p, "\0", 1, &used), QUELL_EDATA);
	TU_EQ_INT(socketmap_req_feed(p, "3:a b,", 6, &used), QUELL_EDATA);
	TU_EQ_INT(used, 0);
	socketmap_req_reset(p);
	TU_EQ_INT(socketmap_req_feed(p, "3:a b,", 6, &used), 1);
	free(p);
}

/* The longest request fills the buffer to the byte; one more is refused. */
static void test_limits(void)
{
	struct socketmap_req *p = malloc(sizeof *p);
	char *in = malloc(SOCKETMAP_REQ_MAX + 16);
	size_t n, used;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	n = (size_t)snprintf(in, 16, "%d:t ", SOCKETMAP_REQ_MAX);
	memset(in + n, 'k', SOCKETMAP_REQ_MAX - 2);
	n += SOCKETMAP_REQ_MAX - 2;
	in[n++] = ',';
	socketmap_req_reset(p);
	TU_EQ_INT(socketmap_req_feed(p, in, n, &used), 1);
	TU_EQ_INT(used, n);
	TU_EQ_INT(strlen(socketmap_req_key(p)), SOCKETMAP_REQ_MAX - 2);
	n = (size_t)snprintf(in, 16, "%d:", SOCKETMAP_REQ_MAX + 1);
	socketmap_req_reset(p);
	TU_EQ_INT(socketmap_req_feed(p, in, n, &used), QUELL_EDATA);
	free(in);
	free(p);
}

static CU_TestInfo tests[] = {
	{ "requests whole, byte by byte, split in two", test_cases },
	{ "several requests on one connection", test_stream },
	{ "the length limit", test_limits },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_socketmap_req[] = {
	{ "socketmap_req", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
