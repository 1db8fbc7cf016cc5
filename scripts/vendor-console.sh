#!/usr/bin/env bash
# Refresh the chart library the coordinator console vendors
# (wallet_server/console/static/vendor/chartjs/) from the npm registry, reproducibly: the
# exact versions and integrity hashes come from wallet_server/console/vendor-src/package-lock.json,
# installed with `npm ci --ignore-scripts` in a temporary copy (no node_modules/ is left in the
# work tree, no install script runs).
#
#   scripts/vendor-console.sh          rewrite wallet_server/console/static/vendor/chartjs/
#   scripts/vendor-console.sh --check  exit 1 if the vendored files differ from the lock's
#
# To move to another Chart.js version: change the version in
# wallet_server/console/vendor-src/package.json, run
# `npm install --package-lock-only --ignore-scripts` in that folder, then this script, and run
# the dashboard's browser test (tests/reports/test_pages.py).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/wallet_server/console/vendor-src"
dest="$root/wallet_server/console/static/vendor/chartjs"

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

command -v npm >/dev/null || { echo "vendor-console: npm is needed (Node.js 18 or newer)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/package.json" "$src/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)

pkg="$work/node_modules/chart.js"
# The UMD build bundles @kurkle/color (MIT): its licence ships beside Chart.js's.
color="$work/node_modules/@kurkle/color"
read -r version integrity color_version < <(node -e '
  const lock = require(process.argv[1]);
  const entry = lock.packages["node_modules/chart.js"];
  const color = lock.packages["node_modules/@kurkle/color"];
  const installed = require(process.argv[2]).version;
  if (installed !== entry.version) { console.error("installed " + installed + " != lock " + entry.version); process.exit(1); }
  console.log(entry.version + " " + entry.integrity + " " + color.version);
' "$work/package-lock.json" "$pkg/package.json")

out="$work/out"
mkdir -p "$out"
cp "$pkg/dist/chart.umd.min.js" "$out/chart.umd.min.js"
cp "$pkg/LICENSE.md" "$out/LICENSE.md"
cp "$color/LICENSE.md" "$out/kurkle-color.LICENSE.md"
files=(chart.umd.min.js LICENSE.md kurkle-color.LICENSE.md)
{
  echo "package: chart.js"
  echo "version: $version"
  echo "license: MIT"
  echo "npm-integrity: $integrity"
  echo "bundles: @kurkle/color $color_version (MIT, kurkle-color.LICENSE.md)"
  echo "files (sha256):"
  (cd "$out" && for f in "${files[@]}"; do sha256sum "$f" | sed 's/^/  /'; done)
} > "$out/VERSION"

if [ "$check" = 1 ]; then
  if diff -r "$out" "$dest" >/dev/null 2>&1; then
    echo "vendor-console: wallet_server/console/static/vendor/chartjs matches chart.js $version"
  else
    echo "vendor-console: wallet_server/console/static/vendor/chartjs differs from chart.js $version (run scripts/vendor-console.sh)" >&2
    exit 1
  fi
else
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$out"/* "$dest/"
  echo "vendor-console: chart.js $version -> wallet_server/console/static/vendor/chartjs/"
fi
