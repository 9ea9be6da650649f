#!/bin/bash
# headers_internal.sh SRCDIR - internal headers stay with their module.
#
# A header named *_int.h in common/, crypto/ or store/ is the module's own
# (SQLite's btree.h / btreeInt.h split): its sources and the unit, fuzz and
# vector tests may include it, no program or other module may. Prints each
# file that does and exits 1; 0 when none does.
set -u
src=${1:?usage: headers_internal.sh SRCDIR}
cd "$src" || exit 2
bad=0
for mod in common crypto store; do
	for h in "$mod"/*_int.h; do
		[ -e "$h" ] || continue
		name=$(basename "$h")
		while IFS= read -r f; do
			case "$f" in
			"$mod"/* | tests/unit/* | tests/fuzz/* | tests/vectors/*) ;;
			*) echo "$f includes $name, internal to $mod/ (use its public header)"; bad=1 ;;
			esac
		done < <(find . \( -path ./build -o -path ./.git \) -prune -o \
		    \( -name '*.c' -o -name '*.h' \) -type f -print | sed 's|^\./||' | sort |
		    xargs -r grep -lE "^[[:space:]]*#[[:space:]]*include[[:space:]]+\"([^\"]*/)?$name\"")
	done
done
exit $bad
