/*
 * bench_rules.c - how many replies per second one core parses
 * (quell__reply_parse) and classifies (quell__rules_match) with the
 * compiled-in default rules, and how many regular expressions PCRE2 ran
 * per reply.
 *
 *   build/bench/bench_rules [--no-prefilter] [SECONDS] [FILE]
 *
 * FILE, if given, holds one reply per line (a tab ends the reply, so the
 * diagnostic_text column of a TSV can be cut out first); otherwise a
 * built-in mix of real replies is used: user unknown, full mailboxes,
 * blocks, throttling, texts without codes.  The mix is replayed round
 * robin for SECONDS (default 2) and the rate is printed per second of CPU
 * time (what one core did, however busy the machine) and per second of
 * wall time.  --no-prefilter drops the rule set's literal prefilter
 * (lib/rules/prefilter.h) first, to see what it saves.  PCRE2's match calls are
 * counted through the linker's --wrap (see the Makefile).  Knows nothing
 * of the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reply.h"
#include "rules_int.h"

/* PCRE2 runs, counted by wrapping its match functions at link time. */
static unsigned long pcre2_runs;

int __real_pcre2_jit_match_8(const pcre2_code *, PCRE2_SPTR, PCRE2_SIZE, PCRE2_SIZE, uint32_t,
                             pcre2_match_data *, pcre2_match_context *);
int __wrap_pcre2_jit_match_8(const pcre2_code *, PCRE2_SPTR, PCRE2_SIZE, PCRE2_SIZE, uint32_t,
                             pcre2_match_data *, pcre2_match_context *);
int __real_pcre2_match_8(const pcre2_code *, PCRE2_SPTR, PCRE2_SIZE, PCRE2_SIZE, uint32_t,
                         pcre2_match_data *, pcre2_match_context *);
int __wrap_pcre2_match_8(const pcre2_code *, PCRE2_SPTR, PCRE2_SIZE, PCRE2_SIZE, uint32_t,
                         pcre2_match_data *, pcre2_match_context *);

int __wrap_pcre2_jit_match_8(const pcre2_code *c, PCRE2_SPTR s, PCRE2_SIZE n, PCRE2_SIZE o,
                             uint32_t f, pcre2_match_data *md, pcre2_match_context *mc)
{
	pcre2_runs++;
	return __real_pcre2_jit_match_8(c, s, n, o, f, md, mc);
}

/* the interpreter: where JIT is missing, and after JIT's stack ran out
 * (that one run is counted twice) */
int __wrap_pcre2_match_8(const pcre2_code *c, PCRE2_SPTR s, PCRE2_SIZE n, PCRE2_SIZE o,
                         uint32_t f, pcre2_match_data *md, pcre2_match_context *mc)
{
	pcre2_runs++;
	return __real_pcre2_match_8(c, s, n, o, f, md, mc);
}

static const char *const builtin[] = {
	"550 5.1.1 <a@example.com>: Recipient address rejected: User unknown in local recipient table",
	"550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
	"550-5.1.1 double-checking the recipient's email address for typos or\r\n"
	"550-5.1.1 unnecessary spaces. Learn more at\r\n"
	"550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si123456.2 - gsmtp",
	"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
	"250 2.0.0 OK  1700000000 a1si123456.2 - gsmtp",
	"452-4.2.2 The recipient's inbox is out of storage space. Please direct the\r\n"
	"452 4.2.2 recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp",
	"421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected "
	"volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
	"550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus. To "
	"request removal from this list see https://www.spamhaus.org/query/ip/192.0.2.1",
	"554 delivery error: dd This user doesn't have a yahoo.com account (x@yahoo.com) [0] - "
	"mta1234.mail.gq1.yahoo.com",
	"550 No such user here",
	"smtp; 550 5.7.26 This mail has been blocked because the sender is unauthenticated.",
	"451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (AS761)",
	"X-Postfix; Host or domain name not found. Name service error for name=nx.example "
	"type=A: Host not found",
	"550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550",
	"554 Service unavailable; Client host [192.0.2.1] blocked using Barracuda Reputation, "
	"https://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.1",
	"Sorry, I couldn't find any host named nx.example. (#5.1.2)",
	"550 Your message was rejected because it looks like something we do not accept",
};

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char **read_lines(const char *path, size_t *n)
{
	char **v = NULL, *line = NULL;
	size_t cap = 0, lcap = 0;
	ssize_t got;
	FILE *f = fopen(path, "r");

	*n = 0;
	if (f == NULL)
		return NULL;
	while ((got = getline(&line, &lcap, f)) >= 0) {
		line[strcspn(line, "\t\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (*n == cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof *v);

			if (nv == NULL)
				break;
			v = nv;
		}
		if ((v[*n] = strdup(line)) == NULL)
			break;
		(*n)++;
	}
	free(line);
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	int nopf = argc > 1 && strcmp(argv[1], "--no-prefilter") == 0;
	double seconds, t0, c0, t, c;
	const char *const *replies = builtin;
	char **owned = NULL, err[512], buf[QUELL__REPLY_IN_MAX + 1];
	size_t n = sizeof builtin / sizeof builtin[0], *lens, done = 0, matched = 0;
	struct quell__rules *rules = NULL;

	argc -= nopf;
	argv += nopf;
	seconds = argc > 1 ? atof(argv[1]) : 2.0;
	if (quell__rules_load((const char *)quell__default_rules, quell__default_rules_len,
	                      "config/rules.yaml", &rules, err, sizeof err) != 0) {
		fprintf(stderr, "bench_rules: %s\n", err);
		return 1;
	}
	if (nopf) {
		quell__pf_free(rules->pf);
		rules->pf = NULL;
	}
	if (argc > 2) {
		if ((owned = read_lines(argv[2], &n)) == NULL || n == 0) {
			fprintf(stderr, "bench_rules: %s: no replies\n", argv[2]);
			return 1;
		}
		replies = (const char *const *)owned;
	}
	if ((lens = calloc(n, sizeof *lens)) == NULL)
		return 1;
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(replies[i]);
	pcre2_runs = 0;
	t0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	do {
		for (size_t k = 0; k < 10000; k++, done++) {
			struct quell__reply r;
			size_t i = done % n;

			if (quell__reply_parse(replies[i], lens[i], buf, sizeof buf, &r, NULL, 0) == 0 &&
			    quell__rules_match(rules, &r, "example.com") != NULL)
				matched++;
		}
		t = clock_s(CLOCK_MONOTONIC) - t0;
	} while (t < seconds);
	c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	/* CPU time is what one core spent, whatever else the machine ran */
	printf("bench_rules: %zu replies (%zu distinct), parse+match: %.0f replies/s per CPU "
	       "second (%.2f us each), %.0f per wall second\n",
	       done, n, done / c, c * 1e6 / done, done / t);
	printf("bench_rules: %.3f PCRE2 runs per reply (literal prefilter %s, %zu of %zu "
	       "patterns with literals)\n",
	       (double)pcre2_runs / done, nopf ? "off" : "on",
	       nopf ? 0 : quell__pf_count(rules->pf), rules->nregex);
	if (matched == 0)
		printf("bench_rules: nothing matched?\n");
	for (size_t i = 0; owned != NULL && i < n; i++)
		free(owned[i]);
	free(owned);
	free(lens);
	quell__rules_unref(rules);
	return 0;
}
