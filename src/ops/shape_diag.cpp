// Triangles and diagonals: tril/triu (a kernel zeroing the other triangle), diagonal (a view)
// and the ops built on it (diagonal_backward, diagonal_scatter, diag_embed, diag, diagflat,
// trace).
#include <algorithm>

#include "iter/tensor_iter.h"
#include "ops/stubs.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
using detail::shape_str;
using detail::wrap_dim;

// out = self with the other triangle zeroed; out may be self (in-place).
void tri_out(Tensor& out, const Tensor& self, int64_t k, bool upper) {
  const char* op = upper ? "triu" : "tril";
  TORSH_CHECK(!out.defined() || out.dtype() == self.dtype(), "Expected out tensor to have dtype ",
              scalar_type_name(self.dtype()), ", but got ", scalar_type_name(out.dtype()),
              " instead");
  // torch's IndexError for fewer than 2 dims, except for an empty input (returned as is).
  if (self.numel() > 0 || self.dim() == 0) wrap_dim(-2, self.dim(), op);
  if (!out.defined()) {
    out = self.clone(MemoryFormat::Contiguous);
  } else if (out.is_same(self)) {
    // an expanded self refuses (torch 1.13 refuses it with more than 2 dims and races on 2)
    if (self.numel() > 0) detail::assert_no_internal_overlap(out);
  } else {
    Tensor src = self.clone(MemoryFormat::Contiguous);  // out may overlap self
    out.resize_(self.sizes());
    detail::assert_no_internal_overlap(out);  // an expanded out= refuses, as torch's copy
    out.copy_(src);
  }
  if (out.numel() == 0) return;
  detail::tri_stub(out.device().type, op)(out, k, upper);
}
}  // namespace

void tril_out(Tensor& out, const Tensor& self, int64_t diagonal) {
  tri_out(out, self, diagonal, false);
}

void triu_out(Tensor& out, const Tensor& self, int64_t diagonal) {
  tri_out(out, self, diagonal, true);
}

Tensor diagonal(const Tensor& self, int64_t offset, int64_t dim1, int64_t dim2) {
  const int64_t nd = self.dim();
  const int64_t d1 = wrap_dim(dim1, nd, "diagonal"), d2 = wrap_dim(dim2, nd, "diagonal");
  TORSH_CHECK(d1 != d2, "diagonal dimensions cannot be identical ", dim1, ", ", dim2);
  const int64_t n1 = self.sizes()[d1], n2 = self.sizes()[d2];
  int64_t len = offset >= 0 ? std::min(n1, n2 - std::min(offset, n2))
                            : std::min(n1 - std::min(-offset, n1), n2);
  len = std::max<int64_t>(len, 0);
  int64_t off = self.storage_offset();
  if (len > 0) off += offset >= 0 ? offset * self.strides()[d2] : -offset * self.strides()[d1];
  SizeVec sizes, strides;
  for (int64_t d = 0; d < nd; ++d) {
    if (d == d1 || d == d2) continue;
    sizes.push_back(self.sizes()[d]);
    strides.push_back(self.strides()[d]);
  }
  sizes.push_back(len);
  strides.push_back(self.strides()[d1] + self.strides()[d2]);
  return Tensor(make_intrusive<TensorImpl>(self.unsafeGetTensorImpl()->storage(), self.dtype(),
                                           sizes, strides, off));
}

Tensor diagonal_backward(const Tensor& grad_output, IntArrayRef input_sizes, int64_t offset,
                         int64_t dim1, int64_t dim2) {
  Tensor g = torsh::zeros(input_sizes, grad_output.dtype());
  native::diagonal(g, offset, dim1, dim2).copy_(grad_output);
  return g;
}

Tensor diagonal_scatter(const Tensor& self, const Tensor& src, int64_t offset, int64_t dim1,
                        int64_t dim2) {
  Tensor out = self.clone(MemoryFormat::Contiguous);
  Tensor slice = native::diagonal(out, offset, dim1, dim2);
  TORSH_CHECK(slice.sizes().equals(src.sizes()),
              "expected src to have a size equal to the slice of self. src size = ",
              shape_str(src.sizes()), ", slice size = ", shape_str(slice.sizes()));
  slice.copy_(src);
  return out;
}

Tensor diag_embed(const Tensor& self, int64_t offset, int64_t dim1, int64_t dim2) {
  const int64_t nd = self.dim() + 1;
  const int64_t d1 = wrap_dim(dim1, nd, "diag_embed"), d2 = wrap_dim(dim2, nd, "diag_embed");
  TORSH_CHECK(d1 != d2, "diagonal dimensions cannot be identical ", dim1, ", ", dim2);
  TORSH_CHECK_INDEX(self.dim() > 0, "Dimension specified as -1 but tensor has no dimensions");
  const int64_t n = self.sizes()[self.dim() - 1] + std::abs(offset);
  std::vector<int64_t> sizes(self.sizes().begin(), self.sizes().end() - 1);
  sizes.insert(sizes.begin() + std::min(d1, d2), n);
  sizes.insert(sizes.begin() + std::max(d1, d2), n);
  Tensor out = torsh::zeros(sizes, self.dtype());
  native::diagonal(out, offset, d1, d2).copy_(self);
  return out;
}

Tensor diagflat(const Tensor& self, int64_t offset) {
  return torsh::diag_embed(self.reshape({-1}), offset, 0, 1);
}

void diag_out(Tensor& out, const Tensor& self, int64_t diagonal) {
  TORSH_CHECK(self.dim() == 1 || self.dim() == 2, "diag(): Supports 1D or 2D tensors. Got ",
              self.dim(), "D");
  if (self.dim() == 2) {
    // torch 1.13 sizes the diagonal as min(rows, cols - k) (or min(rows + k, cols)) and
    // refuses a negative length with its numel overflow error.
    const int64_t r0 = self.sizes()[0], c0 = self.sizes()[1];
    const int64_t len = diagonal >= 0 ? std::min(r0, c0 - diagonal) : std::min(r0 + diagonal, c0);
    TORSH_CHECK(len >= 0, "diag(): numel: integer multiplication overflow (diagonal ", diagonal,
                " of a matrix of shape ", shape_str(self.sizes()), ")");
  }
  Tensor r = self.dim() == 1
                 ? torsh::diag_embed(self, diagonal, 0, 1)
                 : torsh::diagonal(self, diagonal, 0, 1).clone(MemoryFormat::Contiguous);
  if (!out.defined()) {
    out = r;
    return;
  }
  native::write_result_out("diag", out, r);
}

Tensor trace(const Tensor& self) {
  TORSH_CHECK(self.dim() == 2, "trace: expected a matrix, but got tensor with dim ", self.dim());
  TORSH_CHECK(self.dtype() != kBool, "\"trace\" not implemented for 'Bool'");
  return torsh::diagonal(self, 0, 0, 1).sum();
}

}  // namespace torsh::native
