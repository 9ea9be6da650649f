#!/usr/bin/env bash
# tornet.sh - a private Tor network on 127.0.0.1 only, made from Debian's
# tor and tor-gencert: three directory authorities (our own keys), three
# relays and two clients, every one with TestingTorNetwork 1 and only our
# authorities, so nothing ever talks to the public Tor network (and the
# container it runs in has no network but lo anyway).
#
# Sourced by onion.sh inside the test container, as root:
#   tornet_make DIR     keys and torrc files under DIR
#   tornet_start        starts every node (pids in tornet_pids)
#   tornet_torrc_lines  the lines a tor needs to use this network (for
#                       /etc/tor/torrc of the onion host)
#   tornet_wait_client NAME SECONDS   until that client bootstrapped 100%
#   tornet_stop         stops every node it started, by pid
# Ports: authorities ORPort 5101-5103, DirPort 7101-7103; relays ORPort
# 5111-5113; clients SocksPort 9061 (with the journalist's client key) and
# 9062 (without).
tornet_pids=()
tornet_dir=

# Votes every 20 s from the start: the first consensus comes in about a
# minute, not the 5 minutes of TestingTorNetwork's defaults.
tornet_common() { # name
	cat <<EOT
TestingTorNetwork 1
DataDirectory $tornet_dir/$1
Nickname $1
Log notice file $tornet_dir/$1/notice.log
SafeLogging 0
ShutdownWaitLength 0
Address 127.0.0.1
AssumeReachable 1
V3AuthVotingInterval 20
V3AuthVoteDelay 4
V3AuthDistDelay 4
TestingV3AuthInitialVotingInterval 20
TestingV3AuthInitialVoteDelay 4
TestingV3AuthInitialDistDelay 4
TestingV3AuthVotingStartOffset 0
EOT
	cat "$tornet_dir/dirauths"
}

tornet_make() {
	tornet_dir=$1
	local i fp v3 d
	mkdir -p "$tornet_dir"
	: >"$tornet_dir/dirauths"
	: >"$tornet_dir/empty" # tor reads no /dev/null as a configuration
	for i in 1 2 3; do
		d=$tornet_dir/a$i
		mkdir -p "$d/keys"
		chmod 700 "$d"
		echo "" | tor-gencert --create-identity-key -m 12 -a 127.0.0.1:710$i \
			-i "$d/keys/authority_identity_key" -s "$d/keys/authority_signing_key" \
			-c "$d/keys/authority_certificate" --passphrase-fd 0 >/dev/null 2>&1 || return 1
		v3=$(sed -n 's/^fingerprint //p' "$d/keys/authority_certificate")
		fp=$(tor --quiet --list-fingerprint --DataDirectory "$d" --Nickname a$i \
			--ORPort 510$i --DirPort 710$i --defaults-torrc "$tornet_dir/empty" -f "$tornet_dir/empty" 2>/dev/null |
			awk -v n=a$i '$1 == n { $1 = ""; gsub(/ /, ""); print; exit }')
		[ -n "$v3" ] && [ -n "$fp" ] || return 1
		echo "DirAuthority a$i orport=510$i no-v2 v3ident=$v3 127.0.0.1:710$i $fp" >>"$tornet_dir/dirauths"
	done
	for i in 1 2 3; do
		{
			tornet_common a$i
			cat <<EOT
ORPort 127.0.0.1:510$i
DirPort 127.0.0.1:710$i
SocksPort 0
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
ContactInfo a$i@test.invalid
ExitPolicy reject *:*
TestingDirAuthVoteGuard *
TestingDirAuthVoteHSDir *
EOT
		} >"$tornet_dir/a$i.torrc"
	done
	for i in 1 2 3; do
		mkdir -p "$tornet_dir/r$i" && chmod 700 "$tornet_dir/r$i"
		{
			tornet_common r$i
			cat <<EOT
ORPort 127.0.0.1:511$i
SocksPort 0
ExitPolicy reject *:*
EOT
		} >"$tornet_dir/r$i.torrc"
	done
	for c in c1:9061 c2:9062; do
		d=$tornet_dir/${c%%:*}
		mkdir -p "$d/auth" && chmod 700 "$d" "$d/auth"
		{
			tornet_common "${c%%:*}"
			echo "SocksPort 127.0.0.1:${c##*:}"
			echo "ClientOnionAuthDir $d/auth"
		} >"$tornet_dir/${c%%:*}.torrc"
	done
}

# What the onion host's tor adds to use this network (no DataDirectory, no
# log: those of its own configuration stay).
tornet_torrc_lines() {
	tornet_common host | grep -Ev '^(DataDirectory|Nickname|Log|Address|AssumeReachable) '
}

tornet_start() {
	local n
	for n in a1 a2 a3 r1 r2 r3 c1 c2; do
		tor -f "$tornet_dir/$n.torrc" --defaults-torrc "$tornet_dir/empty" --RunAsDaemon 0 \
			>"$tornet_dir/$n.out" 2>&1 &
		tornet_pids+=($!)
	done
}

tornet_wait_client() { # name seconds
	local i
	for i in $(seq "$2"); do
		grep -q 'Bootstrapped 100%' "$tornet_dir/$1/notice.log" 2>/dev/null && return 0
		sleep 1
	done
	return 1
}

tornet_stop() {
	local p
	for p in "${tornet_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${tornet_pids[@]}"; do timeout 15 tail --pid="$p" -f /dev/null 2>/dev/null; done
	tornet_pids=()
}
