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

# kernel_landlock: the kernel's landlock ABI (0: none), asked with the
# system call itself (444 on every architecture), not through sealdrop.
kernel_landlock() {
	python3 -c 'import ctypes; v = ctypes.CDLL(None).syscall(444, None, 0, 1); print(max(v, 0))'
}
# check_landlock NAME LOG: the daemon's log names the kernel's landlock ABI
# when the kernel has ABI 2 or later (the daemons need 2), else a warning.
check_landlock() {
	local abi
	abi=$(kernel_landlock)
	if grep -q 'sanitizer build: no sandbox' "$2"; then
		echo "note: sanitizer build, no sandbox"
	elif [ "$abi" -ge 2 ]; then
		check "$1 entered landlock ABI $abi" "grep -q 'sandbox: seccomp allow-list, landlock ABI $abi\$' '$2'"
	else
		check "$1 warns that there is no landlock" "grep -q 'has no landlock' '$2'"
	fi
}
