/*
 * serve_report.c - the live report of `quell serve`: GET / and GET
 * /report?since=T&until=T&by=day|week&domain=D&stream=S&top=N&refresh=S,
 * the page of `quell report --html` (report_html.c) made afresh for each
 * request, which reloads itself every `refresh` seconds (default 60; 0:
 * never) unless someone is typing in its search box.  The page asks for
 * nothing else: no script, style or image from anywhere.  Read scope: a
 * token is needed when --tokens is given, as for the rest of the API.
 * Bad arguments: 400 with the JSON error of the API.
 *
 * Knows nothing of how the report is made or drawn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "serve.h"

struct page_args {
	struct quell_report_options o;
	int refresh;
	char words[256];
};

/* The query arguments into a; NULL, or what is wrong with them. */
static const char *args(struct serve_req *rq, struct page_args *a)
{
	const char *v;
	char *end;

	if ((v = serve_arg(rq, "since")) != NULL && v[0] && quell_time_parse(v, &a->o.since) != 0)
		return "since: not a time (RFC 3339 or Unix seconds)";
	if ((v = serve_arg(rq, "until")) != NULL && v[0] && quell_time_parse(v, &a->o.until) != 0)
		return "until: not a time (RFC 3339 or Unix seconds)";
	if ((v = serve_arg(rq, "by")) != NULL && v[0]) {
		if (strcmp(v, "day") != 0 && strcmp(v, "week") != 0)
			return "by: day or week";
		a->o.by = v[0] == 'w' ? QUELL_REPORT_WEEK : QUELL_REPORT_DAY;
	}
	if ((v = serve_arg(rq, "domain")) != NULL && v[0])
		a->o.domain = v;
	if ((v = serve_arg(rq, "stream")) != NULL && v[0])
		a->o.stream = v;
	if ((v = serve_arg(rq, "top")) != NULL && v[0]) {
		unsigned long n = strtoul(v, &end, 10);

		if (*end || n == 0 || n > 1000)
			return "top: a number from 1 to 1000";
		a->o.top = n;
	}
	if ((v = serve_arg(rq, "refresh")) != NULL && v[0]) {
		long n = strtol(v, &end, 10);

		if (*end || n < 0 || n > 86400)
			return "refresh: seconds from 0 (never) to 86400";
		a->refresh = (int)n;
	}
	return NULL;
}

static void describe(const struct quell_report *r, struct page_args *a)
{
	char s[QUELL_TIME_MAX], u[QUELL_TIME_MAX];

	snprintf(a->words, sizeof a->words, "%.10s to %.10s, by %s%s%s%s%s",
	         quell_time_format(r->since, s, sizeof s), quell_time_format(r->until - 1, u, sizeof u),
	         r->by == QUELL_REPORT_WEEK ? "week" : "day", a->o.domain ? ", domain " : "",
	         a->o.domain ? a->o.domain : "", a->o.stream ? ", stream " : "",
	         a->o.stream ? a->o.stream : "");
}

/* The page into a malloc'd buffer: 0, or -1 (out of memory). */
static int page(quell *h, const struct quell_report *r, struct page_args *a, char **buf,
                size_t *len)
{
	struct quell_activity_options ao = QUELL_ACTIVITY_OPTIONS_INIT;
	struct page_opts p = { "quell report (live)", a->words, a->refresh, NULL };
	struct act_list l = { 0, 0, NULL };
	FILE *f;
	int rc;

	ao.domain = a->o.domain;
	ao.since = r->since;
	ao.limit = 200;
	if ((rc = act_collect(h, &ao, &l)) != 0) {
		act_free(&l);
		return rc;
	}
	p.act = &l;
	describe(r, a);
	if ((f = open_memstream(buf, len)) == NULL) {
		act_free(&l);
		return 1;
	}
	rc = report_html(f, r, &p);
	rc |= fclose(f);
	act_free(&l);
	if (rc != 0) {
		free(*buf);
		*buf = NULL;
		return 1;
	}
	return 0;
}

int serve_report_page(struct serve_req *rq)
{
	struct page_args a = { QUELL_REPORT_OPTIONS_INIT, 60, "" };
	struct quell_report *r = NULL;
	quell *h = rq->srv->cli->h;
	const char *bad = args(rq, &a);
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (bad != NULL)
		return serve_error(rq, 400, "%s", bad);
	a.o.now = serve_now(rq);
	if ((rc = quell_report(h, &a.o, &r)) != 0)
		return rc == QUELL_EINVAL || rc == QUELL_EADDRESS
		               ? serve_error(rq, 400, "%s", quell_errmsg(h))
		               : serve_error(rq, 500, "report: %s", quell_errmsg(h));
	rc = page(h, r, &a, &buf, &len);
	quell_report_free(r);
	if (rc < 0)
		return serve_error(rq, 500, "activity: %s", quell_errmsg(h));
	if (rc > 0)
		return serve_error(rq, 500, "out of memory");
	return serve_answer_buf(rq, 200, "text/html; charset=utf-8", buf, len, SERVE_BUF_FREE);
}
