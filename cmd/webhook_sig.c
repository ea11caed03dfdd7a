/*
 * webhook_sig.c - the signature checks of the ESP webhooks (see
 * webhook_sig.h), on OpenSSL's libcrypto: EVP_DigestVerify for ECDSA and
 * RSA, HMAC for Mailgun, CRYPTO_memcmp for every comparison of secrets.
 *
 * Knows nothing of HTTP or of the events' meaning.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "webhook_sig.h"

#define KEY_FILE_MAX 16384

const char *wsig_result_name(int r)
{
	switch (r) {
	case WSIG_OK: return "valid";
	case WSIG_STALE: return "stale timestamp";
	case WSIG_REPLAY: return "replayed";
	default: return "bad signature";
	}
}

/* The base64 text s decoded into out (size bytes): its length, or -1. */
static long unbase64(const char *s, unsigned char *out, size_t size)
{
	size_t n = strlen(s), pad = 0;
	int got;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n % 4 != 0 || n / 4 * 3 > size || n > 0x7fffffff)
		return -1;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
	return got < 0 ? -1 : (long)((size_t)got - pad);
}

/* A timestamp of Unix seconds within WSIG_WINDOW of now. */
static int fresh(const char *ts, int64_t now)
{
	char *end;
	long long t;

	if (ts == NULL || !isdigit((unsigned char)ts[0]))
		return -1;
	errno = 0;
	t = strtoll(ts, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return t >= now - WSIG_WINDOW && t <= now + WSIG_WINDOW;
}

/* ------------------------------------------------------------ SendGrid */

static int read_small(const char *path, char *buf, size_t size, char *err, size_t errsize)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	if (ferror(f) || !feof(f) || n == 0) {
		snprintf(err, errsize, "%s: %s", path, ferror(f) ? strerror(errno)
		         : n == 0 ? "empty" : "too long for a key");
		fclose(f);
		return -1;
	}
	fclose(f);
	return (int)n;
}

int wsig_sendgrid_key_load(const char *path, void **key, char *err, size_t errsize)
{
	char buf[KEY_FILE_MAX];
	unsigned char der[KEY_FILE_MAX];
	EVP_PKEY *k = NULL;
	int n = read_small(path, buf, sizeof buf, err, errsize);

	*key = NULL;
	if (n < 0)
		return -1;
	if (strstr(buf, "-----BEGIN") != NULL) {
		BIO *b = BIO_new_mem_buf(buf, n);

		k = b ? PEM_read_bio_PUBKEY(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
	} else {
		long len = unbase64(buf, der, sizeof der);
		const unsigned char *p = der;

		k = len > 0 ? d2i_PUBKEY(NULL, &p, len) : NULL;
	}
	if (k == NULL || EVP_PKEY_base_id(k) != EVP_PKEY_EC) {
		snprintf(err, errsize, "%s: no EC public key (PEM, or base64 of its DER) in it",
		         path);
		EVP_PKEY_free(k);
		return -1;
	}
	*key = k;
	return 0;
}

void wsig_key_free(void *key)
{
	EVP_PKEY_free(key);
}

int wsig_sendgrid_verify(void *key, const char *timestamp, const char *sig_b64,
                         const char *body, size_t len, int64_t now)
{
	unsigned char sig[512];
	EVP_MD_CTX *md;
	long slen;
	int ok, f = fresh(timestamp, now);

	if (key == NULL || f < 0 || sig_b64 == NULL || strlen(sig_b64) > 680 ||
	    (slen = unbase64(sig_b64, sig, sizeof sig)) <= 0)
		return WSIG_BAD;
	if ((md = EVP_MD_CTX_new()) == NULL)
		return WSIG_BAD;
	ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	     EVP_DigestVerifyUpdate(md, timestamp, strlen(timestamp)) == 1 &&
	     EVP_DigestVerifyUpdate(md, body, len) == 1 &&
	     EVP_DigestVerifyFinal(md, sig, (size_t)slen) == 1;
	EVP_MD_CTX_free(md);
	if (!ok)
		return WSIG_BAD;
	return f ? WSIG_OK : WSIG_STALE;
}

/* ------------------------------------------------------------- Mailgun */

int wsig_mailgun_verify(const unsigned char *key, size_t keylen, const char *timestamp,
                        const char *token, const char *sig_hex, int64_t now)
{
	unsigned char mac[EVP_MAX_MD_SIZE], given[32];
	char data[512];
	unsigned int maclen = 0;
	int n, f = fresh(timestamp, now);

	if (key == NULL || f < 0 || token == NULL || sig_hex == NULL || strlen(sig_hex) != 64)
		return WSIG_BAD;
	n = snprintf(data, sizeof data, "%s%s", timestamp, token);
	if (n < 0 || (size_t)n >= sizeof data)
		return WSIG_BAD;
	for (int i = 0; i < 32; i++) {
		unsigned v;

		if (!isxdigit((unsigned char)sig_hex[2 * i]) ||
		    !isxdigit((unsigned char)sig_hex[2 * i + 1]) ||
		    sscanf(sig_hex + 2 * i, "%2x", &v) != 1)
			return WSIG_BAD;
		given[i] = (unsigned char)v;
	}
	if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)data, (size_t)n, mac,
	         &maclen) == NULL || maclen != 32 || CRYPTO_memcmp(mac, given, 32) != 0)
		return WSIG_BAD;
	return f ? WSIG_OK : WSIG_STALE;
}

/* ------------------------------------------------------------ Postmark */

int wsig_basic_ok(const char *userpass, const char *authorization)
{
	unsigned char got[1024];
	size_t want;
	long n;

	if (userpass == NULL || authorization == NULL ||
	    strncasecmp(authorization, "Basic ", 6) != 0 || strlen(authorization) > 1300)
		return 0;
	authorization += 6;
	while (*authorization == ' ')
		authorization++;
	n = unbase64(authorization, got, sizeof got);
	want = strlen(userpass);
	if (n < 0 || (size_t)n != want)
		return 0;
	return CRYPTO_memcmp(got, userpass, want) == 0;
}

/* --------------------------------------------------------------- replay */

static uint64_t digest(const char *s)
{
	uint64_t h = 1469598103934665603u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	h ^= h >> 31;
	h *= 0x9e3779b97f4a7c15u;
	h ^= h >> 29;
	return h == 0 ? 1 : h;
}

int wsig_replay_init(struct wsig_replay *r, size_t cap, int64_t ttl)
{
	memset(r, 0, sizeof *r);
	r->max = cap / 2 > 0 ? cap / 2 : 1;
	for (r->slots = 16; r->slots < 2 * r->max; r->slots *= 2)
		;
	r->set[0] = calloc(r->slots, sizeof *r->set[0]);
	r->set[1] = calloc(r->slots, sizeof *r->set[1]);
	r->ttl = ttl;
	r->started = -1;
	if (r->set[0] == NULL || r->set[1] == NULL || pthread_mutex_init(&r->lock, NULL) != 0) {
		free(r->set[0]);
		free(r->set[1]);
		r->set[0] = r->set[1] = NULL;
		return -1;
	}
	return 0;
}

void wsig_replay_free(struct wsig_replay *r)
{
	if (r->set[0] == NULL)
		return;
	free(r->set[0]);
	free(r->set[1]);
	r->set[0] = r->set[1] = NULL;
	pthread_mutex_destroy(&r->lock);
}

/* The slot of h in set s: where it is, or the empty one it would go to. */
static size_t slot(const struct wsig_replay *r, const uint64_t *s, uint64_t h)
{
	size_t i = (size_t)h & (r->slots - 1);

	while (s[i] != 0 && s[i] != h)
		i = (i + 1) & (r->slots - 1);
	return i;
}

int wsig_replay_check(struct wsig_replay *r, const char *s, int64_t now)
{
	uint64_t h = digest(s);
	uint64_t *cur, *old;
	size_t i;
	int seen;

	pthread_mutex_lock(&r->lock);
	if (r->started < 0)
		r->started = now;
	if (r->n[r->cur] >= r->max || now - r->started >= r->ttl) {
		r->cur = !r->cur; /* the older set is forgotten and takes the new ones */
		memset(r->set[r->cur], 0, r->slots * sizeof *r->set[r->cur]);
		r->n[r->cur] = 0;
		r->started = now;
	}
	cur = r->set[r->cur];
	old = r->set[!r->cur];
	i = slot(r, cur, h);
	seen = cur[i] == h || old[slot(r, old, h)] == h;
	if (!seen) {
		cur[i] = h;
		r->n[r->cur]++;
	}
	pthread_mutex_unlock(&r->lock);
	return seen;
}
