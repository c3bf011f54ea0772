// torsh::data (MNIST idx files raw and gzipped, transforms, samplers, the loader) and
// torsh::safetensors::save, on files written here with hand-chosen contents.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "torsh/torsh.h"

namespace {

std::vector<uint8_t> be32(uint32_t v) {
  return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
}

// n images of 2x3 pixels with pixel p of image i = 10 * i + p, labels i % 10.
void write_idx(const std::string& dir, const std::string& prefix, uint32_t n, bool gz) {
  std::vector<uint8_t> img = be32(2051), lab = be32(2049);
  for (uint32_t v : {n, 2u, 3u}) {
    auto b = be32(v);
    img.insert(img.end(), b.begin(), b.end());
  }
  auto b = be32(n);
  lab.insert(lab.end(), b.begin(), b.end());
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t p = 0; p < 6; ++p) img.push_back(uint8_t(10 * i + p));
    lab.push_back(uint8_t(i % 10));
  }
  for (auto [name, bytes] : {std::pair{prefix + "-images-idx3-ubyte", img},
                             std::pair{prefix + "-labels-idx1-ubyte", lab}}) {
    const std::string path = dir + "/" + name + (gz ? ".gz" : "");
    if (gz) {
      gzFile f = gzopen(path.c_str(), "wb");
      gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
      gzclose(f);
    } else {
      std::ofstream(path, std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
    }
  }
}

std::string temp_dir() {
  char tmpl[] = "/tmp/torsh_data_XXXXXX";
  return std::string(mkdtemp(tmpl));
}

}  // namespace

TEST(Data, MnistReadsRawAndGzippedIdxFiles) {
  const std::string dir = temp_dir();
  write_idx(dir, "train", 7, /*gz=*/true);
  write_idx(dir, "t10k", 3, /*gz=*/false);
  namespace D = torsh::data::datasets;
  D::MNIST train(dir, D::MNIST::Mode::kTrain), test(dir, D::MNIST::Mode::kTest);
  ASSERT_EQ(train.size().value(), 7u);
  ASSERT_EQ(test.size().value(), 3u);
  EXPECT_TRUE(train.is_train());
  auto e = train.get(4);
  ASSERT_EQ(e.data.sizes().vec(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_FLOAT_EQ(e.data.flatten()[5].item<float>(), 45.0f / 255.0f);
  EXPECT_EQ(e.target.item<int64_t>(), 4);
  EXPECT_EQ(test.get(2).target.item<int64_t>(), 2);
  EXPECT_THROW(D::MNIST(dir + "/missing"), torsh::Error);
}

TEST(Data, LoaderBatchesWithTransformsAndSamplers) {
  const std::string dir = temp_dir();
  write_idx(dir, "train", 10, true);
  namespace D = torsh::data;
  auto ds = D::datasets::MNIST(dir)
                .map(D::transforms::Normalize<>(0.5, 0.25))
                .map(D::transforms::Stack<>());
  auto loader = D::make_data_loader<D::samplers::SequentialSampler>(std::move(ds), 4);
  std::vector<int64_t> sizes, firsts;
  for (auto& batch : *loader) {
    sizes.push_back(batch.data.size(0));
    firsts.push_back(batch.target[0].item<int64_t>());
    // (x / 255 - 0.5) / 0.25 for the first pixel of the first image of the batch
    const float x0 = float(10 * firsts.back()) / 255.0f;
    EXPECT_FLOAT_EQ(batch.data[0][0][0][0].item<float>(), (x0 - 0.5f) / 0.25f);
  }
  EXPECT_EQ(sizes, (std::vector<int64_t>{4, 4, 2}));
  EXPECT_EQ(firsts, (std::vector<int64_t>{0, 4, 8}));
  // a second pass starts over; drop_last drops the short batch
  auto again = D::make_data_loader<D::samplers::SequentialSampler>(
      D::datasets::MNIST(dir).map(D::transforms::Stack<>()),
      D::DataLoaderOptions(4).drop_last(true));
  size_t n = 0;
  for (auto& batch : *again) n += static_cast<size_t>(batch.data.size(0));
  EXPECT_EQ(n, 8u);
  // RandomSampler: torsh::randperm's order for the same seed
  torsh::manual_seed(3);
  D::samplers::RandomSampler sampler(10);
  torsh::manual_seed(3);
  sampler.reset();
  torsh::manual_seed(3);
  torsh::Tensor perm = torsh::randperm(10);
  auto idx = sampler.next(10).value();
  for (size_t i = 0; i < idx.size(); ++i)
    EXPECT_EQ(int64_t(idx[i]), perm[int64_t(i)].item<int64_t>());
}

TEST(Safetensors, SaveWritesTheReferenceLayout) {
  const std::string path = temp_dir() + "/t.safetensors";
  torsh::Tensor a = torsh::arange(6, torsh::TensorOptions(torsh::kFloat)).view({2, 3});
  torsh::Tensor b = torsh::tensor(std::vector<int64_t>{7, -1});
  torsh::safetensors::save({{"a", a.t()}, {"b", b}}, path, {{"k", "v"}});
  std::ifstream f(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t(uint8_t(bytes[i])) << (8 * i);
  ASSERT_EQ(n % 8, 0u);
  const std::string header(bytes.begin() + 8, bytes.begin() + 8 + static_cast<long>(n));
  EXPECT_EQ(header.substr(0, header.find_last_not_of(' ') + 1),
            "{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"F32\",\"shape\":[3,2],"
            "\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":"
            "[24,40]}}");
  ASSERT_EQ(bytes.size(), 8 + n + 40);
  const float* fa = reinterpret_cast<const float*>(bytes.data() + 8 + n);
  // a.t() is written contiguous: 0 3 1 4 2 5
  EXPECT_EQ((std::vector<float>(fa, fa + 6)), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  EXPECT_THROW(torsh::safetensors::save({{"x", a}}, "/nonexistent/dir/x.safetensors"),
               torsh::Error);
}
