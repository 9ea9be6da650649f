#!/usr/bin/env bash
# Integration test of triage after a flood (journalist-iface/triage.c): the
# real sealdrop-journalist (and sealdrop-source, for one real source with
# files in the spool) on unix sockets, driven with curl.
#
#  - pages: the form on /sources; a day, "never replied", or both select the
#    sources; the next page lists them and deletes nothing; the confirmation
#    deletes exactly them (rows and spool), never a starred, pending or
#    replied one; each deletion and the action are audited; a set that
#    changed in between is refused (409) and nothing is deleted; bad days
#    and no criterion are refused; the page in French;
#  - API: POST /api/v1/triage lists, then deletes with the fingerprint; a
#    stale fingerprint is 409; bad bodies are 400.
#
# usage: journalist_triage.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
sdaemon=$build/bin/sealdrop-source
jdaemon=$build/bin/sealdrop-journalist

. "$src/tests/integration/lib.sh" triage
needs curl jq oathtool sqlite3

inst=$work/inst
init_instance "Test drop"
add_journalist alice
apass=$alice_pass
asecret=$alice_secret
launch "$work/source.log" "$inst/source.sock" "$sdaemon" --instance "$inst"
launch "$work/journalist.log" "$inst/journalist.sock" "$jdaemon" --instance "$inst"

db() { sqlite3 "$inst/sealdrop.db" "$1"; }
login() { # JAR USER PASS CODE
	rm -f "$1"
	jreq "$1" GET /login >/dev/null
	local t; t=$(csrf_of)
	jreq "$1" POST /login --data-urlencode "csrf_token=$t" --data-urlencode "username=$2" \
		--data-urlencode "passphrase=$3" --data-urlencode "code=$4"
}

# --- a flood, and sources that must stay ----------------------------------------
# A real source (today, never replied, with files in the spool).
sreq GET / >/dev/null; t=$(csrf_of)
sreq POST /generate -d "csrf_token=$t" >/dev/null
sreq GET /lookup >/dev/null; t=$(csrf_of)
printf 'doc\n' >"$work/doc.txt"
st=$(sreq POST /submit -F "csrf_token=$t" -F "message=flood or not" -F "files=@$work/doc.txt")
expect "a real source submits" "$st" 303
real=$(db "SELECT lower(hex(source_id)) FROM sources")
[ -d "$inst/spool/$real" ] && ok "its spool directory exists" || ko "no spool directory for the real source"
today=$(date -u +%F)
# 30 flood sources on 2026-01-10, each with one message row; on the same day
# a starred one, a replied one and a pending one; 5 on 2026-01-11.
ins() { # day starred pending n
	db "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $4)
	 INSERT INTO sources(source_id, login_tag, reply_pk, created_day, last_day, starred, pending)
	 SELECT randomblob(16), randomblob(32), randomblob(32), '$1', '$1', $2, $3 FROM n;"
}
ins 2026-01-10 0 0 30
ins 2026-01-10 1 0 1
ins 2026-01-10 0 0 1
replied=$(db "SELECT max(id) FROM sources")
ins 2026-01-10 0 1 1
ins 2026-01-11 0 0 5
db "INSERT INTO items(source, item_id, kind, seq, size, created_hour)
 SELECT id, randomblob(16), 1, 1, 100, created_day || ' 10:00' FROM sources WHERE created_day LIKE '2026-01-1%';
 INSERT INTO items(source, item_id, kind, seq, size, created_hour) VALUES
 ($replied, randomblob(16), 3, 2, 100, '2026-01-10 11:00');"
[ "$(db "SELECT count(*) FROM sources")" = 39 ] && ok "39 sources" || ko "sources: $(db "SELECT count(*) FROM sources")"

A=$work/alice.jar
st=$(login "$A" alice "$apass" "$(oathtool --totp -b "$asecret")")
expect "alice logs in" "$st" 303
st=$(jreq "$A" GET /sources)
expect "the sources page offers triage" "$st" 200 'action="/sources/triage"'
t=$(csrf_of)

# --- pages ----------------------------------------------------------------------
st=$(jreq "$A" POST /sources/triage -d "csrf_token=$t&day=2026-01-10&never_replied=1")
expect "day and never replied: the matching sources listed" "$st" 200 'id="total">30<'
[ "$(grep -c 'class="designation"' "$work/body")" = 30 ] && ok "30 designations listed" || ko "listed: $(grep -c 'class="designation"' "$work/body")"
[ "$(db "SELECT count(*) FROM sources")" = 39 ] && ok "nothing deleted before the confirmation" || ko "deleted before confirming"
set=$(grep -o 'name="set" value="[0-9a-f]*"' "$work/body" | sed 's/.*value="//;s/"$//')
[ ${#set} = 32 ] && ok "the confirmation carries a fingerprint" || ko "set '$set'"
# A new source that day between the list and the confirmation: refused.
ins 2026-01-10 0 0 1
st=$(jreq "$A" POST /sources/triage -d "csrf_token=$t&day=2026-01-10&never_replied=1&set=$set&confirm=1")
expect "a set that changed since: 409" "$st" 409 'changed since you looked'
[ "$(db "SELECT count(*) FROM sources")" = 40 ] && ok "nothing deleted when the set changed" || ko "deleted a changed set"
grep -q 'id="total">31<' "$work/body" && ok "the page shows the new set" || ko "no new set shown"
set=$(grep -o 'name="set" value="[0-9a-f]*"' "$work/body" | sed 's/.*value="//;s/"$//')
st=$(jreq "$A" POST /sources/triage -d "csrf_token=$t&day=2026-01-10&never_replied=1&set=$set")
expect "without confirm=1 nothing is deleted" "$st" 200 'id="total">31<'
[ "$(db "SELECT count(*) FROM sources")" = 40 ] && ok "still 40" || ko "deleted without confirm"
st=$(jreq "$A" POST /sources/triage -d "set=$set&day=2026-01-10&never_replied=1&confirm=1")
expect "without the CSRF token: refused" "$st" 403 'expired'
st=$(jreq "$A" POST /sources/triage -d "csrf_token=$t&day=2026-01-10&never_replied=1&set=$set&confirm=1")
expect "confirmed: deleted" "$st" 200 'id="deleted">31<'
[ "$(db "SELECT count(*) FROM sources WHERE created_day = '2026-01-10'")" = 3 ] &&
	ok "the starred, replied and pending sources of that day stay" || ko "left: $(db "SELECT id, starred, pending FROM sources WHERE created_day = '2026-01-10'")"
[ "$(db "SELECT count(*) FROM sources WHERE id = $replied")" = 1 ] && ok "the replied source stays" || ko "replied source deleted"
[ "$(db "SELECT count(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = i.source)")" = 0 ] &&
	ok "no item row left without its source" || ko "orphan items"
[ "$(db "SELECT count(*) FROM audit WHERE action = 'deleted a source'")" = 31 ] &&
	ok "each deletion audited" || ko "audit: $(db "SELECT count(*) FROM audit WHERE action = 'deleted a source'")"
[ "$(db "SELECT target FROM audit WHERE action = 'deleted sources in triage'")" = "2026-01-10, never replied: 31" ] &&
	ok "the action audited with its criteria and count" || ko "action audit: $(db "SELECT * FROM audit WHERE action LIKE '%triage%'")"
st=$(jreq "$A" POST /sources/triage -d "csrf_token=$t&day=2026-01-10&never_replied=1&set=$set&confirm=1")
expect "again: no source matches" "$st" 200 'No source matches'
# By day only: today's real source, with its spool directory.
st=$(jreq "$A" POST /sources/triage -d "csrf_token=$t&day=$today")
expect "by day only" "$st" 200 'id="total">1<'
set=$(grep -o 'name="set" value="[0-9a-f]*"' "$work/body" | sed 's/.*value="//;s/"$//')
st=$(jreq "$A" POST /sources/triage -d "csrf_token=$t&day=$today&set=$set&confirm=1")
expect "today's source deleted" "$st" 200 'id="deleted">1<'
[ ! -e "$inst/spool/$real" ] && [ "$(db "SELECT count(*) FROM sources WHERE lower(hex(source_id)) = '$real'")" = 0 ] &&
	ok "its rows and spool directory are gone" || ko "the real source remains"
# Bad input.
for d in 2026-1-10 2026-13-01 "2026-01-10' OR 1=1 --" x 20260110; do
	st=$(jreq "$A" POST /sources/triage --data-urlencode "csrf_token=$t" --data-urlencode "day=$d" -d never_replied=1)
	[ "$st" = 303 ] && jreq "$A" GET /sources >/dev/null && grep -q 'write it as YYYY-MM-DD' "$work/body" &&
		ok "bad day '$d' refused" || ko "bad day '$d': $st"
done
st=$(jreq "$A" POST /sources/triage -d "csrf_token=$t&day=")
[ "$st" = 303 ] && jreq "$A" GET /sources >/dev/null && grep -q 'Choose a day' "$work/body" &&
	ok "no criterion: refused" || ko "no criterion: $st"
[ "$(db "SELECT count(*) FROM sources")" = 8 ] && ok "bad input deleted nothing" || ko "sources: $(db "SELECT count(*) FROM sources")"
st=$(jreq "$A" POST "/sources/triage?lang=fr" -d "csrf_token=$t&never_replied=1")
expect "never replied only, in French" "$st" 200 'Sources correspondantes'
grep -q 'id="total">5<' "$work/body" && ok "5 never replied (not the starred, replied or pending ones)" || ko "never replied: $(grep -o 'id="total">[0-9]*<' "$work/body")"
jreq "$A" GET "/sources?lang=en" >/dev/null

# --- API --------------------------------------------------------------------------
api() {
	curl -s --unix-socket "$inst/journalist.sock" -X "$1" -o "$work/body" -w '%{http_code}' \
		-H "Authorization: Token $token" -H 'Content-Type: application/json' \
		--data-binary "$3" "http://$onion/api/v1$2"
}
token=
st=$(curl -s --unix-socket "$inst/journalist.sock" -X POST -o "$work/body" -w '%{http_code}' \
	-H 'Content-Type: application/json' --data-binary "$(jq -cn --arg p "$apass" \
	--arg c "$(oathtool --totp -b -N 'now + 30 seconds' "$asecret")" '{username: "alice", passphrase: $p, code: $c}')" \
	"http://$onion/api/v1/token")
token=$(jq -r .token "$work/body")
[ "$st" = 200 ] && [ -n "$token" ] && ok "an API token" || ko "token: $st $(cat "$work/body")"
st=$(api POST /triage '{"day": "2026-01-11", "never_replied": true}')
[ "$st" = 200 ] && jq -e '.total == 5 and (.sources | length) == 5 and .max == 1000 and (.confirm | test("^[0-9a-f]{32}$"))' "$work/body" >/dev/null &&
	ok "API: the matching sources" || ko "API list: $st $(head -c 300 "$work/body")"
cf=$(jq -r .confirm "$work/body")
st=$(api POST /triage '{"day": "2026-01-11", "never_replied": true, "confirm": "00000000000000000000000000000000"}')
[ "$st" = 409 ] && [ "$(db "SELECT count(*) FROM sources WHERE created_day = '2026-01-11'")" = 5 ] &&
	ok "API: a wrong fingerprint is 409, nothing deleted" || ko "API stale: $st"
st=$(api POST /triage "{\"day\": \"2026-01-11\", \"never_replied\": true, \"confirm\": \"$cf\"}")
[ "$st" = 200 ] && jq -e '.deleted == 5 and .remaining == 0' "$work/body" >/dev/null &&
	[ "$(db "SELECT count(*) FROM sources WHERE created_day = '2026-01-11'")" = 0 ] &&
	ok "API: deleted with the fingerprint" || ko "API delete: $st $(cat "$work/body")"
for b in '{}' '{"day": 5}' '{"never_replied": "yes"}' '{"day": "2026-02-30x"}' '{"never_replied": true, "confirm": 1}' '[]'; do
	st=$(api POST /triage "$b")
	[ "$st" = 400 ] && ok "API: '$b' is 400" || ko "API: '$b' gave $st"
done
[ "$(db "SELECT count(*) FROM sources")" = 3 ] && ok "API bad input deleted nothing" || ko "sources: $(db "SELECT count(*) FROM sources")"

echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
