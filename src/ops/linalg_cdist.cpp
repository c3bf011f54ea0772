// cdist: p = 2 through one GEMM on padded operands (torch's _euclidean_dist: |x|^2 + |y|^2 -
// 2 x.y, clamped at 0) when compute_mode asks for it, other p (and p = 2 on small inputs)
// directly from the differences; each path with torch's backward (zero where the distance is 0).
#include <cmath>
#include <limits>
#include <vector>

#include "ops/linalg_basic.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace {
std::vector<int64_t> batch_of(const Tensor& t) {
  return std::vector<int64_t>(t.sizes().begin(), t.sizes().end() - 2);
}
}  // namespace

Tensor cdist(const Tensor& x1, const Tensor& x2, double p, std::optional<int64_t> compute_mode) {
  TORSH_CHECK(x1.dim() >= 2, "cdist only supports at least 2D tensors, X1 got: ", x1.dim(), "D");
  TORSH_CHECK(x2.dim() >= 2, "cdist only supports at least 2D tensors, X2 got: ", x2.dim(), "D");
  const int64_t c1 = x1.sizes().back(), c2 = x2.sizes().back();
  TORSH_CHECK(c1 == c2, "cdist(): X1 and X2 must have the same number of columns. X1: ", c1,
              " X2: ", c2);
  TORSH_CHECK(is_floating_point(x1.dtype()),
              "cdist only supports floating-point dtypes, X1 got: ", scalar_type_name(x1.dtype()));
  TORSH_CHECK(is_floating_point(x2.dtype()),
              "cdist only supports floating-point dtypes, X2 got: ", scalar_type_name(x2.dtype()));
  detail_linalg::check_same_dtype(x1, x2, "cdist");
  TORSH_CHECK(p >= 0, "cdist only supports non-negative p values");
  const int64_t mode = compute_mode.value_or(0);
  TORSH_CHECK(mode >= 0 && mode <= 2, "cdist(): possible modes: 0, 1, 2, but was: ", mode);
  const int64_t r1 = x1.sizes()[x1.dim() - 2], r2 = x2.sizes()[x2.dim() - 2];
  const bool use_mm = p == 2 && (mode == 1 || (mode == 0 && (r1 > 25 || r2 > 25)));
  if (x1.numel() == 0 || x2.numel() == 0 || !use_mm) return torsh::_cdist_forward(x1, x2, p, mode);
  std::vector<int64_t> batch = torsh::broadcast_shapes(batch_of(x1), batch_of(x2));
  std::vector<int64_t> s1 = batch, s2 = batch, out = batch;
  s1.insert(s1.end(), {r1, c1});
  s2.insert(s2.end(), {r2, c1});
  out.insert(out.end(), {r1, r2});
  return torsh::_euclidean_dist(x1.expand(s1), x2.expand(s2)).view(out);
}

Tensor cdist_forward(const Tensor& x1, const Tensor& x2, double p,
                     std::optional<int64_t> compute_mode) {
  (void)compute_mode;
  const int64_t r1 = x1.sizes()[x1.dim() - 2], r2 = x2.sizes()[x2.dim() - 2];
  std::vector<int64_t> out = torsh::broadcast_shapes(batch_of(x1), batch_of(x2));
  out.insert(out.end(), {r1, r2});
  int64_t n = 1;
  for (int64_t s : out) n *= s;
  if (n == 0) return torsh::empty(out, x1.dtype());
  if (x1.sizes().back() == 0) return torsh::zeros(out, x1.dtype());
  const Tensor diff = torsh::sub(x1.unsqueeze(-2), x2.unsqueeze(-3));
  const std::vector<int64_t> last{-1};
  const Tensor a = diff.abs();
  // torch's p = 0 term, min(ceil(|d|), 1): a NaN difference makes the distance NaN
  if (p == 0) return torsh::clamp_max(a.ceil(), Scalar(1)).sum(last, false);
  if (p == 1) return a.sum(last, false);
  if (p == 2) return a.mul(a).sum(last, false).sqrt();
  if (std::isinf(p)) return a.amax(last, false);
  return torsh::pow(torsh::pow(a, Scalar(p)).sum(last, false), Scalar(1.0 / p));
}

Tensor euclidean_dist(const Tensor& x1, const Tensor& x2) {
  const std::vector<int64_t> last{-1};
  Tensor n1 = torsh::pow(x1, Scalar(2)).sum(last, true);
  Tensor n2 = torsh::pow(x2, Scalar(2)).sum(last, true);
  Tensor a = torsh::cat({torsh::mul(x1, Scalar(-2)), n1, torsh::ones_like(n1)}, -1);
  Tensor b = torsh::cat({x2, torsh::ones_like(n2), n2}, -1);
  return torsh::matmul(a, b.transpose(-2, -1)).clamp_min(Scalar(0)).sqrt();
}

}  // namespace torsh::native
