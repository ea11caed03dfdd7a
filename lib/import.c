/*
 * import.c - the readers of formats.h: open a stream, tell its format
 * from the first line(s), and drive one of four shapes (lines, CSV, JSON
 * Lines, a JSON document) into named values that the format's mapper
 * (import_<format>.c) turns into rows.  Also the value helpers the mappers
 * share.
 *
 * Knows nothing of LMDB, rules or address normalization.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "text.h"

static const struct quell__fmt *const formats[] = {
	&quell__fmt_plain,    &quell__fmt_csv, &quell__fmt_jsonl,    &quell__fmt_sendgrid,
	&quell__fmt_mailgun, &quell__fmt_ses, &quell__fmt_postmark,
};

static const struct quell__fmt *format_named(const char *name)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

/* ------------------------------------------------------------ messages */

/* Show up to 40 bytes of s for a message: printable ASCII and UTF-8 as
 * they are, other bytes as \xHH. */
static void show(const char *s, size_t n, char *buf, size_t size)
{
	size_t o = 0, i = 0, ok = quell__utf8_check(s, n);

	while (i < n && o + 8 < size) {
		unsigned char c = (unsigned char)s[i];

		if (i >= 40) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if ((c >= 0x20 && c < 0x7f && c != '\\') || (c >= 0xc0 && i < ok)) {
			buf[o++] = (char)c;
			while (c >= 0xc0 && i + 1 < n && ((unsigned char)s[i + 1] & 0xc0) == 0x80 &&
			       o + 8 < size)
				buf[o++] = s[++i];
		} else {
			o += (size_t)snprintf(buf + o, size - o, "\\x%02X", c);
		}
		i++;
	}
	buf[o] = '\0';
}

static int oom(char *err, size_t errsize)
{
	snprintf(err, errsize, "out of memory");
	return QUELL_ENOMEM;
}

static int io_error(const struct quell__reader *r, char *err, size_t errsize)
{
	snprintf(err, errsize, "%s: read error: %s", r->filename,
	         strerror(r->in.err != 0 ? r->in.err : EIO));
	return QUELL_EIO;
}

/* Prefix an open-time message with FILE:LINE. */
static int at_line(const struct quell__reader *r, size_t line, int rc, char *err, size_t errsize)
{
	char msg[256];

	if (rc == QUELL_EIO)
		return io_error(r, err, errsize);
	if (rc == QUELL_ENOMEM)
		return oom(err, errsize);
	snprintf(msg, sizeof msg, "%s", err);
	snprintf(err, errsize, "%s:%zu: %s", r->filename, line, msg);
	return rc;
}

/* -------------------------------------------------------------- values */

int quell__val_bad(const struct quell__val *v, const char *what, char *err, size_t errsize)
{
	char shown[200];

	if (v->type == V_STR || v->type == V_JSTR)
		show(v->s, v->len, shown, sizeof shown);
	else if (v->type == V_INT)
		snprintf(shown, sizeof shown, "%lld", (long long)v->i);
	else if (v->type == V_REAL)
		snprintf(shown, sizeof shown, "%g", v->d);
	else
		snprintf(shown, sizeof shown, "%s", v->type == V_OTHER ? "(not a string)" : "");
	snprintf(err, errsize, "bad %s in '%s': '%s'", what, v->name ? v->name : "?", shown);
	return QUELL_EDATA;
}

int quell__val_str(const struct quell__val *v, const char **out, char *err, size_t errsize)
{
	if (v->type == V_NONE) {
		*out = "";
		return 0;
	}
	if (v->type == V_STR || v->type == V_JSTR) {
		*out = v->s;
		return 0;
	}
	snprintf(err, errsize, "'%s' is not a string", v->name ? v->name : "?");
	return QUELL_EDATA;
}

int quell__val_time(const struct quell__val *v, int64_t *t, char *err, size_t errsize)
{
	*t = 0;
	switch (v->type) {
	case V_NONE:
		return 0;
	case V_STR:
	case V_JSTR:
		if (quell__time_parse_any(v->s, v->len, t) == 0)
			return 0;
		break;
	case V_INT:
		if (v->i >= 0 && v->i <= 253402300799) {
			*t = v->i;
			return 0;
		}
		break;
	case V_REAL:
		if (v->d >= 0 && v->d < 253402300800.0) {
			*t = (int64_t)v->d;
			return 0;
		}
		break;
	}
	return quell__val_bad(v, "time", err, errsize);
}

int quell__val_uint(const struct quell__val *v, uint64_t max, uint64_t *out, char *err,
                    size_t errsize)
{
	*out = 0;
	if (v->type == V_NONE)
		return 0;
	if (v->type == V_INT) {
		if (v->i >= 0 && (uint64_t)v->i <= max) {
			*out = (uint64_t)v->i;
			return 0;
		}
	} else if (v->type == V_STR || v->type == V_JSTR) {
		size_t n = v->len;
		const char *s = quell__trim(v->s, &n);
		uint64_t x = 0;
		size_t i;

		for (i = 0; i < n && s[i] >= '0' && s[i] <= '9' && x <= max; i++)
			x = x * 10 + (uint64_t)(s[i] - '0');
		if (n > 0 && i == n && x <= max) {
			*out = x;
			return 0;
		}
	}
	return quell__val_bad(v, "number", err, errsize);
}

int quell__val_is(const struct quell__val *v, const char *w)
{
	size_t n = v->len;
	const char *s;

	if (v->type != V_STR && v->type != V_JSTR)
		return 0;
	s = quell__trim(v->s, &n);
	return quell__ieq(s, n, w);
}

int quell__val_entry(struct quell__reader *r, struct quell__val *v, struct quell__row *row,
                     char *err, size_t errsize)
{
	const char *s;
	size_t n = v->len;

	if (v->type != V_NONE && v->type != V_STR && v->type != V_JSTR) {
		snprintf(err, errsize, "'%s' is not a string", v->name);
		return QUELL_EDATA;
	}
	s = v->type == V_NONE ? "" : quell__trim(v->s, &n);
	if (n == 0) {
		const char *name = v->name;
		for (const struct quell__col *c = r->fmt->cols; name == NULL && c->name; c++)
			if (c->slot == r->fmt->entry_slot)
				name = c->name;
		snprintf(err, errsize, "no address: '%s' is missing or empty", name);
		return QUELL_EDATA;
	}
	if (v->type == V_STR) { /* our own buffer: cut in place */
		v->s[(size_t)(s - v->s) + n] = '\0';
		row->entry = s;
	} else if (s == v->s && n == v->len) {
		row->entry = s;
	} else {
		memcpy(r->ebuf, s, n);
		r->ebuf[n] = '\0';
		row->entry = r->ebuf;
	}
	row->has |= QUELL__HAS_ENTRY;
	return 0;
}

void quell__row_mark(struct quell__row *row)
{
	const char *s[] = { row->entry, row->stream, row->category, row->rule,
		            row->status, row->reply, row->reason };
	const unsigned sb[] = { QUELL__HAS_ENTRY, QUELL__HAS_STREAM, QUELL__HAS_CATEGORY,
		                QUELL__HAS_RULE, QUELL__HAS_STATUS, QUELL__HAS_REPLY,
		                QUELL__HAS_REASON };
	const int64_t t[] = { row->created, row->updated, row->expires, row->until,
		              row->first_failure };
	const unsigned tb[] = { QUELL__HAS_CREATED, QUELL__HAS_UPDATED, QUELL__HAS_EXPIRES,
		                QUELL__HAS_UNTIL, QUELL__HAS_FIRST_FAILURE };

	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		if (*s[i] != '\0')
			row->has |= sb[i];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i] != 0)
			row->has |= tb[i];
	if (row->list != 0)
		row->has |= QUELL__HAS_LIST;
	if (row->scope != 0)
		row->has |= QUELL__HAS_SCOPE;
	if (row->source != 0)
		row->has |= QUELL__HAS_SOURCE;
	if (row->code != 0)
		row->has |= QUELL__HAS_CODE;
}

int quell__name_hints(const struct quell__reader *r, const char *word)
{
	const char *base = strrchr(r->filename, '/');
	size_t wl = strlen(word), n;

	base = base ? base + 1 : r->filename;
	n = strlen(base);
	for (size_t i = 0; i + wl <= n; i++)
		if (quell__ieq(base + i, wl, word))
			return 1;
	return 0;
}

int quell__looks_like_reply(const char *t)
{
	while (*t == ' ' || *t == '\t')
		t++;
	if (quell__ieq(t, 5, "smtp;") || (t[0] >= '2' && t[0] <= '5' && t[1] >= '0' && t[1] <= '9' &&
	                                   t[2] >= '0' && t[2] <= '9' &&
	                                   (t[3] == '\0' || t[3] == ' ' || t[3] == '-')))
		return 1;
	if ((t[0] == '2' || t[0] == '4' || t[0] == '5') && t[1] == '.' && t[2] >= '0' && t[2] <= '9') {
		size_t i = 2;
		while (t[i] >= '0' && t[i] <= '9')
			i++;
		return t[i] == '.' && t[i + 1] >= '0' && t[i + 1] <= '9';
	}
	return 0;
}

/* ---------------------------------------------------------- detection */

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

static int use_doc(struct quell__reader *r, const struct quell__fmt *want, char *err,
                   size_t errsize)
{
	static const char *const keys[] = { "SuppressedDestinationSummaries", "Suppressions" };
	size_t first = want == &quell__fmt_postmark ? 1 : 0;
	size_t nkeys = want == NULL ? 2 : 1;
	int rc;

	r->shape = SHAPE_JSONDOC;
	if (quell__jscan_init(&r->js, &r->in) != 0)
		return oom(err, errsize);
	r->js_ok = 1;
	rc = quell__jscan_find(&r->js, keys + first, nkeys, err, errsize);
	if (rc < 0)
		return at_line(r, r->js.line, rc, err, errsize);
	if (first + (size_t)rc == 0) {
		r->fmt = &quell__fmt_ses;
		r->kindname = "list-suppressed-destinations";
	} else {
		r->fmt = &quell__fmt_postmark;
		r->kindname = "json";
	}
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
	if (o == NULL || !json_is_object(o)) { /* a document over several lines */
		json_decref(o);
		return use_doc(r, want, err, errsize);
	}
	doc = has_key(o, "SuppressedDestinationSummaries") || has_key(o, "Suppressions");
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

static int detect(struct quell__reader *r, const struct quell__fmt *want, char *err,
                  size_t errsize)
{
	size_t n, ncells;
	int complete, second, rc;
	unsigned words;
	const char *line;

	if ((rc = quell__in_skip_space(&r->in)) != 0)
		return io_error(r, err, errsize);
	if ((rc = quell__in_peek_line(&r->in, &n, &complete)) != 0)
		return io_error(r, err, errsize);
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
	    (line[0] == '{' && (want == NULL || want == &quell__fmt_ses || want == &quell__fmt_postmark)))
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

int quell__reader_open(FILE *in, const char *format, const char *filename,
                       struct quell__reader **out, char *err, size_t errsize)
{
	const struct quell__fmt *want = NULL;
	struct quell__reader *r;
	int rc;

	*out = NULL;
	if (format != NULL && *format != '\0' && (want = format_named(format)) == NULL) {
		snprintf(err, errsize, "unknown format '%.40s' (plain, csv, jsonl, sendgrid, "
		                       "mailgun, ses or postmark)", format);
		return QUELL_EINVAL;
	}
	if ((r = calloc(1, sizeof *r)) == NULL)
		return oom(err, errsize);
	r->filename = filename != NULL ? filename : "-";
	r->kindname = "";
	rc = quell__in_open(&r->in, in);
	if (rc == 0 && (r->ebuf = malloc(QUELL__ROW_MAX + 1)) == NULL)
		rc = QUELL_ENOMEM;
	if (rc != 0) {
		rc = rc == QUELL_ENOMEM ? oom(err, errsize) : io_error(r, err, errsize);
		quell__reader_close(r);
		return rc;
	}
	if ((rc = detect(r, want, err, errsize)) != 0) {
		quell__reader_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* ------------------------------------------------------------- reading */

static void row_init(struct quell__row *row)
{
	memset(row, 0, sizeof *row);
	row->entry = row->stream = row->category = row->rule = row->status = row->reply =
		row->reason = "";
}

static int next_plain(struct quell__reader *r, struct quell__row *row, size_t *line, char *err,
                      size_t errsize)
{
	for (;;) {
		char *p;
		size_t n, bad;
		int rc;

		*line = r->in.line;
		rc = quell__in_line(&r->in, &p, &n);
		if (rc == QUELL_EDATA) {
			snprintf(err, errsize, "line longer than %d bytes", QUELL__ROW_MAX);
			return rc;
		}
		if (rc <= 0)
			return rc == QUELL_EIO ? io_error(r, err, errsize) : rc;
		if (memchr(p, '\0', n) != NULL) {
			snprintf(err, errsize, "NUL byte in the line");
			return QUELL_EDATA;
		}
		p = (char *)quell__trim(p, &n);
		if (n == 0 || p[0] == '#')
			continue;
		if ((bad = quell__utf8_check(p, n)) < n) {
			snprintf(err, errsize, "invalid UTF-8 at byte %zu", bad + 1);
			return QUELL_EDATA;
		}
		p[n] = '\0';
		row->line = *line;
		row->entry = p;
		row->has = QUELL__HAS_ENTRY;
		return 1;
	}
}

/* An unquoted RFC 2822 date ("Tue, 14 Nov 2023 ...") splits in two at its
 * comma: while a row has more cells than the header, join a cell that is a
 * day name with the " 14 Nov ..." after it. */
static void join_split_dates(struct quell__csv *c, size_t ncols)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

	for (size_t i = 0; i + 1 < c->nf && c->nf > ncols; i++) {
		const char *next = quell__csv_cell(c, i + 1);
		int day = 0;

		for (size_t d = 0; d < 7 && !day; d++)
			day = quell__ieq(quell__csv_cell(c, i), c->len[i], days[d]);
		if (!day || c->quoted[i] || c->quoted[i + 1] || next[0] != ' ' || next[1] < '0' ||
		    next[1] > '9')
			continue;
		c->rec[c->off[i] + c->len[i]] = ','; /* the NUL between the two cells */
		c->len[i] += 1 + c->len[i + 1];
		memmove(&c->off[i + 1], &c->off[i + 2], (c->nf - i - 2) * sizeof c->off[0]);
		memmove(&c->len[i + 1], &c->len[i + 2], (c->nf - i - 2) * sizeof c->len[0]);
		memmove(&c->quoted[i + 1], &c->quoted[i + 2], c->nf - i - 2);
		c->nf--;
	}
}

static int next_csv(struct quell__reader *r, struct quell__row *row, size_t *line, char *err,
                    size_t errsize)
{
	int rc = quell__csv_next(&r->csv, err, errsize);

	*line = r->csv.line;
	if (rc <= 0)
		return rc == QUELL_EIO ? io_error(r, err, errsize) : rc;
	if (r->csv.nf > r->ncols && !r->fmt->quell_cells)
		join_split_dates(&r->csv, r->ncols);
	if (r->csv.nf != r->ncols) {
		snprintf(err, errsize, "%zu columns where the %s %zu", r->csv.nf,
		         r->header ? "header has" : "format has", r->ncols);
		return QUELL_EDATA;
	}
	memset(r->v, 0, sizeof r->v);
	for (size_t i = 0; i < r->ncols; i++) {
		struct quell__val *v;
		size_t bad;

		if (r->colslot[i] < 0)
			continue;
		v = &r->v[r->colslot[i]];
		v->name = r->colname[i];
		v->s = quell__csv_cell(&r->csv, i);
		v->len = r->csv.len[i];
		if (v->len == 0)
			continue;
		v->type = V_STR;
		if ((bad = quell__utf8_check(v->s, v->len)) < v->len) {
			snprintf(err, errsize, "invalid UTF-8 in '%s' at byte %zu", v->name, bad + 1);
			return QUELL_EDATA;
		}
		if (r->fmt->quell_cells && quell__cell_decode(v->s, &v->len, r->csv.quoted[i]) &&
		    (bad = quell__utf8_check(v->s, v->len)) < v->len) {
			snprintf(err, errsize, "invalid UTF-8 in '%s' after \\x escapes", v->name);
			return QUELL_EDATA;
		}
		if (v->len == 0)
			v->type = V_NONE;
	}
	row->line = *line;
	return r->fmt->map(r, r->v, row, err, errsize);
}

/* One JSON object (a line or an array element) into values, then a row. */
static int json_record(struct quell__reader *r, const char *p, size_t n, size_t line,
                       struct quell__row *row, char *err, size_t errsize)
{
	json_error_t je;
	const char *key;
	json_t *val;
	int seen[QUELL__SLOTS_MAX] = { 0 };

	if (memchr(p, '\0', n) != NULL) {
		snprintf(err, errsize, "NUL byte in the row");
		return QUELL_EDATA;
	}
	r->json = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
	if (r->json == NULL) {
		snprintf(err, errsize, "malformed JSON: %s", je.text);
		return QUELL_EDATA;
	}
	if (!json_is_object(r->json)) {
		snprintf(err, errsize, "malformed JSON: an object was expected");
		return QUELL_EDATA;
	}
	memset(r->v, 0, sizeof r->v);
	json_object_foreach(r->json, key, val) {
		size_t kl = strlen(key);
		struct quell__val *v;
		int slot = -1;

		for (const struct quell__col *c = r->fmt->cols; c->name != NULL && slot < 0; c++)
			if (quell__ieq(key, kl, c->name))
				slot = c->slot;
		if (slot < 0)
			continue;
		v = &r->v[slot];
		if (seen[slot]) {
			snprintf(err, errsize, "'%.40s' repeats '%.40s'", key, v->name);
			return QUELL_EDATA;
		}
		seen[slot] = 1;
		v->name = key;
		if (json_is_string(val)) {
			v->s = (char *)json_string_value(val);
			v->len = json_string_length(val);
			v->type = v->len > 0 ? V_JSTR : V_NONE;
		} else if (json_is_integer(val)) {
			v->type = V_INT;
			v->i = json_integer_value(val);
		} else if (json_is_real(val)) {
			v->type = V_REAL;
			v->d = json_real_value(val);
		} else if (!json_is_null(val)) {
			v->type = V_OTHER;
		}
	}
	row->line = line;
	return r->fmt->map(r, r->v, row, err, errsize);
}

static int next_jsonl(struct quell__reader *r, struct quell__row *row, size_t *line, char *err,
                      size_t errsize)
{
	for (;;) {
		char *p;
		size_t n, m;
		int rc;

		*line = r->in.line;
		rc = quell__in_line(&r->in, &p, &n);
		if (rc == QUELL_EDATA) {
			snprintf(err, errsize, "line longer than %d bytes", QUELL__ROW_MAX);
			return rc;
		}
		if (rc <= 0)
			return rc == QUELL_EIO ? io_error(r, err, errsize) : rc;
		m = n;
		quell__trim(p, &m);
		if (m == 0)
			continue;
		return json_record(r, p, n, *line, row, err, errsize);
	}
}

static int next_doc(struct quell__reader *r, struct quell__row *row, size_t *line, char *err,
                    size_t errsize)
{
	int rc = quell__jscan_next(&r->js, err, errsize);

	*line = r->js.line;
	if (rc != 1)
		return rc == QUELL_EIO ? io_error(r, err, errsize) : rc;
	return json_record(r, (const char *)r->js.el, r->js.ellen, *line, row, err, errsize);
}

int quell__reader_next(struct quell__reader *r, struct quell__row *row, size_t *line, char *err,
                       size_t errsize)
{
	size_t dummy;
	int rc;

	if (line == NULL)
		line = &dummy;
	row_init(row);
	if (r->pending) {
		rc = r->fmt->map(r, NULL, row, err, errsize);
		*line = row->line;
		return rc;
	}
	json_decref(r->json);
	r->json = NULL;
	switch (r->shape) {
	case SHAPE_CSV: rc = next_csv(r, row, line, err, errsize); break;
	case SHAPE_JSONL: rc = next_jsonl(r, row, line, err, errsize); break;
	case SHAPE_JSONDOC: rc = next_doc(r, row, line, err, errsize); break;
	default: rc = next_plain(r, row, line, err, errsize); break;
	}
	if (rc != 1)
		row_init(row);
	return rc;
}

const char *quell__reader_format(const struct quell__reader *r)
{
	return r->fmt->name;
}

const char *quell__reader_kind(const struct quell__reader *r)
{
	return r->kindname;
}

uint64_t quell__reader_bytes(const struct quell__reader *r)
{
	return quell__in_offset(&r->in);
}

void quell__reader_close(struct quell__reader *r)
{
	if (r == NULL)
		return;
	json_decref(r->json);
	if (r->csv_ok)
		quell__csv_fini(&r->csv);
	if (r->js_ok)
		quell__jscan_fini(&r->js);
	quell__in_close(&r->in);
	free(r->ebuf);
	free(r);
}
