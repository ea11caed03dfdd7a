# t_check.sh - check: plain and JSON output, exit codes 0/1/65/66, stdin.

N=(--now 2026-01-01T00:00:00Z)
T0=2026-01-01T00:00:00Z

# A read-only command never creates a database.
t 'check, no database' 66 '' "quell: check: no database in $QUELL_DB" check a@example.com
ok 'check created no database' test ! -e "$QUELL_DB"

t 'add' 0 '' '' "${N[@]}" add a@example.com bad.example
t 'allowed address' 0 $'ok@example.net\tallow\t' '' "${N[@]}" check ok@example.net
t 'suppressed address' 1 \
	$'a@example.com\tsuppress\tscope=address key=a@example.com category=manual source=manual' \
	'' "${N[@]}" check a@example.com
t 'address as given, key normalized' 1 \
	$'A@EXAMPLE.com\tsuppress\tscope=address key=a@example.com category=manual source=manual' \
	'' "${N[@]}" check A@EXAMPLE.com
t 'domain entry covers subdomains' 1 \
	$'x@bad.example\tsuppress\tscope=domain key=bad.example category=manual source=manual
y@mx.eu.bad.example\tsuppress\tscope=domain key=bad.example category=manual source=manual
z@notbad.example\tallow\t' \
	'' "${N[@]}" check x@bad.example y@mx.eu.bad.example z@notbad.example
t 'mixed, in input order' 1 \
	$'ok@example.net\tallow\t
a@example.com\tsuppress\tscope=address key=a@example.com category=manual source=manual
ok2@example.net\tallow\t' \
	'' "${N[@]}" check ok@example.net a@example.com ok2@example.net
t 'invalid: 65, the others answered' 65 \
	$'a@example.com\tsuppress\tscope=address key=a@example.com category=manual source=manual
bad@\tinvalid\terror=domain%20is%20empty
ok@example.net\tallow\t' \
	'' "${N[@]}" check a@example.com bad@ ok@example.net
t 'invalid only' 65 \
	$'x\tinvalid\terror=missing%20\'@\'
@x.example\tinvalid\terror=local%20part%20is%20empty' \
	'' "${N[@]}" check x @x.example
t 'control bytes in the address are encoded' 65 \
	$'a%09b@x.example\tinvalid\terror=local%20part:%20control%20character%20\\x09%20at%20character%202
a%1B[1m@x.example\tinvalid\terror=local%20part:%20control%20character%20\\x1B%20at%20character%202' \
	'' "${N[@]}" check $'a\tb@x.example' $'a\e[1m@x.example'
t 'IDN address' 0 $'\xc3\xbc@B\xc3\x9cCHER.example\tallow\t' '' "${N[@]}" check $'\xc3\xbc@B\xc3\x9cCHER.example'

# JSON: one object per input, null for absent values
J_A='{"address":"a@example.com","normalized":"a@example.com","verdict":"suppress","scope":"address","key":"a@example.com","rule":null,"category":"manual","source":"manual","reply":null,"since":"'$T0'","until":null,"error":null}'
J_OK='{"address":"OK@example.net","normalized":"ok@example.net","verdict":"allow","scope":null,"key":null,"rule":null,"category":null,"source":null,"reply":null,"since":null,"until":null,"error":null}'
J_BAD='{"address":"bad@","normalized":null,"verdict":"invalid","scope":null,"key":null,"rule":null,"category":null,"source":null,"reply":null,"since":null,"until":null,"error":"domain is empty"}'
J_DOM='{"address":"u@mx.bad.example","normalized":"u@mx.bad.example","verdict":"suppress","scope":"domain","key":"bad.example","rule":null,"category":"manual","source":"manual","reply":null,"since":"'$T0'","until":null,"error":null}'
t 'json' 1 "$J_A
$J_OK
$J_DOM" '' "${N[@]}" --json check a@example.com OK@example.net u@mx.bad.example
t 'json after the command' 0 "$J_OK" '' "${N[@]}" check --json OK@example.net
t 'json among the operands' 65 "$J_A
$J_BAD" '' check a@example.com "${N[@]}" --json bad@
t 'json IDN' 0 '{"address":"ü@BÜCHER.example","normalized":"ü@xn--bcher-kva.example","verdict":"allow","scope":null,"key":null,"rule":null,"category":null,"source":null,"reply":null,"since":null,"until":null,"error":null}' \
	'' --json check 'ü@BÜCHER.example'
t 'json escapes control bytes' 65 '{"address":"\u001B]0;x\u0007@x","normalized":null,"verdict":"invalid","scope":null,"key":null,"rule":null,"category":null,"source":null,"reply":null,"since":null,"until":null,"error":"local part: control character \\x1B at character 1"}' \
	'' --json check $'\e]0;x\a@x'

# check -: one address per line, CR stripped, empty lines skipped
T_IN=$'a@example.com\r\nok@example.net\n\n\r\nbad@\nx@bad.example' \
t 'stdin: mixed lines' 65 \
	$'a@example.com\tsuppress\tscope=address key=a@example.com category=manual source=manual
ok@example.net\tallow\t
bad@\tinvalid\terror=domain%20is%20empty
x@bad.example\tsuppress\tscope=domain key=bad.example category=manual source=manual' \
	'' "${N[@]}" check -
T_IN=$'ok@example.net\nok2@example.net\n' \
t 'stdin: all allowed' 0 $'ok@example.net\tallow\t\nok2@example.net\tallow\t' '' check -
T_IN=$'ok@example.net\na@example.com\n' \
t 'stdin: one suppressed' 1 \
	$'ok@example.net\tallow\t\na@example.com\tsuppress\tscope=address key=a@example.com category=manual source=manual' \
	'' "${N[@]}" check -
T_IN='' t 'stdin: nothing' 0 '' '' check -
T_IN=$'\n\n\r\n' t 'stdin: empty lines only' 0 '' '' check -
T_IN=$'# a list of addresses\nok@example.net\n  # indented comment\r\n\t#\n' \
t 'stdin: comment lines skipped like blank ones' 0 $'ok@example.net\tallow\t' '' check -
t 'an argument is never a comment' 65 $'#x\tinvalid\terror=missing%20\'@\'' '' check '#x'
T_IN=$'a@example.com\nbad@\n' \
t 'stdin: json' 65 "$J_A
$J_BAD" '' "${N[@]}" check --json -

# a line longer than 4096 bytes is answered invalid, and the next still read
long=$(printf 'y%.0s' $(seq 5000))
head4096=${long:0:4096}
T_IN="ok@example.net
$long@example.com
a@example.com" \
t 'stdin: line too long' 65 \
	"ok@example.net	allow	
$head4096	invalid	error=line%20longer%20than%204096%20bytes
a@example.com	suppress	scope=address key=a@example.com category=manual source=manual" \
	'' "${N[@]}" check -
exact=$(printf 'y%.0s' $(seq 4084))@example.com
T_IN="$exact" \
t 'stdin: a 4096-byte line is read whole' 65 \
	"$exact	invalid	error=local%20part%20longer%20than%2064%20octets" '' check -
printf 'a\0b@x.example\nok@example.net\n' >"$T_DIR/nul.txt"
T_INFILE=$T_DIR/nul.txt \
t 'stdin: NUL byte' 65 $'a\tinvalid\terror=NUL%20byte%20in%20line\nok@example.net\tallow\t' '' check -

# many lines: several batches, output in input order
seq 1 2000 | sed 's/.*/u&@example.org/' >"$T_DIR/many.txt"
echo a@example.com >>"$T_DIR/many.txt"
want=$(sed 's/$/\tallow\t/' "$T_DIR/many.txt" | sed '$d'; printf 'a@example.com\tsuppress\tscope=address key=a@example.com category=manual source=manual')
T_INFILE=$T_DIR/many.txt t 'stdin: 2001 lines' 1 "$want" '' "${N[@]}" check -

# a process that writes one address and waits gets its answer: check -
# flushes before it blocks on input
answers_each_line() {
	local line rc=0 w
	coproc QC { q check -; }
	w=${QC[1]}
	echo a@example.com >&"${QC[1]}"
	IFS= read -t 20 -r line <&"${QC[0]}" || rc=1
	[ "$line" = $'a@example.com\tsuppress\tscope=address key=a@example.com category=manual source=manual' ] || rc=1
	echo ok@example.net >&"${QC[1]}"
	IFS= read -t 20 -r line <&"${QC[0]}" || rc=1
	[ "$line" = $'ok@example.net\tallow\t' ] || rc=1
	exec {w}>&-
	wait "$QC_PID"
	[ $? = 1 ] || rc=1
	return $rc
}
ok 'stdin: answered line by line through pipes' answers_each_line
