// torsh-train: trains a CNN (default) or an MLP on Fashion-MNIST with torch's recipe (Adam),
// written with libtorch's C++ frontend as torsh provides it. Prints a progress bar, the test
// accuracy per epoch, wall time and peak memory; writes the checkpoint (model.safetensors, and
// model.pt in torch.save's format), the metrics as CSV and (with gnuplot) the loss and accuracy
// curves as PNG into --out.
//
//   torsh-train [--epochs 2] [--batch-size 64] [--threads N] [--model cnn|mlp] [--lr 0.001]
//               [--data /usr/share/datasets/fashion-mnist] [--out runs/fashion-mnist]
//               [--seed 0] [--workers 0]
//
// Under mpirun (scripts/run.sh --ranks N) it trains data-parallel: every rank holds the model
// (rank 0's weights), trains on its share of each epoch (DistributedRandomSampler) with a
// per-rank batch of batch-size / N, so the global batch and the number of steps are those of
// one process, and the gradients are averaged during backward
// (torsh::nn::parallel::DistributedDataParallel).
// Rank 0 prints and writes the outputs.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "torsh/torsh.h"
#ifdef TORSH_HAVE_DISTRIBUTED
#include "torsh/distributed.h"
#include "torsh/nn/parallel.h"
#endif

namespace nn = torsh::nn;
namespace F = torsh::nn::functional;

namespace {

struct Args {
  int epochs = 2;
  size_t batch_size = 64;
  int threads = 0;
  std::string model = "cnn";
  double lr = 1e-3;
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::string out = "runs/fashion-mnist";
  uint64_t seed = 0;
  size_t workers = 0;
};

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr,
               "torsh-train: %s\nusage: torsh-train [--epochs N] [--batch-size B] [--threads T] "
               "[--model cnn|mlp] [--lr LR] [--data DIR] [--out DIR] [--seed S] [--workers W]\n",
               msg);
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "-h" || k == "--help") usage("trains a model on Fashion-MNIST");
    if (i + 1 >= argc) usage(("missing value for " + k).c_str());
    const std::string v = argv[++i];
    try {
      if (k == "--epochs")
        a.epochs = std::stoi(v);
      else if (k == "--batch-size")
        a.batch_size = std::stoul(v);
      else if (k == "--threads")
        a.threads = std::stoi(v);
      else if (k == "--model")
        a.model = v;
      else if (k == "--lr")
        a.lr = std::stod(v);
      else if (k == "--data")
        a.data = v;
      else if (k == "--out")
        a.out = v;
      else if (k == "--seed")
        a.seed = std::stoull(v);
      else if (k == "--workers")
        a.workers = std::stoul(v);
      else
        usage(("unknown flag " + k).c_str());
    } catch (const std::logic_error&) {
      usage(("bad value for " + k + ": " + v).c_str());
    }
  }
  if (a.model != "cnn" && a.model != "mlp") usage("--model must be cnn or mlp");
  if (a.epochs < 1 || a.batch_size < 1) usage("--epochs and --batch-size must be positive");
  return a;
}

// conv-relu-pool x2, then two Linear layers (torch's Fashion-MNIST recipe)
struct CnnImpl : nn::Module {
  CnnImpl()
      : conv1(nn::Conv2dOptions(1, 32, 3)),
        conv2(nn::Conv2dOptions(32, 64, 3)),
        fc1(64 * 5 * 5, 128),
        fc2(128, 10) {
    register_module("conv1", conv1);
    register_module("conv2", conv2);
    register_module("fc1", fc1);
    register_module("fc2", fc2);
  }
  torsh::Tensor forward(torsh::Tensor x) {
    x = F::max_pool2d(F::relu(conv1(x)), F::MaxPool2dFuncOptions(2));
    x = F::max_pool2d(F::relu(conv2(x)), F::MaxPool2dFuncOptions(2));
    x = F::relu(fc1(x.flatten(1)));
    return fc2(x);
  }
  nn::Conv2d conv1, conv2;
  nn::Linear fc1, fc2;
};
TORSH_MODULE(Cnn);

nn::Sequential make_model(const std::string& kind) {
  if (kind == "cnn") return nn::Sequential(Cnn());
  return nn::Sequential(nn::Flatten(), nn::Linear(784, 512), nn::ReLU(), nn::Linear(512, 256),
                        nn::ReLU(), nn::Linear(256, 10));
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void progress(int epoch, int epochs, size_t done, size_t total, double rate, double loss) {
  const int width = 30;
  const int fill = total ? static_cast<int>(width * done / total) : width;
  std::printf("\repoch %d/%d [%s%s] %zu/%zu  %.1f batches/s  loss %.4f", epoch, epochs,
              std::string(static_cast<size_t>(fill), '#').c_str(),
              std::string(static_cast<size_t>(width - fill), '.').c_str(), done, total, rate, loss);
  std::fflush(stdout);
}

// Data parallelism across the MPI ranks this process was launched with (none: rank 0 of 1).
struct Ranks {
  int rank = 0, world = 1;
#ifdef TORSH_HAVE_DISTRIBUTED
  std::unique_ptr<nn::parallel::DistributedDataParallel<nn::Sequential>> ddp;
#endif
  // Whether mpirun started this process as one of several.
  static bool launched() {
#ifdef TORSH_HAVE_DISTRIBUTED
    const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
    return size && std::atoi(size) > 1;
#else
    return false;
#endif
  }
  void init(nn::Sequential& model) {
#ifdef TORSH_HAVE_DISTRIBUTED
    if (!launched()) return;
    torsh::distributed::init_process_group("mpi");
    rank = torsh::distributed::get_rank();
    world = torsh::distributed::get_world_size();
    // rank 0's weights everywhere; gradients averaged during backward
    ddp = std::make_unique<nn::parallel::DistributedDataParallel<nn::Sequential>>(model);
#else
    (void)model;
#endif
  }
  torsh::Tensor forward(nn::Sequential& model, const torsh::Tensor& x) {
#ifdef TORSH_HAVE_DISTRIBUTED
    if (ddp) return ddp->forward(x);
#endif
    return model->forward(x);
  }
};

double evaluate(nn::Sequential& model, const torsh::Tensor& images, const torsh::Tensor& labels) {
  torsh::NoGradGuard no_grad;
  model->eval();
  int64_t correct = 0;
  const int64_t n = images.size(0);
  for (int64_t i = 0; i < n; i += 1000) {
    const int64_t len = std::min<int64_t>(1000, n - i);
    torsh::Tensor x = images.narrow(0, i, len).sub(0.2860).div(0.3530);
    torsh::Tensor pred = model->forward(x).argmax(1);
    correct += pred.eq(labels.narrow(0, i, len)).sum().item<int64_t>();
  }
  model->train();
  return static_cast<double>(correct) / static_cast<double>(n);
}

void plot(const std::string& out) {
  if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) {
    std::printf("gnuplot not found: no plot (the metrics are in %s/metrics.csv)\n", out.c_str());
    return;
  }
  const std::string script = out + "/plot.gp";
  std::ofstream g(script);
  g << "set terminal png size 900,400\nset output '" << out << "/curves.png'\n"
    << "set datafile separator ','\nset multiplot layout 1,2\nset xlabel 'epoch'\n"
    << "set title 'training loss'\nplot '" << out
    << "/metrics.csv' every ::1 using 1:2 with linespoints title 'loss'\n"
    << "set title 'test accuracy'\nplot '" << out
    << "/metrics.csv' every ::1 using 1:3 with linespoints title 'accuracy'\nunset multiplot\n";
  g.close();
  // the path goes to the shell single-quoted (a quote inside is closed, escaped, reopened)
  std::string quoted = "'";
  for (char c : script) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  if (std::system(("gnuplot " + quoted + "'").c_str()) == 0) {
    std::printf("curves: %s/curves.png\n", out.c_str());
  }
}

}  // namespace

int run(int argc, char** argv) {
  const Args a = parse(argc, argv);
  if (a.threads > 0) torsh::set_num_threads(a.threads);
  torsh::manual_seed(a.seed);
  const auto t0 = std::chrono::steady_clock::now();

  namespace D = torsh::data;
  auto train_set = D::datasets::MNIST(a.data, D::datasets::MNIST::Mode::kTrain)
                       .map(D::transforms::Normalize<>(0.2860, 0.3530))
                       .map(D::transforms::Stack<>());
  const size_t train_size = train_set.size().value();
  const D::datasets::MNIST test_set(a.data, D::datasets::MNIST::Mode::kTest);
  // One process: torch's RandomSampler (a randperm from the seeded generator each epoch, the
  // first drawn before the model's weights). Under mpirun: each rank's share, reshuffled per
  // epoch (libtorch's DistributedRandomSampler).
  const bool single_process = !Ranks::launched();
  auto single = single_process
                    ? D::make_data_loader<D::samplers::RandomSampler>(
                          train_set, D::DataLoaderOptions(a.batch_size).workers(a.workers))
                    : nullptr;

  nn::Sequential model = make_model(a.model);
  Ranks ranks;
  ranks.init(model);
  const auto world = static_cast<size_t>(ranks.world);
  if (a.batch_size % world != 0) usage("--batch-size must divide by the number of ranks");
  const size_t local_batch = a.batch_size / world;
  const size_t local_size = (train_size + world - 1) / world;
  const size_t batches = (local_size + local_batch - 1) / local_batch;
  torsh::optim::Adam optimizer(model->parameters(), torsh::optim::AdamOptions(a.lr));
  const bool lead = ranks.rank == 0;
  if (!lead && !std::freopen("/dev/null", "w", stdout)) return 1;  // rank 0 reports for all
  std::printf(
      "torsh-train: %s on Fashion-MNIST (%zu training images), %d epochs, batch %zu, "
      "%d threads",
      a.model.c_str(), train_size, a.epochs, a.batch_size, torsh::get_num_threads());
  if (world > 1) std::printf(" per rank, %zu ranks (DDP, %zu per rank)", world, local_batch);
  std::printf("\n");

  std::ofstream csv;  // rank 0 writes the outputs
  if (lead) {
    std::filesystem::create_directories(a.out);
    csv.open(a.out + "/metrics.csv");
    TORSH_CHECK(csv.good(), "cannot write ", a.out, "/metrics.csv");
    csv << "epoch,train_loss,test_accuracy,seconds\n";
  }
  double accuracy = 0;
  const auto options = D::DataLoaderOptions(local_batch).workers(a.workers);
  for (int epoch = 1; epoch <= a.epochs; ++epoch) {
    const auto e0 = std::chrono::steady_clock::now();
    double loss_sum = 0;
    size_t done = 0;
    auto train_on = [&](auto& loader) {
      for (auto& batch : loader) {
        optimizer.zero_grad();
        torsh::Tensor loss = F::cross_entropy(ranks.forward(model, batch.data), batch.target);
        loss.backward();
        optimizer.step();
        loss_sum += loss.item<double>();
        ++done;
        if (done % 20 == 0 || done == batches) {
          const double s =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count();
          progress(epoch, a.epochs, done, batches, done / s, loss_sum / done);
        }
      }
    };
    if (single) {
      train_on(*single);
    } else {
      D::samplers::DistributedRandomSampler sampler(train_size, world, ranks.rank);
      sampler.set_epoch(static_cast<size_t>(epoch - 1));
      train_on(*D::make_data_loader(train_set, std::move(sampler), options));
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count();
    accuracy = evaluate(model, test_set.images(), test_set.targets());
    std::printf("\nepoch %d: train loss %.4f, test accuracy %.4f, %.1f s\n", epoch, loss_sum / done,
                accuracy, secs);
    csv << epoch << "," << loss_sum / done << "," << accuracy << "," << secs << "\n";
    csv.flush();
  }
  if (!lead) return 0;
  std::vector<std::pair<std::string, torsh::Tensor>> state;
  for (const auto& p : model->named_parameters()) state.emplace_back(p.key(), p.value());
  torsh::safetensors::save(state, a.out + "/model.safetensors", {{"model", a.model}});
  torsh::save(model, a.out + "/model.pt");  // the state_dict, as torch.save writes it
  std::printf("checkpoint: %s/model.safetensors and %s/model.pt (torch.load reads it)\n",
              a.out.c_str(), a.out.c_str());
  std::printf("metrics: %s/metrics.csv\n", a.out.c_str());
  plot(a.out);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("wall time %.1f s, peak memory %.0f MiB\n", wall, peak_rss_mib());
  std::printf("test accuracy: %.4f\n", accuracy);
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "\ntorsh-train: %s\n", e.what());
    return 1;
  }
}
