#!/usr/bin/env bash
# What a source would expect (issue "Sources and journalists", source
# side), against the real daemon on its unix socket:
#  - a French page gives French codename words, an English one EFF words,
#    and a login accepts either;
#  - the browser's Accept-Language picks the first page's language until
#    the source chooses one;
#  - the submit form stays valid after the session ends and after a
#    restart (its submit token), a forged or foreign token is refused;
#  - a JavaScript warning that a <noscript> stylesheet hides;
#  - the logged-out page; a reply notice at the top; limits as they are;
#    no documents offered when files are off.
#
# usage: source_ux.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
daemon=$build/bin/sealdrop-source
sdreply=$build/bin/sdreply

. "$src/tests/integration/lib.sh" source-ux

inst=$work/inst
init_instance "UX drop"
sed -i 's/^argon2_concurrency = .*/argon2_concurrency = 1/; s/^max_message_chars = .*/max_message_chars = 300/' \
	"$inst/sealdrop.conf"
dlog=$work/daemon.log
start() {
	local n; n=$(grep -c 'listening on' "$dlog" 2>/dev/null); n=${n:-0}
	"$daemon" --instance "$inst" >>"$dlog" 2>&1 &
	dpid=$!; pids+=("$dpid")
	wait_up "$dpid" "$inst/source.sock" "$dlog" "$n"
}
stop() { kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null; }
start
items() { sqlite3 "$inst/sealdrop.db" 'SELECT count(*) FROM items'; }
codename_of() { sed -n 's/.*id="codename"[^>]*>\([^<]*\)<.*/\1/p' "$work/body" | head -1; }
frlist=$build/common/wordlist_fr.c
enlist=$build/common/wordlist.c
all_in() { # list codename
	for w in $2; do grep -qx "	\"$w\"," "$1" || return 1; done
}

# --- languages ----------------------------------------------------------------
st=$(sreq GET / -H 'Accept-Language: fr-FR,fr;q=0.9,en;q=0.5')
expect "Accept-Language fr: the page is French" "$st" 200 '<html lang="fr">'
st=$(sreq GET / -H 'Accept-Language: de-DE,de;q=0.9')
expect "Accept-Language de: the default, English" "$st" 200 '<html lang="en">'
rm -f "$work/sjar"
st=$(sreq GET '/?lang=en' -H 'Accept-Language: fr')
st=$(sreq GET / -H 'Accept-Language: fr')
expect "a chosen language wins over Accept-Language" "$st" 200 '<html lang="en">'

rm -f "$work/sjar"
sreq GET / -H 'Accept-Language: fr' >/dev/null
st=$(sreq POST /generate -H 'Accept-Language: fr' -d "csrf_token=$(csrf_of)")
fr=$(codename_of)
[ "$(echo "$fr" | wc -w)" = 7 ] && all_in "$frlist" "$fr" && ok "a French source gets 7 French words" ||
	ko "French codename: $fr"
grep -qi 'forgotten\|oublié' "$work/body" && ok "the codename page says an unused codename is forgotten" ||
	ko "no word of pending codenames"
rm -f "$work/sjar"
sreq GET '/?lang=en' >/dev/null; sreq GET / >/dev/null
st=$(sreq POST /generate -d "csrf_token=$(csrf_of)")
en=$(codename_of)
all_in "$enlist" "$en" && ok "an English source gets EFF words" || ko "English codename: $en"
# A login with the French codename from the English page.
rm -f "$work/sjar"; sreq GET '/?lang=en' >/dev/null; sreq GET / >/dev/null
st=$(sreq POST /login -d "csrf_token=$(csrf_of)&codename=${fr// /+}")
expect "a French codename logs in from the English page" "$st" 303

# --- the page ----------------------------------------------------------------------
st=$(sreq GET /lookup)
grep -q '<noscript><link rel="stylesheet" href="/static/nojs.css"></noscript>' "$work/body" &&
	grep -q 'id="js-warning"' "$work/body" && ok "a JavaScript warning, hidden by a <noscript> stylesheet" ||
	ko "no JavaScript warning or no <noscript> stylesheet"
st=$(sreq GET /static/nojs.css)
expect "nojs.css is served and hides the warning" "$st" 200 '\.js-warning *\{ *display: *none'
st=$(sreq GET /lookup)
grep -q 'id="form-lifetime"' "$work/body" && ok "the page says the form stays valid for a day" ||
	ko "no word of the form's lifetime"
grep -q 'maxlength="300"' "$work/body" && grep -q '>300 ' "$work/body" &&
	ok "the message limit shown is the configured one (300 characters)" || ko "message limit not shown as set"
grep -qi 'KB per second\|Ko par seconde' "$work/body" && ok "the form gives upload times over Tor" ||
	ko "no upload times"
token=$(grep -A1 'action="/submit"' "$work/body" | grep -o 'name="csrf_token" value="[^"]*"' |
	sed 's/.*value="//;s/"$//')
[ "${#token}" = 75 ] && ok "the submit form carries a submit token" || ko "submit token: '$token'"
printf 'x%.0s' $(seq 301) >"$work/long.txt"
st=$(sreq POST /submit -F "csrf_token=$token" -F "message=<$work/long.txt")
expect "a message over the limit: 413 that says the limit" "$st" 413 'at most 300 characters'

# --- the form outlives its session and a restart ---------------------------------
n0=$(items)
stop; start   # sessions are in memory: the restart ends this one
st=$(sreq GET /lookup)
expect "after a restart the session is gone" "$st" 303
st=$(sreq POST /submit -F "csrf_token=$token" -F "message=written for a long time")
expect "the submit form still works after the session ended (submit token)" "$st" 200 'id="submitted"'
[ "$(items)" = $((n0 + 1)) ] && ok "... and the message was stored" || ko "items $n0 -> $(items)"
forged=${token:0:40}A${token:41}
[ "$forged" = "$token" ] && forged=${token:0:40}B${token:41}
st=$(sreq POST /submit -F "csrf_token=$forged" -F "message=forged")
expect "a forged submit token: 403" "$st" 403 'log in again'
st=$(sreq POST /submit -F "csrf_token=" -F "message=none")
expect "no token and no session: 403" "$st" 403 'log in again'
[ "$(items)" = $((n0 + 1)) ] && ok "nothing stored for a bad token" || ko "items $n0 -> $(items)"
# Another source's session cannot use this token.
rm -f "$work/sjar"; sreq GET / >/dev/null
sreq POST /login -d "csrf_token=$(csrf_of)&codename=${en// /+}" >/dev/null
st=$(sreq POST /submit -F "csrf_token=$token" -F "message=crossed")
expect "a token of another source with this session: 403" "$st" 403

# --- replies, logout ----------------------------------------------------------------
printf '%s\n' "$fr" >"$work/codename"
"$sdreply" "$inst" "$work/codename" "a reply" || ko "sdreply"
rm -f "$work/sjar"; sreq GET / >/dev/null
sreq POST /login -d "csrf_token=$(csrf_of)&codename=${fr// /+}" >/dev/null
st=$(sreq GET /lookup)
notice=$(grep -n 'href="#replies"' "$work/body" | cut -d: -f1 | head -1)
form=$(grep -n 'action="/submit"' "$work/body" | cut -d: -f1 | head -1)
[ -n "$notice" ] && [ "$notice" -lt "$form" ] && ok "a reply is announced above the form" ||
	ko "no reply notice above the form"

# --- files off -------------------------------------------------------------------------
sed -i 's/^accept_files = .*/accept_files = no/' "$inst/sealdrop.conf"
stop; start
rm -f "$work/sjar"
st=$(sreq GET /)
! grep -qi 'documents' "$work/body" && ok "with files off the landing page offers no documents" ||
	ko "files off, yet: $(grep -io '[^.>]*documents[^.<]*' "$work/body" | head -2)"
stop

echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
