/* Block layouts of every quantized ggml type (facts from ggml's ggml-common.h), each pinned by a size assert.
 * Included by the kernels of every tier: only types and constants here. */
#ifndef GK_BLOCKS_H
#define GK_BLOCKS_H
#include <stdint.h>

typedef uint16_t gk_half; /* IEEE binary16 bits */

#define GK_QK_K 256
#define GK_K_SCALE_SIZE 12

#define GK_BLOCK(name, size) _Static_assert(sizeof(name) == (size), "wrong size of " #name)

typedef struct { gk_half d; uint8_t qs[16]; } gk_block_q1_0;               /* 128 weights, 1 bit */
typedef struct { gk_half d; uint8_t qs[16]; } gk_block_q2_0;               /* 64 weights, 2 bits */
typedef struct { gk_half d; uint8_t qs[16]; } gk_block_q4_0;
typedef struct { gk_half d, m; uint8_t qs[16]; } gk_block_q4_1;
typedef struct { gk_half d; uint8_t qh[4]; uint8_t qs[16]; } gk_block_q5_0;
typedef struct { gk_half d, m; uint8_t qh[4]; uint8_t qs[16]; } gk_block_q5_1;
typedef struct { gk_half d; int8_t qs[32]; } gk_block_q8_0;
typedef struct { gk_half d, s; int8_t qs[32]; } gk_block_q8_1;              /* s = d * sum(qs) */
typedef struct { uint8_t e; uint8_t qs[16]; } gk_block_mxfp4;              /* e: E8M0 shared exponent */
typedef struct { uint8_t d[4]; uint8_t qs[32]; } gk_block_nvfp4;           /* d: UE4M3 per 16 weights */

typedef struct { uint8_t qs[48]; uint8_t qh[4]; gk_half d; } gk_block_tq1_0;
typedef struct { uint8_t qs[64]; gk_half d; } gk_block_tq2_0;

typedef struct { uint8_t scales[16]; uint8_t qs[64]; gk_half d, dmin; } gk_block_q2_K;
typedef struct { uint8_t hmask[32]; uint8_t qs[64]; uint8_t scales[12]; gk_half d; } gk_block_q3_K;
typedef struct { gk_half d, dmin; uint8_t scales[12]; uint8_t qs[128]; } gk_block_q4_K;
typedef struct { gk_half d, dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; } gk_block_q5_K;
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; gk_half d; } gk_block_q6_K;
typedef struct { float d; int8_t qs[256]; int16_t bsums[16]; } gk_block_q8_K;

typedef struct { gk_half d; uint16_t qs[32]; } gk_block_iq2_xxs;
typedef struct { gk_half d; uint16_t qs[32]; uint8_t scales[8]; } gk_block_iq2_xs;
typedef struct { gk_half d; uint8_t qs[64]; uint8_t qh[8]; uint8_t scales[8]; } gk_block_iq2_s;
typedef struct { gk_half d; uint8_t qs[96]; } gk_block_iq3_xxs;
typedef struct { gk_half d; uint8_t qs[64]; uint8_t qh[8]; uint8_t signs[32]; uint8_t scales[4]; } gk_block_iq3_s;
typedef struct { gk_half d; uint8_t qs[32]; uint16_t qh[8]; } gk_block_iq1_s;
typedef struct { uint8_t qs[32]; uint8_t qh[16]; uint8_t scales[8]; } gk_block_iq1_m;  /* scale is spread over scales */
typedef struct { gk_half d; uint8_t qs[16]; } gk_block_iq4_nl;
typedef struct { gk_half d; uint16_t scales_h; uint8_t scales_l[4]; uint8_t qs[128]; } gk_block_iq4_xs;

GK_BLOCK(gk_block_q1_0, 18);   GK_BLOCK(gk_block_q2_0, 18);
GK_BLOCK(gk_block_q4_0, 18);   GK_BLOCK(gk_block_q4_1, 20);
GK_BLOCK(gk_block_q5_0, 22);   GK_BLOCK(gk_block_q5_1, 24);
GK_BLOCK(gk_block_q8_0, 34);   GK_BLOCK(gk_block_q8_1, 36);
GK_BLOCK(gk_block_mxfp4, 17);  GK_BLOCK(gk_block_nvfp4, 36);
GK_BLOCK(gk_block_tq1_0, 54);  GK_BLOCK(gk_block_tq2_0, 66);
GK_BLOCK(gk_block_q2_K, 84);   GK_BLOCK(gk_block_q3_K, 110);
GK_BLOCK(gk_block_q4_K, 144);  GK_BLOCK(gk_block_q5_K, 176);
GK_BLOCK(gk_block_q6_K, 210);  GK_BLOCK(gk_block_q8_K, 292);
GK_BLOCK(gk_block_iq2_xxs, 66); GK_BLOCK(gk_block_iq2_xs, 74);
GK_BLOCK(gk_block_iq2_s, 82);  GK_BLOCK(gk_block_iq3_xxs, 98);
GK_BLOCK(gk_block_iq3_s, 110); GK_BLOCK(gk_block_iq1_s, 50);
GK_BLOCK(gk_block_iq1_m, 56);  GK_BLOCK(gk_block_iq4_nl, 18);
GK_BLOCK(gk_block_iq4_xs, 136);

/* ggufkit's repacked layouts (not GGUF types): made once from a weight's blocks by gk_repack
 * (ref/repack_iq.c) so that m = 1 products need no grid lookups. 256 weights per block. */
typedef struct {
    uint8_t q2[64];    /* weight 64c + j: bits 2c..2c+1 of byte j = u = g + 1 in {0, 1, 2} */
    uint8_t delta[4];  /* bit e % 8 of byte e / 8 set: 8-weight group e has delta -1/8 (clear: +1/8) */
    uint8_t scales[8]; /* IQ1_M's field: uint16 word w holds the 3-bit scale of 16-weight group 4w + i at
                          bit 3i, and nibble w of the fp16 d at bits 12..15 */
} gk_block_iq1_rp;     /* from IQ1_S and IQ1_M: weight = d * (2 ls + 1) * (g + delta) */
typedef struct {
    uint8_t q2[64];    /* weight 64c + j: bits 2c..2c+1 of byte j = magnitude code 0, 1, 2 (8, 25, 43) */
    uint8_t signs[32]; /* bit j % 8 of byte j / 8 set: weight j is negative */
    uint8_t scales[8]; /* 4-bit scale s of 16-weight group h: nibble h % 2 of byte h / 2, low first */
    gk_half d;
} gk_block_iq2_rp;     /* from IQ2_XXS, IQ2_XS and IQ2_S: weight = d * (2 s + 1) / 8 * magnitude * sign */
/* IQ3: a nibble per weight, sign included, rather than a 2-bit plane + a 1-bit plane + sign bits (same
 * 134 bytes): a nibble is a direct 16-entry table index of the SIGNED weight (vpermb on AVX-512, pshufb
 * on AVX2, tbl on NEON), one lookup per 64 weights and no k-mask sign loads, which are what bound the
 * IQ2 repacked kernel (kmovq shares vpdpbusd's pipes). The x86 kernels look up the biased unsigned
 * 32 + w (w halved for IQ3_XXS) for vpdpbusd and subtract 32 * the Q8_K bsums, times the scales, once
 * per block. */
typedef struct {
    uint8_t q4[128];   /* weight j: low nibble of byte j; weight 128 + j: high nibble of byte j. nibble =
                          magnitude code m (bits 0-2) | sign (bit 3 set: the weight is negative) */
    uint8_t scales[4]; /* 4-bit scale s of 32-weight group g: nibble g % 2 of byte g / 2, low first */
    gk_half d;
} gk_block_iq3_rp;     /* from IQ3_XXS: weight = d * (2 s + 1) / 4 * {4,12,20,28,36,44,52,62}[m] * sign;
                          from IQ3_S: weight = d * (2 s + 1) * (2 m + 1) * sign */
GK_BLOCK(gk_block_iq1_rp, 76); GK_BLOCK(gk_block_iq2_rp, 106); GK_BLOCK(gk_block_iq3_rp, 134);

#endif
