#!/usr/bin/env bash
# `make test-deps` (and CI's .ci/run): the Debian packages of the system programs that some
# tests need, as tests/system_programs.py lists them (chromium, nginx, openssl, the
# PostgreSQL client, systemd-analyze, kill, and faketime for `make test-dates`).
#
# Only what is missing is installed, with apt-get, as root or through sudo; without either,
# the command to run is printed and the script fails. nginx is installed as a program only:
# its packaged service must not start and take port 80, now or at the next boot.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
table=tests/system_programs.py

mapfile -t missing < <("$python" "$table" --missing-packages)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "test-deps: every program the tests need is here"
  "$python" "$table" --list
  exit 0
fi

install_command="apt-get install -y --no-install-recommends ${missing[*]}"
say_how() {
  echo "test-deps: the tests need the Debian packages: ${missing[*]}" >&2
  echo "test-deps: $1; install them with:" >&2
  echo "  sudo apt-get update && sudo $install_command" >&2
  echo "test-deps: (or run 'sudo make test-deps', which also keeps nginx's service from starting)" >&2
  exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: no apt-get on this machine: install the programs of these Debian packages" \
    "with its own package manager: ${missing[*]}" >&2
  "$python" "$table" --list >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || { [ -t 0 ] && sudo -v; }; }; then
  as_root=(sudo)
else
  say_how "not root, and no sudo that can be used here"
fi

echo "test-deps: installing the Debian packages: ${missing[*]}"
# apt-get update only when the package lists know no candidate (a fresh image has none).
for package in "${missing[@]}"; do
  if ! apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    "${as_root[@]}" apt-get update
    break
  fi
done

# invoke-rc.d asks policy-rc.d whether a maintainer script may start a service; 101 means
# "no". Container images usually ship one; otherwise put one in place for this install.
policy=/usr/sbin/policy-rc.d
created_policy=no
if [ ! -e "$policy" ]; then
  "${as_root[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' >$policy && chmod 0755 $policy"
  created_policy=yes
fi
status=0
# shellcheck disable=SC2086 # the package names are words
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive $install_command || status=$?
if [ "$created_policy" = yes ]; then
  "${as_root[@]}" rm -f "$policy"
fi
[ "$status" -eq 0 ] || exit "$status"

# The nginx package enables its unit: disable the one just installed so that a reboot does
# not start it either, and stop it where systemd is running (systemctl works offline too).
if [[ " ${missing[*]} " == *" nginx "* ]] && command -v systemctl >/dev/null 2>&1 \
  && systemctl is-enabled --quiet nginx 2>/dev/null; then
  if [ -d /run/systemd/system ]; then
    "${as_root[@]}" systemctl disable --now nginx
  else
    "${as_root[@]}" systemctl disable nginx
  fi
fi

"$python" "$table" --list
mapfile -t still < <("$python" "$table" --missing-packages)
if [ "${#still[@]}" -gt 0 ]; then
  echo "test-deps: installed, yet still missing the programs of: ${still[*]}" >&2
  exit 1
fi
echo "test-deps: every program the tests need is here"
