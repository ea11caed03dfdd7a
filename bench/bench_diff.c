/*
 * bench_diff.c - a database for the `rules diff` row of `make bench`: N
 * addresses with K replies each, recorded through the public API as
 * `quell record` would, so that every reply is in its address's history.
 *
 *   build/bench/bench_diff DB N K [RULES]
 *
 * Address i is u<i>@d<i mod (N/20 + 1)>.example (20 addresses a domain);
 * its j-th reply (j = 0..K-1) is one of a few common replies (user
 * unknown, mailbox full, throttling, a Spamhaus block, a delivery,
 * spam) picked by a hash of i and j, at 2026-01-01 + j days + i mod 86400
 * seconds.  Replies go in time order (every address's first, then every
 * second...), 4096 to a write transaction (quell_record_many).  RULES:
 * the rules file to record with (default: the built-in rules).
 *
 * Prints `bench_diff keys=N events=E seconds=S`.  Knows only quell.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quell.h"

#define PROG "bench_diff"
#define BATCH 4096
#define T0 1767225600 /* 2026-01-01T00:00:00Z */

static const char *const replies[] = {
	"550 5.1.1 <x>: Recipient address rejected: User unknown in virtual mailbox table",
	"452 4.2.2 The email account that you tried to reach is over quota",
	"552 5.2.2 Mailbox full",
	"421 4.7.0 Try again later, closing connection",
	"554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
	"250 2.0.0 Ok: queued as 4Xyz",
	"550 5.7.1 Message rejected as spam by Content Filtering",
	"451 4.3.0 Temporary lookup failure",
};

/* splitmix64's finalizer: a well-spread hash of v. */
static unsigned long long mix(unsigned long long v)
{
	v += 0x9e3779b97f4a7c15ULL;
	v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ULL;
	v = (v ^ (v >> 27)) * 0x94d049bb133111ebULL;
	return v ^ (v >> 31);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct quell_options oo = QUELL_OPTIONS_INIT;
	struct quell_record_options *ro;
	struct quell_record_item *items;
	char (*addr)[64];
	unsigned long n, k, doms, events = 0;
	double start;
	quell *h = NULL;
	int rc;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: %s DB N K [RULES]\n", PROG);
		return 2;
	}
	n = strtoul(argv[2], NULL, 10);
	k = strtoul(argv[3], NULL, 10);
	doms = n / 20 + 1;
	oo.flags = QUELL_OPEN_CREATE;
	if ((rc = quell_open(argv[1], &oo, &h)) != 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG, argv[1], quell_errmsg(h));
		quell_close(h);
		return 1;
	}
	if (argc == 5 && (rc = quell_rules_load(h, argv[4])) != 0) {
		fprintf(stderr, "%s: %s\n", PROG, quell_errmsg(h));
		quell_close(h);
		return 1;
	}
	items = calloc(BATCH, sizeof *items);
	ro = calloc(BATCH, sizeof *ro);
	addr = calloc(BATCH, sizeof *addr);
	if (items == NULL || ro == NULL || addr == NULL) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return 1;
	}
	start = now_s();
	for (unsigned long j = 0; j < k; j++) {
		for (unsigned long i = 0; i < n;) {
			size_t m = 0;

			for (; m < BATCH && i < n; m++, i++) {
				unsigned long long x = mix(i * 64 + j);
				struct quell_record_options def = QUELL_RECORD_OPTIONS_INIT;

				snprintf(addr[m], sizeof addr[m], "u%lu@d%lu.example", i, i % doms);
				ro[m] = def;
				ro[m].now = T0 + (int64_t)j * 86400 + (int64_t)(i % 86400);
				items[m].address = addr[m];
				items[m].reply = replies[x % (sizeof replies / sizeof replies[0])];
				items[m].opts = &ro[m];
			}
			if ((rc = quell_record_many(h, items, m)) != 0) {
				fprintf(stderr, "%s: %s\n", PROG, quell_errmsg(h));
				return 1;
			}
			events += m;
		}
	}
	printf("%s keys=%lu events=%lu seconds=%.3f\n", PROG, n, events, now_s() - start);
	free(items);
	free(ro);
	free(addr);
	quell_close(h);
	return 0;
}
