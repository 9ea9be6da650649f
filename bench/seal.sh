#!/usr/bin/env bash
# seal.sh - spool format benchmark: .sdbox sealing and opening side by side
# with raw libsodium secretstream, age, gpg and a plain fsync'd disk write,
# all in one run on the same input, so the ratios DESIGN.md targets
# ("Performance targets") can be read off one table.
#
#   bench/seal.sh [SIZE_MIB]          (default 1024)
#
# Environment: BENCH_DIR (parent of the temporary work dir, default /tmp),
# BENCH_SMOKE=1 (a few MiB, one run each, no build: the CI check that every
# output still decrypts to its input; bench/smoke.sh), BENCH_BUILD (build
# dir, default build/dev),
# BENCH_REPS (best-of count for the in-memory runs, default 3),
# BENCH_FILE_REPS (best-of count for the file to file runs, default 2: on
# this VM the first pass that grows the page cache into untouched memory is
# often half speed, whatever the program),
# BENCH_NO_BUILD=1 (use build/dev as it is). The script builds the static
# libraries and tools it needs in build/dev (preset "dev") and compiles the
# two bench programs into the work dir, which is removed on exit.
# MB/s is 10^6 bytes of plaintext per second. Targets are printed, never
# enforced: the exit status is 0 when every measurement ran and verified,
# 1 when something could not be built, run or did not round-trip, and 77
# when everything of ours ran and verified but a comparison tool (age, gpg)
# is missing, so its rows are absent.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build/dev}
SMOKE=${BENCH_SMOKE:-0}
if [ "$SMOKE" = 1 ]; then
	SIZE_MIB=${1:-4}
	REPS=${BENCH_REPS:-1}
	FREPS=${BENCH_FILE_REPS:-1}
	BENCH_NO_BUILD=1
else
	SIZE_MIB=${1:-1024}
	REPS=${BENCH_REPS:-3}
	FREPS=${BENCH_FILE_REPS:-2}
fi
if ! [[ "$SIZE_MIB" =~ ^[1-9][0-9]{0,5}$ ]] || ! [[ "$REPS" =~ ^[1-9][0-9]{0,2}$ ]] ||
	! [[ "$FREPS" =~ ^[1-9][0-9]{0,2}$ ]]; then
	echo "usage: bench/seal.sh [SIZE_MIB]   (BENCH_REPS, BENCH_FILE_REPS: small counts)" >&2
	exit 2
fi
BYTES=$((SIZE_MIB * 1048576))

WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/sealdrop-bench.XXXXXX")
GPGH="$WORK/gnupg"
# shellcheck disable=SC2317  # called through the trap
cleanup() {
	# Only the agent of our throwaway GNUPGHOME is stopped.
	if [ -d "$GPGH" ]; then
		gpgconf --homedir "$GPGH" --kill gpg-agent >/dev/null 2>&1 || true
	fi
	rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FAILED=0          # something could not be measured or did not round-trip
MISSING=0         # a comparison tool is not installed: its rows are absent
NOTES=()
note() { NOTES+=("$*"); echo "note: $*" >&2; }
broke() { FAILED=1; NOTES+=("FAILED: $*"); echo "FAILED: $*" >&2; }

# ---- build -------------------------------------------------------------------
build_target() {
	cmake --build --preset dev -j1 --target "$1" >"$WORK/build-$1.log" 2>&1
}
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
	if [ ! -f "$BUILD/CMakeCache.txt" ]; then
		echo "configuring build/dev ..." >&2
		(cd "$ROOT" && cmake --preset dev >"$WORK/configure.log" 2>&1) || {
			cat "$WORK/configure.log" >&2
			echo "seal.sh: cmake --preset dev failed" >&2
			exit 1
		}
	fi
	echo "building the libraries and tools (cmake --build --preset dev -j1) ..." >&2
	for t in sdcommon sdcrypto; do
		(cd "$ROOT" && build_target "$t") || {
			tail -n 30 "$WORK/build-$t.log" >&2
			echo "seal.sh: building $t failed" >&2
			exit 1
		}
	done
	for t in sealdrop-keygen sealdrop-open; do
		if ! (cd "$ROOT" && build_target "$t"); then
			tail -n 10 "$WORK/build-$t.log" >&2
			note "$t did not build (log tail above); using what is in build/dev, if anything"
		fi
	done
fi
for lib in "$BUILD/crypto/libsdcrypto.a" "$BUILD/common/libsdcommon.a"; do
	[ -f "$lib" ] || { echo "seal.sh: $lib missing" >&2; exit 1; }
done

CFLAGS=(-std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Wconversion -Wsign-conversion
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror)
read -r -a SODIUM_CFLAGS <<<"$(pkg-config --cflags libsodium)"
read -r -a SODIUM_LIBS <<<"$(pkg-config --libs libsodium)"
read -r -a BSD_LIBS <<<"$(pkg-config --libs libbsd)" # common's passphrase prompt
cc "${CFLAGS[@]}" "${SODIUM_CFLAGS[@]}" -o "$WORK/raw_secretstream" \
	"$ROOT/bench/raw_secretstream.c" "${SODIUM_LIBS[@]}"
cc "${CFLAGS[@]}" "${SODIUM_CFLAGS[@]}" -I"$ROOT/crypto" -I"$ROOT/common" \
	-o "$WORK/bench_seal" "$ROOT/bench/bench_seal.c" \
	"$BUILD/crypto/libsdcrypto.a" "$BUILD/common/libsdcommon.a" "${SODIUM_LIBS[@]}" \
	"${BSD_LIBS[@]}"
RAW="$WORK/raw_secretstream"
BS="$WORK/bench_seal"
cd "$WORK"
KEYGEN="$BUILD/bin/sealdrop-keygen"
OPEN="$BUILD/bin/sealdrop-open"

# ---- results -----------------------------------------------------------------
declare -A R          # name -> MB/s without fsync of the output
declare -A RF         # name -> MB/s including fsync of the output
ORDER=()
record() { # name nofsync fsync
	ORDER+=("$1")
	R[$1]=$2
	RF[$1]=$3
}
mbps() { awk -v b="$BYTES" -v s="$1" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else print "-" }'; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a - b }'; }
maxf() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || (b != "-" && b + 0 > a + 0)) print b; else print a }'; }
field() { sed -n "s/^$1 MBps=\\([0-9.]*\\)\$/\\1/p" "$2"; }

# Run a file test FREPS times, each after warming the page cache with its
# input and followed by an fsync of its output; keep the best MB/s without
# and with that fsync. With "internal" the program's own MBps= figure (which
# leaves out process start and key unlocking) replaces the wall-clock time
# of the run.
#   file_test NAME INPUT OUTPUT internal|external CMD...
file_test() {
	local name=$1 in=$2 out=$3 how=$4 i t0 t1 t2 secs nf best=- bestf=-
	shift 4
	for ((i = 0; i < FREPS; i++)); do
		rm -f -- "$out"
		cat -- "$in" >/dev/null
		t0=$(date +%s.%N)
		if ! "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"; then
			broke "$name: $(tail -n 3 "$WORK/err.txt" | tr '\n' ' ')"
			record "$name" - -
			return 1
		fi
		t1=$(date +%s.%N)
		sync -- "$out"
		t2=$(date +%s.%N)
		if [ "$how" = internal ]; then
			nf=$(sed -n 's/^[a-z-]* MBps=\([0-9.]*\)$/\1/p' "$WORK/out.txt" | head -n 1)
			secs=$(awk -v b="$BYTES" -v m="${nf:-0}" 'BEGIN { printf "%.6f", (m > 0 ? b / 1e6 / m : 0) }')
		else
			secs=$(sub "$t1" "$t0")
		fi
		best=$(maxf "$best" "$(mbps "$secs")")
		bestf=$(maxf "$bestf" "$(mbps "$(awk -v a="$secs" -v b="$(sub "$t2" "$t1")" 'BEGIN { printf "%.6f", a + b }')")")
	done
	record "$name" "$best" "$bestf"
}

same() { # name file: the output must equal the input
	if ! cmp -s -- "$IN" "$2"; then
		broke "$1: output differs from the input"
	fi
}

# ---- header --------------------------------------------------------------------
echo "sealdrop spool benchmark: $SIZE_MIB MiB, best of $REPS in memory, best of $FREPS per file test"
HAVE_AGE=1 HAVE_GPG=1
command -v age >/dev/null && command -v age-keygen >/dev/null || { HAVE_AGE=0; MISSING=1; note "age not installed (contrib/install-deps.sh bench): no age rows"; }
command -v gpg >/dev/null && command -v gpgconf >/dev/null || { HAVE_GPG=0; MISSING=1; note "gpg not installed (contrib/install-deps.sh bench): no gpg rows"; }
echo "date $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -sr), libsodium $(pkg-config --modversion libsodium)," \
	"$(age --version 2>/dev/null | head -n 1 | sed 's/^/age /'), $(gpg --version 2>/dev/null | head -n 1)"
echo "work dir $WORK ($(df -PT "$WORK" | awk 'NR == 2 { print $2 }')), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# ---- in memory -----------------------------------------------------------------
echo "in-memory runs ..." >&2
if "$RAW" -r "$REPS" mem "$SIZE_MIB" >"$WORK/raw.txt"; then
	record raw-secretstream-seal "$(field raw-secretstream-seal "$WORK/raw.txt")" ""
	record raw-secretstream-open "$(field raw-secretstream-open "$WORK/raw.txt")" ""
else
	broke "raw_secretstream mem"
fi
if "$BS" -r "$REPS" mem "$SIZE_MIB" >"$WORK/sdmem.txt"; then
	record sdbox-seal-mem "$(field sdbox-seal-mem "$WORK/sdmem.txt")" ""
	record sdbox-open-mem "$(field sdbox-open-mem "$WORK/sdmem.txt")" ""
	OVERHEAD=$(sed -n 's/^sdbox-file-bytes .*overhead_pct=//p' "$WORK/sdmem.txt")
else
	broke "bench_seal mem"
fi

# ---- files -----------------------------------------------------------------------
echo "making the $SIZE_MIB MiB random input ..." >&2
IN="$WORK/input.bin"
head -c "$BYTES" /dev/urandom >"$IN"
sync -- "$IN"

echo "disk reference (dd conv=fsync) ..." >&2
t0=$(date +%s.%N)
dd if=/dev/zero of="$WORK/dd.bin" bs=1M count="$SIZE_MIB" conv=fsync status=none
t1=$(date +%s.%N)
record "dd-zero-write" - "$(mbps "$(sub "$t1" "$t0")")"
rm -f -- "$WORK/dd.bin"

echo "keys ..." >&2
PASS="$WORK/pass.txt"
head -c 24 /dev/urandom | base64 >"$PASS"
KEY="$WORK/K.key"
if [ -x "$KEYGEN" ] &&
	"$KEYGEN" --out "$KEY" --passphrase-file "$PASS" --kdf interactive >"$WORK/keygen.txt" 2>&1 &&
	[ -f "$WORK/K.pub" ]; then
	:
else
	note "sealdrop-keygen unavailable or failed ($(head -n 1 "$WORK/keygen.txt" 2>/dev/null)); key made by bench_seal keygen (same library calls, interactive KDF)"
	rm -f -- "$KEY" "$WORK/K.pub"
	"$BS" keygen "$KEY" "$PASS" || { echo "seal.sh: cannot make a key" >&2; exit 1; }
fi
if [ "$HAVE_AGE" = 1 ]; then
	age-keygen -o "$WORK/age.key" 2>/dev/null
	AGE_R=$(age-keygen -y "$WORK/age.key")
fi
if [ "$HAVE_GPG" = 1 ]; then
	mkdir -m 700 "$GPGH"
	GPG=(gpg --homedir "$GPGH" --batch --yes --quiet --pinentry-mode loopback --passphrase-file "$PASS")
fi

echo "file to file runs ..." >&2
# Sealing.
file_test raw-secretstream-seal-file "$IN" "$WORK/raw.ct" internal \
	"$RAW" seal-file "$IN" "$WORK/raw.ct" "$WORK/raw.key" || true
file_test sdbox-seal-file "$IN" "$WORK/x.sdbox" internal \
	"$BS" seal-file "$IN" "$WORK/x.sdbox" "$WORK/K.pub" || true
[ "$HAVE_AGE" = 1 ] && { file_test age-encrypt "$IN" "$WORK/x.age" external \
	age -r "$AGE_R" -o "$WORK/x.age" "$IN" || true; }
[ "$HAVE_GPG" = 1 ] && { file_test gpg-symmetric-encrypt "$IN" "$WORK/x.gpg" external \
	"${GPG[@]}" --compress-algo none --cipher-algo AES256 --symmetric -o "$WORK/x.gpg" "$IN" || true; }

# Opening, every output written next to the others in the work dir.
if file_test raw-secretstream-open-file "$WORK/raw.ct" "$WORK/raw.pt" internal \
	"$RAW" open-file "$WORK/raw.ct" "$WORK/raw.pt" "$WORK/raw.key"; then
	same raw-secretstream-open-file "$WORK/raw.pt"
fi
rm -f -- "$WORK/raw.ct" "$WORK/raw.pt"
if file_test sdbox-open-file "$WORK/x.sdbox" "$WORK/x.out" internal \
	"$BS" open-file "$WORK/x.sdbox" "$WORK/x.out" "$KEY" "$PASS"; then
	same sdbox-open-file "$WORK/x.out"
fi
rm -f -- "$WORK/x.out"
UNLOCK=""
if [ -x "$OPEN" ]; then
	# Fixed cost of one sealdrop-open run (argon2id key unlock, start-up, the
	# fsyncs of an empty file): the same command on an empty .sdbox.
	: >"$WORK/empty.bin"
	"$BS" seal-file "$WORK/empty.bin" "$WORK/empty.sdbox" "$WORK/K.pub" >/dev/null
	t0=$(date +%s.%N)
	if "$OPEN" --quiet --key "$KEY" --passphrase-file "$PASS" --out "$WORK/open-empty" \
		"$WORK/empty.sdbox" >/dev/null 2>"$WORK/err.txt"; then
		UNLOCK=$(sub "$(date +%s.%N)" "$t0")
	else
		broke "sealdrop-open on an empty file: $(head -n 1 "$WORK/err.txt")"
	fi
	best=-
	bestu=-
	for ((i = 0; i < FREPS; i++)); do
		rm -rf -- "$WORK/open"
		mkdir -m 700 "$WORK/open"
		cat -- "$WORK/x.sdbox" >/dev/null
		t0=$(date +%s.%N)
		if ! "$OPEN" --quiet --key "$KEY" --passphrase-file "$PASS" --out "$WORK/open" \
			"$WORK/x.sdbox" >/dev/null 2>"$WORK/err.txt"; then
			broke "sealdrop-open: $(head -n 1 "$WORK/err.txt")"
			best=-
			break
		fi
		secs=$(sub "$(date +%s.%N)" "$t0")
		best=$(maxf "$best" "$(mbps "$secs")")
		if [ -n "$UNLOCK" ]; then
			bestu=$(maxf "$bestu" "$(mbps "$(sub "$secs" "$UNLOCK")")")
		fi
	done
	record "sealdrop-open" - "$best"
	if [ "$best" != - ]; then
		[ -n "$UNLOCK" ] && record "sealdrop-open-minus-unlock" - "$bestu"
		# Beside the file, sealdrop-open writes report.txt, report.json,
		# its state and the offline reader (docs/opener.md); a random .bin
		# lands in unsorted/uncleaned/.
		mapfile -d '' outs < <(find "$WORK/open" -type f ! -name 'report.txt' \
			! -name 'report.json' ! -name .sealdrop-state ! -path "$WORK/open/index.html" \
			! -path "$WORK/open/reader/*" -print0)
		if [ ${#outs[@]} -eq 1 ]; then
			same sealdrop-open "${outs[0]}"
		else
			broke "sealdrop-open: expected one output file beside the reports, found ${#outs[@]}"
		fi
	fi
	rm -rf -- "$WORK/open" "$WORK/open-empty"
else
	broke "sealdrop-open is not built ($OPEN)"
fi
rm -f -- "$WORK/x.sdbox"
if [ "$HAVE_AGE" = 1 ] && file_test age-decrypt "$WORK/x.age" "$WORK/x.age.out" external \
	age -d -i "$WORK/age.key" -o "$WORK/x.age.out" "$WORK/x.age"; then
	same age-decrypt "$WORK/x.age.out"
fi
rm -f -- "$WORK/x.age" "$WORK/x.age.out"
if [ "$HAVE_GPG" = 1 ] && file_test gpg-symmetric-decrypt "$WORK/x.gpg" "$WORK/x.gpg.out" external \
	"${GPG[@]}" -o "$WORK/x.gpg.out" -d "$WORK/x.gpg"; then
	same gpg-symmetric-decrypt "$WORK/x.gpg.out"
fi
rm -f -- "$WORK/x.gpg" "$WORK/x.gpg.out"

# ---- report ------------------------------------------------------------------------
echo
printf '%-30s %12s %14s\n' "test ($SIZE_MIB MiB)" "MB/s" "MB/s +fsync"
printf '%-30s %12s %14s\n' "------------------------------" "------------" "--------------"
for n in "${ORDER[@]}"; do
	printf '%-30s %12s %14s\n' "$n" "${R[$n]:--}" "${RF[$n]:--}"
done
echo
echo "  *-mem: in memory, best of $REPS; output discarded (seal) or read from a buffer (open)."
echo "  *-file: best of $FREPS, file to file in the work dir; the \"MB/s\" column leaves out the"
echo "  final fsync of the output, \"+fsync\" adds it (sync FILE). Our programs report their"
echo "  own timing (key unlock and start-up left out); age, gpg and sealdrop-open are timed"
echo "  from outside. sealdrop-open fsyncs and renames its output itself; its fixed cost"
echo "  (argon2id interactive unlock, start-up) measured on an empty file: ${UNLOCK:-n/a} s."
[ -n "${OVERHEAD:-}" ] && echo "  .sdbox size overhead at this size (framing + Padme padding): ${OVERHEAD}%."
echo "  load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

ratio() { # label num den target
	local a=${R[$2]:-} b=${R[$3]:-}
	[ "$a" = - ] && a=${RF[$2]:-}
	[ "$b" = - ] && b=${RF[$3]:-}
	if [ -z "$a" ] || [ -z "$b" ] || [ "$a" = - ] || [ "$b" = - ]; then
		printf '  %-52s %8s   (target %s)\n' "$1" "n/a" "$4"
		return
	fi
	awk -v l="$1" -v a="$a" -v b="$b" -v t="$4" \
		'BEGIN { printf "  %-52s %8.2f   (target %s)\n", l, a / b, t }'
}
ratio_f() { # label num den target: the +fsync columns
	local a=${RF[$2]:-} b=${RF[$3]:-}
	if [ -z "$a" ] || [ -z "$b" ] || [ "$a" = - ] || [ "$b" = - ]; then
		printf '  %-52s %8s   (target %s)\n' "$1" "n/a" "$4"
		return
	fi
	awk -v l="$1" -v a="$a" -v b="$b" -v t="$4" \
		'BEGIN { printf "  %-52s %8.2f   (target %s)\n", l, a / b, t }'
}
echo
echo "summary (figures only; targets from DESIGN.md \"Performance targets\"):"
ratio "sdbox seal (mem) / raw secretstream seal (mem)" sdbox-seal-mem raw-secretstream-seal ">= 0.80"
ratio "sdbox open (mem) / raw secretstream open (mem)" sdbox-open-mem raw-secretstream-open "none"
ratio "sdbox seal (file) / raw secretstream seal (file)" sdbox-seal-file raw-secretstream-seal-file "none"
ratio_f "sealdrop-open / age -d, both fsync'd" sealdrop-open age-decrypt ">= 0.90, issue: >= 1.0"
ratio_f "  sealdrop-open minus key unlock / age -d, fsync'd" sealdrop-open-minus-unlock age-decrypt ">= 0.90, issue: >= 1.0"
ratio "sdbox reader open (file, no fsync) / age -d" sdbox-open-file age-decrypt ">= 0.90, issue: >= 1.0"
ratio "age -d / raw secretstream open (file)" age-decrypt raw-secretstream-open-file "none"
if [ ${#NOTES[@]} -gt 0 ]; then
	echo
	for n in "${NOTES[@]}"; do echo "  $n"; done
fi
[ "$SMOKE" = 1 ] && echo "  (smoke mode: $SIZE_MIB MiB, figures meaningless; checked that every output equals the input)"
if [ "$FAILED" != 0 ]; then
	exit 1
fi
[ "$MISSING" = 1 ] && exit 77
exit 0
