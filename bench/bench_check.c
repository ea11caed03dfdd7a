/*
 * bench_check.c - what a check costs through the C API, the way a program
 * linking libquell makes it.
 *
 *   build/bench/bench_check [--mode M] [--limit L] [--no-warm] DB QUERIES [TRUTH]
 *
 * Opens the database DB read-only, reads QUERIES (one address a line) into
 * memory, and times, one after the other:
 *   check      quell_check() once per query: one read transaction each
 *   many64     quell_check_many() on batches of 64 queries
 *   many1024   quell_check_many() on batches of 1024 queries
 * (--mode: only that one).  An untimed pass of quell_check_many first
 * faults the map in (--no-warm: none), as a long-running checker would
 * have it.  `now` is 0 (the clock), as a real caller passes it.
 *
 * Every answer is checked: with TRUTH (queries.truth: '1' present, '0'
 * absent), present queries must be suppressed and absent ones allowed;
 * without it, any query that is not one of those two is an error.  A
 * wrong answer stops the program with status 1: a fast wrong answer is
 * worth nothing.
 *
 * Output, one line per timed mode:
 *   quell_check mode=M queries=N suppressed=S ns_per_check=X
 *
 * Knows only quell.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quell.h"
#include "util.h"

#define PROG "bench_check"
#define MAXBATCH 1024

struct run {
	quell *h;
	const struct bench_lines *q, *truth;
	size_t n;
	struct quell_result *res; /* [MAXBATCH] */
};

/* Check an answer; 0 or -1 (said why).  *suppressed counts. */
static int judge(const struct run *r, size_t i, const struct quell_result *res, int rc,
                 long *suppressed)
{
	const char *q = r->q->v[i];

	if (rc != 0 && res->verdict != QUELL_INVALID) {
		fprintf(stderr, PROG ": %s: %s\n", q, quell_errmsg(r->h));
		return -1;
	}
	if (res->verdict != QUELL_SUPPRESS && res->verdict != QUELL_ALLOW) {
		fprintf(stderr, PROG ": WRONG ANSWER: query %zu (%s): verdict %s %s\n", i + 1, q,
		        quell_verdict_name(res->verdict), res->error);
		return -1;
	}
	*suppressed += res->verdict == QUELL_SUPPRESS;
	return bench_verify(PROG, r->truth, i, q, res->verdict == QUELL_SUPPRESS);
}

/* batch 0: quell_check per query; else quell_check_many per batch.
 * Returns the suppressed count, or -1. */
static long pass(const struct run *r, size_t batch, int verify)
{
	long suppressed = 0;

	for (size_t i = 0; i < r->n;) {
		size_t k = batch ? (r->n - i < batch ? r->n - i : batch) : 1;
		int rc;

		if (batch == 0)
			rc = quell_check(r->h, r->q->v[i], NULL, 0, &r->res[0]);
		else
			rc = quell_check_many(r->h, (const char *const *)&r->q->v[i], k, NULL, 0,
			                      r->res, NULL);
		if (rc != 0 && batch != 0) {
			fprintf(stderr, PROG ": check_many: %s\n", quell_errmsg(r->h));
			return -1;
		}
		for (size_t j = 0; verify && j < k; j++)
			if (judge(r, i + j, &r->res[j], rc, &suppressed) != 0)
				return -1;
		i += k;
	}
	return suppressed;
}

static int usage(void)
{
	fprintf(stderr, "usage: " PROG " [--mode check|many64|many1024] [--limit L] [--no-warm] "
	                "DB QUERIES [TRUTH]\n");
	return 64;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		size_t batch;
	} modes[] = { { "check", 0 }, { "many64", 64 }, { "many1024", 1024 } };
	struct quell_options opts = QUELL_OPTIONS_INIT;
	struct bench_lines q, truth;
	struct run r;
	const char *only = NULL;
	size_t limit = 0;
	int warm = 1, i = 1, rc, status = 0, ran = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--no-warm") == 0) {
			warm = 0;
		} else if (i + 1 < argc && strcmp(argv[i], "--mode") == 0) {
			only = argv[++i];
		} else if (i + 1 < argc && strcmp(argv[i], "--limit") == 0) {
			char *end;
			limit = strtoul(argv[++i], &end, 10);
			if (*end != '\0' || limit == 0)
				return usage();
		} else {
			return usage();
		}
	}
	if (argc - i != 2 && argc - i != 3)
		return usage();
	if (bench_read(PROG, argv[i + 1], 1, &q) != 0)
		return 1;
	if (argc - i == 3 && bench_read(PROG, argv[i + 2], 0, &truth) != 0)
		return 1;
	opts.flags = QUELL_OPEN_READONLY;
	if ((rc = quell_open(argv[i], &opts, &r.h)) != 0) {
		fprintf(stderr, PROG ": %s: %s\n", argv[i], quell_errmsg(r.h));
		quell_close(r.h);
		return 1;
	}
	r.q = &q;
	r.truth = argc - i == 3 ? &truth : NULL;
	r.n = limit && limit < q.n ? limit : q.n;
	if ((r.res = calloc(MAXBATCH, sizeof *r.res)) == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	if (warm && pass(&r, MAXBATCH, 0) < 0)
		status = 1;
	for (size_t m = 0; status == 0 && m < sizeof modes / sizeof modes[0]; m++) {
		double t0, t;
		long suppressed;

		if (only != NULL && strcmp(only, modes[m].name) != 0)
			continue;
		t0 = bench_now();
		suppressed = pass(&r, modes[m].batch, 1);
		t = bench_now() - t0;
		if (suppressed < 0) {
			status = 1;
			break;
		}
		printf("quell_check mode=%s queries=%zu suppressed=%ld ns_per_check=%.1f\n",
		       modes[m].name, r.n, suppressed, t * 1e9 / (double)r.n);
		ran++;
	}
	if (ran == 0 && status == 0)
		status = usage(); /* --mode named none of them */
	free(r.res);
	quell_close(r.h);
	bench_lines_free(&q);
	if (r.truth != NULL)
		bench_lines_free(&truth);
	return status;
}
