/*
 * gen_replies.h - templates of SMTP replies for bench/gen.c: what Gmail,
 * Outlook/Exchange Online, Yahoo, Postfix, Exim, qmail, Exchange on
 * premises, filtering services and blocklists answer to a message they
 * refuse or defer, written the way they reach a bounce processor (one
 * line; a multi-line reply with its lines joined by spaces, as Postfix
 * logs it; sometimes a DSN Diagnostic-Code with its "smtp;" type).
 *
 * Data only, included by gen.c alone.  Placeholders, expanded by gen.c:
 *   %a  a recipient address       %d  a recipient domain
 *   %i  an IPv4 address           %h  a host name (mx1.example.net)
 *   %g  a Gmail-style message id  %q  a Postfix queue id
 *   %o  an Exchange Online host   %n  a small number
 *   %s  a sender address          %%  a percent sign
 */
#ifndef BENCH_GEN_REPLIES_H
#define BENCH_GEN_REPLIES_H

struct tmpl {
	unsigned weight; /* share, relative to the others */
	const char *text;
};

static const struct tmpl reply_templates[] = {
	/* Gmail */
	{ 90, "550-5.1.1 The email account that you tried to reach does not exist. Please "
	      "try 550-5.1.1 double-checking the recipient's email address for typos or "
	      "550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1  "
	      "https://support.google.com/mail/?p=NoSuchUser %g - gsmtp" },
	{ 20, "452-4.2.2 The recipient's inbox is out of storage space. Please direct the "
	      "452-4.2.2 recipient to 452 4.2.2  "
	      "https://support.google.com/mail/?p=OverQuotaTemp %g - gsmtp" },
	{ 15, "421-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating "
	      "from your IP address. To protect our users from spam, mail sent from your IP "
	      "address has been temporarily rate limited. 421 4.7.28  "
	      "https://support.google.com/mail/?p=UnsolicitedRateLimitError %g - gsmtp" },
	{ 12, "550-5.7.26 This mail has been blocked because the sender is unauthenticated. "
	      "550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM. "
	      "550 5.7.26  https://support.google.com/mail/answer/81126 %g - gsmtp" },
	{ 8, "550 5.2.1 The email account that you tried to reach is disabled. %g - gsmtp" },
	{ 6, "450 4.2.1 The user you are trying to contact is receiving mail at a rate that "
	     "prevents additional messages from being delivered. %g - gsmtp" },
	{ 30, "250 2.0.0 OK  17%n %g - gsmtp" },
	/* Outlook.com and Exchange Online */
	{ 60, "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). "
	      "[%o]" },
	{ 45, "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient %a not found by SMTP "
	      "address lookup" },
	{ 20, "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found" },
	{ 15, "550 5.7.1 Unfortunately, messages from [%i] weren't sent. Please contact your "
	      "Internet service provider since part of their network is on our block list "
	      "(S3150). You can also refer your provider to "
	      "http://mail.live.com/mail/troubleshooting.aspx#errors. [%o]" },
	{ 10, "451 4.7.500 Server busy. Please try again later from [%i]. (S77719) [%o]" },
	{ 8, "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException."
	     "MapiExceptionShutoffQuotaExceeded" },
	{ 6, "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [%o]" },
	/* Yahoo and AOL */
	{ 40, "554 delivery error: dd This user doesn't have a yahoo.com account (%a) [0] - "
	      "mta%n.mail.gq1.yahoo.com" },
	{ 20, "421 4.7.0 [TSS04] Messages from %i temporarily deferred due to unexpected "
	      "volume or user complaints - 4.16.55.1; see "
	      "https://postmaster.yahooinc.com/error-codes" },
	{ 10, "552 1 Requested mail action aborted, mailbox not found" },
	{ 8, "554 5.7.9 Message not accepted for policy reasons.  See "
	     "https://postmaster.yahooinc.com/error-codes" },
	/* Postfix */
	{ 70, "550 5.1.1 <%a>: Recipient address rejected: User unknown in local recipient "
	      "table" },
	{ 30, "550 5.1.1 <%a>: Recipient address rejected: User unknown in virtual mailbox "
	      "table" },
	{ 25, "450 4.2.0 <%a>: Recipient address rejected: Greylisted, see "
	      "http://postgrey.schweikert.ch/help/%d.html" },
	{ 15, "554 5.7.1 Service unavailable; Client host [%i] blocked using "
	      "zen.spamhaus.org; https://www.spamhaus.org/query/ip/%i" },
	{ 12, "450 4.1.2 <%a>: Recipient address rejected: Domain not found" },
	{ 10, "552 5.2.2 <%a>: Recipient address rejected: Mailbox full" },
	{ 10, "451 4.3.0 <%a>: Temporary lookup failure" },
	{ 8, "554 5.7.1 <%a>: Relay access denied" },
	{ 12, "Host or domain name not found. Name service error for name=%d type=A: Host "
	      "not found" },
	{ 10, "connect to %h[%i]:25: Connection timed out" },
	{ 6, "lost connection with %h[%i] while receiving the initial server greeting" },
	/* Exim */
	{ 30, "550 Unrouteable address" },
	{ 15, "550-Verification failed for <%s> 550-Unrouteable address 550 Sender "
	      "verify failed" },
	{ 10, "451 Temporary local problem - please try later" },
	{ 8, "550 Administrative prohibition" },
	{ 8, "452 Requested action not taken: mailbox full" },
	/* qmail */
	{ 20, "Sorry, no mailbox here by that name. (#5.1.1)" },
	{ 8, "Sorry, I couldn't find any host named %d. (#5.1.2)" },
	{ 5, "The users mailfolder is over the allowed quota (size). (#5.2.2)" },
	/* Exchange on premises, DSN style */
	{ 25, "smtp; 550 5.1.1 User unknown" },
	{ 12, "smtp; 550 5.1.1 <%a>... User unknown" },
	{ 10, "smtp;554 5.4.14 Hop count exceeded - possible mail loop ATTR34 "
	      "[%o]" },
	{ 8, "smtp; 552 5.3.4 Message size exceeds fixed maximum message size" },
	{ 8, "smtp; 550 5.7.1 RESOLVER.RST.AuthRequired; authentication required" },
	/* filtering services and blocklists */
	{ 15, "550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550 "
	      "[%g.%n]" },
	{ 10, "550 Rejected by header based Anti-Spoofing policy: %s - "
	      "https://community.mimecast.com/docs/DOC-1369#550 [%g.%n]" },
	{ 10, "553 5.7.1 Message rejected - %i is listed by Proofpoint Dynamic Reputation "
	      "(https://ipcheck.proofpoint.com/?ip=%i)" },
	{ 10, "554 Service unavailable; Client host [%i] blocked using Barracuda Reputation, "
	      "https://www.barracudanetworks.com/reputation/?pr=1&ip=%i" },
	{ 8, "550 5.7.1 Mail from %i refused by SpamCop - http://www.spamcop.net/bl.shtml?%i" },
	{ 8, "554 5.7.1 The message was rejected because it contains prohibited virus or "
	     "spam content" },
	{ 6, "550 High probability of spam" },
	{ 6, "571 Delivery not authorized, message refused" },
	/* mailbox gone or full, in words only */
	{ 12, "550 No such user here" },
	{ 10, "550 user not found" },
	{ 8, "550 mailbox unavailable" },
	{ 8, "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)" },
	{ 6, "550 This mailbox is disabled (554.30)" },
	{ 6, "422 The recipient's mailbox is over its quota" },
	{ 5, "421 Too many concurrent SMTP connections from this IP address; please try "
	     "again later." },
	{ 5, "556 5.1.10 Recipient address has null MX" },
	{ 5, "521 5.3.2 %h does not accept mail" },
};

/* SendGrid bounce export rows: status column, weight, reason column */
struct sg_tmpl {
	const char *status;
	unsigned weight;
	const char *text;
};

static const struct sg_tmpl sendgrid_bounces[] = {
	{ "5.1.1", 200, "550 5.1.1 The email account that you tried to reach does not exist. "
	                "Please try double-checking the recipient's email address for typos or "
	                "unnecessary spaces. Learn more at https://support.google.com/mail/?p="
	                "NoSuchUser %g - gsmtp" },
	{ "5.1.1", 120, "550 5.1.1 <%a>: Recipient address rejected: User unknown in virtual "
	                "mailbox table" },
	{ "5.1.1", 80, "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found" },
	{ "5.1.1", 60, "554 5.1.1 delivery error: dd This user doesn't have a yahoo.com "
	               "account (%a) [0] - mta%n.mail.bf1.yahoo.com" },
	{ "5.1.1", 40, "550 5.1.1 User unknown" },
	{ "5.1.10", 40, "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient %a not found by "
	                "SMTP address lookup" },
	{ "5.2.2", 60, "552 5.2.2 The email account that you tried to reach is over quota and "
	               "inactive. Please direct the recipient to https://support.google.com/"
	               "mail/?p=OverQuotaPerm %g - gsmtp" },
	{ "5.2.2", 30, "552 5.2.2 <%a>: Recipient address rejected: Mailbox full" },
	{ "5.2.1", 30, "550 5.2.1 The email account that you tried to reach is disabled. %g - "
	               "gsmtp" },
	{ "5.7.1", 60, "550 5.7.1 Service unavailable; Client host [%i] blocked using "
	               "zen.spamhaus.org" },
	{ "5.7.1", 30, "550 5.7.1 Unfortunately, messages from [%i] weren't sent. Please "
	               "contact your Internet service provider since part of their network is "
	               "on our block list (S3150). [%o]" },
	{ "5.7.1", 20, "554 5.7.1 <%a>: Relay access denied" },
	{ "4.2.2", 40, "452 4.2.2 The email account that you tried to reach is over quota. "
	               "%g - gsmtp" },
	{ "4.7.0", 50, "421 4.7.0 [TSS04] Messages from %i temporarily deferred due to "
	               "unexpected volume or user complaints - 4.16.55.1" },
	{ "4.2.1", 30, "450 4.2.1 The user you are trying to contact is receiving mail at a "
	               "rate that prevents additional messages from being delivered. %g - gsmtp" },
	{ "4.4.7", 20, "4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.0 "
	               "Unable to connect to %h>" },
	{ "5.0.0", 60, "550 No such user here" },
	{ "5.0.0", 40, "550 Unrouteable address" },
};

#endif
