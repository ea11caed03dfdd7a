/*
 * webhook_sig.h - the signature checks of the ESP webhooks of `quell
 * serve` (serve_webhooks.c), with OpenSSL's libcrypto: no cryptography of
 * our own.  Pure: keys come in as values or file paths, requests as
 * strings; nothing here reads the network, and nothing fetches a URL.
 *
 *   SendGrid  ECDSA P-256 / SHA-256 over TIMESTAMP || BODY (headers
 *             X-Twilio-Email-Event-Webhook-Signature, base64 DER, and
 *             -Timestamp), with the public key SendGrid shows (PEM, or its
 *             base64 DER alone);
 *   Mailgun   HMAC-SHA256 of TIMESTAMP || TOKEN with the signing key, hex;
 *   SES/SNS   RSA over SNS's canonical string (SignatureVersion 1: SHA1,
 *             2: SHA256), with the certificate named by the file name of
 *             SigningCertURL, looked up in a local directory;
 *   Postmark  HTTP basic auth, user:password compared in constant time.
 *
 * Timestamps outside a window of now are stale; a replay set (bounded,
 * entries expire) refuses a token or signature seen before.
 */
#ifndef QUELL_CMD_WEBHOOK_SIG_H
#define QUELL_CMD_WEBHOOK_SIG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum wsig_result {
	WSIG_OK = 0,
	WSIG_BAD = 1,     /* missing, malformed, or not signed with the key */
	WSIG_STALE = 2,   /* the timestamp is outside the window */
	WSIG_REPLAY = 3   /* seen before */
};

#define WSIG_WINDOW 300 /* seconds either side of now a timestamp may be */

/* The words for a result ("bad signature", "stale timestamp", ...). */
const char *wsig_result_name(int r);

/* ------------------------------------------------------------ SendGrid */

/* Load SendGrid's verification key from a file: PEM ("-----BEGIN PUBLIC
 * KEY-----"), or the base64 of the DER key alone, as the console shows it.
 * *key: an EVP_PKEY, freed with wsig_key_free.  0, or -1 with err set. */
int wsig_sendgrid_key_load(const char *path, void **key, char *err, size_t errsize);
void wsig_key_free(void *key);

/* Whether sig_b64 (base64 DER ECDSA) signs timestamp || body with key,
 * and timestamp (Unix seconds) is within WSIG_WINDOW of now. */
int wsig_sendgrid_verify(void *key, const char *timestamp, const char *sig_b64,
                         const char *body, size_t len, int64_t now);

/* ------------------------------------------------------------- Mailgun */

/* Whether sig_hex is HMAC-SHA256(key, timestamp || token), in constant
 * time, and timestamp is within WSIG_WINDOW of now.  NULL strings: BAD. */
int wsig_mailgun_verify(const unsigned char *key, size_t keylen, const char *timestamp,
                        const char *token, const char *sig_hex, int64_t now);

/* ------------------------------------------------------------- SES/SNS */

/* Whether the SNS message env (Notification, SubscriptionConfirmation or
 * UnsubscribeConfirmation) is signed by the certificate whose file name
 * is the last part of its SigningCertURL (https://sns.REGION.amazonaws.com
 * /NAME.pem; the name: letters, digits, '-', '_', '.'), read from
 * directory certdir; the certificate must be within its validity at now
 * and its subject's CN sns.amazonaws.com.  err says why not. */
int wsig_sns_verify(const char *certdir, const json_t *env, int64_t now, char *err,
                    size_t errsize);

/* ------------------------------------------------------------ Postmark */

/* Whether an Authorization header value is "Basic base64(userpass)",
 * compared in constant time. */
int wsig_basic_ok(const char *userpass, const char *authorization);

/* --------------------------------------------------------------- replay */

/* Tokens (or signatures) seen: two generations of a hash set of 64-bit
 * digests; the newer takes each new one, and becomes the older when it
 * holds cap/2 or is ttl old (the older one is then forgotten).  So a token
 * is remembered for at least ttl unless more than cap/2 came since (then
 * its timestamp is soon stale anyway).  Memory: 16 * cap bytes.
 * Thread-safe. */
struct wsig_replay {
	pthread_mutex_t lock;
	uint64_t *set[2];   /* [cur] newer, [!cur] older; 0 = empty slot */
	size_t slots;       /* per set, a power of two >= cap */
	size_t n[2], max;   /* held, and cap/2 */
	int cur;
	int64_t started;    /* when set[cur] was begun */
	int64_t ttl;
};

/* 0, or -1 when out of memory. */
int wsig_replay_init(struct wsig_replay *r, size_t cap, int64_t ttl);
void wsig_replay_free(struct wsig_replay *r);
/* 1 when s was seen (and not yet forgotten); else remember it: 0. */
int wsig_replay_check(struct wsig_replay *r, const char *s, int64_t now);

#endif
