# quantize: the C driver (csrc/core/op_quant.c) over a tier's quant kernels.

cdef extern from "ggufkit/gk_op_quant.h" nogil:
    int64_t gk_first_nonfinite_row(const float *x, int64_t nrows, int64_t n_per_row)
    int64_t gk_quantize_rows(gk_quant_fn fn, const float *x, void *y, int64_t nrows, int64_t n_per_row,
                             size_t row_bytes, const float *imatrix, int nthreads)

def has_quant_kernel(int type_id, isa=None):
    """True if the tier (None: active) has a quantize kernel for this type."""
    cdef const gk_kernel_set *ks = kernel_set(isa)
    return 0 <= type_id < GK_TYPE_COUNT and ks.quant[type_id] != NULL

def quantize_rows(int type_id, const float[:, ::1] x, uint8_t[:, ::1] out, imatrix, isa, threads):
    """Quantize the rows of x into out (rows of the type's row size). Returns -1, or the index of the
    first row holding a NaN or an infinity (out is then partly written). Arguments are checked by
    ggufkit._quantize; the shapes are checked again here because a mismatch would write out of bounds."""
    cdef const gk_kernel_set *ks = kernel_set(isa)
    if not 0 <= type_id < GK_TYPE_COUNT or ks.quant[type_id] == NULL:
        raise NotImplementedError(f"no quantize kernel for type id {type_id}")
    cdef gk_quant_fn fn = ks.quant[type_id]
    cdef int nthreads = resolve_threads(threads)
    cdef int64_t nrows = x.shape[0], n_per_row = x.shape[1]
    cdef int64_t row_bytes = gk_row_size(type_id, n_per_row)
    if row_bytes < 0 or out.shape[0] != nrows or out.shape[1] != row_bytes:
        raise ValueError("quantize_rows: out has the wrong shape")
    cdef const float[::1] im
    cdef const float *imp = NULL
    if imatrix is not None:
        im = imatrix
        if im.shape[0] != n_per_row:
            raise ValueError("quantize_rows: imatrix has the wrong length")
        if n_per_row > 0:
            imp = &im[0]
    if nrows == 0 or n_per_row == 0:
        return -1
    cdef int64_t bad
    with nogil:
        bad = gk_quantize_rows(fn, &x[0, 0], &out[0, 0], nrows, n_per_row, <size_t>row_bytes, imp, nthreads)
    return bad
