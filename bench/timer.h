#pragma once
// Median-of-samples timing shared by the torsh and libtorch benchmark binaries.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace bench {

/// Runs f in samples of `iters` calls after a warm-up; prints "name median_ns_per_call".
template <typename F>
void run(const char* name, int iters, int samples, F&& f) {
  for (int i = 0; i < std::max(1, iters / 4); ++i) f();
  std::vector<double> t;
  for (int s = 0; s < samples; ++s) {
    auto a = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) f();
    auto b = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::nano>(b - a).count() / iters);
  }
  std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
  std::printf("%s %.1f\n", name, t[t.size() / 2]);
  std::fflush(stdout);
}

}  // namespace bench
