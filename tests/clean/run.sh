#!/usr/bin/env bash
# Cleaning, end to end through the real sealdrop-open --clean-only:
#  1. fixtures with canaries (make_fixtures.py), cleaned, checked (check.py);
#  1b. no report calls "cleaned" a file that still holds a canary (honest.py);
#  2. a cleaner that crashes (test-only hook) marks only its file "could not
#     clean", the run goes on and the other files are cleaned;
#  3. a cleaner that hangs is killed at the wall-clock limit, same outcome;
#  3b. inside the cleaner, open() fails with EPERM and socket() kills it
#     (test-only probe), so the seccomp filter is really loaded;
#  4. a run that refuses nothing exits 0; a run with a failure exits 1;
#  4b. a file kept uncleaned is named <safe name>.uncleaned, never with the
#     source's extension last (launch.desktop -> launch.desktop.uncleaned);
#  4c. a cleaned file named with an extension a desktop would run (.desktop,
#      .sh, .js, .jar) gets the extension of its detected type appended;
#  5. a progress bar on a terminal for 20 files or more, none otherwise.
# usage: run.sh SEALDROP_OPEN
set -u
open=$1
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

"$py" "$here/make_fixtures.py" "$work/fx" || { echo "FAIL: fixtures"; exit 1; }
mapfile -t files < <(find "$work/fx" -type f ! -name manifest.json | sort)

# 1. every fixture
if "$open" --quiet --clean-only --out "$work/out" "${files[@]}" 2>"$work/err"; then
	ko "a run with hostile fixtures exited 0"
else
	ok
fi
for f in truncated.jpg malformed.pdf bomb.zip traversal.zip symlink.zip nested.zip; do
	grep -q "$f: could not clean: ." "$work/err" && ok || ko "no clear stderr line for $f"
done
if "$py" "$here/check.py" "$work/fx" "$work/out"; then ok; else ko "check.py"; fi
# 1b. no report says "cleaned" for a file still holding a canary (plain,
# UTF-16, PDF hex), text and JSON reports and their summaries agree
if "$py" "$here/honest.py" "$work/fx" "$work/out"; then ok; else ko "honest.py"; fi

# 2. a crashing cleaner
SEALDROP_TEST_CLEAN_CRASH=image/png "$open" --quiet --clean-only --out "$work/crash" \
	"$work/fx/image.png" "$work/fx/photo.jpg" 2>"$work/err"
"$py" - "$work/crash/report.json" <<'PY' && ok || ko "crash: $(cat "$work/err")"
import json, sys
r = {e["input"].rsplit("/", 1)[1]: e for e in json.load(open(sys.argv[1]))["files"]}
assert r["image.png"]["status"] == "could not clean", r["image.png"]
assert "cleaner" in r["image.png"]["error"], r["image.png"]
assert r["image.png"]["output"] == "uncleaned/image.png.uncleaned"
assert r["photo.jpg"]["status"] == "cleaned", r["photo.jpg"]
PY

# 3. a hanging cleaner, killed after 1.5 s instead of the default 120 s
SEALDROP_TEST_CLEAN_HANG=image/png SEALDROP_TEST_CLEAN_TIMEOUT_MS=1500 \
	"$open" --quiet --clean-only --out "$work/hang" "$work/fx/image.png" \
	"$work/fx/photo.jpg" 2>"$work/err"
if grep -q "image.png: could not clean: the cleaner did not finish in time" "$work/err" &&
	[ -f "$work/hang/photo.jpg" ]; then ok; else ko "hang: $(cat "$work/err")"; fi

# 3b. the sandbox really is in force: opening a file is refused, a socket kills
SEALDROP_TEST_CLEAN_PROBE=open "$open" --clean-only --out "$work/probe" "$work/fx/notes.txt" \
	>"$work/probe.txt" 2>&1
if grep -q "sandbox probe: open refused (EPERM)" "$work/probe.txt"; then ok
else ko "probe: open was not refused: $(cat "$work/probe.txt")"; fi
SEALDROP_TEST_CLEAN_PROBE=socket "$open" --clean-only --out "$work/probe2" "$work/fx/notes.txt" \
	>"$work/probe2.txt" 2>&1
if grep -q "notes.txt: could not clean: the cleaner crashed (signal 31)" "$work/probe2.txt"; then ok
else ko "probe: a socket did not kill the cleaner: $(cat "$work/probe2.txt")"; fi

# 4. all good: exit 0, and an empty --out for a run where nothing is written
if "$open" --quiet --clean-only --out "$work/good" "$work/fx/photo.jpg" "$work/fx/notes.txt" \
	"$work/fx/blob.bin"; then ok; else ko "a run of supported and unsupported files exited non-zero"; fi
if "$open" --quiet --clean-only --out "$work/none" "$work/does-not-exist" 2>/dev/null ||
	[ -n "$(ls -A "$work/none")" ]; then ko "a run of a missing file: exit 0 or output left"; else ok; fi

# 4b. an uncleaned file never keeps the extension the source chose as its
# last one: a blob named like a desktop launcher lands as .uncleaned
mkdir -p "$work/ext"
cp "$work/fx/blob.bin" "$work/ext/launch.desktop"
"$open" --quiet --clean-only --out "$work/extout" "$work/ext/launch.desktop" 2>"$work/err"
if [ -f "$work/extout/uncleaned/launch.desktop.uncleaned" ] &&
	[ -z "$(find "$work/extout" -name '*.desktop')" ]; then ok
else ko "uncleaned name: $(cd "$work/extout" && find . -type f | tr '\n' ' ')"; fi

# 4c. a cleaned file whose extension is one a desktop would run or read as
# something else gets the extension of what it is: text named run.desktop,
# x.sh, x.js; a ZIP named app.jar; a name without extension. Names that fit
# stay (notes.txt, photo.JPEG).
mkdir -p "$work/runext"
printf '[Desktop Entry]\nType=Application\nExec=xmessage hi\n' >"$work/runext/run.desktop"
printf 'echo hi\n' >"$work/runext/x.sh"
printf 'alert(1)\n' >"$work/runext/x.js"
printf 'no extension\n' >"$work/runext/README"
printf 'notes\n' >"$work/runext/notes.txt"
cp "$work/fx/archive.zip" "$work/runext/app.jar"
cp "$work/fx/photo.jpg" "$work/runext/photo.JPEG"
"$open" --quiet --clean-only --out "$work/runout" "$work"/runext/* 2>"$work/err"
got=$(cd "$work/runout" && ls | grep -v '^report' | sort | tr '\n' ' ')
want="README.txt app.jar.zip notes.txt photo.JPEG run.desktop.txt x.js.txt x.sh.txt "
if [ "$got" = "$want" ] && grep -q '"renamed"' "$work/runout/report.json"; then ok
else ko "extensions of cleaned files: got '$got', want '$want'"; fi

# 5. the progress bar: on a terminal (script(1) provides one) for 20 files
# or more, never when stderr is not a terminal
if command -v script >/dev/null; then
	mkdir -p "$work/many"
	for i in $(seq 1 21); do echo "note $i" >"$work/many/n$i.txt"; done
	script -qec "'$open' --quiet --clean-only --out '$work/pb' $work/many/*.txt" /dev/null \
		>"$work/pb.txt" 2>&1
	"$open" --quiet --clean-only --out "$work/pb2" "$work"/many/*.txt 2>"$work/pb2.txt"
	if grep -q "cleaning \[#*\] 21/21" "$work/pb.txt" && [ ! -s "$work/pb2.txt" ]; then ok
	else ko "progress bar: $(tr '\r' '\n' <"$work/pb.txt" | tail -n 2)"; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
