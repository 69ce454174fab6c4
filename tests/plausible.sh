#!/bin/sh
# plausible.sh: what `check` and `run` say of a region's figures typed in the
# wrong unit, of a full-width mark from a Chinese keyboard, and `--set` by a
# region's name, name_zh or code (issue 24).
#
# Usage: tests/plausible.sh build/fundsim SOURCE_DIR
set -eu
fundsim=$1
src=$2
zz=$src/scenarios/zhengzhou-2024.cfg
henan=$src/scenarios/henan-2022.cfg
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# 1. The shipped scenarios warn of nothing.
for f in "$src"/scenarios/*.cfg "$src"/scenarios/variants/*.cfg; do
    "$fundsim" check --lang en "$f" >/dev/null 2>"$dir/err" || fail "check $f"
    [ ! -s "$dir/err" ] || { cat "$dir/err" >&2; fail "$f warns"; }
done

# 2. Zhengzhou's population typed in 万 and its balance in 亿: two warnings, each
# naming the setting, its value, where it was set, the range and why; the exit
# status is still 0 and the file is still "ok".
"$fundsim" check --lang en --set 'regions.[0].population_total=1167.73' \
    --set 'regions.[0].opening_balance_yuan=46.47' "$zz" >"$dir/out" 2>"$dir/err" ||
    fail "check with warnings exits $?"
grep -q '^ok: ' "$dir/out" || fail "no ok line"
[ "$(wc -l <"$dir/err")" -eq 2 ] || { cat "$dir/err" >&2; fail "expected 2 warnings"; }
grep -q '^warning: regions\[0\]\.population_total = 1167\.73 (--set regions\.\[0\]\.population_total=1167\.73): Zhengzhou: population 1167\.73 persons, plausible 10000-1500000000 persons: .*typed in 万' "$dir/err" ||
    fail "population warning: $(cat "$dir/err")"
grep -q '^warning: regions\[0\]\.opening_balance_yuan = 46\.47 (--set .*): Zhengzhou: opening balance .* 0\.0 months, plausible 1-36 months, .*: .*under 1 month .*typed in 亿' "$dir/err" ||
    fail "balance warning: $(cat "$dir/err")"

# The same in Chinese, by --lang zh and by the locale.
"$fundsim" check --lang zh --set 'regions.[0].population_total=1167.73' "$zz" \
    >/dev/null 2>"$dir/err" || fail "check --lang zh exits $?"
grep -q '^警告：regions\[0\]\.population_total = 1167\.73 .*：郑州市：常住人口 1167\.73 人，合理范围 10000-1500000000 人：.*按万人填写' "$dir/err" ||
    fail "zh population warning: $(cat "$dir/err")"
LC_ALL= LC_MESSAGES= LANG=zh_CN.UTF-8 "$fundsim" check \
    --set 'regions.[0].opening_balance_yuan=46.47' "$zz" >/dev/null 2>"$dir/err" ||
    fail "check in a zh locale exits $?"
grep -q '^警告：.*期初累计结余.*按亿元' "$dir/err" || fail "zh by locale: $(cat "$dir/err")"

# A balance written in the file is named by its file and line.
sed -e "s|\"data/|\"$src/scenarios/data/|g" \
    -e 's/opening_balance_yuan = 6100000000\.0;/opening_balance_yuan = 61.0;/' "$zz" >"$dir/typed.cfg"
line=$(grep -n 'opening_balance_yuan = 61\.0;' "$dir/typed.cfg" | cut -d: -f1)
[ -n "$line" ] || fail "the balance's line is not in $zz"
"$fundsim" check --lang en "$dir/typed.cfg" >/dev/null 2>"$dir/err" || fail "typed.cfg exits $?"
grep -q "^warning: regions\[0\]\.opening_balance_yuan = 61 ($dir/typed.cfg:$line): " "$dir/err" ||
    fail "file and line: $(cat "$dir/err")"

# `run` warns too, before it runs, and still runs.
"$fundsim" run "$zz" --paths 2 --threads 1 --quiet --lang en --set simulation.years=2 \
    --set 'regions.郑州市.opening_balance_yuan=46.47' -o "$dir/run.h5" 2>"$dir/err" ||
    fail "run with a warning exits $?"
[ -s "$dir/run.h5" ] || fail "run wrote nothing"
grep -q '^warning: regions\[0\]\.opening_balance_yuan = 46\.47 ' "$dir/err" ||
    fail "run's warning: $(cat "$dir/err")"

# 3. A full-width "；" from a Chinese keyboard: named with its line and the
# ASCII mark to write; one inside a string or a comment is not blamed.
printf 'base = "%s";\nname = "wide";\nsimulation = {\n  years = 30；\n};\n' "$zz" >"$dir/wide.cfg"
status=0
"$fundsim" check "$dir/wide.cfg" >/dev/null 2>"$dir/err" || status=$?
[ "$status" -eq 2 ] || fail "full-width file exits $status"
grep -qF "error: syntax error: the full-width '；' on this line is the likely cause: write the ASCII ';' instead" "$dir/err" ||
    fail "full-width: $(cat "$dir/err")"
grep -qF "($dir/wide.cfg:4)" "$dir/err" || fail "full-width line: $(cat "$dir/err")"
printf 'base = "%s";\nname = "wide（2）";\nsimulation = {\n  years = 30 30; # 年（份）\n};\n' "$zz" >"$dir/other.cfg"
"$fundsim" check "$dir/other.cfg" >/dev/null 2>"$dir/err" || true
grep -qx "error: syntax error ($dir/other.cfg:4)" "$dir/err" || fail "blamed: $(cat "$dir/err")"
status=0
"$fundsim" check --set 'simulation.years=30）' "$zz" >/dev/null 2>"$dir/err" || status=$?
[ "$status" -eq 2 ] || fail "full-width --set exits $status"
grep -qF "the full-width '）' in the value is the likely cause: write the ASCII ')' instead" "$dir/err" ||
    fail "full-width --set: $(cat "$dir/err")"

# 4. --set reaches a region by name, name_zh or code, not only the first one.
"$fundsim" check --lang en --set 'regions.Kaifeng.population_total=2000.0' \
    --set 'regions.洛阳市.population_total=3000.0' \
    --set 'regions.411729.population_total=4000.0' "$henan" >/dev/null 2>"$dir/err" ||
    fail "check by name exits $?"
grep -q '^warning: regions\[1\]\.population_total = 2000 .*: Kaifeng: ' "$dir/err" ||
    fail "by name: $(cat "$dir/err")"
grep -q '^warning: regions\[2\]\.population_total = 3000 .*: Luoyang: ' "$dir/err" ||
    fail "by name_zh: $(cat "$dir/err")"
grep -q '^warning: regions\[27\]\.population_total = 4000 .*: Xincai County: ' "$dir/err" ||
    fail "by code: $(cat "$dir/err")"
[ "$(wc -l <"$dir/err")" -eq 3 ] || fail "by name: other warnings: $(cat "$dir/err")"
# the value took effect: the resolved scenario holds it, in that region
"$fundsim" show --set 'regions.郑州市.opening_balance_yuan=123456789.0' "$zz" >"$dir/show" ||
    fail "show by name_zh exits $?"
grep -q '^ *opening_balance_yuan = 123456789\.0;' "$dir/show" || fail "show by name_zh"
"$fundsim" show --set 'regions.410100.opening_balance_yuan=2.5e9' "$zz" >"$dir/show" ||
    fail "show by code exits $?"
grep -q '^ *opening_balance_yuan = 2500000000\.0;' "$dir/show" || fail "show by code"
# an unknown name: exit 2, and the regions listed
status=0
"$fundsim" check --set 'regions.开封市.opening_balance_yuan=1.0' "$zz" >/dev/null 2>"$dir/err" ||
    status=$?
[ "$status" -eq 2 ] || fail "unknown region exits $status"
grep -qF 'error: regions has no element whose name, name_zh or code is "开封市"; its elements: [0] Zhengzhou 郑州市 410100 (--set regions.开封市.opening_balance_yuan=1.0)' "$dir/err" ||
    fail "unknown region: $(cat "$dir/err")"

echo "ok: plausibility warnings (en, zh), full-width marks, --set by name, name_zh and code"
