/*
 * fuzz_http_bodies.c - libFuzzer target for the body readers of quell
 * serve's entry, reply and SendGrid routes (cmd/serve_parse.c), its
 * cursor token (cmd/serve_cursor.c) and SendGrid's email filter
 * (cmd/serve_sgkind.c).
 *
 * The first input byte picks the reader; the rest is the body, any bytes.
 * Checked on every input:
 *   - a reader either refuses with a non-empty message or gives what it
 *     promises: at least one entry (an add), each a NUL-free string; n
 *     items, each with an address and a reply or an error (replies);
 *     emails or delete_all, never both (SendGrid);
 *   - a cursor token that decodes is exactly what encoding its place
 *     gives, and any place encodes to a token that decodes to it;
 *   - the email filter terminates and an empty pattern matches.
 * A failed check aborts, which libFuzzer reports with the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s\n", #x); abort(); } } while (0)

static void add(const char *body, size_t len)
{
	struct serve_add a;
	char err[SERVE_ERR_MAX] = "";

	if (serve_parse_add(body, len, &a, err, sizeof err) == 0) {
		CHECK(a.n >= 1 && a.n <= SERVE_ENTRIES_MAX);
		for (size_t i = 0; i < a.n; i++)
			CHECK(a.entries[i] != NULL);
		CHECK(a.list == QUELL_LIST_SUPPRESS || a.list == QUELL_LIST_ALLOW);
		CHECK(a.ttl >= 0 && a.ttl <= QUELL_DURATION_MAX);
		CHECK(a.category == NULL || quell_name_valid(a.category));
	} else {
		CHECK(err[0] != '\0');
	}
	serve_add_free(&a);
}

static void replies(const char *body, size_t len)
{
	struct serve_replies r;
	char err[SERVE_ERR_MAX] = "";

	if (serve_parse_replies(body, len, 64, &r, err, sizeof err) == 0) {
		CHECK(r.n >= 1 && r.n <= 64);
		for (size_t i = 0; i < r.n; i++) {
			const struct serve_reply *it = &r.items[i];

			CHECK(it->error[0] != '\0' || (it->address != NULL && it->reply != NULL));
			CHECK(it->source == QUELL_SOURCE_BOUNCE || it->source == QUELL_SOURCE_COMPLAINT);
		}
	} else {
		CHECK(err[0] != '\0');
	}
	serve_replies_free(&r);
}

static void sendgrid(const char *body, size_t len, int recipients)
{
	struct serve_emails e;
	char err[SERVE_ERR_MAX] = "";
	int rc = recipients ? serve_parse_sg_recipients(body, len, &e, err, sizeof err)
	                    : serve_parse_sg_delete(body, len, &e, err, sizeof err);

	if (rc == 0) {
		CHECK(!(e.all && e.n > 0));
		CHECK(e.all || e.n > 0 || !recipients);
		for (size_t i = 0; i < e.n; i++)
			CHECK(e.emails[i] != NULL);
	} else {
		CHECK(err[0] != '\0');
	}
	serve_emails_free(&e);
}

static void cursor(const char *body, size_t len)
{
	struct quell_list_pos pos, back;
	char tok[SERVE_CURSOR_MAX], err[SERVE_ERR_MAX], again[SERVE_CURSOR_MAX];
	size_t k;

	if (serve_cursor_decode(body, &pos, err, sizeof err) == 0) {
		serve_cursor_encode(&pos, again, sizeof again);
		CHECK(strcmp(again, body) == 0);
	}
	/* the bytes as a place: key, then stream after the first NUL */
	memset(&pos, 0, sizeof pos);
	pos.scope = len % 2 ? QUELL_SCOPE_DOMAIN : QUELL_SCOPE_ADDRESS;
	pos.list = (int)(len % 4);
	k = strnlen(body, len);
	snprintf(pos.key, sizeof pos.key, "%.*s", (int)k, body);
	if (k + 1 < len)
		snprintf(pos.stream, sizeof pos.stream, "%s", body + k + 1);
	serve_cursor_encode(&pos, tok, sizeof tok);
	CHECK(serve_cursor_decode(tok, &back, err, sizeof err) == 0);
	CHECK(strcmp(back.key, pos.key) == 0 && strcmp(back.stream, pos.stream) == 0);
	CHECK(back.scope == pos.scope && back.list == pos.list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body;

	if (size < 1)
		return 0;
	/* a NUL-terminated copy: the readers take (body, len), the cursor a string */
	body = malloc(size);
	if (body == NULL)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	switch (data[0] % 6) {
	case 0: add(body, size - 1); break;
	case 1: replies(body, size - 1); break;
	case 2: sendgrid(body, size - 1, 0); break;
	case 3: sendgrid(body, size - 1, 1); break;
	case 4: cursor(body, size - 1); break;
	default:
		CHECK(serve_sg_email_match("", body));
		(void)serve_sg_email_match(body, "someone%x@example.com");
		break;
	}
	free(body);
	return 0;
}
