// PyTorch's AVX2 randn path for float32: Box-Muller on blocks of 16 uniforms with Cephes-style
// single-precision log and sin/cos polynomials (the published Cephes coefficients), evaluated
// in the same order so that results are bit-identical. Compiled with -mavx2 -mfma.
#include <immintrin.h>

#include <cmath>
#include <cstdint>

namespace torsh::detail {
namespace {

inline __m256 ps(float v) { return _mm256_set1_ps(v); }
inline __m256 bits(uint32_t v) {
  return _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(v)));
}

// Natural log for x in (0, 1]: split off the exponent, evaluate a degree-8 polynomial in the
// mantissa (scaled into [sqrt(1/2), sqrt(2))), add back e*ln2 in two parts.
__m256 cephes_log(__m256 x) {
  const __m256 one = ps(1.0f);
  const __m256 invalid = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LE_OS);
  x = _mm256_max_ps(x, bits(0x00800000u));  // smallest normal
  __m256i e_i = _mm256_srli_epi32(_mm256_castps_si256(x), 23);
  x = _mm256_and_ps(x, bits(~0x7f800000u));
  x = _mm256_or_ps(x, ps(0.5f));
  e_i = _mm256_sub_epi32(e_i, _mm256_set1_epi32(0x7f));
  __m256 e = _mm256_add_ps(_mm256_cvtepi32_ps(e_i), one);
  const __m256 mask = _mm256_cmp_ps(x, ps(0.707106781186547524f), _CMP_LT_OS);
  __m256 tmp = _mm256_and_ps(x, mask);
  x = _mm256_sub_ps(x, one);
  e = _mm256_sub_ps(e, _mm256_and_ps(one, mask));
  x = _mm256_add_ps(x, tmp);
  const __m256 z = _mm256_mul_ps(x, x);
  static const float p[] = {7.0376836292E-2f,  -1.1514610310E-1f, 1.1676998740E-1f,
                            -1.2420140846E-1f, 1.4249322787E-1f,  -1.6668057665E-1f,
                            2.0000714765E-1f,  -2.4999993993E-1f, 3.3333331174E-1f};
  __m256 y = ps(p[0]);
  for (int i = 1; i < 9; ++i) y = _mm256_add_ps(_mm256_mul_ps(y, x), ps(p[i]));
  y = _mm256_mul_ps(y, x);
  y = _mm256_mul_ps(y, z);
  y = _mm256_add_ps(y, _mm256_mul_ps(e, ps(-2.12194440e-4f)));
  y = _mm256_sub_ps(y, _mm256_mul_ps(z, ps(0.5f)));
  x = _mm256_add_ps(x, y);
  x = _mm256_add_ps(x, _mm256_mul_ps(e, ps(0.693359375f)));
  return _mm256_or_ps(x, invalid);
}

// sin and cos together: reduce by multiples of pi/4 in three parts (extended precision), pick
// the sine or cosine polynomial per octant and fix the signs.
void cephes_sincos(__m256 x, __m256* s, __m256* c) {
  const __m256 sign_mask = bits(0x80000000u);
  __m256 sign_sin = _mm256_and_ps(x, sign_mask);
  x = _mm256_and_ps(x, bits(0x7fffffffu));
  __m256 y = _mm256_mul_ps(x, ps(1.27323954473516f));  // 4/pi
  __m256i j = _mm256_cvttps_epi32(y);
  j = _mm256_add_epi32(j, _mm256_set1_epi32(1));
  j = _mm256_and_si256(j, _mm256_set1_epi32(~1));
  y = _mm256_cvtepi32_ps(j);
  const __m256i j_cos = _mm256_sub_epi32(j, _mm256_set1_epi32(2));
  const __m256 swap_sin =
      _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(j, _mm256_set1_epi32(4)), 29));
  const __m256 poly_mask = _mm256_castsi256_ps(
      _mm256_cmpeq_epi32(_mm256_and_si256(j, _mm256_set1_epi32(2)), _mm256_setzero_si256()));
  x = _mm256_add_ps(x, _mm256_mul_ps(y, ps(-0.78515625f)));
  x = _mm256_add_ps(x, _mm256_mul_ps(y, ps(-2.4187564849853515625e-4f)));
  x = _mm256_add_ps(x, _mm256_mul_ps(y, ps(-3.77489497744594108e-8f)));
  const __m256 sign_cos =
      _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_andnot_si256(j_cos, _mm256_set1_epi32(4)), 29));
  sign_sin = _mm256_xor_ps(sign_sin, swap_sin);
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 yc = ps(2.443315711809948E-005f);
  yc = _mm256_add_ps(_mm256_mul_ps(yc, z), ps(-1.388731625493765E-003f));
  yc = _mm256_add_ps(_mm256_mul_ps(yc, z), ps(4.166664568298827E-002f));
  yc = _mm256_mul_ps(yc, z);
  yc = _mm256_mul_ps(yc, z);
  yc = _mm256_sub_ps(yc, _mm256_mul_ps(z, ps(0.5f)));
  yc = _mm256_add_ps(yc, ps(1.0f));
  __m256 ys = ps(-1.9515295891E-4f);
  ys = _mm256_add_ps(_mm256_mul_ps(ys, z), ps(8.3321608736E-3f));
  ys = _mm256_add_ps(_mm256_mul_ps(ys, z), ps(-1.6666654611E-1f));
  ys = _mm256_mul_ps(ys, z);
  ys = _mm256_mul_ps(ys, x);
  ys = _mm256_add_ps(ys, x);
  const __m256 sin_part = _mm256_blendv_ps(yc, ys, poly_mask);
  const __m256 cos_part = _mm256_blendv_ps(ys, yc, poly_mask);
  *s = _mm256_xor_ps(sin_part, sign_sin);
  *c = _mm256_xor_ps(cos_part, sign_cos);
}

}  // namespace

void normal_fill_16_avx2(float* data, float mean, float std) {
  const __m256 u1 = _mm256_sub_ps(ps(1.0f), _mm256_loadu_ps(data));
  const __m256 u2 = _mm256_loadu_ps(data + 8);
  const __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(ps(-2.0f), cephes_log(u1)));
  const __m256 theta = _mm256_mul_ps(ps(static_cast<float>(2.0 * M_PI)), u2);
  __m256 s, c;
  cephes_sincos(theta, &s, &c);
  const __m256 n1 = _mm256_mul_ps(radius, c);
  const __m256 n2 = _mm256_mul_ps(radius, s);
  _mm256_storeu_ps(data, _mm256_fmadd_ps(n1, ps(std), ps(mean)));
  _mm256_storeu_ps(data + 8, _mm256_fmadd_ps(n2, ps(std), ps(mean)));
}

}  // namespace torsh::detail
