/*
 * policy_reply.c - the answers of the Postfix policy server: reply
 * templates (checked when they are set, so a running server never meets
 * a bad one), their expansion, and the answer to one request.
 *
 * Text from the database (reply, rule, key...) reaches an answer only
 * through expand_field(), which keeps printable ASCII and nothing else,
 * and cuts it short: no CR, LF or control byte can end or split the
 * `action=` line.  See policy_reply.h for the template language.
 *
 * Knows nothing of sockets or of how requests are read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy_reply.h"

static const char *const keys[POLICY_REPLY_NKINDS] = {
	"suppress", "unsubscribe", "complaint", "backoff", "error"
};

static const char *const defaults[POLICY_REPLY_NKINDS] = {
	"550 5.1.1 Recipient suppressed ({category})",
	"550 5.7.1 Recipient opted out ({source})",
	"550 5.7.1 Recipient opted out ({source})",
	"DUNNO", /* Postfix queues and retries on its own; one throttling reply
	            must not refuse a whole provider's recipients at submission */
	"451 4.3.0 Suppression list unavailable",
};

/* Postfix access(5) actions a template may start with.  Not OK, PERMIT
 * and the like (they would skip the restrictions after this one), nor
 * those that reroute or drop mail. */
static const char *const actions[] = {
	"REJECT", "DEFER", "DEFER_IF_PERMIT", "DEFER_IF_REJECT", "WARN", "DUNNO"
};

static const char *const fields[] = {
	"category", "source", "rule", "scope", "key", "since", "until", "reply"
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

void policy_reply_init(struct policy_reply_set *s)
{
	for (int k = 0; k < POLICY_REPLY_NKINDS; k++)
		snprintf(s->tmpl[k], sizeof s->tmpl[k], "%s", defaults[k]);
	s->ncats = 0;
}

static int digits(const char *s, size_t n, size_t lo, size_t hi)
{
	if (n < lo || n > hi)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* RFC 3463: class.subject.detail, class 2, 4 or 5, 1-3 digits each. */
static int is_status(const char *w, size_t n)
{
	const char *d1 = memchr(w, '.', n), *d2;

	if (n < 5 || d1 != w + 1 || (w[0] != '2' && w[0] != '4' && w[0] != '5'))
		return 0;
	d2 = memchr(d1 + 1, '.', (size_t)(w + n - d1 - 1));
	return d2 != NULL && digits(d1 + 1, (size_t)(d2 - d1 - 1), 1, 3) &&
	       digits(d2 + 1, (size_t)(w + n - d2 - 1), 1, 3);
}

/* A word of digits and dots with a dot: meant as an enhanced status. */
static int looks_like_status(const char *w, size_t n)
{
	return n > 0 && w[0] >= '0' && w[0] <= '9' && memchr(w, '.', n) != NULL &&
	       strspn(w, "0123456789.") >= n;
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

static int bad(char *err, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
	return QUELL_EINVAL;
}

/* The {fields} of a template: known, closed, and none in the error one. */
static int check_fields(const char *t, int kind, char *err, size_t errsize)
{
	for (const char *p = t; (p = strchr(p, '{')) != NULL; p++) {
		const char *end;
		size_t n, i;

		if (p[1] == '{') {
			p++;
			continue;
		}
		end = strchr(p, '}');
		if (end == NULL)
			return bad(err, errsize, "'{' without '}'");
		n = (size_t)(end - p - 1);
		for (i = 0; i < NELEM(fields); i++)
			if (strlen(fields[i]) == n && memcmp(fields[i], p + 1, n) == 0)
				break;
		if (i == NELEM(fields))
			return bad(err, errsize,
			           "unknown field {%.*s} (category, source, rule, scope, key, "
			           "since, until, reply)", (int)n, p + 1);
		if (kind == POLICY_REPLY_ERROR)
			return bad(err, errsize, "the error template takes no fields: {%.*s}", (int)n, p + 1);
		p = end;
	}
	return 0;
}

int policy_reply_check(const char *t, int kind, char *err, size_t errsize)
{
	size_t len = strlen(t), n, i;
	const char *rest, *w2;

	if (len == 0)
		return bad(err, errsize, "empty template");
	if (len > POLICY_REPLY_TMPL_MAX)
		return bad(err, errsize, "template longer than %d bytes", POLICY_REPLY_TMPL_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c < 0x20 || c > 0x7e)
			return bad(err, errsize,
			           "byte 0x%02x at character %zu: only printable ASCII", c, i + 1);
	}
	if (t[0] == ' ')
		return bad(err, errsize, "template starts with a space");
	n = strcspn(t, " ");
	rest = skip_spaces(t + n);
	if (digits(t, n, 3, 3)) {
		if (t[0] != '4' && t[0] != '5')
			return bad(err, errsize, "code %.3s: must be 4NN or 5NN", t);
		w2 = rest;
		n = strcspn(w2, " ");
		if (is_status(w2, n)) {
			if (w2[0] != t[0])
				return bad(err, errsize, "enhanced status %.*s: not in the class of code %.3s",
				           (int)n, w2, t);
			rest = skip_spaces(w2 + n);
		} else if (looks_like_status(w2, n)) {
			return bad(err, errsize, "bad enhanced status '%.*s' (X.Y.Z)", (int)(n > 40 ? 40 : n),
			           w2);
		}
		if (*rest == '\0')
			return bad(err, errsize, "code %.3s: a text must follow", t);
		return check_fields(rest, kind, err, errsize);
	}
	for (i = 0; i < NELEM(actions); i++)
		if (strlen(actions[i]) == n && strncasecmp(actions[i], t, n) == 0)
			break;
	if (i == NELEM(actions))
		return bad(err, errsize,
		           "'%.*s': not 4NN, 5NN, REJECT, DEFER, DEFER_IF_PERMIT, "
		           "DEFER_IF_REJECT, WARN or DUNNO", (int)(n > 40 ? 40 : n), t);
	if (strcmp(actions[i], "DUNNO") == 0 && *rest != '\0')
		return bad(err, errsize, "DUNNO takes no text");
	return check_fields(rest, kind, err, errsize);
}

int policy_reply_set(struct policy_reply_set *s, const char *spec, char *err,
                     size_t errsize)
{
	const char *eq = strchr(spec, '='), *colon;
	size_t klen, i;
	int kind;

	if (eq == NULL)
		return bad(err, errsize, "'%.*s': not KEY=TEMPLATE", (int)strnlen(spec, 60), spec);
	klen = (size_t)(eq - spec);
	colon = memchr(spec, ':', klen);
	for (kind = 0; kind < POLICY_REPLY_NKINDS; kind++) {
		size_t n = strlen(keys[kind]);

		if ((colon != NULL ? (size_t)(colon - spec) : klen) == n &&
		    memcmp(spec, keys[kind], n) == 0)
			break;
	}
	if (kind == POLICY_REPLY_NKINDS)
		return bad(err, errsize, "unknown key '%.*s' (suppress, unsubscribe, complaint, "
		           "backoff, error, suppress:CATEGORY, backoff:CATEGORY)",
		           (int)(klen > 60 ? 60 : klen), spec);
	if (policy_reply_check(eq + 1, kind, err, errsize) != 0)
		return QUELL_EINVAL;
	if (colon == NULL) {
		snprintf(s->tmpl[kind], sizeof s->tmpl[kind], "%s", eq + 1);
		return 0;
	}
	if (kind != POLICY_REPLY_SUPPRESS && kind != POLICY_REPLY_BACKOFF)
		return bad(err, errsize, "'%.*s': only suppress and backoff take a category",
		           (int)(klen > 60 ? 60 : klen), spec);
	{
		char cat[QUELL_NAME_MAX];
		size_t clen = (size_t)(eq - colon - 1);

		if (clen == 0 || clen >= sizeof cat)
			return bad(err, errsize, "'%.*s': bad category name",
			           (int)(klen > 60 ? 60 : klen), spec);
		memcpy(cat, colon + 1, clen);
		cat[clen] = '\0';
		if (!quell_name_valid(cat))
			return bad(err, errsize, "category '%s' must match [a-z0-9._-]+", cat);
		for (i = 0; i < s->ncats; i++)
			if (s->cat[i].kind == kind && strcmp(s->cat[i].category, cat) == 0)
				break;
		if (i == POLICY_REPLY_CATS_MAX)
			return bad(err, errsize, "more than %d category templates",
			           POLICY_REPLY_CATS_MAX);
		if (i == s->ncats)
			s->ncats++;
		s->cat[i].kind = kind;
		memcpy(s->cat[i].category, cat, clen + 1);
		snprintf(s->cat[i].tmpl, sizeof s->cat[i].tmpl, "%s", eq + 1);
	}
	return 0;
}

static const char *by_category(const struct policy_reply_set *s, int kind, const char *cat)
{
	for (size_t i = 0; i < s->ncats; i++)
		if (s->cat[i].kind == kind && strcmp(s->cat[i].category, cat) == 0)
			return s->cat[i].tmpl;
	return s->tmpl[kind];
}

const char *policy_reply_pick(const struct policy_reply_set *s,
                              const struct quell_result *r)
{
	if (r->verdict == QUELL_SUPPRESS) {
		if (r->source == QUELL_SOURCE_UNSUBSCRIBE)
			return s->tmpl[POLICY_REPLY_UNSUBSCRIBE];
		if (r->source == QUELL_SOURCE_COMPLAINT)
			return s->tmpl[POLICY_REPLY_COMPLAINT];
		return by_category(s, POLICY_REPLY_SUPPRESS, r->category);
	}
	if (r->verdict == QUELL_BACKOFF)
		return by_category(s, POLICY_REPLY_BACKOFF, r->category);
	return NULL;
}

/* Append a field's value: printable ASCII kept, any other character one
 * '?' (UTF-8 continuation bytes dropped), at most FIELD_MAX bytes, "-"
 * when empty. */
static size_t expand_field(const char *v, char *out, size_t pos, size_t max)
{
	size_t start = pos;

	if (v == NULL || *v == '\0')
		v = "-";
	for (; *v != '\0' && pos < max && pos - start < POLICY_REPLY_FIELD_MAX; v++) {
		unsigned char c = (unsigned char)*v;

		if (c >= 0x20 && c < 0x7f)
			out[pos++] = (char)c;
		else if (c < 0x80 || c >= 0xc0)
			out[pos++] = '?';
	}
	return pos;
}

static const char *field(const char *name, size_t n, const struct quell_result *r, char *tbuf)
{
	if (r == NULL)
		return NULL;
#define IS(s) (n == sizeof(s) - 1 && memcmp(name, s, n) == 0)
	if (IS("category")) return r->category;
	if (IS("source")) return quell_source_name(r->source);
	if (IS("rule")) return r->rule;
	if (IS("scope")) return quell_scope_name(r->scope);
	if (IS("key")) return r->key;
	if (IS("reply")) return r->reply;
	if (IS("since") && r->since != 0)
		return quell_time_format(r->since, tbuf, QUELL_TIME_MAX);
	if (IS("until") && r->until != 0)
		return quell_time_format(r->until, tbuf, QUELL_TIME_MAX);
#undef IS
	return NULL;
}

size_t policy_reply_expand(const char *t, const struct quell_result *r, char *out)
{
	const size_t max = POLICY_REPLY_MAX - 1;
	char tbuf[QUELL_TIME_MAX];
	size_t pos = 0;

	while (*t != '\0' && pos < max) {
		const char *end;

		if (t[0] == '{' && t[1] == '{') {
			out[pos++] = '{';
			t += 2;
		} else if (t[0] == '{' && (end = strchr(t, '}')) != NULL) {
			pos = expand_field(field(t + 1, (size_t)(end - t - 1), r, tbuf), out, pos, max);
			t = end + 1;
		} else {
			out[pos++] = *t++;
		}
	}
	out[pos] = '\0';
	return pos;
}

static void fail(struct policy_answer *out, const struct policy_reply_set *set,
                 int fail_open)
{
	out->failed = 1;
	if (fail_open)
		snprintf(out->action, sizeof out->action, "DUNNO");
	else
		policy_reply_expand(set->tmpl[POLICY_REPLY_ERROR], NULL, out->action);
}

int policy_answer(quell *h, const struct policy_req *req,
                  const struct policy_reply_set *set, const char *stream,
                  int64_t now, int fail_open, struct policy_answer *out)
{
	const char *request = policy_req_get(req, "request");
	const char *state, *tmpl;
	int rc;

	out->checked = out->failed = 0;
	out->recipient = out->stream = NULL;
	out->error[0] = '\0';
	snprintf(out->action, sizeof out->action, "DUNNO");
	if (request == NULL || strcmp(request, "smtpd_access_policy") != 0) {
		if (request == NULL)
			snprintf(out->error, sizeof out->error, "no request attribute");
		else
			snprintf(out->error, sizeof out->error,
			         "request=%.60s: not smtpd_access_policy", request);
		return QUELL_EDATA;
	}
	state = policy_req_get(req, "protocol_state");
	if (state == NULL || strcasecmp(state, "RCPT") != 0)
		return 0;
	out->recipient = policy_req_get(req, "recipient");
	if (out->recipient == NULL || out->recipient[0] == '\0')
		return 0;
	if (stream == NULL)
		stream = policy_req_get(req, "policy_context");
	if (stream != NULL && stream[0] == '\0')
		stream = NULL;
	out->stream = stream;
	if (stream != NULL && !quell_stream_valid(stream)) {
		snprintf(out->error, sizeof out->error,
		         "policy_context '%.60s': not a stream name ([a-z0-9._-]+)", stream);
		fail(out, set, fail_open);
		return 0;
	}
	out->checked = 1;
	rc = quell_check(h, out->recipient, stream, now, &out->res);
	if (rc == QUELL_EADDRESS)
		return 0; /* not ours to judge: Postfix has its own checks */
	if (rc != 0) {
		snprintf(out->error, sizeof out->error, "%s", quell_errmsg(h));
		fail(out, set, fail_open);
		return 0;
	}
	tmpl = policy_reply_pick(set, &out->res);
	if (tmpl != NULL)
		policy_reply_expand(tmpl, &out->res, out->action);
	return 0;
}
