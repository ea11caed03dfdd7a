/*
 * formats.h - the import and export formats: readers that turn bytes into
 * rows, writers that turn entries into bytes.  This header is the contract
 * with the batch importer and the export command.
 *
 * The format layer knows nothing of LMDB, the rules or address
 * normalization: a row holds the entry as written, the provider's words
 * mapped to quell's (source, category, stream), and times parsed.  The
 * importer normalizes, sorts, runs the rules and writes.
 *
 * Formats (the names taken by --format):
 *
 *   plain     one address or domain per line; blank lines and lines whose
 *             first non-blank character is '#' are skipped; white space
 *             around the entry is dropped.
 *   csv       quell's own, lossless (see "quell's csv" below).
 *   jsonl     quell's own, lossless: one object per line with the csv
 *             column names as keys; null or "" = absent.
 *   sendgrid  SendGrid suppression exports, CSV.  The kind is told by the
 *             columns, or by the file name when it says (its letters and
 *             digits hold bounce, block, invalidemail, spam, unsub or
 *             group):
 *               bounces        email,created,status,reason -> bounce; reason
 *                              is the reply, status its status: rules decide
 *               blocks         email,created,reason,status -> same as bounces
 *               invalid emails email,created,reason -> bounce, category
 *                              bad-mailbox, reason kept as text.  Without a
 *                              name hint, a reason that reads as an SMTP reply
 *                              ("550 ...", "5.7.1 ...", "smtp; ...") is taken
 *                              as a block's reply instead.
 *               spam reports   email,created,ip -> complaint
 *               unsubscribes   email,created -> unsubscribe
 *               group unsubscribes  with a group (name) or group_id column:
 *                              unsubscribe, the group as the stream
 *             `created` is Unix seconds or `2023-11-14 22:13:20` (UTC).
 *             Also the JSON arrays of SendGrid's API (/v3/suppression/...,
 *             /v3/asm/suppressions): [{"email","created","reason",
 *             "status"}...], the kind told by the first element's keys as
 *             by columns (quell__reader_kind is "" until it was read).
 *   mailgun   Mailgun exports, CSV; kind by columns or file name (bounce,
 *             unsub, complain):
 *               bounces        address,code,error,created_at -> bounce; error
 *                              is the reply, code its basic code
 *               unsubscribes   address,tags,created_at -> unsubscribe, one row
 *                              per tag as the stream; `*` or no tag gives one
 *                              stream-less row.  Tags are separated by commas,
 *                              semicolons or white space; a JSON-style list
 *                              ["a","b"] works too.
 *               complaints     address,created_at -> complaint
 *             created_at as RFC 2822, `Tue, 14 Nov 2023 22:13:20 UTC`.
 *             Also Mailgun's API pages {"items":[...],"paging":{...}}, the
 *             kind told by the first item's keys; tags as a JSON list.
 *   ses       Amazon SES account suppression list: CSV email,reason (with or
 *             without the header line, as SES's bulk import takes it), JSON
 *             Lines {"emailAddress":..,"reason":"BOUNCE","lastUpdateTime":..},
 *             and the JSON of `aws sesv2 list-suppressed-destinations`
 *             ({"SuppressedDestinationSummaries":[{"EmailAddress",
 *             "Reason","LastUpdateTime"}],...}).  BOUNCE -> bounce,
 *             COMPLAINT -> complaint.
 *   postmark  Postmark suppression dumps: JSON {"Suppressions":[{
 *             "EmailAddress","SuppressionReason","Origin","CreatedAt"}]} and
 *             CSV with the same column names.  HardBounce -> bounce,
 *             SpamComplaint -> complaint, ManualSuppression -> unsubscribe
 *             when Origin is Recipient, else manual.  A MessageStream
 *             column or key, if any, is the stream of unsubscribe and
 *             manual rows.
 *
 * Columns (and JSON keys) are found by name, in any order, ignoring ASCII
 * case and surrounding white space; unknown ones are ignored; a name given
 * twice is an error.  Provider times may be Unix seconds (JSON numbers
 * too), RFC 3339, `YYYY-MM-DD HH:MM:SS` (UTC) or RFC 2822 (`+0000`, `UTC`,
 * `GMT`, US zone names); the provider's one time is the row's `created`.
 * An unquoted RFC 2822 date that split a row at its comma is joined back.
 *
 * Detection (format NULL or ""), from the first non-blank line:
 *   '#'                       plain
 *   '['                       a JSON array: SendGrid's API (sendgrid)
 *   '{'                       JSON: a one-line object with "entry" is jsonl,
 *                             with "emailAddress" ses; a document holding
 *                             "SuppressedDestinationSummaries" is ses, one
 *                             holding "Suppressions" postmark, one holding
 *                             "items" Mailgun's API (mailgun)
 *   a CSV header              by its column names: entry -> csv;
 *                             suppressionreason -> postmark; address ->
 *                             mailgun; email with created -> sendgrid; email
 *                             or emailaddress with reason -> ses; email alone
 *                             -> sendgrid
 *   ADDRESS,BOUNCE|COMPLAINT  ses without a header line
 *   no comma and no quote     plain
 * Anything else cannot be told and must be named.  An empty input is an
 * empty plain file.
 *
 * quell's csv: written with the header QUELL__COLUMNS, read with any of
 * those columns in any order (entry is needed); times are RFC 3339 UTC
 * (quell_time_format); an empty cell is absent (a string "", a code or
 * time 0); attempts and count are always written as numbers.  The entry
 * is the store's key as given (a domain entry `example.com`, its scope
 * `domain`); the importer normalizes, so `@example.com` reads too.  Lines
 * end in LF (CRLF is read too).  Two rules keep cells safe in a
 * spreadsheet and the file lossless:
 *   - control bytes are escaped inside cells: \n \r \t, \\ for a backslash,
 *     \xHH for other C0 bytes, DEL, the bytes of C1 characters and bytes
 *     that are not UTF-8.  The reader undoes exactly these escapes; any
 *     other backslash is kept as it is.
 *   - a cell that would begin with = + - @ (also after spaces) or ' is
 *     written quoted with a ' in front ("'=1", "' =1", "'-x@example.com",
 *     "''quoted").  In quell's csv the reader drops the first ' of every
 *     QUOTED cell that begins with one; an unquoted ' stays.  (Provider
 *     CSVs are written without escapes but with the same formula guard,
 *     quell__csv_formula in text.h, and their readers drop one ' from a
 *     cell that the guard made: see writers.c.)
 * Writers are deterministic, so export -> import -> export is identical.
 *
 * Limits: a row (a CSV record's cells, a line, a JSON array element) holds
 * at most QUELL__ROW_MAX bytes, and a CSV row at most QUELL__COLS_MAX
 * cells.  Memory is constant whatever the input size: whole JSON documents
 * (also a document that is an array) are scanned one element at a time.
 *
 * Text is valid UTF-8 from the moment it enters: a reply or reason that is
 * not (a Latin-1 reply from an old server, stored by an older quell and
 * exported as \xHH escapes) is repaired by quell__utf8_repair (text.h),
 * never a reason to reject the row, and the row is marked repaired.  In a
 * JSON record (which must be UTF-8 as a whole) every invalid byte becomes
 * U+FFFD; the row is rejected only when that lands in the entry, stream,
 * category, rule or status.
 *
 * Rejected rows: bad quoting, NUL bytes, invalid UTF-8 (outside texts),
 * malformed JSON,
 * wrong column counts, bad times, numbers and names, rows over the limit.
 * Reading goes on after each: at the next line for CSV quoting errors and
 * over-long rows (counting lines as in the file), at the end of the row
 * otherwise, at the next element in JSON documents.  A quoted cell still
 * open at the end of the input is one rejected row, at the line where its
 * row starts.  A JSON document whose structure breaks between elements (a
 * missing ',') ends there.
 *
 * For the importer: a row with restore set is the state to write as it
 * stands.  Other rows: list 0 and source 0 take the importer's defaults;
 * scope 0 comes from the entry; a row with a reply, status or code goes
 * through the rules (its parts as they are: quell__reply_parse_parts), with
 * `created` as its time when it has one; a row without is suppressed as
 * it stands, with its category hint when it has one.
 *
 * Threads: a reader or writer is used by one thread at a time.  Nothing is
 * global.
 */
#ifndef QUELL_FORMATS_H
#define QUELL_FORMATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "quell.h"

#define QUELL__ROW_MAX 65536 /* bytes in one row (cells, line or JSON element) */
#define QUELL__COLS_MAX 256  /* cells in one CSV row */

/* quell's csv header, and the jsonl keys in the order written. */
#define QUELL__COLUMNS                                                                          \
	"entry,list,scope,stream,source,category,rule,code,status,reply,reason,created,"      \
	"updated,expires,until,first_failure,attempts,count"

/* Which fields a row carried: set when the input gave a non-empty value. */
enum {
	QUELL__HAS_ENTRY = 1u << 0,
	QUELL__HAS_LIST = 1u << 1,
	QUELL__HAS_SCOPE = 1u << 2,
	QUELL__HAS_STREAM = 1u << 3,
	QUELL__HAS_SOURCE = 1u << 4,
	QUELL__HAS_CATEGORY = 1u << 5,
	QUELL__HAS_RULE = 1u << 6,
	QUELL__HAS_CODE = 1u << 7,
	QUELL__HAS_STATUS = 1u << 8,
	QUELL__HAS_REPLY = 1u << 9,
	QUELL__HAS_REASON = 1u << 10,
	QUELL__HAS_CREATED = 1u << 11,
	QUELL__HAS_UPDATED = 1u << 12,
	QUELL__HAS_EXPIRES = 1u << 13,
	QUELL__HAS_UNTIL = 1u << 14,
	QUELL__HAS_FIRST_FAILURE = 1u << 15,
	QUELL__HAS_ATTEMPTS = 1u << 16,
	QUELL__HAS_COUNT = 1u << 17
};

/*
 * One input row, as read.  Strings are NUL-terminated UTF-8, never NULL
 * ("" when absent), and live until the next quell__reader_next or
 * quell__reader_close on the reader.  Strings are not checked beyond
 * UTF-8 (and no NUL): names (stream, category, rule), statuses and
 * lengths are the importer's to judge.
 */
struct quell__row {
	size_t line;          /* 1-based line where the row starts */
	const char *entry;    /* address or domain as written (not normalized),
	                         white space around it dropped; never "" */
	int list;             /* QUELL_LIST_*, or 0: the importer's default */
	int scope;            /* QUELL_SCOPE_*, or 0: infer from the entry */
	const char *stream;   /* "" none */
	int source;           /* QUELL_SOURCE_* from the provider's kind or
	                         reason, or quell's column; 0: importer's default */
	const char *category; /* a hint ("unsubscribe", "complaint", "manual",
	                         "bad-mailbox"), or quell's column; "": rules or
	                         the importer decide */
	const char *rule;
	const char *status;   /* enhanced status given apart from the reply */
	const char *reply;    /* what the receiving server said, as the provider
	                         gave it: rows with a reply or status go through
	                         the rules */
	const char *reason;   /* free text */
	int code;             /* basic reply code given apart, 0 absent */
	int64_t created, updated, expires, until, first_failure; /* 0 absent */
	uint32_t attempts, count;
	unsigned has;         /* QUELL__HAS_* */
	int restore;          /* 1: quell's csv or jsonl: restore the state as it
	                         stands, no rules */
	int repaired;         /* 1: its reply or reason was not valid UTF-8 and
	                         was repaired (quell__utf8_repair) */
};

struct quell__reader;

/*
 * Start reading `in` (which stays the caller's: it is not closed).  format
 * is one of the names above, or NULL or "" to detect it from the first
 * line(s); filename (NULL: "-") names the input in messages and may hint
 * at a provider export's kind.  Reads the header line of CSV formats, and
 * for a whole JSON document everything up to its array.
 *
 * Returns 0 with *out set, or an error with *out NULL and err set to a
 * one-line message ("FILE:LINE: what" for bad input):
 *   QUELL_EINVAL  unknown format name
 *   QUELL_EDATA   the format cannot be told, a header lacks a needed
 *                 column or repeats one, a JSON document has no array
 *   QUELL_EIO     read error
 *   QUELL_ENOMEM
 */
int quell__reader_open(FILE *in, const char *format, const char *filename,
                       struct quell__reader **out, char *err, size_t errsize);

/*
 * The next row.  Returns
 *   1            a row in *row (*line = row->line)
 *   0            the end of the input
 *   QUELL_EDATA  a rejected row: err says why, *line where it starts;
 *                call again for the rows after it
 *   QUELL_EIO, QUELL_ENOMEM  fatal; err says so
 * One input row may give several rows (a Mailgun unsubscribe with several
 * tags); they share its line.  line may be NULL.
 */
int quell__reader_next(struct quell__reader *r, struct quell__row *row, size_t *line,
                       char *err, size_t errsize);

/* The format read ("sendgrid", "csv", ...): a static string. */
const char *quell__reader_format(const struct quell__reader *r);

/* What kind of the format's files it is ("bounces", "unsubscribes",
 * "list-suppressed-destinations", ...), or "" when the format has one
 * kind: a static string, for summaries. */
const char *quell__reader_kind(const struct quell__reader *r);

/* Bytes consumed from the input so far (for progress). */
uint64_t quell__reader_bytes(const struct quell__reader *r);

/* Free the reader.  NULL is a harmless no-op. */
void quell__reader_close(struct quell__reader *r);

/* ---------------------------------------------------------------- writers */

struct quell__writer;

/*
 * Start writing entries to `out` (which stays the caller's) in `format`:
 * csv, jsonl, plain, or a provider's import shape (sendgrid, mailgun, ses,
 * postmark; see writers.c for each shape).  Writes the header, if the
 * format has one.  Returns 0 with *w set, QUELL_EINVAL (unknown or NULL
 * format), QUELL_ENOMEM or QUELL_EIO, with err set.
 */
int quell__writer_open(FILE *out, const char *format, struct quell__writer **w, char *err,
                       size_t errsize);

/*
 * Write one entry.  Returns 0 when written, 1 when the format cannot hold
 * it and it was left out (provider shapes take suppress-list address
 * entries only; plain writes a key once when several entries of one key
 * come in a row), or QUELL_EIO / QUELL_ENOMEM with err set.  After an
 * error every later call fails the same way.
 */
int quell__writer_put(struct quell__writer *w, const struct quell_entry *e, char *err,
                      size_t errsize);

/*
 * Write any trailer (the end of a JSON document), flush, and free the
 * writer.  Returns 0, or QUELL_EIO (err set) when any write failed.  NULL
 * is a harmless no-op that returns 0.
 */
int quell__writer_close(struct quell__writer *w, char *err, size_t errsize);

#endif
