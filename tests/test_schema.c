/*
 * test_schema.c - the database's two layouts: a new database is schema 2
 * (a domain's history events in a table of their own, "dhistory"); one of
 * schema 1 (every event in "history") keeps working as it is, read-write
 * and read-only (without a dhistory table at all), for history, stats,
 * prune and the change feed; a schema this quell does not know is
 * refused.  Checked through the API and, for where events landed, LMDB
 * itself.
 */
#include <lmdb.h>
#include <stdlib.h>

#include "testutil.h"

#define T0 1790000000

/* Entries of the named table of the database in dir whose key starts
 * with pfx; the table missing counts -1. */
static long count_keys(const char *dir, const char *table, const char *pfx)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_cursor *c = NULL;
	MDB_dbi dbi;
	MDB_val k, v;
	long n = 0;
	int rc;

	CU_ASSERT_EQUAL_FATAL(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 16);
	CU_ASSERT_EQUAL_FATAL(mdb_env_open(env, dir, MDB_RDONLY, 0600), 0);
	CU_ASSERT_EQUAL_FATAL(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	if (mdb_dbi_open(txn, table, 0, &dbi) != 0)
		n = -1;
	else {
		CU_ASSERT_EQUAL_FATAL(mdb_cursor_open(txn, dbi, &c), 0);
		for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
		     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
			n += k.mv_size >= strlen(pfx) && memcmp(k.mv_data, pfx, strlen(pfx)) == 0;
		mdb_cursor_close(c);
	}
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return n;
}

/* Make the (closed) database in dir say schema s, and with drop remove its
 * dhistory table: what a database of an older quell looks like. */
static void set_schema(const char *dir, unsigned char s, int drop)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	MDB_val k = { 6, "schema" }, v = { 1, &s };

	CU_ASSERT_EQUAL_FATAL(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 16);
	CU_ASSERT_EQUAL_FATAL(mdb_env_open(env, dir, 0, 0600), 0);
	CU_ASSERT_EQUAL_FATAL(mdb_txn_begin(env, NULL, 0, &txn), 0);
	CU_ASSERT_EQUAL_FATAL(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	CU_ASSERT_EQUAL(mdb_put(txn, dbi, &k, &v, 0), 0);
	if (drop && mdb_dbi_open(txn, "dhistory", 0, &dbi) == 0)
		CU_ASSERT_EQUAL(mdb_drop(txn, dbi, 1), 0);
	CU_ASSERT_EQUAL_FATAL(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* A domain suppressed and an address backed off, each at its own time. */
static void write_some(quell *h, int64_t t)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;

	a.now = t;
	CU_ASSERT_EQUAL(quell_add(h, "dom.example", &a), 0);
	CU_ASSERT_EQUAL(quell_add(h, "u@dom.example", &a), 0);
}

/* key has n events, the newest at time t */
static void has_history(quell *h, const char *key, size_t n, int64_t t)
{
	struct quell_info *info = NULL;

	CU_ASSERT_EQUAL_FATAL(quell_show(h, key, 0, &info), 0);
	TU_EQ_INT(info->nevents, n);
	if (info->nevents > 0)
		TU_EQ_INT(info->events[0].time, t);
	quell_info_free(info);
}

/* History events, as quell_stats_get counts them. */
static uint64_t events(quell *h)
{
	struct quell_stats *st = NULL;
	uint64_t n;

	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0 + 200, &st), 0);
	n = st->events;
	quell_stats_free(st);
	return n;
}

static size_t feed_n;

static int count_change(void *payload, const struct quell_change *c)
{
	(void)payload;
	(void)c;
	feed_n++;
	return 0;
}

/* Every change of h's feed can be read back with its event. */
static size_t feed_count(quell *h)
{
	uint64_t last = 0;

	feed_n = 0;
	CU_ASSERT_EQUAL(quell_changes(h, 0, 0, count_change, NULL, &last), 0);
	return feed_n;
}

/* After write_some at T0 and T0 + 100: a prune of what is older than a
 * day at T0 + 50 + a day takes the first event of each key. */
static void prune_first(quell *h)
{
	struct quell_prune_options po = QUELL_PRUNE_OPTIONS_INIT;
	struct quell_prune_result pr;

	po.now = T0 + 50 + 86400;
	po.max_age = 86400;
	CU_ASSERT_EQUAL(quell_prune(h, &po, &pr), 0);
	TU_EQ_INT(pr.events_removed, 2);
	has_history(h, "dom.example", 1, T0 + 100);
	has_history(h, "u@dom.example", 1, T0 + 100);
}

static void test_new_is_schema2(void)
{
	char dir[256];
	quell *h = tu_open(dir, sizeof dir, NULL);

	write_some(h, T0);
	has_history(h, "dom.example", 1, T0);
	has_history(h, "u@dom.example", 1, T0);
	TU_EQ_INT(events(h), 2);
	TU_EQ_INT(feed_count(h), 2);
	/* the domain's event went to dhistory, the address's to history */
	TU_EQ_INT(count_keys(dir, "dhistory", "dom.example"), 1);
	TU_EQ_INT(count_keys(dir, "history", "dom.example"), 0);
	TU_EQ_INT(count_keys(dir, "history", "u@dom.example"), 1);
	tu_close(h, dir);
}

static void test_schema1_kept(void)
{
	char dir[256];
	quell *h = tu_open(dir, sizeof dir, NULL);
	struct quell_options o = QUELL_OPTIONS_INIT;

	quell_close(h);
	set_schema(dir, 1, 1);
	/* read-write: it stays schema 1, every event in history */
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, NULL, &h), 0);
	write_some(h, T0);
	write_some(h, T0 + 100);
	has_history(h, "dom.example", 2, T0 + 100);
	has_history(h, "u@dom.example", 2, T0 + 100);
	TU_EQ_INT(events(h), 4);
	TU_EQ_INT(feed_count(h), 4);
	quell_close(h);
	TU_EQ_INT(count_keys(dir, "history", "dom.example"), 2);
	TU_EQ_INT(count_keys(dir, "history", "u@dom.example"), 2);
	TU_EQ_INT(count_keys(dir, "dhistory", ""), 0);
	/* read-only, with no dhistory table at all */
	set_schema(dir, 1, 1);
	TU_EQ_INT(count_keys(dir, "dhistory", ""), -1);
	o.flags = QUELL_OPEN_READONLY;
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, &o, &h), 0);
	has_history(h, "dom.example", 2, T0 + 100);
	TU_EQ_INT(events(h), 4);
	TU_EQ_INT(feed_count(h), 4);
	quell_close(h);
	/* prune reaches the domain's old event there too */
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, NULL, &h), 0);
	prune_first(h);
	tu_close(h, dir);
}

static void test_prune_both_tables(void)
{
	char dir[256];
	quell *h = tu_open(dir, sizeof dir, NULL);

	write_some(h, T0);
	write_some(h, T0 + 100);
	prune_first(h);
	tu_close(h, dir);
}

static void test_unknown_schema(void)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	char dir[256];
	quell *h = tu_open(dir, sizeof dir, NULL);

	quell_close(h);
	set_schema(dir, 3, 0);
	CU_ASSERT_EQUAL(quell_open(dir, NULL, &h), QUELL_EDB);
	CU_ASSERT(strstr(quell_errmsg(h), "schema 3; this quell reads 1 to 2") != NULL);
	quell_close(h);
	/* schema 2 without its dhistory table, read-only: damaged, not read
	 * as if its domains had no history */
	set_schema(dir, 2, 1);
	o.flags = QUELL_OPEN_READONLY;
	CU_ASSERT_EQUAL(quell_open(dir, &o, &h), QUELL_EDB);
	CU_ASSERT(strstr(quell_errmsg(h), "no table 'dhistory'") != NULL);
	tu_close(h, dir);
}

static CU_TestInfo tests[] = {
	{ "a new database keeps a domain's events apart", test_new_is_schema2 },
	{ "a schema 1 database, read-write and read-only", test_schema1_kept },
	{ "prune walks both history tables", test_prune_both_tables },
	{ "an unknown schema, or schema 2 without dhistory, is refused", test_unknown_schema },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_schema[] = {
	{ "schema", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
