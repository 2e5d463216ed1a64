#!/usr/bin/env bash
# The release site in DIR: Trunk's build, each widget's crash boundary added to the
# glue, the glue and the entry script minified (they count in the size budget), and
# the core files content-hashed. FEATURES (optional) are cargo features: the
# end-to-end suite builds a second copy with `fault-injection`.
set -euo pipefail
dist=${1:?usage: build-site.sh DIR [FEATURES]}
features=${2:-}
here=$(dirname "$0")
trunk build --release --dist "$dist" ${features:+--features "$features"}
"$here/guard-glue.sh" "$dist/batch-status-widget.js"
for file in batch-status-widget.js batch-status.js; do
  esbuild "$dist/$file" --minify --format=esm --log-level=warning --allow-overwrite --outfile="$dist/$file"
done
"$here/fingerprint.sh" "$dist"
