// Atomic writes and whole-file reads for the checkpoint formats.
#include "serialize/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
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

// The process's umask, read without changing it (umask() would race with other threads).
mode_t current_umask() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  mode_t mask = 022;
  if (f == nullptr) return mask;
  char line[256];
  while (std::fgets(line, sizeof(line), f)) {
    unsigned m = 0;
    if (std::sscanf(line, "Umask: %o", &m) == 1) {
      mask = static_cast<mode_t>(m);
      break;
    }
  }
  std::fclose(f);
  return mask;
}

}  // namespace

void write_atomically(const std::string& path,
                      const std::vector<std::pair<const void*, size_t>>& pieces, const char* who) {
  // a symlink is written through, as open() would; the file keeps an existing file's mode
  std::string target = path;
  if (char* real = ::realpath(path.c_str(), nullptr)) {
    target = real;
    std::free(real);
  }
  struct stat st {};
  const bool existed = ::stat(target.c_str(), &st) == 0;
  const mode_t mode = existed ? (st.st_mode & 07777) : (0666 & ~current_umask());
  std::string tmp = target + ".tmpXXXXXX";  // unique per call: threads and processes never share
  const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  TORSH_CHECK(fd >= 0, who, ": cannot create a temporary file next to ", target, ": ",
              std::strerror(errno));
  try {
    TORSH_CHECK(::fchmod(fd, mode) == 0, who, ": cannot set the mode of ", tmp);
    for (const auto& [data, n] : pieces) write_all(fd, data, n, tmp, who);
    TORSH_CHECK(::fsync(fd) == 0, who, ": fsync of ", tmp, " failed");
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    TORSH_CHECK(false, who, ": writing ", tmp, " failed: ", std::strerror(err));
  }
  if (std::rename(tmp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    TORSH_CHECK(false, who, ": cannot rename ", tmp, " to ", target, ": ", std::strerror(err));
  }
  // the new name survives a crash only once the directory is on disk too
  const size_t slash = target.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : target.substr(0, slash + 1);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::vector<char> read_file(const std::string& path, const char* who) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
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
