#pragma once
// Inner loops over a TensorIter: one functor serves contiguous, scalar-operand and strided
// layouts; contiguous loops are written so the compiler vectorises them.
#include <cstring>

#include "core/dispatch.h"
#include "iter/tensor_iter.h"

namespace torsh::detail {

/// out[i] = f(a[i]) with out of type To and a of type From.
template <typename To, typename From, typename F>
void unary_loop(const TensorIter& it, F f) {
  it.for_each([&](char** d, const int64_t* s, int64_t n) {
    To* out = reinterpret_cast<To*>(d[0]);
    const From* a = reinterpret_cast<const From*>(d[1]);
    if (s[0] == sizeof(To) && s[1] == sizeof(From)) {
      for (int64_t i = 0; i < n; ++i) out[i] = f(a[i]);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<To*>(d[0] + i * s[0]) =
            f(*reinterpret_cast<const From*>(d[1] + i * s[1]));
    }
  });
}

/// out[i] = f(a[i], b[i]); the loop specialises on a scalar (stride-0) right-hand side.
template <typename To, typename T, typename F>
void binary_loop(const TensorIter& it, F f) {
  it.for_each([&](char** d, const int64_t* s, int64_t n) {
    To* out = reinterpret_cast<To*>(d[0]);
    const T* a = reinterpret_cast<const T*>(d[1]);
    const T* b = reinterpret_cast<const T*>(d[2]);
    constexpr int64_t ot = sizeof(To), it_ = sizeof(T);
    if (s[0] == ot && s[1] == it_ && s[2] == it_) {
      for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
    } else if (s[0] == ot && s[1] == it_ && s[2] == 0) {
      const T bv = *b;
      for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], bv);
    } else if (s[0] == ot && s[1] == 0 && s[2] == it_) {
      const T av = *a;
      for (int64_t i = 0; i < n; ++i) out[i] = f(av, b[i]);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<To*>(d[0] + i * s[0]) = f(*reinterpret_cast<const T*>(d[1] + i * s[1]),
                                                    *reinterpret_cast<const T*>(d[2] + i * s[2]));
    }
  });
}

/// out[i] = f(a[i], b[i], c[i]) with independent input types (a plain loop the compiler can
/// vectorise when every operand is contiguous).
template <typename To, typename A, typename B, typename C, typename F>
void ternary_loop(const TensorIter& it, F f) {
  it.for_each([&](char** d, const int64_t* s, int64_t n) {
    if (s[0] == sizeof(To) && s[1] == sizeof(A) && s[2] == sizeof(B) && s[3] == sizeof(C)) {
      To* out = reinterpret_cast<To*>(d[0]);
      const A* a = reinterpret_cast<const A*>(d[1]);
      const B* b = reinterpret_cast<const B*>(d[2]);
      const C* c = reinterpret_cast<const C*>(d[3]);
      for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i], c[i]);
      return;
    }
    for (int64_t i = 0; i < n; ++i)
      *reinterpret_cast<To*>(d[0] + i * s[0]) = f(*reinterpret_cast<const A*>(d[1] + i * s[1]),
                                                  *reinterpret_cast<const B*>(d[2] + i * s[2]),
                                                  *reinterpret_cast<const C*>(d[3] + i * s[3]));
  });
}

}  // namespace torsh::detail
