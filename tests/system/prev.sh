#!/usr/bin/env bash
# prev.sh SRC - prints the folder holding the previous release's .debs
# (tests/system/previous-release: a version and a commit), building them
# first when they are not cached: the commit's files are taken from SRC's
# git history (git archive) and built with that commit's own `make deb`
# (DEB_BUILD_OPTIONS=nocheck), once per machine, under
# /var/cache/sealdrop-test/release-VERSION-COMMIT/. The upgrade test
# installs these first and then the packages of this tree over them, so an
# upgrade is tested from what was really shipped, not from a repack.
#
# Exit 77 when SRC has no git history holding the commit (a tarball, a
# shallow clone): the caller then says so and falls back; 1 on a failed
# build.
set -u
src=$1
cache=/var/cache/sealdrop-test
read -r version commit < <(grep -v '^#' "$src/tests/system/previous-release" | head -1)
if [ -z "${commit:-}" ] || ! git -C "$src" cat-file -e "$commit^{commit}" 2>/dev/null; then
	echo "prev.sh: commit ${commit:-?} of release ${version:-?} is not in $src's git history" >&2
	exit 77
fi
dir=$cache/release-$version-${commit:0:12}
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi
work=$(mktemp -d /var/tmp/sealdrop-prev.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
if ! git -C "$src" archive "$commit" | tar -x -C "$work"; then
	echo "prev.sh: cannot extract $commit" >&2
	exit 1
fi
# The release's own Makefile copies the files git knows: give it a repository.
if ! { git -C "$work" init -q && git -C "$work" add -A &&
	git -C "$work" -c user.name=prev -c user.email=prev@invalid commit -qm "release $version"; }; then
	echo "prev.sh: cannot stage $commit" >&2
	exit 1
fi
echo "prev.sh: building release $version ($commit), once per machine" >&2
if ! timeout 1500 make -C "$work" deb DEB_BUILD_OPTIONS=nocheck JOBS=2 >"$work/build.log" 2>&1; then
	tail -30 "$work/build.log" >&2
	echo "prev.sh: the release's make deb failed" >&2
	exit 1
fi
rm -rf "$dir"
mkdir -p "$dir"
cp "$work"/build/deb/sealdrop-server_*.deb "$work"/build/deb/sealdrop-offline_*.deb "$dir/" || exit 1
touch "$dir/.complete"
echo "$dir"
