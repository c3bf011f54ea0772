// torsh::data: the MNIST idx reader (raw or gzipped, through zlib), TensorDataset and the
// samplers.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>

#include "torsh/data.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::data {
namespace datasets {
namespace {

// The whole file, gunzipped when it is gzip (zlib reads plain files through too).
std::vector<uint8_t> read_file(const std::string& path, bool* found) {
  std::vector<uint8_t> bytes;
  std::unique_ptr<gzFile_s, int (*)(gzFile)> f(gzopen(path.c_str(), "rb"), &gzclose);
  *found = f != nullptr;
  if (f == nullptr) return bytes;
  int n;
  size_t used = 0;
  do {  // read straight into the result, growing it by half as needed
    if (bytes.size() - used < (1 << 16))
      bytes.resize(std::max<size_t>(1 << 20, bytes.size() * 3 / 2));
    n = gzread(f.get(), bytes.data() + used,
               static_cast<unsigned>(std::min<size_t>(bytes.size() - used, 1 << 30)));
    if (n > 0) used += static_cast<size_t>(n);
  } while (n > 0);
  bytes.resize(used);
  TORSH_CHECK(n == 0, "MNIST: could not read ", path, " (corrupted gzip data)");
  return bytes;
}

std::vector<uint8_t> read_idx(const std::string& root, const std::string& name) {
  const std::string base = root + (root.empty() || root.back() == '/' ? "" : "/") + name;
  for (const std::string& p : {base, base + ".gz"}) {
    bool found = false;
    auto bytes = read_file(p, &found);
    if (found) return bytes;
  }
  TORSH_CHECK(false, "MNIST: could not find ", base, " or ", base, ".gz. torsh reads the idx ",
              "files of MNIST / Fashion-MNIST (on Debian: apt-get install dataset-fashion-mnist ",
              "puts them in /usr/share/datasets/fashion-mnist)");
  return {};
}

uint32_t be32(const std::vector<uint8_t>& b, size_t off, const std::string& what) {
  TORSH_CHECK(b.size() >= off + 4, "MNIST: ", what, " is truncated (", b.size(), " bytes)");
  return (uint32_t(b[off]) << 24) | (uint32_t(b[off + 1]) << 16) | (uint32_t(b[off + 2]) << 8) |
         uint32_t(b[off + 3]);
}

}  // namespace

MNIST::MNIST(const std::string& root, Mode mode) : train_(mode == Mode::kTrain) {
  const std::string prefix = train_ ? "train" : "t10k";
  const auto img = read_idx(root, prefix + "-images-idx3-ubyte");
  const auto lab = read_idx(root, prefix + "-labels-idx1-ubyte");
  TORSH_CHECK(be32(img, 0, "images") == 2051, "MNIST: bad magic number in the images file");
  TORSH_CHECK(be32(lab, 0, "labels") == 2049, "MNIST: bad magic number in the labels file");
  const uint32_t n = be32(img, 4, "images"), rows = be32(img, 8, "images"),
                 cols = be32(img, 12, "images");
  TORSH_CHECK(be32(lab, 4, "labels") == n, "MNIST: ", n, " images but ", be32(lab, 4, "labels"),
              " labels");
  TORSH_CHECK(rows > 0 && cols > 0 && rows <= 4096 && cols <= 4096,
              "MNIST: implausible image size ", rows, "x", cols, " in the images file");
  const size_t pixels = size_t(n) * rows * cols;  // < 2^32 * 2^24: no overflow
  TORSH_CHECK(img.size() == 16 + pixels && lab.size() == 8 + size_t(n), "MNIST: the files hold ",
              img.size(), " and ", lab.size(), " bytes; expected ", 16 + pixels, " and ",
              8 + size_t(n));
  pixels_ = torsh::empty({int64_t(n), 1, int64_t(rows), int64_t(cols)}, TensorOptions(kByte));
  std::memcpy(pixels_.data_ptr<uint8_t>(), img.data() + 16, pixels);
  Tensor t = torsh::empty({int64_t(n)}, TensorOptions(kByte));
  std::memcpy(t.data_ptr<uint8_t>(), lab.data() + 8, n);
  targets_ = t.to(kLong);
}

// libtorch's conversion, to(kFloat32).div_(255): of all images at once when asked for them,
// otherwise of each example in get().
const Tensor& MNIST::images() const {
  if (!images_.defined()) images_ = pixels_.to(kFloat).div_(255);
  return images_;
}

Example<> MNIST::get(size_t index) {
  TORSH_CHECK_INDEX(index < static_cast<size_t>(pixels_.size(0)), "MNIST: index ", index,
                    " is out of range for a dataset of ", pixels_.size(0), " examples");
  const auto i = static_cast<int64_t>(index);
  if (images_.defined()) return {images_[i], targets_[i]};
  return {pixels_[i].to(kFloat).div_(255), targets_[i]};
}

std::optional<size_t> MNIST::size() const { return static_cast<size_t>(pixels_.size(0)); }

Example<> TensorDataset::get(size_t index) {
  return {data_[static_cast<int64_t>(index)], target_[static_cast<int64_t>(index)]};
}

std::optional<size_t> TensorDataset::size() const { return static_cast<size_t>(data_.size(0)); }

}  // namespace datasets

namespace samplers {

void SequentialSampler::reset(std::optional<size_t> new_size) {
  if (new_size) size_ = *new_size;
  index_ = 0;
}

std::optional<std::vector<size_t>> SequentialSampler::next(size_t batch_size) {
  if (index_ >= size_) return std::nullopt;
  const size_t end = std::min(size_, index_ + batch_size);
  std::vector<size_t> r;
  for (size_t i = index_; i < end; ++i) r.push_back(i);
  index_ = end;
  return r;
}

RandomSampler::RandomSampler(int64_t size, ScalarType index_dtype)
    : indices_(torsh::randperm(size, TensorOptions(index_dtype))) {}

void RandomSampler::reset(std::optional<size_t> new_size) {
  const int64_t n = new_size ? static_cast<int64_t>(*new_size) : indices_.numel();
  indices_ = torsh::randperm(n, TensorOptions(indices_.dtype()));
  index_ = 0;
}

std::optional<std::vector<size_t>> RandomSampler::next(size_t batch_size) {
  const size_t n = static_cast<size_t>(indices_.numel());
  if (index_ >= n) return std::nullopt;
  const size_t end = std::min(n, index_ + batch_size);
  Tensor slice = torsh::slice(indices_, 0, static_cast<int64_t>(index_), static_cast<int64_t>(end))
                     .to(kLong)
                     .contiguous();
  std::vector<size_t> r(slice.data_ptr<int64_t>(), slice.data_ptr<int64_t>() + (end - index_));
  index_ = end;
  return r;
}

}  // namespace samplers
}  // namespace torsh::data
