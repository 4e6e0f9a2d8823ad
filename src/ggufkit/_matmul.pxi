# matmul family: the C driver (csrc/core/op_matmul.c) and direct kernel entries for the tests.

cdef extern from "ggufkit/gk_op_matmul.h" nogil:
    int gk_matmul(int isa, int type, const void *w, size_t w_stride, int64_t n, int64_t k,
                  const float *x, int64_t x_stride, int64_t m, float *y, int64_t y_stride,
                  int float_activations, int nthreads)
    const char *gk_matmul_strerror(int code)
    int gk_matmul_quantize_activations(int isa, int act_type, const float *x, int64_t m, int64_t k,
                                       void *out, int nthreads)
    int64_t gk_matmul_k_multiple(int type)
    int gk_matmul_repacked(int isa, int type, const void *wr, size_t wr_stride, int64_t n, int64_t k,
                           const float *x, int64_t x_stride, int64_t m, float *y, int64_t y_stride, int nthreads)

cdef extern from "ggufkit/gk_repack.h" nogil:
    int64_t gk_repack_row_size(int type, int64_t k)
    int gk_repack(int type, int64_t k, const void *w, size_t w_stride, int64_t n, void *out, int nthreads)


cdef _matmul_check(int rc, int type):
    if rc == 0:
        return
    msg = gk_matmul_strerror(rc).decode()
    name = gk_type_get(type).name.decode() if gk_type_get(type) != NULL else str(type)
    if rc == -3:
        raise NotImplementedError(f"matmul: {msg} ({name})")
    if rc == -4:
        raise MemoryError(f"matmul: {msg}")
    raise ValueError(f"matmul: {msg} ({name})")


def matmul_k_multiple(int type):
    """k must be a multiple of this for matmul with this weight type (-1: no dot product)."""
    return gk_matmul_k_multiple(type)


def matmul_raw(const float[:, ::1] x, const uint8_t[:, ::1] w, int type, int64_t k,
               float[:, ::1] out, bint float_activations, object threads, object isa):
    """out (m, n) = x (m, k) @ dequantize(w (n, row_bytes)).T. Shapes are checked by the caller."""
    cdef int i = isa_index(isa)
    kernel_set(isa)
    cdef int nt = resolve_threads(threads)
    cdef int64_t m = x.shape[0], n = w.shape[0]
    cdef int rc
    cdef const float *xp = &x[0, 0] if x.shape[0] > 0 and x.shape[1] > 0 else NULL
    cdef const uint8_t *wp = &w[0, 0] if w.shape[0] > 0 and w.shape[1] > 0 else NULL
    cdef float *yp = &out[0, 0] if out.shape[0] > 0 and out.shape[1] > 0 else NULL
    cdef size_t ws = w.shape[1]
    cdef int64_t xs = x.shape[1], ys = out.shape[1]
    with nogil:
        rc = gk_matmul(i, type, wp, ws, n, k, xp, xs, m, yp, ys, float_activations, nt)
    _matmul_check(rc, type)


def quantize_activations(const float[:, ::1] x, int act_type, uint8_t[:, ::1] out, object threads, object isa):
    """Rows of x in an activation format (Q8_0, Q8_1, Q8_K, F16, BF16), as ggml's from_float."""
    cdef int i = isa_index(isa)
    kernel_set(isa)
    cdef int nt = resolve_threads(threads)
    cdef int rc
    cdef int64_t m = x.shape[0], k = x.shape[1]
    if m == 0 or k == 0:
        return
    with nogil:
        rc = gk_matmul_quantize_activations(i, act_type, &x[0, 0], m, k, &out[0, 0], nt)
    _matmul_check(rc, act_type)


def vec_dot(int type, const uint8_t[::1] w_row, const uint8_t[::1] a_row, int64_t k, object isa):
    """One dot product by the tier's vec_dot kernel: a weight row (raw blocks) with an activation row
    already in the type's vec_dot format (e.g. ggml's act_q bytes)."""
    cdef const gk_kernel_set *ks = kernel_set(isa)
    cdef const gk_type_info *t = gk_type_get(type)
    if t == NULL or t.vec_dot_type < 0:
        raise ValueError(f"type {type} has no dot product")
    if k % gk_matmul_k_multiple(type) or gk_row_size(type, k) != w_row.shape[0] \
            or gk_row_size(t.vec_dot_type, k) != a_row.shape[0]:
        raise ValueError("vec_dot: row sizes do not match k")
    if ks.vecdot[type] == NULL:
        raise NotImplementedError(f"no vec_dot kernel for {t.name.decode()}")
    cdef float s = 0
    with nogil:
        ks.vecdot[type](k, &s, &w_row[0], &a_row[0])
    return s


def repack_row_size(int type, int64_t k):
    """Bytes of one repacked row of k weights of `type`, or -1 (no repacked layout, or k % 256)."""
    return gk_repack_row_size(type, k)


def repack_raw(const uint8_t[:, ::1] w, int type, int64_t k, uint8_t[:, ::1] out, object threads):
    """out (n, repack_row_size) = the repacked rows of w (n, row_bytes). Shapes are checked by the caller."""
    cdef int nt = resolve_threads(threads)
    cdef int64_t n = w.shape[0]
    cdef int rc
    if n == 0 or k == 0:
        return
    if out.shape[0] != n or out.shape[1] != gk_repack_row_size(type, k):
        raise ValueError("repack: output buffer has the wrong shape")
    with nogil:
        rc = gk_repack(type, k, &w[0, 0], w.shape[1], n, &out[0, 0], nt)
    if rc:
        raise ValueError(f"repack: type {type} has no repacked layout, or k={k} is not a multiple of 256")


def matmul_repacked_raw(const float[:, ::1] x, const uint8_t[:, ::1] wr, int type, int64_t k,
                        float[:, ::1] out, object threads, object isa):
    """out (m, n) = x (m, k) @ dequantize(source of wr).T, from repacked rows wr (n, repack_row_size)."""
    cdef int i = isa_index(isa)
    kernel_set(isa)
    cdef int nt = resolve_threads(threads)
    cdef int64_t m = x.shape[0], n = wr.shape[0]
    cdef int rc
    cdef const float *xp = &x[0, 0] if x.shape[0] > 0 and x.shape[1] > 0 else NULL
    cdef const uint8_t *wp = &wr[0, 0] if wr.shape[0] > 0 and wr.shape[1] > 0 else NULL
    cdef float *yp = &out[0, 0] if out.shape[0] > 0 and out.shape[1] > 0 else NULL
    cdef size_t ws = wr.shape[1]
    cdef int64_t xs = x.shape[1], ys = out.shape[1]
    with nogil:
        rc = gk_matmul_repacked(i, type, wp, ws, n, k, xp, xs, m, yp, ys, nt)
    _matmul_check(rc, type)


def vec_dot_repacked(int type, const uint8_t[::1] wr_row, const uint8_t[::1] a_row, int64_t k, object isa):
    """One dot product by the tier's kernel for repacked rows: a repacked row with an activation row
    in the source type's vec_dot format."""
    cdef const gk_kernel_set *ks = kernel_set(isa)
    cdef const gk_type_info *t = gk_type_get(type)
    if t == NULL or t.vec_dot_type < 0 or gk_repack_row_size(type, k) < 0:
        raise ValueError(f"type {type} has no repacked layout for k={k}")
    if gk_repack_row_size(type, k) != wr_row.shape[0] or gk_row_size(t.vec_dot_type, k) != a_row.shape[0]:
        raise ValueError("vec_dot_repacked: row sizes do not match k")
    if ks.vecdot_rp[type] == NULL:
        raise NotImplementedError(f"no repacked vec_dot kernel for {t.name.decode()}")
    cdef float s = 0
    with nogil:
        ks.vecdot_rp[type](k, &s, &wr_row[0], &a_row[0])
    return s
