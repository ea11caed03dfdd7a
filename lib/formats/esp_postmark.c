/*
 * esp_postmark.c - Postmark webhooks ({"RecordType":..}), bounces of its
 * API (the same fields without RecordType) and pages of them
 * ({"Bounces":[..]}):
 *
 *   Bounce              reply: Details (Postmark gives the server's words
 *                       there, "smtp;550 5.1.1 ..."), else Description;
 *                       a bounce of Type SpamComplaint is a complaint
 *   SpamComplaint       complaint
 *   SubscriptionChange  SuppressSending true: ManualSuppression is an
 *                       unsubscribe in the MessageStream, SpamComplaint a
 *                       complaint; HardBounce (its bounce came as a Bounce)
 *                       and SuppressSending false (reactivated) are skipped
 *   Delivery            reply "250 " and Details
 *   Open, Click ...     skipped
 *
 * Ids: ID, else MessageID and the change's time; the note says Type,
 * TypeCode, Inactive and SuppressSending as Postmark gave them.
 *
 * Knows nothing of LMDB, rules, address normalization or I/O.
 */
#include <stdio.h>
#include <string.h>

#include "esp.h"
#include "text.h"

static void common(struct quell__esp *x, json_t *o, const char *rcpt_key, const char *time_key)
{
	struct quell_esp_event *ev = &x->ev;
	const char *rcpt = quell__esp_str(o, rcpt_key);

	quell__copy(ev->recipient, sizeof ev->recipient, rcpt ? rcpt : "");
	quell__esp_text(ev->id, sizeof ev->id, json_object_get(o, "ID"));
	if (ev->id[0] == '\0') {
		const char *m = quell__esp_str(o, "MessageID"), *t = quell__esp_str(o, time_key);

		if (m != NULL)
			snprintf(ev->id, sizeof ev->id, "%s %s", m, t ? t : "");
	}
	ev->time = quell__esp_time(o, time_key);
}

static int bounce(struct quell__esp *x, json_t *o)
{
	struct quell_esp_event *ev = &x->ev;
	const char *type = quell__esp_str(o, "Type");
	const char *details = quell__esp_str(o, "Details");
	const char *desc = quell__esp_str(o, "Description");
	const json_t *code = json_object_get(o, "TypeCode");
	const json_t *inactive = json_object_get(o, "Inactive");

	quell__esp_begin(x, "Bounce");
	common(x, o, "Email", "BouncedAt");
	snprintf(ev->note, sizeof ev->note, "postmark: %s %" JSON_INTEGER_FORMAT "%s",
	         type ? type : "?", json_is_integer(code) ? json_integer_value(code) : 0,
	         json_is_true(inactive) ? " inactive" : "");
	if (type != NULL && strcmp(type, "SpamComplaint") == 0) {
		ev->kind = QUELL_ESP_COMPLAINT;
		quell__copy(ev->reply, sizeof ev->reply, "complaint: postmark SpamComplaint");
	} else {
		ev->kind = QUELL_ESP_REPLY;
		quell__esp_reply(x, 0, NULL, details && details[0] ? details
		                             : desc && desc[0] ? desc : type ? type : "bounce");
	}
	return quell__esp_emit(x);
}

static int subscription(struct quell__esp *x, json_t *o)
{
	struct quell_esp_event *ev = &x->ev;
	const char *why = quell__esp_str(o, "SuppressionReason");
	const char *origin = quell__esp_str(o, "Origin");
	int on = json_is_true(json_object_get(o, "SuppressSending"));

	quell__esp_begin(x, "SubscriptionChange");
	common(x, o, "Recipient", "ChangedAt");
	snprintf(ev->note, sizeof ev->note, "postmark: SubscriptionChange SuppressSending=%s %s%s%s",
	         on ? "true" : "false", why ? why : "", origin ? " origin=" : "",
	         origin ? origin : "");
	if (on && why != NULL && strcmp(why, "ManualSuppression") == 0) {
		ev->kind = QUELL_ESP_UNSUBSCRIBE;
		quell__copy(ev->reply, sizeof ev->reply, "unsubscribe: postmark");
		quell__esp_stream(x, quell__esp_str(o, "MessageStream"));
	} else if (on && why != NULL && strcmp(why, "SpamComplaint") == 0) {
		ev->kind = QUELL_ESP_COMPLAINT;
		quell__copy(ev->reply, sizeof ev->reply, "complaint: postmark SpamComplaint");
	}
	return quell__esp_emit(x);
}

static int one(struct quell__esp *x, json_t *o)
{
	struct quell_esp_event *ev = &x->ev;
	const char *rt = quell__esp_str(o, "RecordType");
	const char *details;

	if (rt == NULL || strcmp(rt, "Bounce") == 0)
		return bounce(x, o);
	if (strcmp(rt, "SpamComplaint") == 0) {
		quell__esp_begin(x, rt);
		common(x, o, "Email", "BouncedAt");
		ev->kind = QUELL_ESP_COMPLAINT;
		quell__copy(ev->reply, sizeof ev->reply, "complaint: postmark SpamComplaint");
		quell__copy(ev->note, sizeof ev->note, "postmark: SpamComplaint");
		return quell__esp_emit(x);
	}
	if (strcmp(rt, "SubscriptionChange") == 0)
		return subscription(x, o);
	quell__esp_begin(x, rt);
	snprintf(ev->note, sizeof ev->note, "postmark: %s", rt);
	if (strcmp(rt, "Delivery") == 0) {
		common(x, o, "Recipient", "DeliveredAt");
		details = quell__esp_str(o, "Details");
		ev->kind = QUELL_ESP_REPLY;
		quell__esp_reply(x, 250, NULL, details && details[0] ? details : "delivered");
	}
	return quell__esp_emit(x);
}

int quell__esp_postmark(struct quell__esp *x, json_t *doc)
{
	json_t *page = json_object_get(doc, "Bounces");
	size_t i;
	json_t *o;
	int rc;

	if (json_is_array(page)) {
		json_array_foreach(page, i, o) {
			if (!json_is_object(o))
				return quell__esp_bad(x, "Postmark events", "a bounce that is no object");
		}
		json_array_foreach(page, i, o) {
			if ((rc = one(x, o)) != 0)
				return rc;
		}
		return 0;
	}
	if (!json_is_object(doc) ||
	    (json_object_get(doc, "RecordType") == NULL && json_object_get(doc, "Type") == NULL))
		return quell__esp_bad(x, "Postmark events",
		                      "no \"RecordType\", bounce \"Type\" or \"Bounces\" array");
	return one(x, doc);
}
