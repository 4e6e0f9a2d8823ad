"""pytest-benchmark suite for matmul: ours (quantized and float activations), gguf-py's dequantize +
numpy, and numpy float32 on the dequantized weight, in one group per workload.

    .venv/bin/python -m pytest benchmarks/bench_matmul.py --benchmark-min-rounds=3 -q
"""
import numpy as np
import pytest

import ggufkit
from ggufkit import GGMLType
from ggufkit._bench_matmul import make_weight

TYPES = ["Q8_0", "Q4_0", "Q4_K", "Q6_K", "IQ4_XS", "Q2_K"]
K, N = 4096, 4096


@pytest.fixture(scope="module", params=TYPES)
def weight(request):
    rng = np.random.default_rng(0)
    name = request.param
    w = make_weight(name, N, K, rng)
    wf = ggufkit.dequantize(w, name, (N, K)) if hasattr(ggufkit, "dequantize") else None
    return name, w, np.asarray(wf, dtype=np.float32).reshape(N, K)


@pytest.mark.parametrize("m", [1, 64])
def test_ggufkit_quantized(benchmark, weight, m):
    name, w, _ = weight
    benchmark.group = f"matmul {name} m={m}"
    x = np.random.default_rng(1).standard_normal((m, K)).astype(np.float32)
    benchmark(ggufkit.matmul, x, w, type=name, shape=(N, K))


@pytest.mark.parametrize("m", [1, 64])
def test_ggufkit_float_activations(benchmark, weight, m):
    name, w, _ = weight
    benchmark.group = f"matmul {name} m={m}"
    x = np.random.default_rng(1).standard_normal((m, K)).astype(np.float32)
    benchmark(ggufkit.matmul, x, w, type=name, shape=(N, K), activations="float")


@pytest.mark.parametrize("m", [1, 64])
def test_numpy_float32_on_dequantized(benchmark, weight, m):
    name, _, wf = weight
    benchmark.group = f"matmul {name} m={m}"
    x = np.random.default_rng(1).standard_normal((m, K)).astype(np.float32)
    benchmark(lambda: x @ wf.T)


@pytest.mark.parametrize("m", [1])
def test_ggufpy_dequantize_then_numpy(benchmark, weight, m):
    gguf = pytest.importorskip("gguf")
    name, w, _ = weight
    benchmark.group = f"matmul {name} m={m}"
    qt = gguf.GGMLQuantizationType[name]
    x = np.random.default_rng(1).standard_normal((m, K)).astype(np.float32)
    benchmark.pedantic(lambda: x @ gguf.quants.dequantize(w, qt).reshape(N, K).T, rounds=2, iterations=1)
