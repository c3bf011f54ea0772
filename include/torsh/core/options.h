#pragma once
// TensorOptions: dtype, device and requires_grad of a tensor being created (libtorch spelling).
#include <optional>

#include "torsh/core/device.h"
#include "torsh/core/dtype.h"

namespace torsh {

/// Memory layout of a tensor: torsh tensors are strided (dense) only.
enum class Layout : int8_t { Strided };
constexpr Layout kStrided = Layout::Strided;

/// Builder for the properties of a new tensor: torsh::dtype(kLong).requires_grad(true).
struct TensorOptions {
  std::optional<ScalarType> dtype_opt;
  Device device_ = Device(kCPU);
  bool requires_grad_ = false;
  // Which properties were set (libtorch prints the others as "(default)").
  bool has_device_ = false;
  bool has_layout_ = false;
  bool has_requires_grad_ = false;

  TensorOptions() = default;
  TensorOptions(ScalarType t) : dtype_opt(t) {}                   // NOLINT
  TensorOptions(TypeMeta t) : dtype_opt(t.toScalarType()) {}      // NOLINT
  TensorOptions(Device d) : device_(d), has_device_(true) {}      // NOLINT
  TensorOptions(DeviceType d) : device_(d), has_device_(true) {}  // NOLINT
  TensorOptions(Layout) : has_layout_(true) {}                    // NOLINT
  TensorOptions dtype(ScalarType t) const {
    auto o = *this;
    o.dtype_opt = t;
    return o;
  }
  TensorOptions dtype(TypeMeta t) const { return dtype(t.toScalarType()); }
  TensorOptions dtype(std::optional<ScalarType> t) const {
    auto o = *this;
    if (t) o.dtype_opt = t;
    return o;
  }
  TensorOptions device(Device d) const {
    auto o = *this;
    o.device_ = d;
    o.has_device_ = true;
    return o;
  }
  TensorOptions layout(Layout) const {
    auto o = *this;
    o.has_layout_ = true;
    return o;
  }
  TensorOptions requires_grad(bool r) const {
    auto o = *this;
    o.requires_grad_ = r;
    o.has_requires_grad_ = true;
    return o;
  }
  /// The dtype, or the default floating dtype when none was given.
  TypeMeta dtype() const {
    return TypeMeta::fromScalarType(dtype_opt ? *dtype_opt : get_default_dtype());
  }
  bool has_dtype() const { return dtype_opt.has_value(); }
  Device device() const { return device_; }
  bool has_device() const { return has_device_; }
  Layout layout() const { return Layout::Strided; }
  bool has_layout() const { return has_layout_; }
  bool requires_grad() const { return requires_grad_; }
  bool has_requires_grad() const { return has_requires_grad_; }
};

/// Options with only the dtype set.
inline TensorOptions dtype(ScalarType t) { return TensorOptions(t); }
inline TensorOptions dtype(TypeMeta t) { return TensorOptions(t); }
/// Options with only the device set.
inline TensorOptions device(Device d) { return TensorOptions(d); }
/// Options with only the layout set.
inline TensorOptions layout(Layout l) { return TensorOptions(l); }
/// Options with only requires_grad set.
inline TensorOptions requires_grad(bool r = true) { return TensorOptions().requires_grad(r); }

}  // namespace torsh
