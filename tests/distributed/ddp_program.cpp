// A data-parallel training program in libtorch's style, run with mpirun -np 2: the model and
// data of tests/distributed/vs_torch.py's DDP part (same seeds), trained with
// torsh::nn::parallel::DistributedDataParallel.
// Rank 0 prints the final parameters; tests/python/test_distributed.py compares them with
// torch's DDP run of the Python script.
#include <torsh/distributed.h>
#include <torsh/nn/parallel.h>
#include <torsh/torsh.h>

#include <cstdio>

namespace dist = torsh::distributed;
namespace nn = torsh::nn;

int main() {
  torsh::set_num_threads(1);
  dist::init_process_group("mpi");
  const int rank = dist::get_rank(), world = dist::get_world_size();

  torsh::manual_seed(0);
  // Layers made one after the other, as Python does (the arguments of one call could be
  // constructed in any order, drawing their initial weights in that order).
  nn::Linear first(5, 8);
  nn::Linear second(8, 2);
  nn::Sequential net(first, nn::Tanh(), second);
  nn::parallel::DistributedDataParallel<nn::Sequential> model(net);  // rank 0's weights
  torsh::optim::SGD opt(model.parameters(), torsh::optim::SGDOptions(0.1).momentum(0.5));
  torsh::Generator gen(42);
  for (int step = 0; step < 10; ++step) {
    torsh::Tensor x = torsh::randn({world * 4, 5}, gen);
    torsh::Tensor y = torsh::randn({world * 4, 2}, gen);
    opt.zero_grad();
    torsh::Tensor out = model.forward(x.narrow(0, rank * 4, 4));
    nn::functional::mse_loss(out, y.narrow(0, rank * 4, 4)).backward();
    opt.step();
  }
  if (rank == 0) {
    for (const auto& p : net->named_parameters()) {
      torsh::Tensor v = p.value().flatten().contiguous();
      std::printf("module.%s", p.key().c_str());
      for (int64_t i = 0; i < v.numel(); ++i) std::printf(" %.9g", v.data_ptr<float>()[i]);
      std::printf("\n");
    }
  }
  return 0;
}
