/*
 * esp_rec.c - an ESP event made into a reply to record (see esp_rec.h):
 * a reply goes through the rules, a complaint and an unsubscribe (in its
 * stream) suppress as their sources; the event's id, prefixed with the
 * ESP's name, is the message id, so a redelivered event counts once; the
 * ESP's own words are the note kept with the event.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "esp_rec.h"

void esp_rec_fill(struct esp_rec *r, int esp, const struct quell_esp_event *ev, int64_t now,
                  struct quell_record_item *it)
{
	static const char *const names[] = { "", "sendgrid", "ses", "mailgun", "postmark" };
	struct quell_record_options init = QUELL_RECORD_OPTIONS_INIT;

	r->ev = *ev;
	r->o = init;
	r->o.now = cli_event_time(ev->time, now);
	r->o.note = r->ev.note[0] != '\0' ? r->ev.note : NULL;
	if (ev->id[0] != '\0') {
		snprintf(r->id, sizeof r->id, "%s %s", names[esp >= 1 && esp <= 4 ? esp : 0], ev->id);
		r->o.message_id = r->id;
	}
	if (ev->kind == QUELL_ESP_COMPLAINT) {
		r->o.source = QUELL_SOURCE_COMPLAINT;
	} else if (ev->kind == QUELL_ESP_UNSUBSCRIBE) {
		r->o.source = QUELL_SOURCE_UNSUBSCRIBE;
		r->o.stream = r->ev.stream[0] != '\0' ? r->ev.stream : NULL;
	}
	memset(it, 0, sizeof *it);
	it->address = r->ev.recipient;
	it->reply = r->ev.reply;
	it->opts = &r->o;
}
