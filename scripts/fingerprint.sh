#!/usr/bin/env bash
# Gives the widget's core files content-hashed names, so a server can cache them
# for a year, and points the entry script (batch-status.js, stable name, short
# cache) at them. Run after the release build and minification.
set -euo pipefail
dist=${1:-dist}
cd "$dist"
entry=batch-status.js
for file in batch-status-widget.js batch-status-widget_bg.wasm \
  batch-status-explorer.js batch-status-explorer_bg.wasm \
  batch-status-cancel.js batch-status-cancel_bg.wasm \
  batch-status-chart.js batch-status-chart_bg.wasm; do
  [ -f "$file" ] || { echo "fingerprint: $dist/$file is missing" >&2; exit 1; }
  stem=${file%.*}
  ext=${file##*.}
  hash=$(sha256sum "$file" | cut -c1-10)
  hashed="$stem.$hash.$ext"
  rm -f "$stem".*."$ext"
  mv "$file" "$hashed"
  sed -i "s#\./$file#./$hashed#g" "$entry"
  grep -q "$hashed" "$entry" || { echo "fingerprint: $entry does not name $file" >&2; exit 1; }
done
