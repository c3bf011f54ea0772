#pragma once
// Device: where a tensor lives. CPU today; CUDA is reserved.
#include <cstdint>
#include <string>

namespace torsh {

enum class DeviceType : int8_t { CPU = 0, CUDA = 1 };
constexpr DeviceType kCPU = DeviceType::CPU;
constexpr DeviceType kCUDA = DeviceType::CUDA;

/// A device type and index (c10::Device).
struct Device {
  DeviceType type = DeviceType::CPU;
  int8_t index = -1;
  Device() = default;
  Device(DeviceType t, int8_t i = -1) : type(t), index(i) {}  // NOLINT
  /// Parses "cpu", "cuda", "cuda:1".
  explicit Device(const std::string& s);
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  std::string str() const;
};

}  // namespace torsh
