/*
 * names.h - the stream name rule inside the library (names.c).
 */
#ifndef QUELL_NAMES_H
#define QUELL_NAMES_H

#include "quell.h"

/* The rule, for messages. */
#define QUELL__STREAM_RULE "1 to 64 characters of [a-z0-9._-], the first a letter or digit"

/* 0 when stream is NULL, "" (no stream), a valid name, or - with every set -
 * "*" (every stream); else QUELL_EINVAL with a message naming the rule. */
int quell__stream_check(const quell *h, const char *stream, int every);

#endif
