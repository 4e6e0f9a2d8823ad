/* The floor under the plain IQ1/IQ2 m = 1 kernels: the cost of bringing 8 random 8-byte grid entries
 * (a 2048-entry table, in L1) into one zmm and feeding one vpdpbusd, with the indices precomputed (no
 * index, sign or scale work at all), by each way x86 offers. Needs AVX-512 VNNI.
 *
 *   gcc -O3 -march=native tools/grid-lookup-floor.c -o /tmp/floor && /tmp/floor
 *
 * On the Zen 4 this project was measured on, the best ways cost 0.20 ns per entry (8 weights): 6.4 ns per
 * 256-weight block before any arithmetic. The plain kernels run at 0.26-0.37 ns per entry all-in, and
 * 2x ggml's same-run speed would need 0.24-0.26: hence ggufkit.repack, which removes the lookups. */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define NG 2048
static uint64_t grid[NG] __attribute__((aligned(64)));
#define NI 4096 /* indices per pass (8 KB of uint16: L1) */
static uint16_t idx[NI] __attribute__((aligned(64)));
static uint32_t off[NI] __attribute__((aligned(64)));
typedef __m512i (*load8_fn)(const uint16_t *, const uint32_t *);
static inline __m512i m_set(const uint16_t *i, const uint32_t *o){(void)o;
  return _mm512_set_epi64(grid[i[7]],grid[i[6]],grid[i[5]],grid[i[4]],grid[i[3]],grid[i[2]],grid[i[1]],grid[i[0]]);}
static inline __m512i m_ins(const uint16_t *i, const uint32_t *o){(void)o;
  __m128i v0=_mm_loadl_epi64((const void*)&grid[i[0]]), v1=_mm_loadl_epi64((const void*)&grid[i[2]]);
  __m128i v2=_mm_loadl_epi64((const void*)&grid[i[4]]), v3=_mm_loadl_epi64((const void*)&grid[i[6]]);
  v0=_mm_insert_epi64(v0,grid[i[1]],1); v1=_mm_insert_epi64(v1,grid[i[3]],1);
  v2=_mm_insert_epi64(v2,grid[i[5]],1); v3=_mm_insert_epi64(v3,grid[i[7]],1);
  __m256i lo=_mm256_inserti128_si256(_mm256_castsi128_si256(v0),v1,1), hi=_mm256_inserti128_si256(_mm256_castsi128_si256(v2),v3,1);
  return _mm512_inserti64x4(_mm512_castsi256_si512(lo),hi,1);}
static inline __m512i m_gq(const uint16_t *i, const uint32_t *o){(void)i;
  return _mm512_i32gather_epi64(_mm256_load_si256((const void*)o),(const void*)grid,8);}
static inline __m512i m_bc(const uint16_t *i, const uint32_t *o){(void)o;
  __m512i v=_mm512_set1_epi64(grid[i[0]]);
  for(int j=1;j<8;j++) v=_mm512_mask_set1_epi64(v,(__mmask8)(0xff<<j),grid[i[j]]);
  return v;}
static inline __m512i m_bc2(const uint16_t *i, const uint32_t *o){(void)o;
  /* two 256-bit halves of masked broadcasts, then one insert */
  __m256i a=_mm256_set1_epi64x(grid[i[0]]), b=_mm256_set1_epi64x(grid[i[4]]);
  a=_mm256_mask_set1_epi64(a,0xe,grid[i[1]]); b=_mm256_mask_set1_epi64(b,0xe,grid[i[5]]);
  a=_mm256_mask_set1_epi64(a,0xc,grid[i[2]]); b=_mm256_mask_set1_epi64(b,0xc,grid[i[6]]);
  a=_mm256_mask_set1_epi64(a,0x8,grid[i[3]]); b=_mm256_mask_set1_epi64(b,0x8,grid[i[7]]);
  return _mm512_inserti64x4(_mm512_castsi256_si512(a),b,1);}
#define BENCH(NAME,FN) { double best=1e9; __m512i acc=_mm512_setzero_si512(); const __m512i q=_mm512_set1_epi8(3);\
  for(int r=0;r<200;r++){ double t0=now(); for(int p=0;p<20;p++) for(int j=0;j<NI;j+=8){ acc=_mm512_dpbusd_epi32(acc,FN(idx+j,off+j),q);} double t=now()-t0; if(t<best)best=t;}\
  printf("%-28s %.3f ns/entry  (%d)\n",NAME,best/(20.0*NI)*1e9,_mm512_reduce_add_epi32(acc)); }
int main(){
  for(int k=0;k<NG;k++) grid[k]=((uint64_t)rand()<<32)^rand();
  for(int j=0;j<NI;j++){ idx[j]=rand()%NG; off[j]=idx[j]; }
  BENCH("set_epi64 (compiler)",m_set)
  BENCH("vmovq+vpinsrq+inserts",m_ins)
  BENCH("vpgatherdq",m_gq)
  BENCH("masked broadcast zmm",m_bc)
  BENCH("masked broadcast 2x ymm",m_bc2)
  /* scalar-only: sum of loads, to see the raw load rate */
  { double best=1e9; uint64_t s=0; for(int r=0;r<200;r++){ double t0=now(); for(int p=0;p<20;p++) for(int j=0;j<NI;j++) s+=grid[idx[j]]; double t=now()-t0; if(t<best)best=t;}
    printf("%-28s %.3f ns/entry (%lu)\n","scalar load+add",best/(20.0*NI)*1e9,(unsigned long)s); }
}
