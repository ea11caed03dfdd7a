/*
 * importer.c - bulk import (quell_import): rows from a format reader
 * (formats.h, import.c) written in sorted batches.
 *
 * A batch is up to `batch` rows or BATCH_BYTES of their text, whichever
 * comes first; its rows are normalized, sorted by (scope, key, line) and
 * written in one write transaction, so LMDB sees keys in order (several
 * times faster than random order) and a stopped import keeps every batch
 * it committed.  Memory is the batch, whatever the input size.
 *
 * What a row does:
 *   quell's csv/jsonl   the entry is restored as it stands (no rules);
 *                       --list keeps only the rows of that list;
 *   --force-suppress    suppressed as it stands;
 *   --list allow        allowed as it stands;
 *   a reply or status   recorded through the rules at the row's time, as
 *                       quell_record does (a digest of the row is its id,
 *                       so importing the file again counts nothing twice);
 *   otherwise           suppressed as it stands.
 * A row equal to what is stored changes nothing (no event, no ttl step).
 *
 * The importer knows nothing of how rows are spelled in files.
 */
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "check.h"
#include "error.h"
#include "formats.h"
#include "policy.h"
#include "store.h"

#define BATCH_ROWS 20000
#define BATCH_BYTES (8u << 20)
#define CHUNK (1u << 20)
#define QUELL__EDRYRUN (-101)

/* ---------------------------------------------------------------- arena */

/* Strings of one batch: chunks that are never moved, reused batch after
 * batch. */
struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

struct arena {
	struct chunk *head, *cur;
	size_t bytes;
};

static const char *arena_dup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	struct chunk *c = a->cur;

	if (n == 1)
		return "";
	while (c != NULL && c->size - c->used < n)
		c = c->next;
	if (c == NULL) {
		size_t size = n > CHUNK ? n : CHUNK;
		c = malloc(sizeof *c + size);
		if (c == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	a->cur = c;
	memcpy(c->data + c->used, s, n);
	c->used += n;
	a->bytes += n;
	return c->data + c->used - n;
}

static void arena_reset(struct arena *a)
{
	for (struct chunk *c = a->head; c != NULL; c = c->next)
		c->used = 0;
	a->cur = a->head;
	a->bytes = 0;
}

static void arena_free(struct arena *a)
{
	while (a->head != NULL) {
		struct chunk *n = a->head->next;
		free(a->head);
		a->head = n;
	}
	a->cur = NULL;
}

/* ------------------------------------------------------------ batch rows */

enum kind { K_RESTORE, K_PUT, K_RULES };

struct item {
	struct quell__row row;  /* strings in the arena */
	char key[QUELL_ENTRY_MAX];
	size_t doff;            /* address: offset of the domain in key */
	int scope;
	enum kind kind;
	int reported;           /* refused while written, and reported */
};

struct imp {
	quell *h;
	const struct quell_import_options *o;
	const char *file;
	int64_t now;
	struct quell_import_stats st;
	struct item *items;
	size_t n, cap;
	struct arena arena;
	struct quell__rules *rs;
	struct quell__job *job;
	struct quell_import_stats batch; /* counts of the batch being written */
	uint64_t rejected_before;        /* st.rejected before the batch was written */
	char err[QUELL_ERROR_MAX + 64];
};

static int by_key(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c;

	if (x->scope != y->scope)
		return x->scope - y->scope;
	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return x->row.line < y->row.line ? -1 : x->row.line > y->row.line;
}

static void reject(struct imp *m, size_t line, const char *reason)
{
	m->st.rejected++;
	if (m->o->reject != NULL)
		m->o->reject(m->o->ctx, m->file, line, reason);
}

/* A row refused while its batch is written.  A batch is written again
 * when the map had to grow: the row is counted again (the count started
 * over) but reported once. */
static void reject_item(struct imp *m, struct item *it, const char *reason)
{
	m->st.rejected++;
	if (!it->reported && m->o->reject != NULL)
		m->o->reject(m->o->ctx, m->file, it->row.line, reason);
	it->reported = 1;
}

static const char *default_category(int source)
{
	switch (source) {
	case QUELL_SOURCE_UNSUBSCRIBE: return "unsubscribe";
	case QUELL_SOURCE_COMPLAINT: return "complaint";
	case QUELL_SOURCE_MANUAL: return "manual";
	default: return "import";
	}
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

/* Judge a row and copy it into the batch; 0, or 1 when rejected. */
static int take(struct imp *m, const struct quell__row *row)
{
	struct item *it;
	char err[QUELL_ERROR_MAX];
	const char *names[3] = { row->stream, row->category, row->rule };
	int rc, scope = 0;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		struct item *p = realloc(m->items, cap * sizeof *p);
		if (p == NULL)
			return QUELL_ENOMEM;
		m->items = p;
		m->cap = cap;
	}
	it = &m->items[m->n];
	rc = quell__entry_parse(row->entry, strlen(row->entry), m->h->lowercase_local,
	                        quell__psl(m->h), it->key, sizeof it->key, &scope, err, sizeof err);
	if (rc == QUELL_ENOMEM)
		return rc;
	if (rc != 0) {
		reject(m, row->line, err);
		return 1;
	}
	if (row->scope != 0 && row->scope != scope) {
		reject(m, row->line, scope == QUELL_SCOPE_DOMAIN ? "scope says address, entry is a domain"
		                                                  : "scope says domain, entry is an address");
		return 1;
	}
	for (int i = 0; i < 3; i++)
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
	it->scope = scope;
	it->doff = 0;
	if (scope == QUELL_SCOPE_ADDRESS) {
		const char *at = strrchr(it->key, '@');
		it->doff = at ? (size_t)(at - it->key) + 1 : 0;
	}
	if (row->restore)
		it->kind = K_RESTORE;
	else if (m->o->force_suppress || m->o->list == QUELL_LIST_ALLOW)
		it->kind = K_PUT; /* as it stands, on the list asked for */
	else if ((row->reply[0] || row->status[0] || row->code) && scope == QUELL_SCOPE_ADDRESS &&
	         row->source != QUELL_SOURCE_COMPLAINT && row->source != QUELL_SOURCE_UNSUBSCRIBE)
		it->kind = K_RULES;
	else
		it->kind = K_PUT;
	it->reported = 0;
	/* a row without a list is restored on the suppress list */
	if (row->restore && m->o->list != 0 &&
	    (row->list != 0 ? row->list : QUELL_LIST_SUPPRESS) != m->o->list) {
		m->st.skipped++;
		return 1;
	}
	it->row = *row;
	it->row.entry = "";
	it->row.stream = arena_dup(&m->arena, row->stream);
	it->row.category = arena_dup(&m->arena, row->category);
	it->row.rule = arena_dup(&m->arena, row->rule);
	it->row.status = arena_dup(&m->arena, row->status);
	it->row.reply = arena_dup(&m->arena, row->reply);
	it->row.reason = arena_dup(&m->arena, row->reason);
	if (!it->row.stream || !it->row.category || !it->row.rule || !it->row.status ||
	    !it->row.reply || !it->row.reason)
		return QUELL_ENOMEM;
	m->n++;
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

static int load(quell *h, MDB_txn *txn, int scope, const char *key, struct quell__rec *r)
{
	MDB_val v;
	int rc = quell__store_get(h, txn, scope, key, strlen(key), &v);

	r->n = 0;
	if (rc < 0)
		return rc;
	if (rc == 0 && quell__rec_decode(r, v.mv_data, v.mv_size) != 0)
		return quell__error(h, QUELL_EDB, "database: the record of %s is damaged", key);
	return 0;
}

static int action_of(int list)
{
	return list == QUELL_LIST_ALLOW ? QUELL_ACTION_ALLOW
	       : list == QUELL_LIST_BACKOFF ? QUELL_ACTION_BACKOFF : QUELL_ACTION_SUPPRESS;
}

/* A restore or put row: build its entry, compare, write it and its event. */
static int put_row(struct imp *m, struct quell__wtxn *w, struct item *it)
{
	struct quell__rec *r = &m->job->rec;
	const struct quell__row *row = &it->row;
	struct quell_entry e;
	struct quell_event ev;
	int i, rc;

	memset(&e, 0, sizeof e);
	if (it->kind == K_RESTORE) {
		e.list = row->list ? row->list : QUELL_LIST_SUPPRESS;
		e.source = row->source ? row->source : QUELL_SOURCE_IMPORT;
		e.stream = row->stream;
		e.category = row->category;
		e.rule = row->rule;
		e.code = row->code;
		e.status = row->status;
		e.reply = row->reply;
		e.reason = row->reason;
		e.created = row->created ? row->created : m->now;
		e.updated = row->updated ? row->updated : e.created;
		e.expires = row->expires;
		e.until = row->until;
		e.first_failure = row->first_failure;
		e.attempts = row->attempts;
		e.count = row->count;
	} else {
		e.list = m->o->list == QUELL_LIST_ALLOW ? QUELL_LIST_ALLOW : QUELL_LIST_SUPPRESS;
		e.source = row->source ? row->source : QUELL_SOURCE_IMPORT;
		e.stream = row->stream[0] ? row->stream
		           : (e.source == QUELL_SOURCE_BOUNCE || e.source == QUELL_SOURCE_COMPLAINT ||
		              m->o->stream == NULL) ? "" : m->o->stream;
		e.category = row->category[0] ? row->category : default_category(e.source);
		e.rule = "";
		e.code = row->code;
		e.status = row->status;
		e.reply = row->reply;
		e.reason = row->reason;
		e.created = row->created ? row->created : m->now;
		e.updated = e.created;
		e.count = e.list == QUELL_LIST_SUPPRESS ? 1 : 0;
	}
	if ((rc = load(m->h, w->txn, it->scope, it->key, r)) != 0)
		return rc;
	i = quell__rec_find(r, e.list, e.stream);
	if (i >= 0) {
		struct quell_entry *old = &r->ent[i].e;

		if (it->kind == K_RESTORE ? same_entry(old, &e)
		                          : (old->source == e.source && same_str(old->category, e.category) &&
		                             same_str(old->reason, e.reason) &&
		                             same_str(old->reply, e.reply) &&
		                             quell__entry_live(old, m->now))) {
			m->batch.skipped++;
			return 0;
		}
		if (it->kind != K_RESTORE) { /* keep what the list knew */
			e.created = old->created < e.created && old->created ? old->created : e.created;
			e.count = old->count + (e.list == QUELL_LIST_SUPPRESS);
			e.updated = m->now > e.created ? m->now : e.created;
		}
		m->batch.updated++;
	} else {
		if (r->n == QUELL__REC_MAX) {
			reject_item(m, it, "too many entries for one key");
			return 0;
		}
		i = (int)r->n++;
		m->batch.imported++;
	}
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
	ev.verdict = quell__rec_verdict(r, e.stream, m->now);
	if ((rc = quell__store_put(m->h, w, it->scope, it->key, r)) != 0)
		return rc;
	return quell__store_event(m->h, w, it->key, &ev);
}

/* FNV-1a, the id of an imported reply row. */
static uint64_t fnv(uint64_t hsh, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		hsh ^= b[i];
		hsh *= UINT64_C(1099511628211);
	}
	return hsh;
}

/* A row with a reply: through the rules, as quell_record does. */
static int rules_row(struct imp *m, struct quell__wtxn *w, struct item *it)
{
	struct quell__job *j = m->job;
	const struct quell__row *row = &it->row;
	struct quell_outcome out;
	char text[QUELL__REPLY_IN_MAX + 1];
	unsigned char digest[8];
	uint64_t hsh = UINT64_C(14695981039346656037);
	size_t n = 0;
	int rc;

	/* the reply as one string: code and status first when given apart */
	if (row->code && strncmp(row->reply, "", 1) != 0 &&
	    !(row->reply[0] >= '2' && row->reply[0] <= '5' && atoi(row->reply) == row->code))
		n += (size_t)snprintf(text, sizeof text, "%d ", row->code);
	else if (row->code && row->reply[0] == '\0')
		n += (size_t)snprintf(text, sizeof text, "%d ", row->code);
	if (row->status[0] && strstr(row->reply, row->status) == NULL)
		n += (size_t)snprintf(text + n, sizeof text - n, "%s ", row->status);
	if (n < sizeof text)
		snprintf(text + n, sizeof text - n, "%s", row->reply);
	rc = quell__reply_parse(text, strlen(text), j->p.textbuf, sizeof j->p.textbuf, &j->p.reply,
	                        m->err, sizeof m->err);
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
	hsh = fnv(hsh, &j->now, sizeof j->now);
	hsh = fnv(hsh, text, strlen(text));
	quell__be64_put(digest, hsh);
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

	(void)h;
	memset(&m->batch, 0, sizeof m->batch);
	m->st.rejected = m->rejected_before; /* a batch written again counts afresh */
	for (size_t i = 0; i < m->n && rc == 0; i++)
		rc = m->items[i].kind == K_RULES ? rules_row(m, w, &m->items[i])
		                                 : put_row(m, w, &m->items[i]);
	if (rc == 0 && m->o->dry_run)
		return QUELL__EDRYRUN;
	return rc;
}

static int flush(struct imp *m, size_t last_line)
{
	int rc;

	m->rejected_before = m->st.rejected;
	if (m->n > 0) {
		qsort(m->items, m->n, sizeof *m->items, by_key);
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
	}
	m->st.line = last_line;
	m->n = 0;
	arena_reset(&m->arena);
	if (m->o->progress != NULL)
		m->o->progress(m->o->ctx, &m->st);
	return 0;
}

int quell_import(quell *h, FILE *in, const struct quell_import_options *opts,
                 struct quell_import_stats *stats)
{
	struct quell_import_options def = QUELL_IMPORT_OPTIONS_INIT;
	struct quell__reader *rd = NULL;
	struct quell__row row;
	struct imp *m;
	size_t line = 0, last = 0, batch;
	int rc;

	if (stats != NULL)
		memset(stats, 0, sizeof *stats);
	if (h == NULL || in == NULL)
		return quell__error(h, QUELL_EINVAL, "import: NULL argument");
	if (opts == NULL)
		opts = &def;
	if (opts->version < 1 || opts->version > QUELL_IMPORT_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "import options version %u is not supported",
		                    opts->version);
	if (opts->list != 0 && opts->list != QUELL_LIST_SUPPRESS && opts->list != QUELL_LIST_ALLOW &&
	    opts->list != QUELL_LIST_BACKOFF)
		return quell__error(h, QUELL_EINVAL, "import: unknown list %d", opts->list);
	if (opts->stream != NULL && !name_ok(opts->stream))
		return quell__error(h, QUELL_EINVAL, "stream '%s' is not a name of [a-z0-9._-]",
		                    opts->stream);
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
	if (!opts->force_suppress && (rc = quell__rules_get(h, &m->rs)) != 0)
		goto out;
	for (;;) {
		rc = quell__reader_next(rd, &row, &line, m->err, sizeof m->err);
		if (rc == 0)
			break;
		if (rc == 1 || rc == QUELL_EDATA)
			last = line;
		if (rc == QUELL_EDATA) {
			m->st.read++;
			reject(m, line, m->err);
			continue;
		}
		if (rc < 0) {
			rc = quell__error(h, rc, "%s", m->err);
			goto out;
		}
		m->st.read++;
		m->st.bytes = quell__reader_bytes(rd);
		if ((rc = take(m, &row)) < 0) {
			rc = quell__error(h, rc, "out of memory");
			goto out;
		}
		if ((m->n >= batch || m->arena.bytes >= BATCH_BYTES) && (rc = flush(m, last)) != 0)
			goto out;
	}
	m->st.bytes = quell__reader_bytes(rd);
	rc = flush(m, last);
out:
	if (stats != NULL)
		*stats = m->st;
	quell__reader_close(rd);
	quell__rules_unref(m->rs);
	arena_free(&m->arena);
	free(m->items);
	free(m->job);
	free(m);
	return rc;
}
