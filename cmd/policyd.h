/*
 * policyd.h - what the files of `quell policyd` share, and what `quell
 * serve --socketmap` takes of them: the server's settings and state
 * (struct policyd), the listening socket (policyd_net.c), the event loop
 * (policyd_loop.c), which serves a protocol given as a parser and an
 * answer (struct policyd_proto), and for policyd the answer to one request
 * with its log lines (cmd_policyd.c).
 *
 * The command reads requests and builds answers with two modules of its
 * own, policy_req.h and policy_reply.h (bounded parsing and sanitized
 * replies live there, apart from the sockets, where unit tests and a fuzz
 * target reach them); the verdict itself comes from quell_check(), the
 * path `quell check` takes.  Knows nothing of LMDB.
 */
#ifndef QUELL_CLI_POLICYD_H
#define QUELL_CLI_POLICYD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli.h"
#include "policy_reply.h"
#include "policy_req.h"

/* "action=" VALUE "\n\n": the longest answer, in bytes. */
#define POLICYD_ANSWER_MAX (sizeof "action=" - 1 + POLICY_REPLY_MAX - 1 + 2)

#define POLICYD_EXTRA_MAX 32

struct policyd {
	struct cli *cli;
	const char *listen;        /* --listen, as given */
	const char *owner;         /* --socket-owner, or NULL */
	const char *rules;         /* the rules file SIGHUP reloads; NULL: built-in */
	struct policy_reply_set replies;
	mode_t mode;               /* --socket-mode */
	uid_t uid;                 /* from --socket-owner; (uid_t)-1: unchanged */
	gid_t gid;                 /* (gid_t)-1: unchanged */
	int fail_open, verbose;
	size_t max_conns;          /* --max-connections */
	int64_t idle_ms;           /* --idle-timeout in ms; 0: none */

	int lfd;                   /* the listening socket, -1 when none */
	int is_unix;
	char host[256];            /* inet: the host, without [] */
	char port[8];              /* inet: the port */
	char path[108];            /* unix: the socket file (made by us when
	                              is_unix is set) */
	dev_t dev;                 /* ... and its identity, so that only */
	ino_t ino;                 /*     our own file is removed */
	char where[160];           /* "unix:PATH" or "inet:ADDR:PORT" bound */

	int64_t db_looked_ms;      /* monotonic ms of the last look at the
	                              database file (policyd_look_at_db) */
	int db_lost;               /* the last look found no usable database
	                              (logged once) */
	void (*hup)(struct policyd *pd); /* what SIGHUP does (the loop calls it) */
	void *app;                 /* the command's own state (serve's) */
	/* Other descriptors the loop watches for the command (serve's HTTP
	 * listening sockets): when extra_fd[i] is readable, ready(pd, it). */
	const int *extra_fd;
	size_t nextra;             /* at most POLICYD_EXTRA_MAX */
	void (*ready)(struct policyd *pd, int fd);
	void (*tick)(struct policyd *pd); /* if set, called every tick_ms */
	int64_t tick_ms;
};

/* policyd_net.c: parse --socket-owner into uid and gid (0 or 64, printed). */
int policyd_owner(struct policyd *pd, const char *spec);

/* Parse pd->listen into path, or host and port; 1 for unix:, 0 for
 * inet:, or -64 after a usage error (printed). */
int policyd_parse_listen(struct policyd *pd);

/* Make the listening socket parsed before: a unix socket (a stale one is
 * removed, a live one refused) with pd's owner and mode, or a TCP socket.
 * 0, or an exit status (printed). */
int policyd_listen(struct policyd *pd);

/* Close the listening socket and remove the unix socket file if it is
 * still the one we made. */
void policyd_unlisten(struct policyd *pd);

/* Raise the soft limit of open files to the hard limit; say so once when
 * --max-connections needs more than that. */
void policyd_raise_nofile(struct policyd *pd);

/* A protocol the loop serves (as Postfix's multi_server_main takes its
 * service).  Each connection holds req_size bytes of parser state (aligned
 * for any type) and room for a few answers of answer_max bytes:
 *   reset, feed, partial: as policy_req_reset, policy_req_feed and
 *     policy_req_partial (feed returns 1 complete, 0 more, or <0 refused);
 *   refused: log why a request was refused (the connection is then closed
 *     without a reply, after the answers before it);
 *   answer: the answer to a complete request into out (answer_max bytes);
 *     its length, or 0 when the request is refused (logged by answer).
 * `id` names the connection in log lines. */
struct policyd_proto {
	size_t req_size, answer_max;
	void (*reset)(void *req);
	int (*feed)(void *req, const char *data, size_t n, size_t *used);
	int (*partial)(const void *req);
	void (*refused)(struct policyd *pd, const void *req, unsigned long id);
	size_t (*answer)(struct policyd *pd, const void *req, unsigned long id, char *out);
};

/* policyd_loop.c: serve until SIGTERM or SIGINT, each complete request
 * read and answered by `proto`; SIGHUP calls pd->hup, pd->ready and
 * pd->tick as said above.  With pd->lfd < 0, no client is served: only
 * the signals and the other descriptors.  0, or an exit status. */
int policyd_run(struct policyd *pd, const struct policyd_proto *proto);

/* cmd_policyd.c: reload the rules (SIGHUP); a bad file keeps the old ones.
 * Reopens the database too. */
void policyd_reload(struct policyd *pd);

/* cmd_policyd.c: a log line on stderr, "quell: policyd: ..." (control
 * bytes escaped).  policyd_info is silent with -q. */
void policyd_info(struct policyd *pd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
