/* Run-time dispatch: overlay each tier's tables on the tier below, once, for every tier the CPU runs. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "ggufkit/gk_cpu.h"

static const char *const isa_names[GK_ISA_COUNT] = {"ref", "avx2", "avx512", "avx512_vnni", "neon", "neon_dotprod"};
/* The tier each one builds on; REF builds on nothing. */
static const int isa_parent[GK_ISA_COUNT] = {-1, GK_ISA_REF, GK_ISA_AVX2, GK_ISA_AVX512, GK_ISA_REF, GK_ISA_NEON};

const char *gk_isa_name(int isa) { return (isa >= 0 && isa < GK_ISA_COUNT) ? isa_names[isa] : "?"; }

int gk_isa_from_name(const char *name) {
    for (int i = 0; i < GK_ISA_COUNT; i++) if (name && strcmp(name, isa_names[i]) == 0) return i;
    return -1;
}

int gk_isa_compiled(int isa) {
    switch (isa) {
    case GK_ISA_REF: return 1;
#ifdef GK_HAVE_AVX2
    case GK_ISA_AVX2: return 1;
#endif
#ifdef GK_HAVE_AVX512
    case GK_ISA_AVX512: return 1;
#endif
#ifdef GK_HAVE_AVX512_VNNI
    case GK_ISA_AVX512_VNNI: return 1;
#endif
#ifdef GK_HAVE_NEON
    case GK_ISA_NEON: return 1;
#endif
#ifdef GK_HAVE_NEON_DOTPROD
    case GK_ISA_NEON_DOTPROD: return 1;
#endif
    default: return 0;
    }
}

static int cpu_supports(int isa) {
    const uint32_t f = gk_cpu_features();
    const uint32_t avx2 = GK_CPU_AVX2 | GK_CPU_FMA | GK_CPU_F16C | GK_CPU_BMI2;
    const uint32_t avx512 = avx2 | GK_CPU_AVX512F | GK_CPU_AVX512CD | GK_CPU_AVX512BW | GK_CPU_AVX512DQ | GK_CPU_AVX512VL;
    const uint32_t vnni = avx512 | GK_CPU_AVX512VNNI | GK_CPU_AVX512VBMI;
    switch (isa) {
    case GK_ISA_REF: return 1;
    case GK_ISA_AVX2: return (f & avx2) == avx2;
    case GK_ISA_AVX512: return (f & avx512) == avx512;
    case GK_ISA_AVX512_VNNI: return (f & vnni) == vnni;
    case GK_ISA_NEON: return (f & GK_CPU_NEON) != 0;
    case GK_ISA_NEON_DOTPROD: return (f & (GK_CPU_NEON | GK_CPU_ASIMDDP)) == (GK_CPU_NEON | GK_CPU_ASIMDDP);
    default: return 0;
    }
}

int gk_isa_runnable(int isa) { return gk_isa_compiled(isa) && cpu_supports(isa); }

static gk_kernel_set sets[GK_ISA_COUNT];
static int set_ok[GK_ISA_COUNT];
static int active_isa = GK_ISA_REF;
static int requested_isa = -1;
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define OVERLAY(isa_id, isa)                                                                  \
    do {                                                                                      \
        gk_kernel_set *s = &sets[isa_id];                                                     \
        for (int t = 0; t < GK_TYPE_COUNT; t++) {                                             \
            if (gk_dequant_table_##isa[t]) { s->dequant[t] = gk_dequant_table_##isa[t]; s->served_by[GK_OP_DEQUANT][t] = isa_id; } \
            if (gk_quant_table_##isa[t]) { s->quant[t] = gk_quant_table_##isa[t]; s->served_by[GK_OP_QUANT][t] = isa_id; }         \
            if (gk_vecdot_table_##isa[t]) { s->vecdot[t] = gk_vecdot_table_##isa[t]; s->served_by[GK_OP_VECDOT][t] = isa_id; }     \
            if (gk_gemm_table_##isa[t]) { s->gemm[t] = gk_gemm_table_##isa[t]; s->served_by[GK_OP_GEMM][t] = isa_id; }             \
            if (gk_vecdot_rp_table_##isa[t]) { s->vecdot_rp[t] = gk_vecdot_rp_table_##isa[t]; s->served_by[GK_OP_VECDOT_RP][t] = isa_id; } \
        }                                                                                     \
    } while (0)

static void build_set(int isa) {
    gk_kernel_set *s = &sets[isa];
    if (isa_parent[isa] >= 0) *s = sets[isa_parent[isa]];
    else memset(s->served_by, -1, sizeof s->served_by);
    s->isa = isa;
    switch (isa) {
    case GK_ISA_REF: OVERLAY(GK_ISA_REF, ref); break;
#ifdef GK_HAVE_AVX2
    case GK_ISA_AVX2: OVERLAY(GK_ISA_AVX2, avx2); break;
#endif
#ifdef GK_HAVE_AVX512
    case GK_ISA_AVX512: OVERLAY(GK_ISA_AVX512, avx512); break;
#endif
#ifdef GK_HAVE_AVX512_VNNI
    case GK_ISA_AVX512_VNNI: OVERLAY(GK_ISA_AVX512_VNNI, avx512_vnni); break;
#endif
#ifdef GK_HAVE_NEON
    case GK_ISA_NEON: OVERLAY(GK_ISA_NEON, neon); break;
#endif
#ifdef GK_HAVE_NEON_DOTPROD
    case GK_ISA_NEON_DOTPROD: OVERLAY(GK_ISA_NEON_DOTPROD, neon_dotprod); break;
#endif
    default: break;
    }
}

static int below_or_equal(int isa, int ceiling) {
    for (int i = ceiling; i >= 0; i = isa_parent[i]) if (i == isa) return 1;
    return 0;
}

static void init_once(void) {
    /* Parents come before children in enum order, so one pass builds every chain. */
    for (int i = 0; i < GK_ISA_COUNT; i++) {
        set_ok[i] = gk_isa_runnable(i) && (isa_parent[i] < 0 || set_ok[isa_parent[i]]);
        if (set_ok[i]) build_set(i);
    }
    const char *env = getenv("GGUFKIT_ISA");
    requested_isa = (env && *env) ? gk_isa_from_name(env) : -1;
    active_isa = GK_ISA_REF;
    for (int i = 0; i < GK_ISA_COUNT; i++) {
        if (!set_ok[i]) continue;
        if (requested_isa >= 0 && !below_or_equal(i, requested_isa)) continue;
        /* prefer the deepest runnable tier of the chain */
        if (below_or_equal(active_isa, i)) active_isa = i;
    }
}

const gk_kernel_set *gk_kernels(int isa) {
    pthread_once(&once, init_once);
    if (isa < 0) isa = active_isa;
    if (isa >= GK_ISA_COUNT || !set_ok[isa]) return NULL;
    return &sets[isa];
}

int gk_active_isa(void) { pthread_once(&once, init_once); return active_isa; }
int gk_isa_ceiling_requested(void) { pthread_once(&once, init_once); return requested_isa; }
