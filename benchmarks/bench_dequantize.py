"""pytest-benchmark groups for dequantize: per type, ggufkit (1 thread and all threads), gguf-py's numpy
dequantizer, and numpy filling an output-sized float32 array (the write-bandwidth ceiling).

    .venv/bin/python -m pytest benchmarks/bench_dequantize.py --benchmark-min-rounds=3
The tensor is 8192 x 4096 (134 MB of float32) unless GGUFKIT_BENCH_ROWS says otherwise.
"""
import os

import numpy as np
import pytest

import ggufkit
from ggufkit import GGMLType
from ggufkit._bench_dequant import COLS, make_data

ROWS = int(os.environ.get("GGUFKIT_BENCH_ROWS", 8192))
TYPES = ["F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K",
         "IQ2_XXS", "IQ3_S", "IQ4_XS", "IQ1_M", "TQ2_0", "MXFP4"]
IMPLS = ["ggufkit-1t", "ggufkit", "gguf-py", "numpy-fill"]

_cache = {}


def data_for(name):
    if name not in _cache:
        _cache.clear()
        _cache[name] = make_data(GGMLType[name], ROWS)
    return _cache[name]


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("name", TYPES)
def test_dequantize(benchmark, name, impl):
    t = GGMLType[name]
    data = data_for(name)
    out = np.empty((ROWS, COLS), np.float32)
    out.fill(1.0)
    benchmark.group = f"dequantize {name} {ROWS}x{COLS}"
    benchmark.extra_info["gb_out"] = out.nbytes / 1e9
    if impl == "ggufkit-1t":
        benchmark(ggufkit.dequantize, data, t, out.shape, out=out, threads=1)
    elif impl == "ggufkit":
        benchmark(ggufkit.dequantize, data, t, out.shape, out=out)
    elif impl == "gguf-py":
        gguf = pytest.importorskip("gguf")
        import gguf.quants
        benchmark.pedantic(gguf.quants.dequantize, args=(data, gguf.GGMLQuantizationType[name]), rounds=1)
    else:
        benchmark(out.fill, 1.0)
