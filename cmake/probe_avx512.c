#include <immintrin.h>
int main(void) { __m512i a = _mm512_set1_epi8(1); __mmask64 m = _mm512_cmpeq_epi8_mask(a, a); return (int)(m & 1); }
