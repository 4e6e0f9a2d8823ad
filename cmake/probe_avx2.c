#include <immintrin.h>
int main(void) { __m256i a = _mm256_set1_epi8(1); __m256 f = _mm256_fmadd_ps(_mm256_set1_ps(1), _mm256_set1_ps(2), _mm256_cvtph_ps(_mm_setzero_si128()));
  return _mm256_movemask_epi8(_mm256_add_epi8(a, a)) + (int)_mm256_cvtss_f32(f) + (int)_pdep_u32(1, 3); }
