#!/usr/bin/env bash
# The size budget: what a browser downloads for the widget (wasm + JS + CSS, the
# CSS being inside the wasm), compressed with gzip -9. Prints gzip and brotli
# sizes of each file and the total, and fails over the budget.
set -euo pipefail
dist=${1:-dist}
budget=${SIZE_BUDGET_BYTES:-76100}       # 76.1 KB: lowered as bytes are found, never raised
# What a page downloads only on first use, each a wasm of its own: the calls
# explorer and CSV export (when a widget's explorer is first opened or the host
# asks for an export), the cancel control (only widgets with allow-cancel), and
# the throughput chart (after a widget's first counts, unless chart="off").
explorer_budget=${EXPLORER_BUDGET_BYTES:-41450}
cancel_budget=${CANCEL_BUDGET_BYTES:-23600}
chart_budget=${CHART_BUDGET_BYTES:-19600}
react_counter=69000                      # a React 19 counter app, gzip, measured on this machine

# The core files carry a content hash in their names (scripts/fingerprint.sh).
shopt -s nullglob
files=("$dist"/batch-status-widget_bg.*.wasm "$dist"/batch-status-widget.*.js "$dist"/batch-status.js)
[ ${#files[@]} -eq 3 ] || { echo "size: expected 3 widget files in $dist, found ${#files[@]}" >&2; exit 1; }
total_gz=0
total_br=0
printf '%-38s %9s %9s %9s\n' file bytes gzip brotli
for path in "${files[@]}"; do
  file=$(basename "$path")
  raw=$(wc -c < "$path")
  gz=$(gzip -9 -c "$path" | wc -c)
  br=$(brotli -c -q 11 "$path" | wc -c)
  total_gz=$((total_gz + gz))
  total_br=$((total_br + br))
  printf '%-38s %9d %9d %9d\n' "$file" "$raw" "$gz" "$br"
done
printf '%-38s %9s %9d %9d\n' total '' "$total_gz" "$total_br"
kb() { printf '%d.%d KB' $(($1 / 1000)) $(($1 % 1000 / 100)); }
echo "size: widget $(kb "$total_gz") gzip ($(kb "$total_br") brotli); budget $(kb "$budget"); React 19 counter $(kb "$react_counter")"
# Where the bytes go, when twiggy (`cargo install twiggy`) is on the machine:
# the 15 largest items of the widget's wasm as built, before wasm-opt, so every
# change shows what it cost. Not installed by make: it is not needed to build.
wasm=target/wasm32-unknown-unknown/release/batch_status_widget.wasm
if command -v twiggy >/dev/null && [ -f "$wasm" ]; then
  echo "size: the 15 largest items of $wasm (twiggy top; sizes before wasm-opt):"
  twiggy top -n 18 "$wasm" 2>/dev/null | grep -v -e "custom section" -e "function names" | head -17 || true
fi
over=0
if [ "$total_gz" -gt "$budget" ]; then
  echo "size: over budget by $((total_gz - budget)) bytes" >&2
  over=1
fi
# lazy NAME WHAT BUDGET: reports module NAME's two files, fails over BUDGET.
lazy() {
  local name=$1 what=$2 limit=$3 gz path sum=0
  local parts=("$dist/$name"_bg.*.wasm "$dist/$name".*.js)
  [ ${#parts[@]} -eq 2 ] || { echo "size: expected 2 $name files in $dist, found ${#parts[@]}" >&2; exit 1; }
  for path in "${parts[@]}"; do
    gz=$(gzip -9 -c "$path" | wc -c)
    sum=$((sum + gz))
    printf '%-38s %9d %9d %9d\n' "$(basename "$path")" "$(wc -c < "$path")" "$gz" "$(brotli -c -q 11 "$path" | wc -c)"
  done
  echo "size: $what, loaded on first use, $(kb "$sum") gzip; budget $(kb "$limit")"
  if [ "$sum" -gt "$limit" ]; then
    echo "size: the $what is over its budget by $((sum - limit)) bytes" >&2
    over=1
  fi
}
lazy batch-status-explorer "calls explorer" "$explorer_budget"
lazy batch-status-cancel "cancel control" "$cancel_budget"
lazy batch-status-chart "throughput chart" "$chart_budget"
exit "$over"
