#!/usr/bin/env bash
# Integration test of a journalist changing their own passphrase
# (journalist-iface/pages_account.c): the real sealdrop-journalist on a unix
# socket, driven with curl.
#
#  - an account an admin made is asked, at login and on every page, for a
#    new passphrase; the change needs the current passphrase (a wrong one
#    changes nothing); the new one is generated (7 words), shown once, and
#    the only one that works after; the journalist's other sessions end;
#    it is audited; the request to change it is gone; an admin's reset
#    (sealdrop-admin journalist reset --passphrase) asks again; French;
#    neither passphrase reaches the log.
#
# usage: journalist_account.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
jdaemon=$build/bin/sealdrop-journalist

. "$src/tests/integration/lib.sh" jaccount
needs curl oathtool sqlite3

inst=$work/inst
init_instance "Test drop"
add_journalist alice
apass=$alice_pass
asecret=$alice_secret
launch "$work/journalist.log" "$inst/journalist.sock" "$jdaemon" --instance "$inst"

db() { sqlite3 "$inst/sealdrop.db" "$1"; }
# login JAR PASS OFFSET: status of POST /login (OFFSET: seconds for the code).
login() {
	rm -f "$1"
	jreq "$1" GET /login >/dev/null
	local t; t=$(csrf_of)
	jreq "$1" POST /login --data-urlencode "csrf_token=$t" --data-urlencode "username=alice" \
		--data-urlencode "passphrase=$2" --data-urlencode "code=$(oathtool --totp -b -N "now + $3 seconds" "$asecret")"
}
location() { sed -n 's/^[Ll]ocation: *//p' "$work/headers" | tr -d '\r'; }

[ "$(db "SELECT must_change_pw FROM journalists WHERE name = 'alice'")" = 1 ] &&
	ok "a new account is to change its passphrase" || ko "must_change_pw not set"
A=$work/a.jar
B=$work/b.jar
st=$(login "$A" "$apass" -30)
[ "$st" = 303 ] && [ "$(location)" = "/account#passphrase-h" ] &&
	ok "the first login leads to the account page" || ko "login: $st $(location)"
st=$(jreq "$A" GET /account)
expect "it says why" "$st" 200 'saw your passphrase when they set it'
st=$(jreq "$A" GET /sources)
expect "every page asks for a new passphrase" "$st" 200 'id="must-change"'
st=$(login "$B" "$apass" 0)
expect "a second session of alice" "$st" 303
jreq "$A" GET /account >/dev/null; t=$(csrf_of)
old=$(db "SELECT pw_hash FROM journalists WHERE name = 'alice'")

st=$(jreq "$A" POST /account/passphrase --data-urlencode "csrf_token=$t" --data-urlencode "passphrase=wrong words")
[ "$st" = 303 ] && jreq "$A" GET /account >/dev/null && grep -q 'That is not your passphrase' "$work/body" &&
	ok "a wrong current passphrase is refused" || ko "wrong current passphrase: $st"
[ "$(db "SELECT pw_hash FROM journalists WHERE name = 'alice'")" = "$old" ] && ok "and changes nothing" || ko "hash changed"
db "UPDATE journalists SET failures = 0, locked_until = 0 WHERE name = 'alice'"
st=$(jreq "$A" POST /account/passphrase --data-urlencode "passphrase=$apass")
expect "without the CSRF token: refused" "$st" 403 'expired'
st=$(jreq "$A" POST /account/passphrase --data-urlencode "csrf_token=$t" --data-urlencode "passphrase=$apass")
expect "the change" "$st" 200 'shown only this once'
new=$(sed -n 's/.*id="passphrase-new"[^>]*>\([^<]*\)<.*/\1/p' "$work/body")
[ "$(wc -w <<<"$new")" = 7 ] && [ "$new" != "$apass" ] && ok "a new passphrase of 7 words" || ko "new passphrase '$new'"
grep -q 'id="must-change"' "$work/body" && ko "still asked to change it" || ok "no longer asked to change it"
[ "$(db "SELECT must_change_pw FROM journalists WHERE name = 'alice'")" = 0 ] && ok "must_change_pw cleared" || ko "must_change_pw"
[ "$(db "SELECT count(*) FROM audit WHERE action = 'changed their passphrase' AND actor = 'alice'")" = 1 ] &&
	ok "audited" || ko "not audited"
grep -q "Cache-Control: no-store" "$work/headers" && ok "the page is not stored" || ko "no Cache-Control: no-store"
st=$(jreq "$A" GET /sources)
expect "this session goes on" "$st" 200
grep -q 'id="must-change"' "$work/body" && ko "the list still asks" || ok "the list no longer asks"
st=$(jreq "$B" GET /sources)
expect "the other session ended" "$st" 303
st=$(jreq "$A" GET /account)
grep -qF "$new" "$work/body" && ko "the passphrase is shown again" || ok "shown only once"
st=$(login "$work/c.jar" "$apass" 30)
expect "the old passphrase no longer works" "$st" 403 'Wrong user name'
db "UPDATE journalists SET failures = 0, locked_until = 0 WHERE name = 'alice'"
st=$(login "$work/c.jar" "  ${new^^} " 30) # the wrong passphrase did not use this code
[ "$st" = 303 ] && [ "$(location)" = "/sources" ] && ok "the new one works, straight to the list" || ko "new login: $st $(location)"
# An admin resets it (with a new second factor, so a fresh code is at
# hand at once): asked again, in French.
"$admin" journalist reset --instance "$inst" alice --passphrase --totp >"$work/reset" 2>&1 || ko "reset failed: $(cat "$work/reset")"
asecret=$(sed -n 's/^ *totp secret: *//p' "$work/reset")
[ "$(db "SELECT must_change_pw FROM journalists WHERE name = 'alice'")" = 1 ] && ok "an admin's reset asks again" || ko "reset did not set must_change_pw"
rpass=$(sed -n 's/^ *passphrase: *//p' "$work/reset")
jreq "$work/d.jar" GET "/login?lang=fr" >/dev/null
t=$(csrf_of)
st=$(jreq "$work/d.jar" POST /login --data-urlencode "csrf_token=$t" --data-urlencode "username=alice" \
	--data-urlencode "passphrase=$rpass" --data-urlencode "code=$(oathtool --totp -b "$asecret")")
[ "$st" = 303 ] && [ "$(location)" = "/account#passphrase-h" ] && ok "after a reset the login asks again" || ko "login after reset: $st $(location)"
st=$(jreq "$work/d.jar" GET /account)
expect "in French" "$st" 200 'Changer de phrase de passe'
for s in "$apass" "$new" "$rpass"; do
	grep -qF "$s" "$work/journalist.log" && ko "a passphrase is in the log"
done
ok "no passphrase in the log"

# --- the enrolment QR code is a PNG (Tor Browser at "Safest" may not show SVG) ---
# qr_png FILE: 0 when FILE is a valid PNG holding a QR code: 1-bit
# grayscale, square, 6x6-pixel modules, a white quiet zone of 4 modules,
# and the three finder patterns (7x7 rings) in their corners.
qr_png() {
	python3 - "$1" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
assert d[:8] == b'\x89PNG\r\n\x1a\n', 'signature'
pos, idat, ihdr = 8, b'', None
while pos < len(d):
    n, t = struct.unpack('>I4s', d[pos:pos + 8])
    body = d[pos + 8:pos + 8 + n]
    assert zlib.crc32(t + body) == struct.unpack('>I', d[pos + 8 + n:pos + 12 + n])[0], 'crc'
    if t == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
    if t == b'IDAT': idat += body
    pos += 12 + n
w, h, depth, color = ihdr[:4]
assert w == h and depth == 1 and color == 0 and w % 6 == 0, ihdr
raw, stride, rows, prev = zlib.decompress(idat), (w + 7) // 8, [], None
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - 1] if i else 0
        b = prev[i] if prev else 0
        c = prev[i - 1] if prev and i else 0
        p = a + b - c
        pr = a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c) else c
        line[i] = (line[i] + [0, a, b, (a + b) // 2, pr][f]) & 255
    rows.append(line); prev = line
dark = lambda x, y: not (rows[y][x // 8] >> (7 - x % 8)) & 1
m = w // 6
mod = [[dark(x * 6, y * 6) for x in range(m)] for y in range(m)]
for y in range(h):
    for x in range(w):
        assert dark(x, y) == mod[y // 6][x // 6], 'modules are 6x6 blocks'
q = 4
assert not any(mod[y][x] for y in range(m) for x in range(m) if min(x, y) < q or max(x, y) >= m - q), 'quiet zone'
for ox, oy in ((q, q), (m - q - 7, q), (q, m - q - 7)):
    for y in range(7):
        for x in range(7):
            ring = x in (0, 6) or y in (0, 6) or (2 <= x <= 4 and 2 <= y <= 4)
            assert mod[oy + y][ox + x] == ring, 'finder pattern'
PY
}
st=$(jreq "$work/d.jar" GET /account/qr.png)
expect "no enrolment under way: no QR code" "$st" 404
jreq "$work/d.jar" GET "/account?lang=en" >/dev/null; t=$(csrf_of)
st=$(jreq "$work/d.jar" POST /account/totp -d "csrf_token=$t&action=start")
st=$(jreq "$work/d.jar" GET /account)
expect "the enrolment page" "$st" 200 '<img class="qr" src="/account/qr.png"'
grep -q '<svg' "$work/body" && ko "the enrolment page still has SVG" || ok "no SVG on the enrolment page"
grep -q 'id="totp-secret">[A-Z2-7]\{32\}<' "$work/body" && ok "the text secret is beside it" || ko "no text secret"
st=$(OUT=$work/qr.png jreq "$work/d.jar" GET /account/qr.png)
[ "$st" = 200 ] && grep -qi '^Content-Type: image/png' "$work/headers" && ok "GET /account/qr.png is a PNG" || ko "qr.png: $st"
grep -qi '^Cache-Control: no-store' "$work/headers" && ok "the QR code is not stored" || ko "qr.png without no-store"
qr_png "$work/qr.png" && ok "it holds a QR code (modules, quiet zone, finder patterns)" || ko "not a QR code PNG"
if command -v pngcheck >/dev/null; then
	pngcheck -q "$work/qr.png" >/dev/null && ok "pngcheck accepts it" || ko "pngcheck: $(pngcheck "$work/qr.png")"
fi
st=$(jreq "$work/x.jar" GET /account/qr.png)
expect "without a session: to the login" "$st" 303

echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
