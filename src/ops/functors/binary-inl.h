// Binary pointwise functors, written once: a Highway vector path for float and double lanes
// (half/bf16 and every layout go through it) and a scalar path for integer and bool types.
// Included per Highway target by kernels_body-inl.h (no include guard).

/// a + alpha * b (alpha from the call; bool: a || (alpha && b)).
struct Add {
  static constexpr bool kStream = true;
  double alpha;
  int64_t ialpha;
  explicit Add(const KernelArgs& a) : alpha(a.f0), ialpha(a.i0) {}
  template <class D, class V>
  HWY_INLINE V operator()(D d, V a, V b) const {
    if (alpha == 1) return hn::Add(a, b);
    return hn::Add(a, hn::Mul(hn::Set(d, hn::TFromD<D>(alpha)), b));
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) {
      return a || (ialpha != 0 && b);
    } else {
      return static_cast<T>(a + static_cast<T>(ialpha) * b);
    }
  }
};

/// a - alpha * b.
struct Sub {
  static constexpr bool kStream = true;
  double alpha;
  int64_t ialpha;
  explicit Sub(const KernelArgs& a) : alpha(a.f0), ialpha(a.i0) {}
  template <class D, class V>
  HWY_INLINE V operator()(D d, V a, V b) const {
    if (alpha == 1) return hn::Sub(a, b);
    return hn::Sub(a, hn::Mul(hn::Set(d, hn::TFromD<D>(alpha)), b));
  }
  template <IntegerNotBool T>
  T operator()(T a, T b) const {
    return static_cast<T>(a - static_cast<T>(ialpha) * b);
  }
};

struct Mul {
  static constexpr bool kStream = true;
  template <class D, class V>
  HWY_INLINE V operator()(D, V a, V b) const {
    return hn::Mul(a, b);
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) {
      return a && b;
    } else {
      return static_cast<T>(a * b);
    }
  }
};

/// True division (integers are promoted to float before it runs).
struct Div {
  static constexpr bool kStream = true;
  template <class D, class V>
  HWY_INLINE V operator()(D, V a, V b) const {
    return hn::Div(a, b);
  }
};

/// maximum / minimum: a NaN in either operand propagates.
template <bool kMax>
struct Extremum {
  static constexpr bool kStream = true;
  template <class D, class V>
  HWY_INLINE V operator()(D, V a, V b) const {
    const V r = kMax ? hn::Max(a, b) : hn::Min(a, b);
    return hn::IfThenElse(hn::Or(hn::IsNaN(a), hn::IsNaN(b)), hn::Add(a, b), r);
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T a, T b) const {
    return (kMax ? a > b : a < b) ? a : b;
  }
};
using Maximum = Extremum<true>;
using Minimum = Extremum<false>;

/// threshold_backward(grad, self): zero where self <= threshold, grad elsewhere (a NaN self lets
/// grad through), in one pass: ReLU's backward.
struct ThresholdBackward {
  static constexpr bool kStream = true;
  double t;
  int64_t it;
  explicit ThresholdBackward(const KernelArgs& a) : t(a.f0), it(a.i0) {}
  template <class D, class V>
  HWY_INLINE V operator()(D d, V g, V x) const {
    return hn::IfThenZeroElse(hn::Le(x, hn::Set(d, hn::TFromD<D>(t))), g);
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T g, T x) const {
    return x <= static_cast<T>(it) ? T(0) : g;
  }
};
