/*
 * address.h - parse and normalize RFC 5321 / RFC 6531 mailboxes and domain
 * entries.  Pure functions: no handle, no database, no globals.
 *
 * Normal form (../shared/CONTRACT.md "Words"): domain mapped with UTS #46
 * non-transitional processing to IDNA2008 A-labels, lowercase, no trailing
 * dot, address literals refused; local part without needless quotes, UTF-8
 * NFC, lowercased when `lowercase_local` is set; limits local 64 octets,
 * domain 255, whole address 254.
 *
 * Input: white space around the whole input and one enclosing pair of angle
 * brackets (`<a@b>`) are dropped first.  `len` counts bytes; a NUL inside
 * is a control character and refused.
 *
 * Errors fill `err` (when not NULL; cut to errsize) with one line naming
 * what is wrong and where, counted in characters (code points) from 1 in
 * the input as given: "local part: unexpected ',' at character 2".  Control
 * characters are shown as \xHH, never raw.  On any error out is "".
 * Implemented in address.c (local parts, mailboxes, entries) and domain.c,
 * with the message helpers of address_text.c.
 */
#ifndef QUELL_ADDRESS_H
#define QUELL_ADDRESS_H

#include <stddef.h>

struct psl_ctx_st;

/*
 * Normalize the mailbox in[0..len) into out (outsize >= QUELL_ENTRY_MAX is
 * always enough).  *domain_off (if not NULL) is set to the offset of the
 * domain in out (just past the '@').  Returns 0, QUELL_EADDRESS with err
 * set, QUELL_EINVAL (out too small, out NULL, or in NULL with len > 0) or
 * QUELL_ENOMEM.  ASCII input without A-labels ("xn--") allocates nothing;
 * other input allocates only inside libidn2 and libunistring, and frees it
 * before returning.
 */
int quell__address_parse(const char *in, size_t len, int lowercase_local, char *out,
                         size_t outsize, size_t *domain_off, char *err, size_t errsize);

/*
 * Normalize a domain entry (`example.com`, `@example.com`, an IDN) into
 * out.  When psl is not NULL, a public suffix alone (`com`, `co.uk`, also
 * private-section ones such as `github.io`) is refused; an unlisted
 * single label (`localhost`) is not a suffix.  Same returns as above.
 */
/* quell__address_parse without its one-pass path for common addresses:
 * tests and the fuzz target check that both give the same bytes. */
int quell__address_parse_general(const char *in, size_t len, int lowercase_local, char *out,
                                 size_t outsize, size_t *domain_off, char *err, size_t errsize);

int quell__domain_parse(const char *in, size_t len, const struct psl_ctx_st *psl, char *out,
                        size_t outsize, char *err, size_t errsize);

/*
 * Whether a domain entry for the normalized domain dom would cover a whole
 * namespace instead of one registrant: QUELL__WIDE_SUFFIX for a public
 * suffix (`com`, `co.uk`, an IDN one such as `xn--55qx5d.cn`, also
 * private-section ones such as `github.io`), QUELL__WIDE_TLD for any other
 * single label (`localhost`), else 0.  No such entry is ever written: the
 * command line refuses it, a rule's domain-scope outcome falls back to the
 * address (decide.c).
 */
#define QUELL__WIDE_SUFFIX 1
#define QUELL__WIDE_TLD 2
int quell__domain_too_wide(const struct psl_ctx_st *psl, const char *dom);

/*
 * An entry as written on a command line: an address when it has an '@'
 * that is not its first character, else a domain.  *scope (if not NULL)
 * is set to QUELL_SCOPE_ADDRESS or QUELL_SCOPE_DOMAIN as soon as the kind
 * is known, also when parsing then fails; QUELL_SCOPE_NONE before that.
 */
int quell__entry_parse(const char *in, size_t len, int lowercase_local,
                       const struct psl_ctx_st *psl, char *out, size_t outsize, int *scope,
                       char *err, size_t errsize);

#endif
