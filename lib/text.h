/*
 * text.h - small byte-string helpers of the format layer: UTF-8 checking
 * with a fast ASCII path and its repair, locale-free ASCII case folding,
 * trimming, the formula guard of CSV cells, showing bytes in messages,
 * bounded copies that never cut a UTF-8 sequence.  The definitions are
 * text.c's.
 *
 * Knows nothing of formats, LMDB or rules.
 */
#ifndef QUELL_TEXT_H
#define QUELL_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Offset of the first byte of s[0..n) that is not part of valid UTF-8
 * (overlong forms, surrogates and values past U+10FFFF are invalid), or n
 * when all of it is valid. */
size_t quell__utf8_check(const char *s, size_t n);

/*
 * Make s[0..n) valid UTF-8 in out[0..size): text enters quell as valid
 * UTF-8 (a reply from a log, a --reason, an import row's text).  Valid
 * UTF-8 is copied as it is.  Text that is not is read as Latin-1 when it
 * holds no valid multi-byte sequence and no byte 0x80..0x9F ("M\xFCller"
 * becomes "Müller": an old server's reply), else each byte that starts no
 * valid sequence becomes U+FFFD; with QUELL__REPAIR_NO_LATIN1 always the
 * latter.  out is NUL-terminated and cut at a character boundary when
 * short (size 3 * n + 1 is always enough).  Returns the length written;
 * *changed (may be NULL) is 1 when s was not valid UTF-8.  Repairing a
 * repaired text changes nothing.
 */
#define QUELL__REPAIR_NO_LATIN1 1
size_t quell__utf8_repair(const char *s, size_t n, char *out, size_t size, int flags,
                          int *changed);

/*
 * Show s[0..n) in a one-line message, into buf (size > 0; always
 * NUL-terminated): printable ASCII as it is, every other byte as \xHH.
 * With QUELL__SHOW_UTF8, the characters of valid UTF-8 (up to the first
 * invalid byte) are shown as they are too, and '\' as \x5C, so that an
 * escape is never ambiguous.  At most `max` bytes of s are shown (a
 * character is never cut), then "..."; "..." too when buf has no room
 * for the rest.  The one place that renders bytes for messages.
 */
#define QUELL__SHOW_UTF8 1
void quell__show(const char *s, size_t n, size_t max, int flags, char *buf, size_t size);

/* Truncate text to at most max bytes without cutting a UTF-8 sequence:
 * the length to keep. */
size_t quell__utf8_clip(const char *s, size_t len, size_t max);

/* Copy src into the fixed array dst of size bytes (size > 0), cut without
 * splitting a UTF-8 sequence; always NUL-terminated. */
void quell__copy(char *dst, size_t size, const char *src);

/* Whether s[0..n) equals the NUL-terminated ASCII word w, ignoring ASCII
 * case. */
int quell__ieq(const char *s, size_t n, const char *w);

/*
 * The formula guard of every CSV writer (CONTRACT.md): whether a cell
 * whose text is s[0..n) must be written with a ' in front, so that a
 * spreadsheet shows it as text instead of running it.  That is when the
 * text, past any leading ' and then any spaces, begins with = + - or @.
 * The leading ' are skipped so that a text which already looks guarded
 * (`'=1`) is guarded again (`''=1`): a reader drops one ' from a cell for
 * which s[0] == '\'' && quell__csv_formula(s + 1, n - 1), and gets back
 * exactly what was written.  Control bytes are not spaces here: writers
 * turn them into escapes or spaces first and ask about what they write.
 */
int quell__csv_formula(const char *s, size_t n);

/* Drop ASCII white space (space, tab, CR, LF) around s[0..*n): returns the
 * new start, *n the new length. */
const char *quell__trim(const char *s, size_t *n);

#endif
