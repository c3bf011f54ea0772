// torch.nn.functional's losses, composed of torsh ops (their gradients, to any order, come from
// the parts). reduction is torch's enum: 0 none, 1 mean, 2 sum.
#include <cmath>

#include <string>
#include <tuple>

#include "ops/complex.h"
#include "ops/stubs_nn.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {

namespace {
// As torch's apply_loss_reduction: 1 mean, 2 sum, any other value none (torch.nn.functional
// validates the reduction names; the ops take any int).
Tensor reduce(const Tensor& loss, int64_t reduction) {
  if (reduction == 1) return loss.mean();
  if (reduction == 2) return loss.sum();
  return loss;
}

// sum / total for a weighted mean: NaN when total is 0 (every target ignored), as torch, with a
// zero gradient there rather than NaN (torch's nll backward skips the division then).
Tensor weighted_mean(const Tensor& sum, const Tensor& total) {
  Tensor empty = total == 0;
  Tensor r = sum / torsh::where(empty, torsh::ones_like(total), total);
  return torsh::where(empty, torsh::full({}, std::nan(""), r.options()), r);
}

// torch broadcasts input and target (with a warning when their sizes differ).
void check_float(const char* op, const Tensor& t) {
  TORSH_CHECK(is_floating_point(t.dtype()), op, "(): \"", op, "\" not implemented for '",
              scalar_type_name(t.dtype()), "'");
}
}  // namespace

Tensor mse_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  detail::check_not_complex(self, "mse_loss");
  Tensor d = self - target;
  return reduce(d * d, reduction);
}

Tensor l1_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  return reduce((self - target).abs(), reduction);
}

Tensor smooth_l1_loss(const Tensor& self, const Tensor& target, int64_t reduction, double beta) {
  detail::check_not_complex(self, "smooth_l1_loss");
  TORSH_CHECK(beta >= 0, "smooth_l1_loss does not support negative values for beta.");
  if (beta == 0) return native::l1_loss(self, target, reduction);
  Tensor z = (self - target).abs();
  Tensor loss = torsh::where(z < beta, z * z * (0.5 / beta), z - 0.5 * beta);
  return reduce(loss, reduction);
}

Tensor huber_loss(const Tensor& self, const Tensor& target, int64_t reduction, double delta) {
  detail::check_not_complex(self, "huber_loss");
  TORSH_CHECK(delta > 0, "huber_loss does not support non-positive values for delta.");
  Tensor z = (self - target).abs();
  Tensor loss = torsh::where(z < delta, z * z * 0.5, (z - 0.5 * delta) * delta);
  return reduce(loss, reduction);
}

Tensor nll_loss(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
                int64_t reduction, int64_t ignore_index) {
  TORSH_CHECK(self.dim() >= 1, "nll_loss(): input tensor should be 1D or more, got 0D");
  TORSH_CHECK(target.dtype() == kLong, "expected scalar type Long but found ",
              scalar_type_name(target.dtype()));
  check_float("nll_loss", self);
  // [N, C, d1...] with target [N, d1...], or [C] with a 0-d target; torch's checks in its order
  const bool batched = self.dim() >= 2;
  const int64_t c = self.size(batched ? 1 : 0);
  TORSH_CHECK_VALUE(!batched || target.dim() == 0 || self.size(0) == target.size(0),
                    "Expected input batch_size (", self.size(0), ") to match target batch_size (",
                    target.size(0), ").");
  const std::string got = detail::shape_str(self.sizes()), tgot = detail::shape_str(target.sizes());
  if (self.dim() <= 2) {
    TORSH_CHECK(target.dim() <= 1, "0D or 1D target tensor expected, multi-target not supported");
    TORSH_CHECK(batched ? target.dim() == 1 : target.dim() == 0, "size mismatch (got input: ", got,
                ", target: ", tgot, ")");
  } else if (self.dim() == 4) {
    TORSH_CHECK(target.dim() == 3,
                "only batches of spatial targets supported (3D tensors) but got targets of "
                "dimension: ",
                target.dim());
    TORSH_CHECK(target.size(1) == self.size(2) && target.size(2) == self.size(3),
                "size mismatch (got input: ", got, " , target: ", tgot);
  } else {
    SizeVec want{self.size(0)};
    for (int64_t i = 2; i < self.dim(); ++i) want.push_back(self.size(i));
    TORSH_CHECK(target.sizes().equals(want), "Expected target size ", detail::shape_str(want),
                ", got ", tgot);
  }
  const bool has_w = weight && weight->defined();
  TORSH_CHECK(!has_w || (weight->dim() == 1 && weight->numel() == c),
              "weight tensor should be defined either for all ", c,
              " classes or no classes but got weight tensor of shape: ",
              detail::shape_str(weight->sizes()));
  Tensor valid = target != ignore_index;
  Tensor safe = torsh::where(valid, target, torsh::zeros_like(target));
  {
    const Tensor checked = safe.masked_select(valid);
    if (checked.numel() > 0) {
      const int64_t lo = checked.min().item<int64_t>(), hi = checked.max().item<int64_t>();
      TORSH_CHECK(lo >= 0 && hi < c, "nll_loss(): Target ", lo < 0 ? lo : hi, " is out of bounds.");
    }
  }
  const int64_t cdim = batched ? 1 : 0;
  Tensor picked = self.gather(cdim, safe.unsqueeze(cdim)).squeeze(cdim);
  Tensor w = has_w ? weight->index_select(0, safe.reshape({-1})).view(safe.sizes().vec())
                   : torsh::ones_like(picked);
  w = torsh::where(valid, w, torsh::zeros_like(w));
  Tensor loss = -picked * w;
  if (reduction == 2) return loss.sum();
  if (reduction != 1) return loss;
  return weighted_mean(loss.sum(), w.sum());
}

namespace {
// The fused kernels take [N, C] (or [C]) float/double logits with valid class-index targets
// [N] (or 0-d), an optional weight [C] of the logits' dtype and no smoothing; the rest goes
// through log_softmax and nll_loss.
bool fused_cross_entropy(const Tensor& self, const Tensor& target,
                         const std::optional<Tensor>& weight, double label_smoothing) {
  if (label_smoothing > 0 || target.dtype() != kLong || self.device().type != kCPU) return false;
  if (self.dtype() != kFloat && self.dtype() != kDouble) return false;
  const bool rows = self.dim() == 2 && target.dim() == 1 && target.size(0) == self.size(0);
  const bool one = self.dim() == 1 && target.dim() == 0;
  if (!(rows || one) || self.size(-1) == 0) return false;
  if (weight && weight->defined()) {
    return weight->dim() == 1 && weight->numel() == self.size(-1) &&
           weight->dtype() == self.dtype();
  }
  return true;
}
}  // namespace

std::tuple<Tensor, Tensor> _cross_entropy_rows(const Tensor& self, const Tensor& target,
                                               const std::optional<Tensor>& weight,
                                               int64_t reduction, int64_t ignore_index) {
  TORSH_CHECK(fused_cross_entropy(self, target, weight, 0),
              "_cross_entropy_rows(): expected float or double logits [N, C] with int64 targets "
              "[N] and a weight [C] of the logits' dtype, got ",
              detail::shape_str(self.sizes()), " and ", detail::shape_str(target.sizes()));
  const bool one = self.dim() == 1;
  Tensor x = (one ? self.unsqueeze(0) : self).contiguous();
  Tensor t = target.reshape({-1}).contiguous();
  const int64_t n = x.size(0), c = x.size(1);
  const int64_t* tp = t.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    TORSH_CHECK_INDEX(tp[i] == ignore_index || (tp[i] >= 0 && tp[i] < c), "Target ", tp[i],
                      " is out of bounds.");
  }
  Tensor w = weight && weight->defined() ? weight->contiguous() : Tensor();
  Tensor loss = torsh::empty({n}, x.options()), lse = torsh::empty({n}, x.options());
  Tensor wt = torsh::empty({n}, x.options());
  if (n > 0) {
    detail::cross_entropy_forward_stub(x.device().type, "cross_entropy")(loss, lse, wt, x, t, w,
                                                                         ignore_index);
  }
  Tensor out;
  if (reduction == 2) {
    out = loss.sum();
  } else if (reduction == 1) {
    out = loss.sum() / wt.sum();  // 0 / 0 = NaN when every target is ignored, as torch
  } else {
    out = one ? loss.squeeze(0) : loss;
  }
  return {out, lse};
}

Tensor cross_entropy_loss(const Tensor& self, const Tensor& target,
                          const std::optional<Tensor>& weight, int64_t reduction,
                          int64_t ignore_index, double label_smoothing) {
  TORSH_CHECK(label_smoothing >= 0 && label_smoothing <= 1,
              "label_smoothing must be between 0.0 and 1.0. Got: ", label_smoothing);
  if (fused_cross_entropy(self, target, weight, label_smoothing)) {
    TORSH_CHECK(!(GradMode::is_enabled() && weight && weight->defined() && weight->requires_grad()),
                "The function 'nll_loss_forward' is not differentiable with respect to argument "
                "'weight'. This input cannot have requires_grad True.");
    return std::get<0>(torsh::_cross_entropy_rows(self, target, weight, reduction, ignore_index));
  }
  const int64_t cdim = self.dim() >= 2 ? 1 : 0;
  Tensor logp = torsh::log_softmax(self, cdim);
  const int64_t c = self.size(cdim);
  const bool has_w = weight && weight->defined();
  if (target.sizes().equals(self.sizes())) {
    // class probabilities (torch tells them by the target's shape): -sum(w_c * p_c * logp_c)
    TORSH_CHECK(is_floating_point(target.dtype()),
                "Expected floating point type for target with class probabilities, got ",
                scalar_type_name(target.dtype()));
    TORSH_CHECK(ignore_index < 0, "ignore_index is not supported for floating point target");
    Tensor t = label_smoothing > 0 ? target * (1 - label_smoothing) + label_smoothing / c : target;
    Tensor prod = logp * t;
    if (has_w) {
      std::vector<int64_t> shape(static_cast<size_t>(self.dim()), 1);
      shape[static_cast<size_t>(cdim)] = c;
      prod = prod * weight->view(shape);
    }
    Tensor loss = -prod.sum({cdim});
    if (reduction == 1) return self.dim() >= 2 ? loss.sum() / (self.numel() / c) : loss.sum();
    return reduce(loss, reduction);
  }
  Tensor nll = native::nll_loss(logp, target, weight, reduction, ignore_index);
  if (label_smoothing <= 0) return nll;
  // smoothing: (1 - eps) * nll + eps / C * (-sum over classes of w_c * logp_c)
  Tensor valid = target != ignore_index;
  Tensor lp = logp;
  if (has_w) {
    std::vector<int64_t> shape(static_cast<size_t>(self.dim()), 1);
    shape[static_cast<size_t>(cdim)] = c;
    lp = lp * weight->view(shape);
  }
  Tensor smooth = -lp.sum({cdim});
  smooth = torsh::where(valid, smooth, torsh::zeros_like(smooth));
  if (reduction == 1) {
    if (has_w) {
      Tensor safe = torsh::where(valid, target, torsh::zeros_like(target));
      Tensor w = weight->index_select(0, safe.reshape({-1})).view(safe.sizes().vec());
      smooth = weighted_mean(smooth.sum(), torsh::where(valid, w, torsh::zeros_like(w)).sum());
    } else {
      smooth = weighted_mean(smooth.sum(), valid.sum().to(smooth.dtype()));
    }
  } else if (reduction == 2) {
    smooth = smooth.sum();
  }
  return nll * (1 - label_smoothing) + smooth * (label_smoothing / c);
}

Tensor binary_cross_entropy(const Tensor& self, const Tensor& target,
                            const std::optional<Tensor>& weight, int64_t reduction) {
  TORSH_CHECK(self.sizes().equals(target.sizes()), "Using a target size (",
              detail::shape_str(target.sizes()), ") that is different to the input size (",
              detail::shape_str(self.sizes()),
              ") is deprecated. Please ensure they have the same size.");
  {
    NoGradGuard guard;
    const bool in_range =
        self.numel() == 0 || ((self >= 0).logical_and(self <= 1)).all().item<bool>();
    TORSH_CHECK(in_range, "all elements of input should be between 0 and 1");
  }
  // torch clamps each log at -100
  Tensor log_p = self.log().clamp_min(-100);
  Tensor log_q = (1 - self).log().clamp_min(-100);
  Tensor loss = -(target * log_p + (1 - target) * log_q);
  if (weight && weight->defined()) loss = loss * *weight;
  return reduce(loss, reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& self, const Tensor& target,
                                        const std::optional<Tensor>& weight,
                                        const std::optional<Tensor>& pos_weight,
                                        int64_t reduction) {
  // torch.nn.functional checks the sizes; the op itself broadcasts. weight and pos_weight are
  // not differentiable (torch 1.13's derivatives).
  for (const auto* w : {&weight, &pos_weight}) {
    TORSH_CHECK(!(*w && (*w)->defined() && (*w)->requires_grad() && GradMode::is_enabled()),
                "The function 'binary_cross_entropy_with_logits' is not differentiable with "
                "respect to argument '",
                w == &weight ? "weight" : "pos_weight",
                "'. This input cannot have requires_grad True.");
  }
  // torch's sequence of in-place ops, out of place: each step keeps the dtype of the tensor
  // torch writes into ((1 - t) for the loss, the input's for the softplus term, pos_weight's
  // for its factor), so 16-bit inputs round where torch's do
  auto into = [](const Tensor& t, ScalarType dt) {
    TORSH_CHECK(can_cast(t.dtype(), dt) && (is_floating_point(dt) || !is_floating_point(t.dtype())),
                "result type ", scalar_type_name(t.dtype()),
                " can't be cast to the desired output type ", scalar_type_name(dt));
    return t.dtype() == dt ? t : t.to(dt);
  };
  // torch's in-place steps cannot grow their destination: input must broadcast into target's
  // shape (and into pos_weight * target's), and the loss must take weight's
  auto into_shape = [](IntArrayRef dst, IntArrayRef src) {
    const std::vector<int64_t> b = torsh::broadcast_shapes(dst, src);
    TORSH_CHECK(IntArrayRef(b).equals(dst), "output with shape ", detail::shape_str(dst),
                " doesn't match the broadcast shape ", detail::shape_str(b));
  };
  into_shape(target.sizes(), self.sizes());
  if (pos_weight && pos_weight->defined()) {
    const std::vector<int64_t> lw = torsh::broadcast_shapes(pos_weight->sizes(), target.sizes());
    into_shape(lw, self.sizes());
    into_shape(target.sizes(), lw);
  }
  if (weight && weight->defined()) into_shape(target.sizes(), weight->sizes());
  Tensor one_minus = 1 - target;
  const ScalarType lt = one_minus.dtype();
  const ScalarType xt = self.dtype();
  Tensor max_val = (-self).clamp_min(0);
  Tensor softplus =
      into(into(into((-max_val).exp(), xt) + into((-self - max_val).exp(), xt), xt).log(), xt);
  softplus = into(softplus + max_val, xt);
  Tensor loss = into(one_minus * self, lt);
  if (pos_weight && pos_weight->defined()) {
    Tensor lw = (*pos_weight - 1) * target;
    lw = into(lw + 1, lw.dtype());
    loss = into(loss + into(lw * softplus, lw.dtype()), lt);
  } else {
    loss = into(
        into(loss + max_val, lt) + into((-max_val).exp() + (-self - max_val).exp(), xt).log(), lt);
  }
  if (weight && weight->defined()) loss = into(loss * *weight, lt);
  return reduce(loss, reduction);
}

Tensor kl_div(const Tensor& self, const Tensor& target, int64_t reduction, bool log_target) {
  TORSH_CHECK(is_floating_point(self.dtype()) && is_floating_point(target.dtype()),
              "kl_div: Integral inputs not supported.");
  Tensor loss =
      log_target ? target.exp() * (target - self) : torsh::xlogy(target, target) - target * self;
  return reduce(loss, reduction);
}

}  // namespace native
}  // namespace torsh
