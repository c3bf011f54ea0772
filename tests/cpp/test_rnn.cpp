// The recurrent modules' shapes, unbatched inputs and errors (their values and gradients are
// compared with libtorch's by tests/python/test_libtorch_parity.py::test_rnn_program...).
#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "torsh/torsh.h"

using namespace torsh;

TEST(Rnn, UnbatchedInputIsTheBatchOfOne) {
  manual_seed(1);
  nn::LSTM lstm(nn::LSTMOptions(3, 4).num_layers(2).bidirectional(true));
  Tensor x = randn({6, 3});
  auto [out1, st1] = lstm->forward(x);
  auto [out2, st2] = lstm->forward(x.unsqueeze(1));
  EXPECT_EQ(out1.sizes().vec(), (std::vector<int64_t>{6, 8}));
  EXPECT_EQ(std::get<0>(st1).sizes().vec(), (std::vector<int64_t>{4, 4}));
  EXPECT_TRUE(torsh::equal(out1, out2.squeeze(1)));
  EXPECT_TRUE(torsh::equal(std::get<1>(st1), std::get<1>(st2).squeeze(1)));
  nn::GRUCell cell(3, 5);
  Tensor h = cell->forward(x[0]);
  EXPECT_EQ(h.sizes().vec(), (std::vector<int64_t>{5}));
  EXPECT_TRUE(torsh::equal(h, cell->forward(x[0].unsqueeze(0)).squeeze(0)));
}

TEST(Rnn, BatchFirstTransposesInputAndOutputOnly) {
  manual_seed(2);
  nn::GRU gru(nn::GRUOptions(3, 4).batch_first(true));
  Tensor x = randn({2, 5, 3});  // [B, T, I]
  auto [out, h] = gru->forward(x);
  EXPECT_EQ(out.sizes().vec(), (std::vector<int64_t>{2, 5, 4}));
  EXPECT_EQ(h.sizes().vec(), (std::vector<int64_t>{1, 2, 4}));  // states stay [L, B, H]
  EXPECT_TRUE(torsh::allclose(out.select(1, 4), h[0]));
}

TEST(Rnn, BadShapesRaise) {
  nn::LSTM lstm(nn::LSTMOptions(3, 4));
  EXPECT_THROW(lstm->forward(randn({5, 2, 7})), Error);     // input_size 7 != 3
  EXPECT_THROW(lstm->forward(randn({5, 2, 3, 1})), Error);  // 4-D
  EXPECT_THROW(lstm->forward(randn({5, 2, 3}),              // h0 of batch 3
                             std::make_tuple(zeros({1, 3, 4}), zeros({1, 2, 4}))),
               Error);
  nn::RNN rnn(nn::RNNOptions(3, 4));
  EXPECT_THROW(rnn->forward(randn({5, 3}), zeros({1, 2, 4})), Error);  // 3-D h for 2-D input
  EXPECT_THROW(nn::LSTM(nn::LSTMOptions(3, 4).proj_size(4)), ValueError);
  EXPECT_THROW(nn::GRU(nn::GRUOptions(3, 4).dropout(1.5)), ValueError);
  nn::LSTMCell cell(3, 4);
  EXPECT_THROW(cell->forward(randn({2, 5})), Error);
  // the state's batch, hidden size and rank are checked (ATen's "Input batch size 3 doesn't
  // match hidden0 batch size 1"), not broadcast
  EXPECT_THROW(cell->forward(randn({3, 3}), std::make_tuple(zeros({1, 4}), zeros({3, 4}))), Error);
  EXPECT_THROW(cell->forward(randn({3, 3}), std::make_tuple(zeros({3, 4}), zeros({3, 5}))), Error);
  nn::GRUCell gru(3, 4);
  EXPECT_THROW(gru->forward(randn({3}), zeros({1, 4})), Error);
  EXPECT_THROW(gru->forward(randn({2, 3}), zeros({1, 4})), Error);
  EXPECT_EQ(gru->forward(randn({3}), zeros({4})).sizes().vec(), std::vector<int64_t>{4});
}

// libtorch's Sequential ending in a recurrent module: forward<ReturnType> gives the last
// module's own value (the tuple), equal to calling the modules one by one; a module that does
// not return a tensor anywhere else, or a wrong ReturnType, raises.
TEST(Rnn, SequentialEndingInLstm) {
  manual_seed(3);
  nn::Linear fc(3, 4);
  nn::LSTM lstm(nn::LSTMOptions(4, 5));
  nn::Sequential seq(fc, nn::ReLU(), lstm);
  Tensor x = randn({6, 2, 3});
  using Out = std::tuple<Tensor, std::tuple<Tensor, Tensor>>;
  auto [out, state] = seq->forward<Out>(x);
  auto [ref, ref_state] = lstm->forward(torsh::relu(fc->forward(x)));
  EXPECT_TRUE(torsh::equal(out, ref));
  EXPECT_TRUE(torsh::equal(std::get<0>(state), std::get<0>(ref_state)));
  EXPECT_TRUE(torsh::equal(std::get<1>(state), std::get<1>(ref_state)));
  EXPECT_THROW(seq->forward(x), Error);                      // the tuple is not a Tensor
  EXPECT_THROW(seq->forward<std::tuple<Tensor>>(x), Error);  // not the type returned
  nn::Sequential middle(lstm, nn::ReLU());
  EXPECT_THROW(middle->forward(x.narrow(2, 0, 1).expand({6, 2, 4})), Error);
  // a Sequential of tensor modules still answers forward<Tensor> and forward
  nn::Sequential plain(fc, nn::ReLU());
  EXPECT_TRUE(torsh::equal(plain->forward<Tensor>(x), plain->forward(x)));
}
