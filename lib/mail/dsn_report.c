/*
 * dsn_report.c - building and handing out the reports of one
 * quell_dsn_parse (see dsn_ctx.h), for dsn.c (text bounces) and
 * dsn_fields.c (delivery-status and feedback-report parts) alike: start a
 * report, set its reply, read a date, and hand it to the caller with its
 * message id and a digest that identifies it when there is no id.
 *
 * Knows nothing of MIME structure, rules or the database.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "digest.h"
#include "dsn_ctx.h"
#include "text.h"
#include "timefmt.h"

/* What identifies a report without a Message-ID, stable across reads of
 * the same bounce (a mail client that marks an mbox message read changes
 * its header, never its report): its fields with their NULs, its time and
 * the bounce's Date, and the body when no time parses (two bounces with the
 * same words and no date are told apart by their bodies). */
static void digest(struct quell__dsn_ctx *c)
{
	const struct quell_dsn_report *r = &c->rep;
	const char *const f[] = { r->recipient, r->action, r->status, r->reply, c->date };
	unsigned char t[8];
	uint64_t d = QUELL__FNV64_INIT;

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		d = quell__fnv64(d, f[i], strlen(f[i]) + 1);
	quell__be64_put(t, (uint64_t)r->time);
	d = quell__fnv64(d, t, sizeof t);
	d = quell__fnv64(d, &r->complaint, 1);
	if (r->time == 0) {
		quell__be64_put(t, c->body_digest);
		d = quell__fnv64(d, t, sizeof t);
	}
	snprintf(c->rep.digest, sizeof c->rep.digest, "digest:%016llx", (unsigned long long)d);
}

int quell__dsn_emit(struct quell__dsn_ctx *c)
{
	int rc;

	if (c->count >= QUELL_DSN_REPORTS_MAX || c->stop)
		return 1;
	if (c->rep.message_id[0] == '\0')
		snprintf(c->rep.message_id, sizeof c->rep.message_id, "%s",
		         c->orig_msgid[0] != '\0' ? c->orig_msgid : c->msgid);
	digest(c);
	c->count++;
	rc = c->fn(c->arg, &c->rep);
	if (rc != 0) {
		c->stop = rc;
		return 1;
	}
	return 0;
}

void quell__dsn_rep_reset(struct quell__dsn_ctx *c, int64_t t)
{
	memset(&c->rep, 0, sizeof c->rep);
	c->rep.time = t;
}

int64_t quell__dsn_when(const char *v)
{
	int64_t t;

	return v[0] != '\0' && quell__time_parse_any(v, strlen(v), &t) == 0 ? t : 0;
}

/* Whether a reply text carries a basic code or an enhanced status. */
int quell__dsn_has_code(const char *s, size_t n)
{
	char buf[QUELL_DSN_REPLY_MAX];
	struct quell__reply r;

	if (n == 0 || n > QUELL__REPLY_IN_MAX)
		return 0;
	if (quell__reply_parse(s, n, buf, sizeof buf, &r, NULL, 0) != 0)
		return 0;
	return r.code != 0 || r.klass >= 0;
}

/* "STATUS TEXT" (either may be empty) as the report's reply. */
void quell__dsn_reply(struct quell__dsn_ctx *c, const char *status, const char *text, size_t n)
{
	char *r = c->rep.reply;
	size_t o = strlen(status) < 32 ? strlen(status) : 0;

	memcpy(r, status, o);
	r[o] = '\0';
	if (o > 0 && n > 0)
		r[o++] = ' ';
	o += quell__dsn_clean(r + o, sizeof c->rep.reply - o, text, n);
	while (o > 0 && r[o - 1] == ' ') /* the text was only white space */
		r[--o] = '\0';
}

