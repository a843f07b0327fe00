#!/usr/bin/env bash
# CPU per keystroke of the real window under software rendering (Mesa llvmpipe in Xvfb), as on an
# office PC without a graphics driver, over Remote Desktop or in a 云桌面.
#
#   scripts/bench-keys.sh [BINARY] [KEYS] [SIZE]
#
# Opens the Hangzhou-style 2021 report on table 三 (175 cells) in a SIZE window (default
# 1400x900), presses the arrow keys KEYS times (default 60) with 150 ms between presses, and
# reports the process's CPU time per key (from /proc/PID/stat, user + system) and the frames
# drawn per key (the window counts them when NIANBAO_FRAME_LOG names a file). Needs Xvfb and
# xdotool; renderer: NIANBAO_RENDERER=glow (default) or wgpu. NB_THREADS=1 also lists each thread's
# CPU ticks since the start (the UI thread against llvmpipe's raster threads).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/nianbao}
keys=${2:-60}
size=${3:-1400x900}
work=$(mktemp -d)
trap 'kill $app $xvfb 2>/dev/null || true; [ -n "${NB_KEEP_CAUSES:-}" ] && cp "$work/frames.causes" "$NB_KEEP_CAUSES" 2>/dev/null; rm -rf "$work"' EXIT
app_env="NIANBAO_FRAME_LOG=$work/frames"
. scripts/window-under-xvfb.sh
sleep 2
# To table 三 (its first cell gets the keyboard), then let the window settle.
xdotool key --delay 300 ctrl+Next ctrl+Next ctrl+Next
sleep 2
ticks() { awk '{print $14 + $15}' /proc/$app/stat; }
frames() { cat "$work/frames" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)
t0=$(ticks); f0=$(frames); idle0=$(date +%s%N)
sleep 3
t1=$(ticks); f1=$(frames); idle1=$(date +%s%N)
for i in $(seq $keys); do
  if [ $((i % 20)) -lt 10 ]; then xdotool key Down; else xdotool key Up; fi
  sleep 0.15
done
sleep 1
t2=$(ticks); f2=$(frames)
if [ -n "${NB_THREADS:-}" ]; then for t in /proc/$app/task/*; do echo "thread $(cat $t/comm): $(awk "{print \$14 + \$15}" $t/stat) ticks"; done; fi
rss=$(awk '/VmRSS/ {print $2}' /proc/$app/status)
idle_ms=$(( (idle1 - idle0) / 1000000 ))
echo "renderer=${NIANBAO_RENDERER:-glow} size=$size keys=$keys"
awk -v a=$t0 -v b=$t1 -v ms=$idle_ms -v hz=$hz -v f=$((f1 - f0)) \
  'BEGIN { printf "idle: %.1f ms CPU per second, %d frames in %.1f s\n", (b - a) * 1000 / hz / (ms / 1000), f, ms / 1000 }'
awk -v a=$t1 -v b=$t2 -v k=$keys -v hz=$hz -v f=$((f2 - f1)) \
  'BEGIN { printf "per key: %.1f ms CPU, %.2f frames\n", (b - a) * 1000 / hz / k, f / k }'
echo "RSS: $((rss / 1024)) MB"
