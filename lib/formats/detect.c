/*
 * detect.c - how a reader starts: tell the format from the first
 * line(s) when it is not named (formats.h lists the signs), read a CSV
 * header and map its columns to the format's slots, or walk a JSON
 * document to its array (a document that is an array is SendGrid's API; an
 * object's array tells the format by its name: "items" Mailgun's API,
 * "Suppressions" Postmark, "SuppressedDestinationSummaries" SES).  Reads
 * nothing it does not consume, except the first line, which it only looks
 * at.  Refuses UTF-16 input whole (every row would fail on its NULs),
 * saying how to convert it.  Also the read error message of a reader, for
 * readers.c too.
 *
 * Knows nothing of LMDB, rules or address normalization.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"
#include "text.h"

int quell__reader_ioerr(const struct quell__reader *r, char *err, size_t errsize)
{
	snprintf(err, errsize, "%s: read error: %s", r->filename,
	         strerror(r->in.err != 0 ? r->in.err : EIO));
	return QUELL_EIO;
}

static int oom(char *err, size_t errsize)
{
	snprintf(err, errsize, "out of memory");
	return QUELL_ENOMEM;
}

/* Prefix an open-time message with FILE:LINE. */
static int at_line(const struct quell__reader *r, size_t line, int rc, char *err, size_t errsize)
{
	char msg[256];

	if (rc == QUELL_EIO)
		return quell__reader_ioerr(r, err, errsize);
	if (rc == QUELL_ENOMEM)
		return oom(err, errsize);
	snprintf(msg, sizeof msg, "%s", err);
	snprintf(err, errsize, "%s:%zu: %s", r->filename, line, msg);
	return rc;
}

enum { W_ENTRY = 1, W_SUPPRESSIONREASON = 2, W_ADDRESS = 4, W_EMAIL = 8, W_CREATED = 16,
       W_REASON = 32 };

/* The header words of a first line, naively split (enough to tell a
 * format); *second gets the second cell when it is BOUNCE or COMPLAINT. */
static unsigned header_words(const char *p, size_t n, size_t *ncells, int *second_is_reason)
{
	static const struct {
		const char *name;
		unsigned flag;
	} words[] = { { "entry", W_ENTRY },         { "suppressionreason", W_SUPPRESSIONREASON },
		      { "address", W_ADDRESS },     { "email", W_EMAIL },
		      { "emailaddress", W_EMAIL },  { "email_address", W_EMAIL },
		      { "email address", W_EMAIL }, { "created", W_CREATED },
		      { "created_at", W_CREATED },  { "reason", W_REASON } };
	unsigned flags = 0;
	size_t i = 0;

	*ncells = 0;
	*second_is_reason = 0;
	while (i <= n) {
		size_t start = i, len;
		const char *cell;

		if (i < n && p[i] == '"') {
			start = ++i;
			while (i < n && p[i] != '"')
				i++;
			len = i - start;
			while (i < n && p[i] != ',')
				i++;
		} else {
			while (i < n && p[i] != ',')
				i++;
			len = i - start;
		}
		cell = quell__trim(p + start, &len);
		for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
			if (quell__ieq(cell, len, words[k].name))
				flags |= words[k].flag;
		if (*ncells == 1 && (quell__ieq(cell, len, "BOUNCE") || quell__ieq(cell, len, "COMPLAINT")))
			*second_is_reason = 1;
		(*ncells)++;
		i++; /* the comma */
	}
	return flags;
}

/* Whether object o has a member named name, ASCII case ignored. */
static int has_key(json_t *o, const char *name)
{
	const char *key;
	json_t *val;

	json_object_foreach(o, key, val) {
		if (quell__ieq(key, strlen(key), name))
			return 1;
	}
	return 0;
}

/* Read a CSV header line and map its columns to slots. */
static int csv_header(struct quell__reader *r, char *err, size_t errsize)
{
	int present[QUELL__SLOTS_MAX] = { 0 };
	int first[QUELL__SLOTS_MAX] = { 0 };
	int rc = quell__csv_next(&r->csv, err, errsize);

	if (rc < 0)
		return at_line(r, r->csv.line, rc, err, errsize);
	r->ncols = rc == 1 ? r->csv.nf : 0;
	for (size_t i = 0; i < r->ncols; i++) {
		size_t n = r->csv.len[i];
		const char *name = quell__trim(quell__csv_cell(&r->csv, i), &n);

		r->colslot[i] = -1;
		for (const struct quell__col *c = r->fmt->cols; c->name != NULL; c++) {
			if (!quell__ieq(name, n, c->name))
				continue;
			if (present[c->slot]) {
				snprintf(err, errsize, "column %zu repeats column %d ('%s')", i + 1,
				         first[c->slot] + 1, r->colname[first[c->slot]]);
				return at_line(r, r->csv.line, QUELL_EDATA, err, errsize);
			}
			present[c->slot] = 1;
			first[c->slot] = (int)i;
			r->colslot[i] = c->slot;
			snprintf(r->colname[i], sizeof r->colname[i], "%.*s", (int)n, name);
			break;
		}
	}
	if (rc == 1 && !present[r->fmt->entry_slot]) {
		snprintf(err, errsize, "%s: no '%s' column in the header", r->fmt->name,
		         r->fmt->cols[0].name);
		return at_line(r, r->csv.line, QUELL_EDATA, err, errsize);
	}
	r->header = 1;
	rc = r->fmt->start(r, present, err, errsize);
	return rc != 0 ? at_line(r, r->csv.line, rc, err, errsize) : 0;
}

static int use_csv(struct quell__reader *r, const struct quell__fmt *f, int header, char *err,
                   size_t errsize)
{
	r->fmt = f;
	r->shape = SHAPE_CSV;
	if (quell__csv_init(&r->csv, &r->in) != 0)
		return oom(err, errsize);
	r->csv_ok = 1;
	if (header)
		return csv_header(r, err, errsize);
	/* SES's bulk import file: ADDRESS,REASON without a header */
	r->ncols = 2;
	r->colslot[0] = 0;
	r->colslot[1] = 1;
	snprintf(r->colname[0], sizeof r->colname[0], "email");
	snprintf(r->colname[1], sizeof r->colname[1], "reason");
	r->kindname = "csv";
	return 0;
}

/* A whole JSON document: an array (SendGrid's API), or an object holding
 * the array under a name that tells the format. */
static int use_doc(struct quell__reader *r, const struct quell__fmt *want, char *err,
                   size_t errsize)
{
	static const struct {
		const char *key;
		const struct quell__fmt *fmt;
		const char *kindname; /* NULL: told by the first element */
	} docs[] = {
		{ "SuppressedDestinationSummaries", &quell__fmt_ses, "list-suppressed-destinations" },
		{ "Suppressions", &quell__fmt_postmark, "json" },
		{ "items", &quell__fmt_mailgun, NULL },
	};
	const char *keys[sizeof docs / sizeof docs[0]];
	size_t idx[sizeof docs / sizeof docs[0]], nkeys = 0;
	int rc;

	r->shape = SHAPE_JSONDOC;
	if (quell__jscan_init(&r->js, &r->in) != 0)
		return oom(err, errsize);
	r->js_ok = 1;
	if (r->in.pos < r->in.len && r->in.buf[r->in.pos] == '[') {
		if (want != NULL && want != &quell__fmt_sendgrid) {
			snprintf(err, errsize, "a JSON array is not %s's", want->name);
			return at_line(r, r->in.line, QUELL_EDATA, err, errsize);
		}
		if ((rc = quell__jscan_array(&r->js, err, errsize)) != 0)
			return at_line(r, r->js.line, rc, err, errsize);
		r->fmt = &quell__fmt_sendgrid;
		r->need_start = 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
		if (want == NULL || want == docs[i].fmt) {
			keys[nkeys] = docs[i].key;
			idx[nkeys++] = i;
		}
	if (nkeys == 0) {
		snprintf(err, errsize, "%s has no JSON object form (its API returns an array)",
		         want->name);
		return at_line(r, r->in.line, QUELL_EDATA, err, errsize);
	}
	rc = quell__jscan_find(&r->js, keys, nkeys, err, errsize);
	if (rc < 0)
		return at_line(r, r->js.line, rc, err, errsize);
	r->fmt = docs[idx[rc]].fmt;
	if (docs[idx[rc]].kindname != NULL)
		r->kindname = docs[idx[rc]].kindname;
	else
		r->need_start = 1;
	return 0;
}

/* JSON: one object per line, or a whole document. */
static int sniff_json(struct quell__reader *r, const struct quell__fmt *want, const char *line,
                      size_t n, int complete, char *err, size_t errsize)
{
	const struct quell__fmt *f;
	json_t *o = NULL;
	int doc;

	if (want == &quell__fmt_jsonl) {
		r->fmt = want;
		r->shape = SHAPE_JSONL;
		return 0;
	}
	if (complete && n <= QUELL__ROW_MAX)
		o = json_loadb(line, n, 0, NULL);
	if (o == NULL || !json_is_object(o)) { /* a document over several lines, an array */
		json_decref(o);
		return use_doc(r, want, err, errsize);
	}
	doc = has_key(o, "SuppressedDestinationSummaries") || has_key(o, "Suppressions") ||
	      has_key(o, "items");
	f = has_key(o, "entry")          ? &quell__fmt_jsonl
	    : has_key(o, "emailaddress") ? &quell__fmt_ses
	    : want == &quell__fmt_ses    ? want
	                                 : NULL;
	json_decref(o);
	if (doc)
		return use_doc(r, want, err, errsize);
	if (f == NULL || (want != NULL && f != want)) {
		if (want != NULL)
			snprintf(err, errsize, "this JSON object is not %s's", want->name);
		else
			snprintf(err, errsize, "cannot tell the format of this JSON object; name it "
			                       "with --format");
		return at_line(r, r->in.line, QUELL_EDATA, err, errsize);
	}
	r->fmt = f;
	r->shape = SHAPE_JSONL;
	r->kindname = f == &quell__fmt_ses ? "jsonl" : "";
	return 0;
}

/* Whether the input is UTF-16 (Excel's "Unicode text", Windows tools):
 * its byte order mark, or a NUL beside each of its first two bytes. */
static int utf16(const struct quell__in *in)
{
	const unsigned char *b = in->buf + in->pos;
	size_t n = in->len - in->pos;

	if (n >= 2 && ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff)))
		return 1;
	return n >= 4 && ((b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0) ||
	                  (b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0));
}

int quell__reader_detect(struct quell__reader *r, const struct quell__fmt *want, char *err,
                         size_t errsize)
{
	size_t n, ncells;
	int complete, second, rc;
	unsigned words;
	const char *line;

	if (utf16(&r->in)) {
		/* read as bytes, every row would be refused for its NULs */
		snprintf(err, errsize, "the input is UTF-16; quell reads UTF-8: convert it first "
		                       "(iconv -f UTF-16 -t UTF-8)");
		return at_line(r, 1, QUELL_EDATA, err, errsize);
	}
	if ((rc = quell__in_skip_space(&r->in)) != 0)
		return quell__reader_ioerr(r, err, errsize);
	if ((rc = quell__in_peek_line(&r->in, &n, &complete)) != 0)
		return quell__reader_ioerr(r, err, errsize);
	line = (const char *)r->in.buf + r->in.pos;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (r->in.pos == r->in.len || want == &quell__fmt_plain ||
	    (want == NULL && line[0] == '#')) {
		r->fmt = want != NULL ? want : &quell__fmt_plain;
		r->shape = SHAPE_LINES;
		return 0;
	}
	if (want == &quell__fmt_jsonl ||
	    ((line[0] == '{' || line[0] == '[') &&
	     (want == NULL || want == &quell__fmt_ses || want == &quell__fmt_postmark ||
	      want == &quell__fmt_sendgrid || want == &quell__fmt_mailgun)))
		return sniff_json(r, want, line, n, complete, err, errsize);
	if (want != NULL && want != &quell__fmt_ses)
		return use_csv(r, want, 1, err, errsize);
	words = header_words(line, n, &ncells, &second);
	if (want == &quell__fmt_ses)
		return use_csv(r, want, !(words == 0 && ncells == 2 && second), err, errsize);
	if (words & W_ENTRY)
		return use_csv(r, &quell__fmt_csv, 1, err, errsize);
	if (words & W_SUPPRESSIONREASON)
		return use_csv(r, &quell__fmt_postmark, 1, err, errsize);
	if (words & W_ADDRESS)
		return use_csv(r, &quell__fmt_mailgun, 1, err, errsize);
	if ((words & W_EMAIL) && !(words & W_CREATED) && (words & W_REASON))
		return use_csv(r, &quell__fmt_ses, 1, err, errsize);
	if (words & W_EMAIL)
		return use_csv(r, &quell__fmt_sendgrid, 1, err, errsize);
	if (ncells == 2 && second)
		return use_csv(r, &quell__fmt_ses, 0, err, errsize);
	if (memchr(line, ',', n) == NULL && memchr(line, '"', n) == NULL) {
		r->fmt = &quell__fmt_plain;
		r->shape = SHAPE_LINES;
		return 0;
	}
	snprintf(err, errsize, "cannot tell the format from the first line; name it with --format");
	return at_line(r, r->in.line, QUELL_EDATA, err, errsize);
}

