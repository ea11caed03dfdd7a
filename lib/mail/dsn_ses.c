/*
 * dsn_ses.c - an Amazon SES notification that SNS mailed to an email
 * endpoint: the message's text is the notification's JSON (raw, or in the
 * SNS envelope when the subscription sends raw messages off), followed by
 * SNS's footer ("--", "If you wish to stop receiving notifications...").
 * The JSON is read by quell_esp_events (lib/formats/esp_ses.c), so a
 * bounce, complaint or delivery mailed this way is what the same
 * notification posted to `quell serve` would be.
 *
 * Lines over the SMTP limit have been split on the way by sendmail's rule
 * (a '!' at the break, the rest on a new line starting with a space):
 * joined again before the JSON is read.
 *
 * Knows nothing of rules or of the database.
 */
#include <stdio.h>
#include <string.h>

#include "dsn_ctx.h"
#include "quell.h"

/* Join lines split as "...!\n ..." in place; returns the new length.  The
 * bytes freed at the end become spaces: when the text is no notification
 * after all, it is read on as text, with the same length. */
static size_t unsplit(char *t, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (t[i] == '!' && i + 2 < n && t[i + 1] == '\n' && t[i + 2] == ' ') {
			i += 2;
			continue;
		}
		t[o++] = t[i];
	}
	memset(t + o, ' ', n - o);
	return o;
}

/* The length of the JSON object that starts t[0..n) ('{'), strings and
 * escapes followed; 0 when it does not end within n. */
static size_t object_len(const char *t, size_t n)
{
	size_t depth = 0;
	int str = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = t[i];

		if (str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				str = 0;
		} else if (ch == '"') {
			str = 1;
		} else if (ch == '{' || ch == '[') {
			depth++;
		} else if ((ch == '}' || ch == ']') && depth > 0 && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

static const char *action_of(const char *event)
{
	if (strcmp(event, "Bounce") == 0)
		return "failed";
	if (strcmp(event, "DeliveryDelay") == 0)
		return "delayed";
	if (strcmp(event, "Delivery") == 0)
		return "delivered";
	return "";
}

static int one(void *arg, const struct quell_esp_event *ev)
{
	struct quell__dsn_ctx *c = arg;

	if (ev->error != NULL ||
	    (ev->kind != QUELL_ESP_REPLY && ev->kind != QUELL_ESP_COMPLAINT))
		return 0;
	quell__dsn_rep_reset(c, ev->time != 0 ? ev->time : quell__dsn_when(c->date));
	snprintf(c->rep.recipient, sizeof c->rep.recipient, "%s", ev->recipient);
	snprintf(c->rep.action, sizeof c->rep.action, "%s", action_of(ev->event));
	snprintf(c->rep.message_id, sizeof c->rep.message_id, "%s", ev->id);
	c->rep.complaint = ev->kind == QUELL_ESP_COMPLAINT;
	quell__dsn_reply(c, "", ev->reply, strlen(ev->reply));
	if (c->rep.reply[0] == '\0')
		quell__dsn_reply(c, c->rep.complaint ? "complaint: abuse" : "5.0.0", "", 0);
	return quell__dsn_emit(c);
}

int quell__dsn_ses(struct quell__dsn_ctx *c, struct quell__dsn_span t)
{
	size_t i = 0, len;

	while (i < t.n && (t.p[i] == ' ' || t.p[i] == '\t' || t.p[i] == '\n'))
		i++;
	if (i == t.n || t.p[i] != '{')
		return 0;
	t.p += i;
	t.n = unsplit(t.p, t.n - i);
	if ((len = object_len(t.p, t.n)) == 0)
		return 0;
	/* not SES's, or no JSON after all: the text is read as any other */
	if (quell_esp_events(QUELL_ESP_SES, t.p, len, one, c, NULL, 0) == QUELL_EDATA)
		return 0;
	return 1;
}
