"""Private helpers for the test-suite: pick a kernel tier per call, without global state."""
from __future__ import annotations

from . import _core


def runnable_tiers() -> list:
    """Every kernel tier this binary has and this CPU runs, lowest first."""
    return list(_core.cpu_info_raw()["runnable"])


def tier_kernels(isa: str) -> dict:
    """{type name: {op: tier}} for one tier (which tier really serves each entry)."""
    return _core.tier_kernels(isa)


class Kernels:
    """The public operations, forced onto one kernel tier (``kernels("avx2").dequantize(...)``)."""

    def __init__(self, isa: str):
        _core.tier_kernels(isa)  # raises if the tier cannot run here
        self.isa = isa

    def __repr__(self) -> str:
        return f"Kernels({self.isa!r})"

    def dequantize(self, *args, **kwargs):
        from ._dequantize import dequantize
        return dequantize(*args, _isa=self.isa, **kwargs)

    def quantize(self, *args, **kwargs):
        from ._quantize import quantize
        return quantize(*args, _isa=self.isa, **kwargs)

    def matmul(self, *args, **kwargs):
        from ._matmul import matmul
        return matmul(*args, _isa=self.isa, **kwargs)


def kernels(isa: str) -> Kernels:
    return Kernels(isa)
