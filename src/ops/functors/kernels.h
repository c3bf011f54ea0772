#pragma once
// Functor kernels: the pointwise ops of the table run one functor (src/ops/functors/*-inl.h)
// through one loop on every layout and dtype. The table's `kernel:` key names the functor.
#include <cstdint>

#include "iter/tensor_iter.h"
#include "torsh/core/device.h"
#include "torsh/generated/kernels.h"

namespace torsh::detail {

/// Per-call arguments a functor may read (its constructor takes them).
struct KernelArgs {
  const char* op = "";
  double f0 = 1;   // alpha (add/sub), as a double
  int64_t i0 = 1;  // the same, for integer and bool computations
  double f1 = 0;   // more per-call values (nan_to_num's posinf and neginf)
  double f2 = 0;
  int64_t i1 = 0;  // a second integer value (clamp's upper bound)
  int flags = 0;   // per-op bits (clamp: which bounds; pow: the exponent's special case)
};

/// A kernel entry point: runs over a built iterator (outputs first).
using KernelFn = void (*)(const TensorIter&, const KernelArgs&);

/// The table's functor kernels, one id each (Unary_Exp, Binary_Add, ...).
enum class KernelId : int {
#define TORSH_KERNEL_ID(runner, functor) runner##_##functor,
  TORSH_FOR_EACH_KERNEL(TORSH_KERNEL_ID)
#undef TORSH_KERNEL_ID
      kCount
};

/// Registers fn as kernel id's implementation on device type d. Each backend registers its
/// kernels in one place (the CPU's: register_cpu_kernels in kernels.cpp); the generated API and
/// the ops call kernels by id only, so a new backend adds kernels without touching them.
void register_kernel(KernelId id, DeviceType d, KernelFn fn);
/// Registers fn as kernel id's implementation for complex64/complex128 computations on d
/// (run_kernel picks it when the iterator's common dtype is complex).
void register_complex_kernel(KernelId id, DeviceType d, KernelFn fn);
/// The kernel registered for id on d; raises, as torch, when d has none ("Could not run
/// 'aten::exp' with arguments from the 'CUDA' backend").
KernelFn kernel_for(KernelId id, DeviceType d, const char* op);

/// Outputs at least this many bytes are written with streaming stores by memory-bound functors
/// on one thread (they do not fit in cache, and streaming skips the read-for-ownership of the
/// destination).
constexpr int64_t kStreamBytes = int64_t(4) << 20;
/// The same with several threads: there streaming stores of outputs that still fit in the last
/// level cache are slower than cached stores (2^22 float32 on 2 threads: 395 us streaming,
/// 300 us cached, where one thread is 410 us streaming and 540 us cached).
constexpr int64_t kStreamBytesParallel = int64_t(32) << 20;

/// out = kernel(self); integer and bool inputs are computed in the default float dtype when
/// to_float. Inputs are converted per block inside the loop, never copied.
void unary_op(const char* op, Tensor& out, const Tensor& self, bool to_float, KernelId kernel,
              const KernelArgs& args = {});

/// out = kernel(self) as bool (predicates: isnan, signbit, logical_not): computed in self's
/// dtype, the functor's 1/0 stored as bool (or cast into out='s dtype).
void unary_bool_op(const char* op, Tensor& out, const Tensor& self, KernelId kernel);

/// out = kernel(a, b) as bool, computed in the promoted dtype (logical_and/or/xor).
void binary_bool_op(const char* op, Tensor& out, const Tensor& a, const Tensor& b, KernelId kernel);

/// out = kernel(a, b) over the broadcast shape with torch's type promotion.
void binary_op(const char* op, Tensor& out, const Tensor& a, const Tensor& b, bool to_float,
               KernelId kernel, const KernelArgs& args = {});

/// Runs kernel over a built iterator (the op's own checks and dtype rules done), then hands
/// the output back.
void run_kernel(const char* op, TensorIter& it, DeviceType d, KernelId kernel,
                KernelArgs args = {});

}  // namespace torsh::detail
