// One program, two builds (libtorch, and torsh through the compat include): the recurrent
// modules of libtorch's C++ frontend (RNN, LSTM with and without projection, GRU, the cells):
// printing, parameter names and shapes, same-seed initial values, outputs, final states and
// gradients, and a few Adam steps of a sequence classifier.
// tests/python/test_libtorch_parity.py compares what the two builds print.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <tuple>

#include "module_printout.h"

static double total(const torch::Tensor& t) {
  return t.detach().to(torch::kFloat64).sum().item<double>();
}

int main() {
  torch::manual_seed(0);
  torch::Tensor x = torch::randn({5, 3, 4});  // [T, B, I]
  {
    torch::nn::RNN rnn(torch::nn::RNNOptions(4, 6).num_layers(2));
    params(*rnn);
    auto [out, h] = rnn->forward(x);
    std::printf("rnn out %s %.6f h %s %.6f\n", torch::str(out.sizes()).c_str(), weighted(out),
                torch::str(h.sizes()).c_str(), weighted(h));
    (out.sum() + h.pow(2).sum()).backward();
    grads(*rnn);
  }
  {
    torch::nn::RNN rnn(torch::nn::RNNOptions(4, 3)
                           .nonlinearity(torch::kReLU)
                           .bias(false)
                           .batch_first(true)
                           .bidirectional(true));
    params(*rnn);
    torch::Tensor h0 = torch::randn({2, 5, 3});
    auto [out, h] = rnn->forward(x, h0);
    std::printf("rnn relu out %s %.6f h %.6f\n", torch::str(out.sizes()).c_str(), weighted(out),
                weighted(h));
  }
  {
    torch::nn::LSTM lstm(torch::nn::LSTMOptions(4, 5).num_layers(2).bidirectional(true));
    params(*lstm);
    auto [out, state] = lstm->forward(x);
    auto [h, c] = state;
    std::printf("lstm out %s %.6f h %s %.6f c %.6f\n", torch::str(out.sizes()).c_str(),
                weighted(out), torch::str(h.sizes()).c_str(), weighted(h), weighted(c));
    (out.pow(2).sum() + c.sum()).backward();
    grads(*lstm);
  }
  {
    torch::nn::LSTM lstm(torch::nn::LSTMOptions(4, 6).proj_size(2).batch_first(true));
    params(*lstm);
    torch::Tensor h0 = torch::randn({1, 5, 2}), c0 = torch::randn({1, 5, 6});
    auto [out, state] = lstm->forward(x, std::make_tuple(h0, c0));
    std::printf("lstm proj out %s %.6f h %s %.6f c %s %.6f\n", torch::str(out.sizes()).c_str(),
                weighted(out), torch::str(std::get<0>(state).sizes()).c_str(),
                weighted(std::get<0>(state)), torch::str(std::get<1>(state).sizes()).c_str(),
                weighted(std::get<1>(state)));
  }
  {
    torch::nn::GRU gru(torch::nn::GRUOptions(4, 5).num_layers(3).dropout(0.0));
    params(*gru);
    auto [out, h] = gru->forward(x);
    std::printf("gru out %s %.6f h %s %.6f\n", torch::str(out.sizes()).c_str(), weighted(out),
                torch::str(h.sizes()).c_str(), weighted(h));
    out.sum().backward();
    grads(*gru);
  }
  {
    // dropout between layers in training mode draws from the generator as libtorch does; none
    // in eval mode
    torch::nn::GRU gru(torch::nn::GRUOptions(4, 5).num_layers(2).dropout(0.4));
    std::printf("gru dropout train %.6f\n", weighted(std::get<0>(gru->forward(x))));
    gru->eval();
    std::printf("gru dropout eval %.6f\n", weighted(std::get<0>(gru->forward(x))));
  }
  {
    torch::nn::RNNCell rc(4, 3);
    torch::nn::RNNCell rr(torch::nn::RNNCellOptions(4, 3).nonlinearity(torch::kReLU).bias(false));
    torch::nn::LSTMCell lc(4, 3);
    torch::nn::GRUCell gc(torch::nn::GRUCellOptions(4, 3));
    params(*rc);
    params(*rr);
    params(*lc);
    params(*gc);
    torch::Tensor xi = x[0];
    torch::Tensor h = rc->forward(xi);
    std::printf("rnncell %.6f relu %.6f\n", weighted(h), weighted(rr->forward(xi, h)));
    auto [hl, cl] = lc->forward(xi);
    auto [hl2, cl2] = lc->forward(xi, std::make_tuple(hl, cl));
    std::printf("lstmcell %.6f %.6f %.6f %.6f\n", weighted(hl), weighted(cl), weighted(hl2),
                weighted(cl2));
    torch::Tensor hg = gc->forward(xi);
    std::printf("grucell %.6f %.6f\n", weighted(hg), weighted(gc->forward(xi, hg)));
  }
  {
    // a sequence classifier: LSTM over [B, T, I], the last step's output into a Linear, Adam
    torch::nn::LSTM lstm(torch::nn::LSTMOptions(4, 8).batch_first(true));
    torch::nn::Linear head(8, 3);
    std::vector<torch::Tensor> ps = lstm->parameters();
    for (const auto& p : head->parameters()) ps.push_back(p);
    torch::optim::Adam opt(ps, torch::optim::AdamOptions(0.01));
    torch::Tensor xs = torch::randn({6, 7, 4});
    torch::Tensor ys = torch::randint(0, 3, {6});
    for (int step = 0; step < 5; ++step) {
      opt.zero_grad();
      auto out = std::get<0>(lstm->forward(xs));
      torch::Tensor loss =
          torch::nll_loss(torch::log_softmax(head->forward(out.select(1, 6)), 1), ys);
      loss.backward();
      opt.step();
      std::printf("seq step %d loss %.6f\n", step, loss.item<double>());
    }
    std::printf("seq weight %.6f\n", total(lstm->named_parameters()["weight_hh_l0"]));
  }
  return 0;
}
