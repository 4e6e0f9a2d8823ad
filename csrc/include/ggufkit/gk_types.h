/* The ggml type table: ids, names, block sizes and bytes per block.
 * Ids are ggml's own (ggml 0.21); removed ids stay as invalid placeholders so ids never move. */
#ifndef GK_TYPES_H
#define GK_TYPES_H
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum gk_type {
    GK_TYPE_F32 = 0, GK_TYPE_F16 = 1, GK_TYPE_Q4_0 = 2, GK_TYPE_Q4_1 = 3,
    /* 4, 5: removed (Q4_2, Q4_3) */
    GK_TYPE_Q5_0 = 6, GK_TYPE_Q5_1 = 7, GK_TYPE_Q8_0 = 8, GK_TYPE_Q8_1 = 9,
    GK_TYPE_Q2_K = 10, GK_TYPE_Q3_K = 11, GK_TYPE_Q4_K = 12, GK_TYPE_Q5_K = 13,
    GK_TYPE_Q6_K = 14, GK_TYPE_Q8_K = 15, GK_TYPE_IQ2_XXS = 16, GK_TYPE_IQ2_XS = 17,
    GK_TYPE_IQ3_XXS = 18, GK_TYPE_IQ1_S = 19, GK_TYPE_IQ4_NL = 20, GK_TYPE_IQ3_S = 21,
    GK_TYPE_IQ2_S = 22, GK_TYPE_IQ4_XS = 23, GK_TYPE_I8 = 24, GK_TYPE_I16 = 25,
    GK_TYPE_I32 = 26, GK_TYPE_I64 = 27, GK_TYPE_F64 = 28, GK_TYPE_IQ1_M = 29,
    GK_TYPE_BF16 = 30,
    /* 31-33: removed (Q4_0_4_4, Q4_0_4_8, Q4_0_8_8) */
    GK_TYPE_TQ1_0 = 34, GK_TYPE_TQ2_0 = 35,
    /* 36-38: removed (IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8) */
    GK_TYPE_MXFP4 = 39, GK_TYPE_NVFP4 = 40, GK_TYPE_Q1_0 = 41, GK_TYPE_Q2_0 = 42,
    GK_TYPE_COUNT = 43
};

typedef struct gk_type_info {
    const char *name;        /* ggml's upper-case name; NULL for a removed id */
    int32_t block_size;      /* elements per block (1 for plain types) */
    int32_t type_size;       /* bytes per block */
    int32_t vec_dot_type;    /* the activation type of its dot product, -1 if none */
    uint8_t is_quantized;    /* block_size > 1 */
    uint8_t requires_imatrix;/* ggml refuses to quantize it without an importance matrix */
    uint8_t removed;         /* an id ggml once used and removed */
} gk_type_info;

extern const gk_type_info gk_type_table[GK_TYPE_COUNT];

/* NULL for ids out of range or removed. */
const gk_type_info *gk_type_get(int64_t type);

/* Bytes of a row of ne elements; -1 if the type is invalid or ne is not a multiple of its block size. */
int64_t gk_row_size(int64_t type, int64_t ne);

#ifdef __cplusplus
}
#endif
#endif
