"""pytest-benchmark: open a GGUF file and read every metadata key and tensor info.
ggufkit vs gguf-py's GGUFReader vs a numpy baseline (np.memmap of the file, no parsing), one group.

    python -m pytest benchmarks/bench_open.py --benchmark-min-rounds=3

The file (32,000 tokens, ~0.1 GB sparse tensor data; GGUFKIT_BENCH_VOCAB to change) is generated once.
For the full 256,000-token comparison with peak RSS, run benchmarks/table_open.py."""
import os

import numpy as np
import pytest

import ggufkit
from ggufkit._bench_open import make_file

N_VOCAB = int(os.environ.get("GGUFKIT_BENCH_VOCAB", "32000"))


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = tmp_path_factory.mktemp("open") / "bench.gguf"
    make_file(p, N_VOCAB, 10**8)
    return str(p)


def _ggufkit(path):
    with ggufkit.open(path) as f:
        vals = [f.metadata[k] for k in f.metadata]
        infos = [(t.name, t.type, t.shape, t.offset) for t in f.tensors.values()]
    return len(vals) + len(infos)


def _gguf_py(path):
    from gguf import GGUFReader
    r = GGUFReader(path)
    return len(r.fields) + len([(t.name, t.tensor_type, t.shape, t.data_offset) for t in r.tensors])


def _numpy_memmap(path):
    m = np.memmap(path, mode="r")
    return int(m[:4].sum())


@pytest.mark.benchmark(group="open")
def test_open_ggufkit(benchmark, path):
    assert benchmark(_ggufkit, path) > 0


@pytest.mark.benchmark(group="open")
def test_open_gguf_py(benchmark, path):
    assert benchmark.pedantic(_gguf_py, args=(path,), rounds=2, iterations=1) > 0


@pytest.mark.benchmark(group="open")
def test_open_numpy_memmap_baseline(benchmark, path):
    assert benchmark(_numpy_memmap, path) > 0
