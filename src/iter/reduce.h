#pragma once
// The reduction engine (DESIGN.md §5): one driver for every reduction over a TensorIter built in
// reduction mode. It owns the split policy (inner runs along a reduced dim, or rows accumulated
// across a kept dim; threads over outputs or over the reduced dims, partials combined in a fixed
// order; cascade summation for floats) and calls the op's scalar init/combine/project plus
// optional vectorised fast paths. Heavy templates: include only from src/ops/*.cpp.
#include <omp.h>

#include <array>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "core/dispatch.h"
#include "cpu/parallel.h"
#include "iter/tensor_iter.h"

namespace torsh::detail {

// ---- plumbing shared by the reduction ops (iter/reduce.cpp) -----------------------------------

/// Marks the reduced dims of self (size max(dim, 1)); no dims, or an empty list, means all.
/// ranges_first: every dim's range is checked before repeats (sum, amax, ...); otherwise each
/// dim is checked in turn, range then repeat (torch's var, std and nansum).
std::vector<bool> reduced_mask(const Tensor& self, OptionalIntArrayRef dim, const char* op,
                               bool ranges_first = true);
/// self's shape with size 1 on the reduced dims.
SizeVec keepdim_shape(const Tensor& self, const std::vector<bool>& mask);
/// Drops the reduced (size-1) dims of a fresh contiguous keepdim result, in place.
void drop_reduced_(Tensor& t, const std::vector<bool>& mask, int64_t ndim);
/// The reduction iterator over `in`: outs[k] are keepdim-shaped and keep their dtypes;
/// track_index: argmax-style ops need the logical index of each element.
TensorIter reduction_iter(const char* op, const Tensor& in, Tensor* outs, int nout,
                          bool track_index);

/// A reduction iterator split into kept dims (one output element per position) and reduced
/// dims, each list fastest first, with byte strides and the reduced dims' index strides.
struct ReduceLayout {
  static constexpr int kMaxOut = 3;  // values, indices and one more (fits kMaxOperands)
  int nout = 0;
  char* out[kMaxOut] = {};
  const char* in = nullptr;
  SizeVec ksize, kin, kout[kMaxOut];  // kout[k] only for k < nout
  SizeVec rsize, rin, ridx;  // never empty: a reduction over nothing is one run of length 1
  int64_t nkept = 1, nred = 1;
  bool inner = true;  // the fastest dim is reduced: each output reduces runs along it
};
ReduceLayout reduce_layout(const TensorIter& it);

/// Walks a list of dims (fastest first) tracking kW byte offsets.
template <int kW>
struct DimWalker {
  int nd = 0;
  const int64_t* size = nullptr;
  const int64_t* stride[kW] = {};
  SizeVec pos;
  int64_t off[kW] = {};

  DimWalker(const SizeVec& sz, std::array<const SizeVec*, kW> st, int first = 0)
      : nd(static_cast<int>(sz.size()) - first), size(sz.data() + first), pos(nd) {
    for (int w = 0; w < kW; ++w) stride[w] = st[w]->data() + first;
  }
  void seek(int64_t lin) {
    for (int w = 0; w < kW; ++w) off[w] = 0;
    for (int d = 0; d < nd; ++d) {
      pos[d] = lin % size[d];
      lin /= size[d];
      for (int w = 0; w < kW; ++w) off[w] += pos[d] * stride[w][d];
    }
  }
  void next() {
    for (int d = 0; d < nd; ++d) {
      for (int w = 0; w < kW; ++w) off[w] += stride[w][d];
      if (++pos[d] < size[d]) return;
      for (int w = 0; w < kW; ++w) off[w] -= size[d] * stride[w][d];
      pos[d] = 0;
    }
  }
};

/// Accumulators for a span of outputs; short spans live inline.
template <typename T>
class AccArray {
 public:
  static constexpr int64_t kInline = 64;
  explicit AccArray(int64_t n) : heap_(n > kInline ? new T[n] : nullptr) {}
  AccArray(AccArray&& o) noexcept : heap_(std::move(o.heap_)) {
    if (!heap_) std::memcpy(inline_, o.inline_, sizeof(inline_));
  }
  T* data() { return heap_ ? heap_.get() : inline_; }
  const T* data() const { return heap_ ? heap_.get() : inline_; }
  T& operator[](int64_t i) { return data()[i]; }
  const T& operator[](int64_t i) const { return data()[i]; }

 private:
  std::unique_ptr<T[]> heap_;
  T inline_[kInline];
};

/// No vectorised fast path.
struct NoSimd {};

/// Runs and rows shorter than this skip the vectorised paths (a call per run costs more).
constexpr int64_t kShortRun = 32;

// ---- value reductions: acc = combine(acc, Acc(x)) from init; out = project(acc) -------------

template <typename In, typename Acc, typename Out, class Combine, class Project, class Simd,
          bool kCascadeV>
struct ValueReduce {
  static constexpr bool kCascade = kCascadeV;
  static constexpr bool kFoldable = true;  // partials of interleaved rows combine freely
  static constexpr int64_t kInSize = sizeof(In);
  static constexpr bool kSimdRun = requires(const In* p) { Simd::run(p, int64_t{}); };
  static constexpr bool kSimdRows = requires(Acc * a, const In* p) { Simd::rows(a, p, int64_t{}); };
  static constexpr bool kSimdRuns = requires(Acc * a, const In* p) {
    Simd::runs(p, int64_t{}, int64_t{}, int64_t{}, a);
  };
  using AccT = Acc;
  struct Buf {
    AccArray<Acc> a;
    explicit Buf(int64_t n) : a(n) {}
    Acc get(int64_t j) const { return a[j]; }
    void set(int64_t j, Acc v) { a[j] = v; }
    void copy_from(const Buf& o, int64_t w) { std::memcpy(a.data(), o.a.data(), w * sizeof(Acc)); }
  };

  Acc init_;
  Combine combine_;
  Project project_;

  Acc init() const { return init_; }
  Acc combine(Acc a, Acc b) const { return combine_(a, b); }
  static Acc load(const char* p) { return convert<Acc>(*reinterpret_cast<const In*>(p)); }
  void store(Acc a, char* const* outs) const {
    *reinterpret_cast<Out*>(outs[0]) = static_cast<Out>(project_(a));
  }
  // Outputs out[0..n) at byte stride os from b[0..n) (vectorisable when dense).
  void store_run(const Buf& b, int64_t n, char* out, int64_t os) const {
    const Acc* a = b.a.data();
    if (os == static_cast<int64_t>(sizeof(Out))) {
      Out* o = reinterpret_cast<Out*>(out);
      for (int64_t j = 0; j < n; ++j) o[j] = static_cast<Out>(project_(a[j]));
    } else {
      for (int64_t j = 0; j < n; ++j)
        *reinterpret_cast<Out*>(out + j * os) = static_cast<Out>(project_(a[j]));
    }
  }

  // Pairwise over blocks of 8 independent lanes: float error grows with log(n).
  Acc pairwise(const char* p, int64_t s, int64_t n) const {
    constexpr int64_t kBlock = 128;
    if (n > kBlock) {
      const int64_t half = (n / 2 + kBlock - 1) / kBlock * kBlock;
      return combine(pairwise(p, s, half), pairwise(p + half * s, s, n - half));
    }
    Acc lanes[8];
    for (auto& l : lanes) l = init_;
    int64_t i = 0;
    if (s == static_cast<int64_t>(sizeof(In))) {
      const In* x = reinterpret_cast<const In*>(p);
      for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j) lanes[j] = combine(lanes[j], convert<Acc>(x[i + j]));
    }
    for (; i < n; ++i) lanes[i & 7] = combine(lanes[i & 7], load(p + i * s));
    return combine(combine(combine(lanes[0], lanes[1]), combine(lanes[2], lanes[3])),
                   combine(combine(lanes[4], lanes[5]), combine(lanes[6], lanes[7])));
  }

  Acc run(Acc a, const char* p, int64_t s, int64_t n, int64_t, int64_t) const {
    if (n < kShortRun) {
      for (int64_t i = 0; i < n; ++i) a = combine(a, load(p + i * s));
      return a;
    }
    if constexpr (kSimdRun) {
      if (s == static_cast<int64_t>(sizeof(In)))
        return combine(a, Simd::run(reinterpret_cast<const In*>(p), n));
    }
    if constexpr (kCascade) {
      return combine(a, pairwise(p, s, n));
    } else {
      if (s == static_cast<int64_t>(sizeof(In))) {
        const In* x = reinterpret_cast<const In*>(p);
        for (int64_t i = 0; i < n; ++i) a = combine(a, convert<Acc>(x[i]));
      } else {
        for (int64_t i = 0; i < n; ++i) a = combine(a, load(p + i * s));
      }
      return a;
    }
  }

  // b[j0 + r] = the run of n elements at p + r * ps (byte stride), r < count, when a vectorised
  // path takes several runs at once; false otherwise.
  bool runs(Buf& b, int64_t j0, const char* p, int64_t s, int64_t n, int64_t ps,
            int64_t count) const {
    if constexpr (kSimdRuns) {
      constexpr int64_t e = sizeof(In);
      if (s == e && n >= kShortRun && ps % e == 0) {
        Simd::runs(reinterpret_cast<const In*>(p), n, ps / e, count, b.a.data() + j0);
        for (int64_t j = j0; j < j0 + count; ++j) b.a[j] = combine(init_, b.a[j]);
        return true;
      }
    }
    return false;
  }
  void fill_init(Buf& b, int64_t w) const {
    for (int64_t j = 0; j < w; ++j) b.a[j] = init_;
  }
  void rows(Buf& b, const char* row, int64_t s, int64_t w, int64_t, bool) const {
    Acc* a = b.a.data();
    if (s == static_cast<int64_t>(sizeof(In))) {
      if constexpr (kSimdRows) {
        if (w >= kShortRun) {
          Simd::rows(a, reinterpret_cast<const In*>(row), w);
          return;
        }
      }
      const In* x = reinterpret_cast<const In*>(row);
      for (int64_t j = 0; j < w; ++j) a[j] = combine(a[j], convert<Acc>(x[j]));
    } else {
      for (int64_t j = 0; j < w; ++j) a[j] = combine(a[j], load(row + j * s));
    }
  }
  void rows_first(Buf& b, const char* row, int64_t s, int64_t w, int64_t idx, bool ord) const {
    fill_init(b, w);
    rows(b, row, s, w, idx, ord);
  }
  void merge(Buf& dst, const Buf& src, int64_t w) const {
    Acc* d = dst.a.data();
    const Acc* x = src.a.data();
    for (int64_t j = 0; j < w; ++j) d[j] = combine(d[j], x[j]);
  }
};

// ---- index-carrying reductions (argmax/argmin, max.dim/min.dim) ------------------------------

/// torch's rule: the first index of the extreme; a NaN beats every number, the first NaN wins.
template <typename In, bool kMax, class Simd>
struct ArgReduce {
  using M = opmath_t<In>;
  static constexpr bool kCascade = false;
  static constexpr bool kFoldable = false;  // indices are per row
  static constexpr int64_t kInSize = sizeof(In);
  static constexpr bool kSimdRun = requires(const In* p) { Simd::run(p, int64_t{}); };
  static constexpr bool kSimdRows = requires(M * v, int64_t* i, const In* p) {
    Simd::rows(v, i, p, int64_t{}, int64_t{});
  };
  struct AccT {
    M v;
    int64_t i;  // -1: nothing seen yet
  };
  struct Buf {
    AccArray<M> v;
    AccArray<int64_t> i;
    explicit Buf(int64_t n) : v(n), i(n) {}
    AccT get(int64_t j) const { return {v[j], i[j]}; }
    void set(int64_t j, AccT a) {
      v[j] = a.v;
      i[j] = a.i;
    }
  };

  bool with_values;  // outputs: [values,] indices

  static bool better(M x, M y) {
    const bool b = kMax ? x > y : x < y;
    if constexpr (std::is_floating_point_v<M>) {
      return b | ((x != x) & (y == y));
    } else {
      return b;
    }
  }
  static M load(const char* p) { return static_cast<M>(*reinterpret_cast<const In*>(p)); }
  AccT init() const { return {M(), -1}; }
  AccT combine(AccT a, AccT b) const {
    if (a.i < 0) return b;
    if (b.i < 0 || better(a.v, b.v)) return a;
    if (better(b.v, a.v)) return b;
    return b.i < a.i ? b : a;
  }
  void store(AccT a, char* const* outs) const {
    if (with_values) *reinterpret_cast<In*>(outs[0]) = convert<In>(a.v);
    *reinterpret_cast<int64_t*>(outs[with_values ? 1 : 0]) = a.i;
  }

  AccT run(AccT a, const char* p, int64_t s, int64_t n, int64_t idx0, int64_t xs) const {
    int64_t k = 0;
    if constexpr (kSimdRun) {
      if (n >= kShortRun && s == static_cast<int64_t>(sizeof(In))) {
        k = Simd::run(reinterpret_cast<const In*>(p), n);
        return combine(a, {load(p + k * s), idx0 + k * xs});
      }
    }
    M best = load(p);
    if (n < kShortRun) {
      // Short runs: the extreme first (max/min instructions, no branch to mispredict on random
      // data), then its first index, or the first NaN's.
      bool nan = false;
      for (int64_t i = 1; i < n; ++i) {
        const M v = load(p + i * s);
        best = kMax ? (v > best ? v : best) : (v < best ? v : best);
        if constexpr (std::is_floating_point_v<M>) nan |= v != v;
      }
      if constexpr (std::is_floating_point_v<M>) nan |= best != best;
      for (int64_t i = n - 1; i >= 0; --i) {  // backwards, with selects: ends at the first hit
        const M v = load(p + i * s);
        k = (nan ? v != v : v == best) ? i : k;
      }
      return combine(a, {load(p + k * s), idx0 + k * xs});
    }
    for (int64_t i = 1; i < n; ++i) {
      const M v = load(p + i * s);
      if (better(v, best)) {
        best = v;
        k = i;
      }
    }
    return combine(a, {best, idx0 + k * xs});
  }

  void rows_first(Buf& b, const char* row, int64_t s, int64_t w, int64_t idx, bool) const {
    for (int64_t j = 0; j < w; ++j) {
      b.v[j] = load(row + j * s);
      b.i[j] = idx;
    }
  }
  // ordered: rows arrive in increasing index order, so ties keep the earlier row.
  void rows(Buf& b, const char* row, int64_t s, int64_t w, int64_t idx, bool ordered) const {
    if constexpr (kSimdRows) {
      if (ordered && w >= kShortRun && s == static_cast<int64_t>(sizeof(In))) {
        Simd::rows(b.v.data(), b.i.data(), reinterpret_cast<const In*>(row), w, idx);
        return;
      }
    }
    for (int64_t j = 0; j < w; ++j) {
      const M v = load(row + j * s);
      if (better(v, b.v[j]) || (!ordered && !better(b.v[j], v) && idx < b.i[j])) {
        b.v[j] = v;
        b.i[j] = idx;
      }
    }
  }
  void fill_init(Buf&, int64_t) const {}
  void merge(Buf&, const Buf&, int64_t) const {}
};

// ---- the driver ---------------------------------------------------------------------------

namespace reduce_impl {

constexpr int kFanIn = 16;  // cascade: each level sums up to 16 partials of the level below
constexpr int64_t kTileBytes = 64 << 10;  // accumulators of a row tile (outer layout)
constexpr int64_t kTileInner = 64;        // outputs of a tile (inner layout)

// Partials of one output, combined in a fan-in-16 cascade (kCascade) or in sequence.
template <class K>
struct Cascade {
  using Acc = typename K::AccT;
  Acc lv[12] = {};
  int cnt[12] = {};
  void add(const K& k, Acc a) {
    for (int l = 0;; ++l) {
      lv[l] = cnt[l] == 0 ? a : k.combine(lv[l], a);
      if (++cnt[l] < kFanIn || l == 11) return;
      cnt[l] = 0;
      a = lv[l];
    }
  }
  Acc total(const K& k) const {
    Acc t = k.init();
    for (int l = 11; l >= 0; --l)
      if (cnt[l] > 0) t = k.combine(t, lv[l]);
    return t;
  }
};

// One output (inner layout): its elements at reduced positions [rb, re), run by run.
template <class K>
typename K::AccT reduce_one(const ReduceLayout& L, const K& k, const char* base, int64_t rb,
                            int64_t re) {
  const int64_t n0 = L.rsize[0], s0 = L.rin[0], x0 = L.ridx[0];
  if (L.rsize.size() == 1) return k.run(k.init(), base + rb * s0, s0, re - rb, rb * x0, x0);
  DimWalker<2> w(L.rsize, {&L.rin, &L.ridx}, 1);
  int64_t i = rb % n0;
  w.seek(rb / n0);
  Cascade<K> cas;
  typename K::AccT acc = k.init();
  for (int64_t r = rb; r < re;) {
    const int64_t len = std::min(n0 - i, re - r);
    const char* p = base + w.off[0] + i * s0;
    if constexpr (K::kCascade) {
      cas.add(k, k.run(k.init(), p, s0, len, w.off[1] + i * x0, x0));
    } else {
      acc = k.run(acc, p, s0, len, w.off[1] + i * x0, x0);
    }
    r += len;
    i = 0;
    w.next();
  }
  if constexpr (K::kCascade) acc = cas.total(k);
  return acc;
}

// Outputs [ob, oe) (inner layout, at most kTileInner) over all their reduced positions, in
// memory order: for each position of the outer reduced dims, the runs of every output.
template <class K>
void reduce_runs_in_order(const ReduceLayout& L, const K& k, typename K::Buf& buf, int64_t ob,
                          int64_t oe) {
  using Acc = typename K::AccT;
  const int64_t n = oe - ob, n0 = L.rsize[0], s0 = L.rin[0], x0 = L.ridx[0];
  const char* base[kTileInner];
  DimWalker<1> kw(L.ksize, {&L.kin});
  kw.seek(ob);
  for (int64_t j = 0; j < n; ++j, kw.next()) base[j] = L.in + kw.off[0];
  DimWalker<2> w(L.rsize, {&L.rin, &L.ridx}, 1);
  const int64_t m = L.nred / n0;
  if constexpr (K::kCascade) {
    Cascade<K> cas[kTileInner];
    for (int64_t q = 0; q < m; ++q, w.next())
      for (int64_t j = 0; j < n; ++j)
        cas[j].add(k, k.run(k.init(), base[j] + w.off[0], s0, n0, w.off[1], x0));
    for (int64_t j = 0; j < n; ++j) buf.set(j, cas[j].total(k));
  } else {
    Acc acc[kTileInner];
    for (int64_t j = 0; j < n; ++j) acc[j] = k.init();
    for (int64_t q = 0; q < m; ++q, w.next())
      for (int64_t j = 0; j < n; ++j)
        acc[j] = k.run(acc[j], base[j] + w.off[0], s0, n0, w.off[1], x0);
    for (int64_t j = 0; j < n; ++j) buf.set(j, acc[j]);
  }
}

// Rows given by a cursor (ptr()/idx() of the current row, next()) accumulated into out[0..w),
// cascaded in fan-in-16 levels for floats.
template <class K, class Cursor>
void accumulate_rows(const K& k, typename K::Buf& out, int64_t w, int64_t s, int64_t nrows,
                     Cursor& c, bool ordered) {
  using Buf = typename K::Buf;
  auto plain = [&] {
    k.rows_first(out, c.ptr(), s, w, c.idx(), ordered);
    c.next();
    for (int64_t r = 1; r < nrows; ++r, c.next()) k.rows(out, c.ptr(), s, w, c.idx(), ordered);
  };
  if constexpr (!K::kCascade) {
    plain();
  } else if (nrows <= kFanIn) {
    plain();
  } else {
    struct Level {
      Buf buf;
      int count;
    };
    std::vector<Level> up;
    up.reserve(16);
    Buf l0(w);
    int c0 = 0;
    for (int64_t r = 0; r < nrows; ++r, c.next()) {
      if (c0 == 0) {
        k.rows_first(l0, c.ptr(), s, w, c.idx(), ordered);
      } else {
        k.rows(l0, c.ptr(), s, w, c.idx(), ordered);
      }
      if (++c0 < kFanIn) continue;
      c0 = 0;
      const Buf* src = &l0;
      for (size_t l = 0;; ++l) {
        if (l == up.size()) up.push_back({Buf(w), 0});
        Level& u = up[l];
        if (u.count == 0) {
          u.buf.copy_from(*src, w);
        } else {
          k.merge(u.buf, *src, w);
        }
        if (++u.count < kFanIn || l == 14) break;
        u.count = 0;
        src = &u.buf;
      }
    }
    k.fill_init(out, w);
    for (size_t l = up.size(); l-- > 0;)
      if (up[l].count > 0) k.merge(out, up[l].buf, w);
    if (c0 > 0) k.merge(out, l0, w);
  }
}

// Rows at a constant stride (a single reduced dim).
struct StrideCursor {
  const char* p;
  int64_t i, ps, is;
  const char* ptr() const { return p; }
  int64_t idx() const { return i; }
  void next() {
    p += ps;
    i += is;
  }
};
// Rows anywhere in the reduced dims.
struct WalkCursor {
  const char* base;
  DimWalker<2> w;
  const char* ptr() const { return base + w.off[0]; }
  int64_t idx() const { return w.off[1]; }
  void next() { w.next(); }
};

// Outputs base[0..w) along the kept fastest dim (outer layout): rows at reduced positions
// [rb, re). Narrow contiguous rows of a foldable reduction are read G at a time as one wide
// row (G*w partials, vectorised), then the G partials of each output are combined.
template <class K>
void reduce_rows(const ReduceLayout& L, const K& k, typename K::Buf& out, const char* base,
                 int64_t w, int64_t rb, int64_t re) {
  const int64_t s = L.kin[0];
  if (L.rsize.size() == 1) {
    const int64_t rs = L.rin[0], xs = L.ridx[0];
    if constexpr (K::kFoldable) {
      const int64_t g = 2 * kShortRun / w, n = re - rb, q = n / std::max<int64_t>(g, 1);
      if (w < kShortRun && s == K::kInSize && rs == w * s && q >= 2) {
        typename K::Buf wide(g * w);
        StrideCursor c{base + rb * rs, 0, g * rs, 0};
        accumulate_rows(k, wide, g * w, s, q, c, true);
        for (int64_t j = 0; j < w; ++j) {
          auto a = wide.get(j);
          for (int64_t h = 1; h < g; ++h) a = k.combine(a, wide.get(h * w + j));
          out.set(j, a);
        }
        if (n > q * g) {
          typename K::Buf rest(w);
          StrideCursor rc{base + (rb + q * g) * rs, 0, rs, 0};
          accumulate_rows(k, rest, w, s, n - q * g, rc, true);
          for (int64_t j = 0; j < w; ++j) out.set(j, k.combine(out.get(j), rest.get(j)));
        }
        return;
      }
    }
    StrideCursor c{base + rb * rs, rb * xs, rs, xs};
    accumulate_rows(k, out, w, s, re - rb, c, true);
    return;
  }
  WalkCursor c{base, DimWalker<2>(L.rsize, {&L.rin, &L.ridx})};
  c.w.seek(rb);
  accumulate_rows(k, out, w, s, re - rb, c, false);
}

// Partials of outputs [ob, oe) over reduced positions [rb, re) into buf[0..oe-ob); in the outer
// layout the span stays inside one row of outputs.
template <class K>
void reduce_tile(const ReduceLayout& L, const K& k, typename K::Buf& buf, int64_t ob, int64_t oe,
                 int64_t rb, int64_t re) {
  if (L.inner) {
    if (L.rsize.size() > 1 && rb == 0 && re == L.nred && oe - ob <= kTileInner) {
      reduce_runs_in_order(L, k, buf, ob, oe);
      return;
    }
    if constexpr (requires { k.runs(buf, ob, L.in, ob, ob, ob, ob); }) {
      // Whole runs of outputs consecutive along the fastest kept dim: several at once.
      if (L.rsize.size() == 1 && rb == 0 && re == L.nred && !L.ksize.empty()) {
        const int64_t k0 = L.ksize[0];
        DimWalker<1> kw(L.ksize, {&L.kin});
        bool done = true;
        for (int64_t o = ob; o < oe && done;) {
          const int64_t e = std::min(oe, (o / k0 + 1) * k0);
          kw.seek(o);
          done = k.runs(buf, o - ob, L.in + kw.off[0], L.rin[0], L.nred, L.kin[0], e - o);
          o = e;
        }
        if (done) return;
      }
    }
    DimWalker<1> kw(L.ksize, {&L.kin});
    kw.seek(ob);
    for (int64_t o = ob; o < oe; ++o, kw.next())
      buf.set(o - ob, reduce_one(L, k, L.in + kw.off[0], rb, re));
  } else {
    const int64_t w0 = L.ksize[0];
    DimWalker<1> gw(L.ksize, {&L.kin}, 1);
    gw.seek(ob / w0);
    reduce_rows(L, k, buf, L.in + gw.off[0] + (ob % w0) * L.kin[0], oe - ob, rb, re);
  }
}

template <class K>
void store_tile(const ReduceLayout& L, const K& k, const typename K::Buf& buf, int64_t ob,
                int64_t oe) {
  static_assert(ReduceLayout::kMaxOut == 3);
  char* outs[ReduceLayout::kMaxOut];
  // Unused outputs walk output 0's strides (never read).
  DimWalker<ReduceLayout::kMaxOut> ow(
      L.ksize, {&L.kout[0], &L.kout[L.nout > 1 ? 1 : 0], &L.kout[L.nout > 2 ? 2 : 0]});
  ow.seek(ob);
  if (!L.inner || L.ksize.size() <= 1) {  // the tile lies along the fastest kept dim
    int64_t step[ReduceLayout::kMaxOut] = {};
    for (int j = 0; j < L.nout && !L.ksize.empty(); ++j) step[j] = L.kout[j][0];
    if constexpr (requires { k.store_run(buf, int64_t{}, outs[0], int64_t{}); }) {
      if (L.nout == 1) {
        k.store_run(buf, oe - ob, L.out[0] + ow.off[0], step[0]);
        return;
      }
    }
    for (int64_t o = ob; o < oe; ++o) {
      for (int j = 0; j < L.nout; ++j) outs[j] = L.out[j] + ow.off[j] + (o - ob) * step[j];
      k.store(buf.get(o - ob), outs);
    }
    return;
  }
  for (int64_t o = ob; o < oe; ++o, ow.next()) {
    for (int j = 0; j < L.nout; ++j) outs[j] = L.out[j] + ow.off[j];
    k.store(buf.get(o - ob), outs);
  }
}

// Tiles of [ob, oe): at most `tile` outputs each, never across a row of outputs (outer layout).
template <class F>
void for_each_tile(const ReduceLayout& L, int64_t ob, int64_t oe, int64_t tile, F&& f) {
  const int64_t w0 = L.inner ? oe : L.ksize[0];
  for (int64_t o = ob; o < oe;) {
    const int64_t e = std::min({oe, o + tile, (o / w0 + 1) * w0});
    f(o, e);
    o = e;
  }
}

}  // namespace reduce_impl

/// Runs reduction K over a layout: the split policy of DESIGN.md §5.
template <class K>
void run_reduction(const ReduceLayout& L, const K& k) {
  using namespace reduce_impl;
  using Buf = typename K::Buf;
  if (L.nkept == 0) return;
  const int64_t tile =
      L.inner ? kTileInner : std::max<int64_t>(64, kTileBytes / sizeof(typename K::AccT));
  if (L.nred == 0) {
    for_each_tile(L, 0, L.nkept, tile, [&](int64_t ob, int64_t oe) {
      Buf buf(oe - ob);
      for (int64_t o = ob; o < oe; ++o) buf.set(o - ob, k.init());
      store_tile(L, k, buf, ob, oe);
    });
    return;
  }
  const int nt = get_num_threads();
  const bool parallel = nt > 1 && L.nkept * L.nred > kGrainSize && !omp_in_parallel();
  const bool over_outputs = L.nkept >= (L.inner ? 4 : 64) * nt;
  if (!parallel || over_outputs) {
    // Threads own disjoint outputs; each output is reduced whole.
    const int64_t grain = std::max<int64_t>(1, (kGrainSize + L.nred - 1) / L.nred);
    parallel_for(0, L.nkept, grain, [&](int64_t b, int64_t e) {
      for_each_tile(L, b, e, tile, [&](int64_t ob, int64_t oe) {
        Buf buf(oe - ob);
        reduce_tile(L, k, buf, ob, oe, 0, L.nred);
        store_tile(L, k, buf, ob, oe);
      });
    });
    return;
  }
  // Few outputs: each thread reduces a slice of the reduced dims for every output; the
  // partials are combined in thread order, so the result does not depend on scheduling.
  const int64_t per = (L.nred + nt - 1) / nt;
  std::vector<Buf> parts;
  parts.reserve(nt);
  for (int t = 0; t < nt; ++t) parts.emplace_back(L.nkept);
  parallel_for(0, nt, 1, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      const int64_t rb = t * per, re = std::min(L.nred, rb + per);
      if (rb >= re) continue;
      for_each_tile(L, 0, L.nkept, L.nkept, [&](int64_t ob, int64_t oe) {
        Buf tmp(oe - ob);
        reduce_tile(L, k, tmp, ob, oe, rb, re);
        for (int64_t o = ob; o < oe; ++o) parts[t].set(o, tmp.get(o - ob));
      });
    }
  });
  for (int64_t o = 0; o < L.nkept; ++o) {
    auto acc = parts[0].get(o);
    for (int t = 1; t < nt && t * per < L.nred; ++t) acc = k.combine(acc, parts[t].get(o));
    parts[0].set(o, acc);
  }
  store_tile(L, k, parts[0], 0, L.nkept);
}

/// Value reduction of iter's input into its output: acc = combine(acc, Acc(x)) starting from
/// init, out = project(acc). Simd may give run(const In*, n) -> Acc (a contiguous run from init)
/// and rows(Acc*, const In*, w) (acc[j] = combine(acc[j], row[j])). kCascade: combine partial
/// sums pairwise/in levels (floats), so rounding error grows with log(n).
template <typename In, typename Acc, typename Out, class Simd = NoSimd,
          bool kCascade = std::is_floating_point_v<Acc>, class Combine, class Project>
void reduce_kernel(const TensorIter& it, Acc init, Combine combine, Project project) {
  ValueReduce<In, Acc, Out, Combine, Project, Simd, kCascade> k{init, combine, project};
  run_reduction(reduce_layout(it), k);
}

/// Index of the max (kMax) or min: outputs [values (In),] indices (int64). Simd may give
/// run(const In*, n) -> first index of the extreme, and rows(M* val, int64* idx, row, w, index).
template <typename In, bool kMax, class Simd = NoSimd>
void arg_reduce_kernel(const TensorIter& it) {
  ArgReduce<In, kMax, Simd> k{it.noutputs() == 2};
  run_reduction(reduce_layout(it), k);
}

}  // namespace torsh::detail
