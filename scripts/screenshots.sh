#!/usr/bin/env bash
# Screenshots of the real window under Xvfb, for the README and reviews:
#
#   scripts/screenshots.sh [BINARY] [OUT_DIR]
#
# For each screen size (1366x768 and 1024x768, the office screens) opens the Hangzhou-style 2021
# report maximised and photographs 表三 and 表四; then a report whose warning has a long 说明;
# then the keyboard (issue 22): a menu opened with Alt, a section editor with the keyboard (its
# focus ring), and a long status message read in full in 视图 ▸ 消息记录.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/nianbao}
out=${2:-assets/screenshots}
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
export HOME=$work XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data
"$bin" import tests/fixtures/hangzhou-2021.csv -o "$work/报告.ron" --unit 某某县商务局 >/dev/null
shot() { # size name pages...
  local size=$1 name=$2; shift 2
  # A display no other X server holds (another build's tests may run beside).
  local display=
  for n in $(shuf -i 150-199); do [ -e /tmp/.X$n-lock ] || { display=:$n; break; }; done
  Xvfb $display -screen 0 ${size}x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  sleep 1
  DISPLAY=$display "$bin" "$draft" >/dev/null 2>&1 &
  app=$!
  for _ in $(seq 150); do DISPLAY=$display xdotool search --onlyvisible --pid $app >/dev/null 2>&1 && break; sleep 0.2; done
  local win
  win=$(DISPLAY=$display xdotool search --onlyvisible --pid $app | tail -1)
  DISPLAY=$display xdotool windowmove $win 0 0 windowsize $win ${size%x*} ${size#*x} windowfocus --sync $win
  sleep 2
  for step in "$@"; do
    case $step in
      shot:*) DISPLAY=$display import -window root "$out/${step#shot:}.png" ;;
      type:*) DISPLAY=$display xdotool type --delay 80 "${step#type:}"; sleep 1 ;;
      *) DISPLAY=$display xdotool key --delay 300 $step; sleep 1.5 ;;
    esac
  done
  kill $app; wait $app 2>/dev/null || true
  kill $xvfb; wait $xvfb 2>/dev/null || true
}
draft=$work/报告.ron
for size in 1366x768 1024x768; do
  shot $size "$size" ctrl+Next ctrl+Next ctrl+Next "shot:table3-$size" ctrl+Next "shot:table4-$size"
done
# A warning explained at length (the 说明 wraps; the panel keeps its width): a report with one.
"$bin" import tests/fixtures/ximeng-2021.csv -o "$work/西盟.ron" --unit 某某县商务局 >/dev/null
draft=$work/西盟.ron
"$bin" check --json "$draft" > "$work/findings.json" || true
python3 - "$draft" "$work/findings.json" <<'PY'
import json, re, sys
p, f = sys.argv[1], sys.argv[2]
warning = next(x for x in json.load(open(f, encoding="utf-8")) if x["severity"] == "W")
text = "本年度依申请公开工作中，因机构改革职能划转，部分申请由原单位受理后移交本机关办理，故相关数字与上年报告不一致，已逐件核对。"
s = open(p, encoding="utf-8").read()
entry = '"%s": "%s"' % (warning["key"], text)
if re.search(r"explanations: \{\}", s):
    s = re.sub(r"explanations: \{\}", "explanations: {%s}" % entry, s)
else:
    s = re.sub(r"explanations: \{", "explanations: {%s, " % entry, s, count=1)
open(p, "w", encoding="utf-8").write(s)
print("explained", warning["key"])
PY
shot 1366x768 long ctrl+Next ctrl+Next "shot:long-explanation-1366x768"
# The keyboard: Alt+X on 表三; then a new, blank report: 五's editor (the page gives it the
# keyboard), Ctrl+E with Enter for each question (the blank cells make a long message), and
# 视图(V) ▸ 消息记录 (its last entry: ↑ from the first).
draft=$work/报告.ron
shot 1366x768 menu ctrl+Next ctrl+Next ctrl+Next alt+x "shot:menu-alt-1366x768"
"$bin" new --year 2025 --unit 某某县商务局 -o "$work/空白.ron" >/dev/null
draft=$work/空白.ron
shot 1366x768 blank ctrl+Next ctrl+Next ctrl+Next ctrl+Next ctrl+Next "type:问题：" "shot:focus-section-1366x768" \
  ctrl+e Return Return alt+v Up Return "shot:message-full-1366x768"
ls -la "$out"
