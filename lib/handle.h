/*
 * handle.h - the inside of the opaque `quell` handle, shared by the library's
 * modules, and the public suffix data it loads (quell.c defines both).
 * Nothing outside lib/ sees this.
 */
#ifndef QUELL_HANDLE_H
#define QUELL_HANDLE_H

#include <pthread.h>
#include <stdint.h>

#include "quell.h"

struct psl_ctx_st;
struct quell__store;
struct quell__rules;

struct quell {
	pthread_key_t errkey;        /* per-thread char[QUELL__ERRMSG_MAX] */
	int errkey_ok;
	unsigned int flags;          /* QUELL_OPEN_* */
	int lowercase_local;         /* database property */
	pthread_mutex_t psl_lock;    /* guards the lazy load of `psl` */
	int psl_lock_ok;
	struct psl_ctx_st *psl;      /* public suffix data, loaded on first use */
	struct quell__store *store;  /* NULL with QUELL_OPEN_NODB */
	char origin[QUELL_NAME_MAX]; /* host id for change events */
	pthread_mutex_t rules_lock;  /* guards `rules` swaps */
	int rules_lock_ok;
	struct quell__rules *rules;  /* current rules, refcounted; NULL = not loaded */
};

#define QUELL__ERRMSG_MAX 1024

/* The public suffix data, loaded on first use (never NULL). */
const struct psl_ctx_st *quell__psl(quell *h);

#endif
