#!/usr/bin/env bash
# Builds the apps of tests/bundlers/ (Vite, webpack 5) from the packed npm
# package, into target/bundlers/sites, for the end-to-end suite. Each app's own
# dependencies are pinned in its lock file and installed only when that file
# changed (from npm's cache once it has them); the package itself is installed
# from the tarball that `make package` wrote, every time, leaving the lock file
# as it is. `npm install`, not `npm ci`: npm 11's ci refuses Vite's lock file over
# an optional Windows-only dependency it never installs on Linux.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
tarball=$PWD/target/batch-status-widget-$version.tgz
[ -f "$tarball" ] || { echo "bundler-apps: $tarball is missing (make package)" >&2; exit 1; }
for app in vite-app webpack-app; do
  dir=tests/bundlers/$app
  if [ ! -f "$dir/node_modules/.installed-lock" ] || ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-lock"; then
    echo "==> installing $app's pinned dependencies"
    (cd "$dir" && npm install --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$dir/node_modules/.installed-lock"
  fi
  (cd "$dir" && npm install --no-save --no-package-lock --prefer-offline --ignore-scripts \
    --no-audit --no-fund --loglevel=error "$tarball")
  (cd "$dir" && npm run --silent build)
  echo "bundler-apps: built $app"
done
