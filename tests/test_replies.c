/*
 * test_replies.c - the default policy compiled in from config/rules.yaml:
 * it loads, its shape is sound (known categories, a final catch-all), and
 * a table of real replies, written from what the big mailbox providers,
 * MTAs and filters actually send, gets the decision an experienced mail
 * operator would make.  test_eval.c measures the same rules on a sample
 * nobody here wrote.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "prefilter_check.h"
#include "reply.h"
#include "rules.h"
#include "testutil.h"

enum { SUP = QUELL_ACTION_SUPPRESS, BACK = QUELL_ACTION_BACKOFF, CNT = QUELL_ACTION_COUNT,
       CLR = QUELL_ACTION_CLEAR, IGN = QUELL_ACTION_IGNORE };
enum { ADDR = QUELL_SCOPE_ADDRESS, DOM = QUELL_SCOPE_DOMAIN };

struct policy_case {
	const char *reply;
	int action, scope; /* scope checked for suppress and backoff only */
	const char *category, *rule;
};

static const struct policy_case cases[] = {
	/* Gmail */
	{ "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
	  "550 5.1.1 double-checking the recipient's email address - gsmtp",
	  SUP, ADDR, "bad-mailbox", "user-unknown" },
	{ "550-5.2.1 The email account that you tried to reach is disabled. Learn more at\r\n"
	  "550 5.2.1 https://support.google.com/mail/?p=DisabledUser - gsmtp",
	  SUP, ADDR, "inactive-mailbox", "inactive-mailbox-text" },
	{ "552-5.2.2 The email account that you tried to reach is over quota. Please direct\r\n"
	  "552 5.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaPerm - gsmtp",
	  CNT, 0, "quota", "mailbox-full" },
	{ "452-4.2.2 The recipient's inbox is out of storage space. - gsmtp", CNT, 0, "quota",
	  "mailbox-full" },
	{ "550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail\r\n"
	  "550 5.7.26 requires all senders to authenticate with either SPF or DKIM. - gsmtp",
	  IGN, 0, "policy", "authentication-status" },
	{ "550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited\r\n"
	  "550 5.7.1 mail. To reduce the amount of spam sent to Gmail, this message has been blocked.",
	  IGN, 0, "spam", "policy-spam" },
	{ "421-4.7.28 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail\r\n"
	  "421 4.7.28 originating from your IP address. - gsmtp",
	  BACK, DOM, "transient", "service-unavailable" },
	{ "450-4.2.1 The user you are trying to contact is receiving mail too quickly. - gsmtp",
	  BACK, ADDR, "transient", "transient" },
	{ "550-5.2.1 The user you are trying to contact is receiving mail at a rate that\r\n"
	  "550 5.2.1 prevents additional messages from being delivered. - gsmtp",
	  BACK, ADDR, "transient", "recipient-rate-limited" },
	{ "552-5.7.0 This message was blocked because its content presents a potential\r\n"
	  "552 5.7.0 security issue. - gsmtp",
	  IGN, 0, "content", "policy-content" },
	{ "550 5.4.5 Daily user sending quota exceeded. - gsmtp", IGN, 0, "policy", "about-sender" },
	{ "550-5.7.25 [192.0.2.1] The IP address sending this message does not have a PTR\r\n"
	  "550 5.7.25 record setup - gsmtp",
	  IGN, 0, "policy", "authentication-status" },
	{ "250 2.0.0 OK  1700000000 a1si1234567pfb.12 - gsmtp", CLR, 0, "delivered", "delivered" },
	/* content filters that say "Unknown user" (Japanese carriers, appliances) */
	{ "550 Unknown user someone@mobile.example.ne.jp", CNT, 0, "bad-mailbox",
	  "filter-unknown-user" },
	{ "550 unknown user <someone@example.com>", CNT, 0, "bad-mailbox", "filter-unknown-user" },
	/* ... but the same words with a status, or said more fully, are a dead mailbox */
	{ "550 Unknown user someone@example.ne.jp . (#5.5.0)", SUP, ADDR, "bad-mailbox",
	  "user-unknown-text" },
	{ "550 <someone@example.org>: User unknown", SUP, ADDR, "bad-mailbox",
	  "user-unknown-text" },
	/* Outlook.com and Exchange Online */
	{ "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302)", SUP, ADDR,
	  "bad-mailbox", "mailbox-unavailable-text" },
	{ "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
	  SUP, ADDR, "bad-mailbox", "user-unknown-text" },
	{ "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) "
	  "[DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com]",
	  SUP, ADDR, "bad-mailbox", "recipient-not-in-directory" },
	{ "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.",
	  IGN, 0, "policy", "policy" },
	{ "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your "
	  "Internet service provider since part of their network is on our block list (S3150).",
	  IGN, 0, "policy", "policy" },
	{ "451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (AS761)", BACK, DOM,
	  "transient", "throttled" },
	{ "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP "
	  "reputation.",
	  BACK, DOM, "transient", "throttled" },
	{ "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException."
	  "MapiExceptionShutoffQuotaExceeded",
	  CNT, 0, "quota", "mailbox-full" },
	{ "550 5.7.509 Access denied, sending domain [EXAMPLE.COM] does not pass DMARC verification",
	  IGN, 0, "policy", "authentication-status" },
	{ "#550 5.1.1 RESOLVER.ADR.ExRecipNotFound; not found ##", SUP, ADDR, "bad-mailbox",
	  "user-unknown" },
	{ "550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized", IGN, 0, "policy", "policy" },
	/* Yahoo and AOL */
	{ "554 delivery error: dd This user doesn't have a yahoo.com account (x@yahoo.com) [0] - "
	  "mta1234.mail.gq1.yahoo.com",
	  SUP, ADDR, "bad-mailbox", "user-unknown-text" },
	{ "554 delivery error: dd Sorry your message to x@yahoo.com cannot be delivered. This "
	  "mailbox is disabled (554.30). - mta1234.mail.gq1.yahoo.com",
	  SUP, ADDR, "inactive-mailbox", "inactive-mailbox-text" },
	{ "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume "
	  "or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
	  BACK, DOM, "transient", "service-unavailable" },
	{ "553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying "
	  "will NOT succeed. See https://postmaster.yahooinc.com/error-codes",
	  IGN, 0, "policy", "policy" },
	{ "451 Message temporarily deferred - [160]", BACK, DOM, "transient", "throttled-text" },
	{ "552 1 Requested mail action aborted, mailbox not found", SUP, ADDR, "bad-mailbox",
	  "user-unknown-text" },
	/* Postfix */
	{ "550 5.1.1 <x@example.com>: Recipient address rejected: User unknown in virtual mailbox "
	  "table",
	  SUP, ADDR, "bad-mailbox", "user-unknown" },
	{ "X-Postfix; Host or domain name not found. Name service error for name=nx.example type=A: "
	  "Host not found",
	  SUP, DOM, "bad-domain", "bad-domain-text" },
	{ "X-Postfix; Host or domain name not found. Name service error for name=example.com "
	  "type=MX: Host not found, try again",
	  BACK, DOM, "transient", "transient-text" },
	{ "X-Postfix; mail for example.com loops back to myself", IGN, 0, "routing", "routing" },
	{ "smtp; 554 5.7.1 <x@example.com>: Relay access denied", IGN, 0, "routing", "policy-relay" },
	{ "450 4.7.1 <x@example.com>: Recipient address rejected: Greylisted, see "
	  "http://postgrey.schweikert.ch/help/example.com.html",
	  BACK, ADDR, "transient", "greylisted" },
	{ "connect to mx.example.com[192.0.2.1]:25: Connection refused", BACK, DOM, "transient",
	  "transient-text" },
	{ "553 5.1.8 <s@example.org>: Sender address rejected: Domain not found", IGN, 0, "policy",
	  "sender-rejected" },
	{ "550 5.1.0 <s@example.org>: Sender address rejected: User unknown in local recipient "
	  "table",
	  IGN, 0, "policy", "sender-rejected" },
	/* Exim */
	{ "SMTP error from remote mail server after RCPT TO:<x@example.com>: 550 Unrouteable "
	  "address",
	  SUP, ADDR, "bad-domain", "unroutable" },
	{ "all relevant MX records point to non-existent hosts", SUP, DOM, "bad-domain",
	  "bad-domain-text" },
	{ "550-Verification failed for <s@example.org>\n550-Unrouteable address\n"
	  "550 Sender verify failed",
	  IGN, 0, "policy", "sender-rejected" },
	{ "550 Administrative prohibition", IGN, 0, "policy", "policy-text" },
	/* qmail and vpopmail */
	{ "Sorry, no mailbox here by that name. (#5.1.1)", SUP, ADDR, "bad-mailbox",
	  "user-unknown-text" },
	{ "Sorry, I couldn't find any host named nx.example. (#5.1.2)", SUP, DOM, "bad-domain",
	  "bad-domain-status" },
	{ "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)", BACK, DOM, "transient",
	  "remote-trouble" },
	{ "The users mailfolder is over the allowed quota (size). (#5.2.2)", CNT, 0, "quota",
	  "mailbox-full" },
	{ "552 sorry, mailbox x@example.org is over quota temporarily (#5.1.1)", CNT, 0, "quota",
	  "mailbox-full-text" },
	{ "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", IGN, 0,
	  "routing", "policy-relay" },
	/* sendmail */
	{ "550 5.1.1 <x@example.com>... User unknown", SUP, ADDR, "bad-mailbox", "user-unknown" },
	{ "550 Host unknown (Authoritative answer from name server)", SUP, DOM, "bad-domain",
	  "bad-domain-text" },
	{ "553 5.1.8 <s@x.example>... Domain of sender address s@x.example does not exist", IGN, 0,
	  "policy", "sender-rejected" },
	/* filters: Mimecast, Proofpoint, Barracuda, Spamhaus, SpamCop */
	{ "550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550", SUP, ADDR,
	  "bad-mailbox", "user-unknown-text" },
	{ "550 Rejected by header based Anti-Spoofing policy: s@example.org - "
	  "https://community.mimecast.com/docs/DOC-1369#550",
	  IGN, 0, "policy", "policy-text" },
	{ "554 Host network not allowed - https://community.mimecast.com/docs/DOC-1369#554", IGN, 0,
	  "policy", "about-sender" },
	{ "451 Internal resource temporarily unavailable - "
	  "https://community.mimecast.com/docs/DOC-1369#451",
	  BACK, ADDR, "transient", "transient" },
	{ "554 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.1", IGN, 0,
	  "policy", "about-sender" },
	{ "554 Service unavailable; Client host [192.0.2.1] blocked using Barracuda Reputation, "
	  "https://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.1",
	  IGN, 0, "policy", "about-sender" },
	{ "550 permanent failure for one or more recipients (x@example.com:blocked)", IGN, 0,
	  "policy", "about-sender" },
	{ "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; "
	  "https://www.spamhaus.org/query/ip/192.0.2.1",
	  IGN, 0, "policy", "policy" },
	{ "Client host [192.0.2.1] blocked using zen.spamhaus.org", IGN, 0, "policy",
	  "about-sender" },
	{ "550 Service unavailable; Client host [192.0.2.1] blocked using bl.spamcop.net", IGN, 0,
	  "policy", "about-sender" },
	/* other providers */
	{ "550 5.7.1 No such user!", SUP, ADDR, "bad-mailbox", "user-unknown-text" }, /* Yandex */
	{ "550 Message was not accepted -- invalid mailbox. Local mailbox x@mail.ru is "
	  "unavailable: user not found",
	  SUP, ADDR, "bad-mailbox", "user-unknown-text" },
	{ "550 Not our Customer", SUP, ADDR, "bad-mailbox", "user-unknown-text" }, /* Comcast */
	{ "554 5.7.1 [CS01] Message rejected due to local policy.", IGN, 0, "policy", "policy" },
	{ "550 5.7.1 Connections not accepted from servers without a valid sender domain.flph840 "
	  "Fix reverse DNS for 192.0.2.1",
	  IGN, 0, "policy", "sender-rejected" },
	{ "554-gmx.net (mxgmx114) Nemesis ESMTP Service not available\r\n554-No SMTP service\r\n"
	  "554 IP address is block listed.",
	  IGN, 0, "policy", "about-sender" },
	/* null MX, hosts that take no mail */
	{ "556 5.1.10 Recipient address has null MX", SUP, DOM, "bad-domain", "null-mx" },
	{ "550 5.1.10 Recipient address has null MX", SUP, DOM, "bad-domain", "null-mx-status" },
	{ "521 5.3.2 mx.example.com does not accept mail", SUP, DOM, "bad-domain",
	  "null-mx" },
	/* full mailboxes in several languages */
	{ "552 5.2.2 Boite du destinataire pleine.", CNT, 0, "quota", "mailbox-full" },
	{ "Boîte aux lettres pleine", CNT, 0, "quota", "mailbox-full-text" },
	{ "550 Postfach voll", CNT, 0, "quota", "mailbox-full-text" },
	{ "552 Buzón lleno", CNT, 0, "quota", "mailbox-full-text" },
	{ "552 Casella piena", CNT, 0, "quota", "mailbox-full-text" },
	{ "Caixa postal cheia", CNT, 0, "quota", "mailbox-full-text" },
	{ "Почтовый ящик переполнен", CNT, 0, "quota", "mailbox-full-text" },
	{ "メールボックスがいっぱいです", CNT, 0, "quota", "mailbox-full-text" },
	{ "收件人邮箱已满", CNT, 0, "quota", "mailbox-full-text" },
	{ "452 4.2.2 Mailbox full", CNT, 0, "quota", "mailbox-full" },
	{ "452 Mailbox is full", CNT, 0, "quota", "mailbox-full-temporary" },
	{ "550 5.2.2 Mailbox quota exceeded", CNT, 0, "quota", "mailbox-full" },
	/* unknown users in several languages */
	{ "550 Benutzer unbekannt", SUP, ADDR, "bad-mailbox", "user-unknown-text" },
	{ "550 Usuario desconocido", SUP, ADDR, "bad-mailbox", "user-unknown-text" },
	{ "550 Utente sconosciuto", SUP, ADDR, "bad-mailbox", "user-unknown-text" },
	{ "550 Destinataire inconnu", SUP, ADDR, "bad-mailbox", "user-unknown-text" },
	{ "Пользователь не найден", SUP, ADDR, "bad-mailbox", "user-unknown-text" },
	/* protocol and bare codes */
	{ "500 5.5.1 Command unrecognized", IGN, 0, "protocol", "protocol-text" },
	{ "503 Error: need RCPT command", IGN, 0, "protocol", "syntax-error" },
	{ "530 5.7.0 Must issue a STARTTLS command first", IGN, 0, "policy", "policy" },
	{ "550", CNT, 0, "bad-mailbox", "mailbox-unavailable" },
	{ "551 User not local; please try <x@example.org>", SUP, ADDR, "bad-mailbox",
	  "user-unknown-text" },
	{ "551 5.1.6 forwarded", SUP, ADDR, "bad-mailbox", "bad-mailbox-status" },
	{ "551 no further reason", CNT, 0, "bad-mailbox", "mailbox-unavailable" },
	{ "552 Requested mail action aborted: exceeded storage allocation", CNT, 0, "quota",
	  "mailbox-full-text" },
	{ "553 Requested action not taken: mailbox name not allowed", SUP, ADDR, "bad-mailbox",
	  "user-unknown-text" },
	{ "554", IGN, 0, "other", "transaction-failed" },
	{ "554 Transaction failed", IGN, 0, "other", "transaction-failed" },
	{ "421", BACK, DOM, "transient", "service-unavailable" },
	{ "450", BACK, ADDR, "transient", "transient" },
	{ "557 something new", IGN, 0, "other", "other-permanent" },
	/* text and status weighed: the text blames us, the status the mailbox */
	{ "550 5.1.1 <x@example.com>: Relay access denied", IGN, 0, "routing", "routing" },
	{ "550 5.1.1 Sending rate limit exceeded, try again tomorrow", BACK, DOM, "transient",
	  "rate-limited" },
	{ "550 5.1.1 Only members of the group may post to it", IGN, 0, "policy", "group-posting" },
	{ "550 5.1.1 Bad sequence of commands", IGN, 0, "protocol", "protocol-text" },
	/* ... the text says the mailbox is gone, the status says policy */
	{ "554 5.7.1 <x@example.com>: Recipient address rejected: User unknown", SUP, ADDR,
	  "bad-mailbox", "user-unknown-text" },
	{ "550 5.7.504 Recipient address rejected: Access denied", SUP, ADDR, "bad-mailbox",
	  "recipient-not-in-directory" },
	/* ... and when the same text also blames us: count */
	{ "550 5.7.1 User unknown; your IP 192.0.2.1 is on our block list", CNT, 0, "bad-mailbox",
	  "conflicting-evidence" },
	{ "554 Helo command rejected: Host not found", IGN, 0, "policy", "about-sender" },
	/* a 4xx user unknown is a soft bounce: it counts */
	{ "450 4.1.1 <x@example.com>: Recipient address rejected: User unknown in local recipient "
	  "table",
	  CNT, 0, "bad-mailbox", "soft-user-unknown" },
	{ "451 Recipient address rejected: User unknown", CNT, 0, "bad-mailbox",
	  "soft-user-unknown-text" },
	{ "4.1.1", CNT, 0, "bad-mailbox", "soft-user-unknown" },
	/* suspended is a state that can be undone: count */
	{ "550 5.1.1 Suspended user", CNT, 0, "inactive-mailbox", "suspended-mailbox-text" },
	{ "554 This account has been temporarily disabled", CNT, 0, "inactive-mailbox",
	  "suspended-mailbox-text" },
	/* the domain in words, and the null MX status */
	/* "HOST does not exist" alone names no side: SoftBank and J:COM say it of
	 * the sender's domain, an Exim bounce of a host that was not the
	 * recipient's: the bare 553 counts */
	{ "553 nx.example does not exist", CNT, 0, "bad-mailbox", "mailbox-unavailable" },
	{ "DNS Error: DNS server returned answer with no data", SUP, DOM, "bad-domain",
	  "bad-domain-text" },
	{ "550 5.4.310 DNS domain nx.example does not exist", SUP, DOM, "bad-domain",
	  "bad-domain-text" },
	{ "5.1.10", SUP, DOM, "bad-domain", "null-mx-status" },
	{ "5.4.4", CNT, 0, "bad-domain", "unable-to-route" },
	/* texts alone */
	{ "user unknown", SUP, ADDR, "bad-mailbox", "user-unknown-text" },
	{ "Connection timed out", BACK, DOM, "transient", "transient-text" },
	{ "something nobody has ever said", IGN, 0, "other", "unclassified" },
};

/* The defaults load, every category is one the contract lists, count
 * rules have their numbers, and the last rule takes every reply. */
static void test_policy_shape(void)
{
	static const char *const categories[] = { "bad-mailbox", "bad-domain", "inactive-mailbox",
		                                  "quota",       "policy",     "spam",
		                                  "content",     "protocol",   "routing",
		                                  "transient",   "delivered",  "other" };
	struct quell__rules *r = tu_default_rules();
	const struct quell__rule *last;
	struct quell__reply empty;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(quell__rules_count(r) > 40);
	for (size_t i = 0; i < quell__rules_count(r); i++) {
		const struct quell__rule *rule = quell__rules_at(r, i);
		size_t c = 0;

		while (c < sizeof categories / sizeof categories[0] &&
		       strcmp(categories[c], rule->category) != 0)
			c++;
		if (c == sizeof categories / sizeof categories[0] || !rule->category_set)
			fprintf(stderr, "\nrule %s: category '%s'\n", rule->name, rule->category);
		CU_ASSERT(c < sizeof categories / sizeof categories[0] && rule->category_set);
		if (rule->action == QUELL_ACTION_COUNT)
			CU_ASSERT(rule->threshold > 0 && rule->window > 0);
	}
	last = quell__rules_at(r, quell__rules_count(r) - 1);
	CU_ASSERT_STRING_EQUAL(last->name, "unclassified");
	memset(&empty, 0, sizeof empty);
	empty.klass = empty.subject = empty.detail = -1;
	empty.text = "";
	CU_ASSERT_PTR_EQUAL(quell__rules_match(r, &empty, NULL), last);
	CU_ASSERT_EQUAL(quell__rules_backoff(r)->initial, 15 * 60);
	CU_ASSERT_EQUAL(quell__rules_backoff(r)->give_up_after, 5 * 86400);
	/* big providers are protected, with their subdomains */
	CU_ASSERT(quell__rules_protected(r, "gmail.com"));
	CU_ASSERT(quell__rules_protected(r, "outlook.com"));
	CU_ASSERT(quell__rules_protected(r, "yahoo.com"));
	CU_ASSERT(quell__rules_protected(r, "mail.google.com"));
	CU_ASSERT(!quell__rules_protected(r, "example.com"));
	quell__rules_unref(r);
}

static void test_policy_table(void)
{
	struct quell__rules *r = tu_default_rules();
	char buf[QUELL__REPLY_IN_MAX + 1];

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct policy_case *c = &cases[i];
		const struct quell__rule *rule = NULL;
		struct quell__reply rp;
		int ok;

		if (quell__reply_parse(c->reply, strlen(c->reply), buf, sizeof buf, &rp, NULL, 0) == 0)
			rule = quell__rules_match(r, &rp, "example.com");
		ok = rule != NULL && rule->action == c->action &&
		     strcmp(rule->category, c->category) == 0 && strcmp(rule->name, c->rule) == 0 &&
		     ((c->action != SUP && c->action != BACK) || rule->scope == c->scope);
		if (!ok)
			fprintf(stderr, "\n%.70s\n  got  %s %s %s (%s)\n  want %s %s %s (%s)\n", c->reply,
			        rule ? quell_action_name(rule->action) : "-",
			        rule ? quell_scope_name(rule->scope) : "-", rule ? rule->category : "-",
			        rule ? rule->name : "no rule", quell_action_name(c->action),
			        quell_scope_name(c->scope), c->category, c->rule);
		CU_ASSERT(ok);
	}
	quell__rules_unref(r);
}

/* A domain suppression of a big provider is refused by protect: the
 * caller applies it as ignore. */
static void test_policy_protect(void)
{
	const char *in = "Sorry, I couldn't find any host named gmail.com. (#5.1.2)";
	struct quell__rules *r = tu_default_rules();
	const struct quell__rule *rule;
	struct quell__reply rp;
	char buf[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL_FATAL(quell__reply_parse(in, strlen(in), buf, sizeof buf, &rp, NULL, 0), 0);
	rule = quell__rules_match(r, &rp, "gmail.com");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rule);
	CU_ASSERT(rule->action == QUELL_ACTION_SUPPRESS && rule->scope == QUELL_SCOPE_DOMAIN);
	CU_ASSERT(quell__rules_protected(r, "gmail.com"));
	quell__rules_unref(r);
}

/* The literal prefilter skips no pattern PCRE2 matches in these replies
 * (test_prefilter.c). */
static void test_policy_prefilter(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		pfc_agrees(cases[i].reply, strlen(cases[i].reply));
}

static CU_TestInfo policy_tests[] = {
	{ "the compiled-in defaults load and are sound", test_policy_shape },
	{ "real replies get an operator's decision", test_policy_table },
	{ "big providers are protected from domain scope", test_policy_protect },
	{ "the prefilter agrees with PCRE2 on every reply", test_policy_prefilter },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_replies[] = {
	{ "replies", NULL, NULL, NULL, NULL, policy_tests },
	CU_SUITE_INFO_NULL,
};
