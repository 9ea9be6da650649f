# Convenience entry points; the build itself is CMake (CMakePresets.json).
#   make check   install missing Debian packages (as root), build the dev and
#                asan presets, run every CTest test in both (tests/system/:
#                once, in dev)
#   make demo    build and run the demo
#   make fuzz    build the libFuzzer targets (clang) and run each for FUZZ_SECONDS
#   make bench   the spool-format benchmark (bench/seal.sh)
#   make deb     the Debian packages sealdrop-server and sealdrop-offline,
#                built in build/deb/ from the files git knows and checked
#                with lintian (DEB_BUILD_OPTIONS=nocheck skips the package's
#                tests)
JOBS ?= 2
FUZZ_SECONDS ?= 60

.PHONY: all deps check check-dev check-asan demo fuzz bench deb clean

all: deps
	cmake --preset dev
	cmake --build --preset dev -j$(JOBS)

deps:
	@contrib/install-deps.sh build

check: deps check-dev check-asan

check-dev:
	cmake --preset dev
	cmake --build --preset dev -j$(JOBS)
	ctest --preset dev -j$(JOBS)

check-asan:
	cmake --preset asan
	cmake --build --preset asan -j$(JOBS)
	ctest --preset asan -j$(JOBS)

demo: all
	@contrib/demo.sh

fuzz: deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j$(JOBS)
	@for f in build/fuzz/bin/fuzz_*; do \
	  t=$${f##*/fuzz_}; \
	  mkdir -p build/fuzz/corpus-$$t; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS)s"; \
	  extra=; [ $$t = sdbox_reader ] && extra=tests/vectors; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=build/fuzz/crash-$$t- \
	    build/fuzz/corpus-$$t tests/fuzz/corpus/$$t $$extra || exit 1; \
	done

bench:
	@contrib/install-deps.sh bench
	bench/seal.sh

# The package is built from a copy of the files git knows (tracked ones as
# they are in the work tree, and new ones git does not ignore), so that
# dpkg-buildpackage writes its results into build/deb/ and nothing beside
# the source tree.
DEB_DIR := build/deb
deb:
	@contrib/install-deps.sh deb
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/src
	git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -C $(DEB_DIR)/src -xf -
	cd $(DEB_DIR)/src && DEB_BUILD_OPTIONS="$(DEB_BUILD_OPTIONS) parallel=$(JOBS)" \
	  dpkg-buildpackage -us -uc -b
	lintian --fail-on error --info --display-info $(DEB_DIR)/*.changes
	@ls -l $(DEB_DIR)/*.deb

clean:
	rm -rf build
