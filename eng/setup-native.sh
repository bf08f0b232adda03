#!/usr/bin/env bash
# Idempotent native prerequisite for TorchSharp 0.107: libLibTorchSharp.so needs libstdc++ with GLIBCXX_3.4.32
# (GCC 13+). Debian 12 ships GCC 12's libstdc++, so there we take libstdc++6 from Debian 13 (trixie) from the same
# mirror the machine already uses, then remove that apt source again. Everything else: check and explain.
set -euo pipefail

needed=GLIBCXX_3.4.32

has_glibcxx() {
  local lib
  for lib in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 \
             /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
    [ -e "$lib" ] && grep -qa "$needed" "$lib" && return 0
  done
  return 1
}

if has_glibcxx; then
  echo "setup-native: libstdc++ already provides $needed; nothing to do."
  exit 0
fi

. /etc/os-release 2>/dev/null || true
if [ "${ID:-}" != "debian" ] || [ "${VERSION_CODENAME:-}" != "bookworm" ]; then
  echo "setup-native: libstdc++ lacks $needed, which TorchSharp 0.107 needs (GCC 13 or newer)." >&2
  echo "  This script only knows how to fix Debian 12 (bookworm); this is '${PRETTY_NAME:-unknown}'." >&2
  echo "  Install a libstdc++6 from GCC 13+ (e.g. Ubuntu 24.04 / Debian 13 ship one) and run again." >&2
  exit 1
fi
if [ "$(id -u)" != "0" ]; then
  echo "setup-native: installing libstdc++6 from Debian 13 needs root (apt-get). Run as root or with sudo." >&2
  exit 1
fi

sources=/etc/apt/sources.list.d/debian.sources
# The mirror URI this machine already uses (first URIs line of the main archive); never hard-coded here.
mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' "$sources" 2>/dev/null || true)
if [ -z "$mirror" ]; then
  echo "setup-native: could not read the Debian mirror URI from $sources." >&2
  exit 1
fi

extra=/etc/apt/sources.list.d/yolox-trixie.sources
cleanup() { rm -f "$extra"; apt-get update -qq >/dev/null 2>&1 || true; }
trap cleanup EXIT
printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
  "$mirror" > "$extra"
echo "setup-native: installing libstdc++6 from Debian 13 (trixie) for $needed ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t trixie --no-install-recommends \
  -o Dpkg::Options::=--force-confold libstdc++6
if ! has_glibcxx; then
  echo "setup-native: libstdc++6 was installed but $needed is still missing." >&2
  exit 1
fi
echo "setup-native: done; libstdc++ now provides $needed."
