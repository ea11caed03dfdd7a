/*
 * rules.h - the rules engine: load a rules file (CONTRACT.md "Rules file",
 * quell-rules(5)) and find the rule a parsed reply matches.
 *
 * A loaded rule set is immutable and reference counted, so a reload can swap
 * it under readers: take a reference (quell__rules_ref) while using it, drop
 * it (quell__rules_unref) when done; the last unref frees it.  Every
 * function here is safe to call from any number of threads on the same rule
 * set.
 *
 * Modules: rules_yaml.c (YAML events to a small checked tree),
 * rules_value.c (typed values), rules_when.c (conditions and regular
 * expressions), rules_load.c (the schema and entry points), rules_match.c
 * (matching, lifetime, accessors), rules_shadow.c (rules that can never
 * match, for `rules check`), prefilter*.c (the literal prefilter:
 * which patterns cannot match a reply; prefilter.h), ruleset.c (the set
 * a handle uses), reply.c (a reply parsed into code, status and text).
 * Nothing here knows of the database; nothing outside these files knows
 * of libyaml or PCRE2.
 */
#ifndef QUELL_RULES_H
#define QUELL_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "quell.h"
#include "reply.h"

/* Most entries in a `ttl` list. */
#define QUELL__TTL_MAX 8

/* Backoff: each failure pushes `until` to now + initial * factor^(n-1),
 * capped at max; give up after give_up_after (0: never) and 3 failures. */
struct quell__backoff {
	int64_t initial;       /* seconds, > 0 */
	double factor;         /* >= 1 */
	int64_t max;           /* seconds, >= initial */
	int64_t give_up_after; /* seconds; 0 = never give up */
};

/* Private match data of a rule (rules_match.c). */
struct quell__status_pat {
	short klass, subject, detail; /* -1 = any */
};
struct quell__domain_pat {
	char *name;    /* lower case, no trailing dot */
	size_t len;
	int subdomains; /* written `*.name`: name itself and every subdomain */
};

/* The match data of a rule's `when` or `unless`: every condition given
 * must hold (an empty one holds for every reply). */
struct quell__cond {
	int has_code;
	uint64_t codes[16];            /* bit c set: basic code c (0..999) matches */
	size_t nstatus;
	struct quell__status_pat *status;
	size_t ndomain;
	struct quell__domain_pat *domain;
	int regex;                     /* index into the set's regex table, -1: no `text` */
};

struct quell__rule {
	char name[QUELL_NAME_MAX];
	char category[QUELL_NAME_MAX]; /* default "other" */
	int category_set;              /* 1 if the file named a category: a
	                                  give-up suppression then uses it
	                                  instead of "transient" */
	int action;                    /* QUELL_ACTION_SUPPRESS/BACKOFF/COUNT/CLEAR/IGNORE */
	int scope;                     /* QUELL_SCOPE_ADDRESS (default) or QUELL_SCOPE_DOMAIN */
	size_t nttl;                   /* suppress: 0 = forever */
	int64_t ttl[QUELL__TTL_MAX];   /* the n-th suppression gets ttl[min(n, nttl) - 1];
	                                  0 = forever */
	struct quell__backoff backoff; /* effective: file defaults merged with overrides */
	uint32_t threshold;            /* count: suppress once threshold events ... */
	int64_t window;                /* ... fall inside window seconds */
	int line;                      /* 1-based line of the rule in the file */
	int col;                       /* and its 1-based column */

	/* ---- private: match data, owned by the rule set ---- */
	struct quell__cond when;       /* all of it must hold ... */
	int has_unless;                /* ... and, when given, not all of unless */
	struct quell__cond unless;
};

struct quell__rules; /* opaque: rules_match.c */

/*
 * Load rules from buf[0..len) (need not be NUL-terminated).  filename is
 * used in messages and by quell__rules_name (NULL: "<rules>").  On success
 * *out holds one reference.  On error *out is NULL, nothing is left
 * allocated, and err holds one line "FILE:LINE:COL: message" (1-based).
 * Errors: QUELL_EDATA (bad file), QUELL_ENOMEM, QUELL_EINVAL (NULL args).
 */
int quell__rules_load(const char *buf, size_t len, const char *filename,
                      struct quell__rules **out, char *err, size_t errsize);

/*
 * As quell__rules_load, but when report is not NULL every error found is
 * passed to it ("FILE:LINE:COL: message", in file order), and the check
 * goes on past it: with the next rule, or the next top-level key (a YAML
 * syntax error still ends it).  Then err holds the first error.  A file
 * without errors is then searched for rules that can never match
 * (rules_shadow.c): each is passed to report as "FILE:LINE:COL: warning:
 * message" (no error message starts with "warning:"), and the file still
 * loads.  path: read from that file when buf is NULL.
 */
int quell__rules_check(const char *buf, size_t len, const char *path,
                       void (*report)(void *arg, const char *message), void *arg,
                       struct quell__rules **out, char *err, size_t errsize);

/* Read the file at path and load it.  A missing file is QUELL_ENODB, an
 * unreadable one QUELL_EIO ("PATH: reason"); otherwise as above. */
int quell__rules_load_file(const char *path, struct quell__rules **out, char *err,
                           size_t errsize);

/* Take one more reference; returns r.  Drop it with quell__rules_unref
 * (NULL is a no-op); the last one frees the set. */
struct quell__rules *quell__rules_ref(struct quell__rules *r);
void quell__rules_unref(struct quell__rules *r);

/*
 * The first rule, top to bottom, whose every `when` condition holds for
 * reply (and the recipient's domain, an A-label, may be NULL: rules with a
 * `domain` condition then do not match) and whose `unless` conditions, when
 * it has them, do not all hold, or NULL when none does.  Code,
 * status and domain are tested before the regular expression.  The rule
 * lives as long as the set.  Allocates nothing on the heap when the regular
 * expressions were JIT-compiled, unless the text is longer than 2 KiB and
 * not UTF-8 (its repaired copy comes from malloc).  reply->text need not
 * be NUL-terminated (text_len counts); bytes that are not UTF-8 are matched
 * as '?'.
 *
 * A regular expression that fails to run (match limit reached on a
 * pathological pattern, no memory) counts as not matching.
 */
const struct quell__rule *quell__rules_match(const struct quell__rules *r,
                                             const struct quell__reply *reply,
                                             const char *domain);

/*
 * A cache of quell__rules_match's results for a job that matches many
 * replies (rules_cache.c): a fixed table of about 300 kB, made empty.
 * Free with quell__rules_cache_free (NULL is a no-op).  One thread at a
 * time uses a cache.  Returns 0 or QUELL_ENOMEM.
 */
struct quell__rules_cache;
int quell__rules_cache_new(struct quell__rules_cache **out);
void quell__rules_cache_free(struct quell__rules_cache *c);

/*
 * quell__rules_match(r, reply, domain), from c when an earlier call with
 * the same r saw the same code, status parts and text (and domain, when a
 * rule of r tests it); given another r, c forgets what it held.  The
 * caller keeps r alive (a reference) while c holds its results.  c NULL:
 * no cache.
 */
const struct quell__rule *quell__rules_match_cached(struct quell__rules_cache *c,
                                                    const struct quell__rules *r,
                                                    const struct quell__reply *reply,
                                                    const char *domain);

/* How many calls c answered from what it held, and how many it did not. */
void quell__rules_cache_counts(const struct quell__rules_cache *c, unsigned long *hits,
                               unsigned long *misses);

/*
 * Whether domain (A-label) or one of its parents is in the file's `protect`
 * list.  A rule never suppresses a protected domain at domain scope: the
 * caller applies such a match as `ignore` (it is recorded, nothing is
 * suppressed).  Address-scope rules are not affected.
 */
int quell__rules_protected(const struct quell__rules *r, const char *domain);

/* The file-level backoff defaults (given or built in). */
const struct quell__backoff *quell__rules_backoff(const struct quell__rules *r);

/* Number of rules, the i-th rule (NULL when out of range), and the
 * filename given at load ("<rules>" when none). */
size_t quell__rules_count(const struct quell__rules *r);
const struct quell__rule *quell__rules_at(const struct quell__rules *r, size_t i);
const char *quell__rules_name(const struct quell__rules *r);

/* The compiled-in default rules (config/rules.yaml, see scripts/embed). */
extern const unsigned char quell__default_rules[];
extern const size_t quell__default_rules_len;

/* The handle's rules with a reference taken (the defaults on first use;
 * ruleset.c). */
int quell__rules_get(quell *h, struct quell__rules **out);

#endif
