/*
 * ingest_out.c - the counts, refusals, batches and summary of the ingest
 * subcommands (see ingest.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"

int ingest_out_init(struct ingest_out *o, struct cli *cli, size_t cap)
{
	memset(o, 0, sizeof *o);
	o->cli = cli;
	o->cap = cap;
	o->items = malloc(cap * sizeof *o->items);
	o->files = malloc(cap * sizeof *o->files);
	o->lines = malloc(cap * sizeof *o->lines);
	if (o->items == NULL || o->files == NULL || o->lines == NULL) {
		ingest_out_free(o);
		return cli_oom(cli);
	}
	return 0;
}

void ingest_out_free(struct ingest_out *o)
{
	free(o->items);
	free(o->files);
	free(o->lines);
	o->items = NULL;
	o->files = NULL;
	o->lines = NULL;
	o->n = o->cap = 0;
}

struct quell_record_item *ingest_next(struct ingest_out *o, const char *file, size_t line)
{
	struct quell_record_item *it = &o->items[o->n];

	memset(it, 0, sizeof *it);
	o->files[o->n] = file;
	o->lines[o->n] = line;
	return it;
}

int ingest_added(struct ingest_out *o)
{
	return ++o->n == o->cap ? ingest_flush(o) : 0;
}

void ingest_unusable(struct ingest_out *o, const char *file, size_t line, const char *recipient,
                     const char *reason)
{
	if (!o->strict) {
		o->skipped++;
		if (o->cli->quiet)
			return;
	} else {
		o->rejected++;
	}
	cli_put_enc(stderr, file, CLI_ENC_FIELD);
	fprintf(stderr, ":%zu: ", line);
	if (recipient != NULL) {
		cli_put_enc(stderr, recipient, CLI_ENC_FIELD);
		fputs(": ", stderr);
	}
	cli_put_enc(stderr, reason, CLI_ENC_FIELD);
	fputc('\n', stderr);
}

int ingest_flush(struct ingest_out *o)
{
	struct cli *cli = o->cli;
	size_t n = o->n;
	int rc, status = 0;

	o->n = 0;
	if (n == 0)
		return 0;
	if ((rc = quell_record_many(cli->h, o->items, n)) != 0)
		return cli_fail_item(cli, o->files[n - 1], rc);
	for (size_t i = 0; i < n; i++) {
		struct quell_record_item *it = &o->items[i];

		if (it->rc != 0) {
			ingest_unusable(o, o->files[i], o->lines[i], it->address, it->out.error);
			continue;
		}
		if (it->out.duplicate)
			o->duplicates++;
		else
			o->imported++;
		if (!it->out.duplicate && it->out.repaired)
			o->repaired++;
		if (!o->verbose || status != 0)
			continue;
		if (cli->json)
			status = cli_json_put(cli, cli_outcome_json(it->address, &it->out));
		else
			cli_outcome_plain(stdout, it->address, &it->out);
	}
	return status;
}

int ingest_summary(struct ingest_out *o, const char *file, const char *format)
{
	struct cli *cli = o->cli;

	if (cli->json) {
		json_t *j = json_object();

		if (j == NULL || cli_jset(j, "file", cli_jstr(file)) ||
		    cli_jset(j, "format", cli_jstr(format)) ||
		    cli_jset(j, "read", cli_jnum(o->read)) ||
		    cli_jset(j, "imported", cli_jnum(o->imported)) ||
		    cli_jset(j, "updated", cli_jnum(0)) ||
		    cli_jset(j, "duplicates", cli_jnum(o->duplicates)) ||
		    cli_jset(j, "skipped", cli_jnum(o->skipped)) ||
		    cli_jset(j, "rejected", cli_jnum(o->rejected)) ||
		    cli_jset(j, "repaired", cli_jnum(o->repaired))) {
			json_decref(j);
			return cli_oom(cli);
		}
		return cli_json_put(cli, j);
	}
	if (!cli->quiet) {
		char rep[48] = "";

		if (o->repaired > 0)
			snprintf(rep, sizeof rep, ", %llu repaired", (unsigned long long)o->repaired);
		cli_warn(cli,
		         "%s: %llu read, %llu imported, 0 updated, %llu duplicates, %llu skipped, "
		         "%llu rejected%s",
		         file, (unsigned long long)o->read, (unsigned long long)o->imported,
		         (unsigned long long)o->duplicates, (unsigned long long)o->skipped,
		         (unsigned long long)o->rejected, rep);
	}
	return 0;
}

int ingest_exit(struct ingest_out *o, uint64_t read, uint64_t recognized, uint64_t rejected,
                const char *where, const char *nothing)
{
	if (read > 0 && recognized == 0) {
		cli_warn(o->cli, "%s: %s", where, nothing);
		return CLI_EX_DATAERR;
	}
	return o->strict && rejected > 0 ? CLI_EX_DATAERR : CLI_EX_OK;
}

int ingest_flush_if_idle(struct ingest_out *o, int fd, int idle_ms,
                         const volatile sig_atomic_t *stop)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int rc;

	if (o->n == 0)
		return 0;
	do
		rc = poll(&p, 1, idle_ms);
	while (rc < 0 && errno == EINTR && !*stop);
	if (rc != 0)
		return 0; /* data, the end or an error: the read tells which */
	if ((rc = ingest_flush(o)) != 0)
		return rc;
	if (o->verbose && fflush(stdout) != 0) {
		cli_warn(o->cli, "write error: %s", strerror(errno));
		return CLI_EX_IOERR;
	}
	return 0;
}
