#!/usr/bin/env bash
# Gives the widget's core files content-hashed names, so a server can cache them
# for a year, and points the entry script (batch-status.js, stable name, short
# cache) at them. Run after the release build and minification.
set -euo pipefail
dist=${1:-dist}
cd "$dist"
entry=batch-status.js
for pair in "batch-status-widget.js:js" "batch-status-widget_bg.wasm:wasm"; do
  file=${pair%%:*}
  ext=${pair##*:}
  [ -f "$file" ] || { echo "fingerprint: $dist/$file is missing" >&2; exit 1; }
  hash=$(sha256sum "$file" | cut -c1-10)
  hashed="batch-status-widget.$hash.$ext"
  [ "$ext" = wasm ] && hashed="batch-status-widget_bg.$hash.$ext"
  rm -f batch-status-widget.*."$ext" batch-status-widget_bg.*."$ext"
  mv "$file" "$hashed"
  sed -i "s#\./$file#./$hashed#g" "$entry"
  grep -q "$hashed" "$entry" || { echo "fingerprint: $entry does not name $file" >&2; exit 1; }
done
