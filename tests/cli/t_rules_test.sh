# t_rules_test.sh - rules test: passing and failing cases with their
# FILE:LINE, the exit status (0 all pass, 1 a failure, 65 a malformed
# line while the rest still run, 66 no file), comments and blank lines,
# the rule-name column, stdin; it never opens the database; and the
# default rules pass their own case file, config/rules.cases.

CASES_FILE=$(dirname "$T_SCRIPT")/../../config/rules.cases
# the case file pins the default rules: a system rules file must not stand
# in for them
if [ -e /etc/quell/rules.yaml ]; then
	export QUELL_RULES=$(dirname "$T_SCRIPT")/../../config/rules.yaml
fi

cat >"$T_DIR/rules.yaml" <<'YAML'
version: 1
rules:
  - name: unknown
    when: { status: 5.1.1 }
    then: { action: suppress, category: bad-mailbox }
  - name: throttled
    when: { code: 421 }
    then: { action: backoff, scope: domain }
  - name: full
    when: { status: 4.2.2 }
    then: { action: count, threshold: 3, window: 7d }
  - name: delivered
    when: { code: 2xx }
    then: { action: clear }
YAML
R=(--rules "$T_DIR/rules.yaml")

printf '%s\n' '# replies the rules must get right' '' \
	$'550 5.1.1 <a@example.com>: user unknown\tsuppress/address' \
	$'550 5.1.1 gone\tsuppress\tunknown' \
	'   ' \
	$'421 4.7.0 Too many connections\tbackoff/domain\tthrottled' \
	$'452 4.2.2 Mailbox full\tcount' \
	$'250 2.0.0 Ok\tclear' \
	$'554 5.7.1 blocked\tignore' >"$T_DIR/good.cases"
t 'all pass, comments and blank lines skipped' 0 '6 passed, 0 failed' '' \
	"${R[@]}" rules test "$T_DIR/good.cases"

# line 2 fails on its action, 3 on its scope, 5 on its rule, 6 matches no
# rule; line 4 passes
printf '%s\n' '# failures' \
	$'550 5.1.1 gone\tbackoff' \
	$'421 4.7.0 busy\tbackoff/address' \
	$'421 4.7.0 busy\tbackoff/domain' \
	$'550 5.1.1 gone\tsuppress/address\tthrottled' \
	$'500 what\tsuppress' >"$T_DIR/bad.cases"
t 'failures with FILE:LINE, expected and got' 1 \
"$T_DIR/bad.cases:2: expected backoff, got suppress/address by unknown: 550 5.1.1 gone
$T_DIR/bad.cases:3: expected backoff/address, got backoff/domain by throttled: 421 4.7.0 busy
$T_DIR/bad.cases:5: expected suppress/address by throttled, got suppress/address by unknown: 550 5.1.1 gone
$T_DIR/bad.cases:6: expected suppress, got ignore/address by no rule: 500 what
1 passed, 4 failed" '' "${R[@]}" rules test "$T_DIR/bad.cases"
t 'the same cases under other rules (--rules decides)' 1 \
"$T_DIR/good.cases:4: expected suppress by unknown, got suppress/address by user-unknown: 550 5.1.1 gone
$T_DIR/good.cases:6: expected backoff/domain by throttled, got backoff/domain by service-unavailable: 421 4.7.0 Too many connections
4 passed, 2 failed" '' --now 2026-01-01T00:00:00Z rules test "$T_DIR/good.cases"

printf '%s\n' $'550 5.1.1 gone\tsuppress' 'no tab here' $'550 5.1.1 gone\tsupress' \
	$'550 5.1.1 gone\tsuppress/mailbox' $'550 5.1.1 gone\tsuppress\tNot_A_Name' \
	$'550 5.1.1 gone\tsuppress\tunknown\textra' $'\tignore' $'421 busy\tbackoff/address' \
	>"$T_DIR/malformed.cases"
t 'malformed lines: reported on stderr with their line, the rest still run, 65' 65 \
"$T_DIR/malformed.cases:8: expected backoff/address, got backoff/domain by throttled: 421 busy
1 passed, 1 failed" \
"$T_DIR/malformed.cases:2: no tab: a case is REPLY<TAB>EXPECTED[<TAB>RULE]
$T_DIR/malformed.cases:3: 'supress' is not an outcome: ACTION[/SCOPE], ACTION one of suppress, backoff, count, clear, ignore, SCOPE address or domain
$T_DIR/malformed.cases:4: 'suppress/mailbox' is not an outcome: ACTION[/SCOPE], ACTION one of suppress, backoff, count, clear, ignore, SCOPE address or domain
$T_DIR/malformed.cases:5: 'Not_A_Name' is not a rule name ([a-z0-9._-], 1 to 63)
$T_DIR/malformed.cases:6: more than three fields: a case is REPLY<TAB>EXPECTED[<TAB>RULE]
$T_DIR/malformed.cases:7: empty reply" "${R[@]}" rules test "$T_DIR/malformed.cases"

printf '550 5.1.1 a\0b\tsuppress\n%05000d\tignore\n550 5.1.1 c\tsuppress\n' 0 >"$T_DIR/odd.cases"
t 'a NUL byte, a line over 4096 bytes: malformed' 65 '1 passed, 0 failed' \
"$T_DIR/odd.cases:1: a NUL byte in the line
$T_DIR/odd.cases:2: longer than 4096 bytes" "${R[@]}" rules test "$T_DIR/odd.cases"

T_INFILE=$T_DIR/bad.cases t 'stdin: -' 1 \
"<stdin>:2: expected backoff, got suppress/address by unknown: 550 5.1.1 gone
<stdin>:3: expected backoff/address, got backoff/domain by throttled: 421 4.7.0 busy
<stdin>:5: expected suppress/address by throttled, got suppress/address by unknown: 550 5.1.1 gone
<stdin>:6: expected suppress, got ignore/address by no rule: 500 what
1 passed, 4 failed" '' "${R[@]}" rules test -
T_IN=$'550 5.1.1 gone\tsuppress\r\n' t 'stdin: a CRLF line' 0 '1 passed, 0 failed' '' \
	"${R[@]}" rules test -
t 'an empty file' 0 '0 passed, 0 failed' '' "${R[@]}" rules test /dev/null
t 'a missing file' 66 '' "quell: rules test: $T_DIR/nope.cases: No such file or directory" \
	"${R[@]}" rules test "$T_DIR/nope.cases"
printf 'version: 2\n' >"$T_DIR/v2.yaml"
t 'a bad rules file: no case runs' 65 '' \
	"quell: rules test: $T_DIR/v2.yaml:1:10: version: '2' is not supported (this quell reads version 1)" \
	--rules "$T_DIR/v2.yaml" rules test "$T_DIR/good.cases"
t 'no case file' 64 '' 'quell: rules test: no case file given
usage: quell rules test CASES
       quell rules test -' rules test
t 'two case files' 64 '' "quell: rules test: unexpected argument '$T_DIR/bad.cases'
usage: quell rules test CASES
       quell rules test -" rules test "$T_DIR/good.cases" "$T_DIR/bad.cases"
ok 'rules test opened no database' test ! -e "$QUELL_DB"

# the default rules against their own cases (scripts/rules-cases)
T_FILTER='s/^[0-9]* passed, 0 failed$/N passed, 0 failed/' \
	t 'the default rules pass config/rules.cases' 0 'N passed, 0 failed' '' \
	rules test "$CASES_FILE"
ok 'config/rules.cases holds more than 400 cases' \
	test "$(grep -cv '^#' "$CASES_FILE")" -gt 400
