/*
 * quell.h - the public interface of libquell, an email suppression list.
 *
 * This header is the manual.  Every function says who owns the memory it
 * returns, how long that memory lives, and which errors it returns.  No type
 * or code of LMDB, libyaml or PCRE2 appears here: they are details of the
 * library (the database is an LMDB environment, which is why a map size can
 * be set).
 *
 * Conventions
 *   - Every call that can fail returns 0 (QUELL_OK) or a negative QUELL_E*
 *     code.  quell_errmsg(h) then gives a one-line message for the last
 *     failure on the calling thread; it never returns NULL.  Any call on a
 *     database may also fail with QUELL_EDB or QUELL_EIO (the store), and
 *     any call that allocates with QUELL_ENOMEM; the lists below name the
 *     others.
 *   - Streams: NULL and "" both mean "no stream".
 *   - Options structs start with a `version` field and come with an _INIT
 *     macro.  A NULL options pointer means "all defaults".
 *   - Arguments: the handle first, then what the call reads (data, a
 *     stream, options), then a callback and its payload, and what the call
 *     writes last: out-parameters, and buffers with their size.
 *     quell_open too, as sqlite3_open and mdb_txn_begin.
 *   - Times are Unix seconds (int64_t).  Wherever a call takes `now`, 0 means
 *     "read the clock"; any other value is used as the current time (replays,
 *     tests).
 *   - Strings are NUL-terminated UTF-8.  Strings inside structs handed to a
 *     callback live until the callback returns.
 *   - Callbacks: every type is named quell_*_cb, and takes the caller's
 *     pointer, `payload`, as its first argument; a function that takes a
 *     callback takes the payload right after it.
 *
 * Threads
 *   One handle per process (or thread group).  A handle may be shared by any
 *   number of threads: checks run in parallel, writes are serialized by the
 *   store.  quell_errmsg() reports the last failure of the calling thread.
 */
#ifndef QUELL_H
#define QUELL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define QUELL_API __attribute__((visibility("default")))
#else
#define QUELL_API
#endif

/* The version of this header.  QUELL_VERSION_NUMBER is
 * MAJOR * 1000000 + MINOR * 1000 + PATCH (0.1.0 is 1000), for #if tests;
 * quell_version() gives the library's at run time. */
#define QUELL_VERSION_STRING "0.1.0"
#define QUELL_VERSION_MAJOR 0
#define QUELL_VERSION_MINOR 1
#define QUELL_VERSION_PATCH 0
#define QUELL_VERSION_NUMBER \
	(QUELL_VERSION_MAJOR * 1000000 + QUELL_VERSION_MINOR * 1000 + QUELL_VERSION_PATCH)

/* Return codes.  Every failure comes with a message (quell_errmsg).  Later
 * versions may add codes: treat any negative value you do not know as a
 * failure (quell_strerror names it "unknown error"). */
enum {
	QUELL_OK = 0,
	QUELL_ENOMEM = -1,    /* out of memory */
	QUELL_EINVAL = -2,    /* bad argument from the caller */
	QUELL_EADDRESS = -3,  /* invalid address or domain entry */
	QUELL_EDATA = -4,     /* bad input data (reply, import row, rules file) */
	QUELL_ENOTFOUND = -5, /* no such entry */
	QUELL_ENODB = -6,     /* the database (or an input file) does not exist */
	QUELL_EIO = -7,       /* operating system I/O error */
	QUELL_EDB = -8,       /* database error: corrupt, wrong version, locked */
	QUELL_EREADONLY = -9, /* write on a handle opened read-only */
	QUELL_EINTERNAL = -10, /* a bug in quell */
	QUELL_ECANCELED = -11  /* a callback asked to stop (quell_import's progress) */
};

/* Buffer sizes, each including the terminating NUL. */
#define QUELL_ENTRY_MAX 256  /* a normalized address (254) or domain (255) */
#define QUELL_NAME_MAX 64    /* rule and category names */
#define QUELL_STREAM_MAX 65  /* stream names: [a-z0-9][a-z0-9._-]{0,63} */
#define QUELL_REPLY_MAX 512  /* reply text carried by a check result */
#define QUELL_ERROR_MAX 160  /* per-item error text in batch results */
#define QUELL_STATUS_MAX 16  /* an enhanced status code, "5.7.606" */

/* What a check answers. */
enum quell_verdict {
	QUELL_ALLOW = 0,
	QUELL_SUPPRESS = 1,
	QUELL_BACKOFF = 2,
	QUELL_INVALID = 3 /* the address could not be parsed */
};

/* Whether an entry names one address or a domain and its subdomains. */
enum quell_scope {
	QUELL_SCOPE_NONE = 0,
	QUELL_SCOPE_ADDRESS = 1,
	QUELL_SCOPE_DOMAIN = 2
};

/* The three lists.  (The tag is not quell_list: that is the function.) */
enum quell_listkind {
	QUELL_LIST_NONE = 0,
	QUELL_LIST_SUPPRESS = 1,
	QUELL_LIST_ALLOW = 2,
	QUELL_LIST_BACKOFF = 3
};

/* Where an entry came from. */
enum quell_source {
	QUELL_SOURCE_NONE = 0,
	QUELL_SOURCE_BOUNCE = 1,
	QUELL_SOURCE_COMPLAINT = 2,
	QUELL_SOURCE_UNSUBSCRIBE = 3,
	QUELL_SOURCE_MANUAL = 4,
	QUELL_SOURCE_IMPORT = 5
};

/* What a rule, or a manual command, did to an entry (history events). */
enum quell_action {
	QUELL_ACTION_NONE = 0,
	QUELL_ACTION_SUPPRESS = 1,
	QUELL_ACTION_BACKOFF = 2,
	QUELL_ACTION_COUNT = 3,
	QUELL_ACTION_CLEAR = 4,
	QUELL_ACTION_IGNORE = 5,
	QUELL_ACTION_ALLOW = 6,   /* manual: allow */
	QUELL_ACTION_UNALLOW = 7, /* manual: unallow */
	QUELL_ACTION_REMOVE = 8,  /* manual: remove */
	QUELL_ACTION_EXPIRE = 9   /* prune removed an expired entry */
};

/* Names of the enums above, as used on the command line and in output
 * ("allow", "address", "suppress", "bounce", ...).  Static strings; an
 * unknown value gives "".  The _parse functions return the value or -1. */
QUELL_API const char *quell_verdict_name(int verdict);
QUELL_API const char *quell_scope_name(int scope);
QUELL_API const char *quell_list_name(int list);
QUELL_API const char *quell_source_name(int source);
QUELL_API const char *quell_action_name(int action);
QUELL_API int quell_list_parse(const char *name);
QUELL_API int quell_source_parse(const char *name);

/* 1 when `name` is a stream name, [a-z0-9][a-z0-9._-]{0,63}, else 0 (NULL
 * and "" too: "no stream" is said with NULL).  Every call that takes a
 * stream refuses another with QUELL_EINVAL; those that take "*" (every
 * stream) say so. */
QUELL_API int quell_stream_valid(const char *name);

/* 1 when `name` is a rule or category name, [a-z0-9._-]{1,63} (shorter
 * than QUELL_NAME_MAX), else 0 (NULL and "" too).  The rules file, the
 * import rows and the category of quell_add and quell_allow must pass it. */
QUELL_API int quell_name_valid(const char *name);

/* A static description of a return code ("out of memory"); never NULL. */
QUELL_API const char *quell_strerror(int code);

/* The library's version, "0.1.0". */
QUELL_API const char *quell_version(void);

/* --------------------------------------------------------- time helpers */

/* Parse a duration: `30s`, `15m`, `8h`, `7d`, `2w`, `1y` (365 days), or
 * `forever`, which gives 0 (no expiry).  A bare number is seconds.  Zero,
 * negative durations and durations over QUELL_DURATION_MAX (100 years:
 * say `forever`) are QUELL_EINVAL. */
#define QUELL_DURATION_MAX (100LL * 365 * 86400)
QUELL_API int quell_duration_parse(const char *text, int64_t *seconds);

/* Parse a time: RFC 3339 (`2026-11-28T10:00:00Z`, offsets allowed,
 * fractions ignored) or Unix seconds, within the years 0000-9999.
 * QUELL_EINVAL when it is neither. */
QUELL_API int quell_time_parse(const char *text, int64_t *t);

/* Format a time as RFC 3339 UTC, `2026-11-28T10:00:00Z`, into buf (at
 * least QUELL_TIME_MAX bytes).  Returns buf. */
#define QUELL_TIME_MAX 32
QUELL_API char *quell_time_format(int64_t t, char *buf, size_t size);

/* ---------------------------------------------------------------- handle */

typedef struct quell quell;

/* Flags for quell_options.flags. */
#define QUELL_OPEN_READONLY 0x1u /* never write; a missing database is QUELL_ENODB */
#define QUELL_OPEN_CREATE 0x2u   /* create the directory and database if missing */
#define QUELL_OPEN_NODB 0x4u     /* no database at all: addresses and rules only */
#define QUELL_OPEN_FILTER 0x8u   /* a long-running checker: keep a filter of the stored
                                    keys in memory (see quell_check) */

#define QUELL_OPTIONS_VERSION 2
struct quell_options {
	unsigned int version;     /* QUELL_OPTIONS_VERSION */
	unsigned int flags;       /* QUELL_OPEN_* */
	int lowercase_local_part; /* for a database being created: 1 (default) or 0;
	                             an existing database keeps its own setting */
	size_t map_size;          /* initial LMDB map size in bytes; 0 = 64 MiB.
	                             The map grows by itself when it is full,
	                             up to max_db_size. */
	const char *origin;       /* host id stamped on change events; NULL = the
	                             one stored in the database (stored at its
	                             creation: this one if given, else the host
	                             name) */
	size_t max_db_size;       /* version 2: the map never grows past this many
	                             bytes (writes then fail with QUELL_EIO);
	                             0 = 64 GiB (1 GiB with a 32-bit size_t) */
};
#define QUELL_OPTIONS_INIT { QUELL_OPTIONS_VERSION, 0u, 1, 0, NULL, 0 }

/*
 * Open the database in directory `dir` (one LMDB environment).  Without
 * QUELL_OPEN_CREATE a missing database is QUELL_ENODB.  With QUELL_OPEN_NODB
 * `dir` is ignored and may be NULL: the handle then serves address parsing
 * and rules only.
 *
 * *out is set whenever the handle could be allocated, even when the call
 * fails, so that quell_errmsg(*out) can say why; close it with quell_close()
 * in every case.  *out is NULL only after QUELL_ENOMEM.
 *
 * Errors: QUELL_ENODB, QUELL_EIO, QUELL_EDB (corrupt or newer schema),
 * QUELL_ENOMEM, QUELL_EINVAL.
 */
QUELL_API int quell_open(const char *dir, const struct quell_options *opts, quell **out);

/* Close the handle and free everything it holds.  NULL is a harmless no-op.
 * No other thread may use the handle during or after the call. */
QUELL_API void quell_close(quell *h);

/* The message of the last failure on this thread, e.g.
 * "local part: unexpected ',' at character 2".  Never NULL; "" when this
 * thread never failed.  Successful calls do not clear it: read it right
 * after a call returned an error.  Valid until the next call on this handle
 * from this thread.
 * A NULL handle gives the message of a failed allocation. */
QUELL_API const char *quell_errmsg(const quell *h);

/* Flags for quell_reopen(). */
#define QUELL_REOPEN_FORCE 0x1u /* reopen even when the file is the same */

/*
 * Follow the database directory when its data file changed under a
 * long-running handle: a backup moved into place, or the directory removed
 * and a database made there again.  Compares the file the handle reads
 * with the one the directory holds (device and inode: one stat(2)) and
 * reopens when they differ, or always with QUELL_REOPEN_FORCE.  Waits for
 * the calls running on other threads; pooled transactions are dropped.
 * *changed (may be NULL) is set to 1 when the handle now reads another
 * file, or none.
 *
 * When the directory holds no database any more (or one that cannot be
 * opened), the handle lets the old file go: every read and write then
 * fails with the same error until a later quell_reopen() succeeds.
 *
 * Errors: QUELL_ENODB (no database there any more), QUELL_EIO, QUELL_EDB
 * (as quell_open), QUELL_EINVAL (a handle without a database).
 */
QUELL_API int quell_reopen(quell *h, unsigned int flags, int *changed);

/* Whether the database folds local parts to lower case (set at creation). */
QUELL_API int quell_lowercase_local_part(const quell *h);

/* ------------------------------------------------------------------ rules */

/*
 * Load the rules file at `path` (YAML, quell-rules(5)) into the handle, or
 * the default rules compiled into the library when path is NULL.  The new
 * set replaces the old one at once; calls already running finish with the
 * old set.  A bad file changes nothing.  A handle that never loads rules
 * uses the defaults.  Works on a QUELL_OPEN_NODB handle (`rules check`).
 *
 * Errors: QUELL_EDATA with the message "FILE:LINE:COL: what is wrong",
 * QUELL_ENODB (no such file), QUELL_EIO, QUELL_ENOMEM.
 */
QUELL_API int quell_rules_load(quell *h, const char *path);

/* Receives one error of a rules file, "FILE:LINE:COL: message", or one
 * warning, "FILE:LINE:COL: warning: message" (no error message starts
 * with "warning:" after its place). */
typedef void (*quell_rules_error_cb)(void *payload, const char *message);

/*
 * Check the rules file at `path` (NULL: the default rules) without loading
 * it into the handle: every error is passed to cb (may be NULL), in file
 * order, as far as the file can be read past the first (a YAML syntax
 * error ends the check; within one rule, its first error ends that rule).
 * A file without errors is then searched for rules that can never match
 * (an earlier rule matches every reply they could; quell-rules(5)): each
 * is passed to cb as a warning, at the place of the rule that never
 * matches.  Warnings do not make the file bad: the call still returns 0,
 * and quell_rules_load never looks for them.
 * *nrules (may be NULL) gets the number of rules of a good file.
 *
 * Errors: QUELL_EDATA when the file has errors (quell_errmsg gives the
 * first), QUELL_ENODB (no such file), QUELL_EIO, QUELL_ENOMEM.
 */
QUELL_API int quell_rules_check(quell *h, const char *path, quell_rules_error_cb cb,
                                void *payload, size_t *nrules);

/* How many rules the handle's set has (loading the defaults if none). */
QUELL_API int quell_rules_count(quell *h, size_t *count);

/* What a reply did, or would do, to a recipient. */
struct quell_outcome {
	char normalized[QUELL_ENTRY_MAX]; /* the recipient, normalized; "" if none */
	int code;                         /* basic reply code, 0 if absent */
	char status[QUELL_STATUS_MAX];    /* enhanced status, "" if absent */
	char text[QUELL_REPLY_MAX];       /* reply text (truncated) */
	char rule[QUELL_NAME_MAX];        /* the rule that matched; "" if none */
	char category[QUELL_NAME_MAX];
	int action;                       /* enum quell_action applied */
	int scope;                        /* scope of the entry the action wrote */
	char key[QUELL_ENTRY_MAX];        /* that entry ("" for clear/ignore) */
	int verdict;                      /* the recipient's verdict afterwards */
	int64_t until;                    /* backoff end or suppression expiry; 0 none */
	int duplicate;                    /* 1: this queue/message id was counted before */
	uint32_t count;                   /* count action: failures inside the window so
	                                     far (the threshold-th suppresses) */
	char error[QUELL_ERROR_MAX];      /* why the line was refused */
	int repaired;                     /* 1: the reply text was not valid UTF-8
	                                     and was repaired before the rules saw
	                                     it (bad bytes as U+FFFD, or read as
	                                     Latin-1: docs/import-export.md) */
};

#define QUELL_RECORD_OPTIONS_VERSION 2
struct quell_record_options {
	unsigned int version;   /* QUELL_RECORD_OPTIONS_VERSION */
	int64_t now;            /* when the reply came; 0 = clock */
	const char *queue_id;   /* the MTA's queue id, or NULL */
	const char *message_id; /* the Message-ID (or another id of the event,
	                           such as an ESP's event id), or NULL */
	int source;             /* QUELL_SOURCE_BOUNCE (default), or
	                           QUELL_SOURCE_COMPLAINT / _UNSUBSCRIBE: suppress
	                           the address without rules (category "complaint"
	                           / "unsubscribe") */
	/* version 2: */
	const char *stream;     /* _UNSUBSCRIBE only: the stream of the entry
	                           (NULL: stream-less; else quell_stream_valid) */
	const char *note;       /* NULL, or text added to the event's reason: what
	                           the reply's source thought of it (an ESP's own
	                           "hard bounce" label), kept, never decisive */
};
#define QUELL_RECORD_OPTIONS_INIT \
	{ QUELL_RECORD_OPTIONS_VERSION, 0, NULL, NULL, QUELL_SOURCE_BOUNCE, NULL, NULL }

/*
 * Apply the rules to `reply`, received for `address`, and store the
 * outcome (one write transaction, one history event): suppress, back off,
 * count, clear or ignore.  A reply carrying a queue or message id already
 * recorded for this address with a reply of the same class (2xx, 4xx,
 * 5xx) changes nothing (out->duplicate = 1): a message deferred five times
 * counts once, the bounce that ends it counts too.  A domain-scope outcome
 * for a public suffix or a single-label domain (`signup@com`) is applied
 * to the address instead (out->scope QUELL_SCOPE_ADDRESS), and the event's
 * reason says so.
 *
 * Errors: QUELL_EADDRESS (bad address), QUELL_EDATA (empty or unusable
 * reply), QUELL_EINVAL (a stream that is not a stream name, or a stream
 * with another source than _UNSUBSCRIBE), and the store's errors.
 * out->error says which, for batch output.  A version 1 options struct
 * is read without the version 2 fields.
 */
QUELL_API int quell_record(quell *h, const char *address, const char *reply,
                           const struct quell_record_options *opts, struct quell_outcome *out);

/* One reply of a batch given to quell_record_many. */
struct quell_record_item {
	const char *address;                      /* in */
	const char *reply;                        /* in */
	const struct quell_record_options *opts;  /* in; NULL: the defaults */
	struct quell_outcome out;                 /* out, as quell_record's */
	int rc;                                   /* out: 0, QUELL_EADDRESS or QUELL_EDATA */
};

/*
 * Record n replies in one write transaction (one commit, one sync to disk),
 * each as quell_record would, in order: a later item sees what an earlier
 * one wrote.  An item that is refused (bad address, unusable reply) gets
 * its rc and out.error, and the others go on.  For logs and mailboxes,
 * where a sync per reply would bound the rate at the disk's.
 *
 * Returns 0 when the batch was committed (then read each item's rc), or an
 * error of the store or QUELL_EINVAL (a bad options version): then nothing
 * of the batch was written.
 */
QUELL_API int quell_record_many(quell *h, struct quell_record_item *items, size_t n);

/*
 * What `reply` would do to an entry with no history, without a database:
 * the rule, action, scope, and the verdict and until that would follow.
 * `address` (may be NULL) and `domain` (may be NULL; taken from the address
 * otherwise) feed the rules' `domain` conditions.
 */
QUELL_API int quell_explain(quell *h, const char *address, const char *domain,
                            const char *reply, int64_t now, struct quell_outcome *out);

/* ------------------------------------------------------------ rule stats */

/* One rule's work in the stored history (quell_rules_stats). */
struct quell_rule_stats {
	const char *rule;  /* the rule's name */
	int in_rules;      /* 1: a rule of the handle's set; 0: a name found
	                      only in history (a rule renamed or removed) */
	size_t index;      /* in_rules: its place in the set, 0 first; else 0 */
	uint64_t count;    /* replies it decided; 0: it never fired */
	int64_t last;      /* the newest of them; 0 when none */
};

/* Called once per rule; return 0 to go on, anything else to stop:
 * quell_rules_stats then returns that value as it is. */
typedef int (*quell_rule_stats_cb)(void *payload, const struct quell_rule_stats *stats);

#define QUELL_RULES_STATS_OPTIONS_VERSION 1
struct quell_rules_stats_options {
	unsigned int version; /* QUELL_RULES_STATS_OPTIONS_VERSION */
	int64_t since;        /* replies at or after this time; 0: all */
};
#define QUELL_RULES_STATS_OPTIONS_INIT { QUELL_RULES_STATS_OPTIONS_VERSION, 0 }

/*
 * How many replies each rule decided in the stored history, and when it
 * last did, in one read transaction.  A reply counts for the rule its
 * history event names (the rule in force when it was recorded); each
 * reply once, from its recipient's history (a domain-scope outcome's copy
 * in the domain's history is not counted again); replies no rule matched
 * and hand edits name none and are not counted.  cb gets every rule of
 * the handle's set (the defaults if none was loaded) in file order,
 * count 0 for a rule that never fired, then every other name the history
 * holds (in_rules 0) in name order.  Strings live until cb returns.
 * History that prune removed is gone from the counts.
 *
 * Errors: QUELL_EINVAL (NULL handle or cb, unknown options version, a
 * handle without a database), the store's errors, QUELL_ENOMEM, or cb's
 * value.
 */
QUELL_API int quell_rules_stats(quell *h, const struct quell_rules_stats_options *opts,
                                quell_rule_stats_cb cb, void *payload);

/* ------------------------------------------------------------- rules diff */

/* Filters and time of quell_rules_diff().  Zero fields mean "any". */
#define QUELL_DIFF_OPTIONS_VERSION 1
struct quell_diff_options {
	unsigned int version;  /* QUELL_DIFF_OPTIONS_VERSION */
	int64_t since;         /* replay only replies at or after this time; 0: all */
	const char *domain;    /* only addresses of this domain and its subdomains */
	const char *stream;    /* whose hand-made entries count (as in check); NULL:
	                          stream-less ones only */
	int64_t now;           /* the verdicts compared are those at now; 0 = clock */
};
#define QUELL_DIFF_OPTIONS_INIT { QUELL_DIFF_OPTIONS_VERSION, 0, NULL, NULL, 0 }

/* An address's verdict at `now` after one replay. */
struct quell_diff_side {
	int verdict;                   /* QUELL_ALLOW, QUELL_SUPPRESS or QUELL_BACKOFF */
	int scope;                     /* of the entry that decides; NONE for allow */
	char rule[QUELL_NAME_MAX];     /* the rule that made it; "" for allow */
	char category[QUELL_NAME_MAX];
	int64_t until;                 /* expiry or backoff end; 0: none, forever */
};

/* An address whose verdict the other rules would change.  status and
 * reply live during the callback only. */
struct quell_diff_entry {
	char key[QUELL_ENTRY_MAX];     /* the address */
	struct quell_diff_side before; /* under the rules in use */
	struct quell_diff_side after;  /* under the other file */
	/* the newest reply the two rule sets decide differently (rule, scope,
	 * or action as applied: a count that reaches its threshold is a
	 * suppression); time 0, "" when none did */
	int64_t time;
	int code;
	const char *status, *reply;
};

/* Totals of one diff. */
struct quell_diff_summary {
	uint64_t keys;         /* addresses replayed */
	uint64_t replies;      /* replies replayed (each under both rule sets) */
	uint64_t changed;      /* addresses reported: the four below */
	uint64_t suppressed;   /* newly suppressed */
	uint64_t unsuppressed; /* no longer suppressed */
	uint64_t scope;        /* suppressed under both, at another scope */
	uint64_t other;        /* allow <-> backoff */
	uint64_t kept;         /* keys (addresses and domains) that are not the
	                          rules' work: a live suppress or allow entry made
	                          by hand, by an import without a reply, by an
	                          unsubscribe or a complaint; such an address, or
	                          one whose domain key has one, is not replayed */
};

/* Receives one changed address.  Return 0 to go on, anything else to stop:
 * quell_rules_diff then returns that value as it is. */
typedef int (*quell_diff_cb)(void *payload, const struct quell_diff_entry *entry);

/*
 * Replay every stored reply (from the recipients' address histories,
 * oldest first, each at its own time) under the handle's rules and under
 * the rules file at `path`, through the same decision code as
 * quell_record, and pass each address whose verdict at opts->now would
 * change (or stay suppressed at another scope) to cb (may be NULL), in
 * address order.  One read transaction; nothing is written.  A
 * domain-scope outcome is replayed on a domain record made of that
 * address's own replies (quell(1) "rules diff" says what that leaves
 * out).  out (may be NULL) gets the totals.
 *
 * Errors: QUELL_EDATA ("FILE:LINE:COL: message": a bad rules file),
 * QUELL_ENODB (no such file), QUELL_EADDRESS (bad opts->domain),
 * QUELL_EINVAL, QUELL_ENOMEM, the store's errors, or cb's value.
 */
QUELL_API int quell_rules_diff(quell *h, const char *path, const struct quell_diff_options *opts,
                               quell_diff_cb cb, void *payload, struct quell_diff_summary *out);

/* ----------------------------------------------------------- postfix log */

#define QUELL_POSTFIX_LINE_MAX 65536  /* longer log lines are never reports */
#define QUELL_POSTFIX_QID_MAX 32      /* queue ids: 5..31 letters and digits */
#define QUELL_POSTFIX_RCPT_MAX 512    /* to=<...> contents, with the NUL */
#define QUELL_POSTFIX_REPLY_MAX 2048  /* the reply, cut at a character boundary */

/* One delivery report of a Postfix log line.  Plain data, nothing to free. */
struct quell_postfix_report {
	int64_t time;                             /* when it was logged, Unix seconds */
	char queue_id[QUELL_POSTFIX_QID_MAX];
	char recipient[QUELL_POSTFIX_RCPT_MAX];   /* to=<...> as logged (orig_to ignored) */
	char dsn[QUELL_STATUS_MAX];               /* "5.1.1"; "" if not logged */
	char status[16];                          /* "sent", "deferred" or "bounced" */
	char reply[QUELL_POSTFIX_REPLY_MAX];      /* what to hand quell_record: the SMTP
	                                             reply, or "DSN TEXT" without one */
	const char *error;                        /* why a report is unusable (static) */
	int log_line;                             /* 1: the line is a log line (a time
	                                             stamp and a host), report or not;
	                                             0: it is no log line at all */
};

/*
 * Parse one line of a Postfix mail log, line[0..len) without its LF (any
 * bytes).  Delivery agents' (smtp, lmtp, local, virtual, pipe, error,
 * retry) reports of status sent, deferred or bounced are reports; every
 * other line is not (NOQUEUE: reject, connect from, qmgr, garbage).  `ref`
 * (Unix seconds) gives a syslog stamp (`Nov 28 10:00:00`) its year: the
 * one that puts it at most a day after ref; `utc_offset` (seconds east of
 * UTC) is the zone such a stamp is read in.  RFC 3339 stamps carry their
 * own.  Pure: no handle, no allocation, no time zone state; thread-safe.
 *
 * Returns 1 for a report (*out filled), 0 for a line that is not one, or
 * QUELL_EDATA for a report that cannot be used (out->error says why: an
 * empty or over-long recipient).  out->log_line tells, in every case,
 * whether the line has a log line's shape at all (a file that is no log).
 */
QUELL_API int quell_postfix_log_parse(const char *line, size_t len, int64_t ref,
                                      int utc_offset, struct quell_postfix_report *out);

/* ------------------------------------------------------- bounce messages */

#define QUELL_DSN_SCAN_MAX (1024 * 1024) /* bytes of a message looked at */
#define QUELL_DSN_RCPT_MAX 512           /* a recipient as found, with the NUL */
#define QUELL_DSN_REPLY_MAX 2048         /* the reply, cut at a character boundary */
#define QUELL_DSN_MSGID_MAX 256          /* a Message-ID, with the NUL */
#define QUELL_DSN_REPORTS_MAX 1000       /* recipients reported per message */
#define QUELL_DSN_DIGEST_MAX 24          /* "digest:" and 16 hex digits, with the NUL */

/* One recipient of a bounce message.  Plain data, nothing to free. */
struct quell_dsn_report {
	char recipient[QUELL_DSN_RCPT_MAX];   /* Final-Recipient (or Original-Recipient,
	                                         or found in the text), without
	                                         "rfc822;" and angle brackets */
	char action[16];                      /* failed, delayed, delivered, relayed,
	                                         expanded; "" when the bounce says none */
	char status[QUELL_STATUS_MAX];        /* the Status field, "5.1.1"; "" if none */
	char reply[QUELL_DSN_REPLY_MAX];      /* what to hand quell_record: the
	                                         Diagnostic-Code ("smtp; 550 5.1.1 ..."),
	                                         "STATUS TEXT" when that lacks a code
	                                         and a status, the text the bounce
	                                         gives about this recipient, or the
	                                         status alone; never empty, valid
	                                         UTF-8 without control bytes */
	char message_id[QUELL_DSN_MSGID_MAX]; /* the original message's Message-ID,
	                                         else the bounce's own; "" if neither */
	int64_t time;                         /* Last-Attempt-Date, the bounce's Date,
	                                         or Arrival-Date (Unix seconds); 0 when
	                                         none parses */
	int complaint;                        /* 1: an abuse report (ARF,
	                                         message/feedback-report): record as a
	                                         complaint; reply is then "complaint:
	                                         FEEDBACK-TYPE" */
	char digest[QUELL_DSN_DIGEST_MAX];    /* an id for this report when
	                                         message_id is "": "digest:" and 16
	                                         hex digits of a digest of recipient,
	                                         action, status, reply, time and the
	                                         bounce's Date (of the message's body
	                                         too when no time parses); the same
	                                         whenever the same bounce is read */
};

/* Called once per recipient, in the order of the message; r lives until
 * the call returns.  Return 0 to go on; anything else stops the parse,
 * which returns that value. */
typedef int (*quell_dsn_cb)(void *payload, const struct quell_dsn_report *r);

/*
 * Read one email message, msg[0..len) (any bytes; CR LF, CR CR LF and LF
 * line ends), and report what it says about each recipient.  Recognised:
 *   - RFC 3464 delivery status notifications (multipart/report with a
 *     message/delivery-status or message/global-delivery-status part, at
 *     any MIME depth, in any transfer encoding), including folded and
 *     unindented continuation lines and recipient blocks without the blank
 *     line between them;
 *   - RFC 5965 abuse reports (message/feedback-report), and complaints
 *     that carry the original message without one: complaint = 1;
 *   - Amazon SES notifications mailed by SNS (the text is the JSON):
 *     each recipient as quell_esp_events(QUELL_ESP_SES) gives it;
 *   - bounces in other shapes (qmail, Exim, old Exchange, Lotus, Google,
 *     Japanese carriers, ...): the failed recipients and the text near each
 *     one, which holds the SMTP reply if there was one.
 * Anything else (auto-replies, ordinary mail) is not a bounce.  Only the
 * first QUELL_DSN_SCAN_MAX bytes are looked at (the report comes before
 * the returned message); at most QUELL_DSN_REPORTS_MAX recipients are
 * reported.  Time and memory are linear in the bytes looked at.
 *
 * Pure: no handle, no database, no globals; allocates one work buffer the
 * size of the message and frees it before returning; thread-safe.
 *
 * *count (may be NULL) is set to the number of reports given to cb (0:
 * not a bounce).  Returns 0, cb's non-zero return value when it stopped
 * the parse (return a positive value to tell it from QUELL_E* codes),
 * QUELL_ENOMEM, or QUELL_EINVAL (msg NULL with len > 0, or cb NULL).
 */
QUELL_API int quell_dsn_parse(const char *msg, size_t len, quell_dsn_cb cb, void *payload,
                              size_t *count);

/* ------------------------------------------------------------ ESP events */

/* The ESPs whose event feeds quell reads (quell_esp_events). */
enum quell_esp {
	QUELL_ESP_SENDGRID = 1, /* SendGrid Event Webhook */
	QUELL_ESP_SES = 2,      /* Amazon SES notifications, raw or in an SNS envelope */
	QUELL_ESP_MAILGUN = 3,  /* Mailgun webhooks and event pages */
	QUELL_ESP_POSTMARK = 4  /* Postmark webhooks and bounce pages */
};

/* What an ESP event is to quell. */
enum quell_esp_kind {
	QUELL_ESP_SKIP = 0,       /* nothing for the lists: opens, clicks, sends,
	                             drops, resubscribes, SNS confirmations ... */
	QUELL_ESP_REPLY = 1,      /* a receiving server's reply (bounce, deferral,
	                             delivery): through the rules */
	QUELL_ESP_COMPLAINT = 2,  /* record with QUELL_SOURCE_COMPLAINT */
	QUELL_ESP_UNSUBSCRIBE = 3 /* record with QUELL_SOURCE_UNSUBSCRIBE and the stream */
};

#define QUELL_ESP_RCPT_MAX 512    /* a recipient as given, with the NUL */
#define QUELL_ESP_REPLY_MAX 2048  /* the reply, with the NUL */
#define QUELL_ESP_ID_MAX 256      /* an event id, with the NUL */
#define QUELL_ESP_NOTE_MAX 512    /* the ESP's own words, with the NUL */
#define QUELL_ESP_STREAM_MAX 65   /* a stream name, with the NUL */

/* One event for one recipient.  Plain data, nothing to free; strings are
 * NUL-terminated, cut to their buffers ("" when absent). */
struct quell_esp_event {
	int kind;                           /* enum quell_esp_kind */
	char event[32];                     /* the ESP's name of the event: "bounce",
	                                       "Bounce", "failed", "SubscriptionChange" */
	char recipient[QUELL_ESP_RCPT_MAX];
	char reply[QUELL_ESP_REPLY_MAX];    /* what to hand quell_record: the SMTP
	                                       reply ("550 5.1.1 ...", "smtp; 550 ..."),
	                                       for a complaint "complaint: TYPE", for
	                                       an unsubscribe "unsubscribe: ESP" */
	char id[QUELL_ESP_ID_MAX];          /* the event's own id (sg_event_id, SES
	                                       feedbackId or mail.messageId, Mailgun
	                                       id, Postmark ID), to pass as the
	                                       reply's message id: a redelivered
	                                       event counts once */
	char stream[QUELL_ESP_STREAM_MAX];  /* unsubscribe: the stream (SendGrid
	                                       asm_group_id, Postmark MessageStream),
	                                       a valid stream name; "" none */
	char note[QUELL_ESP_NOTE_MAX];      /* what the ESP said of it ("sendgrid:
	                                       bounce type=bounce"), for the event's
	                                       reason; for an SNS SubscriptionConfirmation
	                                       its SubscribeURL, for the operator */
	int64_t time;                       /* when it happened, Unix seconds; 0 if
	                                       none parses */
	const char *error;                  /* static: why the event cannot be used
	                                       (no recipient, a bad stream), else NULL */
};

/* Called once per event, in document order; ev lives until the call
 * returns.  Return 0 to go on; anything else stops the parse, which
 * returns that value. */
typedef int (*quell_esp_cb)(void *payload, const struct quell_esp_event *ev);

/* The ESP named `name` ("sendgrid", "ses", "mailgun", "postmark"), or -1. */
QUELL_API int quell_esp_parse_name(const char *name);

/*
 * Read one JSON document, json[0..len) (any bytes), as esp's events and
 * report each: an event object, or an array of them, or what wraps them:
 *   sendgrid  an event {"email","event","sg_event_id",...} or the array
 *             the Event Webhook posts;
 *   ses       a notification ({"notificationType"} or, from event
 *             publishing, {"eventType"}), raw or as an SNS message
 *             ({"Type":"Notification","Message":"<the JSON as a string>"});
 *             one event per bounced, complained, delivered or delayed
 *             recipient;
 *   mailgun   a webhook {"signature":..,"event-data":{..}}, an event
 *             {"event":..}, or an events page {"items":[..]};
 *   postmark  a webhook {"RecordType":..}, a bounce of the API, or a
 *             page {"Bounces":[..]}.
 * docs/esp.md says what each event becomes.  Pure: no handle, no I/O;
 * thread-safe.
 *
 * Returns 0 when the document was read as esp's (every event reported,
 * usable or not), QUELL_EDATA when it is not JSON or not shaped as esp's
 * (err, of errsize bytes, says why), QUELL_EINVAL (an unknown esp),
 * QUELL_ENOMEM, or the callback's value.
 */
QUELL_API int quell_esp_events(int esp, const char *json, size_t len, quell_esp_cb cb,
                               void *payload, char *err, size_t errsize);

/* ------------------------------------------------------------- addresses */

/*
 * Normalize an RFC 5321 mailbox into `out` (size at least QUELL_ENTRY_MAX):
 * IDNA2008 A-label lowercase domain without trailing dot, needless quotes
 * removed, NFC UTF-8 local part, lowercased unless the database says not.
 * Errors: QUELL_EADDRESS (message names what is wrong and the character),
 * QUELL_EINVAL (out too small), QUELL_ENOMEM.
 */
QUELL_API int quell_address_normalize(quell *h, const char *address, char *out, size_t outsize);

/*
 * Normalize an entry as written on a command line: an address, or a domain
 * (`example.com` or `@example.com`).  *scope is set to QUELL_SCOPE_ADDRESS
 * or QUELL_SCOPE_DOMAIN.  A public suffix alone (`com`, `co.uk`) is refused
 * with QUELL_EADDRESS.
 */
QUELL_API int quell_entry_normalize(quell *h, const char *entry, char *out, size_t outsize,
                                    int *scope);

/*
 * The form of a normalized key (address or domain) for people: its
 * domain's A-labels (`xn--bcher-kva`) as Unicode (`bücher`), into out (at
 * least QUELL_ENTRY_MAX * 4 bytes is always enough).  Returns 1 when that
 * differs from key, 0 when key has no A-label (out is key), or
 * QUELL_EADDRESS (an A-label that does not decode), QUELL_EINVAL (out too
 * small, or NULL), QUELL_ENOMEM.  No handle, no message: for display only.
 */
QUELL_API int quell_entry_unicode(const char *key, char *out, size_t outsize);

/* ----------------------------------------------------------------- check */

/* The answer for one address.  Plain data: no pointers, nothing to free. */
struct quell_result {
	int verdict;                        /* enum quell_verdict */
	int scope;                          /* scope of the deciding entry, or NONE */
	int source;                         /* source of the deciding entry, or NONE */
	int64_t since;                      /* when the deciding entry began; 0 if none */
	int64_t until;                      /* backoff end or suppression expiry; 0 if none */
	char normalized[QUELL_ENTRY_MAX];   /* the normalized address ("" if invalid) */
	char key[QUELL_ENTRY_MAX];          /* the entry that decided ("" if none) */
	char rule[QUELL_NAME_MAX];          /* rule that made the entry ("" if none) */
	char category[QUELL_NAME_MAX];      /* its category ("" if none) */
	char reply[QUELL_REPLY_MAX];        /* stored reply, truncated ("" if none) */
	char error[QUELL_ERROR_MAX];        /* why the address is invalid */
};

/*
 * The verdict for `address` at time `now`, seeing stream-less entries and
 * those of `stream` (NULL or "" for none), following the contract's
 * precedence: unsubscribe/complaint suppressions, allow list, other
 * suppressions, backoff, allow.  One read transaction; allocates nothing for
 * ASCII addresses.
 *
 * A handle opened with QUELL_OPEN_FILTER (a server that checks all day)
 * keeps, beside the database, a filter of every stored address and domain
 * key as of the last committed write: a check that reads that very state
 * skips the lookups of keys the filter proves absent (most recipients are
 * on no list).  The answers are the same with or without it.  A thread of
 * the library builds it, when the handle opens and again after writes (at
 * most once a second, and at most a tenth of a CPU), in 1.25 to 2.5 bytes
 * a stored key (none past 32 MiB; twice that while the next one is
 * built); meanwhile, and whenever the database changed since, checks
 * read LMDB as usual.
 *
 * An unparsable address gives QUELL_EADDRESS with res->verdict ==
 * QUELL_INVALID and res->error set.  Other errors: QUELL_EDB, QUELL_EINVAL.
 */
QUELL_API int quell_check(quell *h, const char *address, const char *stream, int64_t now,
                          struct quell_result *res);

/*
 * Check n addresses in one read transaction, filling results[0..n-1].  An
 * invalid address does not stop the batch: its result has verdict
 * QUELL_INVALID and error set.  Returns 0 when every address was checked
 * (invalid ones included), or an error that stopped the whole batch
 * (QUELL_EDB, QUELL_EINVAL).  *ninvalid, if not NULL, counts invalid ones.
 */
QUELL_API int quell_check_many(quell *h, const char *const *addresses, size_t n,
                               const char *stream, int64_t now, struct quell_result *results,
                               size_t *ninvalid);

/* ---------------------------------------------------------------- writes */

#define QUELL_ADD_OPTIONS_VERSION 1
struct quell_add_options {
	unsigned int version;  /* QUELL_ADD_OPTIONS_VERSION */
	const char *stream;    /* NULL or "": stream-less */
	int source;            /* QUELL_SOURCE_MANUAL (default), _UNSUBSCRIBE, _COMPLAINT, ... */
	const char *reason;    /* free text, stored as given; may be NULL */
	const char *category;  /* NULL: "manual" (or the source's usual category) */
	int64_t ttl;           /* seconds until the entry expires; 0 = never */
	int64_t now;           /* 0 = clock */
};
#define QUELL_ADD_OPTIONS_INIT { QUELL_ADD_OPTIONS_VERSION, NULL, QUELL_SOURCE_MANUAL, NULL, NULL, 0, 0 }

/*
 * Put an entry (address or domain, as for quell_entry_normalize) on the
 * suppress list, or on the allow list.  An existing entry of the same list
 * and stream is updated.  Each call is one durable write transaction and one
 * history event.  Errors: QUELL_EADDRESS, QUELL_EINVAL (a bad stream, or
 * a category that is not a name: quell_name_valid), QUELL_EREADONLY,
 * QUELL_EDB, QUELL_EIO, QUELL_ENOMEM.
 */
QUELL_API int quell_add(quell *h, const char *entry, const struct quell_add_options *opts);
QUELL_API int quell_allow(quell *h, const char *entry, const struct quell_add_options *opts);

/*
 * Remove an entry's suppression and backoff state (quell_remove), or its
 * allow entry (quell_unallow), for `stream` only (NULL: stream-less).
 * Returns QUELL_ENOTFOUND when there was nothing to remove (and writes
 * nothing).
 */
QUELL_API int quell_remove(quell *h, const char *entry, const char *stream, int64_t now);
QUELL_API int quell_unallow(quell *h, const char *entry, const char *stream, int64_t now);

/* ----------------------------------------------------- entries and history */

/* One list entry of one key.  Strings are never NULL ("" when empty). */
struct quell_entry {
	const char *key;      /* normalized address or domain */
	int scope;            /* enum quell_scope */
	int list;             /* enum quell_listkind */
	const char *stream;
	int source;           /* enum quell_source */
	const char *category;
	const char *rule;
	int code;             /* basic reply code, 0 if none */
	const char *status;   /* enhanced status, "" if none */
	const char *reply;    /* reply text that made the entry */
	const char *reason;   /* free text given with add/allow/import */
	int64_t created;      /* first time on this list */
	int64_t updated;      /* last change */
	int64_t expires;      /* 0 = never */
	int64_t until;        /* backoff: wait until; 0 otherwise */
	int64_t first_failure;/* backoff: first failure of the current run */
	uint32_t attempts;    /* backoff: failures in the current run */
	uint32_t count;       /* suppress list: how many times this entry was
	                         suppressed (ttl escalation); 0 otherwise */
};

/* One history event.  Strings are never NULL. */
struct quell_event {
	int64_t time;
	uint64_t seq;         /* sequence number on the origin host */
	const char *origin;   /* host id that made the change */
	int list;             /* list touched (NONE for ignore/count) */
	const char *stream;
	int source;
	int action;           /* enum quell_action */
	int verdict;          /* verdict the key had right after the event */
	const char *rule;
	const char *category;
	int code;
	const char *status;
	const char *reply;
	const char *reason;
	int64_t until;        /* backoff until / expiry set by the event, or 0 */
};

/* Everything known about one key.  Allocated by quell_show, freed by
 * quell_info_free; every pointer inside lives as long as the struct. */
struct quell_info {
	char key[QUELL_ENTRY_MAX];
	int scope;
	size_t nentries;
	struct quell_entry *entries; /* every list entry, all streams, expired too */
	size_t nevents;
	struct quell_event *events;  /* newest first */
};

/*
 * Look up one entry (address or domain) with its history (at most
 * `max_events`, 0 = all).  QUELL_ENOTFOUND when the key has neither entries
 * nor history; *out is then NULL.
 */
QUELL_API int quell_show(quell *h, const char *entry, size_t max_events,
                         struct quell_info **out);
QUELL_API void quell_info_free(struct quell_info *info);

/* A place in quell_list's order: the entry a page ended with, copied from
 * the quell_entry the callback got (key, scope, list, stream).  Plain
 * data: a caller may keep it, or put it in a cursor token, as it likes. */
struct quell_list_pos {
	int scope;                     /* QUELL_SCOPE_DOMAIN or _ADDRESS */
	char key[QUELL_ENTRY_MAX];     /* the normalized key */
	int list;                      /* QUELL_LIST_* */
	char stream[QUELL_STREAM_MAX]; /* "" for stream-less */
};

/* Filters for quell_list().  Zero fields mean "any". */
#define QUELL_LIST_OPTIONS_VERSION 2
struct quell_list_options {
	unsigned int version;  /* QUELL_LIST_OPTIONS_VERSION (1 still accepted) */
	int list;              /* QUELL_LIST_*; NONE = all lists */
	int scope;             /* QUELL_SCOPE_*; NONE = both */
	const char *stream;    /* NULL: stream-less entries only; "*": every stream */
	const char *category;  /* NULL: any */
	int64_t since;         /* entries updated at or after; 0: any */
	int include_expired;   /* 0: skip expired entries and past backoffs */
	int64_t now;           /* 0 = clock */
	const struct quell_list_pos *after; /* version 2: start right after this
	                          place in the order (the entry there need not
	                          exist any more); NULL: from the start */
};
#define QUELL_LIST_OPTIONS_INIT { QUELL_LIST_OPTIONS_VERSION, 0, 0, NULL, NULL, 0, 0, 0, NULL }

/* Called once per entry, domains first then addresses, each in key order
 * (bytes), the entries of one key by list (the enum's value) then stream
 * (bytes, "" first).  The order is total, so paging with `after` in
 * separate calls never gives an entry twice nor misses one that lived
 * through every call, whatever was written between them.
 * Return 0 to go on, anything else to stop: quell_list then returns that
 * value as it is (return a positive value to tell it from QUELL_E* codes).
 * A callback must not write to the database. */
typedef int (*quell_entry_cb)(void *payload, const struct quell_entry *entry);

/* Iterate the entries that pass `opts` in one read transaction.
 * Errors: QUELL_EINVAL (unknown options version, a bad stream, an `after`
 * whose scope is neither address nor domain, or whose strings are not
 * NUL-terminated inside their arrays), the store's errors, or cb's value. */
QUELL_API int quell_list(quell *h, const struct quell_list_options *opts, quell_entry_cb cb,
                         void *payload);

/* --------------------------------------------------------- import, export */

/* Where an import stands (a summary, and what progress callbacks get). */
struct quell_import_stats {
	uint64_t read;      /* rows read, rejected ones included */
	uint64_t imported;  /* rows that made a new entry */
	uint64_t updated;   /* rows that changed an entry */
	uint64_t skipped;   /* rows that changed nothing: equal to what is stored,
	                       already imported, or ignored by the rules */
	uint64_t rejected;  /* rows refused (each reported through `reject`) */
	uint64_t bytes;     /* input bytes consumed */
	uint64_t written;   /* rows handled by committed batches (batches go in
	                       key order, not file order) */
	const char *format; /* the format read ("csv", "sendgrid", ...): static */
	uint64_t repaired;  /* rows whose reply or reason was not valid UTF-8:
	                       repaired (bad bytes as U+FFFD, or read as Latin-1;
	                       docs/import-export.md), never rejected for it */
};

/* A refused row: "FILE:LINE: reason" is what a user should see. */
typedef void (*quell_reject_cb)(void *payload, const char *file, size_t line, const char *reason);
/* Called while the rows are read (every 65536 rows), after every committed
 * batch, and once at the end.  Return 0 to go on; anything else cancels
 * the import there, as libgit2's indexer progress does: nothing more is
 * read or written, every batch committed before stays (stats->written
 * says how far), and quell_import returns QUELL_ECANCELED.  The answer to
 * the call at the end, when everything is written, is ignored. */
typedef int (*quell_progress_cb)(void *payload, const struct quell_import_stats *stats);

#define QUELL_IMPORT_OPTIONS_VERSION 1
struct quell_import_options {
	unsigned int version;   /* QUELL_IMPORT_OPTIONS_VERSION */
	const char *format;     /* plain csv jsonl sendgrid mailgun ses postmark;
	                           NULL: detected from the first line */
	const char *filename;   /* names the input in messages ("-": stdin) */
	int list;               /* plain and provider rows go on this list:
	                           QUELL_LIST_SUPPRESS (0 means that) or _ALLOW
	                           (as they stand: no rules); _BACKOFF is
	                           QUELL_EINVAL for them; csv/jsonl: import only
	                           rows of this list (0: all) */
	const char *stream;     /* stream for unsubscribe and manual rows that
	                           name none (bounces never carry one) */
	int dry_run;            /* read, judge and count, but write nothing */
	int force_suppress;     /* suppress every row, rules or not */
	int64_t now;            /* 0 = clock; rows without a time get it */
	size_t batch;           /* rows per write transaction; 0 = 20000 (a
	                           row through the rules counts 4) */
	quell_reject_cb reject; /* may be NULL */
	quell_progress_cb progress; /* may be NULL */
	void *payload;          /* passed to the callbacks */
};
#define QUELL_IMPORT_OPTIONS_INIT { QUELL_IMPORT_OPTIONS_VERSION, NULL, NULL, 0, NULL, 0, 0, 0, 0, NULL, NULL, NULL }

/*
 * Import rows from `in` (read to its end, not closed).  quell's csv and
 * jsonl restore entries as they stand (no rules); plain and provider rows
 * that carry a reply or status go through the rules at the row's time, the
 * others are suppressed as they stand.  A row equal to what is stored
 * changes nothing, so importing a file twice is the same as once.
 *
 * The rows are sorted by key as a whole (in temporary files when they do
 * not fit in memory) and written in batches, each one durable write
 * transaction: an import stopped midway leaves every committed batch in
 * place (stats->written says how far), and importing the file again
 * finishes the job.  Memory does not grow with the input.
 *
 * Returns 0 when the input was read to its end (rejected rows included:
 * see stats->rejected), or an error that stopped it: QUELL_EDATA (the
 * format cannot be told, a header lacks a needed column), QUELL_EINVAL
 * (unknown format or option), QUELL_ECANCELED (the progress callback
 * said stop), QUELL_EIO, QUELL_EDB, QUELL_ENOMEM.
 */
QUELL_API int quell_import(quell *h, FILE *in, const struct quell_import_options *opts,
                           struct quell_import_stats *stats);

#define QUELL_EXPORT_OPTIONS_VERSION 1
struct quell_export_options {
	unsigned int version;  /* QUELL_EXPORT_OPTIONS_VERSION */
	const char *format;    /* csv (NULL), jsonl, plain, sendgrid, mailgun, ses, postmark */
	int list;              /* QUELL_LIST_*; 0: every list for csv/jsonl,
	                          suppress for the others */
	const char *category;  /* NULL: any */
	int64_t since;         /* entries updated at or after; 0: any */
	const char *stream;    /* NULL: stream-less entries; "*": every stream
	                          (what `quell export` passes for csv and jsonl
	                          without --stream: a backup holds them all) */
	int64_t now;           /* 0 = clock (which entries are live) */
};
#define QUELL_EXPORT_OPTIONS_INIT { QUELL_EXPORT_OPTIONS_VERSION, NULL, 0, NULL, 0, NULL, 0 }

/*
 * Write the entries that pass the filters to `out` in one read
 * transaction.  csv and jsonl write every entry as it stands (expired ones
 * too: importing the file into an empty database restores it, and
 * exporting that gives the same bytes); the other formats write live
 * suppress-list addresses in the provider's import shape.  *written (may be
 * NULL) counts the entries written.  Errors: QUELL_EINVAL, QUELL_EIO.
 */
QUELL_API int quell_export(quell *h, FILE *out, const struct quell_export_options *opts,
                           uint64_t *written);

/* ------------------------------------------------------- stats and upkeep */

struct quell_count {
	char name[QUELL_STREAM_MAX]; /* a category or a stream */
	uint64_t count;
};

/* Counts of live (unexpired) entries.  Allocated by quell_stats_get, freed
 * by quell_stats_free. */
struct quell_stats {
	uint64_t entries[4][3];    /* [list][scope], indexes are the enum values */
	uint64_t by_source[6];     /* indexed by enum quell_source */
	size_t ncategories;
	struct quell_count *categories; /* sorted by name */
	size_t nstreams;
	struct quell_count *streams;    /* "" is the stream-less set */
	uint64_t keys;             /* keys with any state */
	uint64_t expired;          /* entries past their ttl, awaiting prune */
	uint64_t events;           /* history events */
	uint64_t last_seq;         /* newest change sequence number */
	uint64_t db_bytes;         /* size of the data file */
	uint64_t used_bytes;       /* pages in use * page size */
	uint64_t map_bytes;        /* current map size */
};
QUELL_API int quell_stats_get(quell *h, int64_t now, struct quell_stats **out);
QUELL_API void quell_stats_free(struct quell_stats *stats);

#define QUELL_PRUNE_OPTIONS_VERSION 1
struct quell_prune_options {
	unsigned int version; /* QUELL_PRUNE_OPTIONS_VERSION */
	size_t keep;          /* newest events kept per key; 0 = 100 */
	int64_t max_age;      /* events older than this go; 0 = 2 years; <0 = no limit */
	int64_t now;          /* 0 = clock */
};
#define QUELL_PRUNE_OPTIONS_INIT { QUELL_PRUNE_OPTIONS_VERSION, 0, 0, 0 }

struct quell_prune_result {
	uint64_t entries_removed; /* expired entries and past backoffs deleted */
	uint64_t events_removed;  /* history events trimmed */
};

/* Delete expired entries and trim history, in bounded write transactions. */
QUELL_API int quell_prune(quell *h, const struct quell_prune_options *opts,
                          struct quell_prune_result *res);

/* ------------------------------------------------------------------ marks */

#define QUELL_MARK_NAME_MAX 256 /* a mark's name, with its NUL */
#define QUELL_MARK_MAX 256      /* bytes of a mark's value */

/*
 * A mark is a few bytes a program keeps in the database under a name of
 * its own, such as how far it read an input (`ingest postfix-log --follow`
 * keeps "ingest postfix-log PATH" -> the file's device, inode and offset),
 * so that it resumes there after a restart.  Marks are local state: no
 * history event, no change-feed entry, not exported; a backup copies them.
 *
 * quell_mark_set stores value[0..len) (len <= QUELL_MARK_MAX; 0 is an
 * empty value) under name (1 to QUELL_MARK_NAME_MAX - 1 bytes), replacing
 * what was there, in one durable write.  quell_mark_get copies the value
 * into buf (size bytes) and sets *len; QUELL_ENOTFOUND when no mark has
 * that name.  Neither keeps a pointer to its arguments.
 *
 * Errors: QUELL_EINVAL (NULL or over-long arguments, buf too small: *len
 * is then the size needed), QUELL_ENOTFOUND, the store's errors.
 */
QUELL_API int quell_mark_set(quell *h, const char *name, const void *value, size_t len);
QUELL_API int quell_mark_get(quell *h, const char *name, void *buf, size_t size, size_t *len);

/* ------------------------------------------- change feed and fleet (sync) */

/*
 * Every change is an event with a stable id (its origin host id and that
 * host's sequence number, struct quell_event's origin and seq) kept in
 * order in the database's change feed, each at a position (a local
 * sequence number).  A fleet of hosts (quell sync, docs/fleet.md) shares
 * the events of suppress and allow entries: each such event carries the
 * entry as it stood right after it (its image), or that it was removed.
 * Per entry (key, list, stream) the last writer wins on (event time,
 * origin, origin sequence); removals stay as tombstones until prune's
 * horizon (max_age) passes.  Counted replies merge as a set of reply ids,
 * and clears (deliveries) end the count of the replies before them (the
 * suppression they lead to derived from the set on every host).
 * Backoff and each host's own count state stay per host.
 */

/* The host id stamped on this handle's events (quell_options.origin, or
 * the one stored in the database at its creation).  Lives as the handle. */
QUELL_API const char *quell_origin(const quell *h);

/* Store `origin` ([a-z0-9._-], 1 to 63 characters) as the database's host
 * id and stamp this handle's events with it from now on: for a host made
 * from another host's backup (docs/fleet.md).  Events made before keep
 * theirs.  Not while other threads use the handle.  Errors: QUELL_EINVAL,
 * QUELL_EREADONLY, the store's errors. */
QUELL_API int quell_origin_set(quell *h, const char *origin);

/* What a change left of its entry. */
enum quell_image {
	QUELL_IMAGE_NONE = 0,    /* history only (a count, a backoff, ...) */
	QUELL_IMAGE_ENTRY = 1,   /* the entry right after the event: `entry` */
	QUELL_IMAGE_REMOVED = 2  /* the entry was removed (a tombstone) */
};

/* One change of the feed.  Everything lives until the callback returns. */
struct quell_change {
	uint64_t position;               /* in this database's change feed */
	const char *key;                 /* normalized address or domain */
	int scope;                       /* enum quell_scope */
	const struct quell_event *event; /* event->origin and ->seq: its id */
	int image;                       /* enum quell_image */
	const struct quell_entry *entry; /* QUELL_IMAGE_ENTRY, else NULL */
	int shared;                      /* 1: made here, and a fleet shares it */
	const void *data;                /* the change encoded for quell_apply on */
	size_t len;                      /* another host (<= QUELL_CHANGE_MAX) */
};
#define QUELL_CHANGE_MAX 16384

typedef int (*quell_change_cb)(void *payload, const struct quell_change *change);

/*
 * Call cb for the changes after position `after`, oldest first, at most
 * `max` of them (0: all), in one read transaction.  A change whose event
 * prune trimmed is skipped.  *last (may be NULL) gets the position to
 * read after next time: the last change cb took (returned 0 for) or that
 * was skipped, else `after`.  cb returns 0 to go on, anything else
 * to stop (quell_changes returns it as it is).  A callback must not write
 * to the database.
 */
QUELL_API int quell_changes(quell *h, uint64_t after, size_t max, quell_change_cb cb,
                            void *payload, uint64_t *last);

#define QUELL_APPLY_MAX 1024 /* changes per quell_apply */

struct quell_apply_result {
	uint64_t applied;   /* events new here (history written) */
	uint64_t changed;   /* ... of which changed an entry (they won) */
	uint64_t stale;     /* ... of which lost to a newer version */
	uint64_t duplicate; /* event ids applied before: nothing done */
	uint64_t own;       /* this host's own events: nothing done */
};

/*
 * Apply n (<= QUELL_APPLY_MAX) changes of other hosts, each as
 * quell_change.data encoded it, and store `position` as the position of
 * feed `feed` (a name of 1 to 63 bytes, such as the stream's), all in one
 * durable write transaction: after a crash, either all of it is there or
 * none.  An event whose id was applied before changes nothing, so
 * applying a change twice is the same as once; the host's own events are
 * skipped.  The database joins a fleet (from now on, its local writes keep
 * to the last-writer rule too).  res (may be NULL) gets the counts.
 *
 * Errors: QUELL_EDATA (a change that cannot be decoded: nothing is
 * written), QUELL_EINVAL, QUELL_EREADONLY, the store's errors.
 */
QUELL_API int quell_apply(quell *h, const char *feed, uint64_t position,
                          const void *const *changes, const size_t *lens, size_t n, int64_t now,
                          struct quell_apply_result *res);

/* The position quell_apply stored for `feed`; 0 when none. */
QUELL_API int quell_apply_position(quell *h, const char *feed, uint64_t *position);

/* What this host applied of another host's events. */
struct quell_host {
	const char *origin;
	uint64_t events;   /* events of that host applied here */
	uint64_t seq;      /* the highest sequence number of its applied */
	int64_t time;      /* the newest event time of its applied */
	int64_t applied;   /* when this host last applied one of its events */
};
typedef int (*quell_host_cb)(void *payload, const struct quell_host *host);

/* Call cb for each host whose events were applied here, by host id.  The
 * lag of a host, as seen from here, is now - time (its newest event
 * applied); cb returns as quell_changes' does. */
QUELL_API int quell_hosts(quell *h, quell_host_cb cb, void *payload);

/* Write a compacted, consistent copy of the database into directory `dir`
 * (created if missing; must not hold a database already).  Runs beside
 * readers and writers. */
QUELL_API int quell_backup(quell *h, const char *dir);

/* ------------------------------------------------- report and activity */

/* Periods of a report. */
enum quell_report_by {
	QUELL_REPORT_DAY = 0,  /* UTC days */
	QUELL_REPORT_WEEK = 1  /* UTC weeks, Monday to Sunday */
};

/* What a reply did (the rule's action as applied): the report's outcome
 * columns, in this order. */
enum quell_report_outcome {
	QUELL_OUTCOME_DELIVERED = 0, /* clear: a delivery (2xx) */
	QUELL_OUTCOME_SUPPRESSED = 1,
	QUELL_OUTCOME_BACKOFF = 2,
	QUELL_OUTCOME_COUNTED = 3,
	QUELL_OUTCOME_IGNORED = 4,   /* ignore, or no rule matched */
	QUELL_OUTCOMES = 5
};

#define QUELL_REPORT_MAX_PERIODS 1000 /* periods of one report, at most */
#define QUELL_REPORT_SPARK 24         /* points of a domain's sparkline */
#define QUELL_REPORT_MAX_DOMAINS 131072 /* domains told apart; more are "others" */

#define QUELL_REPORT_OPTIONS_VERSION 1
struct quell_report_options {
	unsigned int version; /* QUELL_REPORT_OPTIONS_VERSION */
	int64_t since;        /* events at or after; 0: the start of the 30th
	                         period back from `until` */
	int64_t until;        /* events before; 0: now + 1 (now included) */
	int by;               /* enum quell_report_by */
	const char *domain;   /* only addresses of this domain and its
	                         subdomains, and those domain keys; NULL: all */
	const char *stream;   /* NULL: events of every stream; a name: stream-
	                         less events and those of that stream (what a
	                         check with --stream sees) */
	size_t top;           /* rows of each top list; 0: 10 */
	int64_t now;          /* domains in backoff now; 0 = clock */
};
#define QUELL_REPORT_OPTIONS_INIT { QUELL_REPORT_OPTIONS_VERSION, 0, 0, 0, NULL, NULL, 0, 0 }

/* One period of a report. */
struct quell_report_period {
	int64_t start;                      /* its first second (UTC midnight) */
	uint64_t outcomes[QUELL_OUTCOMES];  /* replies by outcome */
	uint64_t complaints;                /* complaint events */
	uint64_t unsubscribes;              /* unsubscribe events */
	uint64_t manual;                    /* hand edits and import rows */
	uint64_t suppressions;              /* new suppressions (all categories) */
	/* list sizes at the end of the period, from the history: keys whose
	 * verdict was suppress (addresses; domains), keys in backoff */
	uint64_t suppressed_addresses, suppressed_domains, backoff;
};

/* New suppressions under one name (a category, or a rule) per period. */
struct quell_report_series {
	const char *name;   /* category, or rule ("" none: a hand edit, an
	                       import without reply, a complaint ...) */
	uint64_t total;
	uint64_t *periods;  /* nperiods counts */
};

/* A recipient domain's replies. */
struct quell_report_domain {
	const char *domain;
	uint64_t delivered, bounces, deferrals, complaints;
	double bounce_rate;  /* bounces / (bounces + delivered); -1 when no
	                        delivery of the domain is known */
	uint32_t spark[QUELL_REPORT_SPARK]; /* bounces in each of SPARK equal
	                                       slices of [since, until) */
};

/* A domain in backoff now (its domain key's backoff entry). */
struct quell_report_backoff {
	const char *domain;
	int64_t until;
	const char *rule;
	int code;
	const char *status;
	const char *reply;   /* the last reply that set it */
	uint32_t attempts;
};

/* Replies that were no delivery, grouped by rule and enhanced status. */
struct quell_report_reason {
	const char *rule;    /* "" when no rule matched */
	const char *status;  /* "" when the replies had none */
	uint64_t count;
	int64_t last;        /* the newest of them */
	int code;            /* ... its basic code */
	const char *reply;   /* ... and its text */
};

/* A report: allocated by quell_report, freed by quell_report_free; every
 * pointer inside lives as long as the struct. */
struct quell_report {
	int64_t since, until;      /* the range, since aligned to its period */
	int by;
	int64_t now;
	size_t nperiods;
	struct quell_report_period *periods;  /* oldest first */
	uint64_t totals[QUELL_OUTCOMES];      /* replies by outcome, whole range */
	uint64_t events;                      /* events in the range, all kinds */
	uint64_t suppressions;                /* new suppressions, whole range */
	size_t ncategories, nrules;
	struct quell_report_series *categories; /* by total, largest first */
	struct quell_report_series *rules;
	size_t nbounces, nrates;
	struct quell_report_domain *by_bounces; /* top domains by bounces */
	struct quell_report_domain *by_rate;    /* top by bounce rate: domains
	                                           with deliveries known, at least
	                                           one bounce */
	uint64_t other_domains;  /* replies of domains past
	                            QUELL_REPORT_MAX_DOMAINS, not in the tops */
	size_t nbackoff;
	struct quell_report_backoff *backoff;   /* soonest until first */
	size_t nreasons;
	struct quell_report_reason *reasons;    /* largest count first */
};

/*
 * The report of the stored history and lists over [since, until), in one
 * read transaction (docs/report.md says what each figure means).  Every
 * reply counts once, from its recipient's history.  Memory is bounded by
 * the periods, the rule and category names and QUELL_REPORT_MAX_DOMAINS,
 * not by the number of keys or events.  *out is set on success; free it
 * with quell_report_free.
 *
 * Errors: QUELL_EINVAL (NULL argument, unknown options version or `by`,
 * since not before until, more than QUELL_REPORT_MAX_PERIODS periods, a
 * bad stream), QUELL_EADDRESS (a bad domain), the store's, QUELL_ENOMEM.
 */
QUELL_API int quell_report(quell *h, const struct quell_report_options *opts,
                           struct quell_report **out);
/* Free a report; NULL is a harmless no-op. */
QUELL_API void quell_report_free(struct quell_report *report);

/* The name of an outcome ("delivered", "suppressed", "backoff",
 * "counted", "ignored"); "" for another value. */
QUELL_API const char *quell_outcome_name(int outcome);

/* What kind of event an activity item is. */
enum quell_activity_type {
	QUELL_ACTIVITY_ANY = 0,       /* as a filter: every type */
	QUELL_ACTIVITY_DELIVERED = 1, /* a reply the rules cleared (2xx) */
	QUELL_ACTIVITY_BOUNCE = 2,    /* any other reply but a deferral */
	QUELL_ACTIVITY_DEFERRAL = 3,  /* a 4xx reply (by code, else status,
	                                 else a backoff action) */
	QUELL_ACTIVITY_COMPLAINT = 4,
	QUELL_ACTIVITY_UNSUBSCRIBE = 5,
	QUELL_ACTIVITY_MANUAL = 6     /* add, allow, remove, import, expiry */
};

/* The name of a type ("delivered", "bounce", ...), "" for another value;
 * and its value for a name, or -1. */
QUELL_API const char *quell_activity_type_name(int type);
QUELL_API int quell_activity_type_parse(const char *name);

#define QUELL_ACTIVITY_MAX 100000 /* items one call can return */

#define QUELL_ACTIVITY_OPTIONS_VERSION 1
struct quell_activity_options {
	unsigned int version; /* QUELL_ACTIVITY_OPTIONS_VERSION */
	const char *address;  /* only this address's events; NULL: any */
	const char *domain;   /* only addresses of this domain and its
	                         subdomains (and those domain keys); NULL: any */
	int type;             /* enum quell_activity_type; ANY: all */
	int64_t since;        /* events at or after; 0: any */
	size_t limit;         /* the newest `limit` events; 0: 100; at most
	                         QUELL_ACTIVITY_MAX */
};
#define QUELL_ACTIVITY_OPTIONS_INIT { QUELL_ACTIVITY_OPTIONS_VERSION, NULL, NULL, 0, 0, 0 }

/* One event of the activity. */
struct quell_activity_item {
	const char *key;       /* the address (or domain) whose history holds it */
	int scope;             /* QUELL_SCOPE_ADDRESS or _DOMAIN */
	int type;              /* enum quell_activity_type */
	int outcome;           /* a reply's enum quell_report_outcome; -1 else */
	struct quell_event ev; /* the event: time, action, rule, reply... */
};

/* Called once per item, newest first; return 0 to go on, anything else
 * to stop: quell_activity then returns that value as it is. */
typedef int (*quell_activity_cb)(void *payload, const struct quell_activity_item *item);

/*
 * The newest stored events that pass the filters, newest first (by time,
 * then by sequence number), in one read transaction.  A reply is listed
 * once, from its recipient's history.  Memory is bounded by `limit`.
 * Strings live until cb returns.
 *
 * Errors: QUELL_EINVAL (NULL handle or cb, unknown options version or
 * type, limit over QUELL_ACTIVITY_MAX), QUELL_EADDRESS (a bad address or
 * domain), the store's, QUELL_ENOMEM, or cb's value.
 */
QUELL_API int quell_activity(quell *h, const struct quell_activity_options *opts,
                             quell_activity_cb cb, void *payload);

/* The formula guard of every CSV writer (the contract's): 1 when a cell
 * whose text is s[0..n) must be written with a ' in front so that a
 * spreadsheet shows it as text: past any leading ' and then spaces, it
 * begins with = + - or @.  Else 0.  For writers outside the library
 * (`quell report --csv`). */
QUELL_API int quell_csv_formula(const char *s, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* QUELL_H */
