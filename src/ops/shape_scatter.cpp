// unfold (a view of sliding windows) and its backward, narrow_copy, select_scatter,
// slice_scatter, tril_indices and triu_indices.
#include <algorithm>
#include <limits>

#include "ops/shape.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace {
using detail::shape_str;
using detail::wrap_dim;
}  // namespace

Tensor unfold(const Tensor& self, int64_t dimension, int64_t size, int64_t step) {
  const int64_t nd = self.dim();
  const int64_t d = wrap_dim(dimension, nd, "unfold");
  const int64_t n = nd == 0 ? 1 : self.sizes()[d];
  TORSH_CHECK(size <= n, "maximum size for tensor at dimension ", d, " is ", n, " but size is ",
              size);
  TORSH_CHECK(step > 0, "step is ", step, " but must be > 0");
  SizeVec sizes, strides;
  if (nd == 0) {
    sizes.push_back(size);
    strides.push_back(1);
  } else {
    sizes = SizeVec(self.sizes());
    strides = SizeVec(self.strides());
    sizes[d] = (n - size) / step + 1;
    strides[d] = self.strides()[d] * step;
    sizes.push_back(size);
    strides.push_back(self.strides()[d]);
  }
  return Tensor(make_intrusive<TensorImpl>(self.unsafeGetTensorImpl()->storage(), self.dtype(),
                                           sizes, strides, self.storage_offset()));
}

Tensor unfold_backward(const Tensor& grad_in, IntArrayRef input_sizes, int64_t dim, int64_t size,
                       int64_t step) {
  Tensor g = torsh::zeros(input_sizes, grad_in.dtype());
  if (g.numel() == 0 || grad_in.numel() == 0) return g;
  if (input_sizes.empty()) return grad_in.sum().reshape({});  // a 0-dim input's one window
  const int64_t d = wrap_dim(dim, static_cast<int64_t>(input_sizes.size()), "unfold_backward");
  // Window i of grad_in (dim d of it, the window's elements last) adds into g[i*step, +size).
  for (int64_t i = 0; i < grad_in.sizes()[d]; ++i) {
    Tensor w = native::narrow(g, d, i * step, size);
    w.add_(grad_in.select(d, i).movedim(-1, d));
  }
  return g;
}

void narrow_copy_out(Tensor& out, const Tensor& self, int64_t dim, int64_t start, int64_t length) {
  // torch 1.13's own checks, in its order (unlike narrow's): a too-large dim is an internal
  // assert (RuntimeError), a negative start wraps like a dim, and the range check is one
  // RuntimeError.
  TORSH_CHECK(self.dim() > 0, "narrow() cannot be applied to a 0-dim tensor.");
  TORSH_CHECK(!out.defined() || out.dtype() == self.dtype(),
              "narrow_copy(): Expected self.dtype() == output.dtype() to be true, but got false.");
  if (dim < 0) {
    dim = detail::wrap_dim(dim, self.dim(), "narrow_copy");
  } else {
    TORSH_CHECK(dim < self.dim(), "narrow_copy(): Expected dim < self.dim() (", self.dim(),
                "), but got ", dim);
  }
  const int64_t size = self.sizes()[dim];
  if (start != size && start < 0) start = detail::wrap_dim(start, size, "narrow_copy");
  TORSH_CHECK(length >= 0 && start <= size - length, "narrow_copy(): start (", start,
              ") + length (", length, ") exceeds dimension size (", size, ").");
  detail_shape::assign_out(
      out, native::narrow(self, dim, start, length).clone(MemoryFormat::Contiguous), "narrow_copy");
}

Tensor select_scatter(const Tensor& self, const Tensor& src, int64_t dim, int64_t index) {
  Tensor out = self.clone(MemoryFormat::Contiguous);
  Tensor slice = native::select(out, dim, index);
  TORSH_CHECK(slice.sizes().equals(src.sizes()),
              "expected src to have a size equal to the slice of self. src size = ",
              shape_str(src.sizes()), ", slice size = ", shape_str(slice.sizes()));
  slice.copy_(src);
  return out;
}

Tensor slice_scatter(const Tensor& self, const Tensor& src, int64_t dim,
                     std::optional<int64_t> start, std::optional<int64_t> end, int64_t step) {
  // torch's order: a 0-dim self and the dim (IndexError) before the step (RuntimeError).
  TORSH_CHECK_INDEX(self.dim() > 0, "slice(): slice() cannot be applied to a 0-dim tensor.");
  wrap_dim(dim, self.dim(), "slice_scatter");
  TORSH_CHECK(step > 0, "slice_scatter(): slice step must be positive");
  Tensor out = self.clone(MemoryFormat::Contiguous);
  Tensor slice = native::slice(out, dim, start, end, step);
  TORSH_CHECK(slice.sizes().equals(src.sizes()),
              "expected src to have a size equal to the slice of self. src size = ",
              shape_str(src.sizes()), ", slice size = ", shape_str(slice.sizes()));
  slice.copy_(src);
  return out;
}

namespace {
// The [2, count] coordinates (row-major) of the lower (upper=false) or upper triangle.
Tensor tri_indices(int64_t row, int64_t col, int64_t offset, TensorOptions options, bool upper) {
  const char* op = upper ? "triu_indices" : "tril_indices";
  TORSH_CHECK(row >= 0, "row must be non-negative, got", row);
  TORSH_CHECK(col >= 0, "col must be non-negative, got", col);
  const ScalarType dt = options.has_dtype() ? options.dtype() : kLong;
  TORSH_CHECK(dt == kLong || dt == kInt, "\"", op, "\" not implemented for '", scalar_type_name(dt),
              "'");
  // Row i holds clamp(i + offset + 1, 0, col) entries (lower) or clamp(col - offset - i, 0,
  // col) (upper): the total is a sum of a clamped run of consecutive integers, computed in closed
  // form, so a huge request fails in the allocator (as torch) instead of looping over its rows.
  using i128 = __int128;
  const auto prefix = [col](i128 x) -> i128 {  // sum of clamp(t, 0, col) for t <= x
    if (x <= 0) return 0;
    if (x <= col) return x * (x + 1) / 2;
    return i128(col) * (col + 1) / 2 + (x - col) * col;
  };
  const i128 first = upper ? i128(col) - offset - (row - 1) : i128(offset) + 1;
  const i128 last = upper ? i128(col) - offset : i128(offset) + row;
  const i128 total = row == 0 ? 0 : prefix(last) - prefix(first - 1);
  TORSH_CHECK(total <= std::numeric_limits<int64_t>::max() / 2, op,
              "(): the result's size overflows: ", row, " x ", col);
  const auto n = static_cast<int64_t>(total);
  Tensor out = torsh::empty({2, n}, TensorOptions(kLong));
  if (n == 0) return out.to(dt);  // col == 0 leaves every row empty: none is visited
  int64_t* rs = out.data_ptr<int64_t>();
  int64_t* cs = rs + n;
  // only rows with entries are visited (at most n of them, as col >= 1 here)
  const i128 i0 = upper ? 0 : std::max<i128>(0, -i128(offset));
  const i128 i1 = upper ? std::min<i128>(row, i128(col) - offset) : i128(row);
  int64_t k = 0;
  for (i128 i = i0; i < i1; ++i) {
    const i128 lo = upper ? std::max<i128>(0, i + offset) : 0;
    const i128 hi = upper ? i128(col) : std::min<i128>(col, i + offset + 1);
    for (i128 j = lo; j < hi; ++j, ++k) {
      rs[k] = static_cast<int64_t>(i);
      cs[k] = static_cast<int64_t>(j);
    }
  }
  return out.to(dt);
}
}  // namespace

Tensor tril_indices(int64_t row, int64_t col, int64_t offset, TensorOptions options) {
  return tri_indices(row, col, offset, options, false);
}

Tensor triu_indices(int64_t row, int64_t col, int64_t offset, TensorOptions options) {
  return tri_indices(row, col, offset, options, true);
}

}  // namespace torsh::native

namespace torsh::native {

Tensor as_strided(const Tensor& self, IntArrayRef size, IntArrayRef stride,
                  std::optional<int64_t> storage_offset) {
  TORSH_CHECK(size.size() == stride.size(), "mismatch in length of strides and shape");
  for (int64_t s : stride) {
    TORSH_CHECK(s >= 0,
                "as_strided: Negative strides are not supported at the moment, got "
                "strides: ",
                detail::shape_str(stride));
  }
  const int64_t off = storage_offset.value_or(self.storage_offset());
  TORSH_CHECK(off >= 0, "Tensor: invalid storage offset ", off);
  int64_t last = off, empty = 0;
  bool overflow = false;  // every step checked: a wrapped size would pass the bounds check
  for (size_t i = 0; i < size.size(); ++i) {
    TORSH_CHECK(size[i] >= 0, "Trying to create tensor with negative dimension ", size[i], ": ",
                detail::shape_str(size));
    if (size[i] == 0) empty = 1;
    int64_t span = 0;
    overflow |= __builtin_mul_overflow(std::max<int64_t>(size[i] - 1, 0), stride[i], &span);
    overflow |= __builtin_add_overflow(last, span, &last);
  }
  const int64_t es = self.element_size();
  const int64_t have = static_cast<int64_t>(self.unsafeGetTensorImpl()->storage()->nbytes());
  int64_t need = 0;
  if (!empty) {
    overflow |= __builtin_add_overflow(last, int64_t{1}, &need);
    overflow |= __builtin_mul_overflow(need, es, &need);
  }
  TORSH_CHECK(empty || !overflow, "as_strided(): Storage size calculation overflowed with sizes=",
              detail::shape_str(size), " and strides=", detail::shape_str(stride),
              ", storage offset ", off);
  TORSH_CHECK(need <= have, "setStorage: sizes ", detail::shape_str(size), ", strides ",
              detail::shape_str(stride), ", storage offset ", off, ", and itemsize ", es,
              " requiring a storage size of ", need, " are out of bounds for storage of size ",
              have);
  return Tensor(make_intrusive<TensorImpl>(self.unsafeGetTensorImpl()->storage(), self.dtype(),
                                           size, stride, off));
}

}  // namespace torsh::native
