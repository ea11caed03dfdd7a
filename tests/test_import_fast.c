/*
 * test_import_fast.c - the speed levers of rows through the rules give
 * the bytes the plain path gives: the same provider rows (repeated reply
 * texts, duplicate rows, replies that back off or suppress whole domains,
 * counts, clears, addresses on entries of several streams, a second
 * import over the first, a plain list over both) imported into two
 * databases, one with the store's domain cache (store_dcache.c) and one
 * without, leave every table byte for byte the same: records, history
 * events and their sequence numbers, the change feed, seen ids.  And the cache never outlives a write made
 * elsewhere: another process that changes a domain between two writes of
 * ours is seen by the next verdict.  And an import's batches commit in
 * the store's bulk mode (one sync a commit), which it leaves at the end,
 * and the map is grown before a batch rather than halfway through it.
 * And the same goes for puts past a table's last key (appended, with no
 * search, store_table.c): the same bytes as with a search for every key,
 * whatever order keys are put, read and deleted in (seen ids too).  And
 * a cache compacted when it fills up (what is still true kept) gives the
 * same bytes too.
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "testutil.h"
#include "write.h"

#define T0 1795860000

static int bulk_on_seen; /* test_bulk_sync's callback */

/* A growing byte string. */
struct dump {
	unsigned char *p;
	size_t n, cap;
};

static void put(struct dump *d, const void *p, size_t n)
{
	if (d->n + n + 8 > d->cap) {
		size_t cap = (d->cap + n + 8) * 2;
		unsigned char *q = realloc(d->p, cap);

		CU_ASSERT_PTR_NOT_NULL_FATAL(q);
		d->p = q;
		d->cap = cap;
	}
	memcpy(d->p + d->n, &n, sizeof n);
	memcpy(d->p + d->n + sizeof n, p, n);
	d->n += sizeof n + n;
}

static int dump_item(const struct quell__val *k, const struct quell__val *v, void *ctx)
{
	put(ctx, k->data, k->len);
	put(ctx, v->data, v->len);
	return QUELL__SCAN_NEXT;
}

/* Every table of h, every key and value, in order. */
static void dump_all(quell *h, struct dump *d)
{
	struct quell__txn *txn;

	CU_ASSERT_EQUAL_FATAL(quell__store_read_begin(h, &txn), 0);
	for (int t = 0; t < QUELL__T_COUNT; t++) {
		put(d, "table", 5);
		CU_ASSERT_EQUAL(quell__store_scan(h, txn, (enum quell__table)t, NULL, 0, 0,
		                                  dump_item, d), 0);
	}
	quell__store_read_end(h, txn);
}

/* Every table of x and y holds the same bytes, more than min of them. */
static void same_tables(quell *x, quell *y, size_t min)
{
	struct dump a = { 0 }, b = { 0 };

	dump_all(x, &a);
	dump_all(y, &b);
	CU_ASSERT(a.n > min);
	CU_ASSERT_EQUAL(a.n, b.n);
	CU_ASSERT(a.n == b.n && memcmp(a.p, b.p, a.n) == 0);
	free(a.p);
	free(b.p);
}

static void import_sendgrid(quell *h, const char *text, size_t batch)
{
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	o.format = "sendgrid";
	o.now = T0;
	o.batch = batch;
	CU_ASSERT_EQUAL(quell_import(h, f, &o, NULL), 0);
	fclose(f);
}

/* n plain addresses, every third one among those rows() makes */
static void import_plain(quell *h, size_t n)
{
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	char *s = malloc(40 * n + 1);
	size_t len = 0;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, 40 * n + 1 - len, i % 3 ? "p%zu@e%zu.example\n"
		                                                       : "u%zu@a.example\n",
		                        i % 3 ? i : i % 37, i % 50);
	f = fmemopen(s, len, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	o.format = "plain";
	o.now = T0 + 86400;
	o.batch = 300;
	CU_ASSERT_EQUAL(quell_import(h, f, &o, NULL), 0);
	fclose(f);
	free(s);
}

static const char *const replies[] = {
	"550 5.1.1 <%s>: Recipient address rejected: User unknown",
	"550 5.1.1 The email account that you tried to reach does not exist",
	"452 4.2.2 Mailbox full",
	"552 5.2.2 Mailbox full",
	"421 4.7.0 Too many connections, slow down",
	"421 4.7.0 [TSS04] Messages temporarily deferred due to user complaints",
	"250 2.0.0 Ok: queued",
	"550 5.4.1 Recipient address rejected: Access denied",
	"554 5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org",
	"450 4.2.0 <%s>: Recipient address rejected: Greylisted",
	"550 5.1.2 Host or domain name not found",
};

/* n rows: addresses over a few domains (some at a parent and its
 * subdomain), times going back and forth, every 7th row given twice */
static char *rows(size_t n, unsigned seed)
{
	size_t cap = 160 * n + 64, len = 0;
	char *s = malloc(cap);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	len += (size_t)snprintf(s, cap, "email,created,status,reason\n");
	for (size_t i = 0; i < n; i++) {
		unsigned x = (unsigned)i * 2654435761u + seed;
		char addr[64], reply[200];
		const char *r = replies[x % (sizeof replies / sizeof replies[0])];
		static const char *const doms[] = { "a.example", "mx.a.example", "b.example",
			                            "c.example", "d.example", "gmail.com" };

		snprintf(addr, sizeof addr, "u%u@%s", (x >> 8) % 37, doms[(x >> 16) % 6]);
		snprintf(reply, sizeof reply, r, addr);
		for (int twice = 0; twice < 1 + (i % 7 == 0); twice++)
			len += (size_t)snprintf(s + len, cap - len, "%s,%u,,\"%s\"\n", addr,
			                        (unsigned)(T0 - 86400 * 20 + (x % 5000) * 300), reply);
	}
	return s;
}

/* entries on streams first, so that verdicts weigh more than one set */
static const char *streams_csv =
	"entry,list,scope,stream,source,category\n"
	"u1@a.example,allow,address,news,manual,manual\n"
	"u2@b.example,suppress,address,news,manual,manual\n"
	"c.example,allow,domain,alerts,manual,manual\n"
	"u3@gmail.com,allow,address,,manual,manual\n";

static void fill(quell *h, const char *first, const char *second)
{
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	FILE *f = fmemopen((void *)streams_csv, strlen(streams_csv), "r");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	o.format = "csv";
	o.now = T0;
	CU_ASSERT_EQUAL(quell_import(h, f, &o, NULL), 0);
	fclose(f);
	import_sendgrid(h, first, 0);
	import_sendgrid(h, second, 97); /* small batches: the cache goes from one to the next */
	import_plain(h, 2000);           /* keys old and new */
}

static void test_same_bytes(void)
{
	char d1[256], d2[256];
	quell *fast = tu_open(d1, sizeof d1, NULL), *slow = tu_open(d2, sizeof d2, NULL);
	char *first = rows(3000, 1), *second = rows(1500, 2);

	quell__store_dcache_off(slow);
	fill(fast, first, second);
	fill(slow, first, second);
	same_tables(fast, slow, 200000); /* thousands of events */
	free(first);
	free(second);
	tu_close(fast, d1);
	tu_close(slow, d2);
}

/* An import by a handle whose cache starts empty over a domain table that
 * holds keys (the cache takes them all first, store_dcache.c): the same
 * bytes as without the cache. */
static void cache_mode(quell *h, int cache)
{
	if (cache == 0)
		quell__store_dcache_off(h);
	else if (cache > 1) /* 2: compacted at every write, 3: every slot
	                       dropped (the filter of names stays), 4: records
	                       kept in a pool so small that puts find no room */
		quell__store_dcache_squeeze(h, cache != 3, cache == 4 ? 640 : 0);
}

static void import_fresh(const char *dir, int cache, const char *first, const char *second)
{
	quell *h = NULL;

	CU_ASSERT_EQUAL_FATAL(quell_open(dir, NULL, &h), 0);
	cache_mode(h, cache);
	import_sendgrid(h, first, 0);
	quell_close(h);
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, NULL, &h), 0);
	cache_mode(h, cache);
	import_sendgrid(h, second, 53);
	import_plain(h, 600);
	quell_close(h);
}

/* import_fresh into two databases, the cache as `cache` says in one and
 * off in the other: the same bytes. */
static void same_fresh(int cache, const char *first, const char *second)
{
	char d1[256], d2[256];
	quell *fast = tu_open(d1, sizeof d1, NULL), *slow = tu_open(d2, sizeof d2, NULL);

	import_fresh(d1, cache, first, second);
	import_fresh(d2, 0, first, second);
	same_tables(fast, slow, 100000);
	tu_close(fast, d1);
	tu_close(slow, d2);
}

static void test_warm_cache(void)
{
	char *first = rows(2000, 5), *second = rows(2000, 6);

	same_fresh(1, first, second);
	free(first);
	free(second);
}

/* The cache compacted at the start of every write, as an import that
 * fills it has it (store_dcache.c), with its records kept or every slot
 * dropped: the same bytes as without the cache, for a handle that
 * wrote the domains itself (its cache knows some names absent) and for
 * fresh handles over a domain table that holds keys (a cache complete from
 * the start: a filter of its names); and with a pool so small that puts
 * find no room. */
static void test_compacted(void)
{
	for (int mode = 2; mode <= 4; mode++) {
		char d1[256], d2[256];
		quell *fast = tu_open(d1, sizeof d1, NULL), *slow = tu_open(d2, sizeof d2, NULL);
		char *first = rows(3000, 7 + (unsigned)mode), *second = rows(1500, 11);

		cache_mode(fast, mode);
		cache_mode(slow, 0);
		fill(fast, first, second);
		fill(slow, first, second);
		same_tables(fast, slow, 200000);
		tu_close(fast, d1);
		tu_close(slow, d2);
		same_fresh(mode, first, second);
		free(first);
		free(second);
	}
}

/* test_compacted_gone's writes, step by step (ctx) */
static int gone_write(quell *h, struct quell__wtxn *w, void *ctx)
{
	static const unsigned char big[300] = { 1 };
	const int *step = ctx;
	struct quell__val v;

	switch (*step) {
	case 0: /* the table holds two keys */
		CU_ASSERT_EQUAL(quell__store_put_enc(h, w, QUELL_SCOPE_DOMAIN, "k.example", "small",
		                                     5), 0);
		CU_ASSERT_EQUAL(quell__store_put_enc(h, w, QUELL_SCOPE_DOMAIN, "j.example", "small",
		                                     5), 0);
		break;
	case 1: /* a cache complete with both names; a record it has no room for */
		quell__store_dwarm(h, w, (size_t)-1);
		CU_ASSERT_EQUAL(quell__store_wget(h, w, QUELL_SCOPE_DOMAIN, "nowhere.example", 15, &v),
		                1);
		CU_ASSERT_EQUAL(quell__store_put_enc(h, w, QUELL_SCOPE_DOMAIN, "k.example", big,
		                                     sizeof big), 0);
		break;
	default: /* compacted: the name it could not hold is still there */
		CU_ASSERT_EQUAL(quell__store_wget(h, w, QUELL_SCOPE_DOMAIN, "k.example", 9, &v), 0);
		CU_ASSERT_EQUAL(v.len, sizeof big);
		CU_ASSERT_EQUAL(quell__store_wget(h, w, QUELL_SCOPE_DOMAIN, "j.example", 9, &v), 0);
		CU_ASSERT_EQUAL(v.len, 5);
		CU_ASSERT_EQUAL(quell__store_wget(h, w, QUELL_SCOPE_DOMAIN, "nowhere.example", 15, &v),
		                1);
	}
	return 0;
}

/* A complete cache (a filter of every key of the table) whose put of a
 * record found no room: compacted, it still sends that name to LMDB
 * rather than answering "absent". */
static void test_compacted_gone(void)
{
	char dir[256];
	quell *h = tu_open(dir, sizeof dir, NULL), *fresh = NULL;

	for (int step = 0; step < 3; step++) {
		if (step == 1) {
			CU_ASSERT_EQUAL_FATAL(quell_open(dir, NULL, &fresh), 0);
			quell__store_dcache_squeeze(fresh, 1, 256);
		}
		CU_ASSERT_EQUAL(quell__store_write(step ? fresh : h, gone_write, &step), 0);
	}
	quell_close(fresh);
	tu_close(h, dir);
}

/* test_names_filter's writes, the ctx-th: each starts as an import's
 * batch does, finds every key the ones before put and none of the names
 * they did not, and puts 600 more */
static int names_write(quell *h, struct quell__wtxn *w, void *ctx)
{
	const int t = *(const int *)ctx;
	struct quell__val v;
	char key[64];

	quell__store_dwarm(h, w, (size_t)-1);
	for (int i = 0; i < t * 600; i++) {
		snprintf(key, sizeof key, "d%d.example", i);
		CU_ASSERT_EQUAL(quell__store_wget(h, w, QUELL_SCOPE_DOMAIN, key, strlen(key), &v), 0);
		snprintf(key, sizeof key, "x%d.example", i);
		CU_ASSERT_EQUAL(quell__store_wget(h, w, QUELL_SCOPE_DOMAIN, key, strlen(key), &v), 1);
	}
	for (int i = t * 600; i < (t + 1) * 600; i++) {
		snprintf(key, sizeof key, "d%d.example", i);
		CU_ASSERT_EQUAL(quell__store_put_enc(h, w, QUELL_SCOPE_DOMAIN, key, "rec", 3), 0);
	}
	return 0;
}

/* The filter of the domain table's names (store_dcache.c), with no slot
 * carried from one write to the next, so that every probe of a later one
 * rests on it: keys put are found, names never put are not, while the
 * table outgrows the filter twice and it is made again. */
static void test_names_filter(void)
{
	char dir[256];
	quell *h = tu_open(dir, sizeof dir, NULL);

	quell__store_dcache_squeeze(h, 0, 0);
	for (int t = 0; t < 6; t++)
		CU_ASSERT_EQUAL(quell__store_write(h, names_write, &t), 0);
	tu_close(h, dir);
}

static int record_at(quell *h, const char *addr, const char *reply, int64_t t,
                     struct quell_outcome *out)
{
	struct quell_record_options o = QUELL_RECORD_OPTIONS_INIT;

	o.now = t;
	return quell_record(h, addr, reply, &o, out);
}

static quell *volatile inherited; /* test_other_writer_seen's child: the parent's handle */

/* Another process suppresses entry in the database in dir at time t,
 * while h stays open here. */
static void child_add(quell *h, const char *dir, const char *entry, int64_t t)
{
	pid_t pid = fork();
	int st;

	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
		quell *c = NULL;

		/* the parent's handle is left alone here (closing it would free
		 * the parent's reader slots, which live in shared memory); kept
		 * where memcheck sees it, so that it is not counted as lost */
		inherited = h;
		a.now = t;
		if (quell_open(dir, NULL, &c) != 0 || quell_add(c, entry, &a) != 0)
			_exit(1);
		quell_close(c);
		_exit(0);
	}
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT_FATAL(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_other_writer_seen(void)
{
	char dir[256];
	quell *h = tu_open(dir, sizeof dir, NULL);
	struct quell_outcome out;

	/* our write reads and writes x.example's backoff: cached */
	CU_ASSERT_EQUAL(record_at(h, "a@x.example", "421 4.7.0 Too many connections", T0, &out),
	                0);
	CU_ASSERT_EQUAL(out.verdict, QUELL_BACKOFF);
	CU_ASSERT_EQUAL(out.scope, QUELL_SCOPE_DOMAIN);
	/* another process suppresses the whole domain */
	child_add(h, dir, "x.example", T0 + 1);
	/* our next write's verdict sees the domain as it now stands */
	CU_ASSERT_EQUAL(record_at(h, "b@x.example", "452 4.2.2 Mailbox full", T0 + 2, &out), 0);
	CU_ASSERT_EQUAL(out.scope, QUELL_SCOPE_ADDRESS);
	CU_ASSERT_EQUAL(out.verdict, QUELL_SUPPRESS);
	tu_close(h, dir);
}

/* An import's cache knows every domain of the table (its filter of
 * names); another process then suppresses a domain new to the table.  Our
 * next import's row that backs that domain off must find the suppression
 * and keep it, not take the name for absent and write over it. */
static void test_other_writer_new_domain(void)
{
	static const char first[] = "email,created,status,reason\n"
	                            "a@old.example,1795850000,,\"421 4.7.0 Too many connections\"\n";
	static const char second[] = "email,created,status,reason\n"
	                             "u@new.example,1795850100,,\"421 4.7.0 Too many connections\"\n";
	char dir[256];
	quell *h = tu_open(dir, sizeof dir, NULL);
	struct quell_info *info = NULL;

	import_sendgrid(h, first, 0);
	child_add(h, dir, "new.example", T0 - 100);
	import_sendgrid(h, second, 0);
	CU_ASSERT_EQUAL_FATAL(quell_show(h, "new.example", 0, &info), 0);
	TU_EQ_INT(info->nentries, 2); /* the suppression, and the backoff */
	for (size_t i = 0; i < info->nentries; i++)
		CU_ASSERT(info->entries[i].list == QUELL_LIST_SUPPRESS ||
		          info->entries[i].list == QUELL_LIST_BACKOFF);
	quell_info_free(info);
	tu_close(h, dir);
}

/* The progress callback runs after each committed batch (and once more
 * at the end): the store is in its bulk mode then (one sync a commit),
 * and not after the import. */
static int bulk_seen(void *payload, const struct quell_import_stats *st)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;

	if (st->written > 0 && st->written < 5) {
		bulk_on_seen += quell__store_bulk_now(payload);
		/* another write meanwhile (another thread of serve) is no
		 * batch: it syncs its meta page too, durable when it returns */
		a.now = T0;
		if (st->written == 2)
			CU_ASSERT_EQUAL(quell_add(payload, "other@w.example", &a), 0);
	}
	return 0;
}

static void test_bulk_sync(void)
{
	struct quell_import_options o = QUELL_IMPORT_OPTIONS_INIT;
	const char *text = "a@x.example\nb@x.example\nc@y.example\nd@y.example\ne@z.example\n";
	char dir[256];
	quell *h = tu_open(dir, sizeof dir, NULL);
	struct quell_result res;
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_FALSE(quell__store_bulk_now(h));
	o.format = "plain";
	o.now = T0;
	o.batch = 2;
	o.progress = bulk_seen;
	o.payload = h;
	bulk_on_seen = 0;
	CU_ASSERT_EQUAL(quell_import(h, f, &o, NULL), 0);
	fclose(f);
	CU_ASSERT_EQUAL(bulk_on_seen, 2); /* after the batches of 2 and 4 rows */
	CU_ASSERT_EQUAL(quell__store_bulk_synced(h), 1); /* the add, not the batches */
	CU_ASSERT_FALSE(quell__store_bulk_now(h)); /* back as it was */
	/* bulk writes pair up: nested ones end with the outer one */
	CU_ASSERT_EQUAL(quell__store_bulk(h, 1), 0);
	CU_ASSERT_EQUAL(quell__store_bulk(h, 1), 0);
	CU_ASSERT_EQUAL(quell__store_bulk(h, 0), 0);
	CU_ASSERT_TRUE(quell__store_bulk_now(h));
	CU_ASSERT_EQUAL(quell__store_bulk(h, 0), 0);
	CU_ASSERT_FALSE(quell__store_bulk_now(h));
	CU_ASSERT_EQUAL(quell_check(h, "e@z.example", NULL, T0, &res), 0);
	CU_ASSERT_EQUAL(res.verdict, QUELL_SUPPRESS);
	tu_close(h, dir);
}

/* Room made before a batch: the map grows now, not halfway through a
 * write transaction that would then run again; up to the limit only. */
static void test_room(void)
{
	struct quell_options oo = QUELL_OPTIONS_INIT;
	struct quell_stats *st = NULL;
	char dir[256];
	quell *h = tu_open(dir, sizeof dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(quell__store_room(h, 200u << 20), 0);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &st), 0);
	CU_ASSERT(st->map_bytes >= st->used_bytes + (200u << 20));
	CU_ASSERT(st->map_bytes <= 2 * (st->used_bytes + (200u << 20))); /* doubled, no more */
	quell_stats_free(st);
	tu_close(h, dir);
	/* a database with a lower limit stops there, without an error */
	oo.max_db_size = 32u << 20;
	oo.map_size = 1u << 20;
	h = tu_open(dir, sizeof dir, &oo);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(quell__store_room(h, 200u << 20), 0);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &st), 0);
	CU_ASSERT_EQUAL(st->map_bytes, 32u << 20);
	quell_stats_free(st);
	tu_close(h, dir);
}

/* A script of one write: put (p), delete (d) or look up a key that is
 * there (g) or is not (n); a capital letter for a domain key. */
struct step {
	char op;
	const char *key;
};

static const struct step script1[] = {
	{ 'n', "m@x" }, { 'p', "m@x" }, { 'p', "t@x" }, { 'g', "t@x" }, { 'n', "s@x" },
	{ 'n', "u@x" }, { 'd', "t@x" }, { 'n', "t@x" }, { 'p', "s@x" }, { 'g', "s@x" },
	{ 'p', "u@x" }, { 'p', "t@x" }, { 'g', "t@x" }, { 'p', "m@x" }, { 'p', "ma@x" },
	{ 'g', "ma@x" }, { 'p', "zz@x" }, { 'p', "z@x" }, { 'g', "z@x" }, { 'n', "zzz@x" },
	{ 'P', "b.example" }, { 'n', "b.example" }, { 'G', "b.example" }, { 'P', "a.example" },
	{ 'N', "c.example" }, { 'P', "c.example" }, { 'G', "c.example" }, { 0, NULL },
};

static const struct step script2[] = { /* a later write: the bound looked up again */
	{ 'g', "zz@x" }, { 'p', "zzz@x" }, { 'n', "zzzz@x" }, { 'd', "zzz@x" }, { 'n', "zzz@x" },
	{ 'p', "zzzz@x" }, { 'g', "zzzz@x" }, { 'p', "a@x" }, { 'g', "a@x" }, { 'G', "a.example" },
	{ 0, NULL },
};

static int run_script(quell *h, struct quell__wtxn *w, void *ctx)
{
	for (const struct step *s = ctx; s->op != 0; s++) {
		int scope = s->op >= 'a' ? QUELL_SCOPE_ADDRESS : QUELL_SCOPE_DOMAIN;
		struct quell__rec r = { 0 };
		struct quell__val v;
		int created;

		switch (s->op | 0x20) {
		case 'p':
			CU_ASSERT_FATAL(quell__write_slot(&r, QUELL_LIST_SUPPRESS, "", T0, &created) == 0);
			r.ent[0].e.reason = s->key;
			CU_ASSERT_EQUAL(quell__store_put(h, w, scope, s->key, &r), 0);
			break;
		case 'd':
			CU_ASSERT_EQUAL(quell__store_del(h, w, QUELL__T_SCOPE(scope), s->key,
			                                 strlen(s->key)), 0);
			break;
		default:
			CU_ASSERT_EQUAL(quell__store_wget(h, w, scope, s->key, strlen(s->key), &v),
			                (s->op | 0x20) == 'g' ? 0 : 1);
		}
	}
	return 0;
}

/* Keys put past the last one and before it, deleted, looked up: what a
 * search for each finds, and the same tables in the end. */
static void test_append_script(void)
{
	char d1[256], d2[256];
	quell *fast = tu_open(d1, sizeof d1, NULL), *slow = tu_open(d2, sizeof d2, NULL);
	quell *both[2] = { fast, slow };

	quell__store_append_off(slow);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(quell__store_write(both[i], run_script, (void *)script1), 0);
		CU_ASSERT_EQUAL(quell__store_write(both[i], run_script, (void *)script2), 0);
	}
	same_tables(fast, slow, 200);
	tu_close(fast, d1);
	tu_close(slow, d2);
}

/* A plain list into a new database (every key past the last), then the
 * imports of test_same_bytes over it: the same bytes as with a search
 * for every key. */
static void test_append_same_bytes(void)
{
	char d1[256], d2[256];
	quell *fast = tu_open(d1, sizeof d1, NULL), *slow = tu_open(d2, sizeof d2, NULL);
	char *first = rows(2000, 3), *second = rows(1000, 4);

	quell__store_append_off(slow);
	import_plain(fast, 3000);
	import_plain(slow, 3000);
	fill(fast, first, second);
	fill(slow, first, second);
	same_tables(fast, slow, 200000);
	free(first);
	free(second);
	tu_close(fast, d1);
	tu_close(slow, d2);
}

static CU_TestInfo tests[] = {
	{ "with the domain cache, the same bytes as without", test_same_bytes },
	{ "a write by another process empties the cache", test_other_writer_seen },
	{ "... and a domain it added is not taken for absent", test_other_writer_new_domain },
	{ "a cache that starts with every domain key, the same bytes", test_warm_cache },
	{ "a cache compacted at every write, the same bytes", test_compacted },
	{ "a compacted cache keeps a name it could not hold", test_compacted_gone },
	{ "the filter of domain names: every key put, no other", test_names_filter },
	{ "an import commits in the store's bulk mode, and ends it", test_bulk_sync },
	{ "room in the map made before a batch", test_room },
	{ "keys put past the last one: what a search finds", test_append_script },
	{ "keys put past the last one: the same bytes as with a search", test_append_same_bytes },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_import_fast[] = {
	{ "import_fast", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
