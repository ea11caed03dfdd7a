/*
 * mailgun.c - rows from Mailgun's exports (CSV): bounces
 * (address,code,error,created_at), unsubscribes (address,tags,created_at;
 * one row per tag, the tag as the stream) and complaints
 * (address,created_at).
 *
 * Knows nothing of LMDB, rules or address normalization.
 */
#include <string.h>

#include "readers.h"

enum { ADDRESS, CODE, ERROR, CREATED, TAGS, NSLOTS };

static const struct quell__col cols[] = {
	{ "address", ADDRESS }, { "code", CODE },       { "error", ERROR },
	{ "created_at", CREATED }, { "created", CREATED }, { "tags", TAGS },
	{ "tag", TAGS },        { NULL, 0 },
};

enum { K_BOUNCES = 1, K_UNSUB, K_COMPLAINTS };

static int start(struct quell__reader *r, const int *present, char *err, size_t errsize)
{
	(void)err;
	(void)errsize;
	if (quell__name_hints(r, "unsub"))
		r->kind = K_UNSUB;
	else if (quell__name_hints(r, "complain"))
		r->kind = K_COMPLAINTS;
	else if (quell__name_hints(r, "bounce") || present[CODE] || present[ERROR])
		r->kind = K_BOUNCES;
	else if (present[TAGS])
		r->kind = K_UNSUB;
	else
		r->kind = K_COMPLAINTS;
	r->kindname = r->kind == K_BOUNCES ? "bounces"
	              : r->kind == K_UNSUB ? "unsubscribes"
	                                   : "complaints";
	return 0;
}

/* Tag separators: commas, semicolons, white space, and the brackets and
 * quotes of a JSON-style list. */
static int sep(char c)
{
	return c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '[' ||
	       c == ']' || c == '"';
}

/* The next tag at or after *p, cut in place; NULL when none is left. */
static char *next_tag(char **p)
{
	char *s = *p, *t;

	while (*s != '\0' && sep(*s))
		s++;
	if (*s == '\0')
		return NULL;
	t = s;
	while (*s != '\0' && !sep(*s))
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return t;
}

/* Whether the tags hold '*' (every stream) or no tag at all. */
static int all_streams(const char *s)
{
	int any = 0;

	while (*s != '\0') {
		size_t n;

		while (*s != '\0' && sep(*s))
			s++;
		for (n = 0; s[n] != '\0' && !sep(s[n]); n++)
			;
		if (n == 1 && *s == '*')
			return 1;
		any |= n > 0;
		s += n;
	}
	return !any;
}

static int map(struct quell__reader *r, struct quell__val *v, struct quell__row *row, char *err,
               size_t errsize)
{
	uint64_t code;
	char *tags;
	int rc;

	if (v == NULL) { /* the next tag of the row before */
		*row = r->prow;
		row->stream = next_tag(&r->pnext);
		if (row->stream == NULL) { /* cannot happen: pending means one more */
			r->pending = 0;
			snprintf(err, errsize, "internal error: no tag left");
			return QUELL_EINTERNAL;
		}
		r->pending = !all_streams(r->pnext);
		return 1;
	}
	if ((rc = quell__val_entry(r, &v[ADDRESS], row, err, errsize)) != 0 ||
	    (rc = quell__val_time(&v[CREATED], &row->created, err, errsize)) != 0)
		return rc;
	switch (r->kind) {
	case K_BOUNCES:
		row->source = QUELL_SOURCE_BOUNCE;
		if ((rc = quell__val_uint(&v[CODE], 999, &code, err, errsize)) != 0)
			return rc;
		if (code != 0 && code < 200)
			return quell__val_bad(&v[CODE], "reply code", err, errsize);
		row->code = (int)code;
		if ((rc = quell__val_str(&v[ERROR], &row->reply, err, errsize)) != 0)
			return rc;
		break;
	case K_COMPLAINTS:
		row->source = QUELL_SOURCE_COMPLAINT;
		row->category = "complaint";
		break;
	default:
		row->source = QUELL_SOURCE_UNSUBSCRIBE;
		row->category = "unsubscribe";
		if (v[TAGS].type != V_NONE && v[TAGS].type != V_STR)
			return quell__val_bad(&v[TAGS], "tags", err, errsize);
		if (v[TAGS].type == V_NONE || all_streams(v[TAGS].s))
			break;
		tags = v[TAGS].s;
		row->stream = next_tag(&tags);
		quell__row_mark(row);
		r->pending = !all_streams(tags);
		if (r->pending) {
			r->prow = *row;
			r->pnext = tags;
		}
		return 1;
	}
	quell__row_mark(row);
	return 1;
}

const struct quell__fmt quell__fmt_mailgun = {
	"mailgun", cols, NSLOTS, ADDRESS, 0, start, map, 1u << ERROR,
};
