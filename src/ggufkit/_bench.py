"""`ggufkit bench`: run the benchmark workloads of every family and print their tables.

Each family keeps its workloads in ``_bench_<family>.py`` with ``run(quick=False) -> list[dict]`` and
``format_table(rows) -> str``; the pytest-benchmark suites in benchmarks/ use the same workloads.
Figures are measured side by side in one run (ours vs gguf-py vs a numpy bandwidth baseline), because
the machines this runs on are shared and noisy.
"""
from __future__ import annotations

import importlib
import time

FAMILIES = ("open", "dequant", "quant", "matmul")


def run(families=None, quick: bool = False, out=print) -> dict:
    """Run the chosen families (all by default) and print each table; returns {family: rows}."""
    from ._cpu import cpu_info

    info = cpu_info()
    out(f"ggufkit bench: active tier {info['active']}, threads {info['default_threads']}, "
        f"features {' '.join(info['features'])}")
    results = {}
    for fam in families or FAMILIES:
        if fam not in FAMILIES:
            raise ValueError(f"unknown benchmark family {fam!r}; known: {', '.join(FAMILIES)}")
        try:
            mod = importlib.import_module(f"ggufkit._bench_{fam}")
        except ImportError as e:
            out(f"\n[{fam}] not available: {e}")
            continue
        t0 = time.perf_counter()
        rows = mod.run(quick=quick)
        out(f"\n[{fam}] ({time.perf_counter() - t0:.1f} s)")
        out(mod.format_table(rows))
        results[fam] = rows
    return results
