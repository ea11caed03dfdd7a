/*
 * import.h - inside the importer: the state of one import, shared by
 * import.c (reading rows, sorting them in runs, writing them in batches)
 * and import_row.c (what one row does to the store).  Nothing else
 * includes it.
 */
#ifndef QUELL_IMPORT_H
#define QUELL_IMPORT_H

#include "arena.h"
#include "buf.h"
#include "record.h"
#include "spill.h"
#include "store.h"

/* What writing a row means (import.c, the top). */
enum quell__imp_kind { QUELL__IMP_RESTORE, QUELL__IMP_PUT, QUELL__IMP_RULES };

/* One import. */
struct quell__imp {
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

/*
 * Write one row of the batch inside w: restored or put as it stands
 * (through write.h), or its reply recorded through the rules (record.h).
 * Counts it in m->batch (or as rejected, reported once).  0, or an error
 * with its message set.
 */
int quell__imp_write_row(struct quell__imp *m, struct quell__wtxn *w, struct quell__item *it);

#endif
