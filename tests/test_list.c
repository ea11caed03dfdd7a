/*
 * test_list.c - quell_list's order and its cursor (quell_list_pos,
 * options version 2): the entries of one key by list then stream whatever
 * order they were written in, pages of every size that add up to the whole
 * walk, paging while entries are added and removed between the pages (no
 * entry twice, none that lived throughout missed), a cursor whose entry is
 * gone, version 1 callers, and bad positions.
 */
#include <stdint.h>
#include <stdlib.h>

#include "testutil.h"

#define T0 1700000000
#define MAXN 512

/* Entries seen, as "KEY|LIST|STREAM" strings, and the last place. */
struct seen {
	size_t n, limit; /* limit: stop after this many (0: none) */
	char item[MAXN][QUELL_ENTRY_MAX + QUELL_STREAM_MAX + 8];
	struct quell_list_pos last;
};

static int seen_cb(void *payload, const struct quell_entry *e)
{
	struct seen *s = payload;

	if (s->n < MAXN)
		snprintf(s->item[s->n], sizeof s->item[0], "%s|%s|%s", e->key,
		         quell_list_name(e->list), e->stream);
	s->n++;
	s->last.scope = e->scope;
	s->last.list = e->list;
	snprintf(s->last.key, sizeof s->last.key, "%s", e->key);
	snprintf(s->last.stream, sizeof s->last.stream, "%s", e->stream);
	return s->limit != 0 && s->n >= s->limit ? 1 : 0;
}

static void add(quell *h, const char *entry, int allow, const char *stream)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	int rc;

	a.now = T0;
	a.stream = stream;
	rc = allow ? quell_allow(h, entry, &a) : quell_add(h, entry, &a);
	if (rc != 0)
		fprintf(stderr, "\n  add %s: %s\n", entry, quell_errmsg(h));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

static void test_key_order(void)
{
	static const char *const want[] = {
		"example.org|suppress|", "a@example.com|suppress|",
		"a@example.com|suppress|alpha", "a@example.com|suppress|beta",
		"a@example.com|allow|", "a@example.com|allow|beta", "b@example.com|suppress|",
	};
	struct quell_list_options lo = QUELL_LIST_OPTIONS_INIT;
	struct seen *s = calloc(1, sizeof *s);
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* written out of order: the walk sorts a key's entries */
	add(h, "a@example.com", 1, "beta");
	add(h, "a@example.com", 0, "beta");
	add(h, "a@example.com", 1, NULL);
	add(h, "b@example.com", 0, NULL);
	add(h, "a@example.com", 0, "alpha");
	add(h, "a@example.com", 0, NULL);
	add(h, "example.org", 0, NULL);
	lo.stream = "*";
	lo.now = T0;
	TU_EQ_INT(quell_list(h, &lo, seen_cb, s), 0);
	TU_EQ_INT(s->n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < s->n && i < sizeof want / sizeof want[0]; i++)
		TU_EQ_STR(s->item[i], want[i]);
	free(s);
	tu_close(h, dir);
}

/* Walk the whole list in pages of `page` entries; the items into all. */
static void walk_pages(quell *h, const struct quell_list_options *base, size_t page,
                       struct seen *all)
{
	struct quell_list_options lo = *base;
	struct seen *s = calloc(1, sizeof *s);
	struct quell_list_pos pos;
	int more = 1;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	all->n = 0;
	lo.after = NULL;
	while (more) {
		s->n = 0;
		s->limit = page;
		more = quell_list(h, &lo, seen_cb, s) == 1;
		for (size_t i = 0; i < s->n && all->n < MAXN; i++)
			memcpy(all->item[all->n++], s->item[i], sizeof s->item[0]);
		pos = s->last;
		lo.after = &pos;
	}
	free(s);
}

static void test_pages_add_up(void)
{
	struct quell_list_options lo = QUELL_LIST_OPTIONS_INIT;
	struct seen *whole = calloc(1, sizeof *whole), *paged = calloc(1, sizeof *paged);
	char dir[128], e[64];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(whole);
	CU_ASSERT_PTR_NOT_NULL_FATAL(paged);
	for (int i = 0; i < 12; i++) {
		snprintf(e, sizeof e, "u%02d@example.com", i);
		add(h, e, i % 3 == 0, NULL);
		if (i % 4 == 0)
			add(h, e, 0, "news");
	}
	add(h, "example.net", 0, NULL);
	add(h, "example.org", 1, "news");
	lo.stream = "*";
	lo.now = T0;
	TU_EQ_INT(quell_list(h, &lo, seen_cb, whole), 0);
	TU_EQ_INT(whole->n, 17);
	for (size_t page = 1; page <= whole->n + 1; page++) {
		walk_pages(h, &lo, page, paged);
		TU_EQ_INT(paged->n, whole->n);
		for (size_t i = 0; i < whole->n && i < paged->n; i++)
			TU_EQ_STR(paged->item[i], whole->item[i]);
	}
	/* with filters: the suppress list's addresses only */
	lo.list = QUELL_LIST_SUPPRESS;
	lo.scope = QUELL_SCOPE_ADDRESS;
	whole->n = 0;
	TU_EQ_INT(quell_list(h, &lo, seen_cb, whole), 0);
	TU_EQ_INT(whole->n, 11);
	walk_pages(h, &lo, 2, paged);
	TU_EQ_INT(paged->n, whole->n);
	for (size_t i = 0; i < whole->n && i < paged->n; i++)
		TU_EQ_STR(paged->item[i], whole->item[i]);
	free(whole);
	free(paged);
	tu_close(h, dir);
}

static int has(const struct seen *s, const char *item)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n && i < MAXN; i++)
		k += strcmp(s->item[i], item) == 0;
	return (int)k;
}

/* Pages of 3 while each gap adds and removes entries on both sides of the
 * cursor (a fixed LCG: the same run every time). */
static void test_pages_with_changes(void)
{
	struct quell_list_options lo = QUELL_LIST_OPTIONS_INIT;
	struct seen *s = calloc(1, sizeof *s), *all = calloc(1, sizeof *all);
	struct quell_list_pos pos;
	char dir[128], e[64], item[96];
	int alive[60] = { 0 }, gone[60] = { 0 }, more = 1;
	uint32_t x = 12345;
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	for (int i = 0; i < 60; i += 2) { /* the even ones from the start */
		snprintf(e, sizeof e, "u%02d@example.com", i);
		add(h, e, 0, NULL);
		alive[i] = 1;
	}
	lo.now = T0;
	while (more) {
		s->n = 0;
		s->limit = 3;
		more = quell_list(h, &lo, seen_cb, s) == 1;
		for (size_t i = 0; i < s->n; i++)
			memcpy(all->item[all->n++], s->item[i], sizeof s->item[0]);
		pos = s->last;
		lo.after = &pos;
		for (int k = 0; k < 4; k++) { /* churn between the pages */
			int i;

			x = x * 1103515245u + 12345u;
			i = (int)((x >> 16) % 60);
			snprintf(e, sizeof e, "u%02d@example.com", i);
			if (i % 2 == 1 && !alive[i]) {
				add(h, e, 0, NULL);
				alive[i] = 1;
			} else if (i % 2 == 0 && alive[i] && k == 0) {
				TU_EQ_INT(quell_remove(h, e, NULL, T0), 0);
				alive[i] = 0;
				gone[i] = 1;
			}
		}
		/* the entry the page ended with goes too, now and then */
		if (s->n > 0 && (x & 1) && strcmp(pos.key, "u00@example.com") != 0) {
			int i = atoi(pos.key + 1);

			if (alive[i]) {
				TU_EQ_INT(quell_remove(h, pos.key, NULL, T0), 0);
				alive[i] = 0;
				gone[i] = 1;
			}
		}
	}
	for (int i = 0; i < 60; i++) {
		snprintf(item, sizeof item, "u%02d@example.com|suppress|", i);
		CU_ASSERT(has(all, item) <= 1); /* never twice */
		if (i % 2 == 0 && !gone[i] && has(all, item) != 1) { /* lived throughout */
			fprintf(stderr, "\n  %s missed\n", item);
			CU_FAIL("an entry that lived through the paging was missed");
		}
	}
	for (size_t i = 1; i < all->n; i++) /* in order */
		CU_ASSERT(strcmp(all->item[i - 1], all->item[i]) < 0);
	free(s);
	free(all);
	tu_close(h, dir);
}

static void test_cursor_edges(void)
{
	struct quell_list_options lo = QUELL_LIST_OPTIONS_INIT;
	struct quell_list_pos pos;
	struct seen *s = calloc(1, sizeof *s);
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	add(h, "example.net", 0, NULL);
	add(h, "a@example.com", 0, NULL);
	add(h, "c@example.com", 0, NULL);
	lo.now = T0;
	memset(&pos, 0, sizeof pos);
	/* a place that holds no entry: the next one after it */
	pos.scope = QUELL_SCOPE_ADDRESS;
	snprintf(pos.key, sizeof pos.key, "b@example.com");
	pos.list = QUELL_LIST_SUPPRESS;
	lo.after = &pos;
	TU_EQ_INT(quell_list(h, &lo, seen_cb, s), 0);
	TU_EQ_INT(s->n, 1);
	TU_EQ_STR(s->item[0], "c@example.com|suppress|");
	/* after a domain: the other domains, then every address */
	pos.scope = QUELL_SCOPE_DOMAIN;
	snprintf(pos.key, sizeof pos.key, "example.com");
	s->n = 0;
	TU_EQ_INT(quell_list(h, &lo, seen_cb, s), 0);
	TU_EQ_INT(s->n, 3);
	TU_EQ_STR(s->item[0], "example.net|suppress|");
	/* after the last entry: nothing */
	pos.scope = QUELL_SCOPE_ADDRESS;
	snprintf(pos.key, sizeof pos.key, "c@example.com");
	s->n = 0;
	TU_EQ_INT(quell_list(h, &lo, seen_cb, s), 0);
	TU_EQ_INT(s->n, 0);
	/* a version 1 caller has no `after`: whatever lies there is ignored */
	lo.version = 1;
	s->n = 0;
	TU_EQ_INT(quell_list(h, &lo, seen_cb, s), 0);
	TU_EQ_INT(s->n, 3);
	/* bad positions and versions */
	lo.version = QUELL_LIST_OPTIONS_VERSION;
	pos.scope = QUELL_SCOPE_NONE;
	TU_EQ_INT(quell_list(h, &lo, seen_cb, s), QUELL_EINVAL);
	CU_ASSERT(strstr(quell_errmsg(h), "scope") != NULL);
	pos.scope = QUELL_SCOPE_ADDRESS;
	memset(pos.key, 'a', sizeof pos.key);
	TU_EQ_INT(quell_list(h, &lo, seen_cb, s), QUELL_EINVAL);
	CU_ASSERT(strstr(quell_errmsg(h), "not terminated") != NULL);
	lo.version = QUELL_LIST_OPTIONS_VERSION + 1;
	TU_EQ_INT(quell_list(h, &lo, seen_cb, s), QUELL_EINVAL);
	free(s);
	tu_close(h, dir);
}

static CU_TestInfo tests[] = {
	{ "a key's entries by list then stream", test_key_order },
	{ "pages of every size add up to the walk", test_pages_add_up },
	{ "pages while entries come and go", test_pages_with_changes },
	{ "cursor edges, version 1, bad positions", test_cursor_edges },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_list[] = {
	{ "list", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
