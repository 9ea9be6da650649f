#!/usr/bin/env bash
# offline-usb.sh - fills a USB stick with the sealdrop-offline package and
# every Debian package it needs, so that apt on the air-gapped laptop checks
# them itself (docs/offline-install.md).
#
# Run on a connected Debian machine (any user; root is not needed). In a
# throw-away apt root it fetches Debian's signed InRelease files and the
# Packages indexes they list (apt checks the signatures with the Debian
# archive keyring), resolves sealdrop-offline's dependencies, downloads the
# .debs (apt checks each against the signed index) and lays them out as a
# partial mirror:
#
#   DEST/debian/dists/bookworm{,-updates}/InRelease + main/binary-ARCH/Packages
#   DEST/debian-security/dists/bookworm-security/...   (security updates)
#   DEST/debian/pool/..., DEST/debian-security/pool/...  (only the needed .debs)
#   DEST/sealdrop/sealdrop-offline_*.deb + SHA256SUMS
#   DEST/sealdrop-usb.sources   the apt source for the laptop (signed-by the
#                               Debian archive keyring, never trusted=yes)
#
# The indexes are Debian's own, byte for byte: the laptop's apt verifies the
# InRelease signature, each index's hash in it, and each .deb's hash in the
# index. sealdrop's own package is not signed by Debian: the laptop installs
# it only after its SHA256 is compared by eye with the one the operator
# publishes (--sha256 makes this machine refuse a different file too).
#
# With --status (the laptop's /var/lib/dpkg/status, carried over on the
# stick), the stick also carries every update of what the laptop has
# installed: run it each week and the laptop gets its security updates.
#
# usage: offline-usb.sh [--status FILE] [--sha256 HEX] [--mirror URL]
#                       [--security-mirror URL] [--arch ARCH] [--with PKG]... DEB DEST
# Exit 0 on success, 1 on any failure (nothing half-written is left in DEST:
# the stick's folders are replaced only once everything was fetched and
# checked), 2 on a usage error.
set -euo pipefail

prog=offline-usb.sh
die() { echo "$prog: $*" >&2; exit 1; }
usage() {
	sed -n 's/^# usage: //p; s/^#                       /                       /p' "$0" | head -2 >&2
	exit 2
}

status=
sha=
mirror=http://deb.debian.org/debian
secmirror=http://deb.debian.org/debian-security
suite=bookworm
arch=
with=
while [ $# -gt 0 ]; do
	case $1 in
	--status) [ $# -ge 2 ] || usage; status=$2; shift 2 ;;
	--sha256) [ $# -ge 2 ] || usage; sha=$2; shift 2 ;;
	--mirror) [ $# -ge 2 ] || usage; mirror=${2%/}; shift 2 ;;
	--security-mirror) [ $# -ge 2 ] || usage; secmirror=${2%/}; shift 2 ;;
	--arch) [ $# -ge 2 ] || usage; arch=$2; shift 2 ;;
	--with) [ $# -ge 2 ] || usage
		[[ $2 =~ ^[a-z0-9][a-z0-9+.-]+$ ]] || { echo "$prog: not a package name: $2" >&2; exit 2; }
		with="$with $2"; shift 2 ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) echo "$prog: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# = 2 ] || usage
deb=$1
dest=${2%/}

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "no $keyring (package debian-archive-keyring): cannot check Debian's signatures"
command -v apt-get >/dev/null || die "apt-get is missing: run this on a Debian machine"
command -v xz >/dev/null || die "xz is missing (package xz-utils)"
[ -f "$deb" ] || die "no such package file: $deb"
pkg=$(dpkg-deb -f "$deb" Package 2>/dev/null) || die "$deb is not a Debian package"
[ "$pkg" = sealdrop-offline ] || die "$deb is the package $pkg, not sealdrop-offline"
debarch=$(dpkg-deb -f "$deb" Architecture)
[ -n "$arch" ] || arch=$debarch
[ "$debarch" = "$arch" ] || [ "$debarch" = all ] || die "$deb is for $debarch, not $arch"
[[ $arch =~ ^[a-z0-9-]+$ ]] || die "bad architecture: $arch"
debsum=$(sha256sum "$deb" | cut -d' ' -f1)
if [ -n "$sha" ]; then
	sha=$(echo "$sha" | tr 'A-F' 'a-f')
	[ "$sha" = "$debsum" ] || die "$deb has SHA256 $debsum, not the published $sha: refused"
fi
[ -z "$status" ] || [ -r "$status" ] || die "cannot read the status file $status"
[ -d "$dest" ] || die "no such folder: $dest (mount the stick first)"

work=$(mktemp -d "${TMPDIR:-/tmp}/offline-usb.XXXXXX")
trap 'rm -rf "$work" "$dest/.offline-usb.new"' EXIT
# Run as root, apt downloads as its user _apt, which must reach partial/.
chmod 0755 "$work"
root=$work/apt
new=$work/stick
mkdir -p "$root"/{etc/apt.conf.d,etc/preferences.d,etc/sources.list.d,state/lists/partial,cache/archives/partial,dpkg} "$new"
if [ -n "$status" ]; then
	cp "$status" "$root/dpkg/status"
else
	: >"$root/dpkg/status"
fi
# Only this file configures apt (not the host's apt.conf.d, pins or
# architectures); a proxy is still taken from http_proxy in the environment.
cat >"$root/apt.conf" <<EOF
Dir::Etc "$root/etc";
Dir::Etc::parts "$root/etc/apt.conf.d";
Dir::Etc::preferences "$root/etc/preferences";
Dir::Etc::preferencesparts "$root/etc/preferences.d";
Dir::Etc::sourcelist "$root/etc/sources.list";
Dir::Etc::sourceparts "$root/etc/sources.list.d";
Dir::Etc::trusted "/dev/null";
Dir::Etc::trustedparts "$root/etc/trusted.gpg.d";
Dir::State "$root/state";
Dir::State::status "$root/dpkg/status";
Dir::Cache "$root/cache";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
Acquire::Languages "none";
Acquire::GzipIndexes "false";
Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";
Acquire::IndexTargets::deb::DEP-11::DefaultEnabled "false";
Acquire::Retries "3";
// As apt on the laptop does by default: Recommends are installed too.
APT::Install-Recommends "true";
EOF
: >"$root/etc/sources.list"
cat >"$root/etc/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: $keyring

Types: deb
URIs: $secmirror
Suites: $suite-security
Components: main
Signed-By: $keyring
EOF
export APT_CONFIG=$root/apt.conf
apt_q() { apt-get -q -o Dpkg::Use-Pty=0 "$@"; }

echo "$prog: fetching Debian's signed indexes ($mirror, $secmirror)"
apt_q update >"$work/update.log" 2>&1 || { cat "$work/update.log" >&2; die "apt-get update failed"; }
# apt-get update exits 0 on some failures it only warns about: any W:/E:
# line (a signature that did not verify, an index not fetched) is fatal here.
if grep -E '^(W|E|Err):' "$work/update.log" >&2; then
	die "apt-get update reported the problems above"
fi

# The .debs: sealdrop-offline's dependencies (and the packages --with names,
# e.g. LibreOffice and tesseract for safe PDFs of office files and OCR, which
# the package only suggests), and with --status every
# update of what the laptop has. --print-uris names each file's place in
# the mirror; apt-get then downloads it and checks its hash.
cp "$deb" "$work/"
localdeb=$work/$(basename "$deb")
plan() { apt_q -y --print-uris "$@" | grep "^'" || true; }
{
	# shellcheck disable=SC2086  # --with names, checked above
	plan install "$localdeb" $with
	[ -z "$status" ] || plan dist-upgrade
} | sort -u >"$work/uris"
# shellcheck disable=SC2086
apt_q -y --download-only install "$localdeb" $with >"$work/get.log" 2>&1 ||
	{ cat "$work/get.log" >&2; die "cannot get sealdrop-offline's dependencies"; }
if [ -n "$status" ]; then
	apt_q -y --download-only dist-upgrade >>"$work/get.log" 2>&1 ||
		{ cat "$work/get.log" >&2; die "cannot get the laptop's updates"; }
fi
n=0
while read -r uri file _size _hash; do
	uri=${uri//\'/}
	case $uri in
	"file:$localdeb") continue ;; # sealdrop's own, copied below
	"$mirror"/pool/*) to=debian/${uri#"$mirror"/} ;;
	"$secmirror"/pool/*) to=debian-security/${uri#"$secmirror"/} ;;
	*) die "unexpected download $uri" ;;
	esac
	# The URI is %-quoted ('+' as %2b); the pool file has the plain name.
	to=$(printf '%b' "${to//%/\\x}")
	[ -f "$root/cache/archives/$file" ] || die "apt did not download $uri"
	mkdir -p "$new/$(dirname "$to")"
	mv "$root/cache/archives/$file" "$new/$to"
	n=$((n + 1))
done <"$work/uris"

# The indexes: each suite's InRelease as apt fetched and verified it, and
# the Packages.xz it lists for this architecture, byte for byte as Debian
# signed it (apt on the laptop asks for the .xz; apt here keeps only the
# index it unpacked). apt-helper fetches it and checks it against the
# SHA256 in that InRelease; the unpacked index apt verified must match too.
# Run as root, apt-helper downloads as _apt, into a folder of its own.
xzdir=$work/xz
mkdir -p "$xzdir"
[ "$(id -u)" != 0 ] || chown _apt "$xzdir" 2>/dev/null || true
for s in "$mirror|debian|$suite" "$mirror|debian|$suite-updates" "$secmirror|debian-security|$suite-security"; do
	IFS='|' read -r base dir name <<<"$s"
	prefix=$(echo "${base#*://}/dists/$name/" | tr / _)
	inrel=$root/state/lists/${prefix}InRelease
	[ -f "$inrel" ] || die "no signed InRelease for $name"
	key=main/binary-$arch/Packages
	idx=$root/state/lists/${prefix}${key//\//_}
	[ -f "$idx" ] || die "no $key index for $name"
	sum() { awk -v k="$1" '/^SHA256:/ { s = 1; next } /^[^ ]/ { s = 0 } s && $3 == k { print $1 }' "$inrel"; }
	want=$(sum "$key")
	wantxz=$(sum "$key.xz")
	if [ -z "$want" ] || [ -z "$wantxz" ] || [ "$want" != "$(sha256sum "$idx" | cut -d' ' -f1)" ]; then
		die "the $name index does not match its InRelease"
	fi
	mkdir -p "$new/$dir/dists/$name/main/binary-$arch"
	cp "$inrel" "$new/$dir/dists/$name/InRelease"
	rm -f "$xzdir/Packages.xz"
	/usr/lib/apt/apt-helper -q download-file "$base/dists/$name/$key.xz" \
		"$xzdir/Packages.xz" "SHA256:$wantxz" >"$work/helper.log" 2>&1 ||
		{ cat "$work/helper.log" >&2; die "cannot fetch the $name $key.xz Debian signed"; }
	mv "$xzdir/Packages.xz" "$new/$dir/dists/$name/$key.xz"
	if [ "$(xz -dc "$new/$dir/dists/$name/$key.xz" | sha256sum | cut -d' ' -f1)" != "$want" ]; then
		die "the $name $key.xz does not unpack to the index apt verified"
	fi
done

mkdir -p "$new/sealdrop"
cp "$deb" "$new/sealdrop/"
(cd "$new/sealdrop" && sha256sum -- *.deb >SHA256SUMS)
cat >"$new/sealdrop-usb.sources" <<EOF
# The stick made by offline-usb.sh, mounted at /media/usb (docs/offline-install.md).
# apt checks Debian's signatures with the archive keyring: never turn that off.
# Only the Packages indexes are on the stick (no translations, no AppStream data).
Types: deb
URIs: file:/media/usb/debian
Suites: $suite $suite-updates
Components: main
Languages: none
Targets: Packages
Signed-By: $keyring

Types: deb
URIs: file:/media/usb/debian-security
Suites: $suite-security
Components: main
Languages: none
Targets: Packages
Signed-By: $keyring
EOF

# Copy to the stick beside the old folders, then swap: a failed copy
# leaves last week's folders as they were.
rm -rf "$dest/.offline-usb.new"
cp -r "$new" "$dest/.offline-usb.new" || die "cannot copy to $dest (full?)"
sync
for d in debian debian-security sealdrop; do
	rm -rf "${dest:?}/$d"
	mv "$dest/.offline-usb.new/$d" "$dest/$d"
done
mv "$dest/.offline-usb.new/sealdrop-usb.sources" "$dest/sealdrop-usb.sources"
rm -rf "$dest/.offline-usb.new"
sync
echo "$prog: $dest holds $n Debian packages and $(basename "$deb")"
echo "$prog: SHA256 of $(basename "$deb"): $debsum"
echo "$prog: compare it on the laptop with the SHA256 the operator published before installing"
