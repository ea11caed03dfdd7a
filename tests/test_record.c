/*
 * test_record.c - what replies do to the lists (quell_record) and would do
 * (quell_explain): suppress with escalating ttl, backoff growth, cap and
 * give-up, domain backoffs that only end, counts in a sliding window,
 * clear, ignore, duplicates by queue id, protected domains, complaints.
 *
 * A rules file written here keeps the cases independent of the default
 * rules, which are tuned on their own (test_rules.c, test_eval.c).  Time
 * is injected everywhere.
 */
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"

#define T0 1700000000
#define MIN 60
#define HOUR 3600
#define DAY 86400

static const char rules_yaml[] =
	"version: 1\n"
	"backoff: { initial: 15m, factor: 2, max: 8h, give_up_after: 5d }\n"
	"protect: [gmail.com]\n"
	"rules:\n"
	"  - name: delivered\n"
	"    when: { code: 2xx }\n"
	"    then: { action: clear, category: delivered }\n"
	"  - name: escalate\n"
	"    when: { status: 5.1.7 }\n"
	"    then: { action: suppress, ttl: [7d, 30d, forever], category: bad-mailbox }\n"
	"  - name: user-unknown\n"
	"    when: { status: [5.1.1, 5.1.6] }\n"
	"    then: { action: suppress, scope: address, category: bad-mailbox }\n"
	"  - name: no-domain\n"
	"    when: { status: 5.1.2 }\n"
	"    then: { action: suppress, scope: domain, category: bad-domain }\n"
	"  - name: policy-block\n"
	"    when: { status: \"5.7.*\", text: \"(?i)spamhaus|blocked\" }\n"
	"    then: { action: ignore, category: policy }\n"
	"  - name: full\n"
	"    when: { status: [4.2.2, 5.2.2] }\n"
	"    then: { action: count, threshold: 3, window: 7d, category: quota }\n"
	"  - name: throttled\n"
	"    when: { code: 421 }\n"
	"    then: { action: backoff, scope: domain, category: transient }\n"
	"  - name: transient\n"
	"    when: { code: 4xx }\n"
	"    then: { action: backoff, scope: address, category: transient }\n";

static char dir[128], rules_path[160];
static quell *h;

static int setup(void)
{
	FILE *f;

	h = tu_open(dir, sizeof dir, NULL);
	if (h == NULL)
		return 1;
	snprintf(rules_path, sizeof rules_path, "%s.rules.yaml", dir);
	f = fopen(rules_path, "w");
	if (f == NULL)
		return 1;
	fputs(rules_yaml, f);
	fclose(f);
	return 0;
}

static int teardown(void)
{
	tu_close(h, dir);
	unlink(rules_path);
	return 0;
}

static void fresh(void)
{
	tu_close(h, dir);
	h = tu_open(dir, sizeof dir, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	if (quell_rules_load(h, rules_path) != 0)
		fprintf(stderr, "\n  rules: %s\n", quell_errmsg(h));
}

static struct quell_outcome rec_id(const char *addr, const char *reply, int64_t now,
                                   const char *qid)
{
	struct quell_record_options o = QUELL_RECORD_OPTIONS_INIT;
	struct quell_outcome out;
	int rc;

	o.now = now;
	o.queue_id = qid;
	rc = quell_record(h, addr, reply, &o, &out);
	if (rc != 0)
		fprintf(stderr, "\n  record %s '%s': %s\n", addr, reply, quell_errmsg(h));
	CU_ASSERT_EQUAL(rc, 0);
	return out;
}

static struct quell_outcome rec(const char *addr, const char *reply, int64_t now)
{
	return rec_id(addr, reply, now, NULL);
}

static int verdict(const char *addr, int64_t now, struct quell_result *res)
{
	struct quell_result r;

	if (res == NULL)
		res = &r;
	CU_ASSERT_EQUAL(quell_check(h, addr, NULL, now, res), 0);
	return res->verdict;
}

static void test_suppress(void)
{
	struct quell_outcome o;
	struct quell_result r;
	struct quell_info *info = NULL;

	fresh();
	o = rec("Bob@Example.com", "550 5.1.1 <bob@example.com>: Recipient address rejected", T0);
	TU_EQ_INT(o.action, QUELL_ACTION_SUPPRESS);
	TU_EQ_STR(o.rule, "user-unknown");
	TU_EQ_STR(o.category, "bad-mailbox");
	TU_EQ_STR(o.key, "bob@example.com");
	TU_EQ_INT(o.verdict, QUELL_SUPPRESS);
	TU_EQ_INT(o.code, 550);
	TU_EQ_STR(o.status, "5.1.1");
	TU_EQ_INT(o.until, 0);
	TU_EQ_INT(verdict("bob@example.com", T0 + 400 * DAY, &r), QUELL_SUPPRESS);
	TU_EQ_STR(r.rule, "user-unknown");
	TU_EQ_INT(r.source, QUELL_SOURCE_BOUNCE);
	CU_ASSERT(strstr(r.reply, "Recipient address rejected") != NULL);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "bob@example.com", 0, &info), 0);
	TU_EQ_INT(info->nevents, 1);
	TU_EQ_STR(info->events[0].rule, "user-unknown");
	TU_EQ_INT(info->events[0].action, QUELL_ACTION_SUPPRESS);
	TU_EQ_INT(info->events[0].code, 550);
	quell_info_free(info);
}

static void test_policy_block_ignored(void)
{
	struct quell_outcome o;

	fresh();
	o = rec("a@example.com", "554 5.7.1 Service unavailable; blocked using zen.spamhaus.org", T0);
	TU_EQ_INT(o.action, QUELL_ACTION_IGNORE);
	TU_EQ_STR(o.rule, "policy-block");
	TU_EQ_INT(o.verdict, QUELL_ALLOW);
	TU_EQ_INT(verdict("a@example.com", T0, NULL), QUELL_ALLOW);
	/* no rule at all: ignored too */
	o = rec("a@example.com", "599 something else", T0);
	TU_EQ_INT(o.action, QUELL_ACTION_IGNORE);
	TU_EQ_STR(o.rule, "");
	TU_EQ_STR(o.category, "other");
}

static void test_backoff_growth_and_cap(void)
{
	struct quell_outcome o;
	int64_t t = T0;
	const int64_t want[] = { 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 8 * HOUR };

	fresh();
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		o = rec("a@example.com", "451 4.3.0 temporary failure", t);
		TU_EQ_INT(o.action, QUELL_ACTION_BACKOFF);
		TU_EQ_INT(o.until - t, want[i]);
		TU_EQ_INT(o.verdict, QUELL_BACKOFF);
		t += 10 * MIN;
	}
	TU_EQ_INT(verdict("a@example.com", o.until - 1, NULL), QUELL_BACKOFF);
	TU_EQ_INT(verdict("a@example.com", o.until, NULL), QUELL_ALLOW);
	/* a delivery clears it */
	o = rec("a@example.com", "250 2.0.0 Ok: queued as ABC", t);
	TU_EQ_INT(o.action, QUELL_ACTION_CLEAR);
	TU_EQ_INT(verdict("a@example.com", t, NULL), QUELL_ALLOW);
	o = rec("a@example.com", "451 4.3.0 temporary failure", t + 1);
	TU_EQ_INT(o.until - (t + 1), 15 * MIN); /* a new run */
}

static void test_backoff_gives_up(void)
{
	struct quell_outcome o;
	struct quell_result r;

	fresh();
	rec("a@example.com", "450 4.2.1 try later", T0);
	rec("a@example.com", "450 4.2.1 try later", T0 + 2 * DAY);
	o = rec("a@example.com", "450 4.2.1 try later", T0 + 4 * DAY);
	TU_EQ_INT(o.action, QUELL_ACTION_BACKOFF); /* 3 failures, but not 5 days */
	o = rec("a@example.com", "450 4.2.1 try later", T0 + 5 * DAY);
	TU_EQ_INT(o.action, QUELL_ACTION_SUPPRESS);
	TU_EQ_STR(o.category, "transient");
	TU_EQ_INT(o.until, T0 + 5 * DAY + 30 * DAY);
	TU_EQ_INT(verdict("a@example.com", T0 + 6 * DAY, &r), QUELL_SUPPRESS);
	TU_EQ_INT(verdict("a@example.com", T0 + 36 * DAY, &r), QUELL_ALLOW);

	/* a run ends when give_up_after passes without a failure */
	rec("b@example.com", "450 4.2.1 try later", T0);
	rec("b@example.com", "450 4.2.1 try later", T0 + DAY);
	rec("b@example.com", "450 4.2.1 try later", T0 + 2 * DAY);
	o = rec("b@example.com", "450 4.2.1 try later", T0 + 8 * DAY); /* 6 quiet days */
	TU_EQ_INT(o.action, QUELL_ACTION_BACKOFF);
	TU_EQ_INT(o.until - (T0 + 8 * DAY), 15 * MIN);

	/* many failures fast never give up before give_up_after */
	for (int i = 0; i < 50; i++)
		o = rec("c@example.com", "450 4.2.1 try later", T0 + i * HOUR);
	TU_EQ_INT(o.action, QUELL_ACTION_BACKOFF);
}

static void test_domain_backoff_ends(void)
{
	struct quell_outcome o;
	struct quell_result r;

	fresh();
	o = rec("a@mx.example.net", "421 4.7.0 Too many connections, slow down", T0);
	TU_EQ_INT(o.action, QUELL_ACTION_BACKOFF);
	TU_EQ_INT(o.scope, QUELL_SCOPE_DOMAIN);
	TU_EQ_STR(o.key, "mx.example.net");
	TU_EQ_INT(verdict("other@mx.example.net", T0 + 1, &r), QUELL_BACKOFF);
	TU_EQ_INT(r.scope, QUELL_SCOPE_DOMAIN);
	rec("a@mx.example.net", "421 4.7.0 slow down", T0 + 2 * DAY);
	rec("a@mx.example.net", "421 4.7.0 slow down", T0 + 4 * DAY);
	o = rec("a@mx.example.net", "421 4.7.0 slow down", T0 + 5 * DAY);
	TU_EQ_INT(o.action, QUELL_ACTION_BACKOFF);
	TU_EQ_INT(o.verdict, QUELL_ALLOW); /* it ended: never a domain suppression */
	TU_EQ_INT(verdict("other@mx.example.net", T0 + 5 * DAY, NULL), QUELL_ALLOW);
	/* a delivery to the domain ends a domain backoff too */
	rec("a@example.org", "421 4.7.0 slow down", T0);
	TU_EQ_INT(verdict("b@example.org", T0 + 1, NULL), QUELL_BACKOFF);
	rec("c@example.org", "250 ok", T0 + 2);
	TU_EQ_INT(verdict("b@example.org", T0 + 3, NULL), QUELL_ALLOW);
}

static void test_count_window(void)
{
	struct quell_outcome o;

	fresh();
	o = rec("a@example.com", "452 4.2.2 Mailbox full", T0);
	TU_EQ_INT(o.action, QUELL_ACTION_COUNT);
	TU_EQ_INT(o.verdict, QUELL_ALLOW);
	o = rec("a@example.com", "452 4.2.2 Mailbox full", T0 + 8 * DAY); /* first fell out */
	TU_EQ_INT(o.action, QUELL_ACTION_COUNT);
	o = rec("a@example.com", "552 5.2.2 Mailbox full", T0 + 9 * DAY);
	TU_EQ_INT(o.action, QUELL_ACTION_COUNT);
	TU_EQ_INT(o.verdict, QUELL_ALLOW);
	o = rec("a@example.com", "452 4.2.2 Mailbox full", T0 + 10 * DAY);
	TU_EQ_INT(o.action, QUELL_ACTION_SUPPRESS);
	TU_EQ_STR(o.category, "quota");
	TU_EQ_INT(o.verdict, QUELL_SUPPRESS);

	/* clear resets the count */
	rec("b@example.com", "452 4.2.2 Mailbox full", T0);
	rec("b@example.com", "452 4.2.2 Mailbox full", T0 + 1);
	rec("b@example.com", "250 2.0.0 ok", T0 + 2);
	o = rec("b@example.com", "452 4.2.2 Mailbox full", T0 + 3);
	TU_EQ_INT(o.action, QUELL_ACTION_COUNT);
}

/* The default rules: a 4xx user unknown (Postfix soft_bounce, a
 * directory that cannot look the user up) counts toward suppression on
 * its own threshold, 3 in 14 days, instead of backing off forever; one
 * message retried counts once. */
static void test_soft_bounce_user_unknown(void)
{
	const char *r1 = "450 4.1.1 <a@example.com>: Recipient address rejected: User unknown in "
	                 "local recipient table";
	struct quell_outcome o;

	fresh();
	CU_ASSERT_EQUAL_FATAL(quell_rules_load(h, NULL), 0);
	o = rec_id("a@example.com", r1, T0, "Q1");
	TU_EQ_INT(o.action, QUELL_ACTION_COUNT);
	TU_EQ_STR(o.rule, "soft-user-unknown");
	TU_EQ_INT(o.verdict, QUELL_ALLOW);
	/* the same message retried: once */
	o = rec_id("a@example.com", r1, T0 + 3600, "Q1");
	o = rec_id("a@example.com", r1, T0 + 7200, "Q1");
	TU_EQ_INT(verdict("a@example.com", T0 + 7200, NULL), QUELL_ALLOW);
	o = rec_id("a@example.com", "451 Recipient address rejected: User unknown", T0 + DAY, "Q2");
	TU_EQ_STR(o.rule, "soft-user-unknown-text");
	TU_EQ_INT(o.verdict, QUELL_ALLOW);
	o = rec_id("a@example.com", r1, T0 + 3 * DAY, "Q3");
	TU_EQ_INT(o.action, QUELL_ACTION_SUPPRESS);
	TU_EQ_STR(o.category, "bad-mailbox");
	TU_EQ_INT(verdict("a@example.com", T0 + 30 * DAY, NULL), QUELL_SUPPRESS);

	/* spread wider than the window: never three at once */
	o = rec_id("b@example.com", r1, T0, "B1");
	o = rec_id("b@example.com", r1, T0 + 10 * DAY, "B2");
	o = rec_id("b@example.com", r1, T0 + 20 * DAY, "B3");
	TU_EQ_INT(o.action, QUELL_ACTION_COUNT);
	TU_EQ_INT(o.verdict, QUELL_ALLOW);

	/* greylisting, however often, never counts */
	for (int i = 0; i < 5; i++)
		o = rec("c@example.com", "450 4.7.1 <c@example.com>: Recipient address rejected: "
		        "Greylisted", T0 + i * DAY);
	TU_EQ_INT(o.action, QUELL_ACTION_BACKOFF);
	CU_ASSERT(verdict("c@example.com", T0 + 30 * DAY, NULL) != QUELL_SUPPRESS);
}

static void test_duplicates(void)
{
	struct quell_outcome o;
	struct quell_info *info = NULL;
	struct quell_stats *st = NULL;

	fresh();
	for (int i = 0; i < 5; i++) {
		o = rec_id("a@example.com", "452 4.2.2 Mailbox full", T0 + i, "4F3A2B1C");
		TU_EQ_INT(o.duplicate, i > 0);
	}
	TU_EQ_INT(o.verdict, QUELL_ALLOW);
	o = rec_id("a@example.com", "452 4.2.2 Mailbox full", T0 + 10, "5A");
	TU_EQ_INT(o.action, QUELL_ACTION_COUNT);
	o = rec_id("a@example.com", "452 4.2.2 Mailbox full", T0 + 11, "6B");
	TU_EQ_INT(o.action, QUELL_ACTION_SUPPRESS); /* the third distinct message */
	/* the same id for another recipient is another event */
	o = rec_id("b@example.com", "452 4.2.2 Mailbox full", T0, "4F3A2B1C");
	TU_EQ_INT(o.duplicate, 0);
	/* the four repeats wrote nothing: three events, the change feed at 4 */
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "a@example.com", 0, &info), 0);
	TU_EQ_INT(info->nevents, 3);
	for (size_t i = 0; i < info->nevents; i++)
		CU_ASSERT(strstr(info->events[i].reason, "already counted") == NULL);
	quell_info_free(info);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &st), 0);
	TU_EQ_INT(st->last_seq, 4);
	quell_stats_free(st);
}

static void test_ttl_escalation(void)
{
	struct quell_outcome o;

	fresh();
	o = rec("a@example.com", "550 5.1.7 bad sender", T0);
	TU_EQ_INT(o.until, T0 + 7 * DAY);
	TU_EQ_INT(verdict("a@example.com", T0 + 7 * DAY, NULL), QUELL_ALLOW);
	o = rec("a@example.com", "550 5.1.7 bad sender", T0 + 8 * DAY);
	TU_EQ_INT(o.until, T0 + 8 * DAY + 30 * DAY);
	o = rec("a@example.com", "550 5.1.7 bad sender", T0 + 40 * DAY);
	TU_EQ_INT(o.until, 0);
	TU_EQ_INT(verdict("a@example.com", T0 + 4000 * DAY, NULL), QUELL_SUPPRESS);
}

/* With no rule-made entry in place (removed, or replaced by hand), the
 * suppressions before are counted from the history, read once. */
static void test_ttl_escalation_from_history(void)
{
	struct quell_add_options ao = QUELL_ADD_OPTIONS_INIT;
	struct quell_outcome o;

	fresh();
	o = rec("h@example.com", "550 5.1.7 bad sender", T0);
	TU_EQ_INT(o.until, T0 + 7 * DAY);
	TU_EQ_INT(quell_remove(h, "h@example.com", NULL, T0 + DAY), 0);
	o = rec("h@example.com", "550 5.1.7 bad sender", T0 + 2 * DAY);
	TU_EQ_INT(o.action, QUELL_ACTION_SUPPRESS);
	TU_EQ_INT(o.until, T0 + 2 * DAY + 30 * DAY);
	ao.now = T0 + 3 * DAY;
	TU_EQ_INT(quell_add(h, "h@example.com", &ao), 0); /* by hand: source manual */
	o = rec("h@example.com", "550 5.1.7 bad sender", T0 + 4 * DAY);
	TU_EQ_INT(o.until, 0); /* the third: forever */
}

static void test_domain_scope_and_protect(void)
{
	struct quell_outcome o;
	struct quell_result r;

	fresh();
	o = rec("a@mail.gone.example", "550 5.1.2 Host or domain name not found", T0);
	TU_EQ_INT(o.action, QUELL_ACTION_SUPPRESS);
	TU_EQ_INT(o.scope, QUELL_SCOPE_DOMAIN);
	TU_EQ_STR(o.key, "mail.gone.example");
	TU_EQ_INT(verdict("b@mail.gone.example", T0, &r), QUELL_SUPPRESS);
	TU_EQ_STR(r.key, "mail.gone.example");
	{ /* the reply is in both histories */
		struct quell_info *info = NULL;
		CU_ASSERT_EQUAL_FATAL(quell_show(h, "mail.gone.example", 0, &info), 0);
		TU_EQ_INT(info->nevents, 1);
		quell_info_free(info);
		CU_ASSERT_EQUAL_FATAL(quell_show(h, "a@mail.gone.example", 0, &info), 0);
		TU_EQ_INT(info->nevents, 1);
		TU_EQ_STR(info->events[0].status, "5.1.2");
		quell_info_free(info);
	}
	/* never at domain scope for a protected domain */
	o = rec("a@gmail.com", "550 5.1.2 Host or domain name not found", T0);
	TU_EQ_INT(o.action, QUELL_ACTION_IGNORE);
	TU_EQ_INT(verdict("b@gmail.com", T0, NULL), QUELL_ALLOW);
	TU_EQ_INT(verdict("a@gmail.com", T0, NULL), QUELL_ALLOW);
}

/* Domain entries counted by quell_list. */
static int count_entry(void *ctx, const struct quell_entry *e)
{
	(void)e;
	++*(size_t *)ctx;
	return 0;
}

static size_t domain_entries(void)
{
	struct quell_list_options lo = QUELL_LIST_OPTIONS_INIT;
	size_t n = 0;

	lo.scope = QUELL_SCOPE_DOMAIN;
	lo.stream = "*";
	lo.now = T0;
	CU_ASSERT_EQUAL(quell_list(h, &lo, count_entry, &n), 0);
	return n;
}

/* A domain-scope outcome never makes an entry for a public suffix or a
 * single label: the address gets it, its event says why, and nothing
 * else is touched.  Through quell_record and quell_record_many. */
static const struct {
	const char *addr, *reply;
	int action;
	const char *key, *reason, *neighbour;
} wide[] = {
	{ "signup@com", "550 5.1.2 Host or domain name not found", QUELL_ACTION_SUPPRESS,
	  "signup@com", "domain 'com' is a public suffix: address scope", "a@example.com" },
	{ "x@co.uk", "550 5.1.2 Host or domain name not found", QUELL_ACTION_SUPPRESS, "x@co.uk",
	  "domain 'co.uk' is a public suffix: address scope", "a@bbc.co.uk" },
	{ "x@localhost", "550 5.1.2 Host or domain name not found", QUELL_ACTION_SUPPRESS,
	  "x@localhost", "domain 'localhost' is a top-level name: address scope", "y@localhost" },
	/* an IDN suffix of two labels (U+516C U+53F8 .cn), and one of one (.рф) */
	{ "x@\xe5\x85\xac\xe5\x8f\xb8.cn", "550 5.1.2 no such domain", QUELL_ACTION_SUPPRESS,
	  "x@xn--55qx5d.cn", "domain 'xn--55qx5d.cn' is a public suffix: address scope",
	  "a@shop.xn--55qx5d.cn" },
	{ "x@\xd1\x80\xd1\x84", "550 5.1.2 no such domain", QUELL_ACTION_SUPPRESS, "x@xn--p1ai",
	  "domain 'xn--p1ai' is a public suffix: address scope", "a@xn--d1acufc.xn--p1ai" },
	/* a private-section suffix */
	{ "x@github.io", "550 5.1.2 no such domain", QUELL_ACTION_SUPPRESS, "x@github.io",
	  "domain 'github.io' is a public suffix: address scope", "a@someone.github.io" },
	/* backoff too */
	{ "t@com", "421 4.7.0 Try again later", QUELL_ACTION_BACKOFF, "t@com",
	  "domain 'com' is a public suffix: address scope", "b@example.com" },
};
#define NWIDE (sizeof wide / sizeof wide[0])

static void check_wide(size_t i, const struct quell_outcome *o, int rc)
{
	struct quell_info *info = NULL;
	int want = wide[i].action == QUELL_ACTION_SUPPRESS ? QUELL_SUPPRESS : QUELL_BACKOFF;

	if (rc != 0 || o->scope != QUELL_SCOPE_ADDRESS || strcmp(o->key, wide[i].key) != 0)
		fprintf(stderr, "\n  case %zu (%s): got rc %d scope %d key '%s', want address %s\n",
		        i, wide[i].addr, rc, o->scope, o->key, wide[i].key);
	TU_EQ_INT(rc, 0);
	TU_EQ_INT(o->action, wide[i].action);
	TU_EQ_INT(o->scope, QUELL_SCOPE_ADDRESS);
	TU_EQ_STR(o->key, wide[i].key);
	TU_EQ_INT(o->verdict, want);
	TU_EQ_INT(verdict(wide[i].addr, T0, NULL), want);
	TU_EQ_INT(verdict(wide[i].neighbour, T0, NULL), QUELL_ALLOW);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, wide[i].key, 0, &info), 0);
	TU_EQ_INT(info->nevents, 1);
	if (info->nevents == 1)
		TU_EQ_STR(info->events[0].reason, wide[i].reason);
	quell_info_free(info);
}

static void test_wide_domains_fall_back(void)
{
	struct quell_record_item items[NWIDE];
	struct quell_record_options at = QUELL_RECORD_OPTIONS_INIT;
	struct quell_outcome o;

	fresh();
	for (size_t i = 0; i < NWIDE; i++) {
		struct quell_record_options ro = QUELL_RECORD_OPTIONS_INIT;

		ro.now = T0;
		check_wide(i, &o, quell_record(h, wide[i].addr, wide[i].reply, &ro, &o));
	}
	TU_EQ_INT(domain_entries(), 0);

	fresh();
	at.now = T0;
	memset(items, 0, sizeof items);
	for (size_t i = 0; i < NWIDE; i++) {
		items[i].address = wide[i].addr;
		items[i].reply = wide[i].reply;
		items[i].opts = &at;
	}
	CU_ASSERT_EQUAL(quell_record_many(h, items, NWIDE), 0);
	for (size_t i = 0; i < NWIDE; i++)
		check_wide(i, &items[i].out, items[i].rc);
	TU_EQ_INT(domain_entries(), 0);

	/* a registered domain below a suffix still gets its domain entry,
	 * with nothing said in its event */
	o = rec("x@gone.co.uk", "550 5.1.2 Host or domain name not found", T0);
	TU_EQ_INT(o.scope, QUELL_SCOPE_DOMAIN);
	TU_EQ_STR(o.key, "gone.co.uk");
	TU_EQ_INT(domain_entries(), 1);
	/* explain says the same */
	CU_ASSERT_EQUAL(quell_explain(h, "x@co.uk", NULL, "550 5.1.2 no such domain", T0, &o), 0);
	TU_EQ_INT(o.scope, QUELL_SCOPE_ADDRESS);
	TU_EQ_STR(o.key, "x@co.uk");
	CU_ASSERT_EQUAL(quell_explain(h, NULL, "com", "550 5.1.2 no such domain", T0, &o), 0);
	TU_EQ_INT(o.scope, QUELL_SCOPE_ADDRESS);
	TU_EQ_STR(o.key, "");
}

static void test_complaint(void)
{
	struct quell_record_options ro = QUELL_RECORD_OPTIONS_INIT;
	struct quell_outcome o;
	struct quell_result r;

	fresh();
	CU_ASSERT_EQUAL_FATAL(quell_allow(h, "a@example.com", NULL), 0);
	ro.now = T0;
	ro.source = QUELL_SOURCE_COMPLAINT;
	CU_ASSERT_EQUAL(quell_record(h, "a@example.com", "abuse report", &ro, &o), 0);
	TU_EQ_INT(o.action, QUELL_ACTION_SUPPRESS);
	TU_EQ_STR(o.category, "complaint");
	TU_EQ_INT(verdict("a@example.com", T0, &r), QUELL_SUPPRESS); /* beats the allow */
	TU_EQ_INT(r.source, QUELL_SOURCE_COMPLAINT);
}

/* A bounce for an address suppressed by hand or by its recipient keeps
 * that entry as it is: a complaint stays a complaint (its answer, its
 * precedence), a manual entry's "forever" is not cut to a rule's ttl; a
 * bounce only lengthens an entry that would end sooner. */
static void test_bounce_keeps_hand_entries(void)
{
	struct quell_add_options ao = QUELL_ADD_OPTIONS_INIT;
	struct quell_outcome o;
	struct quell_result r;

	fresh();
	ao.now = T0;
	ao.source = QUELL_SOURCE_COMPLAINT;
	TU_EQ_INT(quell_add(h, "c@example.com", &ao), 0);
	o = rec("c@example.com", "550 5.1.1 user unknown", T0 + DAY);
	TU_EQ_INT(o.action, QUELL_ACTION_SUPPRESS);
	TU_EQ_INT(verdict("c@example.com", T0 + DAY, &r), QUELL_SUPPRESS);
	TU_EQ_INT(r.source, QUELL_SOURCE_COMPLAINT);
	TU_EQ_STR(r.category, "complaint");

	ao.source = QUELL_SOURCE_MANUAL; /* forever */
	TU_EQ_INT(quell_add(h, "m@example.com", &ao), 0);
	o = rec("m@example.com", "550 5.1.7 bad sender", T0 + DAY); /* ttl 7d */
	TU_EQ_INT(o.until, 0);
	TU_EQ_INT(verdict("m@example.com", T0 + 100 * DAY, &r), QUELL_SUPPRESS);
	TU_EQ_INT(r.source, QUELL_SOURCE_MANUAL);

	ao.ttl = DAY; /* by hand for a day, then a bounce that suppresses for good */
	TU_EQ_INT(quell_add(h, "t@example.com", &ao), 0);
	o = rec("t@example.com", "550 5.1.1 user unknown", T0 + 3600);
	TU_EQ_INT(o.until, 0);
	TU_EQ_INT(verdict("t@example.com", T0 + 100 * DAY, &r), QUELL_SUPPRESS);
	TU_EQ_INT(r.source, QUELL_SOURCE_MANUAL);

	/* an entry by hand that has run out is the rules' to replace */
	ao.now = T0 + 10 * DAY;
	TU_EQ_INT(quell_add(h, "e@example.com", &ao), 0);
	o = rec("e@example.com", "550 5.1.1 user unknown", T0 + 12 * DAY);
	TU_EQ_INT(o.until, 0);
	TU_EQ_INT(verdict("e@example.com", T0 + 12 * DAY, &r), QUELL_SUPPRESS);
	TU_EQ_INT(r.source, QUELL_SOURCE_BOUNCE);
	TU_EQ_STR(r.rule, "user-unknown");
}

static void test_bad_input(void)
{
	struct quell_outcome o;

	fresh();
	CU_ASSERT_EQUAL(quell_record(h, "not an address", "550 5.1.1 x", NULL, &o),
	                QUELL_EADDRESS);
	CU_ASSERT(o.error[0] != '\0');
	CU_ASSERT_EQUAL(quell_record(h, "a@example.com", "", NULL, &o), QUELL_EDATA);
	CU_ASSERT(o.error[0] != '\0');
	CU_ASSERT_EQUAL(quell_record(h, "a@example.com", NULL, NULL, &o), QUELL_EDATA);
}

static void test_explain(void)
{
	struct quell_outcome o;

	fresh();
	CU_ASSERT_EQUAL(quell_explain(h, NULL, NULL, "452 4.3.1 Insufficient system storage", T0,
	                              &o), 0);
	TU_EQ_INT(o.action, QUELL_ACTION_BACKOFF);
	TU_EQ_STR(o.rule, "transient");
	TU_EQ_INT(o.verdict, QUELL_BACKOFF);
	TU_EQ_INT(o.until, T0 + 15 * MIN);
	CU_ASSERT_EQUAL(quell_explain(h, "A@Example.com", NULL, "550 5.1.1 no such user", T0, &o),
	                0);
	TU_EQ_INT(o.verdict, QUELL_SUPPRESS);
	TU_EQ_STR(o.normalized, "a@example.com");
	TU_EQ_STR(o.key, "a@example.com");
	CU_ASSERT_EQUAL(quell_explain(h, NULL, "gmail.com", "550 5.1.2 no such domain", T0, &o), 0);
	TU_EQ_INT(o.action, QUELL_ACTION_IGNORE); /* protected */
	CU_ASSERT_EQUAL(quell_explain(h, NULL, NULL, "452 4.2.2 full", T0, &o), 0);
	TU_EQ_INT(o.action, QUELL_ACTION_COUNT);
	TU_EQ_INT(o.verdict, QUELL_ALLOW); /* one of three */
	/* explain never writes */
	TU_EQ_INT(verdict("a@example.com", T0, NULL), QUELL_ALLOW);
}

static void test_rules_reload(void)
{
	char bad[200];
	FILE *f;
	size_t n = 0;

	fresh();
	snprintf(bad, sizeof bad, "%s.bad.yaml", dir);
	f = fopen(bad, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("version: 1\nrules:\n  - name: x\n    when: { colour: red }\n    then: { action: ignore }\n",
	      f);
	fclose(f);
	CU_ASSERT_EQUAL(quell_rules_load(h, bad), QUELL_EDATA);
	CU_ASSERT(strstr(quell_errmsg(h), ".bad.yaml:4:") != NULL);
	/* the loaded set stays */
	CU_ASSERT_EQUAL(quell_rules_count(h, &n), 0);
	TU_EQ_INT(n, 8);
	CU_ASSERT_EQUAL(quell_rules_load(h, "/nonexistent/rules.yaml"), QUELL_ENODB);
	CU_ASSERT_EQUAL(quell_rules_load(h, NULL), 0); /* the defaults */
	CU_ASSERT_EQUAL(quell_rules_count(h, &n), 0);
	CU_ASSERT(n > 0);
	unlink(bad);
}

static CU_TestInfo tests[] = {
	{ "suppress an address", test_suppress },
	{ "policy blocks and unmatched replies are ignored", test_policy_block_ignored },
	{ "backoff grows, caps and clears", test_backoff_growth_and_cap },
	{ "backoff gives up after give_up_after and 3 failures", test_backoff_gives_up },
	{ "domain backoff only ends", test_domain_backoff_ends },
	{ "count inside a sliding window", test_count_window },
	{ "a retried message counts once", test_duplicates },
	{ "a 4xx user unknown counts toward suppression", test_soft_bounce_user_unknown },
	{ "ttl escalates", test_ttl_escalation },
	{ "ttl escalates by the history when the entry is gone", test_ttl_escalation_from_history },
	{ "domain scope and protected domains", test_domain_scope_and_protect },
	{ "no domain entry for a public suffix or a single label", test_wide_domains_fall_back },
	{ "a bounce keeps what was suppressed by hand", test_bounce_keeps_hand_entries },
	{ "complaints", test_complaint },
	{ "bad addresses and replies", test_bad_input },
	{ "explain", test_explain },
	{ "a bad rules file changes nothing", test_rules_reload },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_record[] = {
	{ "record", setup, teardown, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
