#include <immintrin.h>
int main(void) { __m512i a = _mm512_set1_epi8(1); a = _mm512_dpbusd_epi32(a, a, a); a = _mm512_permutexvar_epi8(a, a);
  return _mm512_reduce_add_epi32(a); }
