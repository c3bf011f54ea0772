// cross (torch.cross and torch.linalg.cross), linalg.multi_dot (torch's matrix-chain order)
// and chain_matmul.
#include <limits>
#include <vector>

#include "ops/linalg_basic.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace {
using detail_linalg::check_not_bool;
using detail_linalg::check_same_dtype;
using detail_linalg::OutRule;
using detail_linalg::write_out;

Tensor cross_impl(const Tensor& self, const Tensor& other, int64_t dim_in) {
  TORSH_CHECK(self.dim() == other.dim(),
              "linalg.cross: inputs must have the same number of dimensions.");
  TORSH_CHECK_INDEX(self.dim() > 0, "linalg.cross: Dimension specified as ", dim_in,
                    " but tensor has no dimensions");
  const int64_t d = detail::wrap_dim(dim_in, self.dim(), "linalg.cross");
  TORSH_CHECK(self.sizes()[d] == 3 && other.sizes()[d] == 3, "linalg.cross: inputs dimension ",
              dim_in, " must have length 3. Got ", self.sizes()[d], " and ", other.sizes()[d]);
  check_same_dtype(self, other, "linalg.cross");
  check_not_bool(self, "cross");
  const std::vector<int64_t> shape =
      torsh::broadcast_shapes(std::vector<int64_t>(self.sizes().begin(), self.sizes().end()),
                              std::vector<int64_t>(other.sizes().begin(), other.sizes().end()));
  const Tensor a = self.expand(shape), b = other.expand(shape);
  auto at = [&](const Tensor& t, int64_t i) { return t.narrow(d, i, 1); };
  auto term = [&](int64_t i, int64_t j) {
    return torsh::sub(torsh::mul(at(a, i), at(b, j)), torsh::mul(at(a, j), at(b, i)));
  };
  return torsh::cat({term(1, 2), term(2, 0), term(0, 1)}, d);
}

// torch's mm: bool products raise, except where an operand is empty (returned before the
// dtype dispatch).
Tensor mm_checked(const Tensor& a, const Tensor& b) {
  if (a.numel() != 0 && b.numel() != 0) check_not_bool(a, "addmm_impl_cpu_");
  return torsh::mm(a, b);
}

// torch's matrix_chain_order: s[i][j] is where the product of tensors i..j splits.
std::vector<std::vector<int64_t>> chain_order(const std::vector<Tensor>& ts) {
  const size_t n = ts.size();
  std::vector<int64_t> p(n + 1);
  p[0] = ts[0].sizes()[0];
  for (size_t i = 0; i < n; ++i) p[i + 1] = ts[i].sizes()[1];
  std::vector<std::vector<int64_t>> m(n, std::vector<int64_t>(n, 0)), s = m;
  for (size_t l = 1; l < n; ++l) {
    for (size_t i = 0; i + l < n; ++i) {
      const size_t j = i + l;
      m[i][j] = std::numeric_limits<int64_t>::max();
      for (size_t k = i; k < j; ++k) {
        const int64_t q = m[i][k] + m[k + 1][j] + p[i] * p[k + 1] * p[j + 1];
        if (q < m[i][j]) {
          m[i][j] = q;
          s[i][j] = static_cast<int64_t>(k);
        }
      }
    }
  }
  return s;
}

Tensor chain_product(const std::vector<Tensor>& ts, const std::vector<std::vector<int64_t>>& s,
                     size_t i, size_t j) {
  if (i == j) return ts[i];
  const size_t k = static_cast<size_t>(s[i][j]);
  return mm_checked(chain_product(ts, s, i, k), chain_product(ts, s, k + 1, j));
}

Tensor multi_dot_impl(const std::vector<Tensor>& in, const char* op) {
  const size_t n = in.size();
  TORSH_CHECK(n >= 2, op, "(): expected at least 2 tensors but got ", n);
  const int64_t d0 = in.front().dim(), dl = in.back().dim();
  TORSH_CHECK(d0 == 1 || d0 == 2, op, "(): the first tensor must be 1D or 2D but got ", d0, "D");
  TORSH_CHECK(dl == 1 || dl == 2, op, "(): the last tensor must be 1D or 2D but got ", dl, "D");
  for (size_t i = 1; i + 1 < n; ++i) {
    TORSH_CHECK(in[i].dim() == 2, op, "(): tensor ", i, " must be 2D but got ", in[i].dim(), "D");
  }
  for (size_t i = 1; i < n; ++i) {
    TORSH_CHECK(in[i].dtype() == in[0].dtype(), op,
                "(): all tensors must have be the same dtype but tensor 0 is ",
                dtype_name(in[0].dtype()), " and tensor ", i, " ", dtype_name(in[i].dtype()));
  }
  std::vector<Tensor> ts = in;
  if (d0 == 1) ts.front() = ts.front().unsqueeze(0);
  if (dl == 1) ts.back() = ts.back().unsqueeze(1);
  for (size_t i = 0; i + 1 < n; ++i) {
    TORSH_CHECK(ts[i].sizes()[1] == ts[i + 1].sizes()[0], op, "(): tensors ", i, " and ", i + 1,
                " with shapes ", detail::shape_str(in[i].sizes()), " and ",
                detail::shape_str(in[i + 1].sizes()), " cannot be multiplied");
  }
  Tensor r;
  if (n == 2) {
    r = mm_checked(ts[0], ts[1]);
  } else if (n == 3) {
    const Tensor &a = ts[0], &b = ts[1], &c = ts[2];
    const int64_t cost_ab_c = a.sizes()[0] * c.sizes()[1] * (a.sizes()[1] + b.sizes()[1]);
    const int64_t cost_a_bc = a.sizes()[1] * c.sizes()[1] * (a.sizes()[0] + b.sizes()[1]);
    r = cost_ab_c > cost_a_bc ? mm_checked(a, mm_checked(b, c)) : mm_checked(mm_checked(a, b), c);
  } else {
    r = chain_product(ts, chain_order(ts), 0, n - 1);
  }
  if (d0 == 1 && dl == 1) return r.reshape({});
  if (d0 == 1) return r.squeeze(0);
  if (dl == 1) return r.squeeze(1);
  return r;
}
}  // namespace

void linalg_cross_out(Tensor& out, const Tensor& self, const Tensor& other, int64_t dim) {
  write_out(out, cross_impl(self, other, dim), Tensor(), "linalg.cross", OutRule::kStrict);
}

void cross_out(Tensor& out, const Tensor& self, const Tensor& other, std::optional<int64_t> dim) {
  int64_t d = -1;
  if (dim) {
    d = *dim;
  } else {
    bool found = false;
    for (int64_t i = 0; i < self.dim() && !found; ++i) {
      if (self.sizes()[i] == 3) {
        d = i;
        found = true;
      }
    }
    TORSH_CHECK(found, "cross(): no dimension of size 3 in input");
  }
  Tensor r = torsh::linalg_cross(self, other, d);
  write_out(out, r, Tensor(), "cross", OutRule::kStrict);
}

void multi_dot_out(Tensor& out, TensorList tensors) {
  write_out(out, multi_dot_impl(tensors, "multi_dot"), Tensor(), "multi_dot", OutRule::kStrict);
}

void chain_matmul_out(Tensor& out, TensorList matrices) {
  TORSH_CHECK(!matrices.empty(), "chain_matmul(): Expected one or more matrices");
  for (const Tensor& m : matrices) {
    TORSH_CHECK(m.dim() == 2, "chain_matmul(): Tensor dimension is ", m.dim(),
                ", expected 2 instead.");
  }
  Tensor r = matrices.size() == 1 ? torsh::clone(matrices[0], MemoryFormat::Contiguous)
                                  : multi_dot_impl(matrices, "multi_dot");
  write_out(out, r, Tensor(), "chain_matmul", OutRule::kStrict);
}

}  // namespace torsh::native
