/*
 * timefmt.h - times inside the library: the clock, saturated arithmetic,
 * civil dates (timefmt.c, which also formats times and parses durations
 * for quell.h), and the lenient parser of the times provider exports
 * write (ptime.c, whose strict form is quell_time_parse).
 */
#ifndef QUELL_TIMEFMT_H
#define QUELL_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* The clock, or `now` when it is not 0. */
int64_t quell__now(int64_t now);

/* The times RFC 3339 can write, and so the times quell stores. */
#define QUELL__TIME_FIRST (-62167219200LL) /* 0000-01-01T00:00:00Z */
#define QUELL__TIME_LAST 253402300799LL    /* 9999-12-31T23:59:59Z */

/* t + d, saturated at QUELL__TIME_FIRST and QUELL__TIME_LAST, so that an
 * expiry or a backoff end is a time that export writes and import reads
 * back (0000-9999), never an overflow. */
int64_t quell__time_add(int64_t t, int64_t d);

/* Days since 1970-01-01 of a Gregorian date. */
int64_t quell__days_from_civil(int64_t y, unsigned m, unsigned d);

/*
 * Parse a time as providers write them, with white space around allowed:
 *   Unix seconds (a fraction is dropped)       1699999999, 1699999999.123
 *   RFC 3339, 'T' or ' ' between date and time, offset Z, +hh:mm, +hhmm or
 *   none (UTC), fractions dropped             2023-11-14T22:13:20.5+00:00
 *                                              2023-11-14 22:13:20
 *   a date alone (midnight UTC)               2023-11-14
 *   RFC 2822, the day name and seconds optional, zone +hhmm, UT, UTC,
 *   GMT, Z, EST/EDT/CST/CDT/MST/MDT/PST/PDT, a (comment) after it
 *                                              Tue, 14 Nov 2023 22:13:20 UTC
 * Between 1970-01-01 and 9999-12-31.  Returns 0 or -1.
 */
int quell__time_parse_any(const char *s, size_t n, int64_t *t);

#endif
