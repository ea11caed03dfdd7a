/*
 * esp.c - quell_esp_events: one JSON document of an ESP's event feed
 * parsed (jansson) and handed to that ESP's reader (esp_sendgrid.c,
 * esp_ses.c, esp_mailgun.c, esp_postmark.c; their helpers: esp_util.c).
 *
 * Knows nothing of LMDB, rules, address normalization or I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp.h"

static const char *const names[] = { NULL, "sendgrid", "ses", "mailgun", "postmark" };

int quell_esp_parse_name(const char *name)
{
	for (int i = 1; name != NULL && i < (int)(sizeof names / sizeof *names); i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

int quell_esp_events(int esp, const char *json, size_t len, quell_esp_cb cb, void *payload,
                     char *err, size_t errsize)
{
	static int (*const readers[])(struct quell__esp *, json_t *) = {
		NULL, quell__esp_sendgrid, quell__esp_ses, quell__esp_mailgun, quell__esp_postmark,
	};
	struct quell__esp *x;
	json_error_t jerr;
	json_t *doc;
	int rc;

	if (errsize > 0)
		err[0] = '\0';
	if (esp < 1 || esp > QUELL_ESP_POSTMARK || cb == NULL || (json == NULL && len > 0)) {
		if (errsize > 0)
			snprintf(err, errsize, "esp events: bad arguments");
		return QUELL_EINVAL;
	}
	doc = json_loadb(json ? json : "", len, JSON_DECODE_ANY, &jerr);
	if (doc == NULL) {
		if (errsize > 0)
			snprintf(err, errsize, "malformed JSON: %s at byte %d", jerr.text, jerr.position);
		return QUELL_EDATA;
	}
	if ((x = malloc(sizeof *x)) == NULL) {
		json_decref(doc);
		return QUELL_ENOMEM;
	}
	x->cb = cb;
	x->payload = payload;
	x->err = err;
	x->errsize = errsize;
	rc = readers[esp](x, doc);
	free(x);
	json_decref(doc);
	return rc;
}
