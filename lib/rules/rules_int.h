/*
 * rules_int.h - what the rules_*.c files share and nobody else sees: the
 * inside of a rule set, and the small YAML tree the loader checks.
 */
#ifndef QUELL_RULES_INT_H
#define QUELL_RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>

#include "error.h"
#include "prefilter.h"
#include "rules.h"

/* Bounds that keep a hostile file from costing much (the loader is fuzzed). */
#define QUELL__RULES_FILE_MAX (16u << 20) /* bytes */
#define QUELL__RULES_MAX 10000            /* rules in a file */
#define QUELL__YAML_DEPTH_MAX 32          /* nested mappings and lists */
#define QUELL__YAML_NODES_MAX 500000      /* nodes in the document */
#define QUELL__MATCH_LIMIT 1000000        /* pcre2_set_match_limit: a regex
                                             that needs more does not match */
#define QUELL__SHADOW_WORK_MAX 100000000ull /* comparisons the search for rules
                                               that never match may make */

struct quell__regex {
	pcre2_code *code;
	int jit;       /* JIT-compiled: matched with pcre2_jit_match */
	char *pattern;
	size_t len;
};

struct quell__rules {
	atomic_size_t refs;
	char *name;                     /* filename given at load */
	struct quell__backoff backoff;  /* file-level defaults */
	size_t nprotect;
	struct quell__domain_pat *protect;
	size_t nrules;
	struct quell__rule *rules;
	size_t nregex;                  /* distinct `text` patterns, compiled once */
	struct quell__regex *regex;
	struct quell__pf *pf;           /* which patterns a reply's literals allow
	                                   (prefilter.h); NULL: all of them */
	pcre2_match_context *mctx;      /* shared, never changed after load */
};

/* Free a rule set and everything it holds, whatever its reference count;
 * NULL is a no-op.  Used by the last unref and by the loader's error paths. */
void quell__rules_free(struct quell__rules *r);

/* ---- the YAML tree (rules_yaml.c) ---- */

enum { QUELL__Y_SCALAR, QUELL__Y_MAP, QUELL__Y_SEQ };

struct quell__ynode {
	int type;                    /* QUELL__Y_* */
	int plain;                   /* scalar written without quotes */
	int null;                    /* plain "", "~" or "null" */
	size_t line, col;            /* 1-based */
	char *str;                   /* scalar, NUL-terminated (may hold NULs) */
	size_t len;
	size_t n;                    /* kids used; a map's are key, value, key, value... */
	size_t cap;                  /* kids allocated */
	struct quell__ynode **kids;
};

/*
 * Parse buf[0..len) into a tree.  *root is NULL for a document with no
 * content.  Aliases, explicit tags, several documents, non-scalar mapping
 * keys and nesting deeper than QUELL__YAML_DEPTH_MAX are refused.  Errors:
 * QUELL_EDATA with "FILE:LINE:COL: message" in err, QUELL_ENOMEM.
 */
int quell__yaml_parse(const char *buf, size_t len, const char *file,
                      struct quell__ynode **root, char *err, size_t errsize);
void quell__yaml_free(struct quell__ynode *n);


/* Length of the well-formed UTF-8 character at s[0..n) (n > 0), or 0 when
 * there is none there (RFC 3629: no overlong forms, no surrogates, nothing
 * past U+10FFFF), which is what PCRE2 accepts.  rules_match.c. */
size_t quell__rl_utf8_char(const unsigned char *s, size_t n);

/* Copy text[0..len) to out[0..len) as the patterns see it: each byte that
 * is not part of a well-formed UTF-8 character as '?'.  rules_match.c. */
void quell__rl_repair(const char *text, size_t len, char *out);

/* Make msg one printable line: control bytes and bytes that are not
 * UTF-8 (a value quoted in a message may hold them, or be cut in the
 * middle of a character) become '?'.  rules_value.c. */
void quell__rl_clean(char *msg);

/* ---- the schema checks (rules_value.c, rules_when.c, rules_load.c) ---- */

/* What a load is doing: where to report, and the set being built. */
struct quell__rl_ctx {
	const char *file;
	char *err;
	size_t errsize;
	struct quell__rules *set;
	/* NULL: stop at the first error.  Otherwise each error is passed to
	 * report and the check goes on with the next rule or top-level key. */
	void (*report)(void *arg, const char *message);
	void *report_arg;
	unsigned nerrors;
	char first[1024];              /* the first error reported */
};

/* rc is an error of one independent part (a rule, a top-level key): with a
 * report function, pass it on and return 0 so the check goes on;
 * otherwise, or for an error that is not QUELL_EDATA, return rc. */
int quell__rl_part(struct quell__rl_ctx *c, int rc);

/* Write "FILE:LINE:COL: message" for node at (NULL: 1:1) into the
 * context's err; returns QUELL_EDATA. */
int quell__rl_fail(struct quell__rl_ctx *c, const struct quell__ynode *at, const char *fmt,
                   ...) QUELL__PRINTF(3, 4);
/* Write "FILE: out of memory"; returns QUELL_ENOMEM. */
int quell__rl_nomem(struct quell__rl_ctx *c);

/*
 * Check that map is a mapping whose keys are all among names[0..n), each
 * at most once; keys[i] and vals[i] get the key and value of names[i], or
 * NULL.  what names the mapping in messages ("a rule's then").
 */
int quell__rl_keys(struct quell__rl_ctx *c, const struct quell__ynode *map, const char *what,
                   const char *const *names, size_t n, const struct quell__ynode **keys,
                   const struct quell__ynode **vals);

/* v (the value of key k) must be one non-empty scalar without NUL bytes. */
int quell__rl_scalar(struct quell__rl_ctx *c, const struct quell__ynode *k,
                     const struct quell__ynode *v);

/* *vp is one value or a non-empty list of values; *items and *n describe
 * them (a single value is a list of one: vp itself, which must outlive
 * the items). */
int quell__rl_values(struct quell__rl_ctx *c, const struct quell__ynode *k,
                     const struct quell__ynode *const *vp,
                     const struct quell__ynode *const **items, size_t *n);

/* A duration (quell_duration_parse); forever (0) only when allowed. */
int quell__rl_duration(struct quell__rl_ctx *c, const struct quell__ynode *k,
                       const struct quell__ynode *v, int allow_forever, int64_t *out);
/* An unquoted whole number in [min, max]. */
int quell__rl_uint(struct quell__rl_ctx *c, const struct quell__ynode *k,
                   const struct quell__ynode *v, uint32_t min, uint32_t max, uint32_t *out);
/* An unquoted decimal number from 1 to 1000 (a backoff factor). */
int quell__rl_factor(struct quell__rl_ctx *c, const struct quell__ynode *k,
                     const struct quell__ynode *v, double *out);
/* A rule or category name: [a-z0-9._-]+, shorter than QUELL_NAME_MAX. */
int quell__rl_name(struct quell__rl_ctx *c, const struct quell__ynode *k,
                   const struct quell__ynode *v, char out[QUELL_NAME_MAX]);
/* A domain name (A-labels), `*.name` too when wildcard; d->name is
 * allocated (lower case, no trailing dot) only on success. */
int quell__rl_domain(struct quell__rl_ctx *c, const struct quell__ynode *k,
                     const struct quell__ynode *v, int wildcard, struct quell__domain_pat *d);

/* A rule's `when` or `unless` mapping (the value of key) into match data
 * (regexes into c->set). */
int quell__rl_cond(struct quell__rl_ctx *c, const struct quell__ynode *key,
                   const struct quell__ynode *when, struct quell__cond *cond);

/*
 * Each rule of set that can never match because an earlier rule matches
 * every reply it could, passed to report in file order as "FILE:LINE:COL:
 * warning: rule 'B' can never match: rule 'A' (line N) matches every reply
 * it could" (the place is B's).  Returns how many.  Allocates nothing.
 * rules_shadow.c.
 */
unsigned quell__rules_shadowed(const struct quell__rules *set, const char *file,
                               void (*report)(void *arg, const char *message), void *arg);

#endif
