#!/usr/bin/env bash
# Installs the Debian packages sealdrop needs to build and test, when they
# are missing. As root it runs apt-get; otherwise it prints the exact line.
# usage: contrib/install-deps.sh [build|bench|deb]
set -eu
build_pkgs="build-essential cmake pkg-config clang clang-format libsodium-dev libcmocka-dev
  gdb python3 diceware hunspell-fr-classical curl gettext
  libmagic-dev libqpdf-dev libzip-dev libxml2-dev libseccomp-dev libarchive-dev
  libjansson-dev zlib1g-dev qpdf
  libmupdf-dev libmujs-dev libgumbo-dev libopenjp2-7-dev libjbig2dec0-dev libjpeg-dev
  libfreetype-dev libharfbuzz-dev poppler-utils libimage-exiftool-perl python3-pil
  libjpeg-turbo-progs pngcheck python3-mutagen libheif-examples ffmpeg
  libmicrohttpd-dev libsqlite3-dev sqlite3 libinih-dev
  liboath-dev libqrencode-dev libpng-dev oathtool libbsd-dev
  tor libssl-dev
  gnupg msmtp python3-aiosmtpd
  groff-base man-db
  chromium
  libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui"
# libmupdf-dev (a static library) and the libraries it links draw safe PDFs
# (clean/clean_render.c); poppler-utils checks them in clean.safe_pdf.
# libheif-examples (heif-enc, heif-convert, heif-info) makes and decodes the
# HEIC/AVIF fixtures of clean.fixtures; ffmpeg makes and decodes the videos of
# clean.media (MP4, MOV, Matroska, WebM with libvpx and libopus, AVI, WMV and
# WMA; skipped without it). The EPUB and .tar.gz fixtures are written by
# Python's zipfile and zlib, so no pandoc is needed.
# gnupg, msmtp and python3-aiosmtpd (a loopback SMTP sink) run in
# integration.notify: encrypted digests and alerts, end to end.
# tor runs in integration.tor (off the network: DisableNetwork 1); libssl-dev
# gives libcrypto's SHA3-256 for onion addresses.
# LibreOffice (about 300 MB) lets clean.office_convert prove that cleaned
# office documents still open and convert to PDF; without it that test skips.
# The browser test (tests/browser) runs playwright-core on node: Debian's
# nodejs and npm, unless a node/npm is already on the PATH (e.g. NodeSource's
# nodejs, which bundles npm and conflicts with Debian's npm package).
command -v node >/dev/null 2>&1 || build_pkgs="$build_pkgs nodejs"
command -v npm >/dev/null 2>&1 || build_pkgs="$build_pkgs npm"
# The Debian packages (make deb) and the system tests (tests/system): the
# package tools and lintian; debootstrap and systemd-nspawn make and boot
# the Debian 12 container the packages are installed in; tor's tor-gencert
# (package tor) makes the private Tor network's authorities; apparmor gives
# apparmor_parser, which checks the AppArmor rules even where the kernel
# cannot load them. They are in "build" too, so make check runs those tests.
deb_pkgs="dpkg-dev debhelper fakeroot lintian debootstrap systemd-container apparmor"
build_pkgs="$build_pkgs $deb_pkgs"
bench_pkgs="age gnupg mat2 onionshare-cli"
case "${1:-build}" in
	build) want=$build_pkgs ;;
	bench) want="$build_pkgs $bench_pkgs" ;;
	deb) want=$deb_pkgs ;;
	*) echo "usage: $0 [build|bench|deb]" >&2; exit 2 ;;
esac
# deb: the package tools, then debian/control's Build-Depends (the one list
# of what the package build needs), checked by dpkg-checkbuilddeps.
builddeps() {
	[ "${1:-build}" = deb ] || return 0
	cd "$(dirname "$0")/.." || return 1
	dpkg-checkbuilddeps >/dev/null 2>&1 && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "Missing build dependencies of the package:" >&2
		dpkg-checkbuilddeps >&2
		echo "  install them with: sudo apt-get build-dep ./" >&2
		return 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq ./ >/dev/null
}
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	builddeps "${1:-build}"
	exit
fi
if [ "$(id -u)" != 0 ]; then
	echo "Missing Debian packages. Install them with:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
builddeps "${1:-build}"
