/*
 * rules_yaml.c - read a rules file's YAML with libyaml's event API into a
 * small tree whose nodes carry 1-based line and column, for the schema
 * checks of rules_load.c.
 *
 * Only what a rules file needs is accepted: one document of mappings, lists
 * and scalars.  An alias may name an anchored scalar (one regular
 * expression used by several rules is written once): it becomes a copy of
 * that scalar, and the copies together may not pass the bound on the file's
 * size, so no billion laughs.  Aliases of mappings and lists are refused,
 * and so are explicit tags, a second document, non-scalar keys, and nesting
 * or node counts past the bounds in rules_int.h.
 *
 * Knows nothing of rules; the only file here that includes yaml.h.
 *
 * Diagnostics: "FILE:LINE:COL: message" with libyaml's own problem text for
 * syntax errors, e.g. "rules.yaml:3:5: mapping values are not allowed in
 * this context".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "error.h"
#include "rules_int.h"

struct builder {
	const char *file;
	const char *buf;
	size_t len;
	char *err;
	size_t errsize;
	struct quell__ynode *root;
	struct quell__ynode *stack[QUELL__YAML_DEPTH_MAX];
	size_t depth;
	size_t nodes;
	int documents;
	struct anchor *anchors;  /* newest first */
	size_t alias_bytes;      /* copied by aliases so far */
};

/* An anchor seen so far: its scalar (NULL for a mapping or a list). */
struct anchor {
	struct anchor *next;
	char *name;
	const struct quell__ynode *scalar;
};

static int fail(struct builder *b, size_t line, size_t col, const char *fmt, ...)
	QUELL__PRINTF(4, 5);

static int fail(struct builder *b, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err == NULL || b->errsize == 0)
		return QUELL_EDATA;
	n = snprintf(b->err, b->errsize, "%s:%zu:%zu: ", b->file, line, col);
	if (n >= 0 && (size_t)n < b->errsize) {
		va_start(ap, fmt);
		if (vsnprintf(b->err + n, b->errsize - (size_t)n, fmt, ap) < 0)
			b->err[n] = '\0';
		va_end(ap);
	}
	quell__rl_clean(b->err);
	return QUELL_EDATA;
}

void quell__yaml_free(struct quell__ynode *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->n; i++)
		quell__yaml_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

/* Attach a new node to the open container (or make it the root).  Takes
 * ownership of node. */
static int attach(struct builder *b, struct quell__ynode *node)
{
	struct quell__ynode *parent;

	if (b->depth == 0) {
		b->root = node;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->type == QUELL__Y_MAP && parent->n % 2 == 0 && node->type != QUELL__Y_SCALAR) {
		size_t line = node->line, col = node->col;

		quell__yaml_free(node);
		return fail(b, line, col, "a mapping key must be a plain word, not a mapping or list");
	}
	if (parent->n == parent->cap) {
		size_t cap = parent->cap == 0 ? 4 : parent->cap * 2;
		struct quell__ynode **k = realloc(parent->kids, cap * sizeof *k);

		if (k == NULL) {
			quell__yaml_free(node);
			return QUELL_ENOMEM;
		}
		parent->kids = k;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = node;
	return 0;
}

/* Remember anchor name for node (a scalar, or NULL for a container). */
static int add_anchor(struct builder *b, const yaml_char_t *name, const struct quell__ynode *node)
{
	struct anchor *a;

	if (name == NULL)
		return 0;
	a = calloc(1, sizeof *a);
	if (a == NULL || (a->name = strdup((const char *)name)) == NULL) {
		free(a);
		return QUELL_ENOMEM;
	}
	a->scalar = node;
	a->next = b->anchors;
	b->anchors = a;
	return 0;
}

static void free_anchors(struct builder *b)
{
	while (b->anchors != NULL) {
		struct anchor *a = b->anchors;

		b->anchors = a->next;
		free(a->name);
		free(a);
	}
}

static struct quell__ynode *new_node(int type, const yaml_mark_t *m)
{
	struct quell__ynode *n = calloc(1, sizeof *n);

	if (n == NULL)
		return NULL;
	n->type = type;
	n->line = m->line + 1;
	n->col = m->column + 1;
	return n;
}

/* The line and column of byte offset off, for reader errors, which carry
 * only an offset. */
static void offset_mark(const char *buf, size_t len, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int parser_error(struct builder *b, const yaml_parser_t *p)
{
	size_t line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		if (b->err != NULL && b->errsize > 0)
			snprintf(b->err, b->errsize, "%s: out of memory", b->file);
		return QUELL_ENOMEM;
	case YAML_READER_ERROR:
		offset_mark(b->buf, b->len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			return fail(b, line, col, "%s (byte 0x%02x)",
			            p->problem ? p->problem : "unreadable input",
			            (unsigned)p->problem_value & 0xffu);
		return fail(b, line, col, "%s", p->problem ? p->problem : "unreadable input");
	default:
		if (p->context != NULL)
			return fail(b, p->problem_mark.line + 1, p->problem_mark.column + 1,
			            "%s (%s at line %zu column %zu)",
			            p->problem ? p->problem : "syntax error", p->context,
			            p->context_mark.line + 1, p->context_mark.column + 1);
		return fail(b, p->problem_mark.line + 1, p->problem_mark.column + 1, "%s",
		            p->problem ? p->problem : "syntax error");
	}
}

static int is_null_scalar(const char *s, size_t len)
{
	return len == 0 || (len == 1 && s[0] == '~') ||
	       (len == 4 && (memcmp(s, "null", 4) == 0 || memcmp(s, "Null", 4) == 0 ||
	                     memcmp(s, "NULL", 4) == 0));
}

/* The anchor an alias event names, in *out: only a scalar's, and the
 * bytes all aliases copy are bounded. */
static int find_alias(struct builder *b, const yaml_event_t *e, const struct anchor **out)
{
	const yaml_mark_t *m = &e->start_mark;
	const char *name = e->data.alias.anchor ? (const char *)e->data.alias.anchor : "";
	const struct anchor *a = b->anchors;

	while (a != NULL && strcmp(a->name, name) != 0)
		a = a->next;
	if (a == NULL)
		return fail(b, m->line + 1, m->column + 1, "unknown YAML anchor (*%s)", name);
	if (a->scalar == NULL)
		return fail(b, m->line + 1, m->column + 1,
		            "YAML aliases (*%s) of mappings and lists are not allowed in a "
		            "rules file; only of a scalar", name);
	*out = a;
	b->alias_bytes += a->scalar->len;
	if (b->alias_bytes > QUELL__RULES_FILE_MAX)
		return fail(b, m->line + 1, m->column + 1,
		            "YAML aliases copy more than %u bytes in all",
		            (unsigned)QUELL__RULES_FILE_MAX);
	return 0;
}

/* The start of a sequence or a mapping: no tag, not too deep. */
static int check_open(struct builder *b, const yaml_event_t *e)
{
	const yaml_mark_t *m = &e->start_mark;
	const yaml_char_t *tag = e->type == YAML_SEQUENCE_START_EVENT ?
	                                 e->data.sequence_start.tag :
	                                 e->data.mapping_start.tag;
	int implicit = e->type == YAML_SEQUENCE_START_EVENT ?
	                       e->data.sequence_start.implicit :
	                       e->data.mapping_start.implicit;

	if (tag != NULL && !implicit)
		return fail(b, m->line + 1, m->column + 1,
		            "YAML tags (%s) are not allowed in a rules file", (const char *)tag);
	if (b->depth >= QUELL__YAML_DEPTH_MAX)
		return fail(b, m->line + 1, m->column + 1, "nested deeper than %d levels",
		            QUELL__YAML_DEPTH_MAX);
	return 0;
}

/* The text of scalar node n: the event's, or the scalar alias names. */
static int set_scalar(struct quell__ynode *n, const yaml_event_t *e, const struct anchor *alias)
{
	const char *value;
	size_t len;

	if (alias != NULL) {
		value = alias->scalar->str;
		len = alias->scalar->len;
	} else {
		value = (const char *)e->data.scalar.value;
		len = e->data.scalar.length;
	}
	n->str = malloc(len + 1);
	if (n->str == NULL)
		return QUELL_ENOMEM;
	if (len > 0)
		memcpy(n->str, value, len);
	n->str[len] = '\0';
	n->len = len;
	if (alias != NULL) {
		n->plain = alias->scalar->plain;
		n->null = alias->scalar->null;
	} else {
		n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		n->null = n->plain && is_null_scalar(n->str, len);
	}
	return 0;
}

/* The node of a scalar, an alias (of a scalar: a copy of it), or the
 * start of a sequence or a mapping, attached to the tree with its anchor;
 * a collection becomes the one new nodes go into. */
static int add_node(struct builder *b, const yaml_event_t *e, const struct anchor *alias)
{
	const yaml_mark_t *m = &e->start_mark;
	struct quell__ynode *n;
	int rc = 0;

	if (++b->nodes > QUELL__YAML_NODES_MAX)
		return fail(b, m->line + 1, m->column + 1, "more than %d YAML nodes",
		            QUELL__YAML_NODES_MAX);
	n = new_node(e->type == YAML_SCALAR_EVENT || e->type == YAML_ALIAS_EVENT ? QUELL__Y_SCALAR :
	             e->type == YAML_MAPPING_START_EVENT ? QUELL__Y_MAP : QUELL__Y_SEQ, m);
	if (n == NULL)
		return QUELL_ENOMEM;
	if ((e->type == YAML_SCALAR_EVENT || alias != NULL) && set_scalar(n, e, alias) != 0) {
		free(n);
		return QUELL_ENOMEM;
	}
	if ((rc = attach(b, n)) != 0)
		return rc;
	/* the node is in the tree now: an anchor may point to it */
	if (e->type == YAML_SCALAR_EVENT)
		rc = add_anchor(b, e->data.scalar.anchor, n);
	else if (e->type == YAML_SEQUENCE_START_EVENT)
		rc = add_anchor(b, e->data.sequence_start.anchor, NULL);
	else if (e->type == YAML_MAPPING_START_EVENT)
		rc = add_anchor(b, e->data.mapping_start.anchor, NULL);
	if (rc != 0)
		return rc;
	if (n->type != QUELL__Y_SCALAR)
		b->stack[b->depth++] = n;
	return 0;
}

/* Handle one event; returns 0, 1 at the end of the stream, or an error. */
static int on_event(struct builder *b, const yaml_event_t *e)
{
	const yaml_mark_t *m = &e->start_mark;
	const struct anchor *alias = NULL; /* what an alias names */
	int rc;

	switch (e->type) {
	case YAML_STREAM_START_EVENT:
	case YAML_DOCUMENT_END_EVENT:
	case YAML_NO_EVENT:
		return 0;
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1)
			return fail(b, m->line + 1, m->column + 1,
			            "a rules file holds one YAML document, this is a second one");
		return 0;
	case YAML_ALIAS_EVENT:
		if ((rc = find_alias(b, e, &alias)) != 0)
			return rc;
		break;
	case YAML_SCALAR_EVENT:
		if (e->data.scalar.tag != NULL && !e->data.scalar.plain_implicit &&
		    !e->data.scalar.quoted_implicit)
			return fail(b, m->line + 1, m->column + 1,
			            "YAML tags (%s) are not allowed in a rules file",
			            (const char *)e->data.scalar.tag);
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if ((rc = check_open(b, e)) != 0)
			return rc;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth > 0)
			b->depth--;
		return 0;
	default:
		return 0;
	}
	return add_node(b, e, alias);
}

int quell__yaml_parse(const char *buf, size_t len, const char *file,
                      struct quell__ynode **root, char *err, size_t errsize)
{
	struct builder b;
	yaml_parser_t parser;
	yaml_event_t event;
	int rc = 0;

	*root = NULL;
	memset(&b, 0, sizeof b);
	b.file = file;
	b.buf = buf;
	b.len = len;
	b.err = err;
	b.errsize = errsize;
	if (!yaml_parser_initialize(&parser)) {
		if (err != NULL && errsize > 0)
			snprintf(err, errsize, "%s: out of memory", file);
		return QUELL_ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	for (;;) {
		if (!yaml_parser_parse(&parser, &event)) {
			rc = parser_error(&b, &parser);
			break;
		}
		rc = on_event(&b, &event);
		yaml_event_delete(&event);
		if (rc != 0)
			break;
	}
	yaml_parser_delete(&parser);
	free_anchors(&b);
	if (rc == QUELL_ENOMEM && err != NULL && errsize > 0)
		snprintf(err, errsize, "%s: out of memory", file);
	if (rc < 0) {
		quell__yaml_free(b.root);
		return rc;
	}
	*root = b.root;
	return 0;
}
