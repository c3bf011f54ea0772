// torsh::nn::utils (torsh/nn/utils.h): clip_grad_norm_ / clip_grad_value_ with libtorch 1.13's
// arithmetic (per-parameter norms, then the norm of their stack; one clamped coefficient), and
// parameters_to_vector / vector_to_parameters.
#include "torsh/nn/utils.h"

#include <cmath>
#include <limits>

#include "torsh/core/grad_mode.h"
#include "torsh/ops.h"

namespace torsh::nn::utils {

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  std::vector<Tensor> grads;
  for (const Tensor& p : parameters) {
    if (p.grad().defined()) grads.push_back(p.grad().detach());
  }
  if (grads.empty()) return 0.0;
  NoGradGuard no_grad;
  Tensor total;
  if (norm_type == std::numeric_limits<double>::infinity()) {
    std::vector<Tensor> norms;
    for (const Tensor& g : grads) norms.push_back(g.abs().max());
    total = norms.size() == 1 ? norms[0] : torsh::stack(norms).max();
  } else if (norm_type == 0) {
    total = torsh::full({}, static_cast<double>(grads.size()));
  } else {
    std::vector<Tensor> norms;
    for (const Tensor& g : grads) norms.push_back(g.norm(Scalar(norm_type)));
    total = norms.size() == 1 ? norms[0] : torsh::stack(norms).norm(Scalar(norm_type));
  }
  const double total_norm = total.item<double>();
  TORSH_CHECK(!error_if_nonfinite || std::isfinite(total_norm), "The total norm of order ",
              norm_type, " for gradients from `parameters` is non-finite, so it cannot be ",
              "clipped. To disable this error and scale the gradients with the non-finite norm ",
              "anyway, set `error_if_nonfinite=false`");
  const Tensor coef =
      torsh::clamp(max_norm / (total + 1e-6), std::optional<Scalar>(), std::optional<Scalar>(1.0));
  for (Tensor& g : grads) g.mul_(coef);
  return total_norm;
}

double clip_grad_norm_(std::initializer_list<Tensor> parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>(parameters), max_norm, norm_type, error_if_nonfinite);
}

double clip_grad_norm_(const Tensor& parameter, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>{parameter}, max_norm, norm_type, error_if_nonfinite);
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  NoGradGuard no_grad;
  for (const Tensor& p : parameters) {
    if (p.grad().defined()) p.grad().detach().clamp_(-clip_value, clip_value);
  }
}

void clip_grad_value_(std::initializer_list<Tensor> parameters, double clip_value) {
  clip_grad_value_(std::vector<Tensor>(parameters), clip_value);
}

void clip_grad_value_(const Tensor& parameter, double clip_value) {
  clip_grad_value_(std::vector<Tensor>{parameter}, clip_value);
}

Tensor parameters_to_vector(const std::vector<Tensor>& parameters) {
  std::vector<Tensor> flat;
  for (const Tensor& p : parameters) flat.push_back(p.view({-1}));
  return torsh::cat(flat);
}

void vector_to_parameters(const Tensor& vec, const std::vector<Tensor>& parameters) {
  int64_t total = 0;
  for (const Tensor& p : parameters) total += p.numel();
  // a longer vector is accepted (its prefix is used), as torch
  TORSH_CHECK(vec.dim() == 1 && vec.numel() >= total,
              "vector_to_parameters: expected a 1-D vector of at least ", total, " elements, got ",
              detail::shape_str(vec.sizes()));
  int64_t at = 0;
  for (const Tensor& p : parameters) {
    const int64_t n = p.numel();
    Tensor param = p;
    param.set_data(vec.narrow(0, at, n).view_as(p).detach());
    at += n;
  }
}

}  // namespace torsh::nn::utils
