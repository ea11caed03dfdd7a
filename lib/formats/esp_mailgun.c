/*
 * esp_mailgun.c - Mailgun events: a webhook ({"signature":{..},
 * "event-data":{..}}), a bare event ({"event":..}), or a page of the
 * events API ({"items":[..],"paging":{..}}):
 *
 *   failed (severity permanent or temporary)  reply from delivery-status:
 *                                             code, enhanced-code, message
 *                                             (else description)
 *   delivered                                 reply from delivery-status
 *   complained                                complaint
 *   unsubscribed                              unsubscribe, stream-less
 *                                             (Mailgun's unsubscribe covers
 *                                             the sending domain)
 *   accepted, opened, clicked, stored ...     skipped
 *
 * The id is the event's id; the time its timestamp (seconds, a
 * fraction); the note says the event, severity and reason.  The signature
 * is not looked at here (webhook_sig.c).
 *
 * Knows nothing of LMDB, rules, address normalization or I/O.
 */
#include <stdio.h>
#include <string.h>

#include "esp.h"
#include "text.h"

static void reply_from_status(struct quell__esp *x, const json_t *ds, const char *fallback)
{
	const json_t *c = json_object_get(ds, "code");
	const char *msg = quell__esp_str(ds, "message");
	const char *desc = quell__esp_str(ds, "description");
	const char *text = msg && msg[0] ? msg : desc && desc[0] ? desc : fallback;

	quell__esp_reply(x, json_is_integer(c) ? (long)json_integer_value(c) : 0,
	                 quell__esp_str(ds, "enhanced-code"), text);
}

static int one(struct quell__esp *x, json_t *o)
{
	struct quell_esp_event *ev = &x->ev;
	const char *event = quell__esp_str(o, "event");
	const char *severity = quell__esp_str(o, "severity");
	const char *reason = quell__esp_str(o, "reason");
	const char *rcpt = quell__esp_str(o, "recipient");

	quell__esp_begin(x, event);
	quell__copy(ev->recipient, sizeof ev->recipient, rcpt ? rcpt : "");
	quell__esp_text(ev->id, sizeof ev->id, json_object_get(o, "id"));
	ev->time = quell__esp_time(o, "timestamp");
	snprintf(ev->note, sizeof ev->note, "mailgun: %s%s%s%s%s", event ? event : "?",
	         severity ? " severity=" : "", severity ? severity : "", reason ? " reason=" : "",
	         reason ? reason : "");
	if (event == NULL) {
		ev->error = "no event";
	} else if (strcmp(event, "failed") == 0 || strcmp(event, "delivered") == 0) {
		ev->kind = QUELL_ESP_REPLY;
		reply_from_status(x, json_object_get(o, "delivery-status"), event);
	} else if (strcmp(event, "complained") == 0) {
		ev->kind = QUELL_ESP_COMPLAINT;
		quell__copy(ev->reply, sizeof ev->reply, "complaint: mailgun complained");
	} else if (strcmp(event, "unsubscribed") == 0) {
		ev->kind = QUELL_ESP_UNSUBSCRIBE;
		quell__copy(ev->reply, sizeof ev->reply, "unsubscribe: mailgun");
	}
	return quell__esp_emit(x);
}

int quell__esp_mailgun(struct quell__esp *x, json_t *doc)
{
	json_t *items = json_object_get(doc, "items"), *data = json_object_get(doc, "event-data");
	size_t i;
	json_t *o;
	int rc;

	if (json_is_object(data))
		return one(x, data);
	if (json_is_string(json_object_get(doc, "event")))
		return one(x, doc);
	if (!json_is_array(items))
		return quell__esp_bad(x, "Mailgun events",
		                      "no \"event-data\", \"event\" or \"items\" array");
	json_array_foreach(items, i, o) {
		if (!json_is_object(o))
			return quell__esp_bad(x, "Mailgun events", "an item that is no object");
	}
	json_array_foreach(items, i, o) {
		if ((rc = one(x, o)) != 0)
			return rc;
	}
	return 0;
}
