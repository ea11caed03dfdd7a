/*
 * store_int.h - what the store's own files (store.c, store_txn.c,
 * store_table.c, store_file.c) share and nothing else sees.
 */
#ifndef QUELL_STORE_INT_H
#define QUELL_STORE_INT_H

#include "store.h"

/* Seconds on the monotonic clock. */
int64_t quell__store_mono(void);

/* The meta table's value under a C string name (LMDB codes). */
int quell__store_get_meta(MDB_txn *txn, MDB_dbi meta, const char *name, MDB_val *v);
int quell__store_put_meta(MDB_txn *txn, MDB_dbi meta, const char *name, const void *p,
                          size_t n);

/* A transaction could not start because of what other processes did: a
 * map another process grew past ours (MDB_MAP_RESIZED: take its size), or
 * reader slots left taken by processes that died (MDB_READERS_FULL: clear
 * them).  1 when the cause is gone and the start may be tried again, 0
 * when it is not that (the caller reports rc), or an error.  `s` is the
 * shared store whose lock keeps transactions out while the map moves, or
 * NULL for an environment no other thread sees yet (`env`). */
int quell__store_recover(const quell *h, struct quell__store *s, MDB_env *env, int rc);

/* The error for a store whose environment is closed (see reopen): the
 * one that reopen met.  The caller holds s->resize, shared, and releases
 * it. */
int quell__store_closed(quell *h, struct quell__store *s);

#endif
