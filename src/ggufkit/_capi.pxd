# C declarations shared by every part of the _core module (csrc/include/ggufkit/*.h).
from libc.stdint cimport int8_t, uint8_t, int32_t, uint32_t, int64_t

cdef extern from "ggufkit/gk_types.h" nogil:
    enum: GK_TYPE_COUNT
    ctypedef struct gk_type_info:
        const char *name
        int32_t block_size
        int32_t type_size
        int32_t vec_dot_type
        uint8_t is_quantized
        uint8_t requires_imatrix
        uint8_t removed
    const gk_type_info *gk_type_get(int64_t type)
    int64_t gk_row_size(int64_t type, int64_t ne)
    const gk_type_info gk_type_table[]

cdef extern from "ggufkit/gk_kernels.h" nogil:
    enum: GK_ISA_COUNT
    enum: GK_OP_COUNT
    enum: GK_OP_DEQUANT
    enum: GK_OP_QUANT
    enum: GK_OP_VECDOT
    enum: GK_OP_GEMM
    enum: GK_OP_VECDOT_RP
    ctypedef void (*gk_dequant_fn)(const void *x, float *y, int64_t n)
    ctypedef size_t (*gk_quant_fn)(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix)
    ctypedef void (*gk_vecdot_fn)(int64_t n, float *s, const void *x, const void *y)
    ctypedef void (*gk_gemm_fn)(int64_t k, const void *w, size_t w_stride, int64_t n,
                                const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride)
    ctypedef struct gk_kernel_set:
        gk_dequant_fn dequant[GK_TYPE_COUNT]
        gk_quant_fn quant[GK_TYPE_COUNT]
        gk_vecdot_fn vecdot[GK_TYPE_COUNT]
        gk_gemm_fn gemm[GK_TYPE_COUNT]
        gk_vecdot_fn vecdot_rp[GK_TYPE_COUNT]
        int8_t served_by[GK_OP_COUNT][GK_TYPE_COUNT]
        int isa
    const char *gk_isa_name(int isa)
    int gk_isa_from_name(const char *name)
    int gk_isa_compiled(int isa)
    int gk_isa_runnable(int isa)
    const gk_kernel_set *gk_kernels(int isa)
    int gk_active_isa()
    int gk_isa_ceiling_requested()

cdef extern from "ggufkit/gk_cpu.h" nogil:
    uint32_t gk_cpu_features()
    const char *gk_cpu_feature_name(int bit)

cdef extern from "ggufkit/gk_parallel.h" nogil:
    ctypedef void (*gk_task_fn)(void *ctx, int64_t begin, int64_t end) noexcept nogil
    void gk_parallel_for(int64_t n, int64_t min_chunk, int nthreads, gk_task_fn fn, void *ctx)
    int gk_default_threads()
