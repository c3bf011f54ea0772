// Backward formulas of the shape ops (src/ops/shape.cpp), written with torsh ops.
#include <algorithm>

#include "autograd/formulas.h"
#include "torsh/generated/functions.h"

namespace torsh::autograd::formulas {

Tensor roll_backward(const Tensor& grad, const std::vector<int64_t>& shifts,
                     const std::vector<int64_t>& dims) {
  std::vector<int64_t> back;
  for (int64_t s : shifts) back.push_back(-s);
  return torsh::roll(grad, back, dims);
}

}  // namespace torsh::autograd::formulas

namespace torsh::autograd::formulas {

Tensor repeat_backward(const Tensor& grad, const std::vector<int64_t>& repeats,
                       const std::vector<int64_t>& self_sizes) {
  // a zero repeat leaves self unused (even beside a negative one, which torch's forward accepts
  // for an empty result): the gradient is zeros, as torch's
  if (std::find(repeats.begin(), repeats.end(), 0) != repeats.end()) {
    return torsh::zeros(self_sizes, grad.options());
  }
  const size_t n = repeats.size(), lead = n - self_sizes.size();
  std::vector<int64_t> split, dims;
  for (size_t i = 0; i < n; ++i) {
    const int64_t s = i < lead ? 1 : self_sizes[i - lead];
    dims.push_back(static_cast<int64_t>(split.size()));
    split.push_back(repeats[i]);
    split.push_back(s);
  }
  // grad viewed as [r0, s0, r1, s1, ...], summed over the r dims.
  return grad.reshape(split).sum(dims).reshape(self_sizes);
}

}  // namespace torsh::autograd::formulas

namespace torsh::autograd::formulas {

namespace {
// One past the largest storage index a geometry reaches (its offset when it has no elements).
int64_t extent(IntArrayRef size, IntArrayRef stride, int64_t offset) {
  int64_t last = offset;
  for (size_t i = 0; i < size.size(); ++i) {
    if (size[i] == 0) return offset;
    last += (size[i] - 1) * stride[i];
  }
  return last + 1;
}
}  // namespace

Tensor as_strided_backward(const Tensor& grad, const std::vector<int64_t>& self_sizes,
                           const std::vector<int64_t>& self_strides, int64_t self_storage_offset,
                           const std::vector<int64_t>& size, const std::vector<int64_t>& stride,
                           std::optional<int64_t> storage_offset) {
  const int64_t in_off = self_storage_offset, out_off = storage_offset.value_or(in_off);
  const int64_t lo = std::min(in_off, out_off);
  const int64_t hi =
      std::max(extent(self_sizes, self_strides, in_off), extent(size, stride, out_off));
  const int64_t n = std::max<int64_t>(hi - lo, 0);
  Tensor positions = torsh::arange(n, TensorOptions(kLong));
  Tensor out_idx = positions.as_strided(size, stride, out_off - lo).reshape({-1});
  Tensor in_idx = positions.as_strided(self_sizes, self_strides, in_off - lo).reshape({-1});
  Tensor buf = torsh::zeros({n}, grad.options()).index_add(0, out_idx, grad.reshape({-1}));
  // counts in the real dtype of grad (a complex grad divides by real counts)
  const TensorOptions real_opts =
      grad.options().dtype(grad.is_complex() ? to_real_value_type(grad.dtype()) : grad.dtype());
  Tensor count =
      torsh::zeros({n}, real_opts).index_add(0, in_idx, torsh::ones({in_idx.numel()}, real_opts));
  Tensor shared = count.clamp(std::optional<Scalar>(Scalar(1)));  // elements of self only
  return buf.div(shared)
      .as_strided(self_sizes, self_strides, in_off - lo)
      .clone(MemoryFormat::Contiguous);
}

}  // namespace torsh::autograd::formulas
