// torsh::safetensors::save: the reference layout (tensors in order, header padded with spaces
// to a multiple of 8 bytes), written to a temporary file that replaces path only once complete.
#include "torsh/safetensors.h"

#include <set>
#include <sstream>

#include "serialize/file_io.h"
#include "torsh/ops.h"

namespace torsh::safetensors {
namespace {

const char* dtype_code(ScalarType t) {
  switch (t) {
    case kDouble:
      return "F64";
    case kFloat:
      return "F32";
    case kHalf:
      return "F16";
    case kBFloat16:
      return "BF16";
    case kLong:
      return "I64";
    case kInt:
      return "I32";
    case kShort:
      return "I16";
    case kChar:
      return "I8";
    case kByte:
      return "U8";
    case kBool:
      return "BOOL";
    default:
      break;
  }
  TORSH_CHECK(false, "safetensors: dtype ", scalar_type_name(t), " cannot be saved");
  return "";
}

std::string json_string(const std::string& s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      r += '\\';
      r += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      r += buf;
    } else {
      r += c;
    }
  }
  return r + "\"";
}

}  // namespace

void save(const std::vector<std::pair<std::string, Tensor>>& tensors, const std::string& path,
          const std::map<std::string, std::string>& metadata) {
  std::vector<Tensor> data;
  std::ostringstream h;
  h << "{";
  bool first = true;
  if (!metadata.empty()) {
    h << "\"__metadata__\":{";
    bool f = true;
    for (const auto& [k, v] : metadata) {
      h << (f ? "" : ",") << json_string(k) << ":" << json_string(v);
      f = false;
    }
    h << "}";
    first = false;
  }
  size_t offset = 0;
  std::set<std::string> names;
  for (const auto& [name, t] : tensors) {
    TORSH_CHECK(names.insert(name).second, "safetensors: the name '", name, "' appears twice");
    TORSH_CHECK(t.defined(), "safetensors: tensor '", name, "' is undefined");
    Tensor c = t.detach().contiguous();
    const size_t bytes = static_cast<size_t>(c.numel()) * element_size(c.dtype());
    h << (first ? "" : ",") << json_string(name) << ":{\"dtype\":\"" << dtype_code(c.dtype())
      << "\",\"shape\":[";
    for (int64_t i = 0; i < c.dim(); ++i) h << (i ? "," : "") << c.size(i);
    h << "],\"data_offsets\":[" << offset << "," << offset + bytes << "]}";
    offset += bytes;
    first = false;
    data.push_back(c);
  }
  h << "}";
  std::string header = h.str();
  header.append((8 - header.size() % 8) % 8, ' ');
  uint8_t len[8];
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(n >> (8 * i));
  std::vector<std::pair<const void*, size_t>> pieces{{len, 8}, {header.data(), header.size()}};
  for (const Tensor& c : data) {
    pieces.emplace_back(c.data_ptr(), static_cast<size_t>(c.numel()) * element_size(c.dtype()));
  }
  serialize::write_atomically(path, pieces, "safetensors");
}

}  // namespace torsh::safetensors
