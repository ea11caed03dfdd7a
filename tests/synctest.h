/*
 * synctest.h - what the fleet's CUnit files (tests/test_sync.c, which
 * defines these, and tests/test_sync_count.c) share: a feed's changes
 * copied, databases opened as a host, exports of the shared lists, and
 * the replies that count or clear.
 */
#ifndef QUELL_SYNCTEST_H
#define QUELL_SYNCTEST_H

#include <stddef.h>
#include <stdint.h>

#include "quell.h"

#define T0 1790000000

/* All changes of a feed, copied. */
struct ts_feed {
	size_t n;
	unsigned char *data[4096];
	size_t len[4096];
	int shared[4096];
	int image[4096];
	uint64_t last;
};

/* The reason of the local event that says a delivery took a derived
 * suppression back (lib/sync_count.c). */
#define TS_WITHDRAWN "a delivery ended the fleet's count"

void ts_feed_free(struct ts_feed *f);
/* The shared changes of h after position 0 (all: every change). */
void ts_read_shared(quell *h, struct ts_feed *all, struct ts_feed *shared);
quell *ts_open_as(char *dir, size_t size, const char *origin);
/* Export of the shared lists (suppress, then allow; every stream);
 * free() it. */
char *ts_shared_export(quell *h);
int ts_apply_feed(quell *h, const struct ts_feed *f, uint64_t pos,
                  struct quell_apply_result *res);
/* A counted reply on h at t (mailbox full: threshold 3 in 30 days). */
void ts_count_at(quell *h, const char *addr, int64_t t);
/* A delivery (a clear) on h at t. */
void ts_deliver_at(quell *h, const char *addr, int64_t t);
/* h's verdict for addr at T0 + 100. */
int ts_verdict_of(quell *h, const char *addr);

#endif
