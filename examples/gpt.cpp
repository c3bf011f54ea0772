// torsh-gpt: the byte-level GPT of examples/gpt.py in C++ (libtorch's frontend as torsh provides
// it): 4 pre-norm causal layers (d_model 256, 4 heads, GELU feed-forward of 4 * d_model),
// sequence 128, batch 16, AdamW, trained on a text file. Built and drawn from the generator in
// the order the Python program uses (embeddings, one layer cloned into every layer as
// nn.TransformerEncoder does, the final norm, the head; then the batch starts each step), so
// both print the same losses for the same seed.
//
//   torsh-gpt [--text /usr/share/common-licenses/GPL-3] [--steps 100] [--threads N]
//             [--layers 4] [--d-model 256] [--heads 4] [--seq 128] [--batch 16] [--lr 3e-4]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "torsh/torsh.h"

namespace nn = torsh::nn;
using torsh::Tensor;

namespace {

struct Args {
  std::string text = "/usr/share/common-licenses/GPL-3";
  int steps = 100, threads = 0, layers = 4;
  int64_t d_model = 256, heads = 4, seq = 128, batch = 16;
  double lr = 3e-4;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--text") {
      a.text = v;
    } else if (k == "--steps") {
      a.steps = std::atoi(v);
    } else if (k == "--threads") {
      a.threads = std::atoi(v);
    } else if (k == "--layers") {
      a.layers = std::atoi(v);
    } else if (k == "--d-model") {
      a.d_model = std::atoll(v);
    } else if (k == "--heads") {
      a.heads = std::atoll(v);
    } else if (k == "--seq") {
      a.seq = std::atoll(v);
    } else if (k == "--batch") {
      a.batch = std::atoll(v);
    } else if (k == "--lr") {
      a.lr = std::atof(v);
    } else {
      std::fprintf(stderr, "torsh-gpt: unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

// A pre-norm layer: x + attn(norm1(x)), then x + linear2(gelu(linear1(norm2(x)))); registered
// in nn.TransformerEncoderLayer's order so the same seed gives the same weights.
class BlockImpl : public nn::Cloneable<BlockImpl> {
 public:
  BlockImpl(int64_t d, int64_t heads) : d_(d), heads_(heads) { reset(); }
  void reset() override {
    self_attn = register_module("self_attn", nn::MultiheadAttention(d_, heads_));
    linear1 = register_module("linear1", nn::Linear(d_, 4 * d_));
    linear2 = register_module("linear2", nn::Linear(4 * d_, d_));
    norm1 = register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({d_})));
    norm2 = register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({d_})));
  }
  // x [T, B, d], mask [T, T] (-inf above the diagonal)
  Tensor forward(Tensor x, const Tensor& mask) {
    Tensor h = norm1->forward(x);
    x = x + std::get<0>(self_attn->forward(h, h, h, {}, /*need_weights=*/false, mask));
    return x + linear2->forward(torsh::gelu(linear1->forward(norm2->forward(x))));
  }
  nn::MultiheadAttention self_attn = nullptr;
  nn::Linear linear1 = nullptr, linear2 = nullptr;
  nn::LayerNorm norm1 = nullptr, norm2 = nullptr;

 private:
  int64_t d_, heads_;
};
TORSH_MODULE(Block);

class GPTImpl : public nn::Module {
 public:
  GPTImpl(const Args& a) {
    tok = register_module("tok", nn::Embedding(256, a.d_model));
    pos = register_module("pos", nn::Embedding(a.seq, a.d_model));
    Block proto(a.d_model, a.heads);
    // clone() re-creates a module (drawing its initial values) before copying the weights;
    // Python's deepcopy draws nothing, so the generator is put back to keep the streams equal
    Tensor rng = torsh::get_rng_state();
    for (int i = 0; i < a.layers; ++i) blocks->push_back(proto->clone());
    torsh::set_rng_state(rng);
    register_module("blocks", blocks);
    norm = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({a.d_model})));
    head = register_module("head", nn::Linear(nn::LinearOptions(a.d_model, 256).bias(false)));
    mask = torsh::full({a.seq, a.seq}, -std::numeric_limits<float>::infinity()).triu(1);
  }
  // idx [B, T] bytes -> logits [B, T, 256]
  Tensor forward(const Tensor& idx) {
    const int64_t t = idx.size(1);
    Tensor x = (tok->forward(idx) + pos->forward(torsh::arange(t))).transpose(0, 1);
    Tensor m = mask.narrow(0, 0, t).narrow(1, 0, t);
    for (const auto& b : *blocks) x = std::static_pointer_cast<BlockImpl>(b)->forward(x, m);
    return head->forward(norm->forward(x.transpose(0, 1)));
  }
  nn::Embedding tok = nullptr, pos = nullptr;
  nn::ModuleList blocks;
  nn::LayerNorm norm = nullptr;
  nn::Linear head = nullptr;
  Tensor mask;
};
TORSH_MODULE(GPT);

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  if (a.threads > 0) torsh::set_num_threads(a.threads);
  torsh::manual_seed(0);
  std::ifstream f(a.text, std::ios::binary);
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(f)),
                                   std::istreambuf_iterator<char>());
  if (static_cast<int64_t>(bytes.size()) <= a.seq + 1) {
    std::fprintf(stderr, "torsh-gpt: %s: needs more than %lld bytes\n", a.text.c_str(),
                 static_cast<long long>(a.seq + 1));
    return 1;
  }
  Tensor data = torsh::empty({static_cast<int64_t>(bytes.size())}, torsh::kLong);
  std::copy(bytes.begin(), bytes.end(), data.data_ptr<int64_t>());
  GPT model(a);
  torsh::optim::AdamW opt(model->parameters(), torsh::optim::AdamWOptions(a.lr));
  std::vector<double> times;
  for (int step = 0; step < a.steps; ++step) {
    Tensor starts = torsh::randint(0, data.numel() - a.seq - 1, {a.batch});
    std::vector<Tensor> xs, ys;
    for (int64_t i = 0; i < a.batch; ++i) {
      const int64_t s = starts[i].item<int64_t>();
      xs.push_back(data.narrow(0, s, a.seq));
      ys.push_back(data.narrow(0, s + 1, a.seq));
    }
    Tensor x = torsh::stack(xs), y = torsh::stack(ys);
    auto t0 = std::chrono::steady_clock::now();
    Tensor logits = model->forward(x);
    Tensor loss = torsh::nn::functional::cross_entropy(logits.reshape({-1, 256}), y.reshape({-1}));
    opt.zero_grad();
    loss.backward();
    opt.step();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (step % 10 == 0 || step == a.steps - 1) {
      std::printf("step %d loss %.4f\n", step, loss.item<double>());
      std::fflush(stdout);
    }
  }
  std::sort(times.begin(), times.end());
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::printf("gpt_step_ms %.2f\n", times[times.size() / 2] * 1e3);
  std::printf("gpt_peak_rss_MiB %.1f\n", static_cast<double>(u.ru_maxrss) / 1024.0);
  return 0;
}
