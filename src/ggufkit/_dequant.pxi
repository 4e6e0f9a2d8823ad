# Dequantize: raw block bytes -> float32 / float16, through csrc/core/op_dequant.c.

cdef extern from "ggufkit/gk_op_dequant.h" nogil:
    enum: GK_DEQUANT_OUT_F32
    enum: GK_DEQUANT_OUT_F16
    int gk_dequantize(const gk_kernel_set *ks, int type, const void *src, void *dst, int64_t n,
                      int out_dtype, int nthreads)

_DEQUANT_ERRORS = {
    -1: "invalid ggml type id",
    -2: "no dequantize kernel for this type",
    -3: "element count is not a multiple of the block size",
    -4: "unsupported output dtype",
}

def dequantize_into(src, out, int type_id, int64_t n, bint out_f16, threads, isa):
    """Dequantize n elements of type type_id from the bytes of src into the bytes of out.
    Both are flat, contiguous uint8 buffers of the exact sizes (checked by the caller)."""
    cdef const unsigned char[::1] s = src
    cdef unsigned char[::1] d = out
    cdef const gk_kernel_set *ks = kernel_set(isa)
    cdef int nt = resolve_threads(threads)
    cdef int rc
    cdef const void *sp = NULL
    cdef void *dp = NULL
    if s.shape[0] > 0:
        sp = &s[0]
    if d.shape[0] > 0:
        dp = &d[0]
    cdef int od = GK_DEQUANT_OUT_F16 if out_f16 else GK_DEQUANT_OUT_F32
    with nogil:
        rc = gk_dequantize(ks, type_id, sp, dp, n, od, nt)
    if rc != 0:
        raise ValueError(_DEQUANT_ERRORS.get(rc, f"dequantize failed ({rc})"))
