#!/usr/bin/env bash
# Integration test of sealdrop-admin notify (docs/notifications.md): the
# daily digest and operator alerts, end to end against a loopback SMTP sink
# (smtp_sink.py, python3-aiosmtpd) with throwaway gpg keys made here.
#
# No Tor here: this test's sealdrop.conf says "socks = off" so msmtp talks
# straight to the sink on 127.0.0.1. The Tor route is configuration: the
# msmtp settings made from the default [notify] section are checked for
# tor's SOCKS port and the neutral EHLO name instead.
#
# usage: notify.sh BUILD_DIR SOURCE_DIR
# shellcheck disable=SC2015 # "A && ok || ko": ok never fails
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
daemon=$build/bin/sealdrop-source

for tool in gpg msmtp; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || { echo "SKIP: python3-aiosmtpd is not installed"; exit 77; }

. "$src/tests/integration/lib.sh" notify
# The root-owned mail route (docs/notifications.md): none unless a part
# below makes one, whatever this machine's /etc holds.
export SEALDROP_NOTIFY_CONF=$work/no-notify.conf

# --- an instance with one submission --------------------------------------------
inst=$work/inst
init_instance "Secret Desk"
"$daemon" --instance "$inst" >"$work/daemon.log" 2>&1 &
dpid=$!
pids+=("$dpid")
wait_up "$dpid" "$inst/source.sock" "$work/daemon.log"
sreq GET / >/dev/null
sreq POST /generate -d "csrf_token=$(csrf_of)" >/dev/null
sreq GET /lookup >/dev/null
st=$(sreq POST /submit -F "csrf_token=$(csrf_of)" -F "message=hello")
kill "$dpid"; wait "$dpid" 2>/dev/null; pids=()
rm -f "$inst/source.sock"
[ "$st" = 303 ] || { echo "submission failed: $st"; exit 1; }

# --- throwaway keys: alice (can encrypt), bob (signing only), the operator --------
export GNUPGHOME=$work/gpg
mkdir -m 700 "$GNUPGHOME"
gk() { gpg --batch --quiet --passphrase '' --quick-gen-key "$1" "$2" "$3" never 2>>"$work/gpg.log"; }
# Curve25519 keys: an RSA session key's MPI is one byte shorter once in
# 256 messages (at random, whatever the text), which this test would see.
gk 'Alice <alice@example.org>' future-default default && gk 'Bob <bob@example.org>' ed25519 sign &&
	gk 'Operator <op@example.org>' future-default default || { echo "gpg cannot make keys"; exit 1; }
gpg --batch --armor --export alice@example.org >"$work/alice.asc"
gpg --batch --armor --export bob@example.org >"$work/bob.asc"
gpg --batch --armor --export op@example.org >"$work/op.asc"
echo "not a key" >"$work/junk.asc"

add_journalist alice
add_journalist bob
add_journalist carol
"$admin" notify set --instance "$inst" alice --address alice@example.org --key "$work/alice.asc" >/dev/null &&
	ok "a journalist's address and key are set" || ko "notify set alice"
"$admin" notify set --instance "$inst" bob --address bob@example.org --key "$work/bob.asc" >/dev/null ||
	ko "notify set bob"
"$admin" notify set --instance "$inst" carol --address carol@example.org --key "$work/junk.asc" 2>"$work/err" &&
	ko "a file that is no key was taken" ||
	{ grep -q "not one armored OpenPGP public key block" "$work/err" && ok "a file that is no key is refused: $(cat "$work/err")" || ko "junk key: $(cat "$work/err")"; }
"$admin" notify set --instance "$inst" carol --address 'carol@@x' --key "$work/alice.asc" 2>/dev/null &&
	ko "a bad address was taken" || ok "a bad address is refused"
[ "$(sqlite3 "$inst/sealdrop.db" "SELECT count(*) FROM journalists WHERE notify_addr != ''")" = 2 ] &&
	ok "only alice and bob opted in" || ko "opted in: $(sqlite3 "$inst/sealdrop.db" "SELECT name, notify_addr FROM journalists")"

# --- the account page: a journalist opts in and out themselves --------------------------
command -v oathtool >/dev/null || { echo "SKIP: oathtool is not installed"; exit 77; }
gk 'Carol <carol@example.org>' future-default default || { echo "gpg cannot make keys"; exit 1; }
gpg --batch --armor --export carol@example.org >"$work/carol.asc"
"$build/bin/sealdrop-journalist" --instance "$inst" >"$work/journalist.log" 2>&1 &
jpid=$!
pids+=("$jpid")
wait_up "$jpid" "$inst/journalist.sock" "$work/journalist.log"
jar=$work/cjar
jreq "$jar" GET /login >/dev/null
jreq "$jar" POST /login --data-urlencode "csrf_token=$(csrf_of)" --data-urlencode "username=carol" \
	--data-urlencode "passphrase=$carol_pass" --data-urlencode "code=$(oathtool --totp -b "$carol_secret")" >/dev/null
expect "the notice page shows a form" "$(jreq "$jar" GET /account/notify)" 200 'name="key"'
t=$(csrf_of)
jreq "$jar" POST /account/notify --data-urlencode "csrf_token=$t" --data-urlencode action=set \
	--data-urlencode address=carol@example.org --data-urlencode "key@$work/junk.asc" >/dev/null
expect "a text that is no key is refused on the page" "$(jreq "$jar" GET /account/notify)" 200 'not one OpenPGP public key block'
jreq "$jar" POST /account/notify --data-urlencode "csrf_token=$t" --data-urlencode action=set \
	--data-urlencode 'address=carol@@example.org' --data-urlencode "key@$work/carol.asc" >/dev/null
expect "an address that is no address is refused on the page" "$(jreq "$jar" GET /account/notify)" 200 'not an e-mail address'
check "nothing was saved" "[ -z \"\$(sqlite3 '$inst/sealdrop.db' \"SELECT notify_addr FROM journalists WHERE name = 'carol'\")\" ]"
jreq "$jar" POST /account/notify --data-urlencode "csrf_token=$t" --data-urlencode action=set \
	--data-urlencode address=carol@example.org --data-urlencode "key@$work/carol.asc" >/dev/null
expect "a journalist sets their address and key" "$(jreq "$jar" GET /account/notify)" 200 'Notices go to.*carol@example.org'
check "the key is stored as given" \
	"[ \"\$(sqlite3 '$inst/sealdrop.db' \"SELECT notify_key FROM journalists WHERE name = 'carol'\")\" = \"\$(cat '$work/carol.asc')\" ]"
check "the audit names neither the address nor the key" \
	"sqlite3 '$inst/sealdrop.db' 'SELECT * FROM audit' | grep -q 'notification' && ! sqlite3 '$inst/sealdrop.db' 'SELECT * FROM audit' | grep -qi 'carol@\\|PGP'"
check "the daemon's log names neither" "! grep -qi 'carol@\\|PGP' '$work/journalist.log'"
jreq "$jar" POST /account/notify --data-urlencode "csrf_token=$t" --data-urlencode action=clear >/dev/null
expect "opting out deletes both" "$(jreq "$jar" GET /account/notify)" 200 'Notifications are off'
check "nothing is left in the database" \
	"[ \"\$(sqlite3 '$inst/sealdrop.db' \"SELECT notify_addr || notify_key FROM journalists WHERE name = 'carol'\")\" = '' ]"
kill "$jpid"; wait "$jpid" 2>/dev/null; pids=()
rm -f "$inst/journalist.sock"

# --- no configuration: nothing is sent ----------------------------------------------
"$admin" notify run --instance "$inst" >"$work/out" 2>&1 && grep -q "notifications are off" "$work/out" &&
	ok "without [notify] from and smtp_host nothing is sent" || ko "unconfigured: $(cat "$work/out")"
"$admin" notify alert --instance "$inst" --unit sealdrop-journalist.service >"$work/out" 2>"$work/err" &&
	grep -q 'unit sealdrop-journalist.service failed' "$work/err" &&
	ok "an alert without [notify] is still written to the journal (stderr)" || ko "unconfigured alert: $(cat "$work/out" "$work/err")"

# --- the Tor route: the msmtp settings of a default [notify] section --------------
printf '\n[notify]\nfrom = notices@example.net\nsmtp_host = mail.example.net\noperator = op@example.org\noperator_key = %s\n' \
	"$work/op.asc" >>"$inst/sealdrop.conf"
"$admin" notify msmtp-config --instance "$inst" >"$work/msmtprc" 2>&1
check "msmtp goes through tor's SOCKS port by default" \
	"grep -qx 'proxy_host 127.0.0.1' '$work/msmtprc' && grep -qx 'proxy_port 9050' '$work/msmtprc'"
check "msmtp's EHLO name is neutral, not this host's" "grep -qx 'domain localhost' '$work/msmtprc'"
check "msmtp adds no header of its own" \
	"grep -qx 'set_msgid_header off' '$work/msmtprc' && grep -qx 'set_date_header off' '$work/msmtprc' && grep -qx 'set_from_header off' '$work/msmtprc'"
check "STARTTLS is the default" "grep -qx 'tls on' '$work/msmtprc' && grep -qx 'tls_starttls on' '$work/msmtprc'"
# Without TLS through Tor the password and the envelope (journalists'
# addresses) would cross a Tor exit in clear: refused, unless the mail
# server is an onion service.
printf 'tls = off\n' >>"$inst/sealdrop.conf"
"$admin" notify msmtp-config --instance "$inst" >"$work/out" 2>&1 &&
	ko "tls = off through a Tor exit was taken: $(cat "$work/out")" ||
	{ grep -q 'in clear through a Tor exit' "$work/out" && ok "tls = off through a Tor exit is refused" ||
		ko "tls = off: $(cat "$work/out")"; }
nmail=$(find "$work" -name '*.eml' | wc -l)
"$admin" notify run --instance "$inst" >"$work/out" 2>&1
check "and a run with it stops before sending anything" \
	"grep -q 'in clear through a Tor exit' '$work/out' && [ \$(find '$work' -name '*.eml' | wc -l) = $nmail ]"
sed -i 's/^smtp_host = .*/smtp_host = abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion/' "$inst/sealdrop.conf"
"$admin" notify msmtp-config --instance "$inst" >"$work/out" 2>&1 && grep -qx 'tls off' "$work/out" &&
	ok "tls = off to an onion mail server is taken" || ko "tls = off, onion: $(cat "$work/out")"
sed -i -e '/^tls = off$/d' -e 's/^smtp_host = .*/smtp_host = mail.example.net/' "$inst/sealdrop.conf"

# --- the SMTP password: only on a route the instance's user cannot change ---------
# sealdrop.conf is the instance user's, so the journalist daemon's: with
# the password there, a compromised daemon could point smtp_host at its
# own server and have the next run log in there with the password.
printf 'not-a-real-password\n' >"$work/pw"
printf 'smtp_user = notices@example.net\nsmtp_password_file = %s\n' "$work/pw" >>"$inst/sealdrop.conf"
"$admin" notify msmtp-config --instance "$inst" >"$work/out" 2>&1 &&
	ko "smtp_password_file in sealdrop.conf was taken: $(cat "$work/out")" ||
	{ grep -q 'smtp_password_file is taken only from' "$work/out" &&
		ok "smtp_password_file in sealdrop.conf is refused" || ko "password in sealdrop.conf: $(cat "$work/out")"; }
"$admin" notify run --instance "$inst" >"$work/out" 2>&1
check "and a run with it stops before sending anything" "grep -q 'smtp_password_file is taken only from' '$work/out'"
sed -i -e '/^smtp_user = /d' -e '/^smtp_password_file = /d' "$inst/sealdrop.conf"
if [ "$(id -u)" = 0 ]; then
	# The route file: root's, in directories only root can write.
	rdir=$(mktemp -d /tmp/sd-notifyconf.XXXXXX) && chmod 755 "$rdir"
	printf '[notify]\nfrom = route@example.com\nsmtp_host = smtp.example.com\nsmtp_user = route@example.com\nsmtp_password_file = %s\n' \
		"$work/pw" >"$rdir/notify.conf"
	SEALDROP_NOTIFY_CONF=$rdir/notify.conf "$admin" notify msmtp-config --instance "$inst" >"$work/out" 2>&1
	check "with a root-owned route file, its [notify] is used and sealdrop.conf's ignored" \
		"grep -qx 'host smtp.example.com' '$work/out' && grep -qx 'user route@example.com' '$work/out' && ! grep -q 'mail.example.net' '$work/out'"
	chown nobody "$rdir/notify.conf" 2>/dev/null && chown nobody "$inst" "$inst/sealdrop.conf" "$inst/sealdrop.db" 2>/dev/null &&
		{ SEALDROP_NOTIFY_CONF=$rdir/notify.conf "$admin" notify msmtp-config --instance "$inst" >"$work/out" 2>&1 &&
			ko "a route file the instance's user owns was taken" ||
			{ grep -q 'the instance.s user can change' "$work/out" && ok "a route file the instance's user owns is refused" ||
				ko "route file of the instance user: $(cat "$work/out")"; }
			chown root "$rdir/notify.conf"
			SEALDROP_NOTIFY_CONF=$rdir/notify.conf "$admin" notify msmtp-config --instance "$inst" >"$work/out" 2>&1
			check "root's route file (in a directory under the sticky /tmp) is taken by the instance's user" \
				"grep -qx 'host smtp.example.com' '$work/out'"
			# Writable by all, seen through a read-only mount (the unit's
			# ProtectSystem=strict): still a file others can change.
			chmod 0666 "$rdir/notify.conf"
			if unshare -m true 2>/dev/null; then
				SEALDROP_NOTIFY_CONF=$rdir/notify.conf unshare -m sh -c 'mount --bind "$1" "$1" &&
					mount -o remount,ro,bind "$1" && shift && exec "$@"' sh "$rdir" \
					"$admin" notify msmtp-config --instance "$inst" >"$work/out" 2>&1
				check "a route file anyone may write is refused, also on a read-only mount" \
					"grep -q 'the instance.s user can change' '$work/out'"
			fi; }
	chown root "$inst" "$inst/sealdrop.conf" "$inst/sealdrop.db"
	rm -rf "$rdir"
fi

# --- the loopback sink, and this test's direct route to it ------------------------
mail=$work/mail
mkdir "$mail"
/usr/bin/python3 "$src/tests/integration/smtp_sink.py" "$mail" "$work/port" 2>"$work/sink.log" &
pids+=("$!")
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port" 2>/dev/null) || { echo "the SMTP sink did not start: $(cat "$work/sink.log")"; exit 1; }
sed -i 's/^smtp_host = .*/smtp_host = 127.0.0.1/' "$inst/sealdrop.conf"
printf 'smtp_port = %s\ntls = off\nsocks = off\n' "$port" >>"$inst/sealdrop.conf"

# mails_to ADDR: the files the sink stored for ADDR, oldest first.
mails_to() { ls "$mail"/*-"$1".eml 2>/dev/null; }
# headers_of FILE: a mail's header lines, without CR.
headers_of() { tr -d '\r' <"$1" | sed '/^$/q'; }
# body_of FILE: the decrypted text of a mail.
body_of() { gpg --batch --quiet --decrypt "$1" 2>>"$work/gpg.log"; }

# --- a day with activity --------------------------------------------------------------
"$admin" notify run --instance "$inst" >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" = 1 ] && ok "a refused key makes the run fail (exit 1)" || ko "exit $rc: $(cat "$work/out" "$work/err")"
check "the run warns that socks = off bypasses Tor" "grep -q 'without Tor' '$work/err'"
a1=$(mails_to alice@example.org | tail -1)
[ -n "$a1" ] && ok "alice's digest arrived" || ko "no digest for alice: $(ls "$mail") $(cat "$work/err")"
check "the digest is OpenPGP-encrypted" "grep -q -- '-----BEGIN PGP MESSAGE-----' '$a1' && ! grep -qi 'submissions' '$a1'"
body_of "$a1" >"$work/a1.txt"
check "it decrypts to the fixed text: activity yes" \
	"grep -qx 'New submissions since the last notice: yes' '$work/a1.txt' && [ \$(wc -c <'$work/a1.txt') = 1024 ]"
headers_of "$a1" >"$work/a1.head"
check "its headers and text name neither this host, nor the drop, nor a designation" \
	"! grep -qiwF '$(hostname)' '$work/a1.head' '$work/a1.txt' && ! grep -qi 'secret desk\|onion\|sealdrop' '$work/a1.head' '$work/a1.txt'"
check "it comes from the configured address, its Message-ID names localhost" \
	"grep -qx 'From: notices@example.net' '$work/a1.head' && grep -qx 'Message-ID: <[0-9a-f]\{32\}@localhost>' '$work/a1.head'"
check "the client said EHLO localhost, not this host's name" "[ \"\$(cat '${a1%.eml}.ehlo')\" = localhost ]"
check "bob (a signing-only key) gets nothing" "[ -z \"\$(mails_to bob@example.org)\" ]"
check "carol (no key) gets nothing" "[ -z \"\$(mails_to carol@example.org)\" ]"
op=$(mails_to op@example.org | tail -1)
body_of "$op" >"$work/op1.txt" 2>/dev/null
check "bob's key is refused and reported to the operator, encrypted" \
	"grep -q -- '-----BEGIN PGP MESSAGE-----' '$op' && grep -q 'notification key or address of journalist bob is refused: it cannot encrypt' '$work/op1.txt'"

# --- an address the daemon could not have stored (written straight into the database)
sqlite3 "$inst/sealdrop.db" "UPDATE journalists SET notify_addr = 'bob@example.org' || char(10) || 'Bcc: x@example.org', notify_key = CAST(readfile('$work/alice.asc') AS TEXT) WHERE name = 'bob'" 2>/dev/null ||
	sqlite3 "$inst/sealdrop.db" "UPDATE journalists SET notify_addr = 'bob@example.org' || char(10) || 'Bcc: x@example.org' WHERE name = 'bob'"
nmail=$(ls "$mail" | grep -c '\.eml$')
"$admin" notify run --instance "$inst" >"$work/out" 2>"$work/err"
op=$(mails_to op@example.org | tail -1)
body_of "$op" >"$work/op0.txt" 2>/dev/null
check "an address with a line break in the database is refused, not mailed" \
	"[ -z \"\$(ls '$mail' | grep -i 'bcc\\|x@example')\" ] && grep -q 'journalist bob is refused: the address is not an e-mail address' '$work/op0.txt'"

# --- the digest's text never reaches a file ----------------------------------------------
# A file unlinked from a disk-backed /tmp stays in its free blocks, which a
# seized server gives back: the day's yes or no is handed to gpg in memory.
if command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null; then
	strace -f -qq -e trace=open,openat,creat -o "$work/strace.log" \
		"$admin" notify run --instance "$inst" >"$work/out" 2>"$work/err"
	made=$(grep -E 'O_CREAT|creat\(' "$work/strace.log" | grep -o '"[^"]*sealdrop-notify\.[^"]*"' | tr '\n' ' ')
	check "no plaintext file is made in the run's directory" "! grep -q 'plain' <<<'$made' && [ -n '$made' ]"
	check "and the digest still goes out" "[ \"\$(mails_to alice@example.org | wc -l)\" -ge 2 ]"
else
	echo "note: no usable strace: the plaintext-file check is skipped"
fi

# --- a day without activity: the same size ---------------------------------------------
sqlite3 "$inst/sealdrop.db" "UPDATE settings SET value = '9999-12-31 00:00' WHERE key = 'notify_last_hour'"
"$admin" notify clear --instance "$inst" bob >/dev/null && ok "bob opts out" || ko "notify clear"
"$admin" notify run --instance "$inst" >"$work/out" 2>"$work/err" && ok "a run with nothing to report exits 0" ||
	ko "second run: $(cat "$work/out" "$work/err")"
a2=$(mails_to alice@example.org | tail -1)
body_of "$a2" >"$work/a2.txt"
check "the next digest says no activity" "[ '$a2' != '$a1' ] && grep -qx 'New submissions since the last notice: no ' '$work/a2.txt'"
check "with and without activity the mail is the same size ($(wc -c <"$a1") bytes)" \
	"[ \$(wc -c <'$a1') = \$(wc -c <'$a2') ] && [ \$(wc -c <'$work/a1.txt') = \$(wc -c <'$work/a2.txt') ]"

# --- a failing check is an alert ------------------------------------------------------------
chmod 0644 "$inst/sealdrop.conf"
nop=$(mails_to op@example.org | wc -l)
"$admin" notify run --instance "$inst" >"$work/out" 2>"$work/err"
chmod 0600 "$inst/sealdrop.conf"
op=$(mails_to op@example.org | tail -1)
body_of "$op" >"$work/op2.txt" 2>/dev/null
check "a failing sealdrop-admin check reaches the operator" \
	"[ \$(mails_to op@example.org | wc -l) -gt $nop ] && grep -q 'sealdrop-admin check: FAIL permissions' '$work/op2.txt'"

# --- a unit failing while the mail route is down, reported once it is back ---------------
sed -i 's/^smtp_port = .*/smtp_port = 1/' "$inst/sealdrop.conf"
nop=$(mails_to op@example.org | wc -l)
"$admin" notify alert --instance "$inst" --unit sealdrop-source.service >"$work/out" 2>"$work/err" &&
	ko "an alert that could not be sent exited 0" ||
	{ grep -q 'unit sealdrop-source.service failed' "$work/err" && grep -q 'were not sent' "$work/err" &&
		ok "an alert that cannot be sent is shown on stderr (the journal)" || ko "alert down: $(cat "$work/err")"; }
check "it is kept in the database" \
	"sqlite3 '$inst/sealdrop.db' \"SELECT value FROM settings WHERE key = 'notify_pending'\" | grep -q 'sealdrop-source.service'"
sed -i "s/^smtp_port = .*/smtp_port = $port/" "$inst/sealdrop.conf"
"$admin" notify run --instance "$inst" >"$work/out" 2>"$work/err"
op=$(mails_to op@example.org | tail -1)
body_of "$op" >"$work/op3.txt" 2>/dev/null
check "once mail goes out again the kept alert is sent" \
	"[ \$(mails_to op@example.org | wc -l) -gt $nop ] && grep -q 'unit sealdrop-source.service failed' '$work/op3.txt' && grep -q 'could not send' '$work/op3.txt'"
check "and no longer kept" \
	"[ -z \"\$(sqlite3 '$inst/sealdrop.db' \"SELECT value FROM settings WHERE key = 'notify_pending'\")\" ]"
check "no private directory is left behind" "! ls -d \${TMPDIR:-/tmp}/sealdrop-notify.* 2>/dev/null | grep -q ."

echo "passed $passed, failed $failed"
[ "$failed" = 0 ]
