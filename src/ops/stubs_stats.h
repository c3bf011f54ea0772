#pragma once
// The kernel slots of the statistics reductions (reduce_stats.cpp): var/std (with or without
// the mean), logsumexp, nansum and count_nonzero. The CPU's kernels are in
// cpu/reduce_stats_kernels.cpp.
#include "ops/stubs.h"

namespace torsh::detail {

/// var (or std with take_sqrt) of a floating input: outputs [var] or [var, mean], in the input's
/// dtype; the divisor is max(N - correction, 0).
using VarKernel = void (*)(const TensorIter& it, double correction, bool take_sqrt);
extern KernelStub<VarKernel> var_stub;
/// logsumexp of a floating input (same dtype out); nansum of a floating input (NaN counts as 0);
/// count_nonzero (int64 out) of any input.
extern KernelStub<ReduceKernel> logsumexp_stub, nansum_stub, count_nonzero_stub;
/// The p-norm of a floating input (same dtype out): p = 2, 1, inf, -inf, 0 or any other number.
using NormKernel = void (*)(const TensorIter& it, double p);
extern KernelStub<NormKernel> norm_stub;

namespace cpu {
/// Registers the CPU kernels of the slots above (called by register_cpu_kernels).
void register_stats_kernels();
}  // namespace cpu

}  // namespace torsh::detail
