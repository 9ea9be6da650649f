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

# needs TOOL...: exits the script, naming it and the first TOOL missing.
needs() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || { echo "${0##*/} needs $t"; exit 1; }
	done
}

# init_instance [NAME]: $admin init of $inst (drop name NAME when given)
# with the test recipient key; exits the script when it fails.
init_instance() {
	"$admin" init --instance "$inst" ${1:+--name "$1"} --recipient "$src/tests/vectors/key.pub" \
		>/dev/null || { echo "init failed"; exit 1; }
}

# launch [-a] LOG SOCK COMMAND...: runs a daemon's COMMAND in the
# background, its output in LOG (-a: appended, for a restart onto the same
# log; then the next "listening on" line is waited for), adds it to pids
# and waits until it is up (wait_up).
launch() {
	local append=0 n=0 log sock
	[ "$1" = -a ] && { append=1; shift; }
	log=$1 sock=$2
	shift 2
	if [ $append = 1 ]; then
		n=$(grep -c 'listening on' "$log" 2>/dev/null)
		"$@" >>"$log" 2>&1 &
	else
		"$@" >"$log" 2>&1 &
	fi
	pids+=($!)
	wait_up "$!" "$sock" "$log" "${n:-0}"
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

# For the scripts that drive both daemons of $inst (set before calling):
# sreq METHOD PATH [curl args]: the source socket with $work/sjar;
# jreq JAR METHOD PATH [curl args]: the journalist socket, headers in
# $work/headers. Both print the status; the body goes to $work/body
# (jreq: to $OUT instead when set). csrf_of reads the form token of the
# last body; expect NAME STATUS WANT [REGEX] checks a status and the body.
sreq() {
	local m=$1 p=$2; shift 2
	curl -s --unix-socket "$inst/source.sock" -X "$m" -b "$work/sjar" -c "$work/sjar" \
		-o "$work/body" -w '%{http_code}' "$@" "http://$onion$p"
}
jreq() {
	local jar=$1 m=$2 p=$3; shift 3
	curl -s --path-as-is --unix-socket "$inst/journalist.sock" -X "$m" -b "$jar" -c "$jar" \
		-D "$work/headers" -o "${OUT:-$work/body}" -w '%{http_code}' "$@" "http://$onion$p"
}
csrf_of() { grep -o 'name="csrf_token" value="[^"]*"' "$work/body" | head -1 | sed 's/.*value="//;s/"$//'; }
expect() { # name status want [regex]
	if [ "$2" != "$3" ]; then ko "$1: status $2, want $3"
	elif [ -n "${4:-}" ] && ! grep -qiE "$4" "$work/body"; then ko "$1: page does not say: $4"
	else ok "$1"; fi
}

# spool_file SOURCE_HEX ITEM_HEX: the path of an item in $inst/spool, at
# <source>/<item>.sdbox (a reply) or <source>/<batch>/<item>.sdbox (a
# submission's file); nothing when it is missing.
spool_file() {
	find "$inst/spool/$1" -maxdepth 2 -name "$2.sdbox" 2>/dev/null | head -1
}

# add_journalist NAME [--admin]: a journalist of $inst made with $admin;
# sets NAME_pass and NAME_secret (the passphrase and TOTP secret it printed).
add_journalist() {
	local out
	out=$("$admin" journalist add --instance "$inst" "$@" 2>/dev/null) || { echo "add $1 failed"; exit 1; }
	printf -v "${1}_pass" '%s' "$(sed -n 's/^  passphrase:  //p' <<<"$out")"
	printf -v "${1}_secret" '%s' "$(sed -n 's/^  totp secret: //p' <<<"$out")"
}
