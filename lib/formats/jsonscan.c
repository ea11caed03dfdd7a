/*
 * jsonscan.c - one array element of a JSON document at a time (see
 * jsonscan.h).
 *
 * A value is skipped or captured by counting brackets outside strings;
 * strings end at an unescaped quote.  Memory: the element buffer only.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"
#include "text.h"

enum { S_NONE, S_FIRST, S_AFTER, S_END };

int quell__jscan_init(struct quell__jscan *s, struct quell__in *in)
{
	memset(s, 0, sizeof *s);
	s->in = in;
	s->el = malloc(QUELL__ROW_MAX + 1);
	return s->el == NULL ? QUELL_ENOMEM : 0;
}

void quell__jscan_fini(struct quell__jscan *s)
{
	free(s->el);
	s->el = NULL;
}

/* The next byte, consumed: 0..255, -1 at the end, QUELL_EIO. */
static int get(struct quell__in *in)
{
	if (in->pos == in->len) {
		int rc = quell__in_fill(in);
		if (rc <= 0)
			return rc == 0 ? -1 : rc;
	}
	return in->buf[in->pos++];
}

/* The next byte after white space, not consumed. */
static int next_token(struct quell__in *in)
{
	int rc = quell__in_skip_space(in);

	if (rc != 0)
		return rc;
	return in->pos < in->len ? in->buf[in->pos] : -1;
}

static int fail(struct quell__jscan *s, char *err, size_t errsize, const char *what, int b)
{
	s->line = s->in->line;
	if (b == -1)
		snprintf(err, errsize, "malformed JSON: %s, found the end of the input", what);
	else if (b >= 0x21 && b < 0x7f)
		snprintf(err, errsize, "malformed JSON: %s, found '%c'", what, b);
	else
		snprintf(err, errsize, "malformed JSON: %s, found byte 0x%02X", what, (unsigned)b);
	return QUELL_EDATA;
}

/* Keep bytes of a captured value; past the limit they are only counted. */
static void keep(struct quell__jscan *s, int capture, const unsigned char *p, size_t n)
{
	if (capture && s->ellen < QUELL__ROW_MAX)
		memcpy(s->el + s->ellen, p, n < QUELL__ROW_MAX - s->ellen ? n : QUELL__ROW_MAX - s->ellen);
	s->ellen += n;
}

/*
 * Skip (capture == 0) or capture into s->el one value starting at the next
 * byte.  Returns 0, 1 when captured but too long, QUELL_EDATA (err set) or
 * QUELL_EIO.
 */
static int value(struct quell__jscan *s, int capture, char *err, size_t errsize)
{
	struct quell__in *in = s->in;
	int depth = 0, instr = 0, esc = 0, done = 0, b;

	s->ellen = 0;
	b = next_token(in);
	if (b < -1)
		return b;
	if (b == -1 || b == ',' || b == ']' || b == '}' || b == ':')
		return fail(s, err, errsize, "expected a value", b);
	if (b == '{' || b == '[' || b == '"') {
		/* to the bracket or quote that closes it, outside strings */
		while (!done) {
			const unsigned char *p = in->buf + in->pos, *end = in->buf + in->len, *start = p;
			int rc;

			while (p < end && !done) {
				unsigned char c = *p++;

				if (c == '\n')
					in->line++;
				if (instr) {
					if (esc)
						esc = 0;
					else if (c == '\\')
						esc = 1;
					else if (c == '"')
						instr = 0;
				} else if (c == '"') {
					instr = 1;
				} else if (c == '{' || c == '[') {
					depth++;
				} else if (c == '}' || c == ']') {
					depth--;
				}
				done = !instr && depth <= 0;
			}
			keep(s, capture, start, (size_t)(p - start));
			in->pos = (size_t)(p - in->buf);
			if (done)
				break;
			if ((rc = quell__in_fill(in)) < 0)
				return rc;
			if (rc == 0)
				return fail(s, err, errsize, "a value is not closed", -1);
		}
	} else { /* a number or a literal: up to the next delimiter */
		for (;;) {
			if (in->pos == in->len) {
				int rc = quell__in_fill(in);
				if (rc < 0)
					return rc;
				if (rc == 0)
					break;
			}
			b = in->buf[in->pos];
			if (b == ',' || b == ']' || b == '}' || b == ' ' || b == '\t' || b == '\r' ||
			    b == '\n')
				break;
			keep(s, capture, in->buf + in->pos, 1);
			in->pos++;
		}
	}
	if (capture) {
		if (s->ellen > QUELL__ROW_MAX)
			return 1;
		s->el[s->ellen] = '\0';
	}
	return 0;
}

/* A member name: "..." (escapes kept as written), at most 63 bytes kept. */
static int name(struct quell__jscan *s, char *buf, size_t size, size_t *n, char *err,
                size_t errsize)
{
	struct quell__in *in = s->in;
	int b, esc = 0;

	*n = 0;
	if ((b = next_token(in)) < -1)
		return b;
	if (b != '"')
		return fail(s, err, errsize, "expected a member name", b);
	in->pos++;
	for (;;) {
		if ((b = get(in)) < -1)
			return b;
		if (b == -1 || b == '\n')
			return fail(s, err, errsize, "a member name is not closed", b);
		if (!esc && b == '"')
			return 0;
		esc = !esc && b == '\\';
		if (*n < size)
			buf[*n] = (char)b;
		(*n)++;
	}
}

int quell__jscan_find(struct quell__jscan *s, const char *const *keys, size_t nkeys,
                      char *err, size_t errsize)
{
	struct quell__in *in = s->in;
	char key[64];
	size_t n;
	int b, rc;

	if ((b = next_token(in)) < -1)
		return b;
	if (b != '{')
		return fail(s, err, errsize, "expected an object", b);
	in->pos++;
	if ((b = next_token(in)) < -1)
		return b;
	if (b == '}')
		goto none;
	for (;;) {
		if ((rc = name(s, key, sizeof key, &n, err, errsize)) != 0)
			return rc;
		if ((b = next_token(in)) < -1)
			return b;
		if (b != ':')
			return fail(s, err, errsize, "expected ':' after a member name", b);
		in->pos++;
		if ((b = next_token(in)) < -1)
			return b;
		for (size_t i = 0; b == '[' && n <= sizeof key && i < nkeys; i++) {
			if (quell__ieq(key, n, keys[i])) {
				in->pos++;
				s->state = S_FIRST;
				return (int)i;
			}
		}
		if ((rc = value(s, 0, err, errsize)) != 0)
			return rc;
		if ((b = next_token(in)) < -1)
			return b;
		if (b == '}')
			break;
		if (b != ',')
			return fail(s, err, errsize, "expected ',' or '}' after a member", b);
		in->pos++;
	}
none:
	s->line = in->line;
	{
		char names[160] = "";
		size_t used = 0;

		for (size_t i = 0; i < nkeys && used < sizeof names; i++)
			used += (size_t)snprintf(names + used, sizeof names - used, "%s\"%s\"",
			                         i == 0 ? "" : " or ", keys[i]);
		snprintf(err, errsize, "no %s array in the JSON document", names);
	}
	return QUELL_EDATA;
}

int quell__jscan_array(struct quell__jscan *s, char *err, size_t errsize)
{
	int b = next_token(s->in);

	if (b < -1)
		return b;
	if (b != '[')
		return fail(s, err, errsize, "expected an array", b);
	s->in->pos++;
	s->state = S_FIRST;
	return 0;
}

int quell__jscan_next(struct quell__jscan *s, char *err, size_t errsize)
{
	struct quell__in *in = s->in;
	int b, rc;

	if (s->state != S_FIRST && s->state != S_AFTER)
		return 0;
	if ((b = next_token(in)) < -1)
		return b;
	if (b == ']') {
		in->pos++;
		s->state = S_END;
		return 0;
	}
	if (s->state == S_AFTER) {
		if (b != ',') {
			s->state = S_END;
			return fail(s, err, errsize, "expected ',' or ']' after an array element", b);
		}
		in->pos++;
		if ((b = next_token(in)) < -1)
			return b;
	}
	s->line = in->line;
	rc = value(s, 1, err, errsize);
	if (rc == QUELL_EDATA) {
		s->state = S_END;
		return rc;
	}
	if (rc < 0)
		return rc;
	s->state = S_AFTER;
	if (rc == 1) {
		snprintf(err, errsize, "array element longer than %d bytes", QUELL__ROW_MAX);
		return QUELL_EDATA;
	}
	return 1;
}
