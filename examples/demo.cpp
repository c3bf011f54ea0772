// A short tour of torsh: tensors, broadcasting, reductions, matmul, PyTorch's random streams,
// errors, and autograd fitting a line by gradient descent.
#include <cstdio>
#include <iostream>

#include "torsh/torsh.h"

int main() {
  torsh::manual_seed(0);
  auto a = torsh::tensor({{1.0, 2.0}, {3.0, 4.0}});
  auto b = torsh::arange(2);
  std::cout << "a =\n" << a << "\n";
  std::cout << "a + b =\n" << a + b << "\n";
  std::cout << "a.sum(0) = " << a.sum(std::vector<int64_t>{0}) << "\n";
  std::cout << "a @ a.t() =\n" << torsh::matmul(a, a.t()) << "\n";
  std::cout << "randn(2, 3) (same as torch.randn with seed 0) =\n" << torsh::randn({2, 3}) << "\n";
  try {
    (void)(torsh::ones({2, 3}) + torsh::ones({4}));
  } catch (const torsh::Error& e) {
    std::cout << "error: " << e.what() << "\n";
  }

  // Autograd: fit y = 3x - 1 from noisy samples with plain gradient descent.
  auto x = torsh::linspace(-1, 1, 64).unsqueeze(1);
  auto y = x * 3.0 - 1.0 + torsh::randn({64, 1}) * 0.05;
  auto w = torsh::zeros({1, 1}).requires_grad_();
  auto c = torsh::zeros({1}).requires_grad_();
  for (int step = 0; step <= 200; ++step) {
    auto loss = ((x.mm(w) + c - y) * (x.mm(w) + c - y)).mean();
    loss.backward();
    {
      torsh::NoGradGuard no_grad;
      w -= w.grad() * 0.5;
      c -= c.grad() * 0.5;
      w.mutable_grad().zero_();
      c.mutable_grad().zero_();
    }
    if (step % 50 == 0) {
      std::printf("step %3d  loss %.5f  w %.4f  b %.4f  (grad_fn of loss: %s)\n", step,
                  loss.item<double>(), w.item<double>(), c.item<double>(),
                  loss.grad_fn()->name().c_str());
    }
  }
  return 0;
}
