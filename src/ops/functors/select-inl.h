// Comparison and selection functors: eq ne lt le gt ge (kind binary_bool), where and clamp with
// tensor bounds (kind ternary), clamp with number bounds (kind unary, bounds from the call).
// Included per Highway target by kernels_body-inl.h (no include guard).

/// eq ne lt le gt ge: 1/0 in the compute type, stored as bool. A NaN operand compares false,
/// except for ne (true), as in C: ne is the negation of Highway's (ordered) Eq.
template <int kOp>
struct Compare {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V a, V b) const {
    const V one = hn::Set(d, hn::TFromD<D>(1));
    if constexpr (kOp == 0) return hn::IfThenElseZero(hn::Eq(a, b), one);
    if constexpr (kOp == 1) return hn::IfThenZeroElse(hn::Eq(a, b), one);
    if constexpr (kOp == 2) return hn::IfThenElseZero(hn::Lt(a, b), one);
    if constexpr (kOp == 3) return hn::IfThenElseZero(hn::Le(a, b), one);
    if constexpr (kOp == 4) return hn::IfThenElseZero(hn::Gt(a, b), one);
    return hn::IfThenElseZero(hn::Ge(a, b), one);
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T a, T b) const {
    if constexpr (kOp == 0) return a == b;
    if constexpr (kOp == 1) return a != b;
    if constexpr (kOp == 2) return a < b;
    if constexpr (kOp == 3) return a <= b;
    if constexpr (kOp == 4) return a > b;
    return a >= b;
  }
};
using Eq = Compare<0>;
using Ne = Compare<1>;
using Lt = Compare<2>;
using Le = Compare<3>;
using Gt = Compare<4>;
using Ge = Compare<5>;

/// where(condition, a, b): the condition arrives as 1/0 in the compute type.
struct Where {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V c, V a, V b) const {
    return hn::IfThenElse(hn::Eq(c, hn::Zero(d)), b, a);
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T c, T a, T b) const { return c != T(0) ? a : b; }
};

/// clamp(x, lo, hi) with tensor bounds (kFlags: 1 lo given, 2 hi given): min(max(x, lo), hi),
/// a NaN in any operand gives NaN, lo > hi gives hi (torch's clamp kernel).
template <int kFlags>
struct ClampCase {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V x, V l, V h) const {
    if constexpr ((kFlags & 1) != 0) x = Maximum()(d, x, l);
    if constexpr ((kFlags & 2) != 0) x = Minimum()(d, x, h);
    return x;
  }
  template <typename T>
  requires std::is_integral_v<T> T operator()(T x, T l, T h) const {
    if ((kFlags & 1) && x < l) x = l;
    if ((kFlags & 2) && x > h) x = h;
    return x;
  }
};
/// The table's kernel: runs the ClampCase of the call's flags.
struct Clamp {};
template <>
inline void RunTernary<Clamp>(const TensorIter& it, const KernelArgs& a) {
  if (a.flags == 1) return RunTernary<ClampCase<1>>(it, a);
  if (a.flags == 2) return RunTernary<ClampCase<2>>(it, a);
  return RunTernary<ClampCase<3>>(it, a);
}

/// clamp(x, min, max) with numbers (kFlags: 1 min given, 2 max given, 4 a NaN bound beside the
/// other: all NaN, as torch). A NaN x stays NaN; f0/f1 (floating) or i0/i1 hold the bounds,
/// already in the dtype's range and rounded to a 16-bit result type.
template <int kFlags>
struct ClampScalarCase {
  static constexpr bool kStream = true;
  double flo, fhi;
  int64_t ilo, ihi;
  explicit ClampScalarCase(const KernelArgs& a) : flo(a.f0), fhi(a.f1), ilo(a.i0), ihi(a.i1) {}
  template <class D, class V>
  HWY_INLINE V operator()(D d, V x) const {
    using T = hn::TFromD<D>;
    if constexpr ((kFlags & 4) != 0) return hn::Set(d, std::numeric_limits<T>::quiet_NaN());
    if constexpr ((kFlags & 1) != 0) {
      const V l = hn::Set(d, T(flo));
      x = hn::IfThenElse(hn::Lt(x, l), l, x);
    }
    if constexpr ((kFlags & 2) != 0) {
      const V h = hn::Set(d, T(fhi));
      x = hn::IfThenElse(hn::Gt(x, h), h, x);
    }
    return x;
  }
  template <IntegerNotBool T>
  T operator()(T x) const {
    if ((kFlags & 1) && x < static_cast<T>(ilo)) x = static_cast<T>(ilo);
    if ((kFlags & 2) && x > static_cast<T>(ihi)) x = static_cast<T>(ihi);
    return x;
  }
};
/// The table's kernel: runs the ClampScalarCase of the call's flags.
struct ClampScalar {};
template <>
inline void RunUnary<ClampScalar>(const TensorIter& it, const KernelArgs& a) {
  switch (a.flags) {
    case 0:
      return RunUnary<ClampScalarCase<0>>(it, a);
    case 1:
      return RunUnary<ClampScalarCase<1>>(it, a);
    case 2:
      return RunUnary<ClampScalarCase<2>>(it, a);
    case 3:
      return RunUnary<ClampScalarCase<3>>(it, a);
    default:
      return RunUnary<ClampScalarCase<4>>(it, a);
  }
}
