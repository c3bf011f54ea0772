#pragma once
// Per-device kernel slots ("stubs"). An op's device-independent part (argument checks, dtype
// rules, output allocation, the iterator) calls `some_stub(device, "op")(args...)`; each backend
// fills its device's slots in one function (the CPU's: register_cpu_kernels in
// src/ops/cpu/register.cpp), so a new backend adds kernels without touching the ops or the
// generated API. The slots of the table's functor kernels are kernel_for's (functors/kernels.h).
#include "torsh/core/device.h"

namespace torsh::detail {

constexpr int kKernelDevices = 2;  // CPU and CUDA have slots

/// Runs every backend's registration once (thread-safe); the first lookup calls it.
void ensure_kernels_registered();
/// The slot index of d; raises for a device type without slots.
int kernel_slot(DeviceType d);
/// Raises torch's error for an op without a kernel on d ("Could not run 'aten::sum' with
/// arguments from the 'CUDA' backend.").
[[noreturn]] void throw_no_kernel(const char* op, DeviceType d);

/// One kernel slot per device for a kernel of signature Fn (a function pointer type).
template <typename Fn>
class KernelStub {
 public:
  void set(DeviceType d, Fn fn) { fns_[kernel_slot(d)] = fn; }
  /// The kernel registered for d; raises when there is none.
  Fn operator()(DeviceType d, const char* op) const {
    ensure_kernels_registered();
    const int i = static_cast<int>(d);
    Fn fn = i >= 0 && i < kKernelDevices ? fns_[i] : nullptr;
    if (!fn) throw_no_kernel(op, d);
    return fn;
  }

 private:
  Fn fns_[kKernelDevices] = {};
};

}  // namespace torsh::detail
