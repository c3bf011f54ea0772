#pragma once
// The kernel slots of unique and the histograms (unique.cpp, histogram.cpp): torch's CPU
// algorithms, per device. The CPU's kernels are in cpu/unique_kernels.cpp.
#include <tuple>

#include "ops/stubs.h"

namespace torsh::detail {

/// (values, inverse, counts) of the elements of self (contiguous, not Half): values 1-d, inverse
/// (int64, self.numel() elements, only with want_inverse) the position of each element's value,
/// counts (int64, only with want_counts). consecutive: groups of equal neighbours; else torch
/// 1.13's hash-set unique (sorted or in the set's order; its NaN and signed-zero behaviour).
using UniqueKernel = std::tuple<Tensor, Tensor, Tensor> (*)(const Tensor& self, bool sorted,
                                                            bool consecutive, bool want_inverse,
                                                            bool want_counts);
/// (rows, inverse, counts) of the rows of flat ([n, m], contiguous, n > 0): rows (int64) one
/// representative row index per unique row, in torch's lexicographic order (its comparator and
/// std::sort) unless consecutive; inverse [n] and counts (int64).
using UniqueDimKernel = std::tuple<Tensor, Tensor, Tensor> (*)(const Tensor& flat,
                                                               bool consecutive);
/// The nbins counts (int64) of the values of self (contiguous, 1-d, integral, non-negative),
/// or the sums of weights (contiguous, self's length, float32 or float64: the result's dtype).
using BincountKernel = Tensor (*)(const Tensor& self, const Tensor& weights, int64_t nbins);
/// How a histogram finds an element's bin: binary search over any edges, linear interpolation
/// over evenly spaced ones (histc), or interpolation corrected by a local search (histogram).
enum class HistBins { kBinarySearch, kLinear, kLinearLocalSearch };
/// hist (zeroed, input's dtype, edges.numel() - 1 bins) += weight (or 1) of each element of
/// input (contiguous) inside [edges[0], edges[-1]] (the last bin includes its right edge; NaN
/// skipped); weight contiguous with input's numel, or undefined.
using HistogramKernel = void (*)(const Tensor& hist, const Tensor& input, const Tensor& weight,
                                 const Tensor& edges, HistBins how);
extern KernelStub<UniqueKernel> unique_stub;
extern KernelStub<UniqueDimKernel> unique_dim_stub;
extern KernelStub<BincountKernel> bincount_stub;
extern KernelStub<HistogramKernel> histogram_stub;

namespace cpu {
/// Registers the CPU kernels of the slots above (called by register_cpu_kernels).
void register_unique_kernels();
}  // namespace cpu

}  // namespace torsh::detail
