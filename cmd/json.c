/*
 * json.c - JSON Lines output through jansson.
 *
 * Absent values (NULL or empty strings, zero times) are null.  Strings from
 * the database are stored as given and may hold anything: bytes that are
 * not valid UTF-8 become U+FFFD (jansson refuses them), and on output DEL
 * and the C1 controls, which JSON allows raw, are written as \u00XX so that
 * no raw control byte reaches a terminal.  Objects keep the order in which
 * their keys were set.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

/* A copy of s with every byte outside valid UTF-8 replaced by U+FFFD. */
static json_t *lossy_string(const char *s)
{
	size_t len = strlen(s);
	const unsigned char *p = (const unsigned char *)s;
	char *buf, *q;
	json_t *v;

	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	buf = malloc(len * 3 + 1);
	if (buf == NULL)
		return NULL;
	q = buf;
	while (*p != '\0') {
		size_t n = cli_utf8_len(p);

		if (n == 0) {
			memcpy(q, "\xef\xbf\xbd", 3);
			q += 3;
			p++;
		} else {
			memcpy(q, p, n);
			q += n;
			p += n;
		}
	}
	*q = '\0';
	v = json_string(buf);
	free(buf);
	return v;
}

json_t *cli_jstr(const char *s)
{
	json_t *v;

	if (s == NULL || *s == '\0')
		return json_null();
	v = json_string(s);
	return v != NULL ? v : lossy_string(s);
}

json_t *cli_jtime(int64_t t)
{
	char buf[QUELL_TIME_MAX];

	if (t == 0)
		return json_null();
	return json_string(quell_time_format(t, buf, sizeof buf));
}

json_t *cli_jnum(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v);
}

json_t *cli_jnum0(uint64_t v)
{
	return v == 0 ? json_null() : cli_jnum(v);
}

int cli_jset(json_t *o, const char *key, json_t *v)
{
	if (v == NULL)
		return 1;
	return json_object_set_new(o, key, v) != 0;
}

/* Write the dump, escaping DEL (7F) and C1 controls (C2 80..C2 9F).  In
 * jansson's output these bytes occur only inside strings, where \u00XX
 * means the same character. */
static void put_escaped(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *run = p;

	while (p < end) {
		unsigned int c;

		if (*p == 0x7f) {
			c = 0x7f;
		} else if (*p == 0xc2 && p + 1 < end && p[1] < 0xa0) {
			c = p[1];
		} else {
			p++;
			continue;
		}
		fwrite(run, 1, (size_t)(p - run), f);
		fprintf(f, "\\u%04X", c); /* as jansson writes them */
		p += c == 0x7f ? 1 : 2;
		run = p;
	}
	fwrite(run, 1, (size_t)(p - run), f);
	fputc('\n', f);
}

int cli_json_put(struct cli *cli, json_t *v)
{
	char small[4096], *buf = small;
	size_t n;

	if (v == NULL)
		return cli_oom(cli);
	n = json_dumpb(v, small, sizeof small, DUMP_FLAGS);
	if (n > sizeof small) {
		buf = malloc(n);
		if (buf != NULL && json_dumpb(v, buf, n, DUMP_FLAGS) != n) {
			free(buf);
			buf = NULL;
		}
	}
	json_decref(v);
	if (n == 0 || buf == NULL)
		return cli_oom(cli);
	put_escaped(stdout, buf, n);
	if (buf != small)
		free(buf);
	return 0;
}
