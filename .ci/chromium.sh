#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it at /usr/bin/chromium).
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi
chromium --version
