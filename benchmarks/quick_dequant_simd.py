"""Quick single-thread throughput of the IQ / ternary / FP4 / Q1_0 / Q2_0 dequantizers, per kernel tier, next to a
numpy fill of the same float32 output (the write-bandwidth ceiling). One matrix per type (rows tiled from ggml's
golden quantized rows), best of a few runs, GB/s of float32 written.

    python benchmarks/quick_dequant_simd.py [--rows 4096] [--cols 4096] [--repeat 3] [TYPE ...]
"""
from __future__ import annotations

import argparse
import pathlib
import time

import numpy as np

from ggufkit import GGMLType, _testing

TYPES = ["IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ4_NL", "IQ4_XS",
         "TQ1_0", "TQ2_0", "MXFP4", "NVFP4", "Q1_0", "Q2_0"]
GOLDEN = pathlib.Path(__file__).resolve().parents[2] / "shared" / "golden"


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


def best_time(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("types", nargs="*", default=TYPES)
    ap.add_argument("--rows", type=int, default=4096)
    ap.add_argument("--cols", type=int, default=4096)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tiers = _testing.runnable_tiers()
    out = np.empty((args.rows, args.cols), np.float32)
    out.fill(0.0)  # fault the pages in once
    gbs = lambda sec: out.nbytes / sec / 1e9
    fill = gbs(best_time(lambda: out.fill(1.0), args.repeat))
    print(f"float32 out {args.rows} x {args.cols} ({out.nbytes / 1e6:.0f} MB), 1 thread, best of {args.repeat}; "
          f"numpy fill {fill:.1f} GB/s")
    print(f"{'type':8} " + " ".join(f"{t:>11}" for t in tiers) + "   best/fill  served by")
    for name in args.types:
        data = quantized_matrix(name, args.rows, args.cols)
        row = []
        for tier in tiers:
            k = _testing.kernels(tier)
            run = lambda: k.dequantize(data, name, (args.rows, args.cols), out=out, threads=1)
            row.append(gbs(best_time(run, 1 if tier == "ref" else args.repeat)))
        served = _testing.tier_kernels(tiers[-1])[name]["dequantize"]
        print(f"{name:8} " + " ".join(f"{v:11.1f}" for v in row) + f"   {max(row) / fill:8.0%}  {served}")


if __name__ == "__main__":
    main()
