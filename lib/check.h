/*
 * check.h - the verdict: the contract's precedence over an address and its
 * domains, inside a read (or write) transaction, and what it asks of an
 * entry (live, seen by a stream).  check.c defines all of it.
 */
#ifndef QUELL_CHECK_H
#define QUELL_CHECK_H

#include "codec.h"

struct quell__txn;
struct quell__wtxn;

/* Verdict for the normalized address addr (domain starts at domain_off),
 * filling res (normalized is left as it is).  Allocates nothing.  Reads
 * through txn; inside a write, w instead (txn is then unused and may be
 * NULL): its cursors find keys near the last ones without a search from
 * the root. */
int quell__check_txn(quell *h, struct quell__txn *txn, struct quell__wtxn *w, const char *addr,
                     size_t domain_off, const char *stream, int64_t now,
                     struct quell_result *res);

/* The verdict a key's own entries give (no parents), for history. */
int quell__rec_verdict(const struct quell__rec *r, const char *stream, int64_t now);

/* Whether entry e is in force at now (not expired; backoff not over). */
int quell__entry_live(const struct quell_entry *e, int64_t now);

/* Whether e belongs to the stream-less set or to stream. */
int quell__stream_sees(const struct quell_entry *e, const char *stream);

#endif
