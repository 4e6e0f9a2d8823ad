/* CPU feature detection. x86: CPUID for what the CPU has, XGETBV for what the OS saves on a context
 * switch (YMM for AVX/AVX2, opmask+ZMM for AVX-512): both must hold, unlike ggml's check. */
#include <stdlib.h>
#include "ggufkit/gk_cpu.h"

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <cpuid.h>

static uint64_t gk_xgetbv0(void) {
    uint32_t eax, edx;
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));  /* xgetbv */
    return ((uint64_t)edx << 32) | eax;
}

/* AMD before Zen 3 (family 0x17 and older) runs pdep/pext in microcode: tens to hundreds of cycles */
static int gk_pdep_is_slow(void) {
    const char *env = getenv("GGUFKIT_SLOW_PDEP");
    if (env && *env) return env[0] == '1';
    uint32_t a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return 0;
    const int amd = b == 0x68747541u && d == 0x69746e65u && c == 0x444d4163u; /* "AuthenticAMD" */
    __cpuid(1, a, b, c, d);
    const uint32_t family = ((a >> 8) & 0xF) + (((a >> 8) & 0xF) == 0xF ? ((a >> 20) & 0xFF) : 0);
    return amd && family < 0x19;
}

static uint32_t gk_detect(void) {
    uint32_t a, b, c, d, f = 0;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return 0;
    const uint32_t max_leaf = a;
    __cpuid(1, a, b, c, d);
    const int osxsave = (c >> 27) & 1;
    if ((c >> 20) & 1) f |= GK_CPU_SSE42;
    const int has_avx = (c >> 28) & 1, has_fma = (c >> 12) & 1, has_f16c = (c >> 29) & 1;
    uint64_t xcr0 = osxsave ? gk_xgetbv0() : 0;
    const int ymm_ok = (xcr0 & 0x6) == 0x6;     /* XMM and YMM state */
    const int zmm_ok = (xcr0 & 0xe6) == 0xe6;   /* + opmask, ZMM_Hi256, Hi16_ZMM */
    if (ymm_ok) {
        if (has_avx) f |= GK_CPU_AVX;
        if (has_fma) f |= GK_CPU_FMA;
        if (has_f16c) f |= GK_CPU_F16C;
    }
    if (max_leaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        if ((b >> 8) & 1) f |= GK_CPU_BMI2;
        if ((f & GK_CPU_BMI2) && gk_pdep_is_slow()) f |= GK_CPU_SLOW_PDEP;
        if (ymm_ok && ((b >> 5) & 1)) f |= GK_CPU_AVX2;
        if (zmm_ok) {
            if ((b >> 16) & 1) f |= GK_CPU_AVX512F;
            if ((b >> 17) & 1) f |= GK_CPU_AVX512DQ;
            if ((b >> 28) & 1) f |= GK_CPU_AVX512CD;
            if ((b >> 30) & 1) f |= GK_CPU_AVX512BW;
            if ((b >> 31) & 1) f |= GK_CPU_AVX512VL;
            if ((c >> 1) & 1) f |= GK_CPU_AVX512VBMI;
            if ((c >> 11) & 1) f |= GK_CPU_AVX512VNNI;
            if ((c >> 8) & 1) f |= GK_CPU_GFNI;
            __cpuid_count(7, 1, a, b, c, d);
            if ((a >> 5) & 1) f |= GK_CPU_AVX512BF16;
        }
    }
    return f;
}

#elif defined(__aarch64__)
#if defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#ifndef HWCAP_FPHP
#define HWCAP_FPHP (1 << 9)
#endif
static uint32_t gk_detect(void) {
    unsigned long hw = getauxval(AT_HWCAP);
    uint32_t f = GK_CPU_NEON; /* Advanced SIMD is mandatory on aarch64 */
    if (hw & HWCAP_ASIMDDP) f |= GK_CPU_ASIMDDP;
    if (hw & HWCAP_FPHP) f |= GK_CPU_FP16;
    return f;
}
#elif defined(__APPLE__)
static uint32_t gk_detect(void) { return GK_CPU_NEON | GK_CPU_ASIMDDP | GK_CPU_FP16; } /* every Apple silicon */
#else
static uint32_t gk_detect(void) { return GK_CPU_NEON; }
#endif
#else
static uint32_t gk_detect(void) { return 0; }
#endif

uint32_t gk_cpu_features(void) {
    static volatile int done = 0;
    static volatile uint32_t features = 0;
    if (!done) { features = gk_detect(); done = 1; } /* idempotent: a race only repeats the probe */
    return features;
}

const char *gk_cpu_feature_name(int bit) {
    static const char *const names[32] = {
        "sse4.2", "avx", "avx2", "fma", "f16c", "bmi2", "avx512f", "avx512cd", "avx512bw", "avx512dq",
        "avx512vl", "avx512vnni", "avx512vbmi", "avx512bf16", "slow_pdep", "gfni", "neon", "asimddp", "fp16",
    };
    return (bit >= 0 && bit < 32) ? names[bit] : 0;
}
