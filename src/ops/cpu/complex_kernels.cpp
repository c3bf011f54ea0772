// The CPU's complex64/complex128 kernels for the table's functor kernels (run_kernel picks them
// when an op computes in a complex dtype). Scalar std::complex loops: each operand is read and
// the result stored through a conversion chosen once per call, so every layout and mixed dtype
// works; arithmetic runs in the complex type's own precision, as torch.
#include <cmath>
#include <complex>
#include <limits>

#include "core/dispatch.h"
#include "ops/functors/kernels.h"

namespace torsh::detail::cpu {

namespace {
template <typename C>
using Z = std::complex<C>;

template <typename V>
using LoadFn = V (*)(const char*);
template <typename V>
using StoreFn = void (*)(char*, V);

template <typename V, typename T>
V load_as(const char* p) {
  return convert<V>(*reinterpret_cast<const T*>(p));
}

template <typename V, typename T>
void store_as(char* p, V v) {
  *reinterpret_cast<T*>(p) = convert<T>(v);
}

// Reads an element of dtype t as V.
template <typename V>
LoadFn<V> loader(ScalarType t) {
  return dispatch_all_and_complex(t, "complex",
                                  [](auto tag) -> LoadFn<V> { return &load_as<V, decltype(tag)>; });
}

// Writes a V into an element of dtype t.
template <typename V>
StoreFn<V> storer(ScalarType t) {
  return dispatch_all_and_complex(
      t, "complex", [](auto tag) -> StoreFn<V> { return &store_as<V, decltype(tag)>; });
}

// g++ 12's scalar replacement of aggregates crashes (an internal compiler error) on this loop
// with bool results: it is turned off for it.
#if defined(__GNUC__) && !defined(__clang__)
#define TORSH_NO_SRA [[gnu::optimize("no-tree-sra")]]
#else
#define TORSH_NO_SRA
#endif

// One run of n elements: inputs read as Z<C>, f's result stored.
template <typename C, int N, typename F, typename R>
TORSH_NO_SRA void map_run(char** d, const int64_t* s, int64_t n, const LoadFn<Z<C>>* load,
                          StoreFn<R> store, const F& f) {
  Z<C> v[N];
  for (int64_t i = 0; i < n; ++i) {
    for (int k = 0; k < N; ++k) v[k] = load[k](d[1 + k] + i * s[1 + k]);
    store(d[0] + i * s[0], f(v));
  }
}

// out = f(in[0..N)) over the iterator, inputs read as Z<C>.
template <typename C, int N, typename F>
void map(const TensorIter& it, const F& f) {
  using R = decltype(f(static_cast<const Z<C>*>(nullptr)));
  LoadFn<Z<C>> load[N];
  for (int k = 0; k < N; ++k) load[k] = loader<Z<C>>(it.dtype(1 + k));
  const StoreFn<R> store = storer<R>(it.dtype(0));
  it.for_each(
      [&](char** d, const int64_t* s, int64_t n) { map_run<C, N, F, R>(d, s, n, load, store, f); });
}

// Products as c10::complex computes them (no C99 Annex G rescaling of inf/nan).
template <typename C>
Z<C> mul(Z<C> a, Z<C> b) {
  return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

// Smith's division, with c10::complex's scalar rule for a zero divisor (inf or nan parts;
// torch's vectorised kernel gives nan + nanj there).
template <typename C>
Z<C> div(Z<C> x, Z<C> y) {
  const C a = x.real(), b = x.imag(), c = y.real(), d = y.imag();
  const C ac = std::abs(c), ad = std::abs(d);
  if (ac >= ad) {
    if (ac == 0 && ad == 0) return {a / ac, b / ad};
    const C rat = d / c, scl = C(1) / (c + d * rat);
    return {(a + b * rat) * scl, (b - a * rat) * scl};
  }
  const C rat = c / d, scl = C(1) / (d + c * rat);
  return {(a * rat + b) * scl, (b * rat - a) * scl};
}

template <typename C>
bool is_nan(Z<C> z) {
  return std::isnan(z.real()) || std::isnan(z.imag());
}
template <typename C>
bool is_inf(Z<C> z) {
  return std::isinf(z.real()) || std::isinf(z.imag());
}
template <typename C>
bool is_finite(Z<C> z) {
  return std::isfinite(z.real()) && std::isfinite(z.imag());
}

// pow with one of torch's exact exponents (flags, set by pow's op): 1: 2, 2: 3, 3: -2, 4: 0.5,
// 5: -0.5, 6: -1, 7: 0, 8: 1.
template <typename C>
Z<C> pow_case(Z<C> z, int how) {
  switch (how) {
    case 1:
      return mul(z, z);
    case 2:
      return mul(mul(z, z), z);
    case 3:
      return div(Z<C>(1), mul(z, z));
    case 4:
      return std::sqrt(z);
    case 5:
      return div(Z<C>(1), std::sqrt(z));
    case 6:
      return div(Z<C>(1), z);
    case 7:
      return Z<C>(1);
    default:
      return z;
  }
}

template <typename C>
Z<C> complex_alpha(const KernelArgs& a) {
  return {static_cast<C>(a.f0), static_cast<C>(a.f2)};
}

// One kernel per functor the complex dtypes support: a functor over the operands.
template <int N, template <typename> class Op>
void run_op(const TensorIter& it, const KernelArgs& a) {
  if (it.common_dtype() == kComplexFloat) {
    map<float, N>(it, Op<float>{a});
  } else {
    map<double, N>(it, Op<double>{a});
  }
}

#define TORSH_COMPLEX_OP(Name, expr)                      \
  template <typename C>                                   \
  struct Name {                                           \
    KernelArgs args;                                      \
    auto operator()(const Z<C>* v) const { return expr; } \
  };

TORSH_COMPLEX_OP(CAdd, v[0] + mul(complex_alpha<C>(args), v[1]))
TORSH_COMPLEX_OP(CSub, v[0] - mul(complex_alpha<C>(args), v[1]))
TORSH_COMPLEX_OP(CMul, mul(v[0], v[1]))
TORSH_COMPLEX_OP(CDiv, div(v[0], v[1]))
TORSH_COMPLEX_OP(CPow, std::pow(v[0], v[1]))
TORSH_COMPLEX_OP(CPowScalar, pow_case(v[0], args.flags))
TORSH_COMPLEX_OP(CEq, v[0] == v[1])
TORSH_COMPLEX_OP(CNe, v[0] != v[1])
TORSH_COMPLEX_OP(CWhere, v[0].real() != 0 ? v[1] : v[2])
TORSH_COMPLEX_OP(CNeg, -v[0])
TORSH_COMPLEX_OP(CExp, std::exp(v[0]))
TORSH_COMPLEX_OP(CLog, std::log(v[0]))
TORSH_COMPLEX_OP(CLog2, std::log(v[0]) / static_cast<C>(std::log(2.0)))
TORSH_COMPLEX_OP(CLog10, std::log10(v[0]))
TORSH_COMPLEX_OP(CSqrt, std::sqrt(v[0]))
TORSH_COMPLEX_OP(CRsqrt, div(Z<C>(1), std::sqrt(v[0])))
TORSH_COMPLEX_OP(CReciprocal, div(Z<C>(1), v[0]))
TORSH_COMPLEX_OP(CSin, std::sin(v[0]))
TORSH_COMPLEX_OP(CCos, std::cos(v[0]))
TORSH_COMPLEX_OP(CTan, std::tan(v[0]))
TORSH_COMPLEX_OP(CSinh, std::sinh(v[0]))
TORSH_COMPLEX_OP(CCosh, std::cosh(v[0]))
TORSH_COMPLEX_OP(CTanh, std::tanh(v[0]))
TORSH_COMPLEX_OP(CAsin, std::asin(v[0]))
TORSH_COMPLEX_OP(CAcos, std::acos(v[0]))
TORSH_COMPLEX_OP(CAtan, std::atan(v[0]))
TORSH_COMPLEX_OP(CAsinh, std::asinh(v[0]))
TORSH_COMPLEX_OP(CAcosh, std::acosh(v[0]))
TORSH_COMPLEX_OP(CAtanh, std::atanh(v[0]))
TORSH_COMPLEX_OP(CSigmoid, div(Z<C>(1), Z<C>(1) + std::exp(-v[0])))
TORSH_COMPLEX_OP(CAbs, std::abs(v[0]))
TORSH_COMPLEX_OP(CAngle, std::arg(v[0]))
TORSH_COMPLEX_OP(CSgn, v[0] == Z<C>(0) ? Z<C>(0) : v[0] / std::abs(v[0]))
TORSH_COMPLEX_OP(CIsnan, is_nan(v[0]))
TORSH_COMPLEX_OP(CIsinf, is_inf(v[0]))
TORSH_COMPLEX_OP(CIsfinite, is_finite(v[0]))
TORSH_COMPLEX_OP(CLogicalNot, v[0] == Z<C>(0))
#undef TORSH_COMPLEX_OP
}  // namespace

void register_complex_kernels() {
  const struct {
    KernelId id;
    KernelFn fn;
  } table[] = {
      {KernelId::Binary_Add, &run_op<2, CAdd>},
      {KernelId::Binary_Sub, &run_op<2, CSub>},
      {KernelId::Binary_Mul, &run_op<2, CMul>},
      {KernelId::Binary_Div, &run_op<2, CDiv>},
      {KernelId::Binary_Pow, &run_op<2, CPow>},
      {KernelId::Unary_PowScalar, &run_op<1, CPowScalar>},
      {KernelId::Binary_Eq, &run_op<2, CEq>},
      {KernelId::Binary_Ne, &run_op<2, CNe>},
      {KernelId::Ternary_Where, &run_op<3, CWhere>},
      {KernelId::Unary_Neg, &run_op<1, CNeg>},
      {KernelId::Unary_Exp, &run_op<1, CExp>},
      {KernelId::Unary_Log, &run_op<1, CLog>},
      {KernelId::Unary_Log2, &run_op<1, CLog2>},
      {KernelId::Unary_Log10, &run_op<1, CLog10>},
      {KernelId::Unary_Sqrt, &run_op<1, CSqrt>},
      {KernelId::Unary_Rsqrt, &run_op<1, CRsqrt>},
      {KernelId::Unary_Reciprocal, &run_op<1, CReciprocal>},
      {KernelId::Unary_Sin, &run_op<1, CSin>},
      {KernelId::Unary_Cos, &run_op<1, CCos>},
      {KernelId::Unary_Tan, &run_op<1, CTan>},
      {KernelId::Unary_Sinh, &run_op<1, CSinh>},
      {KernelId::Unary_Cosh, &run_op<1, CCosh>},
      {KernelId::Unary_Tanh, &run_op<1, CTanh>},
      {KernelId::Unary_Asin, &run_op<1, CAsin>},
      {KernelId::Unary_Acos, &run_op<1, CAcos>},
      {KernelId::Unary_Atan, &run_op<1, CAtan>},
      {KernelId::Unary_Asinh, &run_op<1, CAsinh>},
      {KernelId::Unary_Acosh, &run_op<1, CAcosh>},
      {KernelId::Unary_Atanh, &run_op<1, CAtanh>},
      {KernelId::Unary_Sigmoid, &run_op<1, CSigmoid>},
      {KernelId::Unary_Abs, &run_op<1, CAbs>},
      {KernelId::Unary_Angle, &run_op<1, CAngle>},
      {KernelId::Unary_Sign, &run_op<1, CSgn>},
      {KernelId::Unary_Isnan, &run_op<1, CIsnan>},
      {KernelId::Unary_Isinf, &run_op<1, CIsinf>},
      {KernelId::Unary_Isfinite, &run_op<1, CIsfinite>},
      {KernelId::Unary_LogicalNot, &run_op<1, CLogicalNot>},
  };
  for (const auto& e : table) register_complex_kernel(e.id, kCPU, e.fn);
}

}  // namespace torsh::detail::cpu
