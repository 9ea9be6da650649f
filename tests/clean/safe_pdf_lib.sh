# Shared by safe_pdf.sh and safe_pdf_office.sh (sourced): pages FILE, and
# check SAFE_PDF PAGES: the PDF has PAGES pages, one image each, no font,
# no text, no JavaScript, no document information and nothing of an
# original's structure (canary, /Info, /Metadata, /Producer, /JS, /Annots).
# The caller defines ok and bad.
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }
check() { # SAFE_PDF PAGES
	local f=$1 n=$2 imgs
	[ -s "$f" ] || { bad "$f: not written"; return; }
	[ "$(pages "$f")" = "$n" ] && ok || bad "$f: $(pages "$f") pages, not $n"
	imgs=$(pdfimages -list "$f" 2>/dev/null | tail -n +3 | awk '$3 == "image"' | wc -l)
	[ "$imgs" = "$n" ] && ok || bad "$f: $imgs images for $n pages"
	[ "$(pdffonts "$f" 2>/dev/null | tail -n +3 | wc -l)" = 0 ] && ok || bad "$f: has fonts"
	[ -z "$(pdftotext "$f" - 2>/dev/null | tr -d ' \n\f')" ] && ok || bad "$f: has text"
	pdfinfo "$f" | grep -q '^JavaScript: *no' && ok || bad "$f: JavaScript"
	pdfinfo "$f" | grep -q -E '^(Producer|Creator|Author|Title):' &&
		bad "$f: document information" || ok
	! grep -a -q -E 'SDCANARY|/Info|/Metadata|/Producer|/JS|/Annots' "$f" && ok ||
		bad "$f: structure from the original"
}
