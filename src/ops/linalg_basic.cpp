// Products of vectors and matrices on top of mm/bmm (OpenBLAS GEMM for float and double): dot,
// vdot, mv, outer/ger, inner, tensordot, kron and the GEMM-with-epilogue family addmm, addmv,
// addr, baddbmm, addbmm (torch's beta/alpha rules: beta == 0 ignores self, NaN included;
// alpha == 0 ignores the product).
#include <algorithm>
#include <string>
#include <vector>

#include "ops/linalg_basic.h"
#include "ops/scalar_check.h"
#include "ops/shape.h"
#include "ops/stubs.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace detail_linalg {

void write_out(Tensor& out, const Tensor& r, const Tensor& self, const char* op, OutRule rule) {
  if (!out.defined()) {
    out = r;
    return;
  }
  if (out.is_same(self)) {
    TORSH_CHECK(out.dtype() == r.dtype() || rule == OutRule::kCast,
                "Bad in-place call: input tensor dtype ", dtype_name(out.dtype()),
                " and output tensor dtype ", dtype_name(r.dtype()), " should match");
    TORSH_CHECK(out.sizes().equals(r.sizes()), "Bad in-place call: input tensor size ",
                detail::shape_str(out.sizes()), " and output tensor size ",
                detail::shape_str(r.sizes()), " should match");
  }
  if (rule == OutRule::kCast) {
    TORSH_CHECK(can_cast(r.dtype(), out.dtype()), op, "(): result type ",
                scalar_type_name(r.dtype()), " can't be cast to the desired output type ",
                scalar_type_name(out.dtype()));
  } else {
    TORSH_CHECK(out.dtype() == r.dtype(), op, "(): Expected out tensor to have dtype ",
                dtype_name(r.dtype()), ", but got ", dtype_name(out.dtype()), " instead");
  }
  if (!out.sizes().equals(r.sizes())) out.resize_(r.sizes());
  out.copy_(r);
}

void check_not_bool(const Tensor& t, const char* kernel) {
  TORSH_CHECK(t.dtype() != kBool, "\"", kernel, "\" not implemented for 'Bool'");
}

void check_same_dtype(const Tensor& expected, const Tensor& other, const char* op) {
  TORSH_CHECK(expected.dtype() == other.dtype(), op, "(): expected scalar type ",
              scalar_type_name(expected.dtype()), " but found ", scalar_type_name(other.dtype()));
}

}  // namespace detail_linalg

namespace {
using detail_linalg::check_not_bool;
using detail_linalg::check_same_dtype;
using detail_linalg::OutRule;
using detail_linalg::write_out;

// beta and alpha as the kernel of dtype t reads them: integers truncate (Scalar::to<int64_t>);
// a value outside t's range raises torch's checked-conversion error (uint8 refuses -0.5).
Scalar coerce(const Scalar& s, ScalarType t) {
  detail::check_scalar_fits(s, t);
  if (t == kBool) return Scalar(s.to_bool());
  if (is_integral(t)) return Scalar(s.to_long());
  if (is_complex(t)) return Scalar(s.to_complex());
  return Scalar(s.to_double());
}
bool is_zero(const Scalar& s) { return s.to_complex() == std::complex<double>(0.0); }
bool is_one(const Scalar& s) {
  if (s.is_complex()) return s.to_complex() == std::complex<double>(1.0);
  return !s.is_floating_point() ? s.to_long() == 1 : s.to_double() == 1;
}

// beta * self + alpha * product, with self already expanded to the result's shape; the product
// is computed only when alpha != 0 (GEMM's rule; addr's pointwise kernel multiplies anyway:
// alpha_skips false) and self read only when beta != 0.
template <typename Prod>
Tensor epilogue(const Tensor& self_e, Prod&& prod, const Scalar& beta_in, const Scalar& alpha_in,
                ScalarType t, bool alpha_skips = true) {
  const Scalar beta = coerce(beta_in, t), alpha = coerce(alpha_in, t);
  const bool bz = is_zero(beta), az = alpha_skips && is_zero(alpha);
  if (az && bz) return torsh::zeros(self_e.sizes(), t);
  Tensor s;
  if (!bz) {
    s = self_e.dtype() == t ? self_e : self_e.to(t);
    s = is_one(beta) ? s : torsh::mul(s, beta);
  }
  if (az) {
    if (!s.is_same(self_e)) return s;
    Tensor c = torsh::empty(s.sizes(), t);
    c.copy_(s);
    return c;
  }
  Tensor p = prod();
  if (!is_one(alpha)) p = torsh::mul(p, alpha);
  return bz ? p : torsh::add(s, p);
}

// t.size(d) as torch reads it (IndexError when t has no such dim): torch sizes the result of
// baddbmm/addbmm/mv before checking the operands' dims.
int64_t size_at(const Tensor& t, int64_t d, const char* op) {
  TORSH_CHECK_INDEX(t.dim() > 0, op, "(): Dimension specified as ", d,
                    " but tensor has no dimensions");
  return t.sizes()[detail::wrap_dim(d, t.dim(), op)];
}

void check_1d(const Tensor& t, const char* arg, const char* op) {
  TORSH_CHECK(t.dim() == 1, op, ": Expected 1-D argument ", arg, ", but got ", t.dim(), "-D");
}

void check_dot(const Tensor& a, const Tensor& b, const char* op) {
  TORSH_CHECK(a.dim() == 1 && b.dim() == 1, op, "(): 1D tensors expected, but got ", a.dim(),
              "D and ", b.dim(), "D tensors");
  TORSH_CHECK(a.dtype() == b.dtype(), op, " : expected both vectors to have same dtype, but found ",
              scalar_type_name(a.dtype()), " and ", scalar_type_name(b.dtype()));
  TORSH_CHECK(a.sizes()[0] == b.sizes()[0], op, "(): inconsistent tensor size, expected tensor [",
              a.sizes()[0], "] and src [", b.sizes()[0],
              "] to have the same number of elements, but got ", a.sizes()[0], " and ",
              b.sizes()[0], " elements respectively");
  check_not_bool(a, "dot");
}

void dot_like_out(Tensor& out, const Tensor& self, const Tensor& other, const char* op) {
  check_dot(self, other, op);
  Tensor r = torsh::mm(self.unsqueeze(0), other.unsqueeze(1)).reshape({});
  if (out.defined()) {
    TORSH_CHECK(out.dtype() == r.dtype(), op, "(): result dtype ", scalar_type_name(out.dtype()),
                " does not match input dtype ", scalar_type_name(r.dtype()));
  }
  write_out(out, r, Tensor(), op, OutRule::kStrict);
}

void check_mv(const Tensor& mat, const Tensor& vec, const char* op) {
  TORSH_CHECK(mat.dim() == 2 && vec.dim() == 1, op,
              "(): vector + matrix @ vector expected, got 1, ", mat.dim(), ", ", vec.dim());
  TORSH_CHECK(mat.sizes()[1] == vec.sizes()[0], op, "(): size mismatch, got ", mat.sizes()[0], ", ",
              mat.sizes()[0], "x", mat.sizes()[1], ",", vec.sizes()[0]);
  check_same_dtype(mat, vec, op);
  if (mat.numel() != 0) check_not_bool(mat, "addmv_impl_cpu");  // torch: empty before dispatch
}

Tensor mv_product(const Tensor& mat, const Tensor& vec) {
  return torsh::mm(mat, vec.unsqueeze(1)).squeeze(1);
}

void check_mm_args(const Tensor& self, const Tensor& m1, const Tensor& m2, const char* op) {
  TORSH_CHECK(m1.dim() == 2, op, "(): mat1 must be a matrix, got ", m1.dim(), "-D tensor");
  TORSH_CHECK(m2.dim() == 2, op, "(): mat2 must be a matrix, got ", m2.dim(), "-D tensor");
  TORSH_CHECK(m1.sizes()[1] == m2.sizes()[0], op, "(): mat1 and mat2 shapes cannot be multiplied (",
              m1.sizes()[0], "x", m1.sizes()[1], " and ", m2.sizes()[0], "x", m2.sizes()[1], ")");
  TORSH_CHECK(m1.dtype() == m2.dtype(), op, "(): mat1 and mat2 must have the same dtype");
  TORSH_CHECK(self.dtype() == m2.dtype(), op, "(): self and mat2 must have the same dtype");
  check_not_bool(m1, "addmm_impl_cpu_");
}

void check_bmm_args(const Tensor& b1, const Tensor& b2, const char* op) {
  TORSH_CHECK(b1.dim() == 3, op, "(): batch1 must be a 3D tensor");
  TORSH_CHECK(b2.dim() == 3, op, "(): batch2 must be a 3D tensor");
  TORSH_CHECK(b1.sizes()[0] == b2.sizes()[0], op,
              "(): batch1 and batch2 must have same number of batches, got ", b1.sizes()[0],
              " and ", b2.sizes()[0]);
  TORSH_CHECK(b1.sizes()[2] == b2.sizes()[1], op,
              "(): Expected size for first two dimensions of batch2 tensor to be: [", b1.sizes()[0],
              ", ", b1.sizes()[2], "] but got: [", b2.sizes()[0], ", ", b2.sizes()[1], "].");
  check_same_dtype(b1, b2, op);
}

// torch's in-place rule for the structured ops: self already has the result's shape.
void check_inplace_size(const Tensor& out, const Tensor& self, const std::vector<int64_t>& shape) {
  TORSH_CHECK(!out.is_same(self) || self.sizes().equals(shape),
              "Bad in-place call: input tensor size ", detail::shape_str(self.sizes()),
              " and output tensor size ", detail::shape_str(shape), " should match");
}

// self broadcast to the result's shape (torch's expand_size: the in-place form needs no expand).
Tensor expand_self(const Tensor& self, const std::vector<int64_t>& shape) {
  return self.expand(shape);
}
}  // namespace

void dot_out(Tensor& out, const Tensor& self, const Tensor& tensor) {
  dot_like_out(out, self, tensor, "dot");
}

void vdot_out(Tensor& out, const Tensor& self, const Tensor& other) {
  // vdot conjugates its first argument (a no-op for real tensors)
  dot_like_out(out, self.is_complex() ? torsh::conj_physical(self) : self, other, "vdot");
}

void mv_out(Tensor& out, const Tensor& self, const Tensor& vec) {
  size_at(self, 0, "mv");  // torch sizes the result first
  check_mv(self, vec, "mv");
  write_out(out, mv_product(self, vec), Tensor(), "mv", OutRule::kStrict);
}

void outer_out(Tensor& out, const Tensor& self, const Tensor& vec2) {
  check_1d(self, "self", "outer");
  check_1d(vec2, "vec2", "outer");
  const Tensor col = self.reshape({self.sizes()[0], 1});
  if (out.defined()) {
    torsh::mul_out(out, col, vec2);  // the pointwise out= rules: casting, overlap, resize
  } else {
    out = torsh::mul(col, vec2);
  }
}

namespace {
// Float and double products go through GEMM with its own alpha and beta, as torch calls it (the
// same bits: the kernel may fuse beta * C into its accumulation, and NaN in an operand stays
// when alpha is 0). C starts as self, or zeros when beta is 0 (GEMM then ignores it).
bool gemm_dtype(ScalarType t) { return t == kFloat || t == kDouble; }

Tensor gemm_output(const Tensor& se, const std::vector<int64_t>& shape, ScalarType t,
                   const Scalar& beta) {
  Tensor c = torsh::empty(shape, t);
  if (is_zero(beta)) {
    c.zero_();
  } else {
    c.copy_(se);
  }
  return c;
}

void gemm_into(const Tensor& a, const Tensor& b, const Tensor& c, const Scalar& alpha,
               const Scalar& beta) {
  detail::addmm_stub(a.device().type, "addmm")(a, b, c, alpha.to<double>(), beta.to<double>());
}
}  // namespace

void addmm_out(Tensor& out, const Tensor& self, const Tensor& mat1, const Tensor& mat2,
               const Scalar& beta, const Scalar& alpha) {
  check_mm_args(self, mat1, mat2, "addmm");
  const std::vector<int64_t> shape{mat1.sizes()[0], mat2.sizes()[1]};
  check_inplace_size(out, self, shape);
  const Tensor se = out.is_same(self) ? self : expand_self(self, shape);
  const ScalarType t = mat1.dtype();
  if (gemm_dtype(t) && shape[0] > 0 && shape[1] > 0 && mat1.sizes()[1] > 0) {
    const Scalar b = coerce(beta, t), a = coerce(alpha, t);
    Tensor c = gemm_output(se, shape, t, b);
    gemm_into(mat1, mat2, c, a, b);
    write_out(out, c, self, "addmm", OutRule::kStrict);
    return;
  }
  if ((t == kBFloat16 || t == kHalf) && shape[0] > 0 && shape[1] > 0 && mat1.sizes()[1] > 0) {
    // torch's reduced-precision GEMM accumulates in float and rounds beta * C + alpha * A B
    // once (F.linear's bias included), not the product and then the sum.
    const Scalar b = coerce(beta, t), a = coerce(alpha, t);
    Tensor c = gemm_output(se.to(kFloat), shape, kFloat, b);
    gemm_into(mat1.to(kFloat), mat2.to(kFloat), c, a, b);
    write_out(out, c.to(t), self, "addmm", OutRule::kStrict);
    return;
  }
  Tensor r = epilogue(
      se, [&] { return torsh::mm(mat1, mat2); }, beta, alpha, t);
  write_out(out, r, self, "addmm", OutRule::kStrict);
}

void addmv_out(Tensor& out, const Tensor& self, const Tensor& mat, const Tensor& vec,
               const Scalar& beta, const Scalar& alpha) {
  check_mv(mat, vec, "addmv");
  const std::vector<int64_t> shape{mat.sizes()[0]};
  TORSH_CHECK(
      self.dim() <= 1 && (self.dim() == 0 || self.sizes()[0] == 1 || self.sizes()[0] == shape[0]),
      "addmv(): size mismatch, got ", self.dim() == 0 ? 1 : self.sizes()[0], ", ", mat.sizes()[0],
      "x", mat.sizes()[1], ",", vec.sizes()[0]);
  check_inplace_size(out, self, shape);
  const Tensor se = out.is_same(self) ? self : expand_self(self, shape);
  Tensor r = epilogue(
      se, [&] { return mv_product(mat, vec); }, beta, alpha, mat.dtype());
  write_out(out, r, self, "addmv", OutRule::kStrict);
}

void addr_out(Tensor& out, const Tensor& self, const Tensor& vec1, const Tensor& vec2,
              const Scalar& beta, const Scalar& alpha) {
  check_1d(vec1, "vec1", "addr");
  check_1d(vec2, "vec2", "addr");
  const ScalarType t = promote_types(promote_types(self.dtype(), vec1.dtype()), vec2.dtype());
  for (const auto& [s, name] : {std::pair{beta, "beta"}, std::pair{alpha, "alpha"}}) {
    TORSH_CHECK(!s.is_boolean() || t == kBool, "addr(): Boolean ", name,
                " only supported for Boolean results.");
    TORSH_CHECK(is_complex(t) || !s.is_complex(),
                "addr(): For non-complex input tensors, argument ", name,
                " must not be a complex number.");
    TORSH_CHECK(is_floating_point(t) || is_complex(t) || !s.is_floating_point(),
                "addr(): For integral input tensors, argument ", name,
                " must not be a floating point number.");
  }
  const std::vector<int64_t> shape{vec1.sizes()[0], vec2.sizes()[0]};
  TORSH_CHECK(!out.is_same(self) || self.sizes().equals(shape),
              "addr(): size mismatch, input: ", detail::shape_str(self.sizes()),
              ", v1: ", detail::shape_str(vec1.sizes()), ", v2: ", detail::shape_str(vec2.sizes()));
  const Tensor se = out.is_same(self) ? self : expand_self(self, shape);
  // torch's pointwise kernel: beta * self + (alpha * vec1) * vec2, each product rounded to t
  // (beta and alpha held in t: float16 rounds them, and alpha * vec1 may overflow to inf
  // before a zero vec2 makes it NaN).
  detail::check_scalar_fits(beta, t);
  detail::check_scalar_fits(alpha, t);
  auto in_t = [t](const Scalar& s) {
    if (t == kHalf) return Scalar(static_cast<double>(static_cast<float>(s.to<Half>())));
    if (t == kBFloat16) return Scalar(static_cast<double>(static_cast<float>(s.to<BFloat16>())));
    if (t == kFloat) return Scalar(static_cast<double>(s.to<float>()));
    return s;
  };
  const Scalar a = coerce(in_t(alpha), t);
  Tensor r = epilogue(
      se,
      [&] {
        Tensor v1 = vec1.to(t).reshape({shape[0], 1});
        return torsh::mul(is_one(a) ? v1 : torsh::mul(v1, a), vec2.to(t));
      },
      in_t(beta), Scalar(1), t, /*alpha_skips=*/false);
  write_out(out, r, self, "addr", OutRule::kCast);
}

void baddbmm_out(Tensor& out, const Tensor& self, const Tensor& batch1, const Tensor& batch2,
                 const Scalar& beta, const Scalar& alpha) {
  const std::vector<int64_t> shape{size_at(batch1, 0, "baddbmm"), size_at(batch1, 1, "baddbmm"),
                                   size_at(batch2, 2, "baddbmm")};
  const Tensor expanded = expand_self(self, shape);  // in place too (a larger self refuses)
  check_inplace_size(out, self, shape);              // and a smaller one
  const Tensor se = out.is_same(self) ? self : expanded;
  check_bmm_args(batch1, batch2, "baddbmm");
  check_not_bool(batch1, "baddbmm");
  // torch 1.13 runs small products (k * n * m < 400) through a plain loop that multiplies the
  // sum by alpha even when alpha == 0 (NaN in the batches propagates); larger ones through GEMM.
  const bool small = batch1.sizes()[2] * shape[1] * shape[2] < 400;
  const ScalarType t = batch1.dtype();
  if (!small && gemm_dtype(t) && shape[0] > 0 && shape[1] > 0 && shape[2] > 0 &&
      batch1.sizes()[2] > 0) {
    const Scalar b = coerce(beta, t), a = coerce(alpha, t);
    Tensor c = gemm_output(se, shape, t, b);
    for (int64_t i = 0; i < shape[0]; ++i) {
      gemm_into(batch1.select(0, i), batch2.select(0, i), c.select(0, i), a, b);
    }
    write_out(out, c, self, "baddbmm", OutRule::kStrict);
    return;
  }
  Tensor r = epilogue(
      se, [&] { return torsh::bmm(batch1, batch2); }, beta, alpha, batch1.dtype(), !small);
  write_out(out, r, self, "baddbmm", OutRule::kStrict);
}

void addbmm_out(Tensor& out, const Tensor& self, const Tensor& batch1, const Tensor& batch2,
                const Scalar& beta, const Scalar& alpha) {
  const std::vector<int64_t> shape{size_at(batch1, 1, "addbmm"), size_at(batch2, 2, "addbmm")};
  const Tensor expanded = expand_self(self, shape);  // in place too (a 3-D self refuses)
  const Tensor se = out.is_same(self) ? self : expanded;
  TORSH_CHECK(batch1.dim() == 3, "addbmm(): batch1 must be a 3D tensor");
  TORSH_CHECK(batch2.dim() == 3, "addbmm(): batch2 must be a 3D tensor");
  TORSH_CHECK(batch1.sizes()[0] == batch2.sizes()[0],
              "addbmm(): batch1 and batch2 must have same number of batches, got ",
              batch1.sizes()[0], " and ", batch2.sizes()[0]);
  TORSH_CHECK(batch1.sizes()[2] == batch2.sizes()[1],
              "addbmm(): Incompatible matrix sizes for bmm (", batch1.sizes()[1], "x",
              batch1.sizes()[2], " and ", batch2.sizes()[1], "x", batch2.sizes()[2], ")");
  check_same_dtype(batch1, batch2, "addbmm");
  TORSH_CHECK(self.dtype() == batch2.dtype(), "addbmm(): self and mat2 must have the same dtype");
  if (out.defined() && !out.is_same(self)) {
    TORSH_CHECK(out.dtype() == self.dtype(), "addbmm(): self and mat2 must have the same dtype");
  }
  check_not_bool(batch1, "addmm_impl_cpu_");
  const ScalarType t = batch1.dtype();
  if (gemm_dtype(t) && batch1.sizes()[0] > 0 && shape[0] > 0 && shape[1] > 0 &&
      batch1.sizes()[2] > 0) {
    // torch's order: C = beta * self + alpha * A0 B0, then C += alpha * Ai Bi for each batch
    const Scalar b = coerce(beta, t), a = coerce(alpha, t);
    Tensor c = gemm_output(se, shape, t, b);
    for (int64_t i = 0; i < batch1.sizes()[0]; ++i) {
      gemm_into(batch1.select(0, i), batch2.select(0, i), c, a, i == 0 ? b : Scalar(1.0));
    }
    if (out.is_same(self) && !out.sizes().equals(c.sizes())) out.resize_(c.sizes());
    write_out(out, c, self, "addbmm", OutRule::kStrict);
    return;
  }
  Tensor r = epilogue(
      se,
      [&] {
        if (batch1.sizes()[0] == 0) return torsh::zeros(shape, batch1.dtype());
        // One GEMM over the batch laid side by side: [n, B*k] @ [B*k, m].
        const int64_t B = batch1.sizes()[0], n = batch1.sizes()[1], k = batch1.sizes()[2];
        Tensor a = batch1.permute({1, 0, 2}).reshape({n, B * k});
        return torsh::mm(a, batch2.reshape({B * k, shape[1]}));
      },
      beta, alpha, batch1.dtype());
  // In-place: torch resizes self to the result's shape (addbmm_ on a broadcastable self).
  if (out.is_same(self) && !out.sizes().equals(r.sizes())) out.resize_(r.sizes());
  write_out(out, r, self, "addbmm", OutRule::kStrict);
}

Tensor tensordot_impl(const Tensor& a_in, const Tensor& b_in, IntArrayRef dims_a,
                      IntArrayRef dims_b) {
  TORSH_CHECK(dims_a.size() == dims_b.size(),
              "tensordot(): both dimension lists should have same length");
  Tensor a = a_in, b = b_in;
  const int64_t na = a.dim(), nb = b.dim();
  std::vector<bool> used_a(static_cast<size_t>(na), false), used_b(static_cast<size_t>(nb), false);
  std::vector<int64_t> ca, cb;
  int64_t K = 1;
  for (size_t i = 0; i < dims_a.size(); ++i) {
    const int64_t da = detail::wrap_dim(dims_a[i], na, "tensordot");
    const int64_t db = detail::wrap_dim(dims_b[i], nb, "tensordot");
    TORSH_CHECK(!used_a[da], "tensordot(): dim ", da,
                " appears multiple times in the list of dims");
    TORSH_CHECK(!used_b[db], "tensordot(): dim ", db,
                " appears multiple times in the list of dims");
    used_a[da] = used_b[db] = true;
    const int64_t sa = a.sizes()[da], sb = b.sizes()[db];
    if (sa == sb) {
      K *= sa;
    } else if (sa == 1) {
      b = b.sum(std::vector<int64_t>{db}, true);
    } else if (sb == 1) {
      a = a.sum(std::vector<int64_t>{da}, true);
    } else {
      TORSH_CHECK(false, "tensordot(): contracted dimensions need to match, but first has size ",
                  sa, " in dim ", da, " and second has size ", sb, " in dim ", db);
    }
    ca.push_back(da);
    cb.push_back(db);
  }
  std::vector<int64_t> pa, pb, out_shape;
  int64_t M = 1, N = 1;
  for (int64_t d = 0; d < na; ++d) {
    if (used_a[d]) continue;
    pa.push_back(d);
    out_shape.push_back(a.sizes()[d]);
    M *= a.sizes()[d];
  }
  pa.insert(pa.end(), ca.begin(), ca.end());
  pb = cb;
  for (int64_t d = 0; d < nb; ++d) {
    if (used_b[d]) continue;
    pb.push_back(d);
    out_shape.push_back(b.sizes()[d]);
    N *= b.sizes()[d];
  }
  // Size-1 contracted dims summed on the other side contribute K = 1.
  K = 1;
  for (int64_t d : ca) K *= a.sizes()[d];
  if (M * K != 0 && K * N != 0) check_not_bool(a, "addmm_impl_cpu_");  // torch: empty first
  Tensor r = torsh::mm(a.permute(pa).reshape({M, K}), b.permute(pb).reshape({K, N}));
  return r.reshape(out_shape);
}

void tensordot_out(Tensor& out, const Tensor& self, const Tensor& other, IntArrayRef dims_self,
                   IntArrayRef dims_other) {
  Tensor r = tensordot_impl(self, other, dims_self, dims_other);
  if (out.defined()) {
    TORSH_CHECK(out.dtype() == r.dtype(), "tensordot: Expected the output tensor to have dtype ",
                scalar_type_name(r.dtype()), ", but got an output tensor with dtype ",
                scalar_type_name(out.dtype()));
  }
  write_out(out, r, Tensor(), "tensordot", OutRule::kStrict);
}

void inner_out(Tensor& out, const Tensor& self, const Tensor& other) {
  if (self.dim() == 0 || other.dim() == 0) {
    write_out(out, torsh::mul(self, other), Tensor(), "inner", OutRule::kCast);
    return;
  }
  TORSH_CHECK(self.sizes().back() == other.sizes().back(),
              "inner() the last dimension must match on both input tensors but got shapes ",
              detail::shape_str(self.sizes()), " and ", detail::shape_str(other.sizes()));
  const std::vector<int64_t> last{-1};
  native::tensordot_out(out, self, other, last, last);
}

void kron_out(Tensor& out, const Tensor& self, const Tensor& other) {
  const int64_t nd = std::max(self.dim(), other.dim());
  const int64_t pa = nd - self.dim(), pb = nd - other.dim();
  std::vector<int64_t> ra, rb, rs;
  for (int64_t i = 0; i < nd; ++i) {
    const int64_t sa = i < pa ? 1 : self.sizes()[i - pa];
    const int64_t sb = i < pb ? 1 : other.sizes()[i - pb];
    ra.insert(ra.end(), {sa, 1});
    rb.insert(rb.end(), {1, sb});
    rs.push_back(sa * sb);
  }
  // reshape where torch 1.13 views (_unsafe_view): torch raises for inputs whose product no view
  // can regroup (docs/bit_identical.md); torsh copies.
  write_out(out, torsh::mul(self.reshape(ra), other.reshape(rb)).reshape(rs), Tensor(), "kron",
            OutRule::kCast);
}

}  // namespace torsh::native
