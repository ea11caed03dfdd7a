/*
 * store_filter.c - for long-running checkers (handles opened with
 * QUELL_OPEN_FILTER: `quell serve`), the keys of the address and domain
 * tables as one committed transaction left them, in a blocked Bloom
 * filter: a check that reads that same transaction learns from it that a
 * key is not there without descending the tree.  Most recipients a sender
 * checks are on no list, and their probes are what it saves.
 *
 * Exact, never stale:
 *   - a filter holds every key of both tables at one transaction (LMDB
 *     numbers them) of one environment (the store counts its reopens:
 *     another data file may have reached the same number), and answers
 *     only a read view of that very transaction: the same data, key for
 *     key.  A view of any other transaction (a write came since, from this
 *     process or another) gets no filter: its probes go to LMDB, as
 *     without one, and a rebuild is asked for;
 *   - "absent" means "not one of the keys added": a Bloom filter has
 *     false positives (a probe that goes to LMDB for nothing, about 1 in
 *     100 at 10 bits a key, fewer with more) and no false negatives;
 *   - write transactions never use it.
 * Built by one thread per store, started when the first handle that wants
 * filters is opened, from its own read transaction (a walk of both tables, about
 * 0.2 s a million keys; it holds the store's resize lock shared
 * meanwhile, as any read does); at most one build every max(1 s, ten
 * times the last build's length), so a database written all the time
 * costs at most a tenth of a CPU and goes without (every check asks
 * LMDB, as before).  Bounded: 10 to 20 bits a key, and no filter over
 * FILTER_MAX bytes (a store of over some 26 million keys goes without).
 * A filter is immutable once published and counted by its users; a reopen
 * drops the current one; closing the store stops the thread and frees
 * everything (in a forked child: only the memory).  The thread blocks
 * every signal.
 *
 * Knows nothing of what records mean.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "store_int.h"

#define FILTER_MAX (32u << 20) /* bytes of one filter */
#define BITS_PER_KEY 10        /* at least */
#define BLOCK_BITS 512         /* one cache line; every bit of a key is in one */
#define PROBES 6               /* bits a key sets, 9 bits of hash each */
#define QUIET_MS 1000          /* between the end of a build and the next */
#define SLOW_FACTOR 10         /* ... or this many times the build's length */

struct quell__filter {
	uint64_t txnid;  /* the transaction it holds the keys of */
	uint64_t gen;    /* of the store's environment (reopens) */
	uint64_t mask;   /* blocks - 1 */
	int refs;        /* the published pointer's and users'; under fs->lock */
	uint64_t *bits;  /* blocks * 8 words */
};

struct quell__fstate {
	pthread_mutex_t lock;
	pthread_cond_t cond;   /* on CLOCK_MONOTONIC */
	pthread_t th;
	pid_t pid;             /* the process that started th */
	int running;           /* th was started */
	int stop, want;        /* close; a check found no filter for its view */
	int gave_up;           /* too big, or no thread: checks go without */
	int64_t next_ms;       /* no build before this (monotonic ms) */
	struct quell__filter *cur;
};

/* ------------------------------------------------------------ the bits */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9u;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

uint64_t quell__bloom_hash(int scope, const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = (0x9e3779b97f4a7c15u * (uint64_t)(scope + 1)) ^ len, c;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&c, p, 8);
		h = (h ^ c) * 0x9e3779b97f4a7c15u;
		h ^= h >> 29;
	}
	if (len > 0) {
		c = 0;
		memcpy(&c, p, len);
		h = (h ^ c) * 0x9e3779b97f4a7c15u;
		h ^= h >> 29;
	}
	return mix(h);
}

void quell__bloom_set(uint64_t *bits, uint64_t mask, uint64_t h)
{
	uint64_t *b = bits + ((h & mask) << 3), x = mix(h);

	for (int i = 0; i < PROBES; i++, x >>= 9)
		b[(x >> 6) & 7] |= (uint64_t)1 << (x & 63);
}

int quell__bloom_has(const uint64_t *bits, uint64_t mask, uint64_t h)
{
	const uint64_t *b = bits + ((h & mask) << 3);
	uint64_t x = mix(h);

	for (int i = 0; i < PROBES; i++, x >>= 9)
		if (!(b[(x >> 6) & 7] & ((uint64_t)1 << (x & 63))))
			return 0;
	return 1;
}

int quell__filter_absent(const struct quell__filter *f, int scope, const char *key,
                         size_t len)
{
	return !quell__bloom_has(f->bits, f->mask, quell__bloom_hash(scope, key, len));
}

/* ----------------------------------------------------------- building */

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void filter_free(struct quell__filter *f)
{
	if (f != NULL)
		free(f->bits);
	free(f);
}

/* Under fs->lock. */
static void unref(struct quell__filter *f)
{
	if (f != NULL && --f->refs == 0)
		filter_free(f);
}

/* Every key of the table into f: 0 or an LMDB code. */
static int add_table(struct quell__filter *f, MDB_txn *txn, MDB_dbi dbi, int scope)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = mdb_cursor_open(txn, dbi, &cur);

	if (rc != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		quell__bloom_set(f->bits, f->mask, quell__bloom_hash(scope, k.mv_data, k.mv_size));
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The filter of what txn sees, or NULL: over FILTER_MAX (*too_big set),
 * a read error, no memory. */
static struct quell__filter *build(struct quell__store *s, MDB_txn *txn, int *too_big)
{
	MDB_stat sa, sd;
	uint64_t n, blocks = 1;
	struct quell__filter *f;

	if (mdb_stat(txn, s->dbi[QUELL__T_ADDR], &sa) != 0 ||
	    mdb_stat(txn, s->dbi[QUELL__T_DOMAIN], &sd) != 0)
		return NULL;
	n = (uint64_t)sa.ms_entries + sd.ms_entries;
	while (blocks * BLOCK_BITS < n * BITS_PER_KEY && blocks <= FILTER_MAX / 64)
		blocks <<= 1;
	if (blocks > FILTER_MAX / 64) {
		*too_big = 1;
		return NULL;
	}
	if ((f = calloc(1, sizeof *f)) == NULL ||
	    (f->bits = calloc((size_t)blocks * 8, sizeof *f->bits)) == NULL) {
		free(f);
		return NULL;
	}
	f->mask = blocks - 1;
	f->txnid = (uint64_t)mdb_txn_id(txn);
	f->gen = s->gen;
	if (add_table(f, txn, s->dbi[QUELL__T_ADDR], QUELL_SCOPE_ADDRESS) != 0 ||
	    add_table(f, txn, s->dbi[QUELL__T_DOMAIN], QUELL_SCOPE_DOMAIN) != 0) {
		filter_free(f);
		return NULL;
	}
	return f;
}

/* Build a filter from a read transaction of its own and publish it.
 * 0, or QUELL_EDB when none could be made (no database, a read error, no
 * memory, too big: then checks go without). */
static int build_now(struct quell__store *s)
{
	struct quell__fstate *fs = s->fs;
	struct quell__filter *f = NULL, *old;
	MDB_txn *txn = NULL;
	int too_big = 0;

	pthread_rwlock_rdlock(&s->resize);
	if (s->env != NULL && mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn) == 0) {
		f = build(s, txn, &too_big);
		mdb_txn_abort(txn);
	}
	pthread_rwlock_unlock(&s->resize);
	pthread_mutex_lock(&fs->lock);
	if (too_big)
		fs->gave_up = 1;
	if (f != NULL) {
		old = fs->cur;
		f->refs = 1;
		fs->cur = f;
		unref(old);
	}
	pthread_mutex_unlock(&fs->lock);
	return f != NULL ? 0 : QUELL_EDB;
}

static void *builder(void *arg)
{
	struct quell__store *s = arg;
	struct quell__fstate *fs = s->fs;

	pthread_mutex_lock(&fs->lock);
	while (!fs->stop) {
		int64_t now = mono_ms(), t0, t1;

		if (!fs->want) {
			pthread_cond_wait(&fs->cond, &fs->lock);
			continue;
		}
		if (now < fs->next_ms) {
			struct timespec until = { (time_t)(fs->next_ms / 1000),
			                          (long)(fs->next_ms % 1000) * 1000000 };
			pthread_cond_timedwait(&fs->cond, &fs->lock, &until);
			continue;
		}
		fs->want = 0;
		pthread_mutex_unlock(&fs->lock);
		t0 = mono_ms();
		(void)build_now(s);
		t1 = mono_ms();
		pthread_mutex_lock(&fs->lock);
		fs->next_ms = t1 + (SLOW_FACTOR * (t1 - t0) > QUIET_MS ? SLOW_FACTOR * (t1 - t0)
		                                                         : QUIET_MS);
	}
	pthread_mutex_unlock(&fs->lock);
	return NULL;
}

/* ------------------------------------------------------------ the state */

/* s->fs, made by the first handle that wants filters (under pool_lock);
 * NULL without memory. */
static struct quell__fstate *fstate(struct quell__store *s)
{
	struct quell__fstate *fs;
	pthread_condattr_t ca;

	pthread_mutex_lock(&s->pool_lock);
	if ((fs = s->fs) == NULL && (fs = calloc(1, sizeof *fs)) != NULL) {
		int attr = pthread_condattr_init(&ca) == 0, ok;

		ok = attr && pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
		     pthread_cond_init(&fs->cond, &ca) == 0;
		if (ok && pthread_mutex_init(&fs->lock, NULL) != 0) {
			pthread_cond_destroy(&fs->cond);
			ok = 0;
		}
		if (attr)
			pthread_condattr_destroy(&ca);
		if (!ok) {
			free(fs);
			fs = NULL;
		}
		s->fs = fs;
	}
	pthread_mutex_unlock(&s->pool_lock);
	return fs;
}

/* Start the builder, every signal blocked in it.  Under fs->lock. */
static void start(struct quell__store *s, struct quell__fstate *fs)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	fs->pid = getpid();
	fs->running = pthread_create(&fs->th, NULL, builder, s) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!fs->running)
		fs->gave_up = 1;
}

const struct quell__filter *quell__store_filter(quell *h, struct quell__txn *txn)
{
	struct quell__store *s = h->store;
	struct quell__fstate *fs;
	struct quell__filter *f = NULL;

	/* s->fs was made when h was opened (quell__store_filter_init) */
	if (!(h->flags & QUELL_OPEN_FILTER) || s == NULL || (fs = s->fs) == NULL)
		return NULL;
	pthread_mutex_lock(&fs->lock);
	if (fs->cur != NULL && fs->cur->gen == s->gen &&
	    fs->cur->txnid == (uint64_t)mdb_txn_id(quell__mtxn(txn))) {
		f = fs->cur;
		f->refs++;
	} else if (!fs->gave_up && !fs->stop) {
		fs->want = 1;
		if (!fs->running)
			start(s, fs);
		else
			pthread_cond_signal(&fs->cond);
	}
	pthread_mutex_unlock(&fs->lock);
	return f;
}

void quell__store_filter_done(quell *h, const struct quell__filter *f)
{
	struct quell__fstate *fs = h->store != NULL ? h->store->fs : NULL;

	if (f == NULL || fs == NULL)
		return;
	pthread_mutex_lock(&fs->lock);
	unref((struct quell__filter *)f);
	pthread_mutex_unlock(&fs->lock);
}

int quell__store_filter_init(quell *h)
{
	struct quell__fstate *fs;

	if (h->store == NULL)
		return 0;
	if ((fs = fstate(h->store)) == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	pthread_mutex_lock(&fs->lock); /* the first filter, from now on */
	if (!fs->running && !fs->gave_up) {
		fs->want = 1;
		start(h->store, fs);
	}
	pthread_mutex_unlock(&fs->lock);
	return 0;
}

int quell__store_filter_build(quell *h)
{
	struct quell__fstate *fs;

	if (h->store == NULL || (fs = fstate(h->store)) == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	if (build_now(h->store) != 0)
		return quell__error(h, QUELL_EDB, "no filter of the keys could be made");
	return 0;
}

void quell__filter_drop(struct quell__store *s)
{
	struct quell__fstate *fs = s->fs;

	if (fs == NULL)
		return;
	pthread_mutex_lock(&fs->lock);
	unref(fs->cur);
	fs->cur = NULL;
	pthread_mutex_unlock(&fs->lock);
}

void quell__filter_close(struct quell__store *s)
{
	struct quell__fstate *fs = s->fs;

	if (fs == NULL)
		return;
	if (fs->running && fs->pid != getpid()) {
		/* a forked child: the thread and the lock's holder are the
		 * parent's; only the memory is this process's */
		filter_free(fs->cur);
		free(fs);
		s->fs = NULL;
		return;
	}
	pthread_mutex_lock(&fs->lock);
	fs->stop = 1;
	pthread_cond_signal(&fs->cond);
	pthread_mutex_unlock(&fs->lock);
	if (fs->running)
		pthread_join(fs->th, NULL);
	unref(fs->cur);
	pthread_cond_destroy(&fs->cond);
	pthread_mutex_destroy(&fs->lock);
	free(fs);
	s->fs = NULL;
}
