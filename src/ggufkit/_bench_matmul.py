"""Matmul workloads shared by ``benchmarks/`` and the CLI: ``run(quick=False) -> list[dict]`` and
``format_table(rows)``.

Weights are made of real ggml-quantized blocks when the golden files are available (any block bytes
of the right type work for speed: the kernels do the same work whatever the values), else of random
bytes with sane fp16 scales. Figures:
- m = 1, 4096 x 4096 weight (fits in L3): GB/s of weight bytes, compared with ggml's vec_dot figure
  (single thread, /work/shared/baselines/ggml-cpu.md) where known and, when GGUFKIT_GGML_LIB names a
  build of ggml's CPU kernels, with ggml's vec_dot timed in the same run (see ``_ggml_vec_dot``);
- m = 1, 4096 x 14336 weights cycled, at least 256 MiB of them (far larger than L3): GB/s, next to a
  read-bandwidth baseline measured in the same run (numpy sum of a large array, and numpy float32 W @ x);
- m = 64 and 512: GFLOP/s (2 m n k / s) next to numpy float32 matmul on the dequantized weights.
Types with a repacked layout (``ggufkit.repack``) get a second m = 1 row, "<type> repacked", whose GB/s
counts the weight's bytes as the file holds them, so that it compares with the plain row and with ggml.
"""
from __future__ import annotations

import ctypes
import os
import time

import numpy as np

from ._types import GGMLType

# ggml 0.21 single-thread vec_dot, GB/s of weights (baselines/ggml-cpu.md)
GGML_VEC_DOT_GBS = {
    "F16": 35.2, "Q4_0": 18.5, "Q4_1": 20.4, "Q5_0": 20.7, "Q5_1": 20.3, "Q8_0": 32.4, "Q2_K": 20.3,
    "Q3_K": 15.7, "Q4_K": 29.1, "Q5_K": 24.2, "Q6_K": 38.3, "IQ2_XXS": 5.4, "IQ2_XS": 6.1, "IQ3_XXS": 5.8,
    "IQ1_S": 4.3, "IQ4_NL": 18.6, "IQ3_S": 5.5, "IQ2_S": 7.2, "IQ4_XS": 18.9, "IQ1_M": 5.2, "BF16": 30.3,
    "TQ1_0": 8.3, "TQ2_0": 20.4, "MXFP4": 17.5, "NVFP4": 13.9, "Q1_0": 6.3, "Q2_0": 0.8,
}
ALL_TYPES = list(GGML_VEC_DOT_GBS)
QUICK_TYPES = ["Q8_0", "Q4_0", "Q4_K", "Q6_K", "IQ4_XS", "IQ2_XS"]  # IQ2_XS: also shows a repacked row


def _golden_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    for d in (os.environ.get("GGUFKIT_SHARED", ""), "/work/shared"):
        if d and os.path.isdir(os.path.join(d, "golden")):
            return os.path.join(d, "golden")
    return None


def make_weight(name: str, n: int, k: int, rng) -> np.ndarray:
    """uint8 (n, row_bytes) of type `name`, tiled from golden blocks when available."""
    t = GGMLType[name]
    rb = t.row_bytes(k)
    g = _golden_dir()
    if g and os.path.exists(os.path.join(g, name.lower() + ".npz")):
        with np.load(os.path.join(g, name.lower() + ".npz")) as z:
            q = z["quant"] if "quant" in z.files else z["quant_imatrix"]
        blocks = q.reshape(-1, t.type_size)
        idx = rng.integers(0, blocks.shape[0], size=n * (k // t.block_size))
        return np.ascontiguousarray(blocks[idx].reshape(n, rb))
    if name == "F16":
        return rng.standard_normal((n, k)).astype(np.float16).view(np.uint8)
    raise RuntimeError("golden blocks not found; set GGUFKIT_SHARED")


def _time(fn, min_time=0.2, min_reps=3):
    fn()
    reps, t0 = 0, time.perf_counter()
    best = float("inf")
    while reps < min_reps or time.perf_counter() - t0 < min_time:
        s = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - s)
        reps += 1
    return best


def _ggml_vec_dot(name: str):
    """ggml's own vec_dot for `name`, from the library GGUFKIT_GGML_LIB names, or None.

    The library must export ggml's ``ggml_vec_dot_<type>_<dot type>`` (ggml's ``ggml-cpu/quants.c``,
    ``ggml-cpu/arch/<arch>/quants.c`` and ``ggml-quants.c``, built with ``-O3 -march=native``; for F16
    and BF16 ``ggml_vec_dot_f16`` / ``ggml_vec_dot_bf16`` from ``ggml-cpu/vec.cpp``; plus the
    three float tables ``ggml-cpu.c`` fills at start-up) and this loop, ggml's mul_mat for m = 1::

        void ggmlvd_rows(void *fn, int n, int64_t nrows, size_t row_bytes, const void *w,
                         const void *act, float *out) {
            void (*f)(int, float *, size_t, const void *, size_t, const void *, size_t, int) = fn;
            for (int64_t r = 0; r < nrows; r++)
                f(n, out + r, 0, (const char *)w + r * row_bytes, 0, act, 0, 1);
        }
    """
    path = os.environ.get("GGUFKIT_GGML_LIB")
    t = GGMLType[name]
    if not path or (t.block_size == 1 and name not in ("F16", "BF16")):
        return None
    try:
        lib = ctypes.CDLL(path)
    except OSError:
        return None
    def spelling(type_name):  # ggml spells types in lower case but keeps the K: q4_K, iq2_xxs
        low = type_name.lower()
        return low[:-2] + "_K" if low.endswith("_k") else low
    # F16/BF16: ggml_vec_dot_f16 / _bf16 (ggml-cpu/vec.cpp), the same call shape
    sym = (f"ggml_vec_dot_{spelling(name)}" if t.block_size == 1 else
           f"ggml_vec_dot_{spelling(name)}_{spelling(t.vec_dot_type.name)}")
    fn, loop = getattr(lib, sym, None), getattr(lib, "ggmlvd_rows", None)
    if fn is None or loop is None:
        return None
    loop.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int64, ctypes.c_size_t, ctypes.c_void_p,
                     ctypes.c_void_p, ctypes.c_void_p]
    loop.restype = None
    addr = ctypes.cast(fn, ctypes.c_void_p).value

    def run_rows(x_q: np.ndarray, w: np.ndarray, out: np.ndarray, k: int):
        loop(addr, k, w.shape[0], w.shape[1], w.ctypes.data, x_q.ctypes.data, out.ctypes.data)
    return run_rows


def _read_bandwidth(nbytes=256 << 20):
    a = np.ones(nbytes // 8, dtype=np.float64)
    t = _time(lambda: a.sum(), min_time=0.3)
    return nbytes / t / 1e9


def run(quick: bool = False, types=None, threads=(1, 2), parts=("l3", "big", "gemm")) -> list:
    """`parts` picks the workloads: "l3" (m = 1 in L3), "big" (m = 1 larger than L3), "gemm" (m = 64, 512)."""
    from . import matmul, repack
    rng = np.random.default_rng(0)
    types = types or (QUICK_TYPES if quick else ALL_TYPES)
    rows = []
    k = 4096
    n_l3 = 2048 if quick else 4096
    mt = 0.1 if quick else 0.3
    # --- m = 1, in L3
    x1 = rng.standard_normal(k).astype(np.float32)
    for name in (types if "l3" in parts else ()):
        w = make_weight(name, n_l3, k, rng)
        ggml_rows, ggml_now = _ggml_vec_dot(name), None
        for th in threads:
            t = _time(lambda: matmul(x1, w, type=name, shape=(n_l3, k), threads=th), mt)
            row = dict(bench="m=1 L3", type=name, threads=th, gbs=w.nbytes / t / 1e9,
                       ggml_gbs=GGML_VEC_DOT_GBS.get(name) if th == 1 else None)
            if th == 1 and ggml_rows is not None:
                from . import quantize
                x_q, out = quantize(x1, GGMLType[name].vec_dot_type), np.empty(n_l3, np.float32)
                # ours again right after ggml, and each keeps its best: both see the same machine
                tg = _time(lambda: ggml_rows(x_q, w, out, k), mt)
                t = min(t, _time(lambda: matmul(x1, w, type=name, shape=(n_l3, k), threads=th), mt))
                ggml_now = w.nbytes / tg / 1e9
                row.update(gbs=w.nbytes / t / 1e9, ggml_now_gbs=ggml_now)
            rows.append(row)
        rp = repack(w, type=name, shape=(n_l3, k))
        if rp.repacked:
            # GB/s of the weight's bytes as the file holds them (w.nbytes), comparable with the row above
            for th in threads:
                t = _time(lambda: matmul(x1, rp, threads=th), mt)
                rows.append(dict(bench="m=1 L3", type=name + " repacked", threads=th, gbs=w.nbytes / t / 1e9,
                                 ggml_gbs=GGML_VEC_DOT_GBS.get(name) if th == 1 else None,
                                 ggml_now_gbs=ggml_now if th == 1 else None))
    if "big" in parts:
        rows += _run_big(quick, types, threads, x1, rng, mt)
    if "gemm" in parts:
        rows += _run_gemm(quick, types, threads, rng, mt)
    return rows


def _run_big(quick, types, threads, x1, rng, mt):
    """m = 1 on weights larger than L3: 4096 x 14336 matrices (quick: 4096 x 8192) cycled, 256 MiB at least."""
    from . import matmul, repack
    rows, k = [], x1.shape[0]
    big_n, n_mats = (8192, 2) if quick else (14336, 3)
    # read-bandwidth reference: numpy's one-thread sum and BLAS's (multi-threaded) float32 W @ x over a
    # matrix larger than L3. The machine's bandwidth drifts (it is shared), so W @ x is timed again next
    # to every type and the better of the two at that moment stands for "the machine's read bandwidth".
    sum_bw = _read_bandwidth(64 << 20 if quick else 256 << 20)
    wf = rng.standard_normal((big_n, k)).astype(np.float32)

    def gemv_bw():
        return wf.nbytes / _time(lambda: wf @ x1, mt) / 1e9
    rows.append(dict(bench="baseline", type="numpy sum (read)", threads=1, gbs=sum_bw))
    rows.append(dict(bench="baseline", type="numpy f32 W@x", threads=None, gbs=gemv_bw()))
    for name in (["Q8_0", "Q4_0", "Q4_K"] if quick else types):
        # enough matrices that together they are 8x the 32 MiB L3: with only three of 30-60 MiB, part of
        # the set stayed in L3 and 2-thread figures read above the DRAM bandwidth
        one = make_weight(name, big_n, k, rng)
        count = max(n_mats, -(-(256 << 20) // one.nbytes))
        ws = [one] + [make_weight(name, big_n, k, rng) for _ in range(count - 1)]
        rps = [repack(w, type=name, shape=(big_n, k)) for w in ws]
        variants = [(name, ws, {"type": name, "shape": (big_n, k)}, {})]
        if rps[0].repacked:
            # GB/s of the file's bytes; the share of the read bandwidth counts the bytes really read
            variants.append((name + " repacked", rps, {}, {"read_factor": rps[0].nbytes / ws[0].nbytes}))
        for label, mats, kwargs, extra in variants:
            numpy_now = gemv_bw()
            for th in threads:
                t = _time_cycled(lambda w: matmul(x1, w, threads=th, **kwargs), mats, mt)
                # numpy streams 4 bytes per weight: its time for the same logical matrix is wf.nbytes/numpy_now
                rows.append(dict(bench="m=1 >L3", type=label, threads=th, gbs=ws[0].nbytes / t / 1e9,
                                 read_bw=max(sum_bw, numpy_now), numpy_speedup=(wf.nbytes / (numpy_now * 1e9)) / t,
                                 **extra))
        del rps
    return rows


def _time_cycled(call, items, mt):
    """Best time of call(item) with the items taken in turn (each goes cold before its next turn)."""
    state = {"i": 0}

    def step():
        call(items[state["i"] % len(items)])
        state["i"] += 1
    return _time(step, mt, min_reps=len(items) * 2)


def _run_gemm(quick, types, threads, rng, mt):
    """m = 64 and 512: GFLOP/s next to numpy's float32 matmul."""
    from . import matmul
    rows, k = [], 4096
    n_g = 1024 if quick else 4096
    for m in ((64,) if quick else (64, 512)):
        x = rng.standard_normal((m, k)).astype(np.float32)
        wf = rng.standard_normal((n_g, k)).astype(np.float32)
        flops = 2.0 * m * n_g * k
        t = _time(lambda: x @ wf.T, mt)
        rows.append(dict(bench=f"m={m}", type="numpy f32", threads=None, gflops=flops / t / 1e9))
        for name in (["Q8_0", "Q4_0", "Q4_K"] if quick else types):
            w = make_weight(name, n_g, k, rng)
            for th in threads:
                t = _time(lambda: matmul(x, w, type=name, shape=(n_g, k), threads=th), mt, 2)
                rows.append(dict(bench=f"m={m}", type=name, threads=th, gflops=flops / t / 1e9))
    return rows


def format_table(rows) -> str:
    out = []
    hdr = f"{'bench':9s} {'type':18s} {'thr':>3s} {'GB/s':>8s} {'GFLOP/s':>8s}  note"
    out.append(hdr)
    out.append("-" * len(hdr))
    for r in rows:
        note = ""
        if r.get("ggml_gbs"):
            note = f"ggml vec_dot {r['ggml_gbs']:.1f} GB/s -> x{r['gbs'] / r['ggml_gbs']:.2f}"
        if r.get("ggml_now_gbs"):
            note += f"; same run {r['ggml_now_gbs']:.1f} GB/s -> x{r['gbs'] / r['ggml_now_gbs']:.2f}"
        if r.get("read_bw"):
            f = r.get("read_factor", 1.0)
            note = f"{100 * r['gbs'] * f / r['read_bw']:.0f}% of read bw ({r['read_bw']:.1f} just before)"
            if f != 1.0:
                note += f", reading {f:.2f}x the file's bytes"
        if r.get("numpy_speedup"):
            note += f"; x{r['numpy_speedup']:.1f} numpy f32 W@x"
        gbs = f"{r['gbs']:8.2f}" if "gbs" in r else " " * 8
        gfl = f"{r['gflops']:8.1f}" if "gflops" in r else " " * 8
        th = str(r["threads"]) if r.get("threads") else "-"
        out.append(f"{r['bench']:9s} {r['type']:18s} {th:>3s} {gbs} {gfl}  {note}")
    return "\n".join(out)
