/*
 * native.c - rows from quell's own formats: plain (one entry per
 * line; readers.c reads the lines), csv and jsonl (every field of an entry,
 * restored as it stands).  Also the cell decoding of quell's csv, the
 * reverse of what writers.c writes.
 *
 * Knows nothing of LMDB, rules or address normalization.
 */
#include <string.h>

#include "readers.h"
#include "text.h"

/* Slots are the column numbers of QUELL__COLUMNS, which are also the bit
 * numbers of the QUELL__HAS_* flags. */
enum { ENTRY, LIST, SCOPE, STREAM, SOURCE, CATEGORY, RULE, CODE, STATUS, REPLY, REASON,
       CREATED, UPDATED, EXPIRES, UNTIL, FIRST_FAILURE, ATTEMPTS, COUNT, NSLOTS };

static const struct quell__col quell_cols[] = {
	{ "entry", ENTRY },       { "list", LIST },         { "scope", SCOPE },
	{ "stream", STREAM },     { "source", SOURCE },     { "category", CATEGORY },
	{ "rule", RULE },         { "code", CODE },         { "status", STATUS },
	{ "reply", REPLY },       { "reason", REASON },     { "created", CREATED },
	{ "updated", UPDATED },   { "expires", EXPIRES },   { "until", UNTIL },
	{ "first_failure", FIRST_FAILURE }, { "attempts", ATTEMPTS }, { "count", COUNT },
	{ NULL, 0 },
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *quell__cell_decode(char *s, size_t *len, int quoted, int *hex)
{
	size_t i = 0, o, n = *len;
	char *bs;

	*hex = 0;
	if (quoted && n > 0 && s[0] == '\'') { /* the formula quote */
		s++;
		n--;
	}
	*len = n;
	if ((bs = memchr(s, '\\', n)) == NULL)
		return s;
	for (o = i = (size_t)(bs - s); i < n; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < n) {
			switch (s[i + 1]) {
			case 'n': c = '\n'; i++; break;
			case 'r': c = '\r'; i++; break;
			case 't': c = '\t'; i++; break;
			case '\\': i++; break;
			case 'x':
				if (i + 3 < n && hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
					c = (char)(hexval(s[i + 2]) << 4 | hexval(s[i + 3]));
					i += 3;
					*hex = 1;
				}
				break;
			default: break; /* any other backslash stays */
			}
		}
		s[o++] = c;
	}
	s[o] = '\0';
	*len = o;
	return s;
}

/* A name from a table of enum names (index 1..n-1), or 0 when absent. */
static int name_value(const struct quell__val *v, const char *(*name)(int), int n, int *out,
                      const char *what, char *err, size_t errsize)
{
	size_t len = v->len;
	const char *s;

	*out = 0;
	if (v->type == V_NONE)
		return 0;
	if (v->type == V_STR || v->type == V_JSTR) {
		s = quell__trim(v->s, &len);
		for (int i = 1; i < n; i++) {
			if (quell__ieq(s, len, name(i))) {
				*out = i;
				return 0;
			}
		}
	}
	return quell__val_bad(v, what, err, errsize);
}

static int map_quell(struct quell__reader *r, struct quell__val *v, struct quell__row *row,
                     char *err, size_t errsize)
{
	static const int times[] = { CREATED, UPDATED, EXPIRES, UNTIL, FIRST_FAILURE };
	int64_t *tout[] = { &row->created, &row->updated, &row->expires, &row->until,
		            &row->first_failure };
	uint64_t n;
	int rc;

	if ((rc = quell__val_entry(r, &v[ENTRY], row, err, errsize)) != 0 ||
	    (rc = name_value(&v[LIST], quell_list_name, 4, &row->list, "list", err, errsize)) ||
	    (rc = name_value(&v[SCOPE], quell_scope_name, 3, &row->scope, "scope", err, errsize)) ||
	    (rc = name_value(&v[SOURCE], quell_source_name, 6, &row->source, "source", err,
	                     errsize)) != 0 ||
	    (rc = quell__val_str(&v[STREAM], &row->stream, err, errsize)) != 0 ||
	    (rc = quell__val_str(&v[CATEGORY], &row->category, err, errsize)) != 0 ||
	    (rc = quell__val_str(&v[RULE], &row->rule, err, errsize)) != 0 ||
	    (rc = quell__val_str(&v[STATUS], &row->status, err, errsize)) != 0 ||
	    (rc = quell__val_str(&v[REPLY], &row->reply, err, errsize)) != 0 ||
	    (rc = quell__val_str(&v[REASON], &row->reason, err, errsize)) != 0)
		return rc;
	if ((rc = quell__val_uint(&v[CODE], 999, &n, err, errsize)) != 0)
		return rc;
	row->code = (int)n;
	if ((rc = quell__val_uint(&v[ATTEMPTS], UINT32_MAX, &n, err, errsize)) != 0)
		return rc;
	row->attempts = (uint32_t)n;
	if ((rc = quell__val_uint(&v[COUNT], UINT32_MAX, &n, err, errsize)) != 0)
		return rc;
	row->count = (uint32_t)n;
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
		if ((rc = quell__val_time(&v[times[i]], tout[i], err, errsize)) != 0)
			return rc;
	for (int i = 0; i < NSLOTS; i++)
		if (v[i].type != V_NONE)
			row->has |= 1u << i;
	row->restore = 1;
	return 1;
}

static int start_quell(struct quell__reader *r, const int *present, char *err, size_t errsize)
{
	(void)r;
	(void)present;
	(void)err;
	(void)errsize;
	return 0;
}

const struct quell__fmt quell__fmt_csv = {
	"csv", quell_cols, NSLOTS, ENTRY, 1, start_quell, map_quell, 1u << REPLY | 1u << REASON,
};

const struct quell__fmt quell__fmt_jsonl = {
	"jsonl", quell_cols, NSLOTS, ENTRY, 0, start_quell, map_quell, 1u << REPLY | 1u << REASON,
};

/* plain: readers.c reads the lines itself; the table names the format. */
static const struct quell__col plain_cols[] = { { "entry", 0 }, { NULL, 0 } };

static int map_plain(struct quell__reader *r, struct quell__val *v, struct quell__row *row,
                     char *err, size_t errsize)
{
	return quell__val_entry(r, &v[0], row, err, errsize) == 0 ? 1 : QUELL_EDATA;
}

const struct quell__fmt quell__fmt_plain = {
	"plain", plain_cols, 1, 0, 0, start_quell, map_plain, 0,
};
