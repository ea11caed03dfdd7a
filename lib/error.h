/*
 * error.h - how the library reports failures.
 *
 * Every failure goes through quell__error(), which stores a one-line message
 * for the calling thread and returns the code, so no error comes back
 * without a message.  Codes of other libraries (LMDB, errno, libyaml, PCRE2)
 * are mapped at one boundary each, never leaked.
 */
#ifndef QUELL_ERROR_H
#define QUELL_ERROR_H

#include "quell.h"

#if defined(__GNUC__) || defined(__clang__)
#define QUELL__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define QUELL__PRINTF(a, b)
#endif

/* Store the message for the calling thread and return code (negative). */
int quell__error(const quell *h, int code, const char *fmt, ...) QUELL__PRINTF(3, 4);

/* Forget the calling thread's last message (successful calls need not). */
void quell__error_clear(const quell *h);

/* Set up and tear down the per-handle, per-thread message slot. */
int quell__error_init(quell *h);
void quell__error_fini(quell *h);

#endif
