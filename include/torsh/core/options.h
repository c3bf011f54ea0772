#pragma once
// TensorOptions: dtype, device and requires_grad of a tensor being created (libtorch spelling).
#include <optional>

#include "torsh/core/device.h"
#include "torsh/core/dtype.h"

namespace torsh {

/// Builder for the properties of a new tensor: torsh::dtype(kLong).requires_grad(true).
struct TensorOptions {
  std::optional<ScalarType> dtype_opt;
  Device device_ = Device(kCPU);
  bool requires_grad_ = false;

  TensorOptions() = default;
  TensorOptions(ScalarType t) : dtype_opt(t) {}  // NOLINT
  TensorOptions(Device d) : device_(d) {}        // NOLINT
  TensorOptions(DeviceType d) : device_(d) {}    // NOLINT
  TensorOptions dtype(ScalarType t) const {
    auto o = *this;
    o.dtype_opt = t;
    return o;
  }
  TensorOptions dtype(std::optional<ScalarType> t) const {
    auto o = *this;
    if (t) o.dtype_opt = t;
    return o;
  }
  TensorOptions device(Device d) const {
    auto o = *this;
    o.device_ = d;
    return o;
  }
  TensorOptions requires_grad(bool r) const {
    auto o = *this;
    o.requires_grad_ = r;
    return o;
  }
  /// The dtype, or the default floating dtype when none was given.
  ScalarType dtype() const { return dtype_opt ? *dtype_opt : get_default_dtype(); }
  bool has_dtype() const { return dtype_opt.has_value(); }
  Device device() const { return device_; }
  bool requires_grad() const { return requires_grad_; }
};

/// Options with only the dtype set.
inline TensorOptions dtype(ScalarType t) { return TensorOptions(t); }
/// Options with only the device set.
inline TensorOptions device(Device d) { return TensorOptions(d); }
/// Options with only requires_grad set.
inline TensorOptions requires_grad(bool r = true) { return TensorOptions().requires_grad(r); }

}  // namespace torsh
