#!/usr/bin/env bash
# format.sh - rewrites every C file git knows to .clang-format, the
# project's style (OpenBSD KNF as sealdrop writes it: tabs, function names
# at the start of their line, braces of functions on their own line, 100
# columns). CTest's style.format (tests/format.sh) checks it.
set -eu
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "format.sh: clang-format is missing (contrib/install-deps.sh)" >&2; exit 1; }
git ls-files -z '*.c' '*.h' | xargs -0 clang-format -i
