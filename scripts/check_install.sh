#!/usr/bin/env bash
# The install paths a new user takes, outside the repository (docs/install.md): `cmake --install`
# into a prefix; find_package(torsh) from a separate project with the static, shared and compat
# targets; the README's C++ example and its g++ line verbatim; `pip install` into a virtual
# environment and the README's Python example, run from an unrelated directory.
# Needs a configured and built build/ (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work   # the README's ~/torsh and ~/venv land in the scratch folder
blocks=$work/readme
/usr/bin/python3 tests/install/readme_blocks.py README.md "$blocks"

echo "check_install: README's install line and g++ line"
mkdir -p "$work/app"
cp "$blocks/cpp-main" "$work/app/main.cpp"
sed -n 1p "$blocks/cpp-build" > "$work/install.sh"
sed -n '2,$p' "$blocks/cpp-build" > "$work/app/build.sh"
bash "$work/install.sh" >/dev/null
(cd "$work/app" && bash build.sh > out.txt)
grep -q "CPUFloatType{4}" "$work/app/out.txt"
ldd "$work/app/main" > "$work/ldd_main.txt"
grep -q "$work/torsh/lib/libtorsh.so" "$work/ldd_main.txt"

echo "check_install: find_package(torsh) with torsh::torsh, torsh::torsh_shared, torsh::compat"
cmake -S tests/install -B "$work/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$work/torsh" \
  -DLIBTORCH_PROGRAM="$repo/tests/compat/cpp/regression_program.cpp" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/app_static" > "$work/static.txt"
"$work/consumer/app_shared" > "$work/shared.txt"
cmp "$work/static.txt" "$work/shared.txt"
grep -q "CPUFloatType{2,3}" "$work/static.txt"
ldd "$work/consumer/app_shared" > "$work/ldd_shared.txt"
grep -q libtorsh.so "$work/ldd_shared.txt"
ldd "$work/consumer/app_static" > "$work/ldd_static.txt"
if grep -q libtorsh.so "$work/ldd_static.txt"; then
  echo "check_install: app_static links libtorsh.so" >&2
  exit 1
fi
OMP_NUM_THREADS=1 "$work/consumer/libtorch_app" > "$work/compat.txt"
OMP_NUM_THREADS=1 ./build/regression_program_torsh | cmp - "$work/compat.txt"

echo "check_install: pip install into a venv, the README's Python example from elsewhere"
bash "$blocks/py-install" >/dev/null
cp "$blocks/py-main" "$work/example.py"
(cd "$work" && OMP_NUM_THREADS=1 "$work/venv/bin/python" example.py > py.txt)
(cd / && "$work/venv/bin/python" -c "import torsh, sys; assert '$repo' not in torsh.__file__, torsh.__file__")
echo "check_install: ok"
