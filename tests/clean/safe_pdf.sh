#!/usr/bin/env bash
# --safe-pdf (docs/opener.md): a 3-page PDF with canaries in invisible text,
# a JavaScript open action, an annotation and the document information, and
# a JPEG with GPS, become PDFs of page images only: the same page count, one
# image per page, no font, no text (pdftotext reads nothing, so no canary),
# no JavaScript, no document information; a 600-page PDF is stopped by the
# page limit and reported, its cleaned copy kept. An e-mail's text body
# (from the original: none is cleaned) is drawn, no header. Skipped (77) without
# poppler-utils.
# usage: safe_pdf.sh SEALDROP_OPEN
set -u
open=$1
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-/usr/bin/python3}
for t in pdfinfo pdffonts pdfimages pdftotext exiftool; do
	command -v "$t" >/dev/null || { echo "$t not installed: skipped"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
"$py" "$here/safe_pdf.py" "$work/in" || { echo "FAIL: fixtures"; exit 1; }
[ "$(pdftotext "$work/in/doc.pdf" - | grep -c SDCANARY)" -ge 1 ] && ok ||
	bad "control: the fixture's text has no canary"
timeout 600 "$open" --quiet --clean-only --safe-pdf --out "$work/out" \
	"$work/in/doc.pdf" "$work/in/photo.jpg" "$work/in/many.pdf"
. "$here/safe_pdf_lib.sh"
check "$work/out/doc.pdf.safe.pdf" 3
check "$work/out/photo.jpg.safe.pdf" 1
exiftool -q -q -GPSLatitude "$work/out/photo.jpg.safe.pdf" | grep -q . &&
	bad "photo.jpg.safe.pdf: GPS" || ok
[ ! -e "$work/out/many.pdf.safe.pdf" ] && ok || bad "many.pdf: a safe PDF over the page limit"
[ -s "$work/out/many.pdf" ] && ok || bad "many.pdf: its cleaned copy was not kept"
"$py" - "$work/out/report.json" <<'PY' && ok || bad "report.json: safe PDFs not reported"
import json, sys
files = {f["input"].rsplit("/", 1)[-1]: f for f in json.load(open(sys.argv[1]))["files"]}
assert files["doc.pdf"]["pdf"] == "doc.pdf.safe.pdf", files["doc.pdf"]
assert files["photo.jpg"]["pdf"] == "photo.jpg.safe.pdf"
assert "pdf" not in files["many.pdf"]
assert "more than the 500" in files["many.pdf"]["pdf_error"][0], files["many.pdf"]
PY
grep -q "no safe PDF: the document has 600 pages" "$work/out/report.txt" && ok ||
	bad "report.txt: the page limit not named"
# An e-mail (never cleaned: kept in uncleaned/): its text body drawn from
# the original, attachments listed by name, no header; the page's pixels,
# read back by tesseract when installed, hold the body and no canary.
cat >"$work/in/mail.eml" <<'EML'
From: Alice <SDCANARYfrom@example.org>
To: Bob <SDCANARYto@example.org>
Subject: SDCANARYsubject
Date: Mon, 1 Dec 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: multipart/alternative; boundary="b2"

--b2
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Harbour lantern meadow, caf=E9.
--b2
Content-Type: text/html; charset=utf-8

<p>SDCANARYhtml</p>
--b2--
--b1
Content-Type: application/pdf
Content-Disposition: attachment; filename="minutes.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b1--
EML
timeout 300 "$open" --quiet --clean-only --safe-pdf --out "$work/mail" "$work/in/mail.eml"
check "$work/mail/mail.eml.safe.pdf" 1
[ -s "$work/mail/uncleaned/mail.eml.uncleaned" ] && ok || bad "mail.eml: original not kept apart"
grep -q "safe PDF: e-mail: its text body drawn from the uncleaned original" \
	"$work/mail/report.txt" && ok || bad "mail.eml: report.txt does not say where it came from"
if command -v tesseract >/dev/null; then
	pdfimages -png "$work/mail/mail.eml.safe.pdf" "$work/mail/page"
	tesseract "$work/mail/page-000.png" "$work/mail/ocr" -l eng >/dev/null 2>&1
	grep -q "Harbour lantern meadow" "$work/mail/ocr.txt" && ok ||
		bad "mail.eml: the body is not on the page: $(cat "$work/mail/ocr.txt")"
	grep -q "minutes.pdf" "$work/mail/ocr.txt" && ok || bad "mail.eml: the attachment not listed"
	grep -q -i "SDCANARY\|example.org" "$work/mail/ocr.txt" && bad "mail.eml: a header drawn" || ok
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
