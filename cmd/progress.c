/*
 * progress.c - the progress line of a long bulk command (import) on a
 * terminal: "quell: CMD: N rows, R rows/s, P%" on stderr, redrawn in place
 * with a carriage return, at most PERIOD apart and only once the command
 * has run for DELAY (a short import shows nothing), and blanked out before
 * anything else is written to stderr.
 *
 * Nothing at all when stderr is not a terminal or with -q: the line is for
 * a person watching, never for a log.  Plain spaces blank it out, no
 * terminal escapes.  Knows nothing of what the rows are.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define DELAY 0.5   /* seconds before the first line */
#define PERIOD 0.25 /* seconds between two lines */

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(struct cli_progress *p, struct cli *cli, int fd)
{
	struct stat st;

	memset(p, 0, sizeof p[0]);
	p->cmd = cli->cmd->name;
	p->on = !cli->quiet && isatty(STDERR_FILENO);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		p->size = (uint64_t)st.st_size;
	p->start = seconds();
	p->last = 0;
}

void cli_progress_update(struct cli_progress *p, uint64_t rows, uint64_t bytes)
{
	char line[128];
	double now, elapsed;
	int n;

	if (!p->on)
		return;
	now = seconds();
	elapsed = now - p->start;
	if (elapsed < DELAY || now - p->last < PERIOD)
		return;
	p->last = now;
	n = snprintf(line, sizeof line, "quell: %s: %llu rows, %.0f rows/s", p->cmd,
	             (unsigned long long)rows, (double)rows / elapsed);
	if (n > 0 && (size_t)n < sizeof line && p->size > 0)
		n += snprintf(line + n, sizeof line - (size_t)n, ", %u%%",
		              (unsigned)(bytes >= p->size ? 100 : bytes * 100 / p->size));
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	/* spaces blank out what a longer line before left */
	fprintf(stderr, "\r%s%*s", line, p->shown > (size_t)n ? (int)(p->shown - (size_t)n) : 0,
	        "");
	if (p->shown < (size_t)n)
		p->shown = (size_t)n;
	fflush(stderr);
}

void cli_progress_clear(struct cli_progress *p)
{
	if (p->shown == 0)
		return;
	fprintf(stderr, "\r%*s\r", (int)p->shown, "");
	fflush(stderr);
	p->shown = 0;
}

size_t cli_progress_blank(const struct cli_progress *p, char *buf, size_t size)
{
	size_t n = p->shown;

	if (n == 0 || n + 2 >= size)
		return 0;
	buf[0] = '\r';
	memset(buf + 1, ' ', n);
	buf[n + 1] = '\r';
	return n + 2;
}
