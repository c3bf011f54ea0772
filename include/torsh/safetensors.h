#pragma once
// safetensors from C++ (torsh::safetensors::save and load): the reference format (8-byte
// little-endian header length, a JSON header of dtype/shape/data_offsets, the tensors' bytes),
// written atomically (temporary file in the same directory, fsync, rename).
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "torsh/core/tensor.h"

namespace torsh::safetensors {

/// Writes the named tensors (in the given order) to path; metadata goes to "__metadata__".
void save(const std::vector<std::pair<std::string, Tensor>>& tensors, const std::string& path,
          const std::map<std::string, std::string>& metadata = {});

/// The named tensors of a safetensors file, in the order of their data, each in its own memory;
/// its "__metadata__" goes to *metadata when given. The header is validated as the reference
/// reader does (length, JSON, keys, dtype, shape, offsets tiling the buffer exactly); anything
/// malformed raises torsh::Error.
std::vector<std::pair<std::string, Tensor>> load(
    const std::string& path, std::map<std::string, std::string>* metadata = nullptr);
/// load() of a safetensors file's bytes held in memory.
std::vector<std::pair<std::string, Tensor>> load_buffer(
    const std::vector<char>& data, std::map<std::string, std::string>* metadata = nullptr);

}  // namespace torsh::safetensors
