#pragma once
// A reduction whose accumulator is any small struct (Welford's triple, logsumexp's running max
// and sum, a NaN-skipping sum): the engine's interface (iter/reduce.h) over an Op that gives
//   Acc init(); Acc add(Acc, M x); Acc combine(Acc, Acc); void store(Acc, char* const* outs);
//   static constexpr bool kCascade;   and optionally   Acc run(const In*, int64_t n)
// (a contiguous run from init, vectorised). M is the input's compute type (float for 16-bit).
// Heavy templates: include only from src/ops/cpu/*.cpp.
#include "iter/reduce.h"

namespace torsh::detail {

template <typename In, class Op>
struct MapReduce {
  using M = opmath_t<In>;
  using AccT = typename Op::Acc;
  static constexpr bool kCascade = Op::kCascade;
  static constexpr bool kFoldable = true;
  static constexpr int64_t kInSize = sizeof(In);
  static constexpr bool kFastRun = requires(const Op& o, const In* p) { o.run(p, int64_t{}); };
  struct Buf {
    AccArray<AccT> a;
    explicit Buf(int64_t n) : a(n) {}
    AccT get(int64_t j) const { return a[j]; }
    void set(int64_t j, AccT v) { a[j] = v; }
    void copy_from(const Buf& o, int64_t w) {
      for (int64_t j = 0; j < w; ++j) a[j] = o.a[j];
    }
  };

  Op op;

  AccT init() const { return op.init(); }
  AccT combine(AccT a, AccT b) const { return op.combine(a, b); }
  static M load(const char* p) { return static_cast<M>(*reinterpret_cast<const In*>(p)); }
  void store(AccT a, char* const* outs) const { op.store(a, outs); }

  AccT seq(AccT a, const char* p, int64_t s, int64_t n) const {
    if (s == static_cast<int64_t>(sizeof(In))) {
      const In* x = reinterpret_cast<const In*>(p);
      for (int64_t i = 0; i < n; ++i) a = op.add(a, static_cast<M>(x[i]));
    } else {
      for (int64_t i = 0; i < n; ++i) a = op.add(a, load(p + i * s));
    }
    return a;
  }
  // Blocks combined pairwise: rounding error grows with log(n).
  AccT pairwise(const char* p, int64_t s, int64_t n) const {
    constexpr int64_t kBlock = 256;
    if (n <= kBlock) return seq(op.init(), p, s, n);
    const int64_t half = (n / 2 + kBlock - 1) / kBlock * kBlock;
    return combine(pairwise(p, s, half), pairwise(p + half * s, s, n - half));
  }
  AccT run(AccT a, const char* p, int64_t s, int64_t n, int64_t, int64_t) const {
    if constexpr (kFastRun) {
      if (n >= kShortRun && s == static_cast<int64_t>(sizeof(In)))
        return combine(a, op.run(reinterpret_cast<const In*>(p), n));
    }
    if constexpr (kCascade) {
      if (n > 256) return combine(a, pairwise(p, s, n));
    }
    return seq(a, p, s, n);
  }
  void fill_init(Buf& b, int64_t w) const {
    for (int64_t j = 0; j < w; ++j) b.a[j] = op.init();
  }
  void rows(Buf& b, const char* row, int64_t s, int64_t w, int64_t, bool) const {
    AccT* a = b.a.data();
    if (s == static_cast<int64_t>(sizeof(In))) {
      const In* x = reinterpret_cast<const In*>(row);
      for (int64_t j = 0; j < w; ++j) a[j] = op.add(a[j], static_cast<M>(x[j]));
    } else {
      for (int64_t j = 0; j < w; ++j) a[j] = op.add(a[j], load(row + j * s));
    }
  }
  void rows_first(Buf& b, const char* row, int64_t s, int64_t w, int64_t idx, bool ord) const {
    fill_init(b, w);
    rows(b, row, s, w, idx, ord);
  }
  void merge(Buf& dst, const Buf& src, int64_t w) const {
    for (int64_t j = 0; j < w; ++j) dst.a[j] = combine(dst.a[j], src.a[j]);
  }
};

/// Runs Op over iter's reduction.
template <typename In, class Op>
void map_reduce_kernel(const TensorIter& it, const Op& op) {
  MapReduce<In, Op> k{op};
  run_reduction(reduce_layout(it), k);
}

}  // namespace torsh::detail
