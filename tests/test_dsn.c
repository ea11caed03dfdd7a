/*
 * test_dsn.c - quell_dsn_parse on small bounce messages written for these
 * tests, one shape each: RFC 3464 reports (the field syntax of RFC 3464
 * section 2 and the example of its appendix), their broken variants seen
 * in the wild (no blank line between recipients, unindented continuation
 * lines, CR CR LF), MIME encodings and nesting, text bounces of qmail,
 * Exim and old Exchange, RFC 5965 abuse reports, and messages that are no
 * bounce.  Each case renders every report as one line
 * "RECIPIENT|ACTION|STATUS|REPLY|MESSAGE-ID|TIME|C" so a failure shows
 * the whole difference.
 */
#include <stdlib.h>

#include "testutil.h"

struct text {
	char buf[8192];
	size_t len;
};

static int render(void *arg, const struct quell_dsn_report *r)
{
	struct text *t = arg;
	int n = snprintf(t->buf + t->len, sizeof t->buf - t->len, "%s%s|%s|%s|%s|%s|%lld|%d",
	                 t->len > 0 ? "\n" : "", r->recipient, r->action, r->status, r->reply,
	                 r->message_id, (long long)r->time, r->complaint);

	if (n > 0)
		t->len += (size_t)n < sizeof t->buf - t->len ? (size_t)n : sizeof t->buf - t->len - 1;
	return 0;
}

#define HDR "From: MAILER-DAEMON@mx.example (Mail Delivery System)\n" \
	    "To: sender@ours.example\nDate: Sat, 28 Nov 2026 10:00:00 +0000\n"
#define REPORT(b) "MIME-Version: 1.0\n" \
	          "Content-Type: multipart/report; report-type=delivery-status;\n" \
	          "\tboundary=\"" b "\"\n\n"
#define T0 1795860000 /* 2026-11-28T10:00:00Z */
#define T0S "1795860000"

struct dcase {
	const char *name;
	const char *msg;
	const char *want; /* "" for no report */
};

static const struct dcase cases[] = {
	{ "RFC 3464: two recipients, text and status parts",
	  HDR REPORT("b1") "--b1\nContent-Type: text/plain\n\nSorry.\n\n--b1\n"
	  "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n"
	  "Arrival-Date: Sat, 28 Nov 2026 09:59:00 +0000\n\n"
	  "Final-Recipient: rfc822; a@r.example\nAction: failed\nStatus: 5.1.1\n"
	  "Diagnostic-Code: smtp; 550 5.1.1 <a@r.example>: User unknown\n\n"
	  "Original-Recipient: rfc822; alias@r.example\nFinal-Recipient: RFC822; <b@r.example>\n"
	  "Action: delayed\nStatus: 4.2.0\nDiagnostic-Code: smtp; 450 4.2.0 Greylisted\n"
	  "Last-Attempt-Date: Sat, 28 Nov 2026 10:05:00 +0000\n\n--b1--\n",
	  "a@r.example|failed|5.1.1|smtp; 550 5.1.1 <a@r.example>: User unknown||" T0S "|0\n"
	  "b@r.example|delayed|4.2.0|smtp; 450 4.2.0 Greylisted||1795860300|0" },
	{ "no blank line between recipient blocks",
	  HDR REPORT("b2") "--b2\nContent-Type: message/delivery-status\n\n"
	  "Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; a@r.example\n"
	  "Action: failed\nStatus: 5.1.1\nFinal-Recipient: rfc822; b@r.example\nAction: failed\n"
	  "Status: 5.2.2\nOriginal-Recipient: rfc822; c@r.example\nFinal-Recipient: rfc822; c@r.example\n"
	  "Action: failed\nStatus: 5.1.2\n--b2--\n",
	  "a@r.example|failed|5.1.1|5.1.1||" T0S "|0\nb@r.example|failed|5.2.2|5.2.2||" T0S "|0\n"
	  "c@r.example|failed|5.1.2|5.1.2||" T0S "|0" },
	{ "folded and unindented continuation lines",
	  HDR REPORT("b3") "--b3\nContent-Type: message/delivery-status\n\n"
	  "Final-Recipient: rfc822; a@r.example\nAction: failed\nStatus: 5.1.1\n"
	  "Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach\n"
	  "    does not exist. Please try\n550 5.1.1 double-checking the address\n--b3--\n",
	  "a@r.example|failed|5.1.1|smtp; 550-5.1.1 The email account that you tried to reach "
	  "does not exist. Please try 550 5.1.1 double-checking the address||" T0S "|0" },
	{ "CR LF and CR CR LF line ends, a folded boundary parameter",
	  "From: MAILER-DAEMON@mx.example\r\nTo: s@ours.example\r\nContent-Type: multipart/report;\r\n"
	  " boundary=b4\r\n\r\n--b4\r\r\nContent-Type: message/delivery-status\r\r\n\r\r\n"
	  "Final-Recipient: rfc822; a@r.example\r\r\nAction: failed\r\r\nStatus: 5.1.1\r\r\n"
	  "Diagnostic-Code: smtp; 550 5.1.1 unknown\r\r\n--b4--\r\r\n",
	  "a@r.example|failed|5.1.1|smtp; 550 5.1.1 unknown||0|0" },
	{ "base64 status part, quoted-printable text, nested in multipart/mixed",
	  HDR "Content-Type: multipart/mixed; boundary=outer\n\n--outer\n"
	  "Content-Type: multipart/report; boundary=\"inner\"\n\n--inner\n"
	  "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
	  "Sorry=2C no=\n luck.\n--inner\nContent-Type: message/delivery-status\n"
	  "Content-Transfer-Encoding: base64\n\n"
	  /* "Final-Recipient: rfc822; a@r.example\nAction: failed\nStatus: 5.1.1\n" */
	  "RmluYWwtUmVjaXBpZW50OiByZmM4MjI7IGFAci5leGFtcGxlCkFjdGlvbjogZmFpbGVkClN0YXR1\n"
	  "czogNS4xLjEK\n--inner--\n--outer--\n",
	  "a@r.example|failed|5.1.1|5.1.1||" T0S "|0" },
	{ "message/global-delivery-status, a UTF-8 recipient",
	  HDR REPORT("b6") "--b6\nContent-Type: message/global-delivery-status\n\n"
	  "Final-Recipient: utf-8; j\xc3\xb6rg@r.example\nAction: failed\nStatus: 5.1.1\n--b6--\n",
	  "j\xc3\xb6rg@r.example|failed|5.1.1|5.1.1||" T0S "|0" },
	{ "diagnostic without code or status: the Status field leads",
	  HDR REPORT("b7") "--b7\nContent-Type: message/delivery-status\n\n"
	  "Final-Recipient: rfc822; a@nx.example\nAction: failed\nStatus: 5.4.4\n"
	  "Diagnostic-Code: X-Postfix; Host or domain name not found\n--b7--\n",
	  "a@nx.example|failed|5.4.4|5.4.4 Host or domain name not found||" T0S "|0" },
	{ "no diagnostic: the text part's words about that recipient",
	  HDR REPORT("b8") "--b8\nContent-Type: text/plain\n\n"
	  "<a@r.example>: host mx.r.example said: 550 No such user (in reply to RCPT TO)\n\n"
	  "--b8\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@r.example\n"
	  "Action: failed\nStatus: 5.0.0\n--b8--\n",
	  "a@r.example|failed|5.0.0|<a@r.example>: host mx.r.example said: 550 No such user (in "
	  "reply to RCPT TO)||" T0S "|0" },
	{ "only an action: a status of its class",
	  HDR REPORT("b9") "--b9\nContent-Type: message/delivery-status\n\n"
	  "Final-Recipient: rfc822; a@r.example\nAction: failed\n\n"
	  "Final-Recipient: rfc822; b@r.example\nAction: delivered\n\n"
	  "Final-Recipient: rfc822; c@r.example\n--b9--\n",
	  "a@r.example|failed||5.0.0||" T0S "|0\nb@r.example|delivered||2.0.0||" T0S "|0" },
	{ "the original message id, from text/rfc822-headers",
	  HDR "Message-ID: <bounce-1@mx.example>\n" REPORT("b10")
	  "--b10\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@r.example\n"
	  "Action: failed\nStatus: 5.1.1\n\n--b10\nContent-Type: text/rfc822-headers\n\n"
	  "From: sender@ours.example\nMessage-ID: <orig-1@ours.example>\n\n--b10--\n",
	  "a@r.example|failed|5.1.1|5.1.1|<orig-1@ours.example>|" T0S "|0" },
	{ "the bounce's own message id when the original's is missing",
	  HDR "Message-ID: <bounce-2@mx.example>\n" REPORT("b11")
	  "--b11\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@r.example\n"
	  "Action: failed\nStatus: 5.1.1\n--b11--\n",
	  "a@r.example|failed|5.1.1|5.1.1|<bounce-2@mx.example>|" T0S "|0" },
	{ "control bytes and invalid UTF-8 in a diagnostic are cleaned",
	  HDR REPORT("b12") "--b12\nContent-Type: message/delivery-status\n\n"
	  "Final-Recipient: rfc822; a@r.example\nAction: failed\nStatus: 5.1.1\n"
	  "Diagnostic-Code: smtp; 550 5.1.1 bad\x01\x7f byte\xff\xfe here \xc2\x85 end\n--b12--\n",
	  "a@r.example|failed|5.1.1|smtp; 550 5.1.1 bad byte here end||" T0S "|0" },
	{ "qmail: <address>: paragraphs",
	  "From: MAILER-DAEMON@q.example\nTo: s@ours.example\nSubject: failure notice\n\n"
	  "Hi. This is the qmail-send program at q.example.\n\n<a@r.example>:\n"
	  "192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 no mailbox here\n"
	  "Giving up on 192.0.2.1.\n\n<b@nx.example>:\n"
	  "Sorry, I couldn't find any host named nx.example. (#5.1.2)\n\n"
	  "--- Below this line is a copy of the message.\n\nReturn-Path: <s@ours.example>\n"
	  "To: a@r.example, b@nx.example\nMessage-ID: <orig-q@ours.example>\n\nhello\n",
	  "a@r.example|||<a@r.example>: 192.0.2.1 does not like recipient. Remote host said: 550 "
	  "5.1.1 no mailbox here Giving up on 192.0.2.1.|<orig-q@ours.example>|0|0\n"
	  "b@nx.example|||<b@nx.example>: Sorry, I couldn't find any host named nx.example. "
	  "(#5.1.2)|<orig-q@ours.example>|0|0" },
	{ "Exim: X-Failed-Recipients and an indented list",
	  "From: Mail Delivery System <Mailer-Daemon@e.example>\nTo: s@ours.example\n"
	  "X-Failed-Recipients: a@r.example\nSubject: Mail delivery failed\n\n"
	  "The following address(es) failed:\n\n  a@r.example\n"
	  "    SMTP error from remote mail server after RCPT TO:<a@r.example>:\n"
	  "    550 5.1.1 unknown\n\n------ This is a copy of the message, including all the "
	  "headers. ------\nFrom: s@ours.example\n",
	  "a@r.example|||a@r.example SMTP error from remote mail server after RCPT TO:<a@r.example>: "
	  "550 5.1.1 unknown||0|0" },
	{ "old Exchange: did not reach the following recipient(s)",
	  "From: System Administrator <postmaster@x.example>\nTo: s@ours.example\n"
	  "Subject: Undeliverable: hello\n\nYour message\n\n  To:      s@ours.example\n"
	  "  Subject: hello\n\ndid not reach the following recipient(s):\n\n"
	  "a@x.example on Sat, 28 Nov 2026 10:00:00 +0000\n"
	  "    The recipient name is not recognized\n",
	  "a@x.example|||a@x.example on Sat, 28 Nov 2026 10:00:00 +0000 The recipient name is not "
	  "recognized||0|0" },
	{ "the reason before the address, one recipient",
	  "From: postmaster@v.example\nTo: s@ours.example\nSubject: Undeliverable mail\n\n"
	  "Error message below:\n550 5.1.1 Requested action not taken: no such user\n\n"
	  "Message details:\n  RCPT TO: a@v.example\n",
	  "a@v.example|||550 5.1.1 Requested action not taken: no such user||0|0" },
	{ "the reason before the address, then details naming the sender",
	  "From: gateway@w.example\nTo: s@ours.example\nSubject: Re: hello\n\n"
	  "Problem: address not valid\nThe server said:\n"
	  "550-Requested action not taken:\n550 mailbox unknown\n\nDetails:\n"
	  "  MAIL FROM: s@ours.example\n  RCPT TO: b@w.example\n  Size (in bytes): 250\n",
	  "b@w.example|||550-Requested action not taken: 550 mailbox unknown||0|0" },
	/* SES notifications that SNS mailed (docs: SES "notification contents"
	 * and SNS email endpoints); a long line split by sendmail's '!' rule */
	{ "an SES bounce notification mailed by SNS, a line split on the way",
	  "From: AWS Notifications <no-reply@sns.amazonaws.com>\nTo: ops@ours.example\n"
	  "Subject: AWS Notification Message\nDate: Sat, 28 Nov 2026 10:00:00 +0000\n\n"
	  "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
	  "\"bounceSubType\":\"General\",\"bouncedRecipients\":[{\"emailAddress\":"
	  "\"gone@r.example\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 "
	  "no su!\n ch user\"}],\"timestamp\":\"2026-11-28T09:00:00.000Z\",\"feedbackId\":"
	  "\"fb-1\"},\"mail\":{\"messageId\":\"m-1\",\"destination\":[\"gone@r.example\"]}}\n"
	  "\n--\nIf you wish to stop receiving notifications from this topic, please click "
	  "the link below to unsubscribe: https://sns.example/unsubscribe?x={y}\n",
	  "gone@r.example|failed||smtp; 550 5.1.1 no such user|fb-1|1795856400|0" },
	{ "an SES complaint in an SNS envelope, mailed",
	  "From: no-reply@sns.amazonaws.com\nTo: ops@ours.example\nSubject: AWS Notification "
	  "Message\n\n{\n  \"Type\" : \"Notification\",\n  \"Message\" : \"{\\\"notificationType"
	  "\\\":\\\"Complaint\\\",\\\"complaint\\\":{\\\"complainedRecipients\\\":[{"
	  "\\\"emailAddress\\\":\\\"c@r.example\\\"}],\\\"complaintFeedbackType\\\":\\\"abuse"
	  "\\\",\\\"feedbackId\\\":\\\"fb-2\\\",\\\"timestamp\\\":\\\"2026-11-28T09:00:00Z"
	  "\\\"},\\\"mail\\\":{\\\"messageId\\\":\\\"m-2\\\"}}\"\n}\n",
	  "c@r.example|||complaint: abuse|fb-2|1795856400|1" },
	{ "a JSON body that is no SES notification: no bounce",
	  "From: robot@ours.example\nTo: ops@ours.example\nSubject: status\n\n"
	  "{\"notificationType\": 5, \"ok\": true}\n",
	  "" },
	{ "a text bounce that starts with a brace and has a split line",
	  "From: MAILER-DAEMON@m.example\nTo: s@ours.example\nSubject: failure notice\n\n"
	  "{no notification!\n here}\n<a@r.example>:\n550 5.1.1 user unknown\n",
	  "a@r.example|||<a@r.example>: 550 5.1.1 user unknown||0|0" },
	{ "a bounce forwarded as a quotation",
	  "From: Someone <s@ours.example>\nTo: admin@ours.example\n"
	  "Subject: Fwd: Returned mail: see transcript for details\n\nHave a look.\n\n"
	  "> From: Mail Delivery Subsystem <MAILER-DAEMON@m.example>\n>\n"
	  "> Final-Recipient: RFC822; a@r.example\n> Action: failed\n> Status: 5.1.1\n"
	  "> Diagnostic-Code: SMTP; 550 5.1.1 User unknown\n",
	  "a@r.example|failed|5.1.1|SMTP; 550 5.1.1 User unknown||0|0" },
	{ "an HTML-only bounce with an encoded Subject",
	  "From: mail-daemon@h.example\nTo: s@ours.example\n"
	  "Subject: =?UTF-8?B?VW5kZWxpdmVyYWJsZTo=?= hello\nContent-Type: text/html\n\n"
	  "<html><body><p>Delivery to &lt;a@r.example&gt; failed:</p>"
	  "<p>550 5.1.1 mailbox unavailable</p></body></html>\n",
	  "a@r.example|||Delivery to <a@r.example> failed: 550 5.1.1 mailbox unavailable||0|0" },
	{ "ARF: a complaint for each Original-Rcpt-To",
	  "From: fbl@isp.example\nTo: s@ours.example\nDate: Sat, 28 Nov 2026 10:00:00 +0000\n"
	  "Content-Type: multipart/report; report-type=feedback-report; boundary=f1\n\n"
	  "--f1\nContent-Type: text/plain\n\nA complaint.\n--f1\n"
	  "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n"
	  "Original-Rcpt-To: <x@isp.example>\nArrival-Date: Sat, 28 Nov 2026 09:00:00 +0000\n"
	  "--f1\nContent-Type: message/rfc822\n\nTo: x@isp.example\nMessage-ID: <m1@ours.example>\n"
	  "\nhi\n--f1--\n",
	  "x@isp.example|||complaint: abuse|<m1@ours.example>|1795856400|1" },
	{ "ARF without Original-Rcpt-To: the original's To",
	  "From: fbl@isp.example\nTo: s@ours.example\n"
	  "Content-Type: multipart/report; report-type=feedback-report; boundary=f2\n\n"
	  "--f2\nContent-Type: message/feedback-report\n\nFeedback-Type: fraud\n"
	  "--f2\nContent-Type: text/rfc822-headers\n\nTo: Y <y@isp.example>\n\n--f2--\n",
	  "y@isp.example|||complaint: fraud||0|1" },
	{ "fuzz: bytes that are not UTF-8 in Feedback-Type are cleaned",
	  "From: fbl@isp.example\nContent-Type: multipart/report; boundary=f3\n\n"
	  "--f3\nContent-Type: message/feedback-report\n\nFeedback-Type: ab\xd8\xa0\x01\xffuse\n"
	  "Original-Rcpt-To: z@isp.example\n--f3--\n",
	  "z@isp.example|||complaint: ab\xd8\xa0 use||0|1" },
	{ "an auto-reply is no bounce",
	  "From: Pat <pat@c.example>\nTo: s@ours.example\nSubject: Automatic reply: hello\n"
	  "Auto-Submitted: auto-replied\n\nI am away; mail pat2@c.example instead.\n", "" },
	{ "ordinary mail is no bounce",
	  "From: a@b.example\nTo: s@ours.example\nSubject: lunch\n\nSee you at 12, c@d.example\n",
	  "" },
	{ "a bounce that names nobody gives nothing", HDR "Subject: Undeliverable\n\nSorry.\n", "" },
	{ "empty input", "", "" },
	{ "headers only, no body", "From: MAILER-DAEMON@x.example\nSubject: failure notice", "" },
	{ "an unterminated multipart and a missing boundary",
	  HDR "Content-Type: multipart/report; boundary=zz\n\n--zz\n"
	  "Content-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@r.example\n"
	  "Status: 5.1.1\n",
	  "a@r.example||5.1.1|5.1.1||" T0S "|0" },
};

static size_t lines(const char *s)
{
	size_t n = *s != '\0';

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct text t = { "", 0 };
		size_t count = 9;
		int rc = quell_dsn_parse(cases[i].msg, strlen(cases[i].msg), render, &t, &count);

		if (rc != 0 || strcmp(t.buf, cases[i].want) != 0)
			fprintf(stderr, "\n  case '%s':\n  got  rc=%d\n%s\n  want\n%s\n", cases[i].name,
			        rc, t.buf, cases[i].want);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_STRING_EQUAL(t.buf, cases[i].want);
		CU_ASSERT_EQUAL(count, lines(cases[i].want));
	}
}

static int stop_at_second(void *arg, const struct quell_dsn_report *r)
{
	int *n = arg;

	(void)r;
	return ++*n == 2 ? 42 : 0;
}

static void test_stop_and_args(void)
{
	const char *m = cases[1].msg;
	size_t count = 0;
	int n = 0;

	TU_EQ_INT(quell_dsn_parse(m, strlen(m), stop_at_second, &n, &count), 42);
	TU_EQ_INT(count, 2);
	TU_EQ_INT(quell_dsn_parse(NULL, 5, stop_at_second, &n, &count), QUELL_EINVAL);
	TU_EQ_INT(quell_dsn_parse(m, strlen(m), NULL, NULL, &count), QUELL_EINVAL);
	TU_EQ_INT(quell_dsn_parse(NULL, 0, stop_at_second, &n, NULL), 0);
}

static int count_only(void *arg, const struct quell_dsn_report *r)
{
	size_t *n = arg;

	CU_ASSERT(r->recipient[0] != '\0' && r->reply[0] != '\0');
	(*n)++;
	return 0;
}

/* Limits: more recipients than reported, deep nesting, a huge message. */
static void test_limits(void)
{
	size_t cap = 4 * 1024 * 1024, len = 0, seen = 0, count = 0;
	char *m = malloc(cap);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	len += (size_t)snprintf(m + len, cap - len, "%s", HDR REPORT("L") "--L\n"
	                        "Content-Type: message/delivery-status\n\n");
	for (int i = 0; i < 1500; i++)
		len += (size_t)snprintf(m + len, cap - len,
		                        "Final-Recipient: rfc822; u%d@r.example\nAction: failed\n"
		                        "Status: 5.1.1\n\n", i);
	TU_EQ_INT(quell_dsn_parse(m, len, count_only, &seen, &count), 0);
	TU_EQ_INT(count, QUELL_DSN_REPORTS_MAX);
	TU_EQ_INT(seen, QUELL_DSN_REPORTS_MAX);

	/* 200 nested multiparts: walked 8 deep, nothing found, no crash */
	len = (size_t)snprintf(m, cap, "%s", HDR);
	for (int i = 0; i < 200; i++)
		len += (size_t)snprintf(m + len, cap - len,
		                        "Content-Type: multipart/report; boundary=n%d\n\n--n%d\n", i, i);
	len += (size_t)snprintf(m + len, cap - len, "Content-Type: message/delivery-status\n\n"
	                        "Final-Recipient: rfc822; deep@r.example\nAction: failed\n");
	seen = 0;
	TU_EQ_INT(quell_dsn_parse(m, len, count_only, &seen, &count), 0);
	TU_EQ_INT(count, 0);

	/* an SES notification mailed by SNS naming 1500 recipients: the
	 * first QUELL_DSN_REPORTS_MAX are reported */
	len = (size_t)snprintf(m, cap, "From: no-reply@sns.amazonaws.com\nSubject: AWS "
	                       "Notification Message\n\n{\"notificationType\":\"Bounce\","
	                       "\"bounce\":{\"feedbackId\":\"f\",\"bouncedRecipients\":[");
	for (int i = 0; i < 1500; i++)
		len += (size_t)snprintf(m + len, cap - len, "%s{\"emailAddress\":\"u%d@r.example\","
		                        "\"status\":\"5.1.1\"}", i ? "," : "", i);
	len += (size_t)snprintf(m + len, cap - len, "]},\"mail\":{\"messageId\":\"m\"}}\n");
	seen = 0;
	TU_EQ_INT(quell_dsn_parse(m, len, count_only, &seen, &count), 0);
	TU_EQ_INT(count, QUELL_DSN_REPORTS_MAX);

	/* a body that opens a brace and a megabyte of brackets, never closed,
	 * then one closed 100,000 deep (past the JSON parser's depth): no
	 * notification, no bounce, no crash */
	for (int closed = 0; closed < 2; closed++) {
		size_t depth = closed ? 100000 : cap / 2;

		len = (size_t)snprintf(m, cap, "From: robot@ours.example\nSubject: x\n\n{\"a\":");
		memset(m + len, '[', depth);
		len += depth;
		if (closed) {
			memset(m + len, ']', depth);
			len += depth;
			m[len++] = '}';
		}
		seen = 0;
		TU_EQ_INT(quell_dsn_parse(m, len, count_only, &seen, &count), 0);
		TU_EQ_INT(count, 0);
	}

	/* bigger than what is looked at: the report at the start is found */
	len = (size_t)snprintf(m, cap, "%s", cases[0].msg);
	memset(m + len, 'x', cap - len);
	for (size_t i = len + 70; i < cap; i += 71)
		m[i] = '\n';
	seen = 0;
	TU_EQ_INT(quell_dsn_parse(m, cap, count_only, &seen, &count), 0);
	TU_EQ_INT(count, 2);
	free(m);
}

/* The digests of a message's reports, one per line. */
static int digests(void *arg, const struct quell_dsn_report *r)
{
	struct text *t = arg;
	int n = snprintf(t->buf + t->len, sizeof t->buf - t->len, "%s%s", t->len > 0 ? "\n" : "",
	                 r->digest);

	if (n > 0 && (size_t)n < sizeof t->buf - t->len)
		t->len += (size_t)n;
	return 0;
}

#define NOID_REPORT(date, rcpt) \
	"From: MAILER-DAEMON@mx.example\nTo: s@ours.example\n" date \
	REPORT("d") "--d\nContent-Type: message/delivery-status\n\n" \
	"Final-Recipient: rfc822; " rcpt "\nAction: failed\nStatus: 5.2.2\n" \
	"Diagnostic-Code: smtp; 552 5.2.2 mailbox full\n--d--\n"
#define NOID_DATE "Date: Sat, 28 Nov 2026 10:00:00 +0000\n"
#define NOID_TEXT(body) "From: MAILER-DAEMON@mx.example\nSubject: failure notice\n\n" \
	"Hi. This is the qmail-send program.\n\n<a@r.example>:\n" \
	"552 sorry, mailbox full (#5.2.2)\n\n--- Below this line is a copy of the message.\n\n" body

/* A report without a Message-ID gets a digest of what identifies it: the
 * same whenever the same bounce is read (also after a mail client marked
 * it read, or with other line ends), another for another bounce. */
static void test_digest(void)
{
	static const struct {
		const char *name, *a, *b;
		int same;
	} cases_[] = {
		{ "the same message read again", NOID_REPORT(NOID_DATE, "a@r.example"),
		  NOID_REPORT(NOID_DATE, "a@r.example"), 1 },
		{ "marked read by a mail client (Status: RO)", NOID_REPORT(NOID_DATE, "a@r.example"),
		  "Status: RO\n" NOID_REPORT(NOID_DATE, "a@r.example"), 1 },
		{ "CR LF line ends", NOID_REPORT(NOID_DATE, "a@r.example"),
		  "From: MAILER-DAEMON@mx.example\r\nTo: s@ours.example\r\n"
		  "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
		  "Content-Type: multipart/report; report-type=delivery-status;\r\n"
		  "\tboundary=\"d\"\r\n\r\n--d\r\nContent-Type: message/delivery-status\r\n\r\n"
		  "Final-Recipient: rfc822; a@r.example\r\nAction: failed\r\nStatus: 5.2.2\r\n"
		  "Diagnostic-Code: smtp; 552 5.2.2 mailbox full\r\n--d--\r\n", 1 },
		{ "another day", NOID_REPORT(NOID_DATE, "a@r.example"),
		  NOID_REPORT("Date: Sun, 29 Nov 2026 10:00:00 +0000\n", "a@r.example"), 0 },
		{ "another recipient", NOID_REPORT(NOID_DATE, "a@r.example"),
		  NOID_REPORT(NOID_DATE, "b@r.example"), 0 },
		{ "no date, the same body", NOID_TEXT("Subject: hello\n\nhi\n"),
		  NOID_TEXT("Subject: hello\n\nhi\n"), 1 },
		{ "no date, another returned message", NOID_TEXT("Subject: hello\n\nhi\n"),
		  NOID_TEXT("Subject: hello again\n\nhi\n"), 0 },
	};

	for (size_t i = 0; i < sizeof cases_ / sizeof cases_[0]; i++) {
		struct text a = { "", 0 }, b = { "", 0 };
		size_t na = 0, nb = 0;

		CU_ASSERT_EQUAL(quell_dsn_parse(cases_[i].a, strlen(cases_[i].a), digests, &a, &na), 0);
		CU_ASSERT_EQUAL(quell_dsn_parse(cases_[i].b, strlen(cases_[i].b), digests, &b, &nb), 0);
		if (na != 1 || nb != 1 || strncmp(a.buf, "digest:", 7) != 0 || strlen(a.buf) != 23 ||
		    (strcmp(a.buf, b.buf) == 0) != cases_[i].same)
			fprintf(stderr, "\n  case '%s': got %s and %s, want them %s\n", cases_[i].name,
			        a.buf, b.buf, cases_[i].same ? "equal" : "different");
		TU_EQ_INT(na, 1);
		TU_EQ_INT(nb, 1);
		CU_ASSERT(strncmp(a.buf, "digest:", 7) == 0 && strlen(a.buf) == 23);
		TU_EQ_INT(strcmp(a.buf, b.buf) == 0, cases_[i].same);
	}
}

/* Fail each allocation in turn: QUELL_ENOMEM, never a crash or a leak. */
static void test_alloc_failures(void)
{
	const char *m = cases[0].msg;
	size_t count;
	int rc, n = 0;

	for (long i = 1; i < 10; i++) {
		tu_alloc_fail_at(i);
		rc = quell_dsn_parse(m, strlen(m), stop_at_second, &n, &count);
		tu_alloc_fail_at(0);
		CU_ASSERT(rc == QUELL_ENOMEM || rc == 0 || rc == 42);
		n = 0;
	}
}

static CU_TestInfo dsn_tests[] = {
	{ "bounce shapes, one case each", test_cases },
	{ "fn stops the parse; bad arguments", test_stop_and_args },
	{ "limits: recipients, nesting, size", test_limits },
	{ "a report without a Message-ID: a stable digest", test_digest },
	{ "allocation failures", test_alloc_failures },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_dsn[] = {
	{ "dsn", NULL, NULL, NULL, NULL, dsn_tests },
	CU_SUITE_INFO_NULL,
};
