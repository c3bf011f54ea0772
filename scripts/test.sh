#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs the C++ tests, the Python
# differential suite against torch, and the C++ tests again under ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/check_layering.sh
bash scripts/build.sh
# The public headers compile warning-free under clang too (a libtorch program may use clang).
printf '#include <torsh/torsh.h>\n#include <torch/torch.h>\n' | clang++ -std=c++20 -Wall -Wextra \
  -Werror -fsyntax-only -Iinclude -Iinclude/torsh/compat -Ibuild/generated/include -x c++ -
./build/torsh_tests --gtest_brief=1
/usr/bin/python3 -m pytest -q tests/python tests/compat
# The install paths outside the repository: cmake --install, find_package, pip, the README.
bash scripts/check_install.sh
# A short fixed-seed differential fuzz pass: fails on any crash or hang (docs/fuzzing.md).
/usr/bin/python3 tests/fuzz/fuzz.py --seed 1 --calls 2500 --ci --groups 10
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build-asan -G Ninja -DTORSH_SANITIZE=ON -DTORSH_PYTHON=OFF -DTORSH_TESTS=ON \
  -DTORSH_WERROR=ON -DCMAKE_BUILD_TYPE=Debug -DPython_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build-asan --target torsh_tests dist_collectives dist_ddp_program
# allocator_may_return_null: tests of out-of-memory errors request terabytes on purpose.
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ./build-asan/torsh_tests --gtest_brief=1
# The distributed programs under ASan + UBSan on 2 ranks (leak checking off: OpenMPI keeps its
# own allocations until exit).
for prog in dist_collectives dist_ddp_program; do
  ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2 -x ASAN_OPTIONS \
    -x UBSAN_OPTIONS "./build-asan/$prog" > /dev/null
done
echo "asan: distributed programs ok"
