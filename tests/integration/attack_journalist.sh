#!/usr/bin/env bash
# Integration test of the journalist login against a stranger who holds a
# Tor client key but no passphrase: the real daemon on a unix socket, not
# in --dev mode, driven with curl; codes from oathtool. No timing is
# asserted; every loop is bounded.
#
#  - a storm of unknown user names (pages and API at once) while alice logs
#    in on the pages and bob through the API: both succeed, and the storm
#    is throttled and audited (by no name);
#  - one name's budget: past JN_NAME_PER_MINUTE attempts in a minute the
#    name gets 429, audited, and other accounts are untouched;
#  - wrong passphrases never lock an account; wrong codes with the right
#    passphrase do; an admin sees the lock on /admin/journalists, clears
#    it (audited), and the journalist logs in.
#
# usage: attack_journalist.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
jdaemon=$build/bin/sealdrop-journalist
command -v oathtool >/dev/null || { echo "oathtool is missing (apt-get install oathtool)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing"; exit 1; }

. "$src/tests/integration/lib.sh" attack_journalist

inst=$work/inst
init_instance "Test drop"
sed -i 's/^argon2_concurrency = .*/argon2_concurrency = 2/' "$inst/sealdrop.conf"
add_journalist alice
add_journalist bob --admin
add_journalist carol
add_journalist dave
launch "$work/journalist.log" "$inst/journalist.sock" "$jdaemon" --instance "$inst"

db() { sqlite3 -cmd ".timeout 5000" "$inst/sealdrop.db" "$1"; }
login() { # JAR USER PASS CODE: status of POST /login
	rm -f "$1"
	jreq "$1" GET /login >/dev/null
	local t; t=$(csrf_of)
	jreq "$1" POST /login --data-urlencode "csrf_token=$t" --data-urlencode "username=$2" \
		--data-urlencode "passphrase=$3" --data-urlencode "code=$4"
}
api_login() { # USER PASS CODE: status of POST /api/v1/token
	curl -s --unix-socket "$inst/journalist.sock" -o "$work/api-body" -w '%{http_code}' \
		-X POST -H 'Content-Type: application/json' \
		--data-binary "{\"username\":\"$1\",\"passphrase\":\"$2\",\"code\":\"$3\"}" \
		"http://$onion/api/v1/token"
}

# --- a storm of unknown names while alice and bob log in ----------------------------
# 72 attempts in under a minute (4 workers of 18): whatever minute boundary
# falls inside, one minute sees more than the 30 unknown names budgeted.
S=$work/storm.jar
jreq "$S" GET /login >/dev/null
st_token=$(csrf_of)
storm() { # worker number (its own output files only: alice logs in meanwhile)
	local i n
	for i in $(seq 18); do
		n="stranger$1x$i"
		if [ $((i % 2)) = 0 ]; then
			curl -s --unix-socket "$inst/journalist.sock" -b "$S" -o /dev/null -w '%{http_code}' \
				-X POST -d "csrf_token=$st_token&username=$n&passphrase=guess+words&code=123456" \
				"http://$onion/login" >>"$work/storm-$1"
		else
			curl -s --unix-socket "$inst/journalist.sock" -o /dev/null -w '%{http_code}' \
				-X POST -H 'Content-Type: application/json' \
				--data-binary "{\"username\":\"$n\",\"passphrase\":\"guess words\",\"code\":\"123456\"}" \
				"http://$onion/api/v1/token" >>"$work/storm-$1"
		fi
		echo >>"$work/storm-$1"
	done
}
spids=()
for w in 1 2 3 4; do storm "$w" & spids+=($!); done
# Wait until the storm is well under way (bounded), then log in.
for _ in $(seq 300); do
	[ "$(cat "$work"/storm-* 2>/dev/null | grep -c .)" -ge 36 ] && break
	sleep 0.1
done
st=$(login "$work/alice.jar" alice "$alice_pass" "$(oathtool --totp -b "$alice_secret")")
[ "$st" = 303 ] && ok "alice logs in on the pages during an unknown-name storm" ||
	ko "alice during the storm: $st"
st=$(api_login bob "$bob_pass" "$(oathtool --totp -b "$bob_secret")")
[ "$st" = 201 ] || [ "$st" = 200 ] && ok "bob logs in through the API during the storm ($st)" ||
	ko "bob during the storm: $st $(cat "$work/api-body")"
wait "${spids[@]}"
total=$(cat "$work"/storm-* | grep -c .)
# 403 as a wrong passphrase, or 503 when every argon2id slot is busy (as a
# known name gets then); never 429, never anything else.
other=$(cat "$work"/storm-* | grep -Evc '^(403|503)$')
[ "$total" = 72 ] && [ "$other" = 0 ] &&
	ok "every unknown name got a wrong passphrase's answer, throttled or not" ||
	ko "storm answers: $(sort "$work"/storm-* | uniq -c | tr '\n' ' ')"
[ "$(db "SELECT count(*) FROM audit WHERE actor = '(anonymous)' AND action = 'login throttled: too many unknown user names'")" -ge 1 ] &&
	ok "the unknown-name throttle is audited" || ko "unknown-name throttle not audited"
db "SELECT actor || ' ' || action || ' ' || target FROM audit" | grep -q stranger &&
	ko "an unknown name typed is in the audit log" || ok "no unknown name in the audit log"
[ "$(db "SELECT count(*) FROM journalists WHERE locked_until > strftime('%s','now')")" = 0 ] &&
	ok "the storm locked no account" || ko "an account is locked after the storm"

# --- one name's budget ---------------------------------------------------------------------
# dave's name is tried with wrong passphrases until refused (at most 21:
# one minute of them holds more than 10).
codes=()
for i in $(seq 21); do
	st=$(login "$work/d.jar" dave "wrong words $i" 123456)
	codes+=("$st")
	[ "$st" = 429 ] && break
done
[ "${codes[-1]}" = 429 ] && ok "too many attempts on one name: 429 (after ${#codes[@]})" ||
	ko "no 429 for dave: ${codes[*]}"
dave_minute=$(($(date +%s) / 60))
grep -q 'Too many failed attempts' "$work/body" && ok "the page says why" || ko "429 page"
[ "$(db "SELECT count(*) FROM audit WHERE actor = 'dave' AND action = 'login throttled: too many attempts for this name'")" -ge 1 ] &&
	ok "the name throttle is audited" || ko "name throttle not audited"
[ "$(db "SELECT failures FROM journalists WHERE name = 'dave'")" = 0 ] &&
	ok "wrong passphrases do not count toward dave's lock" || ko "dave's failures counted"
st=$(login "$work/c0.jar" carol "$carol_pass" "$(oathtool --totp -b "$carol_secret")")
expect "carol is not affected by the storm on dave" "$st" 303
# The stranger used up dave's name for this minute, but not the budget of
# attempts that bring a valid code: dave himself still logs in.
if [ "$(($(date +%s) / 60))" = "$dave_minute" ]; then
	st=$(login "$work/d-real.jar" dave "$dave_pass" "$(oathtool --totp -b "$dave_secret")")
	expect "dave, with his code, logs in while strangers exhaust his name's budget" "$st" 303
	st=$(login "$work/d.jar" dave "wrong words yet again" 123456)
	expect "... while the strangers still get 429" "$st" 429
else
	echo "note: the minute of dave's throttle passed; the valid-code budget is not checked"
fi

# --- the lock: wrong codes, an admin sees and clears it ----------------------------------
for i in 1 2 3 4 5; do login "$work/c.jar" carol "$carol_pass" 000000 >/dev/null; done
st=$(login "$work/c.jar" carol "$carol_pass" "$(oathtool --totp -b -N 'now + 30 seconds' "$carol_secret")")
expect "five wrong codes lock carol" "$st" 429 'Too many failed attempts'
[ "$(db "SELECT count(*) FROM audit WHERE actor = 'carol' AND action = 'account locked after failed logins'")" = 1 ] &&
	ok "the lock is audited" || ko "lock not audited"
B=$work/bob.jar
st=$(login "$B" bob "$bob_pass" "$(oathtool --totp -b -N 'now + 30 seconds' "$bob_secret")")
expect "bob (admin) logs in" "$st" 303
st=$(jreq "$B" GET /admin/journalists)
expect "the admin page lists the lock" "$st" 200 'carol <span class="badge">locked until [0-9]{2}:[0-9]{2} UTC'
# dave's budget is in memory, per minute: shown (and cleared) only while
# that minute lasts; the checks are skipped, saying so, if it has passed.
did=$(db "SELECT id FROM journalists WHERE name = 'dave'")
if [ "$(($(date +%s) / 60))" = "$dave_minute" ]; then
	grep -q 'dave <span class="badge">too many login attempts this minute' "$work/body" &&
		ok "the admin page shows the name throttled this minute" || ko "dave not shown throttled"
	grep -q "action=\"/admin/journalist/$did/unlock\"" "$work/body" &&
		ok "with a button to clear it" || ko "no clear button for dave"
	dave_shown=1
else
	echo "note: the minute of dave's throttle has passed; its display is not checked"
	dave_shown=0
fi
cid=$(db "SELECT id FROM journalists WHERE name = 'carol'")
grep -q "action=\"/admin/journalist/$cid/unlock\"" "$work/body" && ok "with a button to clear it" ||
	ko "no clear button for carol"
t=$(csrf_of)
st=$(jreq "$B" POST "/admin/journalist/$cid/unlock" -d "x=1")
expect "clearing without the CSRF token is refused" "$st" 403
st=$(jreq "$B" POST "/admin/journalist/$cid/unlock" -d "csrf_token=$t")
expect "bob clears carol's lock" "$st" 303
[ "$(db "SELECT failures || ' ' || locked_until FROM journalists WHERE name = 'carol'")" = "0 0" ] &&
	ok "the lock is gone from the database" || ko "lock still recorded"
[ "$(db "SELECT count(*) FROM audit WHERE actor = 'bob' AND action = 'cleared the login lock' AND target = 'carol'")" = 1 ] &&
	ok "clearing is audited" || ko "clearing not audited"
st=$(jreq "$B" POST "/admin/journalist/$did/unlock" -d "csrf_token=$t")
expect "bob clears dave's throttle" "$st" 303
if [ "$dave_shown" = 1 ] && [ "$(($(date +%s) / 60))" = "$dave_minute" ]; then
	st=$(login "$work/d.jar" dave "wrong words again" 123456)
	expect "after clearing, dave's name is tried again (a wrong passphrase: 403)" "$st" 403
fi
st=$(jreq "$B" POST "/admin/journalist/99999/unlock" -d "csrf_token=$t")
expect "an unknown account: 404" "$st" 404
st=$(login "$work/c2.jar" carol "$carol_pass" "$(oathtool --totp -b -N 'now + 30 seconds' "$carol_secret")")
expect "carol logs in after the lock is cleared" "$st" 303
A=$work/alice.jar
t=$(jreq "$A" GET /sources >/dev/null; csrf_of)
st=$(jreq "$A" POST "/admin/journalist/$cid/unlock" -d "csrf_token=$t")
expect "a non-admin cannot clear a lock" "$st" 403

grep -Eq 'stranger|alice|carol|dave' "$work/journalist.log" && ko "the log names someone" ||
	ok "the log names no one"
echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
