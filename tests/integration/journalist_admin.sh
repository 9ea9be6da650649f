#!/usr/bin/env bash
# Integration test of the admin pages of sealdrop-journalist (and their
# effect on sealdrop-source): both real daemons on unix sockets, not in
# --dev mode, driven with curl; codes from oathtool.
#
#  - a non-admin gets 403 on every /admin route, GET and POST; every admin
#    POST without the CSRF token gets 403;
#  - journalists: add through the page (the new journalist logs in with the
#    credentials shown once), bad and taken names, reset passphrase and
#    two-factor (sessions end), remove (confirmation, the session dies at
#    once), an admin cannot remove themselves;
#  - recipient keys: add, a broken checksum, not a key, a duplicate,
#    remove (confirmation), the last one refused, malformed and unknown ids;
#  - settings: validation errors keep the typed values; the source side
#    honours instance name, accept_files, the size limit and the minimum
#    first message, and leaves nothing behind when it refuses;
#  - the audit log lists every action and no source-written text;
#  - the retention purge removes back-dated items, files and sources.
#
# usage: journalist_admin.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
sdaemon=$build/bin/sealdrop-source
jdaemon=$build/bin/sealdrop-journalist
command -v oathtool >/dev/null || { echo "oathtool is missing (apt-get install oathtool)"; exit 1; }

. "$src/tests/integration/lib.sh" jadmin

inst=$work/inst
init_instance "Test drop"
sed -i 's/^argon2_concurrency = .*/argon2_concurrency = 2/' "$inst/sealdrop.conf"

add_journalist alice --admin
add_journalist carol

start() { # daemon sock log: a restart onto the same log
	rm -f "$2"
	launch -a "$3" "$2" "$1" --instance "$inst"
}
start "$sdaemon" "$inst/source.sock" "$work/source.log"
start "$jdaemon" "$inst/journalist.sock" "$work/journalist.log"
jpid=${pids[1]}

db() { sqlite3 -cmd ".timeout 5000" "$inst/sealdrop.db" "$1"; }
login() { # JAR USER PASS SECRET: status of POST /login
	rm -f "$1"
	jreq "$1" GET /login >/dev/null
	local t; t=$(csrf_of)
	jreq "$1" POST /login --data-urlencode "csrf_token=$t" --data-urlencode "username=$2" \
		--data-urlencode "passphrase=$3" --data-urlencode "code=$(oathtool --totp -b "$4")"
}
code_of() { sed -n "s/.*<code id=\"$1\">\([^<]*\)<.*/\1/p" "$work/body" | head -1; }

A=$work/alice.jar
C=$work/carol.jar
expect "alice (admin) logs in" "$(login "$A" alice "$alice_pass" "$alice_secret")" 303
expect "carol (journalist) logs in" "$(login "$C" carol "$carol_pass" "$carol_secret")" 303
jreq "$A" GET /admin/journalists >/dev/null; AT=$(csrf_of)
jreq "$C" GET /sources >/dev/null; CT=$(csrf_of)
carol_id=$(db "SELECT id FROM journalists WHERE name = 'carol'")
rid=$(db "SELECT id FROM recipients LIMIT 1")

# --- a non-admin, and missing CSRF ---------------------------------------------------
for p in /admin/journalists /admin/recipients /admin/settings /admin/audit; do
	expect "non-admin GET $p is 403" "$(jreq "$C" GET "$p")" 403
done
posts="/admin/journalists /admin/journalist/$carol_id/reset /admin/journalist/$carol_id/remove
/admin/recipients /admin/recipient/$rid/remove /admin/settings"
for p in $posts; do
	expect "non-admin POST $p is 403" "$(jreq "$C" POST "$p" -d "csrf_token=$CT&confirm=1&what=totp&name=zed")" 403
	expect "admin POST $p without CSRF is 403" "$(jreq "$A" POST "$p" -d "confirm=1&what=totp&name=zed")" 403
	expect "admin POST $p with a wrong CSRF token is 403" \
		"$(jreq "$A" POST "$p" -d "csrf_token=${CT}&confirm=1&what=totp&name=zed")" 403
done
check "carol was neither reset nor removed, no zed" \
	"[ \"\$(db \"SELECT count(*) FROM journalists WHERE name IN ('carol')\")\" = 1 ] && [ \"\$(db \"SELECT count(*) FROM journalists WHERE name = 'zed'\")\" = 0 ]"
expect "carol still logged in" "$(jreq "$C" GET /sources)" 200

# --- journalists ---------------------------------------------------------------------
st=$(jreq "$A" GET /admin/journalists)
expect "the journalists page lists them" "$st" 200 'carol'
grep -q 'tor-client add' "$work/body" && ok "the page says how to make tor client keys" || ko "no tor note"
st=$(jreq "$A" POST /admin/journalists --data-urlencode "csrf_token=$AT" --data-urlencode "name=Bad Name!")
expect "a bad user name is refused" "$st" 400 'user name is 1 to 32'
st=$(jreq "$A" POST /admin/journalists --data-urlencode "csrf_token=$AT" --data-urlencode "name=carol")
expect "a taken user name is refused" "$st" 400 'already exists'
st=$(jreq "$A" POST /admin/journalists --data-urlencode "csrf_token=$AT" --data-urlencode "name=dave")
expect "alice adds dave" "$st" 200 'shown once'
dave_pass=$(code_of new-passphrase); dave_secret=$(code_of new-totp)
[ "$(wc -w <<<"$dave_pass")" = 7 ] && ok "dave's passphrase has 7 words" || ko "passphrase '$dave_pass'"
[[ $dave_secret =~ ^[A-Z2-7]{32}$ ]] && ok "dave's secret is base32" || ko "secret '$dave_secret'"
grep -q 'otpauth://totp/' "$work/body" && grep -q '<img class="qr" src="/admin/qr.png"' "$work/body" &&
	ok "the page has the otpauth URI and a QR code" || ko "no URI or QR code"
grep -q '<svg' "$work/body" && ko "the credentials page still has SVG" || ok "no SVG on the credentials page"
st=$(OUT=$work/dave-qr.png jreq "$A" GET /admin/qr.png)
[ "$st" = 200 ] && grep -qi '^Content-Type: image/png' "$work/headers" &&
	[ "$(head -c 8 "$work/dave-qr.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
	ok "the QR code is a PNG" || ko "admin qr.png: $st"
st=$(jreq "$A" GET /admin/qr.png)
expect "the QR code is served once" "$st" 404
check "dave is not an admin" "[ \"\$(db \"SELECT is_admin FROM journalists WHERE name = 'dave'\")\" = 0 ]"
grep -rqF "$dave_pass" "$inst" && ko "dave's passphrase is stored in clear" || ok "dave's passphrase is not stored"
D=$work/dave.jar
expect "dave logs in with the credentials shown" "$(login "$D" dave "$dave_pass" "$dave_secret")" 303
expect "dave (journalist) gets 403 on /admin/settings" "$(jreq "$D" GET /admin/settings)" 403
dave_id=$(db "SELECT id FROM journalists WHERE name = 'dave'")
st=$(jreq "$A" POST "/admin/journalist/$dave_id/reset" -d "csrf_token=$AT&what=passphrase")
expect "reset dave's passphrase" "$st" 200 'shown once'
new_pass=$(code_of new-passphrase)
[ -n "$new_pass" ] && [ "$new_pass" != "$dave_pass" ] && ok "a new passphrase is shown" || ko "new passphrase '$new_pass'"
grep -q 'id="new-totp"' "$work/body" && ko "a passphrase reset shows a TOTP secret" || ok "only the passphrase was reset"
st=$(jreq "$D" GET /sources)
[ "$st" = 302 ] || [ "$st" = 303 ] && ok "dave's session ended at the reset" || ko "dave still in after reset: $st"
st=$(jreq "$A" POST "/admin/journalist/$dave_id/reset" -d "csrf_token=$AT&what=totp")
expect "reset dave's two-factor" "$st" 200 'shown once'
new_secret=$(code_of new-totp)
[ -n "$new_secret" ] && [ "$new_secret" != "$dave_secret" ] && ok "a new secret is shown" || ko "new secret '$new_secret'"
expect "dave logs in with the new passphrase and secret" "$(login "$D" dave "$new_pass" "$new_secret")" 303
expect "a bad reset kind is 400" "$(jreq "$A" POST "/admin/journalist/$dave_id/reset" -d "csrf_token=$AT&what=x")" 400
for bad in 0 01 -1 abc 999999 1e3 99999999999999999999; do
	expect "journalist id '$bad' is 404" "$(jreq "$A" POST "/admin/journalist/$bad/reset" -d "csrf_token=$AT&what=totp")" 404
done
alice_id=$(db "SELECT id FROM journalists WHERE name = 'alice'")
st=$(jreq "$A" POST "/admin/journalist/$alice_id/remove" -d "csrf_token=$AT&confirm=1")
expect "alice cannot remove herself" "$st" 400 'your own account'
st=$(jreq "$A" POST "/admin/journalist/$dave_id/remove" -d "csrf_token=$AT")
expect "removing asks for a confirmation" "$st" 200 'name="confirm" value="1"'
check "dave is still there before confirming" "[ \"\$(db \"SELECT count(*) FROM journalists WHERE name = 'dave'\")\" = 1 ]"
expect "dave's session is still alive" "$(jreq "$D" GET /sources)" 200
expect "alice removes dave" "$(jreq "$A" POST "/admin/journalist/$dave_id/remove" -d "csrf_token=$AT&confirm=1")" 303
check "dave's row is gone" "[ \"\$(db \"SELECT count(*) FROM journalists WHERE name = 'dave'\")\" = 0 ]"
st=$(jreq "$D" GET /sources)
[ "$st" = 302 ] || [ "$st" = 303 ] && ok "dave's session died at once" || ko "dave still in after removal: $st"
# A reset made on the server's command line ends the sessions opened with
# the old credentials too (the daemon notices the account changed).
add_journalist erin
E=$work/erin.jar
expect "erin logs in" "$(login "$E" erin "$erin_pass" "$erin_secret")" 303
expect "erin's session works" "$(jreq "$E" GET /sources)" 200
ET=$(csrf_of)
expect "erin starts a new two-factor" "$(jreq "$E" POST /account/totp -d "csrf_token=$ET&action=start")" 303
jreq "$E" GET /account >/dev/null; erin_new=$(code_of totp-secret)
# The session alone is not enough: the passphrase is asked again.
st=$(jreq "$E" POST /account/totp -d "csrf_token=$ET&action=confirm&code=$(oathtool --totp -b "$erin_new")")
expect "confirming without the passphrase changes nothing" "$st" 303
jreq "$E" GET /account >/dev/null
grep -q 'not your passphrase' "$work/body" && ok "it says the passphrase is needed" || ko "no passphrase message"
st=$(jreq "$E" POST /account/totp --data-urlencode "csrf_token=$ET" -d "action=confirm" \
	--data-urlencode "passphrase=wrong words entirely" --data-urlencode "code=$(oathtool --totp -b "$erin_new")")
jreq "$E" GET /account >/dev/null
grep -q 'not your passphrase' "$work/body" && ok "a wrong passphrase changes nothing" || ko "wrong passphrase accepted"
check "the secret is unchanged so far" "[ \"\$(db \"SELECT count(*) FROM audit WHERE actor = 'erin' AND action = 'two-factor changed'\")\" = 0 ]"
check "the wrong passphrase is audited" "[ \"\$(db \"SELECT count(*) FROM audit WHERE actor = 'erin' AND action = 'failed passphrase check'\")\" = 1 ]"
st=$(jreq "$E" POST /account/totp --data-urlencode "csrf_token=$ET" -d "action=confirm" \
	--data-urlencode "passphrase=$erin_pass" --data-urlencode "code=$(oathtool --totp -b "$erin_new")")
expect "erin confirms it with her passphrase" "$st" 303
expect "erin's own session stays open after her change" "$(jreq "$E" GET /account)" 200 'new two-factor code is set up'
"$admin" journalist reset --instance "$inst" erin --passphrase >/dev/null 2>&1 || ko "journalist reset failed"
st=$(jreq "$E" GET /sources)
[ "$st" = 302 ] || [ "$st" = 303 ] && ok "a command-line passphrase reset ends erin's session" ||
	ko "erin still in after a command-line reset: $st"
"$admin" journalist remove --instance "$inst" erin >/dev/null 2>&1 || ko "journalist remove failed"

# --- recipient keys -------------------------------------------------------------------
expect "the recipients page" "$(jreq "$A" GET /admin/recipients)" 200 'sdpk1_'
other=$(tr -d '[:space:]' <"$src/tests/vectors/other.pub")
[[ $other == sdpk1_* ]] || other=$(grep -o 'sdpk1_[a-z2-7]*' "$src/tests/vectors/other.pub" | head -1)
last=${other: -1}; [ "$last" = a ] && sub=b || sub=a
broken=${other:0:${#other}-1}$sub
st=$(jreq "$A" POST /admin/recipients --data-urlencode "csrf_token=$AT" --data-urlencode "key=$broken")
expect "a key with a broken checksum is refused" "$st" 400 'checksum'
grep -qF "$broken" "$work/body" && ok "the typed key is kept on the form" || ko "typed key not kept"
st=$(jreq "$A" POST /admin/recipients --data-urlencode "csrf_token=$AT" --data-urlencode "key=hello")
expect "a text that is no key is refused" "$st" 400 'not a public key'
st=$(jreq "$A" POST /admin/recipients --data-urlencode "csrf_token=$AT" --data-urlencode "key=$other" \
	--data-urlencode "label=second <key>")
expect "a good key is added" "$st" 303
check "two recipients now" "[ \"\$(db 'SELECT count(*) FROM recipients')\" = 2 ]"
st=$(jreq "$A" POST /admin/recipients --data-urlencode "csrf_token=$AT" --data-urlencode "key=$other")
expect "the same key twice is refused" "$st" 400 'already a recipient'
expect "the list escapes the label" "$(jreq "$A" GET /admin/recipients)" 200 'second &lt;key&gt;'
rid2=$(db "SELECT id FROM recipients WHERE label = 'second <key>'")
st=$(jreq "$A" POST "/admin/recipient/$rid2/remove" -d "csrf_token=$AT")
expect "removing a key asks for a confirmation" "$st" 200 'name="confirm" value="1"'
expect "the key is removed" "$(jreq "$A" POST "/admin/recipient/$rid2/remove" -d "csrf_token=$AT&confirm=1")" 303
st=$(jreq "$A" POST "/admin/recipient/$rid/remove" -d "csrf_token=$AT&confirm=1")
expect "the last key cannot be removed" "$st" 400 'last recipient key'
check "one recipient left" "[ \"\$(db 'SELECT count(*) FROM recipients')\" = 1 ]"
for bad in 0 0$rid -1 x 999999 "$rid.0"; do
	expect "recipient id '$bad' is 404" "$(jreq "$A" POST "/admin/recipient/$bad/remove" -d "csrf_token=$AT&confirm=1")" 404
done

# --- settings -------------------------------------------------------------------------
expect "the settings page" "$(jreq "$A" GET /admin/settings)" 200 'value="Test drop"'
setf() { # name lang files size first days
	local f=(--data-urlencode "csrf_token=$AT" --data-urlencode "instance_name=$1"
		--data-urlencode "default_language=$2" --data-urlencode "max_submission_mib=$4"
		--data-urlencode "min_first_message_chars=$5" --data-urlencode "retention_days=$6")
	[ "$3" = 1 ] && f+=(--data-urlencode "accept_files=1")
	jreq "$A" POST /admin/settings "${f[@]}"
}
expect "retention 5000 days is refused" "$(setf "Kept name" en 1 100 0 5000)" 400 '3650'
grep -q 'value="Kept name"' "$work/body" && ok "typed values are kept on the form" || ko "values not kept"
expect "an empty name is refused" "$(setf "" en 1 100 0 0)" 400 '1 to 64'
expect "a 65-character name is refused" "$(setf "$(printf 'x%.0s' $(seq 65))" en 1 100 0 0)" 400 '1 to 64'
expect "a name with a control character is refused" "$(setf $'a\tb' en 1 100 0 0)" 400 '1 to 64'
expect "language de is refused" "$(setf "Drop" de 1 100 0 0)" 400 'language'
expect "0 MiB is refused" "$(setf "Drop" en 1 0 0 0)" 400 '1 MiB'
expect "65537 MiB is refused" "$(setf "Drop" en 1 65537 0 0)" 400 '1 MiB'
expect "a first-message minimum of 10001 is refused" "$(setf "Drop" en 1 100 10001 0)" 400 '10000'
expect "a number with a sign is refused" "$(setf "Drop" en 1 +5 0 0)" 400 '1 MiB'
expect "valid settings are saved" "$(setf "Renamed drop" fr 0 1 20 0)" 303
expect "the saved values show" "$(jreq "$A" GET /admin/settings)" 200 'value="Renamed drop"'
grep -q 'Les paramètres\|settings were saved\|enregistr' "$work/body" && ok "a message says they were saved" || ko "no saved message"

# The source side, per request (no restart).
sreq GET /metadata >/dev/null
check "metadata: instance name" "grep -q '\"instance\":\"Renamed drop\"' '$work/body'"
check "metadata: files not accepted" "grep -q '\"accepts_files\":false' '$work/body'"
check "metadata: size limit" "grep -q '\"max_submission_bytes\":1048576' '$work/body'"
check "metadata: first message minimum" "grep -q '\"min_first_message_chars\":20' '$work/body'"
sreq GET / >/dev/null
check "the source pages use the new name and language" "grep -q 'Renamed drop' '$work/body' && grep -q 'lang=\"fr\"' '$work/body'"
t=$(csrf_of); sreq POST /generate -d "csrf_token=$t" >/dev/null
sreq GET /lookup >/dev/null; t=$(csrf_of)
check "the lookup page says files are not accepted" "grep -q 'id=\"no-files\"' '$work/body' && ! grep -q 'type=\"file\"' '$work/body'"
tmp_empty() { [ -z "$(ls -A "$inst/spool/tmp/source" 2>/dev/null)" ]; }
items() { db 'SELECT count(*) FROM items'; }
printf 'a document\n' >"$work/doc.txt"
marker="SOURCE-MARKER-$RANDOM$RANDOM"
st=$(sreq POST /submit -F "csrf_token=$t" -F "message=$marker and a long enough message" -F "files=@$work/doc.txt")
expect "a file is refused when files are off" "$st" 400
[ "$(items)" = 0 ] && tmp_empty && ok "nothing left behind" || ko "left behind: $(items) items"
st=$(sreq POST /submit -F "csrf_token=$t" -F "message=été court")
expect "a first message of 9 characters is refused (minimum 20)" "$st" 400
grep -qE '20' "$work/body" && ok "the page names the minimum" || ko "no minimum on the page"
[ "$(items)" = 0 ] && tmp_empty && ok "nothing left behind" || ko "left behind: $(items) items"
"$admin" settings set --instance "$inst" accept_files 1 >/dev/null || ko "settings set accept_files"
head -c 1100000 /dev/urandom >"$work/big.bin"
st=$(sreq POST /submit -F "csrf_token=$t" -F "message=$marker, with a file too large" -F "files=@$work/big.bin")
expect "a body over max_submission_bytes is 413" "$st" 413
[ "$(items)" = 0 ] && tmp_empty && ok "nothing left behind" || ko "left behind: $(items) items"
st=$(sreq POST /submit -F "csrf_token=$t" -F "message=ééééééééééééééééééé$marker")
expect "a first message of 20+ characters is accepted" "$st" 303
st=$(sreq POST /submit -F "csrf_token=$t" -F "message=short" -F "files=@$work/doc.txt")
expect "a later short message with a file is accepted" "$st" 303
"$admin" settings show --instance "$inst" >"$work/show"
check "settings show lists the values" "grep -q '^instance_name	Renamed drop$' '$work/show' && grep -q '^accept_files	yes$' '$work/show'"
"$admin" settings set --instance "$inst" retention_days 9999 2>/dev/null && ko "settings set took 9999 days" ||
	ok "settings set refuses a bad value"
# accept_files in plain words, as sealdrop.conf has them.
"$admin" settings set --instance "$inst" accept_files no >/dev/null 2>&1 &&
	[ "$(sqlite3 "$inst/sealdrop.db" "SELECT value FROM settings WHERE key = 'accept_files'")" = 0 ] &&
	"$admin" settings show --instance "$inst" | grep -q '^accept_files	no$' &&
	ok "settings set accept_files no" || ko "settings set accept_files no"
"$admin" settings set --instance "$inst" accept_files YES >/dev/null 2>&1 &&
	[ "$(sqlite3 "$inst/sealdrop.db" "SELECT value FROM settings WHERE key = 'accept_files'")" = 1 ] &&
	ok "settings set accept_files YES" || ko "settings set accept_files YES"
"$admin" settings set --instance "$inst" accept_files maybe >/dev/null 2>"$work/err" && ko "accept_files maybe accepted" ||
	{ grep -q 'say yes or no' "$work/err" && ok "accept_files maybe: says yes or no" || ko "accept_files maybe: $(cat "$work/err")"; }
[ "$(sqlite3 "$inst/sealdrop.db" "SELECT value FROM settings WHERE key = 'accept_files'")" = 1 ] &&
	ok "a refused value changes nothing" || ko "accept_files changed by a refused value"

# --- the audit log -------------------------------------------------------------------------
expect "the audit log" "$(jreq "$A" GET "/admin/audit?lang=en")" 200
# In plain words (the stored code kept in the cell's title).
for a in "added journalist:Added a journalist account" "reset passphrase:Gave a journalist a new passphrase" \
	"reset two-factor:Gave a journalist a new two-factor code" "removed journalist:Removed a journalist account" \
	"added recipient key:Added a recipient key" "removed recipient key:Removed a recipient key" \
	"changed settings:Changed the settings" "logged in:Logged in" "journalist added:Added a journalist account"; do
	grep -qF "<td title=\"${a%%:*}\">${a#*:}</td>" "$work/body" && ok "audit shows: ${a#*:}" || ko "audit lacks: ${a#*:}"
done
grep -q '<td>an operator (sealdrop-admin)</td>' "$work/body" && ok "audit names sealdrop-admin's changes in plain words" ||
	ko "audit: no plain actor for (admin)"
expect "the audit log in French" "$(jreq "$A" GET "/admin/audit?lang=fr")" 200 'A ajouté un compte de journaliste'
grep -q 'A modifié les réglages' "$work/body" && ok "audit in French: settings" || ko "audit in French lacks the settings"
jreq "$A" GET "/admin/audit?lang=en" >/dev/null
grep -qF "$marker" "$work/body" && ko "source text in the audit page" || ok "no source text in the audit page"
for p in 0 2 -1 x 01; do
	expect "audit page '$p' is 404" "$(jreq "$A" GET "/admin/audit?page=$p")" 404
done
for i in $(seq 120); do echo "INSERT INTO audit(hour, actor, action, target) VALUES ('2020-01-01 00:00', 'x', 'filler', '');"; done | sqlite3 -cmd ".timeout 5000" "$inst/sealdrop.db"
expect "audit page 2 exists with 120 more entries" "$(jreq "$A" GET "/admin/audit?page=2")" 200 'Page 2 / 2|Page</a>'

# --- retention -----------------------------------------------------------------------------
nsrc=$(db 'SELECT count(*) FROM sources')
nfiles=$(find "$inst/spool" -name '*.sdbox' -o -type f -path '*/spool/[0-9a-f]*' | wc -l)
[ "$(items)" -ge 2 ] && [ "$nfiles" -ge 2 ] && ok "items and files before the purge" || ko "nothing to purge: $(items) $nfiles"
"$admin" settings set --instance "$inst" retention_days 1 >/dev/null
db "UPDATE items SET created_hour = '2000-01-01 00:00'; UPDATE sources SET last_day = '2000-01-01'"
kill "$jpid"; wait "$jpid" 2>/dev/null
start "$jdaemon" "$inst/journalist.sock" "$work/journalist.log"
jpid=${pids[-1]}
for _ in $(seq 100); do [ "$(db 'SELECT count(*) FROM sources')" = 0 ] && break; sleep 0.1; done
check "every back-dated item is purged" "[ \"\$(items)\" = 0 ]"
check "the sources are purged" "[ \"\$(db 'SELECT count(*) FROM sources')\" = 0 ]"
left=$(find "$inst/spool" -type f ! -path '*/tmp/*' | wc -l)
check "no spool file left" "[ '$left' = 0 ]"
check "the audit has one 'purged N items' per source" \
	"[ \"\$(db \"SELECT count(*) FROM audit WHERE actor = '(retention)' AND action LIKE 'purged % item%'\")\" = '$nsrc' ]"
check "the audit has 'purged the source'" \
	"[ \"\$(db \"SELECT count(*) FROM audit WHERE actor = '(retention)' AND action = 'purged the source'\")\" = '$nsrc' ]"
grep -qF "$marker" "$work/journalist.log" "$work/source.log" && ko "source text in a log" || ok "no source text in the logs"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
