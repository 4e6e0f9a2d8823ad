"""Dequantize benchmark workloads: every type, an 8192 x 4096 tensor (134 MB of float32, larger than
L3), ggufkit with one and two threads, gguf-py's numpy dequantizer, and the float32 write bandwidth
(numpy filling an output-sized array) measured in the same run.

Used by ``ggufkit bench`` and benchmarks/table_dequantize.py; benchmarks/bench_dequantize.py runs
pytest-benchmark groups over the same data.

ggml side by side: set GGUFKIT_GGML_LIB to a shared library exporting ggml's ``dequantize_row_<type>``
(for example ``gcc -O3 -march=native -fPIC -shared -I$GGML/include -I$GGML/src $GGML/src/ggml-quants.c
stubs.c -lm``, with stubs for the few ggml.c helpers it references) and the table gains a column of
ggml's to_float measured in the same run. Otherwise only the recorded baseline figures are shown.
"""
from __future__ import annotations

import ctypes
import os
import time

import numpy as np

from ._types import GGMLType

ROWS, COLS = 8192, 4096
QUICK_ROWS = 1024
TILE_ROWS = 64           # distinct random rows, tiled (as the ggml baseline did)

# ggml 0.21 to_float, single thread, on the project's machine (GB/s of float32 written; see
# shared/baselines/ggml-cpu.md, measured 2026-11-24): the figure to beat.
GGML_F32_OUT_GBS = {
    "F16": 5.2, "Q4_0": 12.7, "Q4_1": 12.6, "Q5_0": 7.4, "Q5_1": 7.7, "Q8_0": 28.6, "Q2_K": 6.4,
    "Q3_K": 4.6, "Q4_K": 27.0, "Q5_K": 24.2, "Q6_K": 6.0, "IQ2_XXS": 1.4, "IQ2_XS": 1.4, "IQ3_XXS": 1.4,
    "IQ1_S": 15.1, "IQ4_NL": 5.3, "IQ3_S": 1.3, "IQ2_S": 1.3, "IQ4_XS": 5.4, "IQ1_M": 13.4, "BF16": 24.6,
    "TQ1_0": 20.4, "TQ2_0": 19.7, "MXFP4": 5.3, "NVFP4": 4.8, "Q1_0": 1.1, "Q2_0": 6.9,
}

# Byte offsets of float16 scale fields in one block (everything else is any byte).
_F16_FIELDS = {
    "Q4_0": (0,), "Q4_1": (0, 2), "Q5_0": (0,), "Q5_1": (0, 2), "Q8_0": (0,), "Q8_1": (0, 2),
    "Q2_K": (80, 82), "Q3_K": (108,), "Q4_K": (0, 2), "Q5_K": (0, 2), "Q6_K": (208,),
    "IQ2_XXS": (0,), "IQ2_XS": (0,), "IQ2_S": (0,), "IQ3_XXS": (0,), "IQ3_S": (0,), "IQ1_S": (0,),
    "IQ4_NL": (0,), "IQ4_XS": (0,), "TQ1_0": (52,), "TQ2_0": (64,), "Q1_0": (0,), "Q2_0": (0,),
}


def bench_types():
    """Every type with a dequantizer worth timing (the plain integer / F64 types are numpy casts)."""
    return [t for t in GGMLType if t.name not in ("I8", "I16", "I32", "I64", "F64")]


def make_data(t: GGMLType, rows: int, cols: int = COLS, seed: int = 0) -> np.ndarray:
    """uint8 (rows, row_bytes): TILE_ROWS random valid rows (finite, moderate scales), tiled."""
    rng = np.random.default_rng(seed)
    n = TILE_ROWS * cols
    if t.name == "F32":
        tile = rng.standard_normal(n).astype(np.float32).view(np.uint8)
    elif t.name == "F16":
        tile = rng.standard_normal(n).astype(np.float16).view(np.uint8)
    elif t.name == "BF16":
        tile = (rng.standard_normal(n).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16).view(np.uint8)
    else:
        nb = n // t.block_size
        blocks = rng.integers(0, 256, (nb, t.type_size), dtype=np.uint8)
        halves = lambda: (rng.standard_normal(nb) * 0.05).astype(np.float16).view(np.uint8).reshape(nb, 2)
        for off in _F16_FIELDS.get(t.name, ()):
            blocks[:, off:off + 2] = halves()
        if t.name == "Q8_K":
            blocks[:, 0:4] = (rng.standard_normal(nb) * 0.05).astype(np.float32).view(np.uint8).reshape(nb, 4)
        if t.name == "IQ1_M":  # scale nibbles in the top of each 16-bit scale word: keep d finite
            blocks[:, 49::2] &= 0x0F
            blocks[:, 55] |= 0x20
        tile = blocks
    tile = tile.reshape(TILE_ROWS, -1)
    return np.ascontiguousarray(np.tile(tile, (rows // TILE_ROWS, 1)))


def _ggml_lib():
    path = os.environ.get("GGUFKIT_GGML_LIB")
    if not path:
        return None
    try:
        return ctypes.CDLL(path)
    except OSError:
        return None


def _ggml_fn(lib, t: GGMLType):
    if lib is None or t.block_size == 1:
        return None
    name = "dequantize_row_" + t.name.lower().replace("_k", "_K")
    fn = getattr(lib, name, None)
    if fn is not None:
        fn.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
        fn.restype = None
    return fn


def _best(fn, reps: int) -> float:
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run(quick: bool = False, types=None, reps=None) -> list:
    from ._dequantize import dequantize, _aligned_empty
    try:
        import gguf
        import gguf.quants
    except ImportError:  # test-only dependency
        gguf = None
    rows = QUICK_ROWS if quick else ROWS
    reps = reps or (2 if quick else 3)
    out = _aligned_empty((rows, COLS), np.float32)  # as dequantize allocates it when out is None
    out.fill(1.0)  # touch every page once; non-zero fills: zero fills take a faster path on some CPUs
    results = []
    lib = _ggml_lib()
    for t in (types or bench_types()):
        t = GGMLType.coerce(t)
        data = make_data(t, rows)
        gfn = _ggml_fn(lib, t)
        # Interleaved: each round times the fill, ours (1 and 2 threads) and ggml back to back, and each
        # keeps its best round, so that a noisy neighbour on a shared machine hits them all alike.
        jobs = {
            "fill": lambda: out.fill(1.0),
            "one": lambda: dequantize(data, t, out.shape, out=out, threads=1),
            "two": lambda: dequantize(data, t, out.shape, out=out, threads=2),
        }
        if gfn is not None:
            jobs["ggml"] = lambda: gfn(data.ctypes.data, out.ctypes.data, out.size)
        best = {k: float("inf") for k in jobs}
        for _ in range(reps):
            for k, fn in jobs.items():
                best[k] = min(best[k], _best(fn, 1))
        fill, one, two = best["fill"], best["one"], best["two"]
        ggml_now = out.nbytes / best["ggml"] / 1e9 if gfn is not None else None
        ref = None
        qt = getattr(gguf, "GGMLQuantizationType", None) if gguf else None
        if qt is not None and t.name in qt.__members__ and t.name not in ("F32", "Q8_1", "Q8_K", "Q1_0"):
            try:  # the same tensor, once (it is slow)
                g = _best(lambda: gguf.quants.dequantize(data, qt[t.name]), 1)
                ref = out.nbytes / g / 1e9
            except NotImplementedError:
                ref = None
        nbytes_out = out.nbytes
        results.append({
            "type": t.name,
            "rows": rows, "cols": COLS,
            "gbs_out_1t": nbytes_out / one / 1e9,
            "gbs_in_1t": data.nbytes / one / 1e9,
            "gbs_out_2t": nbytes_out / two / 1e9,
            "gbs_in_2t": data.nbytes / two / 1e9,
            "fill_gbs": nbytes_out / fill / 1e9,
            "ggufpy_gbs_out": ref,
            "ggml_gbs_out": GGML_F32_OUT_GBS.get(t.name),
            "ggml_now_gbs_out": ggml_now,
        })
    return results


def format_table(rows: list) -> str:
    if not rows:
        return "(no rows)"
    r0 = rows[0]
    lines = [f"dequantize {r0['rows']} x {r0['cols']} to float32, GB/s (out = float32 written, in = quantized read); "
             f"fill = numpy float32 write bandwidth in the same run; ggml = its single-thread to_float (baseline file)",
             "| type | 1t out | 1t in | 1t / fill | 2t out | 2t / 1t | ggml out (file) | vs ggml | ggml out (this run) "
             "| vs ggml | gguf-py out | vs gguf-py |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    def num(v, fmt):
        return "-" if v is None else format(v, fmt)

    for r in rows:
        one, two, g, p = r["gbs_out_1t"], r["gbs_out_2t"], r["ggml_gbs_out"], r["ggufpy_gbs_out"]
        gn = r.get("ggml_now_gbs_out")
        cells = [r["type"], num(one, ".1f"), num(r["gbs_in_1t"], ".2f"), num(one / r["fill_gbs"], ".0%"),
                 num(two, ".1f"), num(two / one, ".2f") + "x", num(g, ".1f"),
                 num(None if g is None else one / g, ".1f") + ("x" if g else ""),
                 num(gn, ".1f"), num(None if gn is None else one / gn, ".1f") + ("x" if gn else ""),
                 num(p, ".2f"), num(None if p is None else one / p, ".0f") + ("x" if p else "")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------- in-cache kernel speed

INCACHE_FLOATS = 131072  # 512 KB of output: stays in L2, so this times the kernel, not the memory


def _kernel_fn(lib, isa: int, t: GGMLType):
    """Each tier's resolved dequant kernel, read from its kernel set (the dispatch table)."""
    lib.gk_kernels.restype = ctypes.c_void_p
    lib.gk_kernels.argtypes = [ctypes.c_int]
    ks = lib.gk_kernels(isa)
    ptr = ctypes.c_void_p.from_address(ks + ctypes.sizeof(ctypes.c_void_p) * int(t)).value
    if not ptr:
        return None
    return ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64)(ptr)


def run_incache(types=None, rounds: int = 20, calls: int = 50) -> list:
    """GB/s of float32 written by each tier's kernel (and ggml's, with GGUFKIT_GGML_LIB) on a 512 KB
    output, called directly (no Python argument handling), best of ``rounds`` rounds of ``calls``."""
    from . import _core, _testing
    core = ctypes.CDLL(_core.__file__)
    core.gk_isa_from_name.restype = ctypes.c_int
    core.gk_isa_from_name.argtypes = [ctypes.c_char_p]
    tiers = _testing.runnable_tiers()
    ggml = _ggml_lib()
    out = np.empty(INCACHE_FLOATS + 16, np.float32)
    y = out[(-out.ctypes.data % 64) // 4:][:INCACHE_FLOATS]
    results = []
    for t in (types or bench_types()):
        t = GGMLType.coerce(t)
        rows = INCACHE_FLOATS // COLS
        data = np.ascontiguousarray(make_data(t, TILE_ROWS)[:rows])
        fns = {tier: _kernel_fn(core, core.gk_isa_from_name(tier.encode()), t) for tier in tiers}
        fns["ggml"] = _ggml_fn(ggml, t)
        best = {}
        for _ in range(rounds):
            for name, fn in fns.items():
                if fn is None:
                    continue
                t0 = time.perf_counter()
                for _ in range(calls):
                    fn(data.ctypes.data, y.ctypes.data, y.size)
                dt = (time.perf_counter() - t0) / calls
                best[name] = min(best.get(name, float("inf")), dt)
        row = {"type": t.name, "floats": INCACHE_FLOATS}
        for name in list(tiers) + ["ggml"]:
            row[name] = y.nbytes / best[name] / 1e9 if name in best else None
        results.append(row)
    return results


def format_incache(rows: list) -> str:
    if not rows:
        return "(no rows)"
    names = [k for k in rows[0] if k not in ("type", "floats")]
    lines = [f"dequantize kernels in cache ({rows[0]['floats'] * 4 // 1024} KB of float32 out per call), GB/s written",
             "| type | " + " | ".join(names) + " | best / ggml |", "|---|" + "---:|" * (len(names) + 1)]
    for r in rows:
        cells = ["-" if r[n] is None else f"{r[n]:.1f}" for n in names]
        ours = max((r[n] for n in names if n != "ggml" and r[n] is not None), default=None)
        ratio = "-" if r.get("ggml") is None or ours is None else f"{ours / r['ggml']:.1f}x"
        lines.append(f"| {r['type']} | " + " | ".join(cells) + f" | {ratio} |")
    return "\n".join(lines)
