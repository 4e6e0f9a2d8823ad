/* The dequantize driver: whole tensors, split by blocks over the thread pool. */
#include <string.h>
#include "ggufkit/gk_op_dequant.h"
#include "ggufkit/gk_parallel.h"
#include "ggufkit/gk_types.h"
#include "fp16.h"
#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h> /* SSE2 is part of the x86-64 baseline */
#define GK_HAVE_SSE2_F16 1
#endif

/* float16 output goes through a float32 scratch of this many elements per step (a multiple of every
 * block size, small enough to stay in L1). */
#define GK_F16_STEP 4096

typedef struct {
    gk_dequant_fn dequant;
    gk_quant_fn to_f16;      /* a SIMD tier's F16 quantizer (RNE), or NULL: fp32_to_fp16_row */
    const uint8_t *src;
    uint8_t *dst;
    int64_t block_size, type_size;
    int out_dtype;
} dequant_job;

#ifdef GK_HAVE_SSE2_F16
/* gk_fp32_to_fp16 on 4 lanes with baseline SSE2, the same operations in the same order (so the same
 * bits, NaN included); the halves come back in the low 16 bits of each 32-bit lane. */
static inline __m128i fp32_to_fp16_x4(__m128 f) {
    const __m128i w = _mm_castps_si128(f);
    const __m128i flip = _mm_set1_epi32((int)0x80000000u);  /* unsigned compares via signed ones */
    __m128 base = _mm_and_ps(f, _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff)));
    base = _mm_mul_ps(base, _mm_castsi128_ps(_mm_set1_epi32(0x77800000)));  /* 2^112 */
    base = _mm_mul_ps(base, _mm_castsi128_ps(_mm_set1_epi32(0x08800000)));  /* 2^-110 */
    const __m128i shl1_w = _mm_add_epi32(w, w);
    const __m128i sign = _mm_and_si128(w, flip);
    __m128i bias = _mm_and_si128(shl1_w, _mm_set1_epi32((int)0xFF000000u));
    const __m128i small = _mm_cmplt_epi32(_mm_xor_si128(bias, flip), _mm_set1_epi32((int)(0x71000000u ^ 0x80000000u)));
    bias = _mm_or_si128(_mm_andnot_si128(small, bias), _mm_and_si128(small, _mm_set1_epi32(0x71000000)));
    base = _mm_add_ps(_mm_castsi128_ps(_mm_add_epi32(_mm_srli_epi32(bias, 1), _mm_set1_epi32(0x07800000))), base);
    const __m128i bits = _mm_castps_si128(base);
    const __m128i exp_bits = _mm_and_si128(_mm_srli_epi32(bits, 13), _mm_set1_epi32(0x00007C00));
    const __m128i nonsign = _mm_add_epi32(exp_bits, _mm_and_si128(bits, _mm_set1_epi32(0x00000FFF)));
    const __m128i nan = _mm_cmpgt_epi32(_mm_xor_si128(shl1_w, flip), _mm_set1_epi32((int)(0xFF000000u ^ 0x80000000u)));
    const __m128i mag = _mm_or_si128(_mm_andnot_si128(nan, nonsign), _mm_and_si128(nan, _mm_set1_epi32(0x7E00)));
    return _mm_or_si128(_mm_srli_epi32(sign, 16), mag);
}

static void fp32_to_fp16_row(const float *x, uint16_t *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        /* sign-extend the 16-bit results so that the signed saturating pack keeps every bit */
        const __m128i a = _mm_srai_epi32(_mm_slli_epi32(fp32_to_fp16_x4(_mm_loadu_ps(x + i)), 16), 16);
        const __m128i b = _mm_srai_epi32(_mm_slli_epi32(fp32_to_fp16_x4(_mm_loadu_ps(x + i + 4)), 16), 16);
        _mm_storeu_si128((__m128i *)(y + i), _mm_packs_epi32(a, b));
    }
    for (; i < n; i++) y[i] = gk_fp32_to_fp16(x[i]);
}
#else
static void fp32_to_fp16_row(const float *x, uint16_t *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = gk_fp32_to_fp16(x[i]);
}
#endif

static void dequant_task(void *vctx, int64_t begin, int64_t end) {
    const dequant_job *job = (const dequant_job *)vctx;
    const uint8_t *src = job->src + begin * job->type_size;
    const int64_t n = (end - begin) * job->block_size;
    if (job->out_dtype == GK_DEQUANT_OUT_F32) {
        job->dequant(src, (float *)job->dst + begin * job->block_size, n);
        return;
    }
    uint16_t *dst = (uint16_t *)job->dst + begin * job->block_size;
    float tmp[GK_F16_STEP];
    const int64_t step_blocks = GK_F16_STEP / job->block_size;
    for (int64_t done = 0; done < n;) {
        int64_t m = n - done;
        if (m > step_blocks * job->block_size) m = step_blocks * job->block_size;
        job->dequant(src + done / job->block_size * job->type_size, tmp, m);
        if (job->to_f16) {
            job->to_f16(tmp, dst + done, 1, m, NULL);
        } else {
            fp32_to_fp16_row(tmp, dst + done, m);
        }
        done += m;
    }
}

int gk_dequantize(const gk_kernel_set *ks, int type, const void *src, void *dst, int64_t n,
                  int out_dtype, int nthreads) {
    const gk_type_info *t = gk_type_get(type);
    if (!t) return GK_DEQUANT_EBADTYPE;
    if (!ks->dequant[type]) return GK_DEQUANT_ENOKERNEL;
    if (n < 0 || n % t->block_size) return GK_DEQUANT_EBADSIZE;
    if (out_dtype != GK_DEQUANT_OUT_F32 && out_dtype != GK_DEQUANT_OUT_F16) return GK_DEQUANT_EBADDTYPE;
    if (n == 0) return GK_DEQUANT_OK;
    dequant_job job = {
        .dequant = ks->dequant[type],
        /* a SIMD F16 quantizer if the tier has one; the reference one is scalar, ours is faster */
        .to_f16 = ks->served_by[GK_OP_QUANT][GK_TYPE_F16] > GK_ISA_REF ? ks->quant[GK_TYPE_F16] : NULL,
        .src = (const uint8_t *)src,
        .dst = (uint8_t *)dst,
        .block_size = t->block_size,
        .type_size = t->type_size,
        .out_dtype = out_dtype,
    };
    /* chunks of at least 64K outputs: enough work per task to hide the hand-off */
    int64_t min_chunk = 65536 / t->block_size;
    gk_parallel_for(n / t->block_size, min_chunk, nthreads, dequant_task, &job);
    return GK_DEQUANT_OK;
}
