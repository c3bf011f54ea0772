#include "torsh/core/tensor.h"

#include <cstring>

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

int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op) {
  int64_t n = ndim <= 0 ? 1 : ndim;
  if (dim < -n || dim >= n) {
    throw IndexError(str_cat(op ? op : "", op ? "(): " : "",
                             "Dimension out of range (expected to be in range of [", -n, ", ",
                             n - 1, "], but got ", dim, ")"));
  }
  return dim < 0 ? dim + n : dim;
}

Tensor empty_strided_impl(IntArrayRef sizes, ScalarType dtype) {
  int64_t n = 1;
  for (int64_t s : sizes) {
    TORSH_CHECK(s >= 0, "empty(): Trying to create tensor with negative dimension ", s);
    n *= s;
  }
  Storage st = make_intrusive<StorageImpl>(static_cast<size_t>(n * element_size(dtype)));
  SizeVec strides(sizes.size());
  int64_t acc = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = acc;
    acc *= std::max<int64_t>(sizes[i], 1);
  }
  return Tensor(make_intrusive<TensorImpl>(std::move(st), dtype, sizes, strides, 0));
}

Tensor empty_strided_impl(IntArrayRef sizes, IntArrayRef strides, ScalarType dtype) {
  int64_t extent = 1;
  bool empty = false;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 0) empty = true;
    extent += (sizes[i] - 1) * strides[i];
  }
  if (empty) extent = 0;
  Storage st = make_intrusive<StorageImpl>(static_cast<size_t>(extent * element_size(dtype)));
  return Tensor(make_intrusive<TensorImpl>(std::move(st), dtype, sizes, strides, 0));
}

Tensor wrap_scalar(const Scalar& s) {
  Tensor t = empty_strided_impl({}, s.type());
  switch (s.type()) {
    case kDouble:
      *t.data_ptr<double>() = s.to_double();
      break;
    case kBool:
      *t.data_ptr<bool>() = s.to_bool();
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
  // A 0 anywhere makes the tensor empty whatever the other dims, which may then be huge (the
  // product wraps harmlessly); overflowing non-empty shapes are refused where they are made.
  numel_ = 1;
  bool empty = false;
  for (int64_t s : sizes_) {
    empty |= s == 0;
    __builtin_mul_overflow(numel_, s, &numel_);
  }
  contiguous_ = true;
  if (empty) {
    numel_ = 0;
    return;  // an empty tensor is contiguous, as in torch
  }
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

int64_t Tensor::size(int64_t d) const { return sizes()[detail::wrap_dim(d, dim(), "size")]; }

int64_t Tensor::stride(int64_t d) const { return strides()[detail::wrap_dim(d, dim(), "stride")]; }

Scalar Tensor::item() const {
  TORSH_CHECK(numel() == 1, "item(): a Tensor with ", numel(),
              " elements cannot be converted to Scalar");
  return detail::dispatch_all(dtype(), "item", [&](auto tag) -> Scalar {
    using T = decltype(tag);
    return Scalar(*static_cast<const T*>(data_ptr()));
  });
}

Tensor Tensor::contiguous() const {
  if (is_contiguous()) return *this;
  return clone();
}

Tensor Tensor::to(TensorOptions o, bool non_blocking, bool copy) const {
  check_device_available(o.device());
  return to(o.has_dtype() ? o.dtype() : dtype(), non_blocking, copy);
}

Tensor Tensor::to(Device d, ScalarType t, bool non_blocking, bool copy) const {
  check_device_available(d);
  return to(t, non_blocking, copy);
}

const Tensor& Tensor::resize_(IntArrayRef new_sizes) const {
  int64_t n = 1;
  for (int64_t s : new_sizes) {
    TORSH_CHECK(s >= 0, "resize_(): Trying to create tensor with negative dimension ", s);
    n *= s;
  }
  TensorImpl* impl = impl_.get();
  size_t need = static_cast<size_t>((n + impl->storage_offset()) * element_size());
  if (need > impl->storage()->nbytes()) {
    Storage st = make_intrusive<StorageImpl>(need);
    size_t keep = std::min(need, impl->storage()->nbytes());
    if (keep) std::memcpy(st->data(), impl->storage()->data(), keep);
    impl->set_storage(std::move(st));
  }
  SizeVec strides(new_sizes.size());
  int64_t acc = 1;
  for (size_t i = new_sizes.size(); i-- > 0;) {
    strides[i] = acc;
    acc *= std::max<int64_t>(new_sizes[i], 1);
  }
  impl->set_geometry(new_sizes, strides, impl->storage_offset());
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

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << t.toString(); }

}  // namespace torsh
