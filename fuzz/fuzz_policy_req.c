/*
 * fuzz_policy_req.c - libFuzzer target for the Postfix policy request
 * parser (policy_req_feed) and the reply templates (policy_reply_set,
 * policy_reply_expand).
 *
 * The first input byte picks how the rest is cut into pieces (1 to 256
 * bytes, as reads from a socket would); the rest is a byte stream of
 * requests, read to its end as a connection would be.  Checked on every
 * input:
 *   - feed takes no more than it is given, and all of it unless a request
 *     completes or is refused;
 *   - a complete request has 1..ATTRS_MAX attributes with non-empty names
 *     free of '=', and no LF or NUL in names or values; the same bytes fed
 *     whole give the same requests (no dependence on how reads split);
 *   - a refused request says why and on which line;
 *   - every attribute value, taken as a reply template, is either refused
 *     with a reason or expands (with the value as hostile database text in
 *     every field) to at most POLICY_REPLY_MAX - 1 bytes of printable
 *     ASCII.
 * A failed check aborts, which libFuzzer reports with the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_reply.h"
#include "policy_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s\n", #x); abort(); } } while (0)

static struct policy_req a, b;

static void check_clean(const char *s, size_t n)
{
	CHECK(n < POLICY_REPLY_MAX);
	CHECK(strlen(s) == n);
	for (size_t i = 0; i < n; i++)
		CHECK((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f);
}

static void check_request(const struct policy_req *p)
{
	static struct policy_reply_set set;
	static struct quell_result r;
	char err[256], spec[POLICY_REPLY_TMPL_MAX + 32], out[POLICY_REPLY_MAX];

	CHECK(p->nattrs >= 1 && p->nattrs <= POLICY_REQ_ATTRS_MAX);
	for (size_t i = 0; i < p->nattrs; i++) {
		const char *n = policy_req_name(p, i), *v = policy_req_value(p, i);

		CHECK(n[0] != '\0' && strchr(n, '=') == NULL && strchr(n, '\n') == NULL);
		CHECK(strchr(v, '\n') == NULL);
		CHECK(policy_req_get(p, n) != NULL);

		/* the value as a template, and as database text in each field */
		policy_reply_init(&set);
		snprintf(spec, sizeof spec, "suppress=%.*s", POLICY_REPLY_TMPL_MAX + 8, v);
		err[0] = '\0';
		memset(&r, 0, sizeof r);
		snprintf(r.category, sizeof r.category, "%s", v);
		snprintf(r.rule, sizeof r.rule, "%s", v);
		snprintf(r.key, sizeof r.key, "%s", v);
		snprintf(r.reply, sizeof r.reply, "%s", v);
		r.verdict = QUELL_SUPPRESS;
		r.until = (int64_t)strlen(v) * 1000;
		if (policy_reply_set(&set, spec, err, sizeof err) != 0) {
			CHECK(err[0] != '\0');
			continue;
		}
		check_clean(out, policy_reply_expand(policy_reply_pick(&set, &r), &r, out));
		check_clean(out, policy_reply_expand(
		                         "550 5.1.1 {category}{rule}{key}{reply}{until}{reply}", &r,
		                         out));
	}
}

/* Whether the stream ended inside a request (or between requests). */
static int rc_last_more(const struct policy_req *p)
{
	return p->error == NULL;
}

/* The requests of one stream fed in one go, for comparison. */
static int next_whole(const uint8_t **data, size_t *size)
{
	size_t used;
	int rc = policy_req_feed(&b, (const char *)*data, *size, &used);

	*data += used;
	*size -= used;
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *w;
	size_t step, off = 0, wsize, used, n;
	int rc, wrc;

	if (size == 0)
		return 0;
	step = (size_t)data[0] + 1;
	data++;
	size--;
	w = data;
	wsize = size;
	policy_req_reset(&a);
	policy_req_reset(&b);
	while (off < size) {
		n = size - off < step ? size - off : step;
		rc = policy_req_feed(&a, (const char *)data + off, n, &used);
		CHECK(used <= n);
		CHECK(rc == 0 || rc == 1 || rc == QUELL_EDATA);
		if (rc == 0)
			CHECK(used == n);
		off += used;
		if (rc == 0)
			continue;
		wrc = next_whole(&w, &wsize);
		CHECK(wrc == rc);
		if (rc == QUELL_EDATA) {
			CHECK(a.error != NULL && a.error[0] != '\0' && a.lineno >= 1);
			CHECK(strcmp(a.error, b.error) == 0 && a.lineno == b.lineno);
			CHECK(w == data + off);
			break;
		}
		CHECK(a.nattrs == b.nattrs && w == data + off);
		for (size_t i = 0; i < a.nattrs; i++) {
			CHECK(strcmp(policy_req_name(&a, i), policy_req_name(&b, i)) == 0);
			CHECK(strcmp(policy_req_value(&a, i), policy_req_value(&b, i)) == 0);
		}
		check_request(&a);
	}
	if (off == size && rc_last_more(&a))
		CHECK(next_whole(&w, &wsize) == 0 && wsize == 0);
	return 0;
}
