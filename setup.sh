#!/bin/sh
# setup.sh: makes a Debian 12 machine ready for fundsim, then builds it.
#
# 1. Installs, with apt-get, the Debian packages fundsim needs that are missing
#    (nothing is installed, and apt is not touched, when all are there).
# 2. Configures the build folder `build/` if it is not configured yet, and
#    builds it (ninja rebuilds only what changed).
# Run it as root, or as a user with sudo. It is safe to run again and again.
set -eu
cd "$(dirname "$0")"

packages="build-essential meson ninja-build pkg-config libgsl-dev libhdf5-dev hdf5-tools
libconfig-dev libcmocka-dev librandom123-dev python3 python3-h5py python3-matplotlib
python3-xarray python3-h5netcdf python3-openpyxl
fonts-noto-cjk valgrind clang libclang-rt-14-dev openmpi-bin libopenmpi-dev libhdf5-openmpi-dev"

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup.sh: installing$missing" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
fi

# The plots need Debian's Python, which has h5py; another python3 may come
# first on PATH (pyenv, conda), so the plot scripts name /usr/bin/python3.
# fonts-noto-cjk draws the regions' Chinese names in the charts.
/usr/bin/python3 -c 'import h5py, matplotlib' || {
    echo "setup.sh: /usr/bin/python3 cannot import h5py and matplotlib" >&2
    exit 1
}

[ -f build/build.ninja ] || meson setup build --buildtype=release >&2
meson compile -C build >&2
