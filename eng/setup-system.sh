#!/usr/bin/env bash
# Idempotent: installs the Debian packages listed in eng/system-packages.txt that are not installed yet. Does nothing
# (and needs no root, no network) when all are present.
set -euo pipefail
list="$(dirname "${BASH_SOURCE[0]}")/system-packages.txt"
missing=()
while read -r name _; do
  case "$name" in ''|'#'*) continue ;; esac
  dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" || missing+=("$name")
done < "$list"
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all listed packages are installed."
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "setup-system: missing packages (${missing[*]}); installing them needs root (apt-get). Run as root or with sudo." >&2
  exit 1
fi
echo "setup-system: installing ${missing[*]} ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup-system: done."
