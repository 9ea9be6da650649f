#!/usr/bin/env bash
# all.sh - the throughput benches in one run, one after the other on the same
# machine state: bench/seal.sh (sealing against raw secretstream, opening
# against age -d) and bench/upload.sh (a sealed, fsync'd upload against
# OnionShare's plaintext receive mode), each printing its table and ratios.
# bench/load.sh (concurrency, latency) is separate: it measures other things.
#
#   bench/all.sh [SIZE_MIB]        (default 512)
#
# Exit status: the worst of the two (1 broke, 77 a comparison tool missing).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE=${1:-512}
worst=0
for b in seal upload; do
	echo "================ bench/$b.sh $SIZE"
	bash "$ROOT/bench/$b.sh" "$SIZE"
	rc=$?
	if [ "$rc" = 77 ]; then [ "$worst" = 0 ] && worst=77
	elif [ "$rc" != 0 ]; then worst=1; fi
done
exit "$worst"
