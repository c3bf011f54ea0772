// Units torch cannot check directly: storage sharing, allocator reuse, iterator coalescing,
// broadcasting rules, error types; plus the C++ API end to end.
#include <gtest/gtest.h>

#include <sstream>

#include "iter/tensor_iter.h"
#include "torsh/core/print_options.h"
#include "torsh/torsh.h"

using namespace torsh;

TEST(SizeVec, InlineAndHeap) {
  SizeVec v;
  for (int i = 0; i < 20; ++i) v.push_back(i);
  EXPECT_EQ(v.size(), 20u);
  EXPECT_EQ(v[19], 19);
  SizeVec w = v;
  w.erase(0);
  EXPECT_EQ(w[0], 1);
  w.insert(0, 42);
  EXPECT_EQ(w[0], 42);
  SizeVec m = std::move(w);
  EXPECT_EQ(m.size(), 20u);
}

TEST(Allocator, ReusesFreedBlocksOfTheSameBucket) {
  allocator::empty_cache();
  void* p = allocator::allocate(1 << 20);
  allocator::deallocate(p, 1 << 20);
  EXPECT_GE(allocator::cached_bytes(), size_t(1) << 20);
  void* q = allocator::allocate((1 << 20) - 100);  // same bucket
  EXPECT_EQ(p, q);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(q) % 64, 0u);
  allocator::deallocate(q, (1 << 20) - 100);
  allocator::empty_cache();
  EXPECT_EQ(allocator::cached_bytes(), 0u);
}

TEST(Allocator, CacheIsBounded) {
  allocator::empty_cache();
  allocator::set_cache_limit(1 << 20);
  void* a = allocator::allocate(1 << 20);
  void* b = allocator::allocate(1 << 20);
  allocator::deallocate(a, 1 << 20);
  allocator::deallocate(b, 1 << 20);  // over the limit: returned to the system
  EXPECT_LE(allocator::cached_bytes(), size_t(1) << 20);
  allocator::set_cache_limit(size_t(2) << 30);
  allocator::empty_cache();
}

TEST(Views, ShareStorageAndSeeWrites) {
  Tensor a = arange(12).view({3, 4});
  Tensor t = a.t();
  Tensor s = a.select(0, 1);
  EXPECT_EQ(t.unsafeGetTensorImpl()->storage().get(), a.unsafeGetTensorImpl()->storage().get());
  EXPECT_FALSE(t.is_contiguous());
  s.fill_(-1);
  EXPECT_EQ(a[1][2].item<int64_t>(), -1);
  EXPECT_EQ(t[2][1].item<int64_t>(), -1);
  EXPECT_EQ(s.storage_offset(), 4);
}

TEST(Views, ViewOfNonContiguousIsAnError) {
  Tensor a = zeros({3, 4}).t();
  EXPECT_THROW(a.view({12}), Error);
  EXPECT_NO_THROW(a.reshape({12}));
  EXPECT_THROW(a.select(5, 0), IndexError);
}

TEST(TensorIter, CoalescesContiguousDims) {
  Tensor a = ones({4, 5, 6}), b = ones({4, 5, 6}), out;
  auto it = detail::TensorIterConfig("add").add_output(out).add_input(a).add_input(b).build();
  EXPECT_EQ(it.ndim(), 1);
  EXPECT_EQ(it.numel(), 120);
  EXPECT_TRUE(it.is_contiguous());
}

TEST(TensorIter, BroadcastGivesZeroStrides) {
  Tensor a = ones({4, 1}), b = ones({5}), out;
  auto it = detail::TensorIterConfig("add").add_output(out).add_input(a).add_input(b).build();
  EXPECT_EQ(it.ndim(), 2);
  EXPECT_EQ(it.stride(1, 0), 0);  // a is broadcast along the fastest dim
  EXPECT_EQ(it.stride(2, 1), 0);  // b along the slow one
}

TEST(TensorIter, OutputFollowsInputLayout) {
  Tensor a = ones({3, 5}).t();  // strides (1, 5)
  Tensor r = a + a;
  EXPECT_EQ(r.strides()[0], 1);
  EXPECT_EQ(r.strides()[1], 5);
}

TEST(Broadcast, ErrorNamesTheOpAndSizes) {
  try {
    (void)(ones({2, 3}) + ones({4}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("add"), std::string::npos);
    EXPECT_NE(m.find("(3)"), std::string::npos);
    EXPECT_NE(m.find("(4)"), std::string::npos);
  }
}

TEST(Promotion, CategoriesAndWrappedNumbers) {
  Tensor i = ones({2}, kInt);
  EXPECT_EQ((i + 1).dtype(), kInt);
  EXPECT_EQ((i + 1.5).dtype(), kFloat);
  EXPECT_EQ((ones({2}, kHalf) + 1.5).dtype(), kHalf);
  EXPECT_EQ((i + ones({}, kLong)).dtype(), kInt);       // 0-dim int does not widen
  EXPECT_EQ((i + ones({}, kDouble)).dtype(), kDouble);  // 0-dim float of higher category does
  EXPECT_EQ(promote_types(kByte, kChar), kShort);
  EXPECT_EQ(promote_types(kHalf, kBFloat16), kFloat);
}

TEST(Errors, InPlaceCannotChangeDtypeOrShape) {
  Tensor i = ones({3}, kLong);
  EXPECT_THROW(i.add_(ones({3}, kFloat)), Error);
  Tensor small = ones({3});
  EXPECT_THROW(small.add_(ones({2, 3})), Error);
}

TEST(Devices, ParseLikeTorch) {
  EXPECT_EQ(Device("cpu"), Device(kCPU));
  EXPECT_EQ(Device("cuda:1"), Device(kCUDA, 1));
  EXPECT_EQ(Device("cpu:0").index, 0);
  EXPECT_EQ(Device("mps").type, kMPS);
  EXPECT_EQ(Device("cuda:12").str(), "cuda:12");
  EXPECT_EQ(Device("privateuseone").str(), "privateuseone");
  for (const char* bad : {"banana", "CPU", "", "cpu:", "cpu:-1", "cpu:01", "cuda:a", "cuda:1:2",
                          " cpu", "cpu ", ":0", "cuda:+1"}) {
    EXPECT_THROW(Device{std::string(bad)}, Error) << bad;
  }
  try {
    Device d("banana");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("device type at start of device string: banana"),
              std::string::npos);
  }
}

// A CPU-only build refuses CUDA instead of silently keeping tensors on the CPU.
TEST(Devices, CudaIsRefusedNotIgnored) {
  Tensor t = ones({2});
  EXPECT_THROW(t.to(kCUDA), Error);
  EXPECT_THROW(t.to(Device(kCUDA)), Error);
  EXPECT_THROW(t.to(Device("cuda:0"), kDouble), Error);
  EXPECT_THROW(t.to(TensorOptions(kDouble).device(kCUDA)), Error);
  EXPECT_THROW(t.cuda(), Error);
  EXPECT_THROW(t.to(kMPS), Error);
  EXPECT_THROW(zeros({2}, device(kCUDA)), Error);
  EXPECT_THROW(randn({2}, device(kCUDA)), Error);
  EXPECT_THROW(tensor({1.0, 2.0}, device(kCUDA)), Error);
  EXPECT_THROW(scalar_tensor(1, device(kCUDA)), Error);
  try {
    (void)t.to(kCUDA);
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "Torch not compiled with CUDA enabled");
  }
  EXPECT_EQ(t.to(kCPU).dtype(), kFloat);
  EXPECT_EQ(t.to(Device("cpu:0"), kDouble).dtype(), kDouble);
  EXPECT_EQ(zeros({2}, device(Device("cpu"))).numel(), 2);
}

TEST(Printing, MatchesTorchFormat) {
  EXPECT_EQ(repr(tensor({{1.0, 2.0}, {3.0, 4.0}})), "tensor([[1., 2.],\n        [3., 4.]])");
  EXPECT_EQ(repr(arange(3)), "tensor([0, 1, 2])");
  EXPECT_EQ(repr(ones({2}, kInt)), "tensor([1, 1], dtype=torch.int32)");
  EXPECT_EQ(repr(zeros({0, 3})), "tensor([], size=(0, 3))");
  EXPECT_EQ(repr(tensor({1.5})), "tensor([1.5000])");
}

// operator<< and toString() as libtorch: values, then the type and sizes (tests/compat/cpp's
// print_program compares many more cases with libtorch itself).
TEST(Printing, StreamIsLibtorchFormat) {
  std::ostringstream os;
  os << tensor({{1.0, 2.5}, {-3.0, 4.0}});
  EXPECT_EQ(os.str(), " 1.0000  2.5000\n-3.0000  4.0000\n[ CPUFloatType{2,2} ]");
  EXPECT_EQ(arange(3).toString(), "CPULongType");
  std::ostringstream scalar;
  scalar << std::fixed << tensor(7) << ' ' << 0.5;  // the caller's stream state survives
  EXPECT_EQ(scalar.str(), "7\n[ CPULongType{} ] 0.500000");
}

TEST(CppApi, EndToEnd) {
  manual_seed(0);
  Tensor w = randn({4, 3});
  Tensor x = rand({8, 4});
  Tensor y = relu(matmul(x, w)).sum(std::vector<int64_t>{1}, /*keepdim=*/true);
  EXPECT_EQ(y.sizes().vec(), (std::vector<int64_t>{8, 1}));
  // Matches the same computation done by hand with loops.
  for (int64_t r = 0; r < 8; ++r) {
    double acc = 0;
    for (int64_t c = 0; c < 3; ++c) {
      double v = 0;
      for (int64_t k = 0; k < 4; ++k) v += x[r][k].item<double>() * w[k][c].item<double>();
      acc += v > 0 ? v : 0;
    }
    EXPECT_NEAR(y[r][0].item<double>(), acc, 1e-5);
  }
  Tensor z = torsh::zeros({2, 2}, dtype(kInt64));
  z += 3;
  EXPECT_EQ(z.sum().item<int64_t>(), 12);
}

// libtorch's factory out= spelling: the result takes out's dtype; out is resized to the
// result's sizes (arange keeps out's shape when the element count matches).
TEST(CppApi, FactoryOut) {
  Tensor out = torsh::empty({0}, dtype(kFloat));
  Tensor& r = torsh::arange_out(out, 4);
  EXPECT_TRUE(r.is_same(out));
  EXPECT_EQ(out.dtype(), kFloat);
  EXPECT_EQ(repr(out), "tensor([0., 1., 2., 3.])");
  Tensor grid = torsh::empty({2, 2}, dtype(kInt64));
  torsh::arange_out(grid, 4);
  EXPECT_EQ(grid.sizes().vec(), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(grid[1][0].item<int64_t>(), 2);
  Tensor z = torsh::empty({7}, dtype(kInt));
  torsh::zeros_out(z, {2, 3});
  EXPECT_EQ(z.sizes().vec(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(z.abs().sum().item<int64_t>(), 0);
  Tensor e = torsh::empty({0}, dtype(kDouble));
  torsh::eye_out(e, 2, 3);
  EXPECT_EQ(repr(e), "tensor([[1., 0., 0.],\n        [0., 1., 0.]], dtype=torch.float64)");
  Tensor l = torsh::empty({0}, dtype(kInt64));
  torsh::linspace_out(l, 0, 1, 5);  // computed in int64, as torch
  EXPECT_EQ(repr(l), "tensor([0, 0, 0, 0, 1])");
}
