// torch's sampling functions (bernoulli, multinomial, normal, poisson, binomial, randint_like)
// over the generator and the random fills of random.cpp. Each consumes the generator as torch
// 1.13's CPU kernel does, so the same seed gives the same samples.
#include "torsh/random_sampling.h"

#include <cmath>
#include <mutex>
#include <string>
#include <vector>

#include "core/dispatch.h"
#include "core/generator_state.h"
#include "ops/shape.h"
#include "torsh/autograd/node.h"
#include "torsh/core/grad_mode.h"
#include "torsh/core/warning.h"
#include "torsh/generated/functions.h"

namespace torsh {

namespace {
using detail::GeneratorState;

GeneratorState& state_of(const std::optional<Generator>& g) {
  return g ? *g->state() : *default_generator().state();
}

// A float64 uniform in [0, 1) from 53 bits of one 64-bit draw (the caller holds g.mu).
double uniform53(GeneratorState& g) {
  return static_cast<double>(g.random64() & ((uint64_t(1) << 53) - 1)) *
         (1.0 / static_cast<double>(uint64_t(1) << 53));
}

// The backward of a sample drawn with parameters that require grad: torch gives each of them a
// zero gradient (BernoulliBackward0, NormalBackward1-3, PoissonBackward0), not a
// reparameterised one.
class SampleBackward : public autograd::Node {
 public:
  explicit SampleBackward(const char* name) : name_(name) {}
  autograd::variable_list apply(autograd::variable_list&& grads) override {
    autograd::variable_list out;
    for (const autograd::InputMeta& m : input_meta_) {
      out.push_back(grads[0].defined() ? torsh::zeros(m.sizes, TensorOptions(m.dtype)) : Tensor());
    }
    return out;
  }
  std::string name() const override { return name_; }

 private:
  const char* name_;
};

// The backward of an op whose derivative torch does not implement (its grad_fn is named
// NotImplemented): raises when backward reaches it.
class NotImplementedBackward : public autograd::Node {
 public:
  explicit NotImplementedBackward(const char* op) : op_(op) {}
  autograd::variable_list apply(autograd::variable_list&&) override {
    TORSH_CHECK(false, "derivative for aten::", op_, " is not implemented");
    return {};
  }
  std::string name() const override { return "NotImplemented"; }

 private:
  const char* op_;
};

// Links sample to the parameters it was drawn with, when one of them requires grad.
Tensor with_zero_gradient(const Tensor& sample, const char* name, const Tensor& a,
                          const Tensor& b = Tensor()) {
  const bool needs = GradMode::is_enabled() && ((a.defined() && autograd::requires_grad(a)) ||
                                                (b.defined() && autograd::requires_grad(b)));
  if (!needs) return sample;
  auto node = std::make_shared<SampleBackward>(name);
  for (const Tensor* t : {&a, &b}) {
    if (t->defined()) autograd::add_input(*node, *t);
  }
  autograd::set_history(sample, node, 0);
  return sample;
}

bool is_float_or_double(ScalarType t) { return t == kFloat || t == kDouble; }

// ---- multinomial ------------------------------------------------------------------------------

// Without replacement: the exponential race (Gumbel top-k) of torch's kernel, with its checks.
Tensor multinomial_race(const Tensor& p, int64_t n, std::optional<Generator> generator) {
  TORSH_CHECK((p.max().item<double>() < INFINITY) && (p.min().item<double>() >= 0),
              "probability tensor contains either `inf`, `nan` or element < 0");
  TORSH_CHECK(!torsh::eq(p.sum(-1), 0).any().item<bool>(),
              "invalid multinomial distribution (sum of probabilities <= 0)");
  Tensor q = torsh::empty_like(p);
  q.exponential_(1, generator);
  q = torsh::div(p, q);
  if (n == 1) return torsh::argmax(q, -1, true);
  return std::get<1>(torsh::topk(q, n));
}

// With replacement: per row, the cumulative distribution summed sequentially in T, normalised
// by its last value with the last edge set to 1; one float64 uniform per sample, looked up by
// binary search (the first edge not below it).
template <typename T>
void multinomial_cumulative(const Tensor& probs, int64_t n, Tensor& out, GeneratorState& g) {
  const int64_t rows = probs.size(0), cats = probs.size(1);
  const T* p = probs.data_ptr<T>();
  int64_t* res = out.data_ptr<int64_t>();
  std::vector<T> cum(static_cast<size_t>(cats));
  std::lock_guard<std::mutex> lock(g.mu);
  for (int64_t r = 0; r < rows; ++r) {
    T sum = 0;
    for (int64_t j = 0; j < cats; ++j) {
      const T v = p[r * cats + j];
      TORSH_CHECK(v >= 0, "invalid multinomial distribution (encountering probability entry < 0)");
      TORSH_CHECK(std::isfinite(static_cast<double>(v)),
                  "invalid multinomial distribution (encountering probability entry = infinity "
                  "or NaN)");
      sum += v;
      cum[static_cast<size_t>(j)] = sum;
    }
    TORSH_CHECK(sum > 0, "invalid multinomial distribution (sum of probabilities <= 0)");
    for (T& c : cum) c /= sum;
    cum.back() = 1;
    for (int64_t s = 0; s < n; ++s) {
      const double u = uniform53(g);
      int64_t lo = 0, hi = cats;
      while (hi - lo > 0) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (static_cast<double>(cum[static_cast<size_t>(mid)]) < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      res[r * n + s] = lo;
    }
  }
}

// ---- poisson and binomial ---------------------------------------------------------------------

// One Poisson(lam) draw, the algorithm of torch's CPU kernel: Hörmann's transformed rejection
// (PTRS) for lam >= 10, else counting uniforms until their product falls to exp(-lam).
double sample_poisson(double lam, GeneratorState& g) {
  if (lam >= 10) {
    const double slam = std::sqrt(lam);
    const double loglam = std::log(lam);
    const double b = 0.931 + 2.53 * slam;
    const double a = -0.059 + 0.02483 * b;
    const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const double vr = 0.9277 - 3.6224 / (b - 2);
    while (true) {
      const double u = uniform53(g) - 0.5;
      const double v = uniform53(g);
      const double us = 0.5 - std::fabs(u);
      const double k = std::floor((2 * a / us + b) * u + lam + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if ((std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b)) <=
          (-lam + k * loglam - std::lgamma(k + 1.0))) {
        return k;
      }
    }
  }
  if (lam == 0) return 0;
  const double enlam = std::exp(-lam);
  double x = 0, prod = 1.0;
  while (true) {
    prod *= uniform53(g);
    if (prod > enlam) {
      x += 1;
    } else {
      return x;
    }
  }
}

// The tail of Stirling's series for log(k!), tabulated for k <= 9 (BTRS, Hörmann 1993).
double stirling_tail(double k) {
  static const double table[] = {0.0810614667953272,  0.0413406959554092, 0.0276779256849983,
                                 0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                                 0.0118967099458917,  0.0104112652619720, 0.00925546218271273,
                                 0.00833056343336287};
  if (k <= 9) return table[static_cast<size_t>(k)];
  const double kp1sq = (k + 1) * (k + 1);
  return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

// Binomial by transformed rejection (BTRS) for count * prob >= 10; the expressions keep the
// element type T where torch's kernel does (count and prob products), double elsewhere.
template <typename T>
T binomial_btrs(T count, T prob, GeneratorState& g) {
  const double stddev = std::sqrt(count * prob * (1 - prob));
  const double b = 1.15 + 2.53 * stddev;
  const double a = -0.0873 + 0.0248 * b + 0.01 * prob;
  const double c = count * prob + 0.5;
  const double v_r = 0.92 - 4.2 / b;
  const double r = prob / (1 - prob);
  const double alpha = (2.83 + 5.1 / b) * stddev;
  const double m = std::floor((count + 1) * prob);
  while (true) {
    const double u = uniform53(g) - 0.5;
    double v = uniform53(g);
    const double us = 0.5 - std::fabs(u);
    const T k = static_cast<T>(std::floor((2 * a / us + b) * u + c));
    if (k < 0 || k > count) continue;
    if (us >= 0.07 && v <= v_r) return k;
    v = std::log(v * alpha / (a / (us * us) + b));
    const double bound = (m + 0.5) * std::log((m + 1) / (r * (count - m + 1))) +
                         (count + 1) * std::log((count - m + 1) / (count - k + 1)) +
                         (k + 0.5) * std::log(r * (count - k + 1) / (k + 1)) + stirling_tail(m) +
                         stirling_tail(count - m) - stirling_tail(k) - stirling_tail(count - k);
    if (v <= bound) return k;
  }
}

// Binomial by inversion: the number of geometric waiting times that fit in count.
template <typename T>
T binomial_inversion(T count, T prob, GeneratorState& g) {
  double geom_sum = 0;
  T num = 0;
  const double logprob = std::log1p(-prob);
  while (true) {
    const double geom = std::ceil(std::log(uniform53(g)) / logprob);
    geom_sum += geom;
    if (geom_sum > count) break;
    num = num + 1;
  }
  return num;
}

template <typename T>
T sample_binomial(T count, T prob, GeneratorState& g) {
  if (count <= 0.0 || prob <= 0.0) return 0;
  // torch's kernel never returns for a NaN or infinite count (its loops cannot end); NaN here.
  if (!std::isfinite(static_cast<double>(count))) return static_cast<T>(NAN);
  if (prob >= 1.0) return count;
  if (prob <= 0.5) {
    return count * prob >= 10.0 ? binomial_btrs<T>(count, prob, g)
                                : binomial_inversion<T>(count, prob, g);
  }
  if (prob > 0.5) {
    const T q = 1.0 - prob;
    return count * q >= 10.0 ? count - binomial_btrs<T>(count, q, g)
                             : count - binomial_inversion<T>(count, q, g);
  }
  return static_cast<T>(NAN);
}
}  // namespace

Tensor bernoulli(const Tensor& input, std::optional<Generator> generator) {
  Tensor result = torsh::empty_like(input, {}, MemoryFormat::Contiguous);  // as torch
  {
    NoGradGuard no_grad;
    result.bernoulli_(input.detach(), generator);
  }
  return with_zero_gradient(result, "BernoulliBackward0", input);
}

Tensor bernoulli(const Tensor& input, double p, std::optional<Generator> generator) {
  Tensor result = torsh::empty_like(input, {}, MemoryFormat::Contiguous);  // as torch
  result.bernoulli_(p, generator);
  return result;
}

Tensor multinomial(const Tensor& input, int64_t num_samples, bool replacement,
                   std::optional<Generator> generator) {
  TORSH_CHECK(input.dim() > 0 && input.dim() <= 2, "prob_dist must be 1 or 2 dim");
  TORSH_CHECK(is_floating_point(input.dtype()),
              "multinomial only supports floating-point dtypes for input, got: ",
              scalar_type_name(input.dtype()));
  TORSH_CHECK(input.dtype() != kHalf, "multinomial is not implemented for half on CPU");
  TORSH_CHECK(num_samples > 0, "cannot sample n_sample <= 0 samples");
  const int64_t cats = input.size(-1);
  TORSH_CHECK(replacement || num_samples <= cats,
              "cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  TORSH_CHECK(cats <= (int64_t(1) << 24), "number of categories cannot exceed 2^24");
  SizeVec shape = input.dim() == 1 ? SizeVec{num_samples} : SizeVec{input.size(0), num_samples};
  if (input.numel() == 0) return torsh::empty(shape, TensorOptions(kLong));
  NoGradGuard no_grad;
  const Tensor p = input.detach();
  if (!replacement) return multinomial_race(p, num_samples, generator);
  Tensor probs = (p.dtype() == kBFloat16 ? p.to(kFloat) : p).contiguous().reshape({-1, cats});
  Tensor out = torsh::empty({probs.size(0), num_samples}, TensorOptions(kLong));
  GeneratorState& g = state_of(generator);
  if (probs.dtype() == kDouble) {
    multinomial_cumulative<double>(probs, num_samples, out, g);
  } else {
    multinomial_cumulative<float>(probs, num_samples, out, g);
  }
  return out.reshape(shape);
}

namespace {
void check_normal_dtype(ScalarType t) {
  TORSH_CHECK(is_floating_point(t), "\"normal_kernel_cpu\" not implemented for '",
              scalar_type_name(t), "'");
}
void check_std(const Tensor& std) {
  TORSH_CHECK(std.numel() == 0 || std.detach().min().item<double>() >= 0,
              "normal expects all elements of std >= 0.0");
}
void check_std(double std) {
  TORSH_CHECK(std >= 0.0, "normal expects std >= 0.0, but found std ", std);
}
}  // namespace

// As torch: draw N(0, 1) (or N(0, std)) into the broadcast shape, then scale by std and shift
// by mean in place, rounding in the output's dtype.
Tensor normal(const Tensor& mean, const Tensor& std, std::optional<Generator> generator) {
  check_std(std);
  check_normal_dtype(mean.dtype());
  Tensor result = torsh::empty(native::detail_shape::infer_size(mean.sizes(), std.sizes()),
                               TensorOptions(mean.dtype()));
  {
    NoGradGuard no_grad;
    result.normal_(0, 1, generator).mul_(std.detach()).add_(mean.detach());
  }
  return with_zero_gradient(result, "NormalBackward3", mean, std);
}

Tensor normal(const Tensor& mean, double std, std::optional<Generator> generator) {
  check_std(std);
  check_normal_dtype(mean.dtype());
  Tensor result = torsh::empty(mean.sizes(), TensorOptions(mean.dtype()));
  {
    NoGradGuard no_grad;
    result.normal_(0, std, generator).add_(mean.detach());
  }
  return with_zero_gradient(result, "NormalBackward1", mean);
}

Tensor normal(double mean, const Tensor& std, std::optional<Generator> generator) {
  check_std(std);
  check_normal_dtype(std.dtype());
  Tensor result = torsh::empty(std.sizes(), TensorOptions(std.dtype()));
  {
    NoGradGuard no_grad;
    result.normal_(0, 1, generator)
        .mul_(std.detach())
        .add_(torsh::full({}, mean, TensorOptions(std.dtype())));
  }
  return with_zero_gradient(result, "NormalBackward2", std);
}

Tensor normal(double mean, double std, IntArrayRef size, std::optional<Generator> generator,
              TensorOptions options) {
  check_std(std);
  Tensor result = torsh::empty(size, options);
  result.normal_(mean, std, generator);
  return result;
}

Tensor poisson(const Tensor& rates, std::optional<Generator> generator) {
  const ScalarType t = rates.dtype();
  TORSH_CHECK(is_float_or_double(t) || t == kBFloat16, "\"poisson_cpu\" not implemented for '",
              scalar_type_name(t), "'");
  Tensor lam = rates.detach().to(kDouble).contiguous();
  Tensor draws = torsh::empty(rates.sizes(), TensorOptions(kDouble));
  const double* src = lam.data_ptr<double>();
  double* dst = draws.data_ptr<double>();
  GeneratorState& g = state_of(generator);
  {
    std::lock_guard<std::mutex> lock(g.mu);
    for (int64_t i = 0; i < lam.numel(); ++i) {
      TORSH_CHECK(src[i] >= 0, "invalid Poisson rate, expected rate to be non-negative");
      dst[i] = sample_poisson(src[i], g);
    }
  }
  return with_zero_gradient(draws.to(t), "PoissonBackward0", rates);
}

Tensor binomial(const Tensor& count, const Tensor& prob, std::optional<Generator> generator) {
  const ScalarType t = count.dtype();
  TORSH_CHECK(t == prob.dtype(), "Found dtype ", scalar_type_name(prob.dtype()), " but expected ",
              scalar_type_name(t));
  TORSH_CHECK(is_float_or_double(t), "\"binomial_cpu\" not implemented for '", scalar_type_name(t),
              "'");
  // torch writes into an output shaped like count and resizes it (with its warning) to the
  // broadcast shape when prob is larger.
  const SizeVec shape = native::detail_shape::infer_size(count.sizes(), prob.sizes());
  if (!count.sizes().equals(shape) && count.numel() != 0) {
    warn(detail::str_cat("An output with one or more elements was resized since it had shape ",
                         detail::shape_str(count.sizes()),
                         ", which does not match the required output shape ",
                         detail::shape_str(shape),
                         ". This behavior is deprecated, and in a future PyTorch release outputs "
                         "will not be resized unless they have zero elements. You can explicitly "
                         "reuse an out tensor t by resizing it, inplace, to zero elements with "
                         "t.resize_(0)."));
  }
  Tensor c = count.detach().expand(shape).contiguous();
  Tensor p = prob.detach().expand(shape).contiguous();
  Tensor out = torsh::empty(shape, TensorOptions(t));
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const T* cs = c.data_ptr<T>();
    const T* ps = p.data_ptr<T>();
    T* o = out.data_ptr<T>();
    for (int64_t i = 0; i < out.numel(); ++i) o[i] = sample_binomial<T>(cs[i], ps[i], g);
  };
  if (t == kDouble) {
    run(double{});
  } else {
    run(float{});
  }
  if (GradMode::is_enabled() && (autograd::requires_grad(count) || autograd::requires_grad(prob))) {
    auto node = std::make_shared<NotImplementedBackward>("binomial");
    autograd::add_input(*node, count);
    autograd::add_input(*node, prob);
    autograd::set_history(out, node, 0);
  }
  return out;
}

Tensor randint_like(const Tensor& self, int64_t high, TensorOptions options) {
  return randint_like(self, 0, high, options);
}

Tensor randint_like(const Tensor& self, int64_t low, int64_t high, TensorOptions options) {
  Tensor result =
      torsh::empty_like(self, options.has_dtype() ? options : options.dtype(self.dtype()));
  result.random_(low, high);
  if (options.requires_grad()) result.requires_grad_(true);
  return result;
}

}  // namespace torsh
