#include "torsh/core/tensor.h"
#include "core/strides.h"

#include <cstring>
#include <iostream>

#include "core/dispatch.h"
#include "torsh/core/grad_mode.h"

namespace torsh {

namespace detail {
std::string shape_str(IntArrayRef s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

void dtype_mismatch(const char* op, ScalarType have, ScalarType want) {
  throw TypeError(str_cat(op, "(): expected scalar type ", scalar_type_name(want), " but found ",
                          scalar_type_name(have)));
}

void accessor_dims_mismatch(size_t expected, int64_t got) {
  throw Error(str_cat("TensorAccessor expected ", expected, " dims but tensor has ", got));
}

int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op) {
  int64_t n = ndim <= 0 ? 1 : ndim;
  if (dim < -n || dim >= n) {
    throw IndexError(str_cat(op ? op : "", op ? "(): " : "",
                             "Dimension out of range (expected to be in range of [", -n, ", ",
                             n - 1, "], but got ", dim, ")"));
  }
  return dim < 0 ? dim + n : dim;
}

namespace {
// Product of sizes as PyTorch's safe_multiply_u64: an overflow anywhere in the running product
// counts even if a later size is 0, and the result must fit in int64.
bool mul_sizes_overflows(IntArrayRef sizes, uint64_t itemsize, uint64_t* out) {
  uint64_t n = 1;
  bool overflow = false;
  for (int64_t s : sizes) overflow |= __builtin_mul_overflow(n, static_cast<uint64_t>(s), &n);
  overflow |= __builtin_mul_overflow(n, itemsize, &n);
  overflow |= n > static_cast<uint64_t>(INT64_MAX);
  *out = n;
  return overflow;
}

void check_sizes_nonnegative(IntArrayRef sizes, const char* op) {
  for (int64_t s : sizes)
    TORSH_CHECK(s >= 0, op, "(): Trying to create tensor with negative dimension ", s, ": ",
                shape_str(sizes));
}
}  // namespace

Tensor empty_strided_impl(IntArrayRef sizes, ScalarType dtype) {
  check_sizes_nonnegative(sizes, "empty");
  uint64_t nbytes = 0;
  TORSH_CHECK(!mul_sizes_overflows(sizes, element_size(dtype), &nbytes),
              "empty(): Storage size calculation overflowed with sizes=", shape_str(sizes));
  Storage st = make_intrusive<StorageImpl>(static_cast<size_t>(nbytes));
  return Tensor(
      make_intrusive<TensorImpl>(std::move(st), dtype, sizes, contiguous_strides(sizes), 0));
}

Tensor empty_strided_impl(IntArrayRef sizes, IntArrayRef strides, ScalarType dtype) {
  TORSH_CHECK(sizes.size() == strides.size(), "empty_strided(): mismatch in length of strides (",
              strides.size(), ") and shape (", sizes.size(), ")");
  check_sizes_nonnegative(sizes, "empty_strided");
  // Bytes spanned: itemsize * (1 + sum((size - 1) * stride)), every step checked (a negative
  // stride overflows, as in PyTorch).
  uint64_t extent = 1;
  bool overflow = false, empty = false;
  for (size_t i = 0; i < sizes.size() && !empty; ++i) {
    if (sizes[i] == 0) {  // as torch: 0 bytes, whatever the other dims hold
      empty = true;
      overflow = false;
      break;
    }
    uint64_t span = 0;
    overflow |= __builtin_mul_overflow(static_cast<uint64_t>(std::max<int64_t>(sizes[i] - 1, 0)),
                                       static_cast<uint64_t>(strides[i]), &span);
    overflow |= __builtin_add_overflow(extent, span, &extent);
  }
  if (!empty) {
    overflow |= __builtin_mul_overflow(extent, static_cast<uint64_t>(element_size(dtype)), &extent);
    overflow |= extent > static_cast<uint64_t>(INT64_MAX);
  }
  TORSH_CHECK(!overflow,
              "empty_strided(): Storage size calculation overflowed with sizes=", shape_str(sizes),
              " and strides=", shape_str(strides));
  if (empty) extent = 0;
  Storage st = make_intrusive<StorageImpl>(static_cast<size_t>(extent));
  return Tensor(make_intrusive<TensorImpl>(std::move(st), dtype, sizes, strides, 0));
}

}  // namespace detail

void Tensor::print() const {
  if (!defined()) {
    std::cerr << "[UndefinedTensor]" << std::endl;
    return;
  }
  std::cerr << "[CPU" << scalar_type_name(dtype()) << "Type " << detail::shape_str(sizes()) << "]"
            << std::endl;
}

void Scalar::complex_to_real_error() {
  throw Error("value cannot be converted to type double without overflow");
}

namespace detail {
Tensor wrap_scalar(const Scalar& s) {
  Tensor t = empty_strided_impl({}, s.type());
  switch (s.type()) {
    case kDouble:
      *t.data_ptr<double>() = s.to_double();
      break;
    case kBool:
      *t.data_ptr<bool>() = s.to_bool();
      break;
    case kComplexDouble:
      *t.data_ptr<std::complex<double>>() = s.to_complex();
      break;
    default:
      *t.data_ptr<int64_t>() = s.to_long();
      break;
  }
  t.unsafeGetTensorImpl()->set_wrapped_number(true);
  return t;
}
}  // namespace detail

TensorImpl::TensorImpl(Storage storage, ScalarType dtype, IntArrayRef sizes, IntArrayRef strides,
                       int64_t offset)
    : storage_(std::move(storage)),
      sizes_(sizes),
      strides_(strides),
      offset_(offset),
      dtype_(dtype) {
  refresh();
}

TensorImpl::~TensorImpl() { delete autograd_meta_; }

void TensorImpl::set_autograd_meta(AutogradMetaInterface* m) {
  delete autograd_meta_;
  autograd_meta_ = m;
}

void TensorImpl::set_geometry(IntArrayRef sizes, IntArrayRef strides, int64_t offset) {
  sizes_ = sizes;
  strides_ = strides;
  offset_ = offset;
  refresh();
}

void TensorImpl::refresh() {
  // A 0 anywhere makes the tensor empty whatever the other dims, which may then be huge; the
  // element count of a non-empty shape must fit in int64.
  uint64_t n = 1;
  bool overflow = false, empty = false;
  for (int64_t s : sizes_) {
    empty |= s == 0;
    overflow |= __builtin_mul_overflow(n, static_cast<uint64_t>(s), &n);
  }
  TORSH_CHECK(empty || (!overflow && n <= static_cast<uint64_t>(INT64_MAX)),
              "numel: integer multiplication overflow with sizes=", detail::shape_str(sizes_));
  numel_ = empty ? 0 : static_cast<int64_t>(n);
  contiguous_ = true;
  if (empty) return;  // an empty tensor is contiguous, as in torch
  int64_t expected = 1;
  for (size_t i = sizes_.size(); i-- > 0;) {
    if (sizes_[i] == 1) continue;
    if (strides_[i] != expected) {
      contiguous_ = false;
      break;
    }
    expected *= sizes_[i];
  }
}

namespace {
// A 0-d tensor has no dims to ask about (wrap_dim would accept -1 and 0 as for one dim).
void check_has_dims(const Tensor& t, int64_t d) {
  if (t.dim() == 0) {
    throw IndexError(
        detail::str_cat("Dimension specified as ", d, " but tensor has no dimensions"));
  }
}
}  // namespace

int64_t Tensor::size(int64_t d) const {
  check_has_dims(*this, d);
  return sizes()[detail::wrap_dim(d, dim(), "size")];
}

int64_t Tensor::stride(int64_t d) const {
  check_has_dims(*this, d);
  return strides()[detail::wrap_dim(d, dim(), "stride")];
}

Scalar Tensor::item() const {
  TORSH_CHECK(numel() == 1, "item(): a Tensor with ", numel(),
              " elements cannot be converted to Scalar");
  return detail::dispatch_all_and_complex(dtype(), "item", [&](auto tag) -> Scalar {
    using T = decltype(tag);
    return Scalar(*static_cast<const T*>(data_ptr()));
  });
}

Tensor Tensor::contiguous(MemoryFormat memory_format) const {
  if (is_contiguous(memory_format)) return *this;
  TORSH_CHECK(memory_format != MemoryFormat::Preserve,
              "preserve memory format is unsupported by the contiguous operator");
  return clone(memory_format);
}

Tensor Tensor::to(TensorOptions o, bool non_blocking, bool copy,
                  std::optional<MemoryFormat> memory_format) const {
  check_device_available(o.device());
  return to(o.has_dtype() ? o.dtype() : dtype(), non_blocking, copy, memory_format);
}

Tensor Tensor::to(Device d, ScalarType t, bool non_blocking, bool copy,
                  std::optional<MemoryFormat> memory_format) const {
  check_device_available(d);
  return to(t, non_blocking, copy, memory_format);
}

const Tensor& Tensor::resize_(IntArrayRef new_sizes) const {
  for (int64_t s : new_sizes)
    TORSH_CHECK(s >= 0, "resize_(): Trying to create tensor with negative dimension ", s);
  uint64_t nbytes = 0;
  const int64_t item = element_size();
  TORSH_CHECK(
      !detail::mul_sizes_overflows(new_sizes, item, &nbytes) &&
          !__builtin_add_overflow(nbytes, static_cast<uint64_t>(storage_offset() * item),
                                  &nbytes) &&
          nbytes <= static_cast<uint64_t>(INT64_MAX),
      "resize_(): Storage size calculation overflowed with sizes=", detail::shape_str(new_sizes));
  if (sizes().equals(new_sizes)) return *this;  // torch: the same sizes keep the strides
  TensorImpl* impl = impl_.get();
  const size_t need = static_cast<size_t>(nbytes);
  impl->storage()->grow(need);  // in place: views of the storage see the new bytes
  impl->set_geometry(new_sizes, detail::contiguous_strides(new_sizes), impl->storage_offset());
  return *this;
}

Tensor Tensor::operator[](int64_t i) const { return select(0, i); }

Tensor& Tensor::operator+=(const Tensor& o) { return add_(o); }
Tensor& Tensor::operator+=(const Scalar& o) { return add_(o); }
Tensor& Tensor::operator-=(const Tensor& o) { return sub_(o); }
Tensor& Tensor::operator-=(const Scalar& o) { return sub_(o); }
Tensor& Tensor::operator*=(const Tensor& o) { return mul_(o); }
Tensor& Tensor::operator*=(const Scalar& o) { return mul_(o); }
Tensor& Tensor::operator/=(const Tensor& o) { return div_(o); }
Tensor& Tensor::operator/=(const Scalar& o) { return div_(o); }
Tensor Tensor::operator-() const { return neg(); }

}  // namespace torsh
