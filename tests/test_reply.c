/*
 * test_reply.c - quell__reply_parse against real replies: Gmail, Outlook
 * and Exchange Online, Yahoo, Postfix, Exim, qmail, sendmail, Exchange
 * 2003, Mimecast, Proofpoint, Barracuda, Spamhaus; DSN Diagnostic-Code
 * values; multi-line replies; statuses and texts alone; and the limits
 * (empty, NUL bytes, too long, small buffers, invalid UTF-8).
 *
 * The oracle is the replies themselves: code, status and text are what a
 * mail operator reads in them, written down by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "reply.h"
#include "testutil.h"

struct reply_case {
	const char *in;
	int code;
	const char *status;
	const char *text;
};

static const struct reply_case cases[] = {
	/* Gmail, physical multi-line reply (CRLF) */
	{ "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
	  "550-5.1.1 double-checking the recipient's email address for typos or\r\n"
	  "550-5.1.1 unnecessary spaces. Learn more at\r\n"
	  "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si1234567pfb.12 - gsmtp\r\n",
	  550, "5.1.1",
	  "The email account that you tried to reach does not exist. Please try double-checking "
	  "the recipient's email address for typos or unnecessary spaces. Learn more at "
	  "https://support.google.com/mail/?p=NoSuchUser a1si1234567pfb.12 - gsmtp" },
	/* the same as a DSN flattens it */
	{ "smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try "
	  "550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 "
	  "unnecessary spaces. Learn more at 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser "
	  "a1si1234567pfb.12 - gsmtp",
	  550, "5.1.1",
	  "The email account that you tried to reach does not exist. Please try double-checking "
	  "the recipient's email address for typos or unnecessary spaces. Learn more at "
	  "https://support.google.com/mail/?p=NoSuchUser a1si1234567pfb.12 - gsmtp" },
	/* Gmail DMARC, LF only, three-digit... two-digit detail */
	{ "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's\n"
	  "550-5.7.26 DMARC policy. Please contact the administrator of example.com domain\n"
	  "550 5.7.26 if this was a legitimate mail. - gsmtp",
	  550, "5.7.26",
	  "Unauthenticated email from example.com is not accepted due to domain's DMARC policy. "
	  "Please contact the administrator of example.com domain if this was a legitimate mail. "
	  "- gsmtp" },
	{ "421-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating\r\n"
	  "421 4.7.28 from your IP address. - gsmtp",
	  421, "4.7.28",
	  "Gmail has detected an unusual rate of unsolicited mail originating from your IP "
	  "address. - gsmtp" },
	{ "452-4.2.2 The recipient's inbox is out of storage space. Please direct the\r\n"
	  "452 4.2.2 recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp",
	  452, "4.2.2",
	  "The recipient's inbox is out of storage space. Please direct the recipient to "
	  "https://support.google.com/mail/?p=OverQuotaTemp - gsmtp" },
	/* Outlook / Exchange Online, three-digit details */
	{ "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
	  550, "5.1.10", "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup" },
	{ "550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this "
	  "list please visit https://sender.office.com",
	  550, "5.7.606",
	  "Access denied, banned sending IP [192.0.2.1]. To request removal from this list please "
	  "visit https://sender.office.com" },
	{ "451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (AS761)", 451,
	  "4.7.500", "Server busy. Please try again later from [192.0.2.1]. (AS761)" },
	{ "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your "
	  "Internet service provider since part of their network is on our block list (S3150).",
	  550, "5.7.1",
	  "Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet "
	  "service provider since part of their network is on our block list (S3150)." },
	{ "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302)", 550, "5.5.0",
	  "Requested action not taken: mailbox unavailable (S2017062302)" },
	/* Yahoo */
	{ "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume "
	  "or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
	  421, "4.7.0",
	  "[TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user "
	  "complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes" },
	{ "554 delivery error: dd This user doesn't have a yahoo.com account (x@yahoo.com) [0] - "
	  "mta1234.mail.gq1.yahoo.com",
	  554, "",
	  "delivery error: dd This user doesn't have a yahoo.com account (x@yahoo.com) [0] - "
	  "mta1234.mail.gq1.yahoo.com" },
	/* Postfix: reply, log line, DSN types */
	{ "550 5.1.1 <a@example.com>: Recipient address rejected: User unknown in local recipient "
	  "table",
	  550, "5.1.1", "<a@example.com>: Recipient address rejected: User unknown in local recipient "
	                "table" },
	{ "host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@example.com>: Recipient address "
	  "rejected: User unknown (in reply to RCPT TO command)",
	  550, "5.1.1",
	  "host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@example.com>: Recipient address "
	  "rejected: User unknown (in reply to RCPT TO command)" },
	{ "X-Postfix; Host or domain name not found. Name service error for name=nx.example type=A: "
	  "Host not found",
	  0, "", "Host or domain name not found. Name service error for name=nx.example type=A: "
	         "Host not found" },
	{ "smtp; 554 5.7.1 <a@example.com>: Relay access denied", 554, "5.7.1",
	  "<a@example.com>: Relay access denied" },
	{ "Diagnostic-Code: smtp; 550 5.1.1 user unknown", 550, "5.1.1", "user unknown" },
	{ "connect to mx.example.com[192.0.2.1]:25: Connection timed out", 0, "",
	  "connect to mx.example.com[192.0.2.1]:25: Connection timed out" },
	{ "delivery temporarily suspended: host mx.example.net[203.0.113.1] refused to talk to me: "
	  "421 Service not available, closing transmission channel",
	  421, "",
	  "delivery temporarily suspended: host mx.example.net[203.0.113.1] refused to talk to me: "
	  "421 Service not available, closing transmission channel" },
	/* Exim */
	{ "SMTP error from remote mail server after RCPT TO:<a@example.com>: 550 5.1.1 "
	  "<a@example.com>: Recipient address rejected: User unknown",
	  550, "5.1.1",
	  "SMTP error from remote mail server after RCPT TO:<a@example.com>: 550 5.1.1 "
	  "<a@example.com>: Recipient address rejected: User unknown" },
	{ "550-Verification failed for <s@example.org>\n550-Called: 192.0.2.1\n"
	  "550-Sent: RCPT TO:<s@example.org>\n550 Sender verify failed",
	  550, "",
	  "Verification failed for <s@example.org> Called: 192.0.2.1 Sent: RCPT TO:<s@example.org> "
	  "Sender verify failed" },
	{ "SMTP error from remote mail server after end of data: 553 neko.example.com does not exist",
	  553, "", "SMTP error from remote mail server after end of data: 553 neko.example.com does "
	           "not exist" },
	/* qmail and vpopmail: status late, in (#...) */
	{ "Sorry, no mailbox here by that name. (#5.1.1)", 0, "5.1.1",
	  "Sorry, no mailbox here by that name. (#5.1.1)" },
	{ "Sorry, I couldn't find any host named nx.example. (#5.1.2)", 0, "5.1.2",
	  "Sorry, I couldn't find any host named nx.example. (#5.1.2)" },
	{ "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", 553, "5.7.1",
	  "sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)" },
	{ "mail.example.org[192.0.2.1] responded with failure: 552 sorry, mailbox a@example.org is "
	  "over quota temporarily (#5.1.1)",
	  552, "5.1.1",
	  "mail.example.org[192.0.2.1] responded with failure: 552 sorry, mailbox a@example.org is "
	  "over quota temporarily (#5.1.1)" },
	/* Exchange 2003 and other status-first forms */
	{ "#5.1.0 Address rejected", 0, "5.1.0", "Address rejected" },
	{ "5.1.1 user unknown", 0, "5.1.1", "user unknown" },
	{ "5.7.1", 0, "5.7.1", "" },
	/* sendmail, doubled codes, odd separators */
	{ "550 5.1.1 <a@example.jp>... User Unknown", 550, "5.1.1", "<a@example.jp>... User Unknown" },
	{ "554 554 5.7.1 Service unavailable; Client host [192.0.2.49] blocked using cbl.abuseat.org",
	  554, "5.7.1", "Service unavailable; Client host [192.0.2.49] blocked using cbl.abuseat.org" },
	{ "550 - Requested action not taken: no such user here", 550, "",
	  "Requested action not taken: no such user here" },
	{ "550: 5.1.1 <a@example.jp>... User Unknown", 550, "5.1.1", "<a@example.jp>... User Unknown" },
	{ "550 Unknown user a@example.jp . (#5.5.0)", 550, "5.5.0",
	  "Unknown user a@example.jp . (#5.5.0)" },
	/* Mimecast, Proofpoint, Barracuda, Spamhaus */
	{ "550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550", 550, "",
	  "Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550" },
	{ "554 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.1", 554, "",
	  "Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.1" },
	{ "554 Service unavailable; Client host [192.0.2.1] blocked using Barracuda Reputation, "
	  "https://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.1",
	  554, "",
	  "Service unavailable; Client host [192.0.2.1] blocked using Barracuda Reputation, "
	  "https://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.1" },
	{ "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; "
	  "https://www.spamhaus.org/query/ip/192.0.2.1",
	  554, "5.7.1",
	  "Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; "
	  "https://www.spamhaus.org/query/ip/192.0.2.1" },
	/* RFC 7505 null MX, RFC 3463 corners */
	{ "556 5.1.10 Recipient address has null MX", 556, "5.1.10", "Recipient address has null MX" },
	{ "250 2.1.5 Ok", 250, "2.1.5", "Ok" },
	{ "550 4.2.2 mailbox full", 550, "4.2.2", "mailbox full" }, /* disagreeing, kept */
	{ "550", 550, "", "" },
	{ "user unknown", 0, "", "user unknown" },
	{ "550 5.1.1000 too long a detail", 550, "", "5.1.1000 too long a detail" },
	{ "550 5.1.1.2 a version, not a status", 550, "", "5.1.1.2 a version, not a status" },
	{ "550 mail from 192.0.2.1 refused", 550, "", "mail from 192.0.2.1 refused" },
	{ "550 user unknown (#4.2.1)", 550, "", "user unknown (#4.2.1)" }, /* class differs */
	{ "Message size: 552 bytes over", 0, "", "Message size: 552 bytes over" },
	/* after "(...):" only when the word before the brackets introduces
	 * a reply; a message's size is no reply code */
	{ "SMTP Error (state 9): 550 No such user", 550, "", "SMTP Error (state 9): 550 No such user" },
	{ "RCPT TO: a@b.example Size (in bytes): 222 Number of lines: 2", 0, "",
	  "RCPT TO: a@b.example Size (in bytes): 222 Number of lines: 2" },
	/* white space and control bytes fold to one space */
	{ "  550\t5.1.1\r\n  user\x01\x7f unknown  \r\n", 550, "5.1.1", "user unknown" },
	/* bytes that are not UTF-8 stay as they came */
	{ "550 5.1.1 Empf\xe4nger unbekannt", 550, "5.1.1", "Empf\xe4nger unbekannt" },
};

static void test_reply_table(void)
{
	char buf[QUELL__REPLY_IN_MAX + 1], err[128];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct reply_case *c = &cases[i];
		struct quell__reply r;
		int rc = quell__reply_parse(c->in, strlen(c->in), buf, sizeof buf, &r, err, sizeof err);
		int ok = rc == 0 && r.code == c->code && strcmp(r.status, c->status) == 0 &&
		         strcmp(r.text, c->text) == 0 && r.text_len == strlen(c->text);

		if (!ok)
			fprintf(stderr, "\ncase %zu: %.60s\n  got  rc=%d code=%d status=\"%s\" text=\"%s\"\n"
			                "  want rc=0 code=%d status=\"%s\" text=\"%s\"\n",
			        i, c->in, rc, r.code, r.status, rc == 0 ? r.text : err, c->code, c->status,
			        c->text);
		CU_ASSERT(ok);
	}
}

/* klass, subject and detail agree with the status string, -1 without one */
static void test_reply_parts(void)
{
	static const struct {
		const char *in;
		int k, s, d;
	} t[] = {
		{ "550 5.7.606 x", 5, 7, 606 }, { "451 4.7.500 x", 4, 7, 500 },
		{ "556 5.1.10 x", 5, 1, 10 },   { "550 x", -1, -1, -1 },
		{ "2.0.0 ok", 2, 0, 0 },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct quell__reply r;

		CU_ASSERT_EQUAL_FATAL(quell__reply_parse(t[i].in, strlen(t[i].in), buf, sizeof buf, &r,
		                                         NULL, 0), 0);
		if (r.klass != t[i].k || r.subject != t[i].s || r.detail != t[i].d)
			fprintf(stderr, "\n%s: got %d.%d.%d want %d.%d.%d\n", t[i].in, r.klass, r.subject,
			        r.detail, t[i].k, t[i].s, t[i].d);
		CU_ASSERT(r.klass == t[i].k && r.subject == t[i].s && r.detail == t[i].d);
	}
}

static void test_reply_errors(void)
{
	static const struct {
		const char *in;
		size_t len;
		int rc;
		const char *err;
	} t[] = {
		{ "", 0, QUELL_EDATA, "empty reply" },
		{ " \r\n\t ", 5, QUELL_EDATA, "empty reply" },
		{ "smtp;", 5, QUELL_EDATA, "empty reply" },
		{ "550 a\0b", 7, QUELL_EDATA, "reply contains a NUL byte at offset 5" },
	};
	char buf[64], err[128];
	struct quell__reply r;
	char *big;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc = quell__reply_parse(t[i].in, t[i].len, buf, sizeof buf, &r, err, sizeof err);

		if (rc != t[i].rc || strcmp(err, t[i].err) != 0)
			fprintf(stderr, "\ncase %zu: got %d \"%s\" want %d \"%s\"\n", i, rc, err, t[i].rc,
			        t[i].err);
		CU_ASSERT(rc == t[i].rc && strcmp(err, t[i].err) == 0);
		CU_ASSERT(r.code == 0 && r.status[0] == '\0' && r.klass == -1);
	}
	big = malloc(QUELL__REPLY_IN_MAX + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'x', QUELL__REPLY_IN_MAX + 1);
	CU_ASSERT_EQUAL(quell__reply_parse(big, QUELL__REPLY_IN_MAX + 1, buf, sizeof buf, &r, err,
	                                   sizeof err), QUELL_EDATA);
	CU_ASSERT_STRING_EQUAL(err, "reply longer than 8192 bytes");
	/* exactly the limit is fine, and the buffer truncates */
	CU_ASSERT_EQUAL(quell__reply_parse(big, QUELL__REPLY_IN_MAX, buf, sizeof buf, &r, NULL, 0), 0);
	CU_ASSERT_EQUAL(r.text_len, sizeof buf - 1);
	free(big);
	CU_ASSERT_EQUAL(quell__reply_parse("550", 3, NULL, 10, &r, err, sizeof err), QUELL_EINVAL);
	CU_ASSERT_EQUAL(quell__reply_parse("550", 3, buf, 0, &r, NULL, 0), QUELL_EINVAL);
	CU_ASSERT_EQUAL(quell__reply_parse(NULL, 3, buf, sizeof buf, &r, NULL, 0), QUELL_EINVAL);
	CU_ASSERT_EQUAL(quell__reply_parse("550", 3, buf, sizeof buf, NULL, NULL, 0), QUELL_EINVAL);
}

/* A small buffer cuts the text at a character boundary; code and status
 * still come from the whole input. */
static void test_reply_truncate(void)
{
	const char *in = "550 5.1.1 ab\xc3\xa9\xc3\xa9 end (#5.1.1)";
	struct quell__reply r;
	char buf[8];

	for (size_t size = 1; size <= sizeof buf; size++) {
		memset(buf, '#', sizeof buf);
		CU_ASSERT_EQUAL_FATAL(quell__reply_parse(in, strlen(in), buf, size, &r, NULL, 0), 0);
		CU_ASSERT_EQUAL(r.code, 550);
		CU_ASSERT_STRING_EQUAL(r.status, "5.1.1");
		CU_ASSERT(r.text_len < size && r.text[r.text_len] == '\0');
		CU_ASSERT(strncmp(r.text, "ab\xc3\xa9\xc3\xa9 end", r.text_len) == 0);
		/* never half a character: the length stops before or after é */
		CU_ASSERT(r.text_len != 3 && r.text_len != 5);
	}
	/* a text cut to nothing is not an empty reply (found by fuzz_reply) */
	CU_ASSERT_EQUAL(quell__reply_parse("user unknown", 12, buf, 1, &r, NULL, 0), 0);
	CU_ASSERT_EQUAL(r.text_len, 0);
	CU_ASSERT_STRING_EQUAL(r.text, "");
	/* a NULL input of length 0 is an empty reply, not a crash */
	CU_ASSERT_EQUAL(quell__reply_parse(NULL, 0, buf, sizeof buf, &r, NULL, 0), QUELL_EDATA);
}

/* The input need not be NUL-terminated: only len bytes are read. */
static void test_reply_not_terminated(void)
{
	char in[9] = { '5', '5', '0', ' ', '5', '.', '1', '.', '1' };
	struct quell__reply r;
	char buf[32];

	CU_ASSERT_EQUAL_FATAL(quell__reply_parse(in, 7, buf, sizeof buf, &r, NULL, 0), 0);
	CU_ASSERT_EQUAL(r.code, 550);
	CU_ASSERT_STRING_EQUAL(r.status, "");
	CU_ASSERT_STRING_EQUAL(r.text, "5.1");
	CU_ASSERT_EQUAL_FATAL(quell__reply_parse(in, sizeof in, buf, sizeof buf, &r, NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(r.status, "5.1.1");
}

/* quell__reply_parse_parts: a code and status given apart read as though
 * they led the text.  The oracle is that sentence: the parts written
 * before the text in one string (the code unless the text starts with it,
 * the status unless the text holds it, the whole cut at 8192 bytes) and
 * given to quell__reply_parse.  Every combination of odd and plain parts. */
static void test_reply_given_apart(void)
{
	static const int codes[] = { 0, 250, 421, 450, 550, 554, 605, 5, 999, 100 };
	static const char *const statuses[] = { "",      "5.1.1",   "4.2.2", "5.7.1", "#5.1.0",
		                                "hard",  "550",     " 5.1.1", "5.1.1.1", "5.1",
		                                "5.1.1-", "smtp" };
	static const char *const texts[] = {
		"", "  ", "user unknown", "550 5.1.1 user unknown", "550-5.1.1 first\r\n550 5.1.1 second",
		"5.1.1 user unknown", "smtp; 550 5.1.1 no such user", "host said: 550 no (#5.1.2)",
		" 550 x", "550abc", ": x", "- user unknown", "554 554 5.7.1 blocked",
		"450 4.2.2 mailbox full", "421 try later", "#5.1.0 Address rejected", "605",
		"Not delivering to previously bounced address", "550", "4.2.2", "; smtp; 5.1.1",
	};
	char *big = malloc(QUELL__REPLY_IN_MAX + 100);
	size_t nt = sizeof texts / sizeof texts[0];

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'x', QUELL__REPLY_IN_MAX + 99);
	memcpy(big, "user unknown ", 13);
	big[QUELL__REPLY_IN_MAX + 99] = '\0';
	for (size_t c = 0; c < sizeof codes / sizeof codes[0]; c++)
		for (size_t s = 0; s < sizeof statuses / sizeof statuses[0]; s++)
			for (size_t t = 0; t <= nt; t++) {
				const char *text = t < nt ? texts[t] : big, *st = statuses[s];
				static char whole[QUELL__REPLY_IN_MAX + 1], wbuf[QUELL__REPLY_IN_MAX + 1],
				        gbuf[QUELL__REPLY_IN_MAX + 1];
				char lead[QUELL__REPLY_LEAD_MAX], werr[128] = "", gerr[128] = "";
				struct quell__reply want, got;
				size_t n = 0;
				int wrc, grc;

				if (codes[c] && !(text[0] >= '2' && text[0] <= '5' && atoi(text) == codes[c]))
					n += (size_t)snprintf(whole, sizeof whole, "%d ", codes[c]);
				if (st[0] && strstr(text, st) == NULL)
					n += (size_t)snprintf(whole + n, sizeof whole - n, "%s ", st);
				snprintf(whole + n, sizeof whole - n, "%s", text);
				TU_EQ_INT(quell__reply_lead(codes[c], st, text, lead, sizeof lead), n);
				CU_ASSERT(strncmp(lead, whole, n) == 0 && lead[n] == '\0');
				wrc = quell__reply_parse(whole, strlen(whole), wbuf, sizeof wbuf, &want, werr,
				                         sizeof werr);
				grc = quell__reply_parse_parts(codes[c], st, text, gbuf, sizeof gbuf, &got,
				                               gerr, sizeof gerr);
				if (grc != wrc || got.code != want.code || strcmp(got.status, want.status) ||
				    got.klass != want.klass || got.subject != want.subject ||
				    got.detail != want.detail || got.text_len != want.text_len ||
				    strcmp(got.text, want.text) || strcmp(gerr, werr)) {
					fprintf(stderr, "\n  %d '%s' '%.40s': got %d %d '%s' '%.40s', want %d %d "
					        "'%s' '%.40s'\n", codes[c], st, text, grc, got.code, got.status,
					        got.text, wrc, want.code, want.status, want.text);
					CU_FAIL("parts parse differs from the parse of the whole");
				}
			}
	free(big);
	{	/* a lead cut at its buffer, as snprintf would */
		char small[5] = "zzzz";

		TU_EQ_INT(quell__reply_lead(550, "5.1.1", "x", small, 4), 3);
		TU_EQ_STR(small, "550");
		TU_EQ_INT(quell__reply_lead(-12, "", "x", small, sizeof small), 4);
		TU_EQ_STR(small, "-12 ");
		TU_EQ_INT(quell__reply_lead(550, "", "x", small, 0), 0);
	}
}

static CU_TestInfo reply_tests[] = {
	{ "real replies: code, status, text", test_reply_table },
	{ "status parts", test_reply_parts },
	{ "empty, NUL, too long, bad arguments", test_reply_errors },
	{ "small buffers cut at a character", test_reply_truncate },
	{ "input without a terminating NUL", test_reply_not_terminated },
	{ "code and status given apart", test_reply_given_apart },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_reply[] = {
	{ "reply", NULL, NULL, NULL, NULL, reply_tests },
	CU_SUITE_INFO_NULL,
};
