#!/usr/bin/env bash
# The main job: installs what is missing, builds, and trains the default CNN on Fashion-MNIST
# for 2 epochs (torsh-train: progress bar, test accuracy per epoch, a safetensors checkpoint,
# metrics.csv and curves.png in runs/fashion-mnist, wall time and peak memory). Extra arguments
# go to torsh-train (--epochs, --batch-size, --threads, --model cnn|mlp, --out, --data).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
./build/torsh-train "$@"
