/*
 * fuzz_postfix_log.c - libFuzzer target for quell_postfix_log_parse.
 *
 * The first input byte picks the UTC offset for syslog stamps (-12..+14
 * hours in quarter hours); the rest is one log line.  Checked on every
 * input:
 *   - the result is 0, 1 or QUELL_EDATA, the latter with a reason;
 *   - a report's strings are NUL-terminated inside their buffers, its
 *     status one of sent, deferred, bounced, its dsn "" or d.d.d;
 *   - its queue id, recipient and reply are no longer than the line;
 *   - the same line gives the same answer twice (no hidden state).
 * A failed check aborts, which libFuzzer reports with the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quell.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s\n", #x); abort(); } } while (0)

#define REF 1795860000 /* 2026-11-28T10:00:00Z */

static void check_str(const char *s, size_t size, size_t linelen)
{
	size_t n = strnlen(s, size);

	CHECK(n < size);
	CHECK(n <= linelen + QUELL_STATUS_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct quell_postfix_report a, b;
	int off, rc;

	if (size == 0)
		return 0;
	off = ((int)data[0] % 105 - 48) * 900;
	data++;
	size--;
	rc = quell_postfix_log_parse((const char *)data, size, REF, off, &a);
	CHECK(rc == 0 || rc == 1 || rc == QUELL_EDATA);
	CHECK(quell_postfix_log_parse((const char *)data, size, REF, off, &b) == rc);
	if (rc == QUELL_EDATA)
		CHECK(a.error != NULL && a.error[0] != '\0');
	if (rc != 1)
		return 0;
	check_str(a.queue_id, sizeof a.queue_id, size);
	check_str(a.recipient, sizeof a.recipient, size);
	check_str(a.dsn, sizeof a.dsn, size);
	check_str(a.reply, sizeof a.reply, size);
	CHECK(strlen(a.queue_id) >= 5 && a.recipient[0] != '\0');
	CHECK(strcmp(a.status, "sent") == 0 || strcmp(a.status, "deferred") == 0 ||
	      strcmp(a.status, "bounced") == 0);
	CHECK(a.dsn[0] == '\0' || (strchr("245", a.dsn[0]) != NULL && a.dsn[1] == '.'));
	CHECK(a.time == b.time && strcmp(a.reply, b.reply) == 0 &&
	      strcmp(a.recipient, b.recipient) == 0 && strcmp(a.queue_id, b.queue_id) == 0);
	return 0;
}
