#!/usr/bin/env bash
# Refresh axe-core, which the browser tests inject into each page to check accessibility,
# from the npm registry at the version and integrity pinned in
# tests/browser_vendor/package-lock.json (npm ci in a temporary copy: no node_modules/ left).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/tests/browser_vendor"
command -v npm >/dev/null || { echo "vendor-test: npm is needed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/package.json" "$src/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
cp "$work/node_modules/axe-core/axe.min.js" "$src/axe.min.js"
cp "$work/node_modules/axe-core/LICENSE" "$src/axe-core.LICENSE"
version=$(cd "$work" && node -p "require('./node_modules/axe-core/package.json').version")
echo "axe-core $version (MPL-2.0), from npm; refreshed by scripts/vendor-test.sh" > "$src/VERSION"
echo "vendor-test: axe-core $version"
