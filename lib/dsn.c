/*
 * dsn.c - quell_dsn_parse: one email message into what it says about each
 * recipient (see quell.h, "bounce messages").
 *
 * The message is copied once with uniform line ends; its MIME tree is
 * walked (at most MAX_DEPTH deep, MAX_PARTS parts), noting the first
 * human-readable text, the delivery-status and feedback-report parts and
 * the returned message's header; parts that need decoding are decoded into
 * the second half of the same buffer (decoding never grows, and the parts
 * do not overlap, so it always fits).  Then, in this order:
 *   - a feedback report gives complaints;
 *   - delivery-status parts give one report per recipient block; a block
 *     without a usable Diagnostic-Code borrows the text the human-readable
 *     part gives about that recipient;
 *   - a message that looks like a bounce without a report part is read as
 *     text (dsn_text.c).
 *
 * Knows nothing of rules or of the database: what a reply means is the
 * rules' business.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "mime.h"
#include "reply.h"
#include "text.h"

#define MAX_DEPTH 8
#define MAX_PARTS 64
#define MAX_STATUS 4
#define HDR_MAX 1024

struct span {
	char *p;
	size_t n;
};

struct ctx {
	char *buf;             /* the message [0..n), decoded parts after it */
	size_t n, dlen;        /* message length; decoded bytes used */
	int parts;
	int report;            /* a multipart/report was seen */
	struct span text;      /* first text/plain, else first text/html (made text) */
	int text_html;
	struct span status[MAX_STATUS];
	size_t nstatus;
	struct span feedback;  /* message/feedback-report */
	struct span orig;      /* header of the returned message */
	char from[HDR_MAX], to[HDR_MAX], subject[HDR_MAX], date[HDR_MAX];
	char msgid[QUELL_DSN_MSGID_MAX], xfailed[HDR_MAX];
	char orig_msgid[QUELL_DSN_MSGID_MAX];
	struct quell__dsn_who who;
	struct quell__dsn_hit hits[QUELL__DSN_TEXT_RCPTS];
	struct quell_dsn_report rep;
	quell_dsn_fn fn;
	void *arg;
	size_t count;
	int stop; /* fn's non-zero return */
};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Decode part body b[0..n) as cte says into the decode area. */
static struct span decode(struct ctx *c, const char *cte, const char *b, size_t n, int html)
{
	struct span s;
	char *out = c->buf + c->n + c->dlen;

	s.n = quell__mime_decode(cte, b, n, out);
	if (html)
		s.n = quell__mime_html(out, s.n, out);
	s.n = quell__mime_unix(out, s.n, out);
	s.p = out;
	c->dlen += s.n;
	return s;
}

static int is_type(const char *t, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(t, *list) == 0)
			return 1;
	return 0;
}

static const char *const status_types[] = { "message/delivery-status",
	                                    "message/global-delivery-status",
	                                    "text/delivery-status", NULL };
static const char *const orig_types[] = { "message/rfc822", "message/global",
	                                  "text/rfc822-headers", "message/rfc822-headers",
	                                  "message/global-headers", "text/rfc822", NULL };

static void top_headers(struct ctx *c, const char *h, size_t hn)
{
	char v[HDR_MAX];
	size_t l;

	quell__mime_header(h, hn, "From", c->from, sizeof c->from);
	quell__mime_header(h, hn, "To", c->to, sizeof c->to);
	if (quell__mime_header(h, hn, "Subject", c->subject, sizeof c->subject) > 0) {
		l = quell__mime_words(c->subject, strlen(c->subject));
		c->subject[l] = '\0';
	}
	quell__mime_header(h, hn, "Date", c->date, sizeof c->date);
	if (quell__mime_header(h, hn, "Message-ID", v, sizeof v) > 0)
		snprintf(c->msgid, sizeof c->msgid, "%.*s", (int)(sizeof c->msgid - 1), v);
	quell__mime_header(h, hn, "X-Failed-Recipients", c->xfailed, sizeof c->xfailed);
	quell__dsn_who_add(&c->who, c->from);
	quell__dsn_who_add(&c->who, c->to);
	if (quell__dsn_addr(c->from, v, sizeof v) == 0 && strchr(v, '@') != NULL)
		snprintf(c->who.from_domain, sizeof c->who.from_domain, "%s", strchr(v, '@') + 1);
	static const char *const more[] = { "Sender", "Reply-To", "Return-Path", NULL };
	for (int i = 0; more[i] != NULL; i++)
		if (quell__mime_header(h, hn, more[i], v, sizeof v) > 0)
			quell__dsn_who_add(&c->who, v);
}

static void orig_headers(struct ctx *c, struct span o)
{
	char v[HDR_MAX];
	size_t hlen;

	quell__mime_split(o.p, o.n, &hlen);
	c->orig.p = o.p;
	c->orig.n = hlen;
	if (quell__mime_header(o.p, hlen, "Message-ID", v, sizeof v) > 0)
		snprintf(c->orig_msgid, sizeof c->orig_msgid, "%.*s",
		         (int)(sizeof c->orig_msgid - 1), v);
	static const char *const who[] = { "From", "Sender", "Return-Path", NULL };
	for (int i = 0; who[i] != NULL; i++)
		if (quell__mime_header(o.p, hlen, who[i], v, sizeof v) > 0)
			quell__dsn_who_add(&c->who, v);
}

static void walk(struct ctx *c, const char *m, size_t n, int depth)
{
	char v[HDR_MAX], cte[HDR_MAX];
	struct quell__ctype ct;
	size_t hlen, body = quell__mime_split(m, n, &hlen);

	if (depth == 0)
		top_headers(c, m, hlen);
	quell__mime_header(m, hlen, "Content-Type", v, sizeof v);
	quell__mime_ctype(v, &ct);
	quell__mime_header(m, hlen, "Content-Transfer-Encoding", cte, sizeof cte);
	if (strncmp(ct.type, "multipart/", 10) == 0 && ct.boundary[0] != '\0') {
		struct quell__mime_parts it;
		const char *p;
		size_t pn;

		if (strcmp(ct.type, "multipart/report") == 0)
			c->report = 1;
		if (depth >= MAX_DEPTH)
			return;
		quell__mime_parts_init(&it, m + body, n - body, ct.boundary);
		while (c->parts < MAX_PARTS && quell__mime_parts_next(&it, &p, &pn)) {
			c->parts++;
			walk(c, p, pn, depth + 1);
		}
		return;
	}
	if (is_type(ct.type, status_types)) {
		if (c->nstatus < MAX_STATUS)
			c->status[c->nstatus++] = decode(c, cte, m + body, n - body, 0);
	} else if (strcmp(ct.type, "message/feedback-report") == 0) {
		if (c->feedback.p == NULL)
			c->feedback = decode(c, cte, m + body, n - body, 0);
	} else if (is_type(ct.type, orig_types)) {
		if (c->orig.p == NULL)
			orig_headers(c, decode(c, cte, m + body, n - body, 0));
	} else if (strcmp(ct.type, "text/plain") == 0 || strcmp(ct.type, "text/html") == 0) {
		int html = ct.type[5] == 'h';

		if (c->text.p == NULL || (c->text_html && !html)) {
			c->text = decode(c, cte, m + body, n - body, html);
			c->text_html = html;
		}
	}
}

/* ------------------------------------------------------------ reports */

static int emit(struct ctx *c)
{
	int rc;

	if (c->count >= QUELL_DSN_REPORTS_MAX || c->stop)
		return 1;
	if (c->rep.message_id[0] == '\0')
		snprintf(c->rep.message_id, sizeof c->rep.message_id, "%s",
		         c->orig_msgid[0] != '\0' ? c->orig_msgid : c->msgid);
	c->count++;
	rc = c->fn(c->arg, &c->rep);
	if (rc != 0) {
		c->stop = rc;
		return 1;
	}
	return 0;
}

static void rep_reset(struct ctx *c, int64_t t)
{
	memset(&c->rep, 0, sizeof c->rep);
	c->rep.time = t;
}

static int64_t when(const char *v)
{
	int64_t t;

	return v[0] != '\0' && quell__time_parse_any(v, strlen(v), &t) == 0 ? t : 0;
}

/* Whether a reply text carries a basic code or an enhanced status. */
static int has_code(const char *s, size_t n)
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
static void reply_of(struct ctx *c, const char *status, const char *text, size_t n)
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

/* One block of a delivery-status part (its per-recipient fields). */
struct block {
	char final[QUELL_DSN_RCPT_MAX], orig[QUELL_DSN_RCPT_MAX], actual[QUELL_DSN_RCPT_MAX];
	char action[64], status[64], diag[QUELL__REPLY_IN_MAX], last[128];
};

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

static int block_report(struct ctx *c, struct block *b, int64_t arrival)
{
	char diagtext[QUELL__REPLY_IN_MAX];
	const char *d = b->diag, *semi, *about;
	size_t alen, k;

	rep_reset(c, when(b->last) ? when(b->last) : when(c->date) ? when(c->date) : arrival);
	if (rcpt_of(b->final, c->rep.recipient, sizeof c->rep.recipient) != 0 &&
	    rcpt_of(b->orig, c->rep.recipient, sizeof c->rep.recipient) != 0 &&
	    rcpt_of(b->actual, c->rep.recipient, sizeof c->rep.recipient) != 0)
		return 0;
	for (k = 0; k + 1 < sizeof c->rep.action && ((b->action[k] >= 'a' && b->action[k] <= 'z') ||
	                                             (b->action[k] >= 'A' && b->action[k] <= 'Z'));
	     k++)
		c->rep.action[k] = lower(b->action[k]);
	status_of(b->status, c->rep.status, sizeof c->rep.status);
	if (d[0] != '\0' && has_code(d, strlen(d))) {
		reply_of(c, "", d, strlen(d));
	} else if (d[0] != '\0') {
		/* no code, no status: the Status field says what the text cannot */
		const char *blank = strchr(d, ' ');

		semi = strchr(d, ';');
		if (semi != NULL && (size_t)(semi - d) < 32 && (blank == NULL || blank > semi))
			d = semi + 1; /* "X-Postfix; text": the type goes */
		snprintf(diagtext, sizeof diagtext, "%s", d);
		reply_of(c, c->rep.status, diagtext, strlen(diagtext));
	} else if (c->text.p != NULL &&
	           quell__dsn_text_about(c->text.p, quell__dsn_text_cut(c->text.p, c->text.n),
	                                 c->rep.recipient, &about, &alen)) {
		reply_of(c, has_code(about, alen) ? "" : c->rep.status, about, alen);
	} else {
		reply_of(c, c->rep.status, "", 0);
	}
	if (c->rep.reply[0] == '\0') {
		const char *a = c->rep.action;

		if (strcmp(a, "failed") == 0)
			reply_of(c, "5.0.0", "", 0);
		else if (strcmp(a, "delayed") == 0)
			reply_of(c, "4.0.0", "", 0);
		else if (strcmp(a, "delivered") == 0 || strcmp(a, "relayed") == 0 ||
		         strcmp(a, "expanded") == 0)
			reply_of(c, "2.0.0", "", 0);
		else
			return 0;
	}
	return emit(c);
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
static int status_part(struct ctx *c, struct span s, struct block *b)
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
			arr = when(arrival);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return have && block_report(c, b, arr);
}

/* --------------------------------------------------------- complaints */

/* Complaints for each Original-Rcpt-To of the report f (may be empty), else
 * for the recipients of the returned message.  Returns 1 when fn stopped. */
static int complaints(struct ctx *c, struct span f)
{
	char type[64] = "abuse", v[HDR_MAX], arrival[128] = "";
	const char *p = f.p, *end = f.p + f.n;
	int64_t t = when(c->date);
	size_t before = c->count;

	if (f.p != NULL) {
		size_t hlen;

		quell__mime_split(f.p, f.n, &hlen);
		end = f.p + f.n;
		if (quell__mime_header(f.p, f.n, "Feedback-Type", v, sizeof v) > 0)
			snprintf(type, sizeof type, "%.*s", (int)strcspn(v, " ;"), v);
		if (quell__mime_header(f.p, f.n, "Arrival-Date", arrival, sizeof arrival) > 0 ||
		    quell__mime_header(f.p, f.n, "Received-Date", arrival, sizeof arrival) > 0)
			if (when(arrival) != 0)
				t = when(arrival);
	}
	/* every Original-Rcpt-To line (the field may repeat) */
	while (f.p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl != NULL ? nl : end) - p), fl = field_name(p, len);

		if (fl > 0 && (name_is(p, fl, "Original-Rcpt-To") ||
		               name_is(p, fl, "Removal-Recipient"))) {
			rep_reset(c, t);
			snprintf(v, sizeof v, "%.*s", (int)(len - fl - 1), p + fl + 1);
			if (rcpt_of(v, c->rep.recipient, sizeof c->rep.recipient) == 0) {
				c->rep.complaint = 1;
				reply_of(c, "complaint:", type, strlen(type));
				if (emit(c))
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
	rep_reset(c, t);
	if (quell__dsn_addr(v, c->rep.recipient, sizeof c->rep.recipient) != 0)
		return 0;
	c->rep.complaint = 1;
	reply_of(c, "complaint:", type, strlen(type));
	return emit(c);
}

/* ---------------------------------------------------------- text bounces */

/* The header block of the returned message inside a text bounce: past the
 * cut line (unless it is a header itself) and blank lines. */
static struct span inline_orig(struct span t, size_t cut)
{
	struct span o = { t.p + cut, t.n - cut };
	size_t hlen;

	if (!(o.n >= 9 && quell__ieq(o.p, 9, "received:")) &&
	    !(o.n >= 12 && quell__ieq(o.p, 12, "return-path:"))) {
		char *nl = memchr(o.p, '\n', o.n);

		o.n = nl != NULL ? o.n - (size_t)(nl + 1 - o.p) : 0;
		o.p = nl != NULL ? nl + 1 : o.p + o.n;
	}
	while (o.n > 0 && (*o.p == '\n' || *o.p == ' ' || *o.p == '\t')) {
		o.p++;
		o.n--;
	}
	quell__mime_split(o.p, o.n, &hlen);
	o.n = hlen;
	return o;
}

static int text_bounce(struct ctx *c, struct span t)
{
	size_t cut = quell__dsn_text_cut(t.p, t.n), nh;
	int64_t when_ = when(c->date);
	char v[HDR_MAX];

	struct span o = inline_orig(t, cut);

	if (c->orig.p == NULL && o.n > 0)
		orig_headers(c, o);
	nh = quell__dsn_text_scan(t.p, cut, c->xfailed, &c->who, c->hits, QUELL__DSN_TEXT_RCPTS);
	if (nh == 0 && c->orig.p != NULL) {
		/* nobody named: the returned message's To, if it names one */
		if (quell__mime_header(c->orig.p, c->orig.n, "To", v, sizeof v) > 0) {
			if (quell__dsn_addr(v, c->hits[0].addr, sizeof c->hits[0].addr) == 0) {
				c->hits[0].text = t.p;
				c->hits[0].len = cut;
				nh = 1;
			}
		}
	}
	for (size_t i = 0; i < nh; i++) {
		rep_reset(c, when_);
		snprintf(c->rep.recipient, sizeof c->rep.recipient, "%s", c->hits[i].addr);
		if (nh == 1 && !has_code(c->hits[0].text, c->hits[0].len) &&
		    has_code(t.p, (size_t)(c->hits[0].text - t.p))) {
			/* one recipient, no reply near it but one before it:
			 * "Error message below: 550 ..." then the address */
			c->hits[0].len += (size_t)(c->hits[0].text - t.p);
			c->hits[0].text = t.p;
		}
		reply_of(c, "", c->hits[i].text, c->hits[i].len);
		if (c->rep.reply[0] == '\0')
			reply_of(c, "5.0.0", "", 0);
		if (emit(c))
			return 1;
	}
	return 0;
}

/* A text part that holds delivery-status fields itself (a report flattened
 * by a forwarder or a gateway): the span from its first Final-Recipient. */
static struct span inline_status(struct span t)
{
	struct span s = { NULL, 0 };
	char *p = t.p, *end = t.p + t.n;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl != NULL ? nl : end) - p);

		if (len > 16 && quell__ieq(p, 16, "final-recipient:")) {
			s.p = p;
			s.n = (size_t)(end - p);
			return s;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	return s;
}

static void run(struct ctx *c, struct block *b)
{
	struct span t = c->text;

	if (c->feedback.p != NULL) {
		complaints(c, c->feedback);
		return;
	}
	for (size_t i = 0; i < c->nstatus; i++)
		if (status_part(c, c->status[i], b))
			return;
	if (c->count > 0 || c->stop)
		return;
	if (c->orig.p != NULL && !c->report && quell__dsn_looks_complaint(c->subject)) {
		complaints(c, (struct span){ NULL, 0 });
		return;
	}
	if (t.p == NULL) { /* a message with no text part: its body */
		size_t hlen, body = quell__mime_split(c->buf, c->n, &hlen);

		if (c->parts > 0)
			return;
		t.p = c->buf + body;
		t.n = c->n - body;
	}
	t.n = quell__dsn_unquote(t.p, t.n);
	c->text = t;
	if (c->nstatus == 0) {
		struct span s = inline_status(t);

		if (s.p != NULL && status_part(c, s, b))
			return;
		if (c->count > 0)
			return;
	}
	if (!c->report && !quell__dsn_looks_bounce(c->from, c->subject, c->xfailed[0] != '\0') &&
	    !quell__dsn_text_replies(t.p, quell__dsn_text_cut(t.p, t.n)))
		return;
	text_bounce(c, t);
}

int quell_dsn_parse(const char *msg, size_t len, quell_dsn_fn fn, void *arg, size_t *count)
{
	struct ctx *c;
	struct block *b;
	int rc;

	if (count != NULL)
		*count = 0;
	if ((msg == NULL && len > 0) || fn == NULL)
		return QUELL_EINVAL;
	if (len > QUELL_DSN_SCAN_MAX)
		len = QUELL_DSN_SCAN_MAX;
	c = calloc(1, sizeof *c);
	b = malloc(sizeof *b);
	if (c == NULL || b == NULL || (c->buf = malloc(2 * len + 1)) == NULL) {
		free(b);
		free(c);
		return QUELL_ENOMEM;
	}
	c->fn = fn;
	c->arg = arg;
	c->n = quell__mime_unix(msg != NULL ? msg : "", len, c->buf);
	walk(c, c->buf, c->n, 0);
	run(c, b);
	rc = c->stop;
	if (count != NULL)
		*count = c->count;
	free(c->buf);
	free(b);
	free(c);
	return rc;
}
