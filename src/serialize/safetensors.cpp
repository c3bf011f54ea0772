// torsh::safetensors::save: the reference layout (tensors in order, header padded with spaces
// to a multiple of 8 bytes), written to a temporary file that replaces path only once complete.
#include "torsh/safetensors.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>

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

void write_all(int fd, const void* data, size_t n, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    TORSH_CHECK(w > 0, "safetensors: writing ", path, " failed: ", std::strerror(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
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
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  TORSH_CHECK(fd >= 0, "safetensors: cannot create ", tmp, ": ", std::strerror(errno));
  try {
    uint8_t len[8];
    uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(n >> (8 * i));
    write_all(fd, len, 8, tmp);
    write_all(fd, header.data(), header.size(), tmp);
    for (const Tensor& c : data) {
      write_all(fd, c.data_ptr(), static_cast<size_t>(c.numel()) * element_size(c.dtype()), tmp);
    }
    TORSH_CHECK(::fsync(fd) == 0, "safetensors: fsync of ", tmp, " failed");
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    TORSH_CHECK(false, "safetensors: cannot rename ", tmp, " to ", path, ": ",
                std::strerror(errno));
  }
}

}  // namespace torsh::safetensors
