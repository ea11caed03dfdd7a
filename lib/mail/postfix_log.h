/*
 * postfix_log.h - read one line of a Postfix mail log: is it a delivery
 * report (a delivery agent saying what became of one recipient), and if
 * so, when, for which queue id and recipient, with which dsn, status and
 * reply.
 *
 *   Nov 28 10:00:00 mx1 postfix/smtp[1234]: 4F3A2B1C: to=<a@b.example>,
 *     relay=mx.b.example[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6,
 *     dsn=5.1.1, status=bounced (host mx.b.example[192.0.2.1] said: 550
 *     5.1.1 <a@b.example>: User unknown (in reply to RCPT TO command))
 *
 * Delivery agents: smtp, lmtp, local, virtual, pipe, error, retry, under
 * any syslog name (postfix/smtp, postfix-out/smtp, postfix/relay/smtp).
 * Statuses: sent, deferred, bounced.  Everything else (NOQUEUE: reject,
 * connect from, qmgr's removed and expired, smtpd, garbage, lines over
 * QUELL__PFLOG_LINE_MAX) is "not a report", never an error.
 *
 * Times: traditional syslog `Nov 28 10:00:00` (no year, no zone: read at
 * the caller's UTC offset, in the year that puts it at most a day after
 * the reference time) and RFC 3339 `2026-11-28T10:00:00.123+01:00`, also
 * with a `+0100` offset as journalctl -o short-iso writes it.
 *
 * The reply handed on to the rules is the text in the status's parentheses
 * without "host X said: " and the trailing " (in reply to ... command)".
 * When that text is no SMTP reply (local delivery, DNS errors, connection
 * failures), it is "DSN TEXT", so the rules still see the status.
 *
 * Pure function: no handle, no allocation, no globals, no time zone state;
 * thread-safe.  Knows nothing of rules or of the database.
 */
#ifndef QUELL_POSTFIX_LOG_H
#define QUELL_POSTFIX_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "quell.h"

/* The public side is in quell.h: struct quell_postfix_report and
 * quell_postfix_log_parse(), so that the command line needs no other
 * header.  Longer lines than this are never reports. */
#define QUELL__PFLOG_LINE_MAX QUELL_POSTFIX_LINE_MAX

#endif
