#!/bin/sh
# layers.sh: the folders of the program are layers, and an include never goes
# upward (sim/README.md). Bottom to top:
#   0 sim/config  the scenario language
#   1 models      drivers and rules
#   2 output      records, summaries, the HDF5 file, the summary tables
#   3 sim         the engine and the run
#   4 sim/cli     the command line
# Every include of fundsim's own headers names its folder from the one include
# root ("models/costs.h"); fundsim_config.h, generated into the build folder,
# is the only bare name. Fails, naming the file and line, on a bare include, an
# include of a file that does not exist, or one of a higher layer (which is
# also what a cycle between folders would need).
#
# Usage: tests/layers.sh SOURCE_DIR
set -u
cd "${1:-$(dirname "$0")/..}" || exit 1

rank() {
    case $1 in
    sim/config/*) echo 0 ;;
    models/*) echo 1 ;;
    output/*) echo 2 ;;
    sim/cli/*) echo 4 ;;
    sim/*) echo 3 ;;
    *) echo 9 ;;
    esac
}

files=$(find sim models output -name '*.[ch]' | sort)
[ -n "$files" ] || { echo "FAIL: no sources found under $(pwd)"; exit 1; }
problems=$(for f in $files; do
    from=$(rank "$f")
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
        sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1 \2/' |
        while read -r line target; do
            [ "$target" = fundsim_config.h ] && continue
            case $target in
            */*) ;;
            *)
                echo "$f:$line: #include \"$target\" names no folder (e.g. \"models/$target\")"
                continue
                ;;
            esac
            if [ ! -f "$target" ]; then
                echo "$f:$line: #include \"$target\": no such file from the source root"
            elif [ "$(rank "$target")" -gt "$from" ]; then
                echo "$f:$line: #include \"$target\" goes up a layer ($(dirname "$f") is below $(dirname "$target"))"
            fi
        done
done)
if [ -n "$problems" ]; then
    echo "$problems"
    echo "FAIL: $(echo "$problems" | wc -l) include(s) against the layers"
    exit 1
fi
echo "layers: $(echo "$files" | wc -l) files, every include within or below its layer"
