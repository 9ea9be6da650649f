#!/usr/bin/env bash
# man.lint: every page in man/ formats without a single warning from
# man-db/groff, has the sections the project's pages share, and matches its
# program: each long option the program's getopt table accepts is in the
# page, each option the page names is accepted, and each sealdrop-admin
# command (a row of its command table) is in sealdrop-admin(8).
#
# usage: lint.sh SOURCE_DIR
set -u
src=$1
failed=0
ko() { failed=1; echo "FAIL: $*"; }

declare -A sources=(
	[sealdrop-keygen.1]="tools/offline/sealdrop-keygen.c"
	[sealdrop-open.1]="tools/offline/sealdrop-open.c"
	[sealdrop-source.8]="source-iface/main.c web/daemon.c"
	[sealdrop-journalist.8]="journalist-iface/main.c web/daemon.c"
	[sealdrop-admin.8]="tools/admin/sealdrop-admin.c"
)

format() { # page: warnings on stderr, if any
	if command -v man >/dev/null; then
		# stderr (the warnings) into the pipe, the formatted page away
		# shellcheck disable=SC2069
		LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l -Tutf8 -Z "$1" 2>&1 >/dev/null
	else
		groff -man -ww -z -K utf8 "$1" 2>&1
	fi
}

for page in "$src"/man/*.[18]; do
	name=$(basename "$page")
	warn=$(format "$page")
	[ -z "$warn" ] || ko "$name: $warn"
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
		grep -qE "^\.SH \"?$s\"?$" "$page" || ko "$name: no $s section"
	done
	read -ra files <<<"${sources[$name]:-}"
	[ "${#files[@]}" -gt 0 ] || { ko "$name: no program known for this page"; continue; }
	accepted=$(cd "$src" && grep -ho '{ "[a-z][a-z-]*", *\(no\|required\|optional\)_argument' "${files[@]}" |
		sed 's/{ "\([^"]*\)".*/\1/' | sort -u)
	for opt in $accepted; do
		grep -qF -- "$(printf '%s' "--$opt" | sed 's/-/\\-/g')" "$page" || ko "$name: --$opt is not documented"
	done
	# Options the page offers: those in SYNOPSIS and OPTIONS (examples may
	# show other programs').
	offered=$(awk '/^\.SH/ { on = ($0 ~ /SYNOPSIS|OPTIONS/) } on' "$page" |
		grep -o '\\-\\-[a-z][a-z\\-]*[a-z]' | sed 's/\\-/-/g; s/^--//' | sort -u)
	for opt in $offered; do
		grep -qx -- "$opt" <<<"$accepted" || ko "$name: --$opt is documented but not accepted"
	done
done
while read -r cmd; do
	grep -q "^\.B sealdrop-admin $cmd" "$src/man/sealdrop-admin.8" || ko "sealdrop-admin.8: command $cmd is missing"
done < <(grep -oE '^[[:space:]]*\{ "[a-z][a-z-]*", (NULL|"[a-z]+"),' "$src/tools/admin/sealdrop-admin.c" |
	sed -E 's/^[^"]*"([^"]*)".*/\1/' | sort -u)
pages=("$src"/man/*.[18])
[ "$failed" = 0 ] && echo "ok: ${#pages[@]} man pages"
[ "$failed" = 0 ]
