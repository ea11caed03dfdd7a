/*
 * test_esp_events.c - quell_esp_events against fixtures written after each
 * ESP's published payload examples (tests/data/esp-events/, README.md
 * there names the sources): every event each file gives (kind, event,
 * recipient, id, stream, time, reply, note, error), one line each; JSON
 * Lines files line by line.  Then the shapes each reader refuses, the
 * callback stopping a parse, bad arguments, reply building case by case,
 * and allocation failures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "quell.h"
#include "testutil.h"

#define EDATA "tests/data/esp-events/"

struct text {
	char buf[16384];
	size_t len;
};

static const char *kinds[] = { "skip", "reply", "complaint", "unsubscribe" };

static int dump(void *payload, const struct quell_esp_event *ev)
{
	struct text *t = payload;
	int n = snprintf(t->buf + t->len, sizeof t->buf - t->len, "%s %s %s id=%s%s%s t=%lld %s | %s%s%s\n",
	                 kinds[ev->kind], ev->event, ev->recipient[0] ? ev->recipient : "-", ev->id,
	                 ev->stream[0] ? " stream=" : "", ev->stream, (long long)ev->time,
	                 ev->reply, ev->note, ev->error ? " ! " : "", ev->error ? ev->error : "");

	if (n > 0 && (size_t)n < sizeof t->buf - t->len)
		t->len += (size_t)n;
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);

	*len = 0;
	if (f == NULL || buf == NULL) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* The events of a file: one document, or (.jsonl) one per line. */
static int read_events(int esp, const char *file, struct text *t, char *err, size_t errsize)
{
	char path[256];
	size_t len;
	char *buf, *p, *nl;
	int rc = 0;

	snprintf(path, sizeof path, EDATA "%s", file);
	t->len = 0;
	t->buf[0] = '\0';
	if ((buf = slurp(path, &len)) == NULL)
		return -1;
	if (strstr(file, ".jsonl") == NULL) {
		rc = quell_esp_events(esp, buf, len, dump, t, err, errsize);
	} else {
		for (p = buf; rc == 0 && *p != '\0'; p = nl + 1) {
			nl = strchr(p, '\n');
			if (nl == NULL)
				nl = p + strlen(p);
			rc = quell_esp_events(esp, p, (size_t)(nl - p), dump, t, err, errsize);
			if (*nl == '\0')
				break;
		}
	}
	free(buf);
	return rc;
}

struct fixture {
	int esp;
	const char *file;
	const char *want;
};

static const struct fixture fixtures[] = {
	{ QUELL_ESP_SENDGRID, "sendgrid-webhook.json",
	  "skip processed example@test.com id=rbtnWrG1DVDGGGFHFyun0A== t=1513299569  | sendgrid: processed\n"
	  "reply deferred example@test.com id=t7LEShmowp86DTdUW8M-GQ== t=1513299569 400 try again later | sendgrid: deferred\n"
	  "reply delivered example@test.com id=ZwUq2aw6bkf-K6NXvUsnYQ== t=1513299569 250 OK | sendgrid: delivered\n"
	  "skip open example@test.com id=FOTFFO0ecsBE-zxFXfs6WA== t=1513299569  | sendgrid: open\n"
	  "reply bounce bounced@test.com id=6g4ZI7SA-xmRDv57GoPIPw== t=1513299569 500 5.0.0 unknown recipient | sendgrid: bounce type=bounce classification=Invalid Address\n"
	  "reply bounce gone@test.com id=kXrSPj1pQ6W_f2K7Q0mUaw== t=1513299570 550 5.1.1 The email account that you tried to reach does not exist. | sendgrid: bounce type=bounce classification=Invalid Address\n"
	  "reply bounce blocked@test.com id=Fp5xQj7RQ0e3vM1aHk2B9g== t=1513299571 550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org | sendgrid: bounce type=blocked classification=Reputation\n"
	  "skip dropped example@test.com id=zmzJhfJgAfUSOW80yEbPyw== t=1513299569  | sendgrid: dropped\n"
	  "complaint spamreport complainer@test.com id=37nvH5QBz858KGVYCM4uOA== t=1513299569 complaint: sendgrid spamreport | sendgrid: spamreport\n"
	  "unsubscribe unsubscribe leaver@test.com id=zz_BjPgU_5pS-J8vlfB1sg== t=1513299569 unsubscribe: sendgrid | sendgrid: unsubscribe\n"
	  "unsubscribe group_unsubscribe reader@test.com id=ahSCB7xYcXFb-hEaawsPRw== stream=10 t=1513299569 unsubscribe: sendgrid | sendgrid: group_unsubscribe\n"
	  "skip group_resubscribe reader@test.com id=w_u0vJhLT-OFfprar5N93g== t=1513299569  | sendgrid: group_resubscribe\n" },
	{ QUELL_ESP_SENDGRID, "sendgrid-events.jsonl",
	  "skip processed example@test.com id=rbtnWrG1DVDGGGFHFyun0A== t=1513299569  | sendgrid: processed\n"
	  "reply deferred example@test.com id=t7LEShmowp86DTdUW8M-GQ== t=1513299569 400 try again later | sendgrid: deferred\n"
	  "reply delivered example@test.com id=ZwUq2aw6bkf-K6NXvUsnYQ== t=1513299569 250 OK | sendgrid: delivered\n"
	  "skip open example@test.com id=FOTFFO0ecsBE-zxFXfs6WA== t=1513299569  | sendgrid: open\n"
	  "reply bounce bounced@test.com id=6g4ZI7SA-xmRDv57GoPIPw== t=1513299569 500 5.0.0 unknown recipient | sendgrid: bounce type=bounce classification=Invalid Address\n"
	  "reply bounce gone@test.com id=kXrSPj1pQ6W_f2K7Q0mUaw== t=1513299570 550 5.1.1 The email account that you tried to reach does not exist. | sendgrid: bounce type=bounce classification=Invalid Address\n"
	  "reply bounce blocked@test.com id=Fp5xQj7RQ0e3vM1aHk2B9g== t=1513299571 550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org | sendgrid: bounce type=blocked classification=Reputation\n"
	  "skip dropped example@test.com id=zmzJhfJgAfUSOW80yEbPyw== t=1513299569  | sendgrid: dropped\n"
	  "complaint spamreport complainer@test.com id=37nvH5QBz858KGVYCM4uOA== t=1513299569 complaint: sendgrid spamreport | sendgrid: spamreport\n"
	  "unsubscribe unsubscribe leaver@test.com id=zz_BjPgU_5pS-J8vlfB1sg== t=1513299569 unsubscribe: sendgrid | sendgrid: unsubscribe\n"
	  "unsubscribe group_unsubscribe reader@test.com id=ahSCB7xYcXFb-hEaawsPRw== stream=10 t=1513299569 unsubscribe: sendgrid | sendgrid: group_unsubscribe\n"
	  "skip group_resubscribe reader@test.com id=w_u0vJhLT-OFfprar5N93g== t=1513299569  | sendgrid: group_resubscribe\n" },
	{ QUELL_ESP_SES, "ses-bounce-dsn.json",
	  "reply Bounce jane@example.com id=00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000 t=1453906778 smtp; 550 5.1.1 <jane@example.com>... User | ses: Bounce Permanent/General\n" },
	{ QUELL_ESP_SES, "ses-sns-envelope.json",
	  "reply Bounce jane@example.com id=00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000 t=1453906778 smtp; 550 5.1.1 <jane@example.com>... User | ses: Bounce Permanent/General\n" },
	{ QUELL_ESP_SES, "ses-complaint.json",
	  "complaint Complaint richard@example.com id=000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000 t=1453906778 complaint: abuse | ses: Complaint abuse\n" },
	{ QUELL_ESP_SES, "ses-delivery.json",
	  "reply Delivery jane@example.com id=0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000 t=1453906778 250 ok:  Message 64111812 accepted | ses: Delivery\n" },
	{ QUELL_ESP_SES, "ses-events.jsonl",
	  "reply Bounce recipient@example.com id=01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000 t=1501893662 smtp; 550 5.1.1 user unknown | ses: Bounce Permanent/General\n"
	  "reply DeliveryDelay recipient@example.com id=EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000 t=1592267140 smtp; 421 4.4.1 Unable to connect to remote host | ses: DeliveryDelay TransientCommunicationFailure\n"
	  "skip Open - id= t=0  | ses: Open\n"
	  "complaint Complaint recipient@example.com id=01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000001 t=1501893662 complaint: abuse | ses: Complaint abuse\n" },
	{ QUELL_ESP_SES, "ses-subscription-confirmation.json",
	  "skip SubscriptionConfirmation - id= t=0  | sns: SubscriptionConfirmation https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37\n" },
	{ QUELL_ESP_MAILGUN, "mailgun-failed-permanent.json",
	  "reply failed alice@example.com id=G9Bn5sl1TC6nu79C8C0bwg t=1521233195 550 5.1.1 The email account that you tried to reach does not exist. | mailgun: failed severity=permanent reason=bounce\n" },
	{ QUELL_ESP_MAILGUN, "mailgun-failed-temporary.json",
	  "reply failed bob@example.org id=Fs7-5t81S2ClBl31bb0Ruw t=1521233123 452 4.2.2 The email account that you tried to reach is over quota. | mailgun: failed severity=temporary reason=generic\n" },
	{ QUELL_ESP_MAILGUN, "mailgun-complained.json",
	  "complaint complained carol@example.com id=-Agny091SquKnsrW2NEKUA t=1521233123 complaint: mailgun complained | mailgun: complained\n" },
	{ QUELL_ESP_MAILGUN, "mailgun-unsubscribed.json",
	  "unsubscribe unsubscribed dave@example.com id=Ase7i2zsRYeDXztHGENqRA t=1521243339 unsubscribe: mailgun | mailgun: unsubscribed\n" },
	{ QUELL_ESP_MAILGUN, "mailgun-delivered.json",
	  "reply delivered bob@example.org id=CPgfbmQMTCKtHW6uIWtuVe t=1521472262 250 OK | mailgun: delivered\n" },
	{ QUELL_ESP_MAILGUN, "mailgun-events-page.json",
	  "skip accepted erin@example.net id=ncV2XwymRUKbPek_MIM-Gw t=1521233120  | mailgun: accepted\n"
	  "reply failed erin@example.net id=W3X4d0gMTh2VlVzB6CCvLA t=1521233195 Not delivering to previously bounced address | mailgun: failed severity=permanent reason=suppress-bounce\n"
	  "reply failed frank@example.net id=r4Eqb3vqQqylGM0Vd7cX7A t=1521233196 550 5.1.1 No Such User Here | mailgun: failed severity=permanent reason=bounce\n"
	  "skip opened frank@example.net id=Ase7i2zsRYeDXztHGENqRB t=1521243339  | mailgun: opened\n" },
	{ QUELL_ESP_POSTMARK, "postmark-bounce.json",
	  "reply Bounce john@example.com id=4323372036854775807 t=1572971634 smtp;550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. | postmark: HardBounce 1 inactive\n" },
	{ QUELL_ESP_POSTMARK, "postmark-spam-complaint.json",
	  "complaint SpamComplaint mary@example.com id=42 t=1572971634 complaint: postmark SpamComplaint | postmark: SpamComplaint\n" },
	{ QUELL_ESP_POSTMARK, "postmark-subscription-change.json",
	  "unsubscribe SubscriptionChange paul@example.com id=883953f4-6105-42a2-a16a-77a8eac79483 2020-02-01T10:53:34.416071Z stream=broadcasts t=1580554414 unsubscribe: postmark | postmark: SubscriptionChange SuppressSending=true ManualSuppression origin=Recipient\n" },
	{ QUELL_ESP_POSTMARK, "postmark-delivery.json",
	  "reply Delivery john@example.com id=00000000-0000-0000-0000-000000000001 2019-11-05T16:33:54.9070259Z t=1572971634 250 Test delivery webhook details | postmark: Delivery\n" },
	{ QUELL_ESP_POSTMARK, "postmark-bounces-page.json",
	  "reply Bounce anything@blackhole.postmarkapp.com id=692560173 t=1389820159 action: failed | postmark: HardBounce 1\n"
	  "reply Bounce full@example.org id=676862817 t=1382104199 smtp;452 4.2.2 The email account that you tried to reach is over quota. | postmark: SoftBounce 4096\n" },
};

static void test_fixtures(void)
{
	static struct text got;
	char err[256];

	for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++) {
		int rc = read_events(fixtures[i].esp, fixtures[i].file, &got, err, sizeof err);

		TU_EQ_INT(rc, 0);
		if (strcmp(got.buf, fixtures[i].want) != 0)
			fprintf(stderr, "\n  %s:\n--- got\n%s--- want\n%s", fixtures[i].file, got.buf,
			        fixtures[i].want);
		CU_ASSERT_STRING_EQUAL(got.buf, fixtures[i].want);
	}
}

/* Documents a reader refuses, with err saying why; nothing reported. */
static void test_refused(void)
{
	static const struct {
		int esp;
		const char *json, *err;
	} cases[] = {
		{ QUELL_ESP_SENDGRID, "[{\"email\":\"a@b.example\"}]", "not SendGrid events: an element" },
		{ QUELL_ESP_SENDGRID, "\"text\"", "not SendGrid events: neither" },
		{ QUELL_ESP_SENDGRID, "{\"email\":", "malformed JSON: " },
		{ QUELL_ESP_SENDGRID, "", "malformed JSON: " },
		{ QUELL_ESP_SES, "{\"mail\":{}}", "not an SES notification: no \"notificationType\"" },
		{ QUELL_ESP_SES, "{\"Type\":\"Notification\",\"Message\":\"[1]\"}",
		  "not an SES notification: its SNS Message is no JSON object" },
		{ QUELL_ESP_SES, "{\"Type\":\"Notification\"}", "not an SES notification: an SNS" },
		{ QUELL_ESP_SES, "[1]", "not SES notifications: an element" },
		{ QUELL_ESP_MAILGUN, "{\"items\":{}}", "not Mailgun events: no \"event-data\"" },
		{ QUELL_ESP_MAILGUN, "{\"items\":[2]}", "not Mailgun events: an item" },
		{ QUELL_ESP_POSTMARK, "{\"Email\":\"a@b.example\"}", "not Postmark events: no \"RecordType\"" },
		{ QUELL_ESP_POSTMARK, "{\"Bounces\":[null]}", "not Postmark events: a bounce" },
		{ QUELL_ESP_POSTMARK, "[]", "not Postmark events: no" },
	};
	static struct text got;
	char err[256];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int rc;

		got.len = 0;
		got.buf[0] = '\0';
		rc = quell_esp_events(cases[i].esp, cases[i].json, strlen(cases[i].json), dump, &got,
		                      err, sizeof err);
		TU_EQ_INT(rc, QUELL_EDATA);
		if (strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fprintf(stderr, "\n  %s: got err '%s', want '%s...'", cases[i].json, err,
			        cases[i].err);
		CU_ASSERT(strncmp(err, cases[i].err, strlen(cases[i].err)) == 0);
		TU_EQ_STR(got.buf, "");
	}
}

/* One event each, written here: replies put together from their parts,
 * unusable events said, streams checked. */
static void test_events(void)
{
	static const struct {
		int esp;
		const char *json, *want;
	} cases[] = {
		/* a reason without a code: the status before it */
		{ QUELL_ESP_SENDGRID,
		  "{\"event\":\"bounce\",\"email\":\"a@b.example\",\"reason\":\"mailbox unavailable\","
		  "\"status\":\"5.2.1\",\"type\":\"bounce\"}",
		  "reply bounce a@b.example id= t=0 5.2.1 mailbox unavailable | sendgrid: bounce type=bounce\n" },
		/* a code without a status, and the status given apart */
		{ QUELL_ESP_SENDGRID,
		  "{\"event\":\"bounce\",\"email\":\"a@b.example\",\"reason\":\"550 no such user\","
		  "\"status\":\"5.1.1\",\"timestamp\":\"1700000000\"}",
		  "reply bounce a@b.example id= t=1700000000 550 5.1.1 no such user | sendgrid: bounce\n" },
		/* a status that is none is left out */
		{ QUELL_ESP_SENDGRID,
		  "{\"event\":\"bounce\",\"email\":\"a@b.example\",\"reason\":\"550 x\",\"status\":\"bad\"}",
		  "reply bounce a@b.example id= t=0 550 x | sendgrid: bounce\n" },
		{ QUELL_ESP_SENDGRID, "{\"event\":\"deferred\",\"email\":\"a@b.example\"}",
		  "reply deferred a@b.example id= t=0 450 deferred | sendgrid: deferred\n" },
		{ QUELL_ESP_SENDGRID, "{\"event\":\"bounce\",\"reason\":\"550 x\"}",
		  "reply bounce - id= t=0 550 x | sendgrid: bounce ! no recipient\n" },
		{ QUELL_ESP_SENDGRID, "{\"event\":\"group_unsubscribe\",\"email\":\"a@b.example\"}",
		  "unsubscribe group_unsubscribe a@b.example id= t=0 unsubscribe: sendgrid | "
		  "sendgrid: group_unsubscribe ! a group unsubscribe without asm_group_id\n" },
		{ QUELL_ESP_SENDGRID,
		  "{\"event\":\"group_unsubscribe\",\"email\":\"a@b.example\",\"asm_group_id\":\"No Way\"}",
		  "unsubscribe group_unsubscribe a@b.example id= t=0 unsubscribe: sendgrid | "
		  "sendgrid: group_unsubscribe ! the stream is no stream name ([a-z0-9][a-z0-9._-]{0,63})\n" },
		{ QUELL_ESP_SENDGRID,
		  "{\"event\":\"group_unsubscribe\",\"email\":\"a@b.example\",\"asm_group_id\":\"News\"}",
		  "unsubscribe group_unsubscribe a@b.example id= stream=news t=0 unsubscribe: sendgrid | "
		  "sendgrid: group_unsubscribe\n" },
		/* SES without a diagnosticCode: the status and the bounce's kind */
		{ QUELL_ESP_SES,
		  "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
		  "\"bounceSubType\":\"Suppressed\",\"bouncedRecipients\":[{\"emailAddress\":"
		  "\"a@b.example\",\"status\":\"5.1.1\"},{\"emailAddress\":\"c@b.example\"}]}}",
		  "reply Bounce a@b.example id= t=0 5.1.1 Permanent/Suppressed | ses: Bounce Permanent/Suppressed\n"
		  "reply Bounce c@b.example id= t=0 Permanent/Suppressed | ses: Bounce Permanent/Suppressed\n" },
		{ QUELL_ESP_SES, "{\"eventType\":\"Delivery\",\"mail\":{\"messageId\":\"m1\"},"
		                 "\"delivery\":{\"recipients\":[\"a@b.example\",7]}}",
		  "reply Delivery a@b.example id=m1 t=0 250 delivered | ses: Delivery\n"
		  "reply Delivery - id=m1 t=0 250 delivered | ses: Delivery ! no recipient\n" },
		{ QUELL_ESP_MAILGUN,
		  "{\"event\":\"failed\",\"recipient\":\"a@b.example\",\"id\":5,\"delivery-status\":"
		  "{\"code\":554,\"description\":\"Relay denied\\r\\n\"}}",
		  "reply failed a@b.example id=5 t=0 554 Relay denied | mailgun: failed\n" },
		{ QUELL_ESP_POSTMARK,
		  "{\"RecordType\":\"SubscriptionChange\",\"Recipient\":\"a@b.example\","
		  "\"SuppressSending\":false,\"SuppressionReason\":null}",
		  "skip SubscriptionChange a@b.example id= t=0  | postmark: SubscriptionChange "
		  "SuppressSending=false\n" },
		{ QUELL_ESP_POSTMARK,
		  "{\"RecordType\":\"SubscriptionChange\",\"Recipient\":\"a@b.example\","
		  "\"SuppressSending\":true,\"SuppressionReason\":\"SpamComplaint\"}",
		  "complaint SubscriptionChange a@b.example id= t=0 complaint: postmark SpamComplaint | "
		  "postmark: SubscriptionChange SuppressSending=true SpamComplaint\n" },
	};
	static struct text got;
	char err[256];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int rc;

		got.len = 0;
		got.buf[0] = '\0';
		rc = quell_esp_events(cases[i].esp, cases[i].json, strlen(cases[i].json), dump, &got,
		                      err, sizeof err);
		TU_EQ_INT(rc, 0);
		TU_EQ_STR(got.buf, cases[i].want);
	}
}

static int stop_at_second(void *payload, const struct quell_esp_event *ev)
{
	int *n = payload;

	(void)ev;
	return ++*n == 2 ? 42 : 0;
}

static void test_stop_and_args(void)
{
	const char *j = "[{\"event\":\"open\"},{\"event\":\"open\"},{\"event\":\"open\"}]";
	char err[64];
	int n = 0;

	TU_EQ_INT(quell_esp_events(QUELL_ESP_SENDGRID, j, strlen(j), stop_at_second, &n, err,
	                           sizeof err), 42);
	TU_EQ_INT(n, 2);
	TU_EQ_INT(quell_esp_events(0, j, strlen(j), stop_at_second, &n, err, sizeof err),
	          QUELL_EINVAL);
	TU_EQ_INT(quell_esp_events(5, j, strlen(j), stop_at_second, &n, err, sizeof err),
	          QUELL_EINVAL);
	TU_EQ_INT(quell_esp_events(QUELL_ESP_SES, j, strlen(j), NULL, &n, err, sizeof err),
	          QUELL_EINVAL);
	TU_EQ_INT(quell_esp_events(QUELL_ESP_SES, NULL, 3, stop_at_second, &n, NULL, 0),
	          QUELL_EINVAL);
	TU_EQ_INT(quell_esp_parse_name("sendgrid"), QUELL_ESP_SENDGRID);
	TU_EQ_INT(quell_esp_parse_name("ses"), QUELL_ESP_SES);
	TU_EQ_INT(quell_esp_parse_name("mailgun"), QUELL_ESP_MAILGUN);
	TU_EQ_INT(quell_esp_parse_name("postmark"), QUELL_ESP_POSTMARK);
	TU_EQ_INT(quell_esp_parse_name("Sendgrid"), -1);
	TU_EQ_INT(quell_esp_parse_name(NULL), -1);
}

/* Fail each allocation in turn: an error, never a crash or a leak. */
static void test_alloc_failures(void)
{
	static struct text got;
	size_t len;
	char *buf = slurp(EDATA "ses-sns-envelope.json", &len);
	char err[128];

	CU_ASSERT_FATAL(buf != NULL);
	for (long i = 1; i < 200; i++) {
		int rc;

		got.len = 0;
		tu_alloc_fail_at(i);
		rc = quell_esp_events(QUELL_ESP_SES, buf, len, dump, &got, err, sizeof err);
		tu_alloc_fail_at(0);
		CU_ASSERT(rc == 0 || rc == QUELL_ENOMEM || rc == QUELL_EDATA);
	}
	free(buf);
}

/* What the events become through quell_record (options version 2): an
 * unsubscribe in its stream, a complaint, the ESP's note in the history,
 * a redelivered event counted once; streams refused where they do not
 * belong. */
static void test_record(void)
{
	struct quell_record_options o = QUELL_RECORD_OPTIONS_INIT;
	struct quell_outcome out;
	struct quell_result res;
	struct quell_info *info;
	char dir[256];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_FATAL(h != NULL);
	o.now = 1700000000;
	o.source = QUELL_SOURCE_UNSUBSCRIBE;
	o.stream = "news";
	o.message_id = "ev-1";
	o.note = "sendgrid: group_unsubscribe";
	TU_EQ_INT(quell_record(h, "a@b.example", "unsubscribe: sendgrid", &o, &out), 0);
	TU_EQ_INT(out.verdict, QUELL_SUPPRESS);
	TU_EQ_STR(out.category, "unsubscribe");
	TU_EQ_INT(quell_check(h, "a@b.example", NULL, o.now, &res), 0);
	TU_EQ_INT(res.verdict, QUELL_ALLOW);
	TU_EQ_INT(quell_check(h, "a@b.example", "news", o.now, &res), 0);
	TU_EQ_INT(res.verdict, QUELL_SUPPRESS);
	TU_EQ_INT(res.source, QUELL_SOURCE_UNSUBSCRIBE);
	/* the same event again: a duplicate, nothing written */
	TU_EQ_INT(quell_record(h, "a@b.example", "unsubscribe: sendgrid", &o, &out), 0);
	TU_EQ_INT(out.duplicate, 1);
	/* a bounce with the ESP's note: the rules decide, the note is kept */
	o.source = QUELL_SOURCE_BOUNCE;
	o.stream = NULL;
	o.message_id = "ev-2";
	o.note = "mailgun: failed severity=temporary";
	TU_EQ_INT(quell_record(h, "c@b.example", "550 5.1.1 no such user", &o, &out), 0);
	TU_EQ_INT(out.verdict, QUELL_SUPPRESS);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "c@b.example", 0, &info), 0);
	CU_ASSERT_FATAL(info->nevents == 1);
	CU_ASSERT(strstr(info->events[0].reason, "mailgun: failed severity=temporary") != NULL);
	quell_info_free(info);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "a@b.example", 0, &info), 0);
	CU_ASSERT_FATAL(info->nevents == 1);
	TU_EQ_STR(info->events[0].stream, "news");
	TU_EQ_STR(info->events[0].reason, "sendgrid: group_unsubscribe");
	quell_info_free(info);
	/* a complaint: stream-less, category complaint */
	o.source = QUELL_SOURCE_COMPLAINT;
	o.note = NULL;
	o.message_id = "ev-3";
	TU_EQ_INT(quell_record(h, "d@b.example", "complaint: abuse", &o, &out), 0);
	TU_EQ_STR(out.category, "complaint");
	TU_EQ_INT(out.verdict, QUELL_SUPPRESS);
	/* streams only for unsubscribes, and only valid ones */
	o.stream = "news";
	TU_EQ_INT(quell_record(h, "e@b.example", "complaint: abuse", &o, &out), QUELL_EINVAL);
	o.source = QUELL_SOURCE_UNSUBSCRIBE;
	o.stream = "No Way";
	TU_EQ_INT(quell_record(h, "e@b.example", "unsubscribe", &o, &out), QUELL_EINVAL);
	/* version 1 options: the new fields are not read */
	o.version = 1;
	o.source = QUELL_SOURCE_BOUNCE;
	TU_EQ_INT(quell_record(h, "e@b.example", "250 ok", &o, &out), 0);
	tu_close(h, dir);
}

static CU_TestInfo esp_tests[] = {
	{ "published examples, one file each", test_fixtures },
	{ "documents refused, and why", test_refused },
	{ "events case by case", test_events },
	{ "the callback stops a parse; bad arguments; names", test_stop_and_args },
	{ "allocation failures", test_alloc_failures },
	{ "recorded: unsubscribe streams, notes, duplicates", test_record },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_esp_events[] = {
	{ "esp_events", NULL, NULL, NULL, NULL, esp_tests },
	CU_SUITE_INFO_NULL,
};
