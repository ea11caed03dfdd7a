/*
 * fuzz_address.c - libFuzzer target for lib/address.c and lib/domain.c.
 *
 * Runs the input through the mailbox parser (with and without lowercasing),
 * the domain entry parser (with and without a public suffix list) and the
 * entry parser.  Whatever one accepts must be a fixed point (parsing the
 * output gives the same bytes), fit the limits (local part 64, domain 255,
 * address 254 octets), be valid UTF-8 without control characters, and a
 * domain must be lowercase LDH labels.  Lowercasing after keeping case must
 * give what lowercasing gives directly, and the one-pass path for common
 * addresses must give what the general path gives.  Every message must be one line
 * without control bytes.  A broken property aborts.
 *
 *   make fuzz FUZZ_TIME=60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>

#include "address.h"
#include "quell.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *in, size_t len, const char *got)
{
	fprintf(stderr, "fuzz_address: %s\n  input (%zu bytes): ", what, len);
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, "\\x%02X", (unsigned char)in[i]);
	fprintf(stderr, "\n  got: '%s'\n", got != NULL ? got : "");
	abort();
}

/* Valid UTF-8 without C0, DEL or C1 controls. */
static int clean_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; u[i] != '\0';) {
		uint32_t cp;
		size_t l;

		if (u[i] < 0x80) {
			cp = u[i];
			l = 1;
		} else if (u[i] >= 0xC2 && u[i] < 0xE0 && (u[i + 1] & 0xC0) == 0x80) {
			cp = (uint32_t)(u[i] & 0x1F) << 6 | (u[i + 1] & 0x3F);
			l = 2;
		} else if (u[i] >= 0xE0 && u[i] < 0xF0 && (u[i + 1] & 0xC0) == 0x80 &&
		           (u[i + 2] & 0xC0) == 0x80) {
			cp = (uint32_t)(u[i] & 0x0F) << 12 | (uint32_t)(u[i + 1] & 0x3F) << 6 |
			     (u[i + 2] & 0x3F);
			if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
				return 0;
			l = 3;
		} else if (u[i] >= 0xF0 && u[i] < 0xF5 && (u[i + 1] & 0xC0) == 0x80 &&
		           (u[i + 2] & 0xC0) == 0x80 && (u[i + 3] & 0xC0) == 0x80) {
			cp = (uint32_t)(u[i] & 0x07) << 18 | (uint32_t)(u[i + 1] & 0x3F) << 12 |
			     (uint32_t)(u[i + 2] & 0x3F) << 6 | (u[i + 3] & 0x3F);
			if (cp < 0x10000 || cp > 0x10FFFF)
				return 0;
			l = 4;
		} else {
			return 0;
		}
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			return 0;
		i += l;
	}
	return 1;
}

static void check_domain(const char *d, const char *in, size_t len)
{
	size_t n = strlen(d), lab = 0;

	if (n == 0 || n > 255)
		fail("domain length", in, len, d);
	for (size_t i = 0; i <= n; i++) {
		char c = d[i];
		if (c == '.' || c == '\0') {
			if (lab == 0 || lab > 63 || d[i - 1] == '-' || d[i - lab] == '-')
				fail("domain label", in, len, d);
			lab = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
			lab++;
		} else {
			fail("domain character", in, len, d);
		}
	}
}

static void check_err(int rc, const char *err, const char *in, size_t len)
{
	if (rc == QUELL_EADDRESS && (err[0] == '\0' || !clean_utf8(err)))
		fail("message", in, len, err);
	if (rc != 0 && rc != QUELL_EADDRESS)
		fail("return code", in, len, err);
}

static void address(const char *in, size_t len, int lower, char *out)
{
	char again[QUELL_ENTRY_MAX], err[512];
	size_t off = 0, off2 = 0;
	int rc = quell__address_parse(in, len, lower, out, QUELL_ENTRY_MAX, &off, err, sizeof err);

	out[QUELL_ENTRY_MAX - 1] = '\0';
	check_err(rc, err, in, len);
	{
		char gen[QUELL_ENTRY_MAX], gerr[512];
		size_t goff = 0;
		int grc = quell__address_parse_general(in, len, lower, gen, sizeof gen, &goff, gerr,
		                                       sizeof gerr);

		if (grc != rc || (rc == 0 && (strcmp(gen, out) != 0 || goff != off)))
			fail("one-pass and general paths differ", in, len, rc == 0 ? out : err);
	}
	if (rc != 0) {
		out[0] = '\0';
		return;
	}
	if (strlen(out) > 254 || off < 2 || off - 1 > 64 || out[off - 1] != '@' ||
	    !clean_utf8(out))
		fail("address shape", in, len, out);
	check_domain(out + off, in, len);
	rc = quell__address_parse(out, strlen(out), lower, again, sizeof again, &off2, err,
	                          sizeof err);
	if (rc != 0 || strcmp(out, again) != 0 || off2 != off)
		fail("address not idempotent", in, len, rc == 0 ? again : err);
}

static void domain(const char *in, size_t len, const psl_ctx_t *psl)
{
	char out[QUELL_ENTRY_MAX], again[QUELL_ENTRY_MAX], err[512];
	int rc = quell__domain_parse(in, len, psl, out, sizeof out, err, sizeof err);

	check_err(rc, err, in, len);
	if (rc != 0)
		return;
	check_domain(out, in, len);
	rc = quell__domain_parse(out, strlen(out), psl, again, sizeof again, err, sizeof err);
	if (rc != 0 || strcmp(out, again) != 0)
		fail("domain not idempotent", in, len, rc == 0 ? again : err);
}

static void entry(const char *in, size_t len, const psl_ctx_t *psl)
{
	char out[QUELL_ENTRY_MAX], again[QUELL_ENTRY_MAX], err[512];
	int scope = -1, scope2 = -1;
	int rc = quell__entry_parse(in, len, 1, psl, out, sizeof out, &scope, err, sizeof err);

	check_err(rc, err, in, len);
	if (rc != 0)
		return;
	if (scope != QUELL_SCOPE_ADDRESS && scope != QUELL_SCOPE_DOMAIN)
		fail("entry scope", in, len, out);
	rc = quell__entry_parse(out, strlen(out), 1, psl, again, sizeof again, &scope2, err,
	                        sizeof err);
	if (rc != 0 || strcmp(out, again) != 0 || scope2 != scope)
		fail("entry not idempotent", in, len, rc == 0 ? again : err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static psl_ctx_t *psl; /* loaded once, kept for the whole run */
	char kept[QUELL_ENTRY_MAX], lowered[QUELL_ENTRY_MAX], twice[QUELL_ENTRY_MAX];
	const char *in = (const char *)data;

	if (psl == NULL)
		psl = psl_latest(NULL);
	address(in, size, 0, kept);
	address(in, size, 1, lowered);
	/* lowercasing the case-kept form gives the lowercased form */
	if (kept[0] != '\0') {
		address(kept, strlen(kept), 1, twice);
		if (strcmp(twice, lowered) != 0)
			fail("lowercase after keep differs", in, size, twice);
	}
	domain(in, size, NULL);
	domain(in, size, psl);
	entry(in, size, psl);
	return 0;
}
