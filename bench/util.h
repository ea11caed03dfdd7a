/*
 * util.h - what the benchmark programs share: a file read whole into
 * memory and cut into lines, and a monotonic clock.  Knows nothing of
 * quell or LMDB.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stddef.h>

/* A file held in memory; v[0..n) point into buf, NUL-terminated lines
 * without their LF.  A last line without an LF counts. */
struct bench_lines {
	char *buf;
	size_t size; /* bytes of the file */
	char **v;
	size_t n;
};

/* Read `path` whole (and cut it into lines when split is 1).  0, or -1
 * after a message on stderr naming the program `prog` and the file. */
int bench_read(const char *prog, const char *path, int split, struct bench_lines *out);
void bench_lines_free(struct bench_lines *l);

/* Monotonic seconds. */
double bench_now(void);

/* Check a present/absent answer against queries.truth ('1' present, '0'
 * absent).  Returns 0, or -1 after saying which query was answered wrong.
 * truth may be NULL (nothing to check). */
int bench_verify(const char *prog, const struct bench_lines *truth, size_t i,
                 const char *query, int present);

#endif
