#!/usr/bin/env bash
# smoke.sh - the benches in smoke mode, for CI (CTest bench.smoke): a few
# MiB each, seconds in all. bench/seal.sh seals and opens in memory and file
# to file (bench_seal, sealdrop-open) and bench/upload.sh uploads through a
# real sealdrop-source; each checks that every output decrypts to exactly
# its input. bench/clean.sh makes safe PDFs of a PDF and of docx files
# (LibreOffice) and checks their page counts and that they hold images only. The figures are printed, never enforced: they mean nothing at
# this size. Run so that the scripts cannot rot unnoticed again.
#
#   bench/smoke.sh [BUILD_DIR]        (default build/dev)
#
# Exit status: 1 when a bench broke (something did not build, run or round
# trip), 77 (skip) when ours all verified but a comparison tool (age, gpg,
# onionshare-cli: contrib/install-deps.sh bench) is missing, 0 otherwise.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/dev}" && pwd) || exit 1
worst=0
for b in seal upload clean; do
	echo "== bench/$b.sh (smoke)"
	BENCH_SMOKE=1 BENCH_BUILD="$BUILD" timeout 300 bash "$ROOT/bench/$b.sh"
	rc=$?
	echo "== bench/$b.sh: exit $rc"
	if [ "$rc" = 77 ]; then
		[ "$worst" = 0 ] && worst=77
	elif [ "$rc" != 0 ]; then
		worst=1
	fi
done
exit "$worst"
