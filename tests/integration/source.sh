#!/usr/bin/env bash
# Integration test of sealdrop-source: the real daemon on a unix socket, not
# in --dev mode, driven with curl as Tor would (an onion Host header).
#
#  - the whole flow: generate, submit a message and three files (empty,
#    small, 200 MiB), log in again with the codename, read a reply sealed by
#    a test helper, delete it; every spool file decrypts with the test key to
#    exactly what was sent, name included;
#  - a unique marker in an upload is found nowhere in the instance, the
#    database, files written under /tmp during the test, response headers or
#    the daemon's log;
#  - every bad input gets its status, a page that says what went wrong, and
#    leaves nothing in spool/tmp.
#
# usage: source.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
daemon=$build/bin/sealdrop-source
sdcat=$build/bin/sdcat
sdreply=$build/bin/sdreply
key=$src/tests/vectors/key.key
pass=$src/tests/vectors/key.pass

. "$src/tests/integration/lib.sh" source
stamp=$work/stamp
touch "$stamp"

# --- an instance with small limits, and its daemon ----------------------------
inst=$work/inst
init_instance "Test drop"
cat >>"$inst/sealdrop.conf" <<EOF
EOF
sed -i 's/^max_submission_bytes = .*/max_submission_bytes = 262144000/;
        s/^max_files = .*/max_files = 5/; s/^argon2_concurrency = .*/argon2_concurrency = 1/;
s/^argon2_queue = .*/argon2_queue = 1/;
s/^connection_timeout = .*/connection_timeout = 10/' \
	"$inst/sealdrop.conf"
sock=$inst/source.sock

start_daemon() { launch "$2" "$1/source.sock" "$daemon" --instance "$1"; } # instance log
start_daemon "$inst" "$work/daemon.log"

# After start-up the daemon runs with no_new_privs and a seccomp filter
# (skipped in sanitizer builds, whose runtime may exec a symboliser).
dpid=${pids[0]}
if grep -q '^SD_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
	echo "note: sanitizer build, the sandbox is not applied"
elif grep -q '^Seccomp:[[:space:]]*2' "/proc/$dpid/status" &&
	grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$dpid/status"; then
	passed=$((passed + 1)); echo "ok: the daemon runs with no_new_privs and a seccomp filter"
else
	failed=$((failed + 1)); echo "FAIL: no seccomp filter: $(grep -E 'Seccomp|NoNewPrivs' "/proc/$dpid/status")"
fi
# It says which landlock it entered, the kernel's own.
check_landlock "the source daemon" "$work/daemon.log"

jar=$work/cookies
hdrs=$work/headers
# req METHOD PATH [curl args...]: prints the status; body in $work/body.
req() {
	local m=$1 p=$2
	shift 2
	curl -s --unix-socket "$sock" -X "$m" -b "$jar" -c "$jar" -D "$work/h1" \
		-o "$work/body" -w '%{http_code}' "$@" "http://$onion$p"
	cat "$work/h1" >>"$hdrs"
}
csrf_of() { grep -o 'name="csrf_token" value="[^"]*"' "$work/body" | head -1 | sed 's/.*value="//;s/"$//'; }
tmp_empty() { [ -z "$(ls -A "$inst/spool/tmp/source" 2>/dev/null)" ]; }
expect() { # name status want_status page_regex
	if [ "$2" != "$3" ]; then ko "$1: status $2, want $3"
	elif [ -n "$4" ] && ! grep -qiE "$4" "$work/body"; then ko "$1: page does not say: $4"
	elif ! tmp_empty; then ko "$1: spool/tmp not empty: $(ls "$inst/spool/tmp/source")"
	else ok "$1"; fi
}
items() { sqlite3 "$inst/sealdrop.db" 'SELECT count(*) FROM items'; }

# --- the whole flow -------------------------------------------------------------
st=$(req GET /)
expect "landing page" "$st" 200 'codename'
csrf=$(csrf_of)
st=$(req POST /generate -d "csrf_token=$csrf")
expect "generate" "$st" 200 'id="codename"'
codename=$(sed -n 's/.*id="codename"[^>]*>\([^<]*\)<.*/\1/p' "$work/body" | head -1)
[ "$(echo "$codename" | wc -w)" = 7 ] && ok "codename has 7 words" || ko "codename: '$codename'"
printf '%s\n' "$codename" >"$work/codename"

marker="MARKER-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir "$work/up"
: >"$work/up/empty.txt"
printf 'small file with %s inside\n' "$marker" >"$work/up/small.txt"
head -c $((200 * 1024 * 1024)) /dev/urandom >"$work/up/big.bin"
message="Bonjour. Hello from a source, with <html> & ünïcode."

st=$(req GET /lookup)
expect "lookup after generate" "$st" 200 'name="message"'
csrf=$(csrf_of)
before=$(items)
st=$(req POST /submit -F "csrf_token=$csrf" -F "message=$message" \
	-F "files=@$work/up/empty.txt" -F "files=@$work/up/small.txt" -F "files=@$work/up/big.bin")
expect "submit message and three files" "$st" 303 ''
[ $(( $(items) - before )) = 4 ] && ok "four items recorded" || ko "items: $before -> $(items)"

# Every spool file decrypts to exactly what was sent, name included.
declare -A want=([empty.txt]=$work/up/empty.txt [small.txt]=$work/up/small.txt [big.bin]=$work/up/big.bin)
found=0
spool_items() { find "$inst/spool" -path "$inst/spool/tmp" -prune -o -name '*.sdbox' -print; }
for f in $(spool_items); do
	if ! "$sdcat" "$key" "$pass" "$f" >"$work/plain" 2>"$work/meta"; then
		ko "decrypt $f: $(cat "$work/meta")"; continue
	fi
	name=$(sed -n 's/.* name=\(.*\) mime=.*/\1/p' "$work/meta")
	if grep -q '^kind=1 ' "$work/meta"; then
		[ "$(cat "$work/plain")" = "$message" ] && { ok "message decrypts exactly"; found=$((found + 1)); } ||
			ko "message differs"
	elif [ -n "${want[$name]:-}" ]; then
		cmp -s "$work/plain" "${want[$name]}" && { ok "$name decrypts exactly"; found=$((found + 1)); } ||
			ko "$name differs"
	else
		ko "unexpected item: $(cat "$work/meta")"
	fi
done
[ "$found" = 4 ] || ko "decrypted $found of 4 items"
# spool/<source>/<batch>/<item>.sdbox for a submission, nothing else.
(cd "$inst/spool" && find . -mindepth 1 -path ./tmp -prune -o -print) |
	grep -vxE '\./[0-9a-f]{32}(/[0-9a-f]{32}(/[0-9a-f]{32}\.sdbox)?)?' |
	grep -q . && ko "a spool name is not a random id" || ok "spool names are random ids"
[ "$(spool_items | xargs -n1 dirname | sort -u | wc -l)" = 1 ] &&
	ok "the four items of one submission are in one batch directory" ||
	ko "a submission spread over: $(spool_items | xargs -n1 dirname | sort -u)"

# Log out, log back in with the codename.
st=$(req GET /lookup); csrf=$(csrf_of)
st=$(req POST /logout -d "csrf_token=$csrf")
expect "logout: a page that says so" "$st" 200 'id="logged-out"'
grep -qi '^Clear-Site-Data: "cache", "cookies", "storage"' "$work/h1" &&
	ok "the logged-out page clears what the browser kept" || ko "no Clear-Site-Data on the logged-out page"
st=$(req GET /lookup)
expect "lookup after logout redirects" "$st" 303 ''
st=$(req GET /); csrf=$(csrf_of)
st=$(req POST /login --data-urlencode "csrf_token=$csrf" --data-urlencode "codename=  ${codename^^} ")
expect "login with the codename (case and spaces ignored)" "$st" 303 ''

# A reply sealed by the test helper, read, then deleted.
"$sdreply" "$inst" "$work/codename" "Thank you. Reply with <tags> & $marker-not-in-upload" ||
	ko "sdreply failed"
st=$(req GET /lookup)
expect "lookup shows the reply" "$st" 200 'Thank you. Reply with &lt;tags&gt; &amp;'
reply_id=$(grep -o 'name="reply_id" value="[0-9a-f]*"' "$work/body" | head -1 | sed 's/.*value="//;s/"$//')
csrf=$(csrf_of)
rfile=$(ls "$inst"/spool/*/"$reply_id".sdbox 2>/dev/null)
[ -n "$rfile" ] && ok "reply file exists" || ko "reply file missing"
st=$(req POST /reply/delete -d "csrf_token=$csrf&reply_id=$reply_id")
expect "delete the reply" "$st" 303 ''
[ ! -e "$rfile" ] && ok "reply file gone" || ko "reply file still there"
# The row stays only as a read receipt for journalists: marked deleted by
# the source, size 0, no file (docs/journalist-interface.md).
[ "$(sqlite3 "$inst/sealdrop.db" "SELECT count(*) FROM items WHERE kind = 3 AND NOT (source_deleted = 1 AND size = 0)")" = 0 ] &&
	[ "$(sqlite3 "$inst/sealdrop.db" "SELECT count(*) FROM items WHERE kind = 3 AND source_deleted = 1")" = 1 ] &&
	ok "the reply's row is only a read receipt (no content, no size)" || ko "reply row: $(sqlite3 "$inst/sealdrop.db" "SELECT * FROM items WHERE kind = 3")"
st=$(req POST /reply/delete -d "csrf_token=$csrf&reply_id=$reply_id")
expect "delete it again: 404" "$st" 404 'reply'

# --- bad input --------------------------------------------------------------------
st=$(req GET /lookup); csrf=$(csrf_of)
n0=$(items)
st=$(req POST /submit -F "message=no token")
expect "submit without CSRF token" "$st" 403 'expired'
st=$(req POST /submit -F "csrf_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" -F "message=x")
expect "submit with a wrong CSRF token" "$st" 403 'expired'
st=$(req POST /submit -F "message=token after" -F "csrf_token=$csrf")
expect "CSRF token not first" "$st" 403 'expired'
st=$(req POST /reply/delete -d "reply_id=00")
expect "delete without CSRF token" "$st" 403 'expired'
st=$(req POST /generate -d "csrf_token=nope")
expect "generate with a wrong CSRF token" "$st" 403 'expired'
st=$(curl -s --unix-socket "$sock" -o "$work/body" -w '%{http_code}' http://127.0.0.1/)
expect "non-onion Host" "$st" 403 'onion'
st=$(curl -s --unix-socket "$sock" -o "$work/body" -w '%{http_code}' -H 'Host: evil.example' http://x/)
expect "another non-onion Host" "$st" 403 'onion'
st=$(req POST /submit -F "csrf_token=$csrf" -F "files=@$work/up/big.bin" -F "files=@$work/up/big.bin;filename=b2")
expect "over-size upload (Content-Length)" "$st" 413 'larger'
st=$(req POST /submit -H 'Transfer-Encoding: chunked' -F "csrf_token=$csrf" \
	-F "files=@$work/up/big.bin" -F "files=@$work/up/big.bin;filename=b2")
expect "over-size upload (chunked)" "$st" 413 'larger'
args=(); for i in 1 2 3 4 5 6; do args+=(-F "files=@$work/up/small.txt;filename=f$i.txt"); done
st=$(req POST /submit -F "csrf_token=$csrf" "${args[@]}")
expect "too many files" "$st" 413 'too many'
st=$(req POST /submit -H 'Content-Type: multipart/form-data; boundary=XYZ' \
	--data-binary $'--XYZ\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'"$csrf"$'\r\n--XYZ\r\nContent-Disposit')
expect "malformed multipart" "$st" 400 'not understood'
st=$(req POST /submit -H 'Content-Type: text/plain' --data-binary 'hello')
expect "not multipart" "$st" 400 'not understood'
st=$(req POST /submit -F "csrf_token=$csrf" -F "message=")
expect "empty submission" "$st" 400 'message or choose a file'
printf 'x%.0s' $(seq 100001) >"$work/long.txt"
st=$(req POST /submit -F "csrf_token=$csrf" -F "message=<$work/long.txt")
expect "message too long" "$st" 413 'longer'
[ "$(items)" = "$n0" ] && ok "no bad submission was recorded" || ko "items changed: $n0 -> $(items)"

st=$(req GET /); csrf=$(csrf_of)
st=$(req POST /login -d "csrf_token=$csrf&codename=abacus+abacus+abacus+abacus+abacus+abacus+abacus")
expect "unknown codename" "$st" 403 'not recognised'
st=$(req POST /login -d "csrf_token=$csrf&codename=robert%27);DROP+TABLE+sources;--")
expect "malformed codename" "$st" 403 'not recognised'

# A login storm beyond the gate (one derivation at a time, one waiting):
# some get 503 (tests/integration/attack_source.sh shows a real source
# served in turn with the default queue).
for i in $(seq 8); do
	curl -s --unix-socket "$sock" -b "$jar" -o "$work/storm$i" -w '%{http_code}\n' \
		-d "csrf_token=$csrf&codename=abacus+abacus+abacus+abacus+abacus+abacus+zoom" \
		"http://$onion/login" >"$work/storm$i.st" &
done
wait $(jobs -p | grep -v "^${pids[0]}$") 2>/dev/null
n503=$(cat "$work"/storm*.st | grep -c '^503$')
n403=$(cat "$work"/storm*.st | grep -c '^403$')
if [ "$n503" -ge 1 ] && [ $((n503 + n403)) = 8 ] && grep -qi 'try again' "$(grep -l 'Busy\|busy\|try again' "$work"/storm[0-9] | head -1)"; then
	ok "login storm: $n503 of 8 got 503 busy"
else
	ko "login storm: 503=$n503 403=$n403"
fi

# A file name with ../ and control characters: kept only inside the encryption.
st=$(req GET /lookup); csrf=$(csrf_of)
before_files=$(spool_items | wc -l)
st=$(req POST /submit -F "csrf_token=$csrf" \
	-F $'files=@'"$work/up/small.txt"$';filename=../../x\x01y\x1b[31m.txt')
expect "hostile file name accepted" "$st" 303 ''
newest_id=$(sqlite3 "$inst/sealdrop.db" 'SELECT lower(hex(item_id)) FROM items ORDER BY id DESC LIMIT 1')
newest=$(find "$inst/spool" -name "$newest_id.sdbox")
"$sdcat" "$key" "$pass" "$newest" >/dev/null 2>"$work/meta"
grep -q 'name=../../x\\x01y\\x1b\[31m.txt ' "$work/meta" && ok "hostile name kept inside the encryption" ||
	ko "hostile name: $(cat "$work/meta")"
find "$inst" | grep -q 'x.y\|\.\./' && ko "hostile name leaked into the file system" ||
	ok "no file name from the client on disk"

# A body whose network reads end a few bytes into a part's content (Tor cells
# make this common): each part is still one item, none is refused.
split_post() { # split-after-bytes-into-content
	python3 - "$sock" "$onion" "$(sed -n 's/.*sd_session\t//p' "$jar" | tail -1)" "$csrf" "$1" <<'PY'
import socket, sys, time
sock, onion, sess, csrf, cut = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
b = "XyZbOuNdArY"
parts = [("csrf_token", None, csrf.encode()), ("message", None, b"split message body"),
         ("files", "split.txt", b"split file content, 35 bytes long.")]
chunks, body = [], b""
for name, fn, data in parts:
    head = '--%s\r\nContent-Disposition: form-data; name="%s"' % (b, name)
    if fn:
        head += '; filename="%s"\r\nContent-Type: text/plain' % fn
    head += "\r\n\r\n"
    body += head.encode()
    if name != "csrf_token":
        chunks.append(len(body) + cut)
    body += data + b"\r\n"
body += ("--%s--\r\n" % b).encode()
req = ("POST /submit HTTP/1.1\r\nHost: %s\r\nCookie: sd_session=%s\r\n"
       "Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n"
       "Connection: close\r\n\r\n" % (onion, sess, b, len(body))).encode()
s = socket.socket(socket.AF_UNIX)
s.connect(sock)
s.sendall(req)
prev = 0
for c in chunks:
    s.sendall(body[prev:c]); time.sleep(0.2); prev = c
s.sendall(body[prev:])
print(s.recv(100).split(b" ")[1].decode())
PY
}
for cut in 0 2 4 6; do
	st=$(req GET /lookup); csrf=$(csrf_of)
	n2=$(items)
	st=$(split_post "$cut")
	added=$(( $(items) - n2 ))
	[ "$st" = 303 ] && [ "$added" = 2 ] && ok "body split $cut bytes into a part: 2 items" ||
		ko "body split $cut bytes into a part: status $st, $added items"
done

# A client that disconnects mid-upload leaves nothing.
n1=$(items)
curl -s --unix-socket "$sock" -b "$jar" --limit-rate 2M -o /dev/null \
	-F "csrf_token=$csrf" -F "files=@$work/up/big.bin" "http://$onion/submit" &
cpid=$!
sleep 1.5
[ -n "$(ls -A "$inst/spool/tmp/source")" ] && ok "an upload in progress is in spool/tmp" ||
	ko "no file in spool/tmp during the upload"
kill "$cpid"; wait "$cpid" 2>/dev/null
for _ in $(seq 50); do tmp_empty && break; sleep 0.1; done
tmp_empty && [ "$(items)" = "$n1" ] && ok "disconnect mid-upload leaves nothing" ||
	ko "after a disconnect: tmp=$(ls "$inst/spool/tmp/source") items $n1 -> $(items)"

# A small form has a bound whatever the transfer encoding.
st=$(req GET /); csrf=$(csrf_of)
head -c 20000 /dev/zero | tr '\0' 'a' >"$work/bigform"
st=$(req POST /login -H 'Transfer-Encoding: chunked' --data-binary "@$work/bigform")
expect "oversized small form (chunked)" "$st" 400 'not understood|pas été compris'
# A new codename while logged in ends the old session.
cp "$jar" "$work/oldjar"
st=$(req GET /lookup); csrf=$(csrf_of)
st=$(req POST /generate -d "csrf_token=$csrf")
st=$(curl -s --unix-socket "$sock" -b "$work/oldjar" -o /dev/null -w '%{http_code}' "http://$onion/lookup")
[ "$st" = 303 ] && ok "the session before /generate is gone" || ko "old session still alive: $st"

# Wrong methods and unknown paths.
st=$(req GET /submit); expect "GET /submit" "$st" 405 'does not accept|accepte pas'
grep -qi '^Allow: POST' "$work/h1" && ok "405 names the allowed method" || ko "no Allow header"
st=$(req GET /nope); expect "unknown path" "$st" 404 'no page'
st=$(req GET /metadata)
if [ "$st" = 200 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["instance"]=="Test drop" and "fr" in d["languages"] and d["limits"]["max_files"]==5' "$work/body"; then
	ok "metadata JSON"
else ko "metadata: $st $(cat "$work/body")"; fi
st=$(req GET /static/style.css)
[ "$st" = 200 ] && grep -qi '^Content-Type: text/css' "$work/h1" && ok "style sheet" || ko "style sheet: $st"
st=$(req GET '/?lang=fr')
[ "$st" = 303 ] && grep -qi '^Set-Cookie: sd_lang=fr' "$work/h1" && ok "language switch sets a cookie" ||
	ko "language switch: $st"
st=$(req GET /)
grep -q 'lang="fr"' "$work/body" && ok "pages in French after the switch" || ko "not French"
st=$(req POST /login -d "csrf_token=$(csrf_of)&codename=abacus")
grep -q 'lang="fr"' "$work/body" && [ "$st" = 403 ] && ok "error page in the source's language" ||
	ko "error page language"

# --- instance settings (sealdrop-admin settings set; read on every request) -------
set_setting() { "$admin" settings set --instance "$inst" "$1" "$2" >/dev/null || ko "settings set $1 $2"; }
set_setting instance_name "Renamed drop"
set_setting default_language fr
set_setting accept_files 0
set_setting max_submission_bytes 1048576
set_setting min_first_message_chars 12
st=$(req GET /metadata)
grep -q '"instance":"Renamed drop"' "$work/body" && grep -q '"accepts_files":false' "$work/body" &&
	grep -q '"max_submission_bytes":1048576' "$work/body" && grep -q '"default_language":"fr"' "$work/body" &&
	grep -q '"min_first_message_chars":12' "$work/body" &&
	ok "metadata reports the settings" || ko "metadata: $(cat "$work/body")"
mv "$jar" "$work/jar.saved"
st=$(req GET /)
grep -q 'Renamed drop' "$work/body" && grep -q 'lang="fr"' "$work/body" &&
	ok "pages use the instance name and default language from settings" || ko "name or language not applied"
csrf=$(csrf_of); st=$(req POST /generate -d "csrf_token=$csrf")
st=$(req GET /lookup); csrf=$(csrf_of)
grep -q 'id="no-files"' "$work/body" && ! grep -q 'type="file"' "$work/body" &&
	ok "the form says files are not accepted" || ko "the form still offers files"
n0=$(items)
st=$(req POST /submit -F "csrf_token=$csrf" -F "message=long enough message here" -F "files=@$work/up/small.txt")
expect "a file is refused when accept_files is 0" "$st" 400 ''
[ "$(items)" = "$n0" ] && ok "no row after the refused file" || ko "rows after refusal"
st=$(req POST /submit -F "csrf_token=$csrf" -F "message=ééééé court")
expect "a first message under min_first_message_chars is refused" "$st" 400 '12'
set_setting min_first_message_chars 11
st=$(req POST /submit -F "csrf_token=$csrf" -F "message=ééééé court")
expect "11 UTF-8 characters pass a minimum of 11" "$st" 303 ''
st=$(req POST /submit -F "csrf_token=$csrf" -F "message=ok")
expect "a later short message is accepted" "$st" 303 ''
set_setting accept_files 1
head -c 1200000 /dev/urandom >"$work/up/over.bin"
st=$(req POST /submit -F "csrf_token=$csrf" -F "files=@$work/up/over.bin")
expect "a body over max_submission_bytes from settings is 413" "$st" 413 ''
st=$(req POST /submit -F "csrf_token=$csrf" -F "files=@$work/up/small.txt")
expect "files are accepted again" "$st" 303 ''
[ "$(items)" = $((n0 + 3)) ] && ok "exactly the accepted items were stored" || ko "items: $(items), want $((n0 + 3))"
set_setting min_first_message_chars 0
set_setting accept_files 1
set_setting max_submission_bytes 262144000
set_setting default_language en
mv "$work/jar.saved" "$jar"

# --- a disk at its reserve: a second instance whose reserve cannot be met -----------
inst2=$work/inst2
"$admin" init --instance "$inst2" --recipient "$src/tests/vectors/key.pub" >/dev/null
sed -i 's/^spool_reserve_bytes = .*/spool_reserve_bytes = 4611686018427387904/' "$inst2/sealdrop.conf"
start_daemon "$inst2" "$work/daemon2.log"
sock_main=$sock; sock=$inst2/source.sock; inst_main=$inst; inst=$inst2
st=$(req GET /); csrf=$(csrf_of)
st=$(req POST /generate -d "csrf_token=$csrf")
st=$(req GET /lookup); csrf=$(csrf_of)
st=$(req POST /submit -F "csrf_token=$csrf" -F "files=@$work/up/small.txt")
expect "disk at its reserve" "$st" 507 'space|place'
sock=$sock_main; inst=$inst_main

# --- headers on every response, and the marker --------------------------------------
for h in "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" \
	"Referrer-Policy: no-referrer" "X-Content-Type-Options: nosniff" "Cache-Control: no-store" \
	"Cross-Origin-Opener-Policy: same-origin"; do
	nresp=$(grep '^HTTP/' "$hdrs" | grep -vc ' 100')
	nh=$(grep -cF "$h" "$hdrs")
	[ "$nresp" = "$nh" ] && ok "every response ($nresp) has: ${h%%:*}" || ko "${h%%:*} on $nh of $nresp responses"
done
grep -qi '^Server:' "$hdrs" && ko "a Server header was sent" || ok "no Server header"
grep -i 'Set-Cookie: sd_session' "$hdrs" | grep -qv 'HttpOnly; SameSite=Strict' &&
	ko "session cookie without HttpOnly/SameSite" || ok "session cookies are HttpOnly, SameSite=Strict"

leaks=$(grep -rlaF "$marker" "$inst" "$inst2" "$hdrs" "$work/daemon.log" "$work/daemon2.log" 2>/dev/null)
# Files written under /tmp during the test, except the test's own copies of
# the uploads (its work directory may itself be under /tmp).
tmpleaks=$(find /tmp -xdev -path "$work" -prune -o -type f -newer "$stamp" -size -300M -print 2>/dev/null |
	xargs -r grep -laF "$marker" 2>/dev/null)
[ -z "$leaks$tmpleaks" ] && ok "the marker is nowhere outside the encryption" || ko "marker found in: $leaks $tmpleaks"
grep -qF "$codename" "$work/daemon.log" && ko "codename in the log" || ok "no codename in the log"
grep -qE 'small.txt|big.bin|empty.txt|[0-9]{6,}' "$work/daemon.log" && ko "a name or size in the log" ||
	ok "no file name or size in the log"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
