/* The C test harness: every compiled tier against the scalar reference, natively or under
 * qemu-aarch64 (tools/check-aarch64.sh). Each op family adds a file ctest_<family>.c defining
 * `int gk_ctest_<family>(void)` (the number of failures); families not linked in are skipped. */
#include <stdio.h>
#include "ggufkit/gk_kernels.h"

int gk_ctest_dequant(void) __attribute__((weak));
int gk_ctest_quant(void) __attribute__((weak));
int gk_ctest_vecdot(void) __attribute__((weak));
int gk_ctest_gemm(void) __attribute__((weak));

int main(void) {
    printf("ggufkit C tests; runnable tiers:");
    for (int i = 0; i < GK_ISA_COUNT; i++)
        if (gk_isa_runnable(i)) printf(" %s", gk_isa_name(i));
    printf("\n");
    struct { const char *name; int (*fn)(void); } fams[] = {
        {"dequant", gk_ctest_dequant}, {"quant", gk_ctest_quant},
        {"vecdot", gk_ctest_vecdot}, {"gemm", gk_ctest_gemm},
    };
    int failures = 0;
    for (size_t i = 0; i < sizeof fams / sizeof fams[0]; i++) {
        if (!fams[i].fn) continue;
        const int f = fams[i].fn();
        printf("%s: %s (%d failures)\n", fams[i].name, f ? "FAILED" : "ok", f);
        failures += f;
    }
    return failures ? 1 : 0;
}
