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
 * Errors fill `err` with one line naming what is wrong and where, counted in
 * characters from 1: "local part: unexpected ',' at character 2".
 */
#ifndef QUELL_ADDRESS_H
#define QUELL_ADDRESS_H

#include <stddef.h>

struct psl_ctx_st;

/*
 * Normalize the mailbox in[0..len) into out (outsize >= QUELL_ENTRY_MAX is
 * always enough).  *domain_off (if not NULL) is set to the offset of the
 * domain in out (just past the '@').  Returns 0, QUELL_EADDRESS with err
 * set, QUELL_EINVAL (out too small) or QUELL_ENOMEM.  ASCII input allocates
 * nothing.
 */
int quell__address_parse(const char *in, size_t len, int lowercase_local, char *out,
                         size_t outsize, size_t *domain_off, char *err, size_t errsize);

/*
 * Normalize a domain entry (`example.com`, `@example.com`, an IDN) into
 * out.  When psl is not NULL, a public suffix alone (`com`, `co.uk`) is
 * refused.
 */
int quell__domain_parse(const char *in, size_t len, const struct psl_ctx_st *psl, char *out,
                        size_t outsize, char *err, size_t errsize);

/*
 * An entry as written on a command line: an address when it has an '@'
 * that is not its first character, else a domain.  *scope is set to
 * QUELL_SCOPE_ADDRESS or QUELL_SCOPE_DOMAIN.
 */
int quell__entry_parse(const char *in, size_t len, int lowercase_local,
                       const struct psl_ctx_st *psl, char *out, size_t outsize, int *scope,
                       char *err, size_t errsize);

#endif
