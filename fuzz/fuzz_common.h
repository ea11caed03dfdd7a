/*
 * fuzz_common.h - what the import fuzz targets share: run a reader over
 * arbitrary bytes and check every row it gives, and that quell's csv and
 * jsonl carry each row through a write and a read unchanged.
 *
 * The first input byte picks the format (and a file name, which may hint
 * at a provider's kind); the rest is the input.
 */
#ifndef QUELL_FUZZ_COMMON_H
#define QUELL_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "text.h"

#define CHECK(cond)                                                                            \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                               \
		}                                                                              \
	} while (0)

static void check_string(const char *s)
{
	CHECK(s != NULL);
	CHECK(quell__utf8_check(s, strlen(s)) == strlen(s));
}

static void check_row(const struct quell__row *r)
{
	const char *s[] = { r->entry, r->stream, r->category, r->rule,
		            r->status, r->reply,  r->reason };

	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		check_string(s[i]);
	CHECK(r->entry[0] != '\0');
	CHECK(r->line >= 1);
	CHECK(r->list >= 0 && r->list <= QUELL_LIST_BACKOFF);
	CHECK(r->scope >= 0 && r->scope <= QUELL_SCOPE_DOMAIN);
	CHECK(r->source >= 0 && r->source <= QUELL_SOURCE_IMPORT);
	CHECK(r->code >= 0 && r->code <= 999);
	CHECK(r->created >= 0 && r->updated >= 0 && r->expires >= 0 && r->until >= 0 &&
	      r->first_failure >= 0);
	CHECK((r->has & QUELL__HAS_ENTRY) != 0);
}

static void entry_of(const struct quell__row *r, struct quell_entry *e)
{
	*e = (struct quell_entry){ r->entry,  r->scope,   r->list,    r->stream,  r->source,
		                   r->category, r->rule, r->code,    r->status,  r->reply,
		                   r->reason, r->created, r->updated, r->expires, r->until,
		                   r->first_failure, r->attempts, r->count };
}

static int same(const struct quell_entry *a, const struct quell__row *r)
{
	return strcmp(a->key, r->entry) == 0 && a->scope == r->scope && a->list == r->list &&
	       strcmp(a->stream, r->stream) == 0 && a->source == r->source &&
	       strcmp(a->category, r->category) == 0 && strcmp(a->rule, r->rule) == 0 &&
	       a->code == r->code && strcmp(a->status, r->status) == 0 &&
	       strcmp(a->reply, r->reply) == 0 && strcmp(a->reason, r->reason) == 0 &&
	       a->created == r->created && a->updated == r->updated && a->expires == r->expires &&
	       a->until == r->until && a->first_failure == r->first_failure &&
	       a->attempts == r->attempts && a->count == r->count;
}

/* Write the row in quell's format and read it back: the same row. */
static void round_trip(const struct quell__row *row, const char *format)
{
	struct quell_entry e;
	struct quell__writer *w;
	struct quell__reader *r;
	struct quell__row back;
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len), *in;
	int rc;

	CHECK(out != NULL);
	entry_of(row, &e);
	CHECK(quell__writer_open(out, format, &w, err, sizeof err) == 0);
	CHECK(quell__writer_put(w, &e, err, sizeof err) == 0);
	CHECK(quell__writer_close(w, err, sizeof err) == 0);
	CHECK(fclose(out) == 0);
	in = fmemopen(buf, len, "rb");
	CHECK(in != NULL);
	rc = quell__reader_open(in, format, "-", &r, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "reopen: %s\n", err);
	CHECK(rc == 0);
	rc = quell__reader_next(r, &back, NULL, err, sizeof err);
	if (rc != 1)
		fprintf(stderr, "reread %s: %d %s\n%s", format, rc, err, buf);
	CHECK(rc == 1);
	CHECK(same(&e, &back));
	CHECK(quell__reader_next(r, &back, NULL, err, sizeof err) == 0);
	quell__reader_close(r);
	fclose(in);
	free(buf);
}

/* Read all of data[0..size) as format; check rows, rejections, progress. */
static void run(const uint8_t *data, size_t size, const char *format, const char *name)
{
	struct quell__reader *r;
	struct quell__row row;
	char err[256];
	size_t line, last = 0;
	FILE *in;
	int rc;

	if (size == 0)
		return; /* fmemopen wants at least one byte */
	in = fmemopen((void *)data, size, "rb");
	CHECK(in != NULL);
	rc = quell__reader_open(in, format, name, &r, err, sizeof err);
	if (rc != 0) {
		CHECK(rc == QUELL_EDATA && err[0] != '\0');
		fclose(in);
		return;
	}
	while ((rc = quell__reader_next(r, &row, &line, err, sizeof err)) != 0) {
		CHECK(rc == 1 || rc == QUELL_EDATA);
		CHECK(line >= last); /* rows come in input order */
		last = line;
		if (rc == QUELL_EDATA) {
			CHECK(err[0] != '\0');
			continue;
		}
		CHECK(line == row.line);
		check_row(&row);
		round_trip(&row, "csv");
		round_trip(&row, "jsonl");
	}
	CHECK(quell__reader_bytes(r) <= size);
	quell__reader_close(r);
	fclose(in);
}

#endif
