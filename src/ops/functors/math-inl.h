// Unary math functors beyond unary-inl.h's: rounding, sign, reciprocal/rsqrt (Highway vector
// paths), and the transcendental functions Highway lacks or gets wrong at the edges, computed per
// element with libm (every layout and dtype alike, so f(x) keeps the same bits on any layout).
// Included per Highway target by kernels_body-inl.h (no include guard).

/// Rounding functors: integers are their own floor/ceil/round/trunc (torch refuses bool).
#define TORSH_ROUNDING(Name, hwy_op)        \
  struct Name {                             \
    template <class D, class V>             \
    HWY_INLINE V operator()(D, V v) const { \
      return hn::hwy_op(v);                 \
    }                                       \
    template <IntegerNotBool T>             \
    T operator()(T x) const {               \
      return x;                             \
    }                                       \
  };
TORSH_ROUNDING(Floor, Floor)
TORSH_ROUNDING(Ceil, Ceil)
TORSH_ROUNDING(Trunc, Trunc)
TORSH_ROUNDING(Round, Round)  // to nearest, ties to even, as torch's nearbyint
#undef TORSH_ROUNDING

/// round(x, decimals): x * 10^d rounded, / 10^d (d > 0); x / 10^-d rounded, * 10^-d (d < 0).
/// A bfloat16 input (i0 = 1) holds 10^d and the first product in bfloat16, as torch's kernel in
/// that type (0.3496 * 10 is 3.5 there, which rounds to 4); float16 (no torch kernel) computes
/// in float, as torch's float32.
struct RoundDecimals {
  double decimals;
  int64_t narrow;
  explicit RoundDecimals(const KernelArgs& a) : decimals(a.f0), narrow(a.i0) {}
  template <std::floating_point T>
  T narrowed(T v) const {
    if (narrow != 1) return v;
    return static_cast<T>(static_cast<float>(BFloat16(static_cast<float>(v))));
  }
  template <std::floating_point T>
  T operator()(T x) const {
    const bool neg = decimals < 0;
    const T ten = narrowed(static_cast<T>(std::pow(10.0, neg ? -decimals : decimals)));
    return neg ? std::nearbyint(narrowed(x / ten)) * ten : std::nearbyint(narrowed(x * ten)) / ten;
  }
};

/// x - trunc(x) (floating types only, as torch).
struct Frac {
  template <class D, class V>
  HWY_INLINE V operator()(D, V v) const {
    return hn::Sub(v, hn::Trunc(v));
  }
};

/// -1, 0 or 1 (NaN gives 0, as torch); bool is itself.
struct Sign {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    const V one = hn::Set(d, hn::TFromD<D>(1));
    const V zero = hn::Zero(d);
    return hn::Sub(hn::IfThenElseZero(hn::Gt(v, zero), one),
                   hn::IfThenElseZero(hn::Lt(v, zero), one));
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T x) const {
    if constexpr (std::is_same_v<T, bool> || std::is_unsigned_v<T>) {
      return static_cast<T>(x != 0);
    } else {
      return static_cast<T>((x > 0) - (x < 0));
    }
  }
};

struct Reciprocal {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    return hn::Div(hn::Set(d, hn::TFromD<D>(1)), v);
  }
};

struct Rsqrt {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    return hn::Div(hn::Set(d, hn::TFromD<D>(1)), hn::Sqrt(v));
  }
};

/// x times pi/180 (kToRad) or 180/pi, the constant in the compute type.
template <bool kToRad>
struct ScaleAngle {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    constexpr double pi = 3.14159265358979323846;
    return hn::Mul(v, hn::Set(d, hn::TFromD<D>(kToRad ? pi / 180.0 : 180.0 / pi)));
  }
};
using Deg2rad = ScaleAngle<true>;
using Rad2deg = ScaleAngle<false>;

/// The argument of a real number: pi for negatives, 0 otherwise, NaN kept.
struct Angle {
  template <std::floating_point T>
  T operator()(T x) const {
    if (std::isnan(x)) return x;
    return x < 0 ? static_cast<T>(3.14159265358979323846) : T(0);
  }
};

/// A floating function computed with libm per element.
#define TORSH_LIBM(Name, fn)         \
  struct Name {                      \
    template <std::floating_point T> \
    T operator()(T x) const {        \
      return std::fn(x);             \
    }                                \
  };
TORSH_LIBM(Exp2, exp2)
TORSH_LIBM(Log2, log2)
TORSH_LIBM(Log10, log10)
TORSH_LIBM(Tan, tan)
TORSH_LIBM(Asin, asin)
TORSH_LIBM(Acos, acos)
TORSH_LIBM(Atan, atan)
TORSH_LIBM(Asinh, asinh)
TORSH_LIBM(Acosh, acosh)
TORSH_LIBM(Atanh, atanh)
TORSH_LIBM(Erfc, erfc)
#undef TORSH_LIBM

/// float: erf(x) = x + x Q(x^2) below |x| = 1 and 1 - exp(-x^2) R(1/x) from 1 to 4 (the value
/// at 4 beyond, which rounds to 1), sign restored; minimax fits derived by
/// tools/approx/fit_erf.py (<= 1.3 ulp against double erf). double: libm.
struct Erf {
  template <class D, class V>
  requires(sizeof(hn::TFromD<D>) == 4) HWY_INLINE V operator()(D d, V v) const {
    using T = hn::TFromD<D>;
    const V one = hn::Set(d, T(1));
    const V ax = hn::Abs(v);
    const V u = hn::Mul(ax, ax);
    V q = hn::Set(d, T(7.889285e-05f));
    for (const float c :
         {-0.0008020895f, 0.005189542f, -0.026854448f, 0.112836f, -0.37612626f, 0.12837917f})
      q = hn::MulAdd(q, u, hn::Set(d, T(c)));
    const V small = hn::MulAdd(ax, q, ax);
    const V xb = hn::Min(ax, hn::Set(d, T(4)));
    const V t = hn::Div(one, xb);
    V r = hn::Set(d, T(-0.011374785f));
    for (const float c : {0.037999775f, 0.0040271003f, -0.21906963f, 0.48093972f, -0.46466723f,
                          0.040159725f, 0.5593158f, 0.00025309462f})
      r = hn::MulAdd(r, t, hn::Set(d, T(c)));
    const V large = hn::NegMulAdd(hn::Exp(d, hn::Neg(hn::Mul(xb, xb))), r, one);
    const V res = hn::CopySignToAbs(hn::IfThenElse(hn::Lt(ax, one), small, large), v);
    return hn::IfThenElse(hn::IsNaN(v), v, res);
  }
  template <std::floating_point T>
  requires std::same_as<T, double> T operator()(T x) const { return std::erf(x); }
};

/// sinh and cosh, infinite beyond log(max) as torch's vector kernels (SLEEF) give them.
/// (torch's bfloat16 kernel is scalar and exact: the caller sets KernelArgs::f1 for it.)
template <bool kCosh>
struct Hyperbolic {
  bool exact;
  explicit Hyperbolic(const KernelArgs& a) : exact(a.f1 != 0) {}
  template <std::floating_point T>
  T operator()(T x) const {
    const double limit = sizeof(T) == 8 ? 709.782712893384 : 88.72283905282778;
    if (!exact && std::fabs(static_cast<double>(x)) > limit) {
      return kCosh || x > 0 ? std::numeric_limits<T>::infinity()
                            : -std::numeric_limits<T>::infinity();
    }
    return kCosh ? std::cosh(x) : std::sinh(x);
  }
};
using Sinh = Hyperbolic<false>;
using Cosh = Hyperbolic<true>;

/// log|Gamma(x)| (the reentrant libm call: lgamma's global sign is not thread-safe).
struct Lgamma {
  template <std::floating_point T>
  T operator()(T x) const {
    int sign = 0;
    if constexpr (std::is_same_v<T, float>) {
      return lgammaf_r(x, &sign);
    } else {
      return lgamma_r(x, &sign);
    }
  }
};

/// sin(pi x) / (pi x), 1 at 0; the product rounded to the compute type first, as torch.
struct Sinc {
  template <std::floating_point T>
  T operator()(T x) const {
    if (x == T(0)) return T(1);
    const T p = static_cast<T>(3.14159265358979323846) * x;
    return std::sin(p) / p;
  }
};

/// The modified Bessel function of the first kind, order 0 (even in x).
struct I0 {
  template <std::floating_point T>
  T operator()(T x) const {
    // torch 1.13 evaluates exp(|x|) * chebyshev(x) / sqrt(|x|) in T: NaN at +-inf (inf * 0),
    // inf once exp(|x|) overflows T; so does this, to match.
    if (std::isnan(x) || std::isinf(x)) return std::numeric_limits<T>::quiet_NaN();
    const double ax = std::fabs(static_cast<double>(x));
    if (ax > (sizeof(T) == 8 ? 709.782712893384 : 88.72283905282778))
      return std::numeric_limits<T>::infinity();
    return static_cast<T>(std::cyl_bessel_i(0.0, ax));
  }
};

/// The inverse error function: a rational first guess refined by Newton steps on erf in double.
struct Erfinv {
  template <std::floating_point T>
  T operator()(T y) const {
    const double v = static_cast<double>(y);
    if (std::isnan(v) || v < -1 || v > 1) return std::numeric_limits<T>::quiet_NaN();
    if (v == 1) return std::numeric_limits<T>::infinity();
    if (v == -1) return -std::numeric_limits<T>::infinity();
    if (v == 0) return y;  // keeps -0
    // First guess from the central/tail approximation of erf^-1 via w = -log(1 - v^2).
    const double w = -std::log((1.0 - v) * (1.0 + v));
    double x;
    if (w < 5.0) {
      const double t = w - 2.5;
      double p = 2.81022636e-08;
      p = 3.43273939e-07 + p * t;
      p = -3.5233877e-06 + p * t;
      p = -4.39150654e-06 + p * t;
      p = 0.00021858087 + p * t;
      p = -0.00125372503 + p * t;
      p = -0.00417768164 + p * t;
      p = 0.246640727 + p * t;
      p = 1.50140941 + p * t;
      x = p * v;
    } else {
      const double t = std::sqrt(w) - 3.0;
      double p = -0.000200214257;
      p = 0.000100950558 + p * t;
      p = 0.00134934322 + p * t;
      p = -0.00367342844 + p * t;
      p = 0.00573950773 + p * t;
      p = -0.0076224613 + p * t;
      p = 0.00943887047 + p * t;
      p = 1.00167406 + p * t;
      p = 2.83297682 + p * t;
      x = p * v;
    }
    // Newton on erf(x) - v (erf' = 2/sqrt(pi) exp(-x^2)): the guess has ~1e-7 relative error,
    // two steps reach double precision.
    constexpr double two_over_sqrt_pi = 1.1283791670955126;
    for (int k = 0; k < 2; ++k) x -= (std::erf(x) - v) / (two_over_sqrt_pi * std::exp(-x * x));
    return static_cast<T>(x);
  }
};

/// The logarithmic derivative of Gamma: reflection for negatives, recurrence up to x >= 10,
/// then the asymptotic series in 1/x^2 (Bernoulli numbers). -inf at +0, +inf at -0, NaN at the
/// negative integers, as torch.
struct Digamma {
  template <std::floating_point T>
  T operator()(T xt) const {
    double x = static_cast<double>(xt);
    if (x == 0) return static_cast<T>(std::copysign(HUGE_VAL, -x));
    if (std::isnan(x) || x == -HUGE_VAL) return std::numeric_limits<T>::quiet_NaN();
    constexpr double pi = 3.14159265358979323846;
    double acc = 0;
    if (x < 0) {
      if (x == std::trunc(x)) return std::numeric_limits<T>::quiet_NaN();
      // psi(1 - x) - psi(x) = pi / tan(pi x)
      const double r = std::fmod(x, 1.0);  // tan(pi x) on the fractional part, for accuracy
      acc = -pi / std::tan(pi * r);
      x = 1 - x;
    }
    while (x < 10) {
      acc -= 1 / x;
      x += 1;
    }
    if (x == HUGE_VAL) return static_cast<T>(acc + x);
    const double z = 1 / (x * x);
    // sum_k B_2k / (2k z^k) for k = 1..7
    const double series =
        z *
        (1.0 / 12 - z * (1.0 / 120 -
                         z * (1.0 / 252 -
                              z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z / 12.0))))));
    return static_cast<T>(acc + std::log(x) - 0.5 / x - series);
  }
};

// ---- predicates (kernel kind unary_bool: 1/0 in the compute type, stored as bool) -----------

#define TORSH_FLOAT_PRED(Name, vec_expr, scalar_expr, int_value) \
  struct Name {                                                  \
    template <class D, class V>                                  \
    HWY_INLINE V operator()(D d, V v) const {                    \
      const V one = hn::Set(d, hn::TFromD<D>(1));                \
      return hn::IfThenElseZero(vec_expr, one);                  \
    }                                                            \
    template <typename T>                                        \
    requires std::is_integral_v<T> T operator()(T x) const {     \
      (void)x;                                                   \
      return static_cast<T>(int_value);                          \
    }                                                            \
  };
TORSH_FLOAT_PRED(Isnan, hn::IsNaN(v), false, 0)
TORSH_FLOAT_PRED(Isinf, hn::Eq(hn::Abs(v), hn::Inf(d)), false, 0)
TORSH_FLOAT_PRED(Isposinf, hn::Eq(v, hn::Inf(d)), false, 0)
TORSH_FLOAT_PRED(Isneginf, hn::Eq(v, hn::Neg(hn::Inf(d))), false, 0)
TORSH_FLOAT_PRED(Isfinite, hn::Lt(hn::Abs(v), hn::Inf(d)), true, 1)
#undef TORSH_FLOAT_PRED

/// The sign bit (set for -0.0 and negative NaNs); integers: x < 0.
struct Signbit {
  template <std::floating_point T>
  T operator()(T x) const {
    return std::signbit(x) ? T(1) : T(0);
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T x) const {
    if constexpr (std::is_signed_v<T>) return static_cast<T>(x < 0);
    return T(0);
  }
};

struct LogicalNot {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    return hn::IfThenElseZero(hn::Eq(v, hn::Zero(d)), hn::Set(d, hn::TFromD<D>(1)));
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T x) const { return static_cast<T>(x == 0); }
};

/// ~x on integers, !x on bool (floating types refused, as torch).
struct BitwiseNot {
  template <typename T>
  requires std::is_integral_v<T> T operator()(T x) const {
    if constexpr (std::is_same_v<T, bool>) {
      return !x;
    } else {
      return static_cast<T>(~x);
    }
  }
};

/// nan_to_num: NaN, +inf and -inf replaced by the call's values (already in the dtype's range).
struct NanToNum {
  double nan, posinf, neginf;
  explicit NanToNum(const KernelArgs& a) : nan(a.f0), posinf(a.f1), neginf(a.f2) {}
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    using T = hn::TFromD<D>;
    V r = hn::IfThenElse(hn::IsNaN(v), hn::Set(d, T(nan)), v);
    r = hn::IfThenElse(hn::Eq(v, hn::Inf(d)), hn::Set(d, T(posinf)), r);
    return hn::IfThenElse(hn::Eq(v, hn::Neg(hn::Inf(d))), hn::Set(d, T(neginf)), r);
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T x) const { return x; }
};

/// The modified Bessel function of the first kind, order 1 (odd in x): i0's derivative.
struct I1 {
  template <std::floating_point T>
  T operator()(T x) const {
    // NaN at +-inf and inf once exp(|x|) overflows T, as i0 (torch's Chebyshev evaluation)
    if (std::isnan(x) || std::isinf(x)) return std::numeric_limits<T>::quiet_NaN();
    const double ax = std::fabs(static_cast<double>(x));
    const double r = ax > (sizeof(T) == 8 ? 709.782712893384 : 88.72283905282778)
                         ? HUGE_VAL
                         : std::cyl_bessel_i(1.0, ax);
    return static_cast<T>(x < 0 ? -r : r);
  }
};

/// psi'(x) in T's arithmetic (as torch, so poles give torch's large values): reflection below
/// 1/2, six recurrence steps, then the asymptotic series.
template <std::floating_point T>
HWY_INLINE T Trigamma(T x) {
  const T pi = static_cast<T>(3.14159265358979323846);
  T sign = 1, acc = 0;
  if (x < T(0.5)) {
    sign = -1;
    const T s = std::sin(pi * x);
    acc -= pi * pi / (s * s);
    x = 1 - x;
  }
  for (int i = 0; i < 6; ++i, x += 1) acc += 1 / (x * x);
  const T z = 1 / (x * x);
  acc += (1 + 1 / (2 * x) + z * (T(1) / 6 - z * (T(1) / 30 - z * (T(1) / 42)))) / x;
  return sign * acc;
}

/// The Hurwitz zeta function sum_k (k + q)^-s for integer s > 1, by Euler-Maclaurin summation:
/// the first terms summed directly, the tail as an integral plus Bernoulli corrections.
HWY_INLINE double HurwitzZeta(double s, double q) {
  if (q <= 0 && q == std::floor(q)) return HUGE_VAL;
  constexpr double eps = 1.1102230246251565e-16;
  double sum = std::pow(q, -s), a = q, term = 0;
  for (int i = 0; i < 9 || a <= 9.0;) {
    ++i;
    a += 1;
    term = std::pow(a, -s);
    sum += term;
    if (std::fabs(term / sum) < eps) return sum;
  }
  // Tail from a: a^(1-s)/(s-1) - a^-s/2 + sum_j B_2j/(2j)! s(s+1)..(s+2j-2) a^-(s+2j-1).
  constexpr double b2j[] = {1.0 / 6,       -1.0 / 30,       1.0 / 42,       -1.0 / 30,
                            5.0 / 66,      -691.0 / 2730,   7.0 / 6,        -3617.0 / 510,
                            43867.0 / 798, -174611.0 / 330, 854513.0 / 138, -236364091.0 / 2730};
  sum += term * a / (s - 1) - 0.5 * term;
  double rising = s, power = term / a, fact = 2;  // s..(s+2j-2), a^-(s+2j-1), (2j)!
  for (int j = 0; j < 12; ++j) {
    const double t = b2j[j] / fact * rising * power;
    sum += t;
    if (std::fabs(t / sum) < eps) break;
    rising *= (s + 2 * j + 1) * (s + 2 * j + 2);
    power /= a * a;
    fact *= (2 * j + 3) * (2 * j + 4);
  }
  return sum;
}

/// polygamma(n, x): digamma for n = 0, trigamma for n = 1, else (-1)^(n+1) n! zeta(n+1, x).
struct Polygamma {
  int64_t n;
  explicit Polygamma(const KernelArgs& a) : n(a.i0) {}
  template <std::floating_point T>
  T operator()(T x) const {
    if (n == 0) return Digamma()(x);
    const double v = static_cast<double>(x);
    if (n == 1) return Trigamma(x);
    const double nd = static_cast<double>(n);
    const double sign = n % 2 ? 1.0 : -1.0;
    return static_cast<T>(sign * std::exp(std::lgamma(nd + 1)) * HurwitzZeta(nd + 1, v));
  }
};
