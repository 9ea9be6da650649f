#!/usr/bin/env bash
# inside.sh MODE - runs inside the booted Debian 12 container (a
# Type=simple unit, sealdrop-systest.service, made by deploy.sh), as root:
# installs the packages from /debs with apt, runs `sealdrop-admin setup` as
# the operator guide says, checks the running drop, then
#   deploy: an upgrade from the previous release (a message sent to it
#           still opens), a submission through the socket, setup again;
#   onion:  the round trip through a private Tor network (onion.sh);
# and powers off. One "ok:"/"FAIL:"/"note:" line per check in /out/log, the
# counts in /out/rc. Each step is bounded; the container has no network
# but lo.
set -u
mode=${1:-deploy}
exec >>/out/log 2>&1
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }
finish() {
	echo "passed=$passed failed=$failed" >/out/rc
	systemctl poweroff --no-block
	exit 0
}
trap finish EXIT
inst=/var/lib/sealdrop
T="timeout 120"

timeout 120 systemctl is-system-running --wait >/dev/null 2>&1
echo "note: system state: $(systemctl is-system-running)"

# --- install, as the guide says ----------------------------------------------
export DEBIAN_FRONTEND=noninteractive
# The previous release (tests/system/prev.sh: built from its commit, in
# /debs-prev) is installed first and the packages of this tree over it
# (section upgrade). Without it (no git history where the test ran) the same
# build with a lower version stands in, and the line below says so.
first=/debs-prev
prev_real=1
if [ "$mode" = onion ]; then
	first=/debs   # no upgrade in this mode
elif ! ls /debs-prev/sealdrop-server_*.deb >/dev/null 2>&1; then
	prev_real=
	first=/root/debs-prev
	mkdir -p $first
	echo "note: no previous release was built: the upgrade starts from this build repacked with a lower version"
	for d in /debs/sealdrop-server_*.deb /debs/sealdrop-offline_*.deb; do
		if ! { rm -rf /root/x && dpkg-deb -R "$d" /root/x &&
			sed -i 's/^Version: \(.*\)$/Version: \1~prev/' /root/x/DEBIAN/control &&
			dpkg-deb -b /root/x $first/ >/dev/null; }; then
			ko "repack $d"
		fi
	done
else
	echo "note: previous release: $(dpkg-deb -f /debs-prev/sealdrop-server_*.deb Version), now: $(dpkg-deb -f /debs/sealdrop-server_*.deb Version)"
fi
check "apt installs both packages from a local folder" \
	"$T apt-get install -y -q --no-install-recommends $first/sealdrop-server_*.deb $first/sealdrop-offline_*.deb >/out/apt1.log 2>&1"
check "the sealdrop user exists (sysusers)" "id sealdrop >/dev/null"
check "no build tool came with the packages" "! dpkg -l gcc cmake chromium nodejs libreoffice-core 2>/dev/null | grep -q '^ii'"
check "the units are installed and not started before setup" \
	"systemctl cat sealdrop-source.service >/dev/null && ! systemctl is-active --quiet sealdrop-source.service"

# --- a journalist key, made as on the air-gapped machine ----------------------
printf 'correct horse battery staple\n' >/root/pass
chmod 600 /root/pass
check "sealdrop-keygen makes a keypair" \
	"$T sealdrop-keygen --out /root/alice.key --passphrase-file /root/pass --kdf interactive >/dev/null"

# --- setup -----------------------------------------------------------------------
$T sealdrop-admin setup --recipient /root/alice.pub --name "System test drop" >/out/setup.log 2>&1
rc=$?
cp /out/setup.log /out/setup.txt
check "setup exits 0" "[ $rc = 0 ]"
src=$(sed -n 's|^source address (publish it): *http://\([a-z2-7]\{56\}\.onion\)/$|\1|p' /out/setup.log)
check "setup prints the source address" "[ -n '$src' ]"
check "setup prints the administrator's passphrase" "grep -Eq '^  passphrase: +([a-z]+ ){6}[a-z]+$' /out/setup.log"
check "setup prints the TOTP secret" "grep -Eq '^  totp secret: +[A-Z2-7]{32}$' /out/setup.log"
check "setup prints the Tor client-auth line" "grep -Eq '^    [a-z2-7]{56}:descriptor:x25519:[A-Z2-7]{52}$' /out/setup.log"
check "setup prints the next steps" "grep -q '^next steps' /out/setup.log"
for u in sealdrop-source sealdrop-journalist tor@default; do
	check "$u is active" "systemctl is-active --quiet $u"
done
check "both daemons are enabled" "systemctl is-enabled --quiet sealdrop-source && systemctl is-enabled --quiet sealdrop-journalist"
check "tor reads the instance's torrc" "[ \$(grep -c '^%include $inst/tor/torrc\$' /etc/tor/torrc) = 1 ]"
check "tor's AppArmor profile includes the rules" \
	"[ \$(grep -c 'include if exists \"/usr/share/sealdrop/apparmor/system_tor.sealdrop\"' /etc/apparmor.d/local/system_tor) = 1 ]"

# Owners and modes, as the units expect.
own() { stat -c '%U:%G %a' "$1"; }
check "instance is sealdrop:debian-tor 2710" "[ '$(own $inst)' = 'sealdrop:debian-tor 2710' ]"
check "tor/ is debian-tor:debian-tor 700" "[ '$(own $inst/tor)' = 'debian-tor:debian-tor 700' ]"
check "sealdrop.db is sealdrop 600" "[ '$(own $inst/sealdrop.db)' = 'sealdrop:sealdrop 600' ]"
for s in source journalist; do
	for _ in $(seq 50); do [ -S $inst/$s.sock ] && break; sleep 0.2; done
	check "$s.sock is sealdrop:debian-tor 660" "[ -S $inst/$s.sock ] && [ '$(own $inst/$s.sock)' = 'sealdrop:debian-tor 660' ]"
done
check "tor wrote the source hostname setup printed" \
	"for _ in \$(seq 100); do [ -s $inst/tor/source/hostname ] && break; sleep 0.3; done; [ \"\$(cat $inst/tor/source/hostname)\" = '$src' ]"

if [ "$mode" = onion ]; then
	# shellcheck source=tests/system/onion.sh
	. /usr/local/sbin/sealdrop-systest-onion
	exit 0
fi

# The daemons' sandbox, in this boot's journal.
for u in sealdrop-source sealdrop-journalist; do
	line=$(journalctl -b -u $u --no-pager -o cat | grep -m1 'sandbox:')
	echo "note: $u: $line"
	check "$u entered its sandbox (journal)" "echo '$line' | grep -Eq 'sandbox: seccomp allow-list, landlock ABI [0-9]+'"
	pid=$(systemctl show -p MainPID --value $u)
	check "$u runs as sealdrop with no_new_privs and seccomp" \
		"[ \"\$(stat -c %U /proc/$pid)\" = sealdrop ] && grep -q '^NoNewPrivs:[[:space:]]*1' /proc/$pid/status && grep -q '^Seccomp:[[:space:]]*2' /proc/$pid/status"
done
# A blocked connect can hang for minutes (IPAddressDeny): bounded.
check "the source daemon has no network (no IPv4 socket in its namespace)" \
	"timeout 10 nsenter -t \$(systemctl show -p MainPID --value sealdrop-source) -n cat /proc/net/tcp | awk 'NR>1' | wc -l | grep -qx 0"

# curl runs as debian-tor: its files in a directory of its own.
cw=/run/systest-curl
mkdir -p $cw && chown debian-tor: $cw && chmod 700 $cw
jar=$cw/jar
req() { # method path [curl args]: as debian-tor, like tor, Host the onion
	local m=$1 p=$2; shift 2
	$T setpriv --reuid debian-tor --regid debian-tor --clear-groups \
		curl -s --unix-socket $inst/source.sock -X "$m" -b $jar -c $jar \
		-o $cw/body -w '%{http_code}' "$@" "http://$src$p"
}
csrf_of() { grep -o 'name="csrf_token" value="[^"]*"' $cw/body | head -1 | sed 's/.*value="//;s/"$//'; }
# --- upgrade over the running drop ---------------------------------------------------
spid=$(systemctl show -p MainPID --value sealdrop-source)
jpid=$(systemctl show -p MainPID --value sealdrop-journalist)
kept="SELECT (SELECT group_concat(name) FROM journalists), (SELECT count(*) FROM recipients),
	(SELECT value FROM settings WHERE key = 'codename_salt')"
schema=$(cat /usr/local/share/sealdrop-systest/schema)
old_marker=
if [ -n "$prev_real" ]; then
	# A message submitted to the previous release: opened after the upgrade.
	old_marker="before-upgrade-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	req GET / >/dev/null
	csrf=$(csrf_of)
	check "the previous release gives a codename" "[ \"\$(req POST /generate -d csrf_token=$csrf)\" = 200 ]"
	req GET /lookup >/dev/null
	csrf=$(csrf_of)
	check "a message submitted to the previous release" \
		"[ \"\$(req POST /submit -F csrf_token=$csrf -F 'message=$old_marker')\" = 303 ]"
	rm -f $jar
	echo "note: the previous release's database is at schema $(sqlite3 $inst/sealdrop.db 'PRAGMA user_version'), this build's at $schema"
else
	# The stand-in is this build: make its database what schema 2 was (the
	# same tables without the columns and indexes of migrations 3 to 5,
	# store/db.c), before any submission, so no row needs the batch
	# directories schema 3 brought.
	setpriv --reuid sealdrop --regid sealdrop --clear-groups sqlite3 $inst/sealdrop.db \
		'DROP INDEX items_batch; DROP INDEX items_hour; DROP INDEX sources_pending;
		 ALTER TABLE items DROP COLUMN batch; ALTER TABLE items DROP COLUMN source_deleted; ALTER TABLE sources DROP COLUMN pending;
		 ALTER TABLE journalists DROP COLUMN must_change_pw;
		 ALTER TABLE journalists DROP COLUMN notify_addr; ALTER TABLE journalists DROP COLUMN notify_key;
		 PRAGMA user_version = 2;' >/out/downgrade.log 2>&1
	check "the database is at schema 2 before the upgrade" "[ \"\$(sqlite3 $inst/sealdrop.db 'PRAGMA user_version')\" = 2 ]"
fi
before=$(sqlite3 $inst/sealdrop.db "$kept")
check "apt installs the newer packages over the running drop" \
	"timeout 300 apt-get install -y -q --no-install-recommends /debs/sealdrop-server_*.deb /debs/sealdrop-offline_*.deb >/out/apt2.log 2>&1"
check "the upgrade restarted both daemons" \
	"[ \"\$(systemctl show -p MainPID --value sealdrop-source)\" != $spid ] && [ \"\$(systemctl show -p MainPID --value sealdrop-journalist)\" != $jpid ] && systemctl is-active --quiet sealdrop-source sealdrop-journalist"
check "the database was migrated to schema $schema" "[ \"\$(sqlite3 $inst/sealdrop.db 'PRAGMA user_version')\" = $schema ]"
check "the instance kept its journalists, recipients and codename salt" \
	"[ \"\$(sqlite3 $inst/sealdrop.db \"$kept\")\" = '$before' ] && [ -n '$before' ]"
check "the onion address is unchanged" "[ \"\$(cat $inst/tor/source/hostname)\" = '$src' ]"
rm -f $jar
check "the landing page after the upgrade" "[ \"\$(req GET /)\" = 200 ]"
check "sealdrop-admin check passes after the upgrade" "$T sealdrop-admin check --instance $inst >/out/check.log 2>&1"
# The notification service in its sandbox (docs/notifications.md): with
# [notify] unset it runs, as sealdrop, and sends nothing.
check "sealdrop-notify.service runs in its sandbox and sends nothing while unconfigured" \
	"$T systemctl start sealdrop-notify.service && for _ in \$(seq 50); do journalctl -u sealdrop-notify.service --no-pager | grep -q 'notifications are off' && break; sleep 0.2; done; journalctl -u sealdrop-notify.service --no-pager | grep -q 'notifications are off'"
check "the notification timer is installed, not enabled" \
	"systemctl cat sealdrop-notify.timer >/dev/null && ! systemctl is-enabled --quiet sealdrop-notify.timer"
# --- a submission through the source socket, as tor sends it ------------------
check "landing page through the socket" "[ \"\$(req GET /)\" = 200 ]"
csrf=$(csrf_of)
check "a codename" "[ \"\$(req POST /generate -d csrf_token=$csrf)\" = 200 ]"
check "lookup page" "[ \"\$(req GET /lookup)\" = 200 ]"
csrf=$(csrf_of)
marker="system-test-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
check "a message submitted" "[ \"\$(req POST /submit -F csrf_token=$csrf -F 'message=$marker')\" = 303 ]"

# Opened as on the air-gapped machine: the message is what was sent.
rm -rf /root/opened
$T sealdrop-open --key /root/alice.key --passphrase-file /root/pass --out /root/opened $inst/spool >/out/open.log 2>&1
check "sealdrop-open opens the spool" "[ $? = 0 ]"
check "the opened message is the one sent" "grep -rqx '$marker' /root/opened"
[ -n "$old_marker" ] && check "the message sent to the previous release opens after the upgrade" \
	"grep -rqx '$old_marker' /root/opened"

# --- systemd-analyze security ----------------------------------------------------
for u in sealdrop-source sealdrop-journalist; do
	echo "note: systemd-analyze security $u: $(systemd-analyze security $u --no-pager 2>/dev/null | tail -1)"
done
echo "note: systemd-analyze security tor@default: $(systemd-analyze security tor@default --no-pager 2>/dev/null | tail -1)"

# --- AppArmor: parsed, not loaded (no AppArmor in this kernel) ---------------------
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
	echo "note: AppArmor is enabled in this kernel"
else
	echo "note: AppArmor is not enabled in this kernel: tor's profile cannot be loaded here"
fi
check "apparmor_parser -Q parses tor's profile with the rules" \
	"$T apparmor_parser -Q -K /etc/apparmor.d/system_tor >/out/aa.log 2>&1"

# --- setup again: safe, changes nothing -------------------------------------------
sum() { md5sum /etc/tor/torrc /etc/apparmor.d/local/system_tor $inst/sealdrop.conf $inst/sealdrop.db; }
before=$(sum)
$T sealdrop-admin setup --recipient /root/alice.pub >/out/setup2.log 2>&1
check "setup run again exits 0" "[ $? = 0 ]"
check "setup run again adds no administrator" "! grep -q '^  passphrase:' /out/setup2.log && grep -q 'none added' /out/setup2.log"
check "setup run again changes no file" "[ '$before' = \"\$(sum)\" ]"
check "the daemons still run" "systemctl is-active --quiet sealdrop-source sealdrop-journalist tor@default"

# --- a Tor client key made in the web admin, applied by root's path unit ------------
# The journalist daemon (the instance's user) leaves NAME.auth in
# tor-clients/requests/ (written beside it, then renamed in); the path unit
# starts sealdrop-tor-clients.service, which checks it and writes the key
# into tor/ as tor's user, then reloads tor. Done here as that user would.
check "the path unit watches the web admin's requests" "systemctl is-active --quiet sealdrop-tor-clients.path"
tc=$inst/tor-clients
ak=$inst/tor/journalist/authorized_clients
line="descriptor:x25519:$(head -c 32 /dev/urandom | basenc --base32 | tr -d '=\n')"
tpid=$(systemctl show -p MainPID --value tor@default)
setpriv --reuid sealdrop --regid sealdrop --clear-groups sh -c \
	"printf '%s\n' '$line' >$tc/.new-systest.auth && mv $tc/.new-systest.auth $tc/requests/systest.auth"
check "the path unit applied the request: the key is in tor/, tor's, 0600" \
	"for _ in \$(seq 100); do [ -f $ak/systest.auth ] && break; sleep 0.2; done; [ \"\$(cat $ak/systest.auth 2>/dev/null)\" = '$line' ] && [ \"\$(stat -c '%U %a' $ak/systest.auth)\" = 'debian-tor 600' ]"
check "the request is gone from requests/" "for _ in \$(seq 50); do [ -z \"\$(ls -A $tc/requests)\" ] && break; sleep 0.2; done; [ -z \"\$(ls -A $tc/requests)\" ]"
# The key file is written before tor is reloaded: wait for the service's line.
check "tor was reloaded, not restarted, and runs" \
	"for _ in \$(seq 100); do journalctl -u sealdrop-tor-clients.service --no-pager | grep -q 'tor reloaded' && break; sleep 0.2; done; journalctl -u sealdrop-tor-clients.service --no-pager | grep -q 'tor reloaded' && [ \"\$(systemctl show -p MainPID --value tor@default)\" = '$tpid' ] && systemctl is-active --quiet tor@default"
setpriv --reuid sealdrop --regid sealdrop --clear-groups sh -c \
	"ln -s /etc/shadow $tc/requests/evil.auth"
check "a symbolic link planted as a request is refused, nothing follows it" \
	"for _ in \$(seq 50); do [ -e $tc/refused/evil.auth ] || [ -L $tc/refused/evil.auth ] && break; sleep 0.2; done; [ -L $tc/refused/evil.auth ] && [ ! -e $ak/evil.auth ]"
setpriv --reuid sealdrop --regid sealdrop --clear-groups sh -c \
	": >$tc/.new-systest.remove && mv $tc/.new-systest.remove $tc/requests/systest.remove"
check "a removal request revokes the key" \
	"for _ in \$(seq 100); do [ ! -e $ak/systest.auth ] && break; sleep 0.2; done; [ ! -e $ak/systest.auth ]"

# --- setup refuses what it must not touch ------------------------------------------
mkdir -p /srv/other && echo keep >/srv/other/file
$T sealdrop-admin setup --instance /srv/other --recipient /root/alice.pub >/out/refuse1.log 2>&1
check "setup refuses a non-empty directory that is no instance" \
	"[ $? = 1 ] && grep -q 'refusing to touch it' /out/refuse1.log && [ \"\$(ls -A /srv/other)\" = file ]"
mkdir -p /srv/foreign && cp -a $inst/sealdrop.db /srv/foreign/ && chown -R nobody /srv/foreign
$T sealdrop-admin setup --instance /srv/foreign >/out/refuse2.log 2>&1
check "setup refuses an instance that belongs to another user" \
	"[ $? = 1 ] && grep -q 'neither root nor sealdrop' /out/refuse2.log && [ \"\$(stat -c %U /srv/foreign)\" = nobody ]"
$T sealdrop-admin setup --instance /srv/new >/out/refuse3.log 2>&1
check "setup refuses a new instance without a recipient" \
	"[ $? = 1 ] && grep -q 'needs at least one --recipient' /out/refuse3.log && [ ! -e /srv/new ]"
check "setup as another user than root is refused" \
	"! setpriv --reuid nobody --regid nogroup --clear-groups sealdrop-admin setup --recipient /root/alice.pub >/out/refuse4.log 2>&1 && grep -q 'must run as root' /out/refuse4.log"
$T sealdrop-admin setup --instance "$(printf '/srv/x\nSocksPort 0.0.0.0:9050')" \
	--recipient /root/alice.pub >/out/refuse5.log 2>&1
check "setup refuses an instance path tor's configuration cannot hold" \
	"[ $? = 1 ] && grep -q 'absolute path of printable characters' /out/refuse5.log"
check "/etc/tor/torrc names only the real instance" "[ \$(grep -c '^%include' /etc/tor/torrc) = 1 ]"

journalctl -b --no-pager >/out/journal.log 2>&1
