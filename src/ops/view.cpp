// Shape and view ops: every result shares its input's storage.
#include <algorithm>

#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
using detail::shape_str;
using detail::wrap_dim;

Tensor make_view(const Tensor& self, IntArrayRef sizes, IntArrayRef strides, int64_t offset) {
  auto impl = make_intrusive<TensorImpl>(self.unsafeGetTensorImpl()->storage(), self.dtype(), sizes,
                                         strides, offset);
  return Tensor(std::move(impl));
}

// Resolves a single -1 and checks that the element count matches.
SizeVec infer_size(IntArrayRef shape, int64_t numel, const char* op) {
  SizeVec res(shape);
  int64_t newsize = 1;
  int infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      TORSH_CHECK(infer < 0, op, "(): only one dimension can be inferred");
      infer = static_cast<int>(i);
    } else {
      TORSH_CHECK(shape[i] >= 0, op, "(): invalid shape dimension ", shape[i]);
      // The running product must not overflow (torch's numel check: [2^32, 2^32, 0] is
      // refused, [2^32, 0, 2^32] is not).
      TORSH_CHECK(!__builtin_mul_overflow(newsize, shape[i], &newsize), op, "(): shape '",
                  shape_str(shape), "' is invalid: numel: integer multiplication overflow");
    }
  }
  if (numel == newsize || (infer >= 0 && newsize > 0 && numel % newsize == 0)) {
    if (infer >= 0) {
      TORSH_CHECK(newsize != 0, op, "(): cannot reshape tensor of 0 elements into shape ",
                  shape_str(shape),
                  " because the unspecified dimension size -1 can be any value "
                  "and is ambiguous");
      res[infer] = numel / newsize;
    }
    return res;
  }
  throw Error(detail::str_cat(op, "(): shape '", shape_str(shape),
                              "' is invalid for input of size ", numel));
}

// Strides for viewing (sizes, strides) as new_sizes without copying, if possible.
std::optional<SizeVec> compute_stride(IntArrayRef old_sizes, IntArrayRef old_strides,
                                      IntArrayRef new_sizes) {
  SizeVec out(new_sizes.size());
  if (old_sizes.empty()) {
    for (auto& s : out) s = 1;
    return out;
  }
  int64_t numel = 1;
  for (int64_t s : old_sizes) numel *= s;
  if (numel == 0) {
    int64_t acc = 1;
    for (size_t i = new_sizes.size(); i-- > 0;) {
      out[i] = acc;
      // Strides of an empty tensor are never used to address memory; huge sizes wrap (as in
      // torch) instead of overflowing.
      __builtin_mul_overflow(acc, std::max<int64_t>(new_sizes[i], 1), &acc);
    }
    return out;
  }
  int64_t view_d = static_cast<int64_t>(new_sizes.size()) - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t td = static_cast<int64_t>(old_sizes.size()) - 1; td >= 0; --td) {
    tensor_numel *= old_sizes[td];
    if (td == 0 ||
        (old_sizes[td - 1] != 1 && old_strides[td - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || new_sizes[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base_stride;
        view_numel *= new_sizes[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (td > 0) {
        chunk_base_stride = old_strides[td - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}
}  // namespace

Tensor view(const Tensor& self, IntArrayRef size) {
  SizeVec shape = infer_size(size, self.numel(), "view");
  auto st = compute_stride(self.sizes(), self.strides(), shape);
  TORSH_CHECK(st.has_value(),
              "view(): view size is not compatible with input tensor's size and stride (at least "
              "one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
  return make_view(self, shape, *st, self.storage_offset());
}

Tensor view_dtype(const Tensor& self, ScalarType dtype) {
  if (self.dtype() == dtype) return self.detach();  // not differentiable, even as a no-op
  const int64_t from = self.element_size(), to = element_size(dtype);
  const char* a = scalar_type_name(self.dtype());
  const char* b = scalar_type_name(dtype);
  SizeVec sizes(self.sizes()), strides(self.strides());
  int64_t offset = self.storage_offset();
  if (from != to) {
    // The last dim (stride 1) holds from/to times more, or to/from times fewer, elements.
    const int64_t nd = self.dim();
    TORSH_CHECK(nd > 0, "view(): self.dim() cannot be 0 to view ", a, " as ", b,
                " (different element sizes)");
    if (from > to) {
      const int64_t r = from / to;
      TORSH_CHECK(strides[nd - 1] == 1, "view(): self.stride(-1) must be 1 to view ", a, " as ", b,
                  " (different element sizes), but got ", strides[nd - 1]);
      for (int64_t d = 0; d < nd - 1; ++d) strides[d] *= r;
      sizes[nd - 1] *= r;
      offset *= r;
    } else {
      const int64_t r = to / from;
      TORSH_CHECK(sizes[nd - 1] % r == 0, "view(): self.size(-1) must be divisible by ", r,
                  " to view ", a, " as ", b, " (different element sizes), but got ", sizes[nd - 1]);
      TORSH_CHECK(offset % r == 0, "view(): self.storage_offset() must be divisible by ", r,
                  " to view ", a, " as ", b, " (different element sizes), but got ", offset);
      TORSH_CHECK(strides[nd - 1] == 1, "view(): self.stride(-1) must be 1 to view ", a, " as ", b,
                  " (different element sizes), but got ", strides[nd - 1]);
      for (int64_t d = 0; d < nd - 1; ++d) {
        TORSH_CHECK(strides[d] % r == 0, "view(): self.stride(", d, ") must be divisible by ", r,
                    " to view ", a, " as ", b, " (different element sizes), but got ", strides[d]);
        strides[d] /= r;
      }
      sizes[nd - 1] /= r;
      offset /= r;
    }
  }
  auto impl = make_intrusive<TensorImpl>(self.unsafeGetTensorImpl()->storage(), dtype, sizes,
                                         strides, offset);
  return Tensor(std::move(impl));
}

Tensor reshape(const Tensor& self, IntArrayRef shape) {
  SizeVec s = infer_size(shape, self.numel(), "reshape");
  auto st = compute_stride(self.sizes(), self.strides(), s);
  if (st) return torsh::_reshape_alias(self, s, *st);
  return torsh::_unsafe_view(torsh::clone(self, MemoryFormat::Contiguous), s);
}

Tensor reshape_alias(const Tensor& self, IntArrayRef size, IntArrayRef stride) {
  return make_view(self, size, stride, self.storage_offset());
}

Tensor unsafe_view(const Tensor& self, IntArrayRef size) { return native::view(self, size); }

Tensor permute(const Tensor& self, IntArrayRef dims) {
  const int64_t nd = self.dim();
  TORSH_CHECK(static_cast<int64_t>(dims.size()) == nd,
              "permute(sparse_coo): number of dimensions in the tensor input does not match the "
              "length of the desired ordering of dimensions i.e. input.dim() = ",
              nd, " is not equal to len(dims) = ", dims.size());
  SizeVec sizes(nd), strides(nd);
  std::vector<bool> seen(static_cast<size_t>(nd), false);
  for (int64_t i = 0; i < nd; ++i) {
    int64_t d = wrap_dim(dims[i], nd, "permute");
    TORSH_CHECK(!seen[d], "permute(): duplicate dims are not allowed.");
    seen[d] = true;
    sizes[i] = self.sizes()[d];
    strides[i] = self.strides()[d];
  }
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor transpose(const Tensor& self, int64_t dim0, int64_t dim1) {
  const int64_t nd = self.dim();
  if (nd == 0) {
    wrap_dim(dim0, nd, "transpose");
    wrap_dim(dim1, nd, "transpose");
    return make_view(self, {}, {}, self.storage_offset());
  }
  int64_t a = wrap_dim(dim0, nd, "transpose"), b = wrap_dim(dim1, nd, "transpose");
  SizeVec sizes(self.sizes()), strides(self.strides());
  std::swap(sizes[a], sizes[b]);
  std::swap(strides[a], strides[b]);
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor t(const Tensor& self) {
  TORSH_CHECK(self.dim() <= 2, "t(): t() expects a tensor with <= 2 dimensions, but self is ",
              self.dim(), "D");
  if (self.dim() < 2) return make_view(self, self.sizes(), self.strides(), self.storage_offset());
  return native::transpose(self, 0, 1);
}

Tensor expand(const Tensor& self, IntArrayRef size, bool /*implicit*/) {
  const int64_t nd = static_cast<int64_t>(size.size());
  TORSH_CHECK(nd >= self.dim(), "expand(): the number of sizes provided (", nd,
              ") must be greater or equal to the number of dimensions in the tensor (", self.dim(),
              ")");
  SizeVec sizes(nd), strides(nd);
  for (int64_t i = nd - 1; i >= 0; --i) {
    int64_t off = nd - 1 - i;
    int64_t d = self.dim() - 1 - off;
    int64_t cur = d >= 0 ? self.sizes()[d] : 1;
    int64_t cur_stride = d >= 0 ? self.strides()[d] : 0;
    int64_t want = size[i];
    // -1 keeps an existing size; no other negative size is a size (torch 1.13 lets some through
    // into tensors of negative sizes; torsh refuses them all).
    TORSH_CHECK(want >= 0 || d >= 0, "expand(): The expanded size of the tensor (", want,
                ") isn't allowed in a leading, non-existing dimension ", i);
    TORSH_CHECK(want >= -1, "expand(): The expanded size of the tensor (", want,
                ") must match the existing size (", cur, ") at non-singleton dimension ", i,
                ".  Target sizes: ", shape_str(size), ".  Tensor sizes: ", shape_str(self.sizes()));
    if (want == -1) want = cur;
    if (cur == want) {
      sizes[i] = want;
      strides[i] = cur_stride;
    } else {
      TORSH_CHECK(cur == 1, "expand(): The expanded size of the tensor (", want,
                  ") must match the existing size (", cur, ") at non-singleton dimension ", i,
                  ".  Target sizes: ", shape_str(size),
                  ".  Tensor sizes: ", shape_str(self.sizes()));
      sizes[i] = want;
      strides[i] = 0;
    }
  }
  // torch multiplies the sizes in order with an overflow check, a zero size notwithstanding.
  int64_t numel = 1;
  for (int64_t s : sizes) {
    TORSH_CHECK(!__builtin_mul_overflow(numel, s, &numel),
                "expand(): numel: integer multiplication overflow");
  }
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor expand_as(const Tensor& self, const Tensor& other) {
  return expand(self, other.sizes(), false);
}

Tensor squeeze(const Tensor& self) {
  SizeVec sizes, strides;
  for (int64_t i = 0; i < self.dim(); ++i) {
    if (self.sizes()[i] == 1) continue;
    sizes.push_back(self.sizes()[i]);
    strides.push_back(self.strides()[i]);
  }
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor squeeze(const Tensor& self, int64_t dim) {
  int64_t d = wrap_dim(dim, self.dim(), "squeeze");
  if (self.dim() == 0 || self.sizes()[d] != 1)
    return make_view(self, self.sizes(), self.strides(), self.storage_offset());
  SizeVec sizes(self.sizes()), strides(self.strides());
  sizes.erase(d);
  strides.erase(d);
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor unsqueeze(const Tensor& self, int64_t dim) {
  int64_t d = wrap_dim(dim, self.dim() + 1, "unsqueeze");
  SizeVec sizes(self.sizes()), strides(self.strides());
  int64_t st = d < self.dim() ? self.sizes()[d] * self.strides()[d] : 1;
  sizes.insert(d, 1);
  strides.insert(d, st);
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor flatten(const Tensor& self, int64_t start_dim, int64_t end_dim) {
  int64_t s = wrap_dim(start_dim, self.dim(), "flatten"),
          e = wrap_dim(end_dim, self.dim(), "flatten");
  if (self.dim() == 0) return torsh::reshape(self, {1});
  TORSH_CHECK(s <= e, "flatten(): flatten() has invalid args: start_dim cannot come after end_dim");
  if (s == e) return self;  // torch returns the input itself
  SizeVec shape;
  int64_t prod = 1;
  for (int64_t i = 0; i < self.dim(); ++i) {
    if (i < s || i > e) {
      shape.push_back(self.sizes()[i]);
    } else {
      prod *= self.sizes()[i];
      if (i == e) shape.push_back(prod);
    }
  }
  return torsh::reshape(self, shape);
}

Tensor slice(const Tensor& self, int64_t dim, std::optional<int64_t> start,
             std::optional<int64_t> end, int64_t step) {
  TORSH_CHECK_INDEX(self.dim() > 0, "slice(): slice() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, self.dim(), "slice");
  TORSH_CHECK_VALUE(step > 0, "slice(): slice step must be positive");
  const int64_t n = self.sizes()[d];
  int64_t b = start.value_or(0), e = end.value_or(n);
  if (b < 0) b += n;
  if (e < 0) e += n;
  b = std::clamp<int64_t>(b, 0, n);
  e = std::clamp<int64_t>(e, b, n);
  SizeVec sizes(self.sizes()), strides(self.strides());
  sizes[d] = e == b ? 0 : (e - b - 1) / step + 1;  // no overflow for a huge step
  // stride * step as torch (a dim left with one element keeps it too); a huge step, which
  // leaves at most one element, wraps instead of overflowing.
  __builtin_mul_overflow(strides[d], step, &strides[d]);
  return make_view(self, sizes, strides, self.storage_offset() + b * self.strides()[d]);
}

Tensor select(const Tensor& self, int64_t dim, int64_t index) {
  TORSH_CHECK_INDEX(self.dim() > 0, "select(): select() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, self.dim(), "select");
  const int64_t n = self.sizes()[d];
  TORSH_CHECK_INDEX(index >= -n && index < n, "select(): index ", index,
                    " out of range for tensor of size ", shape_str(self.sizes()), " at dimension ",
                    d);
  if (index < 0) index += n;
  SizeVec sizes(self.sizes()), strides(self.strides());
  int64_t off = self.storage_offset() + index * strides[d];
  sizes.erase(d);
  strides.erase(d);
  return make_view(self, sizes, strides, off);
}

Tensor narrow(const Tensor& self, int64_t dim, int64_t start, int64_t length) {
  TORSH_CHECK(self.dim() > 0, "narrow(): narrow() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, self.dim(), "narrow");
  const int64_t n = self.sizes()[d];
  if (start != n) {  // the end is a valid start; others wrap as a dim of n would (n >= 1)
    const int64_t m = std::max<int64_t>(n, 1);
    TORSH_CHECK_INDEX(start >= -m && start < m,
                      "narrow(): Dimension out of range (expected to be in range of [", -m, ", ",
                      m - 1, "], but got ", start, ")");
    if (start < 0) start += m;
  }
  TORSH_CHECK(length >= 0 && start <= n - length, "narrow(): start (", start, ") + length (",
              length, ") exceeds dimension size (", n, ").");
  return native::slice(self, d, start, start + length, 1);
}

}  // namespace torsh::native

namespace torsh::native {

Tensor slice_backward(const Tensor& grad_output, IntArrayRef input_sizes, int64_t dim,
                      int64_t start, int64_t end, int64_t step) {
  Tensor g = torsh::zeros(input_sizes, grad_output.dtype());
  native::slice(g, dim, start, end, step).copy_(grad_output);
  return g;
}

Tensor select_backward(const Tensor& grad_output, IntArrayRef input_sizes, int64_t dim,
                       int64_t index) {
  Tensor g = torsh::zeros(input_sizes, grad_output.dtype());
  native::select(g, dim, index).copy_(grad_output);
  return g;
}

}  // namespace torsh::native
