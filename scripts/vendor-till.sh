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

exec bash "$(dirname "$0")/vendor-npm.sh" vendor-till wallet_server/till_web/vendor-src \
  wallet_server/till_web/static/vendor/noble-ed25519 @noble/ed25519 MIT index.js LICENSE "$@"
