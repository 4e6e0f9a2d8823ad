#include <immintrin.h>
/* the tier's BF16 gemm is compiled with target("avx512bf16") (chosen at run time): the compiler must know it */
__attribute__((target("avx512bf16"))) static float bf16(__m512 a) {
  return _mm512_reduce_add_ps(_mm512_dpbf16_ps(a, (__m512bh)_mm512_castps_si512(a), (__m512bh)_mm512_castps_si512(a)));
}
int main(void) { __m512i a = _mm512_set1_epi8(1); a = _mm512_dpbusd_epi32(a, a, a); a = _mm512_permutexvar_epi8(a, a);
  return _mm512_reduce_add_epi32(a) + (int)bf16(_mm512_castsi512_ps(a)); }
