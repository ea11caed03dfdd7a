/*
 * fuzz_esp.h - what the ESP event fuzz targets (fuzz_esp_sendgrid.c,
 * fuzz_esp_ses.c, fuzz_esp_mailgun.c, fuzz_esp_postmark.c) share: run
 * quell_esp_events for FUZZ_ESP over the input and check, on every input:
 *   - the result is 0, QUELL_EDATA with err set, or QUELL_ENOMEM;
 *   - every string of an event is NUL-terminated inside its buffer, holds
 *     no control byte (the reply may hold line feeds) and ends in no
 *     blank; kind is one of the four; a usable event (no error) that is
 *     not skipped has a recipient and a reply; a stream is a stream name;
 *   - the same input gives the same events twice (no hidden state).
 * A failed check aborts, which libFuzzer reports with the input.
 */
#ifndef QUELL_FUZZ_ESP_H
#define QUELL_FUZZ_ESP_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quell.h"

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

static void check_str(const char *s, size_t size, int lf)
{
	size_t n = strnlen(s, size);

	CHECK(n < size);
	for (size_t i = 0; i < n; i++)
		CHECK(((unsigned char)s[i] >= 0x20 || (lf && s[i] == '\n')) && s[i] != 0x7f);
	CHECK(n == 0 || (s[n - 1] != ' ' && s[n - 1] != '\n'));
}

static int each(void *arg, const struct quell_esp_event *ev)
{
	struct seen *s = arg;

	CHECK(ev->kind >= QUELL_ESP_SKIP && ev->kind <= QUELL_ESP_UNSUBSCRIBE);
	CHECK(strnlen(ev->event, sizeof ev->event) < sizeof ev->event);
	check_str(ev->recipient, sizeof ev->recipient, 0);
	check_str(ev->reply, sizeof ev->reply, 1);
	check_str(ev->id, sizeof ev->id, 0);
	check_str(ev->note, sizeof ev->note, 0);
	CHECK(ev->stream[0] == '\0' || quell_stream_valid(ev->stream));
	CHECK(ev->stream[0] == '\0' || ev->kind == QUELL_ESP_UNSUBSCRIBE);
	if (ev->error == NULL && ev->kind != QUELL_ESP_SKIP)
		CHECK(ev->recipient[0] != '\0' && ev->reply[0] != '\0');
	CHECK(ev->time >= 0);
	s->n++;
	s->hash = mix(mix(mix(mix(s->hash, ev->recipient), ev->reply), ev->id), ev->note);
	s->hash = s->hash * 131 + (uint64_t)ev->time + (uint64_t)ev->kind;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen a = { 0, 1 }, b = { 0, 1 };
	char err[256];
	int ra, rb;

	err[0] = 'x';
	ra = quell_esp_events(FUZZ_ESP, (const char *)data, size, each, &a, err, sizeof err);
	CHECK(ra == 0 || ra == QUELL_EDATA || ra == QUELL_ENOMEM);
	CHECK(ra != QUELL_EDATA || (err[0] != '\0' && strnlen(err, sizeof err) < sizeof err));
	rb = quell_esp_events(FUZZ_ESP, (const char *)data, size, each, &b, err, sizeof err);
	CHECK(rb == ra && b.n == a.n && b.hash == a.hash);
	return 0;
}

#endif
