#include "torsh/core/device.h"

#include <cctype>

#include "torsh/core/error.h"

namespace torsh {

namespace {
struct TypeName {
  const char* name;
  DeviceType type;
};
// In torch's order: the order of its "Expected one of ..." message.
constexpr TypeName kTypeNames[] = {{"cpu", DeviceType::CPU},
                                   {"cuda", DeviceType::CUDA},
                                   {"ipu", DeviceType::IPU},
                                   {"xpu", DeviceType::XPU},
                                   {"mkldnn", DeviceType::MKLDNN},
                                   {"opengl", DeviceType::OPENGL},
                                   {"opencl", DeviceType::OPENCL},
                                   {"ideep", DeviceType::IDEEP},
                                   {"hip", DeviceType::HIP},
                                   {"ve", DeviceType::VE},
                                   {"fpga", DeviceType::FPGA},
                                   {"ort", DeviceType::ORT},
                                   {"xla", DeviceType::XLA},
                                   {"lazy", DeviceType::Lazy},
                                   {"vulkan", DeviceType::Vulkan},
                                   {"mps", DeviceType::MPS},
                                   {"meta", DeviceType::Meta},
                                   {"hpu", DeviceType::HPU},
                                   {"privateuseone", DeviceType::PrivateUse1}};

DeviceType parse_type(const std::string& name, const std::string& whole) {
  for (const auto& tn : kTypeNames)
    if (name == tn.name) return tn.type;
  std::string expected;
  for (const auto& tn : kTypeNames)
    expected += (expected.empty() ? "" : ", ") + std::string(tn.name);
  throw Error("Expected one of " + expected + " device type at start of device string: " + whole);
}
}  // namespace

std::string device_type_name(DeviceType t) {
  if (t == DeviceType::Metal) return "metal";
  for (const auto& tn : kTypeNames)
    if (tn.type == t) return tn.name;
  return "unknown";
}

// torch's grammar: ([a-zA-Z_]+)(?::([1-9]\d*|0))?
Device::Device(const std::string& s) {
  TORSH_CHECK(!s.empty(), "Device string must not be empty");
  size_t i = 0;
  while (i < s.size() && (std::isalpha(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
  bool valid = i > 0;
  std::string digits;
  if (valid && i < s.size()) {
    digits = s.substr(i + 1);
    valid = s[i] == ':' && !digits.empty() && (digits == "0" || digits[0] != '0');
    for (char c : digits) valid = valid && std::isdigit(static_cast<unsigned char>(c));
  }
  TORSH_CHECK(valid, "Invalid device string: '", s, "'");
  type = parse_type(s.substr(0, i), s);
  if (!digits.empty()) {
    TORSH_CHECK(digits.size() <= 3 && std::stoi(digits) <= 127, "Could not parse device index '",
                digits, "' in device string '", s, "'");
    index = static_cast<int8_t>(std::stoi(digits));
  }
}

std::string Device::str() const {
  std::string r = device_type_name(type);
  if (index >= 0) r += ":" + std::to_string(index);
  return r;
}

void check_device_available(Device d) {
  if (d.is_cpu()) return;
  TORSH_CHECK(!d.is_cuda(), "Torch not compiled with CUDA enabled");
  throw Error("PyTorch is not linked with support for " + device_type_name(d.type) + " devices");
}

}  // namespace torsh
