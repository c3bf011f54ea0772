// Binary math functors beyond binary-inl.h's: modular arithmetic, atan2/hypot/copysign, the
// NaN-ignoring fmax/fmin, xlogy, logaddexp, heaviside, gcd/lcm, bitwise and logical ops.
// Floating functions without a Highway form run per element with libm (every layout alike).
// Included per Highway target by kernels_body-inl.h (no include guard).

/// v < 0, without a tautology warning for unsigned types.
template <typename T>
HWY_INLINE bool Negative(T v) {
  if constexpr (std::is_signed_v<T>) {
    return v < 0;
  } else {
    (void)v;
    return false;
  }
}

/// fmod(a, b) per lane, exact: where |a / b| < 2^(mantissa - 2), the truncated quotient q is the
/// true one or one off, and a - q * b by a fused multiply-add is then exact, so one correction
/// gives the remainder. Other lanes (huge quotients, zero or non-finite operands) and targets
/// without fused multiply-add go through libm.
template <class D, class V>
HWY_INLINE V FmodV(D d, V a, V b) {
  using T = hn::TFromD<D>;
  V r = hn::Zero(d);
  auto easy = hn::FirstN(d, 0);
#if HWY_TARGET == HWY_AVX2
  const V one = hn::Set(d, T(1));
  const V q = hn::Trunc(hn::Div(a, b));
  constexpr T kLimit = sizeof(T) == 4 ? T(1 << 22) : T(int64_t(1) << 50);
  easy = hn::And(hn::Lt(hn::Abs(q), hn::Set(d, kLimit)), hn::IsFinite(b));
  r = hn::NegMulAdd(q, b, a);
  const hn::RebindToSigned<D> di;
  const auto wrong_sign = hn::RebindMask(
      d, hn::Lt(hn::BitCast(di, hn::Xor(r, a)), hn::Zero(di)));  // q one too far from zero
  const auto too_near = hn::Ge(hn::Abs(r), hn::Abs(b));          // q one too near zero
  const V step = hn::CopySign(one, hn::Mul(a, b));
  const V q2 = hn::IfThenElse(hn::AndNot(hn::Eq(r, hn::Zero(d)), wrong_sign), hn::Sub(q, step),
                              hn::IfThenElse(too_near, hn::Add(q, step), q));
  r = hn::NegMulAdd(q2, b, a);
  r = hn::IfThenElse(hn::Eq(r, hn::Zero(d)), hn::CopySign(hn::Zero(d), a), r);
  if (hn::AllTrue(d, easy)) return r;
#endif
  HWY_ALIGN T xa[kMaxLanes], xb[kMaxLanes], xr[kMaxLanes];
  hn::Store(a, d, xa);
  hn::Store(b, d, xb);
  hn::Store(r, d, xr);
  const size_t n = hn::Lanes(d);
  for (size_t j = 0; j < n; ++j) xr[j] = std::fmod(xa[j], xb[j]);
  return hn::IfThenElse(easy, r, hn::Load(d, xr));
}

/// Python's modulo: the result takes the divisor's sign (fmod, then shifted by b).
struct Remainder {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V a, V b) const {
    const V m = FmodV(d, a, b);
    const hn::RebindToSigned<D> di;
    const auto differ = hn::RebindMask(d, hn::Lt(hn::BitCast(di, hn::Xor(m, b)), hn::Zero(di)));
    return hn::IfThenElse(hn::AndNot(hn::Eq(m, hn::Zero(d)), differ), hn::Add(m, b), m);
  }
  template <std::floating_point T>
  T operator()(T a, T b) const {
    T m = std::fmod(a, b);
    if (m != 0 && ((b < 0) != (m < 0))) m += b;
    return m;
  }
  template <IntegerNotBool T>
  T operator()(T a, T b) const {
    TORSH_CHECK(b != 0, "ZeroDivisionError");
    if constexpr (std::is_signed_v<T>) {
      if (b == T(-1)) return T(0);  // also the one overflowing case, INT_MIN % -1
    }
    T m = static_cast<T>(a % b);
    if (m != 0 && (Negative(b) != Negative(m))) m = static_cast<T>(m + b);
    return m;
  }
};

/// C's fmod: the result takes the dividend's sign.
struct Fmod {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V a, V b) const {
    return FmodV(d, a, b);
  }
  template <std::floating_point T>
  T operator()(T a, T b) const {
    return std::fmod(a, b);
  }
  template <IntegerNotBool T>
  T operator()(T a, T b) const {
    TORSH_CHECK(b != 0, "ZeroDivisionError");
    if constexpr (std::is_signed_v<T>) {
      if (b == T(-1)) return T(0);
    }
    return static_cast<T>(a % b);
  }
};

#define TORSH_LIBM2(Name, fn)        \
  struct Name {                      \
    template <std::floating_point T> \
    T operator()(T a, T b) const {   \
      return std::fn(a, b);          \
    }                                \
  };
TORSH_LIBM2(Atan2, atan2)
TORSH_LIBM2(Hypot, hypot)
#undef TORSH_LIBM2

/// The next representable value after a towards b in the op's dtype: float16/bfloat16 operands
/// (computed in float; `f1` 1 for float16, 2 for bfloat16) step by one unit of their own type.
struct Nextafter {
  int kind;
  explicit Nextafter(const KernelArgs& a) : kind(static_cast<int>(a.f1)) {}
  template <std::floating_point T>
  T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, float>) {
      if (kind != 0 && !(a != a || b != b || a == b)) return step16(a, b);
    }
    return std::nextafter(a, b);
  }
  // a is a float16/bfloat16 value held in float; the result is one unit of that type away.
  float step16(float a, float b) const {
    const bool up = b > a;
    if (a == 0.0f) {  // the smallest subnormal with b's direction
      const float tiny = kind == 1 ? detail::half_bits_to_float(1) : detail::bits_f32(1u << 16);
      return up ? tiny : -tiny;
    }
    const bool away = up == (a > 0);  // away from zero: the magnitude's bits grow
    if (kind == 1) {
      const uint16_t h = detail::float_to_half_bits(a);
      return detail::half_bits_to_float(static_cast<uint16_t>(away ? h + 1 : h - 1));
    }
    const uint32_t u = detail::f32_bits(a) >> 16;
    return detail::bits_f32((away ? u + 1 : u - 1) << 16);
  }
};

/// |a| with b's sign.
struct Copysign {
  template <class D, class V>
  HWY_INLINE V operator()(D, V a, V b) const {
    return hn::CopySign(a, b);
  }
};

/// max/min where a NaN operand loses to a number (NaN only when both are NaN).
template <bool kMax>
struct FExtremum {
  template <class D, class V>
  HWY_INLINE V operator()(D, V a, V b) const {
    const V r = kMax ? hn::Max(a, b) : hn::Min(a, b);
    return hn::IfThenElse(hn::IsNaN(a), b, hn::IfThenElse(hn::IsNaN(b), a, r));
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T a, T b) const {
    return (kMax ? a > b : a < b) ? a : b;
  }
};
using Fmax = FExtremum<true>;
using Fmin = FExtremum<false>;

/// x * log(y), 0 where x == 0 (unless y is NaN).
struct Xlogy {
  template <std::floating_point T>
  T operator()(T x, T y) const {
    if (std::isnan(y)) return y;
    if (x == 0) return T(0);
    return x * std::log(y);
  }
};

/// log(e^a + e^b) (kBase2: log2(2^a + 2^b)) without overflow; equal infinities give themselves.
template <bool kBase2>
struct LogAddExp {
  template <std::floating_point T>
  T operator()(T a, T b) const {
    if (std::isinf(a) && a == b) return a;
    const T m = std::max(a, b);
    const T d = -std::fabs(a - b);
    if constexpr (kBase2) {
      return m + std::log1p(std::exp2(d)) / static_cast<T>(0.69314718055994530942);
    } else {
      return m + std::log1p(std::exp(d));
    }
  }
};
using Logaddexp = LogAddExp<false>;
using Logaddexp2 = LogAddExp<true>;

/// The step function: values where x == 0, else x > 0.
struct Heaviside {
  template <typename T>
  T operator()(T x, T values) const {
    return x == T(0) ? values : static_cast<T>(x > T(0));
  }
};

/// Greatest common divisor in torch's signed Euclid: the magnitudes' remainders with C's signs,
/// so |INT_MIN| stays INT_MIN and gcd(INT_MIN, 6) is -2, as torch.
struct Gcd {
  template <IntegerNotBool T>
  T operator()(T a, T b) const {
    using U = std::make_unsigned_t<T>;
    auto mag = [](T v) { return Negative(v) ? static_cast<T>(U(0) - static_cast<U>(v)) : v; };
    T x = mag(b), y = mag(a);  // torch's loop: while (a != 0) { c = a; a = b % a; b = c; }
    while (y != 0) {
      // INT_MIN % -1 traps in C; its remainder is 0.
      const T r = (std::is_signed_v<T> && y == T(-1)) ? T(0) : static_cast<T>(x % y);
      x = y;
      y = r;
    }
    return x;
  }
};

/// Least common multiple, non-negative; 0 when either is 0.
struct Lcm {
  template <IntegerNotBool T>
  T operator()(T a, T b) const {
    const T g = Gcd()(a, b);
    if (g == 0) return T(0);
    if constexpr (sizeof(T) < 4) {  // C's promotion to int, as torch: |a / g * b| then narrowed
      const int32_t l = static_cast<int32_t>(a / g) * static_cast<int32_t>(b);
      return static_cast<T>(l < 0 ? -l : l);
    }
    using U = std::make_unsigned_t<T>;
    // g is -1 for some INT_MIN operands, where torch's a / g traps; the quotient wraps here.
    const T q =
        (std::is_signed_v<T> && g == T(-1)) ? static_cast<T>(U(0) - static_cast<U>(a)) : a / g;
    const T l = static_cast<T>(static_cast<U>(q) * static_cast<U>(b));
    return Negative(l) ? static_cast<T>(U(0) - static_cast<U>(l)) : l;
  }
};

#define TORSH_BITWISE(Name, op)                                                                    \
  struct Name {                                                                                    \
    template <typename T>                                                                          \
    requires std::is_integral_v<T> T operator()(T a, T b) const { return static_cast<T>(a op b); } \
  };
TORSH_BITWISE(BitwiseAnd, &)
TORSH_BITWISE(BitwiseOr, |)
TORSH_BITWISE(BitwiseXor, ^)
#undef TORSH_BITWISE

/// Shift counts as torch 1.13's CPU kernels apply them (x86 semantics): 32- and 64-bit types
/// take the count modulo their width; 8- and 16-bit types shift as int with the count modulo 32.
template <typename T>
HWY_INLINE int ShiftCount(T b) {
  constexpr int width = sizeof(T) >= 4 ? static_cast<int>(sizeof(T) * 8) : 32;
  return static_cast<int>(static_cast<int64_t>(b) & (width - 1));
}

struct BitwiseLeftShift {
  template <IntegerNotBool T>
  T operator()(T a, T b) const {
    if constexpr (sizeof(T) >= 4) {
      using U = std::make_unsigned_t<T>;
      return static_cast<T>(static_cast<U>(a) << ShiftCount(b));
    } else {
      return static_cast<T>(static_cast<uint32_t>(static_cast<int32_t>(a)) << ShiftCount(b));
    }
  }
};

struct BitwiseRightShift {
  template <IntegerNotBool T>
  T operator()(T a, T b) const {
    if constexpr (sizeof(T) >= 4) {
      return static_cast<T>(a >> ShiftCount(b));
    } else {
      return static_cast<T>(static_cast<int32_t>(a) >> ShiftCount(b));
    }
  }
};

/// logical and/or/xor (kind binary_bool): 1/0 in the compute type, stored as bool.
template <int kOp>
struct Logical {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V a, V b) const {
    const V zero = hn::Zero(d);
    const V one = hn::Set(d, hn::TFromD<D>(1));
    // NaN is true, as in C: not Ne (x86's ordered compare calls NaN equal to nothing).
    const V x = hn::IfThenZeroElse(hn::Eq(a, zero), one);
    const V y = hn::IfThenZeroElse(hn::Eq(b, zero), one);
    if constexpr (kOp == 0) return hn::Mul(x, y);
    if constexpr (kOp == 1) return hn::Max(x, y);
    return hn::Abs(hn::Sub(x, y));
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T a, T b) const {
    const bool x = a != 0, y = b != 0;
    return static_cast<T>(kOp == 0 ? (x && y) : kOp == 1 ? (x || y) : (x != y));
  }
};
using LogicalAnd = Logical<0>;
using LogicalOr = Logical<1>;
using LogicalXor = Logical<2>;

/// The value v rounded to the 16-bit type named by kind (1 float16, 2 bfloat16; 0: v itself).
template <typename T>
HWY_INLINE T Round16Kind(T v, int kind) {
  if constexpr (std::is_same_v<T, float>) {
    if (kind == 1) return float(Half(v));
    if (kind == 2) return float(BFloat16(v));
  }
  return v;
}

/// Per lane through op's scalar operator (the op's scalar form where a vector form would round
/// differently, as for 16-bit intermediates).
template <class Op, class D, class V>
HWY_INLINE V PerLane(const Op& op, D d, V a, V b) {
  using T = hn::TFromD<D>;
  HWY_ALIGN T xa[kMaxLanes], xb[kMaxLanes];
  hn::Store(a, d, xa);
  hn::Store(b, d, xb);
  const size_t n = hn::Lanes(d);
  for (size_t j = 0; j < n; ++j) xa[j] = op(xa[j], xb[j]);
  return hn::Load(d, xa);
}

/// div with rounding_mode 'trunc' (kTrunc) or 'floor', as torch's kernels: the floor quotient
/// through fmod (exact where a / b rounds up to an integer); float16/bfloat16 (f1: 1 or 2,
/// computed in float) round every step to their type, per element.
template <bool kTrunc>
struct DivModeCase {
  static constexpr bool kStream = kTrunc;
  int kind;
  explicit DivModeCase(const KernelArgs& a) : kind(static_cast<int>(a.f1)) {}
  template <class D, class V>
  HWY_INLINE V operator()(D d, V a, V b) const {
    if (kind != 0) return PerLane(*this, d, a, b);
    if constexpr (kTrunc) {
      return hn::Trunc(hn::Div(a, b));
    } else {
      const V zero = hn::Zero(d);
      const V one = hn::Set(d, hn::TFromD<D>(1));
      const V q = hn::Div(a, b);
      const V mod = FmodV(d, a, b);
      V div = hn::Div(hn::Sub(a, mod), b);
      const auto differ = hn::Xor(hn::Lt(b, zero), hn::Lt(mod, zero));
      div = hn::IfThenElse(hn::AndNot(hn::Eq(mod, zero), differ), hn::Sub(div, one), div);
      V fl = hn::Floor(div);
      fl = hn::IfThenElse(hn::Gt(hn::Sub(div, fl), hn::Set(d, hn::TFromD<D>(0.5))),
                          hn::Add(fl, one), fl);
      fl = hn::IfThenElse(hn::Eq(div, zero), hn::CopySign(zero, q), fl);
      return hn::IfThenElse(hn::Eq(b, zero), q, fl);
    }
  }
  template <std::floating_point T>
  T operator()(T a, T b) const {
    auto r = [this](T v) { return Round16Kind(v, kind); };
    if (kTrunc) return std::trunc(r(a / b));
    if (b == 0) return a / b;
    const T mod = r(std::fmod(a, b));
    T div = r(r(a - mod) / b);
    if (mod != 0 && ((b < 0) != (mod < 0))) div = r(div - T(1));
    if (div == 0) return std::copysign(T(0), r(a / b));
    T fl = std::floor(div);
    if (r(div - fl) > T(0.5)) fl = r(fl + T(1));
    return fl;
  }
  template <IntegerNotBool T>
  T operator()(T a, T b) const {
    TORSH_CHECK(b != 0, "ZeroDivisionError");
    if constexpr (std::is_signed_v<T>) {
      // MIN / -1 overflows (x86 traps): wrap to MIN, as two's complement negation does
      using U = std::make_unsigned_t<T>;
      if (b == T(-1)) return static_cast<T>(U(0) - static_cast<U>(a));
    }
    T q = static_cast<T>(a / b);
    if (!kTrunc && (a % b != 0) && (Negative(a) != Negative(b))) q = static_cast<T>(q - 1);
    return q;
  }
};
/// The table's kernel: flags 1 'trunc', else 'floor'.
struct DivMode {};
template <>
inline void RunBinary<DivMode>(const TensorIter& it, const KernelArgs& a) {
  if (a.flags & 1) return RunBinary<DivModeCase<true>>(it, a);
  return RunBinary<DivModeCase<false>>(it, a);
}

/// Integer power by squaring (wrapping); a negative exponent gives 0 but for bases 1 and -1.
template <IntegerNotBool T>
HWY_INLINE T IntPow(T base, T exp) {
  if (Negative(exp)) {
    if (base == 1) return 1;
    if constexpr (std::is_signed_v<T>) {
      if (base == T(-1)) return (exp % 2 == 0) ? T(1) : T(-1);
    }
    return 0;
  }
  using U = std::make_unsigned_t<decltype(T() + 0)>;  // wrapping, without promotion to int
  U result = 1, b = static_cast<U>(base);
  while (exp) {
    if (exp & 1) result = static_cast<U>(result * b);
    exp = static_cast<T>(exp >> 1);
    b = static_cast<U>(b * b);
  }
  return static_cast<T>(result);
}

/// pow with a tensor exponent: libm's pow per element (float in float: powf), integers by
/// squaring.
struct Pow {
  template <std::floating_point T>
  T operator()(T a, T b) const {
    return std::pow(a, b);
  }
  template <IntegerNotBool T>
  T operator()(T a, T b) const {
    return IntPow(a, b);
  }
};

/// pow with a number exponent (f0; i0 for integer results), with torch's special cases (kHow):
/// 1 x*x, 2 x*x*x, 3 1/(x*x), 4 sqrt, 5 1/sqrt, 6 1/x, 0 libm's pow per element. A bfloat16
/// result (f1 2) rounds the square to bfloat16 before the next step, as torch's kernel.
template <int kHow>
struct PowCase {
  static constexpr bool kStream = kHow != 0;  // memory-bound but for libm's pow
  double e;
  int64_t ie;
  int kind;
  explicit PowCase(const KernelArgs& a) : e(a.f0), ie(a.i0), kind(static_cast<int>(a.f1)) {}
  template <class D, class V>
  HWY_INLINE V operator()(D d, V x) const {
    using T = hn::TFromD<D>;
    const V one = hn::Set(d, T(1));
    if constexpr (kHow == 1) return hn::Mul(x, x);
    if constexpr (kHow == 4) return hn::Sqrt(x);
    if constexpr (kHow == 5) return hn::Div(one, hn::Sqrt(x));
    if constexpr (kHow == 6) return hn::Div(one, x);
    if constexpr (kHow == 2 || kHow == 3) {
      if (kind == 0) return kHow == 2 ? hn::Mul(hn::Mul(x, x), x) : hn::Div(one, hn::Mul(x, x));
    }
    HWY_ALIGN T xs[kMaxLanes];
    hn::Store(x, d, xs);
    const size_t n = hn::Lanes(d);
    for (size_t j = 0; j < n; ++j) xs[j] = (*this)(xs[j]);
    return hn::Load(d, xs);
  }
  template <std::floating_point T>
  T operator()(T x) const {
    if constexpr (kHow == 1) return x * x;
    if constexpr (kHow == 2) return Round16Kind(x * x, kind) * x;
    if constexpr (kHow == 3) return T(1) / Round16Kind(x * x, kind);
    if constexpr (kHow == 4) return std::sqrt(x);
    if constexpr (kHow == 5) return T(1) / std::sqrt(x);
    if constexpr (kHow == 6) return T(1) / x;
    return std::pow(x, static_cast<T>(e));
  }
  template <IntegerNotBool T>
  T operator()(T x) const {
    return IntPow(x, static_cast<T>(ie));
  }
};
/// The table's kernel: runs the PowCase of the call's flags.
struct PowScalar {};
template <>
inline void RunUnary<PowScalar>(const TensorIter& it, const KernelArgs& a) {
  switch (a.flags) {
    case 1:
      return RunUnary<PowCase<1>>(it, a);
    case 2:
      return RunUnary<PowCase<2>>(it, a);
    case 3:
      return RunUnary<PowCase<3>>(it, a);
    case 4:
      return RunUnary<PowCase<4>>(it, a);
    case 5:
      return RunUnary<PowCase<5>>(it, a);
    case 6:
      return RunUnary<PowCase<6>>(it, a);
    default:
      return RunUnary<PowCase<0>>(it, a);
  }
}
