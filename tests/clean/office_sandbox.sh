#!/usr/bin/env bash
# LibreOffice's sandbox (clean/clean_office_pdf.c) sees nothing of the
# machine but its system folders: a stand-in for LibreOffice (as a document
# that took it over would) tries to connect to a named socket that a
# process of the journalist listens on outside /tmp (as the session's
# D-Bus, ssh-agent or gpg-agent sockets in /run/user are: landlock does not
# confine connecting to a named socket) and to read a file beside it. In
# its private root neither is there: nothing connects, and the stand-in,
# having found neither, writes a one-page PDF that becomes the safe PDF
# (so the test also shows that it ran); it also finds /usr and /etc
# mounted read-only (were landlock missing), a profile that turns macros
# off, and that it holds no capability (sealdrop-open run as root would
# otherwise have handed root's on: module loading, device nodes). A second stand-in starts helpers
# in a session of their own (setsid, one forked again), out of the
# process group that is killed, and exits: none of them outlives
# sealdrop-open (PID namespace); nor does the program itself when it
# leaves the group and drops its parent-death signal. A third leaves a tree 200 folders deep and
# 3000 files in its work folder, and takes the modes of two folders away:
# the folder is removed all the same. A fourth writes until it cannot: it fills
# its own bounded /tmp (a tmpfs), never the machine's TMPDIR, and the report
# says so.
# Its PDF must be a regular file in its own output folder: a FIFO (which
# made sealdrop-open wait for ever) and a symlink to a folder outside are
# refused. Without namespaces (not root, no
# user namespaces) the report must say that the sockets were reachable;
# the rest is then skipped (77). Fast: no LibreOffice is run.
# usage: office_sockets.sh SEALDROP_OPEN
set -u
open=$1
py=/usr/bin/python3
[ -x "$py" ] || { echo "python3 not installed: skipped"; exit 77; }
# Not under /tmp (which the sandbox always hid): beside the build.
work=$(mktemp -d -p "$PWD" sock.XXXXXX)
lpid=
trap '[ -n "$lpid" ] && kill "$lpid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir "$work/tmp" "$work/in" "$work/fake"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
printf '{\\rtf1\\ansi hello}\n' >"$work/in/letter.rtf"
printf 'SDCANARYsecret\n' >"$work/secret"
cat >"$work/fake/soffice" <<PY
#!/usr/bin/python3
import socket
seen = []
try:
    s = socket.socket(socket.AF_UNIX)
    s.connect("$work/agent")
    seen.append("socket")
except OSError:
    pass
try:
    open("$work/secret").read()
    seen.append("file")
except OSError:
    pass
# no capability, even when sealdrop-open runs as root
for line in open("/proc/self/status"):
    if line.split(":")[0] in ("CapEff", "CapPrm", "CapBnd", "CapAmb") and int(line.split()[1], 16):
        seen.append(line.split(":")[0])
# LibreOffice's new profile turns macros off
try:
    if "DisableMacrosExecution" not in open("/tmp/work/profile/user/registrymodifications.xcu").read():
        seen.append("macros on")
except OSError:
    seen.append("no profile settings")
# the system folders are bound read-only (for a kernel without landlock)
for line in open("/proc/self/mountinfo"):
    f = line.split()
    if f[4] in ("/usr", "/etc") and "ro" not in f[5].split(","):
        seen.append("writable " + f[4])
if not seen:
    open("/tmp/work/out/document.pdf", "w").write(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        "trailer<</Root 1 0 R>>\n%%EOF\n")
PY
chmod +x "$work/fake/soffice"
# The journalist's "agent": it notes any connection (at most 120 s).
"$py" - "$work/agent" "$work/accepted" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
s.settimeout(120)
try:
    s.accept()
    open(sys.argv[2], "w").write("connected\n")
except OSError:
    pass
PY
lpid=$!
for _ in $(seq 100); do [ -S "$work/agent" ] && break; sleep 0.1; done
[ -S "$work/agent" ] || { echo "FAIL: the listener did not start"; exit 1; }

TMPDIR=$work/tmp SEALDROP_TEST_OFFICE_PROGRAM=$work/fake/soffice timeout 300 "$open" --quiet \
	--clean-only --safe-pdf --out "$work/out" "$work/in/letter.rtf"
rep=$work/out/report.txt
if grep -q "without a network namespace" "$rep"; then
	grep -q "could connect to this machine's named sockets" "$rep" && ok ||
		bad "no namespaces, and the report does not say the sockets were reachable: $(cat "$rep")"
	echo "$pass passed, $fail failed (no namespaces here: the rest skipped)"
	[ "$fail" = 0 ] && exit 77
	exit 1
fi
[ ! -e "$work/accepted" ] && ok || bad "the sandbox connected to a socket outside it"
[ -s "$work/out/letter.rtf.safe.pdf" ] && ok ||
	bad "the stand-in found a socket, a file, a writable system folder, macros on or a capability, or did not run: $(grep 'safe PDF' "$rep")"
[ -z "$(ls -A "$work/tmp")" ] && ok || bad "a work folder was left: $(ls "$work/tmp")"

# A tree deeper than any remover's bound, and many files, left in the work
# folder: it is removed all the same (a document that took LibreOffice
# over must not leave anything on the journalist's disk).
cat >"$work/fake/litter" <<'PY'
#!/usr/bin/python3
import os
os.chdir("/tmp/work/tmp")
for i in range(200):
    os.mkdir("d")
    os.chdir("d")
    open("f", "w").write("SDCANARY litter\n")
for i in range(3000):
    open("/tmp/work/home/f%d" % i, "w").close()
os.chmod("/tmp/work/home", 0o500)
os.mkdir("/tmp/work/locked")
open("/tmp/work/locked/f", "w").close()
os.chmod("/tmp/work/locked", 0)
PY
chmod +x "$work/fake/litter"
TMPDIR=$work/tmp SEALDROP_TEST_OFFICE_PROGRAM=$work/fake/litter timeout 300 "$open" --quiet \
	--clean-only --safe-pdf --out "$work/out3" "$work/in/letter.rtf"
[ -z "$(ls -A "$work/tmp")" ] && ok || {
	bad "a work folder with a deep tree was left: $(ls "$work/tmp")"
	chmod -R u+rwx "$work/tmp"
}

# What crosses back is only a regular file in the real output folder: a
# FIFO in its place is refused (it would have no writer: sealdrop-open
# waited for ever), and so is an output folder replaced by a symlink to a
# folder of the journalist's that holds a document.pdf (its pages would
# have become the safe PDF).
mkdir "$work/decoy"
printf '%s\n' '%PDF-1.4' '1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj' \
	'2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj' \
	'3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj' \
	'trailer<</Root 1 0 R>>' '%%EOF' >"$work/decoy/document.pdf"
printf '#!/bin/sh\nmkfifo /tmp/work/out/document.pdf\n' >"$work/fake/fifo"
printf '#!/bin/sh\nrmdir /tmp/work/out && ln -s %s /tmp/work/out\n' "$work/decoy" \
	>"$work/fake/link"
chmod +x "$work/fake/fifo" "$work/fake/link"
TMPDIR=$work/tmp SEALDROP_TEST_OFFICE_PROGRAM=$work/fake/fifo timeout 120 "$open" --quiet \
	--clean-only --safe-pdf --out "$work/out4" "$work/in/letter.rtf"
grep -q "safe PDF: no safe PDF: LibreOffice's output is not a regular file" "$work/out4/report.txt" &&
	ok || bad "a FIFO as the PDF: $(cat "$work/out4/report.txt" 2>&1)"
TMPDIR=$work/tmp SEALDROP_TEST_OFFICE_PROGRAM=$work/fake/link timeout 120 "$open" --quiet \
	--clean-only --safe-pdf --out "$work/out5" "$work/in/letter.rtf"
[ ! -e "$work/out5/letter.rtf.safe.pdf" ] &&
	grep -q "safe PDF: no safe PDF: LibreOffice replaced its output folder" "$work/out5/report.txt" &&
	ok || bad "a symlinked output folder was followed: $(grep 'safe PDF' "$work/out5/report.txt")"
[ -z "$(ls -A "$work/tmp")" ] && ok || bad "a work folder was left: $(ls "$work/tmp")"

# Helpers that leave the process group: marked by a unique sleep time.
mark=$((700000 + $$ % 100000))
printf '#!/bin/sh
setsid sh -c "sleep %s & exec sleep %s" &
sleep 1
exit 0
' "$mark" "$mark" \
	>"$work/fake/escape"
chmod +x "$work/fake/escape"
TMPDIR=$work/tmp SEALDROP_TEST_OFFICE_PROGRAM=$work/fake/escape timeout 300 "$open" --quiet \
	--clean-only --safe-pdf --out "$work/out2" "$work/in/letter.rtf"
left=$(ps -eo pid=,args= | awk -v m="$mark" 'index($0, "sleep " m) && !/awk/ { print $1 }')
[ -z "$left" ] && ok || { bad "helpers outside the process group outlived it: $left"; kill -9 $left; }
# The program itself leaves the group and drops its parent-death signal,
# then never ends: stopped at the time limit, with its helper.
mark=$((mark + 1))
cat >"$work/fake/leave" <<PY
#!/usr/bin/python3
import ctypes, os
try:
    os.setsid()  # refused when it already leads its group
except OSError:
    pass
ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)  # PR_SET_PDEATHSIG: none
if os.fork() == 0:
    os.execv("/bin/sleep", ["sleep", "$mark"])
os.execv("/bin/sleep", ["sleep", "$mark"])
PY
chmod +x "$work/fake/leave"
TMPDIR=$work/tmp SEALDROP_TEST_OFFICE_PROGRAM=$work/fake/leave timeout 300 "$open" --quiet \
	--clean-only --safe-pdf --office-timeout 2 --out "$work/out6" "$work/in/letter.rtf"
grep -q "within its time limit (2 s) and was stopped" "$work/out6/report.txt" && ok ||
	bad "a program out of its group: not stopped: $(grep 'safe PDF' "$work/out6/report.txt")"
left=$(ps -eo pid=,args= | awk -v m="$mark" 'index($0, "sleep " m) && !/awk/ { print $1 }')
[ -z "$left" ] && ok || { bad "a program out of its group outlived it: $left"; kill -9 $left; }

# A stand-in that writes until it cannot (64 MiB files, each under the
# per-file limit, at most 1088 MiB: a little over the sandbox's 1024 MiB
# work space), then waits 3 s and exits. Its writes fill its own /tmp (a
# tmpfs), never the machine's TMPDIR: while it runs, TMPDIR never holds
# more than the input (sampled), and the report says what happened.
cat >"$work/fake/fill" <<'PY'
#!/usr/bin/python3
import os, time
chunk = b"\0" * (1 << 20)
try:
    for i in range(17):
        with open("/tmp/work/tmp/fill%d" % i, "wb") as f:
            for _ in range(64):
                f.write(chunk)
except OSError:
    pass
time.sleep(3)
PY
chmod +x "$work/fake/fill"
: >"$work/du"
TMPDIR=$work/tmp SEALDROP_TEST_OFFICE_PROGRAM=$work/fake/fill timeout 300 "$open" --quiet \
	--clean-only --safe-pdf --out "$work/out7" "$work/in/letter.rtf" &
opid=$!
while kill -0 "$opid" 2>/dev/null; do
	du -sk "$work/tmp" 2>/dev/null | cut -f1 >>"$work/du"
	sleep 0.2
done
wait "$opid"
most=$(sort -n "$work/du" | tail -1)
[ "${most:-0}" -lt 1024 ] && ok || bad "the stand-in's writes reached TMPDIR (${most:-?} KiB at most)"
grep -q "safe PDF: no safe PDF: LibreOffice filled its work space (its limit is 1024 MiB)" \
	"$work/out7/report.txt" && ok || bad "a full work space: $(grep 'safe PDF' "$work/out7/report.txt")"
[ -z "$(ls -A "$work/tmp")" ] && ok || bad "a work folder was left: $(ls "$work/tmp")"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
