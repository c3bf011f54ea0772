#!/usr/bin/env bash
# The main job: installs what is missing, builds, and trains the default CNN on Fashion-MNIST
# for 2 epochs (torsh-train: progress bar, test accuracy per epoch, a safetensors checkpoint,
# metrics.csv and curves.png in runs/fashion-mnist, wall time and peak memory). Extra arguments
# go to torsh-train (--epochs, --batch-size, --threads, --model cnn|mlp, --out, --data).
# --ranks N trains data-parallel (DDP) on N processes started by OpenMPI's mpirun, with the same
# global batch (--batch-size is split over the ranks).
set -euo pipefail
cd "$(dirname "$0")/.."
ranks=1
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ranks) ranks="${2:?--ranks needs a number}"; shift 2 ;;
    --ranks=*) ranks="${1#--ranks=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
bash scripts/setup.sh
bash scripts/build.sh
if [ "$ranks" = 1 ]; then
  exec ./build/torsh-train "${args[@]+"${args[@]}"}"
fi
root=()
[ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
# one thread per rank unless --threads says otherwise
exec mpirun "${root[@]}" -np "$ranks" --oversubscribe --bind-to none -x OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" \
  ./build/torsh-train "${args[@]+"${args[@]}"}"
