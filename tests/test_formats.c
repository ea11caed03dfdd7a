/*
 * test_formats.c - the import readers against fixtures written from each
 * provider's documented layout (tests/data/import/): the detected format
 * and kind, every row (entry, source, category, stream, times, reply,
 * status, ...) and every rejection with its line and reason; detection
 * and its errors; provider rows case by case.
 */
#include "readutil.h"

struct fixture {
	const char *file;
	const char *format;
	const char *want;
};

static void run_fixtures(const struct fixture *cases, size_t n)
{
	static struct text got;

	for (size_t i = 0; i < n; i++) {
		char path[256];

		snprintf(path, sizeof path, DATA "%s", cases[i].file);
		read_file(path, cases[i].format, &got);
		if (strcmp(got.buf, cases[i].want) != 0)
			fprintf(stderr, "\n  %s (format %s):\n--- got\n%s--- want\n%s", cases[i].file,
			        cases[i].format ? cases[i].format : "detected", got.buf, cases[i].want);
		CU_ASSERT_STRING_EQUAL(got.buf, cases[i].want);
	}
}

#define RUN(cases) run_fixtures(cases, sizeof cases / sizeof cases[0])

static const struct fixture providers[] = {
	{ "sendgrid-blocks.csv", NULL,
	  "sendgrid blocks\n"
	  "2 blocked@example.com bounce status=5.7.1 reply=550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org created=2023-11-14T22:13:20Z\n"
	  "3 greylisted@example.org bounce status=4.7.0 reply=421 4.7.0 Try again later, closing connection. created=2023-11-15T08:00:00Z\n" },
	{ "sendgrid-bounces.csv", NULL,
	  "sendgrid bounces\n"
	  "2 bounced1@example.com bounce status=5.1.1 reply=550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. created=2023-11-14T22:13:19Z\n"
	  "3 bounced2@example.org bounce status=5.2.1 reply=550 5.2.1 The email account that you tried to reach is disabled. created=2023-11-14T23:13:20Z\n"
	  "4 \"odd,local\"@example.net bounce status=5.1.1 reply=550 5.1.1 <\"odd,local\"@example.net>: Recipient address rejected: User unknown created=2023-11-15T00:13:20Z\n"
	  "5 multi@example.com bounce status=5.7.1 reply=550-5.7.1 [192.0.2.1] Our system has detected an unusual rate of\\n550-5.7.1 unsolicited mail originating from your IP address.\\n550 5.7.1 Please visit https://support.example/spam for more information. created=2023-11-15T01:13:20Z\n"
	  "8 last@example.com bounce created=2023-11-15T02:13:20Z\n" },
	{ "sendgrid-group-unsubscribes.csv", NULL,
	  "sendgrid group unsubscribes\n"
	  "2 reader@example.com unsubscribe cat=unsubscribe stream=newsletter created=2023-11-14T22:13:19Z\n"
	  "3 shopper@example.com unsubscribe cat=unsubscribe stream=promotions created=2023-11-14T22:13:20Z\n"
	  "4 nameless@example.com unsubscribe cat=unsubscribe stream=4242 created=2023-11-14T22:13:21Z\n" },
	{ "sendgrid-invalid-emails.csv", NULL,
	  "sendgrid invalid emails\n"
	  "2 nobody@example.invalid bounce cat=bad-mailbox reason=Mail domain mentioned in email address is unknown created=2023-11-14T22:13:19Z\n"
	  "3 typo@gmial.con bounce cat=bad-mailbox reason=Known bad domain created=2023-11-14T22:15:00Z\n" },
	{ "sendgrid-spam-reports.csv", NULL,
	  "sendgrid spam reports\n"
	  "2 complainer@example.com complaint cat=complaint created=2023-11-14T22:13:19Z\n"
	  "3 Another.Complainer@Example.ORG complaint cat=complaint created=2023-11-14T22:13:20Z\n" },
	{ "sendgrid-unsubscribes.csv", NULL,
	  "sendgrid unsubscribes\n"
	  "2 leaver@example.com unsubscribe cat=unsubscribe created=2023-11-14T22:13:19Z\n"
	  "3 other.leaver@example.net unsubscribe cat=unsubscribe created=2023-11-15T08:00:00Z\n" },
	{ "mailgun-bounces.csv", NULL,
	  "mailgun bounces\n"
	  "2 alice@example.com bounce code=550 reply=5.1.1 The email account that you tried to reach does not exist. created=2023-11-14T22:13:20Z\n"
	  "3 bob@example.net bounce code=550 reply=No such mailbox created=2023-11-15T08:00:00Z\n"
	  "4 carol@example.org bounce created=2023-11-16T09:30:00Z\n" },
	{ "mailgun-complaints.csv", NULL,
	  "mailgun complaints\n"
	  "2 heidi@example.com complaint cat=complaint created=2023-11-14T22:13:20Z\n"
	  "3 ivan@example.org complaint cat=complaint created=2023-11-17T17:00:00Z\n" },
	{ "mailgun-unsubscribes.csv", NULL,
	  "mailgun unsubscribes\n"
	  "2 dave@example.com unsubscribe cat=unsubscribe created=2023-11-14T22:13:20Z\n"
	  "3 erin@example.com unsubscribe cat=unsubscribe stream=newsletter created=2023-11-14T22:14:00Z\n"
	  "4 frank@example.com unsubscribe cat=unsubscribe stream=newsletter created=2023-11-14T22:15:00Z\n"
	  "4 frank@example.com unsubscribe cat=unsubscribe stream=promotions created=2023-11-14T22:15:00Z\n"
	  "5 grace@example.com unsubscribe cat=unsubscribe created=2023-11-14T22:16:00Z\n" },
	/* SendGrid's API (/v3/suppression/...): a JSON array; the kind is told
	 * by the first element's keys once it is read */
	{ "sendgrid-api-bounces.json", NULL,
	  "sendgrid \n"
	  "2 testemail1@test.com bounce status=5.1.1 reply=550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. Learn more at https://support.google.com/mail/answer/6596 o186si2389584ioe.63 - gsmtp  created=2015-09-30T22:12:05Z\n"
	  "8 testemail2@test.com bounce status=5.1.1 reply=550 5.1.1 <testemail2@test.com>: Recipient address rejected: User unknown in virtual alias table  created=2015-09-30T22:12:21Z\n" },
	{ "sendgrid-api-spam-reports.json", NULL,
	  "sendgrid \n"
	  "1 user1@example.com complaint cat=complaint created=2015-09-30T22:12:21Z\n"
	  "1 user2@example.com complaint cat=complaint created=2015-09-30T22:12:34Z\n" },
	{ "sendgrid-api-group-suppressions.json", NULL,
	  "sendgrid \n"
	  "2 test1@example.com unsubscribe cat=unsubscribe stream=weekly-news created=2014-09-17T20:45:04Z\n"
	  "3 test2@example.com unsubscribe cat=unsubscribe stream=promos created=2014-09-17T20:45:04Z\n" },
	/* Mailgun's API pages: {"items":[...],"paging":{...}} */
	{ "mailgun-api-bounces.json", NULL,
	  "mailgun \n"
	  "3 alice@example.com bounce code=550 reply=No such mailbox created=2011-10-21T11:02:55Z\n"
	  "9 bob@example.com bounce code=552 reply=5.2.2 mailbox full created=2011-10-21T11:03:55Z\n" },
	{ "mailgun-api-unsubscribes.json", NULL,
	  "mailgun \n"
	  "1 alice@example.com unsubscribe cat=unsubscribe created=2011-10-21T11:02:55Z\n"
	  "1 bob@example.com unsubscribe cat=unsubscribe stream=newsletter created=2011-10-21T11:02:55Z\n"
	  "1 bob@example.com unsubscribe cat=unsubscribe stream=promo created=2011-10-21T11:02:55Z\n" },
	{ "mailgun-api-complaints.json", NULL,
	  "mailgun \n1 carol@example.com complaint cat=complaint created=2016-11-15T08:25:11Z\n" },
	{ "ses-list-suppressed-destinations.json", NULL,
	  "ses list-suppressed-destinations\n"
	  "3 recipient1@example.com bounce created=2023-11-14T22:13:20Z\n"
	  "8 recipient2@example.com complaint cat=complaint created=2023-11-15T08:00:00Z\n" },
	{ "ses-suppressions.csv", NULL,
	  "ses csv\n"
	  "1 recipient1@example.com bounce\n"
	  "2 recipient2@example.com complaint cat=complaint\n" },
	{ "ses-suppressions.jsonl", NULL,
	  "ses jsonl\n"
	  "1 recipient1@example.com bounce\n"
	  "2 recipient2@example.com complaint cat=complaint created=2023-11-14T22:13:20Z\n" },
	{ "postmark-suppressions.csv", NULL,
	  "postmark csv\n"
	  "2 address@example.com unsubscribe cat=unsubscribe created=2019-12-10T13:58:33Z\n"
	  "3 bounce.address@example.com bounce created=2019-12-11T13:58:33Z\n"
	  "4 spam.complaint.address@example.com complaint cat=complaint created=2019-12-12T13:58:33Z\n"
	  "5 admin.added@example.com manual cat=manual created=2019-12-13T13:58:33Z\n" },
	{ "postmark-suppressions.json", NULL,
	  "postmark json\n"
	  "3 address@example.com unsubscribe cat=unsubscribe created=2019-12-10T13:58:33Z\n"
	  "9 bounce.address@example.com bounce created=2019-12-11T13:58:33Z\n"
	  "15 spam.complaint.address@example.com complaint cat=complaint created=2019-12-12T13:58:33Z\n"
	  "21 customer.added@example.com manual cat=manual created=2019-12-13T13:58:33Z\n" },
	{ "bad-quoting.csv", NULL,
	  "sendgrid bounces\n"
	  "2 ok1@example.com bounce status=5.1.1 reply=fine created=2023-11-14T22:13:19Z\n"
	  "3! text after a closing quote\n"
	  "4! quote inside an unquoted cell\n"
	  "5 ok2@example.com bounce status=5.1.1 reply=fine, quoted created=2023-11-14T22:13:19Z\n"
	  "6! 2 columns where the header has 4\n"
	  "7! quoted cell not closed at the end of the input\n" },
	{ "nul-byte.csv", NULL,
	  "sendgrid bounces\n"
	  "2 ok1@example.com bounce status=5.1.1 reply=fine created=2023-11-14T22:13:19Z\n"
	  "3! NUL byte in column 4\n"
	  "4! NUL byte in column 4\n"
	  "6 ok3@example.com bounce status=5.1.1 reply=fine created=2023-11-14T22:13:19Z\n" },
	{ "invalid-utf8.csv", NULL,
	  "sendgrid bounces\n"
	  "2 ok1@example.com bounce status=5.1.1 reply=café is fine created=2023-11-14T22:13:19Z\n"
	  /* a reply is repaired (Latin-1 here), an address is not */
	  "3 latin1@example.com bounce status=5.1.1 reply=café is not created=2023-11-14T22:13:19Z repaired\n"
	  "4! invalid UTF-8 in 'email' at byte 2\n"
	  "5 ok2@example.com bounce status=5.1.1 reply=📧 fine created=2023-11-14T22:13:19Z\n"
	  /* a surrogate's bytes are no Latin-1 text: U+FFFD each */
	  "6 surrogate@example.com bounce status=5.1.1 reply=\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd created=2023-11-14T22:13:19Z repaired\n" },
	{ "long-line.csv", NULL,
	  "sendgrid bounces\n"
	  "2 ok1@example.com bounce status=5.1.1 reply=fine created=2023-11-14T22:13:19Z\n"
	  "3! row longer than 65536 bytes\n"
	  "4 ok2@example.com bounce status=5.1.1 reply=fine created=2023-11-14T22:13:19Z\n" },
	{ "malformed.json", NULL,
	  "postmark json\n"
	  "2 good1@example.com bounce created=2019-12-10T13:58:33Z\n"
	  "3! malformed JSON: string or '}' expected near ','\n"
	  "4 good2@example.com complaint cat=complaint created=2019-12-11T13:58:33Z\n"
	  "5! bad reason (HardBounce, SpamComplaint or ManualSuppression) in 'SuppressionReason': 'Bored'\n"
	  "6! malformed JSON: an object was expected\n"
	  "7 good3@example.com bounce\n"
	  "8! malformed JSON: expected ',' or ']' after an array element, found '{'\n" },
	{ "malformed.jsonl", NULL,
	  "ses jsonl\n"
	  "1 good1@example.com bounce\n"
	  "2! malformed JSON: '}' expected near end of file\n"
	  "4 good2@example.com complaint cat=complaint\n"
	  "5! 'emailAddress' is not a string\n"
	  "6! 'emailaddress' repeats 'emailAddress'\n"
	  "7! malformed JSON: an object was expected\n"
	  "8! bad reason (BOUNCE or COMPLAINT) in 'reason': 'MAYBE'\n" },
	{ "bom-crlf.csv", NULL,
	  "sendgrid unsubscribes\n"
	  "2 bom1@example.com unsubscribe cat=unsubscribe created=2023-11-14T22:13:19Z\n"
	  "3 bom2@example.com unsubscribe cat=unsubscribe created=2023-11-15T08:00:00Z\n"
	  "5 bom3@example.com unsubscribe cat=unsubscribe created=2023-11-14T22:13:20Z\n" },
};

static void test_providers(void)
{
	RUN(providers);
}

static const struct mem_case detection[] = {
	{ "empty", NULL, "", "plain \n" },
	{ "blank", NULL, "\n \r\n\t\n", "plain \n" },
	{ "empty.csv", "csv", "", "csv \n" },
	{ "header-only", NULL, "email,created,status,reason\r\n", "sendgrid bounces\n" },
	{ "comment", NULL, "# suppressed by hand\nuser@example.com\n",
	  "plain \n2 user@example.com\n" },
	{ "bare", NULL, "user@example.com\n@example.org\n", "plain \n1 user@example.com\n2 @example.org\n" },
	{ "email-only", NULL, "email\nx@example.com\n", "sendgrid unsubscribes\n2 x@example.com unsubscribe cat=unsubscribe\n" },
	{ "two.csv", NULL, "a@example.com,b@example.com\n",
	  "open: -4 two.csv:1: cannot tell the format from the first line; name it with --format\n" },
	{ "x", "xml", "a@example.com\n",
	  "open: -2 unknown format 'xml' (plain, csv, jsonl, sendgrid, mailgun, ses or postmark)\n" },
	{ "-", "sendgrid", "address,created_at\nx@example.com,1\n",
	  "open: -4 -:1: sendgrid: no 'email' column in the header\n" },
	{ "-", "csv", "email,created\nx@example.com,1\n",
	  "open: -4 -:1: csv: no 'entry' column in the header\n" },
	{ "rep.csv", NULL, "\nemail,created,EMAIL\nx@example.com,1,y@example.com\n",
	  "open: -4 rep.csv:2: column 3 repeats column 1 ('email')\n" },
	{ "-", "postmark", "EmailAddress,CreatedAt\nx@example.com,1\n",
	  "open: -4 -:1: postmark: no 'SuppressionReason' column in the header\n" },
	{ "doc.json", NULL, "{\n  \"NextToken\": \"x\"\n}\n",
	  "open: -4 doc.json:3: no \"SuppressedDestinationSummaries\" or \"Suppressions\" or "
	  "\"items\" array in the JSON document\n" },
	{ "doc.json", "postmark", "{\n  \"SuppressedDestinationSummaries\": []\n}\n",
	  "open: -4 doc.json:3: no \"Suppressions\" array in the JSON document\n" },
	/* a document that is an array is SendGrid's API; its elements are objects */
	{ "doc.json", NULL, "[\n1]\n", "sendgrid \n2! malformed JSON: an object was expected\n" },
	{ "doc.json", "mailgun", "[{\"address\":\"a@example.com\"}]",
	  "open: -4 doc.json:1: a JSON array is not mailgun's\n" },
	{ "doc.json", "sendgrid", "{\"items\": []}",
	  "open: -4 doc.json:1: sendgrid has no JSON object form (its API returns an array)\n" },
	{ "doc.json", "sendgrid", "\n [ {\"email\":\"a@example.com\",\"created\":\"1700000000\"} ]",
	  "sendgrid \n2 a@example.com unsubscribe cat=unsubscribe created=2023-11-14T22:13:20Z\n" },
	{ "bounces.json", NULL, "[]", "sendgrid \n" },
	{ "one-line-items.json", NULL,
	  "{\"items\":[{\"address\":\"a@example.com\",\"error\":\"550 5.1.1 unknown\"}],\"paging\":{}}",
	  "mailgun \n1 a@example.com bounce reply=550 5.1.1 unknown\n" },
	{ "doc.json", NULL, "{\n\"a\" 1}\n",
	  "open: -4 doc.json:2: malformed JSON: expected ':' after a member name, found '1'\n" },
	{ "one.json", NULL, "{\"Foo\": 1}\n",
	  "open: -4 one.json:1: cannot tell the format of this JSON object; name it with --format\n" },
	{ "-", "ses", "{\"entry\": \"x@example.com\"}\n", "open: -4 -:1: this JSON object is not ses's\n" },
	/* members before the array are skipped, whatever they hold */
	{ "skip.json", NULL,
	  "{\n\"NextToken\": \"a]}\\\"x\", \"Other\": {\"a\": [1, {\"b\": \"]\"}], \"n\": -1.5e3},"
	  " \"T\": true,\n\"suppresseddestinationsummaries\": [\n"
	  "{\"EmailAddress\": \"a@example.com\", \"Reason\": \"BOUNCE\"}\n]}\n",
	  "ses list-suppressed-destinations\n4 a@example.com bounce\n" },
	{ "one-line.json", NULL,
	  "{\"Suppressions\":[{\"EmailAddress\":\"a@example.com\",\"SuppressionReason\":\"HardBounce\"},"
	  "{\"EmailAddress\":\"b@example.com\",\"SuppressionReason\":\"SpamComplaint\"}]}",
	  "postmark json\n1 a@example.com bounce\n1 b@example.com complaint cat=complaint\n" },
	{ "empty-array.json", NULL, "{\"Suppressions\": [ ]}", "postmark json\n" },
	{ "trailing-comma.json", NULL, "{\"Suppressions\": [{\"EmailAddress\":\"a@example.com\","
	  "\"SuppressionReason\":\"HardBounce\"},\n]}",
	  "postmark json\n1 a@example.com bounce\n2! malformed JSON: expected a value, found ']'\n" },
	{ "cut.json", NULL, "{\"Suppressions\": [{\"EmailAddress\":\"a@example.com\"",
	  "postmark json\n1! malformed JSON: a value is not closed, found the end of the input\n" },
	{ "-", "ses", "email,reason\na@example.com,bounce\n", "ses csv\n2 a@example.com bounce\n" },
	{ "-", "plain", "email,created\n", "plain \n1 email,created\n" },
	{ "-", "jsonl", "\n{\"entry\":\"a@example.com\"}\n", "jsonl \n2 a@example.com restore\n" },
};

static void test_detection(void)
{
	RUN_MEM(detection);
}

static const struct mem_case providers_inline[] = {
	/* invalid emails and blocks share columns: told row by row */
	{ "export.csv", NULL,
	  "email,created,reason\na@example.com,1700000000,550 5.7.1 blocked\n"
	  "b@example.com,1700000000,Known bad domain\nc@example.com,1700000000,smtp; 554 denied\n",
	  "sendgrid invalid emails or blocks\n"
	  "2 a@example.com bounce reply=550 5.7.1 blocked created=2023-11-14T22:13:20Z\n"
	  "3 b@example.com bounce cat=bad-mailbox reason=Known bad domain created=2023-11-14T22:13:20Z\n"
	  "4 c@example.com bounce reply=smtp; 554 denied created=2023-11-14T22:13:20Z\n" },
	/* ... unless the file name says */
	{ "suppression_blocks.csv", NULL, "email,created,reason\nb@example.com,1700000000,Known bad domain\n",
	  "sendgrid blocks\n2 b@example.com bounce reply=Known bad domain created=2023-11-14T22:13:20Z\n" },
	{ "Invalid Emails (2).csv", NULL, "email,created,reason\nb@example.com,1700000000,550 x\n",
	  "sendgrid invalid emails\n2 b@example.com bounce cat=bad-mailbox reason=550 x created=2023-11-14T22:13:20Z\n" },
	{ "spam_reports.csv", NULL, "email,created\nb@example.com,1700000000\n",
	  "sendgrid spam reports\n2 b@example.com complaint cat=complaint created=2023-11-14T22:13:20Z\n" },
	{ "dir/bounces.csv/unsub.csv", NULL, "email,created\nb@example.com,\n",
	  "sendgrid unsubscribes\n2 b@example.com unsubscribe cat=unsubscribe\n" },
	{ "-", NULL, "email,created\n,1\n\" \",1\n",
	  "sendgrid unsubscribes\n2! no address: 'email' is missing or empty\n"
	  "3! no address: 'email' is missing or empty\n" },
	{ "-", NULL, "email,created\n  a@example.com\t,\" 1700000000 \"\n",
	  "sendgrid unsubscribes\n2 a@example.com unsubscribe cat=unsubscribe created=2023-11-14T22:13:20Z\n" },
	{ "-", NULL, "email,created\na@example.com,yesterday\nb@example.com,1969-12-31 23:59:59\n",
	  "sendgrid unsubscribes\n2! bad time in 'created': 'yesterday'\n"
	  "3! bad time in 'created': '1969-12-31 23:59:59'\n" },
	/* an unquoted RFC 2822 date splits at its comma: joined back */
	{ "-", NULL, "address,created_at\nx@example.com,Tue, 14 Nov 2023 22:13:20 UTC\n"
	  "y@example.com,Tue, 14 Nov 2023 22:13:20 UTC,extra\n",
	  "mailgun complaints\n2 x@example.com complaint cat=complaint created=2023-11-14T22:13:20Z\n"
	  "3! 3 columns where the header has 2\n" },
	{ "-", NULL, "address,code,error,created_at\nx@example.com,5.1.1,,\ny@example.com,99,,\n"
	  "z@example.com,421,\"4.7.0 later\",\n",
	  "mailgun bounces\n2! bad number in 'code': '5.1.1'\n3! bad reply code in 'code': '99'\n"
	  "4 z@example.com bounce code=421 reply=4.7.0 later\n" },
	{ "unsubscribes.csv", NULL, "address,tags\na@example.com,\"[\"\"x\"\", \"\"y\"\"]\"\n"
	  "b@example.com,\"x *\"\nc@example.com,\" ; \"\n",
	  "mailgun unsubscribes\n2 a@example.com unsubscribe cat=unsubscribe stream=x\n"
	  "2 a@example.com unsubscribe cat=unsubscribe stream=y\n"
	  "3 b@example.com unsubscribe cat=unsubscribe\n4 c@example.com unsubscribe cat=unsubscribe\n" },
	{ "-", NULL, "EmailAddress,SuppressionReason,Origin,MessageStream\n"
	  "a@example.com,ManualSuppression,Recipient,broadcast\n"
	  "b@example.com,HardBounce,Recipient,broadcast\nc@example.com,manualsuppression,,outbound\n"
	  "d@example.com,ManualSuppression,Robot,x\ne@example.com,,,\n",
	  "postmark csv\n2 a@example.com unsubscribe cat=unsubscribe stream=broadcast\n"
	  "3 b@example.com bounce\n4 c@example.com manual cat=manual stream=outbound\n"
	  "5! bad origin (Recipient, Customer or Admin) in 'Origin': 'Robot'\n"
	  "6! no SuppressionReason\n" },
	{ "-", "ses", "a@example.com,BOUNCE\nb@example.com\nc@example.com,\n",
	  "ses csv\n1 a@example.com bounce\n2! 1 columns where the format has 2\n3! no reason (BOUNCE or COMPLAINT)\n" },
	{ "-", NULL, "{\"emailAddress\":\"a@example.com\",\"reason\":\"BOUNCE\",\"lastUpdateTime\":1700000000}\n"
	  "{\"emailAddress\":\"b@example.com\",\"reason\":\"BOUNCE\",\"lastUpdateTime\":1.7e9}\n"
	  "{\"emailAddress\":\"c@example.com\",\"reason\":\"BOUNCE\",\"lastUpdateTime\":-5}\n"
	  "{\"emailAddress\":\" d@example.com \",\"reason\":\"BOUNCE\",\"lastUpdateTime\":null}\n",
	  "ses jsonl\n1 a@example.com bounce created=2023-11-14T22:13:20Z\n"
	  "2 b@example.com bounce created=2023-11-14T22:13:20Z\n3! bad time in 'lastUpdateTime': '-5'\n"
	  "4 d@example.com bounce\n" },
};

static void test_providers_inline(void)
{
	RUN_MEM(providers_inline);
}

static CU_TestInfo tests[] = {
	{ "provider fixtures", test_providers },
	{ "detection and its errors", test_detection },
	{ "provider rows", test_providers_inline },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_formats[] = {
	{ "formats", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
