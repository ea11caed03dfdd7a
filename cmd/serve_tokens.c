/*
 * serve_tokens.c - the bearer tokens of `quell serve` (--tokens FILE).
 *
 * The file holds one token a line: `TOKEN SCOPE`, SCOPE `read` or `write`
 * (write includes read), TOKEN 16 to 255 bytes of printable ASCII without
 * spaces; blank lines and `#` comments are skipped.  Anything else, or a
 * token given twice, is an error naming FILE:LINE, and a bad file is never
 * half-loaded: at startup it stops the server, on SIGHUP the tokens loaded
 * before stay (logged).  The table is swapped under a read-write lock.
 *
 * A request's token is compared with every token in the table over the
 * whole fixed width, whatever matched, so the time taken says nothing of
 * how much of a token was right.  Knows nothing of HTTP beyond the
 * "Bearer " of the Authorization header.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

#define TOKEN_MIN 16
#define TOKEN_MAX 256 /* with the NUL */

struct serve_token {
	unsigned char text[TOKEN_MAX]; /* zero padded */
	size_t len;
	enum serve_scope scope;
};

struct serve_tokens {
	size_t n;
	struct serve_token t[];
};

/* One line into *tok: 0, 1 for a line without a token, -1 (err set). */
static int parse_line(char *line, struct serve_token *tok, const char **err)
{
	char *p = line, *word, *scope;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return 1;
	word = p;
	while (*p > ' ' && *p < 0x7f)
		p++;
	n = (size_t)(p - word);
	while (*p == ' ' || *p == '\t')
		p++;
	scope = p;
	while (*p > ' ' && *p < 0x7f)
		p++;
	if (*p == ' ' || *p == '\t') {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
	}
	if (*p != '\0') {
		*err = "want TOKEN SCOPE (printable ASCII, no spaces inside)";
		return -1;
	}
	*p = '\0';
	if (n < TOKEN_MIN || n >= TOKEN_MAX) {
		*err = "a token is 16 to 255 bytes";
		return -1;
	}
	if (strcmp(scope, "read") == 0)
		tok->scope = SERVE_READ;
	else if (strcmp(scope, "write") == 0)
		tok->scope = SERVE_WRITE;
	else {
		*err = "the scope is read or write";
		return -1;
	}
	memset(tok->text, 0, sizeof tok->text);
	memcpy(tok->text, word, n);
	tok->len = n;
	return 0;
}

static int add_token(struct serve_tokens **tt, size_t *cap, const struct serve_token *tok)
{
	struct serve_tokens *t = *tt;

	for (size_t i = 0; t != NULL && i < t->n; i++)
		if (t->t[i].len == tok->len && memcmp(t->t[i].text, tok->text, tok->len) == 0)
			return 1;
	if (t == NULL || t->n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		struct serve_tokens *b = realloc(t, sizeof *t + c * sizeof t->t[0]);

		if (b == NULL)
			return -1;
		if (t == NULL)
			b->n = 0;
		*tt = t = b;
		*cap = c;
	}
	t->t[t->n++] = *tok;
	return 0;
}

/* Read the file into *out; 0, or an exit status with msg set. */
static int read_tokens(const char *path, struct serve_tokens **out, char *msg, size_t size)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	struct serve_tokens *t = NULL;
	struct serve_token tok;
	size_t cap = 0, lineno = 0;
	int status = 0;

	if (f == NULL) {
		snprintf(msg, size, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? CLI_EX_NOINPUT : CLI_EX_IOERR;
	}
	while (status == 0 && fgets(line, sizeof line, f) != NULL) {
		const char *err = NULL;
		size_t n = strlen(line);
		int rc;

		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f))
			err = "line too long";
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		rc = err != NULL ? -1 : parse_line(line, &tok, &err);
		if (rc == 0 && (rc = add_token(&t, &cap, &tok)) != 0)
			err = rc > 0 ? "this token is given twice" : "out of memory";
		if (err != NULL) {
			snprintf(msg, size, "%s:%zu: %s", path, lineno, err);
			status = CLI_EX_DATAERR;
		}
	}
	if (status == 0 && ferror(f)) {
		snprintf(msg, size, "%s: %s", path, strerror(errno));
		status = CLI_EX_IOERR;
	}
	fclose(f);
	if (status == 0 && t == NULL) {
		snprintf(msg, size, "%s: no tokens in the file", path);
		status = CLI_EX_DATAERR;
	}
	if (status != 0) {
		free(t);
		return status;
	}
	*out = t;
	return 0;
}

int serve_tokens_load(struct serve *srv, int initial)
{
	struct serve_tokens *t = NULL, *old;
	char msg[1200];
	int status;

	if (srv->tokens_path == NULL)
		return 0;
	status = read_tokens(srv->tokens_path, &t, msg, sizeof msg);
	if (status != 0) {
		if (initial)
			cli_warn(srv->cli, "--tokens: %s", msg);
		else
			cli_warn(srv->cli, "SIGHUP: --tokens: %s; keeping the tokens loaded before",
			         msg);
		return status;
	}
	pthread_rwlock_wrlock(&srv->tokens_lock);
	old = srv->tokens;
	srv->tokens = t;
	pthread_rwlock_unlock(&srv->tokens_lock);
	free(old);
	if (!initial)
		serve_info(srv, "SIGHUP: tokens reloaded from %s (%zu tokens)", srv->tokens_path,
		           t->n);
	return 0;
}

enum serve_scope serve_token_scope(struct serve *srv, const char *authorization)
{
	unsigned char given[TOKEN_MAX];
	size_t len = 0;
	unsigned int found = 0, scope = SERVE_OPEN;

	memset(given, 0, sizeof given);
	if (authorization != NULL && strncasecmp(authorization, "Bearer ", 7) == 0) {
		const char *p = authorization + 7;

		while (*p == ' ')
			p++;
		len = strlen(p);
		if (len < TOKEN_MAX)
			memcpy(given, p, len);
		else
			len = 0;
	}
	if (len == 0)
		return SERVE_OPEN;
	pthread_rwlock_rdlock(&srv->tokens_lock);
	for (size_t i = 0; srv->tokens != NULL && i < srv->tokens->n; i++) {
		const struct serve_token *t = &srv->tokens->t[i];
		unsigned int diff = (unsigned int)(t->len ^ len);

		for (size_t j = 0; j < TOKEN_MAX; j++)
			diff |= (unsigned int)(t->text[j] ^ given[j]);
		/* diff == 0 -> mask all ones, with no branch on the bytes */
		unsigned int mask = ((diff | (0u - diff)) >> (sizeof diff * 8 - 1)) - 1u;

		found |= mask & 1u;
		scope |= mask & (unsigned int)t->scope;
	}
	pthread_rwlock_unlock(&srv->tokens_lock);
	return found ? (enum serve_scope)scope : SERVE_OPEN;
}

void serve_tokens_free(struct serve *srv)
{
	free(srv->tokens);
	srv->tokens = NULL;
}
