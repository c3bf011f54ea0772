// What the module parity programs print, built against libtorch or torsh alike: a module, its
// parameters (name, shape, a position-weighted sum) and their gradients.
#pragma once
#include <torch/torch.h>

#include <cstdio>
#include <iostream>

/// sum(t * sin(index)): sensitive to where each value sits, not only to the total.
inline double weighted(const torch::Tensor& t) {
  torch::Tensor w = torch::arange(t.numel(), torch::kFloat64).reshape(t.sizes()).sin();
  return (t.detach().to(torch::kFloat64) * w).sum().item<double>();
}

inline void params(torch::nn::Module& m) {
  std::cout << m << "\n";
  for (const auto& p : m.named_parameters()) {
    std::printf("  %s %s %.6f\n", p.key().c_str(), torch::str(p.value().sizes()).c_str(),
                weighted(p.value()));
  }
}

inline void grads(torch::nn::Module& m) {
  for (const auto& p : m.named_parameters()) {
    if (p.value().grad().defined()) {
      std::printf("  grad %s %.6f\n", p.key().c_str(), weighted(p.value().grad()));
    }
  }
}
