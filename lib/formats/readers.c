/*
 * readers.c - the readers of formats.h: open a stream, have its format told
 * (detect.c), and drive one of four shapes (lines, CSV, JSON Lines,
 * a JSON document, element by element) into named values that the
 * format's mapper (sendgrid.c, mailgun.c, ...) turns into rows.  A JSON list of
 * strings (Mailgun's tags) becomes its compact text.
 *
 * Knows nothing of LMDB, rules or address normalization.
 */
#include <stdlib.h>
#include <string.h>

#include "readers.h"
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
	if ((r = calloc(1, sizeof *r)) == NULL) {
		snprintf(err, errsize, "out of memory");
		return QUELL_ENOMEM;
	}
	r->filename = filename != NULL ? filename : "-";
	r->kindname = "";
	rc = quell__in_open(&r->in, in);
	if (rc == 0 && (r->ebuf = malloc(QUELL__ROW_MAX + 1)) == NULL)
		rc = QUELL_ENOMEM;
	if (rc != 0) {
		if (rc == QUELL_ENOMEM)
			snprintf(err, errsize, "out of memory");
		else
			rc = quell__reader_ioerr(r, err, errsize);
		quell__reader_close(r);
		return rc;
	}
	if ((rc = quell__reader_detect(r, want, err, errsize)) != 0) {
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

/* The next line of the stream (quell__in_line) into *p and *n, its number
 * into *line: 1, 0 at the end, or an error with err set. */
static int read_line(struct quell__reader *r, char **p, size_t *n, size_t *line, char *err,
                     size_t errsize)
{
	int rc;

	*line = r->in.line;
	rc = quell__in_line(&r->in, p, n);
	if (rc == QUELL_EDATA)
		snprintf(err, errsize, "line longer than %d bytes", QUELL__ROW_MAX);
	else if (rc == QUELL_EIO)
		rc = quell__reader_ioerr(r, err, errsize);
	return rc;
}

static int next_plain(struct quell__reader *r, struct quell__row *row, size_t *line, char *err,
                      size_t errsize)
{
	for (;;) {
		char *p;
		size_t n, bad;
		int rc;

		if ((rc = read_line(r, &p, &n, line, err, errsize)) <= 0)
			return rc;
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

/* Replace v's text by its repair (text.h) in r->fix.  0 or QUELL_ENOMEM
 * with err set. */
static int repair(struct quell__reader *r, struct quell__val *v, int flags, char *err,
                  size_t errsize)
{
	char *out;

	if (r->fix == NULL && (r->fix = malloc(QUELL__FIX_MAX)) == NULL) {
		snprintf(err, errsize, "out of memory");
		return QUELL_ENOMEM;
	}
	out = r->fix + r->fixlen;
	v->len = quell__utf8_repair(v->s, v->len, out, QUELL__FIX_MAX - r->fixlen, flags, NULL);
	v->s = out;
	r->fixlen += v->len + 1;
	return 0;
}

static int next_csv(struct quell__reader *r, struct quell__row *row, size_t *line, char *err,
                    size_t errsize)
{
	int rc = quell__csv_next(&r->csv, err, errsize), check;

	*line = r->csv.line;
	if (rc <= 0)
		return rc == QUELL_EIO ? quell__reader_ioerr(r, err, errsize) : rc;
	if (r->csv.nf > r->ncols && !r->fmt->quell_cells)
		join_split_dates(&r->csv, r->ncols);
	if (r->csv.nf != r->ncols) {
		snprintf(err, errsize, "%zu columns where the %s %zu", r->csv.nf,
		         r->header ? "header has" : "format has", r->ncols);
		return QUELL_EDATA;
	}
	/* one UTF-8 check for the whole row; cell by cell only to name the
	 * column when it fails (a bad byte in an ignored column is no matter) */
	check = quell__utf8_check(r->csv.rec, r->csv.reclen) < r->csv.reclen;
	memset(r->v, 0, (size_t)r->fmt->nslots * sizeof r->v[0]);
	r->fixlen = 0;
	for (size_t i = 0; i < r->ncols; i++) {
		struct quell__val *v;
		size_t bad;
		int hex = 0, text, broken = 0;

		if (r->colslot[i] < 0)
			continue;
		v = &r->v[r->colslot[i]];
		v->name = r->colname[i];
		v->s = quell__csv_cell(&r->csv, i);
		v->len = r->csv.len[i];
		if (v->len == 0)
			continue;
		v->type = V_STR;
		text = (r->fmt->text_slots >> r->colslot[i]) & 1;
		if (check && (bad = quell__utf8_check(v->s, v->len)) < v->len) {
			if (!text) {
				snprintf(err, errsize, "invalid UTF-8 in '%s' at byte %zu", v->name,
				         bad + 1);
				return QUELL_EDATA;
			}
			broken = 1; /* repaired below, once the escapes are undone */
		}
		/* a provider CSV's formula guard (text.h); quell's csv drops its
		 * own in quell__cell_decode */
		if (!r->fmt->quell_cells && v->s[0] == '\'' &&
		    quell__csv_formula(v->s + 1, v->len - 1)) {
			v->s++;
			v->len--;
		}
		if (r->fmt->quell_cells && !r->csv.nobackslash) {
			v->s = quell__cell_decode(v->s, &v->len, r->csv.quoted[i], &hex);
			if (hex && quell__utf8_check(v->s, v->len) < v->len) {
				if (!text) {
					snprintf(err, errsize, "invalid UTF-8 in '%s' after \\x escapes",
					         v->name);
					return QUELL_EDATA;
				}
				broken = 1;
			}
		}
		if (broken && quell__utf8_check(v->s, v->len) < v->len) {
			if ((rc = repair(r, v, 0, err, errsize)) != 0)
				return rc;
			row->repaired = 1;
		}
		if (v->len == 0)
			v->type = V_NONE;
	}
	row->line = *line;
	return r->fmt->map(r, r->v, row, err, errsize);
}

/* After a JSON record was repaired: reject the row when a replacement
 * landed outside its texts.  1, or QUELL_EDATA with err set. */
static int json_repaired(struct quell__row *row, char *err, size_t errsize)
{
	const char *const names[] = { "entry", "stream", "category", "rule", "status" };
	const char *const vals[] = { row->entry, row->stream, row->category, row->rule,
		                     row->status };

	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		if (strstr(vals[i], "\xEF\xBF\xBD") != NULL) {
			snprintf(err, errsize, "invalid UTF-8 in '%s'", names[i]);
			return QUELL_EDATA;
		}
	row->repaired = 1;
	return 1;
}

/* Whether JSON array a holds strings only. */
static int strings_only(json_t *a)
{
	size_t i;
	json_t *e;

	json_array_foreach(a, i, e) {
		if (!json_is_string(e))
			return 0;
	}
	return 1;
}

/* Parse one JSON object p[0..n) into r->json.  Bytes that are not UTF-8
 * are repaired first (*fixed set: U+FFFD, which json_repaired keeps out
 * of the entry and names), since JSON is UTF-8 as a whole. */
static int json_parse(struct quell__reader *r, const char *p, size_t n, int *fixed, char *err,
                      size_t errsize)
{
	json_error_t je;
	int rc;

	if (memchr(p, '\0', n) != NULL) {
		snprintf(err, errsize, "NUL byte in the row");
		return QUELL_EDATA;
	}
	if (quell__utf8_check(p, n) < n) {
		struct quell__val whole = { 0 };

		whole.s = (char *)p;
		whole.len = n;
		if ((rc = repair(r, &whole, QUELL__REPAIR_NO_LATIN1, err, errsize)) != 0)
			return rc;
		p = whole.s;
		n = whole.len;
		*fixed = 1;
	}
	r->json = json_loadb(p, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (r->json == NULL) {
		snprintf(err, errsize, "malformed JSON: %s", je.text);
		return QUELL_EDATA;
	}
	if (!json_is_object(r->json)) {
		snprintf(err, errsize, "malformed JSON: an object was expected");
		return QUELL_EDATA;
	}
	return 0;
}

/* A JSON member's value into v: a string, a number, a list of strings
 * (Mailgun's tags) as its compact text in r->fix; anything else is
 * V_OTHER, null absent. */
static int json_value(struct quell__reader *r, json_t *val, struct quell__val *v, char *err,
                      size_t errsize)
{
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
	} else if (json_is_array(val) && strings_only(val)) {
		size_t k = json_dumpb(val, NULL, 0, JSON_COMPACT);

		if (r->fix == NULL && (r->fix = malloc(QUELL__FIX_MAX)) == NULL) {
			snprintf(err, errsize, "out of memory");
			return QUELL_ENOMEM;
		}
		if (k == 0 || k >= QUELL__FIX_MAX - r->fixlen) {
			v->type = V_OTHER;
			return 0;
		}
		v->s = r->fix + r->fixlen;
		v->len = json_dumpb(val, v->s, k, JSON_COMPACT);
		v->s[v->len] = '\0';
		r->fixlen += v->len + 1;
		v->type = V_STR;
	} else if (!json_is_null(val)) {
		v->type = V_OTHER;
	}
	return 0;
}

/* The members of r->json that the format has columns for into r->v;
 * seen[slot] is 1 for each found.  A slot named twice is refused. */
static int json_values(struct quell__reader *r, int *seen, char *err, size_t errsize)
{
	const char *key;
	json_t *val;
	int rc;

	memset(r->v, 0, (size_t)r->fmt->nslots * sizeof r->v[0]);
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
		if ((rc = json_value(r, val, v, err, errsize)) != 0)
			return rc;
	}
	return 0;
}

/* One JSON object (a line or an array element) into values, then a row. */
static int json_record(struct quell__reader *r, const char *p, size_t n, size_t line,
                       struct quell__row *row, char *err, size_t errsize)
{
	int seen[QUELL__SLOTS_MAX] = { 0 }, fixed = 0, rc;

	r->fixlen = 0;
	if ((rc = json_parse(r, p, n, &fixed, err, errsize)) != 0)
		return rc;
	if ((rc = json_values(r, seen, err, errsize)) != 0)
		return rc;
	if (r->need_start) { /* the first element tells the kind */
		int present[QUELL__SLOTS_MAX] = { 0 };

		for (int i = 0; i < r->fmt->nslots; i++)
			present[i] = seen[i];
		if ((rc = r->fmt->start(r, present, err, errsize)) != 0)
			return rc;
		r->need_start = 0;
	}
	row->line = line;
	rc = r->fmt->map(r, r->v, row, err, errsize);
	return rc == 1 && fixed ? json_repaired(row, err, errsize) : rc;
}

static int next_jsonl(struct quell__reader *r, struct quell__row *row, size_t *line, char *err,
                      size_t errsize)
{
	for (;;) {
		char *p;
		size_t n, m;
		int rc;

		if ((rc = read_line(r, &p, &n, line, err, errsize)) <= 0)
			return rc;
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
		return rc == QUELL_EIO ? quell__reader_ioerr(r, err, errsize) : rc;
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
	free(r->fix);
	free(r);
}
