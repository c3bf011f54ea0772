#pragma once
// Whole-file I/O for the checkpoint writers and readers: atomic writes (a temporary file in the
// same directory, fsync, rename, so an interrupted save never leaves a half-written file under
// the name) and reads of a whole file.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace torsh::serialize {

/// Writes the pieces, in order, to path atomically; who names the caller in error messages.
void write_atomically(const std::string& path,
                      const std::vector<std::pair<const void*, size_t>>& pieces, const char* who);

/// The bytes of a file.
std::vector<char> read_file(const std::string& path, const char* who);

}  // namespace torsh::serialize
