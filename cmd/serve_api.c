/*
 * serve_api.c - helpers of the entry, reply, import/export and SendGrid
 * routes of quell serve (serve_api.h): statuses of QUELL_E* codes, the
 * error answer with the library's message, query arguments.
 *
 * Knows nothing of LMDB nor of libmicrohttpd.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_api.h"

unsigned int api_status(int code)
{
	switch (code) {
	case QUELL_EINVAL:
	case QUELL_EADDRESS:
	case QUELL_EDATA:
		return 400;
	case QUELL_ENOTFOUND:
		return 404;
	case QUELL_ENODB:
	case QUELL_EREADONLY:
		return 503;
	default:
		return 500;
	}
}

int api_fail(struct serve_req *rq, int code, const char *item)
{
	const char *m = quell_errmsg(rq->srv->cli->h);

	if (*m == '\0')
		m = quell_strerror(code);
	if (item != NULL)
		serve_error(rq, api_status(code), "%s: %s", item, m);
	else
		serve_error(rq, api_status(code), "%s", m);
	return 0;
}

int api_stream(struct serve_req *rq, int star, const char **stream)
{
	const char *s = serve_arg(rq, "stream");

	*stream = NULL;
	if (s == NULL || *s == '\0')
		return 0;
	if (star && strcmp(s, "*") == 0) {
		*stream = s;
		return 0;
	}
	if (!quell_stream_valid(s)) {
		serve_error(rq, 400, "stream: '%s' is not a stream name (%s%s)", s, CLI_STREAM_RULE,
		            star ? ", or * for every stream" : "");
		return -1;
	}
	*stream = s;
	return 0;
}

int api_word(struct serve_req *rq, const char *name, const char *const *words,
             const int *vals, int dflt, int *out)
{
	const char *s = serve_arg(rq, name);

	*out = dflt;
	if (s == NULL || *s == '\0')
		return 0;
	for (size_t i = 0; words[i] != NULL; i++) {
		if (strcmp(words[i], s) == 0) {
			*out = vals[i];
			return 0;
		}
	}
	serve_error(rq, 400, "%s: '%s' is not one of the values it takes", name, s);
	return -1;
}

int api_time(struct serve_req *rq, const char *name, int64_t *out)
{
	const char *s = serve_arg(rq, name);

	*out = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if (quell_time_parse(s, out) != 0) {
		serve_error(rq, 400, "%s: '%s' is not a time (RFC 3339 or Unix seconds)", name, s);
		return -1;
	}
	return 0;
}

int api_count(struct serve_req *rq, const char *name, uint64_t lo, uint64_t hi, uint64_t dflt,
              uint64_t *out)
{
	const char *s = serve_arg(rq, name);
	char *end;
	unsigned long long v;

	*out = dflt;
	if (s == NULL || *s == '\0')
		return 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || v < lo || v > hi) {
		serve_error(rq, 400, "%s: '%s' is not a number from %llu to %llu", name, s,
		            (unsigned long long)lo, (unsigned long long)hi);
		return -1;
	}
	*out = v;
	return 0;
}

int api_list(struct serve_req *rq, int dflt, int *list)
{
	static const char *const w[] = { "suppress", "allow", "backoff", NULL };
	static const int v[] = { QUELL_LIST_SUPPRESS, QUELL_LIST_ALLOW, QUELL_LIST_BACKOFF };

	return api_word(rq, "list", w, v, dflt, list);
}

int api_append_line(struct api_text *t, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	size_t n = s != NULL ? strlen(s) : 0;
	const unsigned char *p = (const unsigned char *)s;

	/* at most 6 bytes for each byte of the dump, and the LF */
	if (s == NULL || n > (SIZE_MAX - t->len - 1) / 6) {
		free(s);
		return -1;
	}
	if (t->len + n * 6 + 1 > t->cap) {
		size_t cap = (t->len + n * 6 + 1) * 2;
		char *q = realloc(t->text, cap);

		if (q == NULL) {
			free(s);
			return -1;
		}
		t->text = q;
		t->cap = cap;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned int c = 0;

		if (p[i] == 0x7f)
			c = 0x7f;
		else if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] < 0xa0)
			c = p[++i];
		if (c != 0)
			t->len += (size_t)snprintf(t->text + t->len, 7, "\\u%04X", c);
		else
			t->text[t->len++] = (char)p[i];
	}
	t->text[t->len++] = '\n';
	free(s);
	return 0;
}
