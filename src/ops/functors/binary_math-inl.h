// Binary math functors beyond binary-inl.h's: modular arithmetic, atan2/hypot/copysign, the
// NaN-ignoring fmax/fmin, xlogy, logaddexp, heaviside, gcd/lcm, bitwise and logical ops.
// Floating functions without a Highway form run per element with libm (every layout alike).
// Included per Highway target by kernels.cpp (no include guard).

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

/// Python's modulo: the result takes the divisor's sign (fmod, then shifted by b).
struct Remainder {
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
