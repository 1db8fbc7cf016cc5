#!/usr/bin/env bash
# One npm package vendored into the work tree, reproducibly (used by vendor-pos.sh and
# vendor-till.sh): the exact version and integrity hash come from SRC/package-lock.json,
# installed with `npm ci --ignore-scripts` in a temporary copy (no node_modules/ is left in
# the work tree, no install script runs); FILES of the package are copied to DEST with a
# VERSION file that records the version, the licence, the integrity and each file's sha256.
#
#   scripts/vendor-npm.sh NAME SRC DEST PACKAGE LICENSE FILE... [--check]
#
# NAME prefixes the messages; SRC and DEST are relative to the repository; --check exits 1
# when DEST differs from what the lock gives, and writes nothing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
name=$1 src="$root/$2" dest_name=$3 package=$4 license=$5
shift 5
dest="$root/$dest_name"
files=()
check=0
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    -*) echo "usage: $name [--check]" >&2; exit 2 ;;
    *) files+=("$arg") ;;
  esac
done

command -v npm >/dev/null || { echo "$name: npm is needed (Node.js 18 or newer)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/package.json" "$src/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)

pkg="$work/node_modules/$package"
read -r version integrity < <(node -e '
  const lock = require(process.argv[1]);
  const entry = lock.packages["node_modules/" + process.argv[3]];
  const installed = require(process.argv[2]).version;
  if (installed !== entry.version) { console.error("installed " + installed + " != lock " + entry.version); process.exit(1); }
  console.log(entry.version + " " + entry.integrity);
' "$work/package-lock.json" "$pkg/package.json" "$package")

out="$work/out"
mkdir -p "$out"
for f in "${files[@]}"; do
  cp "$pkg/$f" "$out/$f"
done
{
  echo "package: $package"
  echo "version: $version"
  echo "license: $license"
  echo "npm-integrity: $integrity"
  echo "files (sha256):"
  (cd "$out" && for f in "${files[@]}"; do sha256sum "$f" | sed 's/^/  /'; done)
} > "$out/VERSION"

if [ "$check" = 1 ]; then
  if diff -r "$out" "$dest" >/dev/null 2>&1; then
    echo "$name: $dest_name matches $package $version"
  else
    echo "$name: $dest_name differs from $package $version (run scripts/$name.sh)" >&2
    exit 1
  fi
else
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$out"/* "$dest/"
  echo "$name: $package $version -> $dest_name/"
fi
