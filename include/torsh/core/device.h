#pragma once
// Device: where a tensor lives. This build places tensors on the CPU only; the other device types
// exist so that device strings parse as in torch.
#include <cstdint>
#include <string>

namespace torsh {

/// c10::DeviceType, with its numbering.
enum class DeviceType : int8_t {
  CPU = 0,
  CUDA = 1,
  MKLDNN = 2,
  OPENGL = 3,
  OPENCL = 4,
  IDEEP = 5,
  HIP = 6,
  FPGA = 7,
  ORT = 8,
  XLA = 9,
  Vulkan = 10,
  Metal = 11,
  XPU = 12,
  MPS = 13,
  Meta = 14,
  HPU = 15,
  VE = 16,
  Lazy = 17,
  IPU = 18,
  PrivateUse1 = 19,
};
constexpr DeviceType kCPU = DeviceType::CPU;
constexpr DeviceType kCUDA = DeviceType::CUDA;
constexpr DeviceType kHIP = DeviceType::HIP;
constexpr DeviceType kXLA = DeviceType::XLA;
constexpr DeviceType kMPS = DeviceType::MPS;
constexpr DeviceType kMeta = DeviceType::Meta;
constexpr DeviceType kXPU = DeviceType::XPU;

/// The lowercase name torch uses for t: "cpu", "cuda", "mps", ...
std::string device_type_name(DeviceType t);

/// A Device member that reads both as a value (`d.type == DeviceType::CPU`) and through
/// libtorch's accessor (`d.type()`).
template <typename T>
struct DeviceField {
  T value;
  constexpr DeviceField(T v) : value(v) {}        // NOLINT(google-explicit-constructor)
  constexpr operator T() const { return value; }  // NOLINT(google-explicit-constructor)
  constexpr T operator()() const { return value; }
};

/// A device type and index (c10::Device); index -1 means "the current one".
struct Device {
  DeviceField<DeviceType> type = DeviceType::CPU;
  DeviceField<int8_t> index = int8_t{-1};
  Device() = default;
  Device(DeviceType t, int8_t i = -1) : type(t), index(i) {}  // NOLINT
  /// Parses torch's device strings: "cpu", "cuda", "cuda:1", "mps", ...; throws torsh::Error
  /// with torch's message on anything else ("banana", "cpu:", " cpu", "cuda:01").
  explicit Device(const std::string& s);
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  bool has_index() const { return index >= 0; }
  void set_index(int8_t i) { index = i; }
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  /// "cpu", "cuda:1": the string that parses back to this device.
  std::string str() const;
};

/// Throws torsh::Error unless this build can place tensors on d (the CPU only): "Torch not
/// compiled with CUDA enabled" for CUDA, as torch's CPU build says.
void check_device_available(Device d);

}  // namespace torsh
