/*
 * import.c - bulk import (quell_import): rows from a format reader
 * (formats.h, readers.c) written in sorted batches.
 *
 * The rows are normalized and judged as they are read, packed (spill.h)
 * and collected into runs of RUN_BYTES, each sorted and (when there is
 * more than one) spilled to a temporary file (spill.c); the runs are then
 * merged in key order and written in batches of `batch` rows, each one
 * write transaction (one bulk write of the store: a sync a commit,
 * everything synced at the end; the map grown before a batch, not halfway
 * through it).  Sorted
 * as a whole, each batch writes one narrow stretch of the B-tree instead
 * of touching all of it; a stopped import keeps every batch it committed.
 * Memory is one run and one batch, whatever the input size.
 *
 * What a row does:
 *   quell's csv/jsonl   the entry is restored as it stands (no rules);
 *   --force-suppress    suppressed as it stands;
 *   a reply or status   recorded through the rules at the row's time, as
 *                       quell_record does, its code and status handed to
 *                       the reply parser apart (quell__reply_parse_parts;
 *                       a digest of the row is its id, so importing the
 *                       file again counts nothing twice);
 *   --list allow        allowed as it stands (no rules);
 *   otherwise           suppressed as it stands.
 * For quell's csv/jsonl, --list keeps only the rows of that list, and a
 * domain entry for a public suffix or a single label is restored like any
 * other (whatever the store holds, its own export restores); plain and
 * provider rows that name one are rejected.
 * A row equal to what is stored changes nothing (no event, no ttl step).
 *
 * The importer knows nothing of how rows are spelled in files.  What one
 * row does to the store is import_row.c's (entries and their events
 * through write.h, replies through record.h); the state of an import they
 * share is import.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "check.h"
#include "error.h"
#include "formats.h"
#include "import.h"
#include "names.h"
#include "rules.h"
#include "timefmt.h"

#define BATCH_ROWS 20000
#define RULES_WEIGHT 4          /* a row through the rules counts this many in
                                   a batch: it writes history on domain keys
                                   all over the tree, and every page it makes
                                   dirty is held in memory until the commit */
#define BATCH_BYTES (8u << 20)
#define BATCH_ROOM (32u << 20)  /* room in the map before a batch: it makes a few
                                   MB of pages dirty (a batch that met a full
                                   map was written again after the map grew:
                                   28,000 rows of the 1M bench list) */
#define RUN_BYTES (24u << 20)   /* rows sorted in memory before a spill ... */
#define RUN_BATCHES 64          /* ... or this many batches of them */
#define QUELL__EDRYRUN (-101)
#define TRIM_ROWS 64            /* rows through the rules between two looks at
                                   the resident set */
#define TRIM_OVER (40u << 20)   /* ... which, past this, has the map trimmed */
#define FUTURE_SLACK 86400      /* row times up to a day ahead: clocks and zones */

/* ------------------------------------------------------------ batch rows */

static void reject(struct quell__imp *m, size_t line, const char *reason)
{
	m->st.rejected++;
	if (m->o->reject != NULL)
		m->o->reject(m->o->payload, m->file, line, reason);
}

/* Room in the run for one more row: 0 or QUELL_ENOMEM. */
static int grow(struct quell__imp *m)
{
	size_t cap;
	struct quell__slot *p, *t;

	if (m->n < m->cap)
		return 0;
	cap = m->cap ? m->cap * 2 : 1024;
	p = realloc(m->slots, cap * sizeof *p);
	t = p ? realloc(m->tmp, cap * sizeof *t) : NULL;
	if (p != NULL)
		m->slots = p;
	if (t == NULL)
		return QUELL_ENOMEM;
	m->tmp = t;
	m->cap = cap;
	return 0;
}

/* 1 (reported) when a provider's or a plain row says it happened later
 * than a day after the import's now: a wrong clock, zone or column.  Taken
 * as it stands it would outlive every later change (in a fleet, last
 * writer wins on time: nothing could remove it before that date).  quell's
 * own rows restore what a database held, whatever its clock said. */
static int future(struct quell__imp *m, const struct quell__row *row)
{
	char when[32], err[QUELL_ERROR_MAX];

	if (row->restore || row->created <= m->now + FUTURE_SLACK)
		return 0;
	snprintf(err, sizeof err, "created %s is more than a day after now",
	         quell_time_format(row->created, when, sizeof when));
	reject(m, row->line, err);
	return 1;
}

/* Whether the row can be written: its entry normalized into key (of
 * keysize) and *scope, its names and status checked.  0, 1 when rejected
 * (reported), or QUELL_ENOMEM. */
static int judge(struct quell__imp *m, const struct quell__row *row, char *key, size_t keysize,
                 int *scope)
{
	const char *names[3] = { row->stream, row->category, row->rule };
	char err[QUELL_ERROR_MAX];
	int rc;

	/* quell's own rows restore whatever the store held, a domain backoff
	 * or entry for a public suffix or a single label too (older databases,
	 * a 421 for a@b); plain and provider rows never name one */
	rc = quell__entry_parse(row->entry, strlen(row->entry), m->h->lowercase_local,
	                        row->restore ? NULL : quell__psl(m->h), key, keysize, scope, err,
	                        sizeof err);
	if (rc == QUELL_ENOMEM)
		return rc;
	if (rc != 0) {
		reject(m, row->line, err);
		return 1;
	}
	if (row->scope != 0 && row->scope != *scope) {
		reject(m, row->line, *scope == QUELL_SCOPE_DOMAIN ? "scope says address, entry is a domain"
		                                                   : "scope says domain, entry is an address");
		return 1;
	}
	if (row->stream[0] != '\0' && !quell_stream_valid(row->stream)) {
		snprintf(err, sizeof err, "stream '%.40s': not a stream name (" QUELL__STREAM_RULE ")",
		         row->stream);
		reject(m, row->line, err);
		return 1;
	}
	for (int i = 1; i < 3; i++)
		if (names[i][0] != '\0' && !quell_name_valid(names[i])) {
			snprintf(err, sizeof err, "%s '%.40s' is not a name of [a-z0-9._-], under 64 bytes",
			         i == 0 ? "stream" : i == 1 ? "category" : "rule", names[i]);
			reject(m, row->line, err);
			return 1;
		}
	if (strlen(row->status) >= QUELL_STATUS_MAX) {
		reject(m, row->line, "status too long");
		return 1;
	}
	return future(m, row);
}

/* What writing the row means (see the top of the file). */
static enum quell__imp_kind kind_of(const struct quell__imp *m, const struct quell__row *row,
                                    int scope)
{
	if (row->restore)
		return QUELL__IMP_RESTORE;
	if (m->o->force_suppress || m->o->list == QUELL_LIST_ALLOW)
		return QUELL__IMP_PUT; /* as it stands, on the list asked for */
	if ((row->reply[0] || row->status[0] || row->code) && scope == QUELL_SCOPE_ADDRESS &&
	    row->source != QUELL_SOURCE_COMPLAINT && row->source != QUELL_SOURCE_UNSUBSCRIBE)
		return QUELL__IMP_RULES;
	return QUELL__IMP_PUT;
}

/* Judge a row and pack it into the run; 0, or 1 when rejected. */
static int take(struct quell__imp *m, const struct quell__row *row)
{
	struct quell__item item, *it = &item;
	char key[QUELL_ENTRY_MAX];
	const unsigned char *rec;
	int rc, scope = 0;

	if ((rc = grow(m)) != 0 || (rc = judge(m, row, key, sizeof key, &scope)) != 0)
		return rc;
	it->scope = scope;
	it->doff = 0;
	if (scope == QUELL_SCOPE_ADDRESS) {
		const char *at = strrchr(key, '@');
		it->doff = at ? (size_t)(at - key) + 1 : 0;
	}
	it->kind = kind_of(m, row, scope);
	it->reported = 0;
	/* a row without a list is restored on the suppress list */
	if (row->restore && m->o->list != 0 &&
	    (row->list != 0 ? row->list : QUELL_LIST_SUPPRESS) != m->o->list) {
		m->st.skipped++;
		return 1;
	}
	m->st.repaired += row->repaired != 0;
	it->row = *row;
	it->row.entry = "";
	it->key = key;
	m->pack.len = 0;
	quell__item_pack(&m->pack, it);
	if (m->pack.oom || (rec = quell__arena_copy(&m->arena, m->pack.data, m->pack.len)) == NULL)
		return QUELL_ENOMEM;
	m->slots[m->n++] = quell__slot_of(rec);
	return 0;
}

/* -------------------------------------------------------------- writing */

static int batch_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	struct quell__imp *m = vctx;
	int rc = 0;

	memset(&m->batch, 0, sizeof m->batch);
	m->st.rejected = m->rejected_before; /* a batch written again counts afresh */
	quell__store_dwarm(h, w, TRIM_OVER); /* the domain cache: a filter of every key */
	for (size_t i = 0, weight = 0; i < m->bn && rc == 0; i++) {
		rc = quell__imp_write_row(m, w, &m->bitems[i]);
		/* rows through the rules read pages all over the domain tables:
		 * keep the resident set flat inside a batch too, trimming only
		 * when it grows (each trim makes the hot pages fault again).
		 * Looked at every TRIM_ROWS rows through the rules, every
		 * TRIM_ROWS * RULES_WEIGHT plain rows (they read a narrow
		 * stretch of each tree) */
		weight += m->bitems[i].kind == QUELL__IMP_RULES ? RULES_WEIGHT : 1;
		if (weight >= TRIM_ROWS * RULES_WEIGHT) {
			weight = 0;
			quell__store_wtrim(h, w, TRIM_OVER);
		}
	}
	if (rc == 0 && m->o->dry_run)
		return QUELL__EDRYRUN;
	return rc;
}

/* Tell the progress callback how far the import is: 0, or QUELL_ECANCELED
 * with its message when the callback says stop. */
static int progress(struct quell__imp *m)
{
	if (m->o->progress == NULL || m->o->progress(m->o->payload, &m->st) == 0)
		return 0;
	return quell__error(m->h, QUELL_ECANCELED,
	                    "import canceled by its progress callback after %llu rows were written",
	                    (unsigned long long)m->st.written);
}

/* Write the batch bitems[0..bn) in one transaction, and start the next. */
static int write_batch(struct quell__imp *m)
{
	int rc;

	if (m->bn == 0)
		return 0;
	m->rejected_before = m->st.rejected;
	if ((rc = quell__store_room(m->h, BATCH_ROOM)) != 0)
		return rc;
	rc = quell__store_write_bulk(m->h, batch_fn, m);
	if (rc == QUELL__EDRYRUN)
		rc = 0;
	if (rc != 0) {
		m->st.rejected = m->rejected_before;
		return rc;
	}
	m->st.imported += m->batch.imported;
	m->st.updated += m->batch.updated;
	m->st.skipped += m->batch.skipped;
	m->st.written += m->bn;
	m->bn = 0;
	m->bweight = 0;
	/* no trim here: batch_fn trims when the resident set is over
	 * TRIM_OVER, and a trim after every batch made each batch fault the
	 * map's hot pages (the trees' upper levels) in again */
	return progress(m);
}

/* The run collected so far, sorted, to disk.  0, or an error with its
 * message set. */
static int spill(struct quell__imp *m)
{
	int rc;

	if (m->runs == NULL && quell__runs_new(&m->runs) != 0)
		return quell__error(m->h, QUELL_ENOMEM, "out of memory");
	quell__slots_sort(m->slots, m->tmp, m->n);
	if ((rc = quell__runs_spill(m->runs, m->slots, m->n)) != 0)
		return quell__error(m->h, rc, "%s", quell__runs_error(m->runs));
	m->n = 0;
	quell__arena_reset(&m->arena);
	return 0;
}

/* A packed row into the batch, written when full.  `rec` must live until
 * the batch is written.  0, or an error with its message set (the store
 * sets its own). */
static int add_row(struct quell__imp *m, const unsigned char *rec, size_t len, size_t batch)
{
	if (quell__item_unpack(&m->bitems[m->bn], rec, len) != 0)
		return quell__error(m->h, QUELL_EINTERNAL, "import: a sorted row is damaged");
	m->bweight += m->bitems[m->bn].kind == QUELL__IMP_RULES ? RULES_WEIGHT : 1;
	if (++m->bn == batch || m->bweight >= batch || m->barena.bytes >= BATCH_BYTES) {
		int rc = write_batch(m);
		quell__arena_reset(&m->barena);
		return rc;
	}
	return 0;
}

/* Everything read: write it all in key order, batch by batch.  0, or an
 * error with its message set, once, by whatever failed: the store, the
 * temporary files (spill.c), memory. */
static int write_all(struct quell__imp *m, size_t batch)
{
	const unsigned char *rec;
	size_t len;
	int rc;

	if ((m->bitems = malloc(batch * sizeof *m->bitems)) == NULL)
		return quell__error(m->h, QUELL_ENOMEM, "out of memory");
	if (m->runs == NULL) { /* one run: sort it in memory */
		quell__slots_sort(m->slots, m->tmp, m->n);
		for (size_t i = 0; i < m->n; i++) {
			len = quell__packed_size(m->slots[i].rec, QUELL__ROW_MAX * 8u + 1024);
			if ((rc = add_row(m, m->slots[i].rec, len, batch)) != 0)
				return rc;
		}
		return write_batch(m);
	}
	if (m->n > 0 && (rc = spill(m)) != 0)
		return rc;
	free(m->slots); /* the run's room goes to the batch */
	free(m->tmp);
	m->slots = m->tmp = NULL;
	m->cap = 0;
	quell__arena_free(&m->arena);
	while ((rc = quell__runs_next(m->runs, &rec, &len)) == 1) {
		const unsigned char *copy = quell__arena_copy(&m->barena, rec, len);

		if (copy == NULL)
			return quell__error(m->h, QUELL_ENOMEM, "out of memory");
		if ((rc = add_row(m, copy, len, batch)) != 0)
			return rc;
	}
	if (rc < 0)
		return quell__error(m->h, rc, "%s", quell__runs_error(m->runs));
	return write_batch(m);
}

/* write_all as one bulk write of the store (quell__store_bulk): each
 * batch's commit syncs the data once, the end syncs everything.  0, or an
 * error with its message set (write_all's first). */
static int write_bulk(struct quell__imp *m, size_t batch)
{
	int rc, end;

	if (m->o->dry_run)
		return write_all(m, batch);
	(void)quell__store_bulk(m->h, 1);
	rc = write_all(m, batch);
	end = quell__store_bulk(m->h, 0);
	if (rc == 0 && end != 0)
		rc = quell__error(m->h, QUELL_EIO, "import: the database could not be synced: %s",
		                  strerror(end));
	return rc;
}

/* The options, checked before anything is read.  0, or QUELL_EINVAL
 * with its message set. */
static int check_opts(quell *h, const struct quell_import_options *opts)
{
	if (opts->version < 1 || opts->version > QUELL_IMPORT_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "import options version %u is not supported",
		                    opts->version);
	if (opts->list != 0 && opts->list != QUELL_LIST_SUPPRESS && opts->list != QUELL_LIST_ALLOW &&
	    opts->list != QUELL_LIST_BACKOFF)
		return quell__error(h, QUELL_EINVAL, "import: unknown list %d", opts->list);
	return quell__stream_check(h, opts->stream, 0);
}

/* Every row of rd judged and collected into runs (spilled when one is
 * full).  0, or an error with its message set. */
static int read_all(struct quell__imp *m, struct quell__reader *rd, size_t batch)
{
	struct quell__row row;
	size_t line = 0;
	int rc;

	for (;;) {
		rc = quell__reader_next(rd, &row, &line, m->err, sizeof m->err);
		if (rc == 0)
			break;
		if (rc == QUELL_EDATA) {
			m->st.read++;
			reject(m, line, m->err);
			continue;
		}
		if (rc < 0)
			return quell__error(m->h, rc, "%s", m->err);
		m->st.read++;
		m->st.bytes = quell__reader_bytes(rd);
		if ((m->st.read & 0xffff) == 0 && (rc = progress(m)) != 0)
			return rc; /* still reading: canceled */
		if ((rc = take(m, &row)) < 0)
			return quell__error(m->h, rc, "out of memory");
		if ((m->arena.bytes + m->n * 2 * sizeof *m->slots >= RUN_BYTES ||
		     m->n >= RUN_BATCHES * batch) &&
		    (rc = spill(m)) != 0)
			return rc;
	}
	m->st.bytes = quell__reader_bytes(rd);
	return 0;
}

int quell_import(quell *h, FILE *in, const struct quell_import_options *opts,
                 struct quell_import_stats *stats)
{
	struct quell_import_options def = QUELL_IMPORT_OPTIONS_INIT;
	struct quell__reader *rd = NULL;
	struct quell__imp *m;
	size_t batch;
	int rc;

	if (stats != NULL)
		memset(stats, 0, sizeof *stats);
	if (h == NULL || in == NULL)
		return quell__error(h, QUELL_EINVAL, "import: NULL argument");
	if (opts == NULL)
		opts = &def;
	if ((rc = check_opts(h, opts)) != 0)
		return rc;
	if (h->store == NULL)
		return quell__error(h, QUELL_EINVAL, "no database is open");
	m = calloc(1, sizeof *m);
	if (m == NULL || (m->job = calloc(1, sizeof *m->job)) == NULL) {
		free(m);
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	}
	m->h = h;
	m->o = opts;
	m->file = opts->filename ? opts->filename : "-";
	m->now = quell__now(opts->now);
	batch = opts->batch ? opts->batch : BATCH_ROWS;
	rc = quell__reader_open(in, opts->format, m->file, &rd, m->err, sizeof m->err);
	if (rc != 0) {
		rc = quell__error(h, rc, "%s", m->err);
		goto out;
	}
	m->st.format = quell__reader_format(rd);
	if (opts->list == QUELL_LIST_BACKOFF && strcmp(m->st.format, "csv") != 0 &&
	    strcmp(m->st.format, "jsonl") != 0) {
		rc = quell__error(h, QUELL_EINVAL,
		                  "list backoff: only csv and jsonl rows hold backoff state, not %s",
		                  m->st.format);
		goto out;
	}
	if (!opts->force_suppress && (rc = quell__rules_get(h, &m->rs)) != 0)
		goto out;
	if (!opts->force_suppress && quell__rules_cache_new(&m->job->cache) != 0) {
		rc = quell__error(h, QUELL_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = read_all(m, rd, batch)) == 0 && (rc = write_bulk(m, batch)) == 0 &&
	    m->o->progress != NULL)
		(void)m->o->progress(m->o->payload, &m->st); /* too late to cancel */
out:
	if (stats != NULL)
		*stats = m->st;
	quell__reader_close(rd);
	quell__rules_unref(m->rs);
	quell__rules_cache_free(m->job->cache);
	quell__arena_free(&m->arena);
	quell__arena_free(&m->barena);
	quell__runs_free(m->runs);
	free(m->bitems);
	free(m->slots);
	free(m->tmp);
	quell__buf_free(&m->pack);
	free(m->job);
	free(m);
	return rc;
}
