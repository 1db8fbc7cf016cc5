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

exec bash "$(dirname "$0")/vendor-npm.sh" vendor-pos pos_client/vendor-src \
  pos_client/static/vendor/qr-scanner qr-scanner MIT qr-scanner.min.js qr-scanner-worker.min.js \
  LICENSE "$@"
