#!/usr/bin/env bash
# Cleaned office documents still open: LibreOffice converts every cleaned
# docx, xlsx, pptx, odt, ods and odp fixture to PDF (one soffice run, a
# private profile), and each PDF passes qpdf --check. Then LibreOffice's own
# OOXML (converted from the ODF fixtures) is cleaned: canaries before, none
# after. Skipped (exit 77) when
# LibreOffice is not installed: it is not in contrib/install-deps.sh (about
# 300 MB); install libreoffice-writer-nogui, -calc-nogui and -impress-nogui
# to run it.
# usage: office_convert.sh SEALDROP_OPEN
set -u
open=$1
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-/usr/bin/python3}
soffice=$(command -v soffice || command -v libreoffice || true)
[ -n "$soffice" ] || { echo "LibreOffice not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$py" "$here/make_fixtures.py" "$work/fx" >/dev/null || { echo "FAIL: fixtures"; exit 1; }
docs="report.docx sheet.xlsx slides.pptx text.odt calc.ods show.odp"
args=()
for d in $docs; do args+=("$work/fx/$d"); done
"$open" --quiet --clean-only --out "$work/clean" "${args[@]}" || { echo "FAIL: cleaning"; exit 1; }
files=()
for d in $docs; do files+=("$work/clean/$d"); done
HOME=$work timeout 300 "$soffice" -env:UserInstallation="file://$work/profile" --headless \
	--convert-to pdf --outdir "$work/pdf" "${files[@]}" >"$work/lo.log" 2>&1
pass=0
fail=0
for d in $docs; do
	pdf=$work/pdf/${d%.*}.pdf
	if [ -s "$pdf" ] && qpdf --check "$pdf" >/dev/null 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $d: cleaned file did not convert to a valid PDF"
	fi
done
# Real OOXML written by LibreOffice itself from the ODF fixtures (their
# canaries carried into core/custom properties and comments): the canaries
# must be there before cleaning (control) and gone after.
lo() { HOME=$work timeout 300 "$soffice" -env:UserInstallation="file://$work/profile" \
	--headless "$@" >>"$work/lo.log" 2>&1; }
lo --convert-to docx --outdir "$work/lo" "$work/fx/text.odt"
lo --convert-to xlsx --outdir "$work/lo" "$work/fx/calc.ods"
lo --convert-to pptx --outdir "$work/lo" "$work/fx/show.odp"
"$open" --quiet --clean-only --out "$work/lo-clean" "$work/lo/text.docx" "$work/lo/calc.xlsx" \
	"$work/lo/show.pptx" || { fail=$((fail + 1)); echo "FAIL: cleaning LibreOffice's OOXML"; }
for d in text.docx calc.xlsx show.pptx; do
	if "$py" - "$here" "$work/lo/$d" "$work/lo-clean/$d" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import canary
before, after = canary.count(sys.argv[2]), canary.count(sys.argv[3])
if before == 0 or after != 0:
    print("FAIL: %s: %d canaries before cleaning, %d after" % (sys.argv[2], before, after))
    sys.exit(1)
PY
	then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
[ "$fail" = 0 ] || cat "$work/lo.log"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
