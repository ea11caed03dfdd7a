/*
 * esp_rec.h - an ESP event (quell_esp_events) made into a reply to record,
 * for `ingest ESP-events` and the webhook endpoints of `serve`: what each
 * kind of event is recorded as (docs/esp.md), with copies of its strings
 * that live until the batch is written.
 *
 * Knows nothing of where the events came from.
 */
#ifndef QUELL_CMD_ESP_REC_H
#define QUELL_CMD_ESP_REC_H

#include "quell.h"

struct esp_rec {
	struct quell_esp_event ev;        /* a copy: the strings the item points to */
	char id[QUELL_ESP_ID_MAX + 16];   /* "ESP EVENT-ID": the message id */
	struct quell_record_options o;
};

/* Fill r and item it for event ev of esp (enum quell_esp); now is the
 * time to record at when the event has none (0: the clock).  ev must be
 * usable: not QUELL_ESP_SKIP and without error. */
void esp_rec_fill(struct esp_rec *r, int esp, const struct quell_esp_event *ev, int64_t now,
                  struct quell_record_item *it);

#endif
