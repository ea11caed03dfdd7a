/*
 * esp_ses.c - Amazon SES notifications: {"notificationType"} as SES sends
 * them to an SNS topic, {"eventType"} from event publishing, either raw or
 * inside an SNS envelope ({"Type":"Notification","Message":"<JSON>"}):
 *
 *   Bounce         one reply per bouncedRecipients[]: its diagnosticCode,
 *                  else its status with bounceType/bounceSubType as text
 *   DeliveryDelay  one reply per deliveryDelay.delayedRecipients[], as above
 *   Complaint      one complaint per complaint.complainedRecipients[]
 *   Delivery       one reply per delivery.recipients[]: smtpResponse
 *   anything else (Send, Reject, Open, Click, Subscription ...)   skipped
 *
 * An SNS SubscriptionConfirmation or UnsubscribeConfirmation is one
 * skipped event whose note is its SubscribeURL, for the operator: nothing
 * here follows it.  Ids: the bounce's or complaint's feedbackId, else
 * mail.messageId (deliveries, delays); the note says what SES called it
 * ("ses: Bounce Permanent/General").
 *
 * Knows nothing of LMDB, rules, address normalization, signatures or I/O.
 */
#include <stdio.h>
#include <string.h>

#include "esp.h"
#include "text.h"

/* The notification's parts: its type, the object of that type, the ids. */
struct note {
	const char *type;
	json_t *body;
	const char *id;
};

/* One recipient of a bounce or a delay: its diagnosticCode as the reply,
 * else the status and the kind of failure. */
static int failed(struct quell__esp *x, const struct note *n, json_t *r, const char *kind)
{
	struct quell_esp_event *ev = &x->ev;
	const char *diag = quell__esp_str(r, "diagnosticCode");
	const char *status = quell__esp_str(r, "status");

	quell__esp_begin(x, n->type);
	ev->kind = QUELL_ESP_REPLY;
	quell__copy(ev->recipient, sizeof ev->recipient,
	            quell__esp_str(r, "emailAddress") ? quell__esp_str(r, "emailAddress") : "");
	quell__copy(ev->id, sizeof ev->id, n->id ? n->id : "");
	ev->time = quell__esp_time(n->body, "timestamp");
	snprintf(ev->note, sizeof ev->note, "ses: %s %s", n->type, kind);
	if (diag != NULL && diag[0] != '\0')
		quell__copy(ev->reply, sizeof ev->reply, diag);
	else
		quell__esp_reply(x, 0, status, kind);
	return quell__esp_emit(x);
}

static int each_failed(struct quell__esp *x, const struct note *n, const char *list,
                       const char *k1, const char *k2)
{
	char kind[128];
	json_t *r;
	size_t i;
	int rc;
	const char *a = quell__esp_str(n->body, k1), *b = k2 ? quell__esp_str(n->body, k2) : NULL;

	snprintf(kind, sizeof kind, "%s%s%s", a ? a : "", b ? "/" : "", b ? b : "");
	json_array_foreach(json_object_get(n->body, list), i, r) {
		if ((rc = failed(x, n, r, kind)) != 0)
			return rc;
	}
	return 0;
}

static int complaints(struct quell__esp *x, const struct note *n)
{
	struct quell_esp_event *ev = &x->ev;
	const char *type = quell__esp_str(n->body, "complaintFeedbackType");
	json_t *r;
	size_t i;
	int rc;

	json_array_foreach(json_object_get(n->body, "complainedRecipients"), i, r) {
		const char *a = quell__esp_str(r, "emailAddress");

		quell__esp_begin(x, n->type);
		ev->kind = QUELL_ESP_COMPLAINT;
		quell__copy(ev->recipient, sizeof ev->recipient, a ? a : "");
		quell__copy(ev->id, sizeof ev->id, n->id ? n->id : "");
		ev->time = quell__esp_time(n->body, "timestamp");
		snprintf(ev->reply, sizeof ev->reply, "complaint: %s", type ? type : "ses");
		snprintf(ev->note, sizeof ev->note, "ses: Complaint%s%s", type ? " " : "",
		         type ? type : "");
		if ((rc = quell__esp_emit(x)) != 0)
			return rc;
	}
	return 0;
}

static int deliveries(struct quell__esp *x, const struct note *n)
{
	struct quell_esp_event *ev = &x->ev;
	const char *resp = quell__esp_str(n->body, "smtpResponse");
	json_t *r;
	size_t i;
	int rc;

	json_array_foreach(json_object_get(n->body, "recipients"), i, r) {
		quell__esp_begin(x, n->type);
		ev->kind = QUELL_ESP_REPLY;
		quell__copy(ev->recipient, sizeof ev->recipient,
		            json_is_string(r) ? json_string_value(r) : "");
		quell__copy(ev->id, sizeof ev->id, n->id ? n->id : "");
		ev->time = quell__esp_time(n->body, "timestamp");
		quell__esp_reply(x, 250, NULL, resp && resp[0] ? resp : "delivered");
		quell__copy(ev->note, sizeof ev->note, "ses: Delivery");
		if ((rc = quell__esp_emit(x)) != 0)
			return rc;
	}
	return 0;
}

/* A notification: {"notificationType" or "eventType", "mail", and the
 * object of its type}. */
static int notification(struct quell__esp *x, json_t *o)
{
	const char *type = quell__esp_str(o, "notificationType");
	const char *msgid = quell__esp_str(json_object_get(o, "mail"), "messageId");
	struct note n;

	if (type == NULL)
		type = quell__esp_str(o, "eventType");
	if (type == NULL)
		return quell__esp_bad(x, "an SES notification",
		                      "no \"notificationType\", \"eventType\" or SNS \"Type\"");
	n.type = type;
	n.id = msgid;
	if (strcmp(type, "Bounce") == 0 || strcmp(type, "Complaint") == 0) {
		n.body = json_object_get(o, type[0] == 'B' ? "bounce" : "complaint");
		if (quell__esp_str(n.body, "feedbackId") != NULL)
			n.id = quell__esp_str(n.body, "feedbackId");
		if (type[0] == 'B')
			return each_failed(x, &n, "bouncedRecipients", "bounceType", "bounceSubType");
		return complaints(x, &n);
	}
	if (strcmp(type, "DeliveryDelay") == 0) {
		n.body = json_object_get(o, "deliveryDelay");
		return each_failed(x, &n, "delayedRecipients", "delayType", NULL);
	}
	if (strcmp(type, "Delivery") == 0) {
		n.body = json_object_get(o, "delivery");
		return deliveries(x, &n);
	}
	quell__esp_begin(x, type);
	snprintf(x->ev.note, sizeof x->ev.note, "ses: %s", type);
	return quell__esp_emit(x);
}

/* An SNS message: a Notification's Message parsed, a confirmation said. */
static int sns(struct quell__esp *x, json_t *o, const char *type)
{
	const char *msg = quell__esp_str(o, "Message");
	json_error_t jerr;
	json_t *inner;
	int rc;

	if (strcmp(type, "Notification") != 0) {
		const char *url = quell__esp_str(o, "SubscribeURL");

		quell__esp_begin(x, type);
		snprintf(x->ev.note, sizeof x->ev.note, "sns: %s%s%s", type, url ? " " : "",
		         url ? url : "");
		return quell__esp_emit(x);
	}
	if (msg == NULL)
		return quell__esp_bad(x, "an SES notification", "an SNS Notification without Message");
	if ((inner = json_loads(msg, 0, &jerr)) == NULL || !json_is_object(inner)) {
		json_decref(inner);
		return quell__esp_bad(x, "an SES notification", "its SNS Message is no JSON object");
	}
	rc = notification(x, inner);
	json_decref(inner);
	return rc;
}

int quell__esp_ses(struct quell__esp *x, json_t *doc)
{
	const char *type = quell__esp_str(doc, "Type");
	size_t i;
	json_t *o;
	int rc;

	if (json_is_array(doc)) { /* a list of them, as an export may hold */
		json_array_foreach(doc, i, o) {
			if (!json_is_object(o))
				return quell__esp_bad(x, "SES notifications", "an element that is no object");
		}
		json_array_foreach(doc, i, o) {
			if ((rc = quell__esp_ses(x, o)) != 0)
				return rc;
		}
		return 0;
	}
	if (!json_is_object(doc))
		return quell__esp_bad(x, "an SES notification", "not an object");
	return type != NULL ? sns(x, doc, type) : notification(x, doc);
}
