/*
 * serve_sendgrid.c - SendGrid's v3 suppression API on quell's lists:
 *
 *   GET    /v3/suppression/KIND?start_time=&end_time=&limit=&offset=&email=
 *   GET    /v3/suppression/KIND/{email}          an array of 0 or 1
 *   DELETE /v3/suppression/KIND/{email}          204; 404 when absent
 *   DELETE /v3/suppression/KIND  {"delete_all": true} | {"emails": [...]}  204
 *
 * KIND is bounces, blocks, invalid_emails, spam_reports or unsubscribes;
 * which quell entries are of which kind is serve_sgkind.c's (and
 * docs/http-api.md's table).  Answers and errors have SendGrid's shapes
 * (tests/data/sendgrid-api/ holds them as its API reference shows them),
 * so a script written for SendGrid works by changing its base URL.
 *
 * Knows nothing of LMDB nor of libmicrohttpd.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "serve_sendgrid.h"

#define SG_LIMIT_MAX 500 /* SendGrid's page size limit */
#define SG_DELETE_ROUND 1000

int sg_error(struct serve_req *rq, unsigned int status, const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	json_t *o = json_object(), *errs = json_array(), *e = json_object();

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (o == NULL || errs == NULL || e == NULL ||
	    cli_jset(e, "field", field != NULL ? json_string(field) : json_null()) ||
	    cli_jset(e, "message", cli_jstr(msg)) || json_array_append_new(errs, e) != 0 ||
	    cli_jset(o, "errors", errs)) {
		json_decref(o);
		return serve_answer_json(rq, 500, NULL);
	}
	return serve_answer_json(rq, status, o);
}

int sg_fail(struct serve_req *rq, int code, const char *item)
{
	const char *m = quell_errmsg(rq->srv->cli->h);

	return sg_error(rq, api_status(code), NULL, "%s%s%s", item != NULL ? item : "",
	                item != NULL ? ": " : "", *m != '\0' ? m : quell_strerror(code));
}

int sg_no_content(struct serve_req *rq)
{
	return serve_answer_buf(rq, 204, "application/json", "", 0, SERVE_BUF_KEEP);
}

long long sg_group_id(const char *stream)
{
	if (strncmp(stream, "group-", 6) != 0 || stream[6] == '\0' ||
	    strspn(stream + 6, "0123456789") != strlen(stream + 6) || strlen(stream + 6) > 18)
		return -1;
	return strtoll(stream + 6, NULL, 10);
}

/* A JSON string of s ("" stays ""), bad UTF-8 repaired. */
static json_t *jtext(const char *s)
{
	json_t *v = json_string(s);

	return v != NULL ? v : cli_jstr(s);
}

static int live(const struct quell_entry *e, int64_t now)
{
	return e->expires == 0 || e->expires > now;
}

int sg_find(struct serve_req *rq, const char *email, int kind, const char *stream, char *key,
            int64_t *created)
{
	quell *h = rq->srv->cli->h;
	struct quell_info *info = NULL;
	int scope, rc, found = 0;

	if ((rc = quell_entry_normalize(h, email, key, QUELL_ENTRY_MAX, &scope)) != 0)
		return rc;
	if (scope != QUELL_SCOPE_ADDRESS)
		return 0;
	rc = quell_show(h, email, 1, &info);
	if (rc == QUELL_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < info->nentries && !found; i++) {
		const struct quell_entry *e = &info->entries[i];

		if (strcmp(e->stream, stream != NULL ? stream : "") == 0 &&
		    live(e, serve_now(rq)) && serve_sg_kind_of(e) == kind) {
			found = 1;
			if (created != NULL)
				*created = e->created;
		}
	}
	quell_info_free(info);
	return found;
}

struct walk {
	int kind;
	sg_each_fn fn;
	void *ctx;
};

static int walk_cb(void *payload, const struct quell_entry *e)
{
	struct walk *w = payload;

	return serve_sg_kind_of(e) == w->kind ? w->fn(w->ctx, e) : 0;
}

int sg_walk(struct serve_req *rq, int kind, const char *stream,
            const struct quell_list_pos *after, sg_each_fn fn, void *ctx)
{
	struct quell_list_options o = QUELL_LIST_OPTIONS_INIT;
	struct walk w = { kind, fn, ctx };

	o.list = QUELL_LIST_SUPPRESS;
	o.scope = QUELL_SCOPE_ADDRESS;
	o.stream = stream;
	o.now = serve_now(rq);
	o.after = after;
	return quell_list(rq->srv->cli->h, &o, walk_cb, &w);
}

/* SendGrid's reason of a bounce or block: "550 5.1.1 text", as its
 * bounce records read. */
static json_t *reply_reason(const struct quell_entry *e)
{
	char buf[QUELL_REPLY_MAX + 32];
	size_t n = 0;

	if (e->reply[0] == '\0')
		return jtext(e->reason);
	if (e->code > 0)
		n += (size_t)snprintf(buf, sizeof buf, "%d ", e->code);
	if (e->status[0] != '\0' && n < sizeof buf)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s ", e->status);
	if (n < sizeof buf)
		snprintf(buf + n, sizeof buf - n, "%s", e->reply);
	return jtext(buf);
}

json_t *sg_entry_json(const struct quell_entry *e, int kind)
{
	json_t *o = json_object();
	int bad = o == NULL;

	bad = bad || cli_jset(o, "created", json_integer(e->created));
	bad = bad || cli_jset(o, "email", cli_jstr(e->key));
	if (!bad && (kind == SG_BOUNCES || kind == SG_BLOCKS)) {
		bad = cli_jset(o, "reason", reply_reason(e));
		bad = bad || cli_jset(o, "status", jtext(e->status));
	} else if (!bad && kind == SG_INVALID) {
		bad = cli_jset(o, "reason", reply_reason(e));
	} else if (!bad && kind == SG_SPAM) {
		bad = cli_jset(o, "ip", json_string("")); /* quell keeps no sending IP */
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ------------------------------------------------------------------ list */

struct page {
	int kind;
	int64_t start, end;
	const char *email;
	uint64_t offset, limit, seen;
	json_t *arr;
	int oom;
};

static int page_cb(void *ctx, const struct quell_entry *e)
{
	struct page *p = ctx;

	if ((p->start != 0 && e->created < p->start) || (p->end != 0 && e->created > p->end) ||
	    (p->email != NULL && !serve_sg_email_match(p->email, e->key)))
		return 0;
	if (p->seen++ < p->offset)
		return 0;
	if (json_array_append_new(p->arr, sg_entry_json(e, p->kind)) != 0) {
		p->oom = 1;
		return 1;
	}
	return json_array_size(p->arr) >= p->limit ? 1 : 0;
}

/* A SendGrid integer argument; 0, or -1 after a 400 in SendGrid's shape. */
static int sg_int(struct serve_req *rq, const char *name, uint64_t hi, uint64_t dflt,
                  uint64_t *out)
{
	const char *s = serve_arg(rq, name);
	char *end;

	*out = dflt;
	if (s == NULL || *s == '\0')
		return 0;
	*out = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || *out > hi) {
		sg_error(rq, 400, name, "%s: '%s' is not a number from 0 to %llu", name, s,
		         (unsigned long long)hi);
		return -1;
	}
	return 0;
}

static int sg_list(struct serve_req *rq, int kind)
{
	struct page p;
	uint64_t start, end;
	int rc;

	memset(&p, 0, sizeof p);
	p.kind = kind;
	if (sg_int(rq, "start_time", INT64_MAX, 0, &start) != 0 ||
	    sg_int(rq, "end_time", INT64_MAX, 0, &end) != 0 ||
	    sg_int(rq, "limit", SG_LIMIT_MAX, SG_LIMIT_MAX, &p.limit) != 0 ||
	    sg_int(rq, "offset", INT64_MAX, 0, &p.offset) != 0)
		return 0;
	if (p.limit == 0)
		return sg_error(rq, 400, "limit", "limit: must be from 1 to %d", SG_LIMIT_MAX);
	p.start = (int64_t)start;
	p.end = (int64_t)end;
	p.email = serve_arg(rq, "email");
	if ((p.arr = json_array()) == NULL)
		return serve_answer_json(rq, 500, NULL);
	rc = sg_walk(rq, kind, NULL, NULL, page_cb, &p);
	if (rc < 0 || p.oom) {
		json_decref(p.arr);
		return p.oom ? serve_answer_json(rq, 500, NULL) : sg_fail(rq, rc, NULL);
	}
	return serve_answer_json(rq, 200, p.arr);
}

/* GET /v3/suppression/KIND/{email}: [entry] or []. */
static int sg_get_one(struct serve_req *rq, int kind, const char *email)
{
	struct quell_info *info = NULL;
	quell *h = rq->srv->cli->h;
	json_t *arr = json_array();
	char key[QUELL_ENTRY_MAX];
	int scope, rc;

	if (arr == NULL)
		return serve_answer_json(rq, 500, NULL);
	if (quell_entry_normalize(h, email, key, sizeof key, &scope) != 0 ||
	    scope != QUELL_SCOPE_ADDRESS)
		return serve_answer_json(rq, 200, arr); /* no such record */
	rc = quell_show(h, email, 1, &info);
	if (rc != 0 && rc != QUELL_ENOTFOUND) {
		json_decref(arr);
		return sg_fail(rq, rc, email);
	}
	for (size_t i = 0; info != NULL && i < info->nentries; i++) {
		const struct quell_entry *e = &info->entries[i];

		if (e->stream[0] == '\0' && live(e, serve_now(rq)) && serve_sg_kind_of(e) == kind &&
		    json_array_append_new(arr, sg_entry_json(e, kind)) != 0) {
			json_decref(arr);
			arr = NULL;
			break;
		}
	}
	quell_info_free(info);
	return serve_answer_json(rq, arr != NULL ? 200 : 500, arr);
}

/* The path after /v3/suppression/: the kind, and the email after a '/'. */
static int sg_path(struct serve_req *rq, int *kind, const char **email)
{
	const char *rest = serve_path_rest(rq), *slash = strchr(rest, '/');
	char name[32];
	size_t n = slash != NULL ? (size_t)(slash - rest) : strlen(rest);

	*email = slash != NULL && slash[1] != '\0' ? slash + 1 : NULL;
	snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), rest);
	*kind = n < sizeof name ? serve_sg_kind_parse(name) : SG_NONE;
	if (*kind == SG_NONE) {
		sg_error(rq, 404, NULL, "no such suppression list: /v3/suppression/%s", rest);
		return -1;
	}
	return 0;
}

int serve_sg_get(struct serve_req *rq)
{
	const char *email;
	int kind;

	if (sg_path(rq, &kind, &email) != 0)
		return 0;
	return email != NULL ? sg_get_one(rq, kind, email) : sg_list(rq, kind);
}

/* ---------------------------------------------------------------- delete */

/* Remove one address's entry of kind, if it has one: 1 removed, 0 none,
 * or a QUELL_E* code. */
static int remove_one(struct serve_req *rq, const char *email, int kind)
{
	char key[QUELL_ENTRY_MAX];
	int rc = sg_find(rq, email, kind, NULL, key, NULL);

	if (rc != 1)
		return rc == QUELL_EADDRESS ? 0 : rc;
	rc = quell_remove(rq->srv->cli->h, key, NULL, serve_now(rq));
	return rc == 0 ? 1 : rc == QUELL_ENOTFOUND ? 0 : rc;
}

/* delete_all: rounds of up to SG_DELETE_ROUND keys gathered in a read,
 * then removed; each round starts after the last key of the one before. */
struct round {
	char (*keys)[QUELL_ENTRY_MAX];
	size_t n;
	struct quell_list_pos last;
};

static int round_cb(void *ctx, const struct quell_entry *e)
{
	struct round *r = ctx;

	snprintf(r->keys[r->n++], QUELL_ENTRY_MAX, "%s", e->key);
	r->last.scope = e->scope;
	r->last.list = e->list;
	snprintf(r->last.key, sizeof r->last.key, "%s", e->key);
	snprintf(r->last.stream, sizeof r->last.stream, "%s", e->stream);
	return r->n == SG_DELETE_ROUND ? 1 : 0;
}

static int delete_all(struct serve_req *rq, int kind)
{
	struct round r;
	int rc, first = 1;

	memset(&r, 0, sizeof r);
	if ((r.keys = calloc(SG_DELETE_ROUND, sizeof *r.keys)) == NULL)
		return QUELL_ENOMEM;
	do {
		r.n = 0;
		rc = sg_walk(rq, kind, NULL, first ? NULL : &r.last, round_cb, &r);
		first = 0;
		for (size_t i = 0; rc >= 0 && i < r.n; i++) {
			int x = quell_remove(rq->srv->cli->h, r.keys[i], NULL, serve_now(rq));

			if (x != 0 && x != QUELL_ENOTFOUND)
				rc = x;
		}
	} while (rc == 1);
	free(r.keys);
	return rc < 0 ? rc : 0;
}

int serve_sg_delete(struct serve_req *rq)
{
	struct serve_emails e;
	char err[SERVE_ERR_MAX];
	const char *email;
	int kind, rc = 0;

	if (sg_path(rq, &kind, &email) != 0)
		return 0;
	if (email != NULL) {
		if (rq->body_len > 0)
			return sg_error(rq, 400, NULL, "a delete of one email takes no body");
		rc = remove_one(rq, email, kind);
		if (rc < 0)
			return sg_fail(rq, rc, email);
		return rc == 1 ? sg_no_content(rq) : sg_error(rq, 404, NULL, "Email does not exist");
	}
	if (serve_parse_sg_delete(rq->body, rq->body_len, &e, err, sizeof err) != 0) {
		serve_emails_free(&e);
		return sg_error(rq, 400, NULL, "%s", err);
	}
	if (e.all)
		rc = delete_all(rq, kind);
	for (size_t i = 0; rc >= 0 && i < e.n; i++)
		rc = remove_one(rq, e.emails[i], kind);
	serve_emails_free(&e);
	return rc < 0 ? sg_fail(rq, rc, NULL) : sg_no_content(rq);
}
