#!/usr/bin/env bash
# Refresh the browser library the browser till vendors (wallet_server/till_web/static/vendor/)
# from the npm registry, reproducibly: the exact version and integrity hash come from
# wallet_server/till_web/vendor-src/package-lock.json, installed with `npm ci --ignore-scripts`
# in a temporary copy (no node_modules/ is left in the work tree, no install script runs).
#
#   scripts/vendor-till.sh          rewrite wallet_server/till_web/static/vendor/noble-ed25519/
#   scripts/vendor-till.sh --check  exit 1 if the vendored files differ from the lock's
#
# To move to another @noble/ed25519 version: change the version in
# wallet_server/till_web/vendor-src/package.json, run
# `npm install --package-lock-only --ignore-scripts` in that folder, then this script, update
# the version in wallet_server/till_web/static/vendor/README.md, and run the fallback's tests
# (tests/till_web/test_offline_rules_js.py: the noble runs hide WebCrypto's Ed25519).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/wallet_server/till_web/vendor-src"
dest="$root/wallet_server/till_web/static/vendor/noble-ed25519"
files=(index.js LICENSE)

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

command -v npm >/dev/null || { echo "vendor-till: npm is needed (Node.js 18 or newer)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/package.json" "$src/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)

pkg="$work/node_modules/@noble/ed25519"
read -r version integrity < <(node -e '
  const lock = require(process.argv[1]);
  const entry = lock.packages["node_modules/@noble/ed25519"];
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
  echo "package: @noble/ed25519"
  echo "version: $version"
  echo "license: MIT"
  echo "npm-integrity: $integrity"
  echo "files (sha256):"
  (cd "$out" && for f in "${files[@]}"; do sha256sum "$f" | sed 's/^/  /'; done)
} > "$out/VERSION"

if [ "$check" = 1 ]; then
  if diff -r "$out" "$dest" >/dev/null 2>&1; then
    echo "vendor-till: wallet_server/till_web/static/vendor/noble-ed25519 matches @noble/ed25519 $version"
  else
    echo "vendor-till: wallet_server/till_web/static/vendor/noble-ed25519 differs from @noble/ed25519 $version (run scripts/vendor-till.sh)" >&2
    exit 1
  fi
else
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$out"/* "$dest/"
  echo "vendor-till: @noble/ed25519 $version -> wallet_server/till_web/static/vendor/noble-ed25519/"
fi
