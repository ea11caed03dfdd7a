/*
 * webhook_sns.c - wsig_sns_verify (webhook_sig.h): an SNS message's
 * signature over its canonical string (the documented fields, "Name\n
 * Value\n" each, in order), with the signing certificate taken from a
 * local directory by the file name in SigningCertURL.  The URL itself is
 * only checked for its shape (https, a host sns.*.amazonaws.com, a .pem
 * file name without any path): nothing is fetched.  The certificate must
 * be valid at now and issued to sns.amazonaws.com (its subject's CN), so
 * a stray certificate put in the directory signs nothing.
 *
 * Knows nothing of HTTP or of the messages' meaning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "webhook_sig.h"

#define CANON_MAX (300 * 1024) /* SNS messages are at most 256 KiB */

static const char *str(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The canonical string of env into buf: its length, or 0 when a field
 * it needs is missing or it does not fit. */
static size_t canonical(const json_t *env, char *buf, size_t size)
{
	static const char *const note[] = { "Message", "MessageId", "Subject", "Timestamp",
		                            "TopicArn", "Type", NULL };
	static const char *const conf[] = { "Message", "MessageId", "SubscribeURL", "Timestamp",
		                            "Token", "TopicArn", "Type", NULL };
	const char *type = str(env, "Type");
	const char *const *keys;
	size_t n = 0;

	if (type == NULL)
		return 0;
	keys = strcmp(type, "Notification") == 0 ? note : conf;
	for (size_t i = 0; keys[i] != NULL; i++) {
		const char *v = str(env, keys[i]);
		int w;

		if (v == NULL && strcmp(keys[i], "Subject") == 0)
			continue; /* the one optional field */
		if (v == NULL)
			return 0;
		w = snprintf(buf + n, size - n, "%s\n%s\n", keys[i], v);
		if (w < 0 || (size_t)w >= size - n)
			return 0;
		n += (size_t)w;
	}
	return n;
}

/* The certificate's file name from a SigningCertURL of the right shape. */
static const char *cert_name(const char *url)
{
	const char *host, *slash, *name;
	size_t hl;

	if (url == NULL || strncmp(url, "https://sns.", 12) != 0)
		return NULL;
	host = url + 8;
	slash = strchr(host, '/');
	if (slash == NULL || (hl = (size_t)(slash - host)) < 18 ||
	    strncmp(slash - 14, ".amazonaws.com", 14) != 0 || strchr(slash + 1, '/') != NULL)
		return NULL;
	for (const char *p = host; p < slash; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			return NULL;
	name = slash + 1;
	if (strlen(name) < 5 || strlen(name) > 200 || name[0] == '.' ||
	    strcmp(name + strlen(name) - 4, ".pem") != 0)
		return NULL;
	for (const char *p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return NULL;
	return name;
}

/* The certificate of certdir/name, valid at now and issued to
 * sns.amazonaws.com, or NULL with err set. */
static X509 *load_cert(const char *certdir, const char *name, int64_t now, char *err,
                       size_t errsize)
{
	char path[4096], cn[256];
	X509 *x = NULL;
	time_t t = (time_t)now;
	FILE *f;

	if (snprintf(path, sizeof path, "%s/%s", certdir, name) >= (int)sizeof path ||
	    (f = fopen(path, "r")) == NULL) {
		snprintf(err, errsize, "no certificate %s in the --sns-certs directory", name);
		return NULL;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL) {
		snprintf(err, errsize, "%s: no PEM certificate in it", name);
		return NULL;
	}
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn,
	                              sizeof cn) < 0 || strcmp(cn, "sns.amazonaws.com") != 0) {
		snprintf(err, errsize, "%s: not issued to sns.amazonaws.com", name);
	} else if (X509_cmp_time(X509_get0_notBefore(x), &t) > 0 ||
	           X509_cmp_time(X509_get0_notAfter(x), &t) < 0) {
		snprintf(err, errsize, "%s: not valid now", name);
	} else {
		return x;
	}
	X509_free(x);
	return NULL;
}

int wsig_sns_verify(const char *certdir, const json_t *env, int64_t now, char *err,
                    size_t errsize)
{
	static const size_t canon_max = CANON_MAX;
	const char *ver = str(env, "SignatureVersion"), *sig64 = str(env, "Signature");
	const char *name = cert_name(str(env, "SigningCertURL"));
	unsigned char sig[1024];
	EVP_MD_CTX *md = NULL;
	EVP_PKEY *key = NULL;
	char *canon = NULL;
	X509 *x = NULL;
	size_t n, slen;
	int ok = 0, got;

	if (ver == NULL || (strcmp(ver, "1") != 0 && strcmp(ver, "2") != 0)) {
		snprintf(err, errsize, "SignatureVersion is not 1 or 2");
		return WSIG_BAD;
	}
	if (name == NULL) {
		snprintf(err, errsize, "SigningCertURL is not https://sns.REGION.amazonaws.com/NAME.pem");
		return WSIG_BAD;
	}
	if (sig64 == NULL || (n = strlen(sig64)) == 0 || n % 4 != 0 || n / 4 * 3 > sizeof sig) {
		snprintf(err, errsize, "no Signature, or not base64");
		return WSIG_BAD;
	}
	got = EVP_DecodeBlock(sig, (const unsigned char *)sig64, (int)n);
	if (got <= 0) {
		snprintf(err, errsize, "Signature is not base64");
		return WSIG_BAD;
	}
	slen = (size_t)got - (sig64[n - 1] == '=' ? (sig64[n - 2] == '=' ? 2 : 1) : 0);
	if ((canon = malloc(canon_max)) == NULL || (n = canonical(env, canon, canon_max)) == 0) {
		snprintf(err, errsize, canon ? "a field the signature covers is missing" : "out of memory");
		free(canon);
		return WSIG_BAD;
	}
	if ((x = load_cert(certdir, name, now, err, errsize)) != NULL &&
	    (key = X509_get_pubkey(x)) != NULL && (md = EVP_MD_CTX_new()) != NULL) {
		ok = EVP_DigestVerifyInit(md, NULL, ver[0] == '1' ? EVP_sha1() : EVP_sha256(), NULL,
		                          key) == 1 &&
		     EVP_DigestVerifyUpdate(md, canon, n) == 1 &&
		     EVP_DigestVerifyFinal(md, sig, slen) == 1;
		if (!ok)
			snprintf(err, errsize, "the signature does not verify with %s", name);
	}
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	X509_free(x);
	free(canon);
	return ok ? WSIG_OK : WSIG_BAD;
}
