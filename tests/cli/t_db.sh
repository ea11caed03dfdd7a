# t_db.sh - which database: --db, $QUELL_DB, /var/lib/quell, the XDG data
# directory; read-only commands never create one; global options among a
# command's arguments; --max-db-size, the most a database may grow to.

T1=2026-01-01T00:00:00Z
A=$'\tallow\t'
S=$'\tsuppress\tscope=address key=a@ex.example category=manual source=manual'

t 'QUELL_DB' 0 '' '' add a@ex.example
ok 'QUELL_DB was created' test -f "$QUELL_DB/data.mdb"
t '--db overrides QUELL_DB' 66 '' "quell: check: no database in $T_DIR/other" --db "$T_DIR/other" check a@ex.example
t '--db among the arguments' 66 '' "quell: check: no database in $T_DIR/other" check a@ex.example --db "$T_DIR/other"
ok 'read-only commands created nothing' test ! -e "$T_DIR/other"
mkdir "$T_DIR/empty"
for c in check show list stats; do
	args=()
	case $c in check | show) args=(a@ex.example) ;; esac
	t "$c in an empty directory" 66 '' "quell: $c: no database in $T_DIR/empty" --db "$T_DIR/empty" $c "${args[@]}"
done
ok 'and left it empty' test -z "$(ls -A "$T_DIR/empty")"
t 'empty --db' 64 '' 'quell: check: --db: empty directory name
usage: quell check ADDR...
       quell check -' --db '' check a@ex.example
QUELL_DB='' t 'an empty QUELL_DB is as if unset' 66 '' \
	"quell: check: no database in $HOME/.local/share/quell" check a@ex.example

if [ ! -e /var/lib/quell ]; then
	# no /var/lib/quell here: the XDG data directory
	QUELL_DB='' XDG_DATA_HOME=$T_DIR/xdg t 'XDG_DATA_HOME' 0 '' '' --now $T1 add a@ex.example
	ok 'created under XDG_DATA_HOME' test -f "$T_DIR/xdg/quell/data.mdb"
	QUELL_DB='' XDG_DATA_HOME=$T_DIR/xdg t 'XDG_DATA_HOME: check' 1 "a@ex.example$S" '' \
		--now $T1 check a@ex.example
	QUELL_DB='' XDG_DATA_HOME=relative t 'a relative XDG_DATA_HOME is ignored' 0 '' '' \
		--now $T1 add a@ex.example
	ok 'created under HOME/.local/share' test -f "$HOME/.local/share/quell/data.mdb"
	ok 'not under the relative path' test ! -e relative
	QUELL_DB='' HOME='' t 'no HOME, no XDG_DATA_HOME' 64 '' \
		'quell: check: no database directory: use --db DIR or set QUELL_DB' check a@ex.example
fi

# global options among a command's arguments and after its operands
t 'globals after the operands' 0 '' '' add b@ex.example --stream s1 --now $T1 -q
t 'seen on stream s1' 1 "b@ex.example	suppress	scope=address key=b@ex.example category=manual source=manual" \
	'' check b@ex.example --now $T1 --stream s1
t 'not without it' 0 "b@ex.example$A" '' check b@ex.example
t '-- ends the options' 65 $'--json\tinvalid\terror=missing%20\'@\'' '' check -- --json
t '--rules is accepted and kept' 0 "b@ex.example$A" '' --rules /nonexistent/rules.yaml check b@ex.example

# a failed write to stdout is an error (74), not a silent loss
if [ -w /dev/full ]; then
	full_version() {
		local err
		err=$(q --version 2>&1 >/dev/full)
		[ $? = 74 ] && [ "$err" = 'quell: write error: No space left on device' ]
	}
	full_check() {
		local err
		err=$(seq 1 20000 | sed 's/.*/u&@ex.example/' | q check - 2>&1 >/dev/full)
		[ $? = 74 ] && [ "$err" = 'quell: check: write error: No space left on device' ]
	}
	ok 'stdout full: --version' full_version
	ok 'stdout full: check -' full_check
fi

# A mistyped --db creates nothing: read-only commands, remove, unallow, and
# an import or ingest that adds nothing exit 66 and leave no trace (not
# even the directories of the path); only commands that add create one.
M=$T_DIR/typo/sub/db
nothing="no database in $M: nothing was added, so none was created"
for c in check show list stats export backup remove unallow prune; do
	args=()
	case $c in
	check | show | remove | unallow) args=(a@ex.example) ;;
	backup) args=("$T_DIR/bk") ;;
	esac
	t "$c: a missing database" 66 '' "quell: $c: no database in $M" --db "$M" $c "${args[@]}"
done
t 'import of an empty input' 66 '' "quell: import: -: 0 read, 0 imported, 0 updated, 0 skipped, 0 rejected (format plain)
quell: import: $nothing" --db "$M" import -
T_IN=$'x y@ex.example\n' t 'import whose rows are all rejected' 66 '' "-:1: local part: unexpected ' ' at character 2
quell: import: -: 1 read, 0 imported, 0 updated, 0 skipped, 1 rejected (format plain)
quell: import: $nothing" --db "$M" import -
t 'import --json of an empty input' 66 \
	'{"file":"-","format":"plain","read":0,"imported":0,"updated":0,"skipped":0,"rejected":0,"repaired":0,"dry_run":false}' \
	"quell: import: $nothing" --db "$M" --json import -
t 'import --dry-run' 0 '' 'quell: import: -: 0 read, 0 imported, 0 updated, 0 skipped, 0 rejected (format plain, dry run)' \
	--db "$M" import --dry-run -
T_IN=$'Nov 28 10:00:00 mx postfix/qmgr[1]: ABC: removed\n' t 'ingest postfix-log that records nothing' 66 '' \
	"quell: ingest postfix-log: -: 1 read, 0 imported, 0 updated, 0 duplicates, 1 skipped, 0 rejected
quell: ingest postfix-log: $nothing" --db "$M" ingest postfix-log -
t 'ingest dsn of an empty input' 66 '' "quell: ingest dsn: -: 0 read, 0 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected
quell: ingest dsn: $nothing" --db "$M" ingest dsn -
t 'a trailing slash' 66 '' "quell: import: -: 0 read, 0 imported, 0 updated, 0 skipped, 0 rejected (format plain)
quell: import: no database in $M/: nothing was added, so none was created" --db "$M/" import -
printf 'version: 1\nrules:\n  - name: x\n' >"$T_DIR/bad.yaml"
T_IN=$'n@ex.example\n' t 'a bad rules file' 65 '' "quell: import: $T_DIR/bad.yaml:3:5: rule: missing key 'then'" \
	--db "$M" --rules "$T_DIR/bad.yaml" import -
ok 'none of them created anything' test ! -e "$T_DIR/typo"
mkdir "$T_DIR/made"
t 'import into an empty directory' 66 '' "quell: import: -: 0 read, 0 imported, 0 updated, 0 skipped, 0 rejected (format plain)
quell: import: no database in $T_DIR/made: nothing was added, so none was created" --db "$T_DIR/made" import -
ok 'the directory stays, empty' test -d "$T_DIR/made" -a -z "$(ls -A "$T_DIR/made")"
T_IN=$'n@ex.example\n' t 'an import that adds creates' 0 '' \
	'quell: import: -: 1 read, 1 imported, 0 updated, 0 skipped, 0 rejected (format plain)' --db "$M" import -
ok 'created' test -f "$M/data.mdb"
t 'then an empty import leaves it' 0 '' 'quell: import: -: 0 read, 0 imported, 0 updated, 0 skipped, 0 rejected (format plain)' \
	--db "$M" import -
t 'and it holds the entry' 0 'n@ex.example' '' --db "$M" export --format plain -q

# --max-db-size: the map grows only up to it; a write at the limit fails
# with 74 and a message saying how to raise it, and what was written before
# stays readable.  Where it fills depends on the page size: the status and
# the message are compared, not the address it stopped at.
C=$T_DIR/capped
fill_capped() {
	# shellcheck disable=SC2046 # one address per word
	q --db "$C" --max-db-size 128K --now $T1 add $(seq -f 'user%05g@cap.example' 1 3000) \
		2>"$T_DIR/cap.err"
	[ $? = 74 ] &&
		grep -q ': database: full at its size limit of 131072 bytes; prune it, or raise the limit (max_db_size, quell --max-db-size SIZE)$' "$T_DIR/cap.err"
}
ok '--max-db-size 128K: full, exit 74, saying so' fill_capped
t 'what was written stays readable' 1 $'user00001@cap.example\tsuppress\tscope=address key=user00001@cap.example category=manual source=manual' '' \
	--db "$C" --now $T1 check user00001@cap.example
# shellcheck disable=SC2046 # one address per word
t 'a higher limit lets it grow' 0 '' '' --db "$C" --max-db-size 16M --now $T1 add $(seq -f 'user%05g@cap.example' 1 3000)
t '--max-db-size: not a size' 64 '' "quell: --max-db-size: not a size: '12X' (bytes, or a number with K, M, G or T)
usage: quell [--db DIR] [--rules FILE] [--stream NAME] [--json] [--now TIME]
             [-q] COMMAND [ARGS]
       quell help [COMMAND] | --help | --version" --max-db-size 12X check a@ex.example
t '--max-db-size 0 is not one either' 64 '' "quell: add: --max-db-size: not a size: '0' (bytes, or a number with K, M, G or T)
usage: quell add ENTRY... [--reason TEXT] [--ttl DURATION] [--source manual|unsubscribe|complaint]" add a@ex.example --max-db-size 0
