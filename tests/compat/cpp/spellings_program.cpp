// Everyday libtorch spellings, one program built against libtorch and against torsh's compat
// header (only the include path differs); tests/python/test_libtorch_parity.py compares the
// output. Values are printed with printf, the types' own printing with operator<<.
#include <torch/torch.h>

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

using namespace torch::indexing;

static void values(const char* label, const torch::Tensor& t) {
  torch::Tensor c = t.contiguous().to(torch::kFloat64);
  std::printf("%s [%lld]:", label, static_cast<long long>(c.numel()));
  for (int64_t i = 0; i < c.numel(); ++i) std::printf(" %.6g", c.data_ptr<double>()[i]);
  std::printf("\n");
}

int main() {
  torch::manual_seed(3);
  torch::Tensor t = torch::arange(12, torch::kFloat32).reshape({3, 4});
  std::cout << t.sizes() << " " << t.strides() << " " << t.scalar_type() << " " << t.device() << " "
            << torch::kLong << " " << torch::Device("cpu") << " " << c10::IntArrayRef{}
            << std::endl;

  // torch::indexing
  values("index", t.index({Slice(1, None), Slice(None, None, 2)}));
  values("index_ellipsis", t.index({Ellipsis, 1}));
  values("index_none", t.index({None, 0}));
  torch::Tensor u = t.clone();
  u.index_put_({Slice(), 0}, -1.0);
  u.index_put_({1, Slice(1, 3)}, torch::full({2}, 7.0));
  values("index_put", u);

  // bitwise operators
  torch::Tensor b = torch::tensor({true, false, true});
  torch::Tensor i = torch::tensor({6, 3, 5});
  values("not", ~b);
  values("and", i & 3);
  values("or", i | torch::tensor({1, 1, 2}));
  values("xor", i ^ 1);
  values("bool_and", b & b);

  // c10 spellings, devices
  c10::optional<int64_t> none;
  c10::IntArrayRef shape = t.sizes();
  std::printf("c10: %d %lld %d %d\n", none.has_value() ? 1 : 0, static_cast<long long>(shape[1]),
              torch::cuda::is_available() ? 1 : 0, static_cast<int>(torch::cuda::device_count()));
  try {
    torch::mm(t, t);
  } catch (const c10::Error&) {
    std::printf("c10::Error caught\n");
  }

  // from_blob, reductions, sorting
  std::vector<float> buf = {3, 1, 2, 6, 5, 4};
  torch::Tensor blob = torch::from_blob(buf.data(), {2, 3});
  values("from_blob", blob);
  auto sorted = blob.sort(1);
  values("sort", std::get<0>(sorted));
  values("argsort", std::get<1>(sorted));
  values("topk", std::get<0>(blob.topk(2)));
  values("norm", blob.norm());
  values("std_var", torch::stack({blob.std(), blob.var()}));
  values("masked_fill", blob.masked_fill(blob > 3, 0.0));
  values("clamp_min", blob.clamp_min(2.5));
  values("chunk", blob.chunk(3, 1)[1]);
  values("split", blob.split(2, 1)[1]);
  values("repeat", blob.repeat({1, 2}));
  values("type_as", i.type_as(blob) / 2);

  // members: accessor, item().toFloat(), slice, is_cuda, data(), print()
  torch::Tensor m = torch::arange(6, torch::kFloat32).reshape({2, 3});
  auto acc = m.accessor<float, 2>();
  acc[1][2] = 50.0f;
  std::printf("accessor: %g %g %lld\n", static_cast<double>(acc[0][1]),
              static_cast<double>(acc[1][2]), static_cast<long long>(acc.size(1)));
  std::printf("item: %g %lld %d\n", static_cast<double>(m.sum().item().toFloat()),
              static_cast<long long>(m.max().item().toLong()), m.min().item().toInt());
  values("slice", m.slice(1, 1, 3));
  values("slice_step", m.slice(1, 0, 3, 2));
  torch::Tensor g = torch::ones({2}, torch::requires_grad());
  std::printf("members: %d %d %d\n", m.is_cuda() ? 1 : 0, g.data().requires_grad() ? 1 : 0,
              (g * 2).data().requires_grad() ? 1 : 0);
  m.print();
  torch::Tensor().print();

  // autograd with libtorch's defaults
  torch::Tensor x = torch::tensor({1.0, 2.0, 3.0}, torch::requires_grad());
  torch::Tensor y = (x * x).sum();
  torch::autograd::backward({y});
  values("grad", x.grad());
  torch::Tensor z = torch::tensor({0.5, -1.0}, torch::requires_grad());
  torch::autograd::backward({z * 3}, {torch::ones({2})});
  values("grad2", z.grad());

  // one dim as a plain integer (an optional dim list), comparisons with a number
  torch::Tensor r = torch::arange(12, torch::kFloat).reshape({3, 4});
  values("sum1", r.sum(1));
  values("mean0", r.mean(0));
  values("sum_keep", r.sum(-1, /*keepdim=*/true).flatten());
  values("eq", r.eq(5).to(torch::kFloat).flatten());
  values("gt", r.gt(6.5).to(torch::kFloat).flatten());
  values("le", torch::le(r, 2).to(torch::kFloat).flatten());

  // torch::nn::utils, Embedding::from_pretrained and max_norm, F::one_hot, a tensor list saved
  // and loaded
  torch::Tensor p1 = torch::tensor({3.0, 4.0}, torch::requires_grad());
  torch::Tensor p2 = torch::tensor({12.0}, torch::requires_grad());
  (p1 * p1).sum().backward();
  (p2 * p2).sum().backward();
  std::printf("clip_grad_norm: %.6f\n", torch::nn::utils::clip_grad_norm_({p1, p2}, 13.0));
  values("clipped", torch::cat({p1.grad(), p2.grad()}));
  torch::nn::utils::clip_grad_value_({p1, p2}, 2.5);
  values("clip_value", torch::cat({p1.grad(), p2.grad()}));
  std::printf("clip_grad_norm_inf: %.6f\n",
              torch::nn::utils::clip_grad_norm_(std::vector<torch::Tensor>{p1, p2}, 1.0,
                                                std::numeric_limits<double>::infinity()));
  values("clipped_inf", torch::cat({p1.grad(), p2.grad()}));
  values("to_vector", torch::nn::utils::parameters_to_vector({p1, p2}));
  auto emb = torch::nn::Embedding::from_pretrained(torch::arange(6, torch::kFloat).reshape({3, 2}));
  std::cout << emb << " " << emb->weight.requires_grad() << std::endl;
  values("emb", emb(torch::tensor({2, 0})));
  auto emb2 = torch::nn::Embedding(torch::nn::EmbeddingOptions(4, 3).max_norm(1.0));
  std::cout << emb2 << std::endl;
  values("emb_max_norm", emb2(torch::tensor({1, 1, 3})).norm(2, {1}));
  values("one_hot", torch::nn::functional::one_hot(torch::tensor({0, 2, 1}), 4));
  const std::string list_path = "/tmp/spellings_list_" + std::to_string(getpid()) + ".pt";
  torch::save(std::vector<torch::Tensor>{r, p1.detach()}, list_path);
  std::vector<torch::Tensor> loaded;
  torch::load(loaded, list_path);
  std::remove(list_path.c_str());
  std::printf("loaded list: %zu\n", loaded.size());
  values("loaded0", loaded.at(0));
  values("loaded1", loaded.at(1));

  // libtorch's int-dim variance overloads, Scalar division overloads, _unique, Scalar printing,
  // make_generator, c10::toString, backward's full form and module names
  torch::Tensor v = torch::arange(6, torch::kFloat).reshape({2, 3});
  values("var0", torch::var(v, 0));
  values("std1", torch::std(v, 1));
  values("var_mean1", std::get<0>(torch::var_mean(v, 1)));
  values("std_mean0", std::get<1>(torch::std_mean(v, 0, false)));
  values("div_floor", torch::div(v - 2.5, 2, "floor"));
  values("floor_divide", torch::floor_divide(v, 4));
  values("unique", std::get<0>(torch::_unique(torch::tensor({3, 1, 3, 2}))));
  std::cout << "items " << v.sum().item() << " " << torch::tensor(3).item() << " "
            << torch::Scalar(true) << " " << c10::toString(torch::kFloat) << std::endl;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(123);
  values("generator", torch::rand({3}, gen));
  torch::Tensor xg = torch::ones({2}, torch::requires_grad());
  torch::Tensor yg = (xg * xg).sum();
  torch::autograd::backward({yg}, {}, c10::nullopt, false, {xg});
  values("backward_inputs", xg.grad());
  torch::nn::Sequential named(torch::nn::Linear(2, 2), torch::nn::ReLU());
  for (const auto& m : named->modules(false)) std::cout << m->name() << std::endl;
  values("init_eye", torch::nn::init::eye_(torch::empty({2, 3})));
  values("init_dirac", torch::nn::init::dirac_(torch::empty({2, 3, 3})));
  torch::manual_seed(5);
  values("init_sparse", torch::nn::init::sparse_(torch::empty({4, 3}), 0.5));
  values("after_sparse", torch::rand({2}));

  // libtorch's Tensor methods beyond the op table, Device accessors, Module::as with a holder,
  // torch::print
  values("m_var0", v.var(0));
  values("m_std1", v.std(1, false, true));
  values("m_var_unbiased", v.var(false));
  std::printf("equal %d %d allclose %d %d\n", v.equal(v.clone()), v.equal(v + 1),
              v.allclose(v + 1e-9), v.allclose(v + 1));
  std::printf("signed %d %d %d %d\n", v.is_signed(), torch::ones({1}, torch::kUInt8).is_signed(),
              torch::ones({1}, torch::kBool).is_signed(),
              torch::ones({1}, torch::kLong).is_signed());
  torch::Device dev = v.device();
  std::printf("device %d %d %d %s\n", dev.type() == torch::kCPU, dev.is_cpu(),
              static_cast<int>(dev.index()), dev.str().c_str());
  torch::Device cuda1(torch::kCUDA, 1);
  cuda1.set_index(2);
  std::printf("cuda %d %d %s\n", cuda1.type() == torch::kCUDA, static_cast<int>(cuda1.index()),
              cuda1.str().c_str());
  torch::nn::Sequential holder_seq(torch::nn::Linear(2, 3));
  auto* lin = holder_seq[0]->as<torch::nn::Linear>();
  auto* lin_impl = holder_seq[0]->as<torch::nn::LinearImpl>();
  auto* not_relu = holder_seq[0]->as<torch::nn::ReLU>();
  std::printf("as %d %d %d %ld\n", lin != nullptr, lin == lin_impl, not_relu == nullptr,
              static_cast<long>(lin->weight.size(0)));
  torch::print(v);
  std::cout << std::endl;
  torch::print(std::cout, v.sum(), 80);
  std::cout << std::endl;
  return 0;
}
