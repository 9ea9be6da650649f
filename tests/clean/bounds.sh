#!/usr/bin/env bash
# sealdrop-open holds under hostile inputs with many bad entries:
#  - a bundle of one good member then 100,000 refused members (bad names):
#    exactly OPENER_REFUSED_MAX (100) refusal lines, one "stopped reading
#    this input" line, the good member opened, exit 1;
#  - a bundle of one good member and 100,000 well-named members that fail
#    verification: 100 listed, the rest in one summary line with their
#    count and reason, the good member opened, exit 1;
#  - a spool directory with 150 junk entries: 100 refused, then stopped;
#  - memory: the peak RSS (getrusage of the child) of each bundle with
#    100,000 bad members exceeds the same bundle with 200 by less than
#    16 MiB (it was about 3 KiB per bad member: 280 MiB more here). 100,000
#    because the peak of a small run is the key's argon2id memory (64 MiB),
#    which growth must pass to show. Not checked in sanitizer builds, whose
#    allocator quarantine grows with every freed block whatever the
#    program keeps.
# usage: bounds.sh SEALDROP_OPEN SDSEAL VECTOR_DIR SANITIZED(0|1)
set -u
open=$1
seal=$2
vec=$3
sanitized=$4
py=${PYTHON3:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
key=(--key "$vec/key.key" --passphrase-file "$vec/key.pass")
A=0123456789abcdef0123456789abcdef

echo "the one good message" >"$work/m.txt"
"$seal" --recipient "$vec/key.pub" --kind message --ref "$A:1" "$work/m.txt" "$work/good.sdbox"
# BUNDLE KIND COUNT: the good member first, then COUNT bad ones.
mk() {
	"$py" - "$work/good.sdbox" "$1" "$2" "$3" "$A" <<'PY'
import io, sys, tarfile
good, out, kind, count, a = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
data = open(good, "rb").read()
with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
    ti = tarfile.TarInfo(a + "/" + "f" * 32 + ".sdbox"); ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
    for i in range(count):
        if kind == "refused":
            ti = tarfile.TarInfo("%s/notes-%05d.txt" % (a, i))
        else:
            ti = tarfile.TarInfo("%s/%032x.sdbox" % (a, i))
        t.addfile(ti, io.BytesIO(b""))
PY
}
# RUN OUT INPUT: status, stderr in $work/err, peak RSS in KiB in $work/rss
run() {
	"$py" - "$open" "$work/$1" "$2" "$work/err" "$work/rss" "$vec" <<'PY'
import os, sys
exe, out, inp, err, rss, vec = sys.argv[1:7]
pid = os.fork()
if pid == 0:
    fd = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    os.execv(exe, [exe, "--quiet", "--no-progress", "--key", vec + "/key.key",
                   "--passphrase-file", vec + "/key.pass", "--out", out, inp])
_, status, ru = os.wait4(pid, 0)
open(rss, "w").write("%d\n" % ru.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
PY
}
da_files() { find "$work/$1" -name '0001-message.txt' | wc -l; }

mk "$work/refused.tar" refused 100000
run o1 "$work/refused.tar"
rc=$?
rss_refused=$(cat "$work/rss")
n=$(grep -c "bundle member refused" "$work/err")
s=$(grep -c "refused.tar: stopped reading this input: more than 100 of its entries were refused" "$work/err")
if [ "$rc" = 1 ] && [ "$n" = 100 ] && [ "$s" = 1 ] && [ "$(da_files o1)" = 1 ] &&
	[ "$(wc -l <"$work/err")" = 102 ]; then ok
else ko "refused bundle: status $rc, $n refusals, $s stop lines: $(tail -n 3 "$work/err")"; fi
"$py" - "$work/o1/report.json" <<'PY' && ok || ko "refused bundle: report.json"
import json, sys
f = json.load(open(sys.argv[1]))["files"]
assert len(f) == 102, len(f)
assert sum(1 for e in f if e["status"] == "text") == 1
assert sum(1 for e in f if e["status"] == "failed" and "refused" in e["error"]) == 100
assert [e["status"] for e in f].count("stopped") == 1
PY

mk "$work/failed.tar" failed 100000
run o2 "$work/failed.tar"
rc=$?
rss_failed=$(cat "$work/rss")
n=$(grep -c "failed.tar:$A/.*: file is truncated" "$work/err")
if [ "$rc" = 1 ] && [ "$n" = 100 ] && [ "$(da_files o2)" = 1 ] &&
	grep -q "failed.tar: 99900 more files of this input failed and are not listed one by one: 99900: file is truncated$" "$work/err" &&
	grep -q "100000 of 100001 files failed" "$work/err"; then ok
else ko "failed bundle: status $rc, $n listed: $(tail -n 3 "$work/err")"; fi
"$py" - "$work/o2/report.json" <<'PY' && ok || ko "failed bundle: report.json"
import json, sys
f = json.load(open(sys.argv[1]))["files"]
assert len(f) == 102, len(f)
more = [e for e in f if e.get("count")]
assert len(more) == 1 and more[0]["count"] == 99900 and more[0]["status"] == "failed", more
PY

# A spool directory: 150 junk entries in a source directory.
sp=$work/spool
mkdir -p "$sp/$A"
cp "$work/good.sdbox" "$sp/$A/$(printf '%032x' 0).sdbox"
for i in $(seq 1 150); do : >"$sp/$A/junk-$i"; done
"$open" --quiet "${key[@]}" --out "$work/o3" "$sp" 2>"$work/err"
rc=$?
n=$(grep -c "not a spool item" "$work/err")
if [ "$rc" = 1 ] && [ "$n" = 100 ] && grep -q "spool: stopped reading this input" "$work/err"
then ok; else ko "junk spool: status $rc, $n refusals: $(tail -n 2 "$work/err")"; fi

if [ "$sanitized" = 1 ]; then
	echo "memory bound not checked in a sanitizer build"
else
	mk "$work/refused-small.tar" refused 200
	run o4 "$work/refused-small.tar"
	small=$(cat "$work/rss")
	[ $((rss_refused - small)) -lt 16384 ] && ok ||
		ko "refused members cost memory: peak RSS $small KiB for 200, $rss_refused KiB for 100,000"
	mk "$work/failed-small.tar" failed 200
	run o5 "$work/failed-small.tar"
	small=$(cat "$work/rss")
	[ $((rss_failed - small)) -lt 16384 ] && ok ||
		ko "failed members cost memory: peak RSS $small KiB for 200, $rss_failed KiB for 100,000"
fi

[ -n "${VERBOSE:-}" ] && echo "peak RSS: refused $rss_refused KiB, failed $rss_failed KiB"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
