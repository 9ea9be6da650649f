# lib.sh - what the integration scripts share, sourced after they set
# build= and src=:   . "$src/tests/integration/lib.sh" NAME
#
# It sets onion (a v3 onion Host for the daemons outside --dev), work (a
# fresh directory under the build directory, removed at exit), pids (the
# daemons a script starts: append to it; they are stopped at exit, by pid),
# the counters passed and failed with ok/ko, and check NAME CONDITION
# (CONDITION evaluated by the shell).
onion=abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion
work=$(realpath "$(mktemp -d "$build/itest-$1.XXXXXX")")
pids=()
# shellcheck disable=SC2317  # called through the trap
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

# wait_up PID SOCK LOG [N]: waits until the daemon PID has made SOCK and
# written its N+1th "listening on" line to LOG (N: the lines already there,
# for a daemon restarted onto the same log). The daemon writes that line
# only after it entered its sandbox, so checks of /proc/PID/status do not
# race the start-up. Exits the script with the log if it does not come up.
wait_up() {
	local n=${4:-0}
	for _ in $(seq 200); do
		if [ -S "$2" ] && [ "$(grep -c 'listening on' "$3" 2>/dev/null)" -gt "$n" ]; then
			return 0
		fi
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	echo "the daemon for $2 did not start:"; cat "$3"; exit 1
}
