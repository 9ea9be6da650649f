#!/usr/bin/env bash
# Attack suite of the request layer both daemons share (web/route.h,
# web/form.h): the real daemons on unix sockets, not in --dev mode, driven
# with curl; every loop bounded, no timing asserted.
#
#  - a source form over its caps (fields, decoded bytes, the body bound
#    whatever the transfer encoding, a Content-Length past it) is a 413
#    that says the request is too large, not a 400 "not understood"; a
#    malformed one stays a 400;
#  - a GET to the journalist API with a body is answered as without it
#    (the pages ignore a GET's body too), not as a 413 "request is too large";
#  - odd paths and methods on both daemons: 404 and 405 with Allow, the
#    daemons alive;
#  - CSRF edge cases on both: missing, empty, wrong length, repeated with
#    a wrong first value, another session's, replayed after logout: 403;
#    a logged-in journalist who is no administrator gets 403 on admin pages.
#
# usage: attack_request.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
. "$src/tests/integration/lib.sh" attack-request
needs curl oathtool

inst=$work/inst
init_instance "Test drop"
add_journalist alice
launch "$work/journalist.log" "$inst/journalist.sock" "$build/bin/sealdrop-journalist" \
	--instance "$inst"
launch "$work/source.log" "$inst/source.sock" "$build/bin/sealdrop-source" --instance "$inst"
alive() { kill -0 "${pids[0]}" 2>/dev/null && kill -0 "${pids[1]}" 2>/dev/null; }
rep() { head -c "$2" /dev/zero | tr '\0' "$1"; } # CHAR COUNT

# --- the source's small forms over their caps ----------------------------------------
sreq GET / >/dev/null
st_tok=$(csrf_of)
st=$(sreq POST /login -d "csrf_token=$st_tok&a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8")
expect "a source form of 9 fields: 413" "$st" 413 "request is too large"
st=$(sreq POST /login -d "csrf_token=$st_tok&codename=$(rep k 4100)")
expect "a source form of 4 KiB and more: 413" "$st" 413 "request is too large"
st=$(sreq POST /login -H 'Transfer-Encoding: chunked' --data-binary "csrf_token=$st_tok&a=$(rep '&' 17000)")
expect "a chunked source form past 16 KiB: 413" "$st" 413 "request is too large"
st=$(sreq POST /login --data-binary "csrf_token=$st_tok&a=$(rep '&' 17000)")
expect "a source form whose Content-Length is past 16 KiB: 413" "$st" 413 "request is too large"
st=$(sreq POST /login -d "csrf_token=$st_tok&codename=%4g")
expect "a source form with a bad %-escape: 400" "$st" 400 "not understood"
st=$(sreq POST /login -d "csrf_token=$st_tok&codename=a%00b")
expect "a source form with %00: 400" "$st" 400 "not understood"

# --- a GET with a body to the journalist API ----------------------------------------
st=$(curl -s --unix-socket "$inst/journalist.sock" -o "$work/body" -w '%{http_code}' \
	-X GET -H 'Content-Type: application/json' --data-binary '{}' "http://$onion/api/v1/me")
expect "API GET with a body and no token: 401 as without a body" "$st" 401 "token is required"
st=$(curl -s --unix-socket "$inst/journalist.sock" -o "$work/body" -w '%{http_code}' \
	-X GET --data-binary 'x' "http://$onion/api/v1/nothing")
expect "API GET with a body to no route: 404" "$st" 404 "no such resource"

# --- paths and methods ----------------------------------------------------------------
J=$work/anon.jar
for p in //login /login/ /login%2Fx '/*' /.. "/source/$(rep a 70)" /a/b/c/d/e/f/g/h/i; do
	st=$(jreq "$J" GET "$p")
	expect "journalist GET $p: 404" "$st" 404
done
for p in //lookup /lookup/ /static/../metadata "/$(rep a 65)" /a/b/c/d/e/f/g/h/i; do
	st=$(sreq GET "$p" --path-as-is)
	expect "source GET $p: 404" "$st" 404
done
for m in OPTIONS FOO get PUT; do
	st=$(jreq "$J" "$m" /login)
	expect "journalist $m /login: 405" "$st" 405
	grep -qi '^Allow: GET, POST' "$work/headers" && ok "$m /login: Allow: GET, POST" ||
		ko "$m /login: Allow header: $(grep -i '^Allow' "$work/headers")"
done
st=$(sreq post /login -d "csrf_token=$st_tok")
expect "source lower-case post: 405" "$st" 405
st=$(sreq HEAD /logout -I)
expect "source HEAD of a POST-only route: 405" "$st" 405

# --- CSRF -----------------------------------------------------------------------------
A=$work/alice.jar
jreq "$A" GET /login >/dev/null
t=$(csrf_of)
st=$(jreq "$A" POST /login --data-urlencode "csrf_token=$t" --data-urlencode "username=alice" \
	--data-urlencode "passphrase=$alice_pass" --data-urlencode "code=$(oathtool --totp -b "$alice_secret")")
expect "alice logs in" "$st" 303
jreq "$A" GET /sources >/dev/null
t=$(csrf_of)
[ -n "$t" ] && ok "alice's page has a token" || ko "no token on alice's page"
for form in "" "csrf_token=" "csrf_token=${t%?}" "csrf_token=${t}A" "csrf_token=x&csrf_token=$t" \
	"csrf_token=$st_tok"; do
	st=$(jreq "$A" POST /sources -d "$form")
	expect "journalist form with \"${form:0:24}...\": 403" "$st" 403 "form expired"
done
st=$(jreq "$A" GET /admin/journalists)
expect "a journalist who is no administrator: GET admin page 403" "$st" 403
st=$(jreq "$A" POST /admin/journalists -d "csrf_token=$t&name=mallory")
expect "a journalist who is no administrator: POST admin form 403" "$st" 403
st=$(jreq "$A" POST /logout -d "csrf_token=$t")
expect "alice logs out" "$st" 303
st=$(jreq "$A" POST /sources -d "csrf_token=$t")
expect "her token replayed after logout: 403" "$st" 403
S2=$work/other.jar
st=$(sreq POST /generate -d "csrf_token=$st_tok")
expect "a source gets a codename" "$st" 200
s_tok=$(csrf_of)
st=$(curl -s --unix-socket "$inst/source.sock" -b "$S2" -c "$S2" -o "$work/body" -w '%{http_code}' \
	"http://$onion/")
other=$(csrf_of)
st=$(sreq POST /logout -d "csrf_token=$other")
expect "source logout with another browser's token: 403" "$st" 403 "expired"
st=$(sreq POST /logout -d "csrf_token=")
expect "source logout with an empty token: 403" "$st" 403
st=$(sreq POST /logout -d "csrf_token=$s_tok")
expect "source logout with its own token" "$st" 200
st=$(sreq POST /reply/delete -d "csrf_token=$s_tok&reply_id=00")
expect "the source's token after logout: 403" "$st" 403

alive && ok "both daemons alive" || ko "a daemon died"
echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
