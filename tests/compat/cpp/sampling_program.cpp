// torch's sampling free functions (bernoulli, multinomial, normal, poisson, binomial,
// randint_like) from a libtorch-style program, built against libtorch and against torsh's
// compat header; tests/python/test_libtorch_parity.py compares the samples, which must be equal.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>

static void values(const char* label, const torch::Tensor& t) {
  torch::Tensor c = t.contiguous().to(torch::kFloat64);
  std::cout << label << " " << t.scalar_type() << " [" << c.numel() << "]:" << std::flush;
  for (int64_t i = 0; i < c.numel(); ++i) std::printf(" %.9g", c.data_ptr<double>()[i]);
  std::printf("\n");
}

int main() {
  torch::manual_seed(11);
  torch::Tensor p = torch::rand({4, 9});
  values("bernoulli", torch::bernoulli(p));
  values("bernoulli_t", torch::bernoulli(p.t()));
  values("bernoulli_p", torch::bernoulli(p, 0.25));
  values("multinomial", torch::multinomial(p, 5));
  values("multinomial_repl", torch::multinomial(p, 20, true));
  values("multinomial_1", torch::multinomial(p[0].to(torch::kFloat64), 1));
  values("normal_tt", at::normal(p, p + 1));
  values("normal_ts", at::normal(p, 2.0));
  values("normal_st", at::normal(3.0, p));
  values("normal_size", torch::normal(1.0, 0.5, {2, 3}));
  torch::Tensor rates = torch::rand({300}, torch::kFloat64) * 40;
  values("poisson", torch::poisson(rates).sum());
  values("poisson_small", torch::poisson(p * 3));
  torch::Tensor count = torch::floor(torch::rand({500}) * 100);
  torch::Tensor prob = torch::rand({500});
  values("binomial", torch::binomial(count, prob).sum());
  values("binomial_d", torch::binomial(count.to(torch::kFloat64), prob.to(torch::kFloat64)));
  values("randint_like", torch::randint_like(p, 10));
  values("randint_like_lh", torch::randint_like(p, -5, 5, torch::kInt32));
  values("after", torch::rand({3}));

  // a zero gradient for the parameters of bernoulli and normal
  torch::Tensor mean = torch::zeros({3}, torch::requires_grad());
  torch::Tensor s = at::normal(mean, 1.0);  // torch::normal is only the factory in libtorch
  s.sum().backward();
  values("normal_grad", mean.grad());
  std::cout << s.grad_fn()->name() << std::endl;

  for (auto fn : {+[] {
                    torch::multinomial(torch::ones({2, 3}), 4);
                  },
                  +[] {
                    torch::multinomial(torch::tensor({1.0, -1.0}), 1);
                  },
                  +[] { torch::poisson(torch::tensor({-1.0})); },
                  +[] { torch::bernoulli(torch::tensor({2.0})); }}) {
    try {
      fn();
      std::printf("no error\n");
    } catch (const c10::Error& e) {
      std::string msg = e.what();
      std::printf("error: %s\n", msg.substr(0, msg.find('\n')).c_str());
    }
  }
  return 0;
}
