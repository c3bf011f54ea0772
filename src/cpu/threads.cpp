#include "torsh/core/threads.h"

#include <omp.h>

#include <atomic>
#include <cstdlib>

#include "torsh/core/error.h"

extern "C" void openblas_set_num_threads(int);

namespace torsh {
namespace {
int initial_threads() {
  if (const char* e = std::getenv("OMP_NUM_THREADS")) {
    int n = std::atoi(e);
    if (n > 0) return n;
  }
  return omp_get_num_procs();
}
std::atomic<int> g_threads{initial_threads()};
}  // namespace

void set_num_threads(int n) {
  TORSH_CHECK(n > 0, "set_num_threads(): set_num_threads expects a positive integer, got ", n);
  g_threads.store(n);
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
}

int get_num_threads() { return g_threads.load(std::memory_order_relaxed); }

}  // namespace torsh
