#!/usr/bin/env bash
# Integration test of the connection limits of both daemons (issue 10,
# "hold under attack"), against the real daemons on their unix sockets:
#
#  - 150 idle connections and 150 that trickle a header line a second do
#    not keep a normal GET / from being answered while they are held;
#  - with test-sized limits (header_timeout 3 s, body_grace 2 s,
#    body_window 4 s, body_min_rate 2000 B/s): a request whose headers
#    never finish is cut after the deadline with a 408 page saying why, an
#    idle connection is closed, a body slower than the minimum is cut with
#    a page saying why, a body with long stalls but a good average gets
#    through;
#  - two Host headers and a %00 in the address get 400; no Date header;
#    the source daemon still refuses a Host that is not .onion;
#  - SIGTERM drains: a request during the drain gets the 503 page with
#    Retry-After, an upload in flight finishes, then the daemon stops.
#
# Deadlines are checked with generous bounds only (a cut must come, within
# many times the configured value), never as timings.
#
# usage: attack_conn.sh BUILD_DIR SOURCE_DIR
# shellcheck disable=SC2015 # "A && ok || ko": ok never fails
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
daemon=$build/bin/sealdrop-source
jdaemon=$build/bin/sealdrop-journalist

. "$src/tests/integration/lib.sh" attack_conn

# A raw HTTP client over a unix socket, for what curl cannot do (hold
# hundreds of connections, trickle headers, pace a body). Every wait in it
# is bounded.
cat >"$work/conn.py" <<'PY'
import socket, sys, time

def connect(path):
    """A connection; a full accept queue is waited on for up to 3 s."""
    for _ in range(60):
        tcp = not path.startswith("/")  # "127.0.0.1:PORT" (--dev), else a unix socket
        s = socket.socket(socket.AF_INET if tcp else socket.AF_UNIX)
        s.settimeout(10)
        try:
            s.connect((path.split(":")[0], int(path.split(":")[1])) if tcp else path)
            return s
        except BlockingIOError:
            s.close()
            time.sleep(0.05)
    raise OSError("the accept queue stayed full for 3 s")

def is_open(s):
    """True while the server has not closed s (no data expected)."""
    s.setblocking(False)
    try:
        return s.recv(65536, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        s.settimeout(10)

def read_all(s, limit):
    """What the server sends until it closes, at most limit seconds."""
    end, got = time.time() + limit, b""
    while time.time() < end:
        s.settimeout(max(0.1, end - time.time()))
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        except OSError:
            break
        if not d:
            return got, True
        got += d
    return got, False

def wait_cut(s, every, send, limit):
    """Call send() every `every` seconds until the server closes s or
    limit seconds pass; returns (seconds, bytes received, closed)."""
    t0, got = time.time(), b""
    while time.time() - t0 < limit:
        try:
            if send is not None:
                send()
        except OSError:
            pass
        s.settimeout(every)
        try:
            d = s.recv(65536)
            if not d:
                return time.time() - t0, got, True
            got += d
        except socket.timeout:
            pass
        except OSError:
            return time.time() - t0, got, True
    return time.time() - t0, got, False

def hold(path, host, n_idle, n_trickle, ready, done, limit):
    """Open n_idle idle connections and n_trickle that send a header line
    a second; write `ready` once all are open, keep them until the file
    `done` appears (at most limit s), then print how many are still open."""
    idle, tr = [], []
    try:  # a server that stops accepting: keep what was opened
        for _ in range(n_idle):
            idle.append(connect(path))
        for _ in range(n_trickle):
            s = connect(path)
            s.sendall(("GET / HTTP/1.1\r\nHost: %s\r\n" % host).encode())
            tr.append(s)
    except OSError as e:
        print("could open only %d: %s" % (len(idle) + len(tr), e))
    open(ready, "w").close()
    end, i = time.time() + limit, 0
    import os
    while time.time() < end and not os.path.exists(done):
        for s in tr:
            try:
                s.sendall(b"X-Trickle-%d: x\r\n" % i)
            except OSError:
                pass
        i += 1
        time.sleep(1)
    print("open %d of %d" % (sum(is_open(s) for s in idle + tr), n_idle + n_trickle))

def multipart(csrf, message):
    b = "XyZbOuNdArY"
    body = b""
    for name, data in (("csrf_token", csrf.encode()), ("message", message)):
        body += ('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n' % (b, name)).encode()
        body += data + b"\r\n"
    body += ("--%s--\r\n" % b).encode()
    return b, body

def status_of(got):
    line = got.split(b"\r\n", 1)[0].decode("latin-1")
    return line.split(" ")[1] if line.startswith("HTTP/") and " " in line else "none"

cmd = sys.argv[1]
if cmd == "hold":
    hold(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6],
         sys.argv[7], float(sys.argv[8]))
elif cmd == "slowhead":   # path host limit: a header line every 0.5 s, forever
    path, host, limit = sys.argv[2], sys.argv[3], float(sys.argv[4])
    s = connect(path)
    s.sendall(("GET / HTTP/1.1\r\nHost: %s\r\n" % host).encode())
    n = [0]
    def send():
        n[0] += 1
        s.sendall(b"X-Slow-%d: x\r\n" % n[0])
    t, got, closed = wait_cut(s, 0.5, send, limit)
    print("%s %d %s" % ("cut" if closed else "open", int(t), status_of(got)))
    sys.stdout.write(got.decode("utf-8", "replace"))
elif cmd == "idle":       # path limit: connect, send nothing
    path, limit = sys.argv[2], float(sys.argv[3])
    s = connect(path)
    t, got, closed = wait_cut(s, 0.5, None, limit)
    print("%s %d %d" % ("cut" if closed else "open", int(t), len(got)))
elif cmd == "slowbody":   # path host rate limit: a small form at rate bytes/s
    path, host, rate, limit = sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    s = connect(path)
    s.sendall(("POST /generate HTTP/1.1\r\nHost: %s\r\nContent-Type: "
               "application/x-www-form-urlencoded\r\nContent-Length: 16000\r\n\r\n"
               "csrf_token=" % host).encode())
    def send():
        s.sendall(b"a" * max(1, rate // 4))
    t, got, closed = wait_cut(s, 0.25, send, limit)
    print("%s %d %s" % ("cut" if closed else "open", int(t), status_of(got)))
    sys.stdout.write(got.decode("utf-8", "replace"))
elif cmd == "bursts":     # path host session csrf bursts size pause [ready]: /submit in bursts
    path, host, sess, csrf = sys.argv[2:6]
    bursts, size, pause = int(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8])
    ready = sys.argv[9] if len(sys.argv) > 9 else None
    b, body = multipart(csrf, b"m" * (bursts * size))
    s = connect(path)
    s.sendall(("POST /submit HTTP/1.1\r\nHost: %s\r\nCookie: sd_session=%s\r\n"
               "Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n"
               "Connection: close\r\n\r\n" % (host, sess, b, len(body))).encode())
    step = (len(body) + bursts - 1) // bursts
    for i in range(bursts):
        s.sendall(body[i * step:(i + 1) * step])
        if i == 0 and ready:
            open(ready, "w").close()
        if i < bursts - 1:
            time.sleep(pause)
    got, _ = read_all(s, 30)
    print(status_of(got))
elif cmd == "raw":        # path request (\r\n as \\r\\n): the answer's head and body
    path = sys.argv[2]
    s = connect(path)
    s.sendall(sys.argv[3].encode().decode("unicode_escape").encode("latin-1"))
    got, _ = read_all(s, 20)
    print(status_of(got))
    sys.stdout.write(got.decode("utf-8", "replace"))
PY
conn() { python3 "$work/conn.py" "$@"; }

inst=$work/inst
init_instance "Test drop"
sock=$inst/source.sock
jsock=$inst/journalist.sock
# set KEY VALUE: a [source] setting of the test instance.
set_conf() {
	if grep -q "^$1 = " "$inst/sealdrop.conf"; then
		sed -i "s/^$1 = .*/$1 = $2/" "$inst/sealdrop.conf"
	else
		sed -i "s/^\[source\]\$/[source]\n$1 = $2/" "$inst/sealdrop.conf"
	fi
}
set_conf argon2_concurrency 1
set_conf max_message_chars 100000   # the bursts below send an 80,000-byte message
started=
start() { # daemon socket log: sets started to its pid
	local n
	n=$(grep -c 'listening on' "$3")
	"$1" --instance "$inst" >>"$3" 2>&1 &
	started=$!
	pids+=("$started")
	wait_up "$started" "$2" "$3" "$n"
}
stop() { # pid
	kill "$1" 2>/dev/null
	for _ in $(seq 600); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	wait "$1" 2>/dev/null
}
log=$work/source.log
jlog=$work/journalist.log
touch "$log" "$jlog"

# --- hundreds of held connections: normal requests still answered -----------------
# The default max_connections; header_timeout far above the test's length:
# the connections stay held.
set_conf header_timeout 60
start "$daemon" "$sock" "$log"; spid=$started
rm -f "$work/ready" "$work/done"
conn hold "$sock" "$onion" 150 150 "$work/ready" "$work/done" 40 >"$work/hold.out" 2>&1 &
hpid=$!
pids+=("$hpid")
for _ in $(seq 200); do [ -e "$work/ready" ] && break; sleep 0.1; done
[ -e "$work/ready" ] && ! grep -q 'could open only' "$work/hold.out" &&
	ok "300 connections opened (150 idle, 150 trickling headers)" ||
	ko "the 300 connections could not be opened: $(cat "$work/hold.out")"
sleep 1
answered=0
for _ in 1 2 3; do
	st=$(curl -s --max-time 10 --unix-socket "$sock" -o /dev/null -w '%{http_code}' "http://$onion/")
	[ "$st" = 200 ] && answered=$((answered + 1))
done
check "3 of 3 GET / answered while 300 connections are held" "[ $answered = 3 ]"
dthreads=$(awk '/^Threads:/ {print $2}' "/proc/$spid/status")
drss=$(awk '/^VmRSS:/ {print $2}' "/proc/$spid/status")
echo "note: with the 300 connections held: $dthreads threads, RSS $drss KiB"
touch "$work/done"
wait "$hpid"
check "the held connections were still open after the GETs ($(cat "$work/hold.out"))" \
	"grep -q '^open 300 of 300' '$work/hold.out'"
stop "$spid"

# --- test-sized limits: deadlines and rates ----------------------------------------
set_conf header_timeout 3
set_conf body_grace 2
set_conf body_window 4
set_conf body_min_rate 2000
set_conf drain_timeout 30
start "$daemon" "$sock" "$log"; spid=$started
start "$jdaemon" "$jsock" "$jlog"; jpid=$started

conn slowhead "$sock" "$onion" 40 >"$work/out"
read -r state secs st <"$work/out"
[ "$state" = cut ] && [ "$secs" -ge 2 ] && [ "$st" = 408 ] &&
	grep -q 'did not arrive in time' "$work/out" && grep -q 'Content-Security-Policy' "$work/out" &&
	ok "headers trickled past header_timeout: cut after ~${secs}s with a 408 page saying why" ||
	ko "trickled headers: $(head -c 600 "$work/out")"
conn idle "$sock" 40 >"$work/out"
read -r state secs n <"$work/out"
[ "$state" = cut ] && [ "$secs" -ge 2 ] && [ "$n" = 0 ] &&
	ok "an idle connection is closed after header_timeout (~${secs}s), without a page" ||
	ko "idle connection: $(cat "$work/out")"
conn slowbody "$sock" "$onion" 200 40 >"$work/out"
read -r state secs st <"$work/out"
[ "$state" = cut ] && [ "$st" = 408 ] && grep -q 'arrived too slowly' "$work/out" &&
	ok "a body at 200 B/s (minimum 2000) is cut after the grace and a window (~${secs}s), the page says why" ||
	ko "slow body: $(head -c 600 "$work/out")"
# After all this the daemon still answers.
st=$(sreq GET /)
expect "the daemon still answers after the cuts" "$st" 200

# A session for the uploads.
st=$(sreq GET /)
st=$(sreq POST /generate -d "csrf_token=$(csrf_of)")
st=$(sreq GET /lookup)
expect "a source session" "$st" 200
csrf=$(csrf_of)
sess=$(sed -n 's/.*sd_session\t//p' "$work/sjar" | tail -1)
items() { find "$inst/spool" -name '*.sdbox' | wc -l; }
n0=$(items)
# 5 bursts of ~16 KB, 3 s of silence between them (each window of 4 s needs
# 8000 bytes): slow in places, a good average.
st=$(conn bursts "$sock" "$onion" "$sess" "$csrf" 5 16000 3)
[ "$st" = 303 ] && [ "$(items)" -gt "$n0" ] &&
	ok "a body with 3 s stalls and a good average gets through (303, stored)" ||
	ko "stalled body: status $st, items $n0 -> $(items)"

# --- what libmicrohttpd would let through -----------------------------------------
for d in source journalist; do
	s=$sock; [ $d = journalist ] && s=$jsock
	conn raw "$s" "GET / HTTP/1.1\r\nHost: $onion\r\nHost: other.example\r\nConnection: close\r\n\r\n" >"$work/out"
	st=$(head -1 "$work/out")
	check "$d: two Host headers get 400 ($st)" "[ '$st' = 400 ] && grep -q 'more than once' '$work/out'"
	conn raw "$s" "GET /%00/x HTTP/1.1\r\nHost: $onion\r\nConnection: close\r\n\r\n" >"$work/out"
	st=$(head -1 "$work/out")
	check "$d: %00 in the path gets 400 ($st)" "[ '$st' = 400 ] && grep -q 'null character' '$work/out'"
	conn raw "$s" "GET /?lang=fr%00x HTTP/1.1\r\nHost: $onion\r\nConnection: close\r\n\r\n" >"$work/out"
	st=$(head -1 "$work/out")
	check "$d: %00 in the query gets 400 ($st)" "[ '$st' = 400 ]"
	curl -s --unix-socket "$s" -D "$work/headers" -o /dev/null "http://$onion/"
	check "$d: no Date header" "grep -qi '^content-security-policy' '$work/headers' && ! grep -qi '^date:' '$work/headers'"
done
st=$(curl -s --unix-socket "$sock" -o /dev/null -w '%{http_code}' http://localhost/)
check "the source daemon still refuses a Host that is not .onion ($st)" "[ '$st' = 403 ]"

# --- drain on SIGTERM --------------------------------------------------------------
st=$(sreq GET /lookup); csrf=$(csrf_of)
n0=$(items)
rm -f "$work/ready"
conn bursts "$sock" "$onion" "$sess" "$csrf" 4 16000 2 "$work/ready" >"$work/upload.out" 2>&1 &
upid=$!
pids+=("$upid")
for _ in $(seq 100); do [ -e "$work/ready" ] && break; sleep 0.1; done
kill -TERM "$spid"
for _ in $(seq 100); do grep -q 'stopping' "$log" && break; sleep 0.1; done
st=$(curl -s --max-time 10 --unix-socket "$sock" -D "$work/headers" -o "$work/body" -w '%{http_code}' "http://$onion/?lang=fr")
[ "$st" = 503 ] && grep -qi '^retry-after: [0-9]' "$work/headers" && grep -q 'redémarre' "$work/body" &&
	ok "during the drain a new request gets the translated 503 page with Retry-After" ||
	ko "request during the drain: status $st: $(cat "$work/headers")"
wait "$upid"
st=$(cat "$work/upload.out")
[ "$st" = 303 ] && [ "$(items)" -gt "$n0" ] && ok "the upload in flight at SIGTERM finished (303, stored)" ||
	ko "upload in flight at SIGTERM: status $st, items $n0 -> $(items)"
for _ in $(seq 300); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$spid" 2>/dev/null && grep -q 'every request in flight finished' "$log" &&
	ok "then the daemon stopped" || ko "the daemon did not stop after the drain: $(tail -3 "$log")"
# The journalist daemon drains the same way (its own page).
kill -TERM "$jpid"
for _ in $(seq 300); do kill -0 "$jpid" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$jpid" 2>/dev/null && ok "the journalist daemon stops on SIGTERM" ||
	ko "the journalist daemon did not stop: $(tail -3 "$jlog")"

# --dev still allows a TCP listener (loopback), any Host, and the same refusals;
# without --dev a TCP listener is refused.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$daemon" --instance "$inst" --listen "127.0.0.1:$port" >"$work/tcp.log" 2>&1
check "without --dev a TCP listener is refused" "grep -q 'add --dev' '$work/tcp.log'"
"$daemon" --instance "$inst" --listen "127.0.0.1:$port" --dev >>"$log" 2>&1 &
tpid=$!
pids+=("$tpid")
for _ in $(seq 100); do
	st=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")
	[ "$st" = 200 ] && break
	sleep 0.1
done
check "--dev: a TCP listener on loopback answers GET / ($st)" "[ '$st' = 200 ]"
st=$(conn raw "127.0.0.1:$port" "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n" | head -1)
check "--dev: two Host headers still get 400 ($st)" "[ '$st' = 400 ]"
stop "$tpid"

# Nothing about a client in the logs.
check "the logs name no client" "! grep -qi 'onion\|trickle\|curl\|python' '$log' '$jlog'"

echo "passed $passed, failed $failed"
[ "$failed" = 0 ]
