/*
 * ptime.c - every time quell reads: quell_time_parse (RFC 3339 or Unix
 * seconds: `--now`, `--since`), and the times provider exports write
 * (quell__time_parse_any in text.h): Unix seconds, RFC 3339 and its
 * SQL-like cousin, RFC 2822.  One RFC 3339 grammar serves both, strict
 * for the first and lenient for the second.  No C library time zone state
 * is used, so TZ never matters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h" /* quell__days_from_civil */
#include "text.h"
#include "timefmt.h"

#define MAX_TIME QUELL__TIME_LAST   /* 9999-12-31T23:59:59Z (timefmt.h) */
#define MIN_TIME QUELL__TIME_FIRST  /* 0000-01-01T00:00:00Z */

struct cur {
	const char *p, *end;
};

static int isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* Exactly n digits (n <= 9). */
static int num(struct cur *c, int n, int *out)
{
	int v = 0;

	if (c->end - c->p < n)
		return -1;
	for (int i = 0; i < n; i++) {
		if (!isdig(c->p[i]))
			return -1;
		v = v * 10 + (c->p[i] - '0');
	}
	c->p += n;
	*out = v;
	return 0;
}

/* One or two digits. */
static int num12(struct cur *c, int *out)
{
	if (c->p < c->end && isdig(c->p[0]) && c->p + 1 < c->end && isdig(c->p[1]))
		return num(c, 2, out);
	return num(c, 1, out);
}

static int eat(struct cur *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}

static void spaces(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The time of a date, a clock time and an offset east of UTC; with
 * strict (RFC 3339 alone) any year 0000-9999, else 1970-01-01 to
 * 9999-12-31 UTC only. */
static int make(int Y, int M, int D, int h, int mi, int s, int off, int strict, int64_t *t)
{
	static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t v;

	if ((!strict && Y < 1970) || M < 1 || M > 12 || D < 1 || D > mdays[M - 1] ||
	    (M == 2 && D == 29 && !leap(Y)) || h > 23 || mi > 59 || s > 60)
		return -1;
	if (s == 60)
		s = 59; /* a leap second is the second before */
	v = quell__days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 + h * 3600 + mi * 60 + s -
	    off;
	if (!strict && (v < 0 || v > MAX_TIME))
		return -1;
	*t = v;
	return 0;
}

/* A numeric offset: +hh:mm (strict: RFC 3339), else also +hhmm or +hh, in
 * seconds east of UTC. */
static int offset(struct cur *c, int strict, int *off)
{
	int sign, oh, om = 0;

	if (c->p >= c->end || (*c->p != '+' && *c->p != '-'))
		return -1;
	sign = *c->p++ == '-' ? -1 : 1;
	if (num(c, 2, &oh) != 0)
		return -1;
	if (eat(c, ':')) {
		if (num(c, 2, &om) != 0)
			return -1;
	} else if (strict || (c->p < c->end && isdig(*c->p) && num(c, 2, &om) != 0)) {
		return -1;
	}
	if (oh > 23 || om > 59)
		return -1;
	*off = sign * (oh * 3600 + om * 60);
	return 0;
}

/* A zone name of RFC 2822 (and the obsolete US ones). */
static int zone_name(struct cur *c, int *off)
{
	static const struct {
		const char *name;
		int hours;
	} zones[] = { { "UTC", 0 }, { "GMT", 0 }, { "UT", 0 },   { "Z", 0 },   { "EST", -5 },
		      { "EDT", -4 }, { "CST", -6 }, { "CDT", -5 }, { "MST", -7 }, { "MDT", -6 },
		      { "PST", -8 }, { "PDT", -7 } };
	const char *s = c->p;
	size_t n = 0;

	while (s + n < c->end && ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z')))
		n++;
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		if (quell__ieq(s, n, zones[i].name)) {
			c->p += n;
			*off = zones[i].hours * 3600;
			return 0;
		}
	}
	return -1;
}

/* HH:MM:SS[.frac] (strict: RFC 3339), else also H:MM and no seconds */
static int clock_time(struct cur *c, int strict, int *h, int *mi, int *s)
{
	*s = 0;
	if ((strict ? num(c, 2, h) : num12(c, h)) != 0 || !eat(c, ':') || num(c, 2, mi) != 0)
		return -1;
	if (strict && (c->p >= c->end || *c->p != ':'))
		return -1;
	if (eat(c, ':')) {
		if (num(c, 2, s) != 0)
			return -1;
		if (eat(c, '.')) {
			if (c->p >= c->end || !isdig(*c->p))
				return -1;
			while (c->p < c->end && isdig(*c->p))
				c->p++;
		}
	}
	return 0;
}

/*
 * RFC 3339, `2026-11-28T10:00:00[.frac](Z|+01:00)` with 'T', 't' or ' '
 * between date and time.  Strict, that is all; else (provider exports)
 * also a date alone, no seconds, an hour of one digit, spaces before the
 * zone, no zone (UTC), +hhmm, +hh and zone names.
 */
static int iso(struct cur *c, int strict, int64_t *t)
{
	int Y, M, D, h = 0, mi = 0, s = 0, off = 0;

	if (num(c, 4, &Y) || !eat(c, '-') || num(c, 2, &M) || !eat(c, '-') || num(c, 2, &D))
		return -1;
	if (c->p < c->end || strict) {
		if (!eat(c, 'T') && !eat(c, 't') && !eat(c, ' '))
			return -1;
		if (clock_time(c, strict, &h, &mi, &s) != 0)
			return -1;
		if (!strict)
			spaces(c);
		if (c->p < c->end || strict) {
			if (eat(c, 'Z') || eat(c, 'z'))
				;
			else if (offset(c, strict, &off) != 0 && (strict || zone_name(c, &off) != 0))
				return -1;
		}
	}
	if (c->p != c->end)
		return -1;
	return make(Y, M, D, h, mi, s, off, strict, t);
}

static int month(struct cur *c, int *m)
{
	static const char *const names[] = { "jan", "feb", "mar", "apr", "may", "jun",
		                             "jul", "aug", "sep", "oct", "nov", "dec" };
	const char *s = c->p;
	size_t n = 0;

	while (s + n < c->end && ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z')))
		n++;
	if (n < 3)
		return -1;
	for (int i = 0; i < 12; i++) {
		static const char *const full[] = { "january", "february", "march",     "april",
			                            "may",     "june",     "july",      "august",
			                            "september", "october", "november", "december" };
		if (quell__ieq(s, n, names[i]) || quell__ieq(s, n, full[i])) {
			c->p += n;
			*m = i + 1;
			return 0;
		}
	}
	return -1;
}

/* RFC 2822: [Day,] DD Mon YYYY HH:MM[:SS] [zone] [(comment)] */
static int rfc2822(struct cur *c, int64_t *t)
{
	int Y, M, D, h, mi, s, off = 0;

	if (c->p < c->end && !isdig(*c->p)) { /* the day name */
		while (c->p < c->end && ((*c->p >= 'A' && *c->p <= 'Z') || (*c->p >= 'a' && *c->p <= 'z')))
			c->p++;
		if (!eat(c, ','))
			return -1;
		spaces(c);
	}
	if (num12(c, &D) != 0)
		return -1;
	spaces(c);
	if (month(c, &M) != 0)
		return -1;
	spaces(c);
	if (c->end - c->p >= 4 && isdig(c->p[2]) && isdig(c->p[3])) {
		if (num(c, 4, &Y) != 0)
			return -1;
	} else {
		if (num(c, 2, &Y) != 0)
			return -1;
		Y += Y < 50 ? 2000 : 1900; /* RFC 2822 4.3 */
	}
	spaces(c);
	if (clock_time(c, 0, &h, &mi, &s) != 0)
		return -1;
	spaces(c);
	if (c->p < c->end && *c->p != '(' && offset(c, 0, &off) != 0 && zone_name(c, &off) != 0)
		return -1;
	spaces(c);
	if (eat(c, '(')) {
		while (c->p < c->end && *c->p != ')')
			c->p++;
		if (!eat(c, ')'))
			return -1;
		spaces(c);
	}
	if (c->p != c->end)
		return -1;
	return make(Y, M, D, h, mi, s, off, 0, t);
}

/* The form quell writes, `2023-11-14T22:13:20Z`, read directly. */
static int rfc3339_utc(const char *s, int64_t *t)
{
	int v[6];
	static const unsigned char at[6] = { 0, 5, 8, 11, 14, 17 };

	if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[19] != 'Z')
		return -1;
	for (int k = 0; k < 6; k++) {
		const char *d = s + at[k];
		int w = k == 0 ? 4 : 2;

		v[k] = 0;
		for (int j = 0; j < w; j++) {
			if (!isdig(d[j]))
				return -1;
			v[k] = v[k] * 10 + (d[j] - '0');
		}
	}
	return make(v[0], v[1], v[2], v[3], v[4], v[5], 0, 0, t);
}

int quell__time_parse_any(const char *s, size_t n, int64_t *t)
{
	struct cur c;
	size_t i = 0;

	if (n == 20 && rfc3339_utc(s, t) == 0)
		return 0;

	s = quell__trim(s, &n);
	c.p = s;
	c.end = s + n;
	if (n == 0)
		return -1;
	while (i < n && isdig(s[i]))
		i++;
	if (i > 0 && (i == n || s[i] == '.')) { /* Unix seconds */
		int64_t v = 0;

		if (i > 12)
			return -1;
		for (size_t k = 0; k < i; k++)
			v = v * 10 + (s[k] - '0');
		if (i < n) {
			size_t k = i + 1;
			if (k == n)
				return -1;
			for (; k < n; k++)
				if (!isdig(s[k]))
					return -1;
		}
		if (v > MAX_TIME)
			return -1;
		*t = v;
		return 0;
	}
	if (i == 4 && n > 4 && s[4] == '-')
		return iso(&c, 0, t);
	return rfc2822(&c, t);
}

int quell_time_parse(const char *text, int64_t *t)
{
	struct cur c;

	if (text == NULL || t == NULL || *text == '\0')
		return QUELL_EINVAL;
	if (isdig(*text) || *text == '-') { /* Unix seconds, within 0000-9999 */
		char *end;
		long long v;

		errno = 0;
		v = strtoll(text, &end, 10);
		if (*end == '\0' && (errno != 0 || v < MIN_TIME || v > MAX_TIME))
			return QUELL_EINVAL;
		if (*end == '\0') {
			*t = (int64_t)v;
			return 0;
		}
	}
	c.p = text;
	c.end = text + strlen(text);
	return iso(&c, 1, t) == 0 ? 0 : QUELL_EINVAL;
}
