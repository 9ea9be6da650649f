#!/usr/bin/env bash
# office_sandbox.sh as an unprivileged user (nobody), when this test runs as
# root: the sandbox then takes the user-namespace path (a new user
# namespace holding the network, mount and PID ones), where the bounded
# tmpfs of its work space, the private root and the rest must hold the same
# way as for root. Not root: skipped (77; office_sandbox.sh run by that
# user is the same test). The program and the test's folder are copied
# under /var/tmp, which nobody can reach whatever the build directory's
# modes (not /tmp: the sandbox hides the machine's /tmp, and a stand-in
# there could not be run).
# usage: office_sandbox_user.sh SEALDROP_OPEN SOURCE_DIR
set -u
open=$1
src=$2
[ "$(id -u)" = 0 ] || { echo "skipped: needs root to become nobody"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "skipped: no user nobody"; exit 77; }
command -v setpriv >/dev/null || { echo "skipped: no setpriv"; exit 77; }
base=$(mktemp -d /var/tmp/sd-office-user.XXXXXX)
trap 'rm -rf "$base"' EXIT
chmod 755 "$base"
cp "$open" "$base/sealdrop-open"
mkdir "$base/run"
chown nobody "$base/run"
cd "$base/run" || exit 1
setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- \
	bash "$src/tests/clean/office_sandbox.sh" "$base/sealdrop-open"
