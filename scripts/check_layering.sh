#!/usr/bin/env bash
# Layering check (DESIGN §2): src/core and src/iter include no generated op header other than
# the Tensor methods header (reached through torsh/core/tensor.h), and no op family code.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=$(grep -nE '#include "(torsh/generated/[a-z_]+\.h|torsh/ops\.h|ops/[^"]+)"' \
        src/core src/iter -r | grep -v 'torsh/generated/tensor_methods.h' || true)
if [ -n "$bad" ]; then
  echo "layering: src/core and src/iter must not include op headers:"
  echo "$bad"
  exit 1
fi
echo "layering: ok"
