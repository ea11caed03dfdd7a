/*
 * postfix_log.c - one Postfix log line into a delivery report (see
 * postfix_log.h).  A cursor walks the line once, front to back, never
 * past its end; every copy is bounded by its destination.  Anything that
 * does not look exactly like a delivery agent's report is skipped.
 *
 * Knows nothing of rules, replies' meaning or the database.
 */
#include <string.h>
#include <time.h>

#include "handle.h" /* quell__days_from_civil */
#include "postfix_log.h"
#include "timefmt.h"

struct cur {
	const char *p, *end;
};

static const char *const agents[] = { "smtp", "lmtp", "local", "virtual",
	                              "pipe", "error", "retry", NULL };
static const char *const statuses[] = { "sent", "deferred", "bounced", NULL };
static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static int isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int isalnum_ascii(char c)
{
	return isdig(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t left(const struct cur *c)
{
	return (size_t)(c->end - c->p);
}

/* Eat the literal s if it comes next. */
static int lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if (left(c) < n || memcmp(c->p, s, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

/* Exactly n digits. */
static int digits(struct cur *c, int n, int *out)
{
	int v = 0;

	if (left(c) < (size_t)n)
		return 0;
	for (int i = 0; i < n; i++) {
		if (!isdig(c->p[i]))
			return 0;
		v = v * 10 + (c->p[i] - '0');
	}
	c->p += n;
	*out = v;
	return 1;
}

/* Skip to the next space (or the end); the span skipped. */
static size_t token(struct cur *c)
{
	const char *s = c->p;

	while (c->p < c->end && *c->p != ' ')
		c->p++;
	return (size_t)(c->p - s);
}

static int spaces(struct cur *c)
{
	const char *s = c->p;

	while (c->p < c->end && *c->p == ' ')
		c->p++;
	return c->p > s;
}

/* ------------------------------------------------------------------ time */

static int leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int64_t y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* `Nov 28 10:00:00` or `Nov  1 10:00:00` (day padded with a space). */
static int syslog_time(struct cur *c, int64_t ref, int off, int64_t *t)
{
	int m = 0, d, h, mi, s;
	struct tm tm;
	time_t rt;

	if (left(c) < 4)
		return 0;
	for (int i = 0; i < 12; i++)
		if (memcmp(c->p, months + 3 * i, 3) == 0)
			m = i + 1;
	if (m == 0 || c->p[3] != ' ')
		return 0;
	c->p += 4;
	if (left(c) > 0 && *c->p == ' ')
		c->p++;
	if (!digits(c, 2, &d) && !digits(c, 1, &d))
		return 0;
	if (!lit(c, " ") || !digits(c, 2, &h) || !lit(c, ":") || !digits(c, 2, &mi) ||
	    !lit(c, ":") || !digits(c, 2, &s))
		return 0;
	if (d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return 0;
	/* the year of the reference time where the log was written */
	rt = (time_t)(ref + off);
	if (gmtime_r(&rt, &tm) == NULL)
		return 0;
	for (int64_t y = (int64_t)tm.tm_year + 1900 + 1, n = 0; n < 3; n++, y--) {
		int64_t when;

		if (d > mdays(y, m))
			continue;
		when = quell__days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + h * 3600 +
		       mi * 60 + s - off;
		if (when <= ref + 86400) {
			*t = when;
			return 1;
		}
	}
	return 0;
}

/* `2026-11-28T10:00:00[.frac](Z|+01:00|+0100)`, through quell_time_parse. */
static int rfc3339_time(struct cur *c, int64_t *t)
{
	char buf[48];
	const char *s = c->p;
	size_t n = token(c);

	if (n < 20 || n > 40 || !isdig(s[0]) || s[4] != '-' || s[10] != 'T')
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	/* +hhmm: as +hh:mm */
	if ((buf[n - 5] == '+' || buf[n - 5] == '-') && isdig(buf[n - 4]) && isdig(buf[n - 1]) &&
	    isdig(buf[n - 2]) && isdig(buf[n - 3])) {
		memmove(buf + n - 1, buf + n - 2, 3);
		buf[n - 2] = ':';
	}
	return quell_time_parse(buf, t) == 0;
}

/* ------------------------------------------------------------------ line */

/* The syslog tag: NAME/.../AGENT[PID]: with AGENT a delivery agent. */
static int tag(struct cur *c)
{
	const char *s = c->p, *last = NULL;
	int pid;

	while (c->p < c->end && (isalnum_ascii(*c->p) || *c->p == '-' || *c->p == '_' ||
	                         *c->p == '.' || *c->p == '/')) {
		if (*c->p == '/')
			last = c->p + 1;
		c->p++;
	}
	if (last == NULL || last == s + 1)
		return 0;
	for (int i = 0;; i++) {
		if (agents[i] == NULL)
			return 0;
		if ((size_t)(c->p - last) == strlen(agents[i]) &&
		    memcmp(last, agents[i], strlen(agents[i])) == 0)
			break;
	}
	if (lit(c, "[")) {
		while (digits(c, 1, &pid))
			;
		if (!lit(c, "]"))
			return 0;
	}
	return lit(c, ": ");
}

/* `<...>` with quoted local parts ("a>b"@x): the span inside. */
static int angle(struct cur *c, const char **s, size_t *n)
{
	int quoted = 0;

	if (!lit(c, "<"))
		return 0;
	*s = c->p;
	for (; c->p < c->end; c->p++) {
		if (quoted && *c->p == '\\' && c->p + 1 < c->end)
			c->p++;
		else if (*c->p == '"')
			quoted = !quoted;
		else if (!quoted && *c->p == '>')
			break;
	}
	if (c->p >= c->end)
		return 0;
	*n = (size_t)(c->p - *s);
	c->p++;
	return 1;
}

/* Copy s[0..n) as a string, cut to fit at a UTF-8 character boundary. */
static void copy(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size) {
		n = size - 1;
		for (int i = 0; i < 3 && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; i++)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* An SMTP reply starts with a code 2xx..5xx and a space, a dash or nothing. */
static int smtp_reply(const char *s, size_t n)
{
	return n >= 3 && s[0] >= '2' && s[0] <= '5' && isdig(s[1]) && isdig(s[2]) &&
	       (n == 3 || s[3] == ' ' || s[3] == '-');
}

/* d.ddd.ddd, class 2, 4 or 5. */
static int dsn_ok(const char *s, size_t n)
{
	size_t i = 1, k;

	if (n == 0 || n >= QUELL_STATUS_MAX || (s[0] != '2' && s[0] != '4' && s[0] != '5'))
		return 0;
	for (int part = 0; part < 2; part++) {
		if (i >= n || s[i] != '.')
			return 0;
		for (k = ++i; i < n && i - k < 3 && isdig(s[i]); i++)
			;
		if (i == k)
			return 0;
	}
	return i == n;
}

/* The text in the status's parentheses into out->reply. */
static void reply(struct quell_postfix_report *out, const char *s, size_t n)
{
	static const char said[] = " said: ", inreply[] = " (in reply to ",
	                  command[] = " command)";
	const char *p, *e = s + n;
	size_t dn;

	if (n > 5 && memcmp(s, "host ", 5) == 0 &&
	    (p = memmem(s, n, said, sizeof said - 1)) != NULL)
		s = p + sizeof said - 1;
	if ((size_t)(e - s) > sizeof command - 1 &&
	    memcmp(e - (sizeof command - 1), command, sizeof command - 1) == 0) {
		for (p = e - (sizeof command - 1); p > s; p--)
			if ((size_t)(e - p) >= sizeof inreply - 1 &&
			    memcmp(p, inreply, sizeof inreply - 1) == 0)
				break;
		if (p > s)
			e = p;
	}
	n = (size_t)(e - s);
	if (smtp_reply(s, n) || out->dsn[0] == '\0') {
		copy(out->reply, sizeof out->reply, s, n);
		return;
	}
	dn = strlen(out->dsn);
	memcpy(out->reply, out->dsn, dn);
	out->reply[dn] = ' ';
	copy(out->reply + dn + 1, sizeof out->reply - dn - 1, s, n);
	if (n == 0)
		out->reply[dn] = '\0';
}

/* `, key=value` fields after the recipient, up to and with `status=`. */
static int fields(struct cur *c, struct quell_postfix_report *out)
{
	while (lit(c, ", ")) {
		const char *k = c->p, *v;
		size_t kn, vn;

		while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') || *c->p == '_'))
			c->p++;
		kn = (size_t)(c->p - k);
		if (kn == 0 || !lit(c, "="))
			return 0;
		if (kn == 6 && memcmp(k, "status", 6) == 0) {
			v = c->p;
			while (c->p < c->end && *c->p >= 'a' && *c->p <= 'z')
				c->p++;
			vn = (size_t)(c->p - v);
			for (int i = 0;; i++) {
				if (statuses[i] == NULL)
					return 0;
				if (strlen(statuses[i]) == vn && memcmp(statuses[i], v, vn) == 0)
					break;
			}
			copy(out->status, sizeof out->status, v, vn);
			if (!lit(c, " ("))
				return 0;
			v = c->p;
			vn = left(c);
			while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
				vn--;
			if (vn == 0 || v[vn - 1] != ')')
				return 0;
			reply(out, v, vn - 1);
			return 1;
		}
		if (left(c) > 0 && *c->p == '<') {
			if (!angle(c, &v, &vn))
				return 0;
			continue;
		}
		v = c->p;
		while (c->p < c->end && !(*c->p == ',' && c->p + 1 < c->end && c->p[1] == ' '))
			c->p++;
		vn = (size_t)(c->p - v);
		if (kn == 3 && memcmp(k, "dsn", 3) == 0) {
			if (!dsn_ok(v, vn))
				return 0;
			copy(out->dsn, sizeof out->dsn, v, vn);
		}
	}
	return 0;
}

int quell_postfix_log_parse(const char *line, size_t len, int64_t ref, int utc_offset,
                            struct quell_postfix_report *out)
{
	struct cur c = { line, line + len };
	const char *q, *r;
	size_t qn, rn;

	memset(out, 0, sizeof *out);
	if (line == NULL || len > QUELL__PFLOG_LINE_MAX || memchr(line, '\0', len) != NULL)
		return 0;
	if (left(&c) > 0 && isdig(*c.p)) {
		if (!rfc3339_time(&c, &out->time))
			return 0;
	} else if (!syslog_time(&c, ref, utc_offset, &out->time)) {
		return 0;
	}
	/* host, then the tag */
	if (!spaces(&c) || token(&c) == 0 || !spaces(&c))
		return 0;
	out->log_line = 1;
	if (!tag(&c))
		return 0;
	q = c.p;
	while (c.p < c.end && isalnum_ascii(*c.p))
		c.p++;
	qn = (size_t)(c.p - q);
	if (qn < 5 || qn >= sizeof out->queue_id || !lit(&c, ": to="))
		return 0;
	if (qn == 7 && memcmp(q, "NOQUEUE", 7) == 0)
		return 0;
	copy(out->queue_id, sizeof out->queue_id, q, qn);
	if (!angle(&c, &r, &rn) || !fields(&c, out))
		return 0;
	if (rn >= sizeof out->recipient) {
		out->error = "recipient longer than 511 bytes";
		return QUELL_EDATA;
	}
	if (rn == 0) {
		out->error = "empty recipient";
		return QUELL_EDATA;
	}
	copy(out->recipient, sizeof out->recipient, r, rn);
	return 1;
}
