// libtorch's resampling functionals and modules (F::pad in every mode, F::interpolate in every
// mode with sizes and scales and antialiased, Upsample, F::normalize, pixel shuffle), Unflatten,
// the containers (ModuleDict, ParameterDict, ParameterList) and init::orthogonal_: printing,
// shapes, values.
#include <torch/torch.h>

#include <cstdio>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace F = torch::nn::functional;

static void values(const std::string& label, const torch::Tensor& t) {
  torch::Tensor c = t.contiguous().to(torch::kFloat64).reshape({-1});
  std::printf("%s %s [%lld]:", label.c_str(), torch::str(t.sizes()).c_str(),
              static_cast<long long>(c.numel()));
  for (int64_t i = 0; i < c.numel(); ++i) std::printf(" %.6g", c[i].item<double>());
  std::printf("\n");
}

int main() {
  torch::manual_seed(5);
  auto x = torch::arange(2 * 2 * 3 * 4, torch::kFloat).reshape({2, 2, 3, 4}) / 10;
  values("pad_constant", F::pad(x, F::PadFuncOptions({1, 2}).value(-1)));
  values("pad_reflect", F::pad(x, F::PadFuncOptions({1, 1, 2, 1}).mode(torch::kReflect)));
  values("pad_replicate", F::pad(x, F::PadFuncOptions({2, 0, 1, 1}).mode(torch::kReplicate)));
  values("pad_circular", F::pad(x, F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kCircular)));

  values("nearest_size",
         F::interpolate(x, F::InterpolateFuncOptions().size(std::vector<int64_t>{5, 7})));
  values(
      "nearest_scale",
      F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{1.5, 0.75})));
  values(
      "nearest_exact",
      F::interpolate(
          x,
          F::InterpolateFuncOptions().size(std::vector<int64_t>{4, 5}).mode(torch::kNearestExact)));
  values("bilinear", F::interpolate(x, F::InterpolateFuncOptions()
                                           .scale_factor(std::vector<double>{2, 1.5})
                                           .mode(torch::kBilinear)
                                           .align_corners(false)));
  values("bilinear_ac", F::interpolate(x, F::InterpolateFuncOptions()
                                              .size(std::vector<int64_t>{4, 6})
                                              .mode(torch::kBilinear)
                                              .align_corners(true)));
  values("bicubic", F::interpolate(x, F::InterpolateFuncOptions()
                                          .size(std::vector<int64_t>{5, 5})
                                          .mode(torch::kBicubic)
                                          .align_corners(false)));
  values("area",
         F::interpolate(
             x, F::InterpolateFuncOptions().size(std::vector<int64_t>{2, 2}).mode(torch::kArea)));
  values("linear", F::interpolate(x.reshape({2, 6, 4}), F::InterpolateFuncOptions()
                                                            .scale_factor(std::vector<double>{2.5})
                                                            .mode(torch::kLinear)
                                                            .align_corners(false)));
  values("trilinear", F::interpolate(x.reshape({1, 2, 2, 3, 4}),
                                     F::InterpolateFuncOptions()
                                         .scale_factor(std::vector<double>{2, 1, 0.5})
                                         .mode(torch::kTrilinear)
                                         .align_corners(false)
                                         .recompute_scale_factor(true)));
  auto big = torch::sin(torch::arange(2 * 9 * 13, torch::kFloat).reshape({1, 2, 9, 13}));
  values("bilinear_aa_down", F::interpolate(big, F::InterpolateFuncOptions()
                                                     .size(std::vector<int64_t>{4, 5})
                                                     .mode(torch::kBilinear)
                                                     .align_corners(false)
                                                     .antialias(true)));
  values("bicubic_aa_scale", F::interpolate(big, F::InterpolateFuncOptions()
                                                     .scale_factor(std::vector<double>{0.4, 0.7})
                                                     .mode(torch::kBicubic)
                                                     .align_corners(true)
                                                     .antialias(true)));
  try {
    F::interpolate(x, F::InterpolateFuncOptions()
                          .size(std::vector<int64_t>{4, 4})
                          .mode(torch::kNearest)
                          .antialias(true));
  } catch (const c10::Error&) {
    std::printf("nearest with antialias: error\n");
  }
  try {
    F::interpolate(x, F::InterpolateFuncOptions()
                          .size(std::vector<int64_t>{4, 4})
                          .mode(torch::kNearest)
                          .align_corners(true));
  } catch (const c10::Error&) {
    std::printf("nearest with align_corners: error\n");
  }

  torch::nn::Upsample up(
      torch::nn::UpsampleOptions().scale_factor(std::vector<double>{2, 2}).mode(torch::kBilinear));
  torch::nn::Upsample up2(torch::nn::UpsampleOptions().size(std::vector<int64_t>{6, 8}));
  std::cout << up << std::endl << up2 << std::endl;
  values("upsample", up(x));
  values("upsample_size", up2(x));

  values("normalize", F::normalize(x, F::NormalizeFuncOptions().p(1).dim(-1)));
  values("normalize2", F::normalize(x));
  torch::nn::PixelShuffle shuffle(torch::nn::PixelShuffleOptions(2));
  torch::nn::PixelUnshuffle unshuffle(torch::nn::PixelUnshuffleOptions(2));
  std::cout << shuffle << std::endl << unshuffle << std::endl;
  auto y = torch::arange(16, torch::kFloat).reshape({1, 4, 2, 2});
  values("pixel_shuffle", shuffle(y));
  values("pixel_unshuffle", unshuffle(shuffle(y)));
  values("F_pixel_shuffle", F::pixel_shuffle(y, F::PixelShuffleFuncOptions(2)));

  torch::nn::Unflatten unflatten(torch::nn::UnflattenOptions(1, {2, 3}));
  std::cout << unflatten << std::endl;
  values("unflatten", unflatten(torch::ones({2, 6})));

  std::vector<std::pair<std::string, std::shared_ptr<torch::nn::Module>>> entries = {
      {"first", torch::nn::Linear(3, 2).ptr()}, {"second", torch::nn::ReLU().ptr()}};
  torch::nn::ModuleDict dict(entries);
  dict->update(std::vector<std::pair<std::string, std::shared_ptr<torch::nn::Module>>>{
      {"third", torch::nn::Linear(2, 1).ptr()}});
  std::cout << dict << std::endl;
  std::printf("dict: %zu %d %d\n", dict->size(), dict->contains("second") ? 1 : 0,
              dict->contains("fourth") ? 1 : 0);
  for (const auto& key : dict->keys()) std::printf("key %s\n", key.c_str());
  for (const auto& p : dict->named_parameters())
    std::cout << p.key() << " " << p.value().sizes() << std::endl;
  values("dict_forward",
         dict->at<torch::nn::LinearImpl>("third").forward(
             dict->at<torch::nn::LinearImpl>("first").forward(torch::ones({1, 3}))));

  torch::nn::ParameterDict params;
  params->insert("alpha", torch::ones({2, 3}));
  params->insert("beta", torch::zeros({4}, torch::requires_grad()));
  std::cout << params << std::endl;
  std::printf("params: %zu %d %d\n", params->size(), params["alpha"].requires_grad() ? 1 : 0,
              params["beta"].requires_grad() ? 1 : 0);
  torch::nn::ParameterList plist(torch::randn({2}), torch::randn({3, 1}, torch::requires_grad()));
  plist->append(torch::ones({1}));
  std::cout << plist << std::endl;
  std::printf("plist: %zu %zu\n", plist->size(), plist->parameters().size());
  values("plist1", plist[1]);

  torch::OrderedDict<std::string, torch::Tensor> od{{"x", torch::ones({2})},
                                                    {"y", torch::zeros({1, 3})}};
  torch::nn::ParameterDict pd2(od);
  std::printf("pd2: %zu %s\n", pd2->size(), torch::str(pd2->get("y").sizes()).c_str());
  auto popped = pd2->pop("x");
  std::printf("pd2 pop: %zu %lld %zu\n", pd2->size(), static_cast<long long>(popped.numel()),
              pd2->parameters().size());
  pd2->update(torch::OrderedDict<std::string, torch::Tensor>{{"y", torch::full({2, 2}, 3.0)}});
  values("pd2 y", pd2["y"]);
  std::cout << pd2 << std::endl;
  pd2->clear();
  std::printf("pd2 clear: %zu %d\n", pd2->size(), pd2->empty() ? 1 : 0);

  auto popped_module = dict->pop("second");
  std::cout << *popped_module << std::endl;
  std::printf("dict pop: %zu %zu %zu\n", dict->size(), dict->items().size(),
              dict->named_parameters().size());
  torch::nn::ModuleDict dict2;
  dict2->update(*dict);
  for (const auto& item : dict2->items()) std::cout << item.first << " " << *item.second << "\n";
  for (const auto& item : *dict2) std::cout << "iter " << item.key() << "\n";
  dict2->clear();
  std::printf("dict2 clear: %zu %zu\n", dict2->size(), dict2->parameters().size());

  torch::nn::ParameterList plist2;
  plist2->extend(std::vector<torch::Tensor>{torch::ones({1}), torch::zeros({2})});
  plist2->extend(*plist);
  std::cout << plist2 << std::endl;
  try {
    plist2->at(10);
  } catch (const c10::Error&) {
    std::printf("plist at 10: error\n");
  }
  auto nonleaf = torch::ones({2}, torch::requires_grad()) * 2;
  plist2->append(nonleaf);
  std::printf("nonleaf: %zu %d\n", plist2->size(), plist2[5].requires_grad() ? 1 : 0);

  values("nearest_exact_ac", F::interpolate(x, F::InterpolateFuncOptions()
                                                   .size(std::vector<int64_t>{3, 5})
                                                   .mode(torch::kNearestExact)
                                                   .align_corners(true)));
  for (auto [label, fn] : std::vector<std::pair<std::string, std::function<void()>>>{
           {"reflect with value",
            [&] {
              F::pad(x, F::PadFuncOptions({1, 1}).mode(torch::kReflect).value(2));
            }},
           {"bilinear on 3D",
            [&] {
              F::interpolate(x[0], F::InterpolateFuncOptions()
                                       .size(std::vector<int64_t>{4, 4})
                                       .mode(torch::kBilinear)
                                       .align_corners(false));
            }},
           {"linear on 4D", [&] {
              F::interpolate(x, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{4})
                                    .mode(torch::kLinear)
                                    .align_corners(false));
            }}}) {
    try {
      fn();
      std::printf("%s: no error\n", label.c_str());
    } catch (const c10::Error& e) {
      std::string msg = e.what();
      std::printf("%s: %s\n", label.c_str(), msg.substr(0, msg.find('\n')).c_str());
    }
  }

  auto w = torch::empty({4, 6});
  torch::nn::init::orthogonal_(w, 2.0);
  values("orthogonal_wide", w);
  values("orthogonal_wide_rows", torch::mm(w, w.t()) / 4);
  auto w2 = torch::empty({5, 2, 1});
  torch::nn::init::orthogonal_(w2);
  values("orthogonal_tall", w2);
  return 0;
}
