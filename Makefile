# trackrecord: one Makefile, all output under build/.
#   make            build the library and the command line (build/trackrecord)
#   make check      build and run every test (unit + end-to-end)
#   make test       check, asan, tsan, crash and browser: what CI runs
#   make asan       the same tests in an ASan+UBSan build (build/asan/)
#   make tsan       the same tests in a ThreadSanitizer build (build/tsan/): the
#                   import and the engine run helper threads
#   make bench      the benchmarks (see bench/README.md)
#   make browser    the dashboard's checks in headless chromium (build/browser/*.png)
#   make crash      the crash test's short form: imports of a test build
#                   (build/crash/, -DTR_CRASH_POINTS) killed at random points;
#                   then imports whose Nth allocation or write fails
#   make fuzz       build the fuzz targets (clang, libFuzzer)
#   make fuzz-ci    build them and run each on its committed corpus for a few
#                   seconds (FUZZ_TIME=10): part of make test
# Source files are discovered: a new .c anywhere under src/lib (in any folder)
# joins the library, a new .c under one of PROGRAM_DIRS joins the command
# line, a new tests/unit/test_*.c becomes a test program, without editing this
# file.  A new folder of program sources (say src/web) is one word added to
# PROGRAM_DIRS; a new folder under src/lib needs nothing.

BUILD    ?= build
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter -Werror=implicit-function-declaration \
            -Wno-format-truncation   # snprintf truncating on purpose is not an error
ifneq ($(findstring clang,$(CC)),)
WARN     += -Wno-unknown-warning-option   # clang (make fuzz) lacks gcc's -Wformat-truncation
endif
ifneq ($(WERROR),0)
WARN     += -Werror
endif
CPPFLAGS += -Iinclude -Isrc/lib -Isrc -I/usr/include/postgresql -D_GNU_SOURCE -MMD -MP
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) -pthread
LDLIBS   := -lmicrohttpd -lsqlite3 -lpq -ljansson -lxxhash -lz -lm -pthread
TEST_LDLIBS := -lcmocka

# the folders whose sources are linked, with the library, into build/trackrecord
PROGRAM_DIRS := src/cli src/web

find_c    = $(sort $(shell find $(1) -name '*.c' 2>/dev/null))
LIB_SRC  := $(call find_c,src/lib)
CLI_SRC  := $(call find_c,$(wildcard $(PROGRAM_DIRS)))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/web_assets.o
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIB      := $(BUILD)/libtrackrecord.a
BIN      := $(BUILD)/trackrecord
NODE_DIR := build/node

.PHONY: all lib layers check unit e2e e2e-pg asan tsan crash test browser demo bench fuzz fuzz-ci clean
all: $(BIN)
lib: $(LIB)

# The README's two commands: the demo (import the bundled Layover data into
# an embedded store and list its milestones), and every test, plain, under
# ASan+UBSan and under TSan.
DEMO_DB ?= $(BUILD)/demo.db
demo: $(BIN)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN) --db $(DEMO_DB) import --ladder every_track=10M../10M data/demo/layover
	$(BIN) --db $(DEMO_DB) milestones --kind every_track --subject layover

test: check asan tsan crash browser fuzz-ci

# The dashboard in a real browser (Playwright driving Debian's chromium):
# once, on the plain build; screenshots in build/browser/.
browser: $(BIN) $(NODE_DIR)/.installed
	TRACKRECORD_BIN=$(abspath $(BIN)) NODE_DIR=$(abspath $(NODE_DIR)) BROWSER_OUT=$(abspath $(BUILD))/browser tests/browser/run.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDFLAGS) $(LDLIBS)

# The dashboard's browser side: uPlot and playwright-core, pinned by
# src/web/assets/package-lock.json, installed once by `npm ci` into
# build/node (shared by every build directory), and the files pages load,
# compiled into the binary so that `serve` and `site` need nothing else.
WEB_ASSETS := uplot.js=$(NODE_DIR)/node_modules/uplot/dist/uPlot.iife.min.js \
              uplot.css=$(NODE_DIR)/node_modules/uplot/dist/uPlot.min.css \
              app.js=src/web/assets/app.js style.css=src/web/assets/style.css
$(NODE_DIR)/.installed: src/web/assets/package.json src/web/assets/package-lock.json
	@mkdir -p $(NODE_DIR)
	cp src/web/assets/package.json src/web/assets/package-lock.json $(NODE_DIR)/
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@
$(BUILD)/gen/web_assets.c: scripts/embed-assets.sh src/web/assets/app.js src/web/assets/style.css $(NODE_DIR)/.installed
	@mkdir -p $(dir $@)
	scripts/embed-assets.sh $@ $(WEB_ASSETS)
$(BUILD)/gen/web_assets.o: $(BUILD)/gen/web_assets.c
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS) $(TEST_LDLIBS)

# a test of the web side's page buffer (tests/unit/test_web_*.c) links it too
$(BUILD)/tests/test_web_%: tests/unit/test_web_%.c $(BUILD)/src/web/html.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/src/web/html.o $(LIB) $(LDFLAGS) $(LDLIBS) $(TEST_LDLIBS)

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do echo "== $$t"; $$t || fail=1; done; exit $$fail

e2e: $(BIN)
	TRACKRECORD_BIN=$(abspath $(BIN)) tests/e2e/run.sh

# the library's layers include only downward (scripts/check_layers.sh), and
# no function is over 120 lines without saying why (check_function_length.sh)
layers:
	@scripts/check_layers.sh
	@scripts/check_function_length.sh

# The same e2e suite against PostgreSQL: a throwaway cluster (Debian's
# postgresql, scripts/pg-test-cluster.sh) started for the run and stopped
# after.  In the plain and the ASan build (PG_E2E=0 leaves it out: TSan).
PG_E2E ?= 1
e2e-pg: $(BIN)
	@dir=$$(mktemp -d /tmp/trackrecord-pg.XXXXXX) && scripts/pg-test-cluster.sh start "$$dir" && \
	  TRACKRECORD_BIN=$(abspath $(BIN)) E2E_BACKEND=postgres E2E_PG_HOST="$$dir" tests/e2e/run.sh; \
	  rc=$$?; scripts/pg-test-cluster.sh stop "$$dir"; exit $$rc

check: layers unit e2e $(if $(filter 1,$(PG_E2E)),e2e-pg)

asan:
	$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	        LDFLAGS="-fsanitize=address,undefined" check

tsan:
	$(MAKE) --no-print-directory BUILD=build/tsan CFLAGS="-O1 -g -fsanitize=thread" \
	        LDFLAGS="-fsanitize=thread" PG_E2E=0 check

# The crash test (tests/crash/run.sh): 40 trials here, more with
# CRASH_TRIALS=N; then fault injection (tests/crash/faults.sh): every write
# and FAULT_MALLOCS allocations of a small import failing, --all for every
# one.  The long forms' figures are in docs/reliability.md.
CRASH_TRIALS ?= 40
FAULT_MALLOCS ?= 100
crash: $(BIN)
	$(MAKE) --no-print-directory BUILD=build/crash CFLAGS="-O2 -g -DTR_CRASH_POINTS" build/crash/trackrecord
	TRACKRECORD_CRASH_BIN=$(abspath build/crash/trackrecord) tests/crash/run.sh --trials $(CRASH_TRIALS)
	TRACKRECORD_BIN=$(abspath $(BIN)) tests/crash/faults.sh --malloc $(FAULT_MALLOCS)

bench: $(BIN)
	bench/run.sh

fuzz:
	@command -v $${FUZZ_CC:-clang} >/dev/null || { echo "make fuzz: no clang; scripts/bootstrap.sh installs it" >&2; exit 1; }
	$(MAKE) --no-print-directory -C tests/fuzz BUILD=$(abspath build/fuzz)

# Every fuzz target under ASan+UBSan on its corpus (tests/fuzz/corpus/TARGET)
# for FUZZ_TIME seconds, two at a time; fails on any crash, leak or timeout.
FUZZ_TIME ?= 10
fuzz-ci: fuzz
	tests/fuzz/run.sh --time $(FUZZ_TIME)

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d)
