/* CPU feature detection (CPUID + XGETBV on x86, getauxval on aarch64). */
#ifndef GK_CPU_H
#define GK_CPU_H
#include <stdint.h>

enum gk_cpu_feature {
    GK_CPU_SSE42 = 1u << 0, GK_CPU_AVX = 1u << 1, GK_CPU_AVX2 = 1u << 2, GK_CPU_FMA = 1u << 3,
    GK_CPU_F16C = 1u << 4, GK_CPU_BMI2 = 1u << 5, GK_CPU_AVX512F = 1u << 6, GK_CPU_AVX512CD = 1u << 7,
    GK_CPU_AVX512BW = 1u << 8, GK_CPU_AVX512DQ = 1u << 9, GK_CPU_AVX512VL = 1u << 10,
    GK_CPU_AVX512VNNI = 1u << 11, GK_CPU_AVX512VBMI = 1u << 12, GK_CPU_AVX512BF16 = 1u << 13,
    /* not a feature but a quirk: BMI2's pdep/pext are microcoded (AMD before Zen 3), or
     * GGUFKIT_SLOW_PDEP=1 says to act as if (tests); kernels that use pdep then take a variant without it */
    GK_CPU_SLOW_PDEP = 1u << 14,
    GK_CPU_GFNI = 1u << 15, /* GF(2^8) affine ops; with AVX-512 state enabled (the only way it is used) */
    GK_CPU_NEON = 1u << 16, GK_CPU_ASIMDDP = 1u << 17, GK_CPU_FP16 = 1u << 18,
};

/* Bit set of gk_cpu_feature, the OS state checks (XGETBV) already applied. */
uint32_t gk_cpu_features(void);
/* Name of feature bit i (0..31), NULL if unused. */
const char *gk_cpu_feature_name(int bit);

#endif
