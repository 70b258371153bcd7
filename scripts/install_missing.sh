#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet (nothing to do, and
# no apt-get, when all are): idempotent and fast on a second run. Used by setup.sh and
# build_wheel.sh. The first argument is the caller's name for the message.
set -euo pipefail
caller="$1"
shift
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "$caller: installing ${missing[*]}" >&2
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
