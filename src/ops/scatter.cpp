// gather, scatter (value, src, reduce), scatter_add, scatter_reduce, index_add, index_copy,
// index_fill: checks, outputs and operands (0-dim as 1-d, index_add/index_copy's source laid out
// like self); the kernels are per device (the CPU's, one TensorIter loop over restrided operands,
// in cpu/scatter_kernels.cpp).
#include <cmath>
#include <limits>
#include <sstream>

#include "core/dispatch.h"
#include "iter/tensor_iter.h"
#include "ops/index_checks.h"
#include "ops/restride.h"
#include "ops/scalar_check.h"
#include "ops/stubs.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::detail {

void check_index_source(const char* op, const Tensor& self, const Tensor& index,
                        const Tensor& source) {
  TORSH_CHECK_INDEX(
      index.dim() <= 1, op, "(): Index is supposed to be a vector, but got dim: ", index.dim(),
      " with type: ", scalar_type_name(index.dtype()), " and size: ", shape_str(index.sizes()));
  TORSH_CHECK(
      index.dtype() == kLong || index.dtype() == kInt, op,
      "(): Expected dtype int32/int64 for index but got: ", scalar_type_name(index.dtype()));
  TORSH_CHECK(self.dtype() == source.dtype(), op, "(): self (", scalar_type_name(self.dtype()),
              ") and source (", scalar_type_name(source.dtype()),
              ") must have the same scalar type");
}

}  // namespace torsh::detail

namespace torsh::native {

namespace {
using detail::opmath_t;
using detail::restride;
using detail::shape_str;

// 0-dim tensors act as shape [1] (torch's ensure_nonempty_dim).
Tensor as_1d(const Tensor& t) {
  if (t.dim() > 0) return t;
  const int64_t one[1] = {1};
  return restride(t, IntArrayRef(one, 1), IntArrayRef(one, 1));
}
int64_t nonempty_dim(const Tensor& t) { return t.dim() == 0 ? 1 : t.dim(); }
int64_t nonempty_size(const Tensor& t, int64_t d) { return t.dim() == 0 ? 1 : t.sizes()[d]; }

bool shares_storage(const Tensor& a, const Tensor& b) {
  return a.unsafeGetTensorImpl()->storage().get() == b.unsafeGetTensorImpl()->storage().get();
}

using Reduce = detail::ScatterReduce;
using Bounds = detail::IndexBounds;

// Scatters src (or value) into out (which already holds self) along dim.
void scatter_into(const char* op, Tensor& out, int64_t dim, const Tensor& index, const Tensor* src,
                  const Scalar* value, Reduce r, Bounds bounds = Bounds::kScatterGather) {
  if (index.numel() == 0) return;
  // Operands that share the written memory are read from copies.
  Tensor idx = shares_storage(index, out) ? index.clone(MemoryFormat::Contiguous) : index;
  Tensor s =
      src ? (shares_storage(*src, out) ? src->clone(MemoryFormat::Contiguous) : *src) : Tensor();
  Tensor o1 = as_1d(out), i1 = as_1d(idx), s1 = src ? as_1d(s) : i1;
  const DeviceType dev = out.device().type;
  if (value) {
    detail::check_scalar_fits(*value, out.dtype());
    detail::scatter_fill_stub(dev, op)(op, o1, dim, i1, *value, r, bounds);
    return;
  }
  detail::scatter_stub(dev, op)(op, o1, dim, i1, s1, r, bounds);
}

// out = copy of self (allocated when undefined; resized for out=; untouched when in-place).
// Writing through an expanded (stride-0) self is refused, as in torch; fills may (same value).
void prepare_out(Tensor& out, const Tensor& self, bool overlap_ok = false) {
  if (!out.defined()) {
    out = self.clone(MemoryFormat::Contiguous);
    return;
  }
  if (out.is_same(self)) {
    if (!overlap_ok) detail::assert_no_internal_overlap(out);
    return;
  }
  TORSH_CHECK(out.dtype() == self.dtype(), "Expected out tensor to have dtype ",
              scalar_type_name(self.dtype()), ", but got ", scalar_type_name(out.dtype()),
              " instead");
  if (!overlap_ok && out.sizes().equals(self.sizes())) detail::assert_no_internal_overlap(out);
  out.resize_(self.sizes());
  out.copy_(self);
}

// An empty index may have any dtype, as in torch.
void check_index_long(const Tensor& index, const char* op) {
  TORSH_CHECK(index.numel() == 0 || index.dtype() == kLong, op,
              "(): Expected dtype int64 for index");
}

void check_scatter(const char* op, const Tensor& self, int64_t dim, const Tensor& index,
                   const Tensor* src) {
  check_index_long(index, "scatter");
  if (src) {
    TORSH_CHECK(src->dtype() == self.dtype(), op,
                "(): Expected self.dtype to be equal to src.dtype");
  }
  if (index.numel() == 0) return;
  TORSH_CHECK(nonempty_dim(self) == nonempty_dim(index),
              "Index tensor must have the same number of dimensions as self tensor");
  if (src) {
    TORSH_CHECK(nonempty_dim(*src) == nonempty_dim(index),
                "Index tensor must have the same number of dimensions as src tensor");
  }
  bool wrong = false;
  for (int64_t d = 0; d < nonempty_dim(self); ++d) {
    const int64_t n = nonempty_size(index, d);
    if (d != dim && n > nonempty_size(self, d)) wrong = true;
    if (src && n > nonempty_size(*src, d)) wrong = true;
  }
  if (wrong) {
    std::string msg = "Expected index " + shape_str(index.sizes()) + " to be smaller than self " +
                      shape_str(self.sizes()) + " apart from dimension " + std::to_string(dim);
    if (src) msg += " and to be smaller size than src " + shape_str(src->sizes());
    throw Error(std::string(op) + "(): " + msg);
  }
}

Reduce parse_scatter_reduce(std::string_view r) {
  if (r == "add") return Reduce::kSum;
  if (r == "multiply") return Reduce::kProd;
  throw Error("scatter(): reduce argument must be either add or multiply.");
}

// The (self-shaped) source of index_add/index_copy: source with dims laid out like self,
// broadcast to self's slice shape, and the index viewed in that shape (stride only on dim).
struct IndexSource {
  Tensor src, index;
};
// Checks that source's slices (dim removed) broadcast to self's; returns both slice shapes.
std::pair<SizeVec, SizeVec> check_slices(const char* op, const Tensor& self1, int64_t dim,
                                         const Tensor& source) {
  SizeVec slice_self, slice_src;
  for (int64_t d = 0; d < self1.dim(); ++d)
    if (d != dim) slice_self.push_back(self1.sizes()[d]);
  for (int64_t d = 0; d < source.dim(); ++d)
    if (d != dim) slice_src.push_back(source.sizes()[d]);
  SizeVec b = detail::broadcast_shapes(slice_self, slice_src, op);
  TORSH_CHECK(IntArrayRef(b).equals(slice_self), op, "(): output with shape ",
              shape_str(slice_self), " doesn't match the broadcast shape ", shape_str(b));
  return {slice_self, slice_src};
}

IndexSource index_source(const char* op, const Tensor& self1, int64_t dim, const Tensor& index,
                         const Tensor& source) {
  const int64_t nd = self1.dim();
  const int64_t n = index.numel();
  const auto [slice_self, slice_src] = check_slices(op, self1, dim, source);
  // source as [n, 1.., slice_src] with self's ndim, then expanded and dim moved into place.
  SizeVec lead{n};
  for (size_t k = slice_src.size(); k < slice_self.size(); ++k) lead.push_back(1);
  for (int64_t s : slice_src) lead.push_back(s);
  Tensor s = source.dim() == 0 ? source.reshape({1}) : source;
  if (dim != 0 && s.dim() > 1) {
    std::vector<int64_t> perm{dim};
    for (int64_t d = 0; d < s.dim(); ++d)
      if (d != dim) perm.push_back(d);
    s = s.permute(perm);
  }
  SizeVec full{n};
  for (int64_t x : slice_self) full.push_back(x);
  s = s.reshape(lead.vec()).expand(full.vec());
  std::vector<int64_t> back;
  for (int64_t d = 1; d <= dim; ++d) back.push_back(d);
  back.insert(back.begin() + dim, 0);
  for (int64_t d = dim + 1; d < nd; ++d) back.push_back(d);
  s = s.permute(back);
  Tensor idx = (index.dtype() == kLong ? index : index.to(kLong)).reshape({-1});
  SizeVec istr(nd, 0);
  istr[dim] = idx.strides()[0];
  return {s, restride(idx, s.sizes(), istr)};
}
}  // namespace

void gather_out(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index, bool) {
  const int64_t d = detail::wrap_dim(dim, nonempty_dim(self), "gather");
  // torch checks out= first, and nothing about an empty index.
  TORSH_CHECK(!out.defined() || out.dtype() == self.dtype(), "Expected out tensor to have dtype ",
              scalar_type_name(self.dtype()), ", but got ", scalar_type_name(out.dtype()),
              " instead");
  check_index_long(index, "gather");
  TORSH_CHECK(index.numel() == 0 || nonempty_dim(self) == nonempty_dim(index),
              "gather(): Index tensor must have the same number of dimensions as input tensor");
  for (int64_t k = 0; k < nonempty_dim(self) && index.numel() != 0; ++k) {
    TORSH_CHECK(k == d || nonempty_size(index, k) <= nonempty_size(self, k),
                "gather(): Size does not match at dimension ", k, " expected index ",
                shape_str(index.sizes()), " to be smaller than self ", shape_str(self.sizes()),
                " apart from dimension ", d);
  }
  if (!out.defined()) {
    out = torsh::empty(index.sizes(), self.dtype());
  } else {
    if (shares_storage(out, self) || shares_storage(out, index)) {
      Tensor tmp;
      native::gather_out(tmp, self, dim, index, false);
      out.resize_(index.sizes());
      out.copy_(tmp);
      return;
    }
    out.resize_(index.sizes());
    detail::assert_no_internal_overlap(out);  // an expanded out= of the result's shape, as torch
  }
  Tensor s1 = as_1d(self), i1 = as_1d(index), o1 = as_1d(out);
  detail::gather_stub(self.device().type, "gather")(s1, d, i1, o1);
}

void scatter_src_out(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index,
                     const Tensor& src) {
  const int64_t d = detail::wrap_dim(dim, nonempty_dim(self), "scatter");
  check_scatter("scatter", self, d, index, &src);
  prepare_out(out, self);
  scatter_into("scatter", out, d, index, &src, nullptr, Reduce::kNone);
}

void scatter_value_out(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index,
                       const Scalar& value) {
  const int64_t d = detail::wrap_dim(dim, nonempty_dim(self), "scatter");
  check_scatter("scatter", self, d, index, nullptr);
  prepare_out(out, self);
  scatter_into("scatter", out, d, index, nullptr, &value, Reduce::kNone);
}

void scatter_src_reduce_out(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index,
                            const Tensor& src, std::string_view reduce) {
  const int64_t d = detail::wrap_dim(dim, nonempty_dim(self), "scatter");
  check_scatter("scatter", self, d, index, &src);
  const Reduce r = parse_scatter_reduce(reduce);
  prepare_out(out, self);
  scatter_into("scatter", out, d, index, &src, nullptr, r);
}

void scatter_value_reduce_out(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index,
                              const Scalar& value, std::string_view reduce) {
  const int64_t d = detail::wrap_dim(dim, nonempty_dim(self), "scatter");
  check_scatter("scatter", self, d, index, nullptr);
  const Reduce r = parse_scatter_reduce(reduce);
  prepare_out(out, self);
  scatter_into("scatter", out, d, index, nullptr, &value, r);
}

void scatter_add_out(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index,
                     const Tensor& src) {
  const int64_t d = detail::wrap_dim(dim, nonempty_dim(self), "scatter_add");
  check_scatter("scatter", self, d, index, &src);
  prepare_out(out, self);
  scatter_into("scatter_add", out, d, index, &src, nullptr, Reduce::kSum);
}

void scatter_reduce_out(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index,
                        const Tensor& src, std::string_view reduce, bool include_self) {
  const int64_t d = detail::wrap_dim(dim, nonempty_dim(self), "scatter_reduce");
  Reduce r;
  if (reduce == "sum") {
    r = Reduce::kSum;
  } else if (reduce == "prod") {
    r = Reduce::kProd;
  } else if (reduce == "mean") {
    r = Reduce::kMean;
  } else if (reduce == "amax") {
    r = Reduce::kMax;
  } else if (reduce == "amin") {
    r = Reduce::kMin;
  } else {
    throw Error("scatter_reduce(): reduce argument must be either sum, prod, mean, amax or amin.");
  }
  check_scatter("scatter_reduce", self, d, index, &src);
  TORSH_CHECK(!(r == Reduce::kMean && self.dtype() == kBool),
              "scatter_reduce(): \"scatter_gather_tensor_cpu_reduce_mean\" not implemented for "
              "'Bool'");
  prepare_out(out, self);
  if (index.numel() == 0) return;
  if (!include_self) {
    // Positions that receive values start from the reduction's identity.
    Scalar init(int64_t(0));
    detail::dispatch_all(out.dtype(), "scatter_reduce", [&](auto tag) {
      using T = decltype(tag);
      if (r == Reduce::kProd) init = Scalar(int64_t(1));
      if constexpr (std::is_same_v<T, bool>) {
        if (r == Reduce::kMin) init = Scalar(true);
      } else if constexpr (std::numeric_limits<opmath_t<T>>::has_infinity) {
        constexpr double inf = std::numeric_limits<double>::infinity();
        if (r == Reduce::kMax) init = Scalar(-inf);
        if (r == Reduce::kMin) init = Scalar(inf);
      } else {
        using L = std::numeric_limits<T>;
        if (r == Reduce::kMax) init = Scalar(static_cast<int64_t>(L::lowest()));
        if (r == Reduce::kMin) init = Scalar(static_cast<int64_t>(L::max()));
      }
    });
    scatter_into("scatter_reduce", out, d, index, nullptr, &init, Reduce::kNone);
  }
  scatter_into("scatter_reduce", out, d, index, &src, nullptr, r);
  if (r == Reduce::kMean) {
    Tensor count = include_self ? torsh::ones_like(out) : torsh::zeros_like(out);
    Tensor one = torsh::ones_like(src);
    scatter_into("scatter_reduce", count, d, index, &one, nullptr, Reduce::kSum);
    count = torsh::clamp(count, Scalar(int64_t(1)));  // untouched positions divide by 1
    if (out.is_floating_point()) {
      out.div_(count);
    } else {
      out.div_(count, "floor");
    }
  }
}

void index_add_out(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index,
                   const Tensor& source, const Scalar& alpha) {
  const int64_t d = detail::wrap_dim(dim, nonempty_dim(self), "index_add");
  detail::check_index_source("index_add_", self, index, source);
  TORSH_CHECK(d == 0 || d < source.dim(), "index_add_(): Indexing dim ", d,
              " is out of bounds of the source tensor with dim ", source.dim());
  const int64_t ns = source.dim() == 0 ? 1 : source.sizes()[d];
  if (source.dim() == 0) {
    // torch 1.13 raises IndexError for a 0-dim source unless index has one element and self
    // at most one dim (its message asks the 0-dim source for a size; its loop selects from it).
    TORSH_CHECK_INDEX(index.numel() == 1, "index_add_(): Number of indices (", index.numel(),
                      ") should be equal to source.size(dim): (1), for dim: ", d);
  }
  TORSH_CHECK(index.numel() == ns, "index_add_(): Number of indices (", index.numel(),
              ") should be equal to source.size(dim): (", ns, "), for dim: ", d);
  // torch checks out='s dtype after its argument checks, before the kernel's own.
  TORSH_CHECK(!out.defined() || out.is_same(self) || out.dtype() == self.dtype(),
              "Expected out tensor to have dtype ", scalar_type_name(self.dtype()), ", but got ",
              scalar_type_name(out.dtype()), " instead");
  TORSH_CHECK_INDEX(source.dim() > 0 || self.dim() <= 1,
                    "index_add_(): a 0-dim source needs a self of at most one dim, got ",
                    self.dim());
  prepare_out(out, self);
  TORSH_CHECK(self.dim() > 1 || source.dim() <= 1, "index_add_(): source.dim() (", source.dim(),
              ") must one or zero for given self.dim() (", self.dim(), ")");
  if (self.dim() > 1 && index.numel() > 0) {
    // torch adds slice by slice: it selects self's first slice (refused when dim d is empty)
    // and checks the slice shapes before any index.
    TORSH_CHECK_INDEX(self.sizes()[d] > 0, "select(): index 0 out of range for tensor of size ",
                      shape_str(self.sizes()), " at dimension ", d);
    check_slices("index_add_", self, d, source);
  }
  if (out.numel() == 0 && index.numel() > 0) {
    // The kernel checks indices as it adds; torch checks them even where no slice is added to.
    const int64_t size = self.dim() == 0 ? 1 : self.sizes()[d];
    const int64_t lo = index.min().item<int64_t>(), hi = index.max().item<int64_t>();
    TORSH_CHECK_INDEX(lo >= 0 && hi < size, "index out of range in self");
  }
  if (self.dim() > 1 && index.numel() > 0) {
    // torch adds slice by slice, checking each index before its add converts alpha: a bad
    // first index is reported before a bad alpha.
    const int64_t first = index.reshape({-1})[0].item<int64_t>();
    TORSH_CHECK_INDEX(first >= 0 && first < self.sizes()[d], "index out of range in self");
  }
  detail::check_scalar_fits(alpha, out.dtype());  // torch's checked conversion of alpha
  if (index.numel() == 0) return;  // nothing to add (torch checks no slice shapes then)
  Tensor o1 = as_1d(out);
  IndexSource is = index_source("index_add_", o1, d, index, source);
  if (shares_storage(is.src, out)) is.src = is.src.clone(MemoryFormat::Contiguous);
  if (shares_storage(is.index, out))
    is = index_source("index_add_", o1, d, index.clone(MemoryFormat::Contiguous), source);
  detail::index_add_stub(out.device().type, "index_add_")(o1, d, is.index, is.src, alpha);
}

void index_copy_out(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index,
                    const Tensor& source) {
  const int64_t d = detail::wrap_dim(dim, nonempty_dim(self), "index_copy");
  // torch checks out= (its dtype, its internal overlap when it needs no resize, or in place
  // self's) first.
  if (out.defined() && (out.is_same(self) || out.sizes().equals(self.sizes())))
    detail::assert_no_internal_overlap(out);
  TORSH_CHECK(!out.defined() || out.is_same(self) || out.dtype() == self.dtype(),
              "Expected out tensor to have dtype ", scalar_type_name(self.dtype()), ", but got ",
              scalar_type_name(out.dtype()), " instead");
  TORSH_CHECK_INDEX(index.dim() < 2, "index_copy_(): Index should have dimension 1 or 0 (got ",
                    index.dim(), ")");
  const int64_t n = index.numel();
  if (source.dim() == 0) {
    TORSH_CHECK_INDEX(n == 1,
                      "index_copy_(): When source is scalar, index should have one "
                      "element (got ",
                      n, ")");
  } else {
    TORSH_CHECK_INDEX(source.dim() == self.dim() || self.dim() == 0,
                      "index_copy_(): When source and destination are not scalars, their "
                      "dimensionality must match. Source dimensionality (",
                      source.dim(), "), destination dimensionality (", self.dim(), ")");
  }
  TORSH_CHECK(index.dtype() == kLong, "index_copy_(): Expected a long tensor for index, but got ",
              scalar_type_name(index.dtype()));
  TORSH_CHECK(self.dtype() == source.dtype(),
              "index_copy_(): self and source expected to have the same dtype, but got (self) ",
              scalar_type_name(self.dtype()), " and (source) ", scalar_type_name(source.dtype()));
  SizeVec a, b;
  for (int64_t k = 0; k < self.dim(); ++k)
    if (k != d) a.push_back(self.sizes()[k]);
  for (int64_t k = 0; k < source.dim(); ++k)
    if (k != d) b.push_back(source.sizes()[k]);
  TORSH_CHECK(IntArrayRef(a).equals(b),
              "index_copy_(): Source/destination tensor must have same slice shapes. "
              "Destination slice shape: ",
              shape_str(a), " at dimension ", d, " and source slice shape: ", shape_str(b),
              " at dimension 0.");
  TORSH_CHECK_INDEX(source.dim() == 0 || n == source.sizes()[d],
                    "index_copy_(): Number of indices (", n,
                    ") should be equal to source.size(dim) (", source.sizes()[d], ")");
  prepare_out(out, self);
  Tensor o1 = as_1d(out);
  Tensor idx = shares_storage(index, out) ? index.clone(MemoryFormat::Contiguous) : index;
  Tensor src = shares_storage(source, out) ? source.clone(MemoryFormat::Contiguous) : source;
  IndexSource is = index_source("index_copy_", o1, d, idx, src);
  detail::scatter_stub(out.device().type, "index_copy_")("index_copy_", o1, d, is.index, is.src,
                                                         Reduce::kNone, Bounds::kIndexCopy);
}

void index_fill_scalar_out(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index,
                           const Scalar& value) {
  TORSH_CHECK_INDEX(index.dtype() == kLong, "index_fill_(): Expected dtype int64 for index.");
  const int64_t d = detail::wrap_dim(dim, nonempty_dim(self), "index_fill");
  TORSH_CHECK(index.dim() <= 1, "index_fill_(): Index has to be a vector/scalar");
  detail::check_scalar_fits(value, self.dtype());
  prepare_out(out, self, true);
  Tensor o1 = as_1d(out);
  Tensor idx =
      (shares_storage(index, out) ? index.clone(MemoryFormat::Contiguous) : index).reshape({-1});
  const int64_t n = idx.numel();
  if (n == 0) return;
  SizeVec shape(o1.sizes()), istr(o1.dim(), 0);
  shape[d] = n;
  istr[d] = idx.strides()[0];
  Tensor ir = restride(idx, shape, istr);
  detail::scatter_fill_stub(out.device().type, "index_fill_")("index_fill_", o1, d, ir, value,
                                                              Reduce::kNone, Bounds::kIndexFill);
}

void index_fill_tensor_out(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index,
                           const Tensor& value) {
  TORSH_CHECK(value.dim() == 0,
              "index_fill_(): index_fill_ only supports a 0-dimensional value tensor, but got "
              "tensor with ",
              value.dim(), " dimension(s).");
  Scalar v = value.item();
  index_fill_scalar_out(out, self, dim, index, v);
}

}  // namespace torsh::native
