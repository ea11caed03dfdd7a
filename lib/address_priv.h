/*
 * address_priv.h - what address.c (local parts, mailboxes, entries) and
 * domain.c (domains) share: UTF-8 decoding, character positions for
 * messages, message formatting (all in address_text.c), and the domain
 * normalizer (domain.c).  Nothing outside these three files includes it.
 *
 * Positions in messages are counted in characters (UTF-8 code points) from
 * 1 in the input as the caller gave it, before any trimming; a byte that
 * is not part of a valid UTF-8 sequence counts as one character.
 */
#ifndef QUELL_ADDRESS_PRIV_H
#define QUELL_ADDRESS_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "error.h" /* QUELL__PRINTF */

#define QUELL__LOCAL_MAX 64    /* octets in a normalized local part */
#define QUELL__DOMAIN_MAX 255  /* octets in a normalized domain */
#define QUELL__ADDRESS_MAX 254 /* octets in a normalized address */
#define QUELL__LABEL_MAX 63    /* octets in one domain label */

/* Length (1..4) of the valid UTF-8 sequence at s[0..n), with its code
 * point in *cp; 0 when the bytes there are not valid UTF-8 (overlong forms,
 * surrogates, values past U+10FFFF, truncated sequences).  n > 0. */
size_t quell__utf8_len(const unsigned char *s, size_t n, uint32_t *cp);

/* Whether code point cp is a control character: C0, DEL or C1. */
int quell__is_control(uint32_t cp);

/* The character number (from 1) of byte offset off in in[]. */
size_t quell__charpos(const char *in, size_t off);

/* Render the character at in[off] (in has len bytes) for a message:
 * 'c' for printable ASCII, 'é' for other printable characters, \xHH for
 * each byte of a control character, a line separator or a bidirectional
 * control, and for a byte of invalid UTF-8.  Always NUL-terminates buf
 * (size > 0). */
void quell__showchar(const char *in, size_t len, size_t off, char *buf, size_t size);

/* Format a one-line message into err (if not NULL) and return
 * QUELL_EADDRESS. */
int quell__addr_fail(char *err, size_t errsize, const char *fmt, ...) QUELL__PRINTF(3, 4);

/* Report an error with another code (QUELL_EINVAL, QUELL_ENOMEM). */
int quell__addr_fail_code(int code, char *err, size_t errsize, const char *fmt, ...)
	QUELL__PRINTF(4, 5);

/*
 * Strip white space around in[0..len), then one enclosing pair of angle
 * brackets: *start and *end delimit what is left.  QUELL_EADDRESS (err set)
 * for a '<' without its '>' at the end.
 */
int quell__addr_trim(const char *in, size_t len, size_t *start, size_t *end, char *err,
                     size_t errsize);

/*
 * Normalize the domain in[start..end) (positions in messages count from
 * in[0]) into dom, which holds QUELL__DOMAIN_MAX + 1 bytes; *domlen gets
 * its length.  Returns 0, QUELL_EADDRESS (err set) or QUELL_ENOMEM.  Pure
 * ASCII domains without A-labels allocate nothing.
 */
int quell__domain_normalize(const char *in, size_t start, size_t end, char *dom,
                            size_t *domlen, char *err, size_t errsize);

#endif
