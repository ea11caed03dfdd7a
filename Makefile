# Makefile - build, test and install quell.
#
#   make            the library (static and shared) and build/bin/quell
#   make check      install missing build packages, build, run every test,
#                   check the man pages (groff -mdoc -ww)
#   make demo       install missing build packages, run quell on sample data
#   make sanitize   the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind   the tests under valgrind memcheck
#   make fuzz       build the libFuzzer targets (clang) and run each FUZZ_TIME s
#   make integration  quell policyd and serve --socketmap behind a private
#                   Postfix, driven by swaks and Postfix's sendmail
#   make bench      build and run the benchmarks in bench/
#   make bench-serve  only the quell serve section (against Redis)
#   make install    PREFIX (/usr/local), LIBDIR ($(PREFIX)/lib; multiarch:
#                   LIBDIR=/usr/lib/x86_64-linux-gnu) and DESTDIR are honoured;
#                   the systemd units of dist/systemd go to SYSTEMDUNITDIR
#                   ($(PREFIX)/lib/systemd/system), ExecStart in PREFIX/bin
#   make packaging-check  what a packager relies on: a build with
#                   dpkg-buildflags' hardening links BIND_NOW, `make` alone
#                   passes no -Werror, install honours LIBDIR, the
#                   dependency step is quiet when nothing is missing
#   make install-db DB_DIR=/var/lib/quell DB_USER=quell DB_GROUP=quell
#                   the database directory of a shared database: owned by
#                   DB_USER (who writes), group DB_GROUP (who check), 2750
#
# Build output goes to $(B) (build/ by default); sanitize builds go to
# build/asan.  Packages come from scripts/install-deps, which only calls
# apt-get when a pkg-config module or a header is missing, and prints
# nothing when nothing is.
#
# Flags: CPPFLAGS, CFLAGS and LDFLAGS (from the command line or the
# environment, e.g. dpkg-buildflags') reach every compile and link line,
# after quell's own, so they can override them; LDLIBS is added to the
# libraries.  Warnings are errors only where WERROR=-Werror is set:
# `make check`, `make sanitize` and `make valgrind` set it (unless WERROR
# is given: `make check WERROR=` only warns), so CI fails on a warning
# while `make` of a release with a newer compiler only warns.

VERSION   := 0.1.0
SOMAJOR   := 1
PREFIX    ?= /usr/local
LIBDIR    ?= $(PREFIX)/lib
DESTDIR   ?=
B         ?= build
CC        ?= cc
AR        ?= ar
PKG_CONFIG ?= pkg-config
FUZZ_TIME ?= 20

PKGS      := lmdb yaml-0.1 libpcre2-8 libidn2 libpsl jansson
WARN      := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
WERROR    ?=
# what check, sanitize and valgrind build with: -Werror, or WERROR if given
CHECK_WERROR = $(if $(filter command line environment,$(origin WERROR)),$(WERROR),-Werror)
OPT       ?= -O2 -g
SAN       ?=
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lunistring -lpthread
LIB_DIRS  := lib lib/store lib/rules lib/formats lib/mail
ALL_CPPFLAGS = -D_GNU_SOURCE -Ilib/include $(LIB_DIRS:%=-I%) -I$(B)/gen $(CPPFLAGS)
ALL_CFLAGS = -std=c11 $(WARN) $(WERROR) $(OPT) $(SAN) -fPIC -fvisibility=hidden $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(ALL_CFLAGS) $(LDFLAGS)
LDLIBS_ALL = $(PKG_LIBS) $(LDLIBS)
# quell serve's HTTP server: the command line's alone, never the library's
SERVE_PKGS  := libmicrohttpd
SERVE_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(SERVE_PKGS) 2>/dev/null)
SERVE_LIBS   = $(shell $(PKG_CONFIG) --libs $(SERVE_PKGS) 2>/dev/null)
# the ESP webhooks' signatures (cmd/webhook_sig.c, webhook_sns.c): libcrypto
SERVE_PKGS  += libcrypto
SIG_LIBS     = $(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null)

LIB_SRC   := $(sort $(wildcard lib/*.c lib/*/*.c))
CMD_SRC   := $(sort $(wildcard cmd/*.c))
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
FUZZ_SRC  := $(sort $(wildcard fuzz/fuzz_*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/obj/%.o) $(B)/obj/gen/default_rules.o
CMD_OBJ   := $(CMD_SRC:%.c=$(B)/obj/%.o)
TEST_OBJ  := $(TEST_SRC:%.c=$(B)/obj/%.o) $(B)/obj/tests/runner.o $(B)/obj/tests/testutil.o
# The Postfix protocols (policy delegation, socketmap) live in cmd/ (the
# servers'); their tests and fuzz targets take these sources of it, never
# main.c.
CMD_PROTO_SRC := cmd/policy_req.c cmd/policy_reply.c cmd/socketmap_req.c cmd/socketmap_answer.c
# quell serve's body parsers (pure: tests/test_serve_parse.c, fuzz_http_bodies)
CMD_SERVE_PARSE_SRC := cmd/serve_parse.c cmd/serve_cursor.c cmd/serve_sgkind.c
CMD_PROTO_SRC += $(CMD_SERVE_PARSE_SRC)
CMD_PROTO_SRC += cmd/webhook_sig.c cmd/webhook_sns.c # CUnit: test_webhook_sig.c
CMD_PROTO_OBJ := $(CMD_PROTO_SRC:%.c=$(B)/obj/%.o)
# quell serve's check-path JSON (its fuzz target compares it with render.c's)
CMD_HTTP_SRC := cmd/serve_json.c cmd/render.c cmd/json.c cmd/out.c
MAN       := $(wildcard docs/*.1 docs/*.3 docs/*.5)
# systemd units (quell-serve, quell-policyd): @BINDIR@ filled in by install
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
UNITS     := $(notdir $(basename $(wildcard dist/systemd/*.service.in)))

STATIC    := $(B)/lib/libquell.a
SHARED    := $(B)/lib/libquell.so.$(VERSION)
QUELL     := $(B)/bin/quell
RUNNER    := $(B)/tests/runner

.PHONY: all deps check check-build unit cli eval sanitize valgrind fuzz bench bench-build bench-serve demo \
        install install-db uninstall clean header-test integration man-check packaging-check \
        integration-fleet bench-fleet

all: $(STATIC) $(SHARED) $(QUELL)

deps:
	@scripts/install-deps

# --- the library ------------------------------------------------------------

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The CLI and the servers use the public API only: cmd/ is built without
# -Ilib (nor the library's generated sources), so quell.h is all it sees.
CMD_CPPFLAGS = $(filter-out $(LIB_DIRS:%=-I%) -I$(B)/gen,$(ALL_CPPFLAGS))
$(B)/obj/cmd/%.o: cmd/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CMD_CPPFLAGS) $(ALL_CFLAGS) $(SERVE_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/gen/default_rules.c: config/rules.yaml scripts/embed
	@mkdir -p $(dir $@)
	scripts/embed quell__default_rules config/rules.yaml > $@

$(B)/obj/gen/default_rules.o: $(B)/gen/default_rules.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(STATIC): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(SHARED): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -shared -Wl,-soname,libquell.so.$(SOMAJOR) -o $@ $^ $(LDLIBS_ALL)
	ln -sf libquell.so.$(VERSION) $(B)/lib/libquell.so.$(SOMAJOR)
	ln -sf libquell.so.$(SOMAJOR) $(B)/lib/libquell.so

# quell sync (cmd/sync_*.c) speaks NATS: only the binary links libnats
NATS_LIBS = $(shell $(PKG_CONFIG) --libs libnats 2>/dev/null || echo -lnats)

$(QUELL): $(CMD_OBJ) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CMD_OBJ) $(STATIC) $(NATS_LIBS) $(LDLIBS_ALL) $(SERVE_LIBS)

# --- tests ------------------------------------------------------------------

# Every tests/test_NAME.c defines `CU_SuiteInfo quell_suites_NAME[]`; the list
# of them is generated so that adding a test file needs no other edit.
$(B)/gen/suites.h: $(TEST_SRC)
	@mkdir -p $(dir $@)
	@{ for f in $(TEST_SRC); do n=$$(basename $$f .c); n=$${n#test_}; \
	   echo "extern CU_SuiteInfo quell_suites_$$n[];"; done; \
	   echo "#define QUELL_ALL_SUITES \\"; \
	   for f in $(TEST_SRC); do n=$$(basename $$f .c); n=$${n#test_}; \
	   echo "	quell_suites_$$n, \\"; done; echo; } > $@.tmp && mv $@.tmp $@

$(B)/obj/tests/runner.o: $(B)/gen/suites.h
$(B)/obj/tests/%.o: ALL_CPPFLAGS += -Icmd

# quell's own allocations in the runner go through wrappers that tests can
# make fail (tests/alloc.h, tests/test_alloc.c).
TEST_WRAP_LD := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup

$(RUNNER): $(TEST_OBJ) $(CMD_PROTO_OBJ) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) $(TEST_WRAP_LD) -o $@ $(TEST_OBJ) $(CMD_PROTO_OBJ) $(STATIC) \
	  $(LDLIBS_ALL) $(SIG_LIBS) -lcunit

check: deps
	@$(MAKE) --no-print-directory WERROR=$(CHECK_WERROR) check-build
	@$(MAKE) --no-print-directory WERROR=$(CHECK_WERROR) unit cli header-test man-check

check-build: all $(RUNNER)

unit: $(RUNNER)
	QUELL_EVAL_DIR=$(abspath ../shared/eval) $(TEST_WRAP) $(RUNNER) $(SUITE)

# A small policy client for the policyd tests (not installed).
POLICY_CLIENT := $(B)/tests/policy_client
$(POLICY_CLIENT): tests/policy_client.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_LDFLAGS) -o $@ $<

cli: $(QUELL) $(POLICY_CLIENT)
	QUELL_BIN=$(abspath $(QUELL)) QUELL_POLICY_CLIENT=$(abspath $(POLICY_CLIENT)) \
	  QUELL_WRAP="$(TEST_WRAP)" tests/cli/run

header-test:
	@mkdir -p $(B)/tmp
	printf '#include "quell.h"\nint main(void){return quell_version()[0] ? 0 : 1;}\n' > $(B)/tmp/h.c
	$(CC) -std=c11 -Wall -Wextra -Wpedantic -Werror -Ilib/include -fsyntax-only $(B)/tmp/h.c
	printf '#include "quell.h"\nint main(){struct quell_options o = QUELL_OPTIONS_INIT; return (int)o.flags;}\n' > $(B)/tmp/h.cpp
	c++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -Ilib/include -fsyntax-only $(B)/tmp/h.cpp
	@echo "header-test: quell.h compiles alone as C11 and as C++"

# Every man page in docs/ is clean for groff's mdoc macros with all
# warnings on: any output is a failure (groff itself exits 0); and quell.3
# documents every public function of quell.h, nothing else.
man-check:
	@for m in $(MAN); do out=$$(groff -mdoc -ww -z $$m 2>&1); \
	  if [ -n "$$out" ]; then printf '%s\n' "$$out"; echo "man-check: $$m: not clean"; exit 1; fi; \
	  done; echo "man-check: $(words $(MAN)) pages clean (groff -mdoc -ww -z)"
	@scripts/check-api-docs lib/include/quell.h docs/quell.3

sanitize: deps
	@$(MAKE) --no-print-directory B=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  WERROR=$(CHECK_WERROR) SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" check-build
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(MAKE) --no-print-directory B=build/asan OPT="-O1 -g -fno-omit-frame-pointer" WERROR=$(CHECK_WERROR) \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" unit cli

valgrind: deps
	@$(MAKE) --no-print-directory WERROR=$(CHECK_WERROR) check-build
	$(MAKE) --no-print-directory WERROR=$(CHECK_WERROR) unit cli \
	  TEST_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"

# End to end: a private Postfix instance (postfix and swaks are installed
# first if missing) asking `quell policyd` and `quell serve --socketmap`,
# with swaks as the SMTP client and Postfix's sendmail.
# As root; tests/integration/run says what it does.  Then the report page
# of the demo database in headless Chromium (report_browser.sh).
integration:
	@scripts/install-deps --integration
	@$(MAKE) --no-print-directory all
	tests/integration/run $(abspath $(QUELL))
	@# the report page in headless Chromium (screenshots in $(B)/)
	@scripts/demo $(QUELL) $(B)/demo-db >/dev/null 2>&1
	tests/integration/report_browser.sh $(abspath $(QUELL)) $(B)/demo-db $(B)

# A fleet of three hosts on a three-node NATS JetStream cluster on loopback,
# with faults (tests/integration/fleet.sh says what); and its figures
# (bench/fleet.sh; not run by .ci/run).
integration-fleet:
	@scripts/install-deps --fleet
	@$(MAKE) --no-print-directory all
	tests/integration/fleet.sh $(abspath $(QUELL))

bench-fleet:
	@scripts/install-deps --fleet
	@$(MAKE) --no-print-directory all $(B)/bench/fleet_lat
	bench/fleet.sh $(abspath $(QUELL)) $(abspath $(B)/bench/fleet_lat)

$(B)/bench/fleet_lat: bench/fleet_lat.c $(STATIC)
	@mkdir -p $(dir $@)
	$(BENCH_CC) -o $@ bench/fleet_lat.c $(STATIC) $(LDLIBS_ALL)

# What a packager relies on (scripts/packaging-check says what): a build
# with dpkg-buildflags' hardening in build/pkg linked BIND_NOW, no -Werror
# from `make`, install with LIBDIR, a quiet dependency step.  CI runs it.
packaging-check:
	@scripts/install-deps --packaging
	scripts/packaging-check build/pkg

# --- benchmarks -------------------------------------------------------------

# `make bench`: install what the comparisons need (scripts/install-deps
# --bench: postfix-lmdb's postmap, valgrind), build quell and bench/, and
# run bench/run, which prints one table for BENCH_N generated addresses,
# every figure the median of BENCH_RUNS runs (bench/README.md says how to
# read it).  BENCH_N=100000 is a quick look; BENCH_N=10000000 the large run.
BENCH_N    ?= 1000000
BENCH_RUNS ?= 5
BENCH_SEED ?= 1
BENCH_PROG := $(addprefix $(B)/bench/,gen rss raw_lmdb bench_check bench_rules bench_diff)
BENCH_CC    = $(CC) $(ALL_CPPFLAGS) -Ibench $(ALL_LDFLAGS)

# BENCH_ONLY names bench/run's sections and `serve` (bench/bench_serve.sh,
# run last; its own BENCH_RUNS default is 3).
bench: deps
	@scripts/install-deps --bench
	@$(MAKE) --no-print-directory all bench-build
	@only=$$(echo ",$(BENCH_ONLY)," | sed 's/,serve,/,/g; s/^,*//; s/,*$$//'); \
	if [ -z "$(BENCH_ONLY)" ] || [ -n "$$only" ]; then \
	  B=$(B) BENCH_N=$(BENCH_N) BENCH_RUNS=$(BENCH_RUNS) BENCH_SEED=$(BENCH_SEED) \
	    BENCH_ONLY=$$only bench/run || exit $$?; fi; \
	case ",$(BENCH_ONLY)," in ,,|*,serve,*) \
	  B=$(B) BENCH_N=$(BENCH_N) BENCH_SEED=$(BENCH_SEED) bench/bench_serve.sh;; esac

# `make bench-serve`: the quell serve section alone (bench/bench_serve.sh:
# GET /v1/check against Redis with wrk and redis-benchmark, POST of 1,000
# addresses a request, memory over BENCH_SERVE_SECS, default 300).
bench-serve: deps
	@scripts/install-deps --bench
	@$(MAKE) --no-print-directory all $(B)/bench/gen
	B=$(B) BENCH_N=$(BENCH_N) BENCH_SEED=$(BENCH_SEED) bench/bench_serve.sh

bench-build: $(BENCH_PROG)

$(B)/bench/gen: bench/gen.c bench/gen_text.c bench/gen.h bench/gen_words.h bench/gen_replies.h
	@mkdir -p $(dir $@)
	$(BENCH_CC) -o $@ bench/gen.c bench/gen_text.c

$(B)/bench/rss: bench/rss.c
	@mkdir -p $(dir $@)
	$(BENCH_CC) -o $@ bench/rss.c

$(B)/bench/raw_lmdb: bench/raw_lmdb.c bench/util.c bench/util.h
	@mkdir -p $(dir $@)
	$(BENCH_CC) -o $@ bench/raw_lmdb.c bench/util.c $(LDLIBS_ALL)

$(B)/bench/bench_check: bench/bench_check.c bench/util.c bench/util.h $(STATIC)
	@mkdir -p $(dir $@)
	$(BENCH_CC) -o $@ bench/bench_check.c bench/util.c $(STATIC) $(LDLIBS_ALL)

$(B)/bench/bench_rules: bench/bench_rules.c $(STATIC)
	@mkdir -p $(dir $@)
	$(BENCH_CC) -Wl,--wrap=pcre2_jit_match_8,--wrap=pcre2_match_8 -o $@ bench/bench_rules.c \
	  $(STATIC) $(LDLIBS_ALL)

$(B)/bench/bench_diff: bench/bench_diff.c $(STATIC)
	@mkdir -p $(dir $@)
	$(BENCH_CC) -o $@ bench/bench_diff.c $(STATIC) $(LDLIBS_ALL)

# --- fuzzing (clang + libFuzzer) --------------------------------------------

FUZZ_B := build/fuzz
fuzz: deps
	@$(MAKE) --no-print-directory B=$(FUZZ_B) CC=clang OPT="-O1 -g" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined" $(FUZZ_B)/lib/libquell.a
	@set -e; for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  echo "fuzz: $$n"; \
	  case $$n in *policy*|*socketmap*) proto="-Icmd $(CMD_PROTO_SRC)";; \
	    *http_bodies*) proto="-Icmd $(CMD_SERVE_PARSE_SRC)";; \
	    *http*) proto="-Icmd $(CMD_HTTP_SRC)";; *) proto=;; esac; \
	  clang $(ALL_CPPFLAGS) -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) \
	    -I$(FUZZ_B)/gen -o $(FUZZ_B)/$$n $$f $$proto $(FUZZ_B)/lib/libquell.a $(PKG_LIBS) $(SIG_LIBS); \
	  mkdir -p fuzz/corpus/$$n $(FUZZ_B)/corpus/$$n; \
	  $(FUZZ_B)/$$n -max_total_time=$(FUZZ_TIME) -max_len=4096 \
	    $(FUZZ_B)/corpus/$$n fuzz/corpus/$$n; done

# --- demo -------------------------------------------------------------------

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo $(QUELL) $(B)/demo-db

# --- install ----------------------------------------------------------------

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR)/pkgconfig \
	  $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man3 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(QUELL) $(DESTDIR)$(PREFIX)/bin/quell
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/libquell.a
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/libquell.so.$(VERSION)
	ln -sf libquell.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libquell.so.$(SOMAJOR)
	ln -sf libquell.so.$(SOMAJOR) $(DESTDIR)$(LIBDIR)/libquell.so
	install -m 644 lib/include/quell.h $(DESTDIR)$(PREFIX)/include/quell.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	  -e 's|@REQUIRES@|$(PKGS)|g' quell.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/quell.pc
	for m in $(MAN); do s=$${m##*.}; \
	  install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in $(UNITS); do sed -e 's|@BINDIR@|$(PREFIX)/bin|g' dist/systemd/$$u.in \
	  > $(DESTDIR)$(SYSTEMDUNITDIR)/$$u && chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u; done

# A database that one user writes and the members of one group read (check,
# show, list, export, policyd): the directory setgid to the group, so that
# the files quell creates in it are the group's; quell creates data.mdb
# 0640 and lock.mdb 0660 (readers must write LMDB's lock file).  The user
# and the group must exist; README.md ("One writer, many readers").
DB_DIR   ?= /var/lib/quell
DB_USER  ?= quell
DB_GROUP ?= quell
install-db:
	install -d -o $(DB_USER) -g $(DB_GROUP) -m 2750 $(DESTDIR)$(DB_DIR)

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/quell $(DESTDIR)$(LIBDIR)/libquell.a \
	  $(DESTDIR)$(LIBDIR)/libquell.so $(DESTDIR)$(LIBDIR)/libquell.so.$(SOMAJOR) \
	  $(DESTDIR)$(LIBDIR)/libquell.so.$(VERSION) $(DESTDIR)$(PREFIX)/include/quell.h \
	  $(DESTDIR)$(LIBDIR)/pkgconfig/quell.pc
	for m in $(MAN); do s=$${m##*.}; \
	  rm -f $(DESTDIR)$(PREFIX)/share/man/man$$s/$$(basename $$m); done
	for u in $(UNITS); do rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/$$u; done

clean:
	rm -rf build

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
