/* THE type table. Every other layer (Python's GGMLType included) reads sizes from here. */
#include "ggufkit/gk_types.h"

#define T(id, nm, bs, ts, vdt, imx) [id] = { nm, bs, ts, vdt, (bs) > 1, imx, 0 }
#define REMOVED(id) [id] = { 0, 0, 0, -1, 0, 0, 1 }

const gk_type_info gk_type_table[GK_TYPE_COUNT] = {
    T(GK_TYPE_F32,     "F32",      1,   4, GK_TYPE_F32,  0),
    T(GK_TYPE_F16,     "F16",      1,   2, GK_TYPE_F16,  0),
    T(GK_TYPE_Q4_0,    "Q4_0",    32,  18, GK_TYPE_Q8_0, 0),
    T(GK_TYPE_Q4_1,    "Q4_1",    32,  20, GK_TYPE_Q8_1, 0),
    REMOVED(4), REMOVED(5),
    T(GK_TYPE_Q5_0,    "Q5_0",    32,  22, GK_TYPE_Q8_0, 0),
    T(GK_TYPE_Q5_1,    "Q5_1",    32,  24, GK_TYPE_Q8_1, 0),
    T(GK_TYPE_Q8_0,    "Q8_0",    32,  34, GK_TYPE_Q8_0, 0),
    T(GK_TYPE_Q8_1,    "Q8_1",    32,  36, -1,           0),
    T(GK_TYPE_Q2_K,    "Q2_K",   256,  84, GK_TYPE_Q8_K, 0),
    T(GK_TYPE_Q3_K,    "Q3_K",   256, 110, GK_TYPE_Q8_K, 0),
    T(GK_TYPE_Q4_K,    "Q4_K",   256, 144, GK_TYPE_Q8_K, 0),
    T(GK_TYPE_Q5_K,    "Q5_K",   256, 176, GK_TYPE_Q8_K, 0),
    T(GK_TYPE_Q6_K,    "Q6_K",   256, 210, GK_TYPE_Q8_K, 0),
    T(GK_TYPE_Q8_K,    "Q8_K",   256, 292, -1,           0),
    T(GK_TYPE_IQ2_XXS, "IQ2_XXS",256,  66, GK_TYPE_Q8_K, 1),
    T(GK_TYPE_IQ2_XS,  "IQ2_XS", 256,  74, GK_TYPE_Q8_K, 1),
    T(GK_TYPE_IQ3_XXS, "IQ3_XXS",256,  98, GK_TYPE_Q8_K, 0),
    T(GK_TYPE_IQ1_S,   "IQ1_S",  256,  50, GK_TYPE_Q8_K, 1),
    T(GK_TYPE_IQ4_NL,  "IQ4_NL",  32,  18, GK_TYPE_Q8_0, 0),
    T(GK_TYPE_IQ3_S,   "IQ3_S",  256, 110, GK_TYPE_Q8_K, 0),
    T(GK_TYPE_IQ2_S,   "IQ2_S",  256,  82, GK_TYPE_Q8_K, 0),
    T(GK_TYPE_IQ4_XS,  "IQ4_XS", 256, 136, GK_TYPE_Q8_K, 0),
    T(GK_TYPE_I8,      "I8",       1,   1, -1,           0),
    T(GK_TYPE_I16,     "I16",      1,   2, -1,           0),
    T(GK_TYPE_I32,     "I32",      1,   4, -1,           0),
    T(GK_TYPE_I64,     "I64",      1,   8, -1,           0),
    T(GK_TYPE_F64,     "F64",      1,   8, -1,           0),
    T(GK_TYPE_IQ1_M,   "IQ1_M",  256,  56, GK_TYPE_Q8_K, 0),
    T(GK_TYPE_BF16,    "BF16",     1,   2, GK_TYPE_BF16, 0),
    REMOVED(31), REMOVED(32), REMOVED(33),
    T(GK_TYPE_TQ1_0,   "TQ1_0",  256,  54, GK_TYPE_Q8_K, 0),
    T(GK_TYPE_TQ2_0,   "TQ2_0",  256,  66, GK_TYPE_Q8_K, 0),
    REMOVED(36), REMOVED(37), REMOVED(38),
    T(GK_TYPE_MXFP4,   "MXFP4",   32,  17, GK_TYPE_Q8_0, 0),
    T(GK_TYPE_NVFP4,   "NVFP4",   64,  36, GK_TYPE_Q8_0, 0),
    T(GK_TYPE_Q1_0,    "Q1_0",   128,  18, GK_TYPE_Q8_0, 0),
    T(GK_TYPE_Q2_0,    "Q2_0",    64,  18, GK_TYPE_Q8_0, 0),
};

const gk_type_info *gk_type_get(int64_t type) {
    if (type < 0 || type >= GK_TYPE_COUNT) return 0;
    const gk_type_info *t = &gk_type_table[type];
    return t->name ? t : 0;
}

int64_t gk_row_size(int64_t type, int64_t ne) {
    const gk_type_info *t = gk_type_get(type);
    if (!t || ne < 0 || ne % t->block_size) return -1;
    return (ne / t->block_size) * t->type_size;
}
