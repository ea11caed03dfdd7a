/*
 * test_store.c - the database: create and reopen, read-only opens that never
 * create, the map growing on MDB_MAP_FULL up to max_db_size, history newest
 * first, list filters, stats, prune, backup and marks.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define T0 1700000000

static void test_missing_db(void)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	char path[256];
	struct stat sb;
	quell *h = NULL;

	snprintf(path, sizeof path, "/tmp/quell-test-missing-%ld", (long)getpid());
	o.flags = QUELL_OPEN_READONLY;
	CU_ASSERT_EQUAL(quell_open(path, &o, &h), QUELL_ENODB);
	CU_ASSERT_PTR_NOT_NULL(h);
	CU_ASSERT(strstr(quell_errmsg(h), "no database in") != NULL);
	quell_close(h);
	CU_ASSERT_NOT_EQUAL(stat(path, &sb), 0); /* nothing was created */
	o.flags = 0;
	CU_ASSERT_EQUAL(quell_open(path, &o, &h), QUELL_ENODB);
	quell_close(h);
	CU_ASSERT_NOT_EQUAL(stat(path, &sb), 0);
	quell_close(NULL); /* harmless */
	CU_ASSERT_STRING_EQUAL(quell_errmsg(NULL), "out of memory");
}

static void test_reopen_readonly(void)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	struct quell_result res;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL), *r = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(quell_add(h, "a@example.com", NULL), 0);
	quell_close(h);
	o.flags = QUELL_OPEN_READONLY;
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, &o, &r), 0);
	CU_ASSERT_EQUAL(quell_check(r, "a@example.com", NULL, 0, &res), 0);
	TU_EQ_INT(res.verdict, QUELL_SUPPRESS);
	CU_ASSERT_EQUAL(quell_add(r, "b@example.com", NULL), QUELL_EREADONLY);
	TU_EQ_STR(quell_errmsg(r), "the database is open read-only");
	tu_close(r, dir);
}

static void test_lowercase_setting(void)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	struct quell_result res;
	char dir[128];
	quell *h, *r = NULL;

	o.lowercase_local_part = 0;
	h = tu_open(dir, sizeof dir, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	TU_EQ_INT(quell_lowercase_local_part(h), 0);
	CU_ASSERT_EQUAL(quell_add(h, "John@Example.COM", NULL), 0);
	quell_close(h);
	/* the setting is the database's: opening with the default keeps it */
	o.lowercase_local_part = 1;
	o.flags = 0;
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, &o, &r), 0);
	TU_EQ_INT(quell_lowercase_local_part(r), 0);
	CU_ASSERT_EQUAL(quell_check(r, "John@example.com", NULL, 0, &res), 0);
	TU_EQ_INT(res.verdict, QUELL_SUPPRESS);
	CU_ASSERT_EQUAL(quell_check(r, "john@example.com", NULL, 0, &res), 0);
	TU_EQ_INT(res.verdict, QUELL_ALLOW);
	tu_close(r, dir);
}

static void test_map_grows(void)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_stats *st = NULL;
	struct quell_result res;
	char dir[128], addr[64];
	quell *h;
	int rc = 0;

	o.map_size = 64 * 1024; /* a few pages: the adds must grow it */
	h = tu_open(dir, sizeof dir, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	a.now = T0;
	a.reason = "filling the map with a reason long enough to take some room";
	for (int i = 0; i < 3000 && rc == 0; i++) {
		snprintf(addr, sizeof addr, "user%05d@example.com", i);
		rc = quell_add(h, addr, &a);
	}
	if (rc != 0)
		fprintf(stderr, "\n  add: %s\n", quell_errmsg(h));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(quell_check(h, "user02999@example.com", NULL, T0, &res), 0);
	TU_EQ_INT(res.verdict, QUELL_SUPPRESS);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &st), 0);
	TU_EQ_INT(st->entries[QUELL_LIST_SUPPRESS][QUELL_SCOPE_ADDRESS], 3000);
	CU_ASSERT(st->map_bytes > 64 * 1024);
	TU_EQ_INT(st->events, 3000);
	TU_EQ_INT(st->last_seq, 3000);
	quell_stats_free(st);
	tu_close(h, dir);
}

/* The map stops growing at max_db_size: the write that needs more fails
 * with QUELL_EIO saying so, and the database stays whole and readable. */
static void test_map_limit(void)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_stats *st = NULL;
	struct quell_result res;
	char dir[128], addr[64];
	quell *h;
	int rc = 0, n = 0;

	o.map_size = 64 * 1024;
	o.max_db_size = 256 * 1024;
	h = tu_open(dir, sizeof dir, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	a.now = T0;
	a.reason = "filling the map with a reason long enough to take some room";
	for (; n < 20000; n++) {
		snprintf(addr, sizeof addr, "user%05d@example.com", n);
		if ((rc = quell_add(h, addr, &a)) != 0)
			break;
	}
	TU_EQ_INT(rc, QUELL_EIO);
	CU_ASSERT(n > 100);
	CU_ASSERT(strstr(quell_errmsg(h), "full at its size limit of 262144 bytes") != NULL);
	CU_ASSERT_EQUAL(quell_check(h, "user00000@example.com", NULL, T0, &res), 0);
	TU_EQ_INT(res.verdict, QUELL_SUPPRESS);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &st), 0);
	TU_EQ_INT(st->entries[QUELL_LIST_SUPPRESS][QUELL_SCOPE_ADDRESS], n);
	CU_ASSERT(st->map_bytes <= 256 * 1024);
	quell_stats_free(st);
	quell_close(h);
	/* reopened without the limit: all there, and it grows again */
	o = (struct quell_options)QUELL_OPTIONS_INIT;
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, &o, &h), 0);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &st), 0);
	TU_EQ_INT(st->entries[QUELL_LIST_SUPPRESS][QUELL_SCOPE_ADDRESS], n);
	TU_EQ_INT(st->events, n);
	quell_stats_free(st);
	CU_ASSERT_EQUAL(quell_add(h, addr, &a), 0);
	/* version 1 of the options has no limit field: the default applies */
	quell_close(h);
	o.version = 1;
	o.max_db_size = 1; /* not read */
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, &o, &h), 0);
	snprintf(addr, sizeof addr, "user%05d@example.com", n + 1);
	CU_ASSERT_EQUAL(quell_add(h, addr, &a), 0);
	tu_close(h, dir);
}

static void test_history(void)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_info *info = NULL;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	a.now = T0;
	a.reason = "first";
	CU_ASSERT_EQUAL(quell_add(h, "a@example.com", &a), 0);
	a.now = T0 + 10;
	CU_ASSERT_EQUAL(quell_allow(h, "a@example.com", &a), 0);
	a.now = T0 + 20;
	a.reason = "second";
	CU_ASSERT_EQUAL(quell_add(h, "a@example.com", &a), 0);
	CU_ASSERT_EQUAL(quell_remove(h, "a@example.com", NULL, T0 + 30), 0);
	CU_ASSERT_EQUAL(quell_add(h, "b@example.com", NULL), 0); /* another key */

	CU_ASSERT_EQUAL_FATAL(quell_show(h, "A@example.com", 0, &info), 0);
	TU_EQ_STR(info->key, "a@example.com");
	TU_EQ_INT(info->nentries, 1); /* the allow entry is left */
	TU_EQ_INT(info->entries[0].list, QUELL_LIST_ALLOW);
	TU_EQ_INT(info->nevents, 4);
	if (info->nevents == 4) {
		TU_EQ_INT(info->events[0].action, QUELL_ACTION_REMOVE);
		TU_EQ_INT(info->events[0].time, T0 + 30);
		TU_EQ_INT(info->events[0].verdict, QUELL_ALLOW);
		TU_EQ_INT(info->events[1].action, QUELL_ACTION_SUPPRESS);
		TU_EQ_STR(info->events[1].reason, "second");
		TU_EQ_INT(info->events[2].action, QUELL_ACTION_ALLOW);
		TU_EQ_INT(info->events[3].action, QUELL_ACTION_SUPPRESS);
		TU_EQ_STR(info->events[3].reason, "first");
		TU_EQ_INT(info->events[3].verdict, QUELL_SUPPRESS);
		CU_ASSERT(info->events[0].seq > info->events[1].seq);
		CU_ASSERT(info->events[0].origin[0] != '\0');
	}
	quell_info_free(info);
	CU_ASSERT_EQUAL(quell_show(h, "a@example.com", 2, &info), 0);
	TU_EQ_INT(info->nevents, 2);
	quell_info_free(info);
	CU_ASSERT_EQUAL(quell_show(h, "nobody@example.com", 0, &info), QUELL_ENOTFOUND);
	CU_ASSERT_PTR_NULL(info);
	quell_info_free(NULL);
	tu_close(h, dir);
}

struct collect {
	char keys[16][QUELL_ENTRY_MAX];
	int lists[16];
	size_t n;
};

static int collect_cb(void *ctx, const struct quell_entry *e)
{
	struct collect *c = ctx;

	if (c->n < 16) {
		snprintf(c->keys[c->n], QUELL_ENTRY_MAX, "%s", e->key);
		c->lists[c->n] = e->list;
	}
	c->n++;
	return 0;
}

static int stop_cb(void *ctx, const struct quell_entry *e)
{
	(void)e;
	(void)ctx;
	return 7;
}

static void test_list(void)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_list_options lo = QUELL_LIST_OPTIONS_INIT;
	struct collect c;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	a.now = T0;
	CU_ASSERT_EQUAL(quell_add(h, "b@example.com", &a), 0);
	CU_ASSERT_EQUAL(quell_add(h, "a@example.com", &a), 0);
	CU_ASSERT_EQUAL(quell_add(h, "example.net", &a), 0);
	CU_ASSERT_EQUAL(quell_allow(h, "c@example.com", &a), 0);
	a.ttl = 5;
	CU_ASSERT_EQUAL(quell_add(h, "expired@example.com", &a), 0);
	a.ttl = 0;
	a.stream = "marketing";
	a.source = QUELL_SOURCE_UNSUBSCRIBE;
	CU_ASSERT_EQUAL(quell_add(h, "d@example.com", &a), 0);

	lo.now = T0 + 10;
	memset(&c, 0, sizeof c);
	CU_ASSERT_EQUAL(quell_list(h, &lo, collect_cb, &c), 0);
	TU_EQ_INT(c.n, 4); /* domains first, then addresses in order; no stream, no expired */
	TU_EQ_STR(c.keys[0], "example.net");
	TU_EQ_STR(c.keys[1], "a@example.com");
	TU_EQ_STR(c.keys[2], "b@example.com");
	TU_EQ_STR(c.keys[3], "c@example.com");

	lo.list = QUELL_LIST_SUPPRESS;
	lo.scope = QUELL_SCOPE_ADDRESS;
	memset(&c, 0, sizeof c);
	CU_ASSERT_EQUAL(quell_list(h, &lo, collect_cb, &c), 0);
	TU_EQ_INT(c.n, 2);

	lo.include_expired = 1;
	memset(&c, 0, sizeof c);
	CU_ASSERT_EQUAL(quell_list(h, &lo, collect_cb, &c), 0);
	TU_EQ_INT(c.n, 3);

	lo.include_expired = 0;
	lo.stream = "marketing";
	memset(&c, 0, sizeof c);
	CU_ASSERT_EQUAL(quell_list(h, &lo, collect_cb, &c), 0);
	TU_EQ_INT(c.n, 1);
	TU_EQ_STR(c.keys[0], "d@example.com");

	lo.stream = "*";
	lo.category = "unsubscribe";
	memset(&c, 0, sizeof c);
	CU_ASSERT_EQUAL(quell_list(h, &lo, collect_cb, &c), 0);
	TU_EQ_INT(c.n, 1);

	CU_ASSERT_EQUAL(quell_list(h, NULL, stop_cb, NULL), 7);
	tu_close(h, dir);
}

static void test_stats(void)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_stats *st = NULL;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	a.now = T0;
	CU_ASSERT_EQUAL(quell_add(h, "a@example.com", &a), 0);
	CU_ASSERT_EQUAL(quell_add(h, "example.net", &a), 0);
	CU_ASSERT_EQUAL(quell_allow(h, "b@example.com", &a), 0);
	a.source = QUELL_SOURCE_COMPLAINT;
	a.ttl = 5;
	CU_ASSERT_EQUAL(quell_add(h, "c@example.com", &a), 0);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0 + 10, &st), 0);
	TU_EQ_INT(st->entries[QUELL_LIST_SUPPRESS][QUELL_SCOPE_ADDRESS], 1);
	TU_EQ_INT(st->entries[QUELL_LIST_SUPPRESS][QUELL_SCOPE_DOMAIN], 1);
	TU_EQ_INT(st->entries[QUELL_LIST_ALLOW][QUELL_SCOPE_ADDRESS], 1);
	TU_EQ_INT(st->by_source[QUELL_SOURCE_MANUAL], 3);
	TU_EQ_INT(st->expired, 1);
	TU_EQ_INT(st->keys, 4);
	TU_EQ_INT(st->ncategories, 1);
	TU_EQ_STR(st->categories[0].name, "manual");
	TU_EQ_INT(st->categories[0].count, 3);
	TU_EQ_INT(st->events, 4);
	CU_ASSERT(st->db_bytes > 0 && st->used_bytes > 0);
	quell_stats_free(st);
	quell_stats_free(NULL);
	tu_close(h, dir);
}

static void test_prune(void)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_prune_options po = QUELL_PRUNE_OPTIONS_INIT;
	struct quell_prune_result pr;
	struct quell_info *info = NULL;
	struct quell_stats *st = NULL;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	for (int i = 0; i < 150; i++) {
		a.now = T0 + i;
		CU_ASSERT_EQUAL_FATAL(quell_add(h, "busy@example.com", &a), 0);
	}
	a.now = T0;
	a.ttl = 60;
	CU_ASSERT_EQUAL(quell_add(h, "short@example.com", &a), 0);
	CU_ASSERT_EQUAL(quell_add(h, "example.org", &a), 0);
	a.ttl = 0;
	a.now = T0 - 3 * 365 * 86400; /* older than two years */
	CU_ASSERT_EQUAL(quell_add(h, "old@example.com", &a), 0);

	po.now = T0 + 100;
	CU_ASSERT_EQUAL_FATAL(quell_prune(h, &po, &pr), 0);
	TU_EQ_INT(pr.entries_removed, 2);
	/* busy: 150 -> 100; old: its one event goes; short and example.org
	 * keep theirs plus one expire event each */
	TU_EQ_INT(pr.events_removed, 51);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "busy@example.com", 0, &info), 0);
	TU_EQ_INT(info->nevents, 100);
	TU_EQ_INT(info->events[0].time, T0 + 149);
	TU_EQ_INT(info->events[99].time, T0 + 50);
	quell_info_free(info);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "short@example.com", 0, &info), 0);
	TU_EQ_INT(info->nentries, 0);
	TU_EQ_INT(info->nevents, 2);
	TU_EQ_INT(info->events[0].action, QUELL_ACTION_EXPIRE);
	quell_info_free(info);
	/* old's entry stays (no ttl), its history is gone */
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "old@example.com", 0, &info), 0);
	TU_EQ_INT(info->nentries, 1);
	TU_EQ_INT(info->nevents, 0);
	quell_info_free(info);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0 + 100, &st), 0);
	TU_EQ_INT(st->events, 104);
	quell_stats_free(st);
	/* a second prune finds nothing */
	CU_ASSERT_EQUAL(quell_prune(h, &po, &pr), 0);
	TU_EQ_INT(pr.entries_removed, 0);
	TU_EQ_INT(pr.events_removed, 0);
	/* keep and max_age are the caller's */
	po.keep = 10;
	po.max_age = -1;
	CU_ASSERT_EQUAL(quell_prune(h, &po, &pr), 0);
	TU_EQ_INT(pr.events_removed, 90);
	tu_close(h, dir);
}

/* A backoff past its until goes once idle for the loaded rules'
 * give_up_after: 5d with the default rules, 1d with a file that says so. */
static void test_prune_give_up(void)
{
	static const char yaml[] = "version: 1\n"
	                           "backoff: { give_up_after: 1d }\n"
	                           "rules:\n"
	                           "  - name: transient\n"
	                           "    when: { code: 4xx }\n"
	                           "    then: { action: backoff, scope: address }\n";
	struct quell_record_options ro = QUELL_RECORD_OPTIONS_INIT;
	struct quell_prune_options po = QUELL_PRUNE_OPTIONS_INIT;
	struct quell_prune_result pr;
	struct quell_outcome out;
	char dir[128], path[200];
	FILE *f;
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	ro.now = T0;
	CU_ASSERT_EQUAL_FATAL(quell_record(h, "slow@example.com", "451 4.7.1 try later", &ro,
	                                   &out), 0);
	TU_EQ_INT(out.verdict, QUELL_BACKOFF);
	po.now = T0 + 2 * 86400;
	CU_ASSERT_EQUAL_FATAL(quell_prune(h, &po, &pr), 0);
	TU_EQ_INT(pr.entries_removed, 0); /* default rules: 5 days */
	snprintf(path, sizeof path, "%s/rules.yaml", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(yaml, f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(quell_rules_load(h, path), 0);
	unlink(path);
	CU_ASSERT_EQUAL_FATAL(quell_prune(h, &po, &pr), 0);
	TU_EQ_INT(pr.entries_removed, 1);
	tu_close(h, dir);
}

/* Regression: deleting the last record of the history table ended the
 * walk with EINVAL (found by the CLI tests). */
static void test_prune_last_event(void)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_prune_options po = QUELL_PRUNE_OPTIONS_INIT;
	struct quell_prune_result pr;
	char dir[128];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	a.now = T0;
	CU_ASSERT_EQUAL(quell_add(h, "a@example.com", &a), 0);
	CU_ASSERT_EQUAL(quell_add(h, "z@example.com", &a), 0);
	po.now = T0 + 3 * 365 * 86400;
	if (quell_prune(h, &po, &pr) != 0)
		fprintf(stderr, "\n  prune: %s\n", quell_errmsg(h));
	TU_EQ_INT(pr.events_removed, 2);
	tu_close(h, dir);
}

static void test_backup(void)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	struct quell_result res;
	char dir[128], copy[160];
	quell *h = tu_open(dir, sizeof dir, NULL), *b = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(quell_add(h, "a@example.com", NULL), 0);
	snprintf(copy, sizeof copy, "%s-backup", dir);
	CU_ASSERT_EQUAL_FATAL(quell_backup(h, copy), 0);
	CU_ASSERT_EQUAL(quell_backup(h, copy), QUELL_EIO); /* never over a database */
	o.flags = QUELL_OPEN_READONLY;
	CU_ASSERT_EQUAL_FATAL(quell_open(copy, &o, &b), 0);
	CU_ASSERT_EQUAL(quell_check(b, "a@example.com", NULL, 0, &res), 0);
	TU_EQ_INT(res.verdict, QUELL_SUPPRESS);
	tu_close(b, copy);
	tu_close(h, dir);
}

static void test_nodb_handle(void)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	struct quell_result res;
	char out[QUELL_ENTRY_MAX];
	quell *h = NULL;
	int scope = 0;

	o.flags = QUELL_OPEN_NODB;
	CU_ASSERT_EQUAL_FATAL(quell_open(NULL, &o, &h), 0);
	CU_ASSERT_EQUAL(quell_entry_normalize(h, "@Example.COM", out, sizeof out, &scope), 0);
	TU_EQ_STR(out, "example.com");
	TU_EQ_INT(scope, QUELL_SCOPE_DOMAIN);
	CU_ASSERT_EQUAL(quell_check(h, "a@example.com", NULL, 0, &res), QUELL_EINVAL);
	quell_close(h);
}

static void test_options_version(void)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	quell *h = NULL;

	o.version = 99;
	CU_ASSERT_EQUAL(quell_open("/nonexistent", &o, &h), QUELL_EINVAL);
	CU_ASSERT(strstr(quell_errmsg(h), "version") != NULL);
	quell_close(h);
}

/* Marks: set, read back, replaced, kept across a reopen, and refused
 * arguments; no history event and no change-feed entry. */
static void test_marks(void)
{
	char dir[128], buf[QUELL_MARK_MAX], name[QUELL_MARK_NAME_MAX + 1];
	struct quell_stats *st = NULL;
	size_t len = 99;
	quell *h = tu_open(dir, sizeof dir, NULL), *r = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	TU_EQ_INT(quell_mark_get(h, "ingest postfix-log /var/log/mail.log", buf, sizeof buf, &len),
	          QUELL_ENOTFOUND);
	TU_EQ_INT(len, 0);
	TU_EQ_INT(quell_mark_set(h, "ingest postfix-log /var/log/mail.log", "2049 77 100 3", 13), 0);
	TU_EQ_INT(quell_mark_set(h, "other", "x", 1), 0);
	TU_EQ_INT(quell_mark_set(h, "ingest postfix-log /var/log/mail.log", "2049 77 250 9", 13), 0);
	quell_close(h);
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, NULL, &r), 0);
	TU_EQ_INT(quell_mark_get(r, "ingest postfix-log /var/log/mail.log", buf, sizeof buf, &len), 0);
	TU_EQ_INT(len, 13);
	CU_ASSERT(memcmp(buf, "2049 77 250 9", 13) == 0);
	TU_EQ_INT(quell_mark_get(r, "other", buf, sizeof buf, &len), 0);
	TU_EQ_INT(len, 1);
	/* a buffer too small says the size needed */
	TU_EQ_INT(quell_mark_get(r, "ingest postfix-log /var/log/mail.log", buf, 4, &len),
	          QUELL_EINVAL);
	TU_EQ_INT(len, 13);
	/* names and values out of bounds */
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	TU_EQ_INT(quell_mark_set(r, name, "x", 1), QUELL_EINVAL);
	TU_EQ_INT(quell_mark_set(r, "", "x", 1), QUELL_EINVAL);
	TU_EQ_INT(quell_mark_set(r, NULL, "x", 1), QUELL_EINVAL);
	TU_EQ_INT(quell_mark_set(r, "big", buf, QUELL_MARK_MAX + 1), QUELL_EINVAL);
	TU_EQ_INT(quell_mark_get(r, name, buf, sizeof buf, &len), QUELL_EINVAL);
	name[QUELL_MARK_NAME_MAX - 1] = '\0'; /* the longest name */
	TU_EQ_INT(quell_mark_set(r, name, "", 0), 0);
	TU_EQ_INT(quell_mark_get(r, name, buf, sizeof buf, &len), 0);
	TU_EQ_INT(len, 0);
	/* local state: no event, nothing in the change feed */
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(r, T0, &st), 0);
	TU_EQ_INT(st->events, 0);
	TU_EQ_INT(st->last_seq, 0);
	quell_stats_free(st);
	tu_close(r, dir);
}

static CU_TestInfo tests[] = {
	{ "missing database is never created", test_missing_db },
	{ "reopen read-only", test_reopen_readonly },
	{ "lowercase_local_part is the database's", test_lowercase_setting },
	{ "map grows on MDB_MAP_FULL", test_map_grows },
	{ "map stops at max_db_size", test_map_limit },
	{ "history newest first", test_history },
	{ "list filters", test_list },
	{ "stats", test_stats },
	{ "prune", test_prune },
	{ "prune deletes the last event", test_prune_last_event },
	{ "prune gives up as the rules say", test_prune_give_up },
	{ "backup", test_backup },
	{ "handle without a database", test_nodb_handle },
	{ "options version", test_options_version },
	{ "marks", test_marks },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_store[] = {
	{ "store", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
