/*
 * serve_sendgrid.h - what the two files of quell serve's SendGrid-
 * compatible routes share (serve_sendgrid.c: /v3/suppression/KIND;
 * serve_sgasm.c: /v3/asm/...): SendGrid's error shape, finding a live
 * entry of a kind, walking the entries of a kind, and the JSON of one.
 *
 * Knows nothing of LMDB nor of libmicrohttpd.
 */
#ifndef QUELL_SERVE_SENDGRID_H
#define QUELL_SERVE_SENDGRID_H

#include "serve_api.h"
#include "serve_parse.h"

/* Answer `status` with SendGrid's {"errors": [{"field": FIELD or null,
 * "message": "..."}]}.  Returns 0. */
int sg_error(struct serve_req *rq, unsigned int status, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A library failure in SendGrid's shape (status from api_status). */
int sg_fail(struct serve_req *rq, int code, const char *item);

/* Answer 204 without a body. */
int sg_no_content(struct serve_req *rq);

/* Whether `email` has a live entry of `kind` on `stream` (NULL: none);
 * 1 with its normalized key in key (QUELL_ENTRY_MAX) and, when e is not
 * NULL, the entry's created time in *created; 0 when not; or a QUELL_E*
 * code (QUELL_EADDRESS for an email that is no address). */
int sg_find(struct serve_req *rq, const char *email, int kind, const char *stream,
            char *key, int64_t *created);

/* Called for each live entry of a walk (sg_walk) that is of the kind. */
typedef int (*sg_each_fn)(void *ctx, const struct quell_entry *e);

/* Walk the live entries of `kind` on `stream` ("*": every stream; NULL:
 * stream-less), in key order, starting after `after` (may be NULL);
 * returns quell_list's value. */
int sg_walk(struct serve_req *rq, int kind, const char *stream,
            const struct quell_list_pos *after, sg_each_fn fn, void *ctx);

/* One entry as SendGrid lists it for kind: bounces and blocks {created,
 * email, reason, status}, invalid_emails {created, email, reason},
 * spam_reports {created, email, ip}, unsubscribes {created, email}. */
json_t *sg_entry_json(const struct quell_entry *e, int kind);

/* The group id of a "group-N" stream, or -1. */
long long sg_group_id(const char *stream);

#endif
