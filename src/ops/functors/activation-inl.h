// Activation functors of torch.nn.functional: gelu ('none' and 'tanh'), silu, leaky_relu, elu,
// softplus, with torch's formulas. float lanes run Highway's vector math (erf is torsh's float
// kernel from math-inl.h); double runs libm per element. Included per Highway target by
// kernels_body-inl.h (no include guard).

/// gelu: x * Phi(x). kTanh: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))); otherwise
/// 0.5 * x * (1 + erf(x / sqrt(2))), as torch.
template <bool kTanh>
struct GeluCase {
  static constexpr double kBeta = 0.79788456080286535588;  // sqrt(2 / pi)
  static constexpr double kKappa = 0.044715;
  static constexpr double kSqrtHalf = 0.70710678118654752440;
  template <class D, class V>
  requires(sizeof(hn::TFromD<D>) == 4) HWY_INLINE V operator()(D d, V x) const {
    using T = hn::TFromD<D>;
    const V half_x = hn::Mul(x, hn::Set(d, T(0.5)));
    const V one = hn::Set(d, T(1));
    if constexpr (kTanh) {
      const V cube = hn::Mul(hn::Mul(x, x), x);
      const V inner = hn::Mul(hn::Set(d, T(kBeta)), hn::MulAdd(cube, hn::Set(d, T(kKappa)), x));
      return hn::Mul(half_x, hn::Add(one, Tanh()(d, inner)));
    } else {
      return hn::Mul(half_x, hn::Add(one, Erf()(d, hn::Mul(x, hn::Set(d, T(kSqrtHalf))))));
    }
  }
  template <std::floating_point T>
  requires std::same_as<T, double> T operator()(T x) const {
    if constexpr (kTanh) {
      const T inner = T(kBeta) * (x + T(kKappa) * x * x * x);
      return T(0.5) * x * (T(1) + std::tanh(inner));
    } else {
      return x * T(0.5) * (T(1) + std::erf(x * T(kSqrtHalf)));
    }
  }
};
/// The table's kernel: flags 1 'tanh', else 'none'.
struct Gelu {};
template <>
inline void RunUnary<Gelu>(const TensorIter& it, const KernelArgs& a) {
  if (a.flags & 1) return RunUnary<GeluCase<true>>(it, a);
  return RunUnary<GeluCase<false>>(it, a);
}

/// silu: x / (1 + exp(-x)), as torch.
struct Silu {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V x) const {
    using T = hn::TFromD<D>;
    return hn::Div(x, hn::Add(hn::Set(d, T(1)), Exp()(d, hn::Neg(x))));
  }
};

/// leaky_relu: x for x > 0, else x * negative_slope (f0).
struct LeakyRelu {
  double slope;
  explicit LeakyRelu(const KernelArgs& a) : slope(a.f0) {}
  template <class D, class V>
  HWY_INLINE V operator()(D d, V x) const {
    using T = hn::TFromD<D>;
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, hn::Mul(x, hn::Set(d, T(slope))));
  }
};

/// elu: x * scale for x > 0, else expm1(x * input_scale) * alpha * scale (f0 alpha, f1 scale,
/// f2 input_scale), as torch.
struct Elu {
  double alpha, scale, input_scale;
  explicit Elu(const KernelArgs& a) : alpha(a.f0), scale(a.f1), input_scale(a.f2) {}
  template <class D, class V>
  HWY_INLINE V operator()(D d, V x) const {
    using T = hn::TFromD<D>;
    const V pos = hn::Mul(x, hn::Set(d, T(scale)));
    const V neg =
        hn::Mul(hn::Expm1(d, hn::Mul(x, hn::Set(d, T(input_scale)))), hn::Set(d, T(alpha * scale)));
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), pos, neg);
  }
};

/// softplus: log1p(exp(x * beta)) / beta, x where x * beta > threshold (f0 beta, f1 threshold).
struct Softplus {
  double beta, threshold;
  explicit Softplus(const KernelArgs& a) : beta(a.f0), threshold(a.f1) {}
  template <class D, class V>
  HWY_INLINE V operator()(D d, V x) const {
    using T = hn::TFromD<D>;
    const V bx = hn::Mul(x, hn::Set(d, T(beta)));
    const V soft = hn::Div(hn::Log1p(d, Exp()(d, bx)), hn::Set(d, T(beta)));
    return hn::IfThenElse(hn::Gt(bx, hn::Set(d, T(threshold))), x, soft);
  }
};
