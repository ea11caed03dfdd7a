/*
 * upkeep.c - statistics, pruning and backup of a database.
 *
 * Prune works in bounded write transactions (BATCH keys or events each), so
 * a long prune never holds the writer lock for long and a crash leaves every
 * finished batch in place.  Besides entries and history, it forgets the
 * reply ids (queue ids, message ids, import row digests) seen longer ago
 * than max_age, so the table that makes a retried message count once does
 * not grow without bound.  A backoff past its `until` goes once it has been
 * idle for the loaded rules' give_up_after (the rules loader holds the
 * default; 0 keeps it: a run that never gives up never ends).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "error.h"
#include "policy.h"
#include "rules.h"
#include "store.h"

#define BATCH 2000
#define COUNT_IDLE (30 * 86400)        /* count state idle this long is dropped */
#define MAX_AGE_DEFAULT (730 * 86400)  /* two years of history */
#define KEEP_DEFAULT 100

/* ------------------------------------------------------------------ stats */

struct tally {
	struct quell_count *v;
	size_t n, cap;
};

static int tally_add(struct tally *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0) {
			t->v[i].count++;
			return 0;
		}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct quell_count *v = realloc(t->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	quell__copy(t->v[t->n].name, sizeof t->v[t->n].name, name);
	t->v[t->n++].count = 1;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct quell_count *)a)->name, ((const struct quell_count *)b)->name);
}

static int stats_table(quell *h, MDB_txn *txn, int scope, int64_t now, struct quell_stats *st,
                       struct tally *cats, struct tally *streams)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(txn, quell__store_dbi(h, scope), &cur)) != 0)
		return quell__mdb_error(h, rc, "open cursor");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct quell__rec_iter it;
		struct quell__ent x;

		st->keys++;
		if (quell__rec_begin(&it, v.mv_data, v.mv_size) != 0)
			continue;
		while (quell__rec_next(&it, &x) == 1) {
			const struct quell_entry *e = &x.e;

			if (e->list < QUELL_LIST_SUPPRESS || e->list > QUELL_LIST_BACKOFF)
				continue;
			if (!quell__entry_live(e, now)) {
				st->expired++;
				continue;
			}
			st->entries[e->list][scope]++;
			if (e->source >= 0 && e->source < 6)
				st->by_source[e->source]++;
			if (tally_add(cats, e->category) != 0 || tally_add(streams, e->stream) != 0) {
				mdb_cursor_close(cur);
				return quell__error(h, QUELL_ENOMEM, "out of memory");
			}
		}
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : quell__mdb_error(h, rc, "read");
}

int quell_stats_get(quell *h, int64_t now, struct quell_stats **out)
{
	struct tally cats = { NULL, 0, 0 }, streams = { NULL, 0, 0 };
	struct quell_stats *st;
	MDB_txn *txn;
	MDB_stat ms;
	MDB_envinfo info;
	MDB_val k = { 3, (void *)"seq" }, v;
	struct stat sb;
	char path[4200];
	int rc;

	if (out != NULL)
		*out = NULL;
	if (h == NULL || out == NULL)
		return quell__error(h, QUELL_EINVAL, "stats: NULL argument");
	st = calloc(1, sizeof *st);
	if (st == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	now = quell__now(now);
	if ((rc = quell__store_read_begin(h, &txn)) != 0) {
		free(st);
		return rc;
	}
	rc = stats_table(h, txn, QUELL_SCOPE_DOMAIN, now, st, &cats, &streams);
	if (rc == 0)
		rc = stats_table(h, txn, QUELL_SCOPE_ADDRESS, now, st, &cats, &streams);
	if (rc == 0 && (rc = mdb_stat(txn, h->store->history, &ms)) == 0)
		st->events = ms.ms_entries;
	else if (rc > 0)
		rc = quell__mdb_error(h, rc, "stat history");
	if (rc == 0 && mdb_get(txn, h->store->meta, &k, &v) == 0 && v.mv_size == 8)
		st->last_seq = quell__be64_get(v.mv_data);
	if (rc == 0 && (rc = mdb_stat(txn, h->store->addr, &ms)) != 0)
		rc = quell__mdb_error(h, rc, "stat");
	quell__store_read_end(h, txn);
	if (rc != 0) {
		free(cats.v);
		free(streams.v);
		free(st);
		return rc;
	}
	mdb_env_info(h->store->env, &info);
	st->map_bytes = info.me_mapsize;
	st->used_bytes = ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
	snprintf(path, sizeof path, "%s/data.mdb", h->store->path);
	if (stat(path, &sb) == 0)
		st->db_bytes = (uint64_t)sb.st_size;
	if (cats.n > 0) /* qsort's array may not be NULL, even when empty */
		qsort(cats.v, cats.n, sizeof *cats.v, by_name);
	if (streams.n > 0)
		qsort(streams.v, streams.n, sizeof *streams.v, by_name);
	st->categories = cats.v;
	st->ncategories = cats.n;
	st->streams = streams.v;
	st->nstreams = streams.n;
	*out = st;
	return 0;
}

void quell_stats_free(struct quell_stats *st)
{
	if (st == NULL)
		return;
	free(st->categories);
	free(st->streams);
	free(st);
}

/* ------------------------------------------------------------------ prune */

/* Where a walk stands: `base` as of the last commit, `w` in the batch
 * under way (a batch that is run again after growing the map starts from
 * `base` once more). */
#define FROM_MAX (QUELL__HKEY_MAX > QUELL__SEEN_KEY_MAX ? QUELL__HKEY_MAX : QUELL__SEEN_KEY_MAX)

struct place {
	unsigned char from[FROM_MAX]; /* resume after this key */
	size_t fromlen;
	int have_from, done;
	/* history: the group (entry key) being walked and its events so far */
	unsigned char group[QUELL__HKEY_MAX];
	size_t grouplen, ingroup;
};

struct prune {
	int64_t now, max_age;
	int64_t give_up;                 /* the rules' give_up_after; 0: never */
	size_t keep;
	int scope;                       /* table being pruned of entries */
	struct place base, w;
	struct quell_prune_result res, batch;
};

static int stale(const struct quell_entry *e, int64_t now, int64_t give_up)
{
	switch (e->list) {
	case QUELL_LIST_SUPPRESS:
	case QUELL_LIST_ALLOW:
		return e->expires != 0 && e->expires <= now;
	case QUELL_LIST_BACKOFF:
		return e->until <= now && give_up > 0 && quell__time_add(e->updated, give_up) <= now;
	case QUELL__LIST_COUNT:
		return e->updated + COUNT_IDLE <= now;
	default:
		return 0;
	}
}

/* One batch of the entry tables: find stale entries, rewrite their keys. */
static int prune_entries_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	struct prune *p = vctx;
	char keys[64][QUELL_ENTRY_MAX];
	size_t nkeys = 0, scanned = 0;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	p->batch.entries_removed = 0;
	p->w = p->base;
	if ((rc = mdb_cursor_open(w->txn, quell__store_dbi(h, p->scope), &cur)) != 0)
		return quell__mdb_error(h, rc, "open cursor");
	k.mv_size = p->w.fromlen;
	k.mv_data = p->w.from;
	rc = p->w.have_from ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)
	                  : mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	if (rc == 0 && p->w.have_from && k.mv_size == p->w.fromlen &&
	    memcmp(k.mv_data, p->w.from, p->w.fromlen) == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	for (; rc == 0 && scanned < BATCH && nkeys < 64;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct quell__rec_iter it;
		struct quell__ent x;

		scanned++;
		if (k.mv_size >= QUELL_ENTRY_MAX)
			continue;
		memcpy(p->w.from, k.mv_data, k.mv_size);
		p->w.fromlen = k.mv_size;
		if (quell__rec_begin(&it, v.mv_data, v.mv_size) != 0)
			continue;
		while (quell__rec_next(&it, &x) == 1)
			if (stale(&x.e, p->now, p->give_up)) {
				memcpy(keys[nkeys], k.mv_data, k.mv_size);
				keys[nkeys++][k.mv_size] = '\0';
				break;
			}
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return quell__mdb_error(h, rc, "read");
	p->w.done = rc == MDB_NOTFOUND;

	for (size_t i = 0; i < nkeys; i++) {
		struct quell__rec r;
		struct quell_event ev[QUELL__REC_MAX];
		char cat[QUELL__REC_MAX][QUELL_NAME_MAX], stream[QUELL__REC_MAX][QUELL_STREAM_MAX];
		size_t nev = 0;

		if ((rc = quell__store_get(h, w->txn, p->scope, keys[i], strlen(keys[i]), &v)) != 0)
			return rc < 0 ? rc : quell__error(h, QUELL_EINTERNAL, "key vanished");
		if (quell__rec_decode(&r, v.mv_data, v.mv_size) != 0)
			continue;
		for (size_t j = 0; j < r.n;) {
			const struct quell_entry *e = &r.ent[j].e;
			if (!stale(e, p->now, p->give_up)) {
				j++;
				continue;
			}
			if (e->list != QUELL__LIST_COUNT) {
				memset(&ev[nev], 0, sizeof ev[nev]);
				ev[nev].time = p->now;
				ev[nev].list = e->list;
				ev[nev].source = e->source;
				ev[nev].action = QUELL_ACTION_EXPIRE;
				quell__copy(cat[nev], QUELL_NAME_MAX, e->category);
				quell__copy(stream[nev], QUELL_STREAM_MAX, e->stream);
				ev[nev].category = cat[nev];
				ev[nev].stream = stream[nev];
				ev[nev].rule = ev[nev].status = ev[nev].reply = ev[nev].reason = "";
				nev++;
			}
			quell__rec_remove(&r, j);
			p->batch.entries_removed++;
		}
		for (size_t j = 0; j < nev; j++)
			ev[j].verdict = quell__rec_verdict(&r, ev[j].stream, p->now);
		if ((rc = quell__store_put(h, w, p->scope, keys[i], &r)) != 0)
			return rc;
		for (size_t j = 0; j < nev; j++)
			if ((rc = quell__store_event(h, w, keys[i], &ev[j])) != 0)
				return rc;
	}
	p->w.have_from = 1;
	return 0;
}

/* One batch of history: drop events past `keep` per key or older than
 * max_age, with their change feed entries. */
static int prune_history_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	struct prune *p = vctx;
	size_t scanned = 0;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	p->batch.events_removed = 0;
	p->w = p->base;
	if ((rc = mdb_cursor_open(w->txn, h->store->history, &cur)) != 0)
		return quell__mdb_error(h, rc, "open history cursor");
	k.mv_size = p->w.fromlen;
	k.mv_data = p->w.from;
	rc = p->w.have_from ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)
	                  : mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	if (rc == 0 && p->w.have_from && k.mv_size == p->w.fromlen &&
	    memcmp(k.mv_data, p->w.from, p->w.fromlen) == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	while (rc == 0 && scanned < BATCH) {
		const unsigned char *kd = k.mv_data;
		const unsigned char *nul = memchr(kd, 0, k.mv_size);
		size_t glen = nul ? (size_t)(nul - kd) + 1 : k.mv_size;
		int64_t t;
		uint64_t seq;

		scanned++;
		if (nul == NULL || k.mv_size != glen + 16 || k.mv_size > sizeof p->w.from) {
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
			continue;
		}
		if (glen != p->w.grouplen || memcmp(kd, p->w.group, glen) != 0) {
			memcpy(p->w.group, kd, glen);
			p->w.grouplen = glen;
			p->w.ingroup = 0;
		}
		p->w.ingroup++;
		t = (int64_t)(~quell__be64_get(kd + glen) ^ (UINT64_C(1) << 63));
		seq = ~quell__be64_get(kd + glen + 8);
		memcpy(p->w.from, kd, k.mv_size);
		p->w.fromlen = k.mv_size;
		if (p->w.ingroup > p->keep || (p->max_age > 0 && t < p->now - p->max_age)) {
			unsigned char sk[8];
			MDB_val ck = { 8, sk };

			quell__be64_put(sk, seq);
			if ((rc = mdb_cursor_del(cur, 0)) != 0)
				break;
			rc = mdb_del(w->txn, h->store->changes, &ck, NULL);
			if (rc != 0 && rc != MDB_NOTFOUND)
				break;
			p->batch.events_removed++;
			/* seek past the deleted key: after a delete at the end of
			 * the table the cursor has no current item to step from */
			k.mv_size = p->w.fromlen;
			k.mv_data = p->w.from;
			rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
			continue;
		}
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return quell__mdb_error(h, rc, "prune history");
	p->w.done = rc == MDB_NOTFOUND;
	p->w.have_from = 1;
	return 0;
}

/* One batch of the seen ids: drop those seen before now - max_age. */
static int prune_seen_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	struct prune *p = vctx;
	size_t scanned = 0;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	p->w = p->base;
	if ((rc = quell__store_wcur(h, w, QUELL__T_SEEN, &cur)) != 0)
		return rc;
	k.mv_size = p->w.fromlen;
	k.mv_data = p->w.from;
	rc = p->w.have_from ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)
	                    : mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	while (rc == 0 && scanned++ < BATCH) {
		if (k.mv_size <= sizeof p->w.from) {
			memcpy(p->w.from, k.mv_data, k.mv_size);
			p->w.fromlen = k.mv_size;
			p->w.have_from = 1;
		}
		if (v.mv_size == 8 &&
		    (int64_t)quell__be64_get(v.mv_data) < p->now - p->max_age) {
			if ((rc = mdb_cursor_del(cur, 0)) != 0)
				break;
			/* the cursor's next item is the deleted one's successor */
			k.mv_size = p->w.fromlen;
			k.mv_data = p->w.from;
			rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
			continue;
		}
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		return quell__mdb_error(h, rc, "prune seen ids");
	p->w.done = rc == MDB_NOTFOUND;
	return 0;
}

enum walk_what { WALK_ENTRIES, WALK_HISTORY, WALK_SEEN };

static int run_batches(quell *h, quell__write_fn fn, struct prune *p, enum walk_what what)
{
	int rc;

	memset(&p->base, 0, sizeof p->base);
	while (!p->base.done) {
		if ((rc = quell__store_write(h, fn, p)) != 0)
			return rc;
		p->base = p->w;
		if (what == WALK_HISTORY)
			p->res.events_removed += p->batch.events_removed;
		else if (what == WALK_ENTRIES)
			p->res.entries_removed += p->batch.entries_removed;
	}
	return 0;
}

int quell_prune(quell *h, const struct quell_prune_options *opts, struct quell_prune_result *res)
{
	struct quell_prune_options def = QUELL_PRUNE_OPTIONS_INIT;
	struct quell__rules *rs;
	struct prune *p;
	int rc;

	if (h == NULL)
		return QUELL_EINVAL;
	if (opts == NULL)
		opts = &def;
	if (opts->version < 1 || opts->version > QUELL_PRUNE_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "prune options version %u is not supported",
		                    opts->version);
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	if ((rc = quell__rules_get(h, &rs)) != 0) {
		free(p);
		return rc;
	}
	p->give_up = quell__rules_backoff(rs)->give_up_after;
	quell__rules_unref(rs);
	p->now = quell__now(opts->now);
	p->keep = opts->keep ? opts->keep : KEEP_DEFAULT;
	p->max_age = opts->max_age ? opts->max_age : MAX_AGE_DEFAULT;
	p->scope = QUELL_SCOPE_DOMAIN;
	rc = run_batches(h, prune_entries_fn, p, WALK_ENTRIES);
	if (rc == 0) {
		p->scope = QUELL_SCOPE_ADDRESS;
		rc = run_batches(h, prune_entries_fn, p, WALK_ENTRIES);
	}
	if (rc == 0)
		rc = run_batches(h, prune_history_fn, p, WALK_HISTORY);
	if (rc == 0 && p->max_age > 0)
		rc = run_batches(h, prune_seen_fn, p, WALK_SEEN);
	if (res != NULL)
		*res = p->res;
	free(p);
	return rc;
}

/* ----------------------------------------------------------------- backup */

int quell_backup(quell *h, const char *dir)
{
	char path[4200];
	struct stat sb;

	if (h == NULL || dir == NULL || *dir == '\0')
		return quell__error(h, QUELL_EINVAL, "no backup directory given");
	if (h->store == NULL)
		return quell__error(h, QUELL_EINVAL, "no database is open");
	if (snprintf(path, sizeof path, "%s/data.mdb", dir) >= (int)sizeof path)
		return quell__error(h, QUELL_EINVAL, "backup path too long");
	if (stat(path, &sb) == 0)
		return quell__error(h, QUELL_EIO, "%s already holds a database; a backup never "
		                    "overwrites one", dir);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return quell__error(h, QUELL_EIO, "cannot create %s: %s", dir,
		                    strerror(errno));
	return quell__store_backup(h, dir);
}
