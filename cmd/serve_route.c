/*
 * serve_route.c - the route table of `quell serve`: which handler answers
 * which METHOD and path, with the scope a token needs and how the body
 * comes (serve.h says how to add one), and GET /healthz.
 *
 * Each group of routes lives in its own serve_NAME.c; keep one block of
 * lines per file here so that parallel edits merge.  Knows nothing of
 * HTTP beyond the names of methods.
 */
#include <string.h>

#include "serve.h"

const struct serve_route serve_routes[] = {
	/* serve_route.c */
	{ "GET", "/healthz", 0, SERVE_OPEN, SERVE_BODY_NONE, NULL, NULL, serve_healthz },
	/* end of serve_route.c */
	/* serve_check.c */
	{ "GET", "/v1/check", 0, SERVE_READ, SERVE_BODY_NONE, NULL, NULL, serve_check_get },
	{ "POST", "/v1/check", 0, SERVE_READ, SERVE_BODY_STREAM, serve_check_post_start,
	  serve_check_post_chunk, serve_check_post },
	/* end of serve_check.c */
	/* serve_stats.c */
	{ "GET", "/v1/stats", 0, SERVE_READ, SERVE_BODY_NONE, NULL, NULL, serve_stats_get },
	{ "GET", "/metrics", 0, SERVE_READ, SERVE_BODY_NONE, NULL, NULL, serve_metrics_get },
	/* end of serve_stats.c */
	/* serve_entries.c, serve_replies.c, serve_io.c */
	{ "GET", "/v1/entries", 0, SERVE_READ, SERVE_BODY_NONE, NULL, NULL, serve_entries_list },
	{ "POST", "/v1/entries", 0, SERVE_WRITE, SERVE_BODY_BUFFER, NULL, NULL, serve_entries_add },
	{ "GET", "/v1/entries/", 1, SERVE_READ, SERVE_BODY_NONE, NULL, NULL, serve_entry_get },
	{ "DELETE", "/v1/entries/", 1, SERVE_WRITE, SERVE_BODY_NONE, NULL, NULL, serve_entry_delete },
	{ "POST", "/v1/replies", 0, SERVE_WRITE, SERVE_BODY_BUFFER, NULL, NULL, serve_replies_post },
	{ "POST", "/v1/import", 0, SERVE_WRITE, SERVE_BODY_STREAM, serve_import_start,
	  serve_import_chunk, serve_import_end },
	{ "GET", "/v1/export", 0, SERVE_READ, SERVE_BODY_NONE, NULL, NULL, serve_export_get },
	/* end of serve_entries.c, serve_replies.c, serve_io.c */
	/* serve_sendgrid.c, serve_sgasm.c */
	{ "GET", "/v3/suppression/", 1, SERVE_READ, SERVE_BODY_NONE, NULL, NULL, serve_sg_get },
	{ "DELETE", "/v3/suppression/", 1, SERVE_WRITE, SERVE_BODY_BUFFER, NULL, NULL,
	  serve_sg_delete },
	{ "POST", "/v3/asm/suppressions/global", 0, SERVE_WRITE, SERVE_BODY_BUFFER, NULL, NULL,
	  serve_sg_global_add },
	{ "GET", "/v3/asm/suppressions/global/", 1, SERVE_READ, SERVE_BODY_NONE, NULL, NULL,
	  serve_sg_global_get },
	{ "DELETE", "/v3/asm/suppressions/global/", 1, SERVE_WRITE, SERVE_BODY_NONE, NULL, NULL,
	  serve_sg_global_delete },
	{ "GET", "/v3/asm/suppressions", 0, SERVE_READ, SERVE_BODY_NONE, NULL, NULL,
	  serve_sg_asm_all },
	{ "GET", "/v3/asm/suppressions/", 1, SERVE_READ, SERVE_BODY_NONE, NULL, NULL,
	  serve_sg_asm_email },
	{ "GET", "/v3/asm/groups/", 1, SERVE_READ, SERVE_BODY_NONE, NULL, NULL, serve_sg_group_get },
	{ "POST", "/v3/asm/groups/", 1, SERVE_WRITE, SERVE_BODY_BUFFER, NULL, NULL,
	  serve_sg_group_post },
	{ "DELETE", "/v3/asm/groups/", 1, SERVE_WRITE, SERVE_BODY_NONE, NULL, NULL,
	  serve_sg_group_delete },
	/* end of serve_sendgrid.c, serve_sgasm.c */
	/* serve_report.c */
	{ "GET", "/", 0, SERVE_READ, SERVE_BODY_NONE, NULL, NULL, serve_report_page },
	{ "GET", "/report", 0, SERVE_READ, SERVE_BODY_NONE, NULL, NULL, serve_report_page },
	/* end of serve_report.c */
	/* serve_webhooks.c */
	{ "POST", "/v1/webhooks/sendgrid", 0, SERVE_OPEN, SERVE_BODY_BUFFER, NULL, NULL,
	  serve_webhook_sendgrid },
	{ "POST", "/v1/webhooks/ses", 0, SERVE_OPEN, SERVE_BODY_BUFFER, NULL, NULL,
	  serve_webhook_ses },
	{ "POST", "/v1/webhooks/mailgun", 0, SERVE_OPEN, SERVE_BODY_BUFFER, NULL, NULL,
	  serve_webhook_mailgun },
	{ "POST", "/v1/webhooks/postmark", 0, SERVE_OPEN, SERVE_BODY_BUFFER, NULL, NULL,
	  serve_webhook_postmark },
	/* end of serve_webhooks.c */
	{ NULL, NULL, 0, SERVE_OPEN, SERVE_BODY_NONE, NULL, NULL, NULL }
};

size_t serve_route_count(void)
{
	size_t n = 0;

	while (serve_routes[n].method != NULL)
		n++;
	return n;
}

/* GET /healthz: 200 {"status":"ok"} while the database can be read, else
 * 503 with the reason: a load balancer's probe. */
int serve_healthz(struct serve_req *rq)
{
	static const char ok[] = "{\"status\":\"ok\"}\n";
	struct quell_result res;
	quell *h = rq->srv->cli->h;
	int rc = quell_check(h, "healthz@quell.invalid", NULL, serve_now(rq), &res);

	if (rc != 0 && rc != QUELL_EADDRESS)
		return serve_error(rq, 503, "the database cannot be read: %s", quell_errmsg(h));
	return serve_answer_buf(rq, 200, "application/json", ok, sizeof ok - 1, SERVE_BUF_KEEP);
}
