#!/usr/bin/env bash
# Configures and builds torsh into build/ (warnings are errors), with ccache shared by clones.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"
export CCACHE_NOHASHDIR=1
cmake -S . -B build -G Ninja -DTORSH_WERROR=ON -DTORSH_TESTS=ON -DTORSH_PYTHON=ON \
  -DTORSH_BENCH="${TORSH_BENCH:-OFF}" -DPython_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build
