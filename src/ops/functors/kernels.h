#pragma once
// Functor kernels: the pointwise ops of the table run one functor (src/ops/functors/*-inl.h)
// through one loop on every layout and dtype. The table's `kernel:` key names the functor.
#include <cstdint>

#include "iter/tensor_iter.h"

namespace torsh::detail {

/// Per-call arguments a functor may read (its constructor takes them).
struct KernelArgs {
  const char* op = "";
  double f0 = 1;   // alpha (add/sub), as a double
  int64_t i0 = 1;  // the same, for integer and bool computations
};

/// A kernel entry point: runs over a built iterator (outputs first).
using KernelFn = void (*)(const TensorIter&, const KernelArgs&);

/// Outputs at least this many bytes are written with streaming stores by memory-bound functors
/// (they do not fit in cache, and streaming skips the read-for-ownership of the destination).
constexpr int64_t kStreamBytes = int64_t(4) << 20;

/// out = kernel(self); integer and bool inputs are computed in the default float dtype when
/// to_float. Inputs are converted per block inside the loop, never copied.
void unary_op(const char* op, Tensor& out, const Tensor& self, bool to_float, KernelFn kernel);

/// out = kernel(a, b) over the broadcast shape with torch's type promotion.
void binary_op(const char* op, Tensor& out, const Tensor& a, const Tensor& b, bool to_float,
               KernelFn kernel, const KernelArgs& args = {});

}  // namespace torsh::detail
