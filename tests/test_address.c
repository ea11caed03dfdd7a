/*
 * test_address.c - table-driven tests of lib/address.c and lib/domain.c:
 * mailbox, domain entry and entry normalization, the messages of refused
 * input (what and where), length limits at their boundaries, idempotence.
 *
 * Oracles: the examples of RFC 3696, RFC 5321 and RFC 6531/6530, the IANA
 * IDN test domains, A-labels computed by another implementation (Python's
 * `idna` codec, IDNA2003, for names where IDNA2003 and IDNA2008 agree) and
 * case mappings from Unicode's SpecialCasing (final sigma).  Public suffixes
 * come from Debian's publicsuffix package through psl_latest().
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libpsl.h>

#include "address.h"
#include "quell.h"
#include "testutil.h"

enum kind { ADDR, DOM, ENTRY };

struct tcase {
	const char *in;
	size_t len;       /* 0: strlen(in) */
	int lower;        /* lowercase_local (ADDR and ENTRY) */
	int rc;           /* expected return code */
	const char *want; /* the output when rc == 0, else the message; a
	                     leading '~' means "the message starts with" */
	int scope;        /* ENTRY: the scope expected; 0 = not checked */
};

#define OK(in, want) { in, 0, 1, 0, want, 0 }
#define KEEP(in, want) { in, 0, 0, 0, want, 0 }
#define BAD(in, msg) { in, 0, 1, QUELL_EADDRESS, msg, 0 }
#define BADN(in, len, msg) { in, len, 1, QUELL_EADDRESS, msg, 0 }
#define END { NULL, 0, 0, 0, NULL, 0 }

/* Record a failed check with its got/want message, on stderr and in
 * CUnit's summary (CUnit copies the message). */
static void report(int ok, int line, const char *what, const char *in, const char *got,
                   const char *want)
{
	char msg[1024];

	if (ok) {
		CU_PASS(what);
		return;
	}
	snprintf(msg, sizeof msg, "%s: input '%s': got '%s', want '%s'", what, in, got, want);
	fprintf(stderr, "\n    %s\n", msg);
	CU_assertImplementation(CU_FALSE, (unsigned int)line, msg, __FILE__, "", CU_FALSE);
}

static int run(enum kind k, const struct tcase *c, const psl_ctx_t *psl, char *out,
               size_t outsize, int *scope, char *err, size_t errsize)
{
	size_t len = c->len ? c->len : strlen(c->in), off = 0;
	int rc;

	*scope = 0;
	switch (k) {
	case ADDR:
		rc = quell__address_parse(c->in, len, c->lower, out, outsize, &off, err, errsize);
		if (rc == 0 && (off == 0 || out[off - 1] != '@' || strchr(out + off, '@') != NULL))
			report(0, __LINE__, "domain offset", c->in, out + off, "the domain");
		return rc;
	case DOM:
		return quell__domain_parse(c->in, len, psl, out, outsize, err, errsize);
	default:
		return quell__entry_parse(c->in, len, c->lower, psl, out, outsize, scope, err,
		                          errsize);
	}
}

/* Run every case of a table; returns the number of cases. */
static int run_table(enum kind k, const struct tcase *t, const psl_ctx_t *psl, int line)
{
	char out[QUELL_ENTRY_MAX], err[256], want_rc[32], got_rc[600];
	int n = 0;

	for (const struct tcase *c = t; c->in != NULL; c++, n++) {
		int scope, rc = run(k, c, psl, out, sizeof out, &scope, err, sizeof err);
		const char *w = c->want;

		if (rc != c->rc) {
			snprintf(got_rc, sizeof got_rc, "rc %d (%s)", rc, rc == 0 ? out : err);
			snprintf(want_rc, sizeof want_rc, "rc %d", c->rc);
			report(0, line, "return code", c->in, got_rc, want_rc);
			continue;
		}
		if (rc == 0)
			report(strcmp(out, w) == 0, line, "output", c->in, out, w);
		else if (w[0] == '~')
			report(strncmp(err, w + 1, strlen(w + 1)) == 0, line, "message", c->in, err,
			       w + 1);
		else
			report(strcmp(err, w) == 0, line, "message", c->in, err, w);
		if (k == ENTRY && c->scope != 0)
			report(scope == c->scope, line, "scope", c->in,
			       quell_scope_name(scope), quell_scope_name(c->scope));
	}
	return n;
}

/* ------------------------------------------------------------ tables */

static const struct tcase valid_ascii[] = {
	OK("John.Smith@Example.COM", "john.smith@example.com"),
	OK("user@example.com", "user@example.com"),
	OK("A@EXAMPLE.COM", "a@example.com"),
	OK("customer/department=shipping@example.com", "customer/department=shipping@example.com"),
	OK("$A12345@example.com", "$a12345@example.com"),
	OK("!def!xyz%abc@example.com", "!def!xyz%abc@example.com"),
	OK("_somename@example.com", "_somename@example.com"),
	OK("{x}|~`'^?=#&*@example.com", "{x}|~`'^?=#&*@example.com"),
	OK("a+tag@example.org", "a+tag@example.org"),
	OK("first.last@sub.do-main.example", "first.last@sub.do-main.example"),
	OK("x@y", "x@y"),
	OK("postmaster@localhost", "postmaster@localhost"),
	OK("a@example.com.", "a@example.com"),
	OK("  a@b.example\t\r\n", "a@b.example"),
	OK("<Foo@Bar.example>", "foo@bar.example"),
	OK(" <a@b.example> ", "a@b.example"),
	OK("a@123.example", "a@123.example"),
	OK("a@mx--1.example.com", "a@mx--1.example.com"),
	OK("a@a.b-c.d", "a@a.b-c.d"),
	END
};

static const struct tcase quoting[] = {
	OK("\"john\"@x.example", "john@x.example"),
	OK("\"john.smith\"@x.example", "john.smith@x.example"),
	OK("\"a\\b\"@x.example", "ab@x.example"),
	OK("\"\\a\\b\\c\"@x", "abc@x"),
	OK("\"a,b\"@x.example", "\"a,b\"@x.example"),
	OK("\"john..doe\"@x.example", "\"john..doe\"@x.example"),
	OK("\" \"@x.example", "\" \"@x.example"),
	OK("\".a\"@x", "\".a\"@x"),
	OK("\"a.\"@x", "\"a.\"@x"),
	OK("\"a(b)\"@x", "\"a(b)\"@x"),
	OK("\"a b\"@x", "\"a b\"@x"),
	OK("\"Fred Bloggs\"@example.com", "\"fred bloggs\"@example.com"),
	OK("\"Joe\\\\Blow\"@example.com", "\"joe\\\\blow\"@example.com"),
	OK("\"Abc@def\"@example.com", "\"abc@def\"@example.com"),
	OK("\"Abc\\@def\"@example.com", "\"abc@def\"@example.com"),
	OK("\"a\\\"b\"@x.example", "\"a\\\"b\"@x.example"),
	OK("\"\\\\\"@x", "\"\\\\\"@x"),
	OK("\"\\,\"@x", "\",\"@x"),
	OK("\"üser\"@x", "üser@x"),
	OK("\"\\ü\"@x", "ü@x"),
	END
};

static const struct tcase utf8_idn[] = {
	OK("user@BÜCHER.example", "user@xn--bcher-kva.example"),
	OK("user@xn--bcher-kva.example", "user@xn--bcher-kva.example"),
	OK("user@XN--BCHER-KVA.EXAMPLE", "user@xn--bcher-kva.example"),
	OK("a@straße.de", "a@xn--strae-oqa.de"),
	OK("a@faß.de", "a@xn--fa-hia.de"),
	OK("a@münchen.de", "a@xn--mnchen-3ya.de"),
	OK("用户@例子.广告", "用户@xn--fsqu00a.xn--4rr70v"),
	OK("a@例え。テスト", "a@xn--r8jz45g.xn--zckzah"),
	OK("a@пример.испытание", "a@xn--e1afmkfd.xn--80akhbyknj4f"),
	OK("δοκιμή@παράδειγμα.δοκιμή", "δοκιμή@xn--hxajbheg2az3al.xn--jxalpdlp"),
	OK("a@ｅｘａｍｐｌｅ.com", "a@example.com"),
	OK("a@a\xc2\xad" "b.com", "a@ab.com"),
	OK("a@ab--cd.bücher.de", "a@ab--cd.xn--bcher-kva.de"),
	OK("a@bücher.example.", "a@xn--bcher-kva.example"),
	OK("Pele\xcc\x81@example.com", "pel\xc3\xa9@example.com"),
	OK("ÄÖÜ@x.example", "äöü@x.example"),
	OK("\xe2\x84\xaa@x", "k@x"),
	OK("ΟΔΟΣ@x.gr", "οδος@x.gr"),
	OK("a\xcd\xbe" "b@x", "\"a;b\"@x"),
	OK("<Jörg@Bücher.example>", "jörg@xn--bcher-kva.example"),
	END
};

static const struct tcase keep_case[] = {
	KEEP("John.Smith@Example.COM", "John.Smith@example.com"),
	KEEP("\"John Smith\"@X.example", "\"John Smith\"@x.example"),
	KEEP("\"JOHN\"@X", "JOHN@x"),
	KEEP("ÄÖÜ@x", "ÄÖÜ@x"),
	KEEP("ΟΔΟΣ@x", "ΟΔΟΣ@x"),
	KEEP("\xe2\x84\xaa@x", "K@x"),
	KEEP("\xe2\x84\xab@x", "\xc3\x85@x"),
	KEEP("Pele\xcc\x81@x", "Pel\xc3\xa9@x"),
	END
};

static const struct tcase invalid[] = {
	BAD("", "address is empty"),
	BAD(" \t ", "address is empty"),
	BAD("<>", "address is empty"),
	BAD("abc", "missing '@'"),
	BAD("@example.com", "local part is empty"),
	BAD("\"\"@x", "local part is empty"),
	BAD("a@", "domain is empty"),
	BAD("a,b@x", "local part: unexpected ',' at character 2"),
	BAD("é,@x", "local part: unexpected ',' at character 2"),
	BAD("a b@x", "local part: unexpected ' ' at character 2"),
	BAD("a\"b@x", "local part: unexpected '\"' at character 2"),
	BAD("Abc\\@def@example.com", "local part: unexpected '\\' at character 4"),
	BAD("a@b@c", "local part: unexpected '@' at character 2"),
	BAD("<@ONE,@TWO:JOE@THREE>", "local part: unexpected '@' at character 2"),
	BAD(".a@x", "local part: leading '.' at character 1"),
	BAD("a.@x", "local part: trailing '.' at character 2"),
	BAD("a..b@x", "local part: two dots in a row at character 3"),
	BAD("\"abc@x", "local part: unterminated quoted string at character 1"),
	BAD("\"a\\\"@x", "local part: unterminated quoted string at character 1"),
	BAD("\"a\"b@x", "local part: unexpected 'b' at character 4"),
	BAD("\"a\"é@x", "local part: unexpected 'é' at character 4"),
	BAD("\"a\"\xe2\x80\xae@x", "local part: unexpected \\xE2\\x80\\xAE at character 4"),
	BADN("a\0b@x", 5, "local part: control character \\x00 at character 2"),
	BADN("a@b\0c", 5, "domain: control character \\x00 at character 4"),
	BAD("a\tb@x", "local part: control character \\x09 at character 2"),
	BAD("a\x7f@x", "local part: control character \\x7F at character 2"),
	BAD("a\xc2\x85@x", "local part: control character \\xC2\\x85 at character 2"),
	BAD("\"a\x01\"@x", "local part: control character \\x01 at character 3"),
	BAD("é\x01@x", "local part: control character \\x01 at character 2"),
	BAD("a\xc0\xaf@x", "local part: invalid UTF-8 at character 2"),
	BAD("a\xed\xa0\x80@x", "local part: invalid UTF-8 at character 2"),
	BAD("a\xe2\x82@x", "local part: invalid UTF-8 at character 2"),
	BAD("\xf4\x90\x80\x80@x", "local part: invalid UTF-8 at character 1"),
	BAD("日本語\xff@x", "local part: invalid UTF-8 at character 4"),
	BAD("a@b\xed\xa0\x80.com", "domain: invalid UTF-8 at character 4"),
	BAD("a@[192.0.2.1]", "address literal [192.0.2.1] is not accepted"),
	BAD("a@[IPv6:2001:db8::1]", "address literal [IPv6:2001:db8::1] is not accepted"),
	BAD("ü@a_b.example", "domain: unexpected '_' at character 4"),
	BAD("a@b c", "domain: unexpected ' ' at character 4"),
	BAD("a@b.example>", "domain: unexpected '>' at character 12"),
	BAD("<a@b.example", "unmatched '<' at character 1"),
	BAD("  <a@b.example", "unmatched '<' at character 3"),
	BAD("a@-a.example", "domain: label starts with '-' at character 3"),
	BAD("a@a-.example", "domain: label ends with '-' at character 4"),
	BAD("a@a..example", "domain: empty label at character 5"),
	BAD("a@.example", "domain: empty label at character 3"),
	BAD("a@.", "domain: empty label at character 3"),
	BAD("a@example.com..", "domain: empty label at character 15"),
	BAD("a@1.2.3.4", "domain: top-level label '4' is all digits at character 9"),
	BAD("a@xn--abc-.com", "~domain: label at character 3: "),
	BAD("a@xn--.com", "~domain: label at character 3: "),
	BAD("é@bü-.de", "~domain: label at character 3: "),
	BAD("a@\xf0\x9f\x92\xa9.la", "~domain: label at character 3: "),
	BAD("a@\xe2\x91\xb5.com",
	    "domain: label at character 3 maps to '(2)': character other than letter, digit or '-'"),
	END
};

static const struct tcase domains[] = {
	OK("example.com", "example.com"),
	OK("@example.com", "example.com"),
	OK("@Example.COM.", "example.com"),
	OK("  example.com\n", "example.com"),
	OK("example.co.uk", "example.co.uk"),
	OK("BÜCHER.example", "xn--bcher-kva.example"),
	OK("straße.de", "xn--strae-oqa.de"),
	BAD("localhost", "domain 'localhost' is a top-level name; give a registered domain"),
	BAD("@Nope.", "domain 'nope' is a top-level name; give a registered domain"),
	OK("user.github.io", "user.github.io"),
	OK("mx.example.com", "mx.example.com"),
	BAD("com", "domain 'com' is a public suffix"),
	BAD("co.uk", "domain 'co.uk' is a public suffix"),
	BAD("uk", "domain 'uk' is a public suffix"),
	BAD("@co.uk", "domain 'co.uk' is a public suffix"),
	BAD("CO.UK.", "domain 'co.uk' is a public suffix"),
	BAD("公司.cn", "domain 'xn--55qx5d.cn' is a public suffix"),
	BAD("github.io", "domain 'github.io' is a public suffix"),
	BAD("", "domain is empty"),
	BAD("@", "domain is empty"),
	BAD("@@x", "domain: unexpected '@' at character 2"),
	BAD("a@b", "domain: unexpected '@' at character 2"),
	BAD("[192.0.2.1]", "address literal [192.0.2.1] is not accepted"),
	BAD("192.0.2.1", "domain: top-level label '1' is all digits at character 9"),
	BAD("exa_mple.com", "domain: unexpected '_' at character 4"),
	END
};

static const struct tcase entries[] = {
	{ "a@example.com", 0, 1, 0, "a@example.com", QUELL_SCOPE_ADDRESS },
	{ " <A@Example.com> ", 0, 1, 0, "a@example.com", QUELL_SCOPE_ADDRESS },
	{ "\"a@b\"@example.com", 0, 1, 0, "\"a@b\"@example.com", QUELL_SCOPE_ADDRESS },
	{ "A@example.com", 0, 0, 0, "A@example.com", QUELL_SCOPE_ADDRESS },
	{ "a@com", 0, 1, 0, "a@com", QUELL_SCOPE_ADDRESS },
	{ "@example.com", 0, 1, 0, "example.com", QUELL_SCOPE_DOMAIN },
	{ "Example.com", 0, 1, 0, "example.com", QUELL_SCOPE_DOMAIN },
	{ "bücher.example", 0, 1, 0, "xn--bcher-kva.example", QUELL_SCOPE_DOMAIN },
	{ "com", 0, 1, QUELL_EADDRESS, "domain 'com' is a public suffix", QUELL_SCOPE_DOMAIN },
	{ "@co.uk", 0, 1, QUELL_EADDRESS, "domain 'co.uk' is a public suffix", QUELL_SCOPE_DOMAIN },
	{ "a,b@x", 0, 1, QUELL_EADDRESS, "local part: unexpected ',' at character 2",
	  QUELL_SCOPE_ADDRESS },
	{ "@a@b", 0, 1, QUELL_EADDRESS, "local part: unexpected '@' at character 1",
	  QUELL_SCOPE_ADDRESS },
	{ "@", 0, 1, QUELL_EADDRESS, "domain is empty", QUELL_SCOPE_DOMAIN },
	{ "", 0, 1, QUELL_EADDRESS, "entry is empty", 0 },
	END
};

/* Inputs the fuzzer found troublesome; each stays as a regression case. */
static const struct tcase regressions[] = {
	END
};

/* ------------------------------------------------------------- tests */

static void test_valid_ascii(void)
{
	CU_ASSERT(run_table(ADDR, valid_ascii, NULL, __LINE__) >= 15);
}

static void test_quoting(void)
{
	CU_ASSERT(run_table(ADDR, quoting, NULL, __LINE__) >= 15);
}

static void test_utf8_idn(void)
{
	CU_ASSERT(run_table(ADDR, utf8_idn, NULL, __LINE__) >= 15);
}

static void test_keep_case(void)
{
	CU_ASSERT(run_table(ADDR, keep_case, NULL, __LINE__) >= 5);
}

static void test_invalid(void)
{
	CU_ASSERT(run_table(ADDR, invalid, NULL, __LINE__) >= 40);
}

static void test_domains_psl(void)
{
	psl_ctx_t *psl = psl_latest(NULL);
	char out[QUELL_ENTRY_MAX], err[160];

	CU_ASSERT_PTR_NOT_NULL_FATAL(psl);
	run_table(DOM, domains, psl, __LINE__);
	/* without a suffix list nothing is a public suffix */
	CU_ASSERT_EQUAL(quell__domain_parse("co.uk", 5, NULL, out, sizeof out, err, sizeof err), 0);
	CU_ASSERT_STRING_EQUAL(out, "co.uk");
	psl_free(psl);
}

static void test_entry_dispatch(void)
{
	psl_ctx_t *psl = psl_latest(NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(psl);
	run_table(ENTRY, entries, psl, __LINE__);
	psl_free(psl);
}

static void test_regressions(void)
{
	run_table(ADDR, regressions, NULL, __LINE__);
}

/* s with n copies of c appended, into buf. */
static char *rep(char *buf, size_t size, const char *pre, char c, size_t n, const char *post)
{
	size_t p = strlen(pre), q = strlen(post);

	if (p + n + q >= size)
		abort();
	memcpy(buf, pre, p);
	memset(buf + p, c, n);
	memcpy(buf + p + n, post, q + 1);
	return buf;
}

/* Labels joined by dots: n63 labels of 63 'a', then one of `last` 'b'. */
static char *labels(char *buf, size_t size, const char *pre, int n63, size_t last)
{
	size_t o = strlen(pre);

	if (o + (size_t)n63 * 64 + last + 1 > size)
		abort();
	memcpy(buf, pre, o);
	for (int i = 0; i < n63; i++) {
		memset(buf + o, 'a', 63);
		o += 63;
		buf[o++] = '.';
	}
	memset(buf + o, 'b', last);
	buf[o + last] = '\0';
	return buf;
}

static void check_len(enum kind k, const char *in, int want_rc, const char *want_msg,
                      size_t want_len, int line)
{
	char out[QUELL_ENTRY_MAX], err[160], got[512], wnt[512];
	struct tcase c = { in, 0, 1, want_rc, want_msg, 0 };
	int scope, rc = run(k, &c, NULL, out, sizeof out, &scope, err, sizeof err);

	snprintf(got, sizeof got, "rc %d, %zu octets, %s", rc, rc == 0 ? strlen(out) : 0,
	         rc == 0 ? "" : err);
	snprintf(wnt, sizeof wnt, "rc %d, %zu octets, %s", want_rc, want_len,
	         want_msg != NULL ? want_msg : "");
	report(rc == want_rc && (rc != 0 || strlen(out) == want_len) &&
	               (rc == 0 || strcmp(err, want_msg) == 0),
	       line, "length", in, got, wnt);
}

static void test_limits(void)
{
	char b[4096], e[4200];
	const char *llong = "local part longer than 64 octets";

	/* local part: 64 octets, 65; quotes count, needless ones do not */
	check_len(ADDR, rep(b, sizeof b, "", 'a', 64, "@x"), 0, NULL, 66, __LINE__);
	check_len(ADDR, rep(b, sizeof b, "", 'a', 65, "@x"), QUELL_EADDRESS, llong, 0, __LINE__);
	check_len(ADDR, rep(b, sizeof b, "\",", 'a', 61, "\"@x"), 0, NULL, 66, __LINE__);
	check_len(ADDR, rep(b, sizeof b, "\",", 'a', 62, "\"@x"), QUELL_EADDRESS, llong, 0,
	          __LINE__);
	check_len(ADDR, rep(b, sizeof b, "\"", 'a', 64, "\"@x"), 0, NULL, 66, __LINE__);
	check_len(ADDR, rep(b, sizeof b, "\"", 'a', 2000, "\"@x"), QUELL_EADDRESS, llong, 0,
	          __LINE__);
	/* 32 x 'é' is 64 octets, 33 is 66 */
	for (size_t i = 0; i < 32; i++)
		memcpy(b + 2 * i, "é", 3);
	snprintf(e, sizeof e, "%s@x", b);
	check_len(ADDR, e, 0, NULL, 66, __LINE__);
	snprintf(e, sizeof e, "%sé@x", b);
	check_len(ADDR, e, QUELL_EADDRESS, llong, 0, __LINE__);

	/* label: 63 octets, 64 */
	check_len(ADDR, labels(b, sizeof b, "a@", 0, 63), 0, NULL, 65, __LINE__);
	check_len(ADDR, labels(b, sizeof b, "a@", 0, 64), QUELL_EADDRESS,
	          "domain: label longer than 63 octets at character 3", 0, __LINE__);
	check_len(ADDR, labels(b, sizeof b, "a@x.", 0, 64), QUELL_EADDRESS,
	          "domain: label longer than 63 octets at character 5", 0, __LINE__);
	snprintf(e, sizeof e, "a@%s.ü", labels(b, sizeof b, "", 0, 64));
	check_len(ADDR, e, QUELL_EADDRESS, "domain: label longer than 63 octets at character 3",
	          0, __LINE__);

	/* address: 64 + 1 + 189 = 254 octets, 255 */
	snprintf(e, sizeof e, "%s@%s", rep(b, 100, "", 'l', 64, ""),
	         labels(b + 100, sizeof b - 100, "", 2, 61));
	check_len(ADDR, e, 0, NULL, 254, __LINE__);
	snprintf(e, sizeof e, "%s@%s", rep(b, 100, "", 'l', 64, ""),
	         labels(b + 100, sizeof b - 100, "", 2, 62));
	check_len(ADDR, e, QUELL_EADDRESS, "address longer than 254 octets", 0, __LINE__);
	/* the trailing dot does not count */
	snprintf(e, sizeof e, "%s@%s.", rep(b, 100, "", 'l', 64, ""),
	         labels(b + 100, sizeof b - 100, "", 2, 61));
	check_len(ADDR, e, 0, NULL, 254, __LINE__);

	/* domain entry: 255 octets, 256; the A-label form counts */
	check_len(DOM, labels(b, sizeof b, "", 3, 63), 0, NULL, 255, __LINE__);
	snprintf(e, sizeof e, "%s.", labels(b, sizeof b, "", 3, 63));
	check_len(DOM, e, 0, NULL, 255, __LINE__);
	check_len(DOM, labels(b, sizeof b, "aa.", 3, 61), QUELL_EADDRESS,
	          "domain longer than 255 octets", 0, __LINE__);
	snprintf(e, sizeof e, "%s.ü", labels(b, sizeof b, "", 3, 55)); /* 247 + ".xn--tda" */
	check_len(DOM, e, 0, NULL, 255, __LINE__);
	snprintf(e, sizeof e, "%s.ü", labels(b, sizeof b, "", 3, 56));
	check_len(DOM, e, QUELL_EADDRESS, "domain longer than 255 octets", 0, __LINE__);
}

/* Normalizing a normalized output gives the same bytes, for every valid
 * case of the tables, with both case settings. */
static void check_idem(enum kind k, const struct tcase *t, int line)
{
	char out[QUELL_ENTRY_MAX], again[QUELL_ENTRY_MAX], err[160];

	for (const struct tcase *c = t; c->in != NULL; c++) {
		for (int lower = 0; lower < 2; lower++) {
			struct tcase first = *c, second;
			int scope, rc;

			first.lower = lower;
			if (run(k, &first, NULL, out, sizeof out, &scope, err, sizeof err) != 0)
				continue;
			second = first;
			second.in = out;
			second.len = 0;
			rc = run(k, &second, NULL, again, sizeof again, &scope, err, sizeof err);
			report(rc == 0 && strcmp(out, again) == 0, line, "idempotence", c->in,
			       rc == 0 ? again : err, out);
		}
	}
}

static void test_idempotence(void)
{
	check_idem(ADDR, valid_ascii, __LINE__);
	check_idem(ADDR, quoting, __LINE__);
	check_idem(ADDR, utf8_idn, __LINE__);
	check_idem(ADDR, keep_case, __LINE__);
	check_idem(ADDR, regressions, __LINE__);
	check_idem(DOM, domains, __LINE__);
	check_idem(ENTRY, entries, __LINE__);
}

static void test_arguments(void)
{
	char out[QUELL_ENTRY_MAX], err[160];
	const char *lit = "a@[1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17:18:19:20:21:22:23:24:25:"
	                  "26:27:28:29:30:31:32:33:34:35:36:37:38:39:40\n]";
	size_t off = 99;
	int scope = 7;

	/* out exactly big enough, then one byte short */
	CU_ASSERT_EQUAL(quell__address_parse("A@B.c", 5, 1, out, 6, &off, err, sizeof err), 0);
	CU_ASSERT_STRING_EQUAL(out, "a@b.c");
	CU_ASSERT_EQUAL(off, 2);
	CU_ASSERT_EQUAL(quell__address_parse("A@B.c", 5, 1, out, 5, NULL, err, sizeof err),
	                QUELL_EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "output buffer too small (6 bytes needed)");
	CU_ASSERT_EQUAL(quell__domain_parse("b.c", 3, NULL, out, 3, err, sizeof err),
	                QUELL_EINVAL);
	CU_ASSERT_EQUAL(quell__entry_parse("b.c", 3, 1, NULL, out, 3, &scope, err, sizeof err),
	                QUELL_EINVAL);
	/* bad arguments */
	CU_ASSERT_EQUAL(quell__address_parse("a@b", 3, 1, NULL, 10, NULL, err, sizeof err),
	                QUELL_EINVAL);
	CU_ASSERT_EQUAL(quell__address_parse(NULL, 3, 1, out, sizeof out, NULL, err, sizeof err),
	                QUELL_EINVAL);
	CU_ASSERT_EQUAL(quell__address_parse(NULL, 0, 1, out, sizeof out, NULL, err, sizeof err),
	                QUELL_EADDRESS);
	CU_ASSERT_STRING_EQUAL(err, "address is empty");
	/* no room for a message, or a tiny one: still the right code */
	CU_ASSERT_EQUAL(quell__address_parse("a,b@x", 5, 1, out, sizeof out, NULL, NULL, 0),
	                QUELL_EADDRESS);
	CU_ASSERT_EQUAL(quell__address_parse("a,b@x", 5, 1, out, sizeof out, NULL, err, 8),
	                QUELL_EADDRESS);
	CU_ASSERT_STRING_EQUAL(err, "local p");
	CU_ASSERT_STRING_EQUAL(out, "");
	/* the length given wins over a NUL-terminated string */
	CU_ASSERT_EQUAL(quell__address_parse("a@b.cXYZ", 5, 1, out, sizeof out, NULL, err,
	                                     sizeof err), 0);
	CU_ASSERT_STRING_EQUAL(out, "a@b.c");
	/* a long literal is cut in the message, which stays one line */
	CU_ASSERT_EQUAL(quell__address_parse(lit, strlen(lit), 1, out, sizeof out, NULL, err,
	                                     sizeof err),
	                QUELL_EADDRESS);
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "..."));
}

/* The one-pass path for common addresses must give the general path's
 * bytes, offset and code for every input, with and without lowercasing. */
static void agree(const char *in, size_t len, int line)
{
	char a[QUELL_ENTRY_MAX], b[QUELL_ENTRY_MAX], ea[256], eb[256];

	for (int lower = 0; lower < 2; lower++) {
		size_t oa = 0, ob = 0;
		int ra = quell__address_parse(in, len, lower, a, sizeof a, &oa, ea, sizeof ea);
		int rb = quell__address_parse_general(in, len, lower, b, sizeof b, &ob, eb,
		                                      sizeof eb);

		if (ra != rb || strcmp(a, b) != 0 || (ra == 0 && oa != ob))
			fprintf(stderr, "\n  line %d: '%.*s' (lower %d): fast %d '%s' %zu, general %d "
			                "'%s' %zu\n", line, (int)len, in, lower, ra, ra ? ea : a, oa, rb,
			        rb ? eb : b, ob);
		CU_ASSERT(ra == rb && strcmp(a, b) == 0 && (ra != 0 || oa == ob));
	}
}

static void agree_table(const struct tcase *t, int line)
{
	for (; t->in != NULL; t++)
		agree(t->in, t->len ? t->len : strlen(t->in), line);
}

static void test_fast_path(void)
{
	static const char alpha[] = "aAzZ09.-@x+\"_ \x80n";
	char in[300];
	uint64_t x = 88172645463325252u;

	agree_table(valid_ascii, __LINE__);
	agree_table(quoting, __LINE__);
	agree_table(utf8_idn, __LINE__);
	agree_table(keep_case, __LINE__);
	agree_table(invalid, __LINE__);
	agree_table(entries, __LINE__);
	agree_table(regressions, __LINE__);
	{
		/* A-labels: valid ones, and ones libidn2 refuses */
		static const char *const alabels[] = {
			"a@xn--bcher-kva.example", "a@XN--BCHER-KVA.example", "a@xn--.example",
			"a@xn--a.example", "a@xn--zz-.example", "a@xn--1234.example",
			"a@mail.xn--55qx5d.cn", "a@xn--ab--cd.example", "a@ab--cd.example",
		};
		for (size_t i = 0; i < sizeof alabels / sizeof alabels[0]; i++)
			agree(alabels[i], strlen(alabels[i]), __LINE__);
	}
	/* short strings over the characters where the paths part ways */
	for (int i = 0; i < 200000; i++) {
		size_t n;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = 1 + x % 16;
		for (size_t k = 0; k < n; k++)
			in[k] = alpha[(x >> (4 + 3 * k % 48)) % (sizeof alpha - 1)];
		if (x % 3 == 0 && n > 3)
			in[n / 2] = '@';
		agree(in, n, __LINE__);
	}
	/* lengths at the limits: local part 64/65, label 63/64, domain and
	 * address near 254/255 */
	for (size_t l = 60; l <= 66; l++)
		for (size_t d = 60; d <= 66; d++) {
			size_t n = 0;
			memset(in, 'a', l);
			n = l;
			in[n++] = '@';
			memset(in + n, 'b', d);
			n += d;
			memcpy(in + n, ".example", 8);
			n += 8;
			agree(in, n, __LINE__);
		}
	for (size_t l = 1; l <= 64; l += 9)
		for (size_t total = 240; total <= 260; total++) {
			size_t n = 0;
			memset(in, 'a', l);
			n = l;
			in[n++] = '@';
			while (n < total) {
				size_t lab = total - n > 40 ? 39 : total - n;
				memset(in + n, 'c', lab);
				n += lab;
				if (n < total)
					in[n++] = '.';
			}
			agree(in, n, __LINE__);
			in[n] = '.'; /* and one trailing dot */
			agree(in, n + 1, __LINE__);
		}
}

/* The Unicode form of a key, for people (show on a terminal); the
 * A-labels are the contract's own examples and RFC 5890's. */
static void test_unicode_form(void)
{
	static const struct {
		const char *key;
		int rc;
		const char *want;
	} cases[] = {
		{ "user@xn--bcher-kva.example", 1, "user@b\xc3\xbc" "cher.example" },
		{ "xn--strae-oqa.de", 1, "stra\xc3\x9f" "e.de" },
		{ "mail.xn--strae-oqa.de", 1, "mail.stra\xc3\x9f" "e.de" },
		{ "a@xn--80akhbyknj4f.xn--p1ai", 1, "a@\xd0\xb8\xd1\x81\xd0\xbf\xd1\x8b\xd1\x82\xd0\xb0"
		  "\xd0\xbd\xd0\xb8\xd0\xb5.\xd1\x80\xd1\x84" },
		{ "plain@example.com", 0, "plain@example.com" },
		{ "xn--@example.com", 0, "xn--@example.com" }, /* the local part is never touched */
		{ "a@xn--zz.example", QUELL_EADDRESS, NULL },
	};
	char out[QUELL_ENTRY_MAX * 4];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = quell_entry_unicode(cases[i].key, out, sizeof out);

		TU_EQ_INT(rc, cases[i].rc);
		if (rc >= 0)
			TU_EQ_STR(out, cases[i].want);
	}
	TU_EQ_INT(quell_entry_unicode("user@xn--bcher-kva.example", out, 10), QUELL_EINVAL);
	TU_EQ_INT(quell_entry_unicode("example.com", out, 5), QUELL_EINVAL);
	TU_EQ_INT(quell_entry_unicode(NULL, out, sizeof out), QUELL_EINVAL);
}

static CU_TestInfo address_tests[] = {
	{ "unicode form for people", test_unicode_form },
	{ "valid ascii", test_valid_ascii },
	{ "quoting", test_quoting },
	{ "utf8 and idn", test_utf8_idn },
	{ "lowercase_local=0 keeps case", test_keep_case },
	{ "invalid, with positions", test_invalid },
	{ "limits", test_limits },
	{ "domains and public suffixes", test_domains_psl },
	{ "entry dispatch", test_entry_dispatch },
	{ "idempotence", test_idempotence },
	{ "arguments and buffers", test_arguments },
	{ "fuzz regressions", test_regressions },
	{ "the one-pass path agrees with the general one", test_fast_path },
	CU_TEST_INFO_NULL
};

CU_SuiteInfo quell_suites_address[] = {
	{ "address", NULL, NULL, NULL, NULL, address_tests },
	CU_SUITE_INFO_NULL
};
