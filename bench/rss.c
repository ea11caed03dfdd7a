/*
 * rss.c - run a command and say what it cost: wall time, CPU time and
 * peak resident set size, from wait4(2)'s rusage.  /usr/bin/time does the
 * same but a fresh machine may lack it.
 *
 *   build/bench/rss OUT COMMAND [ARG...]
 *
 * The command inherits stdin, stdout and stderr; the figures go to the
 * file OUT as one line:
 *   wall=SECONDS user=SECONDS sys=SECONDS maxrss_kb=KB status=S
 * and rss exits with the command's status (128+N when signal N killed
 * it; 127 when it could not be started).  Knows nothing of quell.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double tv(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	FILE *out;
	pid_t pid;
	int status, code;

	if (argc < 3) {
		fprintf(stderr, "usage: rss OUT COMMAND [ARG...]\n");
		return 64;
	}
	if ((out = fopen(argv[1], "w")) == NULL) {
		fprintf(stderr, "rss: %s: %s\n", argv[1], strerror(errno));
		return 74;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) < 0) {
		fprintf(stderr, "rss: fork: %s\n", strerror(errno));
		return 71;
	}
	if (pid == 0) {
		fclose(out);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "rss: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "rss: wait: %s\n", strerror(errno));
			return 71;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(out, "wall=%.6f user=%.6f sys=%.6f maxrss_kb=%ld status=%d\n",
	        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	        tv(ru.ru_utime), tv(ru.ru_stime), ru.ru_maxrss, code);
	if (ferror(out) | (fclose(out) != 0)) {
		fprintf(stderr, "rss: %s: cannot write\n", argv[1]);
		return 74;
	}
	return code;
}
