/*
 * serve_parse.c - the JSON bodies of quell serve's entry, reply and
 * SendGrid routes, read into structs (serve_parse.h).  Pure: bytes in,
 * a struct and a one-line message out; no handle, no HTTP, no I/O.
 *
 * Bodies are read with jansson, refusing NUL bytes inside strings
 * (JSON_REJECT_DUPLICATES is not asked: the last value of a key wins, as
 * in most JSON readers).  Unknown keys are refused, so that a typo
 * ("reson") is an error rather than a silent default.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "serve_parse.h"

static int fail(char *err, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
	return -1;
}

/* The document of a body: an object, or -1 with the parser's place. */
static json_t *load(const char *body, size_t len, int want_object, char *err, size_t errsize)
{
	json_error_t je;
	json_t *v;

	if (len == 0) {
		fail(err, errsize, "the body is empty");
		return NULL;
	}
	v = json_loadb(body, len, 0, &je);
	if (v == NULL) {
		fail(err, errsize, "not JSON: %s at line %d column %d", je.text, je.line,
		     je.column);
		return NULL;
	}
	if (want_object && !json_is_object(v)) {
		json_decref(v);
		fail(err, errsize, "the body is not a JSON object");
		return NULL;
	}
	return v;
}

/* An optional string member: 0 (absent or null: *out NULL), or -1. */
static int opt_str(json_t *o, const char *key, const char **out, char *err, size_t errsize)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fail(err, errsize, "%s: not a string", key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return fail(err, errsize, "%s: holds a NUL byte", key);
	*out = json_string_value(v);
	return 0;
}

/* Refuse keys that are not in the NULL-ended list. */
static int known_keys(json_t *o, const char *const *keys, char *err, size_t errsize)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		size_t i = 0;

		while (keys[i] != NULL && strcmp(keys[i], k) != 0)
			i++;
		if (keys[i] == NULL)
			return fail(err, errsize, "unknown field '%.60s'", k);
	}
	return 0;
}

/* The strings of array member `key` into a malloc'd array. */
static int str_array(json_t *o, const char *key, const char ***out, size_t *n, char *err,
                     size_t errsize)
{
	json_t *a = json_object_get(o, key), *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!json_is_array(a))
		return fail(err, errsize, "%s: not an array", key);
	if (json_array_size(a) > SERVE_ENTRIES_MAX)
		return fail(err, errsize, "%s: more than %d items", key, SERVE_ENTRIES_MAX);
	*out = calloc(json_array_size(a) + 1, sizeof **out);
	if (*out == NULL)
		return fail(err, errsize, "out of memory");
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return fail(err, errsize, "%s[%zu]: not a string", key, i);
		if (strlen(json_string_value(v)) != json_string_length(v))
			return fail(err, errsize, "%s[%zu]: holds a NUL byte", key, i);
		(*out)[(*n)++] = json_string_value(v);
	}
	return 0;
}

static int add_ttl(json_t *o, int64_t *ttl, char *err, size_t errsize)
{
	json_t *v = json_object_get(o, "ttl");

	*ttl = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		if (json_integer_value(v) <= 0 || json_integer_value(v) > QUELL_DURATION_MAX)
			return fail(err, errsize, "ttl: %lld seconds is not a duration",
			            (long long)json_integer_value(v));
		*ttl = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v) || quell_duration_parse(json_string_value(v), ttl) != 0)
		return fail(err, errsize, "ttl: not a duration (30s, 15m, 8h, 7d, forever)");
	return 0;
}

static int add_fields(json_t *o, struct serve_add *a, char *err, size_t errsize)
{
	const char *list, *source;

	if (opt_str(o, "reason", &a->reason, err, errsize) != 0 ||
	    opt_str(o, "stream", &a->stream, err, errsize) != 0 ||
	    opt_str(o, "category", &a->category, err, errsize) != 0 ||
	    opt_str(o, "list", &list, err, errsize) != 0 ||
	    opt_str(o, "source", &source, err, errsize) != 0 || add_ttl(o, &a->ttl, err, errsize) != 0)
		return -1;
	a->list = QUELL_LIST_SUPPRESS;
	if (list != NULL && strcmp(list, "allow") == 0)
		a->list = QUELL_LIST_ALLOW;
	else if (list != NULL && strcmp(list, "suppress") != 0)
		return fail(err, errsize, "list: '%.40s' is not suppress or allow", list);
	a->source = QUELL_SOURCE_MANUAL;
	if (source != NULL) {
		a->source = quell_source_parse(source);
		if (a->source != QUELL_SOURCE_MANUAL && a->source != QUELL_SOURCE_UNSUBSCRIBE &&
		    a->source != QUELL_SOURCE_COMPLAINT)
			return fail(err, errsize,
			            "source: '%.40s' is not manual, unsubscribe or complaint", source);
	}
	if (a->stream != NULL && *a->stream != '\0' && !quell_stream_valid(a->stream))
		return fail(err, errsize, "stream: '%.70s' is not a stream name", a->stream);
	if (a->category != NULL && !quell_name_valid(a->category))
		return fail(err, errsize, "category: '%.70s' is not a name ([a-z0-9._-]+)",
		            a->category);
	return 0;
}

int serve_parse_add(const char *body, size_t len, struct serve_add *a, char *err,
                    size_t errsize)
{
	static const char *const keys[] = { "entries", "entry", "list", "reason", "ttl",
		                            "source", "stream", "category", NULL };
	json_t *o;

	memset(a, 0, sizeof *a);
	if ((o = a->root = load(body, len, 1, err, errsize)) == NULL)
		return -1;
	if (known_keys(o, keys, err, errsize) != 0)
		return -1;
	if (json_object_get(o, "entries") != NULL && json_object_get(o, "entry") != NULL)
		return fail(err, errsize, "give entries or entry, not both");
	if (json_object_get(o, "entry") != NULL) {
		const char *one;

		if (opt_str(o, "entry", &one, err, errsize) != 0)
			return -1;
		if (one == NULL)
			return fail(err, errsize, "entry: null");
		if ((a->entries = calloc(2, sizeof *a->entries)) == NULL)
			return fail(err, errsize, "out of memory");
		a->entries[a->n++] = one;
	} else if (json_object_get(o, "entries") == NULL) {
		return fail(err, errsize, "no entries given");
	} else if (str_array(o, "entries", &a->entries, &a->n, err, errsize) != 0) {
		return -1;
	}
	if (a->n == 0)
		return fail(err, errsize, "entries: empty");
	return add_fields(o, a, err, errsize);
}

void serve_add_free(struct serve_add *a)
{
	free(a->entries);
	json_decref(a->root);
	memset(a, 0, sizeof *a);
}

/* ---------------------------------------------------------------- replies */

static void item_error(struct serve_reply *it, const char *fmt, const char *what)
{
	snprintf(it->error, sizeof it->error, fmt, what);
}

static int reply_time(json_t *v, struct serve_reply *it)
{
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		it->time = json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) && quell_time_parse(json_string_value(v), &it->time) == 0 &&
	    it->time > 0)
		return 0;
	item_error(it, "%s: not a time (RFC 3339 or Unix seconds)", "time");
	return -1;
}

/* One item: a good reply, or its error set. */
static void reply_item(json_t *o, struct serve_reply *it)
{
	static const char *const keys[] = { "address", "reply", "time", "queue_id", "message_id",
		                            "source", NULL };
	const char *source;
	char e[SERVE_ERR_MAX];

	memset(it, 0, sizeof *it);
	it->source = QUELL_SOURCE_BOUNCE;
	if (!json_is_object(o)) {
		item_error(it, "%s", "not a JSON object");
		return;
	}
	if (known_keys(o, keys, e, sizeof e) != 0 || opt_str(o, "address", &it->address, e, sizeof e) != 0 ||
	    opt_str(o, "reply", &it->reply, e, sizeof e) != 0 ||
	    opt_str(o, "queue_id", &it->queue_id, e, sizeof e) != 0 ||
	    opt_str(o, "message_id", &it->message_id, e, sizeof e) != 0 ||
	    opt_str(o, "source", &source, e, sizeof e) != 0) {
		item_error(it, "%s", e);
		return;
	}
	if (reply_time(json_object_get(o, "time"), it) != 0)
		return;
	if (it->address == NULL)
		item_error(it, "%s: missing", "address");
	else if (it->reply == NULL)
		item_error(it, "%s: missing", "reply");
	else if (source != NULL && strcmp(source, "complaint") == 0)
		it->source = QUELL_SOURCE_COMPLAINT;
	else if (source != NULL && strcmp(source, "bounce") != 0)
		item_error(it, "%s: not bounce or complaint", "source");
}

/* The next non-blank line of body[*pos..len): 1 with it in *s, *n, or 0
 * at the end; *line counts every line. */
static int next_line(const char *body, size_t len, size_t *pos, size_t *line, const char **s,
                     size_t *n)
{
	while (*pos < len) {
		const char *p = body + *pos, *nl = memchr(p, '\n', len - *pos);
		size_t k = 0, m = nl != NULL ? (size_t)(nl - p) : len - *pos;

		*pos += m + (nl != NULL);
		++*line;
		while (k < m && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
			k++;
		if (k < m) {
			*s = p;
			*n = m;
			return 1;
		}
	}
	return 0;
}

/* JSON Lines: one document per non-blank line; a line that is not JSON
 * is an item with its error, as `record -` answers a bad line. */
static int parse_lines(const char *body, size_t len, size_t max, struct serve_replies *r,
                       char *err, size_t errsize)
{
	size_t pos = 0, line = 0, n, count = 0;
	const char *s;

	while (next_line(body, len, &pos, &line, &s, &n))
		if (++count > max)
			return fail(err, errsize, "more than %zu replies in one body", max);
	r->shape = SERVE_LINES;
	r->roots = calloc(count, sizeof *r->roots);
	r->items = calloc(count, sizeof *r->items);
	if (r->roots == NULL || r->items == NULL)
		return fail(err, errsize, "out of memory");
	pos = line = 0;
	while (next_line(body, len, &pos, &line, &s, &n)) {
		struct serve_reply *it = &r->items[r->n++];
		json_error_t je;

		r->roots[r->nroots] = json_loadb(s, n, 0, &je);
		if (r->roots[r->nroots] == NULL) {
			memset(it, 0, sizeof *it);
			it->source = QUELL_SOURCE_BOUNCE;
			snprintf(it->error, sizeof it->error, "line %zu: not JSON: %s", line, je.text);
			continue;
		}
		reply_item(r->roots[r->nroots++], it);
	}
	return 0;
}

/* The first byte that is not white space, or 0. */
static char first_byte(const char *body, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r' && body[i] != '\n')
			return body[i];
	return 0;
}

/* Whether body holds more than one non-blank line. */
static int many_lines(const char *body, size_t len)
{
	size_t pos = 0, line = 0, n;
	const char *s;

	return next_line(body, len, &pos, &line, &s, &n) && next_line(body, len, &pos, &line, &s, &n);
}

int serve_parse_replies(const char *body, size_t len, size_t max, struct serve_replies *r,
                        char *err, size_t errsize)
{
	json_error_t je;
	json_t *v;
	size_t n;

	memset(r, 0, sizeof *r);
	if (first_byte(body, len) == 0)
		return fail(err, errsize, "the body is empty");
	v = json_loadb(body, len, JSON_DECODE_ANY, &je);
	if (v == NULL && first_byte(body, len) == '{' && many_lines(body, len))
		return parse_lines(body, len, max, r, err, errsize);
	if (v == NULL)
		return fail(err, errsize, "not JSON: %s at line %d column %d", je.text, je.line,
		            je.column);
	if ((r->roots = calloc(1, sizeof *r->roots)) == NULL) {
		json_decref(v);
		return fail(err, errsize, "out of memory");
	}
	r->roots[r->nroots++] = v;
	if (!json_is_array(v) && !json_is_object(v))
		return fail(err, errsize, "the body is not a JSON object, array or JSON Lines");
	r->shape = json_is_array(v) ? SERVE_ARRAY : SERVE_ONE;
	n = json_is_array(v) ? json_array_size(v) : 1;
	if (n == 0)
		return fail(err, errsize, "no replies in the body");
	if (n > max)
		return fail(err, errsize, "more than %zu replies in one body", max);
	if ((r->items = calloc(n, sizeof *r->items)) == NULL)
		return fail(err, errsize, "out of memory");
	for (size_t i = 0; i < n; i++)
		reply_item(json_is_array(v) ? json_array_get(v, i) : v, &r->items[i]);
	r->n = n;
	return 0;
}

void serve_replies_free(struct serve_replies *r)
{
	for (size_t i = 0; i < r->nroots; i++)
		json_decref(r->roots[i]);
	free(r->roots);
	free(r->items);
	memset(r, 0, sizeof *r);
}

/* --------------------------------------------------------------- SendGrid */

int serve_parse_sg_delete(const char *body, size_t len, struct serve_emails *e, char *err,
                          size_t errsize)
{
	static const char *const keys[] = { "delete_all", "emails", NULL };
	json_t *o, *all;

	memset(e, 0, sizeof *e);
	if ((o = e->root = load(body, len, 1, err, errsize)) == NULL)
		return -1;
	if (known_keys(o, keys, err, errsize) != 0)
		return -1;
	all = json_object_get(o, "delete_all");
	if (all != NULL && !json_is_boolean(all))
		return fail(err, errsize, "delete_all: not true or false");
	e->all = json_is_true(all);
	if (json_object_get(o, "emails") != NULL) {
		if (e->all)
			return fail(err, errsize, "give delete_all or emails, not both");
		return str_array(o, "emails", &e->emails, &e->n, err, errsize);
	}
	if (!e->all)
		return fail(err, errsize, "give delete_all: true or emails");
	return 0;
}

int serve_parse_sg_recipients(const char *body, size_t len, struct serve_emails *e,
                              char *err, size_t errsize)
{
	static const char *const keys[] = { "recipient_emails", NULL };
	json_t *o;

	memset(e, 0, sizeof *e);
	if ((o = e->root = load(body, len, 1, err, errsize)) == NULL)
		return -1;
	if (known_keys(o, keys, err, errsize) != 0)
		return -1;
	if (json_object_get(o, "recipient_emails") == NULL)
		return fail(err, errsize, "recipient_emails: missing");
	if (str_array(o, "recipient_emails", &e->emails, &e->n, err, errsize) != 0)
		return -1;
	if (e->n == 0)
		return fail(err, errsize, "recipient_emails: empty");
	return 0;
}

void serve_emails_free(struct serve_emails *e)
{
	free(e->emails);
	json_decref(e->root);
	memset(e, 0, sizeof *e);
}
