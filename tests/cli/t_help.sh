# t_help.sh - --help, help, --version and usage errors (exit 64, stderr);
# the help of every command and subcommand.
# shellcheck disable=SC2016 # $VARS in the help text are literal

HELP='usage: quell [--db DIR] [--rules FILE] [--stream NAME] [--json] [--now TIME]
             [-q] COMMAND [ARGS]
       quell help [COMMAND] | --help | --version

Global options (before the command or among its arguments):
  --db DIR        the database directory (else $QUELL_DB, else /var/lib/quell
                  if it exists, else ${XDG_DATA_HOME:-$HOME/.local/share}/quell)
  --rules FILE    the rules file, for commands that apply rules
  --stream NAME   the mail stream to check or act on
  --json          JSON Lines on stdout, one object per result
  --porcelain     escaped machine forms even on a terminal (show)
  --now TIME      the current time: RFC 3339 or Unix seconds
  --max-db-size SIZE
                  the most the database may grow to: bytes, or 512M, 4G,
                  1T (default 64G)
  -q, --quiet     no notes on stderr
  -h, --help      this help, or a command'"'"'s help after the command
  -V, --version   print the version

Commands:
  check                   the verdict for each address, from the arguments or
                          stdin
  record                  apply the rules to a reply for an address and store
                          the outcome
  add                     suppress addresses or domains by hand
  remove                  delete entries from the suppress and backoff lists
  allow                   put addresses or domains on the allow list
  unallow                 delete entries from the allow list
  show                    everything known about one entry, with its history
  list                    list the live entries
  import                  bulk import: quell'"'"'s csv or jsonl, plain lists,
                          provider exports
  export                  bulk export: quell'"'"'s csv or jsonl, plain, provider
                          import shapes
  ingest postfix-log      record the delivery reports of a Postfix mail log at
                          the time they were logged
  ingest dsn              record what bounce messages say about each recipient
  ingest sendgrid-events  record SendGrid Event Webhook events
  ingest ses              record Amazon SES notifications
  ingest mailgun-events   record Mailgun events
  ingest postmark-events  record Postmark webhooks and bounces
  policyd                 a Postfix policy server answering smtpd'"'"'s recipient
                          checks
  serve                   the HTTP/JSON API: check, stats, Prometheus /metrics
  sync                    share this database with a fleet through NATS
                          JetStream
  rules check             validate a rules file
  rules explain           which rule a reply matches, what it would do, and the
                          verdict for an entry with no history
  rules diff              replay the stored replies under the rules in use and
                          under NEWFILE, and list the addresses whose verdict
                          would change
  rules test              run test cases against the rules
  rules stats             replies each rule in force decided in the stored
                          history and when it last fired
  stats                   counts per list, scope, source, category, stream;
                          sizes
  report                  replies by outcome, new suppressions, list sizes,
                          trouble domains and top reasons over time
  activity                the stored events, newest first, with the receiving
                          server'"'"'s reply
  prune                   delete expired entries and trim history
  backup                  write a compacted, consistent copy of the database
                          into DIR
  help                    general help, or the help of one command

Run '"'"'quell help COMMAND'"'"' for the usage and options of one command.'

USAGE='usage: quell [--db DIR] [--rules FILE] [--stream NAME] [--json] [--now TIME]
             [-q] COMMAND [ARGS]
       quell help [COMMAND] | --help | --version'

ADD_USAGE='usage: quell add ENTRY... [--reason TEXT] [--ttl DURATION] [--source manual|unsubscribe|complaint]'
ADD_HELP="$ADD_USAGE

Suppress addresses or domains by hand.

Options:
  --reason TEXT        why (stored as given, escaped on output)
  --ttl DURATION       expire after DURATION (30s, 15m, 8h, 7d, forever)
  --source SOURCE      manual (default), unsubscribe or complaint

Global options: see 'quell help'."

CHECK_USAGE='usage: quell check ADDR...
       quell check -'
CHECK_HELP="$CHECK_USAGE

The verdict for each address, from the arguments or stdin.

Global options: see 'quell help'."

t 'help'                      0 "$HELP" ''  help
t '--help'                    0 "$HELP" ''  --help
t '--help wins over a command' 0 "$HELP" '' --help check a@b.example
t 'help add'                  0 "$ADD_HELP" '' help add
t 'add --help'                0 "$ADD_HELP" '' add --help
t 'add --help among operands' 0 "$ADD_HELP" '' add x@y.example --help
t 'check --help'              0 "$CHECK_HELP" '' check --help
t 'help check'                0 "$CHECK_HELP" '' help check
t 'help stats' 0 "usage: quell stats

Counts per list, scope, source, category, stream; sizes.

Global options: see 'quell help'." '' help stats
t 'help prune' 0 "usage: quell prune [--keep N] [--max-age DURATION]

Delete expired entries and trim history.

Options:
  --keep N             keep the newest N events per key (default 100)
  --max-age DURATION   drop events older than DURATION (default 2y;
                       forever: no age limit)

Global options: see 'quell help'." '' help prune
t '--version'                 0 'quell 0.1.0' '' --version
t 'check --version'           0 'quell 0.1.0' '' check --version
t '-V'                        0 'quell 0.1.0' '' -V
t 'check -V'                  0 'quell 0.1.0' '' check -V
t '-h'                        0 "$HELP" ''  -h
t 'add -h'                    0 "$ADD_HELP" '' add -h
# the general help lists every command, a group as its subcommands: each
# entry of a group's usage has its line
every_sub() {
	local g g2 s missing=0
	for g in ingest rules; do
		while read -r _ g2 s _; do
			q help | grep -q "^  $g2 $s " || { echo "  missing: $g2 $s"; missing=1; }
		done < <(q help $g | sed -n '/^usage:/,/^$/p' | sed '/^$/d; s/^usage://')
	done
	return $missing
}
ok 'help lists every subcommand' every_sub
t 'help ingest dsn' 0 "usage: quell ingest dsn [--strict] [--verbose] FILE...

Record what bounce messages (RFC 3464 reports, abuse reports, other
bounces) say about each recipient; FILE is a message, an mbox, a
maildir or '-'; messages that are no bounce are skipped.

Options:
  --strict             a recipient quell refuses is rejected and makes
                       the exit status 65
  --verbose            print each recorded recipient as record does

Global options: see 'quell help'." '' help ingest dsn
t 'help --help'               0 "usage: quell help [COMMAND [SUBCOMMAND]]

General help, or the help of one command.

Global options: see 'quell help'." '' help --help

# misuse: message and usage on stderr, nothing on stdout, 64
t 'no command'        64 '' "quell: no command given
$USAGE"
t 'unknown command'   64 '' "quell: unknown command 'frob'; try 'quell help'" frob
t 'did you mean: a letter left out' 64 '' "quell: unknown command 'chek'; did you mean 'check'?" chek
t 'did you mean: two swapped'       64 '' "quell: unknown command 'improt'; did you mean 'import'?" improt
t 'did you mean: a short name'      64 '' "quell: unknown command 'ad'; did you mean 'add'?" ad
t 'no guess for another word'       64 '' "quell: unknown command 'delete'; try 'quell help'" delete
t 'did you mean: help'  64 '' "quell: help: unknown command 'lst'; did you mean 'list'?
usage: quell help [COMMAND [SUBCOMMAND]]" help lst
t 'did you mean: help GROUP SUB'  64 '' "quell: help: unknown subcommand 'ingest dns'; did you mean 'dsn'?
usage: quell help [COMMAND [SUBCOMMAND]]" help ingest dns
t 'did you mean: a subcommand'  64 '' "quell: rules: unknown subcommand 'chek'; did you mean 'check'?
usage: quell rules check [FILE]
       quell rules explain [--domain D] REPLY
       quell rules explain [--domain D] -
       quell rules diff [--since T] [--domain D] NEWFILE
       quell rules test CASES
       quell rules test -
       quell rules stats [--since T]" rules chek
t 'did you mean: an option'  64 '' "quell: check: unknown option '--strem'; did you mean '--stream'?
$CHECK_USAGE" check --strem news a@b.example
t 'did you mean: an option with its value'  64 '' "quell: add: unknown option '--reasn'; did you mean '--reason'?
$ADD_USAGE" add --reasn=x a@b.example
t 'did you mean: a global option'  64 '' "quell: unknown option '--jsno'; did you mean '--json'?
$USAGE" --jsno check a@b.example
t 'help unknown'      64 '' "quell: help: unknown command 'frob'
usage: quell help [COMMAND [SUBCOMMAND]]" help frob
t 'help two words'    64 '' "quell: help: unexpected argument 'list'
usage: quell help [COMMAND [SUBCOMMAND]]" help check list
t 'unknown global option' 64 '' "quell: unknown option '--frob'
$USAGE" --frob check a@b.example
t 'unknown short option'  64 '' "quell: unknown option '-x'
$USAGE" -x check a@b.example
t 'unknown command option' 64 '' "quell: check: unknown option '--frob'
$CHECK_USAGE" check --frob a@b.example
t 'ambiguous abbreviation' 64 '' "quell: add: unknown option '--s'
$ADD_USAGE" add --s manual a@b.example
t 'option without its value' 64 '' "quell: add: option '--reason' needs a value
$ADD_USAGE" add a@b.example --reason
t 'global option without its value' 64 '' "quell: option '--db' needs a value
$USAGE" --db
t 'check without address' 64 '' "quell: check: no address given
$CHECK_USAGE" check
t 'check - with more'     64 '' "quell: check: '-' reads addresses from stdin and comes alone
$CHECK_USAGE" check - a@b.example
t 'add without entry'     64 '' "quell: add: no entry given
$ADD_USAGE" add --reason x
t 'bad --ttl'             64 '' "quell: add: --ttl: not a duration: '5x'
$ADD_USAGE" add --ttl 5x a@b.example
t 'zero --ttl'            64 '' "quell: add: --ttl: not a duration: '0s'
$ADD_USAGE" add --ttl 0s a@b.example
# a ttl whose expiry would overflow (and was stored already expired)
t 'huge --ttl'            64 '' "quell: add: --ttl: '106751991167300d' is too long: at most 100y (or forever)
$ADD_USAGE" add --ttl 106751991167300d a@b.example
t 'allow: huge --ttl'     64 '' "quell: allow: --ttl: '101y' is too long: at most 100y (or forever)
usage: quell allow ENTRY... [--reason TEXT] [--ttl DURATION]" allow --ttl 101y a@b.example
t 'prune: huge --max-age' 64 '' "quell: prune: --max-age: '99999999999999999999d' is too long: at most 100y (or forever)
usage: quell prune [--keep N] [--max-age DURATION]" prune --max-age 99999999999999999999d
ok 'and nothing was created' test ! -e "$QUELL_DB"
t 'huge --now'            64 '' "quell: check: --now: not a time: '9223372036854775807'
$CHECK_USAGE" check --now 9223372036854775807 a@b.example
t 'bad --source'          64 '' "quell: add: --source: 'bounce' is not manual, unsubscribe or complaint
$ADD_USAGE" add --source bounce a@b.example
t 'bad --now'             64 '' "quell: check: --now: not a time: 'yesterday'
$CHECK_USAGE" check --now yesterday a@b.example
t 'bad global --now'      64 '' "quell: --now: not a time: '2026-13-01T00:00:00Z'
$USAGE" --now 2026-13-01T00:00:00Z check a@b.example
t 'show two entries'      64 '' "quell: show: one entry at a time
usage: quell show ENTRY" show a@b.example c@d.example
t 'list two lists'        64 '' "quell: list: give at most one of --suppress, --allow, --backoff
usage: quell list [--suppress|--allow|--backoff] [--domains|--addresses] [--category C] [--since TIME]" list --suppress --allow
t 'list operand'          64 '' "quell: list: unexpected argument 'x'
usage: quell list [--suppress|--allow|--backoff] [--domains|--addresses] [--category C] [--since TIME]" list x
t 'prune --keep 0'        64 '' "quell: prune: --keep: not a count of 1 or more: '0'
usage: quell prune [--keep N] [--max-age DURATION]" prune --keep 0
t 'backup without dir'    64 '' "quell: backup: no directory given
usage: quell backup DIR" backup
ok 'usage errors create no database' test ! -e "$QUELL_DB"

IMPORT_HELP="usage: quell import [--format F] [--dry-run] [--force-suppress] [--rejects FILE] [--list L] FILE|-

Bulk import: quell's csv or jsonl, plain lists, provider exports.

Options:
  --format F           plain, csv, jsonl, sendgrid, mailgun, ses or postmark
                       (default: told from the first line)
  --dry-run            read, judge and count every row, but write nothing
  --force-suppress     suppress every row as it stands, without the rules
  --rejects FILE       write rejected rows there instead of to stderr
  --list L             csv, jsonl: import only rows of list L; plain and
                       provider rows: put them on L (suppress or allow)

Global options: see 'quell help'."
t 'help import' 0 "$IMPORT_HELP" '' help import
t 'export --help' 0 "usage: quell export [--format F] [--list L] [--category C] [--since TIME] [FILE|-]

Bulk export: quell's csv or jsonl, plain, provider import shapes.

Options:
  --format F           csv (default), jsonl, plain, sendgrid, mailgun, ses or
                       postmark
  --list L             only list L: suppress, allow or backoff (default: all
                       for csv and jsonl, suppress for the others; providers
                       take suppress only)
  --category C         only entries of category C
  --since TIME         only entries updated at or after TIME
  --stream S           only stream S ('*': every stream; default: every
                       stream for csv and jsonl, stream-less entries for
                       the others)

Global options: see 'quell help'." '' export --help

# the help of every command and subcommand not shown above, by name and by
# --help (so that moving the texts beside the commands changes no byte)
RECORD_HELP='usage: quell record ADDR REPLY [--queue-id ID] [--message-id ID]
       quell record -

Apply the rules to a reply for an address and store the outcome.

Options:
  --queue-id ID        the MTA'"'"'s queue id of the message: a reply with an id
                       already recorded for the address changes nothing
  --message-id ID      the same with the message'"'"'s Message-ID

Global options: see '"'"'quell help'"'"'.'
t 'help record' 0 "$RECORD_HELP" '' help record
t 'record --help' 0 "$RECORD_HELP" '' record --help
REMOVE_HELP='usage: quell remove ENTRY...

Delete entries from the suppress and backoff lists.

Global options: see '"'"'quell help'"'"'.'
t 'help remove' 0 "$REMOVE_HELP" '' help remove
t 'remove --help' 0 "$REMOVE_HELP" '' remove --help
ALLOW_HELP='usage: quell allow ENTRY... [--reason TEXT] [--ttl DURATION]

Put addresses or domains on the allow list.

Options:
  --reason TEXT        why (stored as given, escaped on output)
  --ttl DURATION       expire after DURATION (30s, 15m, 8h, 7d, forever)

Global options: see '"'"'quell help'"'"'.'
t 'help allow' 0 "$ALLOW_HELP" '' help allow
t 'allow --help' 0 "$ALLOW_HELP" '' allow --help
UNALLOW_HELP='usage: quell unallow ENTRY...

Delete entries from the allow list.

Global options: see '"'"'quell help'"'"'.'
t 'help unallow' 0 "$UNALLOW_HELP" '' help unallow
t 'unallow --help' 0 "$UNALLOW_HELP" '' unallow --help
SHOW_HELP='usage: quell show ENTRY

Everything known about one entry, with its history.

Global options: see '"'"'quell help'"'"'.'
t 'help show' 0 "$SHOW_HELP" '' help show
t 'show --help' 0 "$SHOW_HELP" '' show --help
LIST_HELP='usage: quell list [--suppress|--allow|--backoff] [--domains|--addresses] [--category C] [--since TIME]

List the live entries.

Options:
  --suppress, --allow, --backoff   only this list (default: all three)
  --domains, --addresses           only this scope (default: both)
  --category C                     only entries of category C
  --since TIME                     only entries updated at or after TIME

Global options: see '"'"'quell help'"'"'.'
t 'help list' 0 "$LIST_HELP" '' help list
t 'list --help' 0 "$LIST_HELP" '' list --help
INGEST_HELP='usage: quell ingest postfix-log [--follow] [--strict] [--verbose] FILE|-
       quell ingest dsn [--strict] [--verbose] FILE...
       quell ingest sendgrid-events [--strict] [--verbose] FILE|-
       quell ingest ses [--strict] [--verbose] FILE|-
       quell ingest mailgun-events [--strict] [--verbose] FILE|-
       quell ingest postmark-events [--strict] [--verbose] FILE|-

Feed delivery reports (mail logs, bounces, ESP events) through the rules.

Options:
  --follow             postfix-log: keep reading FILE as it grows, across
                       rotation, until SIGINT or SIGTERM
  --strict             a report quell cannot use is rejected (exit 65)
  --verbose            print each recorded report as record does

Global options: see '"'"'quell help'"'"'.'
t 'help ingest' 0 "$INGEST_HELP" '' help ingest
t 'ingest --help' 0 "$INGEST_HELP" '' ingest --help
INGEST_POSTFIX_LOG_HELP='usage: quell ingest postfix-log [--follow] [--strict] [--verbose] FILE|-

Record the delivery reports of a Postfix mail log (sent, deferred,
bounced) at the time they were logged; other lines are skipped.

Options:
  --follow             keep reading FILE as it grows, across rotation,
                       until SIGINT or SIGTERM
  --strict             a report quell cannot use (a bad recipient) is
                       rejected and makes the exit status 65
  --verbose            print each recorded report as record does

Global options: see '"'"'quell help'"'"'.'
t 'help ingest postfix-log' 0 "$INGEST_POSTFIX_LOG_HELP" '' help ingest postfix-log
t 'ingest postfix-log --help' 0 "$INGEST_POSTFIX_LOG_HELP" '' ingest postfix-log --help
POLICYD_HELP='usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]

A Postfix policy server answering smtpd'"'"'s recipient checks.

Options:
  --listen ADDR        unix:PATH, or inet:HOST:PORT ([::1]:PORT for IPv6;
                       port 0: any free one, named in the startup line)
  --socket-owner U[:G] owner and group of the unix socket (smtpd runs as
                       postfix)
  --socket-mode MODE   mode of the unix socket, octal (default 0660)
  --reply KEY=TEMPLATE the answer for KEY: suppress, unsubscribe, complaint,
                       backoff, error, suppress:CATEGORY, backoff:CATEGORY;
                       TEMPLATE '"'"'5NN X.Y.Z text'"'"', REJECT, DEFER_IF_PERMIT...
                       or DUNNO, with {category} {source} {rule} {until}...
  --fail-open          answer DUNNO, not 451 4.3.0, when a check fails
  --max-connections N  clients served at once (default 512)
  --idle-timeout D     close a client silent for D (default 10m; forever)
  --verbose            log every connection and answer
  --user USER[:GROUP]  run as USER once the socket is made (started as root)
  --syslog             log to syslog (facility mail), not stderr

Global options: see '"'"'quell help'"'"'.'
t 'help policyd' 0 "$POLICYD_HELP" '' help policyd
t 'policyd --help' 0 "$POLICYD_HELP" '' policyd --help
RULES_CHECK_HELP='usage: quell rules check [FILE]

Validate a rules file: FILE, or the rules that --rules would load.

Global options: see '"'"'quell help'"'"'.'
t 'help rules check' 0 "$RULES_CHECK_HELP" '' help rules check
t 'rules check --help' 0 "$RULES_CHECK_HELP" '' rules check --help
BACKUP_HELP='usage: quell backup DIR

Write a compacted, consistent copy of the database into DIR.

Global options: see '"'"'quell help'"'"'.'
t 'help backup' 0 "$BACKUP_HELP" '' help backup
t 'backup --help' 0 "$BACKUP_HELP" '' backup --help
