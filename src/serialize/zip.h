#pragma once
// The zip container of PyTorch's checkpoints: stored (uncompressed) records whose data starts on
// a 64-byte boundary, as torch's writer lays them out; the reader takes stored records of any
// alignment and checks every offset and size against the buffer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace torsh::serialize {

/// Builds an archive in memory, one record at a time.
class ZipWriter {
 public:
  void add(const std::string& name, const void* data, size_t size);
  /// The central directory and end record appended; the writer is spent.
  std::vector<char> finish();

 private:
  struct Entry {
    std::string name;
    uint32_t crc, size;
    uint64_t offset;
  };
  std::vector<char> out_;
  std::vector<Entry> entries_;
};

/// Reads the records of an archive held in memory (which must outlive the reader).
class ZipReader {
 public:
  explicit ZipReader(const std::vector<char>& data);
  /// Record names, in the archive's order.
  std::vector<std::string> names() const;
  bool has(const std::string& name) const;
  /// The record's bytes: a pointer into the buffer and a size (CRC checked).
  std::pair<const char*, size_t> get(const std::string& name) const;

 private:
  struct Entry {
    std::string name;
    uint64_t local_offset, size;
    uint32_t crc;
    uint16_t method;
  };
  const std::vector<char>& data_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;  // name -> entry (the first of that name)
};

}  // namespace torsh::serialize
