/*
 * test_spill.c - the importer's sorted runs in temporary files
 * (spill.c): packed rows spilled in several runs and merged back come
 * out in key and line order, each byte for byte as it was packed, with
 * runs far longer than the merge's read buffer (rows straddle its ends)
 * and rows longer than the buffer itself; an empty run reads as none.
 */
#include <stdint.h>
#include <stdlib.h>

#include "spill.h"
#include "testutil.h"

#define N 20000
#define RUNS 4
#define LONG 70000 /* longer than a read or write of a run (64 KiB) */

/* A packed row and the order the merge must give it. */
struct row {
	struct quell__buf b;
	char key[48];
	size_t line;
};

static int row_cmp(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	return c != 0 ? c : (a->line > b->line) - (a->line < b->line);
}

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Rows of lines 1..N: a few hundred keys (each on many lines), every
 * 97th with a reason of up to LONG bytes. */
static void make_rows(struct row *rows, char *text)
{
	uint64_t x = 0x2545F4914F6CDD1Du;

	memset(text, 'r', LONG);
	text[LONG] = '\0';
	for (size_t i = 0; i < N; i++) {
		struct quell__item it;

		memset(&it, 0, sizeof it);
		snprintf(rows[i].key, sizeof rows[i].key, "u%u@d%u.example",
		         (unsigned)(next(&x) % 300), (unsigned)(x >> 20) % 7);
		rows[i].line = i + 1;
		it.key = rows[i].key;
		it.scope = QUELL_SCOPE_ADDRESS;
		it.row.line = i + 1;
		it.row.reason = i % 97 == 0 ? text + LONG - (size_t)(x >> 33) % LONG : "";
		quell__item_pack(&rows[i].b, &it);
		CU_ASSERT_FATAL(!rows[i].b.oom);
	}
}

static void test_merge_runs(void)
{
	struct row *rows = calloc(N, sizeof *rows);
	struct quell__slot *s = calloc(N, sizeof *s), *tmp = calloc(N, sizeof *tmp);
	struct quell__runs *runs = NULL;
	char *text = malloc(LONG + 1);
	const unsigned char *rec;
	size_t len, got = 0;
	int rc;

	CU_ASSERT_FATAL(rows != NULL && s != NULL && tmp != NULL && text != NULL);
	make_rows(rows, text);
	CU_ASSERT_EQUAL_FATAL(quell__runs_new(&runs), 0);
	for (size_t r = 0; r < RUNS; r++) {
		size_t from = r * N / RUNS, to = (r + 1) * N / RUNS;

		for (size_t i = from; i < to; i++)
			s[i - from] = quell__slot_of(rows[i].b.data);
		quell__slots_sort(s, tmp, to - from);
		CU_ASSERT_EQUAL_FATAL(quell__runs_spill(runs, s, to - from), 0);
	}
	CU_ASSERT_EQUAL_FATAL(quell__runs_spill(runs, s, 0), 0); /* an empty run */
	TU_EQ_INT(quell__runs_count(runs), RUNS + 1);
	qsort(rows, N, sizeof *rows, row_cmp);
	while ((rc = quell__runs_next(runs, &rec, &len)) == 1 && got < N) {
		if (len != rows[got].b.len || memcmp(rec, rows[got].b.data, len) != 0) {
			fprintf(stderr, "\n  row %zu: %zu bytes, want %s line %zu (%zu bytes)\n", got,
			        len, rows[got].key, rows[got].line, rows[got].b.len);
			CU_FAIL("merged row");
			break;
		}
		got++;
	}
	TU_EQ_INT(rc, 0);
	TU_EQ_INT(got, N);
	quell__runs_free(runs);
	for (size_t i = 0; i < N; i++)
		quell__buf_free(&rows[i].b);
	free(text);
	free(tmp);
	free(s);
	free(rows);
}

static CU_TestInfo tests[] = {
	{ "runs longer than a read, rows longer than one: merged in order", test_merge_runs },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_spill[] = {
	{ "spill", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
