/*
 * importer.c - bulk import (quell_import): rows from a format reader
 * (formats.h, import.c) written in sorted batches.
 *
 * The rows are normalized and judged as they are read, packed (spill.h)
 * and collected into runs of RUN_BYTES, each sorted and (when there is
 * more than one) spilled to a temporary file (spill.c); the runs are then
 * merged in key order and written in batches of `batch` rows, each one
 * write transaction.  Sorted
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
 * The importer knows nothing of how rows are spelled in files; entries and
 * their events are written through write.h, replies through policy.h.
 */
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "check.h"
#include "digest.h"
#include "error.h"
#include "names.h"
#include "formats.h"
#include "arena.h"
#include "policy.h"
#include "spill.h"
#include "store.h"
#include "write.h"

#define BATCH_ROWS 20000
#define RULES_WEIGHT 4          /* a row through the rules counts this many in
                                   a batch: it writes history on domain keys
                                   all over the tree, and every page it makes
                                   dirty is held in memory until the commit */
#define BATCH_BYTES (8u << 20)
#define RUN_BYTES (24u << 20)   /* rows sorted in memory before a spill ... */
#define RUN_BATCHES 64          /* ... or this many batches of them */
#define QUELL__EDRYRUN (-101)
#define TRIM_ROWS 64            /* rows between two looks at the resident set */
#define TRIM_OVER (40u << 20)   /* ... which, past this, has the map trimmed */

/* ------------------------------------------------------------ batch rows */

enum kind { K_RESTORE, K_PUT, K_RULES };

struct imp {
	quell *h;
	const struct quell_import_options *o;
	const char *file;
	int64_t now;
	struct quell_import_stats st;
	struct quell__slot *slots; /* the run being collected ... */
	struct quell__slot *tmp;   /* ... and the sort's scratch */
	size_t n, cap;
	struct quell__arena arena; /* its packed rows */
	struct quell__buf pack;    /* packing scratch */
	struct quell__runs *runs;  /* runs spilled so far */
	struct quell__item *bitems; /* the batch being written: bitems[0..bn) */
	size_t bn, bweight;         /* rows in it, and their weight */
	struct quell__arena barena; /* its packed rows, when merged from runs */
	struct quell__rules *rs;
	uint64_t rejected_before;        /* st.rejected before the batch was written */
	struct quell__job *job;
	struct quell_import_stats batch; /* counts of the batch being written */
	char err[QUELL_ERROR_MAX + 64];
};

static void reject(struct imp *m, size_t line, const char *reason)
{
	m->st.rejected++;
	if (m->o->reject != NULL)
		m->o->reject(m->o->ctx, m->file, line, reason);
}

/* A row refused while its batch is written.  A batch is written again
 * when the map had to grow: the row is counted again (the count started
 * over) but reported once. */
static void reject_item(struct imp *m, struct quell__item *it, const char *reason)
{
	m->st.rejected++;
	if (!it->reported && m->o->reject != NULL)
		m->o->reject(m->o->ctx, m->file, it->row.line, reason);
	it->reported = 1;
}

static int name_ok(const char *s)
{
	if (strlen(s) >= QUELL_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' ||
		      *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* Room in the run for one more row: 0 or QUELL_ENOMEM. */
static int grow(struct imp *m)
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

/* Whether the row can be written: its entry normalized into key (of
 * keysize) and *scope, its names and status checked.  0, 1 when rejected
 * (reported), or QUELL_ENOMEM. */
static int judge(struct imp *m, const struct quell__row *row, char *key, size_t keysize,
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
		if (!name_ok(names[i])) {
			snprintf(err, sizeof err, "%s '%.40s' is not a name of [a-z0-9._-], under 64 bytes",
			         i == 0 ? "stream" : i == 1 ? "category" : "rule", names[i]);
			reject(m, row->line, err);
			return 1;
		}
	if (strlen(row->status) >= QUELL_STATUS_MAX) {
		reject(m, row->line, "status too long");
		return 1;
	}
	return 0;
}

/* What writing the row means (see the top of the file). */
static enum kind kind_of(const struct imp *m, const struct quell__row *row, int scope)
{
	if (row->restore)
		return K_RESTORE;
	if (m->o->force_suppress || m->o->list == QUELL_LIST_ALLOW)
		return K_PUT; /* as it stands, on the list asked for */
	if ((row->reply[0] || row->status[0] || row->code) && scope == QUELL_SCOPE_ADDRESS &&
	    row->source != QUELL_SOURCE_COMPLAINT && row->source != QUELL_SOURCE_UNSUBSCRIBE)
		return K_RULES;
	return K_PUT;
}

/* Judge a row and pack it into the run; 0, or 1 when rejected. */
static int take(struct imp *m, const struct quell__row *row)
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

static int same_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static int same_entry(const struct quell_entry *a, const struct quell_entry *b)
{
	return a->list == b->list && a->source == b->source && a->code == b->code &&
	       a->attempts == b->attempts && a->count == b->count && a->created == b->created &&
	       a->updated == b->updated && a->expires == b->expires && a->until == b->until &&
	       a->first_failure == b->first_failure && same_str(a->stream, b->stream) &&
	       same_str(a->category, b->category) && same_str(a->rule, b->rule) &&
	       same_str(a->status, b->status) && same_str(a->reply, b->reply) &&
	       same_str(a->reason, b->reason);
}

static int action_of(int list)
{
	return list == QUELL_LIST_ALLOW ? QUELL_ACTION_ALLOW
	       : list == QUELL_LIST_BACKOFF ? QUELL_ACTION_BACKOFF : QUELL_ACTION_SUPPRESS;
}

/* The entry a restore or put row stands for. */
static void row_entry(const struct imp *m, const struct quell__item *it, struct quell_entry *e)
{
	const struct quell__row *row = &it->row;

	memset(e, 0, sizeof *e);
	e->source = row->source ? row->source : QUELL_SOURCE_IMPORT;
	e->code = row->code;
	e->status = row->status;
	e->reply = row->reply;
	e->reason = row->reason;
	e->created = row->created ? row->created : m->now;
	if (it->kind == K_RESTORE) {
		e->list = row->list ? row->list : QUELL_LIST_SUPPRESS;
		e->stream = row->stream;
		e->category = row->category;
		e->rule = row->rule;
		e->updated = row->updated ? row->updated : e->created;
		e->expires = row->expires;
		e->until = row->until;
		e->first_failure = row->first_failure;
		e->attempts = row->attempts;
		e->count = row->count;
		return;
	}
	e->list = m->o->list == QUELL_LIST_ALLOW ? QUELL_LIST_ALLOW : QUELL_LIST_SUPPRESS;
	e->stream = row->stream[0] ? row->stream
	            : (e->source == QUELL_SOURCE_BOUNCE || e->source == QUELL_SOURCE_COMPLAINT ||
	               m->o->stream == NULL) ? "" : m->o->stream;
	/* a bounce no rule judged is filed under where it came from */
	e->category = row->category[0] ? row->category
	              : quell__default_category(e->source == QUELL_SOURCE_BOUNCE ? QUELL_SOURCE_IMPORT
	                                                                         : e->source);
	e->rule = "";
	e->updated = e->created;
	e->count = e->list == QUELL_LIST_SUPPRESS ? 1 : 0;
}

/* Whether the stored entry old already says what e says: to the last
 * field for a restore; for a put, the same source, category, reason and
 * reply, still in force. */
static int unchanged(const struct imp *m, const struct quell__item *it,
                     const struct quell_entry *old, const struct quell_entry *e)
{
	if (it->kind == K_RESTORE)
		return same_entry(old, e);
	return old->source == e->source && same_str(old->category, e->category) &&
	       same_str(old->reason, e->reason) && same_str(old->reply, e->reply) &&
	       quell__entry_live(old, m->now);
}

/* A restore or put row: its entry, unless the stored one says the same,
 * and its event. */
static int put_row(struct imp *m, struct quell__wtxn *w, struct quell__item *it)
{
	struct quell__rec *r = &m->job->rec;
	struct quell_entry e;
	struct quell_event ev;
	struct quell__change ch = { it->scope, it->key, r, &ev, 1, NULL, m->now, NULL, NULL };
	int i, rc, created;

	row_entry(m, it, &e);
	if ((rc = quell__store_load(m->h, w, it->scope, it->key, r)) != 0)
		return rc;
	if ((i = quell__write_slot(r, e.list, e.stream, m->now, &created)) < 0) {
		reject_item(m, it, "too many entries for one key");
		return 0;
	}
	if (!created) {
		const struct quell_entry *old = &r->ent[i].e;

		if (unchanged(m, it, old, &e)) {
			m->batch.skipped++;
			return 0;
		}
		if (it->kind != K_RESTORE) { /* keep what the list knew */
			e.created = old->created < e.created && old->created ? old->created : e.created;
			e.count = old->count + (e.list == QUELL_LIST_SUPPRESS);
			e.updated = m->now > e.created ? m->now : e.created;
		}
		m->batch.updated++;
	} else
		m->batch.imported++;
	r->ent[i].e = e;
	r->ent[i].ext = NULL;
	r->ent[i].extlen = 0;
	memset(&ev, 0, sizeof ev);
	ev.time = it->kind == K_RESTORE ? e.updated : m->now;
	ev.list = e.list;
	ev.stream = e.stream;
	ev.source = e.source;
	ev.action = action_of(e.list);
	ev.rule = e.rule;
	ev.category = e.category;
	ev.code = e.code;
	ev.status = e.status;
	ev.reply = e.reply;
	ev.reason = e.reason;
	ev.until = e.list == QUELL_LIST_BACKOFF ? e.until : e.expires;
	return quell__write_change(m->h, w, &ch);
}

/* The row's id, so that importing a file again counts nothing twice: a
 * digest of its time and its reply as one string (the lead that its code
 * and status make, then its text, cut where the parser cuts). */
static void row_id(const struct quell__row *row, int64_t t, unsigned char digest[8])
{
	char lead[QUELL__REPLY_LEAD_MAX];
	size_t llen = quell__reply_lead(row->code, row->status, row->reply, lead, sizeof lead);
	size_t len = strlen(row->reply);
	uint64_t hsh = QUELL__FNV64_INIT;

	if (len > QUELL__REPLY_IN_MAX - llen)
		len = QUELL__REPLY_IN_MAX - llen;
	hsh = quell__fnv64(hsh, &t, sizeof t);
	hsh = quell__fnv64(hsh, lead, llen);
	hsh = quell__fnv64(hsh, row->reply, len);
	quell__be64_put(digest, hsh);
}

/* A row with a reply: through the rules, as quell_record does, its code
 * and status given apart as the provider gave them. */
static int rules_row(struct imp *m, struct quell__wtxn *w, struct quell__item *it)
{
	struct quell__job *j = m->job;
	const struct quell__row *row = &it->row;
	struct quell_outcome out;
	unsigned char digest[8];
	int rc;

	rc = quell__reply_parse_parts(row->code, row->status, row->reply, j->p.textbuf,
	                              sizeof j->p.textbuf, &j->p.reply, m->err, sizeof m->err);
	if (rc == QUELL_EDATA) {
		reject_item(m, it, m->err);
		return 0;
	}
	if (rc != 0)
		return quell__error(m->h, rc, "%s", m->err);
	memcpy(j->p.addr, it->key, strlen(it->key) + 1);
	j->p.doff = it->doff;
	memcpy(j->p.domain, it->key + it->doff, strlen(it->key + it->doff) + 1);
	j->rs = m->rs;
	j->now = row->created ? row->created : m->now;
	j->source = QUELL_SOURCE_BOUNCE;
	row_id(row, j->now, digest);
	j->queue_id = (const char *)digest;
	j->queue_id_len = 8;
	j->queue_kind = 'i';
	j->message_id = NULL;
	j->message_id_len = 0;
	j->out = &out;
	memset(&out, 0, sizeof out);
	if ((rc = quell__record_txn(m->h, w, j)) != 0)
		return rc;
	if (out.duplicate || out.action == QUELL_ACTION_IGNORE || out.action == QUELL_ACTION_CLEAR)
		m->batch.skipped++;
	else
		m->batch.imported++;
	return 0;
}

static int batch_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	struct imp *m = vctx;
	int rc = 0;

	memset(&m->batch, 0, sizeof m->batch);
	m->st.rejected = m->rejected_before; /* a batch written again counts afresh */
	for (size_t i = 0; i < m->bn && rc == 0; i++) {
		rc = m->bitems[i].kind == K_RULES ? rules_row(m, w, &m->bitems[i])
		                                  : put_row(m, w, &m->bitems[i]);
		/* rows through the rules read pages all over the domain tables:
		 * keep the resident set flat inside a batch too, trimming only
		 * when it grows (each trim makes the hot pages fault again) */
		if ((i + 1) % TRIM_ROWS == 0)
			quell__store_wtrim(h, w, TRIM_OVER);
	}
	if (rc == 0 && m->o->dry_run)
		return QUELL__EDRYRUN;
	return rc;
}

/* Write the batch bitems[0..bn) in one transaction, and start the next. */
static int write_batch(struct imp *m)
{
	int rc;

	if (m->bn == 0)
		return 0;
	m->rejected_before = m->st.rejected;
	rc = quell__store_write(m->h, batch_fn, m);
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
	quell__store_trim(m->h);
	if (m->o->progress != NULL)
		m->o->progress(m->o->ctx, &m->st);
	return 0;
}

/* The run collected so far, sorted, to disk.  0, or an error with its
 * message set. */
static int spill(struct imp *m)
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
static int add_row(struct imp *m, const unsigned char *rec, size_t len, size_t batch)
{
	if (quell__item_unpack(&m->bitems[m->bn], rec, len) != 0)
		return quell__error(m->h, QUELL_EINTERNAL, "import: a sorted row is damaged");
	m->bweight += m->bitems[m->bn].kind == K_RULES ? RULES_WEIGHT : 1;
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
static int write_all(struct imp *m, size_t batch)
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
static int read_all(struct imp *m, struct quell__reader *rd, size_t batch)
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
		if ((m->st.read & 0xffff) == 0 && m->o->progress != NULL)
			m->o->progress(m->o->ctx, &m->st); /* still reading */
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
	struct imp *m;
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
	if (m == NULL || (m->job = malloc(sizeof *m->job)) == NULL) {
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
	if ((opts->force_suppress || (rc = quell__rules_get(h, &m->rs)) == 0) &&
	    (rc = read_all(m, rd, batch)) == 0 && (rc = write_all(m, batch)) == 0 &&
	    m->o->progress != NULL)
		m->o->progress(m->o->ctx, &m->st);
out:
	if (stats != NULL)
		*stats = m->st;
	quell__reader_close(rd);
	quell__rules_unref(m->rs);
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
