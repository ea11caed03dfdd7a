/*
 * values.c - what the per-format mappers (native.c, sendgrid.c,
 * mailgun.c, ses.c, postmark.c) share: reading a named value as a string,
 * a time, a number or an entry, with messages that name the column; and
 * the small judgements several formats make (file name hints, replies
 * that look like SMTP).
 *
 * Knows nothing of LMDB, rules or address normalization.
 */
#include <string.h>

#include "readers.h"
#include "text.h"
#include "timefmt.h"

int quell__val_bad(const struct quell__val *v, const char *what, char *err, size_t errsize)
{
	char shown[200];

	if (v->type == V_STR || v->type == V_JSTR)
		quell__show(v->s, v->len, 40, QUELL__SHOW_UTF8, shown, sizeof shown);
	else if (v->type == V_INT)
		snprintf(shown, sizeof shown, "%lld", (long long)v->i);
	else if (v->type == V_REAL)
		snprintf(shown, sizeof shown, "%g", v->d);
	else
		snprintf(shown, sizeof shown, "%s", v->type == V_OTHER ? "(not a string)" : "");
	snprintf(err, errsize, "bad %s in '%s': '%s'", what, v->name ? v->name : "?", shown);
	return QUELL_EDATA;
}

int quell__val_str(const struct quell__val *v, const char **out, char *err, size_t errsize)
{
	if (v->type == V_NONE) {
		*out = "";
		return 0;
	}
	if (v->type == V_STR || v->type == V_JSTR) {
		*out = v->s;
		return 0;
	}
	snprintf(err, errsize, "'%s' is not a string", v->name ? v->name : "?");
	return QUELL_EDATA;
}

int quell__val_time(const struct quell__val *v, int64_t *t, char *err, size_t errsize)
{
	*t = 0;
	switch (v->type) {
	case V_NONE:
		return 0;
	case V_STR:
	case V_JSTR:
		if (quell__time_parse_any(v->s, v->len, t) == 0)
			return 0;
		break;
	case V_INT:
		if (v->i >= 0 && v->i <= 253402300799) {
			*t = v->i;
			return 0;
		}
		break;
	case V_REAL:
		if (v->d >= 0 && v->d < 253402300800.0) {
			*t = (int64_t)v->d;
			return 0;
		}
		break;
	}
	return quell__val_bad(v, "time", err, errsize);
}

int quell__val_uint(const struct quell__val *v, uint64_t max, uint64_t *out, char *err,
                    size_t errsize)
{
	*out = 0;
	if (v->type == V_NONE)
		return 0;
	if (v->type == V_INT) {
		if (v->i >= 0 && (uint64_t)v->i <= max) {
			*out = (uint64_t)v->i;
			return 0;
		}
	} else if (v->type == V_STR || v->type == V_JSTR) {
		size_t n = v->len;
		const char *s = quell__trim(v->s, &n);
		uint64_t x = 0;
		size_t i;

		for (i = 0; i < n && s[i] >= '0' && s[i] <= '9' && x <= max; i++)
			x = x * 10 + (uint64_t)(s[i] - '0');
		if (n > 0 && i == n && x <= max) {
			*out = x;
			return 0;
		}
	}
	return quell__val_bad(v, "number", err, errsize);
}

int quell__val_is(const struct quell__val *v, const char *w)
{
	size_t n = v->len;
	const char *s;

	if (v->type != V_STR && v->type != V_JSTR)
		return 0;
	s = quell__trim(v->s, &n);
	return quell__ieq(s, n, w);
}

int quell__val_entry(struct quell__reader *r, struct quell__val *v, struct quell__row *row,
                     char *err, size_t errsize)
{
	const char *s;
	size_t n = v->len;

	if (v->type != V_NONE && v->type != V_STR && v->type != V_JSTR) {
		snprintf(err, errsize, "'%s' is not a string", v->name);
		return QUELL_EDATA;
	}
	s = v->type == V_NONE ? "" : quell__trim(v->s, &n);
	if (n == 0) {
		const char *name = v->name;
		for (const struct quell__col *c = r->fmt->cols; name == NULL && c->name; c++)
			if (c->slot == r->fmt->entry_slot)
				name = c->name;
		snprintf(err, errsize, "no address: '%s' is missing or empty", name);
		return QUELL_EDATA;
	}
	if (v->type == V_STR) { /* our own buffer: cut in place */
		v->s[(size_t)(s - v->s) + n] = '\0';
		row->entry = s;
	} else if (s == v->s && n == v->len) {
		row->entry = s;
	} else {
		memcpy(r->ebuf, s, n);
		r->ebuf[n] = '\0';
		row->entry = r->ebuf;
	}
	row->has |= QUELL__HAS_ENTRY;
	return 0;
}

void quell__row_mark(struct quell__row *row)
{
	const char *s[] = { row->entry, row->stream, row->category, row->rule,
		            row->status, row->reply, row->reason };
	const unsigned sb[] = { QUELL__HAS_ENTRY, QUELL__HAS_STREAM, QUELL__HAS_CATEGORY,
		                QUELL__HAS_RULE, QUELL__HAS_STATUS, QUELL__HAS_REPLY,
		                QUELL__HAS_REASON };
	const int64_t t[] = { row->created, row->updated, row->expires, row->until,
		              row->first_failure };
	const unsigned tb[] = { QUELL__HAS_CREATED, QUELL__HAS_UPDATED, QUELL__HAS_EXPIRES,
		                QUELL__HAS_UNTIL, QUELL__HAS_FIRST_FAILURE };

	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		if (*s[i] != '\0')
			row->has |= sb[i];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i] != 0)
			row->has |= tb[i];
	if (row->list != 0)
		row->has |= QUELL__HAS_LIST;
	if (row->scope != 0)
		row->has |= QUELL__HAS_SCOPE;
	if (row->source != 0)
		row->has |= QUELL__HAS_SOURCE;
	if (row->code != 0)
		row->has |= QUELL__HAS_CODE;
}

int quell__name_hints(const struct quell__reader *r, const char *word)
{
	const char *base = strrchr(r->filename, '/');
	char name[256];
	size_t n = 0, wl = strlen(word);

	/* the letters and digits of the base name, so that "invalid_emails",
	 * "Invalid Emails" and "invalid-emails" all hold "invalidemail" */
	for (base = base ? base + 1 : r->filename; *base != '\0' && n + 1 < sizeof name; base++)
		if ((*base >= 'a' && *base <= 'z') || (*base >= 'A' && *base <= 'Z') ||
		    (*base >= '0' && *base <= '9'))
			name[n++] = *base;
	for (size_t i = 0; i + wl <= n; i++)
		if (quell__ieq(name + i, wl, word))
			return 1;
	return 0;
}

int quell__looks_like_reply(const char *t)
{
	while (*t == ' ' || *t == '\t')
		t++;
	if (quell__ieq(t, 5, "smtp;") || (t[0] >= '2' && t[0] <= '5' && t[1] >= '0' && t[1] <= '9' &&
	                                   t[2] >= '0' && t[2] <= '9' &&
	                                   (t[3] == '\0' || t[3] == ' ' || t[3] == '-')))
		return 1;
	if ((t[0] == '2' || t[0] == '4' || t[0] == '5') && t[1] == '.' && t[2] >= '0' && t[2] <= '9') {
		size_t i = 2;
		while (t[i] >= '0' && t[i] <= '9')
			i++;
		return t[i] == '.' && t[i + 1] >= '0' && t[i + 1] <= '9';
	}
	return 0;
}
