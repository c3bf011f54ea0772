#pragma once
// safetensors from C++ (torsh::safetensors::save): the reference format (8-byte little-endian
// header length, a JSON header of dtype/shape/data_offsets, the tensors' bytes), written
// atomically (temporary file in the same directory, fsync, rename).
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "torsh/core/tensor.h"

namespace torsh::safetensors {

/// Writes the named tensors (in the given order) to path; metadata goes to "__metadata__".
void save(const std::vector<std::pair<std::string, Tensor>>& tensors, const std::string& path,
          const std::map<std::string, std::string>& metadata = {});

}  // namespace torsh::safetensors
