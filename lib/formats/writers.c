/*
 * writers.c - the writers of formats.h: entries into quell's csv, jsonl
 * and plain, and into the shapes the providers import, for moving a list
 * to them.  Each line is built in one buffer and written with one fwrite;
 * output depends on nothing but the entries (fixed columns, fixed time
 * format), so export -> import -> export gives the same bytes.
 *
 * Provider shapes take suppress-list address entries only (no provider
 * has domain entries, allow lists or backoff state); they write whatever
 * stream the caller chose.  Control bytes never reach the output raw.
 *
 *   sendgrid  email,created (created in Unix seconds): the CSV that
 *             SendGrid's suppression import takes (a global or group
 *             unsubscribe list; SendGrid imports no bounces).
 *   mailgun   address,code,error,created_at: Mailgun's bounce import
 *             (POST /v3/DOMAIN/bounces/import); code is the entry's reply
 *             code or 550, error its reply text or reason, created_at RFC
 *             2822 (`Tue, 14 Nov 2023 22:13:20 UTC`).  A bounce stops
 *             delivery to the address, whatever made quell suppress it.
 *   ses       JSON Lines {"emailAddress":..,"reason":"BOUNCE"}: the input
 *             of SES's suppression list import job; COMPLAINT for
 *             complaints and unsubscribes, BOUNCE for the rest.
 *   postmark  {"Suppressions":[{"EmailAddress","SuppressionReason",
 *             "Origin","CreatedAt"}]}, one element per line: the body of
 *             Postmark's suppression API and the shape of its dumps.
 *             bounce -> HardBounce, complaint -> SpamComplaint (both from
 *             the Recipient), unsubscribe -> ManualSuppression from the
 *             Recipient, others -> ManualSuppression from the Customer.
 * Provider CSV cells carry no escapes (the providers decode none): a run
 * of control bytes becomes one space.  Every cell of every CSV shape gets
 * the formula guard (quell__csv_formula in text.h: a ' before a cell that
 * begins with = + - or @, also after spaces), the address too: an address
 * such as `=x@example.com` is legal, and a spreadsheet must not run it.
 * quell's provider readers drop that ' again.
 *
 * Knows nothing of LMDB or rules.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "formats.h"
#include "text.h"

enum { W_CSV = 1, W_JSONL, W_PLAIN, W_SENDGRID, W_MAILGUN, W_SES, W_POSTMARK };

static const struct {
	const char *name;
	int id;
	const char *header;
} shapes[] = {
	{ "csv", W_CSV, QUELL__COLUMNS "\n" },
	{ "jsonl", W_JSONL, "" },
	{ "plain", W_PLAIN, "" },
	{ "sendgrid", W_SENDGRID, "email,created\n" },
	{ "mailgun", W_MAILGUN, "address,code,error,created_at\n" },
	{ "ses", W_SES, "" },
	{ "postmark", W_POSTMARK, "{\"Suppressions\":[" },
};

struct quell__writer {
	FILE *out;
	int shape;
	int failed;           /* errno of a failed write, -1 out of memory, 0 */
	uint64_t written;     /* entries written */
	struct quell__buf b;  /* the line being built */
	char last[QUELL_ENTRY_MAX + 1]; /* plain: the key written last */
};

static void put(struct quell__buf *b, const char *s)
{
	quell__buf_put(b, s, strlen(s));
}

static void putc1(struct quell__buf *b, char c)
{
	quell__buf_put(b, &c, 1);
}

static void puthex(struct quell__buf *b, const char *pre, unsigned c, int width)
{
	static const char hex[] = "0123456789ABCDEF";
	char tmp[8];
	size_t n = strlen(pre);

	memcpy(tmp, pre, n);
	for (int i = width - 1; i >= 0; i--)
		tmp[n++] = hex[(c >> (4 * i)) & 15];
	quell__buf_put(b, tmp, n);
}

/* Length of the character at s[0..n) when it is valid UTF-8 and printable
 * (not a C1 control), else 0. */
static size_t printable_utf8(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;

	if (n < len || quell__utf8_check((const char *)s, len) != len)
		return 0;
	if (s[0] == 0xC2 && s[1] < 0xA0)
		return 0;
	return len;
}

/* ----------------------------------------------------------- CSV cells */

/*
 * One cell of quell's csv (formats.h): escapes for control bytes, quotes
 * when needed, and a ' before a cell that the formula guard names or that
 * begins with ' (quell's csv reader drops the first ' of every quoted
 * cell that has one).
 */
static void cell(struct quell__buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0;
	int prefix = n > 0 && (s[0] == '\'' || quell__csv_formula(str, n));
	int quote = prefix || strpbrk(str, ",\"") != NULL;

	if (quote)
		putc1(b, '"');
	if (prefix)
		putc1(b, '\'');
	while (i < n) {
		unsigned char c = s[i];
		size_t len;

		if (c >= 0x80) {
			if ((len = printable_utf8(s + i, n - i)) > 0) {
				quell__buf_put(b, s + i, len);
				i += len;
				continue;
			}
			puthex(b, "\\x", c, 2); /* a C1 control's bytes, or not UTF-8 */
		} else if (c == '\\') {
			put(b, "\\\\");
		} else if (c == '\n') {
			put(b, "\\n");
		} else if (c == '\r') {
			put(b, "\\r");
		} else if (c == '\t') {
			put(b, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			puthex(b, "\\x", c, 2);
		} else if (c == '"') {
			put(b, "\"\"");
		} else {
			putc1(b, (char)c);
		}
		i++;
	}
	if (quote)
		putc1(b, '"');
}

/*
 * One cell of a provider's CSV, which no reader decodes: each run of
 * control bytes (and bytes that are not UTF-8) becomes one space, and the
 * cell as written gets the formula guard when it needs it.
 */
static void provider_cell(struct quell__buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0, start = b->len, end, k;
	int quote = 0, space = 0, guard;

	while (i < n) {
		unsigned char c = s[i];
		size_t len = c < 0x80 ? (c >= 0x20 && c != 0x7f) : printable_utf8(s + i, n - i);

		if (len == 0) { /* a control byte */
			space = 1;
			i++;
			continue;
		}
		if (space)
			putc1(b, ' ');
		space = 0;
		if (c == '"')
			putc1(b, '"');
		quote |= c == '"' || c == ',';
		quell__buf_put(b, s + i, len);
		i += len;
	}
	if (space)
		putc1(b, ' ');
	if (b->oom)
		return;
	/* the guard looks at the cell as written (a tab became a space) */
	guard = quell__csv_formula((const char *)b->data + start, b->len - start);
	if (!guard && !quote)
		return;
	k = guard ? 2 : 1; /* the opening quote, and the ' */
	end = b->len;
	quell__buf_put(b, "\"'", k);
	if (b->oom)
		return;
	memmove(b->data + start + k, b->data + start, end - start);
	memcpy(b->data + start, "\"'", k);
	putc1(b, '"');
}

static void time_cell(struct quell__buf *b, int64_t t)
{
	char tb[QUELL_TIME_MAX];

	if (t != 0)
		put(b, quell_time_format(t, tb, sizeof tb));
}

static void num(struct quell__buf *b, uint64_t v)
{
	char nb[24];

	snprintf(nb, sizeof nb, "%llu", (unsigned long long)v);
	put(b, nb);
}

/* ---------------------------------------------------------- JSON values */

/* A JSON string as jansson writes it (\uXXXX in upper case), with DEL and
 * the C1 controls escaped too and bytes that are not UTF-8 as U+FFFD;
 * null for "". */
static void jstr(struct quell__buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0;

	if (n == 0) {
		put(b, "null");
		return;
	}
	putc1(b, '"');
	while (i < n) {
		unsigned char c = s[i];
		size_t len;

		if (c >= 0x80) {
			if ((len = printable_utf8(s + i, n - i)) > 0) {
				quell__buf_put(b, s + i, len);
				i += len;
				continue;
			}
			if (c == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] < 0xA0) {
				puthex(b, "\\u", s[i + 1], 4); /* C1 */
				i += 2;
				continue;
			}
			put(b, "\xEF\xBF\xBD");
		} else if (c == '"') {
			put(b, "\\\"");
		} else if (c == '\\') {
			put(b, "\\\\");
		} else if (c == '\n') {
			put(b, "\\n");
		} else if (c == '\r') {
			put(b, "\\r");
		} else if (c == '\t') {
			put(b, "\\t");
		} else if (c == '\b') {
			put(b, "\\b");
		} else if (c == '\f') {
			put(b, "\\f");
		} else if (c < 0x20 || c == 0x7f) {
			puthex(b, "\\u", c, 4);
		} else {
			putc1(b, (char)c);
		}
		i++;
	}
	putc1(b, '"');
}

static void jtime(struct quell__buf *b, int64_t t)
{
	char tb[QUELL_TIME_MAX];

	jstr(b, t != 0 ? quell_time_format(t, tb, sizeof tb) : "");
}

static void jkey(struct quell__buf *b, const char *key, int first)
{
	if (!first)
		putc1(b, ',');
	putc1(b, '"');
	put(b, key);
	put(b, "\":");
}

/* -------------------------------------------------------------- shapes */

static void put_csv(struct quell__buf *b, const struct quell_entry *e)
{
	const char *str[] = { e->key,
		              quell_list_name(e->list),
		              quell_scope_name(e->scope),
		              e->stream,
		              quell_source_name(e->source),
		              e->category,
		              e->rule };
	const int64_t t[] = { e->created, e->updated, e->expires, e->until, e->first_failure };

	for (size_t i = 0; i < sizeof str / sizeof str[0]; i++) {
		cell(b, str[i]);
		putc1(b, ',');
	}
	if (e->code != 0)
		num(b, (uint64_t)e->code);
	putc1(b, ',');
	cell(b, e->status);
	putc1(b, ',');
	cell(b, e->reply);
	putc1(b, ',');
	cell(b, e->reason);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		putc1(b, ',');
		time_cell(b, t[i]);
	}
	putc1(b, ',');
	num(b, e->attempts);
	putc1(b, ',');
	num(b, e->count);
	putc1(b, '\n');
}

static void put_jsonl(struct quell__buf *b, const struct quell_entry *e)
{
	putc1(b, '{');
	jkey(b, "entry", 1);
	jstr(b, e->key);
	jkey(b, "list", 0);
	jstr(b, quell_list_name(e->list));
	jkey(b, "scope", 0);
	jstr(b, quell_scope_name(e->scope));
	jkey(b, "stream", 0);
	jstr(b, e->stream);
	jkey(b, "source", 0);
	jstr(b, quell_source_name(e->source));
	jkey(b, "category", 0);
	jstr(b, e->category);
	jkey(b, "rule", 0);
	jstr(b, e->rule);
	jkey(b, "code", 0);
	if (e->code != 0)
		num(b, (uint64_t)e->code);
	else
		put(b, "null");
	jkey(b, "status", 0);
	jstr(b, e->status);
	jkey(b, "reply", 0);
	jstr(b, e->reply);
	jkey(b, "reason", 0);
	jstr(b, e->reason);
	jkey(b, "created", 0);
	jtime(b, e->created);
	jkey(b, "updated", 0);
	jtime(b, e->updated);
	jkey(b, "expires", 0);
	jtime(b, e->expires);
	jkey(b, "until", 0);
	jtime(b, e->until);
	jkey(b, "first_failure", 0);
	jtime(b, e->first_failure);
	jkey(b, "attempts", 0);
	num(b, e->attempts);
	jkey(b, "count", 0);
	num(b, e->count);
	put(b, "}\n");
}

/* `Tue, 14 Nov 2023 22:13:20 UTC` into out (at least 32 bytes), "" for 0. */
static const char *rfc2822(int64_t t, char *out, size_t size)
{
	static const char *const days[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char iso[QUELL_TIME_MAX];
	int64_t d = t / 86400 - (t % 86400 < 0);
	int m;

	if (t <= 0 || t > 253402300799) /* 0 is none; nothing is stored outside 1970..9999 */
		return "";
	quell_time_format(t, iso, sizeof iso); /* YYYY-MM-DDTHH:MM:SSZ */
	m = (iso[5] - '0') * 10 + (iso[6] - '0');
	snprintf(out, size, "%s, %.2s %s %.4s %.8s UTC", days[((d % 7) + 7) % 7], iso + 8,
	         months[(m - 1) % 12], iso, iso + 11);
	return out;
}

static void put_provider(struct quell__writer *w, const struct quell_entry *e)
{
	struct quell__buf *b = &w->b;
	char tb[64];

	switch (w->shape) {
	case W_SENDGRID:
		provider_cell(b, e->key);
		putc1(b, ',');
		if (e->created > 0)
			num(b, (uint64_t)e->created);
		putc1(b, '\n');
		break;
	case W_MAILGUN:
		provider_cell(b, e->key);
		putc1(b, ',');
		num(b, e->code >= 200 && e->code <= 999 ? (uint64_t)e->code : 550);
		putc1(b, ',');
		provider_cell(b, *e->reply != '\0' ? e->reply : e->reason);
		putc1(b, ',');
		provider_cell(b, rfc2822(e->created, tb, sizeof tb));
		putc1(b, '\n');
		break;
	case W_SES:
		put(b, "{\"emailAddress\":");
		jstr(b, e->key);
		put(b, e->source == QUELL_SOURCE_COMPLAINT || e->source == QUELL_SOURCE_UNSUBSCRIBE
		               ? ",\"reason\":\"COMPLAINT\"}\n"
		               : ",\"reason\":\"BOUNCE\"}\n");
		break;
	default: /* W_POSTMARK */
		put(b, w->written > 0 ? ",\n" : "\n");
		put(b, "{\"EmailAddress\":");
		jstr(b, e->key);
		put(b, e->source == QUELL_SOURCE_BOUNCE        ? ",\"SuppressionReason\":\"HardBounce\","
		                                                 "\"Origin\":\"Recipient\""
		       : e->source == QUELL_SOURCE_COMPLAINT   ? ",\"SuppressionReason\":\"SpamComplaint\","
		                                                 "\"Origin\":\"Recipient\""
		       : e->source == QUELL_SOURCE_UNSUBSCRIBE ? ",\"SuppressionReason\":\"ManualSuppression\","
		                                                 "\"Origin\":\"Recipient\""
		                                               : ",\"SuppressionReason\":\"ManualSuppression\","
		                                                 "\"Origin\":\"Customer\"");
		put(b, ",\"CreatedAt\":");
		jstr(b, e->created != 0 ? quell_time_format(e->created, tb, sizeof tb) : "");
		putc1(b, '}');
		break;
	}
}

/* -------------------------------------------------------------- writing */

static int fail(struct quell__writer *w, char *err, size_t errsize)
{
	if (w->failed == -1) {
		snprintf(err, errsize, "out of memory");
		return QUELL_ENOMEM;
	}
	snprintf(err, errsize, "write error: %s", strerror(w->failed));
	return QUELL_EIO;
}

/* Write out w->b and empty it. */
static int flush_line(struct quell__writer *w, char *err, size_t errsize)
{
	if (w->b.oom && w->failed == 0)
		w->failed = -1;
	if (w->failed == 0 && w->b.len > 0 && fwrite(w->b.data, 1, w->b.len, w->out) != w->b.len)
		w->failed = errno != 0 ? errno : EIO;
	w->b.len = 0;
	return w->failed != 0 ? fail(w, err, errsize) : 0;
}

int quell__writer_open(FILE *out, const char *format, struct quell__writer **wp, char *err,
                       size_t errsize)
{
	struct quell__writer *w;
	size_t i;
	int rc;

	*wp = NULL;
	for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		if (format != NULL && strcmp(format, shapes[i].name) == 0)
			break;
	if (i == sizeof shapes / sizeof shapes[0]) {
		snprintf(err, errsize, "unknown export format '%.40s' (csv, jsonl, plain, sendgrid, "
		                       "mailgun, ses or postmark)", format != NULL ? format : "");
		return QUELL_EINVAL;
	}
	if ((w = calloc(1, sizeof *w)) == NULL) {
		snprintf(err, errsize, "out of memory");
		return QUELL_ENOMEM;
	}
	w->out = out;
	w->shape = shapes[i].id;
	put(&w->b, shapes[i].header);
	if ((rc = flush_line(w, err, errsize)) != 0) {
		quell__buf_free(&w->b);
		free(w);
		return rc;
	}
	*wp = w;
	return 0;
}

static int has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int quell__writer_put(struct quell__writer *w, const struct quell_entry *e, char *err,
                      size_t errsize)
{
	if (w->failed != 0)
		return fail(w, err, errsize);
	switch (w->shape) {
	case W_CSV:
		put_csv(&w->b, e);
		break;
	case W_JSONL:
		put_jsonl(&w->b, e);
		break;
	case W_PLAIN:
		/* one line per key; a key cannot hold control bytes, but a line
		 * must not break if one did */
		if (strcmp(e->key, w->last) == 0 || has_control(e->key) || *e->key == '\0')
			return 1;
		snprintf(w->last, sizeof w->last, "%s", e->key);
		put(&w->b, e->key);
		putc1(&w->b, '\n');
		break;
	default:
		if (e->list != QUELL_LIST_SUPPRESS || e->scope != QUELL_SCOPE_ADDRESS)
			return 1;
		put_provider(w, e);
		break;
	}
	if (flush_line(w, err, errsize) != 0)
		return fail(w, err, errsize);
	w->written++;
	return 0;
}

int quell__writer_close(struct quell__writer *w, char *err, size_t errsize)
{
	int rc;

	if (w == NULL)
		return 0;
	if (w->shape == W_POSTMARK)
		put(&w->b, "\n]}\n");
	rc = flush_line(w, err, errsize);
	if (rc == 0 && (fflush(w->out) != 0 || ferror(w->out))) {
		w->failed = errno != 0 ? errno : EIO;
		rc = fail(w, err, errsize);
	}
	quell__buf_free(&w->b);
	free(w);
	return rc;
}
