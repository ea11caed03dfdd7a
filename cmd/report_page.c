/*
 * report_page.c - the tables of the HTML page (report_html.c): trouble
 * domains each with a sparkline of its bounces, domains in backoff now,
 * the top reasons, and the activity (the newest events, searchable, each
 * expanding to the receiving server's reply); and html_put, the one
 * escape of every stored text on the page.
 *
 * Knows nothing of how the figures were made, or of HTTP.
 */
#include <string.h>

#include "cli.h"
#include "report_page.h"
#include "report_svg.h"

void html_put(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = cli_utf8_len(p);

		if (n == 0 || (*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f ||
		    (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			fputs("\xef\xbf\xbd", f); /* U+FFFD */
			p += n ? n : 1;
			continue;
		}
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fwrite(p, 1, n, f);
		}
		p += n;
	}
}

static void td(FILE *f, const char *s)
{
	fputs("<td>", f);
	html_put(f, s[0] ? s : "-");
	fputs("</td>", f);
}

static void tdn(FILE *f, uint64_t v)
{
	fprintf(f, "<td class=\"n\">%llu</td>", (unsigned long long)v);
}

static void domain_table(FILE *f, const char *title, const struct quell_report_domain *d,
                         size_t n)
{
	fputs("<h3>", f);
	html_put(f, title);
	fputs("</h3>\n<table><thead><tr><th>domain</th><th class=\"n\">bounces</th>"
	      "<th class=\"n\">delivered</th><th class=\"n\">deferrals</th>"
	      "<th class=\"n\">complaints</th><th class=\"n\">bounce rate</th>"
	      "<th>bounces over the range</th></tr></thead><tbody>\n", f);
	for (size_t i = 0; i < n; i++) {
		char label[QUELL_ENTRY_MAX + 64];

		fputs("<tr>", f);
		td(f, d[i].domain);
		tdn(f, d[i].bounces);
		tdn(f, d[i].delivered);
		tdn(f, d[i].deferrals);
		tdn(f, d[i].complaints);
		if (d[i].bounce_rate < 0)
			fputs("<td class=\"n\">-</td>", f);
		else
			fprintf(f, "<td class=\"n\">%.1f%%</td>", 100 * d[i].bounce_rate);
		snprintf(label, sizeof label, "bounces of %s over the range", d[i].domain);
		fputs("<td>", f);
		svg_spark(f, d[i].spark, QUELL_REPORT_SPARK, label);
		fputs("</td></tr>\n", f);
	}
	if (n == 0)
		fputs("<tr><td colspan=\"7\" class=\"muted\">none</td></tr>\n", f);
	fputs("</tbody></table>\n", f);
}

void page_domains(FILE *f, const struct quell_report *r)
{
	fputs("<h2 id=\"h-domains\">Trouble domains</h2>\n", f);
	domain_table(f, "By bounces", r->by_bounces, r->nbounces);
	domain_table(f, "By bounce rate (domains whose deliveries are known)", r->by_rate,
	             r->nrates);
}

/* A reply as the server gave it: "CODE STATUS TEXT", what there is. */
static void reply_put(FILE *f, int code, const char *status, const char *text)
{
	if (code)
		fprintf(f, "%d ", code);
	if (status[0]) {
		html_put(f, status);
		fputc(' ', f);
	}
	html_put(f, text);
}

void page_backoff(FILE *f, const struct quell_report *r)
{
	char t[QUELL_TIME_MAX];

	fputs("<h2 id=\"h-backoff\">Domains in backoff now</h2>\n<table><thead><tr><th>domain</th>"
	      "<th>until</th><th class=\"n\">attempts</th><th>rule</th><th>last reply</th></tr>"
	      "</thead><tbody>\n", f);
	for (size_t i = 0; i < r->nbackoff; i++) {
		const struct quell_report_backoff *b = &r->backoff[i];

		fputs("<tr>", f);
		td(f, b->domain);
		td(f, quell_time_format(b->until, t, sizeof t));
		tdn(f, b->attempts);
		td(f, b->rule);
		fputs("<td class=\"reply\">", f);
		reply_put(f, b->code, b->status, b->reply);
		fputs("</td></tr>\n", f);
	}
	if (r->nbackoff == 0)
		fputs("<tr><td colspan=\"5\" class=\"muted\">none</td></tr>\n", f);
	fputs("</tbody></table>\n", f);
}

void page_reasons(FILE *f, const struct quell_report *r)
{
	char t[QUELL_TIME_MAX];

	fputs("<h2 id=\"h-reasons\">Top reasons</h2>\n<table><thead><tr><th class=\"n\">replies</th>"
	      "<th>rule</th><th>status</th><th>last</th><th>last reply</th></tr></thead><tbody>\n",
	      f);
	for (size_t i = 0; i < r->nreasons; i++) {
		const struct quell_report_reason *e = &r->reasons[i];

		fputs("<tr>", f);
		tdn(f, e->count);
		td(f, e->rule);
		td(f, e->status);
		td(f, quell_time_format(e->last, t, sizeof t));
		fputs("<td class=\"reply\">", f);
		reply_put(f, e->code, e->status, e->reply);
		fputs("</td></tr>\n", f);
	}
	if (r->nreasons == 0)
		fputs("<tr><td colspan=\"5\" class=\"muted\">none</td></tr>\n", f);
	fputs("</tbody></table>\n", f);
}

/* One event: the reply (or reason) behind a <details> to expand. */
static void event_row(FILE *f, const struct act_row *a)
{
	char t[QUELL_TIME_MAX];

	fputs("<tr>", f);
	td(f, quell_time_format(a->time, t, sizeof t));
	td(f, quell_activity_type_name(a->type));
	td(f, a->key);
	td(f, act_did(a));
	td(f, a->rule);
	fputs("<td><details><summary>", f);
	html_put(f, a->status[0] ? a->status : a->code ? "reply" : "details");
	fputs("</summary><div class=\"reply\">", f);
	if (a->reply[0] || a->code)
		reply_put(f, a->code, a->status, a->reply);
	if (a->reason[0]) {
		fputs(a->reply[0] ? "<br>reason: " : "reason: ", f);
		html_put(f, a->reason);
	}
	fputs("<br>category: ", f);
	html_put(f, a->category[0] ? a->category : "-");
	fprintf(f, "; verdict after: %s", quell_verdict_name(a->verdict));
	if (a->stream[0]) {
		fputs("; stream: ", f);
		html_put(f, a->stream);
	}
	fputs("</div></details></td></tr>\n", f);
}

void page_activity(FILE *f, const struct act_list *l)
{
	fprintf(f, "<h2 id=\"h-activity\">Activity</h2>\n<p><label for=\"q\">Search the events "
	           "</label><input id=\"q\" type=\"search\" autocomplete=\"off\"> <span id=\"qn\" "
	           "class=\"muted\">%zu shown</span></p>\n<table id=\"activity\"><thead><tr>"
	           "<th>time</th><th>type</th><th>address</th><th>outcome</th><th>rule</th>"
	           "<th>reply</th></tr></thead><tbody>\n", l->n);
	for (size_t i = 0; i < l->n; i++)
		event_row(f, &l->v[i]);
	fputs("</tbody></table>\n", f);
}
