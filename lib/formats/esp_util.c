/*
 * esp_util.c - what the ESP event readers share (esp.h): an event
 * started, its strings cleaned, its reply put together from code, status
 * and text, its stream checked, and reported; small helpers over jansson
 * values.
 *
 * Knows nothing of LMDB, rules, address normalization or I/O.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp.h"
#include "text.h"
#include "timefmt.h"

void quell__esp_begin(struct quell__esp *x, const char *event)
{
	struct quell_esp_event *ev = &x->ev;

	ev->kind = QUELL_ESP_SKIP;
	quell__copy(ev->event, sizeof ev->event, event ? event : "");
	ev->recipient[0] = ev->reply[0] = ev->id[0] = ev->stream[0] = ev->note[0] = '\0';
	ev->time = 0;
	ev->error = NULL;
}

/* Control bytes as spaces (a reply keeps its line feeds: a multi-line
 * reply), and no white space at the end. */
static void clean(char *s, int keep_lf)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && !(keep_lf && s[i] == '\n')) || s[i] == 0x7f)
			s[i] = ' ';
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		s[--n] = '\0';
}

int quell__esp_emit(struct quell__esp *x)
{
	struct quell_esp_event *ev = &x->ev;

	clean(ev->reply, 1);
	clean(ev->note, 0);
	clean(ev->recipient, 0);
	clean(ev->id, 0);

	if (ev->error == NULL && ev->kind != QUELL_ESP_SKIP && ev->recipient[0] == '\0')
		ev->error = "no recipient";
	if (ev->error == NULL && ev->kind != QUELL_ESP_SKIP && ev->reply[0] == '\0')
		ev->error = "no reply";
	return x->cb(x->payload, ev);
}

int quell__esp_bad(struct quell__esp *x, const char *name, const char *why)
{
	if (x->errsize > 0)
		snprintf(x->err, x->errsize, "not %s: %s", name, why);
	return QUELL_EDATA;
}

const char *quell__esp_str(const json_t *o, const char *key)
{
	const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t quell__esp_time(const json_t *o, const char *key)
{
	const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
	int64_t t = 0;

	if (json_is_integer(v))
		t = (int64_t)json_integer_value(v);
	else if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 253402300800.0)
		t = (int64_t)json_real_value(v);
	else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		long long n = strtoll(s, &end, 10);

		if (end != s && (*end == '\0' || *end == '.') && n > 0)
			t = n;
		else if (quell__time_parse_any(s, strlen(s), &t) != 0)
			t = 0;
	}
	return t >= 0 && t < 253402300800 ? t : 0;
}

void quell__esp_text(char *buf, size_t size, const json_t *v)
{
	if (json_is_string(v))
		quell__copy(buf, size, json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (size > 0)
		buf[0] = '\0';
}

void quell__esp_stream(struct quell__esp *x, const char *s)
{
	char *d = x->ev.stream;
	size_t i;

	if (s == NULL || *s == '\0')
		return;
	for (i = 0; s[i] != '\0' && i + 1 < sizeof x->ev.stream; i++)
		d[i] = (char)tolower((unsigned char)s[i]);
	d[i] = '\0';
	if (s[i] != '\0' || !quell_stream_valid(d)) {
		d[0] = '\0';
		x->ev.error = "the stream is no stream name ([a-z0-9][a-z0-9._-]{0,63})";
	}
}

/* 1 when s starts with an enhanced status (d.d{1,3}.d{1,3}) and a space or
 * its end. */
static int starts_with_status(const char *s)
{
	size_t i = 1, n;

	if (s[0] < '2' || s[0] > '5')
		return 0;
	for (int part = 0; part < 2; part++) {
		if (s[i++] != '.')
			return 0;
		for (n = 0; isdigit((unsigned char)s[i]); i++)
			n++;
		if (n == 0 || n > 3)
			return 0;
	}
	return s[i] == '\0' || s[i] == ' ';
}

/* 1 when s starts with a basic reply code ("550", "550 ...", "550-..."). */
static int starts_with_code(const char *s)
{
	return s[0] >= '2' && s[0] <= '5' && isdigit((unsigned char)s[1]) &&
	       isdigit((unsigned char)s[2]) && (s[3] == '\0' || s[3] == ' ' || s[3] == '-');
}

void quell__esp_reply(struct quell__esp *x, long code, const char *status, const char *text)
{
	char *r = x->ev.reply;
	size_t size = sizeof x->ev.reply;
	char codebuf[8] = "";
	const char *after;

	if (text == NULL)
		text = "";
	after = text;
	if (starts_with_code(text)) { /* the text says its own code */
		memcpy(codebuf, text, 3);
		codebuf[3] = '\0';
		after = text[3] == '\0' ? text + 3 : text + 4;
	} else if (code >= 200 && code <= 599) {
		snprintf(codebuf, sizeof codebuf, "%ld", code);
	}
	if (status == NULL || starts_with_status(after) || !starts_with_status(status))
		status = "";
	if (codebuf[0] != '\0' && after != text && status[0] == '\0') {
		quell__copy(r, size, text); /* as the server said it */
		return;
	}
	snprintf(r, size, "%s%s%s%s%s", codebuf, codebuf[0] && status[0] ? " " : "", status,
	         (codebuf[0] || status[0]) && after[0] ? " " : "", after);
}
