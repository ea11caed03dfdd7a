/*
 * serve_sgkind.c - which of SendGrid's suppression kinds a quell entry
 * is, the stream of a SendGrid group, and SendGrid's `email` filter
 * (docs/http-api.md, "SendGrid-compatible endpoints", has the table).
 *
 * Only live, stream-less or group, address-scope suppress entries have a
 * kind:
 *   spam_reports    source complaint (stream-less)
 *   unsubscribes    source unsubscribe, stream-less (global unsubscribes)
 *   group N         source unsubscribe, stream "group-N"
 *   invalid_emails  source bounce or import, category bad-mailbox, and no
 *                   server reply (no code, no status): what quell's
 *                   SendGrid import makes of an invalid-emails row
 *   blocks          source bounce or import, category policy, spam,
 *                   content, transient, protocol or routing: the server
 *                   refused the message, not the mailbox
 *   bounces         every other source bounce or import entry
 * Hand-made suppressions (source manual), domains, allow and backoff
 * entries have none: SendGrid has no word for them.  Pure.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "serve_parse.h"

int serve_sg_kind_parse(const char *name)
{
	static const struct { const char *name; int kind; } t[] = {
		{ "bounces", SG_BOUNCES }, { "blocks", SG_BLOCKS },
		{ "invalid_emails", SG_INVALID }, { "spam_reports", SG_SPAM },
		{ "unsubscribes", SG_UNSUB },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(name, t[i].name) == 0)
			return t[i].kind;
	return SG_NONE;
}

static int is_block_category(const char *c)
{
	static const char *const blocks[] = { "policy", "spam",     "content",
		                              "transient", "protocol", "routing" };

	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		if (strcmp(c, blocks[i]) == 0)
			return 1;
	return 0;
}

int serve_sg_kind_of(const struct quell_entry *e)
{
	if (e->scope != QUELL_SCOPE_ADDRESS || e->list != QUELL_LIST_SUPPRESS)
		return SG_NONE;
	if (e->source == QUELL_SOURCE_UNSUBSCRIBE) {
		if (e->stream[0] == '\0')
			return SG_UNSUB;
		return strncmp(e->stream, "group-", 6) == 0 ? SG_GROUP : SG_NONE;
	}
	if (e->stream[0] != '\0')
		return SG_NONE;
	if (e->source == QUELL_SOURCE_COMPLAINT)
		return SG_SPAM;
	if (e->source != QUELL_SOURCE_BOUNCE && e->source != QUELL_SOURCE_IMPORT)
		return SG_NONE;
	if (strcmp(e->category, "bad-mailbox") == 0 && e->code == 0 && e->status[0] == '\0')
		return SG_INVALID;
	return is_block_category(e->category) ? SG_BLOCKS : SG_BOUNCES;
}

int serve_sg_group_stream(const char *id, char *out, size_t outsize)
{
	size_t n = strlen(id);

	if (n == 0 || n > 18 || strspn(id, "0123456789") != n)
		return -1;
	if ((size_t)snprintf(out, outsize, "group-%s", id) >= outsize)
		return -1;
	return 0;
}

int serve_sg_email_match(const char *p, const char *e)
{
	/* '%' matches any run; the pattern is a prefix (an implied % at its end) */
	const char *star = NULL, *mark = NULL;

	for (;;) {
		if (*p == '\0')
			return 1;
		if (*p == '%') {
			star = ++p;
			mark = e;
			continue;
		}
		if (*e != '\0' && tolower((unsigned char)*p) == tolower((unsigned char)*e)) {
			p++;
			e++;
			continue;
		}
		if (star == NULL || *mark == '\0')
			return 0;
		p = star;
		e = ++mark;
	}
}
