// Atomic writes and whole-file reads for the checkpoint formats.
#include "serialize/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "torsh/core/error.h"

namespace torsh::serialize {
namespace {

void write_all(int fd, const void* data, size_t n, const std::string& path, const char* who) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    TORSH_CHECK(w > 0, who, ": writing ", path, " failed: ", std::strerror(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace

void write_atomically(const std::string& path,
                      const std::vector<std::pair<const void*, size_t>>& pieces, const char* who) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  TORSH_CHECK(fd >= 0, who, ": cannot create ", tmp, ": ", std::strerror(errno));
  try {
    for (const auto& [data, n] : pieces) write_all(fd, data, n, tmp, who);
    TORSH_CHECK(::fsync(fd) == 0, who, ": fsync of ", tmp, " failed");
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    TORSH_CHECK(false, who, ": cannot rename ", tmp, " to ", path, ": ", std::strerror(err));
  }
}

std::vector<char> read_file(const std::string& path, const char* who) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  TORSH_CHECK(fd >= 0, who, ": cannot open ", path, ": ", std::strerror(errno));
  std::vector<char> bytes;
  try {
    struct stat st {};
    TORSH_CHECK(::fstat(fd, &st) == 0 && S_ISREG(st.st_mode), who, ": ", path,
                " is not a regular file");
    bytes.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t r = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (r < 0 && errno == EINTR) continue;
      TORSH_CHECK(r > 0, who, ": reading ", path, " failed");
      got += static_cast<size_t>(r);
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return bytes;
}

}  // namespace torsh::serialize
