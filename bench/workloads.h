#pragma once
// The workload list, written once against a libtorch-like API: NS is torsh or torch.
// Each library's binary includes this with its own namespace alias.
#include <cstdlib>
#include <cstring>

#include "timer.h"

namespace bench {

template <typename Lib>
void run_all(const char* only) {
  auto want = [&](const char* n) { return !only || std::strstr(n, only) != nullptr; };
  using T = typename Lib::Tensor;
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
  for (int64_t s : {256, 1024, 2048}) {
    T a = Lib::rand2d(s, s), b = Lib::rand2d(s, s);
    char name[64];
    std::snprintf(name, sizeof(name), "matmul_%ld", static_cast<long>(s));
    if (want(name)) run(name, s >= 2048 ? 2 : (s >= 1024 ? 5 : 50), 7, [&] { T c = a.matmul(b); });
  }
}

}  // namespace bench
