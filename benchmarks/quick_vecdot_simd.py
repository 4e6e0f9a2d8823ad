"""Single-thread vec_dot speed of the grid (IQ2/IQ3/IQ1), TQ1_0, Q1_0/Q2_0 and NVFP4 types per tier.

ggml's shape of work: one activation row against 8192 weight rows of 4096 (the golden rows of each type
tiled), through ``matmul`` with m = 1 (one vec_dot per weight row; the activation row is quantized once).
Prints GB/s of weight bytes per tier, best of --reps runs, next to ggml's figure on this machine kind
(/work/shared/baselines/ggml-cpu.md, measured on an idle machine: compare ratios, the machine is shared).
Note: matmul with m = 1 runs the tier's gemm kernel when it has one, and the x86 gemm kernels hand m = 1
to the vec_dot of the tier they were compiled for; the avx512 tier has no gemm for these types and
inherits avx2's, so its column shows the avx2 vec_dot, not the avx512 one.
Usage: python benchmarks/quick_vecdot_simd.py [--reps 5] [--tiers avx2,avx512_vnni] [TYPE ...]
"""
import argparse
import pathlib
import time

import numpy as np

from ggufkit import GGMLType, _testing

GOLDEN = pathlib.Path(__file__).resolve().parents[2] / "shared" / "golden"
TYPES = ["IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ1_S", "IQ1_M", "TQ1_0", "Q1_0", "Q2_0", "NVFP4"]
# ggml 0.21 vec_dot, GB/s of weights, single thread, same machine kind (baselines/ggml-cpu.md)
GGML = {"IQ2_XXS": 5.4, "IQ2_XS": 6.1, "IQ2_S": 7.2, "IQ3_XXS": 5.8, "IQ3_S": 5.5, "IQ1_S": 4.3,
        "IQ1_M": 5.2, "TQ1_0": 8.3, "Q1_0": 6.3, "Q2_0": 0.8, "NVFP4": 13.9}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--golden", default=str(GOLDEN))
    ap.add_argument("--tiers", default=None, help="comma-separated tiers (default: every runnable tier)")
    ap.add_argument("types", nargs="*", default=TYPES)
    args = ap.parse_args()
    tiers = args.tiers.split(",") if args.tiers else _testing.runnable_tiers()
    print(f"{'type':8s} " + " ".join(f"{t:>12s}" for t in tiers) + f" {'ggml':>6s}  (GB/s of weights, 1 thread)")
    for name in args.types:
        t = GGMLType[name]
        z = np.load(pathlib.Path(args.golden) / f"{name.lower()}.npz")
        q = z["quant"] if "quant" in z.files else z["quant_imatrix"]
        k = z["dequant"].shape[1]
        w = np.ascontiguousarray(np.tile(q, (8192 // q.shape[0], 1)))
        x = z["act"].astype(np.float32)
        out = np.empty(w.shape[0], np.float32)
        cells = []
        for tier in tiers:
            kern = _testing.kernels(tier)
            reps = 1 if tier == "ref" else args.reps
            best = float("inf")
            for _ in range(reps):
                t0 = time.perf_counter()
                kern.matmul(x, w, type=t, shape=(w.shape[0], k), threads=1, out=out)
                best = min(best, time.perf_counter() - t0)
            cells.append(f"{w.nbytes / best / 1e9:12.2f}")
        print(f"{name:8s} " + " ".join(cells) + f" {GGML[name]:6.1f}")


if __name__ == "__main__":
    main()
