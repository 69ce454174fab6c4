#!/bin/sh
# bench.sh: fundsim's benchmark, run by hand (not part of the test suite).
#
# Fixed workload: scenarios/henan-2022.cfg (28 regions, 30 years, seed 20220101).
#   1. PATHS paths (default 1000) with every path written, on 1 thread, then on 2
#      threads: the speedup from 1 to 2 threads.
#   2. BIG paths (default 10000), summaries only, on 2 threads: the speed target
#      (under 60 s) and the memory ceiling (under 1 GiB whatever the paths).
#   3. The benefit tables against the person-level reference of the claim model
#      (build/tests/test_reference): its worst difference, in % and in standard
#      errors (REFERENCE=path overrides the binary).
# For each run it prints the wall time, paths per second, region-years per second
# per core, the time by phase (from `fundsim run --timing`: building the benefit
# tables; the paths' drivers, rules and accounting in thread-seconds; output,
# the summaries and the file), and the peak resident memory (GNU time).
#
# Usage: tests/bench.sh [PATHS [BIG]]      (after ./setup.sh; FUNDSIM=path overrides
#                                           the binary, build/fundsim by default)
set -eu
cd "$(dirname "$0")/.."
paths=${1:-1000}
big=${2:-10000}
fundsim=${FUNDSIM:-build/fundsim}
scenario=scenarios/henan-2022.cfg
regions=28
years=30
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
[ -x /usr/bin/time ] || { echo "bench.sh: needs GNU time (apt-get install time)" >&2; exit 2; }
[ -x "$fundsim" ] || { echo "bench.sh: no $fundsim: run ./setup.sh first" >&2; exit 2; }

echo "fundsim benchmark: $scenario, $regions regions x $years years; $(nproc) cores, $(uname -m)"
echo "$($fundsim --version 2>/dev/null || echo fundsim), $(date -u +%Y-%m-%dT%H:%MZ)"
echo

# run NAME THREADS PATHS [OPTIONS]: one run, its figures on one block of lines.
# Sets $paths_s to the paths' wall time.
run() {
    name=$1 threads=$2 n=$3
    shift 3
    /usr/bin/time -f '%e %M' -o "$out/time" "$fundsim" run "$scenario" --paths "$n" \
        --threads "$threads" --quiet --timing -o "$out/bench.h5" "$@" 2>"$out/timing" || {
        cat "$out/timing" >&2
        exit 1
    }
    read -r wall rss_kb <"$out/time"
    timing=$(grep '^timing:' "$out/timing")
    paths_s=$(echo "$timing" | sed 's/.*paths \([0-9.]*\) s wall.*/\1/')
    awk -v name="$name" -v t="$threads" -v n="$n" -v wall="$wall" -v ps="$paths_s" \
        -v rss="$rss_kb" -v ry=$((regions * years)) -v timing="$timing" 'BEGIN {
        printf "%s: %d paths on %d thread%s\n", name, n, t, t == 1 ? "" : "s"
        printf "  wall %.1f s; paths %.1f s: %.1f paths/s, %.0f region-years/s per core\n",
            wall, ps, n / ps, n * ry / ps / t
        sub(/^timing: /, "", timing)
        printf "  phases: %s\n", timing
        printf "  peak memory %.0f MiB\n\n", rss / 1024
    }'
}

run "1. every path written" 1 "$paths"
one=$paths_s
run "1. every path written" 2 "$paths"
awk -v a="$one" -v b="$paths_s" 'BEGIN { printf "speedup from 1 to 2 threads (paths phase): %.2fx\n\n", a / b }'
run "2. summaries only" 2 "$big" --summary-only

# 3. The benefit tables against the person-level reference of the claim model
#    (tests/test_reference.c, built with the tests): its worst difference.
reference=${REFERENCE:-build/tests/test_reference}
if [ -x "$reference" ]; then
    echo "3. benefit tables against the person-level reference (tests/test_reference.c)"
    "$reference" | tail -n 2 | sed 's/^/  /'
fi
