/*
 * report.h - the renderers of a report (quell_report) and of the
 * activity (quell_activity), shared by `quell report`, `quell activity`
 * and the live page of `quell serve`: aligned text (report_text.c), CSV
 * (report_csv.c), JSON (report_json.c), one self-contained HTML page
 * (report_html.c, its charts report_svg.c, its tables report_page.c).
 *
 * Knows the library only through quell.h; nothing of LMDB or of HTTP.
 */
#ifndef QUELL_CMD_REPORT_H
#define QUELL_CMD_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "quell.h"

/* Activity items copied out of quell_activity's callback. */
struct act_row {
	char *key, *rule, *category, *status, *reply, *reason, *stream;
	int64_t time;
	int type, outcome, action, verdict, code, scope;
};
struct act_list {
	size_t n, cap;
	struct act_row *v;
};

/* quell_activity into *l (rows owned by l, also after a failure): 0, 1
 * when out of memory on the CLI's side (no message), or a QUELL_E* code. */
int act_collect(quell *h, const struct quell_activity_options *o, struct act_list *l);
void act_free(struct act_list *l);

/* What one row says it did: the outcome of a reply, else the action. */
const char *act_did(const struct act_row *a);

/* The report as aligned text tables for people. */
void report_text(FILE *f, const struct quell_report *r);
/* The report as CSV rows section,period,name,metric,value (formula-guarded). */
void report_csv(FILE *f, const struct quell_report *r);
/* The report as one JSON object; NULL when out of memory. */
json_t *report_json(const struct quell_report *r);

/* What the HTML page shows besides the report. */
struct page_opts {
	const char *title;     /* the page's heading */
	const char *query;     /* the filters, for people ("since ... by day") */
	int refresh;           /* seconds between reloads of a live page; 0 none */
	const struct act_list *act; /* the activity table; may be NULL */
};

/* The whole page: 0, or -1 when writing failed. */
int report_html(FILE *f, const struct quell_report *r, const struct page_opts *p);

/* HTML-escaped text (& < > " '; control bytes and invalid UTF-8 as U+FFFD). */
void html_put(FILE *f, const char *s);

#endif
