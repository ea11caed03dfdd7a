/*
 * esp_sendgrid.c - SendGrid Event Webhook events (an object, or the array
 * the webhook posts):
 *
 *   bounce (type bounce or blocked)  reply from reason and status
 *   deferred                         reply from response
 *   delivered                        reply from response ("250 OK")
 *   spamreport                       complaint
 *   unsubscribe                      unsubscribe, stream-less
 *   group_unsubscribe                unsubscribe, stream asm_group_id
 *   dropped, group_resubscribe, processed, open, click, ...   skipped
 *
 * The id is sg_event_id; the time the timestamp; the note says the
 * event, its type and bounce_classification as SendGrid gave them.
 *
 * Knows nothing of LMDB, rules, address normalization or I/O.
 */
#include <stdio.h>
#include <string.h>

#include "esp.h"
#include "text.h"

static int one(struct quell__esp *x, json_t *o)
{
	struct quell_esp_event *ev = &x->ev;
	const char *event = quell__esp_str(o, "event");
	const char *type = quell__esp_str(o, "type");
	const char *cls = quell__esp_str(o, "bounce_classification");
	const char *email = quell__esp_str(o, "email");

	quell__esp_begin(x, event);
	quell__copy(ev->recipient, sizeof ev->recipient, email ? email : "");
	quell__esp_text(ev->id, sizeof ev->id, json_object_get(o, "sg_event_id"));
	ev->time = quell__esp_time(o, "timestamp");
	snprintf(ev->note, sizeof ev->note, "sendgrid: %s%s%s%s%s", event ? event : "?",
	         type ? " type=" : "", type ? type : "", cls ? " classification=" : "",
	         cls ? cls : "");
	if (event == NULL) {
		ev->error = "no event";
	} else if (strcmp(event, "bounce") == 0) {
		const char *reason = quell__esp_str(o, "reason");

		ev->kind = QUELL_ESP_REPLY;
		quell__esp_reply(x, 0, quell__esp_str(o, "status"), reason ? reason : event);
	} else if (strcmp(event, "deferred") == 0 || strcmp(event, "delivered") == 0) {
		const char *resp = quell__esp_str(o, "response");

		ev->kind = QUELL_ESP_REPLY;
		if (resp != NULL && resp[0] != '\0')
			quell__esp_reply(x, 0, NULL, resp);
		else
			quell__esp_reply(x, strcmp(event, "deferred") == 0 ? 450 : 250, NULL, event);
	} else if (strcmp(event, "spamreport") == 0) {
		ev->kind = QUELL_ESP_COMPLAINT;
		quell__copy(ev->reply, sizeof ev->reply, "complaint: sendgrid spamreport");
	} else if (strcmp(event, "unsubscribe") == 0 || strcmp(event, "group_unsubscribe") == 0) {
		char group[QUELL_ESP_STREAM_MAX];

		ev->kind = QUELL_ESP_UNSUBSCRIBE;
		quell__copy(ev->reply, sizeof ev->reply, "unsubscribe: sendgrid");
		quell__esp_text(group, sizeof group, json_object_get(o, "asm_group_id"));
		if (event[0] == 'g' && group[0] == '\0')
			ev->error = "a group unsubscribe without asm_group_id";
		else if (event[0] == 'g')
			quell__esp_stream(x, group);
	}
	return quell__esp_emit(x);
}

int quell__esp_sendgrid(struct quell__esp *x, json_t *doc)
{
	size_t i;
	json_t *o;
	int rc;

	if (json_is_object(doc)) {
		if (json_object_get(doc, "event") == NULL)
			return quell__esp_bad(x, "SendGrid events", "an object without \"event\"");
		return one(x, doc);
	}
	if (!json_is_array(doc))
		return quell__esp_bad(x, "SendGrid events", "neither an array nor an object");
	json_array_foreach(doc, i, o) {
		if (!json_is_object(o) || json_object_get(o, "event") == NULL)
			return quell__esp_bad(x, "SendGrid events",
			                      "an element that is no object with \"event\"");
	}
	json_array_foreach(doc, i, o) {
		if ((rc = one(x, o)) != 0)
			return rc;
	}
	return 0;
}
