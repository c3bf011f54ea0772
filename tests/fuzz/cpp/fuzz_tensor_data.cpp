// libFuzzer target: torsh::tensor() from nested values (ragged nesting, mixed bool/int/float
// leaves, NaN/inf/huge values, a requested dtype) and tensor_from_scalars with sizes that may
// not match the values. torsh::Error is the expected answer to bad input; anything else
// (a crash, ASan/UBSan report, leak) is a finding.
#include <cmath>
#include <limits>
#include <vector>

#include "fuzz_util.h"

using torsh::Tensor;
using torsh::TensorData;

namespace {

TensorData leaf(FuzzedDataProvider& p) {
  switch (p.ConsumeIntegralInRange<int>(0, 9)) {
    case 0:
      return TensorData(p.ConsumeBool());
    case 1:
      return TensorData(p.ConsumeIntegral<int64_t>());
    case 2:
      return TensorData(static_cast<int>(p.ConsumeIntegralInRange<int>(-9, 9)));
    case 3:
      return TensorData(p.ConsumeFloatingPoint<double>());
    case 4:
      return TensorData(std::numeric_limits<double>::quiet_NaN());
    case 5:
      return TensorData(p.ConsumeBool() ? INFINITY : -INFINITY);
    case 6:
      return TensorData(p.ConsumeFloatingPoint<float>());
    case 7:
      return TensorData(1e300);
    default:
      return TensorData(p.ConsumeFloatingPointInRange<double>(-10, 10));
  }
}

// A nested value: a leaf or a list of up to 4 children built the same way.
TensorData nested(FuzzedDataProvider& p, int depth) {
  if (depth >= 5 || p.remaining_bytes() == 0 || p.ConsumeIntegralInRange<int>(0, 3) == 0)
    return leaf(p);
  // Children usually repeat one shape (a regular tensor); sometimes each is drawn anew.
  bool regular = p.ConsumeIntegralInRange<int>(0, 3) != 0;
  size_t n = p.ConsumeIntegralInRange<size_t>(0, 4);
  std::vector<uint8_t> shape_bytes = p.ConsumeBytes<uint8_t>(regular ? 16 : 0);
  auto child = [&]() {
    if (!regular) return nested(p, depth + 1);
    FuzzedDataProvider q(shape_bytes.data(), shape_bytes.size());
    return nested(q, depth + 1);
  };
  switch (n) {
    case 0:
      return TensorData(std::initializer_list<TensorData>{});
    case 1:
      return TensorData{child()};
    case 2:
      return TensorData{child(), child()};
    case 3:
      return TensorData{child(), child(), child()};
    default:
      return TensorData{child(), child(), child(), child()};
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider p(data, size);
  try {
    if (p.ConsumeIntegralInRange<int>(0, 3) == 0) {
      std::vector<torsh::Scalar> values;
      size_t n = p.ConsumeIntegralInRange<size_t>(0, 8);
      for (size_t i = 0; i < n; ++i) values.emplace_back(p.ConsumeFloatingPoint<double>());
      // Small sizes only: empty()'s stride overflow for [4, 2^63-1, 0] is issue 7's.
      std::vector<int64_t> sizes(p.ConsumeIntegralInRange<size_t>(0, 4));
      for (int64_t& s : sizes) s = p.ConsumeIntegralInRange<int64_t>(-1, 4);
      torsh_fuzz::touch(torsh::tensor_from_scalars(values, sizes, torsh_fuzz::pick_dtype(p)));
      return 0;
    }
    TensorData d = nested(p, 0);
    torsh::TensorOptions opts;
    if (p.ConsumeBool()) opts = opts.dtype(torsh_fuzz::pick_dtype(p));
    torsh_fuzz::touch(torsh::tensor(d, opts));
  } catch (const torsh::Error&) {
  }
  return 0;
}
