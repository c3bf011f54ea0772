// Backward formulas of the linear-algebra basics.
#include "autograd/formulas.h"

#include <cmath>
#include <vector>

#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::autograd::formulas {

namespace {
Tensor grad_over_batch(const Tensor& grad, const Tensor& batch1, const Tensor& batch2) {
  return grad.unsqueeze(0).expand({batch1.sizes()[0], batch1.sizes()[1], batch2.sizes()[2]});
}
}  // namespace

Tensor addbmm_batch1_backward(const Tensor& grad, const Tensor& batch1, const Tensor& batch2) {
  return grad_over_batch(grad, batch1, batch2).bmm(cj(batch2).transpose(1, 2));
}

Tensor addbmm_batch2_backward(const Tensor& grad, const Tensor& batch1, const Tensor& batch2) {
  return cj(batch1).transpose(1, 2).bmm(grad_over_batch(grad, batch1, batch2));
}

}  // namespace torsh::autograd::formulas

namespace torsh::autograd::formulas {

Tensor cdist_backward(const Tensor& grad, const Tensor& x1, const Tensor& x2, double p,
                      const Tensor& dist) {
  if (p == 0 || x1.numel() == 0 || x2.numel() == 0 || grad.numel() == 0) {
    return torsh::zeros_like(x1);
  }
  const Tensor diff = torsh::sub(x1.unsqueeze(-2), x2.unsqueeze(-3));  // [..., r1, r2, c]
  const Tensor g = grad.unsqueeze(-1), d = dist.unsqueeze(-1);
  const Tensor zero = (d == Scalar(0));
  const Tensor dsafe = torsh::where(zero, Scalar(1), d);
  const Tensor sgn = diff.sign(), a = diff.abs();
  Tensor term;
  if (p == 1) {
    term = g * sgn;
  } else if (std::isinf(p)) {
    term = g * sgn * torsh::eq(a, d).to(g.dtype());
  } else if (p == 2) {
    term = torsh::where(zero, Scalar(0), g * diff / dsafe);
  } else if (p < 2) {
    // |diff|^(p - 1) is infinite at diff == 0 when p < 1: that term is 0, as torch.
    const Tensor asafe = torsh::where((a == Scalar(0)), Scalar(1), a);
    Tensor t = sgn * torsh::pow(asafe, Scalar(p - 1)) * g / torsh::pow(dsafe, Scalar(p - 1));
    Tensor mask = p < 1 ? torsh::logical_or(zero, (a == Scalar(0))) : zero;
    term = torsh::where(mask, Scalar(0), t);
  } else {
    term = torsh::where(zero, Scalar(0),
                        diff * torsh::pow(a, Scalar(p - 2)) * g / torsh::pow(dsafe, Scalar(p - 1)));
  }
  return term.sum(std::vector<int64_t>{-2}, false);
}

Tensor euclidean_dist_backward(const Tensor& grad, const Tensor& x1, const Tensor& x2,
                               const Tensor& dist, int which) {
  const Tensor zero = (dist == Scalar(0));
  const Tensor ratio = torsh::where(zero, Scalar(0), grad / torsh::where(zero, Scalar(1), dist));
  if (which == 0) {
    return x1 * ratio.sum(std::vector<int64_t>{-1}, true) - ratio.matmul(x2);
  }
  return x2 * ratio.sum(std::vector<int64_t>{-2}, false).unsqueeze(-1) -
         ratio.transpose(-2, -1).matmul(x1);
}

std::vector<Tensor> linalg_solve_triangular_backward(const Tensor& grad, const Tensor& A,
                                                     const Tensor& X, bool upper, bool left,
                                                     bool unitriangular,
                                                     const std::array<bool, 2>& output_mask) {
  if (!grad.defined()) return {Tensor(), Tensor()};
  const Tensor a = A.to(X.scalar_type());
  // B = A X (left) or X A: gB solves A^T gB = grad (left) or gB A^T = grad (right)
  Tensor gB =
      torsh::linalg_solve_triangular(a.transpose(-2, -1), grad, !upper, left, unitriangular);
  Tensor gA;
  if (output_mask[0]) {
    Tensor full = left ? -gB.matmul(X.transpose(-2, -1)) : -X.transpose(-2, -1).matmul(gB);
    const int64_t skip = unitriangular ? 1 : 0;
    gA = upper ? full.triu(skip) : full.tril(-skip);
  }
  return {gA, output_mask[1] ? gB : Tensor()};
}

namespace {
// gA for a square or tall A = QR (Q m x n orthonormal columns, R n x n upper triangular).
Tensor qr_backward_tall(const Tensor& gQ, const Tensor& gR, const Tensor& Q, const Tensor& R) {
  Tensor M = R.matmul(gR.transpose(-2, -1)) - gQ.transpose(-2, -1).matmul(Q);
  Tensor sym =
      M.tril() + M.tril(-1).transpose(-2, -1);  // the symmetric matrix of M's lower triangle
  Tensor b = gQ + Q.matmul(sym);
  return torsh::linalg_solve_triangular(R.transpose(-2, -1), b, /*upper=*/false, /*left=*/false,
                                        false);
}
}  // namespace

Tensor linalg_qr_backward(const Tensor& gQ, const Tensor& gR, const Tensor& Q, const Tensor& R,
                          const std::string& mode) {
  TORSH_CHECK(mode != "r", "The derivative of linalg.qr depends on Q, which is not computed when ",
              "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to ",
              "differentiate through linalg.qr.");
  const int64_t m = Q.size(-2), n = R.size(-1);
  TORSH_CHECK(!(mode == "complete" && m > n), "The QR decomposition is not differentiable when ",
              "mode='complete' and nrows > ncols.");
  if (!gQ.defined() && !gR.defined()) return Tensor();
  const Tensor gq = gQ.defined() ? gQ : torsh::zeros_like(Q);
  const Tensor gr = gR.defined() ? gR : torsh::zeros_like(R);
  if (m >= n) return qr_backward_tall(gq, gr, Q, R);
  // A = [X Y] with X = Q U square and Y = Q V: X's part sees gQ + Y gV^T, Y's is Q gV
  const Tensor U = R.narrow(-1, 0, m), V = R.narrow(-1, m, n - m);
  const Tensor gU = gr.narrow(-1, 0, m), gV = gr.narrow(-1, m, n - m);
  const Tensor gX = qr_backward_tall(gq + Q.matmul(V).matmul(gV.transpose(-2, -1)), gU, Q, U);
  return torsh::cat({gX, Q.matmul(gV)}, -1);
}

}  // namespace torsh::autograd::formulas
