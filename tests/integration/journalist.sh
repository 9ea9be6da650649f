#!/usr/bin/env bash
# Integration test of sealdrop-journalist with sealdrop-source: both real
# daemons on unix sockets, not in --dev mode, driven with curl as Tor would
# (an onion Host header); codes from oathtool.
#
#  - the whole flow: a source submits; a journalist logs in with a TOTP
#    code, lists, downloads one .sdbox and a .tar bundle that sealdrop-open
#    decrypts to exactly what was sent, replies; the source reads the reply
#    and deletes it, and journalists see a read receipt in its place;
#    the journalist deletes the source and nothing of it remains in the
#    spool or the database;
#  - bad input: wrong passphrase, wrong code, replayed code, the lock,
#    missing CSRF, ended and expired sessions, a non-admin on admin routes,
#    unknown or malformed ids in every route, another source's items.
#
# usage: journalist.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
sdaemon=$build/bin/sealdrop-source
jdaemon=$build/bin/sealdrop-journalist
opener=$build/bin/sealdrop-open
sdcat=$build/bin/sdcat
key=$src/tests/vectors/key.key
pass=$src/tests/vectors/key.pass
command -v oathtool >/dev/null || { echo "oathtool is missing (apt-get install oathtool)"; exit 1; }

. "$src/tests/integration/lib.sh" journalist

# --- an instance, three journalists, both daemons -------------------------------
inst=$work/inst
init_instance "Test drop"
sed -i 's/^argon2_concurrency = .*/argon2_concurrency = 2/' "$inst/sealdrop.conf"
sed -i 's/^# session_idle_minutes = 30$/session_idle_minutes = 1/' "$inst/sealdrop.conf"
grep -q '^session_idle_minutes = 1$' "$inst/sealdrop.conf" || { echo "conf edit failed"; exit 1; }

add_journalist alice
add_journalist bob --admin
add_journalist carol
[ "$(wc -w <<<"$alice_pass")" = 7 ] && ok "generated passphrase has 7 words" || ko "passphrase '$alice_pass'"
[[ $alice_secret =~ ^[A-Z2-7]{32}$ ]] && ok "TOTP secret is base32" || ko "secret '$alice_secret'"
sqlite3 "$inst/sealdrop.db" 'SELECT pw_hash FROM journalists' | grep -qv '^\$argon2id\$' &&
	ko "a passphrase is not stored as an argon2id hash" || ok "passphrases stored as argon2id hashes"
grep -rqF "$alice_pass" "$inst" && ko "the passphrase is stored in clear" || ok "no passphrase in the instance"

launch "$work/source.log" "$inst/source.sock" "$sdaemon" --instance "$inst"
launch "$work/journalist.log" "$inst/journalist.sock" "$jdaemon" --instance "$inst"
jpid=${pids[1]}
check_landlock "the journalist daemon" "$work/journalist.log"
if grep -q '^SD_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
	echo "note: sanitizer build, the sandbox is not applied"
else
	check "the journalist daemon runs with no_new_privs and seccomp" \
		"grep -q '^Seccomp:[[:space:]]*2' /proc/$jpid/status && grep -q '^NoNewPrivs:[[:space:]]*1' /proc/$jpid/status"
fi

db() { sqlite3 "$inst/sealdrop.db" "$1"; }
tmp_empty() { [ -z "$(ls -A "$inst/spool/tmp/journalist" 2>/dev/null)" ]; }

# login JAR USER PASS CODE: status of POST /login.
login() {
	rm -f "$1"
	jreq "$1" GET /login >/dev/null
	local t; t=$(csrf_of)
	jreq "$1" POST /login --data-urlencode "csrf_token=$t" --data-urlencode "username=$2" \
		--data-urlencode "passphrase=$3" --data-urlencode "code=$4"
}

# --- a source submits -------------------------------------------------------------
sreq GET / >/dev/null; t=$(csrf_of)
sreq POST /generate -d "csrf_token=$t" >/dev/null
codename=$(sed -n 's/.*id="codename"[^>]*>\([^<]*\)<.*/\1/p' "$work/body" | head -1)
sreq GET /lookup >/dev/null; t=$(csrf_of)
message="A message for the journalists, with <b>tags</b> & ünïcode."
mkdir "$work/up" "$work/out"
printf 'first document\n' >"$work/up/doc1.txt"
head -c 300000 /dev/urandom >"$work/up/doc2.bin"
st=$(sreq POST /submit -F "csrf_token=$t" -F "message=$message" -F "files=@$work/up/doc1.txt" \
	-F "files=@$work/up/doc2.bin")
expect "the source submits a message and two files" "$st" 303
sid=$(db "SELECT lower(hex(source_id)) FROM sources")
# A second source, for the cross-source checks.
rm -f "$work/sjar"; sreq GET / >/dev/null; t=$(csrf_of)
sreq POST /generate -d "csrf_token=$t" >/dev/null
sreq GET /lookup >/dev/null; t=$(csrf_of)
sreq POST /submit -F "csrf_token=$t" -F "message=the other source" >/dev/null
sid2=$(db "SELECT lower(hex(source_id)) FROM sources WHERE lower(hex(source_id)) != '$sid'")
other_item=$(db "SELECT lower(hex(item_id)) FROM items i JOIN sources s ON i.source = s.id WHERE lower(hex(s.source_id)) = '$sid2'")

# --- log in -------------------------------------------------------------------------
A=$work/alice.jar
code=$(oathtool --totp -b "$alice_secret")
st=$(login "$A" alice "$alice_pass" "$code")
expect "alice logs in with passphrase and TOTP code" "$st" 303
grep -qi '^set-cookie: sdj_session=.*HttpOnly.*SameSite=Strict' "$work/headers" &&
	ok "session cookie is HttpOnly and SameSite=Strict" || ko "session cookie flags: $(grep -i set-cookie "$work/headers")"
st=$(login "$work/x.jar" alice "$alice_pass" "$code")
expect "the same code again is refused (replay)" "$st" 403 'already used'
st=$(login "$work/x.jar" alice "wrong words here and there now" "$(oathtool --totp -b "$alice_secret")")
expect "wrong passphrase" "$st" 403 'Wrong user name, passphrase or code'
st=$(login "$work/x.jar" alice "$alice_pass" 000000)
expect "wrong code" "$st" 403 'Wrong user name, passphrase or code'
st=$(login "$work/x.jar" nobody "$alice_pass" 123456)
expect "unknown user" "$st" 403 'Wrong user name, passphrase or code'
st=$(jreq "$work/x.jar" POST /login -d "username=alice&passphrase=x&code=123456")
expect "login without the CSRF token" "$st" 403 'expired'

# --- the sources list and a source --------------------------------------------------
st=$(jreq "$A" GET /sources)
expect "sources list" "$st" 200 'Sources'
des=$(db "SELECT 1" >/dev/null; grep -o "href=\"/source/$sid\" class=\"designation\">[^<]*" "$work/body" | sed 's/.*>//')
[ -n "$des" ] && ok "the source is listed by designation ($des)" || ko "source $sid not listed"
grep -q '<strong>3</strong>' "$work/body" && ok "three unread submissions shown" || ko "unread count"
grep -qF "$message" "$work/body" && ko "the list shows plaintext" || ok "no plaintext on the list"
st=$(jreq "$A" GET "/source/$sid")
expect "source page" "$st" 200 "$des"
t=$(csrf_of)
grep -o 'name="item" value="[0-9a-f]*"' "$work/body" | sed 's/.*value="//;s/"$//' >"$work/items"
[ "$(wc -l <"$work/items")" = 3 ] && ok "three items on the source page" || ko "items: $(cat "$work/items")"

# One .sdbox, decrypted with the test key (a HEAD first: it marks nothing).
first=$(head -1 "$work/items")
st=$(jreq "$A" HEAD "/source/$sid/item/$first" -I)
[ "$st" = 200 ] && [ "$(db "SELECT seen FROM items WHERE lower(hex(item_id)) = '$first'")" = 0 ] &&
	ok "HEAD on a download marks nothing seen" || ko "HEAD: $st"
st=$(OUT=$work/one.sdbox jreq "$A" GET "/source/$sid/item/$first")
[ "$st" = 200 ] && "$sdcat" "$key" "$pass" "$work/one.sdbox" >"$work/one.plain" 2>/dev/null &&
	ok "one .sdbox downloaded and decrypted" || ko "download one: $st"
grep -qi '^content-disposition: attachment' "$work/headers" && ok "downloads are attachments" || ko "no attachment header"
[ "$(db "SELECT seen FROM items WHERE lower(hex(item_id)) = '$first'")" = 1 ] &&
	ok "a downloaded item is marked seen" || ko "not marked seen"

# A bundle of everything, opened by sealdrop-open.
st=$(OUT=$work/bundle.tar jreq "$A" POST "/source/$sid/items" -d "csrf_token=$t&action=download_all")
[ "$st" = 200 ] && ok "bundle downloaded" || ko "bundle: $st"
tar tf "$work/bundle.tar" | grep -vqE "^$sid/[0-9a-f]{32}\.sdbox$" && ko "bundle member names" ||
	ok "bundle members are <source>/<item>.sdbox"
if "$opener" --key "$key" --passphrase-file "$pass" --out "$work/out" "$work/bundle.tar" >"$work/open.log" 2>&1; then
	ok "sealdrop-open opens the bundle"
else
	ko "sealdrop-open: $(tail -3 "$work/open.log")"
fi
grep -rqF "$message" "$work/out" && ok "the message decrypts exactly" || ko "message not found in the output"
f1=$(find "$work/out" -name 'doc1*' -type f | head -1)
f2=$(find "$work/out" -name 'doc2*' -type f | head -1)
[ -n "$f1" ] && cmp -s "$f1" "$work/up/doc1.txt" && ok "doc1 decrypts exactly" || ko "doc1: '$f1'"
[ -n "$f2" ] && cmp -s "$f2" "$work/up/doc2.bin" && ok "doc2 decrypts exactly" || ko "doc2: '$f2'"
[ "$(db "SELECT count(*) FROM items WHERE seen = 0 AND kind != 3 AND source = (SELECT id FROM sources WHERE lower(hex(source_id)) = '$sid')")" = 0 ] &&
	ok "bundled items are marked seen" || ko "bundled items not seen"

# Unseen, star, seen again.
st=$(jreq "$A" POST "/source/$sid/items" -d "csrf_token=$t&action=unseen&item=$first")
expect "mark unread" "$st" 303
[ "$(db "SELECT seen FROM items WHERE lower(hex(item_id)) = '$first'")" = 0 ] && ok "item unread again" || ko "unseen"
st=$(jreq "$A" POST "/source/$sid/items" -d "csrf_token=$t&action=star&item=$first")
[ "$(db "SELECT starred FROM items WHERE lower(hex(item_id)) = '$first'")" = 1 ] && ok "item starred" || ko "star item"
st=$(jreq "$A" POST "/source/$sid/star" -d "csrf_token=$t&starred=1")
[ "$(db "SELECT starred FROM sources WHERE lower(hex(source_id)) = '$sid'")" = 1 ] && ok "source starred" || ko "star source"
st=$(OUT=$work/unread.tar jreq "$A" POST "/source/$sid/items" -d "csrf_token=$t&action=download_unread")
[ "$st" = 200 ] && [ "$(tar tf "$work/unread.tar" | wc -l)" = 1 ] && ok "unread bundle holds the one unread item" ||
	ko "unread bundle: $st $(tar tf "$work/unread.tar" 2>&1 | head -3)"
st=$(OUT=$work/multi.tar jreq "$A" POST /sources -d "csrf_token=$t&action=download_all&source=$sid&source=$sid2")
[ "$st" = 200 ] && [ "$(tar tf "$work/multi.tar" | cut -d/ -f1 | sort -u | wc -l)" = 2 ] &&
	ok "a bundle of two sources" || ko "multi-source bundle: $st"
# More than 10,000 items over the selected sources: 413, not a bundle cut short.
db "INSERT INTO sources(source_id, login_tag, reply_pk, created_day, last_day) VALUES
 (randomblob(16), randomblob(32), randomblob(32), '2001-01-01', '2001-01-01'),
 (randomblob(16), randomblob(32), randomblob(32), '2001-01-01', '2001-01-01');
 WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5001)
 INSERT INTO items(source, item_id, kind, seq, size, created_hour)
 SELECT s.id, randomblob(16), 1, x, 100, '2001-01-01 00:00' FROM n, sources s
 WHERE s.created_day = '2001-01-01';"
big=$(db "SELECT lower(hex(source_id)) FROM sources WHERE created_day = '2001-01-01'" | sed 's/^/\&source=/' | tr -d '\n')
st=$(jreq "$A" POST /sources -d "csrf_token=$t&action=download_all$big")
expect "a bundle of more than 10,000 items is refused" "$st" 413 'Too many items'
# One source with more than 10,000 items: the same, from its own page.
db "INSERT INTO items(source, item_id, kind, seq, size, created_hour)
 SELECT id, randomblob(16), 1, 5002, 100, '2001-01-01 00:00' FROM sources WHERE created_day = '2001-01-01';
 WITH RECURSIVE n(x) AS (SELECT 5003 UNION ALL SELECT x + 1 FROM n WHERE x < 10005)
 INSERT INTO items(source, item_id, kind, seq, size, created_hour)
 SELECT (SELECT min(id) FROM sources WHERE created_day = '2001-01-01'), randomblob(16), 1, x, 100,
 '2001-01-01 00:00' FROM n;"
bigone=$(db "SELECT lower(hex(source_id)) FROM sources WHERE id = (SELECT min(id) FROM sources WHERE created_day = '2001-01-01')")
st=$(jreq "$A" POST "/source/$bigone/items" -d "csrf_token=$t&action=download_all")
expect "a one-source bundle of more than 10,000 items is refused" "$st" 413 'Too many items'
db "DELETE FROM items WHERE source IN (SELECT id FROM sources WHERE created_day = '2001-01-01');
 DELETE FROM sources WHERE created_day = '2001-01-01';"

# Reply; the source reads it.
reply="We read your documents. Can you tell us more about <the project>?"
st=$(jreq "$A" POST "/source/$sid/reply" --data-urlencode "csrf_token=$t" --data-urlencode "reply=$reply")
expect "reply sent" "$st" 303
[ "$(db "SELECT count(*) FROM items WHERE kind = 3")" = 1 ] && ok "reply recorded" || ko "reply row"
rfile=$(ls "$inst"/spool/"$sid"/*.sdbox | while read -r f; do "$sdcat" "$key" "$pass" "$f" 2>&1 >/dev/null | grep -q '^kind=3' && echo "$f"; done)
[ -n "$rfile" ] && [ "$("$sdcat" "$key" "$pass" "$rfile" 2>/dev/null)" = "$reply" ] &&
	ok "the reply is readable with the journalist key" || ko "reply not readable offline"
rm -f "$work/sjar"; sreq GET / >/dev/null; t2=$(csrf_of)
sreq POST /login --data-urlencode "csrf_token=$t2" --data-urlencode "codename=$codename" >/dev/null
st=$(sreq GET /lookup)
expect "the source reads the reply" "$st" 200 'Can you tell us more about &lt;the project&gt;'
# Read receipt: the source deletes the reply; journalists see that it was
# read and deleted, and nothing of its content is kept.
rid=$(db "SELECT lower(hex(item_id)) FROM items WHERE kind = 3")
st=$(sreq POST /reply/delete --data-urlencode "csrf_token=$(csrf_of)" --data-urlencode "reply_id=$rid")
expect "the source deletes the reply" "$st" 303
[ "$(db "SELECT source_deleted || '/' || size FROM items WHERE kind = 3")" = 1/0 ] &&
	ok "the reply's row stays, marked deleted by the source, size 0" || ko "receipt row: $(db "SELECT * FROM items WHERE kind = 3")"
[ ! -e "$rfile" ] && ok "the reply's file is gone" || ko "the reply's file is still in the spool"
st=$(sreq GET /lookup)
expect "the source no longer sees the reply" "$st" 200
grep -q 'Can you tell us more\|Delete this reply' "$work/body" && ko "the deleted reply is still shown to the source" ||
	ok "the deleted reply is not shown to the source"
st=$(sreq POST /reply/delete --data-urlencode "csrf_token=$(csrf_of)" --data-urlencode "reply_id=$rid")
expect "deleting it again: no such reply" "$st" 404 'does not exist'
st=$(jreq "$A" GET "/source/$sid")
expect "the journalist sees the read receipt" "$st" 200 'read and deleted by the source'
grep -q "href=\"/source/$sid/item/$rid\"" "$work/body" && ko "the receipt offers a download" ||
	ok "the receipt offers no download"
st=$(jreq "$A" GET "/source/$sid/item/$rid")
expect "downloading the deleted reply says what happened" "$st" 410 'read this reply and deleted it'
st=$(OUT=$work/after.tar jreq "$A" POST "/source/$sid/items" -d "csrf_token=$t&action=download_all")
[ "$st" = 200 ] && ! tar tf "$work/after.tar" | grep -q "$rid" && [ "$(tar tf "$work/after.tar" | wc -l)" = 3 ] &&
	ok "a bundle of everything leaves the receipt out" || ko "bundle with a receipt: $st $(tar tf "$work/after.tar" 2>&1 | head -5)"
st=$(jreq "$A" GET "/source/$sid?lang=fr")
expect "the read receipt in French" "$st" 200 'lue et supprimée par la source'
"$admin" check --instance "$inst" >"$work/check" 2>&1
grep -q 'rows, each with its file' "$work/check" && ! grep -q 'have no file' "$work/check" &&
	ok "sealdrop-admin check counts a read receipt as no missing file" || ko "check: $(grep -i spool "$work/check")"
jreq "$A" GET "/source/$sid?lang=en" >/dev/null
st=$(jreq "$A" POST "/source/$sid/reply" --data-urlencode "csrf_token=$t" --data-urlencode "reply=   ")
expect "an empty reply is not sent" "$st" 303
head -c 70000 /dev/zero | tr '\0' x >"$work/long"
st=$(jreq "$A" POST "/source/$sid/reply" --data-urlencode "csrf_token=$t" --data-urlencode "reply@$work/long")
expect "a reply over 64 KB" "$st" 413 'too long'
check "no reply file left behind" tmp_empty

# --- bad input ---------------------------------------------------------------------
st=$(jreq "$A" POST "/source/$sid/reply" -d "reply=no+token")
expect "reply without CSRF token" "$st" 403 'expired'
st=$(jreq "$A" POST "/source/$sid/delete" -d "csrf_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&confirm=1")
expect "delete with a wrong CSRF token" "$st" 403 'expired'
for p in /source/zzz /source/0123456789abcdef0123456789abcdef "/source/${sid^^}" "/source/$sid/item/zz" \
	"/source/$sid/item/0123456789abcdef0123456789abcdef" "/source/$sid/item/$other_item" \
	"/source/$sid/../../etc/passwd" "/source/$sid/item/../../../sealdrop.db" "/source/$sid/x/$first" \
	/nothing; do
	st=$(jreq "$A" GET "$p")
	expect "GET $p is 404" "$st" 404 'no page'
done
for q in 0 abc +1 01 -1 99999999 2; do
	st=$(jreq "$A" GET "/sources?page=$q")
	expect "sources page '$q' is 404" "$st" 404 'no page'
done
st=$(jreq "$A" GET "/sources?page=1")
expect "sources page 1" "$st" 200 'Page 1 / 1'
for p in "/source/0123456789abcdef0123456789abcdef/reply" "/source/zz/items" "/source/zz/delete" "/source/zz/star"; do
	st=$(jreq "$A" POST "$p" -d "csrf_token=$t&reply=x&action=seen&item=$first&starred=1&confirm=1")
	expect "POST $p is 404" "$st" 404
done
st=$(jreq "$A" POST "/source/$sid/items" -d "csrf_token=$t&action=download&item=$other_item")
expect "a bundle with another source's item is 404" "$st" 404
st=$(jreq "$A" POST "/source/$sid/items" -d "csrf_token=$t&action=delete&confirm=1&item=$other_item")
expect "deleting another source's item is 404" "$st" 404
[ "$(db "SELECT count(*) FROM items WHERE lower(hex(item_id)) = '$other_item'")" = 1 ] &&
	ok "the other source's item is untouched" || ko "other item touched"
# The same item twice in a deletion: deleted once, no error.
dup=$(db "SELECT lower(hex(item_id)) FROM items WHERE kind = 1 AND source = (SELECT id FROM sources WHERE lower(hex(source_id)) = '$sid2')")
st=$(jreq "$A" POST "/source/$sid2/items" -d "csrf_token=$t&action=delete&confirm=1&item=$dup&item=$dup")
expect "an item named twice in a deletion" "$st" 303
[ "$(db "SELECT count(*) FROM items WHERE lower(hex(item_id)) = '$dup'")" = 0 ] && ok "it is deleted" || ko "dup not deleted"
st=$(jreq "$A" POST "/source/$sid/items" -d "csrf_token=$t&action=explode&item=$first")
expect "unknown action" "$st" 400
st=$(jreq "$A" POST /sources -d "csrf_token=$t&action=download_all&source=../../x")
expect "malformed source id in a selection" "$st" 404
st=$(jreq "$A" GET /logout)
expect "GET /logout is 405" "$st" 405
grep -qi '^allow: POST' "$work/headers" && ok "405 names the allowed method" || ko "no Allow header"
# A path with two methods names both (it used to name only the last one).
st=$(jreq "$A" PUT /login)
expect "PUT /login is 405" "$st" 405
grep -qi '^allow: GET, POST' "$work/headers" && ok "405 names every allowed method" ||
	ko "Allow: $(grep -i '^allow' "$work/headers")"
for p in /admin/journalists /admin/recipients /admin/settings /admin/audit; do
	st=$(jreq "$A" GET "$p")
	expect "non-admin GET $p is 403" "$st" 403 'administrators'
done
for p in /admin/journalists /admin/recipients /admin/settings /admin/journalist/bob/remove /admin/recipient/1/remove; do
	st=$(jreq "$A" POST "$p" -d "csrf_token=$t&name=eve")
	expect "non-admin POST $p is 403" "$st" 403
done
st=$(curl -s --unix-socket "$inst/journalist.sock" -o "$work/body" -w '%{http_code}' http://127.0.0.1/login)
expect "a non-onion Host is refused" "$st" 403 'onion'
st=$(jreq "$work/none.jar" GET /sources)
expect "no session: the list redirects to the login" "$st" 303
st=$(jreq "$work/none.jar" POST "/source/$sid/delete" -d "confirm=1")
expect "no session: a POST is refused" "$st" 403 'expired'
printf '%s\tFALSE\t/\tFALSE\t0\tsdj_session\t%s\n' "$onion" AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA >"$work/forged.jar"
st=$(jreq "$work/forged.jar" GET /sources)
expect "a forged session cookie is not a session" "$st" 303

# Throttling: wrong passphrases do not lock (a stranger has none); carol
# then fails five codes with her passphrase, and even the right code is
# refused.
for i in 1 2 3; do login "$work/c.jar" carol "not the passphrase $i" 111111 >/dev/null; done
[ "$(db "SELECT failures FROM journalists WHERE name = 'carol'")" = 0 ] &&
	ok "wrong passphrases do not count toward the lock" || ko "wrong passphrases counted"
for i in 1 2 3 4 5; do login "$work/c.jar" carol "$carol_pass" 000000 >/dev/null; done
st=$(login "$work/c.jar" carol "$carol_pass" "$(oathtool --totp -b "$carol_secret")")
expect "after five failures the account is locked" "$st" 429 'Too many failed attempts'
[ "$(db "SELECT count(*) FROM audit WHERE actor = 'carol' AND action = 'login refused: locked'")" = 1 ] &&
	ok "the refused login of a locked account is audited" || ko "locked refusal not audited"
[ "$(db "SELECT locked_until > strftime('%s','now') FROM journalists WHERE name = 'carol'")" = 1 ] &&
	ok "the lock is recorded in the database" || ko "lock not recorded"

# --- delete the source: nothing of it remains -------------------------------------------
st=$(jreq "$A" POST "/source/$sid/delete" -d "csrf_token=$t")
expect "delete asks for confirmation" "$st" 200 'cannot be undone'
[ -d "$inst/spool/$sid" ] && ok "nothing deleted before confirmation" || ko "deleted without confirmation"
st=$(jreq "$A" POST "/source/$sid/delete" -d "csrf_token=$t&confirm=1")
expect "delete the source" "$st" 303
[ ! -e "$inst/spool/$sid" ] && ok "its spool directory is gone" || ko "spool dir remains"
[ "$(db "SELECT count(*) FROM sources WHERE lower(hex(source_id)) = '$sid'")" = 0 ] &&
	[ "$(db "SELECT count(*) FROM items i LEFT JOIN sources s ON i.source = s.id WHERE s.id IS NULL")" = 0 ] &&
	ok "its rows are gone" || ko "rows remain"
grep -rlF "$sid" "$inst" 2>/dev/null | grep -q . && ko "the source id remains in the instance" ||
	ok "the source id appears nowhere in the instance"
[ "$(db "SELECT count(*) FROM audit WHERE actor = 'alice' AND action = 'deleted a source' AND target = '$des'")" = 1 ] &&
	ok "the deletion is audited with the designation" || ko "audit: $(db 'SELECT * FROM audit')"
db "SELECT actor || action || target FROM audit" | grep -qF "$message" && ko "source text in the audit log" ||
	ok "no source text in the audit log"
st=$(jreq "$A" GET "/source/$sid")
expect "the deleted source is 404" "$st" 404
st=$(sreq GET /lookup)
expect "the deleted source's session ends (back to the landing page)" "$st" 303

# --- logout, then an idle session expires ---------------------------------------------------
B=$work/bob.jar
st=$(login "$B" bob "  ${bob_pass^^}  " "$(oathtool --totp -b "$bob_secret")")
expect "bob (admin) logs in, passphrase typed in capitals with extra spaces" "$st" 303
jreq "$A" GET /sources >/dev/null; t=$(csrf_of)
st=$(jreq "$A" POST /logout -d "csrf_token=$t")
expect "alice logs out" "$st" 303
st=$(jreq "$A" GET /sources)
expect "after logout the list redirects to the login" "$st" 303
if [ -z "${QUICK:-}" ]; then # QUICK=1 skips the wait, for development only
	echo "waiting 65 s for bob's idle session (1 minute) to expire..."
	sleep 65
	st=$(jreq "$B" GET /sources)
	expect "an idle session has expired" "$st" 303
fi

# --- the log names no secret, designation or id ----------------------------------------------
for s in "$alice_pass" "$alice_secret" "$des" "$sid" "$codename"; do
	grep -qF "$s" "$work/journalist.log" "$work/source.log" && ko "the log contains a secret or a name"
done
ok "the logs name no passphrase, secret, designation, id or codename"

echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
