/*
 * serve_sgasm.c - SendGrid's v3 unsubscribe ("ASM") API on quell's
 * unsubscribes: global ones are stream-less unsubscribe entries, those of
 * group N live on stream "group-N" (docs/http-api.md).
 *
 *   POST   /v3/asm/suppressions/global  {"recipient_emails": [...]}  201
 *   GET    /v3/asm/suppressions/global/{email}  {"recipient_email"} or {}
 *   DELETE /v3/asm/suppressions/global/{email}  204 (also when absent)
 *   GET    /v3/asm/groups/{id}/suppressions      ["email", ...]
 *   POST   /v3/asm/groups/{id}/suppressions  {"recipient_emails": [...]}  201
 *   POST   /v3/asm/groups/{id}/suppressions/search  {"recipient_emails"}
 *   DELETE /v3/asm/groups/{id}/suppressions/{email}  204
 *   GET    /v3/asm/suppressions          [{email, group_id, group_name,
 *                                          created_at}] of every group
 *   GET    /v3/asm/suppressions/{email}  {"suppressions": [{id, name,
 *                                          description, is_default,
 *                                          suppressed}]}
 *
 * quell keeps no group names: a group's name is its stream, "group-N",
 * its description empty.  Knows nothing of LMDB nor of libmicrohttpd.
 */
#include <stdlib.h>
#include <string.h>

#include "serve_sendgrid.h"

/* Add every recipient as an unsubscribe on stream (NULL: global); all
 * are checked before any is written.  Answers 201 {"recipient_emails"}. */
static int add_unsubscribes(struct serve_req *rq, const char *stream)
{
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;
	quell *h = rq->srv->cli->h;
	struct serve_emails e;
	char err[SERVE_ERR_MAX], key[QUELL_ENTRY_MAX];
	json_t *ans, *arr;
	int scope, rc = 0;

	if (serve_parse_sg_recipients(rq->body, rq->body_len, &e, err, sizeof err) != 0) {
		serve_emails_free(&e);
		return sg_error(rq, 400, NULL, "%s", err);
	}
	for (size_t i = 0; i < e.n; i++) {
		rc = quell_entry_normalize(h, e.emails[i], key, sizeof key, &scope);
		if (rc == 0 && scope != QUELL_SCOPE_ADDRESS)
			rc = QUELL_EADDRESS;
		if (rc != 0) {
			sg_error(rq, 400, "recipient_emails",
			         "recipient_emails[%zu]: '%s' is not an email address", i, e.emails[i]);
			serve_emails_free(&e);
			return 0;
		}
	}
	o.source = QUELL_SOURCE_UNSUBSCRIBE;
	o.stream = stream;
	o.now = serve_now(rq);
	for (size_t i = 0; rc == 0 && i < e.n; i++)
		rc = quell_add(h, e.emails[i], &o);
	if (rc != 0) {
		serve_emails_free(&e);
		return sg_fail(rq, rc, NULL);
	}
	ans = json_object();
	arr = json_incref(json_object_get(e.root, "recipient_emails"));
	if (ans == NULL || cli_jset(ans, "recipient_emails", arr)) {
		json_decref(ans);
		serve_emails_free(&e);
		return serve_answer_json(rq, 500, NULL);
	}
	serve_emails_free(&e);
	return serve_answer_json(rq, 201, ans);
}

int serve_sg_global_add(struct serve_req *rq)
{
	return add_unsubscribes(rq, NULL);
}

int serve_sg_global_get(struct serve_req *rq)
{
	const char *email = serve_path_rest(rq);
	char key[QUELL_ENTRY_MAX];
	int rc = sg_find(rq, email, SG_UNSUB, NULL, key, NULL);
	json_t *o = json_object();

	if (rc < 0 && rc != QUELL_EADDRESS) {
		json_decref(o);
		return sg_fail(rq, rc, email);
	}
	if (o != NULL && rc == 1 && cli_jset(o, "recipient_email", cli_jstr(email))) {
		json_decref(o);
		o = NULL;
	}
	return serve_answer_json(rq, o != NULL ? 200 : 500, o);
}

/* Remove an unsubscribe of stream (NULL: global) if email has one: 204
 * either way, as SendGrid answers a delete of an unsubscribe. */
static int remove_unsubscribe(struct serve_req *rq, const char *email, const char *stream)
{
	char key[QUELL_ENTRY_MAX];
	int kind = stream != NULL ? SG_GROUP : SG_UNSUB;
	int rc = sg_find(rq, email, kind, stream, key, NULL);

	if (rc == 1)
		rc = quell_remove(rq->srv->cli->h, key, stream, serve_now(rq));
	if (rc < 0 && rc != QUELL_EADDRESS && rc != QUELL_ENOTFOUND)
		return sg_fail(rq, rc, email);
	return sg_no_content(rq);
}

int serve_sg_global_delete(struct serve_req *rq)
{
	return remove_unsubscribe(rq, serve_path_rest(rq), NULL);
}

/* ---------------------------------------------------------------- groups */

/* The path after /v3/asm/groups/: "{id}/suppressions[/REST]".  Sets the
 * group's stream and *rest ("" when none); -1 after a 404. */
static int group_path(struct serve_req *rq, char *stream, const char **rest)
{
	const char *p = serve_path_rest(rq), *slash = strchr(p, '/');
	char id[32];
	size_t n = slash != NULL ? (size_t)(slash - p) : strlen(p);
	static const char sup[] = "/suppressions";

	if (slash == NULL || n >= sizeof id || strncmp(slash, sup, sizeof sup - 1) != 0 ||
	    (slash[sizeof sup - 1] != '\0' && slash[sizeof sup - 1] != '/'))
		goto none;
	memcpy(id, p, n);
	id[n] = '\0';
	if (serve_sg_group_stream(id, stream, QUELL_STREAM_MAX) != 0)
		goto none;
	*rest = slash[sizeof sup - 1] == '/' ? slash + sizeof sup : "";
	return 0;
none:
	sg_error(rq, 404, NULL, "no such resource: /v3/asm/groups/%s", p);
	return -1;
}

static int email_cb(void *ctx, const struct quell_entry *e)
{
	return json_array_append_new(ctx, cli_jstr(e->key)) != 0 ? 1 : 0;
}

int serve_sg_group_get(struct serve_req *rq)
{
	char stream[QUELL_STREAM_MAX];
	const char *rest;
	json_t *arr;
	int rc;

	if (group_path(rq, stream, &rest) != 0)
		return 0;
	if (*rest != '\0')
		return sg_error(rq, 405, NULL, "GET is not allowed here");
	if ((arr = json_array()) == NULL)
		return serve_answer_json(rq, 500, NULL);
	rc = sg_walk(rq, SG_GROUP, stream, NULL, email_cb, arr);
	if (rc != 0) {
		json_decref(arr);
		return rc > 0 ? serve_answer_json(rq, 500, NULL) : sg_fail(rq, rc, NULL);
	}
	return serve_answer_json(rq, 200, arr);
}

/* POST .../search: the recipients that are in the group. */
static int group_search(struct serve_req *rq, const char *stream)
{
	struct serve_emails e;
	char err[SERVE_ERR_MAX], key[QUELL_ENTRY_MAX];
	json_t *arr;
	int rc = 0;

	if (serve_parse_sg_recipients(rq->body, rq->body_len, &e, err, sizeof err) != 0) {
		serve_emails_free(&e);
		return sg_error(rq, 400, NULL, "%s", err);
	}
	arr = json_array();
	for (size_t i = 0; arr != NULL && i < e.n; i++) {
		rc = sg_find(rq, e.emails[i], SG_GROUP, stream, key, NULL);
		if (rc < 0 && rc != QUELL_EADDRESS)
			break;
		if (rc == 1 && json_array_append_new(arr, cli_jstr(e.emails[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
		rc = 0;
	}
	serve_emails_free(&e);
	if (rc < 0) {
		json_decref(arr);
		return sg_fail(rq, rc, NULL);
	}
	return serve_answer_json(rq, arr != NULL ? 200 : 500, arr);
}

int serve_sg_group_post(struct serve_req *rq)
{
	char stream[QUELL_STREAM_MAX];
	const char *rest;

	if (group_path(rq, stream, &rest) != 0)
		return 0;
	if (*rest == '\0')
		return add_unsubscribes(rq, stream);
	if (strcmp(rest, "search") == 0)
		return group_search(rq, stream);
	return sg_error(rq, 404, NULL, "no such resource: /v3/asm/groups/%s",
	                serve_path_rest(rq));
}

int serve_sg_group_delete(struct serve_req *rq)
{
	char stream[QUELL_STREAM_MAX];
	const char *rest;

	if (group_path(rq, stream, &rest) != 0)
		return 0;
	if (*rest == '\0' || strchr(rest, '/') != NULL)
		return sg_error(rq, 405, NULL, "DELETE takes /v3/asm/groups/{id}/suppressions/{email}");
	return remove_unsubscribe(rq, rest, stream);
}

/* --------------------------------------------------- every group's entries */

static int all_cb(void *ctx, const struct quell_entry *e)
{
	json_t *o = json_object();

	if (o == NULL || cli_jset(o, "email", cli_jstr(e->key)) ||
	    cli_jset(o, "group_id", json_integer(sg_group_id(e->stream))) ||
	    cli_jset(o, "group_name", cli_jstr(e->stream)) ||
	    cli_jset(o, "created_at", json_integer(e->created)) || json_array_append_new(ctx, o) != 0) {
		json_decref(o);
		return 1;
	}
	return 0;
}

int serve_sg_asm_all(struct serve_req *rq)
{
	json_t *arr = json_array();
	int rc;

	if (arr == NULL)
		return serve_answer_json(rq, 500, NULL);
	rc = sg_walk(rq, SG_GROUP, "*", NULL, all_cb, arr);
	if (rc != 0) {
		json_decref(arr);
		return rc > 0 ? serve_answer_json(rq, 500, NULL) : sg_fail(rq, rc, NULL);
	}
	return serve_answer_json(rq, 200, arr);
}

/* GET /v3/asm/suppressions/{email}: the groups the address is in. */
int serve_sg_asm_email(struct serve_req *rq)
{
	const char *email = serve_path_rest(rq);
	quell *h = rq->srv->cli->h;
	struct quell_info *info = NULL;
	json_t *ans = json_object(), *arr = json_array();
	int rc = quell_show(h, email, 1, &info);

	if (rc != 0 && rc != QUELL_ENOTFOUND && rc != QUELL_EADDRESS) {
		json_decref(ans);
		json_decref(arr);
		return sg_fail(rq, rc, email);
	}
	for (size_t i = 0; arr != NULL && info != NULL && i < info->nentries; i++) {
		const struct quell_entry *e = &info->entries[i];
		json_t *g;

		if ((e->expires != 0 && e->expires <= serve_now(rq)) || serve_sg_kind_of(e) != SG_GROUP)
			continue;
		g = json_object();
		if (g == NULL || cli_jset(g, "description", json_string("")) ||
		    cli_jset(g, "id", json_integer(sg_group_id(e->stream))) ||
		    cli_jset(g, "is_default", json_false()) ||
		    cli_jset(g, "name", cli_jstr(e->stream)) ||
		    cli_jset(g, "suppressed", json_true()) || json_array_append_new(arr, g) != 0) {
			json_decref(g);
			json_decref(arr);
			arr = NULL;
		}
	}
	quell_info_free(info);
	if (ans == NULL || arr == NULL || cli_jset(ans, "suppressions", arr)) {
		json_decref(ans);
		return serve_answer_json(rq, 500, NULL);
	}
	return serve_answer_json(rq, 200, ans);
}
