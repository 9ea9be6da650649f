#!/usr/bin/env bash
# upload.sh - sealed upload benchmark: one file uploaded with curl to a real
# sealdrop-source (unix socket, onion Host, as tor would send it) beside the
# raw fsync'd disk write of the same size and beside OnionShare's receive
# mode (onionshare-cli --local-only --receive) taking the same file, all in
# one run, so the ratios DESIGN.md targets ("Performance targets") and issue
# 3 asks for can be read off one table.
#
#   bench/upload.sh [SIZE_MIB]          (default 1024)
#
# The daemon's peak RSS (VmHWM of /proc/PID/status, read after the upload,
# before it is stopped) is measured at two sizes, SMALL_MIB (default 128,
# BENCH_SMALL_MIB) and SIZE_MIB, each with a fresh daemon, to show whether it
# grows with the file. Two figures each: the whole life of the daemon
# (start-up, the /generate that runs argon2id, the upload), and the upload
# alone (the peak is reset with `echo 5 > /proc/PID/clear_refs` just before
# it; Linux >= 4.0, needs to own the process). OnionShare's peak RSS is read
# the same way (whole life: start-up and the upload).
#
# Environment: BENCH_DIR (parent of the temporary work dir, default /tmp;
# its file system is the one measured), BENCH_SMALL_MIB, BENCH_BUILD (build
# dir, default build/dev), BENCH_NO_BUILD=1 (do not build missing binaries),
# BENCH_SMOKE=1 (4 MiB and 1 MiB, no build: the CI check that the sealed
# uploads decrypt to their input; bench/smoke.sh).
# MB/s is 10^6 bytes of file content per second of the whole request, from
# curl's start to the last byte of the response (for sealdrop the response
# comes after the sealed file was fsync'd and renamed into the spool;
# OnionShare writes without fsync). Every upload is checked: the sealed file
# decrypts (tests/sdcat) to exactly the input, OnionShare's copy compares
# equal. Targets are printed, never enforced: the exit status is 0 when every
# measurement ran and verified, 1 when something broke, 77 when ours ran and
# verified but onionshare-cli is not installed (no comparison row).
# Network: loopback only (a unix socket, and OnionShare on 127.0.0.1).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build/dev}
SMOKE=${BENCH_SMOKE:-0}
if [ "$SMOKE" = 1 ]; then
	SIZE_MIB=${1:-4}
	SMALL_MIB=${BENCH_SMALL_MIB:-1}
	BENCH_NO_BUILD=1
else
	SIZE_MIB=${1:-1024}
	SMALL_MIB=${BENCH_SMALL_MIB:-128}
fi
if ! [[ "$SIZE_MIB" =~ ^[1-9][0-9]{0,5}$ ]] || ! [[ "$SMALL_MIB" =~ ^[1-9][0-9]{0,5}$ ]]; then
	echo "usage: bench/upload.sh [SIZE_MIB]   (BENCH_SMALL_MIB: a small count)" >&2
	exit 2
fi
[ "$SMALL_MIB" -gt "$SIZE_MIB" ] && SMALL_MIB=$SIZE_MIB
ONION=abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion
ADMIN=$BUILD/bin/sealdrop-admin
DAEMON=$BUILD/bin/sealdrop-source
SDCAT=$BUILD/bin/sdcat
KEY=$ROOT/tests/vectors/key.key
PASS=$ROOT/tests/vectors/key.pass

WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/sealdrop-upload.XXXXXX")
PIDS=()
# shellcheck disable=SC2317  # called through the trap
cleanup() {
	# Only the processes this script started, by pid.
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FAILED=0
MISSING=0
NOTES=()
note() { NOTES+=("$*"); echo "note: $*" >&2; }
broke() { FAILED=1; NOTES+=("FAILED: $*"); echo "FAILED: $*" >&2; }
now() { date +%s.%N; }
mbps() { awk -v b="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.1f", b / t / 1e6; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "n/a" && b != "n/a" && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
mib() { awk -v k="$1" 'BEGIN { if (k != "") printf "%.1f", k / 1024; else print "n/a" }'; }
stop() { # pid: stop one process we started
	kill "$1" 2>/dev/null; wait "$1" 2>/dev/null
	local a=() p; for p in "${PIDS[@]}"; do [ "$p" != "$1" ] && a+=("$p"); done; PIDS=("${a[@]}")
}

# ---- build / tools -------------------------------------------------------------
if [ ! -x "$ADMIN" ] || [ ! -x "$DAEMON" ] || [ ! -x "$SDCAT" ]; then
	if [ "${BENCH_NO_BUILD:-0}" = 1 ] || [ "$BUILD" != "$ROOT/build/dev" ]; then
		echo "missing binaries in $BUILD (sealdrop-admin, sealdrop-source, tests/sdcat)" >&2; exit 1
	fi
	echo "building sealdrop-admin sealdrop-source sdcat in build/dev ..." >&2
	(cd "$ROOT" && { [ -f build/dev/CMakeCache.txt ] || cmake --preset dev; } &&
		cmake --build --preset dev -j2 --target sealdrop-admin sealdrop-source sdcat) \
		>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
fi
HAVE_OS=1
command -v onionshare-cli >/dev/null || { HAVE_OS=0; MISSING=1; note "onionshare-cli not installed (contrib/install-deps.sh bench): no comparison row"; }

BYTES=$((SIZE_MIB * 1048576))
SMALL_BYTES=$((SMALL_MIB * 1048576))
echo "# bench/upload.sh $SIZE_MIB MiB, work dir $WORK ($(df -PT "$WORK" | awk 'NR==2 { print $2 }'))"
echo "# $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

IN=$WORK/input.bin
head -c "$BYTES" /dev/urandom >"$IN" || { broke "cannot write the input"; exit 1; }
echo "# input: $SIZE_MIB MiB from /dev/urandom"

# ---- dd: the disk under the work dir ---------------------------------------------
t0=$(now)
dd if=/dev/zero of="$WORK/dd.out" bs=1M count="$SIZE_MIB" conv=fsync status=none || broke "dd failed"
t1=$(now)
DD=$(mbps "$BYTES" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
rm -f "$WORK/dd.out"; sync
echo "dd-zero-write (conv=fsync): $DD MB/s"

# ---- sealdrop-source ---------------------------------------------------------------
# sd_run NAME BYTES FILE: fresh instance and daemon, one upload of FILE.
# Sets SD_MBPS, SD_HWM (KiB, whole life) and SD_UP_HWM (KiB, the upload alone).
sd_run() {
	local name=$1 bytes=$2 file=$3 inst=$WORK/inst-$1 pid jar=$WORK/jar-$1 csrf st t h0
	SD_MBPS=n/a; SD_HWM=; SD_UP_HWM=
	"$ADMIN" init --instance "$inst" --name "upload bench" --recipient "$ROOT/tests/vectors/key.pub" \
		>/dev/null || { broke "$name: sealdrop-admin init"; return; }
	sed -i "s/^max_submission_bytes = .*/max_submission_bytes = $((bytes + 1048576))/;
		s/^connection_timeout = .*/connection_timeout = 600/" "$inst/sealdrop.conf"
	"$DAEMON" --instance "$inst" >"$WORK/daemon-$name.log" 2>&1 &
	pid=$!; PIDS+=("$pid")
	for _ in $(seq 200); do [ -S "$inst/source.sock" ] && break; sleep 0.05; done
	[ -S "$inst/source.sock" ] || { broke "$name: daemon did not start: $(cat "$WORK/daemon-$name.log")"; return; }
	local c=(curl -s --max-time 900 --unix-socket "$inst/source.sock" -b "$jar" -c "$jar")
	csrf_of() { grep -o 'name="csrf_token" value="[^"]*"' "$WORK/body" | head -1 | sed 's/.*value="//;s/"$//'; }
	"${c[@]}" -o "$WORK/body" "http://$ONION/"; csrf=$(csrf_of)
	"${c[@]}" -o "$WORK/body" -d "csrf_token=$csrf" "http://$ONION/generate"
	"${c[@]}" -o "$WORK/body" "http://$ONION/lookup"; csrf=$(csrf_of)
	[ -n "$csrf" ] || { broke "$name: no session/CSRF token"; stop "$pid"; return; }
	cat "$file" >/dev/null   # page cache: the input is read from memory
	h0=$(hwm_kib "$pid"); local c0; c0=$(cpu_s "$pid")
	echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || note "$name: cannot reset the daemon's peak RSS"
	read -r st t < <("${c[@]}" -o "$WORK/body" -w '%{http_code} %{time_total}\n' \
		-F "csrf_token=$csrf" -F "files=@$file;filename=input.bin" "http://$ONION/submit")
	SD_UP_HWM=$(hwm_kib "$pid")
	SD_CPU=$(awk -v a="$c0" -v b="$(cpu_s "$pid")" -v t="$t" 'BEGIN { printf "%.1f s CPU in %.1f s", b - a, t }')
	SD_HWM=$SD_UP_HWM
	[ -n "$h0" ] && [ -n "$SD_UP_HWM" ] && [ "$h0" -gt "$SD_UP_HWM" ] && SD_HWM=$h0
	stop "$pid"
	if [ "$st" != 303 ]; then broke "$name: upload status $st"; return; fi
	SD_MBPS=$(mbps "$bytes" "$t")
	# The sealed file decrypts to exactly the input.
	local f n=0
	# Items are at depth 2 (<source>/<item>.sdbox, replies and legacy) or
	# depth 3 (<source>/<batch>/<item>.sdbox, a submission); docs/spool.md.
	while IFS= read -r -d '' f; do
		n=$((n + 1))
		"$SDCAT" "$KEY" "$PASS" "$f" 2>"$WORK/meta" | cmp -s - "$file" ||
			broke "$name: the sealed file does not decrypt to the input ($(cat "$WORK/meta"))"
	done < <(find "$inst/spool" -path "$inst/spool/tmp" -prune -o -mindepth 2 -maxdepth 3 \
		-type f -name '*.sdbox' -print0)
	[ "$n" = 1 ] || broke "$name: $n files in the spool, want 1"
	# spool/tmp/ holds one folder per owner; nothing may be left inside them.
	[ -z "$(find "$inst/spool/tmp" -mindepth 2 -print -quit)" ] ||
		broke "$name: spool/tmp not empty: $(cd "$inst/spool/tmp" && find . -mindepth 2 | head -3)"
	rm -rf "$inst"
}

SMALL_IN=$WORK/small.bin
head -c "$SMALL_BYTES" "$IN" >"$SMALL_IN"
sd_run small "$SMALL_BYTES" "$SMALL_IN"
SD_SMALL_MBPS=$SD_MBPS SD_SMALL_HWM=$SD_HWM SD_SMALL_UP=$SD_UP_HWM
rm -f "$SMALL_IN"
echo "sealdrop-source $SMALL_MIB MiB: $SD_SMALL_MBPS MB/s, peak RSS $(mib "$SD_SMALL_UP") MiB during the upload, $(mib "$SD_SMALL_HWM") MiB whole life; daemon $SD_CPU"
sd_run big "$BYTES" "$IN"
SD_BIG_MBPS=$SD_MBPS SD_BIG_HWM=$SD_HWM SD_BIG_UP=$SD_UP_HWM
echo "sealdrop-source $SIZE_MIB MiB: $SD_BIG_MBPS MB/s, peak RSS $(mib "$SD_BIG_UP") MiB during the upload, $(mib "$SD_BIG_HWM") MiB whole life; daemon $SD_CPU"
sync

# ---- OnionShare receive mode ----------------------------------------------------------
# onionshare-cli --local-only (no Tor) --receive --public (no private key)
# --no-autostop-sharing (it keeps receiving), files into --data-dir. Its page
# posts multipart field "file[]" (and "text") to /upload; no CSRF token.
# Its port and URL are read from its output ("http://127.0.0.1:PORT").
OS_MBPS=n/a OS_HWM='' OS_CPU=n/a
if [ "$HAVE_OS" = 1 ]; then
	mkdir -p "$WORK/os-home" "$WORK/os-data"
	HOME=$WORK/os-home XDG_CONFIG_HOME=$WORK/os-home/.config \
		onionshare-cli --local-only --receive --public --no-autostop-sharing \
		--data-dir "$WORK/os-data" >"$WORK/os.log" 2>&1 &
	ospid=$!; PIDS+=("$ospid")
	url=
	for _ in $(seq 300); do
		url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/os.log" | head -1)
		[ -n "$url" ] && curl -s -o /dev/null --max-time 2 "$url/" && break
		kill -0 "$ospid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$url" ] || ! curl -s -o /dev/null --max-time 2 "$url/"; then
		broke "onionshare-cli did not start: $(tail -5 "$WORK/os.log")"
	else
		cat "$IN" >/dev/null
		read -r st t < <(curl -s --max-time 900 --noproxy '*' -o "$WORK/os-body" -w '%{http_code} %{time_total}\n' \
			-F "file[]=@$IN;filename=input.bin" "$url/upload")
		OS_HWM=$(hwm_kib "$ospid")
		OS_CPU=$(awk -v b="$(cpu_s "$ospid")" -v t="$t" 'BEGIN { printf "%.1f s CPU (whole life) for %.1f s of upload", b, t }')
		if [ "$st" = 200 ] || [ "$st" = 302 ]; then
			OS_MBPS=$(mbps "$BYTES" "$t")
			got=$(find "$WORK/os-data" -type f -name 'input*.bin' | head -1)
			if [ -z "$got" ]; then broke "onionshare: no received file (status $st)"
			elif ! cmp -s "$got" "$IN"; then broke "onionshare: the received file differs"; fi
		else
			broke "onionshare: upload status $st"
		fi
	fi
	stop "$ospid"
fi
echo "onionshare-cli receive $SIZE_MIB MiB: $OS_MBPS MB/s, peak RSS $(mib "$OS_HWM") MiB; $OS_CPU"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- summary ---------------------------------------------------------------------------
growth=n/a
[ -n "$SD_SMALL_UP" ] && [ -n "$SD_BIG_UP" ] && growth=$(mib $((SD_BIG_UP - SD_SMALL_UP)))
echo
echo "| test | MB/s | peak RSS MiB, upload | peak RSS MiB, whole life |"
echo "|---|---:|---:|---:|"
echo "| dd-zero-write (conv=fsync), $SIZE_MIB MiB | $DD | | |"
echo "| sealdrop-source, $SMALL_MIB MiB | $SD_SMALL_MBPS | $(mib "$SD_SMALL_UP") | $(mib "$SD_SMALL_HWM") |"
echo "| sealdrop-source, $SIZE_MIB MiB | $SD_BIG_MBPS | $(mib "$SD_BIG_UP") | $(mib "$SD_BIG_HWM") |"
echo "| onionshare-cli --receive, $SIZE_MIB MiB | $OS_MBPS | | $(mib "$OS_HWM") |"
echo
echo "| Ratio | value | Target |"
echo "|---|---:|---|"
echo "| sealdrop / OnionShare | $(ratio "$SD_BIG_MBPS" "$OS_MBPS") | >= 1.0 (DESIGN.md, issue 15) |"
echo "| sealdrop / dd conv=fsync | $(ratio "$SD_BIG_MBPS" "$DD") | >= 0.5 (issue 3) |"
echo "| sealdrop peak RSS during the $SIZE_MIB MiB upload | $(mib "$SD_BIG_UP") MiB | < 32 MiB |"
echo "| sealdrop peak RSS, whole life (incl. argon2id at /generate) | $(mib "$SD_BIG_HWM") MiB | < 32 MiB |"
echo "| upload peak RSS growth $SMALL_MIB -> $SIZE_MIB MiB | $growth MiB | none (does not grow with the file) |"
echo "| OnionShare peak RSS / sealdrop peak RSS | $(ratio "$OS_HWM" "$SD_BIG_HWM") | — |"
for n in "${NOTES[@]}"; do echo "$n"; done
[ "$SMOKE" = 1 ] && echo "(smoke mode: $SIZE_MIB MiB, figures meaningless; checked that every sealed upload decrypts to its input)"
[ "$FAILED" != 0 ] && exit 1
[ "$MISSING" = 1 ] && exit 77
exit 0
