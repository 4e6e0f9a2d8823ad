"""Quick single-thread throughput of the IQ / ternary / FP4 / Q1_0 / Q2_0 dequantizers, per kernel tier, next to a
numpy fill of the same float32 output (the write-bandwidth ceiling). One matrix per type (rows tiled from ggml's
golden quantized rows), GB/s of float32 written, best of a few rounds. Every round times each tier and the fill
once, in turn, so that load from other processes hits all columns alike.

The "direct" column is the best tier again with GK_NOSTREAM=1 (the dequantize driver then lets the kernel write
the output directly instead of through an L1 scratch and non-temporal stores). With GGUFKIT_GGML_LIB set to a shared
library exporting ggml's dequantize_row_<type> (ggml-quants.c), a "ggml" column times it on the same data.

    python benchmarks/quick_dequant_simd.py [--rows 4096] [--cols 4096] [--repeat 5] [TYPE ...]
"""
from __future__ import annotations

import argparse
import ctypes
import os
import pathlib
import time

import numpy as np

from ggufkit import GGMLType, _testing

TYPES = ["IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ4_NL", "IQ4_XS",
         "TQ1_0", "TQ2_0", "MXFP4", "NVFP4", "Q1_0", "Q2_0"]
GOLDEN = pathlib.Path(os.environ.get("GGUFKIT_SHARED", pathlib.Path(__file__).resolve().parents[2] / "shared")) / "golden"


def quantized_matrix(name, rows, cols):
    """rows x cols of `name`: ggml's golden quantized rows tiled (random valid blocks without golden data)."""
    t = GGMLType[name]
    path = GOLDEN / f"{name.lower()}.npz"
    if path.exists():
        with np.load(path) as z:
            q = z["quant"] if "quant" in z.files else z["quant_imatrix"]
        row = np.tile(q, (1, -(-t.row_bytes(cols) // q.shape[1])))[:, : t.row_bytes(cols)]
        return np.ascontiguousarray(np.tile(row, (-(-rows // row.shape[0]), 1))[:rows])
    import sys
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
    from dequant_blocks import random_blocks
    return random_blocks(t, rows, cols, np.random.default_rng(0), scale=1.0)


def ggml_dequantizer(name):
    """ggml's dequantize_row_<type> from GGUFKIT_GGML_LIB, or None."""
    path = os.environ.get("GGUFKIT_GGML_LIB")
    if not path:
        return None
    fn = getattr(ctypes.CDLL(path), "dequantize_row_" + name.lower(), None)
    if fn is not None:
        fn.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
        fn.restype = None
    return fn


def timed(fn, nostream=False):
    if nostream:
        os.environ["GK_NOSTREAM"] = "1"
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        os.environ.pop("GK_NOSTREAM", None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("types", nargs="*", default=TYPES)
    ap.add_argument("--rows", type=int, default=4096)
    ap.add_argument("--cols", type=int, default=4096)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    os.environ.pop("GK_NOSTREAM", None)
    tiers = _testing.runnable_tiers()
    out = np.empty((args.rows, args.cols), np.float32)
    out.fill(0.0)  # fault the pages in once
    gbs = lambda sec: out.nbytes / sec / 1e9
    print(f"float32 out {args.rows} x {args.cols} ({out.nbytes / 1e6:.0f} MB), 1 thread, best of {args.repeat} "
          f"interleaved rounds (ref: 1 round)")
    cols = (["ggml"] if os.environ.get("GGUFKIT_GGML_LIB") else []) + tiers + ["direct", "fill"]
    print(f"{'type':8} " + " ".join(f"{c:>11}" for c in cols) + "   best/fill  served by")
    for name in args.types:
        data = quantized_matrix(name, args.rows, args.cols)
        best = {c: float("inf") for c in cols}
        top = tiers[-1]
        run = lambda tier: (lambda: _testing.kernels(tier).dequantize(data, name, (args.rows, args.cols),
                                                                      out=out, threads=1))
        ggml = ggml_dequantizer(name)
        for r in range(args.repeat):
            if ggml is not None and r < 2:
                best["ggml"] = min(best["ggml"], timed(lambda: ggml(data.ctypes.data, out.ctypes.data, out.size)))
            for tier in tiers:
                if tier != "ref" or r == 0:
                    best[tier] = min(best[tier], timed(run(tier)))
            best["direct"] = min(best["direct"], timed(run(top), nostream=True))
            best["fill"] = min(best["fill"], timed(lambda: out.fill(1.0)))
        row = {c: gbs(v) for c, v in best.items()}
        ratio = max(row[t] for t in tiers) / row["fill"]
        served = _testing.tier_kernels(top)[name]["dequantize"]
        print(f"{name:8} " + " ".join(f"{row[c]:11.1f}" for c in cols) + f"   {ratio:8.0%}  {served}", flush=True)


if __name__ == "__main__":
    main()
