// complex64/complex128 from the C++ API: dtype traits, Scalar, the part views and products,
// checked against values computed by hand with std::complex.
#include <gtest/gtest.h>

#include <complex>

#include "torsh/torsh.h"

using namespace torsh;
using cf = std::complex<float>;
using cd = std::complex<double>;

TEST(Complex, DtypeTraitsAndPromotion) {
  EXPECT_EQ(element_size(kComplexFloat), 8);
  EXPECT_EQ(element_size(kComplexDouble), 16);
  EXPECT_TRUE(is_complex(kComplexFloat));
  EXPECT_FALSE(is_floating_point(kComplexDouble));
  EXPECT_EQ(promote_types(kComplexFloat, kDouble), kComplexDouble);
  EXPECT_EQ(promote_types(kLong, kComplexFloat), kComplexFloat);
  EXPECT_EQ(promote_types(kHalf, kComplexFloat), kComplexFloat);
  EXPECT_FALSE(can_cast(kComplexFloat, kDouble));
  EXPECT_TRUE(can_cast(kDouble, kComplexFloat));
  EXPECT_EQ(to_real_value_type(kComplexDouble), kDouble);
  EXPECT_STREQ(dtype_name(kComplexFloat), "complex64");
}

TEST(Complex, ArithmeticAndParts) {
  Tensor a = torsh::full({2}, Scalar(cd(1, 2)), kComplexFloat);
  Tensor b = torsh::full({2}, Scalar(cd(3, -1)), kComplexFloat);
  const cf p = (a * b)[0].item().to<cf>(), q = (a / b)[0].item().to<cf>();
  EXPECT_FLOAT_EQ(p.real(), 5);  // (1 + 2i)(3 - i) = 5 + 5i
  EXPECT_FLOAT_EQ(p.imag(), 5);
  EXPECT_NEAR(q.real(), 0.1, 1e-7);  // (1 + 2i) / (3 - i) = 0.1 + 0.7i
  EXPECT_NEAR(q.imag(), 0.7, 1e-7);
  Tensor parts = torsh::view_as_real(a);
  EXPECT_EQ(parts.dtype(), kFloat);
  EXPECT_EQ(parts.sizes().vec(), (std::vector<int64_t>{2, 2}));
  parts.select(1, 1).fill_(-4);  // writes through the view
  EXPECT_EQ(a[1].item().to<cf>(), cf(1, -4));
  EXPECT_EQ(torsh::abs(torsh::full({1}, Scalar(cd(3, 4)), kComplexDouble)).item<double>(), 5.0);
  EXPECT_EQ(torsh::sum(a).item().to<cf>(), cf(2, -8));
}

TEST(Complex, MatmulByGemm) {
  Tensor a = torsh::empty({2, 3}, kComplexDouble), b = torsh::empty({3, 2}, kComplexDouble);
  cd* pa = static_cast<cd*>(a.data_ptr());
  cd* pb = static_cast<cd*>(b.data_ptr());
  for (int i = 0; i < 6; ++i) {
    pa[i] = cd(i, 1 - i);
    pb[i] = cd(2 - i, i * 0.5);
  }
  Tensor c = torsh::mm(a, b);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      cd want = 0;
      for (int k = 0; k < 3; ++k) want += pa[i * 3 + k] * pb[k * 2 + j];
      const cd got = c[i][j].item().to<cd>();
      EXPECT_NEAR(got.real(), want.real(), 1e-12);
      EXPECT_NEAR(got.imag(), want.imag(), 1e-12);
    }
}

TEST(Complex, UnsupportedOpsRaise) {
  Tensor a = torsh::zeros({2}, kComplexFloat);
  EXPECT_THROW(torsh::floor(a), Error);
  EXPECT_THROW(torsh::lt(a, a), Error);
}

// d|z|^2 = 2z in torch's convention (grad = dL/d(re) + i dL/d(im)); d re(z w) / dw = conj(z).
TEST(Complex, Autograd) {
  using cd = std::complex<double>;
  Tensor z = torsh::empty({2}, kComplexDouble), w = torsh::empty({2}, kComplexDouble);
  z[0].fill_(Scalar(cd(1, 2)));
  z[1].fill_(Scalar(cd(-0.5, 3)));
  w[0].fill_(Scalar(cd(2, -1)));
  w[1].fill_(Scalar(cd(0, 1)));
  z.requires_grad_();
  w.requires_grad_();
  Tensor loss = torsh::real(z * z.conj()).sum() + torsh::real(z * w).sum();
  loss.backward();
  for (int i = 0; i < 2; ++i) {
    const cd zi = z[i].item().to<cd>(), wi = w[i].item().to<cd>();
    const cd gz = z.grad()[i].item().to<cd>(), gw = w.grad()[i].item().to<cd>();
    EXPECT_NEAR(gz.real(), 2 * zi.real() + wi.real(), 1e-12);
    EXPECT_NEAR(gz.imag(), 2 * zi.imag() - wi.imag(), 1e-12);
    EXPECT_NEAR(gw.real(), zi.real(), 1e-12);
    EXPECT_NEAR(gw.imag(), -zi.imag(), 1e-12);
  }
  EXPECT_EQ(z.grad().dtype(), kComplexDouble);
}
