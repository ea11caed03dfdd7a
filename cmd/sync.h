/*
 * sync.h - what the files of `quell sync` share (cmd_sync.c: options,
 * connection, stream set-up, threads and signals; sync_pub.c: this host's
 * events published; sync_sub.c: every other host's applied).
 *
 * The library is seen through quell.h only (quell_changes, quell_apply);
 * NATS through its C client, libnats.  docs/fleet.md says why and how.
 */
#ifndef QUELL_CMD_SYNC_H
#define QUELL_CMD_SYNC_H

#include <stdatomic.h>
#include <stdint.h>

#include <nats/nats.h>

#include "cli.h"

#define SYNC_NAME_MAX 128

struct sync {
	struct cli *cli;
	const char *prefix;              /* subjects: PREFIX.events.HOST */
	const char *stream;              /* JetStream stream name */
	char subject_own[SYNC_NAME_MAX]; /* PREFIX.events.HOST */
	char subject_all[SYNC_NAME_MAX]; /* PREFIX.events.> */
	char mark[SYNC_NAME_MAX];        /* mark: the last published position */
	int once;                        /* --once: stop when caught up */
	int verbose;
	int64_t max_wait_ms;             /* per published message */
	natsConnection *nc;
	jsCtx *js;
	atomic_int stop;                 /* SIGTERM, or a worker's fatal error */
	atomic_int pub_done, sub_done;   /* --once: caught up */
	atomic_int pub_errors;           /* failed acknowledgements (ErrHandler) */
	int status;                      /* exit status (a worker's failure) */
	pthread_mutex_t lock;            /* status, and log lines */
};

/* A log line on stderr ("quell: sync: ..."), unless -q; thread-safe. */
void sync_log(struct sync *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A worker's fatal failure: logged, the exit status kept, everything stops. */
void sync_fatal(struct sync *s, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sleep ms milliseconds, or less when asked to stop; 1 when stopping. */
int sync_sleep(struct sync *s, int64_t ms);

/* The workers (one thread each). */
void *sync_pub_run(void *s);
void *sync_sub_run(void *s);

/* The async publish error handler (jsOptions.PublishAsync.ErrHandler). */
void sync_pub_error(jsCtx *js, jsPubAckErr *pae, void *closure);

#endif
