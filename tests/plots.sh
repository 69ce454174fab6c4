#!/bin/sh
# plots.sh: runs tests/test_plots.py (plots/report.py on small runs) with
# Debian's Python, which has h5py and matplotlib, as the plot scripts do.
#
# Usage: tests/plots.sh build/fundsim SOURCE_DIR
set -eu
exec /usr/bin/python3 "$2/tests/test_plots.py" "$1" "$2"
