// One program, two builds (libtorch, and torsh through the compat include): MultiheadAttention
// (self-attention, key/value of another size than the queries, bias_kv, zero attention, masks,
// per-head weights), TransformerEncoderLayer (relu and gelu), TransformerEncoder (clones of one
// layer, a final norm through AnyModule), TransformerDecoderLayer, Transformer, Module::clone and
// Module::to(dtype) of libtorch's C++ frontend: printing, parameter names, shapes and same-seed
// values, outputs, attention weights and gradients.
// tests/python/test_libtorch_parity.py compares what the two builds print.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <limits>
#include <tuple>

#include "module_printout.h"

int main() {
  torch::manual_seed(0);
  torch::Tensor x = torch::randn({5, 2, 8});  // [L, N, E]
  {
    torch::nn::MultiheadAttention mha(8, 2);
    params(*mha);
    auto [out, w] = mha->forward(x, x, x);
    std::printf("self out %s %.6f w %s %.6f\n", torch::str(out.sizes()).c_str(), weighted(out),
                torch::str(w.sizes()).c_str(), weighted(w));
    // a float mask: libtorch 1.13's C++ forward adds attn_mask whatever its dtype (a bool mask
    // would add 1 where torch's documented rule masks out; torsh follows the documented rule)
    torch::Tensor causal = torch::zeros({5, 5}).masked_fill(
        torch::ones({5, 5}).triu(1).to(torch::kBool), -std::numeric_limits<double>::infinity());
    torch::Tensor kpm = torch::arange(10).reshape({2, 5}).eq(9);  // the second batch's last key
    auto [out2, w2] = mha->forward(x, x, x, kpm, true, causal, false);
    std::printf("masked out %.6f w %s %.6f\n", weighted(out2), torch::str(w2.sizes()).c_str(),
                weighted(w2));
    (out2.pow(2).sum() + w2.sum()).backward();
    grads(*mha);
    torch::Tensor fmask = torch::randn({5, 5});
    std::printf("float mask %.6f\n",
                weighted(std::get<0>(mha->forward(x, x, x, {}, false, fmask))));
  }
  {
    torch::nn::MultiheadAttention mha(
        torch::nn::MultiheadAttentionOptions(8, 4).kdim(6).vdim(6).add_bias_kv(true).add_zero_attn(
            true));
    params(*mha);
    torch::Tensor k = torch::randn({7, 2, 6}), v = torch::randn({7, 2, 6});
    auto [out, w] = mha->forward(x, k, v);
    std::printf("kv out %s %.6f w %s %.6f\n", torch::str(out.sizes()).c_str(), weighted(out),
                torch::str(w.sizes()).c_str(), weighted(w));
    out.sum().backward();
    grads(*mha);
  }
  {
    torch::nn::MultiheadAttention mha(torch::nn::MultiheadAttentionOptions(8, 2).bias(false));
    params(*mha);
    torch::Tensor kv = torch::randn({4, 2, 8});
    std::printf("cross out %.6f\n", weighted(std::get<0>(mha->forward(x, kv, kv))));
  }
  {
    torch::nn::TransformerEncoderLayer layer(
        torch::nn::TransformerEncoderLayerOptions(8, 2).dim_feedforward(16).dropout(0.0));
    params(*layer);
    torch::Tensor mask = torch::zeros({5, 5}).masked_fill(
        torch::ones({5, 5}).triu(1).to(torch::kBool), -std::numeric_limits<double>::infinity());
    torch::Tensor y = layer->forward(x, mask);
    std::printf("encoder out %s %.6f\n", torch::str(y.sizes()).c_str(), weighted(y));
    y.sin().sum().backward();  // not sum(y^2): its gradient through norm2 is ~0 (cancellation)
    grads(*layer);
  }
  {
    torch::nn::TransformerEncoderLayer layer(
        torch::nn::TransformerEncoderLayerOptions(8, 4).dim_feedforward(12).activation(
            torch::kGELU));
    std::printf("gelu train %.6f\n", weighted(layer->forward(x)));  // dropout 0.1 draws
    layer->eval();
    std::printf("gelu eval %.6f\n", weighted(layer->forward(x)));
  }
  torch::Tensor causal5 = torch::nn::TransformerImpl::generate_square_subsequent_mask(5);
  std::printf("square mask %.6f\n", weighted(causal5.clamp_min(-1.0)));
  {
    torch::nn::TransformerEncoderLayer proto(
        torch::nn::TransformerEncoderLayerOptions(8, 2).dim_feedforward(16).dropout(0.0));
    torch::nn::TransformerEncoder enc(torch::nn::TransformerEncoderOptions(proto, 2).norm(
        torch::nn::AnyModule(torch::nn::LayerNorm(torch::nn::LayerNormOptions({8})))));
    params(*enc);
    torch::Tensor y = enc->forward(x, causal5);
    std::printf("stack out %s %.6f\n", torch::str(y.sizes()).c_str(), weighted(y));
    y.sin().sum().backward();
    grads(*enc);
    // a deep copy: the same outputs, parameters of its own
    auto copy = std::dynamic_pointer_cast<torch::nn::TransformerEncoderImpl>(enc->clone());
    std::printf("clone out %.6f\n", weighted(copy->forward(x, causal5)));
    {
      torch::NoGradGuard no_grad;
      copy->named_parameters()["layers.1.linear2.bias"].fill_(1.0);
    }
    std::printf("after writing the clone: original %.6f clone %.6f\n",
                weighted(enc->named_parameters()["layers.1.linear2.bias"]),
                weighted(copy->named_parameters()["layers.1.linear2.bias"]));
  }
  {
    torch::nn::TransformerDecoderLayer layer(
        torch::nn::TransformerDecoderLayerOptions(8, 2).dim_feedforward(16).dropout(0.0));
    params(*layer);
    torch::Tensor memory = torch::randn({4, 2, 8});
    torch::Tensor kpm = torch::arange(8).reshape({2, 4}).eq(7);
    torch::Tensor y = layer->forward(x, memory, causal5, {}, {}, kpm);
    std::printf("decoder out %s %.6f\n", torch::str(y.sizes()).c_str(), weighted(y));
    y.sin().sum().backward();
    grads(*layer);
  }
  {
    torch::nn::Transformer model(
        torch::nn::TransformerOptions(8, 2, 2, 1).dim_feedforward(16).dropout(0.0));
    params(*model);
    torch::Tensor src = torch::randn({6, 2, 8});
    torch::Tensor y = model->forward(src, x, {}, causal5);
    std::printf("transformer out %s %.6f\n", torch::str(y.sizes()).c_str(), weighted(y));
    y.sin().sum().backward();
    grads(*model);
  }
  {
    torch::nn::Linear lin(3, 2);
    lin->to(torch::kDouble);
    torch::Tensor y = lin->forward(torch::ones({1, 3}, torch::kDouble));
    std::printf("to(kDouble) %s %s %.6f\n", torch::str(lin->weight.dtype()).c_str(),
                torch::str(y.dtype()).c_str(), weighted(y));
  }
  return 0;
}
