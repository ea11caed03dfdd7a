/*
 * test_sync.c - the change feed and the fleet's apply path (quell.h,
 * "change feed and fleet"; lib/sync*.c): changes read back with their
 * images, applied exactly once with the feed position, last writer wins
 * per entry with tombstones, and a property test: random interleavings of
 * the same events on separate databases give byte-identical exports
 * (seeded; the seed is printed, QUELL_TEST_SEED repeats a run), counted
 * replies and deliveries among them (merged as a set of reply ids, each
 * delivery ending the count before it, sync_count.c).  Defines the
 * helpers tests/test_sync_count.c shares (synctest.h).
 */
#include <stdlib.h>
#include <string.h>

#include "synctest.h"
#include "testutil.h"

static int take(void *payload, const struct quell_change *c)
{
	struct ts_feed *f = payload;

	CU_ASSERT_FATAL(f->n < 4096);
	CU_ASSERT(c->len <= QUELL_CHANGE_MAX);
	f->data[f->n] = malloc(c->len);
	CU_ASSERT_FATAL(f->data[f->n] != NULL);
	memcpy(f->data[f->n], c->data, c->len);
	f->len[f->n] = c->len;
	f->shared[f->n] = c->shared;
	f->image[f->n] = c->image;
	f->n++;
	return 0;
}

void ts_feed_free(struct ts_feed *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->data[i]);
	f->n = 0;
}

/* The shared changes of h after position 0. */
void ts_read_shared(quell *h, struct ts_feed *all, struct ts_feed *shared)
{
	TU_EQ_INT(quell_changes(h, 0, 0, take, all, &all->last), 0);
	shared->n = 0;
	for (size_t i = 0; i < all->n; i++)
		if (all->shared[i]) {
			shared->data[shared->n] = all->data[i];
			shared->len[shared->n] = all->len[i];
			shared->n++;
		}
}

quell *ts_open_as(char *dir, size_t size, const char *origin)
{
	struct quell_options o = QUELL_OPTIONS_INIT;

	o.origin = origin;
	return tu_open(dir, size, &o);
}

/* Export of the shared lists (suppress, then allow; every stream). */
char *ts_shared_export(quell *h)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	struct quell_export_options o = QUELL_EXPORT_OPTIONS_INIT;

	CU_ASSERT_FATAL(f != NULL);
	o.stream = "*";
	o.now = T0;
	o.list = QUELL_LIST_SUPPRESS;
	TU_EQ_INT(quell_export(h, f, &o, NULL), 0);
	o.list = QUELL_LIST_ALLOW;
	TU_EQ_INT(quell_export(h, f, &o, NULL), 0);
	fclose(f);
	return buf;
}

static void add_at(quell *h, const char *entry, const char *stream, const char *reason,
                   int64_t t)
{
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;

	o.stream = stream;
	o.reason = reason;
	o.now = t;
	TU_EQ_INT(quell_add(h, entry, &o), 0);
}

int ts_apply_feed(quell *h, const struct ts_feed *f, uint64_t pos,
                      struct quell_apply_result *res)
{
	return quell_apply(h, "t", pos, (const void *const *)f->data, f->len, f->n, T0, res);
}

/* The feed carries every event in order, with images for shared entries;
 * backoff is not shared. */
static void test_feed_reads_changes(void)
{
	char d[128];
	quell *h = ts_open_as(d, sizeof d, "alpha");
	struct ts_feed all = { 0 }, some = { 0 };
	struct quell_record_options ro = QUELL_RECORD_OPTIONS_INIT;
	struct quell_outcome out;
	uint64_t last = 0;

	CU_ASSERT_FATAL(h != NULL);
	TU_EQ_STR(quell_origin(h), "alpha");
	add_at(h, "a@x.example", NULL, "r1", T0);
	TU_EQ_INT(quell_remove(h, "a@x.example", NULL, T0 + 1), 0);
	ro.now = T0 + 2;
	TU_EQ_INT(quell_record(h, "b@x.example", "451 4.7.1 try later", &ro, &out), 0);
	TU_EQ_INT(quell_changes(h, 0, 0, take, &all, &last), 0);
	TU_EQ_INT(all.n, 4); /* the backoff is on the domain, with a copy on b@ */
	TU_EQ_INT(last, 4);
	TU_EQ_INT(all.image[0], QUELL_IMAGE_ENTRY);
	TU_EQ_INT(all.shared[0], 1);
	TU_EQ_INT(all.image[1], QUELL_IMAGE_REMOVED);
	TU_EQ_INT(all.shared[1], 1);
	TU_EQ_INT(all.image[2], QUELL_IMAGE_NONE);
	TU_EQ_INT(all.shared[2], 0); /* a backoff stays here */
	TU_EQ_INT(all.image[3], QUELL_IMAGE_NONE);
	TU_EQ_INT(all.shared[3], 0);
	/* from a position, and at most max */
	TU_EQ_INT(quell_changes(h, 1, 1, take, &some, &last), 0);
	TU_EQ_INT(some.n, 1);
	TU_EQ_INT(last, 2);
	TU_EQ_INT(some.image[0], QUELL_IMAGE_REMOVED);
	ts_feed_free(&all);
	ts_feed_free(&some);
	tu_close(h, d);
}

/* A change applied once is there, twice changes nothing; own events are
 * skipped; the position is stored with the batch. */
static void test_apply_exactly_once(void)
{
	char da[128], db[128];
	quell *a = ts_open_as(da, sizeof da, "alpha"), *b = ts_open_as(db, sizeof db, "bravo");
	struct ts_feed all = { 0 }, sh = { 0 };
	struct quell_apply_result res;
	struct quell_info *info = NULL;
	char *ea, *eb, *eb2;
	uint64_t pos = 0;

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	add_at(a, "a@x.example", NULL, "why", T0);
	add_at(a, "x.example", "news", NULL, T0 + 1);
	TU_EQ_INT(quell_allow(a, "c@y.example", NULL), 0);
	ts_read_shared(a, &all, &sh);
	TU_EQ_INT(sh.n, 3);
	TU_EQ_INT(ts_apply_feed(b, &sh, 7, &res), 0);
	TU_EQ_INT(res.applied, 3);
	TU_EQ_INT(res.changed, 3);
	TU_EQ_INT(quell_apply_position(b, "t", &pos), 0);
	TU_EQ_INT(pos, 7);
	ea = ts_shared_export(a);
	eb = ts_shared_export(b);
	TU_EQ_STR(eb, ea);
	TU_EQ_INT(ts_apply_feed(b, &sh, 8, &res), 0);
	TU_EQ_INT(res.applied, 0);
	TU_EQ_INT(res.duplicate, 3);
	eb2 = ts_shared_export(b);
	TU_EQ_STR(eb2, ea);
	/* the applied event keeps its id in b's history */
	TU_EQ_INT(quell_show(b, "a@x.example", 0, &info), 0);
	CU_ASSERT_FATAL(info != NULL && info->nevents == 1);
	TU_EQ_STR(info->events[0].origin, "alpha");
	TU_EQ_INT(info->events[0].seq, 1);
	quell_info_free(info);
	/* a's own events come back: nothing to do */
	TU_EQ_INT(ts_apply_feed(a, &sh, 1, &res), 0);
	TU_EQ_INT(res.own, 3);
	TU_EQ_INT(res.applied, 0);
	free(ea);
	free(eb);
	free(eb2);
	ts_feed_free(&all);
	tu_close(a, da);
	tu_close(b, db);
}

/* A malformed change writes nothing, the position included. */
static void test_apply_refuses_malformed(void)
{
	char da[128], db[128];
	quell *a = ts_open_as(da, sizeof da, "alpha"), *b = ts_open_as(db, sizeof db, "bravo");
	struct ts_feed all = { 0 }, sh = { 0 };
	uint64_t pos = 9;
	unsigned char bad[4] = { 'q', 1, 1, 0 };

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	add_at(a, "a@x.example", NULL, NULL, T0);
	add_at(a, "b@x.example", NULL, NULL, T0);
	ts_read_shared(a, &all, &sh);
	TU_EQ_INT(sh.n, 2);
	for (size_t cut = 0; cut < sh.len[1]; cut++) {
		size_t len[2] = { sh.len[0], cut };

		TU_EQ_INT(quell_apply(b, "t", 5, (const void *const *)sh.data, len, 2, T0, NULL),
		          QUELL_EDATA);
	}
	sh.data[1] = bad;
	sh.len[1] = sizeof bad;
	TU_EQ_INT(ts_apply_feed(b, &sh, 5, NULL), QUELL_EDATA);
	TU_EQ_INT(quell_apply_position(b, "t", &pos), 0);
	TU_EQ_INT(pos, 0);
	TU_EQ_INT(quell_show(b, "a@x.example", 0, &(struct quell_info *){ NULL }), QUELL_ENOTFOUND);
	ts_feed_free(&all);
	tu_close(a, da);
	tu_close(b, db);
}

/* Per entry, the last writer wins on (time, origin, seq), whatever the
 * order; a removal stays as a tombstone, prune drops it past its horizon. */
static void test_last_writer_wins(void)
{
	char da[128], db[128], dc[128];
	quell *a = ts_open_as(da, sizeof da, "alpha"), *b = ts_open_as(db, sizeof db, "bravo");
	quell *c = ts_open_as(dc, sizeof dc, "charlie");
	struct ts_feed fa = { 0 }, sa = { 0 }, fb = { 0 }, sb = { 0 };
	struct quell_apply_result res;
	struct quell_prune_options po = QUELL_PRUNE_OPTIONS_INIT;
	struct quell_info *info = NULL;
	char *ea, *eb, *ec;

	CU_ASSERT_FATAL(a != NULL && b != NULL && c != NULL);
	TU_EQ_INT(quell_apply(a, "t", 0, NULL, NULL, 0, T0, NULL), 0); /* joins a fleet */
	TU_EQ_INT(quell_apply(b, "t", 0, NULL, NULL, 0, T0, NULL), 0);
	add_at(a, "x@y.example", NULL, "from a, later", T0 + 10);
	add_at(b, "x@y.example", NULL, "from b, earlier", T0 + 5);
	add_at(a, "tie@y.example", NULL, "a", T0);
	add_at(b, "tie@y.example", NULL, "b", T0); /* same second: bravo > alpha */
	ts_read_shared(a, &fa, &sa);
	ts_read_shared(b, &fb, &sb);
	TU_EQ_INT(ts_apply_feed(a, &sb, 1, &res), 0);
	TU_EQ_INT(res.stale, 1);
	TU_EQ_INT(res.changed, 1);
	TU_EQ_INT(ts_apply_feed(b, &sa, 1, &res), 0);
	TU_EQ_INT(res.stale, 1);
	TU_EQ_INT(ts_apply_feed(c, &sb, 1, NULL), 0);
	TU_EQ_INT(ts_apply_feed(c, &sa, 2, NULL), 0);
	ea = ts_shared_export(a);
	eb = ts_shared_export(b);
	ec = ts_shared_export(c);
	TU_EQ_STR(eb, ea);
	TU_EQ_STR(ec, ea);
	CU_ASSERT(strstr(ea, "from a, later") != NULL);
	CU_ASSERT(strstr(ea, "from b") == NULL);
	free(ea);
	free(eb);
	free(ec);
	/* in a fleet a local write older than what a host knows loses */
	add_at(a, "x@y.example", NULL, "too old", T0 + 1);
	TU_EQ_INT(quell_show(a, "x@y.example", 1, &info), 0);
	TU_EQ_STR(info->entries[0].reason, "from a, later");
	quell_info_free(info);
	/* b removes; an older add from a arriving later does not bring it back */
	ts_feed_free(&fa);
	ts_feed_free(&fb);
	TU_EQ_INT(quell_remove(b, "x@y.example", NULL, T0 + 20), 0);
	add_at(a, "x@y.example", NULL, "stale add", T0 + 15);
	ts_read_shared(b, &fb, &sb);
	ts_read_shared(a, &fa, &sa);
	TU_EQ_INT(ts_apply_feed(c, &sb, 3, NULL), 0);
	TU_EQ_INT(ts_apply_feed(c, &sa, 4, NULL), 0);
	TU_EQ_INT(quell_show(c, "x@y.example", 0, &info), 0);
	TU_EQ_INT(info->nentries, 0);
	quell_info_free(info);
	/* prune drops the tombstone past its horizon: the old add then wins */
	po.now = T0 + 1000;
	po.max_age = 100;
	po.keep = 1000;
	TU_EQ_INT(quell_prune(c, &po, NULL), 0);
	ts_feed_free(&fa);
	add_at(a, "x@y.example", NULL, "after the horizon", T0 + 16);
	ts_read_shared(a, &fa, &sa);
	TU_EQ_INT(ts_apply_feed(c, &sa, 5, NULL), 0);
	TU_EQ_INT(quell_show(c, "x@y.example", 0, &info), 0);
	TU_EQ_INT(info->nentries, 1);
	quell_info_free(info);
	ts_feed_free(&fa);
	ts_feed_free(&fb);
	tu_close(a, da);
	tu_close(b, db);
	tu_close(c, dc);
}

/* ---------------------------------------------------------- property */

/* reply recorded on h for addr at t, with the action it must get. */
static void reply_at(quell *h, const char *addr, const char *reply, int64_t t, int action)
{
	struct quell_record_options ro = QUELL_RECORD_OPTIONS_INIT;
	struct quell_outcome out;

	ro.now = t;
	TU_EQ_INT(quell_record(h, addr, reply, &ro, &out), 0);
	TU_EQ_INT(out.action, action);
}

/* A counted reply on h at t (mailbox full: threshold 3 in 30 days). */
void ts_count_at(quell *h, const char *addr, int64_t t)
{
	reply_at(h, addr, "452 4.2.2 Mailbox full", t, QUELL_ACTION_COUNT);
}

int ts_verdict_of(quell *h, const char *addr)
{
	struct quell_result r;

	TU_EQ_INT(quell_check(h, addr, NULL, T0 + 100, &r), 0);
	return r.verdict;
}

/* A delivery (a clear) on h at t. */
void ts_deliver_at(quell *h, const char *addr, int64_t t)
{
	reply_at(h, addr, "250 2.0.0 Ok: queued as 4F2B1", t, QUELL_ACTION_CLEAR);
}

#define HOSTS 3
#define OPS 60
#define SINKS 3

static unsigned long rnd(unsigned long long *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned long)(*s >> 33);
}

/* A counted reply, or the suppression it leads to on this host. */
static void count_reply(quell *h, const char *addr, int64_t t)
{
	struct quell_record_options ro = QUELL_RECORD_OPTIONS_INIT;
	struct quell_outcome out;

	ro.now = t;
	TU_EQ_INT(quell_record(h, addr, "452 4.2.2 Mailbox full", &ro, &out), 0);
	CU_ASSERT(out.action == QUELL_ACTION_COUNT || out.action == QUELL_ACTION_SUPPRESS);
}

/* One random local change on h at a time near T0 (ties happen). */
static void random_op(quell *h, unsigned long long *s, int i)
{
	static const char *const keys[] = { "a@k.example", "b@k.example", "k.example",
		                            "c@l.example" };
	static const char *const streams[] = { NULL, "news" };
	const char *key = keys[rnd(s) % 4], *stream = streams[rnd(s) % 2];
	int64_t t = T0 + (int64_t)(rnd(s) % 40);
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;
	char reason[32];
	int rc;

	snprintf(reason, sizeof reason, "op %d", i);
	o.stream = stream;
	o.reason = reason;
	o.now = t;
	switch (rnd(s) % 9) {
	case 0:
	case 1:
		o.source = rnd(s) % 2 ? QUELL_SOURCE_MANUAL : QUELL_SOURCE_UNSUBSCRIBE;
		TU_EQ_INT(quell_add(h, key, &o), 0);
		break;
	case 2:
		TU_EQ_INT(quell_allow(h, key, &o), 0);
		break;
	case 3:
		rc = quell_remove(h, key, stream, t);
		CU_ASSERT(rc == 0 || rc == QUELL_ENOTFOUND);
		break;
	case 4:
		rc = quell_unallow(h, key, stream, t);
		CU_ASSERT(rc == 0 || rc == QUELL_ENOTFOUND);
		break;
	case 5: /* a delivery: ends the key's count (on every host) */
		ts_deliver_at(h, strchr(key, '@') != NULL ? key : "d@k.example", t);
		break;
	default: /* a counted reply (threshold 3), on an address */
		count_reply(h, strchr(key, '@') != NULL ? key : "d@k.example", t);
		break;
	}
}

/* Apply the changes of `order` (indexes into all) in random batches. */
static void apply_order(quell *h, unsigned char **data, size_t *len, const size_t *order,
                        size_t n, unsigned long long *s)
{
	const void *bd[64];
	size_t bl[64];
	uint64_t pos = 0;

	for (size_t i = 0; i < n;) {
		size_t k = 1 + rnd(s) % 40, m = 0;

		for (; m < k && i < n; m++, i++) {
			bd[m] = data[order[i]];
			bl[m] = len[order[i]];
		}
		TU_EQ_INT(quell_apply(h, "t", ++pos, bd, bl, m, T0, NULL), 0);
	}
}

static void shuffle(size_t *v, size_t n, unsigned long long *s)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rnd(s) % i, t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* How many derived suppressions a delivery took back on h. */
static int withdrawals(quell *h)
{
	static const char *const keys[] = { "a@k.example", "b@k.example", "c@l.example",
		                            "d@k.example" };
	int n = 0;

	for (size_t k = 0; k < 4; k++) {
		struct quell_info *info = NULL;

		if (quell_show(h, keys[k], 0, &info) != 0)
			continue;
		for (size_t e = 0; e < info->nevents; e++)
			n += strcmp(info->events[e].reason, TS_WITHDRAWN) == 0;
		quell_info_free(info);
	}
	return n;
}

static void property_round(unsigned long long seed, int *withdrawn)
{
	char dir[HOSTS + SINKS][128];
	quell *h[HOSTS + SINKS];
	static const char *const names[HOSTS + SINKS] = { "h1", "h2", "h3", "s1", "s2", "s3" };
	struct ts_feed all[HOSTS], sh[HOSTS];
	unsigned char *data[HOSTS * OPS * 2];
	size_t len[HOSTS * OPS * 2], order[HOSTS * OPS * 4], n = 0;
	unsigned long long s = seed;
	char *want = NULL;

	memset(all, 0, sizeof all);
	for (int i = 0; i < HOSTS + SINKS; i++) {
		h[i] = ts_open_as(dir[i], sizeof dir[i], names[i]);
		CU_ASSERT_FATAL(h[i] != NULL);
		if (i < HOSTS)
			TU_EQ_INT(quell_apply(h[i], "t", 0, NULL, NULL, 0, T0, NULL), 0);
	}
	/* each host writes, taking in the others' changes now and then */
	for (int op = 0; op < OPS; op++)
		for (int i = 0; i < HOSTS; i++)
			random_op(h[i], &s, op);
	for (int i = 0; i < HOSTS; i++) {
		ts_read_shared(h[i], &all[i], &sh[i]);
		for (size_t j = 0; j < sh[i].n; j++) {
			data[n] = sh[i].data[j];
			len[n++] = sh[i].len[j];
		}
	}
	/* every host and sink takes every change, in its own random order,
	 * some twice */
	for (int i = 0; i < HOSTS + SINKS; i++) {
		size_t m = 0;
		char *got;

		for (size_t j = 0; j < n; j++)
			order[m++] = j;
		for (size_t j = 0; j < n / 4; j++)
			order[m++] = rnd(&s) % n;
		shuffle(order, m, &s);
		apply_order(h[i], data, len, order, m, &s);
		got = ts_shared_export(h[i]);
		if (want == NULL) {
			want = got;
			continue;
		}
		if (strcmp(got, want) != 0)
			fprintf(stderr, "\n  seed %llu: %s differs from %s\n", seed, names[i],
			        names[0]);
		TU_EQ_STR(got, want);
		free(got);
	}
	CU_ASSERT(want != NULL && strlen(want) > 0);
	free(want);
	for (int i = 0; i < HOSTS + SINKS; i++)
		*withdrawn += withdrawals(h[i]);
	for (int i = 0; i < HOSTS; i++)
		ts_feed_free(&all[i]);
	for (int i = 0; i < HOSTS + SINKS; i++)
		tu_close(h[i], dir[i]);
}

static void test_property_interleavings(void)
{
	const char *env = getenv("QUELL_TEST_SEED");
	unsigned long long seed = env != NULL ? strtoull(env, NULL, 10) : 20261202ULL;

	int withdrawn = 0;

	for (int round = 0; round < 4; round++) {
		fprintf(stderr, "\n  property seed %llu", seed + (unsigned long long)round);
		property_round(seed + (unsigned long long)round, &withdrawn);
	}
	/* the default seed's mix has deliveries that take a derived
	 * suppression back (another seed's may have none) */
	fprintf(stderr, " (%d taken back)", withdrawn);
	if (env == NULL)
		CU_ASSERT(withdrawn > 0);
}

static CU_TestInfo tests[] = {
	{ "the feed reads changes with their images", test_feed_reads_changes },
	{ "a change applies exactly once, with its position", test_apply_exactly_once },
	{ "a malformed change writes nothing", test_apply_refuses_malformed },
	{ "last writer wins per entry, tombstones until prune", test_last_writer_wins },
	{ "random interleavings give identical exports", test_property_interleavings },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_sync[] = {
	{ "sync", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
