/* Scalar reference quantizers for the grid IQ types: quant_iq_impl.h with the scalar search primitives of
 * quant_iq_scalar.h. ggml refuses IQ2_XXS, IQ2_XS and IQ1_S without an importance matrix: these return 0
 * when called without one (the Python layer raises first). */
#include "quant_iq_scalar.h"
#define iq_nb8 iq_nb8_scalar
#define iq_nb4 iq_nb4_scalar
#define iq_nb1 iq_nb1_scalar
#define iq_trials iq_trials_scalar
#define iq_sort iq_sort_scalar
#define iq1s_split iq1s_split_scalar
#define iq1m_split iq1m_split_scalar
#include "quant_iq_impl.h"
#include "ggufkit/gk_kernels.h"

size_t gk_quant_iq2_xxs_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq2_xxs(x, y, nrows, n_per_row, imatrix);
}
size_t gk_quant_iq2_xs_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq2_xs(x, y, nrows, n_per_row, imatrix);
}
size_t gk_quant_iq2_s_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq2_s(x, y, nrows, n_per_row, imatrix);
}
size_t gk_quant_iq3_xxs_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq3_xxs(x, y, nrows, n_per_row, imatrix);
}
size_t gk_quant_iq3_s_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq3_s(x, y, nrows, n_per_row, imatrix);
}
size_t gk_quant_iq1_s_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq1_s(x, y, nrows, n_per_row, imatrix);
}
size_t gk_quant_iq1_m_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq1_m(x, y, nrows, n_per_row, imatrix);
}
