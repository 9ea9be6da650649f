#!/usr/bin/env bash
# Integration test of the passphrase prompt (common/sdio.c,
# sd_secret_prompt) as sealdrop-admin restore --key shows it, on a
# pseudo-terminal (python3's pty module):
#
#  - echo is off while the prompt waits;
#  - Ctrl-C at the prompt ends the program by SIGINT and leaves the
#    terminal as it was: `stty -a` on that terminal shows echo on;
#  - a wrong passphrase typed there is refused, the right one unlocks the
#    key (restore then stops at the missing archive), and one longer than
#    the limit is refused, not cut.
#
# Skipped (77) when no pseudo-terminal can be opened or python3 is missing.
#
# usage: admin_prompt.sh BUILD_DIR SOURCE_DIR
# shellcheck disable=SC2015 # "A && ok || ko": ok never fails
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin

command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
python3 -c 'import os, pty; m, s = pty.openpty(); os.close(m); os.close(s)' 2>/dev/null ||
	{ echo "skipped: no pseudo-terminal"; exit 77; }
command -v stty >/dev/null || { echo "skipped: no stty"; exit 77; }
. "$src/tests/integration/lib.sh" admin_prompt

printf 'the backup passphrase\n' >"$work/pass"
"$build/bin/sealdrop-keygen" --out "$work/b.key" --passphrase-file "$work/pass" \
	--kdf interactive >/dev/null || { echo "cannot make a key"; exit 1; }

# drive MODE: runs restore --key on a fresh pty and prints what it saw, one
# "name=value" per line. MODE: int (Ctrl-C at the prompt), or a file whose
# first line is typed at the prompt. Every wait is bounded (30 s).
drive() {
	python3 - "$admin" "$work" "$1" <<'PY'
import fcntl, os, pty, select, signal, subprocess, sys, termios, time
admin, work, mode = sys.argv[1:4]
master, slave = pty.openpty()

def ctty():
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)

p = subprocess.Popen([admin, "restore", "--in", os.path.join(work, "missing.tar"),
                      "--instance", os.path.join(work, "new"), "--key",
                      os.path.join(work, "b.key")],
                     stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                     preexec_fn=ctty)
out = b""
def read_until(pred, limit=30.0):
    global out
    end = time.monotonic() + limit
    while not pred() and time.monotonic() < end:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return pred()

def echo_on():
    return bool(termios.tcgetattr(slave)[3] & termios.ECHO)

prompted = read_until(lambda: b"passphrase of the backup key: " in out)
# The prompt may be written before echo goes off: wait for both.
end = time.monotonic() + 30
while echo_on() and time.monotonic() < end:
    time.sleep(0.05)
print("prompted=%d" % prompted)
print("echo_while_prompting=%d" % echo_on())
rc = None
if mode == "int":
    # A signal that lands after the prompt but before the program sits in
    # read() only marks it (readpassphrase then waits on): press Ctrl-C
    # again until it ends, as a person would, within a bound.
    for _ in range(60):
        os.write(master, b"\x03")
        try:
            rc = p.wait(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            pass
else:
    with open(mode, "rb") as f:
        os.write(master, f.readline())
try:
    rc = p.wait(timeout=30) if rc is None else rc
except subprocess.TimeoutExpired:
    p.kill()
    rc = p.wait()
    print("timeout=1")
read_until(lambda: False, 0.5)
print("rc=%d" % rc)
print("sigint=%d" % (rc == -signal.SIGINT))
print("echo_after=%d" % echo_on())
stty = subprocess.run(["stty", "-a"], stdin=slave, capture_output=True, text=True, timeout=30)
print("stty_echo=%d" % (" echo " in " " + stty.stdout.replace(";", " ").replace("\n", " ") + " "))
text = out.decode("utf-8", "replace").replace("\r", "")
print("typed_shown=%d" % ("the backup passphrase" in text or "wrong words" in text))
sys.stdout.write("output=" + text.replace("\n", "|") + "\n")
os.close(master)
os.close(slave)
PY
}

get() { sed -n "s/^$1=//p" "$work/d.out"; }

drive int >"$work/d.out" 2>&1
[ "$(get prompted)" = 1 ] && [ "$(get echo_while_prompting)" = 0 ] &&
	ok "the prompt is shown with echo off" || ko "prompt: $(cat "$work/d.out")"
[ "$(get sigint)" = 1 ] && ok "Ctrl-C at the prompt ends restore by SIGINT" ||
	ko "Ctrl-C: $(cat "$work/d.out")"
[ "$(get echo_after)" = 1 ] && [ "$(get stty_echo)" = 1 ] &&
	ok "after Ctrl-C, stty -a shows echo on again" || ko "echo left off: $(cat "$work/d.out")"
[ ! -e "$work/new" ] && ok "nothing made after Ctrl-C" || ko "Ctrl-C left $work/new"

printf 'wrong words\n' >"$work/wrong"
drive "$work/wrong" >"$work/d.out" 2>&1
[ "$(get rc)" = 1 ] && get output | grep -q 'b.key: .*passphrase' && [ "$(get typed_shown)" = 0 ] &&
	[ "$(get echo_after)" = 1 ] && ok "a wrong passphrase typed at the prompt is refused, unseen" ||
	ko "wrong passphrase: $(cat "$work/d.out")"

drive "$work/pass" >"$work/d.out" 2>&1
[ "$(get rc)" = 1 ] && get output | grep -q 'restore: .*missing.tar' &&
	! get output | grep -q 'b.key' && [ "$(get typed_shown)" = 0 ] &&
	[ "$(get echo_after)" = 1 ] && ok "the right passphrase typed at the prompt unlocks the key" ||
	ko "right passphrase: $(cat "$work/d.out")"

head -c 1025 /dev/zero | tr '\0' 'a' >"$work/long"
echo >>"$work/long"
drive "$work/long" >"$work/d.out" 2>&1
[ "$(get rc)" = 1 ] && get output | grep -q 'the passphrase: ' && ! get output | grep -q 'restore:' &&
	[ "$(get echo_after)" = 1 ] && ok "a passphrase over 1024 bytes is refused, not cut" ||
	ko "long passphrase: $(cat "$work/d.out")"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
