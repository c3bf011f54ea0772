// Indexing with tensors: index_select (and its backward, an accumulating scatter), nonzero.
#include "core/dispatch.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
// The entries of a 0-d or 1-d int32/int64 index tensor, checked against size.
std::vector<int64_t> index_values(const Tensor& index, int64_t size, const char* op) {
  TORSH_CHECK_INDEX(index.dim() <= 1, op, "(): Index is supposed to be a vector, got ", index.dim(),
                    "-D");
  TORSH_CHECK(index.dtype() == kLong || index.dtype() == kInt, op,
              "(): Expected dtype int32 or int64 for index, got ", scalar_type_name(index.dtype()));
  Tensor c = index.to(kLong).contiguous();
  const int64_t* p = c.data_ptr<int64_t>();
  std::vector<int64_t> r(p, p + c.numel());
  for (int64_t v : r) {
    TORSH_CHECK_INDEX(v >= 0 && v < size, op, "(): index out of range in self (index ", v,
                      ", size ", size, ")");
  }
  return r;
}
}  // namespace

Tensor index_select(const Tensor& self, int64_t dim, const Tensor& index) {
  const int64_t d = detail::wrap_dim(dim, self.dim(), "index_select");
  const int64_t n = self.dim() == 0 ? 1 : self.sizes()[d];
  auto idx = index_values(index, n, "index_select");
  if (self.dim() == 0) return self.clone();
  std::vector<int64_t> shape = self.sizes().vec();
  shape[d] = static_cast<int64_t>(idx.size());
  Tensor out = torsh::empty(shape, self.dtype());
  for (size_t i = 0; i < idx.size(); ++i) {
    out.select(d, static_cast<int64_t>(i)).copy_(self.select(d, idx[i]));
  }
  return out;
}

Tensor index_select_backward(const Tensor& grad, IntArrayRef self_sizes, int64_t dim,
                             const Tensor& index) {
  Tensor out = torsh::zeros(self_sizes, grad.dtype());
  if (self_sizes.empty()) return out.add_(grad.reshape({}));
  const int64_t d = detail::wrap_dim(dim, static_cast<int64_t>(self_sizes.size()));
  auto idx = index_values(index, self_sizes[d], "index_select_backward");
  for (size_t i = 0; i < idx.size(); ++i) {
    Tensor dst = out.select(d, idx[i]);
    dst.add_(grad.select(d, static_cast<int64_t>(i)));  // repeated indices accumulate
  }
  return out;
}

Tensor nonzero(const Tensor& self) {
  Tensor c = self.contiguous();
  const int64_t nd = self.dim();
  std::vector<int64_t> coords;
  int64_t count = 0;
  detail::dispatch_all(self.dtype(), "nonzero", [&](auto tag) {
    using T = decltype(tag);
    const T* p = c.data_ptr<T>();
    std::vector<int64_t> pos(static_cast<size_t>(nd), 0);
    for (int64_t i = 0; i < c.numel(); ++i) {
      if (static_cast<detail::opmath_t<T>>(p[i]) != 0) {
        coords.insert(coords.end(), pos.begin(), pos.end());
        ++count;
      }
      for (int64_t k = nd - 1; k >= 0; --k) {
        if (++pos[k] < self.sizes()[k]) break;
        pos[k] = 0;
      }
    }
  });
  Tensor out = torsh::empty({count, nd}, kLong);
  std::copy(coords.begin(), coords.end(), out.data_ptr<int64_t>());
  return out;
}

}  // namespace torsh::native
