#!/usr/bin/env bash
# tree.sh - the Debian 12 tree the system tests boot with systemd-nspawn,
# made once with debootstrap from the host's configured Debian mirror and
# cached under /var/cache/sealdrop-test/ (reused while the package list and
# mirror are the same: the cache name carries their hash).
#
# usage: tests/system/tree.sh        prints the cached tree's path, making it
#                                    first when absent (about a minute)
#        tests/system/tree.sh minbase  the same for a bare minbase tree (no
#                                    package added: a clean Debian 12 for
#                                    the offline install test, usb.sh)
# Exit 77 (skip) when debootstrap is missing and cannot be installed, or
# the mirror cannot be reached; 1 on any other failure.
#
# The container runs with --private-network, so apt cannot fetch inside it:
# the tree is seeded here with everything the packages depend on, plus tor,
# curl (a submission through the socket), apparmor (apparmor_parser -Q),
# sqlite3 (the upgrade test makes a schema 2 database) and
# what the air-gapped package needs to open a bundle.
set -euo pipefail

cache=/var/cache/sealdrop-test
suite=bookworm
# What the built .debs depend on (shlibs) and what the tests use inside.
pkgs="systemd-sysv tor curl apparmor sqlite3
  libmicrohttpd12 libsqlite3-0 libinih1 libsodium23 libjansson4 libseccomp2
  liboath0 libarchive13 libqrencode4 libssl3
  libmagic1 libqpdf29 libzip4 libxml2 libjpeg62-turbo zlib1g
  libpng16-16 libfreetype6 libgumbo1 libharfbuzz0b libjbig2dec0 libmujs2 libopenjp2-7"
# And whatever the built packages declare (DEBS: their folders, when given),
# so a new library dependency cannot leave apt in the container without it.
if [ -n "${DEBS:-}" ]; then
	# shellcheck disable=SC2086  # DEBS may name several folders
	for d in $(for f in $DEBS; do echo "$f"/sealdrop-server_*.deb "$f"/sealdrop-offline_*.deb; done); do
		[ -f "$d" ] || continue
		pkgs="$pkgs $(dpkg-deb -f "$d" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' |
			grep -Ev '^(sealdrop-|\$|$)')"
	done
fi
[ "${1:-}" = minbase ] && pkgs=

# The host's first configured Debian mirror (deb822 or one-line format).
mirror() {
	local m
	m=$(sed -n 's/^URIs:[[:space:]]*\(http[^[:space:]]*\/debian\)[[:space:]]*$/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
	[ -n "$m" ] || m=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\(http[^[:space:]]*\/debian\)[[:space:]]\+bookworm[[:space:]].*/\2/p' \
		/etc/apt/sources.list 2>/dev/null | head -1)
	echo "${m:-http://deb.debian.org/debian}"
}

url=$(mirror)
# shellcheck disable=SC2086,SC2116  # split into single-spaced names on purpose
names=$(echo "$pkgs" | tr ' \t' '\n\n' | { grep . || true; } | sort -u | tr '\n' ' ' | sed 's/ $//')
key=$(printf '%s\n%s\n%s\n' "$suite" "$url" "$(echo "$names" | tr ' ' '\n' | sort)" |
	sha256sum | cut -c1-12)
tree=$cache/$suite-$key
if [ -f "$tree/.complete" ]; then
	echo "$tree"
	exit 0
fi

if ! command -v debootstrap >/dev/null; then
	echo "tree.sh: installing debootstrap" >&2
	DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq --no-install-recommends \
		debootstrap >&2 || { echo "SKIP: debootstrap is missing and cannot be installed" >&2; exit 77; }
fi
mkdir -p "$cache"
chmod 0700 "$cache"
tmp=$(mktemp -d "$cache/.new-$suite.XXXXXX")
chmod 0755 "$tmp" # the container's /: mktemp makes it 0700
trap 'rm -rf "$tmp"' EXIT
echo "tree.sh: debootstrap $suite from $url into $tree (cached for the next runs)" >&2
include=()
[ -z "$names" ] || include=(--include="$(echo "$names" | tr ' ' ',')")
if ! timeout 900 debootstrap --variant=minbase "${include[@]}" \
	"$suite" "$tmp" "$url" >"$tmp.log" 2>&1; then
	tail -20 "$tmp.log" >&2
	if grep -qiE 'Failed getting release file|Temporary failure|Could not resolve|Connection refused|unable to fetch' "$tmp.log"; then
		rm -f "$tmp.log"
		echo "SKIP: the Debian mirror $url cannot be reached: no tree to boot" >&2
		exit 77
	fi
	rm -f "$tmp.log"
	echo "tree.sh: debootstrap failed" >&2
	exit 1
fi
rm -f "$tmp.log"
# Nothing in the tree is started at boot that the tests do not ask for.
chroot "$tmp" systemctl disable tor.service >/dev/null 2>&1 || true
rm -rf "$tmp/var/cache/apt/archives/"*.deb
touch "$tmp/.complete"
rm -rf "$tree"
mv "$tmp" "$tree"
trap - EXIT
echo "$tree"
