/* The quant kernels of the avx512 tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */

const gk_quant_fn gk_quant_table_avx512[GK_TYPE_COUNT] = {
    0,
};
