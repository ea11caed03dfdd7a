/*
 * serve_json.h - the two JSON pieces of `quell serve`'s check path that
 * must not allocate, apart from HTTP so that unit tests and a fuzz target
 * reach them:
 *
 *   serve_check_json()   one check result as the CLI's `check --json`
 *                        object, byte for byte (the same keys in the same
 *                        order, the same escaping: render.c's
 *                        cli_result_json through json.c), into a caller's
 *                        buffer;
 *   struct serve_scan    an incremental reader of the body of POST
 *                        /v1/check: a JSON array of strings, or JSON Lines
 *                        of one string each, fed in pieces of any size.
 *
 * Knows nothing of HTTP nor of the database.
 */
#ifndef QUELL_CLI_SERVE_JSON_H
#define QUELL_CLI_SERVE_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <quell.h>

/* The longest address taken by the check endpoints, in bytes (an
 * address is at most 254; this leaves room for what normalization
 * removes, such as needless quotes). */
#define SERVE_ADDRESS_MAX 1024

/* Room that always holds one check object from serve_check_json() for an
 * address of at most SERVE_ADDRESS_MAX bytes: every byte of every string
 * escaped as \u00XX, plus the keys. */
#define SERVE_CHECK_JSON_MAX                                                      \
	(6 * (SERVE_ADDRESS_MAX + 2 * QUELL_ENTRY_MAX + 2 * QUELL_NAME_MAX +         \
	      QUELL_REPLY_MAX + QUELL_ERROR_MAX) + 512)

/* Write the check object for `address` (as given) and r into out (size
 * bytes, no NUL written): its length, or 0 when it does not fit.  Strings
 * that are not valid UTF-8 have each bad byte replaced by U+FFFD; control
 * bytes, DEL and C1 controls are escaped; "" and zero times are null. */
size_t serve_check_json(char *out, size_t size, const char *address,
                        const struct quell_result *r);

/* The incremental body reader.  Zero it (or serve_scan_init), then feed
 * the body in pieces; fn is called with each string, decoded and
 * NUL-terminated (at most SERVE_ADDRESS_MAX bytes), in order.  The first
 * byte that is not white space says the form: '[' an array, '"' JSON
 * Lines (blank lines allowed).  Anything else, a string over the limit, a
 * NUL (\u0000) or a lone surrogate is an error saying where ("line L,
 * column C").  An empty body is an empty list. */
typedef int serve_scan_fn(void *ctx, const char *address, size_t len);

struct serve_scan {
	int form;        /* 0 not known yet, '[' or '"' */
	int state;
	size_t len;      /* bytes of the string being read */
	unsigned int u, nhex, hi; /* \uXXXX being read; a high surrogate before */
	uint64_t line, col;
	uint64_t count;  /* strings read */
	char cur[SERVE_ADDRESS_MAX + 1];
	char err[160];   /* the error, when a call returned -1 */
};

void serve_scan_init(struct serve_scan *s);
/* Feed n bytes: 0, -1 on an error in the body (s->err says what and
 * where), or what fn returned when it was not 0. */
int serve_scan_feed(struct serve_scan *s, const char *data, size_t n, serve_scan_fn *fn,
                    void *ctx);
/* The end of the body: 0, or -1 when it stops inside a value or before an
 * array's ']'. */
int serve_scan_end(struct serve_scan *s);

#endif
