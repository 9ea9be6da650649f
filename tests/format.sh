#!/usr/bin/env bash
# format.sh SRC - the C sources follow .clang-format (the project's KNF
# style, written down so a change cannot drift from it): clang-format
# --dry-run --Werror over every C file git knows. Prints the first
# differences; contrib/format.sh rewrites them. Skips (77) without
# clang-format or outside a git checkout.
set -u
src=$1
command -v clang-format >/dev/null || { echo "SKIP: clang-format is missing (contrib/install-deps.sh)"; exit 77; }
cd "$src" || exit 1
files=$(git ls-files '*.c' '*.h' 2>/dev/null) || { echo "SKIP: not a git checkout"; exit 77; }
[ -n "$files" ] || { echo "SKIP: no C file known to git"; exit 77; }
# shellcheck disable=SC2086  # file names without spaces (checked by git ls-files -z below)
if git ls-files -z '*.c' '*.h' | tr '\0' '\n' | grep -q ' '; then
	echo "FAIL: a C file name holds a space"; exit 1
fi
# shellcheck disable=SC2086
if out=$(clang-format --dry-run --Werror $files 2>&1); then
	echo "ok: $(echo "$files" | wc -l) C files follow .clang-format"
	exit 0
fi
echo "$out" | head -40
echo "FAIL: $(echo "$out" | grep -c 'error:') lines differ from .clang-format: run contrib/format.sh"
exit 1
