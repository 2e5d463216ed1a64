#!/usr/bin/env bash
# Scans every config of deploy/nginx (the opt-in cancel.conf included) with the
# nginx configuration analyzer gixy-next, pinned, from PyPI, in a virtualenv
# under target/. Fails on any finding of medium severity or higher. Findings
# accepted on purpose would be listed, with their reasons, in
# deploy/nginx/README.md; there are none.
set -euo pipefail
cd "$(dirname "$0")/.."
GIXY_VERSION=0.9.0
venv=target/gixy
if [ "$("$venv/bin/gixy" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1)" != "$GIXY_VERSION" ]; then
  echo "==> installing gixy-next $GIXY_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "gixy-next==$GIXY_VERSION"
fi
# The config as deployed: its includes read from deploy/nginx, the secrets from
# their template, and the opt-in cancel.conf switched on.
scan=target/nginx-scan
mkdir -p "$scan"
conf=$PWD/deploy/nginx
sed -e "s#/etc/nginx/batch-status/secrets.conf#$conf/secrets.conf.example#" \
    -e "s#/etc/nginx/batch-status/#$conf/#g" \
    -e "s|# include $conf/cancel.conf;|include $conf/cancel.conf;|" \
    deploy/nginx/nginx.conf > "$scan/nginx.conf"
grep -q "^ *include $conf/cancel.conf;" "$scan/nginx.conf" \
  || { echo "nginx-scan: could not switch cancel.conf on" >&2; exit 1; }
for file in proxy-headers.conf cancel.conf; do
  sed -e "s#/etc/nginx/batch-status/secrets.conf#$conf/secrets.conf.example#" \
      -e "s#/etc/nginx/batch-status/#$conf/#g" "deploy/nginx/$file" > "$scan/$file"
done
sed -i -e "s#include $conf/proxy-headers.conf;#include $PWD/$scan/proxy-headers.conf;#" \
       -e "s#include $conf/cancel.conf;#include $PWD/$scan/cancel.conf;#" "$scan/nginx.conf"
"$venv/bin/gixy" -ll -f text "$scan/nginx.conf" > "$scan/report.txt" 2>&1 || true
if grep -q '^>> Problem' "$scan/report.txt"; then
  cat "$scan/report.txt" >&2
  echo "nginx-scan: gixy-next found problems of medium severity or higher" >&2
  exit 1
fi
echo "nginx-scan: gixy-next $GIXY_VERSION finds nothing of medium severity or higher in deploy/nginx"
