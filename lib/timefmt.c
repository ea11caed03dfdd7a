/*
 * timefmt.c - durations (`15m`, `7d`, `forever`) parsed, times formatted
 * as RFC 3339, and the calendar arithmetic under both, without the C
 * library's time zone state, so results never depend on TZ.  Times are
 * parsed in ptime.c, the one home of RFC 3339 parsing.
 *
 * Both are bounded so that a time plus a duration always fits: durations
 * up to QUELL_DURATION_MAX (100 years), times within the years 0000-9999
 * that RFC 3339 can write.  quell__time_add saturates all the same, at
 * the last second of 9999 (a time past it would be exported as a year
 * that import refuses), for values that come through the C API unchecked.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "handle.h"
#include "timefmt.h"

int64_t quell__now(int64_t now)
{
	struct timespec ts;

	if (now != 0)
		return now;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (int64_t)time(NULL);
	return (int64_t)ts.tv_sec;
}

int64_t quell__time_add(int64_t t, int64_t d)
{
	if (d > 0 && t > QUELL__TIME_LAST - d)
		return QUELL__TIME_LAST;
	if (d < 0 && t < QUELL__TIME_FIRST - d)
		return QUELL__TIME_FIRST;
	if (t + d > QUELL__TIME_LAST)
		return QUELL__TIME_LAST; /* t itself out of range (the C API) */
	if (t + d < QUELL__TIME_FIRST)
		return QUELL__TIME_FIRST;
	return t + d;
}

int quell_duration_parse(const char *text, int64_t *seconds)
{
	const char *p = text;
	int64_t total = 0;

	if (text == NULL || seconds == NULL || *text == '\0')
		return QUELL_EINVAL;
	if (strcmp(text, "forever") == 0) {
		*seconds = 0;
		return 0;
	}
	/* one or more NUMBER UNIT groups: `1h30m`; a lone number is seconds */
	while (*p) {
		int64_t n = 0, mult;

		if (!isdigit((unsigned char)*p))
			return QUELL_EINVAL;
		while (isdigit((unsigned char)*p)) {
			if (n > (INT64_MAX - 9) / 10)
				return QUELL_EINVAL;
			n = n * 10 + (*p++ - '0');
		}
		switch (*p) {
		case '\0': mult = 1; if (p - text == 0) return QUELL_EINVAL; break;
		case 's': mult = 1; p++; break;
		case 'm': mult = 60; p++; break;
		case 'h': mult = 3600; p++; break;
		case 'd': mult = 86400; p++; break;
		case 'w': mult = 7 * 86400; p++; break;
		case 'y': mult = 365 * 86400; p++; break;
		default: return QUELL_EINVAL;
		}
		if (n > (QUELL_DURATION_MAX - total) / mult)
			return QUELL_EINVAL;
		total += n * mult;
	}
	if (total <= 0)
		return QUELL_EINVAL;
	*seconds = total;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * well-known algorithm, written out here). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

int64_t quell__days_from_civil(int64_t y, unsigned m, unsigned d)
{
	return days_from_civil(y, m, d);
}

char *quell_time_format(int64_t t, char *buf, size_t size)
{
	int64_t days = t / 86400, secs = t % 86400, y;
	unsigned m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
	             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60)) >= (int)size &&
	    size > 0)
		buf[size - 1] = '\0';
	return buf;
}
