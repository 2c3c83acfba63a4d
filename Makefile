# Entry points: `make demo`, `make check`, `make install`. See README.md.
BUILD ?= build
PREFIX ?= /usr/local
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
ifeq ($(CI),true)
CMAKE_FLAGS += -DMOAT_WERROR=ON
endif

.PHONY: all deps build demo check unit test-sandbox install clean format docs

all: build

deps:
	@sh scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j2

demo: build
	@sh scripts/demo.sh $(BUILD)/moat

unit: build
	cd $(BUILD) && ctest --output-on-failure

test-sandbox: build
	@bash tests/run.sh $(BUILD)

check: build
	@sh scripts/deps.sh --check
	cd $(BUILD) && ctest --output-on-failure
	@bash tests/run.sh $(BUILD)

docs: build
	$(BUILD)/moat syscalls --markdown > docs/syscalls.md

install: build
	install -D -m 0755 $(BUILD)/moat $(DESTDIR)$(PREFIX)/bin/moat

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

# Benchmarks (not part of check): tests/bench/run.sh, writes docs/performance.md.
.PHONY: bench
bench: build
	@bash tests/bench/run.sh $(BUILD)
