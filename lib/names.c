/*
 * names.c - the names of verdicts, scopes, lists, sources and actions, as
 * they appear on the command line and in every output format; and the rules
 * for stream names, [a-z0-9][a-z0-9._-]{0,63}, and for rule and category
 * names, [a-z0-9._-]{1,63}, that every path checks.
 */
#include <string.h>

#include "error.h"
#include "names.h"

static const char *const verdicts[] = { "allow", "suppress", "backoff", "invalid" };
static const char *const scopes[] = { "", "address", "domain" };
static const char *const lists[] = { "", "suppress", "allow", "backoff" };
static const char *const sources[] = { "", "bounce", "complaint", "unsubscribe", "manual",
	                                "import" };
static const char *const actions[] = { "", "suppress", "backoff", "count", "clear", "ignore",
	                                "allow", "unallow", "remove", "expire" };

#define NAME(tab, v) ((v) >= 0 && (size_t)(v) < sizeof(tab) / sizeof(tab[0]) ? tab[v] : "")

const char *quell_verdict_name(int v) { return NAME(verdicts, v); }
const char *quell_scope_name(int v) { return NAME(scopes, v); }
const char *quell_list_name(int v) { return NAME(lists, v); }
const char *quell_source_name(int v) { return NAME(sources, v); }
const char *quell_action_name(int v) { return NAME(actions, v); }

static int find(const char *const *tab, size_t n, const char *name)
{
	if (name == NULL || *name == '\0')
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i], name) == 0)
			return (int)i;
	return -1;
}

int quell_list_parse(const char *name) { return find(lists, 4, name); }
int quell_source_parse(const char *name) { return find(sources, 6, name); }

int quell_stream_valid(const char *name)
{
	size_t n;

	if (name == NULL || !((*name >= 'a' && *name <= 'z') || (*name >= '0' && *name <= '9')))
		return 0;
	n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-");
	return name[n] == '\0' && n < QUELL_STREAM_MAX;
}

int quell__name_ok(const char *s, size_t len)
{
	if (len == 0 || len >= QUELL_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

int quell_name_valid(const char *name)
{
	return name != NULL && quell__name_ok(name, strlen(name));
}

int quell__stream_check(const quell *h, const char *stream, int every)
{
	if (stream == NULL || *stream == '\0' || quell_stream_valid(stream))
		return 0;
	if (every && strcmp(stream, "*") == 0)
		return 0;
	return quell__error(h, QUELL_EINVAL, "stream '%.80s': not a stream name (" QUELL__STREAM_RULE
	                    ")", stream);
}

const char *quell_version(void) { return QUELL_VERSION_STRING; }
