#!/usr/bin/env bash
# Installs the Debian packages RiskKernels links against. Idempotent: a no-op when all are
# present; otherwise apt-get as root, or through sudo, or a clear message saying what to run.
set -euo pipefail

# Open MPI (openmpi-bin: mpirun and libmpi.so.40, which riskreport-mpi opens at run time; and
# libopenmpi-dev) for riskreport-mpi and its tests only: the library and riskreport never use it.
PACKAGES=(libopenblas-dev liblapacke-dev libgsl-dev librandom123-dev libsleef-dev
  libopenmpi-dev openmpi-bin)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-system-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "install-system-deps: need root or passwordless sudo to install: ${missing[*]}" >&2
  echo "install-system-deps: run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq "${missing[@]}"
