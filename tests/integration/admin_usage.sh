#!/usr/bin/env bash
# Integration test of sealdrop-admin's command line (the command table and
# its one option parser, tools/admin/sealdrop-admin.c):
#
#  - --help prints one usage line per row of the table on stdout (exit 0),
#    a command's --help only its rows, and every command of
#    sealdrop-admin(8)'s synopsis is there;
#  - a usage error exits 2 with one line saying what is wrong, then the
#    command's usage lines: an unknown command, a missing subcommand, an
#    option another command takes, a missing required option, a missing
#    value, a wrong number of arguments;
#  - options and arguments may come in any order, "--" ends the options;
#  - a root-only command (setup) run by another user says so.
#
# usage: admin_usage.sh BUILD_DIR SOURCE_DIR
# shellcheck disable=SC2015 # "A && ok || ko": ok never fails
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
. "$src/tests/integration/lib.sh" admin_usage

# usage_err NAME WANT ARGS...: exit 2, WANT in the first line, usage after.
usage_err() {
	local name=$1 want=$2 rc
	shift 2
	"$admin" "$@" >"$work/out" 2>"$work/err"
	rc=$?
	[ "$rc" = 2 ] && [ ! -s "$work/out" ] && head -1 "$work/err" | grep -qF -- "$want" &&
		grep -q '^usage:$' "$work/err" && ok "$name" ||
		ko "$name (exit $rc): $(cat "$work/out" "$work/err")"
}

"$admin" --help >"$work/help" 2>"$work/err"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$work/err" ] && [ "$(grep -c '^  sealdrop-admin ' "$work/help")" = 23 ] &&
	ok "--help: 23 usage lines on stdout" || ko "--help (exit $rc): $(cat "$work/help" "$work/err")"
missing=
for c in $(grep -o '^\.B sealdrop-admin [a-z-]*' "$src/man/sealdrop-admin.8" | awk '{print $3}' | sort -u); do
	grep -q "^  sealdrop-admin $c " "$work/help" || missing="$missing $c"
done
[ -z "$missing" ] && ok "every command of the manual is in --help" || ko "not in --help:$missing"
"$admin" journalist --help >"$work/help" 2>"$work/err"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$work/err" ] && [ "$(grep -c '^  sealdrop-admin journalist ' "$work/help")" = 4 ] &&
	[ "$(grep -c '^  sealdrop-admin ' "$work/help")" = 4 ] &&
	ok "journalist --help: its four rows only, on stdout" ||
	ko "journalist --help (exit $rc): $(cat "$work/help" "$work/err")"
"$admin" backup --help >"$work/help" 2>"$work/err"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$work/err" ] && [ "$(grep -c '^  sealdrop-admin ' "$work/help")" = 1 ] &&
	ok "backup --help: its row, on stdout" || ko "backup --help (exit $rc): $(cat "$work/help" "$work/err")"

"$admin" >"$work/out" 2>"$work/err"
[ $? = 2 ] && grep -q '^usage:$' "$work/err" && ok "no command: usage, exit 2" || ko "no command"
usage_err "an unknown command" "unknown command 'frob'" frob --instance x
usage_err "a missing subcommand" "usage:" journalist
usage_err "an unknown subcommand" "usage:" journalist frob --instance x
usage_err "another command's option" "--out: unknown option for this command" check --instance x --out y
usage_err "an option of another subcommand" "--label: unknown option" recipient list --instance x --label y
usage_err "--admin is no flag of journalist reset" "--admin: unknown option" journalist reset --instance x bob --admin
usage_err "a missing --instance" "--instance is required" check
usage_err "backup without --out" "--out is required" backup --instance x
usage_err "a missing value" "--instance needs a value" check --instance
usage_err "a missing argument" "journalist add takes 1 argument besides its options" journalist add --instance x
usage_err "one argument too many" "settings set takes 2 arguments besides its options" settings set --instance x a b c
usage_err "a bad --timeout" "--timeout: 1 to 600 seconds" tor-check --instance x --timeout 0
usage_err "--passphrase-file without --key" "--passphrase-file goes with --key" restore --in a --instance b --passphrase-file c

# Options after the arguments, and "--": parsed, then the instance is
# looked at (and is not there: exit 1, no usage).
"$admin" journalist add bob --instance "$work/none" --admin >"$work/out" 2>&1
[ $? = 1 ] && ! grep -q '^usage:' "$work/out" && ok "options after the argument are taken" ||
	ko "options after the argument: $(cat "$work/out")"
"$admin" tor-client add --instance "$work/none" -- -x >"$work/out" 2>&1
[ $? = 1 ] && ! grep -q '^usage:' "$work/out" && ok '"--" ends the options' ||
	ko "--: $(cat "$work/out")"

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$admin" setup --recipient x \
		>"$work/out" 2>&1
	rc=$?
	[ "$rc" = 1 ] && grep -q 'setup must run as root (it gives the instance to sealdrop' "$work/out" &&
		ok "setup as another user: refused, says why" || ko "setup as nobody (exit $rc): $(cat "$work/out")"
else
	"$admin" setup --recipient x >"$work/out" 2>&1
	rc=$?
	[ "$(id -u)" = 0 ] || { [ "$rc" = 1 ] && grep -q 'setup must run as root' "$work/out" &&
		ok "setup as another user: refused" || ko "setup as non-root: $(cat "$work/out")"; }
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
