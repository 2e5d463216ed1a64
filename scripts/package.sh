#!/usr/bin/env bash
# make package: the npm package, from the release site in dist/. Its files keep
# stable names (a bundler adds its own hashes): the content-hashed core files of
# dist/ are copied under their plain names, and the entry script is pointed back
# at them, still through the literal `new URL('./…', import.meta.url)` that Vite,
# webpack 5, Rollup and esbuild detect. `npm pack` then writes the tarball to
# target/. tests/bundlers/package.test.mjs checks the result.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
out=target/package
rm -rf "$out"
mkdir -p "$out"
cp "$dist/batch-status.js" "$dist/batch-status.d.ts" package/README.md LICENSE "$out/"
# The core files: each part's glue and wasm, content-hashed in dist/.
core=(batch-status-widget.js batch-status-widget_bg.wasm
  batch-status-explorer.js batch-status-explorer_bg.wasm
  batch-status-cancel.js batch-status-cancel_bg.wasm
  batch-status-chart.js batch-status-chart_bg.wasm)
shopt -s nullglob
for file in "${core[@]}"; do
  stem=${file%.*}
  ext=${file##*.}
  hashed=("$dist/$stem".??????????."$ext")
  [ ${#hashed[@]} -eq 1 ] || { echo "package: expected one $stem.<hash>.$ext in $dist" >&2; exit 1; }
  name=$(basename "${hashed[0]}")
  cp "${hashed[0]}" "$out/$file"
  sed -i "s#\./$name#./$file#g" "$out/batch-status.js"
  grep -q "\./$file\"" "$out/batch-status.js" || { echo "package: the entry does not name $file" >&2; exit 1; }
done
# The entry imports each glue by a URL it computes (one module instance per
# widget): bundlers must leave those imports alone, and say so only when told.
# esbuild's minify drops comments, so the magic comments go back in here.
imports=$(grep -o 'import(' "$out/batch-status.js" | wc -l)
[ "$imports" -eq 3 ] || { echo "package: expected 3 dynamic imports in the entry, found $imports" >&2; exit 1; }
sed -i 's#import(#import(/* webpackIgnore: true */ /* @vite-ignore */ #g' "$out/batch-status.js"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
node -e '
const [version, ...core] = process.argv.slice(1);
const files = ["batch-status.js", "batch-status.d.ts", ...core];
const pkg = {
  name: "@batch-status/widget",
  version,
  description: "Live progress of a batch of outbound AI phone calls: a <batch-status> element and mount(), in Rust/WebAssembly.",
  license: "MIT",
  type: "module",
  exports: { ".": { types: "./batch-status.d.ts", default: "./batch-status.js" } },
  types: "./batch-status.d.ts",
  files,
  // Importing the entry defines <batch-status>: bundlers must keep it.
  sideEffects: ["./batch-status.js"],
  keywords: ["web-component", "custom-element", "webassembly", "yew", "progress"],
};
process.stdout.write(JSON.stringify(pkg, null, 2) + "\n");
' "$version" "${core[@]}" > "$out/package.json"
(cd "$out" && npm pack --silent --pack-destination .. >/dev/null)
echo "package: target/batch-status-widget-$version.tgz"
