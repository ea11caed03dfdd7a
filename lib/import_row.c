/*
 * import_row.c - what one import row does to the store, inside the
 * transaction of its batch (import.c): restored or put as it stands,
 * unless the stored entry already says the same, through write.h; or its
 * reply, its code and status given apart, recorded through the rules as
 * quell_record does (record.h), with a digest of the row as its id.
 *
 * Knows nothing of how rows are spelled in files, of runs or of batches.
 */
#include <string.h>

#include "check.h"
#include "digest.h"
#include "error.h"
#include "import.h"
#include "write.h"

/* A row refused while its batch is written.  A batch is written again
 * when the map had to grow: the row is counted again (the count started
 * over) but reported once. */
static void reject_item(struct quell__imp *m, struct quell__item *it, const char *reason)
{
	m->st.rejected++;
	if (!it->reported && m->o->reject != NULL)
		m->o->reject(m->o->payload, m->file, it->row.line, reason);
	it->reported = 1;
}

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
static void row_entry(const struct quell__imp *m, const struct quell__item *it,
                      struct quell_entry *e)
{
	const struct quell__row *row = &it->row;

	memset(e, 0, sizeof *e);
	e->source = row->source ? row->source : QUELL_SOURCE_IMPORT;
	e->code = row->code;
	e->status = row->status;
	e->reply = row->reply;
	e->reason = row->reason;
	e->created = row->created ? row->created : m->now;
	if (it->kind == QUELL__IMP_RESTORE) {
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
static int unchanged(const struct quell__imp *m, const struct quell__item *it,
                     const struct quell_entry *old, const struct quell_entry *e)
{
	if (it->kind == QUELL__IMP_RESTORE)
		return same_entry(old, e);
	return old->source == e->source && same_str(old->category, e->category) &&
	       same_str(old->reason, e->reason) && same_str(old->reply, e->reply) &&
	       quell__entry_live(old, m->now);
}

/* A restore or put row: its entry, unless the stored one says the same,
 * and its event. */
static int put_row(struct quell__imp *m, struct quell__wtxn *w, struct quell__item *it)
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
		if (it->kind != QUELL__IMP_RESTORE) { /* keep what the list knew */
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
	ev.time = it->kind == QUELL__IMP_RESTORE ? e.updated : m->now;
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
static int rules_row(struct quell__imp *m, struct quell__wtxn *w, struct quell__item *it)
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
	j->stream = j->note = NULL;
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

int quell__imp_write_row(struct quell__imp *m, struct quell__wtxn *w, struct quell__item *it)
{
	return it->kind == QUELL__IMP_RULES ? rules_row(m, w, it) : put_row(m, w, it);
}
