#!/usr/bin/env bash
# Replays the .sdbox vectors, version 2 (VECTOR_DIR) and version 1
# (VECTOR_DIR/v1, existing spools), through the real sealdrop-open:
#  - every good-X.sdbox decrypts to exactly good-X.expected, under the path
#    in good-X.name (relative to --out: the vectors carry no parsable ref, so
#    they land in unsorted/, and types no cleaner handles in
#    unsorted/uncleaned/; docs/opener.md), with exit status 0, beside
#    report.txt and report.json;
#  - every bad-X.sdbox is refused with a non-zero status, a one-line error
#    on stderr naming the input, and nothing at all left in --out;
#  - a wrong passphrase is refused and leaves nothing.
# usage: replay.sh SEALDROP_OPEN VECTOR_DIR
set -u
open=$1
dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

nv1=0
for v in "$dir"/good-*.sdbox "$dir"/v1/good-*.sdbox; do
	vdir=$(dirname "$v")
	name=$(basename "$v" .sdbox)
	out="$work/$(basename "$vdir")-$name"
	if ! "$open" --quiet --key "$dir/key.key" --passphrase-file "$dir/key.pass" \
		--out "$out" "$v" 2>"$work/err"; then
		ko "$name: refused: $(cat "$work/err")"
		continue
	fi
	want=$(head -n1 "$vdir/$name.name")
	files=$(find "$out" -type f ! -name report.txt ! -name report.json ! -name .sealdrop-state \
		! -path "$out/index.html" ! -path "$out/reader/*" | wc -l)
	if [ "$files" != 1 ] || [ ! -f "$out/$want" ] || [ ! -s "$out/report.json" ]; then
		ko "$name: expected exactly '$want' and a report in --out, got: $(cd "$out" && find . -type f | tr '\n' ' ')"
	elif ! cmp -s "$out/$want" "$vdir/$name.expected"; then
		ko "$name: plaintext differs from $name.expected"
	else
		ok
	fi
done

for v in "$dir"/bad-*.sdbox "$dir"/v1/bad-*.sdbox; do
	vdir=$(dirname "$v")
	name=$(basename "$v" .sdbox)
	out="$work/$(basename "$vdir")-$name"
	if "$open" --quiet --key "$dir/key.key" --passphrase-file "$dir/key.pass" \
		--out "$out" "$v" 2>"$work/err"; then
		ko "$name: accepted"
		continue
	fi
	left=$(find "$out" -mindepth 1 2>/dev/null | wc -l)
	errlines=$(grep -c "$name.sdbox" "$work/err")
	if [ "$left" != 0 ]; then
		ko "$name: left files in --out: $(ls -A "$out" | tr '\n' ' ')"
	elif [ "$errlines" -lt 1 ]; then
		ko "$name: no error line naming the input: $(cat "$work/err")"
	else
		ok
		[ -n "${VERBOSE:-}" ] && echo "$name: $(grep "$name.sdbox" "$work/err")"
	fi
done

# Both versions are really there (a glob that matched nothing would pass).
for pat in "$dir"/good-*.sdbox "$dir"/v1/good-*.sdbox "$dir"/bad-*.sdbox "$dir"/v1/bad-*.sdbox; do
	[ -f "$pat" ] || ko "no vector matches $pat"
done
for v in "$dir"/good-*.sdbox; do
	[ "$(head -c 9 "$v" | tail -c 1 | od -An -tu1 | tr -d ' ')" = 2 ] || ko "$v is not version 2"
done
for v in "$dir"/v1/good-*.sdbox; do
	[ "$(head -c 9 "$v" | tail -c 1 | od -An -tu1 | tr -d ' ')" = 1 ] && nv1=$((nv1 + 1))
done
[ "$nv1" -ge 10 ] || ko "only $nv1 version 1 good vectors"

# A wrong passphrase: refused before anything is written.
printf 'not the passphrase\n' >"$work/wrong.pass"
if "$open" --key "$dir/key.key" --passphrase-file "$work/wrong.pass" --out "$work/wp" \
	"$dir/good-small.sdbox" 2>"$work/err"; then
	ko "wrong passphrase accepted"
elif ! grep -q "passphrase" "$work/err" || [ -n "$(ls -A "$work/wp" 2>/dev/null)" ]; then
	ko "wrong passphrase: unclear error or output left: $(cat "$work/err")"
else
	ok
fi

# Several inputs, one bad: the good ones are written, the exit status is 1.
if "$open" --quiet --key "$dir/key.key" --passphrase-file "$dir/key.pass" --out "$work/mix" \
	"$dir/good-small.sdbox" "$dir/bad-flip-mac.sdbox" "$dir/good-reply.sdbox" 2>"$work/err"; then
	ko "a run with a bad input exited 0"
elif [ "$(find "$work/mix" -type f ! -name 'report.*' ! -name .sealdrop-state \
	! -path "$work/mix/index.html" ! -path "$work/mix/reader/*" | wc -l)" != 2 ]; then
	ko "mixed run: expected the 2 good outputs, got: $(cd "$work/mix" && find . -type f | tr '\n' ' ')"
else
	ok
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
