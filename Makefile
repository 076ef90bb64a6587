# edbridge - one binary, one SQLite file.
# `make demo` and `make check` are the two commands a newcomer needs.

CC      ?= gcc
PKGS    := libmicrohttpd jansson libsodium sqlite3 libzip xlsxwriter libcurl pangocairo cairo-pdf \
           libqrencode libcrypto libpq
CSTD    := -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wno-missing-field-initializers
OPT     ?= -O2 -g
SANFLAGS ?=
BUILD   ?= build
CFLAGS  += $(CSTD) $(WARN) $(OPT) $(SANFLAGS) -Isrc -I$(BUILD)/gen -pthread \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcrack2 (the common-password dictionary check) has no pkg-config file
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcrack -lm -pthread
TEST_LDLIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

SRC      := $(sort $(shell find src -name '*.c' ! -path 'src/main.c'))
OBJ      := $(SRC:%.c=$(BUILD)/obj/%.o)
# the translation catalogues: po/LANG.po compiled by msgfmt (docs/i18n.md)
PO_MO    := $(patsubst po/%.po,$(BUILD)/gen/po/%.mo,$(sort $(wildcard po/*.po)))
EMBED_IN := $(sort $(wildcard src/store/migrations/*.sql) $(wildcard src/store/migrations/pg/*.sql) \
            $(wildcard src/web/assets/*) \
            $(shell find data -type f ! -name '*.md' 2>/dev/null)) $(PO_MO)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
# the build inside `make check` uses every core (CI has two)
NPROC    := $(shell nproc 2>/dev/null || echo 2)
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps demo check check-pg test asan tsan lint format format-check fuzz torture torture-bins bench clean po

all: $(BUILD)/edbridge

deps:
	@scripts/install-deps.sh

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<

$(BUILD)/gen/embed.c: $(BUILD)/tools/embed $(EMBED_IN) Makefile
	@mkdir -p $(dir $@)
	@echo "  EMBED   $(words $(EMBED_IN)) files"
	@$(BUILD)/tools/embed $@ $(EMBED_IN)

# --check-format: a translation keeps its message's printf conversions
$(BUILD)/gen/po/%.mo: po/%.po
	@mkdir -p $(dir $@)
	@msgfmt --check-format --check-header -o $@ $<

# po/edbridge.pot from the marked strings (TR, N_, NAV) and the at-home
# library, merged into every po/LANG.po (translators then fill in what is new)
po:
	@scripts/po-update.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/gen/embed.o: $(BUILD)/gen/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libedbridge.a: $(OBJ) $(BUILD)/obj/gen/embed.o
	@rm -f $@
	@ar rcs $@ $^

# Objects, not the archive: the command table's weak references would not
# pull members out of an archive.
$(BUILD)/edbridge: $(BUILD)/obj/src/main.o $(OBJ) $(BUILD)/obj/gen/embed.o
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# make torture: the unit tests link a copy of the library whose own calls to
# malloc, calloc, realloc, strdup and strndup go to the allocation-failure
# injector (tests/torture/torture.c); the tests' own allocations do not.
TEST_LIB := $(BUILD)/libedbridge.a
ifdef TORTURE
TORTURE_OBJ := tests/torture/torture.c
TEST_LIB := $(BUILD)/libedbridge-torture.a
TORTURE_SYMS := malloc calloc realloc strdup strndup
$(TEST_LIB): $(BUILD)/libedbridge.a
	objcopy $(foreach s,$(TORTURE_SYMS),--redefine-sym $(s)=__wrap_$(s)) $< $@
endif

$(BUILD)/tests/%: tests/unit/%.c $(TEST_LIB) $(TORTURE_OBJ)
	@mkdir -p $(dir $@)
	@echo "  TEST    $<"
	@$(CC) $(CFLAGS) -Itests -o $@ $< $(TORTURE_OBJ) $(TEST_LIB) $(LDLIBS) $(TEST_LDLIBS)

torture-bins: $(UNIT_BIN)

$(BUILD)/bench/%: bench/%.c bench/lib/large.c bench/lib/large.h $(BUILD)/libedbridge.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ibench -o $@ $< bench/lib/large.c $(BUILD)/libedbridge.a $(LDLIBS)

demo: deps all
	$(BUILD)/edbridge demo --db demo.db --port 8080

test: all $(UNIT_BIN)
	@python3 tests/run.py --build $(BUILD)

check: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@$(MAKE) --no-print-directory -j$(NPROC) $(UNIT_BIN)
	@python3 tests/run.py --build $(BUILD) --backend both

# everything that runs on PostgreSQL, only there (docs/testing.md)
check-pg: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@$(MAKE) --no-print-directory -j$(NPROC) $(UNIT_BIN)
	@python3 tests/run.py --build $(BUILD) --backend pg

asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g" \
	  SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  build-asan/edbridge $(UNIT_SRC:tests/unit/%.c=build-asan/tests/%)
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 python3 tests/run.py --build build-asan

# ThreadSanitizer over the whole suite: the group commit's writer thread,
# the suspended requests and the per-thread connections.
tsan: deps
	@$(MAKE) --no-print-directory BUILD=build-tsan OPT="-O1 -g" \
	  SANFLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
	  build-tsan/edbridge $(UNIT_SRC:tests/unit/%.c=build-tsan/tests/%)
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 die_after_fork=0" python3 tests/run.py --build build-tsan

lint: deps
	@scripts/lint.sh

# formats every C file of the tree the one way (.clang-format); format-check
# (part of make lint) fails on a file that is not
format: deps
	@git ls-files '*.c' '*.h' | xargs clang-format -i

format-check: deps
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

fuzz: deps
	@scripts/fuzz.sh

# Allocation-failure injection over the unit tests (scripts/torture.sh).
torture: deps
	@scripts/torture.sh

bench: deps all $(BENCH_BIN)
	@scripts/bench.sh $(BUILD)

clean:
	rm -rf build build-asan build-tsan build-fuzz build-torture

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
