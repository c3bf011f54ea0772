// libtorch side of bench/: the same workloads through PyTorch's C++ API.
#include <torch/torch.h>

#include "workloads.h"

struct TorchLib {
  using Tensor = torch::Tensor;
  static Tensor ones1() { return torch::ones({1}); }
  static Tensor rand1d(int64_t n) { return torch::rand({n}); }
  static Tensor rand2d(int64_t r, int64_t c) { return torch::rand({r, c}); }
  using EnableGrad = torch::AutoGradMode;
  using Linear = torch::nn::Linear;
  using ReLU = torch::nn::ReLU;
  using Sequential = torch::nn::Sequential;
  static auto max_dim(const Tensor& t, int64_t d) { return torch::max(t, d); }
  static Tensor sum_dim(const Tensor& t, int64_t d) { return t.sum(std::vector<int64_t>{d}); }
  /// r x c (c = 0: a vector of r) int64 indices in [0, hi).
  static Tensor rand_index(int64_t r, int64_t c, int64_t hi) {
    Tensor u = c > 0 ? torch::rand({r, c}) : torch::rand({r});
    return (u * static_cast<double>(hi)).to(torch::kLong);
  }
  static Tensor einsum(const char* eq, const Tensor& a, const Tensor& b) {
    return torch::einsum(eq, {a, b});
  }
};

int main(int argc, char** argv) {
  const char* only = argc > 1 && std::strcmp(argv[1], "all") != 0 ? argv[1] : nullptr;
  if (const char* e = std::getenv("OMP_NUM_THREADS")) torch::set_num_threads(std::atoi(e));
  torch::NoGradGuard no_grad;
  bench::run_all<TorchLib>(only);
}
