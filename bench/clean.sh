#!/usr/bin/env bash
# Cleaning: time per file of `sealdrop-open --clean-only` and of `mat2`
# (Debian package) on the same fixtures (tests/clean/make_fixtures.py, a
# canary in every metadata field), and how many distinct canaries each
# leaves (bytes, ZIP members, decompressed PDF objects, exiftool output:
# tests/clean/canary.py). Each tool runs REPEAT times per file, the best run
# is kept (it includes removing the previous output); one process per file
# for both tools, as a journalist would use them.
# Then --safe-pdf: seconds per page drawn by MuPDF (a PDF), and for an
# office document LibreOffice's start-up apart from its seconds per page
# (two documents of 1 and PAGES pages: the difference is per page, the rest
# start-up), and --ocr's seconds per page (tesseract, English and French).
# usage: bench/clean.sh [BUILD_DIR]   (default build/dev; REPEAT=5, PAGES=20)
# BENCH_SMOKE=1 (bench/smoke.sh, for CI): only the safe-PDF part, one run,
# 3 pages, no mat2; it checks that every safe PDF has the right page count
# and images only, and prints figures that mean nothing (never enforced).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${BENCH_BUILD:-$here/build/dev}}
open=$build/bin/sealdrop-open
py=${PYTHON3:-/usr/bin/python3}
smoke=${BENCH_SMOKE:-0}
repeat=${REPEAT:-5}
pages=${PAGES:-20}
[ "$smoke" = 1 ] && { repeat=1; pages=3; }
[ -x "$open" ] || { echo "build sealdrop-open first (cmake --build --preset dev)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

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

safe_pdf_bench() {
	local soffice n d1 d2 pp per start fail=0
	soffice=$(command -v soffice || true)
	mkdir -p "$work/sp"
	# Documents of 1 and $pages pages, one big word per page, as .docx and
	# (LibreOffice's own) .pdf.
	for n in 1 "$pages"; do
		"$py" - "$work/sp/p$n.fodt" "$n" <<'PY'
import sys
n = int(sys.argv[2])
body = "".join('<text:p text:style-name="P1">Page %d of the bench</text:p>' % (i + 1)
               for i in range(n))
open(sys.argv[1], "w").write(
    '<?xml version="1.0" encoding="UTF-8"?><office:document '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">'
    '<office:automatic-styles><style:style style:name="P1" style:family="paragraph">'
    '<style:paragraph-properties fo:break-before="page"/></style:style>'
    '</office:automatic-styles><office:body><office:text>' + body +
    '</office:text></office:body></office:document>')
PY
	done
	if [ -z "$soffice" ] || ! command -v pdfinfo >/dev/null; then
		echo "safe PDFs: LibreOffice or poppler-utils is not installed, not measured"
		return 0
	fi
	HOME=$work timeout 300 "$soffice" -env:UserInstallation="file://$work/lo" --headless \
		--convert-to docx --outdir "$work/sp" "$work/sp/p1.fodt" "$work/sp/p$pages.fodt" \
		>/dev/null 2>&1
	HOME=$work timeout 300 "$soffice" -env:UserInstallation="file://$work/lo" --headless \
		--convert-to pdf --outdir "$work/sp" "$work/sp/p$pages.fodt" >/dev/null 2>&1
	run() { # --safe-pdf or not, then a file
		rm -rf "$work/so"
		"$open" --quiet --clean-only --no-progress $1 --out "$work/so" "$2"
	}
	# The PDF: the time --safe-pdf adds (MuPDF draws, zlib compresses).
	d1=$(( $(best run --safe-pdf "$work/sp/p$pages.pdf") - $(best run "" "$work/sp/p$pages.pdf") ))
	per=$(awk -v d="$d1" -v n="$pages" 'BEGIN { printf "%.3f", d / n / 1e6 }')
	echo "safe PDF of a PDF ($pages pages): $per s per page (MuPDF, beside plain cleaning)"
	# Office: LibreOffice's start-up apart from its pages.
	d1=$(( $(best run --safe-pdf "$work/sp/p1.docx") - $(best run "" "$work/sp/p1.docx") ))
	d2=$(( $(best run --safe-pdf "$work/sp/p$pages.docx") - $(best run "" "$work/sp/p$pages.docx") ))
	per=$(awk -v a="$d1" -v b="$d2" -v n="$pages" 'BEGIN { printf "%.3f", (b - a) / (n - 1) / 1e6 }')
	start=$(awk -v a="$d1" -v b="$d2" -v n="$pages" \
		'BEGIN { p = (b - a) / (n - 1); printf "%.3f", (a - p) / 1e6 }')
	echo "safe PDF of a docx: LibreOffice's start-up $start s, then $per s per page" \
		"(LibreOffice and MuPDF)"
	if command -v tesseract >/dev/null && command -v mutool >/dev/null; then
		d1=$(( $(best run "--safe-pdf --ocr" "$work/sp/p$pages.pdf") - \
			$(best run --safe-pdf "$work/sp/p$pages.pdf") ))
		per=$(awk -v d="$d1" -v n="$pages" 'BEGIN { printf "%.3f", d / n / 1e6 }')
		echo "OCR (--ocr): $per s per page, beside the safe PDF alone"
	else
		echo "OCR: tesseract or mutool not installed, not measured"
	fi
	# Correctness (what the smoke mode is for): page counts, images only.
	for f in "p$pages.pdf" "p$pages.docx" p1.docx; do
		run --safe-pdf "$work/sp/$f" || true
		n=$pages; [ "$f" = p1.docx ] && n=1
		pp=$(pdfinfo "$work/so/$f.safe.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
		if [ "$pp" != "$n" ] || [ -n "$(pdffonts "$work/so/$f.safe.pdf" 2>/dev/null | tail -n +3)" ]
		then
			echo "FAIL: $f.safe.pdf: ${pp:-no} pages (not $n) or fonts"
			fail=1
		fi
	done
	[ "$smoke" = 1 ] && echo "  (smoke mode: $pages pages, one run, figures meaningless)"
	return "$fail"
}

if [ "$smoke" = 1 ]; then
	safe_pdf_bench
	exit $?
fi
command -v mat2 >/dev/null || { echo "mat2 is missing: contrib/install-deps.sh bench"; exit 1; }
"$py" "$here/tests/clean/make_fixtures.py" "$work/fx"

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

echo
safe_pdf_bench
