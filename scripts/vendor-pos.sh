#!/usr/bin/env bash
# Refresh the browser libraries the cashier screen vendors (pos_client/static/vendor/)
# from the npm registry, reproducibly: the exact versions and integrity hashes come from
# pos_client/vendor-src/package-lock.json, installed with `npm ci --ignore-scripts` in a
# temporary copy (no node_modules/ is left in the work tree, no install script runs).
#
#   scripts/vendor-pos.sh          rewrite pos_client/static/vendor/qr-scanner/
#   scripts/vendor-pos.sh --check  exit 1 if the vendored files differ from the lock's
#
# To move to another qr-scanner version: change the version in
# pos_client/vendor-src/package.json, run `npm install --package-lock-only --ignore-scripts`
# in that folder, then this script, and test the camera scan by hand.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/pos_client/vendor-src"
dest="$root/pos_client/static/vendor/qr-scanner"
files=(qr-scanner.min.js qr-scanner-worker.min.js LICENSE)

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

command -v npm >/dev/null || { echo "vendor-pos: npm is needed (Node.js 18 or newer)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/package.json" "$src/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)

pkg="$work/node_modules/qr-scanner"
read -r version integrity < <(node -e '
  const lock = require(process.argv[1]);
  const entry = lock.packages["node_modules/qr-scanner"];
  const installed = require(process.argv[2]).version;
  if (installed !== entry.version) { console.error("installed " + installed + " != lock " + entry.version); process.exit(1); }
  console.log(entry.version + " " + entry.integrity);
' "$work/package-lock.json" "$pkg/package.json")

out="$work/out"
mkdir -p "$out"
for f in "${files[@]}"; do
  cp "$pkg/$f" "$out/$f"
done
{
  echo "package: qr-scanner"
  echo "version: $version"
  echo "license: MIT"
  echo "npm-integrity: $integrity"
  echo "files (sha256):"
  (cd "$out" && for f in "${files[@]}"; do sha256sum "$f" | sed 's/^/  /'; done)
} > "$out/VERSION"

if [ "$check" = 1 ]; then
  if diff -r "$out" "$dest" >/dev/null 2>&1; then
    echo "vendor-pos: pos_client/static/vendor/qr-scanner matches qr-scanner $version"
  else
    echo "vendor-pos: pos_client/static/vendor/qr-scanner differs from qr-scanner $version (run scripts/vendor-pos.sh)" >&2
    exit 1
  fi
else
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$out"/* "$dest/"
  echo "vendor-pos: qr-scanner $version -> pos_client/static/vendor/qr-scanner/"
fi
