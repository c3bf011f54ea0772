// histc and histogram: torch's edge selection, checks and density normalisation; the binning
// kernel per device (the CPU's in cpu/unique_kernels.cpp).
#include <cmath>
#include <vector>

#include "ops/stubs_unique.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
using detail::HistBins;

// The dtypes of torch's CPU histogram kernel.
void check_kernel_dtype(ScalarType t) {
  TORSH_CHECK(t == kFloat || t == kDouble || t == kBFloat16,
              "\"histogram_cpu\" not implemented for '", scalar_type_name(t), "'");
}

void check_bin_ct(int64_t bins) {
  TORSH_CHECK(bins > 0, "torch.histogram(): bins must be > 0, but got ", bins, " for dimension 0");
}

// weight (as torch reshapes it: flat) must match input's dtype and element count.
Tensor flat_weight(const Tensor& self, const std::optional<Tensor>& weight) {
  if (!weight || !weight->defined()) return Tensor();
  TORSH_CHECK(weight->dtype() == self.dtype(),
              "torch.histogramdd: if weight tensor is provided, input tensor and weight tensor "
              "should have the same dtype, but got input(",
              dtype_name(self.dtype()), "), and weight(", dtype_name(weight->dtype()), ")");
  TORSH_CHECK(weight->numel() == self.numel(),
              "torch.histogramdd: if weight tensor is provided it should have the same shape as "
              "the input tensor excluding its innermost dimension, but got input with shape [",
              self.numel(), ", 1] and weight with shape [", weight->numel(), "]");
  return weight->reshape({-1}).contiguous();
}

// The histogram of self over edges (self's dtype), normalised as torch's density.
Tensor fill(const Tensor& self, const Tensor& weight, const Tensor& edges, HistBins how,
            bool density) {
  check_kernel_dtype(self.dtype());
  Tensor hist = torsh::zeros({edges.numel() - 1}, TensorOptions().dtype(self.dtype()));
  detail::histogram_stub(self.device().type, "histogram")(hist, self.reshape({-1}).contiguous(),
                                                          weight, edges, how);
  if (density) {
    hist.div_(hist.sum());
    hist.div_(torsh::diff(edges));
  }
  return hist;
}

// torch's bin edges: linspace in the input's dtype. torch's bfloat16 linspace rounds every
// operation to bfloat16 (c10's operators), which torsh::linspace does not, so its edges are
// computed here: the first half counted from lo, the second back from hi, in pairs of 16-element
// aranges from their first element, then a scalar tail (torch's AVX2 kernel).
Tensor bin_edges(double lo, double hi, int64_t steps, ScalarType dtype) {
  if (dtype != kBFloat16) return torsh::linspace(lo, hi, steps, TensorOptions().dtype(dtype));
  auto r = [](float v) { return static_cast<float>(BFloat16(v)); };
  const float s = r(static_cast<float>(lo)), e = r(static_cast<float>(hi));
  const float step = r(r(e - s) / r(static_cast<float>(steps - 1)));
  const int64_t half = steps / 2;
  auto at = [&](int64_t i) {
    return i < half ? r(s + r(step * r(static_cast<float>(i))))
                    : r(e - r(step * r(static_cast<float>(steps - i - 1))));
  };
  Tensor out = detail::empty_strided_impl({steps}, kBFloat16);
  BFloat16* p = static_cast<BFloat16*>(out.data_ptr());
  constexpr int64_t V = 16;
  int64_t i = 0;
  for (; i + 2 * V <= steps; i += 2 * V) {
    for (int64_t v = i; v < i + 2 * V; v += V) {
      const float base = at(v);
      for (int64_t k = 0; k < V; ++k) p[v + k] = base + r(r(static_cast<float>(k)) * step);
    }
  }
  for (; i < steps; ++i) p[i] = at(i);
  return out;
}

std::pair<double, double> data_range(const Tensor& self) {
  auto [lo, hi] = torsh::aminmax(self);
  return {lo.item<double>(), hi.item<double>()};
}
}  // namespace

void histc_out(Tensor& out, const Tensor& self, int64_t bins, const Scalar& min,
               const Scalar& max) {
  TORSH_CHECK(!out.defined() || out.dtype() == self.dtype(),
              "torch.histogram: input tensor and hist tensor should have the same dtype, but got "
              "input ",
              dtype_name(self.dtype()), " and hist ", dtype_name(out.dtype()));
  check_bin_ct(bins);
  check_kernel_dtype(self.dtype());
  double lo = min.to<double>(), hi = max.to<double>();
  if (lo == hi && self.numel() > 0) std::tie(lo, hi) = data_range(self);
  if (lo == hi) {
    lo -= 1;
    hi += 1;
  }
  TORSH_CHECK(std::isfinite(lo) && std::isfinite(hi), "torch.histc: range of [", lo, ", ", hi,
              "] is not finite");
  TORSH_CHECK(lo < hi, "torch.histc: max must be larger than min");
  Tensor edges = bin_edges(lo, hi, bins + 1, self.dtype());
  Tensor hist = fill(self, Tensor(), edges, HistBins::kLinear, false);
  if (!out.defined()) {
    out = hist;
    return;
  }
  out.resize_({bins});
  out.copy_(hist);
}

std::tuple<Tensor, Tensor> histogram(const Tensor& self, const Tensor& bins,
                                     const std::optional<Tensor>& weight, bool density) {
  TORSH_CHECK(self.dtype() == bins.dtype(),
              "torch.histogramdd: input tensor and bins tensors should have the same dtype, but "
              "got input with dtype ",
              dtype_name(self.dtype()), " and bins for dimension 0 with dtype ",
              dtype_name(bins.dtype()));
  TORSH_CHECK(bins.dim() == 1, "torch.histogramdd: bins tensor should have one dimension, but got ",
              bins.dim(), " dimensions in the bins tensor for dimension 0");
  TORSH_CHECK(bins.numel() > 0,
              "torch.histogramdd: bins tensor should have at least 1 element, but got ",
              bins.numel(), " elements in the bins tensor for dimension 0");
  Tensor w = flat_weight(self, weight);
  check_bin_ct(bins.numel() - 1);
  Tensor edges = bins.contiguous().clone();
  return {fill(self, w, edges, HistBins::kBinarySearch, density), edges};
}

std::tuple<Tensor, Tensor> histogram(const Tensor& self, int64_t bins,
                                     const std::optional<std::vector<double>>& range,
                                     const std::optional<Tensor>& weight, bool density) {
  check_bin_ct(bins);
  double lo = 0, hi = 1;  // numpy's range for an empty input
  if (range) {
    TORSH_CHECK(range->size() == 2,
                "histogramdd: for a 1-dimensional histogram range should have 2 elements, but "
                "got ",
                range->size());
    lo = (*range)[0];
    hi = (*range)[1];
  } else if (self.numel() > 0) {
    TORSH_CHECK(self.dtype() == kFloat || self.dtype() == kDouble,
                "\"histogramdd\" not implemented for '", scalar_type_name(self.dtype()), "'");
    std::tie(lo, hi) = data_range(self);
  }
  TORSH_CHECK(std::isfinite(lo) && std::isfinite(hi), "histogramdd: dimension 0's range [", lo,
              ", ", hi, "] is not finite");
  TORSH_CHECK(lo <= hi, "histogramdd: min should not exceed max, but got min ", lo, " max ", hi,
              " for dimension 0");
  if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  check_kernel_dtype(self.dtype());
  Tensor edges = bin_edges(lo, hi, bins + 1, self.dtype());
  Tensor w = flat_weight(self, weight);
  return {fill(self, w, edges, HistBins::kLinearLocalSearch, density), edges};
}

}  // namespace torsh::native
