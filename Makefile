# SPDX-License-Identifier: GPL-2.0
#
SHELL := /bin/bash

# kheaders - build, embed, extract and verify the kernel's in-kernel headers
# archive.  `make` builds build/kheaders and libkheaders; `make check` runs
# every test (installing Debian packages first when run as root).

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBDIR    ?= $(PREFIX)/lib
INCDIR    ?= $(PREFIX)/include
DATADIR   ?= $(PREFIX)/share
MANDIR    ?= $(DATADIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR   ?=

CC        ?= cc
PKG_CONFIG ?= pkg-config
PKGS      := liblzma libarchive zlib libelf liblz4 libzstd libcrypto

ifeq ($(SANITIZE),1)
B         ?= build-san
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=undefined
else
B         ?= build
SANFLAGS  :=
endif

# Kbuild-style output: one short line per step ("  CC      src/build.c");
# `make V=1` prints the whole commands instead, `make -s` nothing.
ifeq ($(V),1)
Q         :=
msg        = @:
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q         := @
msg        = @:
else
Q         := @
msg        = @printf '  %-7s %s\n' '$(1)' '$(2)'
endif

WERROR    ?= 1
OPT       ?= -O2 -g
WARN      := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 \
	     -Wmissing-prototypes -Wstrict-prototypes $(if $(filter 1,$(WERROR)),-Werror)
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lbz2 -lpthread
KH_CFLAGS  = -std=gnu11 $(OPT) $(WARN) $(SANFLAGS) -fPIC -fvisibility=hidden \
	     -D_GNU_SOURCE -DKH_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(CPPFLAGS) \
	     $(CFLAGS)
KH_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

# The command line sees only the public header: src/cli/ is compiled with
# -I of a folder holding kheaders.h alone, and linked against the shared
# library (run from the build folder through an $ORIGIN rpath; installed,
# through $ORIGIN/../lib or the system's search path).
PUB_INC   := $(B)/include
CLI_CFLAGS = -I$(PUB_INC)
CLI_RPATH := -Wl,-rpath,'$$ORIGIN' -Wl,-rpath,'$$ORIGIN/../lib'

LIB_SRCS  := $(sort $(wildcard src/*.c))
CLI_SRCS  := $(sort $(wildcard src/cli/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJS  := $(LIB_SRCS:src/%.c=$(B)/obj/%.o)
CLI_OBJS  := $(CLI_SRCS:src/cli/%.c=$(B)/obj/cli/%.o)
UNIT_OBJS := $(UNIT_SRCS:tests/unit/%.c=$(B)/obj/tests/%.o)

KHEADERS  := $(B)/kheaders
LIBA      := $(B)/libkheaders.a
LIBSO     := $(B)/libkheaders.so.0
# The library's exports: the KH_EXPORT functions, in one version node
# (scripts/symbols.sh writes it; check-boundary compares it with the library).
LIBMAP    := src/libkheaders.map
UNIT_BIN  := $(B)/tests/unit-tests

.PHONY: man all deps deps-if-needed check check-unit check-cli check-corpus check-e2e check-boundary \
	e2e demo install install-kbuild deb-check bench sweep fuzz clean

all: $(KHEADERS) $(LIBA) $(LIBSO)

$(B)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(KH_CFLAGS) -MMD -MP -c -o $@ $<

$(PUB_INC)/kheaders.h: src/kheaders.h
	@mkdir -p $(dir $@)
	$(call msg,GEN,$@)
	$(Q)cp $< $@

$(B)/obj/cli/%.o: src/cli/%.c $(PUB_INC)/kheaders.h
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(KH_CFLAGS) $(CLI_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/obj/tests/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(KH_CFLAGS) -Isrc -MMD -MP -c -o $@ $<

$(LIBA): $(LIB_OBJS)
	@rm -f $@
	$(call msg,AR,$@)
	$(Q)$(AR) rcs $@ $^

$(LIBSO): $(LIB_OBJS) $(LIBMAP)
	$(call msg,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,libkheaders.so.0 -Wl,--version-script=$(LIBMAP) \
		$(KH_LDFLAGS) -o $@ $(LIB_OBJS) $(PKG_LIBS)

$(KHEADERS): $(CLI_OBJS) $(LIBSO)
	$(call msg,LD,$@)
	$(Q)$(CC) $(KH_LDFLAGS) -o $@ $(CLI_OBJS) $(LIBSO) $(CLI_RPATH)

# The unit tests also cover the command line's formatting (format.c).
$(UNIT_BIN): $(UNIT_OBJS) $(LIBA) $(B)/obj/cli/format.o
	@mkdir -p $(dir $@)
	$(call msg,LD,$@)
	$(Q)$(CC) $(KH_LDFLAGS) -o $@ $(UNIT_OBJS) $(B)/obj/cli/format.o $(LIBA) \
		$(PKG_LIBS) -lcriterion

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)

# The Debian packages `make check` uses (scripts/deps.d: build, demo, test,
# e2e); `make demo` installs only build and demo.
deps:
	@scripts/deps.sh install

deps-if-needed:
	@scripts/deps.sh if-needed

RESULTS := $(abspath $(B))/test-results

# Every suite runs even when an earlier one fails; the last line is the total.
check: deps-if-needed
	@$(MAKE) --no-print-directory all $(UNIT_BIN)
	@scripts/corpus.sh fetch >/dev/null 2>&1 || \
		echo "  (real corpus unavailable: the real-kernel suites will skip)"
	@rm -f $(RESULTS)
	@status=0; \
	for t in check-boundary check-unit check-cli check-corpus $(if $(filter 1,$(SANITIZE)),,check-e2e); do \
		KH_RESULTS=$(RESULTS) $(MAKE) --no-print-directory $$t || status=1; \
	done; \
	tests/summary.sh $(RESULTS) || status=1; \
	exit $$status

check-unit: $(UNIT_BIN)
	@echo "== unit tests (criterion)"
	@cd tests/unit && ../../$(UNIT_BIN) --jobs=2 2>&1 | tee $(RESULTS).unit; \
		status=$${PIPESTATUS[0]}; \
		sed -n 's/.*Tested: \([0-9]*\) | Passing: \([0-9]*\) | Failing: \([0-9]*\) | Crashing: \([0-9]*\).*/unit \2 \3 \4/p' \
			$(RESULTS).unit | awk '{print $$1, $$2, $$3 + $$4, 0}' >> $(if $(KH_RESULTS),$(KH_RESULTS),/dev/null); \
		rm -f $(RESULTS).unit; exit $$status

# The library's boundary: every src/cli/ file compiles, copied away from
# src/, with only kheaders.h to include (a private header would fail), the
# binary needs libkheaders.so.0, and the library exports the KH_EXPORT
# functions alone, as src/libkheaders.map and debian/libkheaders0.symbols
# list them (scripts/symbols.sh).
BOUNDARY := $(B)/boundary
check-boundary: $(KHEADERS)
	@echo "== library boundary"
	@rm -rf $(BOUNDARY) && mkdir -p $(BOUNDARY)/cli $(BOUNDARY)/include && \
	cp src/cli/*.c src/cli/*.h $(BOUNDARY)/cli/ && \
	cp src/kheaders.h $(BOUNDARY)/include/ && \
	pass=0; fail=0; \
	for f in $(BOUNDARY)/cli/*.c; do \
		if $(CC) $(KH_CFLAGS) -I$(BOUNDARY)/include -fsyntax-only $$f; then \
			pass=$$((pass + 1)); \
		else \
			echo "not ok: $${f##*/} needs more than kheaders.h"; fail=$$((fail + 1)); \
		fi; \
	done; \
	if ldd $(KHEADERS) | grep -q 'libkheaders\.so\.0 => .*$(notdir $(LIBSO))'; then \
		pass=$$((pass + 1)); \
	else \
		echo "not ok: $(KHEADERS) is not linked against libkheaders.so.0"; fail=$$((fail + 1)); \
	fi; \
	if nm -D --defined-only $(LIBSO) | awk '$$2 != "A" && $$3 !~ /^kh_/ {bad = 1; print "not ok: exported " $$3} END {exit bad}'; then \
		pass=$$((pass + 1)); \
	else \
		fail=$$((fail + 1)); \
	fi; \
	if ! scripts/symbols.sh check $(B) > $(BOUNDARY)/symbols.out 2>&1 && \
	   ! grep -q '^not ok - ' $(BOUNDARY)/symbols.out; then \
		echo "not ok - scripts/symbols.sh check stopped without a verdict"; \
		fail=$$((fail + 1)); \
	fi; \
	grep -v '^ok - ' $(BOUNDARY)/symbols.out; \
	pass=$$((pass + $$(grep -c '^ok - ' $(BOUNDARY)/symbols.out))); \
	fail=$$((fail + $$(grep -c '^not ok - ' $(BOUNDARY)/symbols.out))); \
	echo "boundary $$pass $$fail 0" >> $(if $(KH_RESULTS),$(KH_RESULTS),/dev/null); \
	echo "$$pass passed, $$fail failed"; \
	test $$fail = 0

check-cli: $(KHEADERS)
	@echo "== command-line tests"
	@KHEADERS=$(abspath $(KHEADERS)) B=$(abspath $(B)) tests/run.sh tests/cli

check-corpus: $(KHEADERS)
	@echo "== real-corpus tests (linux 6.1)"
	@KHEADERS=$(abspath $(KHEADERS)) B=$(abspath $(B)) tests/run.sh tests/corpus

# The kernel builds and boots, when the corpus is there (not under
# SANITIZE=1: they prove the integration, the sanitizers the code).
# KH_E2E=0 leaves the kernel builds out (a quick local run; CI never sets it).
check-e2e:
	@if [ "$${KH_E2E:-1}" = 0 ]; then \
		echo "== end-to-end tests: skipped (KH_E2E=0)"; \
		echo "e2e 0 0 1" >> $(if $(KH_RESULTS),$(KH_RESULTS),/dev/null); \
	elif scripts/corpus.sh check; then \
		$(MAKE) --no-print-directory e2e; \
	else \
		echo "== end-to-end tests: skipped (no corpus: scripts/corpus.sh fetch)"; \
		echo "e2e 0 0 1" >> $(if $(KH_RESULTS),$(KH_RESULTS),/dev/null); \
	fi

# Not part of `check`: `kheaders uapi` against `make headers_install` for
# every architecture of the 6.1, 6.12 and 7.2 trees (check-corpus takes x86,
# arm64 and riscv); the oracles are cached in ~/.cache/kheaders/uapi-oracle.
.PHONY: uapi-all
uapi-all: $(KHEADERS)
	@KHEADERS=$(abspath $(KHEADERS)) B=$(abspath $(B)) \
		bash tests/corpus/uapi_trees.sh --all

# Not part of `check`: minutes of CPU on the real corpus (RUNS=3 rounds).
bench: $(KHEADERS)
	@bench/run.sh $(abspath $(KHEADERS))

# Not part of `check` (the e2e suite runs a subset): the configuration
# sweep, kernel trees with the integration built in every configuration of
# scripts/sweep.sh, with kheaders present and absent; about an hour on two
# cores, resumable.  SWEEP="7.2-rand*" selects cells.
sweep: $(KHEADERS)
	@scripts/sweep.sh --kheaders $(abspath $(KHEADERS)) $(SWEEP)
# Only the uapi row of `make bench` (bench/uapi.sh).
.PHONY: bench-uapi
bench-uapi: $(KHEADERS)
	@bench/uapi.sh $(abspath $(KHEADERS))

# Not part of `check`: the Debian packages (debian/) built, linted, built
# again for reproducibility and installed, each in a fresh Debian 12 root
# (as root, with mmdebstrap: scripts/deb-check.sh).
deb-check:
	@scripts/deb-check.sh

demo:
	@scripts/deps.sh if-needed build demo
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(abspath $(KHEADERS))

install: all install-kbuild
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(KHEADERS) $(DESTDIR)$(BINDIR)/kheaders
	install -m 0644 $(LIBA) $(DESTDIR)$(LIBDIR)/libkheaders.a
	install -m 0755 $(LIBSO) $(DESTDIR)$(LIBDIR)/libkheaders.so.0
	ln -sf libkheaders.so.0 $(DESTDIR)$(LIBDIR)/libkheaders.so
	install -m 0644 src/kheaders.h $(DESTDIR)$(INCDIR)/kheaders.h
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|; s|@VERSION@|$(VERSION)|; s|@PKGS@|$(PKGS)|' \
		kheaders.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/kheaders.pc
	[ ! -f docs/kheaders.1 ] || install -m 0644 docs/kheaders.1 $(DESTDIR)$(MANDIR)/man1/kheaders.1

# The Kbuild integration: kbuild/ (whatever it holds, modes kept) and
# Kconfig.snippet in $(DATADIR)/kheaders, in the layout install-into-tree
# expects, and kheaders-install-into-tree on PATH to run it.
KBUILD_DATA := $(DATADIR)/kheaders
install-kbuild:
	install -d $(DESTDIR)$(KBUILD_DATA) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	cd kbuild && find . -type d | LC_ALL=C sort | while read -r d; do \
		install -d "$(abspath $(DESTDIR))$(KBUILD_DATA)/kbuild/$$d" || exit 1; \
	done
	cd kbuild && find . -type f | LC_ALL=C sort | while read -r f; do \
		m=0644; [ ! -x "$$f" ] || m=0755; \
		install -m $$m "$$f" "$(abspath $(DESTDIR))$(KBUILD_DATA)/kbuild/$$f" || exit 1; \
	done
	install -m 0644 Kconfig.snippet $(DESTDIR)$(KBUILD_DATA)/Kconfig.snippet
	echo '$(VERSION)' > $(DESTDIR)$(KBUILD_DATA)/VERSION
	printf '%s\n' '#!/bin/sh' \
		'# kbuild/install-into-tree of the kheaders installed in $(PREFIX)' \
		'exec $(KBUILD_DATA)/kbuild/install-into-tree "$$@"' \
		> $(DESTDIR)$(BINDIR)/kheaders-install-into-tree
	chmod 0755 $(DESTDIR)$(BINDIR)/kheaders-install-into-tree
	install -m 0644 docs/kheaders-install-into-tree.1 \
		$(DESTDIR)$(MANDIR)/man1/kheaders-install-into-tree.1

MAN_PARTS := docs/man/head.roff $(foreach c,build embed extract list diff verify strip prepare symvers uapi drift,docs/man/$(c).roff) docs/man/tail.roff

# The man page is assembled from one fragment per subcommand.
man: docs/kheaders.1
docs/kheaders.1: $(MAN_PARTS)
	$(call msg,GEN,$@)
	$(Q)cat $(MAN_PARTS) > $@

# ---- reliability: fuzzing and sanitizer runs (docs/reliability.md) -------
# `make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="strip image"]` builds the
# libFuzzer harnesses tests/fuzz/fuzz_<name>.c with clang, ASan and UBSan
# into build-fuzz/ and runs each for N seconds on its seed corpus (after
# replaying tests/fuzz/regress/<name>/).  `make check SANITIZE=1` runs the suites on the
# ASan+UBSan build with the options below.
#
# `make fuzz FUZZ_FAST=1` is the mode for long runs (millions of
# executions): UBSan only, no ASan, into build-fuzz-fast/, with the
# decoders' memory bounded small (xz dictionaries, zstd windows) and the
# harnesses' search budget cut to 16 MiB, so that a mutated header asking
# for a 1 GiB dictionary costs nothing.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
ifeq ($(FUZZ_FAST),1)
FUZZ_B       := build-fuzz-fast
FUZZ_SAN     := -fsanitize=undefined -fno-sanitize-recover=undefined \
		-DKH_FUZZ_FAST -DKH_XZ_MEMLIMIT=16777216 -DKH_ZSTD_WINDOW_LOG_MAX=24
else
FUZZ_B       := build-fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-fno-omit-frame-pointer
endif
FUZZ_ALL     := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_ALL)

ifeq ($(SANITIZE),1)
export ASAN_OPTIONS ?= detect_leaks=1:exitcode=99:verify_asan_link_order=0
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1:exitcode=98
export LSAN_OPTIONS ?= exitcode=97
endif

.PHONY: fuzz fuzz-build fuzz-bins
fuzz: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build:
	@$(MAKE) --no-print-directory B=$(FUZZ_B) CC=$(FUZZ_CC) OPT="-O1 -g" \
		SANFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
		FUZZ_TARGETS="$(FUZZ_TARGETS)" fuzz-bins

fuzz-bins: $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIBA)
	@mkdir -p $(dir $@)
	$(call msg,CCLD,$@)
	$(Q)$(CC) $(KH_CFLAGS) -fsanitize=fuzzer -Isrc \
		-DKH_FUZZ_FIXTURES='"$(abspath tests/fixtures)"' -o $@ $< \
		$(LIBA) $(PKG_LIBS)

clean:
	rm -rf build build-san build-fuzz build-fuzz-fast

# ---- e2e: real kernel builds and qemu boots (owner: kbuild) ---------------
# Needs the corpus (scripts/corpus.sh fetch; the cells fetch linux-source-6.12
# and -7.2 themselves).  `make e2e` (CI, from check-e2e) runs the 6.1 cells,
# the 7.2 x86_64 =y and arm64 cells and the module cells t_90..t_94 (6.1 and
# 7.2 x86_64 =y and =m, 7.2 arm64); `make e2e-all` adds 7.2 =m, riscv64
# and in-tree and the 6.12 Clang LTO thin/full cells (their packages:
# scripts/deps.sh install e2e-all).  Work trees live in the kheaders cache
# (${XDG_CACHE_HOME:-$HOME/.cache}/kheaders/e2e and e2e-cells).
E2E_INIT  := $(B)/e2e/kh-init

$(E2E_INIT): tests/e2e/kh-init.c
	@mkdir -p $(dir $@)
	$(call msg,CCLD,$@)
	$(Q)$(CC) -static -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

e2e: $(KHEADERS) $(LIBA) $(E2E_INIT)
	@echo "== end-to-end tests (kernel builds, qemu boots)"
	@KHEADERS=$(abspath $(KHEADERS)) B=$(abspath $(B)) \
		KH_E2E_INIT=$(abspath $(E2E_INIT)) tests/run.sh tests/e2e

.PHONY: e2e-all
e2e-all: $(KHEADERS) $(LIBA) $(E2E_INIT)
	@echo "== end-to-end tests, whole matrix (kernel builds, qemu boots)"
	@KH_E2E_ALL=1 KHEADERS=$(abspath $(KHEADERS)) B=$(abspath $(B)) \
		KH_E2E_INIT=$(abspath $(E2E_INIT)) tests/run.sh tests/e2e
# ---- end of e2e ------------------------------------------------------------
