#!/bin/sh
# report_lang.sh: runs tests/test_report_lang.py (the Chinese report's every label
# against the term table) with Debian's Python, which has h5py and matplotlib.
#
# Usage: tests/report_lang.sh build/fundsim SOURCE_DIR
set -eu
exec /usr/bin/python3 "$2/tests/test_report_lang.py" "$1" "$2"
