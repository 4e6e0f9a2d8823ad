"""pytest-benchmark groups, one per type: ggufkit (1 and 2 threads), gguf-py's numpy quantizer where
it has one, and a numpy baseline (a float32 copy of the input: the memory traffic floor).

    python -m pytest benchmarks/bench_quantize.py --benchmark-min-rounds=3
"""
import numpy as np
import pytest

import ggufkit
from ggufkit import GGMLType
from ggufkit import _bench_quant as bq

ROWS = 64
TYPES = [t.name for t in bq.bench_types()]
X = bq.make_data(ROWS)
IM = bq.make_imatrix()


def _imatrix(name):
    return IM if GGMLType[name].requires_imatrix else None


@pytest.mark.parametrize("name", TYPES)
@pytest.mark.parametrize("threads", [1, 2])
def test_ggufkit(benchmark, name, threads):
    benchmark.group = f"quantize {name}"
    benchmark(ggufkit.quantize, X, name, imatrix=_imatrix(name), threads=threads)


@pytest.mark.parametrize("name", [n for n in TYPES if n in bq.GGUF_PY_TYPES])
def test_gguf_py(benchmark, name):
    gguf = pytest.importorskip("gguf")
    from gguf import quants
    benchmark.group = f"quantize {name}"
    x = X[:8]
    benchmark(quants.quantize, x, gguf.GGMLQuantizationType[name])


@pytest.mark.parametrize("name", TYPES)
def test_numpy_copy(benchmark, name):
    benchmark.group = f"quantize {name}"
    benchmark(np.copy, X)
