# shellcheck shell=bash disable=SC2154  # inst, src, ok/ko/check: from inside.sh
# onion.sh - sourced by inside.sh (mode onion) after `sealdrop-admin setup`
# made a running drop with the packaged units: a private Tor network on
# 127.0.0.1 (tornet.sh) and the round trip through it, as a source and a
# journalist would make it.
#  - the system tor (tor@default, the generated configuration with its two
#    onion services, proof-of-work defence on) joins the private network;
#  - through client c1's SOCKS port: a source gets a codename, submits a
#    message and a file over the source onion, logs in again and reads a
#    reply; the journalist onion answers with the client-auth line setup
#    printed;
#  - through client c2 (no client key): the journalist onion does not;
#  - the spool opened offline (sealdrop-open) equals what was sent.
# Every wait is bounded; nothing leaves 127.0.0.1.
# shellcheck source=tests/system/tornet.sh
. /usr/local/sbin/sealdrop-tornet
tn=/root/tornet
jon=$(sed -n 's|^journalist address (client auth): *http://\([a-z2-7]\{56\}\.onion\)/$|\1|p' /out/setup.log)
authline=$(sed -n 's/^    \([a-z2-7]\{56\}:descriptor:x25519:[A-Z2-7]\{52\}\)$/\1/p' /out/setup.log)
check "setup printed the journalist address and its client-auth line" "[ -n '$jon' ] && [ -n '$authline' ]"
check "the source service has proof-of-work defence on" "grep -q '^HiddenServicePoWDefensesEnabled 1' $inst/tor/torrc"

check "the private Tor network's keys and configuration" "tornet_make $tn"
printf '%s\n' "$authline" >$tn/c1/auth/admin.auth_private
chmod 600 $tn/c1/auth/admin.auth_private
# The onion host: the system tor, on this network instead of the public one.
{
	echo "# system test only: the private Tor network of tests/system/tornet.sh"
	tornet_torrc_lines
} >>/etc/tor/torrc
t0=$(date +%s)
tornet_start
trap 'tornet_stop; finish' EXIT
systemctl restart tor@default.service
check "the system tor restarted on the private network" "systemctl is-active --quiet tor@default"
check "client c1 bootstrapped (at most 300 s)" "tornet_wait_client c1 300"
check "client c2 bootstrapped (at most 120 s more)" "tornet_wait_client c2 120"
echo "note: the private network bootstrapped in $(( $(date +%s) - t0 )) s"

S="127.0.0.1:9061"
cw=/run/systest-onion
mkdir -p $cw && chmod 755 $cw
oreq() { # socks method url [curl args]: status; body in $cw/body
	local socks=$1 m=$2 u=$3; shift 3
	curl -s --max-time 60 --socks5-hostname "$socks" -X "$m" -b $cw/jar -c $cw/jar \
		-o $cw/body -w '%{http_code}' "$@" "$u"
}
csrf_of() { grep -o 'name="csrf_token" value="[^"]*"' $cw/body | head -1 | sed 's/.*value="//;s/"$//'; }
# The service publishes its descriptor once the network has HSDirs: retry
# the first request, bounded (about 5 minutes).
first=000
for _ in $(seq 20); do
	first=$(oreq $S GET "http://$src/")
	[ "$first" = 200 ] && break
	sleep 5
done
echo "note: the source onion answered after $(( $(date +%s) - t0 )) s"
check "the source onion answers through Tor" "[ $first = 200 ]"

csrf=$(csrf_of)
check "a codename over Tor" "[ \"\$(oreq $S POST http://$src/generate -d csrf_token=$csrf)\" = 200 ]"
codename=$(sed -n 's/.*id="codename"[^>]*>\([^<]*\)<.*/\1/p' $cw/body | head -1)
check "the codename has 7 words" "[ \"\$(echo '$codename' | wc -w)\" = 7 ]"
printf '%s\n' "$codename" >$cw/codename && chmod 644 $cw/codename
check "the lookup page over Tor" "[ \"\$(oreq $S GET http://$src/lookup)\" = 200 ]"
csrf=$(csrf_of)
marker="onion-test-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
head -c 300000 /dev/urandom >/root/upload.bin
check "a message and a file submitted over Tor" \
	"[ \"\$(oreq $S POST http://$src/submit -F csrf_token=$csrf -F 'message=$marker' -F files=@/root/upload.bin)\" = 303 ]"

# A reply, sealed as the journalist interface does (test helper sdreply,
# as the instance's owner), read after logging in again.
rm -f $cw/jar
check "a reply for the source" \
	"setpriv --reuid sealdrop --regid sealdrop --clear-groups sdreply $inst $cw/codename 'Reply over onion $marker' >/dev/null"
oreq $S GET "http://$src/" >/dev/null
csrf=$(csrf_of)
check "the source logs in again over Tor" \
	"[ \"\$(oreq $S POST http://$src/login --data-urlencode csrf_token=$csrf --data-urlencode 'codename=$codename')\" = 303 ]"
check "the source reads the reply over Tor" \
	"[ \"\$(oreq $S GET http://$src/lookup)\" = 200 ] && grep -q 'Reply over onion $marker' $cw/body"

# The journalist onion: with the client key, and not without it.
rm -f $cw/jar
jst=000
for _ in $(seq 12); do
	jst=$(oreq $S GET "http://$jon/login")
	[ "$jst" = 200 ] && break
	sleep 5
done
check "the journalist onion answers with the client key (status $jst)" "[ $jst = 200 ]"
rm -f $cw/jar
curl -s --max-time 90 --socks5-hostname 127.0.0.1:9062 -o /dev/null "http://$jon/login"
nrc=$?
echo "note: without the client key curl exits $nrc"
check "the journalist onion does not answer without the client key" "[ $nrc != 0 ]"
check "c2's tor says the descriptor needs client authorisation" \
	"grep -qiE 'client auth|decrypt.*descriptor|missing client authorization' $tn/c2/notice.log"

# Opened offline: what was sent.
rm -rf /root/opened
timeout 120 sealdrop-open --key /root/alice.key --passphrase-file /root/pass --out /root/opened \
	"$inst/spool" >/out/open.log 2>&1
check "sealdrop-open opens the spool" "[ $? = 0 ]"
check "the opened message is the one sent" "grep -rqx '$marker' /root/opened"
check "the opened file equals the one sent" \
	"find /root/opened -type f -size 300000c -exec cmp -s /root/upload.bin {} \; -print | grep -q ."
cp $tn/c2/notice.log /out/c2.log 2>/dev/null
cp $tn/c1/notice.log /out/c1.log 2>/dev/null
