// A regression fit with a custom dataset, as libtorch users write one: a Dataset subclass with
// get()/size(), Stack, a random-sampler loader with drop_last, an MLP in nn::Sequential,
// nn::MSELoss, SGD with momentum and weight decay, a StepLR-style manual learning-rate decay
// through param_groups, and the fitted weights printed with operator<<.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <vector>

class NoisyQuadratic : public torch::data::datasets::Dataset<NoisyQuadratic> {
 public:
  explicit NoisyQuadratic(int64_t n) {
    x_ = torch::linspace(-2, 2, n).unsqueeze(1);
    y_ = 0.5 * x_.pow(2) - x_ + 0.3 + 0.05 * torch::randn({n, 1});
  }
  torch::data::Example<> get(size_t index) override {
    return {x_[static_cast<int64_t>(index)], y_[static_cast<int64_t>(index)]};
  }
  torch::optional<size_t> size() const override { return x_.size(0); }

 private:
  torch::Tensor x_, y_;
};

int main() {
  torch::manual_seed(42);
  auto dataset = NoisyQuadratic(200).map(torch::data::transforms::Stack<>());
  auto loader = torch::data::make_data_loader<torch::data::samplers::RandomSampler>(
      std::move(dataset), torch::data::DataLoaderOptions().batch_size(32).drop_last(true));

  torch::nn::Sequential model(torch::nn::Linear(1, 16), torch::nn::Tanh(),
                              torch::nn::Linear(16, 1));
  torch::nn::MSELoss criterion;
  torch::optim::SGD optimizer(model->parameters(),
                              torch::optim::SGDOptions(0.05).momentum(0.9).weight_decay(1e-4));

  for (int epoch = 1; epoch <= 30; ++epoch) {
    double total = 0;
    int batches = 0;
    for (auto& batch : *loader) {
      optimizer.zero_grad();
      torch::Tensor loss = criterion(model->forward(batch.data), batch.target);
      loss.backward();
      optimizer.step();
      total += loss.item<double>();
      ++batches;
    }
    if (epoch % 10 == 0) {
      for (auto& group : optimizer.param_groups()) {
        auto& options = static_cast<torch::optim::SGDOptions&>(group.options());
        options.lr(options.lr() * 0.5);
      }
      std::printf("epoch %2d batches %d mean loss %.5f\n", epoch, batches, total / batches);
    }
  }

  torch::NoGradGuard no_grad;
  torch::Tensor grid = torch::tensor({-1.5, 0.0, 1.5}).unsqueeze(1);
  std::cout << "predictions\n" << model->forward(grid) << "\n";
  std::cout << "target\n" << 0.5 * grid.pow(2) - grid + 0.3 << "\n";
  for (const auto& pair : model->named_parameters()) {
    std::cout << pair.key() << " " << pair.value().sizes() << " norm "
              << pair.value().norm().item<float>() << "\n";
  }

  // Each rank's share of the indices, as a data-parallel program would sample it.
  namespace S = torch::data::samplers;
  auto show = [](const char* name, auto& sampler, size_t batch) {
    std::cout << name << ":";
    while (auto b = sampler.next(batch)) {
      std::cout << " [";
      for (size_t i : *b) std::cout << " " << i;
      std::cout << " ]";
    }
    std::cout << "\n";
  };
  for (size_t size : {10, 11}) {
    for (size_t rank = 0; rank < 3; ++rank) {
      for (bool dup : {true, false}) {
        S::DistributedRandomSampler random(size, 3, rank, dup);
        show("random", random, 2);
        random.set_epoch(rank + 4);
        random.reset();
        show("random epoch", random, 3);
        S::DistributedSequentialSampler sequential(size, 3, rank, dup);
        show("sequential", sequential, 3);
        sequential.reset();
        show("sequential again", sequential, 4);
      }
    }
  }
  return 0;
}
