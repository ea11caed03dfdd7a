/*
 * readutil.h - what the reader suites share: read an input whole and
 * render its rows and rejections as text, one line each ("LINE ENTRY
 * source key=value ..." or "LINE! reason"), so that a case is one got/want
 * comparison that shows the whole difference.
 */
#ifndef QUELL_READUTIL_H
#define QUELL_READUTIL_H

#include <stdarg.h>
#include <stdlib.h>

#include "formats.h"
#include "testutil.h"

#define DATA "tests/data/import/"

struct text {
	char buf[16384];
	size_t len;
};

static inline void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < sizeof t->buf - t->len ? (size_t)n : sizeof t->buf - t->len - 1;
}

/* key=value with control bytes shown as \n, \r, \t, \xHH */
static inline void field(struct text *t, const char *key, const char *v)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(v); /* strings are never NULL */
	if (*v == '\0')
		return;
	add(t, " %s=", key);
	for (; *v != '\0'; v++) {
		unsigned char c = (unsigned char)*v;
		if (c == '\\')
			add(t, "\\\\");
		else if (c == '\n')
			add(t, "\\n");
		else if (c == '\r')
			add(t, "\\r");
		else if (c == '\t')
			add(t, "\\t");
		else if (c < 0x20 || c == 0x7f)
			add(t, "\\x%02X", c);
		else
			add(t, "%c", c);
	}
}

static inline void tfield(struct text *t, const char *key, int64_t v)
{
	char b[QUELL_TIME_MAX];

	if (v != 0)
		add(t, " %s=%s", key, quell_time_format(v, b, sizeof b));
}

static inline void render_row(struct text *t, const struct quell__row *r)
{
	add(t, "%zu %s", r->line, r->entry);
	if (r->list)
		add(t, " list=%s", quell_list_name(r->list));
	if (r->scope)
		add(t, " scope=%s", quell_scope_name(r->scope));
	if (r->source)
		add(t, " %s", quell_source_name(r->source));
	field(t, "cat", r->category);
	field(t, "stream", r->stream);
	field(t, "rule", r->rule);
	if (r->code)
		add(t, " code=%d", r->code);
	field(t, "status", r->status);
	field(t, "reply", r->reply);
	field(t, "reason", r->reason);
	tfield(t, "created", r->created);
	tfield(t, "updated", r->updated);
	tfield(t, "expires", r->expires);
	tfield(t, "until", r->until);
	tfield(t, "ff", r->first_failure);
	if (r->attempts)
		add(t, " attempts=%u", r->attempts);
	if (r->count)
		add(t, " count=%u", r->count);
	if (r->restore)
		add(t, " restore");
	if (r->repaired)
		add(t, " repaired");
	add(t, "\n");
}

/*
 * Read everything: "FORMAT KIND\n", then "LINE ENTRY ...\n" per row and
 * "LINE! reason\n" per rejected row; or "open: CODE message\n".
 */
static inline void read_all(FILE *f, const char *format, const char *name, struct text *t)
{
	struct quell__reader *r;
	struct quell__row row;
	char err[256];
	size_t line;
	int rc;

	t->len = 0;
	t->buf[0] = '\0';
	rc = quell__reader_open(f, format, name, &r, err, sizeof err);
	if (rc != 0) {
		CU_ASSERT_PTR_NULL(r);
		add(t, "open: %d %s\n", rc, err);
		return;
	}
	add(t, "%s %s\n", quell__reader_format(r), quell__reader_kind(r));
	while ((rc = quell__reader_next(r, &row, &line, err, sizeof err)) != 0) {
		if (rc == 1) {
			TU_EQ_INT(line, row.line);
			CU_ASSERT(row.entry[0] != '\0');
			render_row(t, &row);
		} else {
			add(t, "%zu! %s\n", line, err);
			if (rc != QUELL_EDATA) {
				add(t, "fatal %d\n", rc);
				break;
			}
		}
	}
	quell__reader_close(r);
}

static inline void read_file(const char *path, const char *format, struct text *t)
{
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		fprintf(stderr, "\n  %s: cannot open (run from the source tree)\n", path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	read_all(f, format, path, t);
	fclose(f);
}

static inline void read_mem(const char *data, size_t len, const char *format, const char *name,
                     struct text *t)
{
	FILE *f = len > 0 ? fmemopen((void *)data, len, "rb") : fopen("/dev/null", "rb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	read_all(f, format, name, t);
	fclose(f);
}

struct mem_case {
	const char *name;   /* file name given to the reader */
	const char *format; /* NULL: detect */
	const char *in;
	const char *want;
};

static inline void run_mem(const struct mem_case *cases, size_t n)
{
	static struct text got;

	for (size_t i = 0; i < n; i++) {
		read_mem(cases[i].in, strlen(cases[i].in), cases[i].format, cases[i].name, &got);
		if (strcmp(got.buf, cases[i].want) != 0)
			fprintf(stderr, "\n  case %zu (%s):\n--- got\n%s--- want\n%s", i, cases[i].name,
			        got.buf, cases[i].want);
		CU_ASSERT_STRING_EQUAL(got.buf, cases[i].want);
	}
}

#define RUN_MEM(cases) run_mem(cases, sizeof cases / sizeof cases[0])

#endif
