# Makefile - build, run and test splitroute.
#
#   make            build build/splitroute and build/splitroute-milter
#   make run        install what is missing, build, run the milter in the
#                   foreground on inet:$(PORT)@127.0.0.1, its socketmap on
#                   inet:$(SMAP_PORT)@127.0.0.1, with rules/example.json
#   make check      install what is missing, build, run every test suite,
#                   then the unit, fuzz-corpus, milter and faults suites again built
#                   with ASan+UBSan (check-sanitize)
#   make fuzz       libFuzzer run of every test/fuzz target (FUZZ_SECONDS each)
#   make bench      benchmarks P1-P6, one table (timings are never pass/fail;
#                   docs/BENCHMARKS.md)
#   make deps       install the Debian packages the project needs (as root)
#
# SANITIZE=address,undefined (or thread) builds into build/san-<list>/.

CXX      ?= g++
PORT     ?= 8899
SMAP_PORT ?= 8898
RULES    ?= rules/example.json
SANITIZE ?=

PKGS_LIB    := fmt nlohmann_json ldap lber krb5-gssapi krb5 gnutls libidn2
PKGS_MILTER := milter libsystemd
PKGS_TEST   := gtest gtest_main
PKGS_BENCH  := benchmark
PKGS_METRICS := prometheus-cpp-pull prometheus-cpp-core

comma := ,
BUILD ?= build
ifeq ($(SANITIZE),)
SANFLAGS :=
else
override BUILD := $(BUILD)/san-$(subst $(comma),-,$(SANITIZE))
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
endif
pkgcflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
# libresolv (the dns-srv LDAP URIs) and libunistring (NFC, case folding) ship
# no .pc file: they come with ldap and libidn2.
pkglibs   = $(shell pkg-config --libs $(1) 2>/dev/null)$(if $(filter ldap,$(1)), -lresolv)$(if $(filter libidn2,$(1)), -lunistring)

# A sanitizer build is compiled at -O1 -g1: with ASan+UBSan, -O2 -g takes
# twice as long to compile, and reports keep their file:line either way.
ifeq ($(SANITIZE),)
CXXFLAGS ?= -O2 -g
else
CXXFLAGS ?= -O1 -g1
endif
CXXFLAGS += -std=c++20 -Wall -Wextra -Werror -pthread -Imilter -MMD -MP $(SANFLAGS)
LDFLAGS  += -pthread $(SANFLAGS)

LIB_SRC    := $(sort $(wildcard milter/core/*.cpp milter/directory/*.cpp milter/runtime/*.cpp milter/util/*.cpp milter/socketmap/*.cpp) milter/metrics/events.cpp)
CLI_SRC    := $(sort $(wildcard milter/cli/*.cpp milter/graph/*.cpp))
EXCHANGE_SRC := $(sort $(wildcard milter/exchange/*.cpp))
DAEMON_SRC := $(sort $(wildcard milter/daemon/*.cpp) $(filter-out milter/metrics/events.cpp,$(wildcard milter/metrics/*.cpp)))
UNIT_SRC   := $(sort $(wildcard test/unit/*_test.cpp))
TOOL_SRC   := $(sort $(wildcard test/tools/*.cpp))
BENCH_SRC  := $(sort $(wildcard test/bench/*.cpp))

obj = $(patsubst %.cpp,$(BUILD)/obj/%.o,$(1))

# The version (contrib/version): compiled into util/version.cpp only, which
# is rebuilt when the stamp's content changes.
VERSION := $(shell ./contrib/version)
VERSION_STAMP := $(BUILD)/version.stamp
$(shell mkdir -p $(BUILD) && { [ "$$(cat $(VERSION_STAMP) 2>/dev/null)" = "$(VERSION)" ] || echo "$(VERSION)" >$(VERSION_STAMP); })
$(BUILD)/obj/milter/util/version.o: $(VERSION_STAMP)
$(BUILD)/obj/milter/util/version.o: CXXFLAGS += -DSPLITROUTE_VERSION='"$(VERSION)"'

LIB       := $(BUILD)/libsplitroute.a
EXCHANGE_LIB := $(BUILD)/libsplitroute-exchange.a
CLI       := $(BUILD)/splitroute
DAEMON    := $(BUILD)/splitroute-milter
UNIT      := $(BUILD)/unit-tests
BENCH     := $(BUILD)/core-bench
TOOLS     := $(patsubst test/tools/%.cpp,$(BUILD)/%,$(TOOL_SRC))

.PHONY: all deps run check check-build check-sanitize check-unit check-man check-suites bench fuzz clean

all: $(CLI) $(if $(DAEMON_SRC),$(DAEMON)) $(TOOLS)

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(call pkgcflags,$(PKGS_LIB) $(PKGS_MILTER) $(PKGS_TEST) $(PKGS_BENCH) $(PKGS_METRICS)) -c -o $@ $<

$(LIB): $(call obj,$(LIB_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(EXCHANGE_LIB): $(call obj,$(EXCHANGE_SRC))
	rm -f $@ && ar rcs $@ $^

$(CLI): $(call obj,$(CLI_SRC)) $(EXCHANGE_LIB) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_LIB))

$(DAEMON): $(call obj,$(DAEMON_SRC)) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_MILTER) $(PKGS_METRICS) $(PKGS_LIB))

$(BUILD)/%: $(BUILD)/obj/test/tools/%.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_MILTER) $(PKGS_LIB))

$(UNIT): $(call obj,$(UNIT_SRC)) $(EXCHANGE_LIB) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_TEST) $(PKGS_LIB) prometheus-cpp-core)

$(BENCH): $(call obj,$(BENCH_SRC)) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_BENCH) $(PKGS_LIB))

-include $(shell find build -name '*.d' -type f 2>/dev/null)

# ---------------------------------------------------------------- packages
# Debian 12 packages the build, the run and the tests need.  Installed only
# when one is missing; `apt-get update` runs only then.  Not sendmail-bin:
# it conflicts with postfix; test/sendmail/run unpacks a private copy.
DEBIAN_PACKAGES := g++ make pkgconf libmilter-dev libldap-dev libfmt-dev \
	nlohmann-json3-dev libsystemd-dev libgtest-dev libbenchmark-dev python3 python3-jsonschema \
	miltertest slapd ldap-utils postfix postfix-ldap sendmail-cf m4 swaks groff-base man-db \
	clang-14 libfuzzer-14-dev debhelper dpkg-dev lintian systemd \
	libkrb5-dev libsasl2-dev libgnutls28-dev libsasl2-modules-gssapi-mit krb5-user samba-ad-dc samba-ad-provision ldb-tools openssl iproute2 \
	dnsmasq-base \
	libidn2-dev libunistring-dev \
	prometheus-cpp-dev graphviz curl

deps:
	@./contrib/install-deps $(DEBIAN_PACKAGES)

# ---------------------------------------------------------------- run
run: deps all
	@echo "splitroute-milter on inet:$(PORT)@127.0.0.1, socketmap on inet:$(SMAP_PORT)@127.0.0.1, with $(RULES)"
	@echo "Postfix: $(CLI) postconf -c $(RULES) -p inet:$(PORT)@127.0.0.1 -s inet:$(SMAP_PORT)@127.0.0.1"
	$(DAEMON) -f -p inet:$(PORT)@127.0.0.1 -s inet:$(SMAP_PORT)@127.0.0.1 -c $(RULES)

# ---------------------------------------------------------------- tests
# Every suite is a script under test/*/run (or the unit-test binary); the
# driver prints one "N passed, N failed" line at the end.
# Without SANITIZE, check-sanitize follows (even after a failure, so one CI
# run shows everything).  A sanitizer report stops the program it occurs in
# (ASan always does); test/tsan.supp lists the libmilter-internal reports.
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS ?= halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/test/tsan.supp
SANITIZE_CI := address,undefined
SANITIZE_CI_SUITES := unit fuzz milter faults

check: deps
	@$(MAKE) --no-print-directory check-build
	@BUILD=$(BUILD) ./test/run-suites; rc=$$?; \
	$(if $(SANITIZE),exit $$rc,$(MAKE) --no-print-directory check-sanitize || rc=1; exit $$rc)

check-build:
	@$(MAKE) --no-print-directory -j$$(nproc) all $(UNIT) $(REPLAY_BINS)

check-sanitize:
	@echo "=== check-sanitize: $(SANITIZE_CI_SUITES) built with -fsanitize=$(SANITIZE_CI)"
	@$(MAKE) --no-print-directory SANITIZE=$(SANITIZE_CI) check-build
	@BUILD=$(BUILD)/san-$(subst $(comma),-,$(SANITIZE_CI)) CHECK_LABEL=check-sanitize \
		./test/run-suites $(SANITIZE_CI_SUITES)

check-unit: $(UNIT)
	$(UNIT)

bench: deps
	@$(MAKE) --no-print-directory -j$$(nproc) all $(BENCH)
	@BUILD=$(BUILD) ./test/bench/run

# ---------------------------------------------------------------- fuzzing
# test/fuzz/<target>.cpp are libFuzzer targets.  `make fuzz` builds them with
# clang and -fsanitize=fuzzer,address,undefined (the library compiled again
# into $(FUZZ_DIR)) and runs each for FUZZ_SECONDS, starting from its seed
# corpus test/fuzz/corpus/<target>/.  `make check` replays every corpus file
# through the same targets built with $(CXX): $(BUILD)/fuzz-replay/<target>.
FUZZ_CXX     ?= clang++-14
FUZZ_SECONDS ?= 60
FUZZ_SRC     := $(sort $(wildcard test/fuzz/*.cpp))
FUZZ_TARGETS := $(patsubst test/fuzz/%.cpp,%,$(FUZZ_SRC))
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_FLAGS   := -O2 -g -std=c++20 -Wall -Wextra -pthread -Imilter -MMD -MP \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
REPLAY_BINS  := $(patsubst %,$(BUILD)/fuzz-replay/%,$(FUZZ_TARGETS))
$(FUZZ_DIR)/obj/milter/util/version.o: $(VERSION_STAMP)
$(FUZZ_DIR)/obj/milter/util/version.o: FUZZ_FLAGS += -DSPLITROUTE_VERSION='"$(VERSION)"'

$(FUZZ_DIR)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(call pkgcflags,$(PKGS_LIB)) -c -o $@ $<

$(FUZZ_DIR)/libsplitroute.a: $(patsubst %.cpp,$(FUZZ_DIR)/obj/%.o,$(LIB_SRC))
	rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/libsplitroute-exchange.a: $(patsubst %.cpp,$(FUZZ_DIR)/obj/%.o,$(EXCHANGE_SRC))
	rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/%: $(FUZZ_DIR)/obj/test/fuzz/%.o $(FUZZ_DIR)/libsplitroute-exchange.a $(FUZZ_DIR)/libsplitroute.a
	$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(call pkglibs,$(PKGS_LIB))

$(BUILD)/fuzz-replay/%: $(BUILD)/obj/test/fuzz/%.o $(BUILD)/obj/test/fuzz/lib/replay_main.o $(EXCHANGE_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_LIB))

# Objects linked by pattern rules are kept (make would delete them as intermediates).
.SECONDARY: $(call obj,$(TOOL_SRC) $(FUZZ_SRC) test/fuzz/lib/replay_main.cpp) \
	$(patsubst %.cpp,$(FUZZ_DIR)/obj/%.o,$(FUZZ_SRC))

fuzz: deps
	@$(MAKE) --no-print-directory -j$$(nproc) $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))
	@./test/fuzz/fuzz-all $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf build

# ---------------------------------------------------------------- install
# GNU conventions: `make install PREFIX=/usr DESTDIR=/tmp/stage`.  Installs
# the two programs, the man pages, the JSON Schema, the example rule files
# and the MTA fragments (under $(DATADIR)/splitroute/) and the systemd unit
# (its paths rewritten to SBINDIR and SYSCONFDIR).  Nothing under
# $(SYSCONFDIR): the rule file is the administrator's (the Debian package
# ships a starter).  `make uninstall` removes exactly what install wrote.
PREFIX     ?= /usr/local
DESTDIR    ?=
SBINDIR    ?= $(PREFIX)/sbin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
SYSTEMDUNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
INSTALL    ?= install

SERVICE_UNIT  := splitroute-milter.service
SHARE_DIR      = $(DATADIR)/splitroute
EXAMPLE_RULES := $(sort $(wildcard rules/*.json rules/*.txt))
MAN_PAGES     := man/splitroute.1 man/splitroute.json.5 man/splitroute-milter.8
POSTFIX_FILES := contrib/postfix/main.cf.fragment contrib/postfix/master.cf.fragment \
	contrib/postfix/milter_header_checks
SENDMAIL_FILES := contrib/sendmail/splitroute.mc

# installed_files - every path install writes, for uninstall (and the test).
installed_files = $(SBINDIR)/splitroute $(SBINDIR)/splitroute-milter \
	$(foreach m,$(MAN_PAGES),$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))) \
	$(SHARE_DIR)/splitroute.schema.json \
	$(addprefix $(SHARE_DIR)/rules/,$(notdir $(EXAMPLE_RULES))) \
	$(addprefix $(SHARE_DIR)/postfix/,$(notdir $(POSTFIX_FILES))) \
	$(addprefix $(SHARE_DIR)/sendmail/,$(notdir $(SENDMAIL_FILES))) \
	$(SYSTEMDUNITDIR)/$(SERVICE_UNIT)

.PHONY: install uninstall installed-files deb

install: $(CLI) $(DAEMON)
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SHARE_DIR)/rules $(DESTDIR)$(SHARE_DIR)/postfix \
		$(DESTDIR)$(SHARE_DIR)/sendmail $(DESTDIR)$(SYSTEMDUNITDIR)
	$(INSTALL) -m 755 $(CLI) $(DAEMON) $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 644 man/splitroute.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 man/splitroute.json.5 $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 644 man/splitroute-milter.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 644 schema/splitroute.schema.json $(DESTDIR)$(SHARE_DIR)/
	$(INSTALL) -m 644 $(EXAMPLE_RULES) $(DESTDIR)$(SHARE_DIR)/rules/
	$(INSTALL) -m 644 $(POSTFIX_FILES) $(DESTDIR)$(SHARE_DIR)/postfix/
	$(INSTALL) -m 644 $(SENDMAIL_FILES) $(DESTDIR)$(SHARE_DIR)/sendmail/
	sed -e 's|/usr/sbin/|$(SBINDIR)/|g' -e 's|/etc/|$(SYSCONFDIR)/|g' contrib/systemd/$(SERVICE_UNIT) \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/$(SERVICE_UNIT)
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$(SERVICE_UNIT)

uninstall:
	rm -f $(addprefix $(DESTDIR),$(installed_files))
	-rmdir $(DESTDIR)$(SHARE_DIR)/rules $(DESTDIR)$(SHARE_DIR)/postfix \
		$(DESTDIR)$(SHARE_DIR)/sendmail $(DESTDIR)$(SHARE_DIR) 2>/dev/null

installed-files:
	@printf '%s\n' $(installed_files)

# ---------------------------------------------------------------- package
# `make deb`: build/splitroute_<version>_<arch>.deb with dpkg-buildpackage,
# from a copy of the source tree (build/deb/splitroute-<version>/) with
# contrib/debian/ as its debian/ folder and the version written into
# VERSION and debian/changelog: the top level stays as it is.
DEB_TREE = $(BUILD)/deb/splitroute-$(VERSION)

deb: deps
	rm -rf $(BUILD)/deb $(BUILD)/splitroute_*.deb && mkdir -p $(DEB_TREE)
	git ls-files -z 2>/dev/null | xargs -0 -I{} cp --parents -- {} $(DEB_TREE)/ 2>/dev/null || \
		tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C $(DEB_TREE)
	rm -rf $(DEB_TREE)/debian && cp -r contrib/debian $(DEB_TREE)/debian
	echo "$(VERSION)" >$(DEB_TREE)/VERSION
	contrib/debian/make-changelog "$(VERSION)" >$(DEB_TREE)/debian/changelog
	cd $(DEB_TREE) && env -u BUILD -u SANITIZE -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
		-u CXXFLAGS -u LDFLAGS -u CPPFLAGS dpkg-buildpackage -b -us -uc -jauto
	mv $(BUILD)/deb/splitroute_$(VERSION)_*.deb $(BUILD)/
	@ls $(BUILD)/splitroute_$(VERSION)_*.deb
