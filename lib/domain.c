/*
 * domain.c - normalize a domain: UTS #46 non-transitional mapping to
 * IDNA2008 A-labels (libidn2), lowercase, no trailing dot, address literals
 * refused.  Used for the domain of a mailbox and for domain entries.  And
 * back, for people: quell_entry_unicode() shows A-labels as Unicode.
 *
 * Labels are normalized one at a time so that a message can name the label
 * that is wrong.  A pure ASCII label that is not an A-label is checked
 * (1..63 letters, digits and hyphens, no hyphen at either end) and
 * lowercased here, allocating nothing.  Any other label (non-ASCII, or
 * starting with "xn--", whose punycode libidn2 decodes and round-trips)
 * goes through idn2_lookup_u8(), and what comes out is checked again as
 * ASCII.  The label separators of UTS #46 (U+002E, U+3002, U+FF0E, U+FF61)
 * all split labels; one trailing separator is dropped.  The top-level label
 * may not be all digits (RFC 3696 section 2: `a@192.0.2.1` is not a
 * domain).
 *
 * Consequence of working per label: an all-ASCII label such as `ab--cd`
 * (hyphens in positions 3 and 4) is accepted as DNS allows it, also beside
 * IDN labels; the RFC 5893 Bidi rule is checked by libidn2 per label.
 *
 * Knows nothing of local parts, the public suffix list or the handle.
 */
#include <string.h>

#include <idn2.h>

#include "address_priv.h"
#include "quell.h"
#include "text.h"

int quell_entry_unicode(const char *key, char *out, size_t outsize)
{
	const char *at, *dom;
	char *u = NULL;
	size_t local, n;
	int rc;

	if (key == NULL || out == NULL || outsize == 0)
		return QUELL_EINVAL;
	at = strrchr(key, '@');
	dom = at != NULL ? at + 1 : key;
	local = (size_t)(dom - key);
	if (strstr(dom, "xn--") == NULL) {
		if (strlen(key) >= outsize)
			return QUELL_EINVAL;
		memcpy(out, key, strlen(key) + 1);
		return 0;
	}
	rc = idn2_to_unicode_8z8z(dom, &u, 0);
	if (rc == IDN2_MALLOC)
		return QUELL_ENOMEM;
	if (rc != IDN2_OK || u == NULL) {
		idn2_free(u);
		return QUELL_EADDRESS;
	}
	n = strlen(u);
	if (local + n >= outsize) {
		idn2_free(u);
		return QUELL_EINVAL;
	}
	memcpy(out, key, local);
	memcpy(out + local, u, n + 1);
	idn2_free(u);
	return strcmp(out, key) != 0;
}

/* Raw bytes of one non-ASCII label handed to libidn2.  Longer labels can
 * only fit in 63 octets by carrying characters that UTS #46 ignores; they
 * are refused as too long. */
#define IDN_LABEL_RAW 1024

struct dbuf {
	char *p;   /* QUELL__DOMAIN_MAX + 1 bytes */
	size_t n;
	int over;  /* more than QUELL__DOMAIN_MAX octets were offered */
};

static void put(struct dbuf *d, const char *s, size_t n)
{
	if (d->over || n > QUELL__DOMAIN_MAX - d->n) {
		d->over = 1;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		d->p[d->n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	d->p[d->n] = '\0';
}

static int is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/* Length of the label separator at in[i] (in ends at end), 0 if none. */
static size_t sep_len(const char *in, size_t i, size_t end)
{
	const unsigned char *u = (const unsigned char *)in + i;

	if (u[0] == '.')
		return 1;
	if (end - i >= 3 && ((u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x82) ||  /* U+3002 */
	                     (u[0] == 0xEF && u[1] == 0xBC && u[2] == 0x8E) ||  /* U+FF0E */
	                     (u[0] == 0xEF && u[1] == 0xBD && u[2] == 0xA1)))   /* U+FF61 */
		return 3;
	return 0;
}

/* What is wrong with the ASCII label s[0..n), or NULL; *bad is the offset
 * of the culprit. */
static const char *label_problem(const char *s, size_t n, size_t *bad)
{
	*bad = 0;
	if (n == 0)
		return "empty label";
	if (n > QUELL__LABEL_MAX)
		return "label longer than 63 octets";
	for (size_t i = 0; i < n; i++) {
		if (!is_ldh((unsigned char)s[i])) {
			*bad = i;
			return "character other than letter, digit or '-'";
		}
	}
	if (s[0] == '-')
		return "label starts with '-'";
	if (s[n - 1] == '-') {
		*bad = n - 1;
		return "label ends with '-'";
	}
	return NULL;
}

static int is_alabel(const char *s, size_t n)
{
	return n >= 4 && (s[0] == 'x' || s[0] == 'X') && (s[1] == 'n' || s[1] == 'N') &&
	       s[2] == '-' && s[3] == '-';
}

/* A label with non-ASCII characters or an A-label: through libidn2. */
static int idn_label(const char *in, size_t ls, size_t le, struct dbuf *d, char *err,
                     size_t errsize)
{
	char raw[IDN_LABEL_RAW];
	char shown[96];
	uint8_t *res = NULL;
	size_t n = le - ls, pos = quell__charpos(in, ls), bad, rn;
	const char *why = NULL;
	int rc;

	if (n >= sizeof raw)
		return quell__addr_fail(err, errsize,
		                        "domain: label longer than 63 octets at character %zu", pos);
	memcpy(raw, in + ls, n);
	raw[n] = '\0';
	rc = idn2_lookup_u8((const uint8_t *)raw, &res, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK) {
		idn2_free(res);
		if (rc == IDN2_MALLOC)
			return quell__addr_fail_code(QUELL_ENOMEM, err, errsize, "out of memory");
		if (rc == IDN2_TOO_BIG_LABEL || rc == IDN2_TOO_BIG_DOMAIN)
			return quell__addr_fail(err, errsize,
			                        "domain: label longer than 63 octets at character %zu",
			                        pos);
		return quell__addr_fail(err, errsize, "domain: label at character %zu: %s", pos,
		                        idn2_strerror(rc));
	}
	/* The mapping may give several labels ("1." for U+2488), or none. */
	rn = strlen((const char *)res);
	for (size_t a = 0, b; a <= rn && why == NULL; a = b + 1) {
		for (b = a; b < rn && res[b] != '.'; b++)
			;
		why = label_problem((const char *)res + a, b - a, &bad);
	}
	if (why != NULL) {
		quell__show((const char *)res, rn, SIZE_MAX, 0, shown, sizeof shown);
		idn2_free(res);
		return quell__addr_fail(err, errsize, "domain: label at character %zu maps to '%s': %s",
		                        pos, shown, why);
	}
	put(d, (const char *)res, rn);
	idn2_free(res);
	return 0;
}

static int label(const char *in, size_t ls, size_t le, int ascii, struct dbuf *d, char *err,
                 size_t errsize)
{
	const char *why;
	size_t bad;

	if (!ascii || is_alabel(in + ls, le - ls))
		return idn_label(in, ls, le, d, err, errsize);
	why = label_problem(in + ls, le - ls, &bad);
	if (why != NULL)
		return quell__addr_fail(err, errsize, "domain: %s at character %zu", why,
		                        quell__charpos(in, ls + bad));
	put(d, in + ls, le - ls);
	return 0;
}

/* Refuse control characters, invalid UTF-8 and ASCII other than letters,
 * digits, '-' and '.', naming the first one. */
static int check_chars(const char *in, size_t start, size_t end, char *err, size_t errsize)
{
	char shown[32];
	uint32_t cp;

	for (size_t i = start, l; i < end; i += l) {
		unsigned char c = (unsigned char)in[i];
		l = quell__utf8_len((const unsigned char *)in + i, end - i, &cp);
		if (l == 0)
			return quell__addr_fail(err, errsize, "domain: invalid UTF-8 at character %zu",
			                        quell__charpos(in, i));
		if (quell__is_control(cp) || (c < 0x80 && !is_ldh(c) && c != '.')) {
			quell__showchar(in, end, i, shown, sizeof shown);
			return quell__addr_fail(err, errsize, "domain: %s %s at character %zu",
			                        quell__is_control(cp) ? "control character"
			                                              : "unexpected",
			                        shown, quell__charpos(in, i));
		}
	}
	return 0;
}

int quell__domain_normalize(const char *in, size_t start, size_t end, char *dom,
                            size_t *domlen, char *err, size_t errsize)
{
	struct dbuf d = { dom, 0, 0 };
	size_t i, last = start, tld = 0;
	char shown[96];
	int rc;

	dom[0] = '\0';
	*domlen = 0;
	if (start == end)
		return quell__addr_fail(err, errsize, "domain is empty");
	if (in[start] == '[') {
		quell__show(in + start, end - start, SIZE_MAX, 0, shown, sizeof shown);
		return quell__addr_fail(err, errsize, "address literal %s is not accepted", shown);
	}
	rc = check_chars(in, start, end, err, errsize);
	if (rc != 0)
		return rc;
	/* one trailing separator: `example.com.` is `example.com` */
	if (in[end - 1] == '.')
		end--;
	else if (end - start >= 3 && sep_len(in, end - 3, end) == 3)
		end -= 3;
	for (i = start;;) {
		size_t j = i, sl = 0;
		int ascii = 1;

		while (j < end && (sl = sep_len(in, j, end)) == 0) {
			if ((unsigned char)in[j] >= 0x80)
				ascii = 0;
			j++;
		}
		if (i > start)
			put(&d, ".", 1);
		tld = d.n;
		last = i;
		rc = label(in, i, j, ascii, &d, err, errsize);
		if (rc != 0)
			return rc;
		if (j >= end)
			break;
		i = j + sl;
	}
	if (d.over)
		return quell__addr_fail(err, errsize, "domain longer than 255 octets");
	/* the top-level label (of the result: a mapping can add labels) */
	for (size_t k = d.n; k > tld; k--) {
		if (d.p[k - 1] == '.') {
			tld = k;
			break;
		}
	}
	if (strspn(d.p + tld, "0123456789") == d.n - tld)
		return quell__addr_fail(err, errsize,
		                        "domain: top-level label '%s' is all digits at character %zu",
		                        d.p + tld, quell__charpos(in, last));
	*domlen = d.n;
	return 0;
}
