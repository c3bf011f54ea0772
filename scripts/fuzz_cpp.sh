#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into build-fuzz/ and runs each for
# SECONDS (default 600) from its seed corpus in tests/fuzz/corpus/<target>/. New inputs go to
# build-fuzz/corpus/<target>/ (the repo's corpus is only read); a finding stops the target and
# leaves its input in build-fuzz/ (crash-*, leak-*, timeout-*, oom-*), and the script fails.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-600}"
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DTORSH_FUZZ=ON \
  -DTORSH_PYTHON=OFF -DTORSH_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPython_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build-fuzz --target fuzz_views fuzz_tensor_data fuzz_checkpoint
status=0
for target in fuzz_views fuzz_tensor_data fuzz_checkpoint; do
  mkdir -p "build-fuzz/corpus/$target"
  echo "== $target: ${SECONDS_PER_TARGET}s"
  (cd build-fuzz && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    OMP_NUM_THREADS=1 "./$target" -max_total_time="$SECONDS_PER_TARGET" -max_len=512 \
    -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 \
    "corpus/$target" "../tests/fuzz/corpus/$target") || status=1
done
exit $status
