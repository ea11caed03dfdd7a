/*
 * serve_entries.c - quell serve's entry routes (docs/http-api.md,
 * "Entries"):
 *
 *   GET    /v1/entries/{entry}[?stream=S]    `show --json`: the entry's
 *          list entries on every stream, its history, and an address's
 *          verdict (seen from stream S)
 *   GET    /v1/entries?list=&scope=&stream=&category=&since=&limit=&cursor=
 *          `list --json` a page at a time: {"entries": [...],
 *          "next_cursor": TOKEN or null}; the cursor is a place in
 *          quell_list's total order (serve_cursor.c), so pages stay right
 *          while entries come and go between them
 *   POST   /v1/entries  {"entries": [...], "list": "suppress"|"allow",
 *          "reason", "ttl", "source", "stream", "category"}  `add`/`allow`
 *   DELETE /v1/entries/{entry}?list=suppress|allow&stream=S
 *          `remove` (suppress and backoff state) or `unallow`
 *
 * Fields are the CLI's --json fields.  Knows nothing of LMDB nor of
 * libmicrohttpd.
 */
#include <stdlib.h>
#include <string.h>

#include "serve_api.h"
#include "serve_parse.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000

int serve_entry_get(struct serve_req *rq)
{
	const char *entry = serve_path_rest(rq), *stream;
	quell *h = rq->srv->cli->h;
	struct quell_info *info = NULL;
	struct quell_result res;
	char key[QUELL_ENTRY_MAX];
	int scope = QUELL_SCOPE_NONE, rc;

	if (api_stream(rq, 0, &stream) != 0)
		return 0;
	if ((rc = quell_entry_normalize(h, entry, key, sizeof key, &scope)) != 0)
		return api_fail(rq, rc, entry);
	if (scope == QUELL_SCOPE_ADDRESS &&
	    (rc = quell_check(h, entry, stream, serve_now(rq), &res)) != 0)
		return api_fail(rq, rc, entry);
	rc = quell_show(h, entry, 0, &info);
	if (rc != 0 && rc != QUELL_ENOTFOUND)
		return api_fail(rq, rc, entry);
	rc = serve_answer_json(rq, 200, cli_show_json(key, scope, entry,
	                                              scope == QUELL_SCOPE_ADDRESS ? &res : NULL,
	                                              info));
	quell_info_free(info);
	return rc;
}

/* One page of GET /v1/entries: entries until the limit, then one more
 * looked at to know whether there is a next page. */
struct page {
	json_t *arr;
	size_t n, limit;
	int more, oom;
	struct quell_list_pos last;
};

static int page_cb(void *payload, const struct quell_entry *e)
{
	struct page *pg = payload;

	if (pg->n == pg->limit) {
		pg->more = 1;
		return 1;
	}
	if (json_array_append_new(pg->arr, cli_entry_json(e)) != 0) {
		pg->oom = 1;
		return 1;
	}
	pg->n++;
	pg->last.scope = e->scope;
	pg->last.list = e->list;
	snprintf(pg->last.key, sizeof pg->last.key, "%s", e->key);
	snprintf(pg->last.stream, sizeof pg->last.stream, "%s", e->stream);
	return 0;
}

/* The filters of GET /v1/entries into o; 0, or -1 after a 400. */
static int list_args(struct serve_req *rq, struct quell_list_options *o, uint64_t *limit,
                     struct quell_list_pos *after)
{
	static const char *const sw[] = { "address", "domain", NULL };
	static const int sv[] = { QUELL_SCOPE_ADDRESS, QUELL_SCOPE_DOMAIN };
	const char *cursor = serve_arg(rq, "cursor");
	char err[SERVE_ERR_MAX];

	if (api_list(rq, QUELL_LIST_NONE, &o->list) != 0 ||
	    api_word(rq, "scope", sw, sv, QUELL_SCOPE_NONE, &o->scope) != 0 ||
	    api_stream(rq, 1, &o->stream) != 0 || api_time(rq, "since", &o->since) != 0 ||
	    api_count(rq, "limit", 1, PAGE_MAX, PAGE_DEFAULT, limit) != 0)
		return -1;
	o->category = serve_arg(rq, "category");
	if (o->category != NULL && *o->category == '\0')
		o->category = NULL;
	o->now = serve_now(rq);
	if (cursor != NULL && *cursor != '\0') {
		if (serve_cursor_decode(cursor, after, err, sizeof err) != 0) {
			serve_error(rq, 400, "%s", err);
			return -1;
		}
		o->after = after;
	}
	return 0;
}

int serve_entries_list(struct serve_req *rq)
{
	struct quell_list_options o = QUELL_LIST_OPTIONS_INIT;
	struct quell_list_pos after;
	struct page pg;
	uint64_t limit;
	char tok[SERVE_CURSOR_MAX];
	json_t *ans;
	int rc;

	if (list_args(rq, &o, &limit, &after) != 0)
		return 0;
	memset(&pg, 0, sizeof pg);
	pg.limit = (size_t)limit;
	if ((pg.arr = json_array()) == NULL)
		return serve_answer_json(rq, 500, NULL);
	rc = quell_list(rq->srv->cli->h, &o, page_cb, &pg);
	if (rc < 0 || pg.oom) {
		json_decref(pg.arr);
		return pg.oom ? serve_answer_json(rq, 500, NULL) : api_fail(rq, rc, NULL);
	}
	if (pg.more)
		serve_cursor_encode(&pg.last, tok, sizeof tok);
	ans = json_object();
	if (ans == NULL || cli_jset(ans, "entries", pg.arr) ||
	    cli_jset(ans, "next_cursor", pg.more ? json_string(tok) : json_null())) {
		json_decref(ans);
		return serve_answer_json(rq, 500, NULL);
	}
	return serve_answer_json(rq, 200, ans);
}

/* The normalized keys of every entry of a, or a 400 naming the first bad
 * one (nothing is written then). */
static int normalize_all(struct serve_req *rq, const struct serve_add *a,
                         char (*keys)[QUELL_ENTRY_MAX], int *scopes)
{
	quell *h = rq->srv->cli->h;

	for (size_t i = 0; i < a->n; i++) {
		int rc = quell_entry_normalize(h, a->entries[i], keys[i], QUELL_ENTRY_MAX, &scopes[i]);

		if (rc != 0) {
			api_fail(rq, rc, a->entries[i]);
			return -1;
		}
	}
	return 0;
}

static json_t *added_json(const char *entry, const char *key, int scope)
{
	json_t *o = json_object();

	if (o == NULL || cli_jset(o, "entry", cli_jstr(entry)) || cli_jset(o, "key", cli_jstr(key)) ||
	    cli_jset(o, "scope", cli_jstr(quell_scope_name(scope)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int add_all(struct serve_req *rq, const struct serve_add *a,
                   char (*keys)[QUELL_ENTRY_MAX], const int *scopes)
{
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;
	quell *h = rq->srv->cli->h;
	json_t *ans = json_object(), *arr = json_array();

	o.stream = a->stream;
	o.source = a->source;
	o.reason = a->reason;
	o.category = a->category;
	o.ttl = a->ttl;
	o.now = serve_now(rq);
	if (ans == NULL || arr == NULL || cli_jset(ans, "list", cli_jstr(quell_list_name(a->list))) ||
	    cli_jset(ans, "stream", cli_jstr(a->stream))) {
		json_decref(ans);
		json_decref(arr);
		return serve_answer_json(rq, 500, NULL);
	}
	for (size_t i = 0; i < a->n; i++) {
		int rc = a->list == QUELL_LIST_ALLOW ? quell_allow(h, a->entries[i], &o)
		                                     : quell_add(h, a->entries[i], &o);

		if (rc != 0) {
			json_decref(ans);
			json_decref(arr);
			return api_fail(rq, rc, a->entries[i]);
		}
		if (json_array_append_new(arr, added_json(a->entries[i], keys[i], scopes[i])) != 0) {
			json_decref(ans);
			json_decref(arr);
			return serve_answer_json(rq, 500, NULL);
		}
	}
	if (cli_jset(ans, "entries", arr)) {
		json_decref(ans);
		return serve_answer_json(rq, 500, NULL);
	}
	return serve_answer_json(rq, 200, ans);
}

int serve_entries_add(struct serve_req *rq)
{
	struct serve_add a;
	char err[SERVE_ERR_MAX], (*keys)[QUELL_ENTRY_MAX] = NULL;
	int *scopes = NULL, rc;

	if (serve_parse_add(rq->body, rq->body_len, &a, err, sizeof err) != 0) {
		serve_add_free(&a);
		return serve_error(rq, 400, "%s", err);
	}
	keys = calloc(a.n, sizeof *keys);
	scopes = calloc(a.n, sizeof *scopes);
	if (keys == NULL || scopes == NULL)
		rc = serve_answer_json(rq, 500, NULL);
	else if (normalize_all(rq, &a, keys, scopes) != 0)
		rc = 0;
	else
		rc = add_all(rq, &a, keys, scopes);
	free(keys);
	free(scopes);
	serve_add_free(&a);
	return rc;
}

int serve_entry_delete(struct serve_req *rq)
{
	const char *entry = serve_path_rest(rq), *stream;
	quell *h = rq->srv->cli->h;
	char key[QUELL_ENTRY_MAX];
	int list, scope, rc;
	json_t *o;

	if (api_list(rq, QUELL_LIST_SUPPRESS, &list) != 0 || api_stream(rq, 0, &stream) != 0)
		return 0;
	if (list == QUELL_LIST_BACKOFF)
		return serve_error(rq, 400, "list: backoff state goes with the suppress list "
		                            "(list=suppress removes both)");
	if ((rc = quell_entry_normalize(h, entry, key, sizeof key, &scope)) != 0)
		return api_fail(rq, rc, entry);
	rc = list == QUELL_LIST_ALLOW ? quell_unallow(h, entry, stream, serve_now(rq))
	                              : quell_remove(h, entry, stream, serve_now(rq));
	if (rc == QUELL_ENOTFOUND)
		return serve_error(rq, 404, "%s: not on the %s list%s%s", key, quell_list_name(list),
		                   stream != NULL ? " of stream " : "", stream != NULL ? stream : "");
	if (rc != 0)
		return api_fail(rq, rc, entry);
	o = json_object();
	if (o == NULL || cli_jset(o, "key", cli_jstr(key)) ||
	    cli_jset(o, "scope", cli_jstr(quell_scope_name(scope))) ||
	    cli_jset(o, "list", cli_jstr(quell_list_name(list))) ||
	    cli_jset(o, "stream", cli_jstr(stream)) || cli_jset(o, "removed", json_true())) {
		json_decref(o);
		return serve_answer_json(rq, 500, NULL);
	}
	return serve_answer_json(rq, 200, o);
}
