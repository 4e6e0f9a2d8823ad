"""cpu_info(): what the CPU has and which kernel tier serves each type and op."""
from __future__ import annotations

import os
import warnings

from . import _core


def cpu_info() -> dict:
    """The detected CPU features, the compiled and runnable kernel tiers, the ceiling set by
    ``GGUFKIT_ISA``, the active tier, and for each type the tier that serves each op
    (``dequantize``, ``quantize``, ``vec_dot``, ``gemm``; None where no kernel exists)."""
    return _core.cpu_info_raw()


def _warn_about_ceiling() -> None:
    """GGUFKIT_ISA names an unknown tier or one this CPU cannot run: say so once, at import."""
    want = os.environ.get("GGUFKIT_ISA")
    if not want:
        return
    info = _core.cpu_info_raw()
    if want not in _core.isa_names():
        warnings.warn(f"GGUFKIT_ISA={want!r} is not a known tier ({', '.join(_core.isa_names())}); ignored",
                      RuntimeWarning, stacklevel=3)
    elif want not in info["runnable"]:
        warnings.warn(f"GGUFKIT_ISA={want!r} cannot run on this CPU; using {info['active']!r}",
                      RuntimeWarning, stacklevel=3)
