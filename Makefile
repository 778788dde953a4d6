# Makefile - build, run and test splitroute.
#
#   make            build build/splitroute and build/splitroute-milter
#   make run        install what is missing, build, run the milter in the
#                   foreground on inet:$(PORT)@127.0.0.1 with rules/example.json
#   make check      install what is missing, build, run every test suite
#   make bench      routing-core benchmark (timings are never pass/fail)
#   make deps       install the Debian packages the project needs (as root)
#
# SANITIZE=address,undefined (or thread) builds into build/san-<list>/.

CXX      ?= g++
PORT     ?= 8899
RULES    ?= rules/example.json
SANITIZE ?=

PKGS_LIB    := fmt nlohmann_json ldap lber
PKGS_MILTER := milter
PKGS_TEST   := gtest gtest_main
PKGS_BENCH  := benchmark

comma := ,
BUILD ?= build
ifeq ($(SANITIZE),)
SANFLAGS :=
else
override BUILD := $(BUILD)/san-$(subst $(comma),-,$(SANITIZE))
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
endif
pkgcflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pkglibs   = $(shell pkg-config --libs $(1) 2>/dev/null)

CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++20 -Wall -Wextra -Werror -pthread -Imilter -MMD -MP $(SANFLAGS)
LDFLAGS  += -pthread $(SANFLAGS)

LIB_SRC    := $(sort $(wildcard milter/core/*.cpp milter/directory/*.cpp milter/runtime/*.cpp milter/util/*.cpp))
CLI_SRC    := $(sort $(wildcard milter/cli/*.cpp))
DAEMON_SRC := $(sort $(wildcard milter/daemon/*.cpp))
UNIT_SRC   := $(sort $(wildcard test/unit/*_test.cpp))
TOOL_SRC   := $(sort $(wildcard test/tools/*.cpp))
BENCH_SRC  := $(sort $(wildcard test/bench/*.cpp))

obj = $(patsubst %.cpp,$(BUILD)/obj/%.o,$(1))

LIB       := $(BUILD)/libsplitroute.a
CLI       := $(BUILD)/splitroute
DAEMON    := $(BUILD)/splitroute-milter
UNIT      := $(BUILD)/unit-tests
BENCH     := $(BUILD)/core-bench
TOOLS     := $(patsubst test/tools/%.cpp,$(BUILD)/%,$(TOOL_SRC))

.PHONY: all deps run check check-unit check-man check-suites bench clean

all: $(CLI) $(if $(DAEMON_SRC),$(DAEMON)) $(TOOLS)

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) $(call pkgcflags,$(PKGS_LIB) $(PKGS_MILTER) $(PKGS_TEST) $(PKGS_BENCH)) -c -o $@ $<

$(LIB): $(call obj,$(LIB_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(CLI): $(call obj,$(CLI_SRC)) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_LIB))

$(DAEMON): $(call obj,$(DAEMON_SRC)) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_MILTER) $(PKGS_LIB))

$(BUILD)/%: $(BUILD)/obj/test/tools/%.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_MILTER) $(PKGS_LIB))

$(UNIT): $(call obj,$(UNIT_SRC)) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_TEST) $(PKGS_LIB))

$(BENCH): $(call obj,$(BENCH_SRC)) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_BENCH) $(PKGS_LIB))

-include $(shell find build -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- packages
# Debian 12 packages the build, the run and the tests need.  Installed only
# when one is missing; `apt-get update` runs only then.
DEBIAN_PACKAGES := g++ make pkgconf libmilter-dev libldap-dev libfmt-dev \
	nlohmann-json3-dev libgtest-dev libbenchmark-dev python3 python3-jsonschema \
	miltertest slapd ldap-utils postfix postfix-ldap swaks groff-base man-db

deps:
	@./contrib/install-deps $(DEBIAN_PACKAGES)

# ---------------------------------------------------------------- run
run: deps all
	@echo "splitroute-milter on inet:$(PORT)@127.0.0.1 with $(RULES)"
	@echo "Postfix: postconf -e 'smtpd_milters = inet:127.0.0.1:$(PORT)' 'milter_default_action = tempfail'"
	$(DAEMON) -f -p inet:$(PORT)@127.0.0.1 -c $(RULES)

# ---------------------------------------------------------------- tests
# Every suite is a script under test/*/run (or the unit-test binary); the
# driver prints one "N passed, N failed" line at the end.
check: deps
	@$(MAKE) --no-print-directory -j$$(nproc) all $(UNIT)
	@BUILD=$(BUILD) ./test/run-suites

check-unit: $(UNIT)
	$(UNIT)

bench: deps
	@$(MAKE) --no-print-directory -j$$(nproc) $(BENCH)
	@./test/bench/run $(BENCH)

clean:
	rm -rf build
