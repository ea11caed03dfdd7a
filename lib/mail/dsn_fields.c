/*
 * dsn_fields.c - the fields of delivery-status (RFC 3464) and
 * feedback-report (RFC 5965) parts into reports (see dsn_ctx.h).
 *
 * A delivery-status part is a per-message block, then per-recipient
 * blocks.  Real ones break the syntax: blocks without the blank line
 * between them (a repeated recipient field starts a new one), and
 * continuation lines without indentation (a line that is no "Name:" field
 * continues the one before).  Every field is bounded by its buffer; each
 * line is looked at once.
 *
 * Knows nothing of MIME structure, rules or the database.
 */
#include <stdio.h>
#include <string.h>

#include "dsn_ctx.h"
#include "mime.h"
#include "text.h"

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* "rfc822; <a@b>" into the address alone, as it stands (quell_record
 * judges it: a quoted local part, or a broken address it refuses); 0, or
 * -1 when there is no '@' at all. */
static int rcpt_of(const char *v, char *out, size_t outsize)
{
	const char *semi = strchr(v, ';'), *p = semi != NULL ? semi + 1 : v;
	size_t n;

	while (*p == ' ')
		p++;
	if (*p == '<')
		p++;
	n = strcspn(p, p[0] == '"' ? ">;" : " >;");
	if (p[0] == '"' && strchr(p + 1, '"') != NULL && n < (size_t)(strchr(p + 1, '"') - p))
		n = (size_t)(strchr(p + 1, '"') - p) + strcspn(strchr(p + 1, '"'), " >;");
	if (n == 0 || n >= outsize || memchr(p, '@', n) == NULL)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static void status_of(const char *v, char *out, size_t outsize)
{
	size_t i = 0, dots = 0, run = 0;

	out[0] = '\0';
	while (v[i] == ' ')
		v++;
	if (v[0] != '2' && v[0] != '4' && v[0] != '5')
		return;
	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] >= '0' && v[i] <= '9') {
			if (++run > 3)
				return;
		} else if (v[i] == '.' && run > 0 && dots < 2) {
			dots++;
			run = 0;
		} else {
			break;
		}
	}
	if (dots == 2 && run > 0 && i < outsize)
		snprintf(out, outsize, "%.*s", (int)i, v);
}

static int block_report(struct quell__dsn_ctx *c, struct quell__dsn_block *b, int64_t arrival)
{
	char diagtext[QUELL__REPLY_IN_MAX];
	const char *d = b->diag, *semi, *about;
	size_t alen, k;
	int64_t t = quell__dsn_when(b->last);

	if (t == 0)
		t = quell__dsn_when(c->date);
	quell__dsn_rep_reset(c, t != 0 ? t : arrival);
	if (rcpt_of(b->final, c->rep.recipient, sizeof c->rep.recipient) != 0 &&
	    rcpt_of(b->orig, c->rep.recipient, sizeof c->rep.recipient) != 0 &&
	    rcpt_of(b->actual, c->rep.recipient, sizeof c->rep.recipient) != 0)
		return 0;
	for (k = 0; k + 1 < sizeof c->rep.action && ((b->action[k] >= 'a' && b->action[k] <= 'z') ||
	                                             (b->action[k] >= 'A' && b->action[k] <= 'Z'));
	     k++)
		c->rep.action[k] = lower(b->action[k]);
	status_of(b->status, c->rep.status, sizeof c->rep.status);
	if (d[0] != '\0' && quell__dsn_has_code(d, strlen(d))) {
		quell__dsn_reply(c, "", d, strlen(d));
	} else if (d[0] != '\0') {
		/* no code, no status: the Status field says what the text cannot */
		const char *blank = strchr(d, ' ');

		semi = strchr(d, ';');
		if (semi != NULL && (size_t)(semi - d) < 32 && (blank == NULL || blank > semi))
			d = semi + 1; /* "X-Postfix; text": the type goes */
		snprintf(diagtext, sizeof diagtext, "%s", d);
		quell__dsn_reply(c, c->rep.status, diagtext, strlen(diagtext));
	} else if (c->text.p != NULL &&
	           quell__dsn_text_about(c->text.p, quell__dsn_text_cut(c->text.p, c->text.n),
	                                 c->rep.recipient, &about, &alen)) {
		quell__dsn_reply(c, quell__dsn_has_code(about, alen) ? "" : c->rep.status, about, alen);
	} else {
		quell__dsn_reply(c, c->rep.status, "", 0);
	}
	if (c->rep.reply[0] == '\0') {
		const char *a = c->rep.action;

		if (strcmp(a, "failed") == 0)
			quell__dsn_reply(c, "5.0.0", "", 0);
		else if (strcmp(a, "delayed") == 0)
			quell__dsn_reply(c, "4.0.0", "", 0);
		else if (strcmp(a, "delivered") == 0 || strcmp(a, "relayed") == 0 ||
		         strcmp(a, "expanded") == 0)
			quell__dsn_reply(c, "2.0.0", "", 0);
		else
			return 0;
	}
	return quell__dsn_emit(c);
}

/* --------------------------------------------- delivery-status fields */

/* Append the folded value v[0..n) to the field out (size outsize). */
static void field_add(char *out, size_t outsize, const char *v, size_t n)
{
	size_t o = strlen(out);
	int space = o > 0;

	for (size_t i = 0; i < n; i++) {
		char ch = v[i];

		if (ch == ' ' || ch == '\t') {
			space = o > 0;
			continue;
		}
		if (space && o + 1 < outsize)
			out[o++] = ' ';
		space = 0;
		if (o + 1 < outsize)
			out[o++] = ch;
	}
	out[o] = '\0';
}

/* The length of a field name ending in ':' at the start of line l[0..n),
 * or 0 when the line is no field. */
static size_t field_name(const char *l, size_t n)
{
	size_t i = 0;

	if (n == 0 || !((l[0] >= 'A' && l[0] <= 'Z') || (l[0] >= 'a' && l[0] <= 'z')))
		return 0;
	while (i < n && ((l[i] >= 'A' && l[i] <= 'Z') || (l[i] >= 'a' && l[i] <= 'z') ||
	                 (l[i] >= '0' && l[i] <= '9') || l[i] == '-' || l[i] == '_'))
		i++;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return i < n && l[i] == ':' ? i : 0;
}

static int name_is(const char *l, size_t n, const char *w)
{
	while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	return quell__ieq(l, n, w);
}

/*
 * Read a delivery-status part: a per-message block, then per-recipient
 * blocks.  Blocks end at a blank line or where a recipient field repeats;
 * lines that are no field continue the field before them, indented or
 * not.  Returns 1 when fn stopped the parse.
 */
int quell__dsn_status_part(struct quell__dsn_ctx *c, struct quell__dsn_span s,
                           struct quell__dsn_block *b)
{
	const char *p = s.p, *end = s.p + s.n;
	char arrival[128] = "", *cur = NULL;
	size_t cursize = 0;
	int64_t arr = 0;
	int have = 0; /* the block has per-recipient fields */

	memset(b, 0, sizeof *b);
	while (p <= end) {
		const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		const char *le = nl != NULL ? nl : end;
		size_t len = (size_t)(le - p), fl;
		int blank = 1;

		for (size_t i = 0; i < len; i++)
			if (p[i] != ' ' && p[i] != '\t')
				blank = 0;
		if (blank || (fl = field_name(p, len)) == 0) {
			if (blank) {
				cur = NULL;
				if (have && block_report(c, b, arr))
					return 1;
				if (have)
					memset(b, 0, sizeof *b);
				have = 0;
			} else if (cur != NULL) {
				field_add(cur, cursize, p, len); /* a continuation line */
			}
		} else {
			const char *v = p + fl + 1;
			size_t vn = len - fl - 1;
			int rfield = 1, fresh;

			fresh = (name_is(p, fl, "Final-Recipient") && b->final[0] != '\0') ||
			        (name_is(p, fl, "Original-Recipient") &&
			         (b->orig[0] != '\0' || (b->final[0] != '\0' && b->action[0] != '\0')));
			if (fresh && have) {
				if (block_report(c, b, arr))
					return 1;
				memset(b, 0, sizeof *b);
			}
			cur = NULL;
			if (name_is(p, fl, "Final-Recipient"))
				cur = b->final, cursize = sizeof b->final;
			else if (name_is(p, fl, "Original-Recipient"))
				cur = b->orig, cursize = sizeof b->orig;
			else if (name_is(p, fl, "X-Actual-Recipient"))
				cur = b->actual, cursize = sizeof b->actual;
			else if (name_is(p, fl, "Action"))
				cur = b->action, cursize = sizeof b->action;
			else if (name_is(p, fl, "Status"))
				cur = b->status, cursize = sizeof b->status;
			else if (name_is(p, fl, "Diagnostic-Code"))
				cur = b->diag, cursize = sizeof b->diag;
			else if (name_is(p, fl, "Last-Attempt-Date"))
				cur = b->last, cursize = sizeof b->last;
			else if (name_is(p, fl, "Arrival-Date"))
				cur = arrival, cursize = sizeof arrival, rfield = 0;
			else
				rfield = name_is(p, fl, "Remote-MTA") || name_is(p, fl, "Will-Retry-Until");
			if (cur != NULL && cur[0] != '\0')
				cur = NULL; /* a field given twice: the first counts */
			if (cur != NULL)
				field_add(cur, cursize, v, vn);
			if (rfield && cur != NULL)
				have = 1;
			if (cur == arrival)
				arr = 0;
		}
		if (arrival[0] != '\0' && arr == 0)
			arr = quell__dsn_when(arrival);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return have && block_report(c, b, arr);
}

/* --------------------------------------------------------- complaints */

/* Complaints for each Original-Rcpt-To of the report f (may be empty), else
 * for the recipients of the returned message.  Returns 1 when fn stopped. */
int quell__dsn_complaints(struct quell__dsn_ctx *c, struct quell__dsn_span f)
{
	char type[64] = "abuse", v[QUELL__DSN_HDR_MAX], arrival[128] = "";
	const char *p = f.p, *end = f.p + f.n;
	int64_t t = quell__dsn_when(c->date);
	size_t before = c->count;

	if (f.p != NULL) {
		size_t hlen;

		quell__mime_split(f.p, f.n, &hlen);
		end = f.p + f.n;
		if (quell__mime_header(f.p, f.n, "Feedback-Type", v, sizeof v) > 0)
			snprintf(type, sizeof type, "%.*s", (int)strcspn(v, " ;"), v);
		if (quell__mime_header(f.p, f.n, "Arrival-Date", arrival, sizeof arrival) > 0 ||
		    quell__mime_header(f.p, f.n, "Received-Date", arrival, sizeof arrival) > 0)
			if (quell__dsn_when(arrival) != 0)
				t = quell__dsn_when(arrival);
	}
	/* every Original-Rcpt-To line (the field may repeat) */
	while (f.p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl != NULL ? nl : end) - p), fl = field_name(p, len);

		if (fl > 0 && (name_is(p, fl, "Original-Rcpt-To") ||
		               name_is(p, fl, "Removal-Recipient"))) {
			quell__dsn_rep_reset(c, t);
			snprintf(v, sizeof v, "%.*s", (int)(len - fl - 1), p + fl + 1);
			if (rcpt_of(v, c->rep.recipient, sizeof c->rep.recipient) == 0) {
				c->rep.complaint = 1;
				quell__dsn_reply(c, "complaint:", type, strlen(type));
				if (quell__dsn_emit(c))
					return 1;
			}
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (c->count > before || c->orig.p == NULL)
		return 0;
	/* the returned message's recipient */
	if (quell__mime_header(c->orig.p, c->orig.n, "X-HmXmrOriginalRecipient", v, sizeof v) <= 0 &&
	    quell__mime_header(c->orig.p, c->orig.n, "To", v, sizeof v) <= 0)
		return 0;
	quell__dsn_rep_reset(c, t);
	if (quell__dsn_addr(v, c->rep.recipient, sizeof c->rep.recipient) != 0)
		return 0;
	c->rep.complaint = 1;
	quell__dsn_reply(c, "complaint:", type, strlen(type));
	return quell__dsn_emit(c);
}

