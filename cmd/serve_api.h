/*
 * serve_api.h - what the entry, reply, import/export and SendGrid route
 * files of quell serve share (serve_api.c): the HTTP status of a QUELL_E*
 * code, an error answer with the library's message, and the query
 * arguments several routes take (stream, list, scope, times, counts).
 * Each helper that answers (an error) returns -1 after answering, so a
 * handler writes `if (api_x(rq, ...) != 0) return 0;`.
 *
 * Knows nothing of LMDB nor of libmicrohttpd (serve.h hides it).
 */
#ifndef QUELL_SERVE_API_H
#define QUELL_SERVE_API_H

#include "serve.h"

/* The HTTP status for a QUELL_E* code: 400 bad input, 404 not found, 503
 * no database, 500 the rest. */
unsigned int api_status(int code);

/* Answer the error of a library call that returned code, with
 * quell_errmsg's message, prefixed by "ITEM: " when item is not NULL.
 * Returns 0 (the handler's return value). */
int api_fail(struct serve_req *rq, int code, const char *item);

/* The `stream` argument: NULL (stream-less) when absent or empty; "*"
 * only when star is 1.  0, or -1 after a 400. */
int api_stream(struct serve_req *rq, int star, const char **stream);

/* The argument `name` as one of the names in words (NULL-ended): its
 * value vals[i], or dflt when absent.  0, or -1 after a 400. */
int api_word(struct serve_req *rq, const char *name, const char *const *words,
             const int *vals, int dflt, int *out);

/* The argument `name` as a time (RFC 3339 or Unix seconds), 0 absent. */
int api_time(struct serve_req *rq, const char *name, int64_t *out);

/* The argument `name` as a count in [lo, hi], dflt when absent. */
int api_count(struct serve_req *rq, const char *name, uint64_t lo, uint64_t hi, uint64_t dflt,
              uint64_t *out);

/* The list argument (`list`: suppress, allow, backoff), 0 for any. */
int api_list(struct serve_req *rq, int dflt, int *list);

/* A growing text of JSON Lines. */
struct api_text {
	char *text;
	size_t len, cap;
};

/* Append v as one compact line, DEL and the C1 controls escaped as
 * \u00XX (as serve_answer_json and the CLI's --json write them), so that
 * stored text cannot steer a reader.  0, or -1 out of memory. */
int api_append_line(struct api_text *t, json_t *v);

#endif
