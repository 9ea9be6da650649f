#!/usr/bin/env bash
# The cleaning child's standard descriptors and memory limit, observed from
# outside: run the real sealdrop-open --clean-only on a text file with the
# test-only hang hook (the child loops in its cleaner, sandbox in place),
# with stdin, stdout and stderr on files of this test, find the child by
# its parent's pid, wait (bounded) until it has set its limits, then read
# /proc/CHILD/fd/0..2 (each must be /dev/null, not a file of the test or a
# terminal) and /proc/CHILD/limits (the address-space limit must be the one
# docs/cleaning.md gives for this machine's memory: half of MemTotal,
# between 512 MiB and 4 GiB; none in sanitizer builds). The child is then
# killed by its pid and the run must report the file as "could not clean".
# usage: childfds.sh SEALDROP_OPEN SANITIZED(0|1)
set -u
open=$1
sanitized=$2
command -v pgrep >/dev/null || { echo "pgrep is required"; exit 1; }
work=$(mktemp -d)
pid=
child=
cleanup() {
	[ -n "$child" ] && kill -KILL "$child" 2>/dev/null
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

echo "a plain note" >"$work/note.txt"
echo "typed by nobody" >"$work/stdin"
SEALDROP_TEST_CLEAN_HANG=text/plain SEALDROP_TEST_CLEAN_TIMEOUT_MS=100000 \
	"$open" --clean-only --no-progress --out "$work/out" "$work/note.txt" \
	<"$work/stdin" >"$work/stdout" 2>"$work/stderr" &
pid=$!
# The child has set its limits once "Max open files" reads 16 (after its
# descriptors were arranged); at most 60 s, never a timing assertion.
for _ in $(seq 600); do
	child=$(pgrep -P "$pid" | head -n1)
	if [ -n "$child" ] && grep -Eq "^Max open files +16 +16" "/proc/$child/limits" 2>/dev/null
	then break; fi
	child=
	sleep 0.1
done
if [ -z "$child" ]; then
	ko "no sandboxed cleaning child seen: $(cat "$work/stderr")"
else
	for fd in 0 1 2; do
		got=$(readlink "/proc/$child/fd/$fd" 2>&1)
		[ "$got" = /dev/null ] && ok || ko "the child's fd $fd is $got, not /dev/null"
	done
	as=$(awk '/^Max address space/ { print $4 }' "/proc/$child/limits")
	if [ "$sanitized" = 1 ]; then
		want=unlimited
	else
		kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
		want=$(( kib * 1024 / 2 ))
		[ "$want" -lt $((512 << 20)) ] && want=$((512 << 20))
		[ "$want" -gt $((4 << 30)) ] && want=$((4 << 30))
	fi
	[ "$as" = "$want" ] && ok || ko "the child's address-space limit is $as, expected $want"
	kill -KILL "$child"
	child=
fi
wait "$pid"
rc=$?
pid=
if [ "$rc" = 1 ] && grep -q "note.txt: could not clean: the cleaner crashed (signal 9)" \
	"$work/stderr"; then ok
else ko "the run after the child was killed: status $rc, $(cat "$work/stderr")"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
