#!/usr/bin/env bash
# Cleaning: time per file of `sealdrop-open --clean-only` and of `mat2`
# (Debian package) on the same fixtures (tests/clean/make_fixtures.py, a
# canary in every metadata field), and how many distinct canaries each
# leaves (bytes, ZIP members, decompressed PDF objects, exiftool output:
# tests/clean/canary.py). Each tool runs REPEAT times per file, the best run
# is kept (it includes removing the previous output); one process per file
# for both tools, as a journalist would use them.
# usage: bench/clean.sh [BUILD_DIR]   (default build/dev; REPEAT=5)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/dev}
open=$build/bin/sealdrop-open
py=${PYTHON3:-/usr/bin/python3}
repeat=${REPEAT:-5}
command -v mat2 >/dev/null || { echo "mat2 is missing: contrib/install-deps.sh bench"; exit 1; }
[ -x "$open" ] || { echo "build sealdrop-open first (cmake --build --preset dev)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$py" "$here/tests/clean/make_fixtures.py" "$work/fx"

best() { # best wall time in ms of REPEAT runs of "$@"
	local b=999999 t0 t1 ms
	for _ in $(seq "$repeat"); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		ms=$(( (t1 - t0) / 1000 ))
		[ "$ms" -lt "$b" ] && b=$ms
	done
	echo "$b"
}

count() { "$py" -c "import sys; sys.path.insert(0, '$here/tests/clean'); import canary; print(canary.count(sys.argv[1]))" "$1"; }

printf '%-20s %8s %12s %12s %9s %12s %12s\n' file canaries "sd µs/file" "sd left" \
	"mat2 µs" "mat2 left" "speed-up"
tsd=0; tm=0; lsd=0; lm=0; n=0
for f in photo.jpg image.png anim.gif image.webp scan.tiff document.pdf report.docx \
	sheet.xlsx slides.pptx text.odt calc.ods show.odp archive.zip bundle.tar song.mp3 \
	track.flac voice.opus sound.wav sound.aiff video.mp4 drawing.svg page.html; do
	[ -f "$work/fx/$f" ] || continue
	src=$work/fx/$f
	before=$(count "$src")
	# sealdrop-open --clean-only
	run_sd() { rm -rf "$work/o"; "$open" --quiet --clean-only --no-progress --out "$work/o" "$src"; }
	t_sd=$(best run_sd)
	rm -rf "$work/o"; "$open" --quiet --clean-only --no-progress --out "$work/o" "$src" || true
	out=$work/o/$f; [ -f "$out" ] || out=$work/o/uncleaned/$f
	left_sd=$(count "$out")
	# mat2 writes NAME.cleaned.EXT next to its input
	mkdir -p "$work/m"; cp "$src" "$work/m/$f"
	run_m() { rm -f "$work/m/"*.cleaned.*; mat2 "$work/m/$f"; }
	t_m=$(best run_m)
	rm -f "$work/m/"*.cleaned.*; mat2 "$work/m/$f" >/dev/null 2>&1 || true
	mc=$(ls "$work/m/"*.cleaned.* 2>/dev/null | head -n1 || true)
	if [ -n "$mc" ]; then left_m=$(count "$mc"); else left_m="failed"; fi
	rm -rf "$work/m"
	printf '%-20s %8s %12s %12s %9s %12s %11sx\n' "$f" "$before" "$t_sd" "$left_sd" "$t_m" \
		"$left_m" "$(( t_m / (t_sd > 0 ? t_sd : 1) ))"
	tsd=$((tsd + t_sd)); tm=$((tm + t_m)); n=$((n + 1)); lsd=$((lsd + left_sd))
	[ "$left_m" != failed ] && lm=$((lm + left_m))
done
echo "mean per file: sealdrop-open $((tsd / n)) µs, mat2 $((tm / n)) µs;" \
	"canaries left: sealdrop-open $lsd, mat2 $lm (of all fixtures above)"

# Large video: peak memory of the cleaner (the largest process, GNU time's
# maximum resident set, which counts the cleaning child) on sparse MP4s of
# growing size (tests/clean/big_mp4.py). Streamed, it must not grow with the
# file. mat2 is not run on these.
if [ -x /usr/bin/time ]; then
	printf '\n%-20s %12s %14s\n' "MP4 size" "status" "peak memory"
	for mib in 256 1024 2048; do
		"$py" "$here/tests/clean/big_mp4.py" "$work/big.mp4" "$mib"
		rm -rf "$work/o"
		kib=$(/usr/bin/time -f %M "$open" --quiet --clean-only --no-progress \
			--out "$work/o" "$work/big.mp4" 2>&1 >/dev/null | tail -n1)
		st=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"][0]["status"])' \
			"$work/o/report.json")
		printf '%-20s %12s %11s MiB\n' "$mib MiB" "$st" "$((kib / 1024))"
		rm -rf "$work/o" "$work/big.mp4"
	done
fi
