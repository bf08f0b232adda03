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
# Open MPI stays the default mpirun/mpicc even with MPICH installed (Debian ranks Open MPI higher; a machine set to MPICH
# by hand is put back): the tests and docs use `mpirun` for Open MPI and `mpiexec.mpich` for MPICH.
keep_openmpi_default() {
  local name target
  for name in mpirun mpi; do
    case "$name" in mpirun) target=/usr/bin/mpirun.openmpi ;; mpi) target=/usr/bin/mpicc.openmpi ;; esac
    [ -e "$target" ] || continue
    if [ "$(readlink -f "/etc/alternatives/$name" 2>/dev/null)" != "$(readlink -f "$target")" ]; then
      if [ "$(id -u)" = "0" ]; then
        update-alternatives --quiet --set "$name" "$target"
        echo "setup-system: $name set back to Open MPI ($target)."
      else
        echo "setup-system: the default $name is not Open MPI; run as root: update-alternatives --set $name $target" >&2
      fi
    fi
  done
}
if [ ${#missing[@]} -eq 0 ]; then
  keep_openmpi_default
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
keep_openmpi_default
echo "setup-system: done."
