// One program, two builds: against libtorch and against torsh's compat header (only the include
// path differs). tests/python/test_libtorch_parity.py compares what they print.
#include <torch/torch.h>

#include <cstdio>
#include <vector>

struct ScaledCube : public torch::autograd::Function<ScaledCube> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, torch::Tensor x,
                               double scale) {
    ctx->save_for_backward({x});
    ctx->saved_data["scale"] = scale;
    return x * x * x * scale;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    double scale = ctx->saved_data["scale"].toDouble();
    return {grads[0] * saved[0] * saved[0] * 3 * scale, torch::Tensor()};
  }
};

static void print(const char* label, const torch::Tensor& t) {
  torch::Tensor c = t.contiguous().to(torch::kFloat64);
  std::printf("%s:", label);
  for (int64_t i = 0; i < c.numel(); ++i) std::printf(" %.10g", c.data_ptr<double>()[i]);
  std::printf("\n");
}

int main() {
  torch::manual_seed(7);
  torch::Tensor x = torch::randn({2, 3}, torch::kFloat64).requires_grad_(true);
  torch::Tensor w = torch::rand({3, 2}, torch::kFloat64).requires_grad_(true);
  print("x", x);
  print("w", w);

  torch::Tensor h = torch::tanh(torch::matmul(x, w));
  torch::Tensor y = (h * h).sum() + ScaledCube::apply(x, 0.5).sum();
  print("y", y);

  auto g = torch::autograd::grad({y}, {x, w}, {}, {}, /*create_graph=*/true);
  print("dy/dx", g[0]);
  print("dy/dw", g[1]);
  auto gg = torch::autograd::grad(std::vector<torch::Tensor>{g[0].sum()}, {x});
  print("d2y/dx2 (row sums)", gg[0]);

  torch::Tensor frozen;
  {
    torch::NoGradGuard no_grad;
    frozen = x * 2;
  }
  std::printf("no_grad requires_grad: %d\n", static_cast<int>(frozen.requires_grad()));
  torch::Tensor d = w.detach();
  torch::Tensor z = (x.matmul(d)).exp().mean();
  z.backward();
  print("x.grad", x.grad());
  std::printf("w.grad defined: %d\n", static_cast<int>(w.grad().defined()));

  // In-place methods are const: they work through grad()'s const reference.
  x.grad().mul_(3);
  print("x.grad after mul_", x.grad());
  const torch::Tensor& xg = x.grad();
  xg.fill_(0.25);
  print("x.grad after fill_", x.grad());
  xg.copy_(x.detach());
  print("x.grad after copy_", x.grad());
  x.grad().zero_();
  print("x.grad after zero_", x.grad());

  // from_blob never owns the caller's memory: without a deleter it is never freed nor reused
  // by later allocations; a deleter runs exactly once, when the last view dies.
  std::vector<float> buf(1024);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = 0.5f * static_cast<float>(i) - 7;
  { torch::from_blob(buf.data(), {1024}).mul_(2); }
  std::vector<torch::Tensor> later;
  for (int i = 0; i < 40; ++i) later.push_back(torch::zeros({1024}));
  int calls = 0;
  {
    torch::Tensor b = torch::from_blob(
        buf.data(), {32, 32}, {1, 32}, [&](void* p) { calls += p == buf.data() ? 1 : 100; },
        torch::kFloat);
    torch::Tensor v = b.select(0, 3);
    b = torch::Tensor();
    std::printf("deleter calls while a view lives: %d\n", calls);
    print("view of a strided blob", v.narrow(0, 0, 5));
  }
  std::printf("deleter calls: %d\n", calls);
  print("buffer after its tensors died",
        torch::from_blob(buf.data(), {1024}).to(torch::kFloat64).sum());

  using namespace torch::indexing;
  torch::Tensor m = torch::arange(24, torch::kFloat64).reshape({2, 3, 4});
  torch::Tensor i = torch::tensor({1, 0}, torch::dtype(torch::kLong));
  torch::Tensor j = torch::tensor({3, 1}, torch::dtype(torch::kLong));
  print("index basic", m.index({Slice(), Slice(1, None), 0}));
  print("index ellipsis none", m.index({Ellipsis, None, Slice(None, None, 2)}));
  print("index two tensors", m.index({i, Ellipsis, j}));
  print("index adjacent", m.index({Slice(), i.index({Slice(0, 1)}), j}));
  print("index mask", m.index({m > 17}));
  m.index_put_({Slice(), 1, i}, -1.0);
  m.index_put_({m < 3}, 100.0);
  m.index_put_({0, Slice(), j}, torch::tensor({7.0, 8.0}, torch::dtype(torch::kFloat64)));
  print("after index_put_", m);
  return 0;
}
