// torsh's C++ checkpoint I/O driven from tests/python/test_checkpoint_cpp.py:
//   checkpoint_tool write-model PATH   torsh::save of a seeded model's state_dict
//   checkpoint_tool write-value PATH   torsh::save of a nested value (every kind, shared views)
//   checkpoint_tool dump PATH          torsh::load, printed in a canonical text form
//   checkpoint_tool st-dump PATH       torsh::safetensors::load, printed the same way
//   checkpoint_tool load-model PATH    torsh::load into the seeded model, then its state printed
//   checkpoint_tool train-save DIR OPT   3 steps, model.pt + optim.pt, then a 4th step saved as
//                                        model_after.pt
//   checkpoint_tool load-step DIR OPT    model.pt + optim.pt loaded, one step, saved as
//                                        model_after_cpp.pt
//   (OPT: sgd, adam, adamw, adagrad or rmsprop)
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "torsh/torsh.h"

namespace {

using torsh::serialize::Value;

torsh::nn::Sequential model() {
  torsh::manual_seed(0);
  // one statement each: the order of a call's arguments is unspecified, and init draws numbers
  // (batch norm first: a bias right before it would get no gradient, and Adam would amplify
  // the rounding noise that stands in for one)
  torsh::nn::BatchNorm1d norm(3);
  torsh::nn::Linear first(3, 4);
  torsh::nn::Tanh tanh;
  torsh::nn::Linear last(4, 2);
  return torsh::nn::Sequential(norm, first, tanh, last);
}

void print_tensor(const torsh::Tensor& t) {
  std::printf("tensor(%s, [", torsh::dtype_name(t.dtype()));
  for (int64_t d = 0; d < t.dim(); ++d) std::printf(d ? ", %lld" : "%lld", (long long)t.size(d));
  std::printf("], grad=%d, [", static_cast<int>(t.requires_grad()));
  torsh::Tensor flat = t.detach().reshape({-1});
  for (int64_t i = 0; i < flat.numel(); ++i) {
    torsh::Tensor e = flat[i];
    if (torsh::is_complex(t.dtype())) {
      std::printf(i ? ", (%.9g%+.9gj)" : "(%.9g%+.9gj)", torsh::real(e).item<double>(),
                  torsh::imag(e).item<double>());
    } else {
      std::printf(i ? ", %.9g" : "%.9g", e.to(torsh::kDouble).item<double>());
    }
  }
  std::printf("])");
}

void print(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::None:
      std::printf("None");
      break;
    case Value::Kind::Bool:
      std::printf(v.toBool() ? "True" : "False");
      break;
    case Value::Kind::Int:
      std::printf("%lld", static_cast<long long>(v.toInt()));
      break;
    case Value::Kind::Double:
      std::printf("%.17g", v.toDouble());
      break;
    case Value::Kind::String:
      std::printf("'%s'", v.toStringRef().c_str());
      break;
    case Value::Kind::Tensor:
      print_tensor(v.toTensor());
      break;
    case Value::Kind::List:
    case Value::Kind::Tuple: {
      const bool tuple = v.kind() == Value::Kind::Tuple;
      std::printf(tuple ? "(" : "[");
      bool first = true;
      for (const Value& x : v.toList()) {
        std::printf(first ? "" : ", ");
        first = false;
        print(x);
      }
      std::printf(tuple ? ")" : "]");
      break;
    }
    case Value::Kind::Dict: {
      std::printf("{");
      bool first = true;
      for (const auto& [k, x] : v.toDict()) {
        std::printf(first ? "" : ", ");
        first = false;
        print(k);
        std::printf(": ");
        print(x);
      }
      std::printf("}");
      break;
    }
  }
}

Value nested() {
  torsh::manual_seed(1);
  torsh::Tensor base = torsh::randn({4, 3});
  torsh::serialize::Dict inner{{"step", 7}, {"lr", 0.125}, {"betas", Value::tuple({0.9, 0.999})}};
  return Value::dict({{"weights", base},
                      {"column", base.select(1, 1)},  // a strided view of the same storage
                      {"tail", base.narrow(0, 2, 2)},
                      {"ints", torsh::arange(5)},
                      {"half", torsh::tensor({0.5, -2.0}).to(torsh::kHalf)},
                      {"bf16", torsh::tensor({1.5, 3.0}).to(torsh::kBFloat16)},
                      {"flags", torsh::tensor({true, false, true})},
                      {"bytes", torsh::tensor({1, 200}).to(torsh::kByte)},
                      {"complex", torsh::complex(torsh::tensor({1.0f}), torsh::tensor({-2.0f}))},
                      {"scalar", torsh::tensor(3.25, torsh::kDouble)},
                      {"empty", torsh::zeros({0, 2})},
                      {"leaf", torsh::ones({2}).requires_grad_(true)},
                      {"meta", Value::dict(std::move(inner), false)},
                      {"names", Value::list({"a", "b", Value(), true, -5, int64_t{1} << 40})},
                      {7, "int key"}},
                     true);
}

std::unique_ptr<torsh::optim::Optimizer> optimizer(const std::string& name,
                                                   std::vector<torsh::Tensor> params) {
  namespace optim = torsh::optim;
  if (name == "sgd") {
    return std::make_unique<optim::SGD>(
        params, optim::SGDOptions(0.1).momentum(0.9).weight_decay(1e-3).nesterov(true));
  }
  if (name == "adam") {
    return std::make_unique<optim::Adam>(params,
                                         optim::AdamOptions(0.01).weight_decay(1e-3).amsgrad(true));
  }
  if (name == "adagrad") {
    return std::make_unique<optim::Adagrad>(
        params,
        optim::AdagradOptions(0.05).lr_decay(0.01).weight_decay(1e-3).initial_accumulator_value(
            0.1));
  }
  if (name == "rmsprop") {
    return std::make_unique<optim::RMSprop>(
        params, optim::RMSpropOptions(0.01).momentum(0.9).centered(true).weight_decay(1e-3));
  }
  TORSH_CHECK(name == "adamw", "checkpoint_tool: unknown optimizer ", name);
  return std::make_unique<optim::AdamW>(
      params, optim::AdamWOptions(0.01).betas(std::make_tuple(0.8, 0.99)));
}

void train_step(torsh::nn::Sequential& m, torsh::optim::Optimizer& opt) {
  torsh::manual_seed(5);
  torsh::Tensor x = torsh::randn({8, 3});
  opt.zero_grad();
  m->forward(x).pow(2).mean().backward();
  opt.step();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4) {
    const std::string mode = argv[1], dir = argv[2], name = argv[3];
    try {
      auto m = model();
      auto opt = optimizer(name, m->parameters());
      if (mode == "train-save") {
        for (int i = 0; i < 3; ++i) train_step(m, *opt);
        torsh::save(m, dir + "/model.pt");
        torsh::save(*opt, dir + "/optim.pt");
        train_step(m, *opt);
        torsh::save(m, dir + "/model_after.pt");
      } else {
        torsh::load(m, dir + "/model.pt");
        torsh::load(*opt, dir + "/optim.pt");
        train_step(m, *opt);
        torsh::save(m, dir + "/model_after_cpp.pt");
      }
    } catch (const torsh::Error& e) {
      std::fprintf(stderr, "torsh::Error: %s\n", e.what());
      return 1;
    }
    return 0;
  }
  if (argc != 3) {
    std::fprintf(stderr, "usage: checkpoint_tool write-model|write-value|dump|load-model PATH\n");
    return 2;
  }
  const std::string mode = argv[1], path = argv[2];
  try {
    if (mode == "write-model") {
      auto m = model();
      torsh::save(m, path);
    } else if (mode == "write-value") {
      torsh::save(nested(), path);
    } else if (mode == "st-dump") {
      std::map<std::string, std::string> meta;
      auto tensors = torsh::safetensors::load(path, &meta);
      torsh::serialize::Dict m, t;
      for (const auto& [k, v] : meta) m.emplace_back(k, v);
      for (auto& [k, v] : tensors) t.emplace_back(k, v);
      print(Value::dict({{"metadata", Value::dict(std::move(m))}, {"tensors", Value::dict(t)}}));
      std::printf("\n");
    } else if (mode == "dump") {
      print(torsh::load(path));
      std::printf("\n");
    } else if (mode == "load-model") {
      auto m = model();
      torsh::load(m, path);
      torsh::serialize::Dict entries;
      for (auto& [k, t] : torsh::state_dict(*m)) entries.emplace_back(k, t);
      print(Value::dict(std::move(entries)));
      std::printf("\n");
    } else {
      std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
      return 2;
    }
  } catch (const torsh::Error& e) {
    std::fprintf(stderr, "torsh::Error: %s\n", e.what());
    return 1;
  }
  return 0;
}
