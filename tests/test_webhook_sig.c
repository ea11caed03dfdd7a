/*
 * test_webhook_sig.c - the webhook signature checks (cmd/webhook_sig.c,
 * webhook_sns.c) against signatures made by the openssl command line in a
 * temporary directory (keys, a certificate for sns.amazonaws.com, ECDSA
 * and RSA signatures): valid, forged (another body, another key), stale
 * and malformed requests for each ESP; Mailgun's HMAC against a value
 * computed with `openssl dgst -hmac`; basic auth; the replay set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "testutil.h"
#include "webhook_sig.h"

static char tmp[256];

/* Run a shell command in tmp; 0 when it succeeded. */
static int sh(const char *fmt, const char *a)
{
	char cmd[2048];

	snprintf(cmd, sizeof cmd, "cd '%s' && { ", tmp);
	snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), fmt, a);
	snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), "; } >/dev/null 2>&1");
	return system(cmd);
}

/* The first line of file tmp/name into buf. */
static char *line_of(const char *name, char *buf, size_t size)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmp, name);
	buf[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return buf;
	if (fgets(buf, (int)size, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

static int setup(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/quell-sig.XXXXXX");
	return mkdtemp(tmp) == NULL;
}

static int teardown(void)
{
	tu_rmtree(tmp);
	return 0;
}

static void test_sendgrid(void)
{
	const char *body = "[{\"email\":\"a@b.example\",\"event\":\"bounce\"}]";
	char err[256], sig[512], path[512], sig2[512];
	void *key = NULL, *other = NULL;
	FILE *f;

	snprintf(path, sizeof path, "%s/body", tmp);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fprintf(f, "1700000000%s", body);
	fclose(f);
	CU_ASSERT_FATAL(sh("openssl ecparam -name prime256v1 -genkey -noout -out sg.key && "
	                   "openssl ec -in sg.key -pubout -out sg.pem && "
	                   "openssl ec -in sg.key -pubout -outform DER | openssl base64 -A > sg.b64 && "
	                   "openssl dgst -sha256 -sign sg.key body | openssl base64 -A > sig && "
	                   "openssl ecparam -name prime256v1 -genkey -noout -out o.key && "
	                   "openssl ec -in o.key -pubout -out o.pem && "
	                   "openssl dgst -sha256 -sign o.key body | openssl base64 -A > sig2%s", "") == 0);
	line_of("sig", sig, sizeof sig);
	line_of("sig2", sig2, sizeof sig2);
	snprintf(path, sizeof path, "%s/sg.pem", tmp);
	TU_EQ_INT(wsig_sendgrid_key_load(path, &key, err, sizeof err), 0);
	TU_EQ_INT(wsig_sendgrid_verify(key, "1700000000", sig, body, strlen(body), 1700000000), WSIG_OK);
	TU_EQ_INT(wsig_sendgrid_verify(key, "1700000000", sig, body, strlen(body), 1700000000 + 299), WSIG_OK);
	/* stale, forged body, other timestamp, another key's signature, junk */
	TU_EQ_INT(wsig_sendgrid_verify(key, "1700000000", sig, body, strlen(body), 1700000000 + 301), WSIG_STALE);
	TU_EQ_INT(wsig_sendgrid_verify(key, "1700000000", sig, body, strlen(body) - 1, 1700000000), WSIG_BAD);
	TU_EQ_INT(wsig_sendgrid_verify(key, "1700000001", sig, body, strlen(body), 1700000000), WSIG_BAD);
	TU_EQ_INT(wsig_sendgrid_verify(key, "1700000000", sig2, body, strlen(body), 1700000000), WSIG_BAD);
	TU_EQ_INT(wsig_sendgrid_verify(key, "1700000000", "AAAA", body, strlen(body), 1700000000), WSIG_BAD);
	TU_EQ_INT(wsig_sendgrid_verify(key, "1700000000", "%%%", body, strlen(body), 1700000000), WSIG_BAD);
	TU_EQ_INT(wsig_sendgrid_verify(key, NULL, sig, body, strlen(body), 1700000000), WSIG_BAD);
	TU_EQ_INT(wsig_sendgrid_verify(key, "17e8", sig, body, strlen(body), 1700000000), WSIG_BAD);
	TU_EQ_INT(wsig_sendgrid_verify(key, "1700000000", NULL, body, strlen(body), 1700000000), WSIG_BAD);
	wsig_key_free(key);
	/* the key as the console shows it: base64 of the DER alone */
	snprintf(path, sizeof path, "%s/sg.b64", tmp);
	TU_EQ_INT(wsig_sendgrid_key_load(path, &key, err, sizeof err), 0);
	TU_EQ_INT(wsig_sendgrid_verify(key, "1700000000", sig, body, strlen(body), 1700000000), WSIG_OK);
	snprintf(path, sizeof path, "%s/o.pem", tmp);
	TU_EQ_INT(wsig_sendgrid_key_load(path, &other, err, sizeof err), 0);
	TU_EQ_INT(wsig_sendgrid_verify(other, "1700000000", sig, body, strlen(body), 1700000000), WSIG_BAD);
	wsig_key_free(key);
	wsig_key_free(other);
	/* files that hold no key */
	snprintf(path, sizeof path, "%s/body", tmp);
	TU_EQ_INT(wsig_sendgrid_key_load(path, &key, err, sizeof err), -1);
	CU_ASSERT(strstr(err, "no EC public key") != NULL);
	snprintf(path, sizeof path, "%s/none", tmp);
	TU_EQ_INT(wsig_sendgrid_key_load(path, &key, err, sizeof err), -1);
	CU_ASSERT(strstr(err, "No such file") != NULL);
	CU_ASSERT(key == NULL);
}

static void test_mailgun(void)
{
	/* openssl dgst -sha256 -hmac KEY of "1529006854a8ce...de0" */
	const char *k = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
	const char *tok = "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0";
	const char *mac = "b63c0701c4f4b614f272106a1b367c5c3369bcdca664ae73ebd52787e45eef07";
	const unsigned char *key = (const unsigned char *)k;
	size_t n = strlen(k);

	TU_EQ_INT(wsig_mailgun_verify(key, n, "1529006854", tok, mac, 1529006854), WSIG_OK);
	TU_EQ_INT(wsig_mailgun_verify(key, n, "1529006854", tok, mac, 1529006854 - 300), WSIG_OK);
	TU_EQ_INT(wsig_mailgun_verify(key, n, "1529006854", tok, mac, 1529006854 + 301), WSIG_STALE);
	TU_EQ_INT(wsig_mailgun_verify(key, n - 1, "1529006854", tok, mac, 1529006854), WSIG_BAD);
	TU_EQ_INT(wsig_mailgun_verify(key, n, "1529006855", tok, mac, 1529006854), WSIG_BAD);
	TU_EQ_INT(wsig_mailgun_verify(key, n, "1529006854", "a8ce", mac, 1529006854), WSIG_BAD);
	TU_EQ_INT(wsig_mailgun_verify(key, n, "1529006854", tok,
	                              "B63C0701C4F4B614F272106A1B367C5C3369BCDCA664AE73EBD52787E45EEF07",
	                              1529006854), WSIG_OK);
	TU_EQ_INT(wsig_mailgun_verify(key, n, "1529006854", tok, "b63c", 1529006854), WSIG_BAD);
	TU_EQ_INT(wsig_mailgun_verify(key, n, "1529006854", tok,
	                              "zz3c0701c4f4b614f272106a1b367c5c3369bcdca664ae73ebd52787e45eef07",
	                              1529006854), WSIG_BAD);
	TU_EQ_INT(wsig_mailgun_verify(key, n, NULL, tok, mac, 1529006854), WSIG_BAD);
	TU_EQ_INT(wsig_mailgun_verify(key, n, "1529006854", NULL, mac, 1529006854), WSIG_BAD);
}

/* An SNS message signed by openssl with the key of a certificate for
 * sns.amazonaws.com (or, forged, another's); version 1 or 2. */
static json_t *sns_message(const char *version, const char *keyname, const char *certname)
{
	char canon[1024], path[512], sig[1024], url[256];
	const char *msg = "{\"notificationType\":\"Bounce\"}";
	json_t *env;
	FILE *f;

	snprintf(canon, sizeof canon,
	         "Message\n%s\nMessageId\nm-1\nSubject\nS\nTimestamp\n2026-11-28T12:00:00.000Z\n"
	         "TopicArn\narn:aws:sns:us-east-1:1:t\nType\nNotification\n", msg);
	snprintf(path, sizeof path, "%s/canon", tmp);
	f = fopen(path, "w");
	if (f == NULL)
		return NULL;
	fputs(canon, f);
	fclose(f);
	snprintf(path, sizeof path, "openssl dgst -%s -sign %%s canon | openssl base64 -A > sig",
	         version[0] == '1' ? "sha1" : "sha256");
	if (sh(path, keyname) != 0)
		return NULL;
	line_of("sig", sig, sizeof sig);
	snprintf(url, sizeof url, "https://sns.us-east-1.amazonaws.com/%s", certname);
	env = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "Type", "Notification",
	                "MessageId", "m-1", "TopicArn", "arn:aws:sns:us-east-1:1:t", "Subject", "S",
	                "Message", msg, "Timestamp", "2026-11-28T12:00:00.000Z",
	                "SignatureVersion", version, "Signature", sig, "SigningCertURL", url);
	return env;
}

static void test_sns(void)
{
	/* the certificates are made now, valid for ten years from now */
	int64_t now;
	char err[256], dir[300];
	json_t *m;

	CU_ASSERT_FATAL(sh("mkdir certs && "
	                   "openssl req -x509 -newkey rsa:2048 -nodes -keyout sns.key -days 3650 "
	                   "-subj /CN=sns.amazonaws.com -out certs/SimpleNotificationService-good.pem && "
	                   "openssl req -x509 -newkey rsa:2048 -nodes -keyout evil.key -days 3650 "
	                   "-subj /CN=evil.example -out certs/evil.pem%s", "") == 0);
	now = (int64_t)time(NULL) + 1;
	m = sns_message("1", "sns.key", "SimpleNotificationService-good.pem");
	CU_ASSERT_FATAL(m != NULL);
	snprintf(dir, sizeof dir, "%s/certs", tmp);
	{
		TU_EQ_INT(wsig_sns_verify(dir, m, now, err, sizeof err), WSIG_OK);
		/* a field changed: forged */
		json_object_set_new(m, "Message", json_string("{\"notificationType\":\"Complaint\"}"));
		TU_EQ_INT(wsig_sns_verify(dir, m, now, err, sizeof err), WSIG_BAD);
		TU_EQ_STR(err, "the signature does not verify with SimpleNotificationService-good.pem");
		json_decref(m);
		m = sns_message("2", "sns.key", "SimpleNotificationService-good.pem");
		TU_EQ_INT(wsig_sns_verify(dir, m, now, err, sizeof err), WSIG_OK);
		/* the version said is not the one signed */
		json_object_set_new(m, "SignatureVersion", json_string("1"));
		TU_EQ_INT(wsig_sns_verify(dir, m, now, err, sizeof err), WSIG_BAD);
		json_decref(m);
		/* signed with another key, under the good certificate's name */
		m = sns_message("1", "evil.key", "SimpleNotificationService-good.pem");
		TU_EQ_INT(wsig_sns_verify(dir, m, now, err, sizeof err), WSIG_BAD);
		json_decref(m);
		/* its own certificate is there, but not issued to SNS */
		m = sns_message("1", "evil.key", "evil.pem");
		TU_EQ_INT(wsig_sns_verify(dir, m, now, err, sizeof err), WSIG_BAD);
		TU_EQ_STR(err, "evil.pem: not issued to sns.amazonaws.com");
		/* URLs of other shapes: never looked up */
		json_object_set_new(m, "SigningCertURL",
		                    json_string("https://evil.example/SimpleNotificationService-good.pem"));
		TU_EQ_INT(wsig_sns_verify(dir, m, now, err, sizeof err), WSIG_BAD);
		json_object_set_new(m, "SigningCertURL",
		                    json_string("https://sns.us-east-1.amazonaws.com/../good.pem"));
		TU_EQ_INT(wsig_sns_verify(dir, m, now, err, sizeof err), WSIG_BAD);
		json_object_set_new(m, "SigningCertURL",
		                    json_string("https://sns.us-east-1.amazonaws.com/missing.pem"));
		TU_EQ_INT(wsig_sns_verify(dir, m, now, err, sizeof err), WSIG_BAD);
		TU_EQ_STR(err, "no certificate missing.pem in the --sns-certs directory");
		json_object_set_new(m, "SignatureVersion", json_string("3"));
		TU_EQ_INT(wsig_sns_verify(dir, m, now, err, sizeof err), WSIG_BAD);
		json_decref(m);
		/* the certificate expired */
		m = sns_message("1", "sns.key", "SimpleNotificationService-good.pem");
		TU_EQ_INT(wsig_sns_verify(dir, m, now + 20LL * 365 * 86400, err, sizeof err), WSIG_BAD);
		TU_EQ_STR(err, "SimpleNotificationService-good.pem: not valid now");
		json_object_del(m, "MessageId");
		TU_EQ_INT(wsig_sns_verify(dir, m, now, err, sizeof err), WSIG_BAD);
		json_decref(m);
	}
}

static void test_basic(void)
{
	/* printf 'pm:s3cret' | base64 */
	TU_EQ_INT(wsig_basic_ok("pm:s3cret", "Basic cG06czNjcmV0"), 1);
	TU_EQ_INT(wsig_basic_ok("pm:s3cret", "basic  cG06czNjcmV0"), 1);
	TU_EQ_INT(wsig_basic_ok("pm:s3cret", "Basic cG06czNjcmV1"), 0);
	TU_EQ_INT(wsig_basic_ok("pm:s3cret", "Basic cG06czNjcmV0cw=="), 0);
	TU_EQ_INT(wsig_basic_ok("pm:s3cret", "Bearer cG06czNjcmV0"), 0);
	TU_EQ_INT(wsig_basic_ok("pm:s3cret", "Basic !!!!"), 0);
	TU_EQ_INT(wsig_basic_ok("pm:s3cret", NULL), 0);
}

static void test_replay(void)
{
	struct wsig_replay r;
	char tok[32];

	TU_EQ_INT(wsig_replay_init(&r, 8, 600), 0);
	TU_EQ_INT(wsig_replay_check(&r, "a", 1000), 0);
	TU_EQ_INT(wsig_replay_check(&r, "a", 1001), 1);
	TU_EQ_INT(wsig_replay_check(&r, "b", 1001), 0);
	/* still known one generation later (ttl passed once) */
	TU_EQ_INT(wsig_replay_check(&r, "c", 1700), 0);
	TU_EQ_INT(wsig_replay_check(&r, "a", 1700), 1);
	/* forgotten after two */
	TU_EQ_INT(wsig_replay_check(&r, "d", 2400), 0);
	TU_EQ_INT(wsig_replay_check(&r, "a", 2400), 0);
	/* bounded: many tokens, the set never holds more than cap */
	for (int i = 0; i < 1000; i++) {
		snprintf(tok, sizeof tok, "t%d", i);
		TU_EQ_INT(wsig_replay_check(&r, tok, 2500), 0);
		CU_ASSERT(r.n[0] <= 4 && r.n[1] <= 4);
	}
	TU_EQ_INT(wsig_replay_check(&r, "t999", 2500), 1);
	wsig_replay_free(&r);
	TU_EQ_STR(wsig_result_name(WSIG_STALE), "stale timestamp");
	TU_EQ_STR(wsig_result_name(WSIG_BAD), "bad signature");
}

static CU_TestInfo sig_tests[] = {
	{ "sendgrid: ECDSA P-256 over timestamp and body", test_sendgrid },
	{ "mailgun: HMAC-SHA256 of timestamp and token", test_mailgun },
	{ "ses: SNS signatures v1 and v2, certificates from a directory", test_sns },
	{ "postmark: basic auth", test_basic },
	{ "the replay set: generations, bounded", test_replay },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_webhook_sig[] = {
	{ "webhook_sig", setup, teardown, NULL, NULL, sig_tests },
	CU_SUITE_INFO_NULL,
};
