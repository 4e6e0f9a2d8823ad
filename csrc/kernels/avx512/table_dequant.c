/* The dequant kernels of the avx512 tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */

const gk_dequant_fn gk_dequant_table_avx512[GK_TYPE_COUNT] = {
    0,
};
