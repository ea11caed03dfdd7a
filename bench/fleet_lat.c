/*
 * fleet_lat.c - bench/fleet.sh's load and latency probe for a fleet of
 * three hosts (docs/fleet.md): writes at a set rate on the three
 * databases while their `quell sync` runs, and measures how long each
 * write takes to be applied on the two other hosts.
 *
 *   fleet_lat DB1 DB2 DB3 RATE SECONDS
 *
 * Every TICK_MS, each host records rate/3 * TICK_MS/1000 hard bounces
 * (one quell_record_many, one write transaction; each a shared event
 * with its image) and notes the wall-clock time the write committed and
 * the sequence number of its newest event (from its change feed).  Between
 * ticks it reads, on every host, the newest sequence applied from each
 * other host (quell_hosts, a read transaction); a tick's write is applied
 * everywhere at the first look that finds it on both other hosts.
 * Latency = that time - the commit time: publish, JetStream (R3), the
 * ordered consumer and the apply batch, as seen to within the time of one
 * look (a few ms).  Prints the rate written (over the time the writes
 * really took: on a loaded machine they fall behind the ticks, the rate is
 * then below RATE and flagged "BEHIND"), the ticks measured, and the
 * latency's p50, p99 and max in ms; exit 1 when a write was not applied
 * everywhere within 30 s of the end.  With FLEET_LAT_TRACE=FILE, writes
 * there one line per write: its commit time (ms since the epoch), host,
 * sequence, and the ms until each host saw it applied (0 for its own
 * host), to tell which host's publish or apply a slow write waited on.
 *
 * Uses quell.h only.  A benchmark tool: not built by `make`, only by
 * `make bench-fleet`.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quell.h"

#define HOSTS 3
#define TICK_MS 20
#define PER_TICK_MAX 1024
#define DRAIN_MS 30000

struct pending {
	int host;
	uint64_t seq;
	double t; /* ms */
	int applied;
	double seen[HOSTS]; /* ms after t when host j first had it applied */
};

struct look {
	const char *origin[HOSTS];
	uint64_t seq[HOSTS]; /* newest applied from each origin */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1e3);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1e3) * 1e6);
	nanosleep(&ts, NULL);
}

static int seen(void *payload, const struct quell_host *x)
{
	struct look *l = payload;

	for (int i = 0; i < HOSTS; i++)
		if (l->origin[i] != NULL && strcmp(l->origin[i], x->origin) == 0)
			l->seq[i] = x->seq;
	return 0;
}

static int newest(void *payload, const struct quell_change *c)
{
	uint64_t *seq = payload;

	if (c->shared && c->event->seq > *seq)
		*seq = c->event->seq;
	return 0;
}

/* FLEET_LAT_TRACE: one line per write (the top of this file). */
static void trace(const struct pending *pend, size_t n)
{
	const char *path = getenv("FLEET_LAT_TRACE");
	FILE *f;

	if (path == NULL || (f = fopen(path, "w")) == NULL)
		return;
	for (size_t k = 0; k < n; k++) {
		fprintf(f, "%.1f %d %llu", pend[k].t, pend[k].host, (unsigned long long)pend[k].seq);
		for (int j = 0; j < HOSTS; j++)
			fprintf(f, " %.1f", pend[k].seen[j]);
		fputc('\n', f);
	}
	fclose(f);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static struct quell_record_item items[PER_TICK_MAX];
	static char addr[PER_TICK_MAX][64];
	struct quell_record_options ro = QUELL_RECORD_OPTIONS_INIT;
	quell *h[HOSTS];
	uint64_t feedpos[HOSTS] = { 0 }, myseq[HOSTS] = { 0 };
	struct look look[HOSTS];
	struct pending *pend;
	double *lat, t0, end, rate, seconds, took;
	size_t npend = 0, done = 0, nlat = 0, cap, per, written = 0;
	long serial = 0;
	int warned = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: fleet_lat DB1 DB2 DB3 RATE SECONDS\n");
		return 2;
	}
	rate = atof(argv[4]);
	seconds = atof(argv[5]);
	per = (size_t)(rate / HOSTS * TICK_MS / 1000.0 + 0.5);
	if (per < 1 || per > PER_TICK_MAX || seconds <= 0) {
		fprintf(stderr, "fleet_lat: 1 to %d writes per host per tick\n", PER_TICK_MAX);
		return 2;
	}
	cap = (size_t)(seconds * 1000 / TICK_MS + 2) * HOSTS;
	pend = calloc(cap, sizeof *pend);
	lat = calloc(cap, sizeof *lat);
	if (pend == NULL || lat == NULL)
		return 2;
	for (int i = 0; i < HOSTS; i++) {
		struct quell_options o = QUELL_OPTIONS_INIT;

		if (quell_open(argv[1 + i], &o, &h[i]) != 0) {
			fprintf(stderr, "fleet_lat: %s: cannot open\n", argv[1 + i]);
			return 2;
		}
		quell_changes(h[i], 0, 0, newest, &myseq[i], &feedpos[i]);
	}
	for (int j = 0; j < HOSTS; j++) {
		memset(&look[j], 0, sizeof look[j]);
		for (int i = 0; i < HOSTS; i++)
			look[j].origin[i] = i == j ? NULL : quell_origin(h[i]);
	}
	for (size_t k = 0; k < per; k++) {
		items[k].address = addr[k];
		items[k].reply = "550 5.1.1 user unknown";
		items[k].opts = &ro;
	}
	t0 = now_ms();
	end = t0 + seconds * 1000;
	for (double tick = t0; done < npend || tick < end; tick += TICK_MS) {
		if (tick < end) {
			for (int i = 0; i < HOSTS; i++) {
				ro.now = (int64_t)(now_ms() / 1000);
				for (size_t k = 0; k < per; k++)
					snprintf(addr[k], sizeof addr[k], "l%ld-%d@lat.example", serial++, i);
				if (quell_record_many(h[i], items, per) != 0) {
					fprintf(stderr, "fleet_lat: %s\n", quell_errmsg(h[i]));
					return 2;
				}
				pend[npend].t = now_ms();
				quell_changes(h[i], feedpos[i], 0, newest, &myseq[i], &feedpos[i]);
				pend[npend].host = i;
				pend[npend++].seq = myseq[i];
				written += per;
			}
		} else if (now_ms() > end + DRAIN_MS) {
			const struct pending *p = &pend[done];

			fprintf(stderr, "fleet_lat: %zu writes not applied everywhere after %d s; "
			        "the first: %s seq %llu, applied on the others up to",
			        npend - done, DRAIN_MS / 1000, quell_origin(h[p->host]),
			        (unsigned long long)p->seq);
			for (int j = 0; j < HOSTS; j++)
				if (j != p->host)
					fprintf(stderr, " %s %llu", quell_origin(h[j]),
					        (unsigned long long)look[j].seq[p->host]);
			fprintf(stderr, "\n");
			for (int j = 0; j < HOSTS; j++) { /* a fresh handle's view */
				struct quell_options o = QUELL_OPTIONS_INIT;
				quell *x;

				if (j == p->host || quell_open(argv[1 + j], &o, &x) != 0)
					continue;
				look[j].seq[p->host] = 0;
				quell_hosts(x, seen, &look[j]);
				fprintf(stderr, "fleet_lat: a new handle on %s: %llu\n", quell_origin(x),
				        (unsigned long long)look[j].seq[p->host]);
				quell_close(x);
			}
			return 1;
		}
		/* look until the next tick */
		do {
			double t;

			for (int j = 0; j < HOSTS; j++)
				if (quell_hosts(h[j], seen, &look[j]) != 0 && !warned++)
					fprintf(stderr, "fleet_lat: hosts of %s: %s\n",
					        quell_origin(h[j]), quell_errmsg(h[j]));
			t = now_ms();
			for (size_t k = done; k < npend; k++) {
				struct pending *p = &pend[k];
				int all = 1;

				for (int j = 0; j < HOSTS && !p->applied; j++) {
					if (j == p->host)
						continue;
					if (look[j].seq[p->host] < p->seq)
						all = 0;
					else if (p->seen[j] == 0)
						p->seen[j] = t - p->t;
				}
				if (all && !p->applied) {
					p->applied = 1;
					lat[nlat++] = t - p->t;
				}
			}
			while (done < npend && pend[done].applied)
				done++;
			sleep_ms(2);
		} while (now_ms() < tick + TICK_MS);
	}
	trace(pend, npend);
	qsort(lat, nlat, sizeof *lat, cmp_double);
	/* from the first tick to the last write's commit, plus its tick */
	took = (pend[npend - 1].t - t0 + TICK_MS) / 1000;
	printf("%.0f events/s written (%zu in %.1f s%s), %zu writes: latency p50 %.0f ms, "
	       "p99 %.0f ms, max %.0f ms\n",
	       (double)written / took, written, took,
	       took > seconds * 1.1 ? ", BEHIND the rate asked" : "", nlat, lat[nlat / 2],
	       lat[nlat * 99 / 100], lat[nlat - 1]);
	for (int i = 0; i < HOSTS; i++)
		quell_close(h[i]);
	free(pend);
	free(lat);
	return 0;
}
