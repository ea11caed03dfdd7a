/*
 * report.h - what the report (report.c, report_walk.c, report_dom.c) and
 * the activity (activity.c) share: how a history event is classed (a
 * reply's outcome, an activity type, a copy of a reply in a domain's
 * history) and the domain filter.
 *
 * Knows nothing of LMDB (store.h) or of how the output is rendered.
 */
#ifndef QUELL_REPORT_H
#define QUELL_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "quell.h"
#include "arena.h"
#include "store.h"

/* A reply's outcome (enum quell_report_outcome), or -1 for an event that
 * is not a reply (a hand edit, a complaint, an unsubscribe, an import row
 * without one). */
int quell__event_outcome(const struct quell_event *ev);

/* The activity type of an event of a key of this scope. */
int quell__event_type(int scope, const struct quell_event *ev);

/* 1 for the copy of a reply that a domain-scope outcome leaves in the
 * domain's history (the reply is counted from its recipient's). */
int quell__event_copy(int scope, const struct quell_event *ev);

/* Whether domain dom is want or one of its subdomains (want "": yes). */
int quell__domain_within(const char *dom, const char *want);

/* The scope of a history key (an '@' in it: an address) and the domain
 * part of it (the key itself for a domain). */
int quell__key_scope(const char *key, size_t len);
const char *quell__key_domain(const char *key);

/* Split a history table item: its key into key[QUELL_ENTRY_MAX] (0), or
 * -1 when it is not a history key. */
int quell__history_split(const void *data, size_t len, char *key, size_t *keylen);

/* A walk of the history table that can leave a key: its function answers
 * quell__hwalk_leave(...) to go on at the first item past that key's
 * history (a seek, not a walk over it). */
struct quell__hwalk {
	unsigned char from[QUELL_ENTRY_MAX + 1];
	size_t fromlen;
	int skip;
	uint64_t items; /* items seen: the map's pages are let go now and then */
	quell *h;
	struct quell__txn *txn;
};
/* Count an item of the walk (the step function calls it for each). */
void quell__hwalk_tick(struct quell__hwalk *w);
int quell__hwalk_leave(struct quell__hwalk *w, const char *key, size_t keylen);
/* Walk the whole history in w->txn (w->h, w->txn set by the caller). */
int quell__hwalk(struct quell__hwalk *w, quell__scan_fn fn, void *ctx);

/* A set of strings, each given the index of its first arrival (0, 1,
 * ...): open addressing over FNV-1a, the strings in an arena.  The caller
 * keeps its rows in arrays of its own under those indexes. */
struct quell__strtab {
	uint32_t *slots;  /* index + 1; 0 empty */
	size_t nslots;
	const char **keys;
	size_t n, max;
	struct quell__arena *arena;
};

/* Set up a table of at most max strings (the arena holds their bytes).
 * 0 or QUELL_ENOMEM (no message). */
int quell__strtab_init(struct quell__strtab *t, size_t max, struct quell__arena *arena);
void quell__strtab_free(struct quell__strtab *t);

/* The index of s[0..len) (a copy made when new: *fresh = 1): 0, 1 when
 * the table is full and s is not in it, or QUELL_ENOMEM (no message). */
int quell__strtab_get(struct quell__strtab *t, const char *s, size_t len, size_t *index,
                      int *fresh);

/* ---------------------------------------------------- a report being made */

#define QUELL__REPORT_NAMES 4096   /* rule or category names told apart */
#define QUELL__REPORT_REASONS 4096 /* (rule, status) groups told apart */
#define QUELL__REPORT_BACKOFF 1000 /* domains in backoff listed */
#define QUELL__REPORT_CLIP 300     /* bytes of a reason's sample reply */

/* A recipient domain's counts while the walk runs. */
struct quell__dom {
	uint32_t delivered, bounces, deferrals, complaints;
	uint32_t spark[QUELL_REPORT_SPARK];
};

/* A (rule, status) group of replies. */
struct quell__why {
	uint64_t count;
	int64_t last;
	int code;
	char reply[QUELL__REPORT_CLIP + 1]; /* the newest, clipped */
};

/* The suppression a newer event of the key made, new or not: that depends
 * on the verdict before it, which the next (older) event of the walk says. */
struct quell__pending {
	int on;
	size_t period, category, rule;
};

struct quell__rep {
	quell *h;
	struct quell_report *r;   /* the output being filled */
	struct quell__arena *arena;
	char domain[QUELL_ENTRY_MAX]; /* --domain, normalized; "" all */
	const char *stream;       /* NULL: every stream */
	struct quell__hwalk w;
	/* the key being walked */
	char key[QUELL_ENTRY_MAX];
	size_t keylen;
	int scope;
	int64_t next_time;        /* the newer event's time (INT64_MAX: none) */
	/* newer events whose verdict (suppress, backoff) an older event made:
	 * open, and the end of the newest; the older event's until caps them */
	int sup_open, back_open;
	int64_t sup_end, back_end;
	struct quell__pending pend;
	size_t dom_row;           /* the key's row in dom (report_walk.c's ROW_*) */
	/* list sizes: +1/-1 at the first period whose end sees a change */
	int64_t *dsupa, *dsupd, *dback; /* nperiods + 1 each */
	/* names and groups */
	struct quell__strtab cats, rules, doms, whys;
	uint64_t *catp, *rulep;   /* QUELL__REPORT_NAMES * nperiods counts */
	struct quell__dom *dom;   /* QUELL_REPORT_MAX_DOMAINS rows, grown */
	size_t domcap;
	struct quell__why *why;   /* QUELL__REPORT_REASONS rows */
	uint64_t other_domains;
};

/* The walk over the history (report_walk.c) and the scan of the domains in
 * backoff now (into r->backoff). */
int quell__report_walk(struct quell__rep *rp);
int quell__report_backoff(struct quell__rep *rp);

/* The period of time t: its index from r->since (may be < 0 or past the
 * last), and the start of the period holding t. */
int64_t quell__report_period(const struct quell_report *r, int64_t t);
int64_t quell__report_floor(int by, int64_t t);

#endif
