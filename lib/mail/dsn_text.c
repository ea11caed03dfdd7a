/*
 * dsn_text.c - bounces written for people (see dsn.h): qmail's "<a@b>:"
 * paragraphs, Exim's indented address lists, old Exchange's "did not reach
 * the following recipient(s)", Google's "Delivery to the following
 * recipient failed permanently", and the rest.  No per-vendor code: a
 * recipient is an address the text names that is not one of the people
 * the bounce is from or to, and the text about it runs to the next
 * recipient.
 *
 * Every scan moves forward; addresses are at most 64 + 1 + 255 bytes, so
 * finding them is linear.  Knows nothing of MIME, rules or the database.
 */
#include <stdio.h>
#include <string.h>

#include "dsn.h"
#include "text.h"

#define ABOUT_MAX 4096 /* bytes of text about one recipient */
#define OCC_MAX 512    /* address occurrences looked at in one text */

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static int alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int atext(char c)
{
	return alnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL);
}

static int domchar(char c)
{
	return alnum(c) || c == '-' || c == '.';
}

/* Whether s[0..n) holds the ASCII word w, any case (w lowercase). */
static int has_word(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	for (size_t i = 0; i + wl <= n; i++)
		if (lower(s[i]) == w[0] && quell__ieq(s + i, wl, w))
			return 1;
	return 0;
}

/*
 * The address around the '@' at t[at] (t[lo..hi) is the line): its start
 * and length, or 0.  The local part is dot-atoms of at most 64 bytes, the
 * domain at least two labels of letters, digits and hyphens, the last one
 * letters; a dot ending a sentence is left out.
 */
static int addr_at(const char *t, size_t lo, size_t hi, size_t at, size_t *start, size_t *len)
{
	size_t s = at, e = at + 1, lastdot = 0, dots = 0;

	while (s > lo && at - s < 64 && atext(t[s - 1]))
		s--;
	while (s < at && (t[s] == '.' || t[s] == '\'' || t[s] == '='))
		s++; /* quotes and dots around: not part of it */
	if (s == at || t[at - 1] == '.' || (s > lo && t[s - 1] == '/'))
		return 0;
	while (e < hi && e - at <= 255 && domchar(t[e])) {
		if (t[e] == '.') {
			if (t[e - 1] == '.' || t[e - 1] == '@')
				return 0;
			dots++;
			lastdot = e;
		}
		e++;
	}
	while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-')) {
		if (t[e - 1] == '.') {
			dots--;
			lastdot = 0;
			for (size_t k = at + 1; k + 1 < e - 1; k++)
				if (t[k] == '.')
					lastdot = k;
		}
		e--;
	}
	if (dots == 0 || lastdot == 0 || e - lastdot < 3 || e - at - 1 > 253)
		return 0;
	for (size_t k = lastdot + 1; k < e; k++)
		if (!((t[k] >= 'a' && t[k] <= 'z') || (t[k] >= 'A' && t[k] <= 'Z')))
			return 0;
	*start = s;
	*len = e - s;
	return 1;
}

int quell__dsn_addr(const char *v, char *out, size_t outsize)
{
	size_t n = strlen(v), s, len;
	const char *at = v;

	out[0] = '\0';
	while ((at = memchr(at, '@', n - (size_t)(at - v))) != NULL) {
		if (addr_at(v, 0, n, (size_t)(at - v), &s, &len) && len < outsize) {
			for (size_t i = 0; i < len; i++)
				out[i] = v[s + i];
			out[len] = '\0';
			return 0;
		}
		at++;
	}
	return -1;
}

static void lower_str(char *s)
{
	for (; *s != '\0'; s++)
		*s = lower(*s);
}

void quell__dsn_who_add(struct quell__dsn_who *who, const char *v)
{
	size_t n = strlen(v), s, len;
	const char *at = v;

	while ((at = memchr(at, '@', n - (size_t)(at - v))) != NULL && who->n < QUELL__DSN_WHO_MAX) {
		if (addr_at(v, 0, n, (size_t)(at - v), &s, &len) && len < QUELL__DSN_ADDR_MAX) {
			memcpy(who->addr[who->n], v + s, len);
			who->addr[who->n][len] = '\0';
			lower_str(who->addr[who->n]);
			who->n++;
			at = v + s + len;
			continue;
		}
		at++;
	}
}

static int same_addr(const char *a, size_t alen, const char *b)
{
	return quell__ieq(a, alen, b);
}

static int excluded(const struct quell__dsn_who *who, const char *a, size_t alen, int lax)
{
	const char *at = memchr(a, '@', alen);
	size_t ll = (size_t)(at - a);

	for (size_t i = 0; i < who->n && !lax; i++)
		if (same_addr(a, alen, who->addr[i]))
			return 1;
	if (quell__ieq(a, ll, "mailer-daemon") || quell__ieq(a, ll, "mailer_daemon"))
		return 1;
	return quell__ieq(a, ll, "postmaster") && who->from_domain[0] != '\0' &&
	       quell__ieq(at + 1, alen - ll - 1, who->from_domain);
}

/* Lines of header fields inside a report text that name other people. */
static int header_line(const char *t, size_t lo, size_t hi)
{
	static const char *const names[] = { "message-id:", "in-reply-to:", "references:",
		                             "from:", "sender:", "reply-to:", "return-path:",
		                             "mail from:", "envelope-from", "x-", NULL };
	while (lo < hi && (t[lo] == ' ' || t[lo] == '\t' || t[lo] == '>'))
		lo++;
	for (int i = 0; names[i] != NULL; i++) {
		size_t l = strlen(names[i]);
		if (hi - lo >= l && quell__ieq(t + lo, l, names[i]))
			return 1;
	}
	return 0;
}

/* Whether only white space, '<', quotes and list marks precede t[s] on
 * its line t[lo..). */
static int starts_line(const char *t, size_t lo, size_t s)
{
	for (size_t k = lo; k < s; k++)
		if (strchr(" \t<\"'*-(", t[k]) == NULL)
			return 0;
	return 1;
}

static const char *const cut_words[] = {
	"original message", "original mail", "copy of the message", "copy of your message",
	"message headers follow", "headers of the original", "header of the original",
	"returned message", "below this line", "undelivered message", "message header follows",
	"original header", "header of original", "rfc822", "unsent message", NULL
};

size_t quell__dsn_text_cut(const char *t, size_t n)
{
	size_t lo = 0, hi;

	while (lo < n) {
		const char *nl = memchr(t + lo, '\n', n - lo);
		size_t len;

		hi = nl != NULL ? (size_t)(nl - t) : n;
		len = hi - lo;
		if ((len >= 9 && quell__ieq(t + lo, 9, "received:")) ||
		    (len >= 12 && quell__ieq(t + lo, 12, "return-path:")))
			return lo;
		if (len > 0 && (len <= 50 || !alnum(t[lo])))
			for (int i = 0; cut_words[i] != NULL; i++)
				if (has_word(t + lo, len, cut_words[i]))
					return lo;
		lo = hi + 1;
	}
	return n;
}

struct occ {
	size_t pos, len, line, eol; /* the address, its line's start and end */
	int first;                  /* starts its line */
	int rcpt;                   /* index into hits, or -1 */
};

/* Every address occurrence in t[0..n), at most max. */
static size_t occurrences(const char *t, size_t n, struct occ *o, size_t max)
{
	size_t k = 0, lo = 0;

	while (lo < n && k < max) {
		const char *nl = memchr(t + lo, '\n', n - lo), *at;
		size_t hi = nl != NULL ? (size_t)(nl - t) : n, p = lo, s, len;

		if (!header_line(t, lo, hi)) {
			while (k < max && (at = memchr(t + p, '@', hi - p)) != NULL) {
				size_t a = (size_t)(at - t);

				if (addr_at(t, lo, hi, a, &s, &len)) {
					o[k] = (struct occ){ s, len, lo, hi, starts_line(t, lo, s), -1 };
					k++;
					p = s + len;
				} else {
					p = a + 1;
				}
			}
		}
		lo = hi + 1;
	}
	return k;
}

static int find_hit(const struct quell__dsn_hit *hits, size_t nh, const char *a, size_t alen)
{
	for (size_t i = 0; i < nh; i++)
		if (same_addr(a, alen, hits[i].addr))
			return (int)i;
	return -1;
}

static size_t add_hit(struct quell__dsn_hit *hits, size_t nh, size_t max, const char *a,
                      size_t alen)
{
	if (nh >= max || alen >= QUELL__DSN_ADDR_MAX || find_hit(hits, nh, a, alen) >= 0)
		return nh;
	memcpy(hits[nh].addr, a, alen);
	hits[nh].addr[alen] = '\0';
	hits[nh].text = NULL;
	hits[nh].len = 0;
	return nh + 1;
}

/* Whether the line t[lo..hi) separates sections of a report: a rule of
 * dashes, equals signs, stars or underscores, or sendmail's "While
 * talking to HOST:". */
static int separator(const char *t, size_t lo, size_t hi)
{
	while (lo < hi && (t[lo] == ' ' || t[lo] == '\t'))
		lo++;
	if (hi - lo >= 3 && strchr("-=*_", t[lo]) != NULL && t[lo + 1] == t[lo] &&
	    t[lo + 2] == t[lo])
		return 1;
	return hi - lo >= 16 && quell__ieq(t + lo, 16, "while talking to");
}

/* The text of each hit: from the first line naming it, to the line before
 * the next line that names another hit (or the end, n), or to the first
 * section separator after the last line naming it. */
static void texts(const char *t, size_t n, struct occ *o, size_t no,
                  struct quell__dsn_hit *hits, size_t nh)
{
	for (size_t i = 0; i < no; i++)
		o[i].rcpt = find_hit(hits, nh, t + o[i].pos, o[i].len);
	for (size_t h = 0; h < nh; h++) {
		size_t i, start, end = n, last;

		for (i = 0; i < no && o[i].rcpt != (int)h; i++)
			;
		if (i == no)
			continue;
		start = o[i].line;
		last = o[i].eol;
		for (i++; i < no; i++) {
			if (o[i].line != start && o[i].rcpt >= 0 && o[i].rcpt != (int)h) {
				end = o[i].line;
				break;
			}
			if (o[i].rcpt == (int)h)
				last = o[i].eol;
		}
		/* past the last line naming it, a separator ends its text */
		for (size_t lo = last + 1; lo < end;) {
			const char *nl = memchr(t + lo, '\n', end - lo);
			size_t hi = nl != NULL ? (size_t)(nl - t) : end;

			if (separator(t, lo, hi)) {
				end = lo;
				break;
			}
			lo = hi + 1;
		}
		hits[h].text = t + start;
		hits[h].len = (end > start ? end : start) - start;
	}
}

size_t quell__dsn_text_scan(const char *t, size_t n, const char *listed,
                            const struct quell__dsn_who *who, struct quell__dsn_hit *hits,
                            size_t max)
{
	struct occ o[OCC_MAX];
	size_t no = occurrences(t, n, o, OCC_MAX), nh = 0;
	int any_first = 0;

	if (listed != NULL && listed[0] != '\0') {
		size_t ln = strlen(listed), s, len, named = 0;
		const char *at = listed;

		while ((at = memchr(at, '@', ln - (size_t)(at - listed))) != NULL) {
			if (addr_at(listed, 0, ln, (size_t)(at - listed), &s, &len)) {
				nh = add_hit(hits, nh, max, listed + s, len);
				at = listed + s + len;
			} else {
				at++;
			}
		}
		/* a list that the text contradicts (names none of) gives way */
		for (size_t i = 0; i < no; i++)
			if (find_hit(hits, nh, t + o[i].pos, o[i].len) >= 0)
				named++;
		if (named == 0 && no > 0)
			nh = 0;
	}
	/* addresses that start a line, else any; the people the bounce is
	 * from and to only when the text names nobody else (mail to oneself) */
	for (int pass = 0; pass < 2 && nh == 0; pass++) {
		for (size_t i = 0; i < no; i++)
			if (o[i].first && !excluded(who, t + o[i].pos, o[i].len, pass))
				any_first = 1;
		for (size_t i = 0; i < no; i++)
			if ((o[i].first || !any_first) && !excluded(who, t + o[i].pos, o[i].len, pass))
				nh = add_hit(hits, nh, max, t + o[i].pos, o[i].len);
	}
	texts(t, n, o, no, hits, nh);
	for (size_t h = 0; h < nh; h++) {
		if (hits[h].text == NULL) { /* listed, but not named: all of it */
			hits[h].text = t;
			hits[h].len = n;
		}
		if (hits[h].len > ABOUT_MAX)
			hits[h].len = ABOUT_MAX;
	}
	return nh;
}

int quell__dsn_text_about(const char *t, size_t n, const char *addr, const char **text,
                          size_t *len)
{
	struct quell__dsn_who none;
	struct quell__dsn_hit hits[QUELL__DSN_TEXT_RCPTS];
	size_t nh;
	int h;

	memset(&none, 0, sizeof none);
	nh = quell__dsn_text_scan(t, n, NULL, &none, hits, QUELL__DSN_TEXT_RCPTS);
	h = find_hit(hits, nh, addr, strlen(addr));
	if (h < 0)
		return 0;
	*text = hits[h].text;
	*len = hits[h].len;
	return 1;
}

static const char *const bounce_from[] = { "mailer-daemon", "mailer_daemon", "postmaster",
	                                   "mail delivery", "maildelivery", "mail administrator",
	                                   "mail system", "mmdf", "returned mail", NULL };
static const char *const bounce_subject[] = {
	"undeliver", "undelivered", "delivery status", "delivery fail", "delivery has failed",
	"delivery notification", "delivery problem", "delivery error", "mail delivery",
	"failure notice", "failed delivery", "returned mail", "returned to sender",
	"returning message", "non-delivery", "nondeliver", "could not be delivered",
	"couldn't be delivered", "not delivered", "unable to deliver", "mail failure",
	"mail system error", "could not send", "delivery report", "bounce", "error notification",
	"rejected:", "nicht zustellbar", "non remis", "no se puede entregar",
	"\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc", /* "error" in Japanese (katakana) */
	NULL
};

int quell__dsn_looks_bounce(const char *from, const char *subject, int xfailed)
{
	if (xfailed)
		return 1;
	for (int i = 0; bounce_from[i] != NULL; i++)
		if (has_word(from, strlen(from), bounce_from[i]))
			return 1;
	for (int i = 0; bounce_subject[i] != NULL; i++)
		if (has_word(subject, strlen(subject), bounce_subject[i]))
			return 1;
	return 0;
}

/* Whether the line l[0..n) starts with an SMTP reply about a mailbox:
 * "550 5.1.1 ...", "550-Requested action not taken: no such user". */
static int reply_line(const char *l, size_t n)
{
	static const char *const words[] = { "user", "mailbox", "recipient", "address",
		                             "requested action", "not ", "denied", "rejected",
		                             "unknown", "unavailable", "refused", NULL };
	size_t i = 0;

	while (i < n && strchr(" \t<>", l[i]) != NULL)
		i++;
	if (n - i < 5 || (l[i] != '4' && l[i] != '5') || l[i + 1] < '0' || l[i + 1] > '9' ||
	    l[i + 2] < '0' || l[i + 2] > '9' || (l[i + 3] != ' ' && l[i + 3] != '-'))
		return 0;
	l += i + 4;
	n -= i + 4;
	for (i = 0; i + 4 < n; i++)
		if (l[i] >= '2' && l[i] <= '5' && l[i + 1] == '.' && l[i + 2] >= '0' && l[i + 2] <= '9')
			return 1;
	for (int k = 0; words[k] != NULL; k++)
		if (has_word(l, n, words[k]))
			return 1;
	return 0;
}

int quell__dsn_text_replies(const char *t, size_t n)
{
	size_t s, len;

	return quell__dsn_text_last_reply(t, n, &s, &len);
}

int quell__dsn_text_last_reply(const char *t, size_t n, size_t *start, size_t *len)
{
	size_t lo = 0, code_at = 0;
	int found = 0, going = 0;

	while (lo < n) {
		const char *nl = memchr(t + lo, '\n', n - lo);
		size_t hi = nl != NULL ? (size_t)(nl - t) : n, i = lo;

		while (i < hi && strchr(" \t<>", t[i]) != NULL)
			i++;
		if (reply_line(t + lo, hi - lo)) {
			/* "550-..." lines then "550 ...": one reply */
			if (!going || hi - i < 3 || memcmp(t + i, t + code_at, 3) != 0)
				*start = lo;
			code_at = i;
			*len = hi - *start;
			found = going = 1;
		} else if (going && hi - i >= 4 && memcmp(t + i, t + code_at, 3) == 0 &&
		           (t[i + 3] == ' ' || t[i + 3] == '-')) {
			*len = hi - *start; /* a continuation without the usual words */
		} else {
			going = 0;
		}
		lo = hi + 1;
	}
	return found;
}

size_t quell__dsn_unquote(char *t, size_t n)
{
	size_t lo = 0, lines = 0, quoted = 0, o = 0;

	while (lo < n) {
		const char *nl = memchr(t + lo, '\n', n - lo);
		size_t hi = nl != NULL ? (size_t)(nl - t) : n;

		if (hi > lo) {
			lines++;
			quoted += t[lo] == '>';
		}
		lo = hi + 1;
	}
	if (lines < 5 || quoted * 10 < lines * 6)
		return n;
	for (lo = 0; lo < n;) {
		if (t[lo] == '>') {
			lo++;
			if (lo < n && t[lo] == ' ')
				lo++;
		}
		while (lo < n && t[lo] != '\n')
			t[o++] = t[lo++];
		if (lo < n)
			t[o++] = t[lo++];
	}
	return o;
}

int quell__dsn_looks_complaint(const char *subject)
{
	size_t n = strlen(subject);

	return has_word(subject, n, "complaint about") || has_word(subject, n, "abuse report") ||
	       has_word(subject, n, "spam report") || has_word(subject, n, "feedback report");
}

/* The length of the valid UTF-8 character at s (room n), or 0. */
static size_t seq_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t l = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

	if (l > n)
		return 0;
	return quell__utf8_check(s, l) == l ? l : 0;
}

size_t quell__dsn_clean(char *out, size_t outsize, const char *in, size_t n)
{
	size_t i = 0, o = 0;
	int space = 0, shifted = 0;

	if (outsize == 0)
		return 0;
	while (i < n) {
		unsigned char c = (unsigned char)in[i];
		size_t l;

		if (c == 0x1B) { /* ISO-2022: ESC $ shifts out of ASCII, ESC ( back */
			shifted = i + 1 < n && in[i + 1] == '$';
			i += i + 2 < n ? 3 : n - i;
			space = 1;
			continue;
		}
		if (shifted || c == 0x0E || c == 0x0F) {
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7F || c == ' ') {
			space = 1;
			i++;
			continue;
		}
		l = seq_len(in + i, n - i);
		if (l == 0 || (l == 2 && c == 0xC2 && (unsigned char)in[i + 1] < 0xA0)) {
			/* an invalid byte, or a C1 control: dropped */
			i += l == 0 ? 1 : l;
			space |= l != 0;
			continue;
		}
		if (o + (space && o > 0) + l + 1 > outsize)
			break;
		if (space && o > 0)
			out[o++] = ' ';
		space = 0;
		memcpy(out + o, in + i, l);
		o += l;
		i += l;
	}
	out[o] = '\0';
	return o;
}
