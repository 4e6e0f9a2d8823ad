/* The quant kernels of the neon tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */

const gk_quant_fn gk_quant_table_neon[GK_TYPE_COUNT] = {
    0,
};
