#include "autograd/formulas_reduce2.h"

#include <cmath>
#include <limits>
#include <string>

#include "autograd/formulas.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::autograd::formulas {

Tensor restore_reduced_dims(const Tensor& grad, int64_t ndim,
                            const std::optional<std::vector<int64_t>>& dim, bool keepdim) {
  if (keepdim || ndim == 0) return grad;
  std::vector<bool> reduced(static_cast<size_t>(ndim), !dim || dim->empty());
  if (dim)
    for (int64_t d : *dim) reduced[static_cast<size_t>(d < 0 ? d + ndim : d)] = true;
  Tensor g = grad;
  for (int64_t i = 0; i < ndim; ++i)
    if (reduced[static_cast<size_t>(i)]) g = g.unsqueeze(i);
  return g;
}

namespace {
// torch 1.13's var_backward; where its divisor N - correction is 0 over everything it gives a
// 0-dim infinity (an error for an input with dims, unless var_mean adds its mean's gradient).
Tensor var_backward_or_scalar(const Tensor& grad, const Tensor& self,
                              const std::optional<std::vector<int64_t>>& dim, int64_t correction,
                              bool keepdim) {
  if (self.dim() == 0 || !dim) {
    const int64_t dof = self.numel() - correction;
    if (dof == 0) return grad * std::numeric_limits<double>::infinity();
    return (grad * (2.0 / static_cast<double>(dof))) * (self - self.mean());
  }
  // torch's count of a dim list: the product of its sizes (1 for an empty list).
  int64_t n = 1;
  for (int64_t d : *dim) n *= self.sizes()[detail::wrap_dim(d, self.dim(), "var")];
  const double dof = static_cast<double>(n - correction);
  Tensor g = restore_reduced_dims(grad, self.dim(), dim, keepdim);
  return (g * (2.0 / dof)) * (self - self.mean(OptionalIntArrayRef(*dim), true));
}

Tensor check_shape(const Tensor& g, const Tensor& self, const char* node) {
  TORSH_CHECK(g.dim() == self.dim(), "Function ", node,
              " returned an invalid gradient at index 0 - got [] but expected shape compatible "
              "with ",
              detail::shape_str(self.sizes()));
  return g;
}
}  // namespace

Tensor var_backward(const Tensor& grad, const Tensor& self,
                    const std::optional<std::vector<int64_t>>& dim, int64_t correction,
                    bool keepdim) {
  return check_shape(var_backward_or_scalar(grad, self, dim, correction, keepdim), self,
                     "VarBackward0");
}

namespace {
Tensor std_backward_or_scalar(const Tensor& grad, const Tensor& result, const Tensor& self,
                              const std::optional<std::vector<int64_t>>& dim, int64_t correction,
                              bool keepdim) {
  Tensor gv = grad / (result * 2);
  gv = torsh::where(result == 0.0, torsh::zeros_like(gv), gv);
  return var_backward_or_scalar(gv, self, dim, correction, keepdim);
}
}  // namespace

Tensor std_backward(const Tensor& grad, const Tensor& result, const Tensor& self,
                    const std::optional<std::vector<int64_t>>& dim, int64_t correction,
                    bool keepdim) {
  return check_shape(std_backward_or_scalar(grad, result, self, dim, correction, keepdim), self,
                     "StdBackward0");
}

Tensor var_mean_backward(const Tensor& gvar, const Tensor& gmean, const Tensor& self,
                         const std::optional<std::vector<int64_t>>& dim, int64_t correction,
                         bool keepdim, bool take_sqrt) {
  Tensor g;
  if (gvar.defined()) {
    if (take_sqrt) {
      OptionalIntArrayRef d = dim ? OptionalIntArrayRef(*dim) : std::nullopt;
      Tensor r = torsh::std(self, d, std::optional<int64_t>(correction), keepdim);
      g = std_backward_or_scalar(gvar, r, self, dim, correction, keepdim);
    } else {
      g = var_backward_or_scalar(gvar, self, dim, correction, keepdim);
    }
  }
  if (gmean.defined()) {
    int64_t n = 1;
    if (dim && !dim->empty() && self.dim() > 0) {
      for (int64_t d : *dim) n *= self.sizes()[detail::wrap_dim(d, self.dim(), "var_mean")];
    } else {
      n = self.numel();
    }
    Tensor m = restore_reduced_dims(gmean, self.dim(), dim, keepdim).expand(self.sizes().vec()) /
               static_cast<double>(n);
    g = g.defined() ? g + m : m;
  }
  return check_shape(g, self, take_sqrt ? "StdMeanBackward0" : "VarMeanBackward0");
}

Tensor amax_amin_backward(const Tensor& grad, const Tensor& self, const Tensor& result,
                          const std::vector<int64_t>& dim, bool keepdim) {
  std::optional<std::vector<int64_t>> d(dim);
  Tensor g = restore_reduced_dims(grad, self.dim(), d, keepdim);
  Tensor r = restore_reduced_dims(result, self.dim(), d, keepdim);
  Tensor mask = self == r;
  Tensor count = mask.sum(OptionalIntArrayRef(dim), true).to(g.dtype());
  return (g / count) * mask.to(g.dtype());
}

Tensor logsumexp_backward(const Tensor& grad, const Tensor& self, const Tensor& result,
                          const std::vector<int64_t>& dim, bool keepdim) {
  std::optional<std::vector<int64_t>> d(dim);
  Tensor g = restore_reduced_dims(grad, self.dim(), d, keepdim);
  Tensor r = restore_reduced_dims(result, self.dim(), d, keepdim);
  return g * torsh::exp(self - r);
}

Tensor nansum_backward(const Tensor& grad, const Tensor& self,
                       const std::optional<std::vector<int64_t>>& dim, bool keepdim) {
  Tensor g = restore_reduced_dims(grad, self.dim(), dim, keepdim).expand(self.sizes().vec());
  return g * torsh::eq(self, self).to(g.dtype());
}

namespace {
Tensor zero_where(const Tensor& t, const Tensor& cond) {
  return torsh::where(cond, torsh::zeros_like(t), t);
}
// t reversed along d (a differentiable copy).
Tensor flip(const Tensor& t, int64_t d) {
  const int64_t n = t.sizes()[d];
  return torsh::index_select(
      t, d, torsh::arange(Scalar(n - 1), Scalar(int64_t(-1)), Scalar(int64_t(-1))));
}
// The sum of t over dim from each position to the end (torch's flip, cumsum, flip).
Tensor reversed_cumsum(const Tensor& t, int64_t d) { return flip(torsh::cumsum(flip(t, d), d), d); }
}  // namespace

Tensor norm_backward(const Tensor& grad, const Tensor& self, const std::optional<Scalar>& p,
                     const Tensor& result, const std::optional<std::vector<int64_t>>& dim,
                     bool keepdim) {
  const double pv = p ? p->to_double() : 2.0;
  Tensor g = restore_reduced_dims(grad, self.dim(), dim, keepdim);
  Tensor n = restore_reduced_dims(result, self.dim(), dim, keepdim);
  if (pv == 0.0) return Tensor();  // torch: no gradient at all (the input's grad stays None)
  if (pv == 1.0) return sign_of(self) * g;
  if (pv == 2.0) return self * zero_where(g / n, n == 0.0);
  Tensor a = self.abs();
  if (std::isinf(pv)) {
    // The elements equal to the norm (or NaN) share the gradient evenly.
    Tensor hit = torsh::where(a != a, torsh::ones_like(a), (a == n).to(a.dtype()));
    OptionalIntArrayRef d = dim && !dim->empty() ? OptionalIntArrayRef(*dim) : std::nullopt;
    return sign_of(self) * ((g / hit.sum(d, true)) * hit);
  }
  if (pv < 1.0) return (sign_of(self) * zero_where(a.pow(pv - 1), self == 0.0)) * g * n.pow(1 - pv);
  Tensor scale = zero_where(g / n.pow(pv - 1), n == 0.0);
  if (pv < 2.0) return (sign_of(self) * a.pow(pv - 1)) * scale;
  return (self * a.pow(pv - 2)) * scale;
}

Tensor cumsum_backward(const Tensor& grad, int64_t dim) {
  if (grad.dim() == 0 || grad.numel() <= 1) return grad;
  const int64_t d = detail::wrap_dim(dim, grad.dim(), "cumsum");
  if (grad.sizes()[d] == 1) return grad;
  return reversed_cumsum(grad, d);
}

Tensor cumprod_backward(const Tensor& grad, const Tensor& self, int64_t dim, const Tensor& result) {
  if (self.dim() == 0 || self.numel() <= 1) return grad;
  const int64_t d = detail::wrap_dim(dim, self.dim(), "cumprod");
  const int64_t n = self.sizes()[d];
  if (n == 1) return grad;
  if ((self == 0.0).sum().item<int64_t>() == 0) return reversed_cumsum(result * grad, d) / self;
  if (!GradMode::is_enabled()) {
    // With zeros, no double backward (torch's O(n) case): with z the first zero of a line,
    // positions before z take the division formula over j < z, position z takes the sum over
    // j in [z, z2) (z2 the second zero) of grad_j times the products with x_z taken as 1, and
    // positions after z get 0.
    Tensor zero = self == 0.0;
    Tensor count = torsh::cumsum(zero, d);
    Tensor before = count == 0;
    Tensor none = torsh::zeros_like(grad);
    Tensor w = torsh::where(before, result * grad, none);
    Tensor g_before = torsh::where(before, reversed_cumsum(w, d) / self, none);
    Tensor segment = count == 1;
    Tensor first = torsh::where(zero, segment, zero);
    Tensor p = torsh::cumprod(torsh::where(first, torsh::ones_like(self), self), d);
    Tensor at_z = torsh::where(segment, grad * p, none).sum(std::vector<int64_t>{d}, true);
    return g_before + torsh::where(first, at_z.expand(self.sizes().vec()), none);
  }
  // With zeros: for each k, the sum over j >= k of grad_j times the product of the elements
  // up to j but k (torch's O(n^2) formula, differentiable again).
  std::vector<int64_t> one_size = self.sizes().vec();
  one_size[static_cast<size_t>(d)] = 1;
  Tensor ones = torsh::ones(one_size, TensorOptions().dtype(self.dtype()));
  std::vector<Tensor> parts;
  for (int64_t k = 0; k < n; ++k) {
    Tensor omitted;
    if (k == 0) {
      omitted = torsh::cat({ones, torsh::cumprod(self.narrow(d, 1, n - 1), d)}, d);
    } else {
      Tensor until = torsh::prod(self.narrow(d, 0, k), d, true);
      if (k == n - 1) {
        omitted = until;
      } else {
        Tensor from = torsh::cumprod(self.narrow(d, k + 1, n - k - 1), d);
        omitted = torsh::cat({until, until.expand(from.sizes().vec()) * from}, d);
      }
    }
    parts.push_back((grad.narrow(d, k, n - k) * omitted).sum(std::vector<int64_t>{d}, false));
  }
  return torsh::stack(parts, d);
}

Tensor logcumsumexp_backward(const Tensor& grad, const Tensor& self, const Tensor& result,
                             int64_t dim) {
  if (grad.dim() == 0 || grad.numel() == 0) return grad;
  const int64_t d = detail::wrap_dim(dim, grad.dim(), "logcumsumexp");
  auto reverse_lcse = [&](const Tensor& x) { return flip(torsh::logcumsumexp(flip(x, d), d), d); };
  const double lowest = grad.dtype() == kDouble ? std::numeric_limits<double>::lowest()
                                                : std::numeric_limits<float>::lowest();
  Tensor log_abs = grad.abs().log();
  Tensor floor = torsh::zeros_like(grad) + lowest;
  Tensor pos = torsh::where(grad > 0.0, log_abs, floor);
  Tensor neg = torsh::where(grad < 0.0, log_abs, floor);
  return (reverse_lcse(pos - result) + self).exp() - (reverse_lcse(neg - result) + self).exp();
}

Tensor cummaxmin_backward(const Tensor& grad, const Tensor& self, const Tensor& indices,
                          int64_t dim) {
  if (self.dim() == 0 || self.numel() == 0) return grad;
  return torsh::zeros_like(self).scatter_add(dim, indices, grad);
}

}  // namespace torsh::autograd::formulas
