/*
 * export.c - bulk export (quell_export): the entries that pass the
 * filters, in one read transaction, through a format writer (formats.h).
 *
 * csv and jsonl carry every entry as it stands, expired ones included, so
 * that export -> import into an empty database -> export gives the same
 * bytes; plain and the provider shapes carry what is live.
 */
#include <string.h>

#include "error.h"
#include "names.h"
#include "formats.h"

struct exp {
	quell *h;
	struct quell__writer *w;
	uint64_t written;
	int failed;
	char err[QUELL_ERROR_MAX];
};

static int put(void *ctx, const struct quell_entry *e)
{
	struct exp *x = ctx;
	int rc = quell__writer_put(x->w, e, x->err, sizeof x->err);

	if (rc < 0) {
		x->failed = rc;
		return 1;
	}
	if (rc == 0)
		x->written++;
	return 0;
}

int quell_export(quell *h, FILE *out, const struct quell_export_options *opts, uint64_t *written)
{
	struct quell_export_options def = QUELL_EXPORT_OPTIONS_INIT;
	struct quell_list_options lo = QUELL_LIST_OPTIONS_INIT;
	struct exp x;
	const char *format;
	int own, rc, rc2;

	if (written != NULL)
		*written = 0;
	if (h == NULL || out == NULL)
		return quell__error(h, QUELL_EINVAL, "export: NULL argument");
	if (opts == NULL)
		opts = &def;
	if (opts->version < 1 || opts->version > QUELL_EXPORT_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "export options version %u is not supported",
		                    opts->version);
	if ((rc = quell__stream_check(h, opts->stream, 1)) != 0)
		return rc;
	format = opts->format ? opts->format : "csv";
	own = strcmp(format, "csv") == 0 || strcmp(format, "jsonl") == 0;
	memset(&x, 0, sizeof x);
	x.h = h;
	rc = quell__writer_open(out, format, &x.w, x.err, sizeof x.err);
	if (rc != 0)
		return quell__error(h, rc, "%s", x.err);
	lo.list = opts->list ? opts->list : own ? QUELL_LIST_NONE : QUELL_LIST_SUPPRESS;
	lo.stream = opts->stream;
	lo.category = opts->category;
	lo.since = opts->since;
	lo.include_expired = own;
	lo.now = opts->now;
	rc = quell_list(h, &lo, put, &x);
	{
		char cerr[QUELL_ERROR_MAX];
		rc2 = quell__writer_close(x.w, cerr, sizeof cerr);
		if (rc2 != 0 && !x.failed)
			memcpy(x.err, cerr, sizeof x.err);
	}
	if (written != NULL)
		*written = x.written;
	if (x.failed)
		return quell__error(h, x.failed, "%s", x.err);
	if (rc != 0)
		return rc;
	if (rc2 != 0)
		return quell__error(h, rc2, "%s", x.err);
	return 0;
}
