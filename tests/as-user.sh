#!/bin/sh
# as-user.sh: runs a shell test as an unprivileged user as well: root can
# replace or remove what no user can, so a test run only by root does not show
# what fundsim does for everyone else (tests/faults.sh; issue 18).
#
# Run by root, it runs `sh SCRIPT FUNDSIM SOURCE_DIR` as the user nobody
# (setpriv, or runuser), who must be able to run FUNDSIM and read SOURCE_DIR:
# when it cannot (a build under /root, say), the test is skipped (exit status 77,
# meson's "skipped"), saying why. Run by any other user, it is skipped too: the
# suite's own run of SCRIPT is that user's already.
#
# Usage: tests/as-user.sh SCRIPT FUNDSIM SOURCE_DIR
set -u
script=$1
fundsim=$(cd "$(dirname "$2")" && pwd -P)/$(basename "$2") || exit 1
srcdir=$(cd "$3" && pwd -P) || exit 1
if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: not root, so $(basename "$script") runs as $(id -un) already (the test faults)"
    exit 77
fi
user=nobody
if ! uid=$(id -u $user 2>/dev/null) || ! gid=$(id -g $user 2>/dev/null); then
    echo "skipped: there is no user $user to run $(basename "$script") as"
    exit 77
fi
if command -v setpriv >/dev/null; then
    as_user() { setpriv --reuid="$uid" --regid="$gid" --clear-groups "$@"; }
elif command -v runuser >/dev/null; then
    as_user() { runuser -u $user -- "$@"; }
else
    echo "skipped: neither setpriv nor runuser (util-linux) is installed"
    exit 77
fi
if ! as_user sh -c 'test -x "$1" && test -r "$2" && test -r "$3/tests/scenarios/minimal.cfg"' \
    sh "$fundsim" "$script" "$srcdir"; then
    echo "skipped: $user cannot run $fundsim or read $srcdir (a folder on the way not open to others?)"
    exit 77
fi
echo "as-user.sh: running $(basename "$script") as $user (uid $uid)"
cd /tmp || exit 1 # a folder the user may enter
as_user sh "$script" "$fundsim" "$srcdir"
