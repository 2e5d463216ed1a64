#!/usr/bin/env bash
# Makes wasm-bindgen's glue a crash boundary per widget: every call into the wasm
# goes through guardExports, and the timers the wasm starts can be cancelled from
# outside it (src/embed/instance_guard.js says why). Run by build-site.sh on
# wasm-bindgen's output, before minifying. Fails loudly if a new wasm-bindgen writes its glue differently.
set -euo pipefail
glue=$1
guard=$(dirname "$0")/../src/embed/instance_guard.js
hook='wasm = instance.exports;'
count=$(grep -cF "$hook" "$glue" || true)
if [ "$count" != 1 ]; then
  echo "guard-glue: expected one '$hook' in $glue, found $count: update scripts/guard-glue.sh" >&2
  exit 1
fi
# The guard covers setTimeout only: no module uses setInterval (the widget wakes
# with a timeout when its face next changes), and a glue that did would start
# timers a crash could not cancel.
if grep -qE "setInterval|clearInterval" "$glue"; then
  echo "guard-glue: $glue uses setInterval, which the guard does not cover: add it to src/embed/instance_guard.js" >&2
  exit 1
fi
# The guard's timer functions only answer for calls by the bare global name.
for name in setTimeout clearTimeout; do
  if grep -qE "(window|globalThis|self)\.$name\(" "$glue"; then
    echo "guard-glue: $glue calls $name through a global object: update scripts/guard-glue.sh" >&2
    exit 1
  fi
done
sed -i "s/$hook/wasm = guardExports(instance.exports);/" "$glue"
cat "$guard" >>"$glue"
