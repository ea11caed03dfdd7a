/*
 * mime.h - the little of RFC 5322 and MIME (RFC 2045-2047) that reading a
 * bounce needs: line ends made uniform, header fields found and unfolded,
 * Content-Type parsed, quoted-printable and base64 decoded, the parts of a
 * multipart body walked, encoded-words and HTML turned into plain bytes.
 *
 * Everything works on byte ranges (not NUL-terminated strings) and never
 * reads outside them.  Each function is linear in its input.  Charsets are
 * not converted: bytes stay as they came (the fields a bounce is read for
 * are ASCII).  Pure functions: no allocation, no globals; thread-safe.
 * Knows nothing of delivery status notifications.
 */
#ifndef QUELL_MIME_H
#define QUELL_MIME_H

#include <stddef.h>

/* Copy in[0..n) to out (room for n bytes) with every line end (CR LF,
 * CR CR LF, a lone CR) made one LF and NUL bytes made spaces.  Returns the
 * new length (<= n). */
size_t quell__mime_unix(const char *in, size_t n, char *out);

/* Where the header block of msg[0..n) (LF line ends) ends: *hlen is its
 * length, the return value the offset of the body (past the empty line),
 * or n when there is no empty line.  A message that starts with an empty
 * line has no header. */
size_t quell__mime_split(const char *msg, size_t n, size_t *hlen);

/* The first header field `name` (ASCII, any case) in h[0..hn): its value
 * unfolded (continuation lines, indented or not - a line that is no
 * "Name:" field continues the one before - joined by one space), runs of white space
 * made one space, trimmed, cut to outsize - 1 bytes and NUL-terminated.
 * Returns its length, or -1 when there is no such field (out is then ""). */
int quell__mime_header(const char *h, size_t hn, const char *name, char *out, size_t outsize);

/* A Content-Type value: type/subtype lowercased ("text/plain" when the
 * value is empty or has no slash), and the boundary and charset
 * parameters ("" when absent). */
struct quell__ctype {
	char type[80];
	char boundary[128];
	char charset[40];
};
void quell__mime_ctype(const char *value, struct quell__ctype *ct);

/* Decode in[0..n) as Content-Transfer-Encoding `cte` says (base64,
 * quoted-printable, anything else copied) into out (room for n bytes);
 * broken encodings are decoded as far as they make sense.  Returns the
 * length written (<= n). */
size_t quell__mime_decode(const char *cte, const char *in, size_t n, char *out);

/* RFC 2047 encoded-words (=?charset?B?...?= and ?Q?) in s decoded in
 * place, charset ignored; white space between two encoded-words goes.
 * Returns the new length. */
size_t quell__mime_words(char *s, size_t n);

/* HTML in[0..n) into text in out (room for n bytes): tags dropped, line
 * breaking tags made LF, &lt; &gt; &amp; &quot; &nbsp; &#NN; decoded.
 * Returns the length written. */
size_t quell__mime_html(const char *in, size_t n, char *out);

/* The parts of a multipart body, in order.  Start with
 * quell__mime_parts_init(); each quell__mime_parts_next() gives the next
 * part (headers and body, without the line end before the delimiter), and
 * returns 0 after the last one (the close delimiter, or the end of the
 * body for an unterminated one). */
struct quell__mime_parts {
	const char *p, *end;
	const char *bnd;
	size_t blen;
	int started, done;
};
void quell__mime_parts_init(struct quell__mime_parts *it, const char *body, size_t n,
                            const char *boundary);
int quell__mime_parts_next(struct quell__mime_parts *it, const char **part, size_t *len);

#endif
