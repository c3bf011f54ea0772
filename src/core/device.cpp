#include "torsh/core/device.h"

#include "torsh/core/error.h"

namespace torsh {

Device::Device(const std::string& s) {
  std::string kind = s.substr(0, s.find(':'));
  if (kind == "cpu") {
    type = kCPU;
  } else if (kind == "cuda") {
    type = kCUDA;
  } else {
    throw Error("Expected one of cpu, cuda device type at start of device string: " + s);
  }
  if (s.find(':') != std::string::npos)
    index = static_cast<int8_t>(std::stoi(s.substr(s.find(':') + 1)));
}

std::string Device::str() const {
  std::string r = type == kCPU ? "cpu" : "cuda";
  if (index >= 0) r += ":" + std::to_string(index);
  return r;
}

}  // namespace torsh
