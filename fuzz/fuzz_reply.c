/*
 * fuzz_reply.c - libFuzzer target for quell__reply_parse, and for
 * quell__rules_match with the compiled-in default rules on what it parses.
 *
 * The first input byte picks the text buffer size (small sizes exercise
 * truncation); the rest is the reply.  Checked on every input:
 *   - success, or QUELL_EDATA with a message;
 *   - a code of 200..599 or 0; a status that is "" exactly when klass is
 *     -1, and otherwise spells klass.subject.detail with klass 2, 4 or 5;
 *   - the text is in the caller's buffer, NUL-terminated, shorter than the
 *     buffer, has no control bytes, no leading, trailing or double spaces,
 *     and never ends in half a UTF-8 character when it was cut;
 *   - a cut text is a prefix of the uncut one, with the same code and
 *     status;
 *   - the default rules give every parsed reply a rule (they end in a
 *     catch-all), and give it twice the same one.
 * A failed check aborts, which libFuzzer reports with the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s\n", #x); abort(); } } while (0)

static struct quell__rules *rules; /* loaded once: the fuzzer is one process */

static void check_text(const struct quell__reply *r, const char *buf, size_t bufsize)
{
	CHECK(r->text == buf);
	CHECK(r->text_len < bufsize);
	CHECK(r->text[r->text_len] == '\0');
	CHECK(strlen(r->text) == r->text_len);
	for (size_t i = 0; i < r->text_len; i++) {
		unsigned char c = (unsigned char)r->text[i];

		CHECK(c > 0x20 || (c == ' ' && i > 0 && i + 1 < r->text_len && r->text[i - 1] != ' '));
		CHECK(c != 0x7f);
	}
}

/* The cut at n never splits a well-formed UTF-8 character of t (stray
 * bytes of an input that is not UTF-8 may end up on either side). */
static void check_cut(const char *t, size_t len, size_t n)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t j = n, want, k;

	while (j > 0 && n - j < 3 && (u[j - 1] & 0xC0) == 0x80)
		j--;
	if (j == 0 || u[j - 1] < 0xC0)
		return;
	j--; /* the lead byte */
	want = u[j] >= 0xF0 ? 4 : u[j] >= 0xE0 ? 3 : 2;
	if (j + want <= n || j + want > len)
		return;
	for (k = j + 1; k < j + want && (u[k] & 0xC0) == 0x80; k++)
		;
	CHECK(k < j + want); /* a whole character straddles the cut */
}

static void check_status(const struct quell__reply *r)
{
	char want[QUELL_STATUS_MAX];

	CHECK(r->code == 0 || (r->code >= 200 && r->code <= 599));
	if (r->klass < 0) {
		CHECK(r->status[0] == '\0' && r->subject == -1 && r->detail == -1);
		return;
	}
	CHECK(r->klass == 2 || r->klass == 4 || r->klass == 5);
	CHECK(r->subject >= 0 && r->subject <= 999 && r->detail >= 0 && r->detail <= 999);
	snprintf(want, sizeof want, "%d.%d.%d", r->klass, r->subject, r->detail);
	CHECK(strcmp(want, r->status) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char full[QUELL__REPLY_IN_MAX + 1], cut[QUELL__REPLY_IN_MAX + 1];
	struct quell__reply a, b;
	const struct quell__rule *r1, *r2;
	char err[128];
	size_t small;
	int rc;

	if (rules == NULL) {
		CHECK(quell__rules_load((const char *)quell__default_rules, quell__default_rules_len,
		                        "rules.yaml", &rules, err, sizeof err) == 0);
	}
	if (size == 0)
		return 0;
	small = (size_t)data[0] % 64 + 1;
	data++;
	size--;

	err[0] = '\0';
	rc = quell__reply_parse((const char *)data, size, full, sizeof full, &a, err, sizeof err);
	if (rc != 0) {
		CHECK(rc == QUELL_EDATA && err[0] != '\0');
		CHECK(a.code == 0 && a.klass == -1 && a.status[0] == '\0');
		return 0;
	}
	check_status(&a);
	check_text(&a, full, sizeof full);
	CHECK(a.text_len <= size);

	/* the same input into a small buffer: a clean prefix of the same reply */
	CHECK(quell__reply_parse((const char *)data, size, cut, small, &b, NULL, 0) == 0);
	check_status(&b);
	check_text(&b, cut, small);
	CHECK(b.code == a.code && strcmp(b.status, a.status) == 0);
	CHECK(b.text_len <= a.text_len && memcmp(b.text, a.text, b.text_len) == 0);
	if (b.text_len < a.text_len)
		check_cut(a.text, a.text_len, b.text_len);

	r1 = quell__rules_match(rules, &a, "example.com");
	r2 = quell__rules_match(rules, &a, "example.com");
	CHECK(r1 != NULL && r1 == r2);
	CHECK(quell__rules_match(rules, &b, NULL) != NULL);
	return 0;
}
