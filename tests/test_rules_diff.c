/*
 * test_rules_diff.c - quell_rules_diff: the stored replies replayed under
 * the handle's rules and another file.  A verdict changed each way, a
 * scope changed, a count reached only under the other file, the replay
 * under the rules in use agreeing with what quell_record stored (checked
 * through quell_check, an oracle that shares no code with the replay's
 * walk), entries that are not the rules' work, the filters, a callback
 * that stops, bad arguments, and a database left unchanged.
 *
 * Rules files are written here; time is injected everywhere.
 */
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"

#define T0 1700000000
#define HOUR 3600
#define DAY 86400

static const char old_yaml[] =
	"version: 1\n"
	"backoff: { initial: 15m, factor: 2, max: 8h, give_up_after: 5d }\n"
	"rules:\n"
	"  - name: delivered\n"
	"    when: { code: 2xx }\n"
	"    then: { action: clear, category: delivered }\n"
	"  - name: unknown\n"
	"    when: { status: 5.1.1 }\n"
	"    then: { action: suppress, ttl: [7d, 30d, forever], category: bad-mailbox }\n"
	"  - name: blocked\n"
	"    when: { status: \"5.7.*\" }\n"
	"    then: { action: ignore, category: policy }\n"
	"  - name: full\n"
	"    when: { status: 5.2.2 }\n"
	"    then: { action: count, threshold: 5, window: 7d, category: quota }\n"
	"  - name: transient\n"
	"    when: { code: 4xx }\n"
	"    then: { action: backoff, category: transient }\n";

static const char new_yaml[] =
	"version: 1\n"
	"rules:\n"
	"  - name: unknown\n"
	"    when: { status: 5.1.1, domain: dead.example }\n"
	"    then: { action: suppress, scope: domain, category: bad-domain }\n"
	"  - name: unknown-soft\n"
	"    when: { status: 5.1.1, text: \"(?i)maybe\" }\n"
	"    then: { action: ignore }\n"
	"  - name: unknown-address\n"
	"    when: { status: 5.1.1 }\n"
	"    then: { action: suppress, category: bad-mailbox }\n"
	"  - name: blocked\n"
	"    when: { status: \"5.7.*\" }\n"
	"    then: { action: suppress, category: policy }\n"
	"  - name: full\n"
	"    when: { status: 5.2.2 }\n"
	"    then: { action: count, threshold: 3, window: 7d, category: quota }\n";

static const char none_yaml[] = "version: 1\nrules:\n  - name: nothing\n    then: { action: ignore }\n";

static char dir[128], old_path[160], new_path[160], none_path[160];
static quell *h;

static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return 1;
	fputs(text, f);
	return fclose(f) != 0;
}

static int setup(void)
{
	h = tu_open(dir, sizeof dir, NULL);
	if (h == NULL)
		return 1;
	snprintf(old_path, sizeof old_path, "%s.old.yaml", dir);
	snprintf(new_path, sizeof new_path, "%s.new.yaml", dir);
	snprintf(none_path, sizeof none_path, "%s.none.yaml", dir);
	return put(old_path, old_yaml) || put(new_path, new_yaml) || put(none_path, none_yaml) ||
	       quell_rules_load(h, old_path) != 0;
}

static int teardown(void)
{
	tu_close(h, dir);
	unlink(old_path);
	unlink(new_path);
	unlink(none_path);
	return 0;
}

static void fresh(void)
{
	tu_close(h, dir);
	h = tu_open(dir, sizeof dir, NULL);
	CU_ASSERT_FATAL(h != NULL);
	CU_ASSERT_FATAL(quell_rules_load(h, old_path) == 0);
}

static void rec(const char *addr, const char *reply, int64_t t)
{
	struct quell_record_options o = QUELL_RECORD_OPTIONS_INIT;
	struct quell_outcome out;

	o.now = t;
	TU_EQ_INT(quell_record(h, addr, reply, &o, &out), 0);
}

/* What the callback saw. */
#define SEEN_MAX 16
struct seen {
	size_t n;
	struct quell_diff_entry e[SEEN_MAX];
	char reply[SEEN_MAX][64];
	int stop_at; /* stop with 42 at this many entries (0: never) */
};

static int collect(void *payload, const struct quell_diff_entry *e)
{
	struct seen *s = payload;

	if (s->n < SEEN_MAX) {
		s->e[s->n] = *e;
		snprintf(s->reply[s->n], sizeof s->reply[s->n], "%s", e->reply);
		s->e[s->n].status = s->e[s->n].reply = NULL; /* they live during the call only */
	}
	s->n++;
	return s->stop_at != 0 && s->n >= (size_t)s->stop_at ? 42 : 0;
}

static int diff(const char *path, const struct quell_diff_options *o, struct seen *s,
                struct quell_diff_summary *sum)
{
	memset(s, 0, sizeof *s);
	return quell_rules_diff(h, path, o, collect, s, sum);
}

static void test_each_direction(void)
{
	struct quell_diff_options o = QUELL_DIFF_OPTIONS_INIT;
	struct quell_diff_summary sum;
	struct seen s;

	fresh();
	rec("a@dead.example", "550 5.1.1 user unknown", T0);        /* scope */
	rec("b@x.example", "550 5.1.1 maybe unknown", T0);          /* no longer */
	rec("c@x.example", "554 5.7.1 blocked", T0);                /* newly */
	rec("d@x.example", "550 5.1.1 user unknown", T0);           /* the same */
	o.now = T0 + DAY;
	TU_EQ_INT(diff(new_path, &o, &s, &sum), 0);
	TU_EQ_INT(s.n, 3);
	TU_EQ_STR(s.e[0].key, "a@dead.example");
	TU_EQ_INT(s.e[0].before.verdict, QUELL_SUPPRESS);
	TU_EQ_INT(s.e[0].before.scope, QUELL_SCOPE_ADDRESS);
	TU_EQ_INT(s.e[0].before.until, T0 + 7 * DAY); /* the first ttl of the list */
	TU_EQ_INT(s.e[0].after.verdict, QUELL_SUPPRESS);
	TU_EQ_INT(s.e[0].after.scope, QUELL_SCOPE_DOMAIN);
	TU_EQ_STR(s.e[0].after.category, "bad-domain");
	TU_EQ_STR(s.e[1].key, "b@x.example");
	TU_EQ_INT(s.e[1].after.verdict, QUELL_ALLOW);
	TU_EQ_STR(s.e[1].before.rule, "unknown");
	TU_EQ_STR(s.e[1].after.rule, "");
	TU_EQ_INT(s.e[1].time, T0);
	TU_EQ_INT(s.e[1].code, 550);
	TU_EQ_STR(s.reply[1], "maybe unknown");
	TU_EQ_STR(s.e[2].key, "c@x.example");
	TU_EQ_INT(s.e[2].before.verdict, QUELL_ALLOW);
	TU_EQ_INT(s.e[2].after.verdict, QUELL_SUPPRESS);
	TU_EQ_STR(s.e[2].after.rule, "blocked");
	TU_EQ_INT(sum.keys, 4);
	TU_EQ_INT(sum.replies, 4);
	TU_EQ_INT(sum.changed, 3);
	TU_EQ_INT(sum.suppressed, 1);
	TU_EQ_INT(sum.unsuppressed, 1);
	TU_EQ_INT(sum.scope, 1);
	TU_EQ_INT(sum.kept, 0);
	/* the same rules: nothing */
	TU_EQ_INT(diff(old_path, &o, &s, &sum), 0);
	TU_EQ_INT(s.n, 0);
	TU_EQ_INT(sum.keys, 4);
	TU_EQ_INT(sum.changed, 0);
}

/* The replay under the rules in use gives what quell_record stored, as
 * quell_check reads it: against a file that suppresses nothing, every
 * address that check finds suppressed or backed off is reported with
 * that verdict, rule and until. */
static void test_replay_is_record(void)
{
	static const char *const addrs[] = { "bo@x.example", "cl@x.example", "cnt@x.example",
		                             "esc@x.example", "ok@x.example" };
	struct quell_diff_options o = QUELL_DIFF_OPTIONS_INIT;
	struct quell_diff_summary sum;
	struct seen s;
	size_t k = 0;

	fresh();
	rec("bo@x.example", "450 4.2.0 try later", T0 + 8 * DAY);
	rec("bo@x.example", "450 4.2.0 try later", T0 + 8 * DAY + 300);
	rec("bo@x.example", "450 4.2.0 try later", T0 + 8 * DAY + 600); /* backoff, 3rd */
	rec("cl@x.example", "450 4.2.0 try later", T0);
	rec("cl@x.example", "250 2.0.0 ok", T0 + 60);                /* cleared */
	for (int i = 0; i < 5; i++)
		rec("cnt@x.example", "552 5.2.2 full", T0 + i * HOUR);   /* count reaches 5 */
	rec("esc@x.example", "550 5.1.1 unknown", T0);
	rec("esc@x.example", "550 5.1.1 unknown", T0 + 8 * DAY);     /* 2nd: 30d */
	rec("ok@x.example", "554 5.7.1 blocked", T0);
	o.now = T0 + 8 * DAY + 1000;
	TU_EQ_INT(diff(none_path, &o, &s, &sum), 0);
	TU_EQ_INT(sum.replies, 13);
	for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
		struct quell_result res;

		TU_EQ_INT(quell_check(h, addrs[i], NULL, o.now, &res), 0);
		if (res.verdict == QUELL_ALLOW)
			continue;
		CU_ASSERT_FATAL(k < s.n);
		TU_EQ_STR(s.e[k].key, addrs[i]);
		TU_EQ_INT(s.e[k].before.verdict, res.verdict);
		TU_EQ_STR(s.e[k].before.rule, res.rule);
		TU_EQ_INT(s.e[k].before.until, res.until);
		TU_EQ_INT(s.e[k].after.verdict, QUELL_ALLOW);
		k++;
	}
	TU_EQ_INT(k, s.n);
	TU_EQ_INT(s.n, 3); /* bo backed off, cnt and esc suppressed */
	/* the 3-within-7d count of the other file suppresses cnt at its third reply */
	TU_EQ_INT(diff(new_path, &o, &s, &sum), 0);
	for (size_t i = 0; i < s.n; i++)
		if (strcmp(s.e[i].key, "cnt@x.example") == 0)
			CU_FAIL("cnt@x.example suppressed under both");
}

/* A count reached under the other file only: the count state is carried
 * from reply to reply in memory. */
static void test_count_only_new(void)
{
	struct quell_diff_options o = QUELL_DIFF_OPTIONS_INIT;
	struct quell_diff_summary sum;
	struct seen s;

	fresh();
	for (int i = 0; i < 3; i++)
		rec("q@x.example", "552 5.2.2 full", T0 + i * HOUR);
	rec("r@x.example", "552 5.2.2 full", T0);
	rec("r@x.example", "552 5.2.2 full", T0 + 8 * DAY); /* out of the window */
	rec("r@x.example", "552 5.2.2 full", T0 + 9 * DAY);
	o.now = T0 + 10 * DAY;
	TU_EQ_INT(diff(new_path, &o, &s, &sum), 0);
	TU_EQ_INT(s.n, 1);
	TU_EQ_STR(s.e[0].key, "q@x.example");
	TU_EQ_INT(s.e[0].before.verdict, QUELL_ALLOW);
	TU_EQ_INT(s.e[0].after.verdict, QUELL_SUPPRESS);
	TU_EQ_STR(s.e[0].after.rule, "full");
	TU_EQ_INT(s.e[0].time, T0 + 2 * HOUR); /* the reply that reached the count */
}

static void test_not_the_rules_work(void)
{
	struct quell_add_options ao = QUELL_ADD_OPTIONS_INIT;
	struct quell_diff_options o = QUELL_DIFF_OPTIONS_INIT;
	struct quell_diff_summary sum;
	struct seen s;

	fresh();
	rec("m@x.example", "554 5.7.1 blocked", T0);
	rec("u@y.example", "554 5.7.1 blocked", T0);
	rec("v@x.example", "554 5.7.1 blocked", T0);
	ao.now = T0;
	TU_EQ_INT(quell_add(h, "m@x.example", &ao), 0);         /* by hand */
	ao.source = QUELL_SOURCE_UNSUBSCRIBE;
	ao.stream = "news";
	TU_EQ_INT(quell_add(h, "u@y.example", &ao), 0);         /* another stream */
	ao.source = QUELL_SOURCE_MANUAL;
	ao.stream = NULL;
	TU_EQ_INT(quell_add(h, "hand.example", &ao), 0);        /* a domain by hand */
	TU_EQ_INT(quell_add(h, "w@hand.example", &ao), 0);      /* no reply at all */
	o.now = T0 + DAY;
	TU_EQ_INT(diff(new_path, &o, &s, &sum), 0);
	TU_EQ_INT(s.n, 2);
	TU_EQ_STR(s.e[0].key, "u@y.example");
	TU_EQ_STR(s.e[1].key, "v@x.example");
	TU_EQ_INT(sum.kept, 3); /* m, hand.example, w@hand.example */
	o.stream = "news";
	TU_EQ_INT(diff(new_path, &o, &s, &sum), 0);
	TU_EQ_INT(s.n, 1);
	TU_EQ_STR(s.e[0].key, "v@x.example");
	TU_EQ_INT(sum.kept, 4);
}

static void test_filters(void)
{
	struct quell_diff_options o = QUELL_DIFF_OPTIONS_INIT;
	struct quell_diff_summary sum;
	struct seen s;

	fresh();
	rec("a@x.example", "554 5.7.1 blocked", T0);
	rec("b@sub.x.example", "554 5.7.1 blocked", T0 + DAY);
	rec("c@notx.example", "554 5.7.1 blocked", T0 + DAY);
	o.now = T0 + 2 * DAY;
	o.domain = "X.example";
	TU_EQ_INT(diff(new_path, &o, &s, &sum), 0);
	TU_EQ_INT(s.n, 2);
	TU_EQ_STR(s.e[0].key, "a@x.example");
	TU_EQ_STR(s.e[1].key, "b@sub.x.example");
	o.since = T0 + DAY;
	TU_EQ_INT(diff(new_path, &o, &s, &sum), 0);
	TU_EQ_INT(s.n, 1);
	TU_EQ_STR(s.e[0].key, "b@sub.x.example");
	TU_EQ_INT(sum.keys, 1);
	o.domain = "a b";
	TU_EQ_INT(diff(new_path, &o, &s, &sum), QUELL_EADDRESS);
}

/* One read transaction: the file, the events and the sequence number are
 * as they were; a callback's non-zero answer stops the walk. */
static void test_nothing_written(void)
{
	struct quell_diff_options o = QUELL_DIFF_OPTIONS_INIT;
	struct quell_stats *a = NULL, *b = NULL;
	char path[200], *before, *after;
	size_t na, nb;
	struct seen s;
	FILE *f;

	fresh();
	rec("a@x.example", "554 5.7.1 blocked", T0);
	rec("b@x.example", "554 5.7.1 blocked", T0);
	rec("c@x.example", "554 5.7.1 blocked", T0);
	snprintf(path, sizeof path, "%s/data.mdb", dir);
	before = malloc(1 << 22);
	after = malloc(1 << 22);
	CU_ASSERT_FATAL(before != NULL && after != NULL);
	f = fopen(path, "rb");
	CU_ASSERT_FATAL(f != NULL);
	na = fread(before, 1, 1 << 22, f);
	fclose(f);
	TU_EQ_INT(quell_stats_get(h, T0, &a), 0);
	o.now = T0 + DAY;
	s.stop_at = 0;
	TU_EQ_INT(diff(new_path, &o, &s, NULL), 0);
	TU_EQ_INT(s.n, 3);
	memset(&s, 0, sizeof s);
	s.stop_at = 2;
	TU_EQ_INT(quell_rules_diff(h, new_path, &o, collect, &s, NULL), 42);
	TU_EQ_INT(s.n, 2);
	TU_EQ_INT(quell_stats_get(h, T0, &b), 0);
	CU_ASSERT_FATAL(a != NULL && b != NULL);
	TU_EQ_INT(b->events, a->events);
	TU_EQ_INT(b->last_seq, a->last_seq);
	f = fopen(path, "rb");
	CU_ASSERT_FATAL(f != NULL);
	nb = fread(after, 1, 1 << 22, f);
	fclose(f);
	TU_EQ_INT(nb, na);
	CU_ASSERT(memcmp(before, after, na) == 0);
	quell_stats_free(a);
	quell_stats_free(b);
	free(before);
	free(after);
}

static void test_bad_arguments(void)
{
	struct quell_diff_options o = QUELL_DIFF_OPTIONS_INIT;
	char bad[200];
	struct seen s;

	snprintf(bad, sizeof bad, "%s.bad.yaml", dir);
	CU_ASSERT_FATAL(put(bad, "version: 1\nrules:\n  - name: x\n    then: { action: nope }\n") ==
	                0);
	TU_EQ_INT(diff(bad, NULL, &s, NULL), QUELL_EDATA);
	CU_ASSERT(strstr(quell_errmsg(h), ".bad.yaml:4:") != NULL);
	unlink(bad);
	TU_EQ_INT(diff(bad, NULL, &s, NULL), QUELL_ENODB);
	TU_EQ_INT(quell_rules_diff(h, NULL, NULL, NULL, NULL, NULL), QUELL_EINVAL);
	TU_EQ_INT(quell_rules_diff(NULL, new_path, NULL, NULL, NULL, NULL), QUELL_EINVAL);
	o.version = 99;
	TU_EQ_INT(quell_rules_diff(h, new_path, &o, NULL, NULL, NULL), QUELL_EINVAL);
	TU_EQ_INT(s.n, 0);
}

static CU_TestInfo tests[] = {
	{ "a verdict changed each way, and a scope", test_each_direction },
	{ "the replay under the rules in use is what record stored", test_replay_is_record },
	{ "a count reached under the other file only", test_count_only_new },
	{ "entries that are not the rules' work are kept apart", test_not_the_rules_work },
	{ "--domain and --since", test_filters },
	{ "nothing written; a callback stops the walk", test_nothing_written },
	{ "bad arguments and rules files", test_bad_arguments },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_rules_diff[] = {
	{ "rules_diff", setup, teardown, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
