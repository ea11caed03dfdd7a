/*
 * socketmap_answer.c - the reply to a socketmap lookup: the verdict as a
 * Postfix transport (socketmap_answer.h says which).  Knows nothing of
 * sockets or of how requests are read.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "socketmap_answer.h"

/* Whether s starts with word, followed by a space or its end. */
static const char *word(const char *s, const char *w)
{
	size_t n = strlen(w);

	if (strncasecmp(s, w, n) != 0 || (s[n] != '\0' && s[n] != ' '))
		return NULL;
	return s[n] == ' ' ? s + n + 1 : s + n;
}

/* 1 to 3 digits at s: how many, else 0. */
static size_t digits(const char *s)
{
	size_t d = 0;

	while (d < 3 && isdigit((unsigned char)s[d]))
		d++;
	return isdigit((unsigned char)s[d]) ? 0 : d;
}

/* "X.Y.Z" at s, X the class c, followed by a space or the end: its
 * length (5 to 9), else 0. */
static size_t dsn(const char *s, char c)
{
	size_t i = 2, d;

	if (s[0] != c || s[1] != '.' || (d = digits(s + i)) == 0)
		return 0;
	i += d;
	if (s[i++] != '.' || (d = digits(s + i)) == 0)
		return 0;
	i += d;
	return s[i] == '\0' || s[i] == ' ' ? i : 0;
}

static size_t reply(char *out, const char *transport, const char *status, size_t slen,
                    const char *text)
{
	int n = snprintf(out, SOCKETMAP_BODY_MAX, "OK %s:%.*s%s%s", transport, (int)slen, status,
	                 *text ? " " : "", text);

	return n < 0 ? 0 : (size_t)n < SOCKETMAP_BODY_MAX ? (size_t)n : SOCKETMAP_BODY_MAX - 1;
}

size_t socketmap_transport(const char *a, char *out)
{
	const char *t;

	if (a[0] >= '4' && a[0] <= '5' && isdigit((unsigned char)a[1]) &&
	    isdigit((unsigned char)a[2]) && (a[3] == ' ' || a[3] == '\0')) {
		const char *rest = a[3] == ' ' ? a + 4 : a + 3;
		size_t n = dsn(rest, a[0]);
		const char *transport = a[0] == '5' ? "error" : "retry";

		if (n > 0)
			return reply(out, transport, rest, n, rest[n] == ' ' ? rest + n + 1 : "");
		return reply(out, transport, a[0] == '5' ? "5.0.0" : "4.0.0", 5, rest);
	}
	if ((t = word(a, "REJECT")) != NULL)
		return reply(out, "error", "5.7.1", 5, t);
	if ((t = word(a, "DEFER")) != NULL || (t = word(a, "DEFER_IF_PERMIT")) != NULL ||
	    (t = word(a, "DEFER_IF_REJECT")) != NULL)
		return reply(out, "retry", "4.7.1", 5, t);
	memcpy(out, "NOTFOUND ", sizeof "NOTFOUND ");
	return sizeof "NOTFOUND " - 1;
}

size_t socketmap_netstring(const char *body, size_t n, char *out, size_t size)
{
	int k = snprintf(out, size, "%zu:", n);

	if (k < 0 || (size_t)k + n + 1 >= size)
		return 0;
	memcpy(out + k, body, n);
	out[(size_t)k + n] = ',';
	out[(size_t)k + n + 1] = '\0';
	return (size_t)k + n + 1;
}

/* The text of an action after its code and status: "451 4.3.0 X" -> "X". */
static const char *text_of(const char *a)
{
	const char *s = strchr(a, ' ');

	if (s == NULL)
		return "";
	s++;
	if (dsn(s, a[0]) > 0)
		s += dsn(s, a[0]) + (s[dsn(s, a[0])] == ' ');
	return s;
}

static void fail(struct socketmap_answer *out, const struct policy_reply_set *set,
                 int fail_open)
{
	char action[POLICY_REPLY_MAX];

	out->failed = 1;
	if (fail_open) {
		snprintf(out->body, sizeof out->body, "NOTFOUND ");
		return;
	}
	policy_reply_expand(set->tmpl[POLICY_REPLY_ERROR], NULL, action);
	snprintf(out->body, sizeof out->body, "TEMP %s", text_of(action));
}

void socketmap_answer(quell *h, const struct socketmap_req *req,
                      const struct policy_reply_set *set, const char *stream, int64_t now,
                      int fail_open, struct socketmap_answer *out)
{
	const char *key = socketmap_req_key(req), *tmpl;
	char action[POLICY_REPLY_MAX];
	int rc;

	out->checked = out->failed = 0;
	out->error[0] = '\0';
	snprintf(out->body, sizeof out->body, "NOTFOUND ");
	if (strcmp(socketmap_req_name(req), SOCKETMAP_MAP) != 0) {
		snprintf(out->body, sizeof out->body, "PERM unknown map name; quell serves '"
		         SOCKETMAP_MAP "'");
		return;
	}
	/* a full address only: not a domain, "@domain", ".domain" or "*" */
	if (key[0] == '@' || strchr(key, '@') == NULL)
		return;
	out->checked = 1;
	rc = quell_check(h, key, stream, now, &out->res);
	if (rc == QUELL_EADDRESS)
		return;
	if (rc != 0) {
		snprintf(out->error, sizeof out->error, "%s", quell_errmsg(h));
		fail(out, set, fail_open);
		return;
	}
	tmpl = policy_reply_pick(set, &out->res);
	if (tmpl == NULL)
		return;
	policy_reply_expand(tmpl, &out->res, action);
	socketmap_transport(action, out->body);
}
