/*
 * fuzz_http_check.c - libFuzzer target for the body reader of POST
 * /v1/check (serve_scan) and the check object writer (serve_check_json)
 * of `quell serve`, both in cmd/serve_json.c.
 *
 * The first input byte picks how the rest is cut into pieces (1 to 256
 * bytes, as reads from a socket would); the rest is a request body.
 * Checked on every input:
 *   - the strings read are the same however the body is cut, and the same
 *     error (message and place) ends it; each string is at most
 *     SERVE_ADDRESS_MAX bytes and holds no NUL;
 *   - each string, put as hostile stored text in every field of a check
 *     result (normalized, key and error sometimes the string less its
 *     first byte, or empty; one in eight results with nothing after the
 *     verdict), is written within SERVE_CHECK_JSON_MAX bytes, with no raw
 *     control byte, DEL or C1 control, parses as JSON (jansson), and
 *     is byte for byte what the CLI's check --json prints (render.c's
 *     cli_result_json dumped by jansson, DEL and C1 controls escaped as
 *     json.c does) for the same result, with since and until taken from
 *     the string's bytes (any int64: 0, 1970-9999, and beyond, where the
 *     writer falls back to quell_time_format).
 * A failed check aborts, which libFuzzer reports with the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "serve_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s\n", #x); abort(); } } while (0)

/* render.c and json.c name these for paths this target never takes. */
void cli_warn(struct cli *cli, const char *fmt, ...)
{
	(void)cli;
	(void)fmt;
	abort();
}
int cli_oom(struct cli *cli)
{
	(void)cli;
	abort();
}
int cli_fail(struct cli *cli, int code)
{
	(void)cli;
	(void)code;
	abort();
}
int cli_fail_item(struct cli *cli, const char *item, int code)
{
	(void)cli;
	(void)item;
	(void)code;
	abort();
}

#define MAX_STRINGS 512

struct seen {
	size_t n;
	char *s[MAX_STRINGS];
};

static int keep(void *ctx, const char *address, size_t len)
{
	struct seen *seen = ctx;

	CHECK(len <= SERVE_ADDRESS_MAX);
	CHECK(strlen(address) == len);
	if (seen->n < MAX_STRINGS) {
		seen->s[seen->n] = malloc(len + 1);
		CHECK(seen->s[seen->n] != NULL);
		memcpy(seen->s[seen->n++], address, len + 1);
	}
	return 0;
}

/* Read body in pieces of `step`: the strings into *seen; 0 or -1, the
 * error into err. */
static int scan(const char *body, size_t n, size_t step, struct seen *seen, char *err)
{
	static struct serve_scan s;
	int rc = 0;

	serve_scan_init(&s);
	for (size_t i = 0; i < n && rc == 0; i += step)
		rc = serve_scan_feed(&s, body + i, n - i < step ? n - i : step, keep, seen);
	if (rc == 0)
		rc = serve_scan_end(&s);
	CHECK(rc == 0 || rc == -1);
	memcpy(err, s.err, sizeof s.err);
	return rc;
}

/* since values around the writer's fast path's edges */
static const int64_t times[] = { 0, 1, -1, 59, 86399, 86400, 951782400, 1700000000,
	                         4107542399, INT64_C(253402300799), INT64_C(253402300800),
	                         INT64_C(-62167219200), INT64_MAX, INT64_MIN };

/* What the CLI prints for v (cmd/json.c's cli_json_put, without its
 * newline): jansson's compact dump, DEL and C1 controls as \u00XX. */
static size_t cli_dump(const json_t *v, char *out, size_t size)
{
	static char dump[SERVE_CHECK_JSON_MAX];
	size_t n = json_dumpb(v, dump, sizeof dump, JSON_COMPACT | JSON_PRESERVE_ORDER), o = 0;

	CHECK(n > 0 && n <= sizeof dump);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)dump[i];

		CHECK(o + 7 < size);
		if (c == 0x7f || (c == 0xc2 && i + 1 < n && (unsigned char)dump[i + 1] < 0xa0))
			o += (size_t)snprintf(out + o, 7, "\\u%04X",
			                      c == 0x7f ? 0x7fu : (unsigned char)dump[++i]);
		else
			out[o++] = (char)c;
	}
	return o;
}

static void check_writer(const char *text)
{
	static char out[SERVE_CHECK_JSON_MAX];
	static struct quell_result r;
	static char want[2 * SERVE_CHECK_JSON_MAX];
	json_t *mine, *cli;
	size_t n, wn;
	uint64_t h = 1469598103934665603u;

	for (const char *p = text; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;

	memset(&r, 0, sizeof r);
	r.verdict = (unsigned char)text[0] % 4;
	if ((h >> 40) % 8 == 0) {
		/* nothing after the verdict: the writer's all-null tail */
		r.scope = QUELL_SCOPE_NONE;
		r.source = QUELL_SOURCE_NONE;
		goto write;
	}
	r.scope = QUELL_SCOPE_ADDRESS;
	r.source = QUELL_SOURCE_BOUNCE;
	r.since = times[h % (sizeof times / sizeof times[0])];
	r.until = h & 1 ? (int64_t)(h >> 1) % INT64_C(253402300800) : (int64_t)h;
	/* normalized and key the address, or not (the writer copies the
	 * bytes of an equal string written before) */
	snprintf(r.normalized, sizeof r.normalized, "%s", h & 2 ? text + 1 : text);
	snprintf(r.key, sizeof r.key, "%s", h & 4 ? text + 1 : text);
	snprintf(r.rule, sizeof r.rule, "%s", text);
	snprintf(r.category, sizeof r.category, "%s", text);
	snprintf(r.reply, sizeof r.reply, "%s", text);
	snprintf(r.error, sizeof r.error, "%s", h & 8 ? "" : text);
write:
	n = serve_check_json(out, sizeof out, text, &r);
	CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		CHECK(c >= 0x20 && c != 0x7f);
		CHECK(!(c == 0xc2 && i + 1 < n && (unsigned char)out[i + 1] < 0xa0));
	}
	mine = json_loadb(out, n, 0, NULL);
	CHECK(mine != NULL);
	cli = cli_result_json(text, &r);
	CHECK(cli != NULL);
	CHECK(json_equal(mine, cli));
	wn = cli_dump(cli, want, sizeof want);
	CHECK(wn == n && memcmp(want, out, n) == 0);
	json_decref(mine);
	json_decref(cli);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seen a, b;
	char err_a[160], err_b[160];
	const char *body = (const char *)data + 1;
	int rc_a, rc_b;

	if (size < 1)
		return 0;
	a.n = b.n = 0;
	rc_a = scan(body, size - 1, (size_t)data[0] + 1, &a, err_a);
	rc_b = scan(body, size - 1, size, &b, err_b);
	CHECK(rc_a == rc_b);
	CHECK(rc_a == 0 || strcmp(err_a, err_b) == 0);
	CHECK(a.n == b.n);
	for (size_t i = 0; i < a.n; i++) {
		CHECK(strcmp(a.s[i], b.s[i]) == 0);
		if (a.s[i][0] != '\0')
			check_writer(a.s[i]);
		free(a.s[i]);
		free(b.s[i]);
	}
	return 0;
}
