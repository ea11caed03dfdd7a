/*
 * digest.h - FNV-1a (64 bits), the digest of reply ids that have no id of
 * their own: imported reply rows (import_row.c) and bounce reports
 * without a Message-ID (dsn.c, dsn_report.c).  An id, not a defence against forgery: it only
 * tells the replies of one address apart.
 *
 *   uint64_t d = QUELL__FNV64_INIT;
 *   d = quell__fnv64(d, bytes, n);   (as often as needed, in order)
 *
 * Knows nothing of what it digests.
 */
#ifndef QUELL_DIGEST_H
#define QUELL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define QUELL__FNV64_INIT UINT64_C(14695981039346656037)

static inline uint64_t quell__fnv64(uint64_t hsh, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		hsh ^= b[i];
		hsh *= UINT64_C(1099511628211);
	}
	return hsh;
}

#endif
