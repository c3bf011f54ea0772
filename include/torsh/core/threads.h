#pragma once
// Intra-op thread count shared by torsh's kernels (OpenMP) and OpenBLAS.

namespace torsh {
/// Sets the number of threads for torsh kernels and OpenBLAS GEMM together.
void set_num_threads(int n);
/// The number of threads torsh kernels use.
int get_num_threads();
}  // namespace torsh
