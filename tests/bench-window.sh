#!/usr/bin/env bash
# Benchmark of the window (BENCHMARKS.md): cold start to the first article list with a
# 100,000-article library, and idle memory (PSS of the whole process tree) against a bare
# Tauri window built with the same Tauri.
#
# Reproduce: bash tests/bench-window.sh        (release builds; needs Xvfb)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
work=$(mktemp -d)
xvfb_pid=""
cleanup() {
  pkill -f "$work" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --quiet --bin broadsheet-window --example bare_window
cargo build --release --quiet -p broadsheet-engine --example library_100k
app=target/release/broadsheet-window
bare=target/release/examples/bare_window

display=:$(( 90 + RANDOM % 9 ))
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=$display
sleep 1

echo "building a library of 100,000 articles..."
mkdir -p "$work/lib"
BENCH_LIBRARY="$work/lib/library.sqlite3" target/release/examples/library_100k 100000 | sed 's/^/  /'

# PSS (kB) of a process and all its descendants.
tree_pss() {
  local pids="$1" all="" next
  while [ -n "$pids" ]; do
    all="$all $pids"
    next=""
    for p in $pids; do next="$next $(pgrep -P "$p" || true)"; done
    pids=$(echo $next)
  done
  local total=0
  for p in $all; do
    local kb
    kb=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$(( total + ${kb:-0} ))
  done
  echo "$total"
}

echo "cold start to the first article list ($runs runs; the OS file cache is dropped when allowed)"
starts=()
for i in $(seq "$runs"); do
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  log="$work/start$i.log"
  BROADSHEET_LOG=broadsheet::startup=info "$app" --data-dir "$work/lib" 2>"$log" &
  pid=$!
  for _ in $(seq 200); do
    grep -q "first article list served" "$log" && break
    sleep 0.05
  done
  ms=$(grep -o 'ms=[0-9]*' "$log" | head -1 | cut -d= -f2)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "  run $i: ${ms:-?} ms"
  starts+=("${ms:-99999}")
done
median=$(printf '%s\n' "${starts[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
echo "  median: $median ms (from process start to the first article list sent to the window)"

idle() {
  local label="$1"; shift
  "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep 12
  local kb
  kb=$(tree_pss "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$kb"
}
echo "idle memory, 12 s after start (PSS of the process tree)"
bare_kb=$(idle bare "$bare")
app_kb=$(idle broadsheet "$app" --data-dir "$work/lib")
# Broadsheet turns accelerated compositing off (src-tauri/lib.rs); the bare window as well, like for like.
soft_kb=$(WEBKIT_DISABLE_COMPOSITING_MODE=1 idle bare-software "$bare")
echo "  bare Tauri window:              $(( bare_kb / 1024 )) MB"
echo "  Broadsheet, 100k-article library: $(( app_kb / 1024 )) MB"
echo "  difference:                     $(( (app_kb - bare_kb) / 1024 )) MB"
echo "  bare window without compositing: $(( soft_kb / 1024 )) MB (Broadsheet $(( (app_kb - soft_kb) / 1024 )) MB over it)"
echo "reproduce: bash tests/bench-window.sh"
