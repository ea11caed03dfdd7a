/*
 * fuzz_socketmap_req.c - libFuzzer target for the socketmap request
 * reader (socketmap_req_feed) and the transport replies
 * (socketmap_transport, socketmap_netstring).
 *
 * The first input byte picks how the rest is cut into pieces (1 to 256
 * bytes, as reads from a socket would); the rest is a byte stream of
 * requests, read to its end as a connection would be.  Checked on every
 * input:
 *   - feed takes no more than it is given, and all of it unless a request
 *     completes or is refused;
 *   - the same bytes fed whole give the same requests and refusals (no
 *     dependence on how reads split); a refusal says why;
 *   - a complete request, encoded again as "LEN:NAME KEY,", is exactly
 *     the bytes it was read from, less leading zeros of the length; its
 *     name is not empty and holds no space, neither holds a NUL;
 *   - every key, taken as a policyd action, gives a transport reply of
 *     at most SOCKETMAP_BODY_MAX - 1 bytes that starts "OK error:",
 *     "OK retry:" or is "NOTFOUND ", and fits in a netstring of
 *     SOCKETMAP_ANSWER_MAX bytes.
 * A failed check aborts, which libFuzzer reports with the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "socketmap_answer.h"
#include "socketmap_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s\n", #x); abort(); } } while (0)

static struct socketmap_req a, b;

static void check_request(const struct socketmap_req *p, const uint8_t *raw, size_t rawlen)
{
	const char *name = socketmap_req_name(p), *key = socketmap_req_key(p);
	char enc[SOCKETMAP_REQ_MAX + 16], body[SOCKETMAP_BODY_MAX], ns[SOCKETMAP_ANSWER_MAX];
	size_t nl = strlen(name), kl = strlen(key), n, skip = 0, bl;

	CHECK(nl > 0 && strchr(name, ' ') == NULL);
	n = (size_t)snprintf(enc, sizeof enc, "%zu:%s %s,", nl + 1 + kl, name, key);
	while (skip + 1 < rawlen && raw[skip] == '0' && raw[skip + 1] != ':')
		skip++;
	CHECK(n == rawlen - skip && memcmp(enc, raw + skip, n) == 0);

	bl = socketmap_transport(key, body);
	CHECK(bl == strlen(body) && bl < SOCKETMAP_BODY_MAX);
	CHECK(strncmp(body, "OK error:", 9) == 0 || strncmp(body, "OK retry:", 9) == 0 ||
	      strcmp(body, "NOTFOUND ") == 0);
	CHECK(socketmap_netstring(body, bl, ns, sizeof ns) > bl);
}

/* The next request of the stream fed in one go, for comparison. */
static int next_whole(const uint8_t **data, size_t *size)
{
	size_t used;
	int rc = socketmap_req_feed(&b, (const char *)*data, *size, &used);

	*data += used;
	*size -= used;
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *w, *start;
	size_t step, off = 0, wsize, used, n;
	int rc = 0, wrc;

	if (size == 0)
		return 0;
	step = (size_t)data[0] + 1;
	data++;
	size--;
	w = start = data;
	wsize = size;
	socketmap_req_reset(&a);
	socketmap_req_reset(&b);
	while (off < size) {
		n = size - off < step ? size - off : step;
		rc = socketmap_req_feed(&a, (const char *)data + off, n, &used);
		CHECK(used <= n);
		CHECK(rc == 0 || rc == 1 || rc == QUELL_EDATA);
		if (rc == 0)
			CHECK(used == n);
		off += used;
		if (rc == 0)
			continue;
		wrc = next_whole(&w, &wsize);
		CHECK(wrc == rc);
		CHECK(w == data + off);
		if (rc == QUELL_EDATA) {
			CHECK(a.error != NULL && a.error[0] != '\0');
			CHECK(strcmp(a.error, b.error) == 0);
			break;
		}
		CHECK(strcmp(socketmap_req_name(&a), socketmap_req_name(&b)) == 0);
		CHECK(strcmp(socketmap_req_key(&a), socketmap_req_key(&b)) == 0);
		check_request(&a, start, (size_t)(data + off - start));
		start = data + off;
	}
	if (off == size && rc != QUELL_EDATA)
		CHECK(next_whole(&w, &wsize) == 0 && wsize == 0);
	return 0;
}
