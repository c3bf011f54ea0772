// Distances and the margin/embedding losses of torch.nn.functional, with prelu and bilinear:
// composed of torsh ops (gradients to any order from the parts), with torch 1.13's formulas,
// checks and reduction enum (0 none, 1 mean, 2 sum).
#include <cmath>
#include <string>

#include "torsh/core/grad_mode.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {
namespace {

// torch's message for a loss argument without a derivative that asks for one.
void not_differentiable(const char* op, const char* arg, const Tensor& t) {
  TORSH_CHECK(!(GradMode::is_enabled() && t.defined() && t.requires_grad()), "The function '", op,
              "' is not differentiable with respect to argument '", arg,
              "'. This input cannot have requires_grad True.");
}

Tensor reduce(const Tensor& loss, int64_t reduction) {
  if (reduction == 1) return loss.mean();
  if (reduction == 2) return loss.sum();
  return loss;
}

void check_floating(const char* op, const Tensor& t) {
  TORSH_CHECK(is_floating_point(t.dtype()), op,
              ": expected common dtype to be floating point, yet common dtype is ",
              scalar_type_name(t.dtype()));
}

// torch 1.13's norm for cosine_similarity: sqrt(max(sum(x^2), eps^2)), the max applied to the
// value only (torch clamps the squared norm in place under no_grad, so the gradient is x / norm
// with the clamped norm).
Tensor clamped_norm(const Tensor& x, int64_t dim, double eps) {
  Tensor sq = (x * x).sum(std::vector<int64_t>{dim}, true);
  // where clamped (or eps is NaN): the clamped value with sq's gradient (sq - sq.detach() is 0)
  Tensor value = sq.detach().clamp_min(eps * eps);
  Tensor small = sq - sq.detach() + value;
  return torsh::where(value != sq.detach(), small, sq).sqrt();
}

}  // namespace

Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, int64_t dim, double eps) {
  const ScalarType t = torsh::result_type(x1, x2);  // 0-dim operands promote as torch's do
  TORSH_CHECK(is_floating_point(t),
              "expected common dtype to be floating point, yet common dtype is ",
              scalar_type_name(t));
  auto both = torsh::broadcast_tensors({x1.to(t), x2.to(t)});
  const int64_t d = detail::wrap_dim(dim, both[0].dim(), "cosine_similarity");
  Tensor a = both[0] / clamped_norm(both[0], d, eps);
  Tensor b = both[1] / clamped_norm(both[1], d, eps);
  return (a * b).sum(std::vector<int64_t>{d});
}

Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, double p, double eps, bool keepdim) {
  const int64_t out_dim = std::max(x1.dim(), x2.dim());
  const int64_t inner = std::max<int64_t>(out_dim - 1, 0);
  Tensor diff = x1 - x2 + eps;
  check_floating("pairwise_distance", diff);
  return diff.norm(p, std::vector<int64_t>{inner}, keepdim);
}

Tensor pdist(const Tensor& self, double p) {
  TORSH_CHECK(self.dim() == 2, "pdist only supports 2D tensors, got: ", self.dim(), "D");
  TORSH_CHECK(is_floating_point(self.dtype()), "pdist only supports floating-point dtypes");
  TORSH_CHECK(p >= 0, "pdist only supports non-negative p values");
  const int64_t n = self.size(0);
  Tensor idx = torsh::triu_indices(n, n, 1);  // empty for n <= 1: the result keeps the graph
  Tensor diff = self.index_select(0, idx[0]) - self.index_select(0, idx[1]);
  Tensor r = diff.norm(p, std::vector<int64_t>{1}, false);
  // p = 0 counts nonzeros: torch's gradient is zero rather than absent
  return p == 0 ? r + (diff * 0).sum(std::vector<int64_t>{1}) : r;
}

Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                             double margin, int64_t reduction) {
  const int64_t td = target.dim();
  TORSH_CHECK(td == 0 || td == 1, "0D or 1D target tensor expected, multi-target not supported");
  // torch 1.13 checks input1's rank only, then sums over the target's rank (input2 broadcasts)
  if (td == 1) {
    TORSH_CHECK(input1.dim() == 2,
                "1D target tensor expects 2D input tensors, but found inputs "
                "with sizes ",
                detail::shape_str(input1.sizes()), " and ", detail::shape_str(input2.sizes()), ".");
  } else {
    TORSH_CHECK(input1.dim() == 1,
                "0D target tensor expects 1D input tensors, but found inputs "
                "with sizes ",
                detail::shape_str(input1.sizes()), " and ", detail::shape_str(input2.sizes()), ".");
  }
  const int64_t dim = td;
  const double kEps = 1e-12;
  std::vector<int64_t> d{dim};
  Tensor prod = (input1 * input2).sum(d);
  Tensor m1 = (input1 * input1).sum(d) + kEps;
  Tensor m2 = (input2 * input2).sum(d) + kEps;
  Tensor cos = prod / (m1 * m2).sqrt();
  Tensor zeros = torsh::zeros_like(cos);
  Tensor pos = 1 - cos;
  Tensor neg = (cos - margin).clamp_min(0);
  Tensor out = torsh::where(target == 1, pos, zeros) + torsh::where(target == -1, neg, zeros);
  return reduce(out, reduction);
}

Tensor margin_ranking_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                           double margin, int64_t reduction) {
  // torch 1.13 broadcasts the three inputs (no rank check)
  Tensor out = (-target * (input1 - input2) + margin).clamp_min(0);
  return reduce(out, reduction);
}

Tensor hinge_embedding_loss(const Tensor& self, const Tensor& target, double margin,
                            int64_t reduction) {
  Tensor zeros = torsh::zeros_like(self);
  // torch's `margin - self` is a fill of self's dtype minus self (an integer input stays integer)
  Tensor margin_part =
      torsh::where(target != 1, (torsh::full_like(self, margin) - self).clamp_min(0), zeros);
  Tensor self_part = torsh::where(target != -1, self, zeros);
  return reduce(margin_part + self_part, reduction);
}

Tensor soft_margin_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  not_differentiable("soft_margin_loss", "target", target);
  return reduce((-self * target).exp().log1p(), reduction);
}

Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative,
                           double margin, double p, double eps, bool swap, int64_t reduction) {
  TORSH_CHECK(anchor.dim() == positive.dim() && anchor.dim() == negative.dim(),
              "The anchor, positive, and negative tensors are expected to have the same number of "
              "dimensions, but got: anchor ",
              anchor.dim(), "D, positive ", positive.dim(), "D, and negative ", negative.dim(),
              "D inputs");
  Tensor dpos = torsh::pairwise_distance(anchor, positive, p, eps, false);
  Tensor dneg = torsh::pairwise_distance(anchor, negative, p, eps, false);
  if (swap) dneg = torsh::min(dneg, torsh::pairwise_distance(positive, negative, p, eps, false));
  return reduce((dpos - dneg + margin).clamp_min(0), reduction);
}

Tensor poisson_nll_loss(const Tensor& input, const Tensor& target, bool log_input, bool full,
                        double eps, int64_t reduction) {
  Tensor loss = log_input ? input.exp() - target * input : input - target * (input + eps).log();
  if (full) {
    Tensor stirling = target * target.log() - target + (target * (2 * M_PI)).log() * 0.5;
    loss.add_(stirling.masked_fill(target <= 1, 0));  // in place, as torch: loss keeps its dtype
  }
  return reduce(loss, reduction);
}

Tensor multi_margin_loss(const Tensor& self, const Tensor& target, const Scalar& p,
                         const Scalar& margin, const std::optional<Tensor>& weight,
                         int64_t reduction) {
  const double pv = p.to_double();
  TORSH_CHECK(pv == 1 || pv == 2, "only p == 1 and p == 2 supported");
  if (weight) not_differentiable("multi_margin_loss", "weight", *weight);
  TORSH_CHECK(self.dim() <= 2 && self.numel() > 0,
              "Expected non-empty vector or matrix with optional 0-dim batch size, but got: ",
              detail::shape_str(self.sizes()));
  Tensor x = self.dim() <= 1 ? self.reshape({1, -1}) : self;
  const int64_t n = x.size(0), c = x.size(1);
  TORSH_CHECK(target.numel() == n && target.dim() <= 1, "inconsistent target size, expected ", n,
              " but got ", detail::shape_str(target.sizes()));
  Tensor y = target.reshape({n, 1});
  if (n > 0) {
    const int64_t lo = y.min().item<int64_t>(), hi = y.max().item<int64_t>();
    TORSH_CHECK(lo >= 0 && hi < c, "target out of range");
  }
  Tensor z = (x - x.gather(1, y) + margin.to_double()).clamp_min(0);
  if (pv == 2) z = z * z;
  if (weight && weight->defined()) z = z * weight->index_select(0, y.reshape({-1})).unsqueeze(1);
  z = z.masked_fill(torsh::zeros({n, c}, TensorOptions(kBool)).scatter(1, y, true), 0);
  Tensor per = z.sum(std::vector<int64_t>{1}) / static_cast<double>(c);
  if (self.dim() <= 1) per = per.reshape(target.sizes());  // torch: the target's shape
  return reduce(per, reduction);
}

Tensor multilabel_margin_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  TORSH_CHECK(self.dim() <= 2 && target.sizes().equals(self.sizes()), "inconsistent size ",
              detail::shape_str(target.sizes()), " for target of input ",
              detail::shape_str(self.sizes()));
  TORSH_CHECK(target.dtype() == kLong,
              "multilabel_margin_loss: expected target of dtype Long, got ",
              scalar_type_name(target.dtype()));
  Tensor x = self.dim() <= 1 ? self.reshape({1, -1}) : self;
  Tensor t = target.reshape(x.sizes().vec());
  const int64_t n = x.size(0), c = x.size(1);
  // the targets of each row: its entries up to the first -1, each counted as often as listed
  Tensor listed = (t == -1).to(kLong).cumsum(1) == 0;
  if (listed.any().item<bool>()) {
    Tensor valid = t.masked_select(listed);
    TORSH_CHECK(valid.min().item<int64_t>() >= 0 && valid.max().item<int64_t>() < c,
                "multilabel_margin_loss: target index out of range");
  }
  Tensor safe = torsh::where(listed, t, torsh::zeros_like(t));
  Tensor count = torsh::zeros({n, c}, x.options()).scatter_add(1, safe, listed.to(x.dtype()));
  Tensor is_target = count > 0;
  // z[n, j, i] = max(0, 1 - (x[j] - x[i])) for listed j and every non-target i
  Tensor z = (1 - (x.unsqueeze(2) - x.unsqueeze(1))).clamp_min(0);
  Tensor w = count.unsqueeze(2) * is_target.logical_not().to(x.dtype()).unsqueeze(1);
  Tensor per = (z * w).sum(std::vector<int64_t>{1, 2}) / static_cast<double>(c);
  if (self.dim() <= 1) per = per.reshape({});
  return reduce(per, reduction);
}

Tensor prelu(const Tensor& self, const Tensor& weight) {
  TORSH_CHECK(weight.dim() <= 1,
              "prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
              "ndim = ",
              weight.dim());
  const int64_t channels = self.dim() >= 2 ? self.size(1) : 1;
  // torch's CPU prelu: the weight's dtype must be the input's (bfloat16 inputs take any)
  TORSH_CHECK(weight.dtype() == self.dtype() || self.dtype() == kBFloat16, "Found dtype ",
              scalar_type_name(weight.dtype()), " but expected ", scalar_type_name(self.dtype()));
  TORSH_CHECK(weight.numel() == 1 || weight.numel() == channels,
              "Mismatch of parameter numbers and input channel size. Found parameter numbers = ",
              weight.numel(), " and channel size = ", channels, ".");
  Tensor w = weight;
  if (weight.numel() != 1 && self.dim() >= 2) {
    std::vector<int64_t> shape(static_cast<size_t>(self.dim()), 1);
    shape[1] = channels;
    w = weight.reshape(shape);
  } else {
    w = weight.reshape({});
  }
  return torsh::where(self > 0, self, w * self);
}

Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight,
                const std::optional<Tensor>& bias) {
  TORSH_CHECK(input1.dim() == input2.dim(), "bilinear(): input dimensions do not match: got ",
              input1.dim(), " and ", input2.dim());
  for (int64_t i = 0; i + 1 < input1.dim(); ++i) {
    TORSH_CHECK(input1.size(i) == input2.size(i),
                "bilinear(): input batch dimensions do not match: got ", input1.size(i), " and ",
                input2.size(i));
  }
  // torch's order: weight.size(1) and size(2) are read first (an IndexError for a short weight)
  TORSH_CHECK(input1.size(input1.dim() - 1) == weight.size(1),
              "bilinear(): input1 size does not match weight size: got ", input1.size(-1),
              " but expected ", weight.size(1));
  TORSH_CHECK(input2.size(input2.dim() - 1) == weight.size(2),
              "bilinear(): input2 size does not match weight size: got ", input2.size(-1),
              " but expected ", weight.size(2));
  TORSH_CHECK(weight.dim() == 3, "bilinear(): weight must be 3-D, got ", weight.dim(), "-D");
  const bool has_b = bias && bias->defined();
  TORSH_CHECK(!has_b || bias->numel() == weight.size(0),
              "bilinear(): bias size does not match weight size: got ", has_b ? bias->numel() : 0,
              " but expected ", weight.size(0));
  Tensor out = torsh::einsum("...i,kij,...j->...k", {input1, weight, input2});
  return has_b ? out + *bias : out;
}

}  // namespace native
}  // namespace torsh
