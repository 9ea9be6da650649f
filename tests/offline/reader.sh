#!/usr/bin/env bash
# The offline reader in a real browser (CTest offline.reader): opens a spool
# of two sources with the real sealdrop-open (a hostile message of HTML,
# bidi overrides and 1 MB of text, a reply, a cleaned photo, an uncleaned
# file, an item that fails), then reader.mjs walks DIR/index.html in
# Debian's headless chromium with JavaScript off (file:// only): every page,
# screenshots in BUILD_DIR/reader-shots/, links, no script, text as text.
# Missing chromium or node fails; node_modules come from tests/browser
# (npm ci from its lock file when missing, as tests/browser/browser.sh does).
# usage: reader.sh BUILD_DIR SOURCE_DIR
set -u
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
open=$build/bin/sealdrop-open
seal=$build/bin/sdseal
vec=$src/tests/vectors
chromium=${SD_CHROMIUM:-/usr/bin/chromium}
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$open" ] && [ -x "$seal" ] || fail "sealdrop-open or sdseal not built"
[ -x "$chromium" ] || fail "$chromium missing: install chromium (contrib/install-deps.sh)"
command -v node >/dev/null || fail "node missing (contrib/install-deps.sh)"
pw=$src/tests/browser/node_modules/playwright-core
if [ ! -f "$pw/package.json" ]; then
	command -v npm >/dev/null || fail "npm missing (contrib/install-deps.sh)"
	(cd "$src/tests/browser" && npm ci --no-audit --no-fund) || fail "npm ci failed"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shots=$build/reader-shots
rm -rf "$shots" && mkdir -p "$shots"

A=0123456789abcdef0123456789abcdef
B=fedcba9876543210fedcba9876543210
"${PYTHON3:-/usr/bin/python3}" - "$work" <<'PY' || fail "fixtures"
import sys
from PIL import Image
w = sys.argv[1]
Image.new("RGB", (64, 48), (10, 120, 200)).save(w + "/photo.jpg")
open(w + "/blob.bin", "wb").write(bytes(range(256)) * 4)
h = ('SDHOSTILE <script>alert("SDHOSTILE")</script><img src=x onerror=alert(1)>\n'
     '\u202eevil.exe\u202c and \u2067isolate\u2069 and a bell \x07 and \x1b[31m\n')
line = "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod\n"
open(w + "/hostile.txt", "w").write(h + line * (1000000 // len(line) + 1))
open(w + "/m2.txt", "w").write("Merci, nous lisons vos documents.\n")
open(w + "/m3.txt", "w").write("A second source writes.\n")
PY
sp=$work/spool
mkdir -p "$sp/$A" "$sp/$B"
s() { "$seal" --recipient "$vec/key.pub" "$@"; }
s --kind message --ref "$A:1" --time 1764590400 "$work/hostile.txt" "$sp/$A/$(printf '1%.0s' $(seq 32)).sdbox"
s --kind file --name "photo de l'été.jpg" --ref "$A:2" --time 1764590400 "$work/photo.jpg" "$sp/$A/$(printf '2%.0s' $(seq 32)).sdbox"
s --kind file --name "blob #1?.bin" --ref "$A:3" --time 1764590400 "$work/blob.bin" "$sp/$A/$(printf '3%.0s' $(seq 32)).sdbox"
s --kind reply --ref "$A:4" --time 1764594000 "$work/m2.txt" "$sp/$A/$(printf '4%.0s' $(seq 32)).sdbox"
s --kind message --ref "$B:1" --time 1764000000 "$work/m3.txt" "$sp/$B/$(printf '5%.0s' $(seq 32)).sdbox"
s --kind message --ref "$B:2" "$work/m3.txt" "$work/cut.sdbox"
head -c 700 "$work/cut.sdbox" >"$sp/$B/$(printf '6%.0s' $(seq 32)).sdbox"
"$open" --quiet --no-progress --key "$vec/key.key" --passphrase-file "$vec/key.pass" \
	--out "$work/out" "$sp" 2>"$work/err"
grep -q "file is truncated" "$work/err" || fail "sealdrop-open: $(cat "$work/err")"
[ -f "$work/out/index.html" ] || fail "no index.html"
READER_DIR=$work/out SHOTS=$shots PLAYWRIGHT_CORE=$pw/index.mjs CHROMIUM=$chromium \
	timeout 300 node "$src/tests/offline/reader.mjs"
