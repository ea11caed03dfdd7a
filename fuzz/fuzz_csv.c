/*
 * fuzz_csv.c - the line and CSV readers (plain, csv, sendgrid, mailgun,
 * ses, postmark's CSV, and detection) over arbitrary bytes: no crash, no
 * leak, every row well-formed, and every row carried unchanged through
 * quell's csv and jsonl.  See fuzz_common.h.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = { NULL, "plain", "csv", "sendgrid", "mailgun",
		                               "ses", "postmark", NULL };
	static const char *const names[] = { "-", "-", "-", "blocks.csv", "unsubscribes.csv",
		                             "-", "-", "invalid_emails.csv" };

	if (size < 1)
		return 0;
	run(data + 1, size - 1, formats[data[0] & 7], names[data[0] & 7]);
	return 0;
}
