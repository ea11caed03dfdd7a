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
 *   - a text that is an Amazon SES notification mailed by SNS gives its
 *     bounces, complaints and deliveries (dsn_ses.c);
 *   - a message that looks like a bounce without a report part is read as
 *     text (dsn_text.c).
 *
 * The fields of report parts are read in dsn_fields.c, text bounces in
 * dsn_text.c; reports are built and handed out in dsn_report.c.  Knows
 * nothing of rules or of the database: what a reply means is the rules'
 * business.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "dsn_ctx.h"
#include "mime.h"
#include "text.h"

#define MAX_DEPTH 8
#define MAX_PARTS 64
#define HDR_MAX QUELL__DSN_HDR_MAX

/* Decode part body b[0..n) as cte says into the decode area. */
static struct quell__dsn_span decode(struct quell__dsn_ctx *c, const char *cte, const char *b,
                                     size_t n, int html)
{
	struct quell__dsn_span s;
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

static void top_headers(struct quell__dsn_ctx *c, const char *h, size_t hn)
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

static void orig_headers(struct quell__dsn_ctx *c, struct quell__dsn_span o)
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

static void walk(struct quell__dsn_ctx *c, const char *m, size_t n, int depth)
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
		if (c->nstatus < QUELL__DSN_STATUS_PARTS)
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

/* ---------------------------------------------------------- text bounces */

/* The header block of the returned message inside a text bounce: past the
 * cut line (unless it is a header itself) and blank lines. */
static struct quell__dsn_span inline_orig(struct quell__dsn_span t, size_t cut)
{
	struct quell__dsn_span o = { t.p + cut, t.n - cut };
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

/*
 * One recipient and no reply in the text about it, but a reply before it:
 * "Error: ...", "Error message below:", "550 ... no such user here", then
 * the message's details naming the address (carriers' gateways, some
 * groupware).  The reply is the text: the details that follow name the
 * sender ("MAIL FROM:"), which would read as blaming us.  Else, when the
 * text before it starts with a reply, all of it.
 */
static void reply_before(struct quell__dsn_hit *h, struct quell__dsn_span t)
{
	size_t before = (size_t)(h->text - t.p), s, len;

	if (quell__dsn_text_last_reply(t.p, before, &s, &len)) {
		h->text = t.p + s;
		h->len = len;
	} else if (quell__dsn_has_code(t.p, before)) {
		h->len += before;
		h->text = t.p;
	}
}

static int text_bounce(struct quell__dsn_ctx *c, struct quell__dsn_span t)
{
	size_t cut = quell__dsn_text_cut(t.p, t.n), nh;
	int64_t when_ = quell__dsn_when(c->date);
	char v[HDR_MAX];

	struct quell__dsn_span o = inline_orig(t, cut);

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
		quell__dsn_rep_reset(c, when_);
		snprintf(c->rep.recipient, sizeof c->rep.recipient, "%s", c->hits[i].addr);
		if (nh == 1 && !quell__dsn_has_code(c->hits[0].text, c->hits[0].len))
			reply_before(&c->hits[0], t);
		quell__dsn_reply(c, "", c->hits[i].text, c->hits[i].len);
		if (c->rep.reply[0] == '\0')
			quell__dsn_reply(c, "5.0.0", "", 0);
		if (quell__dsn_emit(c))
			return 1;
	}
	return 0;
}

/* A text part that holds delivery-status fields itself (a report flattened
 * by a forwarder or a gateway): the span from its first Final-Recipient. */
static struct quell__dsn_span inline_status(struct quell__dsn_span t)
{
	struct quell__dsn_span s = { NULL, 0 };
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

static void run(struct quell__dsn_ctx *c, struct quell__dsn_block *b)
{
	struct quell__dsn_span t = c->text;

	if (c->feedback.p != NULL) {
		quell__dsn_complaints(c, c->feedback);
		return;
	}
	for (size_t i = 0; i < c->nstatus; i++)
		if (quell__dsn_status_part(c, c->status[i], b))
			return;
	if (c->count > 0 || c->stop)
		return;
	if (c->orig.p != NULL && !c->report && quell__dsn_looks_complaint(c->subject)) {
		quell__dsn_complaints(c, (struct quell__dsn_span){ NULL, 0 });
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
	if (c->nstatus == 0 && !c->report && quell__dsn_ses(c, t))
		return;
	if (c->nstatus == 0) {
		struct quell__dsn_span s = inline_status(t);

		if (s.p != NULL && quell__dsn_status_part(c, s, b))
			return;
		if (c->count > 0)
			return;
	}
	if (!c->report && !quell__dsn_looks_bounce(c->from, c->subject, c->xfailed[0] != '\0') &&
	    !quell__dsn_text_replies(t.p, quell__dsn_text_cut(t.p, t.n)))
		return;
	text_bounce(c, t);
}

int quell_dsn_parse(const char *msg, size_t len, quell_dsn_cb fn, void *arg, size_t *count)
{
	struct quell__dsn_ctx *c;
	struct quell__dsn_block *b;
	size_t hlen, body;
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
	body = quell__mime_split(c->buf, c->n, &hlen);
	c->body_digest = quell__fnv64(QUELL__FNV64_INIT, c->buf + body, c->n - body);
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
