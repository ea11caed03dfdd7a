/*
 * fuzz_dsn.c - libFuzzer target for quell_dsn_parse.
 *
 * The input is one message.  Checked on every input:
 *   - the result is 0 (fn never stops the parse here) and the count is
 *     the number of reports fn saw, at most QUELL_DSN_REPORTS_MAX;
 *   - every string of a report is NUL-terminated inside its buffer; the
 *     recipient holds an '@'; the reply is not empty, is valid UTF-8 and
 *     holds no control byte; the status is "" or starts with 2, 4 or 5;
 *     complaint is 0 or 1;
 *   - the same message gives the same reports twice (no hidden state).
 * A failed check aborts, which libFuzzer reports with the input.  Hangs
 * (a quadratic scan) show as timeouts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quell.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s\n", #x); abort(); } } while (0)

struct seen {
	size_t n;
	uint64_t hash;
};

static uint64_t mix(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h * 31 + 7;
}

static void check_str(const char *s, size_t size)
{
	CHECK(strnlen(s, size) < size);
}

static int each(void *arg, const struct quell_dsn_report *r)
{
	struct seen *s = arg;
	size_t n;

	check_str(r->recipient, sizeof r->recipient);
	check_str(r->action, sizeof r->action);
	check_str(r->status, sizeof r->status);
	check_str(r->reply, sizeof r->reply);
	check_str(r->message_id, sizeof r->message_id);
	CHECK(strchr(r->recipient, '@') != NULL);
	n = strlen(r->reply);
	CHECK(n > 0);
	CHECK(quell__utf8_check(r->reply, n) == n);
	for (size_t i = 0; i < n; i++)
		CHECK((unsigned char)r->reply[i] >= 0x20 && r->reply[i] != 0x7F);
	CHECK(r->status[0] == '\0' || strchr("245", r->status[0]) != NULL);
	CHECK(r->complaint == 0 || r->complaint == 1);
	s->n++;
	s->hash = mix(mix(mix(mix(s->hash, r->recipient), r->reply), r->status), r->message_id);
	s->hash = s->hash * 131 + (uint64_t)r->time + (uint64_t)r->complaint;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen a = { 0, 1 }, b = { 0, 1 };
	size_t ca, cb;

	CHECK(quell_dsn_parse((const char *)data, size, each, &a, &ca) == 0);
	CHECK(ca == a.n && ca <= QUELL_DSN_REPORTS_MAX);
	CHECK(quell_dsn_parse((const char *)data, size, each, &b, &cb) == 0);
	CHECK(cb == ca && b.hash == a.hash);
	return 0;
}
