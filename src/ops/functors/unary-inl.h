// Unary pointwise functors, written once: a Highway vector path (float and double lanes, every
// layout and half/bf16 go through it) and, where integers are allowed, a scalar path for them.
// The op table names them (`kernel: unary_float(Exp)`). Included per Highway target by
// kernels_body-inl.h (no include guard).

/// Lanes where pred holds are recomputed with the scalar function f (inputs outside the
/// vector approximation's range: rare, so the common path stays branch-free).
template <class D, class V, class M, class F>
HWY_INLINE V ScalarWhere(D d, M pred, V x, V r, F f) {
  if (HWY_LIKELY(hn::AllFalse(d, pred))) return r;
  using T = hn::TFromD<D>;
  HWY_ALIGN T xs[kMaxLanes];
  HWY_ALIGN T rs[kMaxLanes];
  hn::Store(x, d, xs);
  hn::Store(hn::IfThenElse(pred, hn::Zero(d), hn::Set(d, T(1))), d, rs);
  HWY_ALIGN T out[kMaxLanes];
  hn::Store(r, d, out);
  for (size_t j = 0; j < hn::Lanes(d); ++j)
    if (rs[j] == T(0)) out[j] = f(xs[j]);
  return hn::Load(d, out);
}

struct Neg {
  static constexpr bool kStream = true;
  template <class D, class V>
  HWY_INLINE V operator()(D, V v) const {
    return hn::Neg(v);
  }
  template <IntegerNotBool T>
  T operator()(T x) const {
    return static_cast<T>(-x);
  }
};

struct Abs {
  static constexpr bool kStream = true;
  template <class D, class V>
  HWY_INLINE V operator()(D, V v) const {
    return hn::Abs(v);
  }
  template <IntegerNotBool T>
  T operator()(T x) const {
    if constexpr (std::is_signed_v<T>) return x < 0 ? static_cast<T>(-x) : x;
    return x;
  }
};

struct Relu {
  static constexpr bool kStream = true;
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    return hn::IfThenZeroElse(hn::Lt(v, hn::Zero(d)), v);  // keeps NaN, as torch
  }
  template <IntegerNotBool T>
  T operator()(T x) const {
    return x > T(0) ? x : T(0);
  }
};

struct Sqrt {
  template <class D, class V>
  HWY_INLINE V operator()(D, V v) const {
    return hn::Sqrt(v);
  }
};

// Highway's Exp and Log assume finite in-range inputs; the IEEE special cases are patched in.
struct Exp {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    using T = hn::TFromD<D>;
    const T hi = sizeof(T) == 4 ? T(88.72283935546875) : T(709.782712893384);
    const T lo = sizeof(T) == 4 ? T(-103.97208404541016) : T(-745.1332191019411);
    V r = hn::Exp(d, v);
    r = hn::IfThenElse(hn::Gt(v, hn::Set(d, hi)), hn::Inf(d), r);
    r = hn::IfThenElse(hn::Lt(v, hn::Set(d, lo)), hn::Zero(d), r);
    return hn::IfThenElse(hn::IsNaN(v), v, r);
  }
};

struct Expm1 {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    using T = hn::TFromD<D>;
    const T hi = sizeof(T) == 4 ? T(88.72283935546875) : T(709.782712893384);
    V r = hn::Expm1(d, v);
    r = hn::IfThenElse(hn::Gt(v, hn::Set(d, hi)), hn::Inf(d), r);
    return hn::IfThenElse(hn::IsNaN(v), v, r);
  }
};

struct Log {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    const V zero = hn::Zero(d);
    V r = hn::Log(d, v);
    r = hn::IfThenElse(hn::Eq(v, zero), hn::Neg(hn::Inf(d)), r);
    r = hn::IfThenElse(hn::Eq(v, hn::Inf(d)), v, r);
    return hn::IfThenElse(hn::Or(hn::Lt(v, zero), hn::IsNaN(v)), hn::NaN(d), r);
  }
};

struct Log1p {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    const V m1 = hn::Set(d, hn::TFromD<D>(-1));
    V r = hn::Log1p(d, v);
    r = hn::IfThenElse(hn::Eq(v, m1), hn::Neg(hn::Inf(d)), r);
    r = hn::IfThenElse(hn::Eq(v, hn::Inf(d)), v, r);
    return hn::IfThenElse(hn::Or(hn::Lt(v, m1), hn::IsNaN(v)), hn::NaN(d), r);
  }
};

// Highway's Sin/Cos are accurate on [-39000, 39000]; other lanes (and inf/NaN) use libm.
struct Sin {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    using T = hn::TFromD<D>;
    const auto out = hn::Not(hn::Le(hn::Abs(v), hn::Set(d, T(39000))));
    return ScalarWhere(d, out, v, hn::Sin(d, v), [](T x) { return std::sin(x); });
  }
};

// Below 2^-12 (float) or 2^-27 (double) cos(x) rounds to 1; Highway's is an ulp below there.
struct Cos {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    using T = hn::TFromD<D>;
    const auto out = hn::Not(hn::Le(hn::Abs(v), hn::Set(d, T(39000))));
    const T tiny = sizeof(T) == 4 ? T(1.0 / 4096) : T(7.450580596923828e-09);
    const V r =
        hn::IfThenElse(hn::Lt(hn::Abs(v), hn::Set(d, tiny)), hn::Set(d, T(1)), hn::Cos(d, v));
    return ScalarWhere(d, out, v, r, [](T x) { return std::cos(x); });
  }
};

// float: tanh(x) = x P(x^2) / Q(x^2) on |x| <= 9, +-1 beyond: a (4,4) rational fit derived by
// tools/approx/fit_tanh.py (relative error 2.2e-8, Q >= 1 so no poles; <= 6 ulp in float32).
// One division and no exp: 2.6x faster than Highway's Expm1-based Tanh, kept for double.
struct Tanh {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    using T = hn::TFromD<D>;
    if constexpr (sizeof(T) == 4) {
      const V x = hn::Min(hn::Max(v, hn::Set(d, T(-9))), hn::Set(d, T(9)));
      const V z = hn::Mul(x, x);
      V p = hn::Set(d, T(1.3442254226665688e-08f));
      p = hn::MulAdd(p, z, hn::Set(d, T(2.0679556586829146e-05f)));
      p = hn::MulAdd(p, z, hn::Set(d, T(0.003500195518729129f)));
      p = hn::MulAdd(p, z, hn::Set(d, T(0.13385015752256646f)));
      p = hn::MulAdd(p, z, hn::Set(d, T(0.9999999925689654f)));
      V q = hn::Set(d, T(7.814534432549326e-07f));
      q = hn::MulAdd(q, z, hn::Set(d, T(0.0003292939548699729f)));
      q = hn::MulAdd(q, z, hn::Set(d, T(0.025894852406201128f)));
      q = hn::MulAdd(q, z, hn::Set(d, T(0.46718336925552806f)));
      q = hn::MulAdd(q, z, hn::Set(d, T(1)));
      const V r = hn::Mul(x, hn::Div(p, q));
      return hn::IfThenElse(hn::IsNaN(v), v, r);
    } else {
      return hn::IfThenElse(hn::IsNaN(v), v, hn::Tanh(d, v));
    }
  }
};

struct Sigmoid {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    const auto one = hn::Set(d, hn::TFromD<D>(1));
    return hn::Div(one, hn::Add(one, Exp()(d, hn::Neg(v))));
  }
};
