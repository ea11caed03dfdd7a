/*
 * fuzz_json.c - the JSON readers (quell's jsonl, SES's JSON Lines and
 * list-suppressed-destinations output, Postmark's dump, SendGrid's API
 * arrays, Mailgun's API pages, and detection)
 * over arbitrary bytes: no crash, no leak, every row well-formed, and
 * every row carried unchanged through quell's csv and jsonl.  See
 * fuzz_common.h.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = { NULL,       "jsonl",   "ses", "postmark",
		                               "sendgrid", "mailgun", NULL,  NULL };

	if (size < 1)
		return 0;
	run(data + 1, size - 1, formats[data[0] & 7], "-");
	return 0;
}
