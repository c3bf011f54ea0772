// The breadth of libtorch's frontend: every activation module, the losses beyond the common
// six, padding, distance, instance and local-response norms, Bilinear, Fold/Unfold, the pooling
// extras and EmbeddingBag. Each prints the module, its forward values and the input's (and the
// parameters') gradients, built against libtorch or torsh alike.
#include <torch/torch.h>

#include <cstdio>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "module_printout.h"

namespace F = torch::nn::functional;

static void values(const std::string& label, const torch::Tensor& t) {
  torch::Tensor c = t.detach().contiguous().to(torch::kFloat64).reshape({-1});
  std::printf("%s %s [%lld]:", label.c_str(), torch::str(t.sizes()).c_str(),
              static_cast<long long>(c.numel()));
  for (int64_t i = 0; i < c.numel(); ++i) std::printf(" %.6g", c[i].item<double>());
  std::printf("\n");
}

// A fresh leaf input with values around zero (both signs, some exactly at the kinks).
static torch::Tensor input(std::vector<int64_t> shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  auto x = (torch::arange(n, torch::kFloat) - n / 2).mul(0.37).remainder(5.0) - 2.5;
  return x.reshape(shape).detach().requires_grad_(true);
}

// Prints the module, forward(x) and d(sum(out * sin(index)))/dx.
template <typename M>
static void check(const std::string& label, M module, std::vector<int64_t> shape) {
  std::cout << module << std::endl;
  auto x = input(shape);
  auto y = module(x);
  values(label, y);
  auto w = torch::arange(y.numel(), torch::kFloat).reshape(y.sizes()).sin();
  (y * w).sum().backward();
  values(label + "_grad", x.grad());
  grads(*module.ptr());
}

static void activations() {
  using namespace torch::nn;
  check("elu", ELU(ELUOptions().alpha(1.5)), {2, 5});
  check("selu", SELU(), {2, 5});
  check("celu", CELU(CELUOptions().alpha(0.7)), {2, 5});
  check("hardshrink", Hardshrink(HardshrinkOptions(0.6)), {2, 5});
  check("softshrink", Softshrink(), {2, 5});
  check("hardtanh", Hardtanh(HardtanhOptions().min_val(-0.5).max_val(1.25)), {2, 5});
  check("relu6", ReLU6(), {2, 5});
  check("glu", GLU(GLUOptions(0)), {4, 3});
  check("softplus", Softplus(SoftplusOptions().beta(2).threshold(1)), {2, 5});
  check("softmin", Softmin(1), {2, 5});
  check("threshold", Threshold(0.1, 20), {2, 5});
  check("logsigmoid", LogSigmoid(), {2, 5});
  check("softmax2d", Softmax2d(), {1, 3, 2, 2});
  check("mish", Mish(), {2, 5});
  check("softsign", Softsign(), {2, 5});
  check("tanhshrink", Tanhshrink(), {2, 5});
  check("prelu", PReLU(PReLUOptions().num_parameters(3).init(0.1)), {2, 3, 2});
  RReLU rrelu(RReLUOptions().lower(0.1).upper(0.4));
  rrelu->eval();
  check("rrelu_eval", rrelu, {2, 5});
  rrelu->train();
  torch::manual_seed(3);
  check("rrelu_train", rrelu, {2, 5});
  std::cout << ELU(ELUOptions().inplace(true)) << std::endl
            << SELU(true) << std::endl
            << Hardtanh(HardtanhOptions().inplace(true)) << std::endl
            << Threshold(ThresholdOptions(1, 2).inplace(true)) << std::endl;

  auto x = input({3, 4});
  values("F_elu", F::elu(x, F::ELUFuncOptions().alpha(0.5)));
  values("F_selu", F::selu(x));
  values("F_hardtanh", F::hardtanh(x, F::HardtanhFuncOptions().min_val(-2).max_val(0.5)));
  values("F_relu6", F::relu6(x * 4));
  values("F_softmin", F::softmin(x, F::SoftminFuncOptions(0)));
  values("F_threshold", F::threshold(x, F::ThresholdFuncOptions(0.5, -3)));
  values("F_glu", F::glu(x));
  values("F_logsigmoid", F::logsigmoid(x * 30));
  values("F_softplus", F::softplus(x));
  values("F_mish", F::mish(x));
  values("F_prelu", F::prelu(x, torch::full({1}, 0.3)));
  values("F_softshrink", F::softshrink(x, F::SoftshrinkFuncOptions(1.0)));
  values("F_hardshrink", F::hardshrink(x, F::HardshrinkFuncOptions(1.0)));
  values("F_celu", F::celu(x, F::CELUFuncOptions().alpha(2)));
  values("F_rrelu", F::rrelu(x, F::RReLUFuncOptions().lower(0.2).upper(0.3)));
  torch::manual_seed(7);
  values("F_gumbel", F::gumbel_softmax(x, F::GumbelSoftmaxFuncOptions().tau(0.5)));
  values("F_gumbel_hard", F::gumbel_softmax(x, F::GumbelSoftmaxFuncOptions().hard(true).dim(0)));
  values("top_selu", torch::selu(x));
  values("top_celu", torch::celu(x, 0.5));
  values("top_hardswish", torch::hardswish(x));
  values("top_hardsigmoid", torch::hardsigmoid(x));
  values("top_log_sigmoid", torch::log_sigmoid(x));
  values("top_mish", torch::mish(x));
  values("top_threshold", torch::threshold(x, 0.0, 9));
  values("top_glu", torch::glu(x, 1));
  values("top_relu6", torch::relu6(x * 3));
  try {
    F::glu(torch::ones({3, 3}));
  } catch (const c10::Error&) {
    std::printf("glu odd: error\n");
  }
}

// Prints the loss module, its value and d(loss * 1.5 or sum(loss * sin))/d(first input).
template <typename M, typename... Rest>
static void loss(const std::string& label, M module, const torch::Tensor& x, const Rest&... rest) {
  std::cout << module << std::endl;
  auto xi = x.detach().clone().requires_grad_(true);
  auto y = module(xi, rest...);
  values(label, y);
  auto w = torch::arange(y.numel(), torch::kFloat).reshape(y.sizes()).sin() + 1.5;
  (y * w).sum().backward();
  values(label + "_grad", xi.grad());
}

static void losses() {
  using namespace torch::nn;
  auto x = input({4, 5}).detach();
  auto t = (torch::arange(20, torch::kFloat).reshape({4, 5}) * 0.61).sin();
  auto sign = torch::where(t > 0, torch::ones_like(t), -torch::ones_like(t));
  auto cls = torch::tensor({1, 0, 4, 2}, torch::kLong);
  loss("smooth_l1", SmoothL1Loss(SmoothL1LossOptions().beta(0.5)), x, t);
  loss("smooth_l1_none", SmoothL1Loss(SmoothL1LossOptions().reduction(torch::kNone)), x, t);
  loss("huber", HuberLoss(HuberLossOptions().delta(0.7).reduction(torch::kSum)), x, t);
  auto logp = torch::log_softmax(x, 1);
  auto prob = torch::softmax(t, 1);
  loss("kl_batchmean", KLDivLoss(KLDivLossOptions().reduction(torch::kBatchMean)), logp, prob);
  loss("kl_log_target", KLDivLoss(KLDivLossOptions().reduction(torch::kSum).log_target(true)), logp,
       prob.log());
  loss("hinge", HingeEmbeddingLoss(HingeEmbeddingLossOptions().margin(0.5)), x, sign);
  loss("multi_margin",
       MultiMarginLoss(MultiMarginLossOptions().p(2).margin(0.7).weight(
           torch::tensor({1.0f, 0.5f, 2.0f, 1.5f, 0.25f}))),
       x, cls);
  loss("multi_margin_none", MultiMarginLoss(MultiMarginLossOptions().reduction(torch::kNone)), x,
       cls);
  loss("cosine_embedding", CosineEmbeddingLoss(CosineEmbeddingLossOptions().margin(0.2)), x, t,
       torch::tensor({1, -1, -1, 1}, torch::kLong));
  auto labels = torch::tensor(
      {{3, 0, -1, 1, 2}, {1, 2, 3, 4, 0}, {-1, 0, 0, 0, 0}, {4, -1, 0, 0, 0}}, torch::kLong);
  loss("multilabel_margin", MultiLabelMarginLoss(), x, labels);
  loss("soft_margin", SoftMarginLoss(), x, sign);
  loss("multilabel_soft_margin",
       MultiLabelSoftMarginLoss(
           MultiLabelSoftMarginLossOptions().weight(torch::tensor({1.0f, 2.0f, 0.5f, 1.0f, 3.0f}))),
       x, (t > 0).to(torch::kFloat));
  loss("triplet", TripletMarginLoss(TripletMarginLossOptions().margin(0.5).p(1).swap(true)), x, t,
       t.flip({0}));
  loss("triplet_default", TripletMarginLoss(), x, t, t * 2);
  loss("triplet_distance",
       TripletMarginWithDistanceLoss(
           TripletMarginWithDistanceLossOptions()
               .distance_function([](const torch::Tensor& a, const torch::Tensor& b) {
                 return 1.0 - F::cosine_similarity(a, b, F::CosineSimilarityFuncOptions());
               })
               .margin(0.3)),
       x, t, t.flip({1}));
  loss("triplet_distance_default", TripletMarginWithDistanceLoss(), x, t, t.flip({1}));
  loss("poisson", PoissonNLLLoss(), x, t.abs());
  loss("poisson_full", PoissonNLLLoss(PoissonNLLLossOptions().log_input(false).full(true)),
       x.abs() + 0.1, t.abs() * 3);
  loss("margin_ranking", MarginRankingLoss(MarginRankingLossOptions().margin(0.1)), x, t, sign);

  values("F_smooth_l1", F::smooth_l1_loss(x, t, {}, 2.0));
  values("F_huber", F::huber_loss(x, t));
  values("F_kl_div", F::kl_div(logp, prob, F::KLDivFuncOptions().reduction(torch::kBatchMean)));
  values("F_hinge", F::hinge_embedding_loss(x, sign));
  values("F_soft_margin",
         F::soft_margin_loss(x, sign, F::SoftMarginLossFuncOptions().reduction(torch::kNone)));
  values("F_multilabel_soft_margin", F::multilabel_soft_margin_loss(x, (t > 0).to(torch::kFloat)));
  values("F_margin_ranking", F::margin_ranking_loss(x, t, sign));
  values("F_cosine_embedding", F::cosine_embedding_loss(x, t, torch::ones({4})));
  values("F_poisson", F::poisson_nll_loss(x, t.abs()));
  values("F_triplet", F::triplet_margin_loss(x, t, -t));
  values("F_multi_margin", F::multi_margin_loss(x, cls));
  values("F_multilabel_margin", F::multilabel_margin_loss(x, labels));

  // CTC: [T=6, N=2, C=4] log-probabilities, padded and concatenated targets
  auto logits = (torch::arange(48, torch::kFloat).reshape({6, 2, 4}) * 0.83).sin();
  auto lp = torch::log_softmax(logits, 2);
  auto targets = torch::tensor({{1, 2, 2}, {3, 1, 0}}, torch::kLong);
  auto in_len = torch::tensor({6, 5}, torch::kLong), tg_len = torch::tensor({3, 2}, torch::kLong);
  loss("ctc", CTCLoss(), lp, targets, in_len, tg_len);
  loss("ctc_sum", CTCLoss(CTCLossOptions().reduction(torch::kSum).blank(3)), lp,
       torch::tensor({1, 2, 2, 0, 1}, torch::kLong), in_len, tg_len);
  loss("ctc_none_inf", CTCLoss(CTCLossOptions().reduction(torch::kNone).zero_infinity(true)), lp,
       torch::tensor({{1, 1, 1, 1}, {2, 2, 2, 2}}, torch::kLong),
       torch::tensor({6, 3}, torch::kLong), torch::tensor({4, 4}, torch::kLong));
  values("F_ctc", F::ctc_loss(lp, targets, in_len, tg_len, F::CTCLossFuncOptions()));
}

static void layers() {
  using namespace torch::nn;
  check("reflection_pad1d", ReflectionPad1d(ReflectionPad1dOptions({1, 2})), {2, 2, 4});
  check("reflection_pad2d", ReflectionPad2d(ReflectionPad2dOptions({1, 1, 2, 0})), {1, 2, 3, 4});
  check("reflection_pad3d", ReflectionPad3d(ReflectionPad3dOptions(1)), {1, 1, 2, 3, 3});
  check("replication_pad1d", ReplicationPad1d(ReplicationPad1dOptions({2, 1})), {2, 2, 4});
  check("replication_pad2d", ReplicationPad2d(ReplicationPad2dOptions(1)), {1, 2, 3, 4});
  check("replication_pad3d", ReplicationPad3d(ReplicationPad3dOptions({1, 0, 1, 0, 0, 1})),
        {1, 1, 2, 3, 3});
  check("zero_pad2d", ZeroPad2d(ZeroPad2dOptions({1, 0, 2, 1})), {1, 2, 3, 4});
  check("constant_pad1d", ConstantPad1d(ConstantPad1dOptions({1, 2}, 3.5)), {2, 2, 4});
  check("constant_pad2d", ConstantPad2d(ConstantPad2dOptions(1, -1)), {1, 2, 3, 4});
  check("constant_pad3d", ConstantPad3d(ConstantPad3dOptions({0, 1, 1, 0, 1, 1}, 2)),
        {1, 1, 2, 3, 3});

  auto a = input({3, 4}), b = (input({3, 4}) * 0.7).flip({1});
  CosineSimilarity cos(CosineSimilarityOptions().dim(1).eps(1e-6));
  PairwiseDistance dist(PairwiseDistanceOptions().p(1).keepdim(true));
  std::cout << cos << std::endl << dist << std::endl << PairwiseDistance() << std::endl;
  values("cosine_similarity", cos(a, b));
  values("pairwise_distance", dist(a, b));
  values("pairwise_distance_default", PairwiseDistance()(a, b));
  values("F_cosine_similarity",
         F::cosine_similarity(a, b, F::CosineSimilarityFuncOptions().dim(0)));
  values("F_pairwise_distance",
         F::pairwise_distance(a, b, F::PairwiseDistanceFuncOptions().p(3).eps(1e-3)));
  values("F_pdist", F::pdist(a, 1.5));

  check("instance_norm1d", InstanceNorm1d(InstanceNorm1dOptions(3).affine(true)), {2, 3, 5});
  InstanceNorm2d in2(InstanceNorm2dOptions(2).track_running_stats(true).momentum(0.2));
  check("instance_norm2d", in2, {2, 2, 3, 3});
  std::printf("instance_norm2d buffers:");
  for (const auto& buf : in2->named_buffers())
    std::printf(" %s %.6f", buf.key().c_str(), weighted(buf.value()));
  std::printf("\n");
  in2->eval();
  values("instance_norm2d_eval", in2(input({1, 2, 3, 3})));
  check("instance_norm3d", InstanceNorm3d(InstanceNorm3dOptions(2).eps(1e-3).affine(true)),
        {1, 2, 2, 2, 3});
  check("local_response_norm", LocalResponseNorm(LocalResponseNormOptions(3).alpha(1e-2).k(2)),
        {2, 5, 2, 2});
  values("F_local_response_norm",
         F::local_response_norm(input({1, 4, 6}), F::LocalResponseNormFuncOptions(2)));
  values("F_instance_norm", F::instance_norm(input({2, 3, 4}), F::InstanceNormFuncOptions()));
  values("F_group_norm", F::group_norm(input({2, 4, 3}), F::GroupNormFuncOptions(2)));

  torch::manual_seed(21);
  Bilinear bil(BilinearOptions(3, 4, 2));
  params(*bil);
  auto x1 = input({5, 3}), x2 = input({5, 4});
  auto yb = bil(x1, x2);
  values("bilinear", yb);
  (yb * yb).sum().backward();
  values("bilinear_grad1", x1.grad());
  grads(*bil);
  std::cout << Bilinear(BilinearOptions(2, 2, 3).bias(false)) << std::endl;

  check("unfold", Unfold(UnfoldOptions({2, 3}).padding(1).stride(2)), {2, 2, 4, 5});
  check("fold", Fold(FoldOptions({4, 5}, {2, 2}).dilation({1, 2})), {1, 8, 9});
  values("F_unfold", F::unfold(input({1, 1, 3, 3}), F::UnfoldFuncOptions(2)));
  values("F_fold", F::fold(input({1, 4, 4}), F::FoldFuncOptions({3, 3}, 2)));

  check("adaptive_max_pool1d", AdaptiveMaxPool1d(AdaptiveMaxPool1dOptions(3)), {2, 2, 7});
  AdaptiveMaxPool2d amp2(AdaptiveMaxPool2dOptions({2, 3}));
  check("adaptive_max_pool2d", amp2, {1, 2, 5, 7});
  auto [amp_out, amp_idx] = amp2->forward_with_indices(input({1, 2, 5, 7}));
  values("adaptive_max_pool2d_indices", amp_idx);
  check("adaptive_max_pool3d", AdaptiveMaxPool3d(AdaptiveMaxPool3dOptions(2)), {1, 1, 3, 4, 5});
  values("F_adaptive_max_pool2d",
         F::adaptive_max_pool2d(input({1, 3, 4, 4}), F::AdaptiveMaxPool2dFuncOptions(3)));

  MaxPool2d mp(MaxPool2dOptions(2).stride(2));
  auto [pooled, idx] = mp->forward_with_indices(input({1, 2, 4, 4}));
  values("max_pool2d_indices", idx);
  MaxUnpool2d unpool(MaxUnpool2dOptions(2).stride(2));
  std::cout << unpool << std::endl;
  values("max_unpool2d", unpool(pooled, idx));
  auto [pooled5, idx5] = mp->forward_with_indices(input({1, 2, 4, 5}));
  values("max_unpool2d_size", unpool(pooled5, idx5, std::vector<int64_t>{1, 2, 4, 5}));
  auto [p1, i1] =
      F::max_pool1d_with_indices(input({1, 2, 7}), F::MaxPool1dFuncOptions(3).stride(2));
  MaxUnpool1d unpool1(MaxUnpool1dOptions(3).stride(2));
  std::cout << unpool1 << std::endl;
  values("max_unpool1d", unpool1(p1, i1));
  values("F_max_unpool1d", F::max_unpool1d(p1, i1, F::MaxUnpool1dFuncOptions(3).stride(2)));

  check("lp_pool1d", LPPool1d(LPPool1dOptions(1.5, 3).stride(2)), {2, 2, 7});
  check("lp_pool2d", LPPool2d(LPPool2dOptions(2, {2, 2})), {1, 2, 4, 5});
  values("F_lp_pool2d", F::lp_pool2d(input({1, 1, 4, 4}).abs(), F::LPPool2dFuncOptions(3, 2)));

  // forward only: libtorch's hand-written CrossMapLRN2d backward is not the derivative of its
  // forward (docs/bit_identical.md); torsh's gradient is the true one
  CrossMapLRN2d lrn2d(CrossMapLRN2dOptions(3).alpha(1e-2).k(2));
  std::cout << lrn2d << std::endl;
  values("cross_map_lrn2d", lrn2d(input({2, 5, 2, 2})));
  FractionalMaxPool2d fmp(FractionalMaxPool2dOptions(2).output_size(std::vector<int64_t>{3, 3}));
  torch::manual_seed(41);
  check("fractional_max_pool2d", fmp, {2, 2, 6, 7});
  FractionalMaxPool2d fmp_ratio(
      FractionalMaxPool2dOptions({2, 3})
          .output_ratio(std::vector<double>{0.5, 0.5})
          ._random_samples(torch::tensor({0.1f, 0.9f, 0.5f, 0.3f}).reshape({1, 2, 2})));
  check("fractional_max_pool2d_samples", fmp_ratio, {1, 2, 6, 8});

  torch::manual_seed(31);
  EmbeddingBag bag_sum(EmbeddingBagOptions(10, 3).mode(torch::kSum));
  params(*bag_sum);
  auto ids = torch::tensor({1, 2, 4, 5, 4, 3, 2, 9}, torch::kLong);
  auto offsets = torch::tensor({0, 3, 5}, torch::kLong);
  auto ybag = bag_sum(ids, offsets);
  values("embedding_bag_sum", ybag);
  (ybag * torch::arange(9, torch::kFloat).reshape({3, 3})).sum().backward();
  grads(*bag_sum);
  EmbeddingBag bag_mean(EmbeddingBagOptions(10, 3));
  std::cout << bag_mean << std::endl;
  values("embedding_bag_mean", bag_mean(ids, offsets));
  values("embedding_bag_2d", bag_mean(ids.reshape({2, 4})));
  EmbeddingBag bag_max(EmbeddingBagOptions(10, 3).mode(torch::kMax).include_last_offset(true));
  std::cout << bag_max << std::endl;
  values("embedding_bag_max", bag_max(ids, torch::tensor({0, 3, 5, 8}, torch::kLong)));
  EmbeddingBag bag_w(EmbeddingBagOptions(10, 3).mode(torch::kSum).padding_idx(2));
  std::cout << bag_w << std::endl;
  values("embedding_bag_weights", bag_w(ids, offsets, torch::linspace(0.5, 2, 8)));
  values("F_embedding_bag",
         F::embedding_bag(ids, bag_sum->weight,
                          F::EmbeddingBagFuncOptions().offsets(offsets).mode(torch::kMean)));
}

static void packed() {
  namespace rnn_utils = torch::nn::utils::rnn;
  torch::manual_seed(51);
  auto seqs =
      std::vector<torch::Tensor>{input({4, 3}), input({2, 3}) * 0.5, input({5, 3}).flip({0})};
  auto padded = rnn_utils::pad_sequence(seqs, /*batch_first=*/true, /*padding_value=*/-1);
  values("pad_sequence", padded);
  values("pad_sequence_t", rnn_utils::pad_sequence(seqs));
  auto lengths = torch::tensor({4, 2, 5}, torch::kLong);
  auto pk = rnn_utils::pack_padded_sequence(padded, lengths, true, /*enforce_sorted=*/false);
  values("packed_data", pk.data());
  values("packed_batch_sizes", pk.batch_sizes());
  values("packed_sorted", pk.sorted_indices());
  values("packed_unsorted", pk.unsorted_indices());
  auto [unpacked, lens] = rnn_utils::pad_packed_sequence(pk, true, 0.0, 6);
  values("pad_packed", unpacked);
  values("pad_packed_lengths", lens);
  auto pk2 = rnn_utils::pack_sequence({seqs[2], seqs[0], seqs[1]});
  values("pack_sequence_sizes", pk2.batch_sizes());
  try {
    rnn_utils::pack_padded_sequence(padded, lengths, true);
  } catch (const c10::Error&) {
    std::printf("unsorted lengths: error\n");
  }

  torch::nn::LSTM lstm(torch::nn::LSTMOptions(3, 4).num_layers(2).bidirectional(true));
  auto h0 = input({4, 3, 4}).detach() * 0.1, c0 = input({4, 3, 4}).detach() * 0.2;
  auto x = padded.detach().clone().requires_grad_(true);
  auto pkx = rnn_utils::pack_padded_sequence(x, lengths, true, false);
  auto [out, state] = lstm->forward_with_packed_input(pkx, std::make_tuple(h0, c0));
  values("lstm_packed_out", out.data());
  values("lstm_packed_h", std::get<0>(state));
  values("lstm_packed_c", std::get<1>(state));
  auto [out_pad, out_len] = rnn_utils::pad_packed_sequence(out, true);
  values("lstm_packed_padded", out_pad);
  (out_pad.sin().sum() + std::get<0>(state).sum()).backward();
  values("lstm_packed_grad", x.grad());
  grads(*lstm);

  torch::nn::GRU gru(torch::nn::GRUOptions(3, 2));
  auto [gout, gh] = gru->forward_with_packed_input(pk2);
  values("gru_packed_out", gout.data());
  values("gru_packed_h", gh);
  torch::nn::RNN rnn(torch::nn::RNNOptions(3, 2).nonlinearity(torch::kReLU).bidirectional(true));
  auto [rout, rh] = rnn->forward_with_packed_input(
      rnn_utils::pack_padded_sequence(padded.transpose(0, 1), lengths, false, false));
  values("rnn_packed_out", rout.data());
  values("rnn_packed_h", rh);
  torch::nn::LSTM proj(torch::nn::LSTMOptions(3, 4).proj_size(2));
  auto [pout, pstate] = proj->forward_with_packed_input(pk);
  values("lstm_proj_packed_out", pout.data());
  values("lstm_proj_packed_c", std::get<1>(pstate));
}

static void containers() {
  using namespace torch::nn;
  torch::manual_seed(61);
  Sequential named({{"fc1", Linear(3, 4)}, {"act", Hardtanh()}, {"fc2", Linear(4, 2)}});
  Sequential tail(Softplus(), Linear(2, 2));
  named->extend(*tail);
  named->push_back("out", LogSigmoid());
  std::cout << named << std::endl;
  for (const auto& p : named->named_parameters()) std::printf("seq %s\n", p.key().c_str());
  values("sequential_named", named->forward<torch::Tensor>(input({2, 3})));
  values("sequential_call", named->forward(input({1, 3})));
  Sequential anys;
  anys->push_back(AnyModule(Linear(3, 4)));
  anys->push_back("act", AnyModule(ReLU()));
  AnyModule last(Linear(4, 2));
  anys->push_back(last);
  Sequential mixed({{"a", AnyModule(Linear(3, 4))}, {"fc", LinearImpl(4, 2)}});
  anys->extend(*anys);  // by itself: doubles once
  std::cout << anys << std::endl << mixed << std::endl;
  auto copy = std::dynamic_pointer_cast<SequentialImpl>(mixed->clone());
  values("sequential_any", mixed->forward(input({2, 3})));
  values("sequential_any_clone", copy->forward(input({2, 3})));
  values("pad_sequence_broadcast",
         torch::nn::utils::rnn::pad_sequence({torch::ones({2, 3}), torch::ones({3, 1}) * 2}));
}

// In-place forms inside a graph, gradients at the kinks, integer inputs, error paths.
static void edges() {
  using namespace torch::nn;
  auto x = input({2, 5});
  // each in-place op on its own non-leaf (a saved output may not be overwritten later)
  std::vector<std::function<void(torch::Tensor&)>> ops = {
      [](torch::Tensor& t) { F::threshold(t, F::ThresholdFuncOptions(0.1, -2).inplace(true)); },
      [](torch::Tensor& t) { Threshold(ThresholdOptions(0.5, 3).inplace(true))(t); },
      [](torch::Tensor& t) { RReLU(RReLUOptions().inplace(true))(t); },
      [](torch::Tensor& t) { F::rrelu(t, F::RReLUFuncOptions().inplace(true).training(true)); },
      [](torch::Tensor& t) { torch::relu6_(t); },
      [](torch::Tensor& t) { torch::hardtanh_(t, -1, 4); },
      [](torch::Tensor& t) { torch::leaky_relu_(t, 0.2); },
      [](torch::Tensor& t) { torch::elu_(t, 0.5); },
      [](torch::Tensor& t) { torch::relu_(t); }};
  torch::manual_seed(71);
  auto total = torch::zeros({2, 5});
  for (size_t i = 0; i < ops.size(); ++i) {
    auto y = x * (1.0 + 0.25 * i);
    ops[i](y);
    values("inplace_" + std::to_string(i), y);
    total = total + y * static_cast<double>(i + 1);
  }
  (total * torch::arange(10, torch::kFloat).reshape({2, 5}).cos()).sum().backward();
  values("inplace_chain_grad", x.grad());
  auto kinks = torch::tensor({-3.0f, 0.0f, 3.0f}).requires_grad_(true);
  (torch::hardsigmoid(kinks).sum() + F::logsigmoid(kinks).sum() + torch::hardswish(kinks).sum())
      .backward();
  values("kink_grads", kinks.grad());
  auto ints = torch::tensor({-3, 0, 9});
  values("hardtanh_int", F::hardtanh(ints.clone(), F::HardtanhFuncOptions().inplace(true)));
  values("relu6_int", F::relu6(ints.clone(), F::ReLU6FuncOptions(true)));
  values("hardtanh_swapped",
         F::hardtanh(x.detach(), F::HardtanhFuncOptions().min_val(1).max_val(-1)));
  auto z = x.detach().clone();
  torch::hardswish_(z);
  torch::hardsigmoid_(z);
  torch::mish_(z);
  values("inplace_top", z);
  for (auto [label, fn] : std::vector<std::pair<std::string, std::function<void()>>>{
           {"log_sigmoid int",
            [] {
              torch::log_sigmoid(torch::tensor({-1, 2}));
            }},
           {"size of 0-d", [] { torch::tensor(1.0).size(0); }},
           {"hardtanh module", [] { Hardtanh(HardtanhOptions().min_val(1).max_val(1)); }},
           {"glu scalar", [] { F::glu(torch::tensor(1.0)); }}}) {
    try {
      fn();
      std::printf("%s: no error\n", label.c_str());
    } catch (const c10::Error&) {
      std::printf("%s: error\n", label.c_str());
    }
  }
  struct Holder : Module {
    Holder(torch::Tensor t) { w = register_parameter("w", t, /*requires_grad=*/false); }
    torch::Tensor w;
  };
  Holder h(torch::ones({2}, torch::requires_grad()) * 2);
  std::printf("nonleaf parameter: %d\n", h.w.requires_grad() ? 1 : 0);
}

int main() {
  torch::manual_seed(11);
  activations();
  losses();
  layers();
  packed();
  containers();
  edges();
  return 0;
}
