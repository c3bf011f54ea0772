// Box-Muller on blocks of 16 floats with SLEEF's AVX2 log/sin/cos: PyTorch's AVX2 randn path.
// Compiled with -mavx2 -mfma; called only when the CPU has both.
#include <immintrin.h>
#include <sleef.h>

#include <cmath>
#include <cstdint>

namespace torsh::detail {

void normal_fill_16_avx2(float* data, float mean, float std) {
  const __m256 two_pi = _mm256_set1_ps(static_cast<float>(2.0 * M_PI));
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 minus_two = _mm256_set1_ps(-2.0f);
  const __m256 mean_v = _mm256_set1_ps(mean);
  const __m256 std_v = _mm256_set1_ps(std);
  const __m256 u1 = _mm256_sub_ps(one, _mm256_loadu_ps(data));
  const __m256 u2 = _mm256_loadu_ps(data + 8);
  const __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(minus_two, Sleef_logf8_u10avx2(u1)));
  const __m256 theta = _mm256_mul_ps(two_pi, u2);
  const __m256 n1 = _mm256_mul_ps(radius, Sleef_cosf8_u10avx2(theta));
  const __m256 n2 = _mm256_mul_ps(radius, Sleef_sinf8_u10avx2(theta));
  _mm256_storeu_ps(data, _mm256_fmadd_ps(n1, std_v, mean_v));
  _mm256_storeu_ps(data + 8, _mm256_fmadd_ps(n2, std_v, mean_v));
}

}  // namespace torsh::detail
