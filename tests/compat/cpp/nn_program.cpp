// One program, two builds (libtorch, and torsh through the compat include): a small CNN built
// with libtorch's C++ frontend (modules, holders, options, functional, init, optimizers).
// tests/python/test_libtorch_parity.py compares what the two builds print.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>

namespace F = torch::nn::functional;

struct NetImpl : torch::nn::Module {
  NetImpl()
      : conv1(torch::nn::Conv2dOptions(1, 4, 3).padding(1).bias(false)),  // BN follows
        bn1(4),
        conv2(torch::nn::Conv2dOptions(4, 6, {3, 2}).stride(2).bias(false)),
        fc1(6 * 2 * 3, 16),
        fc2(torch::nn::LinearOptions(16, 5).bias(true)) {
    register_module("conv1", conv1);
    register_module("bn1", bn1);
    register_module("conv2", conv2);
    register_module("fc1", fc1);
    register_module("fc2", fc2);
  }
  torch::Tensor forward(torch::Tensor x) {
    x = torch::relu(bn1(conv1(x)));
    x = F::max_pool2d(x, F::MaxPool2dFuncOptions(2));
    x = F::relu(conv2(x));
    x = x.flatten(1);
    x = torch::tanh(fc1(x));
    return F::log_softmax(fc2(x), F::LogSoftmaxFuncOptions(1));
  }
  torch::nn::Conv2d conv1;
  torch::nn::BatchNorm2d bn1;
  torch::nn::Conv2d conv2;
  torch::nn::Linear fc1, fc2;
};
TORCH_MODULE(Net);

static double total(const torch::Tensor& t) {
  return t.detach().to(torch::kFloat64).sum().item<double>();
}

static void train(const char* name, Net& net, torch::optim::Optimizer& opt, const torch::Tensor& x,
                  const torch::Tensor& y) {
  for (int step = 0; step < 6; ++step) {
    opt.zero_grad();
    torch::Tensor loss = F::nll_loss(net->forward(x), y);
    loss.backward();
    opt.step();
    std::printf("%s step %d loss %.6f\n", name, step, loss.item<double>());
  }
  for (const auto& p : net->named_parameters()) {
    std::printf("%s %s %.6f\n", name, p.key().c_str(), total(p.value()));
  }
  std::printf("%s running_mean %.6f running_var %.6f batches %lld\n", name,
              total(net->bn1->running_mean), total(net->bn1->running_var),
              static_cast<long long>(net->bn1->num_batches_tracked.item<int64_t>()));
}

int main() {
  torch::manual_seed(0);
  Net net;
  std::cout << *net << "\n";
  for (const auto& p : net->named_parameters()) {
    std::printf("param %s [", p.key().c_str());
    for (int64_t i = 0; i < p.value().dim(); ++i)
      std::printf(i ? ", %lld" : "%lld", static_cast<long long>(p.value().size(i)));
    std::printf("] %.6f\n", total(p.value()));
  }
  for (const auto& b : net->named_buffers()) std::printf("buffer %s\n", b.key().c_str());
  std::printf("children %zu modules %zu training %d\n", net->children().size(),
              net->modules().size(), static_cast<int>(net->is_training()));

  torch::Tensor x = torch::randn({8, 1, 12, 12});
  torch::Tensor y = torch::randint(0, 5, {8});
  torch::optim::SGD sgd(net->parameters(), torch::optim::SGDOptions(0.05).momentum(0.9));
  train("sgd", net, sgd, x, y);
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-2).weight_decay(1e-4));
  train("adam", net, adam, x, y);
  torch::optim::AdamW adamw(net->parameters(), torch::optim::AdamWOptions(1e-3).amsgrad(true));
  train("adamw", net, adamw, x, y);

  net->eval();
  torch::NoGradGuard no_grad;
  std::printf("eval %.6f training %d\n", total(net->forward(x)),
              static_cast<int>(net->is_training()));

  torch::nn::Sequential seq(torch::nn::Linear(3, 4), torch::nn::ReLU(), torch::nn::Dropout(0.25),
                            torch::nn::Linear(4, 2));
  std::cout << seq << "\n";
  seq->eval();
  std::printf("seq %.6f size %zu\n", total(seq->forward(torch::ones({2, 3}))), seq->size());
  torch::nn::Linear empty{nullptr};
  std::printf("empty %d\n", static_cast<int>(empty.is_empty()));

  // the dropout variants (masks from the generator) and transposed convolutions
  torch::manual_seed(3);
  namespace F = torch::nn::functional;
  torch::nn::Dropout2d d2;
  torch::nn::Dropout3d d3(0.3);
  torch::nn::AlphaDropout alpha(0.2);
  torch::nn::FeatureAlphaDropout feature_alpha(torch::nn::FeatureAlphaDropoutOptions(0.4));
  std::cout << d2 << "\n" << d3 << "\n" << alpha << "\n" << feature_alpha << "\n";
  torch::Tensor x5 = torch::arange(48, torch::kFloat).reshape({2, 3, 2, 2, 2});
  std::printf("dropout3d %.6f unbatched %.6f\n", total(d3(x5)), total(d3(x5[0])));
  std::printf("dropout2d unbatched %.6f\n", total(d2(x5[0][0])));
  std::printf("alpha %.6f feature_alpha %.6f\n", total(alpha(x5)), total(feature_alpha(x5)));
  d2->eval();
  std::printf("eval dropout2d %.6f\n", total(d2(x5[0])));
  std::printf("F::alpha_dropout default %.6f\n", total(F::alpha_dropout(x5)));
  torch::Tensor inplace = torch::ones({2, 4, 3, 3});
  F::dropout2d(inplace, F::Dropout2dFuncOptions().p(0.5).inplace(true));
  std::printf("dropout2d in place %.6f\n", total(inplace));

  torch::nn::ConvTranspose1d ct1(
      torch::nn::ConvTranspose1dOptions(2, 4, 3).stride(2).output_padding(1).groups(2));
  torch::nn::ConvTranspose2d ct2(torch::nn::ConvTranspose2dOptions(4, 2, 3).stride(2));
  torch::nn::ConvTranspose3d ct3(
      torch::nn::ConvTranspose3dOptions(2, 3, 2).dilation(2).bias(false));
  std::cout << ct1 << "\n" << ct2 << "\n" << ct3 << "\n";
  torch::Tensor y1 = ct1(torch::randn({2, 2, 5}));
  torch::Tensor y2 = ct2->forward(torch::randn({1, 4, 4, 4}), std::vector<int64_t>{10, 10});
  torch::Tensor y3 = ct3(torch::randn({1, 2, 3, 3, 3}));
  std::cout << "ct1 " << y1.sizes() << " ct2 " << y2.sizes() << " ct3 " << y3.sizes() << "\n";
  std::printf("ct sums %.6f %.6f %.6f\n", total(y1), total(y2), total(y3));
  return 0;
}
