#!/usr/bin/env bash
# Attack suite of sealdrop-source (issue "Hold under attack"): the real
# daemon on a unix socket, test-sized limits in its sealdrop.conf, every
# loop bounded in count and time. Each check failed on the code before the
# fix it covers.
#
#  - multipart parts without a name (filename= only, no Content-Disposition,
#    as the first part before the CSRF token) on both daemons: 400, the
#    daemon alive, nothing left in spool/tmp;
#  - a storm of well-formed bogus logins while a real source logs in: the
#    real source is served in turn, not refused;
#  - a /generate flood: no pending source reaches the journalists' list, the
#    pending ones are capped, a source who submitted stays logged in;
#  - a crash (test-only crash points) at each step of a submission's and a
#    reply's commit: the spool shows the submission whole or not at all,
#    and after a restart nothing without a row is left;
#  - every mtime in the spool, sealdrop.db's and the instance directory's
#    stay at the epoch after each action;
#  - the whole body counts against max_submission_bytes (part headers too);
#  - as root, on a small tmpfs: disk full answers 507 and logs one line; the
#    daily share of sources without a reply answers 507 while a source with
#    a reply still gets through.
#
# usage: attack_source.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
daemon=$build/bin/sealdrop-source
jdaemon=$build/bin/sealdrop-journalist
sdreply=$build/bin/sdreply

. "$src/tests/integration/lib.sh" attack-source

if ! grep -q '^SD_CRASHPOINTS:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
	echo "this build has no crash points (SD_CRASHPOINTS): the crash checks need them"
	exit 1
fi

# new_instance DIR [conf sed script]
new_instance() {
	"$admin" init --instance "$1" --name "Attack drop" --recipient "$src/tests/vectors/key.pub" \
		>/dev/null || { echo "init failed"; exit 1; }
	sed -i "s/^argon2_concurrency = .*/argon2_concurrency = 1/; ${2:-}" "$1/sealdrop.conf"
}
# start INSTANCE LOG [env...]: the daemon, its pid in $dpid.
start() {
	local i=$1 log=$2; shift 2
	local n; n=$(grep -c 'listening on' "$log" 2>/dev/null); n=${n:-0}
	env "$@" "$daemon" --instance "$i" >>"$log" 2>&1 &
	dpid=$!
	pids+=("$dpid")
	wait_up "$dpid" "$i/source.sock" "$log" "$n"
}
stop() { kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null; }
alive() { kill -0 "$dpid" 2>/dev/null; }
tmp_empty() { [ -z "$(ls -A "$inst/spool/tmp/source" 2>/dev/null)" ]; }
db() { sqlite3 "$inst/sealdrop.db" "$1"; }
# new_source JAR: a codename from /generate; the page in $work/body.
new_source() {
	rm -f "$1"
	curl -s --unix-socket "$inst/source.sock" -b "$1" -c "$1" -o "$work/body" "http://$onion/"
	curl -s --unix-socket "$inst/source.sock" -b "$1" -c "$1" -o "$work/body" \
		-d "csrf_token=$(csrf_of)" "http://$onion/generate"
	sed -n 's/.*id="codename"[^>]*>\([^<]*\)<.*/\1/p' "$work/body" | head -1
}
# sr JAR METHOD PATH [curl args]: status; body in $work/body.
sr() {
	local jar=$1 m=$2 p=$3; shift 3
	curl -s --max-time 60 --unix-socket "$inst/source.sock" -X "$m" -b "$jar" -c "$jar" \
		-o "$work/body" -w '%{http_code}' "$@" "http://$onion$p"
}
lookup_csrf() { sr "$1" GET /lookup >/dev/null; csrf_of; }
# raw_post PATH CONTENT_TYPE BODY_FILE [cookie]: status of a hand-made body.
raw_post() {
	curl -s --max-time 60 --unix-socket "$inst/source.sock" -o "$work/body" -w '%{http_code}' \
		-H "Content-Type: $2" ${4:+-b "$4"} --data-binary "@$3" "http://$onion$1"
}
# epoch_times: every spool entry, sealdrop.db and the instance directory
# have the epoch as mtime; prints what does not.
epoch_times() {
	{ find "$inst/spool" -printf '%T@ %p\n'; stat -c '%Y %n' "$inst/sealdrop.db" "$inst"; } |
		awk '$1 + 0 != 0 { print $2 }'
}

mkdir -p "$work/up"
head -c 4096 /dev/urandom >"$work/up/a.bin"
head -c 8192 /dev/urandom >"$work/up/b.bin"

# --- 1. parts without a name -------------------------------------------------
inst=$work/one
new_instance "$inst"
start "$inst" "$work/one.log"
jar=$work/jar1
new_source "$jar" >/dev/null
csrf=$(lookup_csrf "$jar")
B=XyZzY
printf -- '--%s\r\nContent-Disposition: form-data; filename="x.txt"\r\n\r\nhello\r\n--%s--\r\n' \
	$B $B >"$work/nameless1"
printf -- '--%s\r\nContent-Type: text/plain\r\n\r\nhello\r\n--%s--\r\n' $B $B >"$work/nameless2"
printf -- '--%s\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n%s\r\n--%s\r\nContent-Disposition: form-data; filename="y.txt"\r\n\r\nhello\r\n--%s--\r\n' \
	$B "$csrf" $B $B >"$work/nameless3"
for v in 1 2 3; do
	st=$(raw_post /submit "multipart/form-data; boundary=$B" "$work/nameless$v" "$jar")
	if ! alive; then ko "nameless part $v: the daemon died"; start "$inst" "$work/one.log"; continue; fi
	[ "$st" = 400 ] && grep -qi 'not understood' "$work/body" && tmp_empty &&
		ok "nameless part $v: 400, daemon alive, nothing left" || ko "nameless part $v: $st"
done
# The small forms of the source daemon and the journalist daemon's login.
st=$(raw_post /login "multipart/form-data; boundary=$B" "$work/nameless1" "$jar")
alive && [ "$st" = 400 ] && ok "nameless part on /login: 400" || ko "nameless part on /login: $st"
"$jdaemon" --instance "$inst" >"$work/j.log" 2>&1 &
jpid=$!; pids+=("$jpid")
wait_up "$jpid" "$inst/journalist.sock" "$work/j.log"
for v in 1 2; do
	st=$(curl -s --max-time 30 --unix-socket "$inst/journalist.sock" -o /dev/null -w '%{http_code}' \
		-H "Content-Type: multipart/form-data; boundary=$B" --data-binary "@$work/nameless$v" \
		"http://$onion/login")
	kill -0 "$jpid" 2>/dev/null && [ "$st" -ge 400 ] && [ "$st" -lt 500 ] &&
		ok "journalist: nameless part $v on /login: $st, alive" || ko "journalist: nameless part $v: $st"
done
kill "$jpid" 2>/dev/null; wait "$jpid" 2>/dev/null

# --- 9. the whole body counts ------------------------------------------------
sed -i 's/^max_submission_bytes = .*/max_submission_bytes = 1048576/' "$inst/sealdrop.conf"
stop; start "$inst" "$work/one.log"
new_source "$jar" >/dev/null   # sessions live in memory: a restart ends them
csrf=$(lookup_csrf "$jar")
python3 - "$csrf" >"$work/headers-body" <<'PY'
import sys
b = "ZzZ"
out = [f'--{b}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{sys.argv[1]}\r\n']
pad = "X-Pad: " + "p" * 900 + "\r\n"
for i in range(2500):   # 2.3 MB of part headers around one-byte fields
    out.append(f'--{b}\r\nContent-Disposition: form-data; name="ignored"\r\n{pad}\r\nx\r\n')
out.append(f'--{b}\r\nContent-Disposition: form-data; name="message"\r\n\r\nhello\r\n--{b}--\r\n')
sys.stdout.write("".join(out))
PY
st=$(raw_post /submit "multipart/form-data; boundary=ZzZ" "$work/headers-body" "$jar")
[ "$st" = 413 ] && tmp_empty && ok "megabytes of part headers count against the limit: 413" ||
	ko "part headers: $st"
stop

# --- 4. a login storm while a real source logs in ----------------------------
inst=$work/storm
new_instance "$inst"
start "$inst" "$work/storm.log"
real=$(new_source "$work/jreal")
[ "$(echo "$real" | wc -w)" = 7 ] || { echo "no codename"; exit 1; }
csrf=$(lookup_csrf "$work/jreal")
sr "$work/jreal" POST /submit -F "csrf_token=$csrf" -F "message=I am real" >/dev/null
rm -f "$work/jreal"
sr "$work/jreal" GET / >/dev/null; rcsrf=$(csrf_of)
storm() { # n: bogus logins on one connection after another, bounded
	local j=$work/jstorm$1 c
	sr "$j" GET / >/dev/null; c=$(csrf_of)
	for _ in $(seq 25); do
		[ -e "$work/storm.stop" ] && break
		curl -s --max-time 60 --unix-socket "$inst/source.sock" -b "$j" -o /dev/null \
			-w '%{http_code}\n' -d "csrf_token=$c&codename=acorn+acorn+acorn+acorn+acorn+acorn+zoom" \
			"http://$onion/login" >>"$work/storm$1.st"
	done
}
spids=()
for n in 1 2 3 4; do storm $n & spids+=($!); done
sleep 1
served=0 refused=0
for _ in 1 2 3; do
	st=$(sr "$work/jreal" POST /login -d "csrf_token=$rcsrf&codename=${real// /+}")
	case $st in 303) served=$((served + 1)) ;; 503) refused=$((refused + 1)) ;; esac
	rm -f "$work/jreal"; sr "$work/jreal" GET / >/dev/null; rcsrf=$(csrf_of)
done
touch "$work/storm.stop"
wait "${spids[@]}"
[ "$served" = 3 ] && ok "during a storm of 4 bogus login loops the real source logged in 3 of 3 times" ||
	ko "real source during a storm: $served served, $refused refused"
grep -qv '^403$' "$work"/storm*.st && ko "storm answers other than 403: $(sort "$work"/storm*.st | uniq -c)" ||
	ok "every storm login was answered 403 in turn, none 503"
stop

# --- 5. a /generate flood ---------------------------------------------------
inst=$work/flood
new_instance "$inst" 's/^max_sessions = .*/max_sessions = 6/; s/^pending_sources_max = .*/pending_sources_max = 4/'
start "$inst" "$work/flood.log"
new_source "$work/jsub" >/dev/null
csrf=$(lookup_csrf "$work/jsub")
st=$(sr "$work/jsub" POST /submit -F "csrf_token=$csrf" -F "message=a real submission")
[ "$st" = 303 ] && ok "a source submits before the flood" || ko "submit: $st"
for i in $(seq 15); do
	new_source "$work/jflood$i" >/dev/null
	[ "$i" = 1 ] && cp "$work/body" "$work/gen.html"
done
grep -qi 'forgotten after' "$work/gen.html" && ok "the codename page says it is forgotten unless used" ||
	ko "the codename page does not say a codename expires"
st=$(sr "$work/jsub" GET /lookup)
[ "$st" = 200 ] && grep -q 'name="message"' "$work/body" &&
	ok "after 15 /generate the source who submitted is still logged in" || ko "logged out by a flood: $st"
[ "$(db 'SELECT count(*) FROM sources WHERE pending = 0')" = 1 ] &&
	ok "only the source who submitted is a journalist-visible source" ||
	ko "visible sources: $(db 'SELECT count(*) FROM sources WHERE pending = 0')"
# The cap counts sources nobody is using: at most the cap plus the live
# sessions (6 slots here).
[ "$(db 'SELECT count(*) FROM sources WHERE pending = 1')" -le 10 ] &&
	ok "pending sources are capped (4, plus those with a live session)" ||
	ko "pending: $(db 'SELECT count(*) FROM sources WHERE pending = 1')"
# One codename that submitted, logged in again and again, evicts only its
# own sessions: the real source stays logged in, /generate still works.
attacker=$(new_source "$work/jatt")
csrf=$(lookup_csrf "$work/jatt")
sr "$work/jatt" POST /submit -F "csrf_token=$csrf" -F "message=attacker" >/dev/null
for i in $(seq 8); do
	rm -f "$work/jatt$i"; sr "$work/jatt$i" GET / >/dev/null
	sr "$work/jatt$i" POST /login -d "csrf_token=$(csrf_of)&codename=${attacker// /+}" >/dev/null
done
st=$(sr "$work/jsub" GET /lookup)
[ "$st" = 200 ] && ok "8 logins with one codename do not log the real source out" ||
	ko "logged out by one codename's logins: $st"
new_source "$work/jafter" >/dev/null
grep -q 'id="codename"' "$work/body" && ok "... and /generate still works" || ko "/generate after a login flood"
# A new source in the middle of its first upload is not forgotten by a
# flood of /generate (it would be the oldest pending one).
newcn=$(new_source "$work/jfirst")
csrf=$(lookup_csrf "$work/jfirst")
head -c $((3 * 1024 * 1024)) /dev/urandom >"$work/up/3m.bin"
curl -s --max-time 120 --unix-socket "$inst/source.sock" -b "$work/jfirst" --limit-rate 600K \
	-o /dev/null -w '%{http_code}' -F "csrf_token=$csrf" -F "message=my first" \
	-F "files=@$work/up/3m.bin" "http://$onion/submit" >"$work/first.st" &
up=$!
sleep 1
for i in $(seq 8); do new_source "$work/jflood2$i" >/dev/null; done
wait "$up"
[ "$(cat "$work/first.st")" = 303 ] && ok "a first upload survives a /generate flood past the cap" ||
	ko "first upload during a flood: $(cat "$work/first.st")"
rm -f "$work/jfirst"; sr "$work/jfirst" GET / >/dev/null
st=$(sr "$work/jfirst" POST /login -d "csrf_token=$(csrf_of)&codename=${newcn// /+}")
[ "$st" = 303 ] && ok "... and its codename still logs in" || ko "its codename after the flood: $st"
stop

# --- 7. a crash at each step of a commit ---------------------------------------
inst=$work/crash
new_instance "$inst"
start "$inst" "$work/crash.log"
cn=$(new_source "$work/jc")
printf '%s\n' "$cn" >"$work/codename"
stop
items_on_disk() { find "$inst/spool" -path "$inst/spool/tmp" -prune -o -name '*.sdbox' -print | wc -l; }
for point in batch-before-rename batch-after-rename batch-before-db; do
	start "$inst" "$work/crash.log" SEALDROP_CRASH_AT=$point
	rm -f "$work/jc"
	sr "$work/jc" GET / >/dev/null
	sr "$work/jc" POST /login -d "csrf_token=$(csrf_of)&codename=${cn// /+}" >/dev/null
	csrf=$(lookup_csrf "$work/jc")
	before=$(items_on_disk)
	sr "$work/jc" POST /submit -F "csrf_token=$csrf" -F "message=crash at $point" \
		-F "files=@$work/up/a.bin" -F "files=@$work/up/b.bin" >/dev/null
	wait "$dpid" 2>/dev/null
	code=$?
	[ "$code" = 86 ] || ko "$point: the daemon did not stop at the crash point ($code)"
	seen=$(( $(items_on_disk) - before ))
	{ [ "$seen" = 0 ] || [ "$seen" = 3 ]; } && ok "$point: a copy of the spool shows $seen of 3 (whole or nothing)" ||
		ko "$point: a copy of the spool shows $seen of 3 items"
	rows=$(db 'SELECT count(*) FROM items')
	start "$inst" "$work/crash.log"
	[ "$(items_on_disk)" = "$rows" ] && [ "$(db 'SELECT count(*) FROM items')" = "$rows" ] && tmp_empty &&
		ok "$point: after a restart the spool holds exactly the recorded items ($rows)" ||
		ko "$point: after a restart: $(items_on_disk) files, $rows rows"
	stop
done
# A reply renamed but not recorded (the journalist side, through sdreply).
for point in reply-after-rename reply-before-db; do
	before=$(items_on_disk)
	SEALDROP_CRASH_AT=$point "$sdreply" "$inst" "$work/codename" "a reply" 2>/dev/null
	[ $? = 86 ] || ko "$point: sdreply did not stop at the crash point"
	rows=$(db 'SELECT count(*) FROM items')
	start "$inst" "$work/crash.log"
	[ "$(items_on_disk)" = "$rows" ] && ok "$point: the orphan reply is removed at start ($before files before)" ||
		ko "$point: $(items_on_disk) files, $rows rows"
	stop
done
grep -q 'removed [0-9]* unfinished' "$work/crash.log" && ok "the daemon says it removed what a crash left" ||
	ko "no start-up line about leftovers"
# A reply to a pending source (no submission yet) is the sweep's to keep.
start "$inst" "$work/crash.log"
pend=$(new_source "$work/jpend")
stop
printf '%s\n' "$pend" >"$work/pending-codename"
"$sdreply" "$inst" "$work/pending-codename" "to a pending source" || ko "sdreply to a pending source"
rows=$(db 'SELECT count(*) FROM items')
start "$inst" "$work/crash.log"; stop
[ "$(items_on_disk)" = "$rows" ] && ok "a committed reply to a pending source survives the start-up sweep" ||
	ko "sweep: $(items_on_disk) files, $rows rows"

# --- 8. times ---------------------------------------------------------------
start "$inst" "$work/crash.log"
rm -f "$work/jc"; sr "$work/jc" GET / >/dev/null
sr "$work/jc" POST /login -d "csrf_token=$(csrf_of)&codename=${cn// /+}" >/dev/null
bad=$(epoch_times); [ -z "$bad" ] && ok "times at the epoch after a login" || ko "times after login: $bad"
csrf=$(lookup_csrf "$work/jc")
sr "$work/jc" POST /submit -F "csrf_token=$csrf" -F "message=timeless" -F "files=@$work/up/a.bin" >/dev/null
bad=$(epoch_times); [ -z "$bad" ] && ok "times at the epoch after a submission" || ko "times after submit: $bad"
"$sdreply" "$inst" "$work/codename" "a reply to delete" || ko "sdreply"
rid=$(db "SELECT lower(hex(item_id)) FROM items WHERE kind = 3 ORDER BY id DESC LIMIT 1")
csrf=$(lookup_csrf "$work/jc")
st=$(sr "$work/jc" POST /reply/delete -d "csrf_token=$csrf&reply_id=$rid")
[ "$st" = 303 ] || ko "reply delete: $st"
bad=$(epoch_times); [ -z "$bad" ] && ok "times at the epoch after a source deleted a reply" ||
	ko "times after reply delete: $bad"
new_source "$work/jnew" >/dev/null
bad=$(epoch_times); [ -z "$bad" ] && ok "times at the epoch after /generate" || ko "times after generate: $bad"
stop

# --- a stop under load: no crash ----------------------------------------------
# 200 clients loop POST /login (each a form body) while the daemon drains
# after SIGTERM; refused requests' bodies still arrive and must be dropped,
# not parsed (a NULL form parser crashed the daemon here).
inst=$work/drain
new_instance "$inst" 's/^drain_timeout = .*/drain_timeout = 10/'
start "$inst" "$work/drain.log"
python3 - "$inst/source.sock" "$onion" "$dpid" <<'PY' || ko "the login flood did not run"
import os, re, signal, socket, sys, threading, time
sock, onion, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
def req(raw):
    try:
        s = socket.socket(socket.AF_UNIX); s.settimeout(20); s.connect(sock); s.sendall(raw)
        got = b""
        while True:
            d = s.recv(65536)
            if not d: break
            got += d
        s.close(); return got
    except OSError:
        return b""
g = req(("GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % onion).encode())
tok = re.search(rb"sd_csrf=([A-Za-z0-9_-]+)", g).group(1).decode()
body = ("csrf_token=%s&codename=wrong+words+here+nothing+else+at+all" % tok).encode()
raw = ("POST /login HTTP/1.1\r\nHost: %s\r\nCookie: sd_csrf=%s\r\nContent-Type: "
       "application/x-www-form-urlencoded\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
       % (onion, tok, len(body))).encode() + body
end = time.monotonic() + 30
def loop():
    while time.monotonic() < end:
        if not req(raw): time.sleep(0.1)
        try: os.kill(pid, 0)
        except OSError: return
ts = [threading.Thread(target=loop, daemon=True) for _ in range(200)]
[t.start() for t in ts]
time.sleep(3)
os.kill(pid, signal.SIGTERM)
# Keep the flood on while the daemon drains: new requests get the 503
# page and their bodies come all the same.
t0 = time.monotonic()
while time.monotonic() - t0 < 25:
    try:
        os.kill(pid, 0)
        if open("/proc/%d/stat" % pid).read().split()[2] == "Z": break
    except OSError:
        break
    time.sleep(0.1)
PY
wait "$dpid"; rc=$?
[ "$rc" = 0 ] && grep -q 'stopping' "$work/drain.log" &&
	ok "stopped under a flood of logins: a drain, exit status 0" || ko "stop under load: exit status $rc"

# --- 10 and 13. a small file system (root only) --------------------------------
if [ "$(id -u)" != 0 ]; then
	echo "note: not root: the disk-full and daily-share checks need a tmpfs mount; skipped"
else
	small=$work/small
	mkdir "$small"
	if mount -t tmpfs -o size=48m tmpfs "$small"; then
		inst=$small/inst
		new_instance "$inst" 's/^spool_reserve_bytes = .*/spool_reserve_bytes = 0/; s/^unreplied_daily_percent = .*/unreplied_daily_percent = 10/'
		start "$inst" "$work/small.log"
		cn=$(new_source "$work/js")
		printf '%s\n' "$cn" >"$work/codename"
		head -c $((8 * 1024 * 1024)) /dev/urandom >"$work/up/8m.bin"
		csrf=$(lookup_csrf "$work/js")
		st=$(sr "$work/js" POST /submit -F "csrf_token=$csrf" -F "files=@$work/up/8m.bin")
		[ "$st" = 507 ] && grep -qi 'today' "$work/body" && tmp_empty &&
			ok "a source without a reply is held to the daily share: 507" || ko "daily share: $st"
		# Uploads side by side cannot pass the share together.
		for i in 1 2 3 4; do head -c $((3 * 1024 * 1024)) /dev/urandom >"$work/up/p$i.bin"; done
		csrf=$(lookup_csrf "$work/js")
		ppids=()
		for i in 1 2 3 4; do
			curl -s --max-time 60 --unix-socket "$inst/source.sock" -b "$work/js" --limit-rate 2M \
				-o /dev/null -w '%{http_code}\n' -F "csrf_token=$csrf" -F "files=@$work/up/p$i.bin" \
				"http://$onion/submit" >"$work/par$i.st" &
			ppids+=($!)
		done
		wait "${ppids[@]}"
		stored=$(db "SELECT coalesce(sum(size), 0) FROM items")
		share=$(( ($(stat -f -c '%a' "$small") * $(stat -f -c '%S' "$small") + stored) / 100 * 10 ))
		[ "$stored" -le "$share" ] && tmp_empty &&
			ok "4 uploads side by side stay within the daily share ($stored <= $share bytes; $(cat "$work"/par*.st | tr '\n' ' '))" ||
			ko "parallel uploads passed the share: $stored > $share ($(cat "$work"/par*.st | tr '\n' ' '))"
		"$sdreply" "$inst" "$work/codename" "we answer you" || ko "sdreply"
		csrf=$(lookup_csrf "$work/js")
		st=$(sr "$work/js" POST /submit -F "csrf_token=$csrf" -F "files=@$work/up/8m.bin")
		[ "$st" = 303 ] && ok "a source with a reply gets through the share" || ko "source with a reply: $st"
		# Disk full while a chunked upload streams (no Content-Length, and
		# less than one free-space check's worth of bytes left).
		avail=$(( $(stat -f -c '%a' "$small") * $(stat -f -c '%S' "$small") ))
		fallocate -l $((avail - 10 * 1024 * 1024)) "$small/filler"
		head -c $((12 * 1024 * 1024)) /dev/urandom >"$work/up/12m.bin"
		csrf=$(lookup_csrf "$work/js")
		st=$(sr "$work/js" POST /submit -H 'Transfer-Encoding: chunked' -F "csrf_token=$csrf" \
			-F "files=@$work/up/12m.bin")
		[ "$st" = 507 ] && tmp_empty && ok "disk full while streaming: 507, nothing left" ||
			ko "disk full while streaming: $st"
		grep -q 'file system is full' "$work/small.log" && ok "disk full is logged" || ko "disk full not logged"
		grep -qi 'out of space' "$work/body" && ok "the page says the server is out of space" ||
			ko "disk-full page: $(grep -o '<p[^>]*>[^<]*' "$work/body" | head -3)"
		head -c $((60 * 1024 * 1024)) /dev/zero >"$small/filler2" 2>/dev/null
		rm -f "$work/jf"; sr "$work/jf" GET / >/dev/null
		st=$(sr "$work/jf" POST /generate -d "csrf_token=$(csrf_of)")
		[ "$st" = 507 ] && ok "a database that cannot grow: /generate answers 507" || ko "/generate on a full disk: $st"
		alive && ok "the daemon is alive after the disk filled" || ko "the daemon died on a full disk"
		stop
		umount "$small" || umount -l "$small"
	else
		echo "note: cannot mount a tmpfs here; disk-full checks skipped"
	fi
fi

echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
