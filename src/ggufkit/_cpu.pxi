# Type table, CPU features and kernel dispatch, as Python data.

def type_table():
    """Rows (id, name, block_size, type_size, vec_dot_type, requires_imatrix) of every valid type id,
    straight from the C table (csrc/core/types.c)."""
    rows = []
    cdef int i
    cdef const gk_type_info *t
    for i in range(GK_TYPE_COUNT):
        t = gk_type_get(i)
        if t == NULL:
            continue
        rows.append((i, t.name.decode(), t.block_size, t.type_size, t.vec_dot_type, bool(t.requires_imatrix)))
    return rows

def removed_type_ids():
    cdef int i
    return [i for i in range(GK_TYPE_COUNT) if gk_type_table[i].removed]

def isa_names():
    cdef int i
    return [gk_isa_name(i).decode() for i in range(GK_ISA_COUNT)]

cdef int isa_index(object isa) except -2:
    """Tier argument of the private entries: None (the active tier) or a tier name."""
    if isa is None:
        return -1
    cdef int i = gk_isa_from_name(str(isa).encode())
    if i < 0:
        raise ValueError(f"unknown ISA tier {isa!r}; known: {', '.join(isa_names())}")
    if not gk_isa_runnable(i):
        raise ValueError(f"ISA tier {isa!r} cannot run on this CPU or was not compiled in")
    return i

cdef const gk_kernel_set *kernel_set(object isa) except NULL:
    cdef int i = isa_index(isa)
    cdef const gk_kernel_set *ks = gk_kernels(i)
    if ks == NULL:
        raise RuntimeError(f"no kernels for ISA tier {isa!r}")
    return ks

cdef int resolve_threads(object threads) except -1:
    if threads is None:
        return gk_default_threads()
    n = int(threads)
    if n < 1:
        raise ValueError(f"threads must be >= 1, got {threads!r}")
    return min(n, 256)

def cpu_info_raw():
    cdef uint32_t f = gk_cpu_features()
    cdef int b, i, op, t
    features = [gk_cpu_feature_name(b).decode() for b in range(32)
                if (f >> b) & 1 and gk_cpu_feature_name(b) != NULL]
    compiled = [gk_isa_name(i).decode() for i in range(GK_ISA_COUNT) if gk_isa_compiled(i)]
    runnable = [gk_isa_name(i).decode() for i in range(GK_ISA_COUNT) if gk_isa_runnable(i)]
    cdef int req = gk_isa_ceiling_requested()
    cdef const gk_kernel_set *ks = gk_kernels(-1)
    ops = ("dequantize", "quantize", "vec_dot", "gemm", "vec_dot_repacked")
    served = {}
    for t in range(GK_TYPE_COUNT):
        if gk_type_get(t) == NULL:
            continue
        row = {}
        for op in range(GK_OP_COUNT):
            row[ops[op]] = gk_isa_name(ks.served_by[op][t]).decode() if ks.served_by[op][t] >= 0 else None
        served[gk_type_get(t).name.decode()] = row
    return {
        "features": features,
        "compiled": compiled,
        "runnable": runnable,
        "requested": gk_isa_name(req).decode() if req >= 0 else None,
        "active": gk_isa_name(gk_active_isa()).decode(),
        "default_threads": gk_default_threads(),
        "kernels": served,
    }

def tier_kernels(isa):
    """For tests: {type name: {op: tier serving it}} for one runnable tier."""
    cdef const gk_kernel_set *ks = kernel_set(isa)
    cdef int t, op
    ops = ("dequantize", "quantize", "vec_dot", "gemm", "vec_dot_repacked")
    out = {}
    for t in range(GK_TYPE_COUNT):
        if gk_type_get(t) == NULL:
            continue
        out[gk_type_get(t).name.decode()] = {
            ops[op]: (gk_isa_name(ks.served_by[op][t]).decode() if ks.served_by[op][t] >= 0 else None)
            for op in range(GK_OP_COUNT)}
    return out
