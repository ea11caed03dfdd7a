/*
 * esp.h - what the ESP event readers (esp_sendgrid.c, esp_ses.c,
 * esp_mailgun.c, esp_postmark.c) share with esp.c, which reads the JSON
 * and hands each reader the parsed document, and with esp_util.c, their
 * helpers: one event at a time filled and reported, small helpers over
 * jansson values.
 *
 * Knows nothing of LMDB, rules, address normalization or I/O.
 */
#ifndef QUELL_ESP_H
#define QUELL_ESP_H

#include <jansson.h>

#include "quell.h"

struct quell__esp {
	quell_esp_cb cb;
	void *payload;
	struct quell_esp_event ev; /* the event being filled */
	char *err;
	size_t errsize;
};

/* Start a new event named `event` (ev zeroed, kind SKIP). */
void quell__esp_begin(struct quell__esp *x, const char *event);

/* Report the event: its error set when it has no recipient or a stream
 * that is no stream name.  0 or the callback's value. */
int quell__esp_emit(struct quell__esp *x);

/* QUELL_EDATA with err set to "not NAME: WHY". */
int quell__esp_bad(struct quell__esp *x, const char *name, const char *why);

/* o[key] as a string, or NULL (absent, not a string, not an object). */
const char *quell__esp_str(const json_t *o, const char *key);

/* o[key] as a time (Unix seconds, a number, or RFC 3339 text), or 0. */
int64_t quell__esp_time(const json_t *o, const char *key);

/* A string or an integer value copied into buf as text ("" otherwise). */
void quell__esp_text(char *buf, size_t size, const json_t *v);

/* Set the event's stream from text: ASCII lowercased; the event's error
 * when it is no stream name. */
void quell__esp_stream(struct quell__esp *x, const char *s);

/* The event's reply: "CODE STATUS TEXT" from its parts, any of which may
 * be missing (code 0, status NULL or "", text NULL); a status already at
 * the start of text is not said twice. */
void quell__esp_reply(struct quell__esp *x, long code, const char *status, const char *text);

int quell__esp_sendgrid(struct quell__esp *x, json_t *doc);
int quell__esp_ses(struct quell__esp *x, json_t *doc);
int quell__esp_mailgun(struct quell__esp *x, json_t *doc);
int quell__esp_postmark(struct quell__esp *x, json_t *doc);

#endif
