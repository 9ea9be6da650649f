#!/usr/bin/env bash
# load.sh - load bench of sealdrop-source: many concurrent uploads at Tor-like
# speed to the real daemon on its unix socket while a prober measures the
# latency of `GET /` and `GET /lookup`, then a login storm while a real
# source logs in. Loopback only (a unix socket), bounded in time and count.
#
#   bench/load.sh [UPLOADS]            (default 200)
#
# Phase 1: UPLOADS curl clients (BENCH_SOURCES sessions, default 4, made by
# POST /generate, uploads spread over them) each send a BENCH_FILE_KIB file
# (default 1024) limited to BENCH_RATE (default 100K bytes/s, curl
# --limit-rate) to POST /submit, all started at once. Meanwhile a prober
# asks `GET /` (no cookie) and `GET /lookup` (a source's session) every
# 0.2 s, and the daemon's RSS and threads are sampled every 0.5 s.
# Phase 2: BENCH_STORM (default 50) clients POST /login with wrong codenames
# at once, and 0.2 s later the source whose codename is known logs in: its
# wait is printed (argon2id runs argon2_concurrency at a time, the rest wait
# in a first-come-first-served queue of argon2_queue; see docs/decisions.md).
#
# Printed: errors (any upload not answered 303, any probe not 200), p50/p99
# latency of each probe, the daemon's peak RSS and threads, its CPU time,
# the victim's wait and the storm's answers. Checked: the spool holds one
# sealed file per answered upload, a sample of them decrypts to the input,
# nothing is left in spool/tmp. Figures are printed, never enforced: the
# exit status is 0 when everything ran, no request failed and the checks
# held; 1 otherwise (the count of errors says why).
#
# The instance uses sealdrop.conf's defaults (max_connections among them)
# unless BENCH_MAX_CONNECTIONS is set. Environment: BENCH_DIR (parent of the
# work dir, default /tmp), BENCH_BUILD (default build/dev), BENCH_SOURCES,
# BENCH_FILE_KIB, BENCH_RATE, BENCH_STORM, BENCH_MAX_CONNECTIONS.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build/dev}
N=${1:-200}
NSRC=${BENCH_SOURCES:-4}
KIB=${BENCH_FILE_KIB:-1024}
RATE=${BENCH_RATE:-100K}
STORM=${BENCH_STORM:-50}
for v in "$N" "$NSRC" "$KIB" "$STORM"; do
	[[ "$v" =~ ^[1-9][0-9]{0,3}$ ]] || { echo "usage: bench/load.sh [UPLOADS]  (counts 1..9999)" >&2; exit 2; }
done
[[ "$RATE" =~ ^[1-9][0-9]{0,6}[KM]?$ ]] || { echo "load.sh: BENCH_RATE like 100K" >&2; exit 2; }
[ "$N" -le 2000 ] && [ "$STORM" -le 500 ] || { echo "load.sh: at most 2000 uploads and 500 storm clients" >&2; exit 2; }
ONION=abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion
ADMIN=$BUILD/bin/sealdrop-admin
DAEMON=$BUILD/bin/sealdrop-source
SDCAT=$BUILD/bin/sdcat
KEY=$ROOT/tests/vectors/key.key
PASS=$ROOT/tests/vectors/key.pass
for b in "$ADMIN" "$DAEMON" "$SDCAT"; do
	[ -x "$b" ] || { echo "load.sh: $b missing: cmake --build --preset dev" >&2; exit 1; }
done

WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/sealdrop-load.XXXXXX")
PIDS=()
DPID=
# shellcheck disable=SC2317  # called through the trap
cleanup() {
	# Only the processes this script started, by pid.
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ERRORS=0
err() { ERRORS=$((ERRORS + 1)); echo "ERROR: $*" >&2; }
now() { date +%s.%N; }
pct() { # file p: the p-th percentile (0..100) of the numbers in file, in ms
	sort -g "$1" | awk -v p="$2" '{ a[NR] = $1 } END {
		if (NR == 0) { print "n/a"; exit }
		i = int((p / 100) * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
		printf "%.1f", a[i] * 1000 }'
}
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null; }

INST=$WORK/inst
"$ADMIN" init --instance "$INST" --name "load bench" --recipient "$ROOT/tests/vectors/key.pub" >/dev/null ||
	{ echo "load.sh: sealdrop-admin init failed" >&2; exit 1; }
[ -n "${BENCH_MAX_CONNECTIONS:-}" ] &&
	sed -i "s/^max_connections = .*/max_connections = $BENCH_MAX_CONNECTIONS/" "$INST/sealdrop.conf"
MAXC=$(sed -n 's/^max_connections = //p' "$INST/sealdrop.conf")
"$DAEMON" --instance "$INST" >"$WORK/daemon.log" 2>&1 &
DPID=$!; PIDS+=("$DPID")
SOCK=$INST/source.sock
for _ in $(seq 200); do [ -S "$SOCK" ] && break; sleep 0.05; done
[ -S "$SOCK" ] || { echo "load.sh: daemon did not start: $(cat "$WORK/daemon.log")" >&2; exit 1; }

csrf_of() { grep -o 'name="csrf_token" value="[^"]*"' "$1" | head -1 | sed 's/.*value="//;s/"$//'; }
req() { curl -s --max-time 60 --unix-socket "$SOCK" "$@"; }

echo "# bench/load.sh: $N uploads of $KIB KiB at $RATE B/s over $NSRC sources, storm of $STORM"
echo "# $(nproc) cores, max_connections = $MAXC, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# Sources: each a session made by /generate (its codename kept for phase 2).
for ((s = 0; s < NSRC; s++)); do
	jar=$WORK/jar$s
	req -b "$jar" -c "$jar" -o "$WORK/p$s" "http://$ONION/"
	req -b "$jar" -c "$jar" -o "$WORK/g$s" -d "csrf_token=$(csrf_of "$WORK/p$s")" "http://$ONION/generate"
	sed -n 's/.*id="codename"[^>]*>\([^<]*\)<.*/\1/p' "$WORK/g$s" | head -1 >"$WORK/codename$s"
	req -b "$jar" -c "$jar" -o "$WORK/l$s" "http://$ONION/lookup"
	csrf_of "$WORK/l$s" >"$WORK/csrf$s"
	[ -s "$WORK/csrf$s" ] && [ -s "$WORK/codename$s" ] ||
		{ echo "load.sh: source $s has no session or codename" >&2; exit 1; }
done
IN=$WORK/input.bin
head -c $((KIB * 1024)) /dev/urandom >"$IN"

# ---- phase 1: uploads, prober, sampler ------------------------------------------
sampler() { # peak RSS (KiB) and threads of the daemon, every 0.5 s
	local rss thr prss=0 pthr=0
	while kill -0 "$DPID" 2>/dev/null && [ ! -e "$WORK/stop" ]; do
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$DPID/status" 2>/dev/null)
		thr=$(awk '/^Threads:/ { print $2 }' "/proc/$DPID/status" 2>/dev/null)
		[ -n "$rss" ] && [ "$rss" -gt "$prss" ] && prss=$rss
		[ -n "$thr" ] && [ "$thr" -gt "$pthr" ] && pthr=$thr
		echo "$prss $pthr" >"$WORK/peak"
		sleep 0.5
	done
}
prober() { # GET / and GET /lookup every 0.2 s; "time status" lines
	local r
	while [ ! -e "$WORK/stop" ]; do
		r=$(req -o /dev/null -w '%{time_total} %{http_code}' "http://$ONION/")
		echo "$r" >>"$WORK/probe-root"
		r=$(req -b "$WORK/jar0" -o /dev/null -w '%{time_total} %{http_code}' "http://$ONION/lookup")
		echo "$r" >>"$WORK/probe-lookup"
		sleep 0.2
	done
}
: >"$WORK/probe-root"; : >"$WORK/probe-lookup"
sampler & PIDS+=($!)
prober & PROBER=$!; PIDS+=("$PROBER")
sleep 1   # a few probes of the idle daemon first
C0=$(cpu_s "$DPID")
T0=$(now)
UPIDS=()
for ((i = 0; i < N; i++)); do
	s=$((i % NSRC))
	curl -s --max-time 600 --unix-socket "$SOCK" -b "$WORK/jar$s" --limit-rate "$RATE" \
		-o /dev/null -w '%{http_code} %{time_total}\n' \
		-F "csrf_token=$(cat "$WORK/csrf$s")" -F "files=@$IN;filename=load$i.bin" \
		"http://$ONION/submit" >"$WORK/up$i" 2>&1 &
	UPIDS+=($!); PIDS+=($!)
done
for p in "${UPIDS[@]}"; do wait "$p"; done
T1=$(now)
C1=$(cpu_s "$DPID")
sleep 1   # a few probes after
touch "$WORK/stop"
wait "$PROBER"

ok=0; declare -A codes
for ((i = 0; i < N; i++)); do
	read -r st _ <"$WORK/up$i" || st=none
	codes[$st]=$(( ${codes[$st]:-0} + 1 ))
	[ "$st" = 303 ] && ok=$((ok + 1))
done
UPERR=$((N - ok))
[ "$UPERR" -gt 0 ] && err "$UPERR of $N uploads not answered 303 ($(for k in "${!codes[@]}"; do printf '%s x%s ' "$k" "${codes[$k]}"; done))"
for f in probe-root probe-lookup; do
	bad=$(awk '$2 != 200' "$WORK/$f" | wc -l)
	[ "$bad" -gt 0 ] && err "$f: $bad probes not answered 200 ($(awk '$2 != 200 { print $2 }' "$WORK/$f" | sort | uniq -c | tr '\n' ' '))"
	awk '{ print $1 }' "$WORK/$f" >"$WORK/$f.t"
done
read -r PRSS PTHR <"$WORK/peak" || { PRSS=0; PTHR=0; }

# The spool: one sealed file per answered upload, a sample decrypts.
mapfile -d '' items < <(find "$INST/spool" -path "$INST/spool/tmp" -prune -o -mindepth 2 -maxdepth 3 \
	-type f -name '*.sdbox' -print0)
[ "${#items[@]}" = "$ok" ] || err "the spool holds ${#items[@]} sealed files for $ok answered uploads"
for ((k = 0; k < ${#items[@]} && k < 3; k++)); do
	"$SDCAT" "$KEY" "$PASS" "${items[$k]}" 2>/dev/null | cmp -s - "$IN" ||
		err "${items[$k]#"$INST"/} does not decrypt to the input"
done
[ -z "$(find "$INST/spool/tmp" -mindepth 2 -print -quit)" ] || err "spool/tmp not empty after the uploads"

# ---- phase 2: login storm ----------------------------------------------------------
# Wrong codenames that are well formed (a malformed one is refused without
# argon2id): source 0's words reversed, then rotated.
read -r -a WORDS <"$WORK/codename0"
wrong_codename() {
	local i=$1 n=${#WORDS[@]} k out=()
	for ((k = 0; k < n; k++)); do out+=("${WORDS[$(( (n - 1 - (k + i) % n) ))]}"); done
	echo "${out[*]}"
}
SPIDS=()
for ((i = 0; i < STORM; i++)); do
	(
		jar=$WORK/sj$i
		req -b "$jar" -c "$jar" -o "$WORK/sp$i" "http://$ONION/" &&
		req -b "$jar" -c "$jar" -o /dev/null -w '%{http_code} %{time_total}\n' \
			--data-urlencode "csrf_token=$(csrf_of "$WORK/sp$i")" \
			--data-urlencode "codename=$(wrong_codename "$i")" "http://$ONION/login"
	) >"$WORK/st$i" 2>&1 &
	SPIDS+=($!); PIDS+=($!)
done
sleep 0.2
vj=$WORK/vjar
req -b "$vj" -c "$vj" -o "$WORK/vp" "http://$ONION/"
read -r VST VT < <(req -b "$vj" -c "$vj" -o "$WORK/vbody" -w '%{http_code} %{time_total}\n' \
	--data-urlencode "csrf_token=$(csrf_of "$WORK/vp")" \
	--data-urlencode "codename=$(cat "$WORK/codename1")" "http://$ONION/login")
for p in "${SPIDS[@]}"; do wait "$p"; done
[ "$VST" = 303 ] || err "the victim's login was answered $VST, not 303"
declare -A scodes
for ((i = 0; i < STORM; i++)); do
	read -r st _ <"$WORK/st$i" || st=none
	scodes[$st]=$(( ${scodes[$st]:-0} + 1 ))
done
kill -0 "$DPID" 2>/dev/null || err "the daemon died: $(tail -3 "$WORK/daemon.log")"

# ---- report ---------------------------------------------------------------------------
echo
echo "| $N uploads of $KIB KiB at $RATE B/s | value |"
echo "|---|---:|"
echo "| uploads answered 303 | $ok of $N |"
echo "| wall time of the uploads | $(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f s", b - a }') |"
echo "| daemon CPU during the uploads | $(awk -v a="$C0" -v b="$C1" 'BEGIN { printf "%.1f s", b - a }') |"
echo "| daemon peak RSS (sampled) | $(awk -v k="$PRSS" 'BEGIN { printf "%.1f MiB", k / 1024 }') |"
echo "| daemon peak threads (sampled) | $PTHR |"
echo "| GET / latency p50 / p99 ($(wc -l <"$WORK/probe-root.t") probes) | $(pct "$WORK/probe-root.t" 50) / $(pct "$WORK/probe-root.t" 99) ms |"
echo "| GET /lookup latency p50 / p99 ($(wc -l <"$WORK/probe-lookup.t") probes) | $(pct "$WORK/probe-lookup.t" 50) / $(pct "$WORK/probe-lookup.t" 99) ms |"
echo "| login storm of $STORM: answers | $(for k in "${!scodes[@]}"; do printf '%s x%s ' "$k" "${scodes[$k]}"; done)|"
echo "| the real source's login during the storm | $VST after $(awk -v t="$VT" 'BEGIN { printf "%.2f s", t }') |"
echo "| errors | $ERRORS |"
echo
echo "Targets (DESIGN.md, issue 15): every upload answered, no error; GET / p99 < 500 ms."
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$ERRORS" = 0 ]
