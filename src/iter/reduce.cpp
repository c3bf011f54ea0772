#include "iter/reduce.h"

namespace torsh::detail {

std::vector<bool> reduced_mask(const Tensor& self, OptionalIntArrayRef dim, const char* op,
                               bool ranges_first) {
  const int64_t nd = self.dim();
  std::vector<bool> mask(static_cast<size_t>(std::max<int64_t>(nd, 1)), false);
  if (!dim || dim->empty()) {
    std::fill(mask.begin(), mask.end(), true);
    return mask;
  }
  if (ranges_first)
    for (int64_t d : *dim) wrap_dim(d, nd, op);
  for (int64_t d : *dim) {
    const int64_t w = wrap_dim(d, nd, op);
    TORSH_CHECK(!mask[w], op, "(): dim ", w, " appears multiple times in the list of dims");
    mask[w] = true;
  }
  return mask;
}

SizeVec keepdim_shape(const Tensor& self, const std::vector<bool>& mask) {
  SizeVec s(self.sizes());
  for (int64_t i = 0; i < self.dim(); ++i)
    if (mask[i]) s[i] = 1;
  return s;
}

void drop_reduced_(Tensor& t, const std::vector<bool>& mask, int64_t ndim) {
  SizeVec s;
  for (int64_t i = 0; i < ndim; ++i)
    if (!mask[i]) s.push_back(t.sizes()[i]);
  t.resize_(s);
}

TensorIter reduction_iter(const char* op, const Tensor& in, Tensor* outs, int nout,
                          bool track_index) {
  TensorIterConfig cfg(op);
  for (int k = 0; k < nout; ++k) cfg.add_output(outs[k]);
  return cfg.add_input(in).is_reduction().track_reduced_index(track_index).build();
}

ReduceLayout reduce_layout(const TensorIter& it) {
  ReduceLayout L;
  L.nout = it.noutputs();
  TORSH_CHECK(L.nout >= 1 && L.nout <= ReduceLayout::kMaxOut, "reduction: bad output count");
  for (int k = 0; k < L.nout; ++k) L.out[k] = it.data(k);
  L.in = it.data(L.nout);
  for (int d = 0; d < it.ndim(); ++d) {
    const int64_t n = it.shape()[d];
    if (it.stride(0, d) == 0) {
      L.rsize.push_back(n);
      L.rin.push_back(it.stride(L.nout, d));
      L.ridx.push_back(it.index_stride(d));
      L.nred *= n;
    } else {
      if (d == 0) L.inner = false;
      L.ksize.push_back(n);
      L.kin.push_back(it.stride(L.nout, d));
      for (int k = 0; k < L.nout; ++k) L.kout[k].push_back(it.stride(k, d));
      L.nkept *= n;
    }
  }
  if (L.rsize.empty()) {  // nothing reduced (size-1 dims only): one run of one element
    L.rsize.push_back(1);
    L.rin.push_back(0);
    L.ridx.push_back(0);
    L.inner = true;
  }
  return L;
}

}  // namespace torsh::detail
