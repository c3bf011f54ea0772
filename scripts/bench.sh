#!/usr/bin/env bash
# Builds the benchmarks and runs torsh against PyTorch; writes bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
TORSH_BENCH=ON bash scripts/build.sh
/usr/bin/python3 bench/run.py --write "$@"
