#pragma once
// torch's sampling functions over the generator: bernoulli, multinomial, normal, poisson,
// binomial and randint_like, as free functions (torch::bernoulli(p), torch::multinomial(...)).
// With the same seed each draws what torch 1.13's CPU kernel draws, in the same order.
#include <cstdint>
#include <optional>

#include "torsh/core/generator.h"
#include "torsh/core/options.h"
#include "torsh/core/tensor.h"

namespace torsh {

/// 1 with probability input[i], else 0, in input's dtype; a zero gradient for input.
Tensor bernoulli(const Tensor& input, std::optional<Generator> generator = std::nullopt);
/// A tensor shaped and typed like input of Bernoulli(p) draws.
Tensor bernoulli(const Tensor& input, double p, std::optional<Generator> generator = std::nullopt);
/// For each row of a 1-D or 2-D tensor of non-negative weights, num_samples category indices
/// (int64): without replacement the exponential race (argmax / topk of p / Exp(1)), with
/// replacement one float64 uniform per sample looked up in the row's cumulative distribution.
Tensor multinomial(const Tensor& input, int64_t num_samples, bool replacement = false,
                   std::optional<Generator> generator = std::nullopt);
/// N(mean, std) with mean and std broadcast together; both get a zero gradient.
Tensor normal(const Tensor& mean, const Tensor& std,
              std::optional<Generator> generator = std::nullopt);
Tensor normal(const Tensor& mean, double std = 1,
              std::optional<Generator> generator = std::nullopt);
Tensor normal(double mean, const Tensor& std, std::optional<Generator> generator = std::nullopt);
/// A new tensor of `size` filled with N(mean, std) draws.
Tensor normal(double mean, double std, IntArrayRef size,
              std::optional<Generator> generator = std::nullopt, TensorOptions options = {});
/// One Poisson draw per element with the element as its rate, in the rates' dtype.
Tensor poisson(const Tensor& rates, std::optional<Generator> generator = std::nullopt);
/// One Binomial(count, prob) draw per element (float or double; count and prob of one dtype).
Tensor binomial(const Tensor& count, const Tensor& prob,
                std::optional<Generator> generator = std::nullopt);
/// Integers drawn uniformly from [0, high) / [low, high) in a tensor shaped like self (self's
/// dtype unless options give one).
Tensor randint_like(const Tensor& self, int64_t high, TensorOptions options = {});
Tensor randint_like(const Tensor& self, int64_t low, int64_t high, TensorOptions options = {});

}  // namespace torsh
