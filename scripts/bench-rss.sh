#!/usr/bin/env bash
# Resident memory of the real window before and after its exports, driven by the keyboard as a
# staffer would (Xvfb, llvmpipe):
#
#   scripts/bench-rss.sh [BINARY] [SIZE] [ROUNDS]
#
# Opens the Hangzhou-style 2021 report in a SIZE window (default 1366x768) and reports the
# process's RSS (VmRSS) at start, after 导出PDF (Ctrl+E, Enter in the file prompt) and after
# 导出Word文档 (Alt+X, ↓, Enter, Enter), ROUNDS times (default 2), each a few seconds after the
# file is written. Needs Xvfb and xdotool, and a build with the keyboard menus (issue 22).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/nianbao}
size=${2:-1366x768}
rounds=${3:-2}
work=$(mktemp -d)
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
. scripts/window-under-xvfb.sh
sleep 3
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$app/status; }
wait_for() { for _ in $(seq 150); do [ -f "$1" ] && return 0; sleep 0.2; done; echo "未写出：$1" >&2; exit 1; }
pdf="$work/某某县商务局2021年政府信息公开工作年度报告.pdf"
docx="$work/某某县商务局2021年政府信息公开工作年度报告.docx"
line="RSS (MB) at start $(rss)"
for r in $(seq $rounds); do
  rm -f "$pdf" "$docx"
  # 导出PDF: the prompt proposes the report's name beside the draft.
  xdotool key ctrl+e; sleep 1.5; xdotool key Return; sleep 1
  wait_for "$pdf"; sleep 3
  line="$line, after PDF $(rss)"
  xdotool key alt+x; sleep 0.5; xdotool key Down; sleep 0.3; xdotool key Return; sleep 1.5; xdotool key Return; sleep 1
  wait_for "$docx"; sleep 3
  line="$line, after Word $(rss)"
done
echo "size=$size rounds=$rounds"
echo "$line"
