/*
 * report_html.c - a report as one self-contained HTML page (`quell
 * report --html`, and the live page of `quell serve`): inline CSS, a few
 * lines of inline JavaScript (the activity table's search, the live
 * page's reload, and a record of script errors and blocked requests in
 * attributes of <html> that the browser test reads), inline SVG charts
 * (report_svg.c), each with its data as a table in a <details> beside it.
 * A Content-Security-Policy of default-src 'none' lets the page load
 * nothing from anywhere: it must work when mailed or opened from disk.
 * The tables of domains, reasons and events are report_page.c's.
 *
 * Every stored text goes through html_put.  Knows nothing of HTTP.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "report_page.h"
#include "report_svg.h"

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1em auto;max-width:1100px;padding:0 1em;"
	"color:#111;background:#fff}h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;"
	"border-bottom:1px solid #ccc}table{border-collapse:collapse;margin:.5em 0}"
	"th,td{padding:2px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"svg.chart{width:100%;max-width:760px;height:auto;display:block}"
	"svg.spark{width:100px;height:20px}.grid{stroke:#ddd}.ax{font-size:11px;fill:#444}"
	".lg{font-size:12px;fill:#111}details{margin:.3em 0}summary{cursor:pointer}"
	".reply{font-family:monospace;white-space:pre-wrap;word-break:break-all}"
	"#q{padding:4px;width:20em}.muted{color:#666}";

/* Errors and blocked requests recorded on <html> (data-errors, data-csp);
 * data-ready once loaded; the search; the live page's reload. */
static const char js[] =
	"(function(){var d=document.documentElement,n=0,c=0;"
	"window.addEventListener('error',function(e){n++;d.setAttribute('data-errors',n+': '+"
	"(e.message||'error'))});"
	"document.addEventListener('securitypolicyviolation',function(e){c++;"
	"d.setAttribute('data-csp',c+': '+e.blockedURI)});"
	"window.addEventListener('load',function(){var q=document.getElementById('q');"
	"if(q)q.addEventListener('input',function(){var w=q.value.toLowerCase();"
	"var rows=document.querySelectorAll('#activity tbody tr'),k=0;"
	"for(var i=0;i<rows.length;i++){var m=rows[i].textContent.toLowerCase().indexOf(w)>=0;"
	"rows[i].hidden=!m;if(m)k++}document.getElementById('qn').textContent=k+' shown'});"
	"var r=parseInt(d.getAttribute('data-refresh')||'0',10);"
	"if(r>0)setTimeout(function(){if(!q||!q.value)location.reload()},r*1000);"
	"d.setAttribute('data-ready','1')})})();";

static const char csp[] = "default-src 'none'; style-src 'unsafe-inline'; "
                          "script-src 'unsafe-inline'; img-src data:; form-action 'self'";

/* Period labels "MM-DD" ("YYYY-MM-DD" in the tables). */
static char (*labels(const struct quell_report *r, const char ***ptrs))[11]
{
	char (*lab)[11] = calloc(r->nperiods ? r->nperiods : 1, sizeof *lab);
	const char **p = calloc(r->nperiods ? r->nperiods : 1, sizeof *p);

	if (lab == NULL || p == NULL) {
		free(lab);
		free(p);
		return NULL;
	}
	for (size_t i = 0; i < r->nperiods; i++) {
		char t[QUELL_TIME_MAX];

		snprintf(lab[i], sizeof lab[i], "%.5s", quell_time_format(r->periods[i].start, t,
		                                                           sizeof t) + 5);
		p[i] = lab[i];
	}
	*ptrs = p;
	return lab;
}

/* A table of the chart's values: a row per period, a column per series. */
static void data_table(FILE *f, const struct quell_report *r, const struct svg_chart *c)
{
	char t[QUELL_TIME_MAX];

	fputs("<details><summary>Table of this chart</summary><table><thead><tr><th>period</th>", f);
	for (size_t s = 0; s < c->nser; s++) {
		fputs("<th class=\"n\">", f);
		html_put(f, c->names[s]);
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>", f);
	for (size_t i = 0; i < c->n; i++) {
		fprintf(f, "<tr><td>%.10s</td>", quell_time_format(r->periods[i].start, t, sizeof t));
		for (size_t s = 0; s < c->nser; s++)
			fprintf(f, "<td class=\"n\">%llu</td>", (unsigned long long)c->v[s * c->n + i]);
		fputs("</tr>", f);
	}
	fputs("</tbody></table></details>\n", f);
}

static int outcome_chart(FILE *f, const struct quell_report *r, const char *const *lab)
{
	static const char *const names[QUELL_OUTCOMES] = { "delivered", "suppressed", "backoff",
		                                            "counted", "ignored" };
	uint64_t *v = calloc(QUELL_OUTCOMES * (r->nperiods ? r->nperiods : 1), sizeof *v);
	struct svg_chart c = { "outcomes", "Replies by outcome per period", r->nperiods, lab,
		               QUELL_OUTCOMES, names, v };

	if (v == NULL)
		return -1;
	for (size_t s = 0; s < QUELL_OUTCOMES; s++)
		for (size_t i = 0; i < r->nperiods; i++)
			v[s * r->nperiods + i] = r->periods[i].outcomes[s];
	fputs("<h2 id=\"h-outcomes\">Replies by outcome</h2>\n", f);
	svg_lines(f, &c);
	data_table(f, r, &c);
	free(v);
	return 0;
}

static int size_chart(FILE *f, const struct quell_report *r, const char *const *lab)
{
	static const char *const names[3] = { "suppressed addresses", "suppressed domains",
		                              "in backoff" };
	uint64_t *v = calloc(3 * (r->nperiods ? r->nperiods : 1), sizeof *v);
	struct svg_chart c = { "sizes", "List sizes at the end of each period", r->nperiods, lab, 3,
		               names, v };
	size_t n = r->nperiods;

	if (v == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		v[i] = r->periods[i].suppressed_addresses;
		v[n + i] = r->periods[i].suppressed_domains;
		v[2 * n + i] = r->periods[i].backoff;
	}
	fputs("<h2 id=\"h-sizes\">List sizes</h2>\n", f);
	svg_lines(f, &c);
	data_table(f, r, &c);
	free(v);
	return 0;
}

/* New suppressions stacked by category: the largest SVG_SERIES_MAX - 1,
 * the rest as "other categories". */
static int category_chart(FILE *f, const struct quell_report *r, const char *const *lab)
{
	size_t n = r->nperiods, ns = r->ncategories, keep = ns;
	uint64_t *v;
	const char *names[SVG_SERIES_MAX];
	struct svg_chart c = { "suppressions", "New suppressions per period by category", n, lab, 0,
		               names, NULL };

	if (keep > SVG_SERIES_MAX)
		keep = SVG_SERIES_MAX - 1;
	if ((v = calloc(SVG_SERIES_MAX * (n ? n : 1), sizeof *v)) == NULL)
		return -1;
	for (size_t s = 0; s < ns; s++) {
		size_t row = s < keep ? s : keep;

		names[row] = s < keep ? (r->categories[s].name[0] ? r->categories[s].name : "(none)")
		                      : "other categories";
		for (size_t i = 0; i < n; i++)
			v[row * n + i] += r->categories[s].periods[i];
	}
	c.nser = ns > keep ? keep + 1 : ns;
	c.v = v;
	fputs("<h2 id=\"h-suppressions\">New suppressions by category</h2>\n", f);
	if (c.nser == 0)
		fputs("<p class=\"muted\">No new suppressions in this range.</p>\n", f);
	svg_stack(f, &c);
	data_table(f, r, &c);
	free(v);
	return 0;
}

static void head(FILE *f, const struct quell_report *r, const struct page_opts *p)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\" data-refresh=\"%d\"><head>"
	           "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" "
	           "content=\"%s\">\n<meta name=\"viewport\" content=\"width=device-width\">\n"
	           "<title>", p->refresh, csp);
	html_put(f, p->title);
	fprintf(f, "</title>\n<style>%s</style>\n<script>%s</script>\n</head><body>\n<h1>", css, js);
	html_put(f, p->title);
	fputs("</h1>\n<p>", f);
	html_put(f, p->query ? p->query : "");
	fprintf(f, "; %llu events.", (unsigned long long)r->events);
	if (p->refresh > 0)
		fprintf(f, " This page reloads itself every %d seconds.", p->refresh);
	fputs("</p>\n", f);
}

int report_html(FILE *f, const struct quell_report *r, const struct page_opts *p)
{
	const char **lab = NULL;
	char (*store)[11] = labels(r, &lab);
	int rc = store == NULL ? -1 : 0;

	head(f, r, p);
	if (rc == 0)
		rc = outcome_chart(f, r, lab);
	if (rc == 0)
		rc = category_chart(f, r, lab);
	if (rc == 0)
		rc = size_chart(f, r, lab);
	if (rc == 0) {
		page_domains(f, r);
		page_backoff(f, r);
		page_reasons(f, r);
		if (p->act != NULL)
			page_activity(f, p->act);
		fputs("<p class=\"muted\">Made by quell " QUELL_VERSION_STRING
		      "; docs/report.md says what each figure means.</p>\n</body></html>\n", f);
	}
	free(store);
	free(lab);
	return rc != 0 || ferror(f) ? -1 : 0;
}
