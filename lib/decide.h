/*
 * decide.h - what a reply does to a key's record (decide.c): the rules'
 * decision on a parsed reply, and that decision applied to a record in
 * memory.  Shared by quell_explain (an empty record, no database) and the
 * record path (record.c, which loads and stores).
 */
#ifndef QUELL_DECIDE_H
#define QUELL_DECIDE_H

#include "record.h"
#include "codec.h"
#include "rules.h"

/* Everything quell__apply() needs to know about one reply. */
struct quell__decision {
	const struct quell__rule *rule;  /* NULL: no rule matched */
	const struct quell__backoff *bo; /* the rule's, or the file's */
	int action, scope;
	const char *category;
	int source;
	const char *stream;              /* the suppression's stream ("" none) */
	int64_t now;
	int code;
	const char *status, *text;
	unsigned prior;                  /* rule-made suppressions of the key before */
	/* NULL: prior is known.  Else asked for it, once, when the reply
	 * suppresses (most replies back off or count): 0 or an error */
	int (*ask_prior)(void *ctx, unsigned *prior);
	void *prior_ctx;
	int wide;                        /* QUELL__WIDE_*: the rule's domain scope fell
	                                    back to the address; else 0 */
};

/* What quell__apply() did, for the event and the outcome. */
struct quell__effect {
	int action;      /* as applied (a give-up or a reached count is suppress) */
	int list;        /* list written */
	int64_t until;   /* backoff until or expiry */
	const char *category;
	uint32_t count;  /* count: failures inside the window so far */
	char reason[160];
};

/* The reply parsed into p (its text repaired to UTF-8) and its parts into
 * out.  0, or QUELL_EDATA with out->error and the message set. */
int quell__parse_reply(quell *h, const char *reply, struct quell__parsed *p,
                       struct quell_outcome *out);

/* What the rules rs decide about p's reply at now (source
 * QUELL_SOURCE_COMPLAINT: suppress without rules), with the key's scope
 * fallen back to the address for a domain too wide (d->wide).  The rule
 * comes from cache when it knows it (NULL: matched every time). */
void quell__decide(quell *h, const struct quell__rules *rs, struct quell__rules_cache *cache,
                   const struct quell__parsed *p, int64_t now, int source,
                   struct quell__decision *d);

/*
 * Apply the decision to the record of the key it targets.  ext (room for
 * COUNT_KEEP times) receives the new count state, which the record then
 * points to.  Returns 0, QUELL_EDATA (record full) or d->ask_prior's
 * error.
 */
int quell__apply(struct quell__rec *r, struct quell__decision *d, unsigned char *ext,
                 struct quell__effect *fx);

/* Remove every entry of lists a and b in r's stream-less set. */
void quell__drop_lists(struct quell__rec *r, int a, int b);

/* The event's reason: the effect's, and why the scope fell back (in buf
 * when it did). */
const char *quell__event_reason(const struct quell__decision *d, const struct quell__effect *fx,
                                const char *domain, char *buf, size_t size);

/* out's rule, category, action, scope, key, until and count. */
void quell__fill_outcome(struct quell_outcome *out, const struct quell__decision *d,
                         const struct quell__effect *fx, const char *key);

#endif
