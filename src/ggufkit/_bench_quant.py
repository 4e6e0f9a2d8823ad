"""Quantize benchmark workloads: every type ggufkit quantizes, on normal(0, 1) rows of 4096 values,
ggufkit with one and two threads, gguf-py's numpy quantizer where it has one, and ggml's own figures
(measured on the project's machine, single thread) as a reference column. Also the RMSE of the round
trip (quantize then dequantize) per type.

Used by ``ggufkit bench`` and benchmarks/table_quantize.py; benchmarks/bench_quantize.py runs
pytest-benchmark groups over the same data.
"""
from __future__ import annotations

import time

import numpy as np

from ._types import GGMLType

COLS = 4096
TILE_ROWS = 64  # distinct random rows (the ggml baseline tiled 64 rows as well)

# ggml 0.21 ggml_quantize_chunk, single thread, million input elements per second, on the project's
# machine (shared/baselines/ggml-cpu.md, measured 2026-11-24, no imatrix except where required).
GGML_QUANT_MEPS = {
    "F16": 713.8, "Q4_0": 831.8, "Q4_1": 1261.4, "Q5_0": 504.6, "Q5_1": 744.9, "Q8_0": 405.3,
    "Q2_K": 23.2, "Q3_K": 100.7, "Q4_K": 21.1, "Q5_K": 24.7, "Q6_K": 40.3, "IQ2_XXS": 1.0, "IQ2_XS": 0.3,
    "IQ3_XXS": 2.5, "IQ1_S": 0.1, "IQ4_NL": 6.1, "IQ3_S": 3.4, "IQ2_S": 0.2, "IQ4_XS": 6.1, "IQ1_M": 1.9,
    "BF16": 3545.8, "TQ1_0": 488.1, "TQ2_0": 473.4, "MXFP4": 262.6, "NVFP4": 49.8, "Q1_0": 218.8,
    "Q2_0": 342.2,
}

# gguf-py (gguf.quants.quantize) quantizes these; the others raise NotImplementedError there.
GGUF_PY_TYPES = ("Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "TQ1_0", "TQ2_0", "MXFP4", "F16", "BF16")


def bench_types() -> list:
    """Every type the active kernels can quantize (the float / activation types included when their
    family has registered a kernel)."""
    from . import _core
    return [t for t in GGMLType if t.name not in ("F32", "F64", "I8", "I16", "I32", "I64")
            and _core.has_quant_kernel(int(t))]


def make_data(rows: int, cols: int = COLS, seed: int = 0) -> np.ndarray:
    """float32 (rows, cols) of normal(0, 1): TILE_ROWS random rows, tiled."""
    tile = np.random.default_rng(seed).standard_normal((min(rows, TILE_ROWS), cols)).astype(np.float32)
    return np.ascontiguousarray(np.tile(tile, (-(-rows // tile.shape[0]), 1))[:rows])


def make_imatrix(cols: int = COLS, seed: int = 1) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(cols) ** 2 + 0.1).astype(np.float32)


def _best(fn, reps: int, budget: float) -> float:
    """Best time of at least reps runs, continuing (up to 4 * reps) while under budget seconds: the
    machines this runs on are shared, and the best run is the one that was not preempted."""
    best, spent = float("inf"), 0.0
    for i in range(4 * reps):
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        best, spent = min(best, dt), spent + dt
        if i + 1 >= reps and spent > budget:
            break
    return best


def _rows_for(t: GGMLType, seconds: float) -> int:
    """A row count that takes about `seconds` at ggml's speed (so slow types stay short)."""
    meps = GGML_QUANT_MEPS.get(t.name, 100.0)
    return int(min(1024, max(2, meps * 1e6 * seconds / COLS)))


def run(quick: bool = False, types=None) -> list:
    """One row per type: M elements/s for ggufkit (1 and 2 threads), gguf-py and ggml, and RMSE."""
    from ._quantize import quantize
    from ._dequantize import dequantize
    try:
        import gguf
        from gguf import quants as gq
    except ImportError:  # gguf-py is a test-only dependency
        gguf = gq = None
    seconds = 0.02 if quick else 0.1
    reps = 5 if quick else 9
    im = make_imatrix()
    out = []
    for t in types or bench_types():
        t = GGMLType.coerce(t)
        rows = _rows_for(t, seconds)
        x = make_data(rows)
        imatrix = im if t.requires_imatrix else None
        n = x.size
        row = {"type": t.name, "rows": rows, "cols": COLS,
               "ggml_meps": GGML_QUANT_MEPS.get(t.name)}
        for threads in (1, 2):
            quantize(x[:2], t, imatrix=imatrix, threads=threads)  # warm up (pool, tables)
            s = _best(lambda: quantize(x, t, imatrix=imatrix, threads=threads), reps, 4 * seconds)
            row[f"ggufkit_{threads}t_meps"] = n / s / 1e6
        # with an importance matrix (the usual way to make K / IQ models; several types search harder)
        quantize(x[:2], t, imatrix=im, threads=1)
        s = _best(lambda: quantize(x, t, imatrix=im, threads=1), reps, 4 * seconds)
        row["ggufkit_1t_imatrix_meps"] = n / s / 1e6
        row["gguf_py_meps"] = None
        if gq is not None and t.name in GGUF_PY_TYPES:
            gt = gguf.GGMLQuantizationType[t.name]
            with np.errstate(all="ignore"):
                s = _best(lambda: gq.quantize(x, gt), 2, 2 * seconds)
            row["gguf_py_meps"] = n / s / 1e6
        # RMSE of the round trip on normal(0, 1) data (the tiled rows are all distinct below 64)
        xr = make_data(min(rows, TILE_ROWS), seed=2)
        try:
            d = dequantize(quantize(xr, t, imatrix=imatrix), t, xr.shape)
            row["rmse"] = float(np.sqrt(np.mean((d.astype(np.float64) - xr) ** 2)))
        except NotImplementedError:
            row["rmse"] = None
        out.append(row)
    return out


def _fmt(v, spec=".1f"):
    return "-" if v is None else format(v, spec)


def format_table(rows: list) -> str:
    head = ("| type | ggufkit 1T M/s | ggufkit 2T M/s | ggml 1T M/s | vs ggml | gguf-py M/s | vs gguf-py "
            "| RMSE N(0,1) | ggufkit 1T imatrix M/s |")
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ours = r["ggufkit_1t_meps"]
        g, p = r.get("ggml_meps"), r.get("gguf_py_meps")
        lines.append(
            f"| {r['type']} | {ours:.1f} | {r['ggufkit_2t_meps']:.1f} | {_fmt(g)} | "
            f"{_fmt(ours / g if g else None, '.2f')}x | {_fmt(p)} | "
            f"{_fmt(ours / p if p else None, '.0f')}x | {_fmt(r.get('rmse'), '.5f')} | "
            f"{_fmt(r.get('ggufkit_1t_imatrix_meps'))} |")
    lines.append("")
    lines.append("M/s: million input elements per second (normal(0, 1) rows of 4096; imatrix only where "
                 "ggml requires one, except in the last column, which always passes one). ggml: "
                 "ggml_quantize_chunk, one thread, measured on the project's machine "
                 "(shared/baselines/ggml-cpu.md); ggufkit and gguf-py measured in this run. The machine is "
                 "shared: each figure is the best of several runs.")
    return "\n".join(lines)
