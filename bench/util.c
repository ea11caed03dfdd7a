/*
 * util.c - files read whole, lines cut in place, a monotonic clock, and
 * the answer check every benchmark makes (see util.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

int bench_read(const char *prog, const char *path, int split, struct bench_lines *out)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, got;

	memset(out, 0, sizeof *out);
	if (f == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (out->size + 1 >= cap || out->buf == NULL) {
			char *nb = realloc(out->buf, cap *= 2);
			if (nb == NULL)
				goto nomem;
			out->buf = nb;
		}
		got = fread(out->buf + out->size, 1, cap - out->size - 1, f);
		out->size += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: %s: read error\n", prog, path);
		fclose(f);
		bench_lines_free(out);
		return -1;
	}
	fclose(f);
	out->buf[out->size] = '\0';
	if (!split)
		return 0;
	{
		size_t n = 0, k = 0;
		char *p = out->buf, *end = out->buf + out->size;

		for (char *q = p; q < end && (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
			n++;
		if (out->size > 0 && end[-1] != '\n')
			n++;
		if ((out->v = malloc((n ? n : 1) * sizeof *out->v)) == NULL)
			goto nomem_open;
		while (p < end) {
			char *nl = memchr(p, '\n', (size_t)(end - p));

			if (nl == NULL)
				nl = end;
			*nl = '\0';
			out->v[k++] = p;
			p = nl + 1;
		}
		out->n = k;
	}
	return 0;
nomem:
	fclose(f);
nomem_open:
	fprintf(stderr, "%s: %s: out of memory\n", prog, path);
	bench_lines_free(out);
	return -1;
}

void bench_lines_free(struct bench_lines *l)
{
	free(l->buf);
	free(l->v);
	memset(l, 0, sizeof *l);
}

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bench_verify(const char *prog, const struct bench_lines *truth, size_t i,
                 const char *query, int present)
{
	int want;

	if (truth == NULL)
		return 0;
	if (i >= truth->size) {
		fprintf(stderr, "%s: query %zu (%s): not in the truth file\n", prog, i + 1, query);
		return -1;
	}
	want = truth->buf[i] == '1';
	if (want == present)
		return 0;
	fprintf(stderr, "%s: WRONG ANSWER: query %zu (%s) is %s but was answered as %s\n", prog,
	        i + 1, query, want ? "present" : "absent", present ? "present" : "absent");
	return -1;
}
