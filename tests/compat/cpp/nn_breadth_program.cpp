// The breadth of libtorch's frontend: every activation module, the losses beyond the common
// six, padding, distance, instance and local-response norms, Bilinear, Fold/Unfold, the pooling
// extras and EmbeddingBag. Each prints the module, its forward values and the input's (and the
// parameters') gradients, built against libtorch or torsh alike.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "module_printout.h"

namespace F = torch::nn::functional;

static void values(const std::string& label, const torch::Tensor& t) {
  torch::Tensor c = t.detach().contiguous().to(torch::kFloat64).reshape({-1});
  std::printf("%s %s [%lld]:", label.c_str(), torch::str(t.sizes()).c_str(),
              static_cast<long long>(c.numel()));
  for (int64_t i = 0; i < c.numel(); ++i) std::printf(" %.6g", c[i].item<double>());
  std::printf("\n");
}

// A fresh leaf input with values around zero (both signs, some exactly at the kinks).
static torch::Tensor input(std::vector<int64_t> shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  auto x = (torch::arange(n, torch::kFloat) - n / 2).mul(0.37).remainder(5.0) - 2.5;
  return x.reshape(shape).detach().requires_grad_(true);
}

// Prints the module, forward(x) and d(sum(out * sin(index)))/dx.
template <typename M>
static void check(const std::string& label, M module, std::vector<int64_t> shape) {
  std::cout << module << std::endl;
  auto x = input(shape);
  auto y = module(x);
  values(label, y);
  auto w = torch::arange(y.numel(), torch::kFloat).reshape(y.sizes()).sin();
  (y * w).sum().backward();
  values(label + "_grad", x.grad());
  grads(*module.ptr());
}

static void activations() {
  using namespace torch::nn;
  check("elu", ELU(ELUOptions().alpha(1.5)), {2, 5});
  check("selu", SELU(), {2, 5});
  check("celu", CELU(CELUOptions().alpha(0.7)), {2, 5});
  check("hardshrink", Hardshrink(HardshrinkOptions(0.6)), {2, 5});
  check("softshrink", Softshrink(), {2, 5});
  check("hardtanh", Hardtanh(HardtanhOptions().min_val(-0.5).max_val(1.25)), {2, 5});
  check("relu6", ReLU6(), {2, 5});
  check("glu", GLU(GLUOptions(0)), {4, 3});
  check("softplus", Softplus(SoftplusOptions().beta(2).threshold(1)), {2, 5});
  check("softmin", Softmin(1), {2, 5});
  check("threshold", Threshold(0.1, 20), {2, 5});
  check("logsigmoid", LogSigmoid(), {2, 5});
  check("softmax2d", Softmax2d(), {1, 3, 2, 2});
  check("mish", Mish(), {2, 5});
  check("softsign", Softsign(), {2, 5});
  check("tanhshrink", Tanhshrink(), {2, 5});
  check("prelu", PReLU(PReLUOptions().num_parameters(3).init(0.1)), {2, 3, 2});
  RReLU rrelu(RReLUOptions().lower(0.1).upper(0.4));
  rrelu->eval();
  check("rrelu_eval", rrelu, {2, 5});
  rrelu->train();
  torch::manual_seed(3);
  check("rrelu_train", rrelu, {2, 5});
  std::cout << ELU(ELUOptions().inplace(true)) << std::endl
            << SELU(true) << std::endl
            << Hardtanh(HardtanhOptions().inplace(true)) << std::endl
            << Threshold(ThresholdOptions(1, 2).inplace(true)) << std::endl;

  auto x = input({3, 4});
  values("F_elu", F::elu(x, F::ELUFuncOptions().alpha(0.5)));
  values("F_selu", F::selu(x));
  values("F_hardtanh", F::hardtanh(x, F::HardtanhFuncOptions().min_val(-2).max_val(0.5)));
  values("F_relu6", F::relu6(x * 4));
  values("F_softmin", F::softmin(x, F::SoftminFuncOptions(0)));
  values("F_threshold", F::threshold(x, F::ThresholdFuncOptions(0.5, -3)));
  values("F_glu", F::glu(x));
  values("F_logsigmoid", F::logsigmoid(x * 30));
  values("F_softplus", F::softplus(x));
  values("F_mish", F::mish(x));
  values("F_prelu", F::prelu(x, torch::full({1}, 0.3)));
  values("F_softshrink", F::softshrink(x, F::SoftshrinkFuncOptions(1.0)));
  values("F_hardshrink", F::hardshrink(x, F::HardshrinkFuncOptions(1.0)));
  values("F_celu", F::celu(x, F::CELUFuncOptions().alpha(2)));
  values("F_rrelu", F::rrelu(x, F::RReLUFuncOptions().lower(0.2).upper(0.3)));
  torch::manual_seed(7);
  values("F_gumbel", F::gumbel_softmax(x, F::GumbelSoftmaxFuncOptions().tau(0.5)));
  values("F_gumbel_hard", F::gumbel_softmax(x, F::GumbelSoftmaxFuncOptions().hard(true).dim(0)));
  values("top_selu", torch::selu(x));
  values("top_celu", torch::celu(x, 0.5));
  values("top_hardswish", torch::hardswish(x));
  values("top_hardsigmoid", torch::hardsigmoid(x));
  values("top_log_sigmoid", torch::log_sigmoid(x));
  values("top_mish", torch::mish(x));
  values("top_threshold", torch::threshold(x, 0.0, 9));
  values("top_glu", torch::glu(x, 1));
  values("top_relu6", torch::relu6(x * 3));
  try {
    F::glu(torch::ones({3, 3}));
  } catch (const c10::Error&) {
    std::printf("glu odd: error\n");
  }
}

int main() {
  torch::manual_seed(11);
  activations();
  return 0;
}
