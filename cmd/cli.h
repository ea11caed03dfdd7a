/*
 * cli.h - what the files of the quell command share: the parsed global
 * options and the open handle (struct cli), the command table, option codes,
 * and the helpers for options, errors and output.
 *
 * The command line knows the library only through quell.h (and jansson for
 * JSON).  It knows nothing of LMDB, YAML or how entries are stored.
 */
#ifndef QUELL_CLI_H
#define QUELL_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "quell.h"

/* Exit codes (sysexits.h), named here so that every file uses the same. */
#define CLI_EX_OK 0
#define CLI_EX_FOUND 1     /* check: some address suppressed or backed off */
#define CLI_EX_USAGE 64
#define CLI_EX_DATAERR 65
#define CLI_EX_NOINPUT 66
#define CLI_EX_SOFTWARE 70
#define CLI_EX_IOERR 74

/* Flags of a command table entry. */
#define CLI_WRITES 0x1u   /* opens the database for writing */
#define CLI_NOCREATE 0x2u /* ... but only an existing one (prune, remove, unallow) */
#define CLI_NODB 0x4u     /* a handle without a database (QUELL_OPEN_NODB) */
#define CLI_RULES 0x8u    /* loads the rules: --rules, $QUELL_RULES, ... */
#define CLI_GROUP 0x10u   /* has subcommands: its options end at the first
                             operand, the subcommand (rules) */
#define CLI_ALLSTREAMS 0x20u /* takes --stream '*', every stream (list, export) */

/* What a stream name is (the contract's rule), for messages. */
#define CLI_STREAM_RULE "1 to 64 characters of [a-z0-9._-], the first a letter or digit"


struct cli;
typedef int (*cli_fn)(struct cli *cli, int argc, char **argv);

/* One command, described in its own cmd_NAME.c beside its getopt table
 * (cli_cmd_NAME).  `synopsis` holds the forms after "quell NAME", one per
 * line; `options` the help text of the command's own options (or NULL);
 * `subs` the subcommand table of a CLI_GROUP command (names "GROUP SUB",
 * ended by an entry whose name is NULL). */
struct cli_cmd {
	const char *name;
	cli_fn fn;
	const char *synopsis;
	const char *summary;
	const char *options;
	unsigned int flags;
	const struct cli_cmd *subs;
};

/* The command table (main.c): pointers to the descriptors, ended by NULL. */
extern const struct cli_cmd *const cli_commands[];
const struct cli_cmd *cli_find(const char *name);

/* The subcommand table of a command: NULL for one without subcommands
 * (cmd_help.c). */
const struct cli_cmd *cli_subs(const struct cli_cmd *cmd);

/* Edit distance (Damerau-Levenshtein, adjacent swaps cost 1) of a and b,
 * capped at 9; `n` bytes of b (all when n is (size_t)-1). */
unsigned cli_distance(const char *a, const char *b, size_t n);

/* Whether a word at distance d from `name` is near enough to be a typo of
 * it (not another word) for a "did you mean" (cmd_help.c). */
int cli_near(unsigned d, const char *name);

/* The name in tab (after its first `skip` bytes: "rules " for a group's
 * subcommands; tab NULL: the command table) that word is a typo of, or
 * NULL (cmd_help.c). */
const char *cli_guess_command(const char *word, const struct cli_cmd *tab, size_t skip);

/* The parsed global options and the open handle. */
struct cli {
	const struct cli_cmd *cmd; /* the command being run; NULL while parsing globals */
	const char *db;            /* --db, or NULL */
	const char *rules;         /* --rules, or NULL (for commands that load rules) */
	const char *stream;        /* --stream, or NULL */
	int json;                  /* --json */
	int porcelain;             /* --porcelain: machine forms even on a terminal */
	int quiet;                 /* -q */
	int syslog;                /* --syslog (policyd, serve; daemon.c): log
	                              lines go to syslog(3), not stderr */
	int64_t now;               /* --now; 0 = the clock */
	size_t max_db_size;        /* --max-db-size; 0 = the library's default */
	unsigned int open_flags;   /* more QUELL_OPEN_* for cli_open (serve: FILTER) */
	quell *h;                  /* open handle, after cli_open() */
	/* A database cli_open() created: its directory (malloc'd), and what
	 * was there before: 1 an empty directory, 2 nothing (made: the topmost
	 * directory created, malloc'd); 0: an existing database. */
	int fresh;
	char *fresh_dir, *fresh_made;
};

/* Option codes: the global ones, then the first one free for commands. */
enum {
	CLI_OPT_DB = 0x100,
	CLI_OPT_RULES,
	CLI_OPT_STREAM,
	CLI_OPT_JSON,
	CLI_OPT_NOW,
	CLI_OPT_HELP,
	CLI_OPT_VERSION,
	CLI_OPT_PORCELAIN,
	CLI_OPT_MAX_DB_SIZE,
	CLI_OPT_CMD = 0x200
};

/* The global options, to end every command's struct option table. */
#define CLI_GLOBAL_OPTIONS                                                  \
	{ "db", required_argument, NULL, CLI_OPT_DB },                      \
	{ "rules", required_argument, NULL, CLI_OPT_RULES },                \
	{ "stream", required_argument, NULL, CLI_OPT_STREAM },              \
	{ "json", no_argument, NULL, CLI_OPT_JSON },                        \
	{ "now", required_argument, NULL, CLI_OPT_NOW },                    \
	{ "quiet", no_argument, NULL, 'q' },                                \
	{ "help", no_argument, NULL, CLI_OPT_HELP },                        \
	{ "version", no_argument, NULL, CLI_OPT_VERSION },                  \
	{ "porcelain", no_argument, NULL, CLI_OPT_PORCELAIN },              \
	{ "max-db-size", required_argument, NULL, CLI_OPT_MAX_DB_SIZE },    \
	{ NULL, 0, NULL, 0 }

/* ----------------------------------------------------------------- cli.c */

/*
 * The next option of the command (getopt_long over argv, with `longopts`
 * ending in CLI_GLOBAL_OPTIONS).  Global options are stored in *cli and
 * skipped.  Returns the code of a command option, -1 after the last option
 * (operands start at optind), or CLI_STOP with *status set: 0 after --help
 * or --version (already printed), 64 after a usage error (already printed).
 * Before a command is known (cli->cmd NULL), and for a CLI_GROUP command,
 * it stops at the first operand (the command, or the subcommand).
 */
#define CLI_STOP (-2)
int cli_getopt(struct cli *cli, int argc, char **argv, const struct option *longopts,
               int *status);

/* Parse the duration `text` of option `opt` ("--ttl") into *out: 0, or 64
 * after a usage error saying what is wrong (not a duration, or over
 * QUELL_DURATION_MAX). */
int cli_duration(struct cli *cli, const char *opt, const char *text, int64_t *out);

/* The time to record an event at, given the time its source wrote (t, 0
 * when none) and the command's now (0: the clock): t, unless it is absent
 * or later than now, when now.  A bounce, a log line or a webhook event
 * reaches quell after it happened; a later date is a wrong clock or zone
 * at the source, and kept as it stands it would outlive every later
 * change (last writer wins on time in a fleet). */
int64_t cli_event_time(int64_t t, int64_t now);

/* The database directory: --db, $QUELL_DB, /var/lib/quell if it exists,
 * else ${XDG_DATA_HOME:-$HOME/.local/share}/quell.  0 or an exit status. */
int cli_db_path(struct cli *cli, char *buf, size_t size);

/* The rules file to load into *path: --rules, $QUELL_RULES (if not empty),
 * /etc/quell/rules.yaml if it exists, else NULL (the rules built into the
 * library).  0, or 64 for an empty --rules (already printed). */
int cli_rules_path(struct cli *cli, const char **path);

/* Open the handle as the command's flags say: the database (read-only, or
 * for writing, created or not), or none (CLI_NODB); then, with CLI_RULES,
 * load the rules of cli_rules_path().  0 or an exit status (the error
 * already printed: a bad rules file is "quell: COMMAND: FILE:LINE:COL:
 * message" and 65, a missing one 66). */
int cli_open(struct cli *cli);

/* For a command that may add nothing (import, ingest): when cli_open()
 * created the database, close it and remove what was created, then say
 * "no database in DIR" and return 66, since only commands that add
 * something create a database.  Else 0.  Knows no file names: the
 * directory was empty or missing before. */
int cli_discard_new(struct cli *cli);

/* Free what cli_open() kept in *cli (not the handle). */
void cli_free(struct cli *cli);

/* The exit status for a QUELL_E* code (the one place that maps them). */
int cli_status(int code);

/* "quell: COMMAND: message" on stderr for code, just returned by a library
 * call (the message is quell_errmsg's); returns cli_status(code). */
int cli_fail(struct cli *cli, int code);

/* "quell: COMMAND: out of memory" for a failure on the CLI's side (not the
 * library's, whose message could be stale); returns 70. */
int cli_oom(struct cli *cli);

/* "quell: COMMAND: ITEM: message"; returns cli_status(code). */
int cli_fail_item(struct cli *cli, const char *item, int code);

/* "quell: COMMAND: text" on stderr (control bytes escaped). */
void cli_warn(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* cli_warn at a syslog(3) priority: LOG_WARNING for cli_warn, LOG_INFO
 * for what a server says in passing; the priority matters only with
 * cli->syslog (then the line goes to syslog without "quell: COMMAND: ",
 * which openlog's ident and the command name in it stand for). */
void cli_log(struct cli *cli, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A usage error: cli_warn, then the command's usage; returns 64. */
int cli_usage_error(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Run the subcommand of a command group (CLI_GROUP) that argv names, from
 * the table subs (entries named "GROUP SUB"); `names` lists them for
 * messages ("check or explain").  Returns the exit status. */
int cli_group(struct cli *cli, int argc, char **argv, const struct cli_cmd *subs,
              const char *names);

/* One signal for cli_signals: its handler (or SIG_IGN), and whether it
 * stays ignored when it was ignored as quell started (a background job's
 * SIGINT). */
struct cli_signal {
	int sig;
	void (*handler)(int);
	int keep_ignored;
};

/* The one place signals are set up (cli.c): install the n handlers of
 * sigs, without SA_RESTART, saving what each had in old[i] (on), or give
 * them back what they had (off). */
void cli_signals(int on, const struct cli_signal *sigs, size_t n, struct sigaction *old);

/* Catch SIGINT and SIGTERM with handler, without SA_RESTART (on), or give
 * them back what they had (off); one ignored when quell started stays
 * ignored. */
void cli_catch_signals(int on, void (*handler)(int), struct sigaction old[2]);

/* ------------------------------------------------------------ cmd_help.c */

/* "usage: quell NAME FORM" lines of a command (all commands if NULL). */
void cli_usage(FILE *f, const struct cli_cmd *cmd);
/* The full help of a command, or the general help if NULL. */
void cli_help(FILE *f, const struct cli_cmd *cmd);

/* ----------------------------------------------------------------- out.c */

/* How cli_put_enc escapes, as %XX (upper-case hex). */
enum cli_enc {
	CLI_ENC_FIELD, /* control bytes, DEL, C1 controls, invalid UTF-8 */
	CLI_ENC_VALUE  /* those, and space, '%' and '=' (k=v values) */
};
void cli_put_enc(FILE *f, const char *s, enum cli_enc mode);

/* A buffer in front of a FILE for building one output line with few stdio
 * calls; it flushes itself when full.  Set f and n = 0, write, flush. */
struct cli_line {
	FILE *f;
	size_t n;
	char buf[2048];
};
void cli_line_put_slow(struct cli_line *l, const char *s, size_t n);
void cli_line_enc(struct cli_line *l, const char *s, enum cli_enc mode);
void cli_line_flush(struct cli_line *l);

/* Append s[0..n): inline, for the many short pieces of a line. */
static inline void cli_line_put(struct cli_line *l, const char *s, size_t n)
{
	if (n <= 16 && n <= sizeof l->buf - l->n) {
		for (size_t i = 0; i < n; i++)
			l->buf[l->n + i] = s[i];
		l->n += n;
		return;
	}
	cli_line_put_slow(l, s, n);
}

/* Length of the valid UTF-8 sequence at s (1..4 bytes), or 0 (invalid, or
 * the terminating NUL).  Reads no further than a NUL. */
size_t cli_utf8_len(const unsigned char *s);

/* `--reason` that was not valid UTF-8: say how many of its bytes the
 * library repaired (it stores text as valid UTF-8), unless -q.  For add
 * and allow, after they succeeded. */
void cli_note_repaired(struct cli *cli, const char *option, const char *text);

/* DETAIL of space-separated key=value pairs.  Empty values, zero times and
 * zero numbers are left out.  `n` counts the pairs written so far. */
struct cli_kv {
	FILE *f;
	int n;
	struct cli_line *line; /* when set, the pairs go there instead of f */
	int readable;          /* for people (show on a terminal): values escape
	                          only what CLI_ENC_FIELD does, not space, % or = */
};
void cli_kv(struct cli_kv *kv, const char *key, const char *value);
void cli_kv_time(struct cli_kv *kv, const char *key, int64_t t);
void cli_kv_num(struct cli_kv *kv, const char *key, uint64_t v);

/* ---------------------------------------------------------------- json.c */

/* Values for JSON output; NULL, "" and 0 become null.  Strings that are not
 * valid UTF-8 have the bad bytes replaced by U+FFFD.  NULL only when out of
 * memory. */
json_t *cli_jstr(const char *s);
json_t *cli_jtime(int64_t t);
json_t *cli_jnum(uint64_t v);  /* always a number */
json_t *cli_jnum0(uint64_t v); /* null when 0 */

/* Set o[key] = v, taking v; returns 1 on failure (v NULL or no memory),
 * else 0, so that failures can be or-ed together. */
int cli_jset(json_t *o, const char *key, json_t *v);

/* Write v as one compact line on stdout (DEL and C1 controls escaped as
 * \u00XX too) and release it.  0, or 70 after printing the error. */
int cli_json_put(struct cli *cli, json_t *v);

/* -------------------------------------------------------------- render.c */

/* One check result: plain `ADDRESS<TAB>VERDICT<TAB>DETAIL` (VERDICT given
 * as text so that show can print "-"), or the check JSON object. */
void cli_result_plain(FILE *f, const char *address, const char *verdict,
                      const struct quell_result *r);
/* The DETAIL pairs of a check result alone. */
void cli_result_detail(struct cli_kv *kv, const struct quell_result *r);
json_t *cli_result_json(const char *address, const struct quell_result *r);

/* One list entry: the DETAIL pairs (list's set, or show's full set), or the
 * JSON object with the CSV field names. */
void cli_entry_detail(struct cli_kv *kv, const struct quell_entry *e, int full);
json_t *cli_entry_json(const struct quell_entry *e);

/* One record or explain outcome: plain `[COLUMN<TAB>]ACTION<TAB>DETAIL`
 * (record puts the address as given in COLUMN; explain passes NULL: no
 * column), or the JSON object {address, code, status, text, rule,
 * category, action, scope, verdict, until, error} (address NULL: null).
 * An outcome with error set is a refused line: ACTION `invalid` and the
 * error alone. */
void cli_outcome_plain(FILE *f, const char *column, const struct quell_outcome *o);
json_t *cli_outcome_json(const char *address, const struct quell_outcome *o);

/* Answer one line of record or explain, rc being what the library call
 * returned.  QUELL_EADDRESS and QUELL_EDATA (give QUELL_EDATA with
 * o->error set for a line the CLI refused) are an `invalid` answer, with
 * quell_errmsg's message when the library left o->error empty, and set
 * *invalid; other errors are printed ("quell: CMD: ITEM: message", ITEM
 * the column or address) and their exit status returned.  0 or a status. */
int cli_outcome_put(struct cli *cli, int rc, const char *column, const char *address,
                    struct quell_outcome *o, int *invalid);

/* ------------------------------------------------------------ cmd_show.c */

/* The object of `show --json` for key (normalized, of scope): {key, scope,
 * verdict, check, entries, history}; r is the check of an address (NULL
 * for a domain), entry the address as given, info may be NULL (a key
 * never seen).  Also quell serve's GET /v1/entries/{entry}.  NULL when
 * out of memory. */
json_t *cli_show_json(const char *key, int scope, const char *entry,
                      const struct quell_result *r, const struct quell_info *info);

/* ---------------------------------------------------------------- each.c */

/* Apply op to every ENTRY operand.  An invalid entry (QUELL_EADDRESS) is
 * reported and skipped (exit 65 at the end); QUELL_ENOTFOUND prints
 * "quell: CMD: ENTRY: notfound" unless -q and counts as success; any other
 * error stops.  Returns the exit status. */
typedef int (*cli_entry_op)(struct cli *cli, const char *entry, void *ctx);
int cli_each_entry(struct cli *cli, char **entries, int n, cli_entry_op op, void *ctx,
                   const char *notfound);

/* Call fn for every line of stdin, in order, with its LF and one trailing
 * CR removed; empty lines are skipped.  A line longer than CLI_LINE_MAX
 * bytes (passed cut to that) or holding a NUL byte (passed up to it) comes
 * with `refused` saying so.  Lines live in the reader's buffer until fn is
 * called with line NULL: whenever the next read may block, and at the end
 * of input, the moment to answer what was gathered; stdout is then
 * flushed, so that a process talking through pipes gets its answers.
 * Nothing is allocated per line.  Returns the first non-zero status of fn,
 * 0 at the end of input, or 74/70 (already printed). */
#define CLI_LINE_MAX 4096
typedef int (*cli_line_fn)(struct cli *cli, char *line, const char *refused, void *ctx);
int cli_each_line(struct cli *cli, cli_line_fn fn, void *ctx);

/* ------------------------------------------------------------ progress.c */

/* The progress line of a long bulk command on a terminal (stderr a tty and
 * not -q; else every call is a no-op). */
struct cli_progress {
	const char *cmd; /* the command's name, for the line */
	int on;          /* drawing at all */
	uint64_t size;   /* input size when it is a regular file, else 0 */
	double start, last; /* monotonic seconds: start, last line drawn */
	size_t shown;    /* width of the line on screen; 0: none */
};

/* Start the clock; fd is the input (-1: none), whose size gives a percent. */
void cli_progress_start(struct cli_progress *p, struct cli *cli, int fd);
/* Redraw "quell: CMD: N rows, R rows/s[, P%]" in place: not before the
 * command has run half a second, at most four times a second. */
void cli_progress_update(struct cli_progress *p, uint64_t rows, uint64_t bytes);
/* Blank the line out (before any other write to stderr). */
void cli_progress_clear(struct cli_progress *p);
/* The bytes that blank the line out, into buf, for a signal handler that
 * cannot call stdio: their length (0: nothing on screen, or buf short). */
size_t cli_progress_blank(const struct cli_progress *p, char *buf, size_t size);

/* ------------------------------------------------------------- commands */

/* Each command's descriptor, in its cmd_NAME.c. */
extern const struct cli_cmd cli_cmd_add, cli_cmd_allow, cli_cmd_backup, cli_cmd_check,
	cli_cmd_export, cli_cmd_help, cli_cmd_import, cli_cmd_ingest, cli_cmd_list,
	cli_cmd_policyd, cli_cmd_prune, cli_cmd_record, cli_cmd_remove, cli_cmd_rules,
	cli_cmd_serve, cli_cmd_show, cli_cmd_stats, cli_cmd_unallow;
extern const struct cli_cmd cli_cmd_sync; /* cmd_sync.c */
/* report and activity (cmd_report.c, cmd_activity.c) */
extern const struct cli_cmd cli_cmd_report, cli_cmd_activity;
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_activity(struct cli *cli, int argc, char **argv);

int cmd_add(struct cli *cli, int argc, char **argv);
int cmd_allow(struct cli *cli, int argc, char **argv);
int cmd_backup(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_help(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_ingest(struct cli *cli, int argc, char **argv);
int cmd_ingest_dsn(struct cli *cli, int argc, char **argv); /* ingest_dsn.c */
int cmd_ingest_esp(struct cli *cli, int argc, char **argv); /* ingest_esp.c */
int cmd_rules_diff(struct cli *cli, int argc, char **argv); /* cmd_rules_diff.c */
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_policyd(struct cli *cli, int argc, char **argv);
int cmd_prune(struct cli *cli, int argc, char **argv);
int cmd_record(struct cli *cli, int argc, char **argv);
int cmd_remove(struct cli *cli, int argc, char **argv);
int cmd_rules(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_unallow(struct cli *cli, int argc, char **argv);
int cmd_sync(struct cli *cli, int argc, char **argv); /* cmd_sync.c */
json_t *cli_stats_json(const struct quell_stats *s); /* cmd_stats.c: stats --json */
extern const struct cli_cmd cli_cmd_serve; /* cmd_serve.c */
int cmd_serve(struct cli *cli, int argc, char **argv);

#endif
