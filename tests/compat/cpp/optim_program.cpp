// libtorch's optimizers and schedulers beyond SGD/Adam, as a libtorch user drives them: Adagrad
// (lr_decay, weight decay, initial accumulator), RMSprop (plain, centered with momentum,
// weight decay), each under a StepLR, with extra param groups and options read back through
// param_groups(); LBFGS with a fixed step and with the strong-Wolfe line search on a
// least-squares fit and on the Rosenbrock function. Losses, learning rates, state and
// parameters are printed.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

namespace {

torch::nn::Sequential make_model() {
  torch::manual_seed(7);
  return torch::nn::Sequential(torch::nn::Linear(4, 8), torch::nn::Tanh(), torch::nn::Linear(8, 1));
}

void print_params(const std::string& tag, torch::nn::Sequential& model) {
  for (const auto& p : model->named_parameters()) {
    std::printf("%s %s", tag.c_str(), p.key().c_str());
    const auto flat = p.value().detach().reshape({-1});
    for (int64_t i = 0; i < flat.numel(); ++i) std::printf(" %.6e", flat[i].item<double>());
    std::printf("\n");
  }
}

template <typename Opt>
void train(const std::string& tag, torch::nn::Sequential& model, Opt& opt, unsigned step_size) {
  torch::manual_seed(11);
  const auto x = torch::randn({32, 4});
  const auto y = (x.sum(1, true) * 0.5).sin();
  torch::optim::StepLR sched(opt, step_size, 0.5);
  for (int epoch = 0; epoch < 12; ++epoch) {
    opt.zero_grad();
    auto loss = torch::mse_loss(model->forward(x), y);
    loss.backward();
    opt.step();
    sched.step();
    std::printf("%s epoch %d loss %.8e lr", tag.c_str(), epoch, loss.item<double>());
    for (auto& g : opt.param_groups()) std::printf(" %.6e", g.options().get_lr());
    std::printf("\n");
  }
  print_params(tag, model);
}

void adagrad() {
  auto model = make_model();
  torch::optim::Adagrad opt(
      model->parameters(),
      torch::optim::AdagradOptions(0.1).lr_decay(0.01).weight_decay(1e-3).initial_accumulator_value(
          0.1));
  train("adagrad", model, opt, 4);
  auto& st = static_cast<torch::optim::AdagradParamState&>(
      *opt.state().at(c10::guts::to_string(model->parameters()[0].unsafeGetTensorImpl())));
  std::printf("adagrad step %ld sum0 %.6e\n", static_cast<long>(st.step()),
              st.sum().reshape({-1})[0].item<double>());
}

void rmsprop(const std::string& tag, torch::optim::RMSpropOptions options) {
  auto model = make_model();
  auto params = model->parameters();
  // the last layer in its own group with a smaller rate
  std::vector<torch::Tensor> first(params.begin(), params.end() - 2);
  std::vector<torch::Tensor> last(params.end() - 2, params.end());
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(first);
  groups.emplace_back(last, std::make_unique<torch::optim::RMSpropOptions>(
                                torch::optim::RMSpropOptions(options).lr(options.lr() / 2)));
  torch::optim::RMSprop opt(groups, options);
  train(tag, model, opt, 3);
}

// in double: the quasi-Newton steps amplify float32 rounding differences of the forward
void lbfgs_fit(const std::string& tag, torch::optim::LBFGSOptions options) {
  auto model = make_model();
  model->to(torch::kDouble);
  torch::manual_seed(5);
  const auto x = torch::randn({64, 4}, torch::kDouble);
  const auto y = (x * torch::tensor({1.0, -2.0, 0.5, 3.0}, torch::kDouble)).sum(1, true).tanh();
  torch::optim::LBFGS opt(model->parameters(), options);
  for (int s = 0; s < 4; ++s) {
    auto loss = opt.step([&] {
      opt.zero_grad();
      auto l = torch::mse_loss(model->forward(x), y);
      l.backward();
      return l;
    });
    std::printf("%s step %d loss %.8e\n", tag.c_str(), s, loss.item<double>());
  }
  auto& st = static_cast<torch::optim::LBFGSParamState&>(
      *opt.state().at(c10::guts::to_string(model->parameters()[0].unsafeGetTensorImpl())));
  std::printf("%s func_evals %ld n_iter %ld history %zu t %.6e\n", tag.c_str(),
              static_cast<long>(st.func_evals()), static_cast<long>(st.n_iter()),
              st.old_dirs().size(), st.t());
  print_params(tag, model);
}

void rosenbrock(const std::string& tag, torch::optim::LBFGSOptions options) {
  auto xy = torch::tensor({-1.5, 2.0}, torch::kDouble).requires_grad_();
  torch::optim::LBFGS opt({xy}, options);
  for (int s = 0; s < 3; ++s) {
    auto loss = opt.step([&] {
      opt.zero_grad();
      auto a = xy[0], b = xy[1];
      auto l = (1 - a).pow(2) + 100 * (b - a * a).pow(2);
      l.backward();
      return l;
    });
    std::printf("%s step %d loss %.10e x %.10e y %.10e\n", tag.c_str(), s, loss.item<double>(),
                xy[0].item<double>(), xy[1].item<double>());
  }
}

}  // namespace

int main() {
  torch::set_num_threads(1);
  adagrad();
  rmsprop("rmsprop", torch::optim::RMSpropOptions(0.01));
  rmsprop("rmsprop_centered",
          torch::optim::RMSpropOptions(0.01).centered(true).momentum(0.9).alpha(0.9));
  rmsprop("rmsprop_wd", torch::optim::RMSpropOptions(0.02).weight_decay(0.01).eps(1e-6));
  lbfgs_fit("lbfgs", torch::optim::LBFGSOptions(0.5).max_iter(10).history_size(5));
  lbfgs_fit("lbfgs_wolfe",
            torch::optim::LBFGSOptions(1).max_iter(15).line_search_fn("strong_wolfe"));
  rosenbrock("rosen", torch::optim::LBFGSOptions(1).max_iter(20).line_search_fn("strong_wolfe"));
  rosenbrock("rosen_fixed", torch::optim::LBFGSOptions(0.01).max_iter(30).history_size(3));
  return 0;
}
