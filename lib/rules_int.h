/*
 * rules_int.h - what the rules_*.c files share and nobody else sees: the
 * inside of a rule set, and the small YAML tree the loader checks.
 */
#ifndef QUELL_RULES_INT_H
#define QUELL_RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>

#include "rules.h"

/* Bounds that keep a hostile file from costing much (the loader is fuzzed). */
#define QUELL__RULES_FILE_MAX (16u << 20) /* bytes */
#define QUELL__RULES_MAX 10000            /* rules in a file */
#define QUELL__YAML_DEPTH_MAX 32          /* nested mappings and lists */
#define QUELL__YAML_NODES_MAX 500000      /* nodes in the document */
#define QUELL__MATCH_LIMIT 1000000        /* pcre2_set_match_limit: a regex
                                             that needs more does not match */

struct quell__regex {
	pcre2_code *code;
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

#endif
