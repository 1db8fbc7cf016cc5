#!/usr/bin/env bash
# Debian's nginx and openssl for tests/deploy (they run their own nginx on free ports, with
# the site from deploy/nginx/caisse.conf). Installed as a program only: the packaged service
# must not start and take port 80 on a CI machine.
set -euo pipefail

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

if [ "${#missing[@]}" -gt 0 ]; then
  # apt-get update only when the package lists know no candidate (a fresh image has none).
  for package in "${missing[@]}"; do
    if ! apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      apt-get update
      break
    fi
  done
  # invoke-rc.d asks policy-rc.d whether a maintainer script may start a service; 101 means
  # "no". Container images usually ship one; otherwise put one in place for this install.
  policy=/usr/sbin/policy-rc.d
  created_policy=no
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    created_policy=yes
  fi
  status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
    || status=$?
  if [ "$created_policy" = yes ]; then
    rm -f "$policy"
  fi
  [ "$status" -eq 0 ] || exit "$status"
fi

# The package enables its unit: disable it so that a reboot does not start it either, and
# stop it where systemd is running (systemctl works on the unit files offline too).
if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet nginx 2>/dev/null; then
  if [ -d /run/systemd/system ]; then
    systemctl disable --now nginx
  else
    systemctl disable nginx
  fi
fi
PATH="$PATH:/usr/sbin" nginx -v
openssl version
