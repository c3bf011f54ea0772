#pragma once
// The kernel slots of the cumulative ops (cumulative.cpp); the CPU's kernels are in
// cpu/cumulative_kernels.cpp.
#include "ops/stubs.h"

namespace torsh::detail {

enum class ScanOp { kSum, kProd, kLogSumExp };
/// out = the inclusive scan of in along dim (same dtype and shape; out does not overlap in).
using ScanKernel = void (*)(const Tensor& out, const Tensor& in, int64_t dim, ScanOp op);
/// values, indices (int64) = the running max (is_max) or min of in along dim, torch's ties rule
/// (the later index) and NaN rule (a NaN sticks, the latest NaN's index).
using CumExtremeKernel = void (*)(const Tensor& values, const Tensor& indices, const Tensor& in,
                                  int64_t dim, bool is_max);
extern KernelStub<ScanKernel> scan_stub;
extern KernelStub<CumExtremeKernel> cum_extreme_stub;

namespace cpu {
/// Registers the CPU kernels of the slots above (called by register_cpu_kernels).
void register_cumulative_kernels();
}  // namespace cpu

}  // namespace torsh::detail
