/*
 * names.h - the stream and rule/category name rules inside the library
 * (names.c).
 */
#ifndef QUELL_NAMES_H
#define QUELL_NAMES_H

#include "quell.h"

/* The rule, for messages. */
#define QUELL__STREAM_RULE "1 to 64 characters of [a-z0-9._-], the first a letter or digit"

/* 0 when stream is NULL, "" (no stream), a valid name, or - with every set -
 * "*" (every stream); else QUELL_EINVAL with a message naming the rule. */
int quell__stream_check(const quell *h, const char *stream, int every);

/* The rule of rule and category names, for messages. */
#define QUELL__NAME_RULE "1 to 63 characters of [a-z0-9._-]"

/* 1 when s[0..len) is a rule or category name (quell_name_valid), else 0:
 * a NUL inside is not a name. */
int quell__name_ok(const char *s, size_t len);

#endif
