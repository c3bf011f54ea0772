// libtorch's vision functionals (F::affine_grid, F::grid_sample in every mode, padding and
// align_corners, 4-D and 5-D, float and double, with input and grid gradients; bicubic through
// torch::grid_sampler) and AdaptiveLogSoftmaxWithLoss (output, loss, log_prob, predict, seeded
// parameters), with their errors for bad input: built against libtorch or torsh alike.
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>

namespace F = torch::nn::functional;

static void values(const std::string& label, const torch::Tensor& t0) {
  if (!t0.defined()) {
    std::printf("%s undefined\n", label.c_str());
    return;
  }
  auto t = t0.detach().to(torch::kDouble).contiguous().reshape({-1});
  std::printf("%s sizes=[", label.c_str());
  for (int64_t i = 0; i < t0.dim(); ++i) std::printf("%s%ld", i ? "," : "", (long)t0.size(i));
  std::printf("] n=%ld:", (long)t.numel());
  auto p = t.data_ptr<double>();
  for (int64_t i = 0; i < t.numel(); ++i) std::printf(" %.17g", p[i]);
  std::printf("\n");
}

static std::string first_line(const char* w) {
  std::string s(w);
  auto n = s.find('\n');
  return n == std::string::npos ? s : s.substr(0, n);
}

#define ERR(label, expr)                                                   \
  do {                                                                     \
    try {                                                                  \
      (void)(expr);                                                        \
      std::printf("%s: no error\n", label);                                \
    } catch (const c10::Error& e) {                                        \
      std::printf("%s: error: %s\n", label, first_line(e.what()).c_str()); \
    }                                                                      \
  } while (0)

// Deterministic pseudo-random values in [lo, hi].
static torch::Tensor det(std::vector<int64_t> sizes, double lo, double hi, double phase,
                         torch::ScalarType dt = torch::kFloat) {
  int64_t n = 1;
  for (auto s : sizes) n *= s;
  auto a = torch::arange(n, torch::TensorOptions().dtype(torch::kDouble));
  // exact arithmetic only (integers, fmod, one division), so both builds see the same values
  auto u = torch::fmod(a * 7919.0 + std::floor(phase * 1000.0) * 104729.0, 1009.0) / 1009.0;
  return (u * (hi - lo) + lo).to(dt).reshape(sizes);
}

static const char* pname(int p) { return p == 0 ? "zeros" : p == 1 ? "border" : "reflection"; }

static void run_sample(const std::string& tag, const torch::Tensor& in0, const torch::Tensor& g0,
                       int mode, int pad, bool ac, bool via_options) {
  auto in = in0.detach().clone().requires_grad_(true);
  auto g = g0.detach().clone().requires_grad_(true);
  torch::Tensor out;
  if (via_options) {
    F::GridSampleFuncOptions o;
    if (mode == 0)
      o.mode(torch::kBilinear);
    else
      o.mode(torch::kNearest);
    if (pad == 0)
      o.padding_mode(torch::kZeros);
    else if (pad == 1)
      o.padding_mode(torch::kBorder);
    else
      o.padding_mode(torch::kReflection);
    o.align_corners(ac);
    out = F::grid_sample(in, g, o);
  } else {
    out = torch::grid_sampler(in, g, mode, pad, ac);
  }
  auto w = det(out.sizes().vec(), -1, 1, 3.0, out.scalar_type());
  (out * w).sum().backward();
  std::string l =
      tag + " mode" + std::to_string(mode) + " " + pname(pad) + " ac" + std::to_string(ac);
  values(l + " out", out);
  values(l + " gin", in.grad());
  values(l + " ggrid", g.grad());
}

static void grid_tests() {
  for (auto dt : {torch::kFloat, torch::kDouble}) {
    std::string d = dt == torch::kFloat ? "f32" : "f64";
    auto in4 = det({2, 3, 5, 6}, -2, 2, 0.1, dt);
    auto g4 = det({2, 4, 7, 2}, -1.7, 1.7, 0.7, dt);
    // some exact points: corners, centres, halves
    {
      torch::NoGradGuard ng;
      auto gs = g4.select(0, 0).select(0, 0);
      gs.select(0, 0).fill_(-1);
      gs.select(0, 1).fill_(1);
      gs.select(0, 2).fill_(0);
      gs.select(0, 3).select(0, 0).fill_(0.5);
      gs.select(0, 3).select(0, 1).fill_(-0.2);
      gs.select(0, 4).select(0, 0).fill_(1.0 / 6);
      gs.select(0, 4).select(0, 1).fill_(0.6);
      gs.select(0, 5).select(0, 0).fill_(3.0);
      gs.select(0, 5).select(0, 1).fill_(-5.5);
    }
    for (int mode = 0; mode < 3; ++mode)
      for (int pad = 0; pad < 3; ++pad)
        for (bool ac : {false, true}) run_sample(d + " 4d", in4, g4, mode, pad, ac, mode < 2);
    auto in5 = det({2, 2, 3, 4, 5}, -2, 2, 0.3, dt);
    auto g5 = det({2, 3, 4, 2, 3}, -1.7, 1.7, 0.9, dt);
    for (int mode = 0; mode < 2; ++mode)
      for (int pad = 0; pad < 3; ++pad)
        for (bool ac : {false, true}) run_sample(d + " 5d", in5, g5, mode, pad, ac, true);
  }
  // size-1 spatial dims (reflection with align_corners on a unit dim)
  auto in1 = det({1, 2, 1, 4}, -2, 2, 0.2);
  auto g1 = det({1, 3, 3, 2}, -1.5, 1.5, 0.4);
  for (int mode = 0; mode < 3; ++mode)
    for (int pad = 0; pad < 3; ++pad)
      for (bool ac : {false, true}) run_sample("unit 4d", in1, g1, mode, pad, ac, false);
  auto in51 = det({1, 1, 1, 3, 2}, -2, 2, 0.2);
  auto g51 = det({1, 2, 2, 2, 3}, -1.5, 1.5, 0.4);
  for (int mode = 0; mode < 2; ++mode)
    for (int pad = 0; pad < 3; ++pad)
      for (bool ac : {false, true}) run_sample("unit 5d", in51, g51, mode, pad, ac, false);
  // non-finite grid values (no grads: just values)
  {
    auto in = det({1, 1, 3, 3}, -2, 2, 0.5);
    auto g = torch::tensor({0.1, 0.2, std::nan(""), 0.3, std::numeric_limits<double>::infinity(),
                            -0.4, 1e20, 0.5})
                 .reshape({1, 2, 2, 2});
    for (int mode = 0; mode < 3; ++mode)
      for (int pad = 0; pad < 3; ++pad)
        values(std::string("nonfinite 4d mode") + std::to_string(mode) + pname(pad),
               torch::grid_sampler(in, g, mode, pad, false));
    auto in5 = det({1, 1, 2, 3, 3}, -2, 2, 0.5);
    auto g5 = torch::tensor({0.1, 0.2, 0.0, std::nan(""), 0.3, 0.1,
                             std::numeric_limits<double>::infinity(), -0.4, 0.2, 1e20, 0.5, 0.0})
                  .reshape({1, 2, 2, 1, 3});
    for (int mode = 0; mode < 2; ++mode)
      for (int pad = 0; pad < 3; ++pad)
        values(std::string("nonfinite 5d mode") + std::to_string(mode) + pname(pad),
               torch::grid_sampler(in5, g5, mode, pad, false));
  }
  // default options (warning) and a non-contiguous input
  {
    auto in = det({2, 3, 5, 6}, -2, 2, 0.1).transpose(2, 3);
    auto g = det({2, 4, 7, 2}, -1.2, 1.2, 0.7);
    values("default opts", F::grid_sample(in, g));
  }
  // empty batch, empty output, half input
  {
    auto o = F::GridSampleFuncOptions().align_corners(true);
    values("empty batch 4d",
           F::grid_sample(torch::zeros({0, 3, 4, 4}), torch::zeros({0, 2, 2, 2}), o));
    values("empty out 4d",
           F::grid_sample(det({2, 3, 4, 4}, -1, 1, 0.1), torch::zeros({2, 0, 2, 2}), o));
    values("empty chan 5d",
           F::grid_sample(torch::zeros({2, 0, 2, 4, 4}), det({2, 1, 2, 2, 3}, -1, 1, 0.2), o));
    ERR("half 4d", F::grid_sample(torch::zeros({1, 1, 2, 2}, torch::kHalf),
                                  torch::zeros({1, 2, 2, 2}, torch::kHalf), o));
    ERR("half 5d", F::grid_sample(torch::zeros({1, 1, 2, 2, 2}, torch::kHalf),
                                  torch::zeros({1, 2, 2, 2, 3}, torch::kHalf), o));
    auto g = det({1, 3, 3, 2}, -1.2, 1.2, 0.3).requires_grad_(true);
    auto out = F::grid_sample(det({1, 2, 4, 4}, -1, 1, 0.1), g, o);
    out.sum().backward();
    values("grid-only grad", g.grad());
  }
  // errors
  auto in = det({2, 3, 5, 6}, -2, 2, 0.1);
  auto g = det({2, 4, 7, 2}, -1, 1, 0.7);
  auto o = F::GridSampleFuncOptions().align_corners(false);
  ERR("batch mismatch", F::grid_sample(in, det({3, 4, 7, 2}, -1, 1, 0.7), o));
  ERR("last dim", F::grid_sample(in, det({2, 4, 7, 3}, -1, 1, 0.7), o));
  ERR("empty spatial", F::grid_sample(torch::zeros({2, 3, 0, 6}), g, o));
  ERR("grid 5d for 4d", F::grid_sample(in, det({2, 4, 7, 1, 2}, -1, 1, 0.7), o));
  ERR("3d input", F::grid_sample(torch::zeros({2, 3, 5}), det({2, 4, 1}, -1, 1, 0.7), o));
  ERR("5d input 4d grid",
      F::grid_sample(torch::zeros({2, 3, 5, 5, 5}), det({2, 4, 4, 3}, -1, 1, 0.7), o));
  ERR("bicubic 5d", torch::grid_sampler(torch::zeros({2, 3, 5, 5, 5}),
                                        det({2, 4, 4, 4, 3}, -1, 1, 0.7), 2, 0, false));
  ERR("int input", F::grid_sample(in.to(torch::kLong), g, o));
  ERR("int input 5d", F::grid_sample(torch::zeros({2, 3, 5, 5, 5}, torch::kLong),
                                     det({2, 4, 4, 4, 3}, -1, 1, 0.7), o));
  ERR("dtype mismatch", F::grid_sample(in, g.to(torch::kDouble), o));
  ERR("dtype mismatch 5d", F::grid_sample(torch::zeros({2, 3, 5, 5, 5}),
                                          det({2, 4, 4, 4, 3}, -1, 1, 0.7, torch::kDouble), o));
}

static void affine_tests() {
  for (bool ac : {false, true}) {
    std::string t = std::string("ac") + std::to_string(ac);
    auto th = det({2, 2, 3}, -1.5, 1.5, 0.2).requires_grad_(true);
    auto grid = F::affine_grid(th, {2, 3, 4, 5}, ac);
    auto w = det(grid.sizes().vec(), -1, 1, 5.0);
    (grid * w).sum().backward();
    values("affine2d " + t, grid);
    values("affine2d grad " + t, th.grad());
    auto th3 = det({2, 3, 4}, -1.5, 1.5, 0.6, torch::kDouble).requires_grad_(true);
    auto grid3 = F::affine_grid(th3, {2, 1, 3, 4, 2}, ac);
    auto w3 = det(grid3.sizes().vec(), -1, 1, 5.0, torch::kDouble);
    (grid3 * w3).sum().backward();
    values("affine3d " + t, grid3);
    values("affine3d grad " + t, th3.grad());
    values("affine2d unit " + t, F::affine_grid(det({1, 2, 3}, -1, 1, 0.1), {1, 1, 1, 3}, ac));
    values("affine3d unit " + t, F::affine_grid(det({1, 3, 4}, -1, 1, 0.1), {1, 1, 1, 1, 2}, ac));
  }
  values("affine default", F::affine_grid(det({1, 2, 3}, -1, 1, 0.1), {1, 1, 2, 3}));
  // affine_grid then grid_sample
  auto th = det({2, 2, 3}, -1, 1, 0.3);
  auto in = det({2, 3, 5, 6}, -2, 2, 0.1);
  values("affine+sample", F::grid_sample(in, F::affine_grid(th, {2, 3, 3, 4}, false),
                                         F::GridSampleFuncOptions().align_corners(false)));
  ERR("affine int theta", F::affine_grid(torch::zeros({1, 2, 3}, torch::kLong), {1, 1, 2, 2}));
  ERR("affine bad theta 2d", F::affine_grid(torch::zeros({1, 3, 3}), {1, 1, 2, 2}));
  ERR("affine bad theta 3d", F::affine_grid(torch::zeros({1, 2, 3}), {1, 1, 2, 2, 2}));
  ERR("affine bad size", F::affine_grid(torch::zeros({1, 2, 3}), {1, 2, 2}));
  ERR("affine zero size", F::affine_grid(torch::zeros({1, 2, 3}), {1, 1, 0, 2}));
  ERR("affine batch", F::affine_grid(torch::zeros({2, 2, 3}), {3, 1, 2, 2}));
}

static void asm_tests() {
  torch::manual_seed(0);
  torch::nn::AdaptiveLogSoftmaxWithLoss m(
      torch::nn::AdaptiveLogSoftmaxWithLossOptions(8, 10, {4, 8}).div_value(2.).head_bias(true));
  std::cout << m << std::endl;
  for (const auto& p : m->named_parameters()) values("param " + p.key(), p.value());
  std::printf("shortlist=%ld n_clusters=%ld head_size=%ld cutoffs=", (long)m->shortlist_size,
              (long)m->n_clusters, (long)m->head_size);
  for (auto c : m->cutoffs) std::printf("%ld ", (long)c);
  std::printf("\n");
  {
    torch::NoGradGuard ng;
    int k = 0;
    for (auto& p : m->parameters()) p.copy_(det(p.sizes().vec(), -0.6, 0.6, 1.0 + k++));
  }
  auto x = det({6, 8}, -2, 2, 0.4).requires_grad_(true);
  auto target = torch::tensor({0, 5, 9, 3, 8, 4}, torch::kLong);
  auto r = m(x, target);
  values("asm output", r.output);
  std::printf("asm loss %.10g\n", r.loss);
  (-r.output).mean().backward();
  values("asm gx", x.grad());
  for (const auto& p : m->named_parameters()) values("grad " + p.key(), p.value().grad());
  values("asm log_prob", m->log_prob(x));
  values("asm predict", m->predict(x));
  values("asm predict 3", m->predict(x.index({torch::indexing::Slice(0, 3)}) * 3));
  values("asm predict neg", m->predict(-x * 5));
  auto r1 = m(x[1], torch::tensor(7, torch::kLong));
  values("asm unbatched", r1.output);
  std::printf("asm unbatched loss %.10g\n", r1.loss);
  auto r2 = m(x.index({torch::indexing::Slice(0, 1)}), torch::tensor({2}, torch::kLong));
  values("asm batch1", r2.output);
  auto r3 = m(x.index({torch::indexing::Slice(0, 2)}), torch::tensor({2, 1}, torch::kLong));
  values("asm shortlist only", r3.output);
  ERR("asm bad target", m(x, torch::tensor({0, 5, 12, 3, 8, 4}, torch::kLong)));
  ERR("asm neg target", m(x, torch::tensor({0, -1, 2, 3, 8, 4}, torch::kLong)));
  ERR("asm 2d target", m(x, torch::zeros({6, 1}, torch::kLong)));
  ERR("asm 1d input", m(x[0], torch::tensor({1}, torch::kLong)));
  ERR("asm 2d input 0d target", m(x, torch::tensor(1, torch::kLong)));
  ERR("asm unsorted", torch::nn::AdaptiveLogSoftmaxWithLoss(
                          torch::nn::AdaptiveLogSoftmaxWithLossOptions(8, 10, {8, 4})));
  ERR("asm dup", torch::nn::AdaptiveLogSoftmaxWithLoss(
                     torch::nn::AdaptiveLogSoftmaxWithLossOptions(8, 10, {4, 4})));
  ERR("asm too big", torch::nn::AdaptiveLogSoftmaxWithLoss(
                         torch::nn::AdaptiveLogSoftmaxWithLossOptions(8, 10, {4, 10})));
  ERR("asm zero", torch::nn::AdaptiveLogSoftmaxWithLoss(
                      torch::nn::AdaptiveLogSoftmaxWithLossOptions(8, 10, {0, 4})));
#ifdef TORSH_PROBE
  ERR("asm div0", torch::nn::AdaptiveLogSoftmaxWithLoss(
                      torch::nn::AdaptiveLogSoftmaxWithLossOptions(8, 10, {4}).div_value(0)));
  ERR("asm empty cutoffs", torch::nn::AdaptiveLogSoftmaxWithLoss(
                               torch::nn::AdaptiveLogSoftmaxWithLossOptions(8, 10, {})));
#endif
  // clone and default options
  auto c = std::dynamic_pointer_cast<torch::nn::AdaptiveLogSoftmaxWithLossImpl>(m->clone());
  values("clone log_prob", c->log_prob(x));
  torch::manual_seed(1);
  torch::nn::AdaptiveLogSoftmaxWithLoss m2(
      torch::nn::AdaptiveLogSoftmaxWithLossOptions(64, 20, {5, 10, 15}));
  std::cout << m2 << std::endl;
  for (const auto& p : m2->named_parameters()) values("m2 param " + p.key(), p.value());
  auto x2 = det({5, 64}, -1, 1, 0.8);
  values("m2 log_prob", m2->log_prob(x2));
  values("m2 predict", m2->predict(x2));
  m2->reset_parameters();
  std::printf("m2 params after reset: %zu\n", m2->parameters().size());
}

int main() {
  std::cout.setf(std::ios::unitbuf);
  grid_tests();
  affine_tests();
  asm_tests();
  return 0;
}
