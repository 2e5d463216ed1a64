#!/usr/bin/env bash
# Prints what a browser downloads for the widget (wasm + JS + CSS), gzip -9.
set -euo pipefail
dist=${1:-dist}
total=0
printf '%-34s %10s %10s\n' file bytes gzip
for file in batch-status-widget_bg.wasm batch-status-widget.js batch-status.js; do
  raw=$(wc -c < "$dist/$file")
  gz=$(gzip -9 -c "$dist/$file" | wc -c)
  total=$((total + gz))
  printf '%-34s %10d %10d\n' "$file" "$raw" "$gz"
done
printf '%-34s %10s %10d  (%d.%d KB)\n' total '' "$total" $((total / 1000)) $((total % 1000 / 100))
