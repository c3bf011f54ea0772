// torsh side of bench/: prints "workload median_ns" lines (and "rss_<phase>_MiB value").
// Usage: bench_torsh [filter] [nocache]
#include <torsh/torsh.h>

#include "workloads.h"

struct TorshLib {
  using Tensor = torsh::Tensor;
  static Tensor ones1() { return torsh::ones({1}); }
  static Tensor rand1d(int64_t n) { return torsh::rand({n}); }
  static Tensor rand2d(int64_t r, int64_t c) { return torsh::rand({r, c}); }
  using EnableGrad = torsh::AutoGradMode;
  using Linear = torsh::nn::Linear;
  using ReLU = torsh::nn::ReLU;
  using Sequential = torsh::nn::Sequential;
  static auto max_dim(const Tensor& t, int64_t d) { return torsh::max(t, d); }
  static Tensor sum_dim(const Tensor& t, int64_t d) { return t.sum(std::vector<int64_t>{d}); }
  /// r x c (c = 0: a vector of r) int64 indices in [0, hi).
  static Tensor rand_index(int64_t r, int64_t c, int64_t hi) {
    Tensor u = c > 0 ? torsh::rand({r, c}) : torsh::rand({r});
    return (u * static_cast<double>(hi)).to(torsh::kLong);
  }
  static Tensor einsum(const char* eq, const Tensor& a, const Tensor& b) {
    return torsh::einsum(eq, {a, b});
  }
};

int main(int argc, char** argv) {
  const char* only = argc > 1 && std::strcmp(argv[1], "all") != 0 ? argv[1] : nullptr;
  if (argc > 2 && std::strcmp(argv[2], "nocache") == 0) torsh::allocator::set_cache_limit(0);
  if (const char* e = std::getenv("OMP_NUM_THREADS")) torsh::set_num_threads(std::atoi(e));
  bench::run_all<TorshLib>(only);
}
