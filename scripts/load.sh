#!/usr/bin/env bash
# make load: the shipped nginx config under wrk (sim/tests/load.rs), which writes
# deploy/nginx/LOAD.md. A benchmark, not part of `make test`. Installs Debian's
# wrk (and iproute2's ss) when missing. LOAD_SECONDS (60) and LOAD_CONNECTIONS
# (1000) shorten or shrink a trial run.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v ss >/dev/null || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# wrk's 1,000 connections, nginx's and the sim's need more descriptors than the
# usual soft limit of 1,024: raise it to the hard limit for this run.
ulimit -n "$(ulimit -Hn)"
cargo test -p sim --features load --test load -- --nocapture
