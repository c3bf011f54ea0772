// A short tour of torsh tensors: creation, broadcasting, reductions, matmul, random numbers.
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
  std::cout << "randn(2, 3) =\n" << torsh::randn({2, 3}) << "\n";
  try {
    (void)(torsh::ones({2, 3}) + torsh::ones({4}));
  } catch (const torsh::Error& e) {
    std::cout << "error: " << e.what() << "\n";
  }
  return 0;
}
