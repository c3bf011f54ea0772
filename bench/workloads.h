#pragma once
// The workload list, written once against a libtorch-like API: NS is torsh or torch.
// Each library's binary includes this with its own namespace alias.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <unistd.h>

#include "timer.h"

namespace bench {

/// Resident set size of this process in MiB (/proc/self/statm).
inline double rss_mib() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

/// Memory held after use: RSS before, at the peak and after freeing 1 GiB held in tensors of
/// 256, 128, 64 and 4 MiB (half of them op outputs). Prints "rss_<phase>_MiB value" lines.
template <typename Lib>
void rss_after_free() {
  using T = typename Lib::Tensor;
  const double before = rss_mib();
  double peak = 0;
  {
    std::vector<T> keep;
    for (auto [n, k] : {std::pair<int64_t, int>{int64_t(1) << 26, 2},
                        {int64_t(1) << 25, 2},
                        {int64_t(1) << 24, 3},
                        {int64_t(1) << 20, 16}}) {
      for (int i = 0; i < k; ++i) keep.push_back(i % 2 == 0 ? Lib::rand1d(n) : Lib::rand1d(n) + 1);
    }
    peak = rss_mib();
  }
  std::printf("rss_before_MiB %.1f\nrss_peak_MiB %.1f\nrss_after_free_MiB %.1f\n", before, peak,
              rss_mib());
  std::fflush(stdout);
}

template <typename Lib>
void run_all(const char* only) {
  auto want = [&](const char* n) { return !only || std::strstr(n, only) != nullptr; };
  using T = typename Lib::Tensor;
  if (want("rss_after_free")) rss_after_free<Lib>();  // first: a clean process to measure
  {
    T a = Lib::ones1(), b = Lib::ones1();
    if (want("overhead_add_1elem")) run("overhead_add_1elem", 20000, 15, [&] { T c = a + b; });
  }
  const int64_t n = int64_t(1) << 24;
  T x = Lib::rand1d(n), y = Lib::rand1d(n);
  if (want("add_2^24")) run("add_2^24", 10, 9, [&] { T c = x + y; });
  if (want("mul_2^24")) run("mul_2^24", 10, 9, [&] { T c = x * y; });
  if (want("exp_2^24")) run("exp_2^24", 5, 9, [&] { T c = x.exp(); });
  if (want("tanh_2^24")) run("tanh_2^24", 5, 9, [&] { T c = x.tanh(); });
  if (want("sigmoid_2^24")) run("sigmoid_2^24", 5, 9, [&] { T c = x.sigmoid(); });
  if (want("relu_2^24")) run("relu_2^24", 10, 9, [&] { T c = x.relu(); });
  if (want("sum_2^24")) run("sum_2^24", 10, 9, [&] { T c = x.sum(); });
  {
    T m = Lib::rand2d(4096, 4096);
    if (want("max_lastdim_4096x4096")) {
      run("max_lastdim_4096x4096", 5, 9, [&] { auto r = Lib::max_dim(m, 1); });
    }
    if (want("max_dim0_4096x4096")) {
      run("max_dim0_4096x4096", 5, 9, [&] { auto r = Lib::max_dim(m, 0); });
    }
    if (want("sum_dim0_4096x4096")) {
      run("sum_dim0_4096x4096", 5, 9, [&] { T r = Lib::sum_dim(m, 0); });
    }
    if (want("sum_dim1_4096x4096")) {
      run("sum_dim1_4096x4096", 5, 9, [&] { T r = Lib::sum_dim(m, 1); });
    }
  }
  {
    // Autograd: engine overhead on a chain of 1000 small ops, and an MLP step's backward.
    typename Lib::EnableGrad enable(true);
    T x = Lib::ones1().requires_grad_();
    if (want("autograd_chain_1000")) {
      run("autograd_chain_1000", 20, 9, [&] {
        T y = x;
        for (int i = 0; i < 500; ++i) y = (y * 1.0001) + 0.5;
        y.sum().backward();
      });
    }
    T in = Lib::rand2d(128, 784);
    T w1 = (Lib::rand2d(512, 784) * 0.05).requires_grad_(),
      b1 = (Lib::rand1d(512)).requires_grad_();
    T w2 = (Lib::rand2d(256, 512) * 0.05).requires_grad_(),
      b2 = (Lib::rand1d(256)).requires_grad_();
    T w3 = (Lib::rand2d(10, 256) * 0.05).requires_grad_(), b3 = (Lib::rand1d(10)).requires_grad_();
    if (want("mlp_784_512_256_10_fwd_bwd")) {
      run("mlp_784_512_256_10_fwd_bwd", 10, 9, [&] {
        T h1 = (in.mm(w1.t()) + b1).relu();
        T h2 = (h1.mm(w2.t()) + b2).relu();
        T out = h2.mm(w3.t()) + b3;
        out.sum().backward();
      });
    }
  }
  {
    // Small-model overhead (the nn issue): nn::Linear(16, 16) forward on [1, 16], a 3-layer MLP
    // forward+backward, a Sequential of 10 small layers forward.
    typename Lib::EnableGrad grad_on(true);
    typename Lib::Linear lin(16, 16);
    T v = Lib::rand2d(1, 16);
    if (want("nn_linear16_fwd")) run("nn_linear16_fwd", 20000, 15, [&] { T y = lin->forward(v); });
    typename Lib::Sequential mlp(typename Lib::Linear(16, 16), typename Lib::ReLU(),
                                 typename Lib::Linear(16, 16), typename Lib::ReLU(),
                                 typename Lib::Linear(16, 1));
    if (want("nn_mlp3_fwd_bwd")) {
      run("nn_mlp3_fwd_bwd", 5000, 15, [&] {
        mlp->zero_grad();
        mlp->forward(v).sum().backward();
      });
    }
    typename Lib::Sequential seq;
    for (int i = 0; i < 5; ++i) {
      seq->push_back(typename Lib::Linear(16, 16));
      seq->push_back(typename Lib::ReLU());
    }
    if (want("nn_seq10_fwd")) run("nn_seq10_fwd", 5000, 15, [&] { T y = seq->forward(v); });
  }
  for (int64_t s : {256, 1024, 2048}) {
    T a = Lib::rand2d(s, s), b = Lib::rand2d(s, s);
    char name[64];
    std::snprintf(name, sizeof(name), "matmul_%ld", static_cast<long>(s));
    if (want(name)) run(name, s >= 2048 ? 2 : (s >= 1024 ? 5 : 50), 7, [&] { T c = a.matmul(b); });
  }
  {
    // Index kernels on 2^22 elements: gather and scatter_add along the last dim (random
    // indices), index_add of 2048 random rows.
    T src = Lib::rand2d(2048, 2048), idx = Lib::rand_index(2048, 2048, 2048);
    T rows = Lib::rand_index(2048, 0, 2048);
    if (want("gather_2^22")) run("gather_2^22", 5, 9, [&] { T r = src.gather(1, idx); });
    if (want("scatter_add_2^22")) {
      run("scatter_add_2^22", 5, 9, [&] { T r = src.scatter_add(1, idx, src); });
    }
    if (want("index_add_2^22")) {
      run("index_add_2^22", 5, 9, [&] { T r = src.index_add(0, rows, src); });
    }
  }
  {
    // Sorting and selection along the last dim of [1024, 4096] (uniform floats).
    T s = Lib::rand2d(1024, 4096);
    if (want("sort_lastdim_1024x4096")) {
      run("sort_lastdim_1024x4096", 2, 9, [&] { auto r = s.sort(-1); });
    }
    if (want("topk10_lastdim_1024x4096")) {
      run("topk10_lastdim_1024x4096", 5, 9, [&] { auto r = s.topk(10, -1); });
    }
  }
  {
    // einsum mapped to bmm: a batched matmul and attention scores (q @ k^T per head).
    T a = Lib::rand1d(64 * 128 * 128).reshape({64, 128, 128});
    T b = Lib::rand1d(64 * 128 * 128).reshape({64, 128, 128});
    if (want("einsum_bij_bjk_64x128x128")) {
      run("einsum_bij_bjk_64x128x128", 10, 9, [&] { T r = Lib::einsum("bij,bjk->bik", a, b); });
    }
    T q = Lib::rand1d(8 * 8 * 256 * 64).reshape({8, 8, 256, 64});
    T k = Lib::rand1d(8 * 8 * 256 * 64).reshape({8, 8, 256, 64});
    if (want("einsum_bhqd_bhkd_8x8x256x64")) {
      run("einsum_bhqd_bhkd_8x8x256x64", 10, 9,
          [&] { T r = Lib::einsum("bhqd,bhkd->bhqk", q, k); });
    }
  }
}

}  // namespace bench
