#!/usr/bin/env bash
# Installs the Debian packages torsh needs (as root), skipping what is already there.
set -euo pipefail
PKGS=(cmake ninja-build g++ ccache clang clang-format libgtest-dev libbenchmark-dev
      libopenblas-openmp-dev libdnnl-dev libhwy-dev zlib1g-dev dataset-fashion-mnist gnuplot-nox
      python3-dev python3-pybind11 pybind11-dev
      python3-numpy python3-pytest python3-yaml python3-torch libtorch-dev
      python3-torchvision python3-pil python3-pip python3-venv python3-setuptools python3-wheel
      openmpi-bin libopenmpi-dev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
