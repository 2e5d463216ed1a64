#!/usr/bin/env bash
# The release site in DIR: Trunk's build of the page, each wasm module bound and
# optimised here (its unused closure shims dropped, its import and export names
# shortened), each widget's crash boundary added to the glue, the glue and the
# entry script minified (they count in the size budget), and the core files
# content-hashed. FEATURES (optional) are cargo features: the
# end-to-end suite builds a second copy with `fault-injection`.
set -euo pipefail
dist=${1:?usage: build-site.sh DIR [FEATURES]}
features=${2:-}
here=$(dirname "$0")
# The panic locations compiled into the wasm name their source files: without
# the registry's absolute path they are shorter, and the same on every machine.
registry=${CARGO_HOME:-$HOME/.cargo}/registry/src
for index in "$registry"/*/; do
  [ -d "$index" ] && RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$index="
done
export RUSTFLAGS=${RUSTFLAGS:-}
# The steps that shorten each module's import and export names and unhook its
# unused closure shims (wasm-names/), built for this machine before the
# wasm-only settings below.
cargo build --release --quiet -p wasm-names
wasm_names=target/release/wasm-names
# The shipped wasm rebuilds the standard library with it (rust-src, installed by
# scripts/install-tools.sh): std then gets the same opt-level "z" and link-time
# optimisation as the widget, and a panic traps at once instead of formatting a
# message nobody reads (a panic was already an abort; the entry script's guard
# shows the crash card either way). That drops core::fmt's panic paths, the
# panic locations and the Debug impls they pull in: about 11 KB gzip of the
# widget. Both are unstable cargo options on this stable toolchain, so the build
# opts in with RUSTC_BOOTSTRAP; only this script does, and tests and the host
# build stay on the precompiled std.
export RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_PANIC_IMMEDIATE_ABORT=true CARGO_PROFILE_RELEASE_PANIC=immediate-abort
minify=(batch-status-widget.js batch-status.js batch-status-explorer.js batch-status-cancel.js
  batch-status-chart.js)
# low-memory-unused: rustc lays the stack (64 KB, see build.rs) out first and
# data above it, so the low 1 KB is only reached by a stack about to overflow;
# binaryen may then fold address arithmetic into load/store offsets (0.6 KB gzip
# less). index.html gives Trunk the same flags for the site's own wasm.
opt=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-reference-types --enable-multivalue --low-memory-unused --converge
  --strip-debug --strip-producers)
# A workspace member's wasm, bound for the web as $dist/NAME.js + NAME_bg.wasm;
# any further arguments go to cargo (features).
bindgen() {
  local package=$1 name=$2
  shift 2
  # Only the cdylib: a crate that is also an rlib (for its browser tests)
  # would not get link-time optimisation, and would be far larger.
  cargo rustc --release --target wasm32-unknown-unknown -p "$package" --lib --crate-type cdylib "$@"
  wasm-bindgen --target web --no-typescript --out-dir "$dist" --out-name "$name" \
    "target/wasm32-unknown-unknown/release/${package//-/_}.wasm"
  # Before wasm-opt, while the names are there: wasm-bindgen's closure shims
  # that nothing calls are unhooked from the table, so wasm-opt drops them.
  "$wasm_names" prune "$dist/${name}_bg.wasm"
  wasm-opt "${opt[@]}" "$dist/${name}_bg.wasm" -o "$dist/${name}_bg.wasm"
  "$wasm_names" "$dist/${name}_bg.wasm" "$dist/$name.js"
}
# The page, its static files and its own wasm (site/).
trunk build --release --dist "$dist"
# The widget.
bindgen batch-status-widget batch-status-widget ${features:+--features "$features"}
"$here/guard-glue.sh" "$dist/batch-status-widget.js"
# The JS end of the widget's events (the glue imports `buildCalls` by name).
cat "$here/../src/embed/event_calls.js" >>"$dist/batch-status-widget.js"
# What a widget loads on first use (explorer/), each behind the same crash
# boundary as the widget: the calls explorer and CSV export, the cancel control
# (only widgets with allow-cancel load it) and the throughput chart.
bindgen batch-status-explorer batch-status-explorer
"$here/guard-glue.sh" "$dist/batch-status-explorer.js"
bindgen batch-status-explorer batch-status-cancel --no-default-features --features cancel
"$here/guard-glue.sh" "$dist/batch-status-cancel.js"
bindgen batch-status-explorer batch-status-chart --no-default-features --features chart
"$here/guard-glue.sh" "$dist/batch-status-chart.js"
# The static site's page logic is a wasm of its own (site/, built by Trunk), so
# embedding pages never download it.
minify+=(batch-status-site.js)
for file in "${minify[@]}"; do
  esbuild "$dist/$file" --minify --format=esm --log-level=warning --allow-overwrite --outfile="$dist/$file"
done
"$here/fingerprint.sh" "$dist"
