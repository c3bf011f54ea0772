// torsh::save / torsh::load in PyTorch's checkpoint format, in process (the ASan build runs
// these): round trips of every kind of value and of a module, and malformed archives (every
// truncation, flipped bytes, a hand-made pickle naming a forbidden global) that must raise
// torsh::Error and never read out of bounds. Interop with torch itself is in
// tests/python/test_checkpoint_cpp.py.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>

#include "serialize/zip.h"
#include "torsh/torsh.h"

using namespace torsh;
using serialize::Value;

namespace {

Value sample() {
  manual_seed(3);
  Tensor base = randn({3, 4});
  return Value::dict({{"w", base},
                      {"col", base.select(1, 2)},
                      {"ints", arange(4)},
                      {"half", ones({2}).to(kHalf)},
                      {"n", int64_t{-70000}},
                      {"big", int64_t{1} << 50},
                      {"x", 0.25},
                      {"s", "text"},
                      {"flags", Value::list({true, false, Value()})},
                      {"t", Value::tuple({1, 2})},
                      {"plain", Value::dict({{1, "one"}}, false)}});
}

}  // namespace

TEST(Serialize, ValueRoundTrip) {
  const Value v = sample();
  const Value r = pickle_load(pickle_save(v));
  ASSERT_EQ(r.kind(), Value::Kind::Dict);
  EXPECT_TRUE(r.is_ordered_dict());
  const Tensor& w = r.find("w")->toTensor();
  EXPECT_TRUE(torsh::equal(w, v.find("w")->toTensor()));
  const Tensor& col = r.find("col")->toTensor();
  EXPECT_TRUE(torsh::equal(col, w.select(1, 2)));
  EXPECT_EQ(col.stride(0), 4);
  w.fill_(1.0);  // the views share one storage again
  EXPECT_EQ(col[0].item<float>(), 1.0f);
  EXPECT_EQ(r.find("ints")->toTensor().dtype(), kLong);
  EXPECT_EQ(r.find("half")->toTensor().dtype(), kHalf);
  EXPECT_EQ(r.find("n")->toInt(), -70000);
  EXPECT_EQ(r.find("big")->toInt(), int64_t{1} << 50);
  EXPECT_EQ(r.find("x")->toDouble(), 0.25);
  EXPECT_EQ(r.find("s")->toStringRef(), "text");
  EXPECT_EQ(r.find("flags")->toList().size(), 3u);
  EXPECT_TRUE(r.find("flags")->toList()[2].is_none());
  EXPECT_EQ(r.find("t")->kind(), Value::Kind::Tuple);
  EXPECT_FALSE(r.find("plain")->is_ordered_dict());
  EXPECT_EQ(r.find("plain")->toDict()[0].first.toInt(), 1);
  EXPECT_THROW(r.find("s")->toInt(), Error);
}

TEST(Serialize, ModuleRoundTripAndStrictLoad) {
  manual_seed(0);
  nn::Linear a(3, 2);
  const std::string path = testing::TempDir() + "/torsh_module.pt";
  save(a, path);
  manual_seed(1);
  nn::Linear b(3, 2);
  EXPECT_FALSE(torsh::equal(a->weight, b->weight));
  load(b, path);
  EXPECT_TRUE(torsh::equal(a->weight, b->weight));
  EXPECT_TRUE(torsh::equal(a->bias, b->bias));
  EXPECT_TRUE(b->weight.requires_grad());  // still the module's parameter
  nn::Linear wrong(4, 2);
  const Tensor before = wrong->weight.clone();
  try {
    load(wrong, path);
    FAIL() << "a shape mismatch must raise";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("size mismatch for weight"), std::string::npos);
  }
  EXPECT_TRUE(torsh::equal(before, wrong->weight));  // nothing copied
  std::remove(path.c_str());
}

TEST(Serialize, MalformedArchivesRaise) {
  const std::vector<char> good = pickle_save(sample());
  for (size_t cut = 0; cut < good.size(); cut += 7) {
    std::vector<char> bad(good.begin(), good.begin() + static_cast<ptrdiff_t>(cut));
    EXPECT_THROW(pickle_load(bad), Error) << cut;
  }
  for (size_t i = 0; i < good.size(); i += 3) {  // flipped bytes: an error or a value, no crash
    std::vector<char> bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    try {
      pickle_load(bad);
    } catch (const Error&) {
    }
  }
}

TEST(Serialize, ForbiddenGlobalsAndBadPicklesRaise) {
  auto archive = [](const std::string& pkl) {
    serialize::ZipWriter zip;
    zip.add("archive/data.pkl", pkl.data(), pkl.size());
    zip.add("archive/version", "3\n", 2);
    return zip.finish();
  };
  // os.system("id"), as a protocol-2 pickle: refused at the GLOBAL, before anything runs
  const std::string evil = std::string(
      "\x80\x02"
      "cposix\nsystem\n"
      "X\x02\x00\x00\x00"
      "id\x85R.",
      22);
  try {
    pickle_load(archive(evil));
    FAIL() << "a forbidden global must raise";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("posix.system"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(pickle_load(archive(std::string("\x80\x02K\x07.", 5))));
  EXPECT_EQ(pickle_load(archive(std::string("\x80\x02K\x07.", 5))).toInt(), 7);
  for (const std::string& bad : {std::string("\x80\x02."),             // empty stack at STOP
                                 std::string("\x80\x02h\x05."),        // memo never stored
                                 std::string("\x80\x02(K\x01u."),      // SETITEMS without a dict
                                 std::string("\x80\x02\x8a\x09.", 5),  // a 9-byte integer
                                 std::string("\x80\x02\xff."),         // unknown opcode
                                 std::string("\x80\x02X\xff\xff\xff\xff."),  // length past end
                                 std::string("\x80\x02]K\x01"
                                             "a")}) {  // no STOP
    EXPECT_THROW(pickle_load(archive(bad)), Error) << bad.size();
  }
}

TEST(Serialize, SafetensorsRoundTripAndBadHeaders) {
  manual_seed(2);
  const std::string path = testing::TempDir() + "/torsh_st.safetensors";
  const Tensor w = randn({3, 2}), ids = arange(4), mask = tensor({true, false});
  safetensors::save({{"w", w}, {"ids", ids}, {"mask", mask}}, path, {{"format", "pt"}});
  std::map<std::string, std::string> meta;
  const auto got = safetensors::load(path, &meta);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(meta.at("format"), "pt");
  for (const auto& [name, t] : got) {
    const Tensor& want = name == "w" ? w : name == "ids" ? ids : mask;
    EXPECT_TRUE(torsh::equal(t, want)) << name;
  }
  // every truncation raises; a header that is not JSON raises
  std::FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::vector<char> bytes(4096);
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), f));
  std::fclose(f);
  for (size_t cut = 0; cut < bytes.size(); cut += 5) {
    f = std::fopen(path.c_str(), "wb");
    std::fwrite(bytes.data(), 1, cut, f);
    std::fclose(f);
    EXPECT_THROW(safetensors::load(path), Error) << cut;
  }
  std::remove(path.c_str());
}
