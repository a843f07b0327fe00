#!/bin/sh
# Time and peak memory of `nianbao check FILE` on each hostile document (issue 21), under a
# 4 GB address-space limit and 120 s of CPU time so that a runaway reader cannot take the machine.
#
#   NIANBAO_HOSTILE_DIR=/tmp/hostile cargo test --test it write_hostile_documents -- --ignored
#   scripts/measure-hostile.sh target/release/nianbao /tmp/hostile
set -u
BIN=${1:?binary}
DIR=${2:?folder of hostile documents}
LIMIT=${LIMIT:-$((4 << 30))}
printf '%-28s %5s %9s %10s  %s\n' file exit seconds peak_MB message
for f in "$DIR"/*; do
	[ -f "$f" ] || continue
	out=$(mktemp)
	/usr/bin/time -f "%e %M" -o "$out.time" prlimit --as="$LIMIT" --cpu=${CPU:-120} -- "$BIN" check "$f" >"$out" 2>&1
	code=$?
	read -r secs kb <"$out.time" 2>/dev/null || { secs=?; kb=0; }
	# The last line of the time file is the figures (a killed child adds a line before).
	secs=$(tail -n1 "$out.time" | cut -d' ' -f1)
	kb=$(tail -n1 "$out.time" | cut -d' ' -f2)
	msg=$(grep -v '^$' "$out" | head -n 2 | tr '\n' ' ' | cut -c1-150)
	printf '%-28s %5s %9s %10s  %s\n' "$(basename "$f")" "$code" "$secs" "$((kb / 1024))" "$msg"
	rm -f "$out" "$out.time"
done
