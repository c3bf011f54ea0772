#pragma once
// parallel_for over [begin, end) with OpenMP, split only above a grain size.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <exception>

#include "torsh/core/threads.h"

namespace torsh::detail {

/// Elements below which a kernel runs on one thread (tuned in bench/).
constexpr int64_t kGrainSize = 32768;

/// Calls f(chunk_begin, chunk_end) on contiguous chunks, in parallel when the range is large.
template <typename F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& f) {
  int64_t n = end - begin;
  if (n <= 0) return;
  int nt = get_num_threads();
  if (nt <= 1 || n <= grain || omp_in_parallel()) {
    f(begin, end);
    return;
  }
  int64_t chunks = std::min<int64_t>(nt, (n + grain - 1) / grain);
  std::exception_ptr err;
#pragma omp parallel num_threads(static_cast <int>(chunks))
  {
    int64_t tid = omp_get_thread_num();
    int64_t per = (n + chunks - 1) / chunks;
    int64_t b = begin + tid * per, e = std::min(end, b + per);
    if (b < e) {
      try {
        f(b, e);
      } catch (...) {
#pragma omp critical
        err = std::current_exception();
      }
    }
  }
  if (err) std::rethrow_exception(err);
}

}  // namespace torsh::detail
