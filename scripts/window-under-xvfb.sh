# Sourced by the window benchmarks (bench-keys.sh, bench-rss.sh): a virtual X display of $size,
# a home of its own in $work, the Hangzhou-style 2021 report imported as $work/报告.ron and opened
# in $bin (with the extra environment in $app_env, e.g. NIANBAO_FRAME_LOG=…), its window $win sized
# to the display and focused. The caller sets $bin, $size, $work (and $app_env) and its EXIT trap
# (which kills $app and $xvfb).
# A display no other X server holds (another build's tests may run beside).
display=
for n in $(shuf -i 150-199); do [ -e /tmp/.X$n-lock ] || { display=:$n; break; }; done
Xvfb $display -screen 0 ${size}x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
sleep 1
export DISPLAY=$display HOME=$work XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data
"$bin" import tests/fixtures/hangzhou-2021.csv -o "$work/报告.ron" --unit 某某县商务局 >/dev/null
env ${app_env:-} "$bin" "$work/报告.ron" >/dev/null 2>&1 &
app=$!
for _ in $(seq 300); do xdotool search --onlyvisible --pid $app >/dev/null 2>&1 && break; sleep 0.2; done
win=$(xdotool search --onlyvisible --pid $app | tail -1)
xdotool windowsize $win ${size%x*} ${size#*x} windowfocus --sync $win
