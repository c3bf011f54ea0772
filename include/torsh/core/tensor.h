#pragma once
// Tensor: a cheap refcounted handle to a TensorImpl (storage, sizes, strides, offset, dtype).
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "torsh/core/device.h"
#include "torsh/core/dtype.h"
#include "torsh/core/error.h"
#include "torsh/core/generator.h"
#include "torsh/core/memory_format.h"
#include "torsh/core/options.h"
#include "torsh/core/scalar.h"
#include "torsh/core/small_vector.h"
#include "torsh/core/storage.h"

namespace torsh {

namespace autograd {
class Node;
}  // namespace autograd

/// Opaque per-tensor autograd state, owned by TensorImpl and defined by the autograd layer.
struct AutogradMetaInterface {
  virtual ~AutogradMetaInterface() = default;
  /// Name of the node that produced the tensor ("" for leaves), for printing.
  virtual std::string grad_fn_name() const = 0;
  /// Whether the tensor is a leaf that requires grad, for printing.
  virtual bool leaf_requires_grad() const = 0;
};

/// The state behind a Tensor: a view (sizes, strides, offset in elements) onto a Storage.
class TensorImpl : public RefCounted, public Pooled<TensorImpl> {
 public:
  TensorImpl(Storage storage, ScalarType dtype, IntArrayRef sizes, IntArrayRef strides,
             int64_t offset);
  ~TensorImpl() override;

  const Storage& storage() const { return storage_; }
  ScalarType dtype() const { return dtype_; }
  Device device() const { return Device(kCPU); }
  IntArrayRef sizes() const { return sizes_; }
  IntArrayRef strides() const { return strides_; }
  int64_t dim() const { return static_cast<int64_t>(sizes_.size()); }
  int64_t numel() const { return numel_; }
  int64_t storage_offset() const { return offset_; }
  bool is_contiguous() const { return contiguous_; }
  /// Address of element 0 of this view.
  void* data() const {
    return static_cast<char*>(storage_->data()) + offset_ * element_size(dtype_);
  }
  /// Replaces sizes, strides and offset (the view machinery and resize_ use it).
  void set_geometry(IntArrayRef sizes, IntArrayRef strides, int64_t offset);
  void set_storage(Storage s) { storage_ = std::move(s); }
  /// Reinterprets the elements (set_data); the caller sets a geometry that fits the storage.
  void set_dtype(ScalarType dtype) { dtype_ = dtype; }
  /// A 0-dim tensor made from a C++/Python number: it promotes like a scalar.
  bool is_wrapped_number() const { return wrapped_number_; }
  void set_wrapped_number(bool w) { wrapped_number_ = w; }
  AutogradMetaInterface* autograd_meta() const { return autograd_meta_; }
  void set_autograd_meta(AutogradMetaInterface* m);
  /// The Python object wrapping this tensor, if the Python binding made one that is alive (it
  /// clears this when the object dies); read and written under the GIL only.
  void* pyobj() const { return pyobj_; }
  void set_pyobj(void* o) { pyobj_ = o; }

 private:
  void refresh();
  Storage storage_;
  SizeVec sizes_;
  SizeVec strides_;
  int64_t offset_ = 0;
  int64_t numel_ = 1;
  ScalarType dtype_;
  bool contiguous_ = true;
  bool wrapped_number_ = false;
  AutogradMetaInterface* autograd_meta_ = nullptr;
  void* pyobj_ = nullptr;
};

class Tensor;
namespace indexing {
class TensorIndex;
}
/// Index tensors of index/index_put_: one per leading dim, nullopt for a dim taken whole.
using OptionalTensorList = std::vector<std::optional<Tensor>>;
using TensorList = std::vector<Tensor>;
/// An optional list of dims (`int[1]? dim` in schemas; c10::OptionalIntArrayRef): nullopt, a list
/// (viewed, valid for the full expression that holds it, like IntArrayRef) or one integer, which it
/// holds by value: `t.sum(1)` must not view a temporary that dies inside the conversion
/// (std::optional's converting constructor would create it there).
class OptionalIntArrayRef {
 public:
  OptionalIntArrayRef() = default;
  OptionalIntArrayRef(std::nullopt_t) {}                                          // NOLINT
  OptionalIntArrayRef(IntArrayRef r) : has_(true), ref_(r) {}                     // NOLINT
  OptionalIntArrayRef(const std::vector<int64_t>& v) : has_(true), ref_(v) {}     // NOLINT
  OptionalIntArrayRef(std::initializer_list<int64_t> l) : has_(true), ref_(l) {}  // NOLINT
  template <typename I,
            std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  OptionalIntArrayRef(I single)  // NOLINT
      : has_(true), single_(static_cast<int64_t>(single)), is_single_(true) {}
  OptionalIntArrayRef(const std::optional<IntArrayRef>& o)  // NOLINT
      : has_(o.has_value()), ref_(o ? *o : IntArrayRef()) {}
  bool has_value() const { return has_; }
  explicit operator bool() const { return has_; }
  IntArrayRef value() const { return is_single_ ? IntArrayRef(&single_, 1) : ref_; }
  IntArrayRef operator*() const { return value(); }
  const IntArrayRef* operator->() const {
    view_ = value();
    return &view_;
  }

 private:
  bool has_ = false;
  IntArrayRef ref_;
  int64_t single_ = 0;
  bool is_single_ = false;
  mutable IntArrayRef view_;
};

/// libtorch's TensorAccessor: N dims over a tensor's data, its sizes and strides borrowed (the
/// tensor must outlive it); acc[i] drops the first dim, and on the last dim gives the element.
template <typename T, size_t N>
class TensorAccessor {
 public:
  TensorAccessor(T* data, const int64_t* sizes, const int64_t* strides)
      : data_(data), sizes_(sizes), strides_(strides) {}
  decltype(auto) operator[](int64_t i) const {
    if constexpr (N == 1) {
      return static_cast<T&>(data_[strides_[0] * i]);
    } else {
      return TensorAccessor<T, N - 1>(data_ + strides_[0] * i, sizes_ + 1, strides_ + 1);
    }
  }
  int64_t size(int64_t d) const { return sizes_[d]; }
  int64_t stride(int64_t d) const { return strides_[d]; }
  T* data() const { return data_; }

 private:
  T* data_;
  const int64_t* sizes_;
  const int64_t* strides_;
};

/// A multi-dimensional strided array, PyTorch's torch::Tensor.
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(IntrusivePtr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return static_cast<bool>(impl_); }
  TensorImpl* unsafeGetTensorImpl() const { return impl_.get(); }
  const IntrusivePtr<TensorImpl>& impl() const { return impl_; }
  /// True when both handles point to the same TensorImpl.
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }
  size_t use_count() const { return impl_.use_count(); }

  int64_t dim() const { return impl_->dim(); }
  int64_t ndimension() const { return dim(); }
  IntArrayRef sizes() const { return impl_->sizes(); }
  IntArrayRef strides() const { return impl_->strides(); }
  /// Size of dim d; negative d counts from the end.
  int64_t size(int64_t d) const;
  /// Stride of dim d; negative d counts from the end.
  int64_t stride(int64_t d) const;
  int64_t numel() const { return impl_->numel(); }
  ScalarType scalar_type() const { return impl_->dtype(); }
  /// libtorch's TypeMeta: converts to ScalarType, prints "float" (scalar_type() prints "Float").
  TypeMeta dtype() const { return TypeMeta::fromScalarType(impl_->dtype()); }
  Device device() const { return impl_->device(); }
  TensorOptions options() const { return TensorOptions(dtype()).device(device()).layout(kStrided); }
  int64_t storage_offset() const { return impl_->storage_offset(); }
  bool is_contiguous() const { return impl_->is_contiguous(); }
  /// Whether the strides are those of a dense tensor in memory_format (ChannelsLast: NHWC).
  bool is_contiguous(MemoryFormat memory_format) const;
  /// ChannelsLast(3d) when the strides order the dims that way, else Contiguous (torch's rule).
  MemoryFormat suggest_memory_format() const;
  /// Whether the elements fill their storage span exactly once, in any dim order.
  bool is_non_overlapping_and_dense() const;
  bool is_floating_point() const { return torsh::is_floating_point(dtype()); }
  bool is_complex() const { return torsh::is_complex(dtype()); }
  int64_t element_size() const { return torsh::element_size(dtype()); }
  int64_t nbytes() const { return numel() * element_size(); }
  bool is_cpu() const { return true; }
  bool is_cuda() const { return false; }
  Layout layout() const { return kStrided; }  // libtorch's spelling; torsh tensors live on the CPU
  /// libtorch's deprecated Tensor::data(): the values without history (as detach()).
  Tensor data() const { return detach(); }
  /// libtorch's Tensor::print(): "[CPUFloatType [2, 3]]" on stderr.
  void print() const;
  /// Element access by index without bounds checks (libtorch's TensorAccessor): t.accessor<float,
  /// 2>()[i][j]. Throws if T is not the dtype or N not the number of dims.
  template <typename T, size_t N>
  TensorAccessor<T, N> accessor() const&;
  template <typename T, size_t N>
  TensorAccessor<T, N> accessor() && = delete;  // the sizes would dangle (as libtorch)

  /// Pointer to element 0 of this view.
  void* data_ptr() const { return impl_->data(); }
  /// Typed pointer to element 0; throws if T is not the tensor's dtype.
  template <typename T>
  T* data_ptr() const;
  /// The single value of a one-element tensor.
  Scalar item() const;
  template <typename T>
  T item() const {
    return item().to<T>();
  }

  /// A tensor with the same values, dense in memory_format (this tensor when already so).
  Tensor contiguous(MemoryFormat memory_format = MemoryFormat::Contiguous) const;
  /// A copy with its own storage; by default (Preserve) it keeps a dense tensor's strides.
  Tensor clone(std::optional<MemoryFormat> memory_format = std::nullopt) const;
  /// Copies src into this tensor (broadcasting src, converting dtype). In-place methods are
  /// const, as in libtorch: they change the data, not the handle (so `w.grad().zero_()` works).
  Tensor& copy_(const Tensor& src, bool non_blocking = false) const;
  /// The tensor converted to dtype (this tensor when already of that dtype and layout unless
  /// copy); memory_format defaults to Preserve.
  Tensor to(ScalarType dtype, bool non_blocking = false, bool copy = false,
            std::optional<MemoryFormat> memory_format = std::nullopt) const;
  Tensor to(TypeMeta dtype, bool non_blocking = false, bool copy = false,
            std::optional<MemoryFormat> memory_format = std::nullopt) const {
    return to(dtype.toScalarType(), non_blocking, copy, memory_format);
  }
  Tensor to(TensorOptions options, bool non_blocking = false, bool copy = false,
            std::optional<MemoryFormat> memory_format = std::nullopt) const;
  Tensor to(Device device, ScalarType dtype, bool non_blocking = false, bool copy = false,
            std::optional<MemoryFormat> memory_format = std::nullopt) const;
  Tensor cpu() const { return *this; }
  /// libtorch's cuda(): throws torsh::Error in this CPU-only build.
  Tensor cuda() const { return to(Device(kCUDA), dtype()); }
  Tensor toType(ScalarType t) const { return to(t); }
  /// Fills with value in place.
  Tensor& fill_(const Scalar& value) const;
  /// Fills with zeros in place.
  Tensor& zero_() const { return fill_(0); }
  /// t.index({Slice(), 0, idx}): libtorch's C++ subscript (torsh/core/indexing.h).
  Tensor index(std::initializer_list<indexing::TensorIndex> items) const;
  Tensor index(const std::vector<indexing::TensorIndex>& items) const;
  /// t.index_put_({...}, value): assignment through a subscript.
  const Tensor& index_put_(std::initializer_list<indexing::TensorIndex> items,
                           const Tensor& value) const;
  const Tensor& index_put_(std::initializer_list<indexing::TensorIndex> items,
                           const Scalar& value) const;
  /// Resizes to sizes (contiguous), reallocating storage when it is too small.
  const Tensor& resize_(IntArrayRef sizes) const;
  /// libtorch's type string: "CPUFloatType" (Python's repr is torsh::repr, print_options.h).
  std::string toString() const;
  /// The i-th slice along dim 0 (libtorch's operator[]).
  Tensor operator[](int64_t i) const;

  // ---- autograd (defined in src/autograd) ----
  /// Whether gradients are recorded for this tensor.
  bool requires_grad() const;
  /// Sets requires_grad on a leaf; floating dtypes only.
  const Tensor& requires_grad_(bool requires_grad = true) const;
  const Tensor& set_requires_grad(bool r) const { return requires_grad_(r); }
  /// The accumulated gradient (undefined until a backward pass reaches this leaf).
  const Tensor& grad() const;
  Tensor& mutable_grad() const;
  /// The node that produced this tensor, or null for leaves.
  std::shared_ptr<autograd::Node> grad_fn() const;
  /// True for tensors created by the user rather than by a recorded op.
  bool is_leaf() const;
  uint32_t output_nr() const;
  /// The storage's version counter (bumped by in-place writes); inference tensors have none.
  uint32_t _version() const;
  /// Whether the storage was allocated under InferenceMode (torch's inference tensors).
  bool is_inference() const;
  /// Makes this tensor (and every handle to it) use new_data's storage, dtype and geometry,
  /// keeping its own autograd state: requires_grad, grad, hooks (libtorch's set_data).
  void set_data(const Tensor& new_data) const;
  /// Whether this tensor is a view recorded by a view op (libtorch's is_view).
  bool is_view() const;
  /// The tensor a recorded view was taken from (the first base of a chain of views), or an
  /// undefined tensor (libtorch's _base).
  Tensor _base() const;
  /// Backpropagates from this tensor into the leaves' .grad (torch.Tensor.backward).
  void backward(const Tensor& gradient = {}, std::optional<bool> retain_graph = std::nullopt,
                bool create_graph = false, const std::vector<Tensor>& inputs = {}) const;
  /// A tensor sharing data with this one, outside the graph.
  Tensor detach() const;
  /// Detaches this tensor from the graph in place (it becomes a leaf).
  Tensor& detach_() const;
  /// Keeps .grad on a non-leaf after backward.
  void retain_grad() const;
  bool retains_grad() const;
  /// Registers fn to see (and optionally replace) this tensor's gradient.
  /// Runs fn on this tensor's gradient (its result, when defined, replaces it); returns the
  /// hook's position for remove_hook, as libtorch.
  unsigned register_hook(std::function<Tensor(const Tensor&)> fn) const;
  /// Removes the hook register_hook placed at pos.
  void remove_hook(unsigned pos) const;

  Tensor& operator+=(const Tensor& o);
  Tensor& operator+=(const Scalar& o);
  Tensor& operator-=(const Tensor& o);
  Tensor& operator-=(const Scalar& o);
  Tensor& operator*=(const Tensor& o);
  Tensor& operator*=(const Scalar& o);
  Tensor& operator/=(const Tensor& o);
  Tensor& operator/=(const Scalar& o);
  Tensor operator-() const;

  // libtorch's methods beyond the op table (src/ops/tensor_methods_extra.cpp).
  /// var/std over one dim: an int is a dim here, not `unbiased` (libtorch's overloads).
  Tensor var(int dim, bool unbiased = true, bool keepdim = false) const;
  Tensor var(int64_t dim, bool unbiased = true, bool keepdim = false) const;
  Tensor std(int dim, bool unbiased = true, bool keepdim = false) const;
  Tensor std(int64_t dim, bool unbiased = true, bool keepdim = false) const;
  /// Same sizes and elements (torch::equal).
  bool equal(const Tensor& other) const;
  /// |self - other| <= atol + rtol * |other| everywhere (torch::allclose).
  bool allclose(const Tensor& other, double rtol = 1e-5, double atol = 1e-8,
                bool equal_nan = false) const;
  /// Whether the dtype holds negative values (every dtype but uint8 and bool).
  bool is_signed() const;

#include "torsh/generated/tensor_methods.h"

 private:
  IntrusivePtr<TensorImpl> impl_;
};

/// libtorch's C++ format: the values, then "[ CPUFloatType{2,3} ]".
std::ostream& operator<<(std::ostream& os, const Tensor& t);

namespace detail {
/// "[2, 3]": shapes in error messages.
std::string shape_str(IntArrayRef s);
[[noreturn]] void dtype_mismatch(const char* op, ScalarType have, ScalarType want);
/// Wraps dim into [0, ndim); raises IndexError in PyTorch's words otherwise.
int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op = nullptr);
/// Allocates a contiguous uninitialised tensor.
Tensor empty_strided_impl(IntArrayRef sizes, ScalarType dtype);
/// Allocates an uninitialised tensor with the given strides (in elements).
Tensor empty_strided_impl(IntArrayRef sizes, IntArrayRef strides, ScalarType dtype);
/// A 0-dim tensor holding a wrapped number (promotes like a scalar).
Tensor wrap_scalar(const Scalar& s);
/// Throws libtorch's error for accessor<T, N>() on a tensor of another number of dims.
[[noreturn]] void accessor_dims_mismatch(size_t expected, int64_t got);
}  // namespace detail

template <typename T>
T* Tensor::data_ptr() const {
  if (CppTypeToScalarType<T>::value != dtype()) {
    detail::dtype_mismatch("data_ptr", dtype(), CppTypeToScalarType<T>::value);
  }
  return static_cast<T*>(impl_->data());
}

template <typename T, size_t N>
TensorAccessor<T, N> Tensor::accessor() const& {
  static_assert(N > 0, "accessor is used for indexing tensor, for scalars use *data_ptr<T>()");
  if (static_cast<size_t>(dim()) != N) detail::accessor_dims_mismatch(N, dim());
  return TensorAccessor<T, N>(data_ptr<T>(), sizes().data(), strides().data());
}

}  // namespace torsh
