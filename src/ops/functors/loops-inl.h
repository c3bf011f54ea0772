// Per-target pointwise loops, included by kernels_body-inl.h inside
// torsh::detail::kernels::HWY_NAMESPACE once per Highway target (hence no include guard).
// Every element of a floating computation goes through the functor's vector path, whatever the
// layout: dense runs are loaded directly, anything else (strides, other dtypes, half/bf16,
// tails) is converted into a stack block first. So f(x) has the same bits on every layout.

/// Elements per conversion block (a multiple of every target's lane count).
constexpr int64_t kBlock = 256;
/// Upper bound on lanes per vector for the enabled targets (tail buffers).
constexpr int64_t kMaxLanes = 64;

/// Integer element types other than bool (functors' scalar paths constrain on it).
template <typename T>
concept IntegerNotBool = std::is_integral_v<T> && !std::is_same_v<T, bool>;

/// The functor for one call: built from the call's arguments when it takes them.
template <class Op>
HWY_INLINE Op MakeOp(const KernelArgs& args) {
  if constexpr (std::is_constructible_v<Op, const KernelArgs&>) {
    return Op(args);
  } else {
    (void)args;
    return Op{};
  }
}

template <typename C>
constexpr ScalarType kComputeType = CppTypeToScalarType<C>::value;

template <typename C>
constexpr bool kVectorType = std::is_same_v<C, float> || std::is_same_v<C, double>;

/// N half (t == kHalf) or bfloat16 values at p, widened exactly to float lanes.
template <class DF>
HWY_INLINE hn::Vec<DF> Widen16(DF df, ScalarType t, const char* p) {
  if (t == kHalf) {
    const hn::Rebind<hwy::float16_t, DF> dh;
    return hn::PromoteTo(df, hn::LoadU(dh, reinterpret_cast<const hwy::float16_t*>(p)));
  }
  const hn::RebindToUnsigned<DF> du;
  const hn::Rebind<uint16_t, DF> du16;
  const auto wide = hn::PromoteTo(du, hn::LoadU(du16, reinterpret_cast<const uint16_t*>(p)));
  return hn::BitCast(df, hn::ShiftLeft<16>(wide));
}

/// Stores float lanes as half or bfloat16 at p, rounding to nearest even (bf16 NaN: 0x7fc0),
/// the same bits as the scalar Half/BFloat16 constructors.
template <class DF>
HWY_INLINE void Narrow16(DF, ScalarType t, hn::Vec<DF> v, char* p) {
  if (t == kHalf) {
    const hn::Rebind<hwy::float16_t, DF> dh;
    hn::StoreU(hn::DemoteTo(dh, v), dh, reinterpret_cast<hwy::float16_t*>(p));
    return;
  }
  const hn::RebindToUnsigned<DF> du;
  const hn::Rebind<uint16_t, DF> du16;
  const auto u = hn::BitCast(du, v);
  const auto bias = hn::Add(hn::Set(du, 0x7fffu), hn::And(hn::ShiftRight<16>(u), hn::Set(du, 1u)));
  auto r = hn::ShiftRight<16>(hn::Add(u, bias));
  r = hn::IfThenElse(hn::RebindMask(du, hn::IsNaN(v)), hn::Set(du, 0x7fc0u), r);
  const hn::RebindToSigned<DF> di;
  hn::StoreU(hn::DemoteTo(du16, hn::BitCast(di, r)), du16, reinterpret_cast<uint16_t*>(p));
}

/// Rounds buf[0..m) to the 16-bit type t and back: an input of another dtype is converted to a
/// half/bfloat16 common dtype before the op computes in float, as torch does.
HWY_INLINE void Round16(float* buf, ScalarType t, int64_t m) {
  if (t == kHalf) {
    for (int64_t j = 0; j < m; ++j) buf[j] = float(Half(buf[j]));
  } else {
    for (int64_t j = 0; j < m; ++j) buf[j] = float(BFloat16(buf[j]));
  }
}

/// buf[0..m) = the m elements at p (byte stride s, dtype t), converted to C; through the
/// common dtype `via` when that is a 16-bit type other than t.
template <typename C>
HWY_INLINE void LoadBlock(C* buf, const char* p, int64_t s, ScalarType t, int64_t m,
                          ScalarType via) {
  if constexpr (std::is_same_v<C, float>) {
    if (via != t && (via == kHalf || via == kBFloat16)) {
      LoadBlock(buf, p, s, t, m, t);
      Round16(buf, via, m);
      return;
    }
  }
  if (t == kComputeType<C> && s == static_cast<int64_t>(sizeof(C))) {
    std::memcpy(buf, p, static_cast<size_t>(m) * sizeof(C));
    return;
  }
  if (s == 0) {  // one broadcast value: converted once
    dispatch_all(t, "kernel", [&](auto tag) {
      std::fill(buf, buf + m, convert<C>(*reinterpret_cast<const decltype(tag)*>(p)));
    });
    return;
  }
  if (t == kBool && s == 1) {  // masks (where's condition)
    for (int64_t j = 0; j < m; ++j) buf[j] = static_cast<C>(p[j] != 0);
    return;
  }
  if constexpr (std::is_same_v<C, float>) {
    if ((t == kHalf || t == kBFloat16) && s == 2) {
      const hn::ScalableTag<float> df;
      const int64_t N = static_cast<int64_t>(hn::Lanes(df));
      int64_t j = 0;
      for (; j + N <= m; j += N) hn::Store(Widen16(df, t, p + 2 * j), df, buf + j);
      for (; j < m; ++j)
        buf[j] = t == kHalf ? float(reinterpret_cast<const Half*>(p)[j])
                            : float(reinterpret_cast<const BFloat16*>(p)[j]);
      return;
    }
  }
  dispatch_all(t, "kernel", [&](auto tag) {
    using S = decltype(tag);
    for (int64_t j = 0; j < m; ++j) buf[j] = convert<C>(*reinterpret_cast<const S*>(p + j * s));
  });
}

/// The m elements at p (byte stride s, dtype t) = buf[0..m), each rounded once.
template <typename C>
HWY_INLINE void StoreBlock(char* p, int64_t s, ScalarType t, const C* buf, int64_t m) {
  if (t == kComputeType<C> && s == static_cast<int64_t>(sizeof(C))) {
    std::memcpy(p, buf, static_cast<size_t>(m) * sizeof(C));
    return;
  }
  if (t == kBool && s == 1) {  // predicates and comparisons
    int64_t j = 0;
    if constexpr (kVectorType<C>) {  // lanes of 1/0 (or any value: NaN and nonzero are true)
      const hn::ScalableTag<C> d;
      const hn::Rebind<int32_t, decltype(d)> di;
      const hn::Rebind<uint8_t, decltype(d)> du8;
      const int64_t N = static_cast<int64_t>(hn::Lanes(d));
      for (; j + N <= m; j += N) {
        const auto v =
            hn::IfThenZeroElse(hn::Eq(hn::Load(d, buf + j), hn::Zero(d)), hn::Set(d, C(1)));
        hn::Vec<decltype(di)> w;
        if constexpr (sizeof(C) == 4) {
          w = hn::ConvertTo(di, v);
        } else {
          w = hn::DemoteTo(di, v);
        }
        hn::StoreU(hn::DemoteTo(du8, w), du8, reinterpret_cast<uint8_t*>(p + j));
      }
    }
    for (; j < m; ++j) p[j] = static_cast<char>(buf[j] != C(0));
    return;
  }
  if constexpr (std::is_same_v<C, float>) {
    if ((t == kHalf || t == kBFloat16) && s == 2) {
      const hn::ScalableTag<float> df;
      const int64_t N = static_cast<int64_t>(hn::Lanes(df));
      int64_t j = 0;
      for (; j + N <= m; j += N) Narrow16(df, t, hn::Load(df, buf + j), p + 2 * j);
      for (; j < m; ++j) {
        if (t == kHalf) {
          reinterpret_cast<Half*>(p)[j] = Half(buf[j]);
        } else {
          reinterpret_cast<BFloat16*>(p)[j] = BFloat16(buf[j]);
        }
      }
      return;
    }
  }
  dispatch_all(t, "kernel", [&](auto tag) {
    using S = decltype(tag);
    for (int64_t j = 0; j < m; ++j) *reinterpret_cast<S*>(p + j * s) = convert<S>(buf[j]);
  });
}

/// Zero-fills buf[m..) up to the next multiple of the lane count (padding lanes are computed
/// and discarded).
template <typename C>
HWY_INLINE int64_t PadBlock(C* buf, int64_t m, int64_t lanes) {
  const int64_t padded = (m + lanes - 1) / lanes * lanes;
  for (int64_t j = m; j < padded; ++j) buf[j] = C(0);
  return padded;
}

/// The functor has a Highway vector path for C lanes (else its scalar operator() runs per
/// element, on every layout alike: libm-only math such as erf, lgamma, atan2).
template <class Op, typename C>
concept VecUnary = kVectorType<C> && requires(const Op& op, hn::ScalableTag<C> d) {
  op(d, hn::Zero(d));
};
template <class Op, typename C>
concept VecBinary = kVectorType<C> && requires(const Op& op, hn::ScalableTag<C> d) {
  op(d, hn::Zero(d), hn::Zero(d));
};

template <class Op, typename C>
concept VecTernary = kVectorType<C> && requires(const Op& op, hn::ScalableTag<C> d) {
  op(d, hn::Zero(d), hn::Zero(d), hn::Zero(d));
};

/// out[j] = op(a[j]) on a block held in C (in place allowed).
template <class Op, typename C>
HWY_INLINE void UnaryBlock(const Op& op, const C* a, C* out, int64_t m) {
  if constexpr (VecUnary<Op, C>) {
    const hn::ScalableTag<C> d;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    for (int64_t j = 0; j < m; j += N) hn::Store(op(d, hn::Load(d, a + j)), d, out + j);
  } else {
    for (int64_t j = 0; j < m; ++j) out[j] = op(a[j]);
  }
}

/// out[j] = op(a[j], b[j]) on blocks held in C.
template <class Op, typename C>
HWY_INLINE void BinaryBlock(const Op& op, const C* a, const C* b, C* out, int64_t m) {
  if constexpr (VecBinary<Op, C>) {
    const hn::ScalableTag<C> d;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    for (int64_t j = 0; j < m; j += N)
      hn::Store(op(d, hn::Load(d, a + j), hn::Load(d, b + j)), d, out + j);
  } else {
    for (int64_t j = 0; j < m; ++j) out[j] = op(a[j], b[j]);
  }
}

/// Runs one 1-d piece of a unary iteration: operand 0 is the output, 1 the input.
template <class Op, typename C>
void UnaryPiece(const Op& op, char** data, const int64_t* s, int64_t n, const ScalarType* t,
                bool stream) {
  constexpr int64_t es = sizeof(C);
  if constexpr (VecUnary<Op, C>) {
    if (t[0] == kComputeType<C> && t[1] == kComputeType<C> && s[0] == es && s[1] == es) {
      const hn::ScalableTag<C> d;
      const int64_t N = static_cast<int64_t>(hn::Lanes(d));
      C* out = reinterpret_cast<C*>(data[0]);
      const C* in = reinterpret_cast<const C*>(data[1]);
      int64_t i = 0;
      if (stream) {
        // Align the output for streaming stores; the prologue goes through the block path.
        while (i < std::min(n, N) && reinterpret_cast<uintptr_t>(out + i) % (N * es)) ++i;
        if (i > 0) {
          char* pro[2] = {data[0], data[1]};
          UnaryPiece<Op, C>(op, pro, s, i, t, false);
        }
        for (; i + N <= n; i += N) hn::Stream(op(d, hn::LoadU(d, in + i)), d, out + i);
        hwy::FlushStream();
      } else {
        for (; i + N <= n; i += N) hn::StoreU(op(d, hn::LoadU(d, in + i)), d, out + i);
      }
      if (i < n) {
        HWY_ALIGN C buf[kMaxLanes];
        std::memcpy(buf, in + i, static_cast<size_t>(n - i) * es);
        PadBlock(buf, n - i, N);
        UnaryBlock(op, buf, buf, N);
        std::memcpy(out + i, buf, static_cast<size_t>(n - i) * es);
      }
      return;
    }
    if (t[1] == kComputeType<C> && s[1] == es) {  // an output of another dtype (predicates)
      HWY_ALIGN C buf[kBlock];
      const hn::ScalableTag<C> d;
      const int64_t N = static_cast<int64_t>(hn::Lanes(d));
      const C* in = reinterpret_cast<const C*>(data[1]);
      for (int64_t b = 0; b < n; b += kBlock) {
        const int64_t m = std::min(kBlock, n - b);
        int64_t j = 0;
        for (; j + N <= m; j += N) hn::Store(op(d, hn::LoadU(d, in + b + j)), d, buf + j);
        if (j < m) {
          std::memcpy(buf + j, in + b + j, static_cast<size_t>(m - j) * es);
          UnaryBlock(op, buf + j, buf + j, PadBlock(buf + j, m - j, N));
        }
        StoreBlock(data[0] + b * s[0], s[0], t[0], buf, m);
      }
      return;
    }
  }
  HWY_ALIGN C buf[kBlock];
  int64_t lanes = 1;
  if constexpr (VecUnary<Op, C>) lanes = static_cast<int64_t>(hn::Lanes(hn::ScalableTag<C>()));
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = std::min(kBlock, n - b);
    LoadBlock(buf, data[1] + b * s[1], s[1], t[1], m, t[2]);
    UnaryBlock(op, buf, buf, PadBlock(buf, m, lanes));
    StoreBlock(data[0] + b * s[0], s[0], t[0], buf, m);
  }
}

/// A dense binary run: out, a, b of type C; a (kA0) or b (kB0) may be one broadcast value.
template <bool kA0, bool kB0, class Op, typename C>
void BinaryDense(const Op& op, C* out, const C* a, const C* b, int64_t n, bool stream) {
  const hn::ScalableTag<C> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  auto load = [&](auto tag, const C* p, int64_t i) {
    if constexpr (decltype(tag)::value) {
      return hn::Set(d, *p);
    } else {
      return hn::LoadU(d, p + i);
    }
  };
  using A0 = std::integral_constant<bool, kA0>;
  using B0 = std::integral_constant<bool, kB0>;
  auto tail = [&](int64_t i, int64_t r) {
    HWY_ALIGN C ba[kMaxLanes];
    HWY_ALIGN C bb[kMaxLanes];
    for (int64_t j = 0; j < r; ++j) {
      ba[j] = a[kA0 ? 0 : i + j];
      bb[j] = b[kB0 ? 0 : i + j];
    }
    PadBlock(ba, r, N);
    PadBlock(bb, r, N);
    BinaryBlock(op, ba, bb, ba, N);
    std::memcpy(out + i, ba, static_cast<size_t>(r) * sizeof(C));
  };
  int64_t i = 0;
  if (stream) {
    // Align the output for streaming stores; the prologue goes through the tail path.
    const auto align = static_cast<uintptr_t>(N) * sizeof(C);
    int64_t pro = 0;
    while (pro < std::min(n, N) && reinterpret_cast<uintptr_t>(out + pro) % align) ++pro;
    if (pro > 0) tail(0, pro);
    for (i = pro; i + N <= n; i += N)
      hn::Stream(op(d, load(A0(), a, i), load(B0(), b, i)), d, out + i);
    hwy::FlushStream();
  } else {
    for (; i + N <= n; i += N) hn::StoreU(op(d, load(A0(), a, i), load(B0(), b, i)), d, out + i);
  }
  if (i < n) tail(i, n - i);
}

/// A dense run through a functor's scalar path (integer types): out of type O (C, or bool for
/// comparisons), a and b of type C; a (kA0) or b (kB0) may be one broadcast value.
template <bool kA0, bool kB0, typename O, class Op, typename C>
void ScalarDense(const Op& op, O* out, const C* a, const C* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const C r = op(a[kA0 ? 0 : i], b[kB0 ? 0 : i]);
    if constexpr (std::is_same_v<O, bool>) {
      out[i] = r != C(0);
    } else {
      out[i] = r;
    }
  }
}

/// ScalarDense with the broadcast pattern of the strides s1, s2 (0: one value).
template <typename O, class Op, typename C>
void ScalarDenseRun(const Op& op, O* out, const C* a, const C* b, int64_t n, int64_t s1,
                    int64_t s2) {
  if (s1 && s2) return ScalarDense<false, false>(op, out, a, b, n);
  if (s2) return ScalarDense<true, false>(op, out, a, b, n);
  if (s1) return ScalarDense<false, true>(op, out, a, b, n);
  return ScalarDense<true, true>(op, out, a, b, n);
}

/// Runs one 1-d piece of a binary iteration: operand 0 is the output, 1 and 2 the inputs.
template <class Op, typename C>
void BinaryPiece(const Op& op, char** data, const int64_t* s, int64_t n, const ScalarType* t,
                 bool stream) {
  constexpr int64_t es = sizeof(C);
  if constexpr (VecBinary<Op, C>) {
    const bool same = t[0] == kComputeType<C> && t[1] == kComputeType<C> && t[2] == kComputeType<C>;
    if (same && s[0] == es && (s[1] == es || s[1] == 0) && (s[2] == es || s[2] == 0)) {
      C* out = reinterpret_cast<C*>(data[0]);
      const C* a = reinterpret_cast<const C*>(data[1]);
      const C* b = reinterpret_cast<const C*>(data[2]);
      if (s[1] != 0 && s[2] != 0) return BinaryDense<false, false>(op, out, a, b, n, stream);
      if (s[2] != 0) return BinaryDense<true, false>(op, out, a, b, n, stream);
      if (s[1] != 0) return BinaryDense<false, true>(op, out, a, b, n, stream);
      return BinaryDense<true, true>(op, out, a, b, n, stream);
    }
    const bool dense_in = t[1] == kComputeType<C> && t[2] == kComputeType<C> &&
                          (s[1] == es || s[1] == 0) && (s[2] == es || s[2] == 0);
    if (dense_in) {  // an output of another dtype (bool for comparisons) or layout
      HWY_ALIGN C bo[kBlock];
      const C* a = reinterpret_cast<const C*>(data[1]);
      const C* b = reinterpret_cast<const C*>(data[2]);
      for (int64_t i = 0; i < n; i += kBlock) {
        const int64_t m = std::min(kBlock, n - i);
        const C* pa = s[1] ? a + i : a;
        const C* pb = s[2] ? b + i : b;
        if (s[1] && s[2]) BinaryDense<false, false>(op, bo, pa, pb, m, false);
        if (!s[1] && s[2]) BinaryDense<true, false>(op, bo, pa, pb, m, false);
        if (s[1] && !s[2]) BinaryDense<false, true>(op, bo, pa, pb, m, false);
        if (!s[1] && !s[2]) BinaryDense<true, true>(op, bo, pa, pb, m, false);
        StoreBlock(data[0] + i * s[0], s[0], t[0], bo, m);
      }
      return;
    }
  }
  if constexpr (!VecBinary<Op, C>) {
    const bool dense_in = t[1] == kComputeType<C> && t[2] == kComputeType<C> &&
                          (s[1] == es || s[1] == 0) && (s[2] == es || s[2] == 0);
    const C* a = reinterpret_cast<const C*>(data[1]);
    const C* b = reinterpret_cast<const C*>(data[2]);
    if (dense_in && t[0] == kComputeType<C> && s[0] == es)
      return ScalarDenseRun(op, reinterpret_cast<C*>(data[0]), a, b, n, s[1], s[2]);
    if (dense_in && t[0] == kBool && s[0] == 1)
      return ScalarDenseRun(op, reinterpret_cast<bool*>(data[0]), a, b, n, s[1], s[2]);
  }
  HWY_ALIGN C ba[kBlock];
  HWY_ALIGN C bb[kBlock];
  int64_t lanes = 1;
  if constexpr (VecBinary<Op, C>) lanes = static_cast<int64_t>(hn::Lanes(hn::ScalableTag<C>()));
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = std::min(kBlock, n - b);
    LoadBlock(ba, data[1] + b * s[1], s[1], t[1], m, t[3]);
    LoadBlock(bb, data[2] + b * s[2], s[2], t[2], m, t[3]);
    const int64_t padded = PadBlock(ba, m, lanes);
    PadBlock(bb, m, lanes);
    BinaryBlock(op, ba, bb, ba, padded);
    StoreBlock(data[0] + b * s[0], s[0], t[0], ba, m);
  }
}

/// Runs one 1-d piece of a ternary iteration (where, clamp with tensor bounds): operand 0 is the
/// output, 1-3 the inputs. Blocks of kBlock: dense inputs of type C are read in place, the others
/// converted into stack blocks; a dense output of type C is written in place.
template <class Op, typename C>
void TernaryPiece(const Op& op, char** data, const int64_t* s, int64_t n, const ScalarType* t) {
  constexpr int64_t es = sizeof(C);
  HWY_ALIGN C bufs[4][kBlock];
  int64_t lanes = 1;
  if constexpr (VecTernary<Op, C>) lanes = static_cast<int64_t>(hn::Lanes(hn::ScalableTag<C>()));
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = std::min(kBlock, n - b);
    const bool whole = m % lanes == 0;
    const C* in[3];
    for (int k = 0; k < 3; ++k) {
      const char* p = data[k + 1] + b * s[k + 1];
      if (whole && t[k + 1] == kComputeType<C> && s[k + 1] == es) {
        in[k] = reinterpret_cast<const C*>(p);
      } else {
        LoadBlock(bufs[k], p, s[k + 1], t[k + 1], m, t[4]);
        PadBlock(bufs[k], m, lanes);
        in[k] = bufs[k];
      }
    }
    const bool direct = whole && t[0] == kComputeType<C> && s[0] == es;
    C* out = direct ? reinterpret_cast<C*>(data[0] + b * s[0]) : bufs[3];
    const int64_t padded = (m + lanes - 1) / lanes * lanes;
    if constexpr (VecTernary<Op, C>) {
      const hn::ScalableTag<C> d;
      for (int64_t j = 0; j < padded; j += lanes)
        hn::StoreU(op(d, hn::LoadU(d, in[0] + j), hn::LoadU(d, in[1] + j), hn::LoadU(d, in[2] + j)),
                   d, out + j);
    } else {
      for (int64_t j = 0; j < m; ++j) out[j] = op(in[0][j], in[1][j], in[2][j]);
    }
    if (!direct) StoreBlock(data[0] + b * s[0], s[0], t[0], out, m);
  }
}

/// Calls f(C{}) with the compute type of dtype t: float for half/bf16/float, else t's own type.
template <typename F>
HWY_INLINE void DispatchCompute(ScalarType t, const char* op, F&& f) {
  if (t == kHalf || t == kBFloat16) return f(float{});
  dispatch_all(t, op, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, Half> && !std::is_same_v<T, BFloat16>) f(T{});
  });
}

/// Streaming stores pay off only for memory-bound ops on outputs far larger than the cache.
template <class Op>
HWY_INLINE bool UseStream(const TensorIter& it) {
  if constexpr (requires { Op::kStream; }) {
    const int64_t limit = get_num_threads() > 1 ? kStreamBytesParallel : kStreamBytes;
    return Op::kStream && it.numel() * static_cast<int64_t>(element_size(it.dtype(0))) >= limit;
  }
  return false;
}

template <class Op>
void RunUnary(const TensorIter& it, const KernelArgs& args) {
  // operand dtypes, then the common dtype
  const ScalarType dt[3] = {it.dtype(0), it.dtype(1), it.common_dtype()};
  const bool stream = UseStream<Op>(it);
  DispatchCompute(it.common_dtype(), args.op, [&](auto tag) {
    using C = decltype(tag);
    if constexpr (VecUnary<Op, C> || std::is_invocable_v<const Op&, C>) {
      const Op op = MakeOp<Op>(args);
      it.for_each([&](char** d, const int64_t* s, int64_t n) {
        UnaryPiece<Op, C>(op, d, s, n, dt, stream);
      });
    } else {
      throw Error(std::string(args.op) + "(): not implemented for '" +
                  scalar_type_name(it.common_dtype()) + "'");
    }
  });
}

template <class Op>
void RunBinary(const TensorIter& it, const KernelArgs& args) {
  // operand dtypes, then the common dtype
  const ScalarType dt[4] = {it.dtype(0), it.dtype(1), it.dtype(2), it.common_dtype()};
  const bool stream = UseStream<Op>(it);
  DispatchCompute(it.common_dtype(), args.op, [&](auto tag) {
    using C = decltype(tag);
    if constexpr (VecBinary<Op, C> || std::is_invocable_v<const Op&, C, C>) {
      const Op op = MakeOp<Op>(args);
      it.for_each([&](char** d, const int64_t* s, int64_t n) {
        BinaryPiece<Op, C>(op, d, s, n, dt, stream);
      });
    } else {
      throw Error(std::string(args.op) + "(): not implemented for '" +
                  scalar_type_name(it.common_dtype()) + "'");
    }
  });
}

template <class Op>
void RunTernary(const TensorIter& it, const KernelArgs& args) {
  // operand dtypes, then the common dtype
  const ScalarType dt[5] = {it.dtype(0), it.dtype(1), it.dtype(2), it.dtype(3), it.common_dtype()};
  DispatchCompute(it.common_dtype(), args.op, [&](auto tag) {
    using C = decltype(tag);
    if constexpr (VecTernary<Op, C> || std::is_invocable_v<const Op&, C, C, C>) {
      const Op op = MakeOp<Op>(args);
      it.for_each(
          [&](char** d, const int64_t* s, int64_t n) { TernaryPiece<Op, C>(op, d, s, n, dt); });
    } else {
      throw Error(std::string(args.op) + "(): not implemented for '" +
                  scalar_type_name(it.common_dtype()) + "'");
    }
  });
}
